"""Web app benchmarks (make bench):

1. The cached event comparison page under load: `wrk` with 20 connections for 60 s on
   loopback against `framing serve` (waitress), reporting the median and p95 latency and the
   error count. Target: p95 <= 50 ms, 0 errors.
2. A fresh compare-your-own of two 40-sentence articles (Russian and English, sentences from
   the Tatoeba pairs in ../shared/data/parallel): median wall time of POST /api/compare over
   5 different pairs, model already loaded. Target: <= 1.5 s.

Usage: python benchmarks/bench_web.py [--seconds 60] [--connections 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT.parent / "shared" / "data" / "parallel" / "tatoeba_rus-eng.tsv"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %f %f %f\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.load(response)


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"POST {url}: {error.code} {error.read().decode()}")


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(600):
        if server.poll() is not None:
            sys.exit(f"framing serve exited with {server.returncode}")
        try:
            get(base + "/api/articles")
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("framing serve did not come up")


def articles(offset: int, size: int = 40) -> tuple[str, str]:
    lines = PAIRS.read_text("utf-8").splitlines()[offset : offset + size]
    pairs = [line.split("\t")[:2] for line in lines]
    return " ".join(ru for ru, _ in pairs), " ".join(en for _, en in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="framing-bench-web-"))
    db, port = work / "bench.db", free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FRAMING_SECRET_KEY": "bench-" + os.urandom(16).hex()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    # This checkout's code, with the venv's framing script or this interpreter (a worktree).
    script = ROOT / ".venv/bin/framing"
    framing = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from framing.cli.main import cli; cli()"]
    )
    server = subprocess.Popen(
        [*framing, "serve", "--db", str(db), "--load-sample", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(base, server)
        event = next(e for e in get(base + "/api/events")["events"] if len(e["articles"]) > 1)
        page = f"{base}/events/{event['id']}"
        started = time.perf_counter()
        urllib.request.urlopen(page, timeout=300).read()
        first = time.perf_counter() - started
        # A page whose comparison the background analysis has not stored yet answers 202
        # ("analysing"); the figure below is for the finished page.
        while urllib.request.urlopen(page, timeout=300).status == 202:
            time.sleep(1)
        script = work / "report.lua"
        script.write_text(LUA)
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s",
             "--timeout", "10s", "-s", str(script), page],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()
        requests, socket_errors, status_errors = map(int, fields[1:4])
        p50, p95, p99 = map(float, fields[5:8])
        print(f"event page, first (page-cache miss) view: {first:.2f} s")
        print(
            f"event page, cached, {args.connections} connections x {args.seconds} s: "
            f"{requests} requests ({requests / args.seconds:.0f}/s), median {p50:.1f} ms, "
            f"p95 {p95:.1f} ms, p99 {p99:.1f} ms, errors {socket_errors + status_errors}"
        )
        post(base + "/api/compare", {"texts": list(articles(0, 10))})  # loads the model
        times = []
        for run in range(5):
            ru, en = articles(200 + 40 * run)
            started = time.perf_counter()
            result = post(base + "/api/compare", {"texts": [ru, en]})
            times.append(time.perf_counter() - started)
            assert result["ok"], result
        sentences = [len(a["sentences"]) for a in result["comparison"]["articles"]]
        print(
            f"compare-your-own, two articles of {sentences} sentences, fresh: median "
            f"{statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
