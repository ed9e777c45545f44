"""Compare-your-own of two 40-sentence news articles, and the aligner's own share (make bench).

1. The web path: ``framing serve`` on loopback, model loaded (one warm-up post), then
   POST /api/compare of two fresh 40-sentence articles (Russian and English news sentences
   from the NTREX documents in ../shared/data/parallel, 40 consecutive sentences each, the
   two sides from different documents' windows so the pair is comparable news, not a
   translation). Median wall time over 5 pairs. Target (issue 12): <= 2 s on 2 cores.
   Also the server's CPU seconds per request (all its threads, from /proc on Linux): a
   figure other jobs on the machine disturb much less than the wall time.
2. In process, on the last pair: the candidate score (clause units and word alignment,
   :mod:`framing.alignment.pair_scores`, for the sentences left without a link as
   ``compare`` asks it; no vector cache, so every run encodes its units with the encoder
   ``clause_encoder`` names: the comparison's own, run as ``encoder_runtime`` says: bf16
   on a CPU with native bf16, else the fp32 ONNX graph) and ``align()`` on the 40 x 40
   matrix, medians.

Quote the machine load with the figures: `uptime` is printed at the start and the end.

Usage: python benchmarks/bench_own.py [--runs 5] [--web-only]

(``--web-only`` with ``PYTHONPATH`` at another checkout measures that checkout's server the
same way, for a ratio within one run; ``FRAMING_ENCODER_RUNTIME=onnx`` or ``bf16`` in the
environment compares the encoder runtimes of one checkout.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import free_port, wait_until_up  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT.parent / "shared" / "data" / "parallel" / "ntrex128_news_en_ru_uk.jsonl"
SIZE = 40


def post(url: str, body: dict, timeout: float = 900) -> dict:
    """POST JSON; the first post loads the model, slowly on a loaded machine."""
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def sentences(lang: str) -> list[str]:
    with NTREX.open(encoding="utf-8") as lines:
        return [json.loads(line)[lang] for line in lines]


def article_pair(run: int, ru: list[str], en: list[str]) -> tuple[str, str]:
    """Russian sentences start..start+40 against English ones shifted by 10: 30 shared
    translations, 10 sentences only on each side."""
    start = 400 + 2 * SIZE * run
    return " ".join(ru[start : start + SIZE]), " ".join(en[start + 10 : start + 10 + SIZE])


def load() -> str:
    return os.popen("uptime").read().strip()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (every thread), or None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(ru: str, en: str, runs: int) -> tuple[float, float, int, int]:
    """Medians (ms) of the candidate score and of align() for one article pair."""
    from framing.alignment.align import align, alignment_settings
    from framing.alignment.guard import sentence_guard
    from framing.alignment.pair_scores import candidate_scores
    from framing.compare import prepare
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    with tempfile.TemporaryDirectory() as scratch, open_store(Path(scratch) / "b.db") as store:
        ids = [
            r.article_id for r in ingest([RawInput("ru.txt", ru), RawInput("en.txt", en)], store)
        ]
        analysis = prepare(store, ids, None)
        a, b = analysis.articles
        z = analysis.z(a, b)
        guard = sentence_guard(a.sentences, a.lang, b.sentences, b.lang)
        settings = alignment_settings()
        score_times, align_times = [], []
        first = align(z, settings, True, guard)  # as compare: units for the unlinked only
        for _ in range(runs):
            started = time.perf_counter()
            ranked = candidate_scores(
                a, b, z, analysis.calibration, analysis.embedder, None, None,
                first.only_a, first.only_b,
            )  # fmt: skip
            score_times.append(time.perf_counter() - started)
        for _ in range(20 * runs):
            started = time.perf_counter()
            align(z, settings, True, guard, ranked)
            align_times.append(time.perf_counter() - started)
        return (
            1000 * statistics.median(score_times),
            1000 * statistics.median(align_times),
            len(a.sentences),
            len(b.sentences),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--web-only", action="store_true", help="skip the in-process figures (another checkout)"
    )
    args = parser.parse_args()
    print(f"load at start: {load()}")
    ru, en = sentences("ru"), sentences("en")
    work = Path(tempfile.mkdtemp(prefix="framing-bench-own-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FRAMING_SECRET_KEY": os.urandom(32).hex()}
    log = (work / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-c", "from framing.cli.main import cli; cli()", "serve",
         "--db", str(work / "bench.db"), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        try:
            wait_until_up(base, server)
        except SystemExit:
            print((work / "serve.log").read_text()[-2000:], file=sys.stderr)
            raise
        post(base + "/api/compare", {"texts": list(article_pair(args.runs + 1, ru, en))})
        times, shown, cpu = [], [], []
        for run in range(args.runs):
            before = cpu_seconds(server.pid)
            started = time.perf_counter()
            result = post(base + "/api/compare", {"texts": list(article_pair(run, ru, en))})
            times.append(time.perf_counter() - started)
            after = cpu_seconds(server.pid)
            if before is not None and after is not None:
                cpu.append(after - before)
            assert result["ok"], result
            shown.append(len(result["comparison"]["pairs"][0]["links"]))
        counts = [len(a["sentences"]) for a in result["comparison"]["articles"]]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"compare-your-own (POST /api/compare), two fresh articles of {counts} sentences, "
        f"model loaded: median {statistics.median(times):.2f} s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)}; links shown {shown}); target <= 2 s"
    )
    if cpu:
        print(
            f"server CPU per request: median {statistics.median(cpu):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in cpu)})"
        )
    if args.web_only:
        return
    score_ms, align_ms, n, m = in_process(*article_pair(args.runs - 1, ru, en), args.runs)
    print(
        f"in process, {n} x {m} sentences: candidate score (clauses + words) median "
        f"{score_ms:.0f} ms, align() median {align_ms:.1f} ms"
    )
    print(f"load at end: {load()}")


if __name__ == "__main__":
    main()
