"""A local HTTP server with the pages a fetch test needs: real article pages built from the
seed texts, redirects (to a private address, a link-local one, in a loop), a slow page, a
huge page, a non-HTML response and a gzip bomb. Loopback only; nothing reaches the internet."""

from __future__ import annotations

import gzip
import html
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "corpus" / "seeds"
PAGE_VERSIONS = {"live": 0}  # a test sets the version the live page serves


def article_page(seed: str, site: str, canonical: str, published: str, extra: str = "") -> bytes:
    """A news page around a seed text: menu, the article, a footer, and its metadata."""
    [path] = SEEDS.glob(f"{seed}_*.txt")
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("date ")]  # the saver's header
    title, paragraphs = lines[0], lines[1:]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in [*paragraphs, extra] if p and p != title)
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<link rel="canonical" href="{html.escape(canonical)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="article:published_time" content="{published}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{html.escape(title)}</h1>
{body}
</article>
<footer>© {html.escape(site)}. All rights reserved.</footer>
</body></html>""".encode()


class Pages(BaseHTTPRequestHandler):
    """Routes by path; ``server.base`` is the server's own http://127.0.0.1:PORT."""

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        return

    def _send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        base = self.server.base  # type: ignore[attr-defined]
        path = self.path
        if path == "/news/ru.html":
            page = article_page("001", "Comments.ua", f"{base}/news/ru-canonical", "2024-11-07")
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/news/en.html":
            page = article_page("002", "Sputnik", f"{base}/news/en", "2024-11-07")
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/news/claims-tass.html":
            page = article_page("002", "Sputnik", "https://tass.ru/politika/1", "2024-11-07")
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/news/cp1251.html":
            page = article_page("001", "Sputnik", f"{base}/news/cp1251.html", "2024-11-07")
            text = page.decode().replace('charset="utf-8"', 'charset="windows-1251"')
            self._send(200, text.encode("cp1251"), "text/html; charset=windows-1251")
        elif path == "/news/ru-updated.html":  # the seed with a paragraph added: a new text
            update = "Обновлено: в Кремле добавили, что график президента пока не составлен."
            page = article_page(
                "001", "Comments.ua", f"{base}/news/ru-updated.html", "2024-11-07", update
            )
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/news/live.html":  # a live page: its text depends on PAGE_VERSIONS
            update = (
                "Обновлено в 15:00: Песков ответил на новые вопросы журналистов."
                * (PAGE_VERSIONS["live"])
            )
            page = article_page("001", "Sputnik", f"{base}/news/live.html", "2024-11-07", update)
            self._send(200, page, "text/html; charset=utf-8")
        elif path == "/moved":
            self._redirect("/news/ru.html")
        elif path == "/to-private":
            self._redirect("http://10.11.12.13/admin")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-other-loopback":
            self._redirect(f"http://127.0.0.2:{self.server.server_port}/news/ru.html")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/file.txt")
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(60):  # a byte every 0.1 s: the whole page takes 6 s
                    self.wfile.write(b"<p>")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/huge":  # no Content-Length: the size shows only while reading
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 2**20))
            self.end_headers()
        elif path == "/bomb":
            body = gzip.compress(b"<p>" + b"a" * (20 * 2**20))
            self._send(200, body, "text/html", Content_Encoding="gzip")
        elif path == "/photo.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
        elif path == "/data.json":
            self._send(200, b'{"text": "not a page"}', "application/json")
        elif path == "/empty.html":
            page = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
            self._send(200, page, "text/html")
        else:
            self._send(404, b"not here", "text/plain")


@contextmanager
def page_server(tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve :class:`Pages` on 127.0.0.1 at a free port (over TLS with ``tls``); yields its
    base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    server.daemon_threads = True
    scheme = "https" if tls else "http"
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.base = f"{scheme}://127.0.0.1:{server.server_port}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
