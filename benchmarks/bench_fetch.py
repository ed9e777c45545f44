"""Benchmark of links as input (`make bench`): a typical news page fetched from a local
HTTP server and analysed, step by step, as `framing compare URL URL` does it.

The page is a seed article (ru, and its en counterpart) inside a realistic page shell of
about 300 KB: inline scripts and styles, a menu of 120 links, a sidebar of related
headlines, a footer. Served from 127.0.0.1 (the fetcher's setting lets loopback through),
so the figure is the fetcher's own cost plus the analysis, not the network's. Each repeat
uses a fresh store, so nothing is cached but the loaded model.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"


def news_page(seed: str, site: str) -> bytes:
    [path] = SEEDS.glob(f"{seed}_*.txt")
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("date ")]
    title, body = lines[0], "\n".join(f"<p>{html.escape(p)}</p>" for p in lines[1:])
    script = "<script>" + "var tracker = {a: 1, b: [1, 2, 3]};" * 3000 + "</script>"
    style = "<style>" + ".c{color:#123;margin:0 auto;padding:1px}" * 2000 + "</style>"
    menu = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(120))
    related = "".join(
        f'<li><a href="/news/{i}">Related headline number {i} about something</a></li>'
        for i in range(40)
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8">
<title>{html.escape(title)}</title><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="2024-11-07T12:00:00+03:00">
{style}{script}</head><body><header><nav><ul>{menu}</ul></nav></header>
<main><article><h1>{html.escape(title)}</h1>{body}</article>
<aside><h2>Read also</h2><ul>{related}</ul></aside></main>
<footer><p>© {site}. All rights reserved.</p>{script}</footer></body></html>"""
    return page.encode()


def serve(pages: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802
            body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["FRAMING_FETCH_ALLOWED_NETWORKS"] = "127.0.0.1/32"

    from framing.alignment.embedder import load_embedder
    from framing.compare import compare
    from framing.ingest import ingest
    from framing.report import article_analysis
    from framing.store import open_store
    from framing.text.fetch import fetch, to_input

    pages = {"/ru.html": news_page("001", "Komentarii"), "/en.html": news_page("002", "Sputnik")}
    server, base = serve(pages)
    model = load_embedder()
    model.encode(["warm-up"])  # model loading is not part of a request
    steps: dict[str, list[float]] = {}

    def timed(name: str, func, *a, **kw):
        start = time.perf_counter()
        out = func(*a, **kw)
        steps.setdefault(name, []).append(time.perf_counter() - start)
        return out

    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as scratch, open_store(Path(scratch) / "b.db") as store:
            total = time.perf_counter()
            ids = []
            for path in ("/ru.html", "/en.html"):
                page = timed("fetch", fetch, base + path)
                [result] = timed(
                    "extract, clean, segment, store", list, ingest([to_input(page)], store)
                )
                assert result.status == "added", result
                ids.append(result.article_id)
                timed("highlights and figures", article_analysis, store, store.article(ids[-1]))
            timed("compare the two (embed + align + phrases)", compare, store, ids, model)
            steps.setdefault("total: 2 pages fetched and compared", []).append(
                time.perf_counter() - total
            )
    server.shutdown()
    sizes = ", ".join(f"{len(body) / 1024:.0f} KB" for body in pages.values())
    print(f"pages: {sizes}; repeats: {args.repeat}; load average: {os.getloadavg()[0]:.1f}")
    print("| step | median | min |")
    print("|---|---|---|")
    for name, values in steps.items():
        print(
            f"| {name} | {statistics.median(values) * 1000:.1f} ms | {min(values) * 1000:.1f} ms |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
