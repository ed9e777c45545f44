"""Benchmark of `framing score --engine dask` (`make bench`): the same articles scored by
the local engine with 1 worker and by the Dask engine on a local cluster of 1 and 2
workers, each a separate `framing score -` process as a user runs it (JSON Lines on stdin),
timed whole: start-up, cluster start and shut-down included. Checks that every engine
writes the same records. Articles: the annotated data sets' texts, as bench_score.py
builds them (read by path, never copied)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_score import records

FRAMING = str(Path(sys.executable).with_name("framing"))
CONFIGS = (("local", 1), ("dask", 1), ("dask", 2))


def cpu_seconds() -> float:
    """CPU time of finished children and theirs (dask's nannies reap their workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(path: str, engine: str, workers: int) -> tuple[float, bytes, int, float]:
    command = [FRAMING, "score", "-", "-s", "--engine", engine, "--workers", str(workers)]
    cpu = cpu_seconds()
    start = time.perf_counter()
    with open(path, "rb") as stdin:
        done = subprocess.run(command, stdin=stdin, capture_output=True, check=False)
    return time.perf_counter() - start, done.stdout, done.returncode, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the median is shown")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for record in records(args.articles):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        path = handle.name
    timings: dict[tuple[str, int], list[tuple[float, bytes, int, float]]] = {c: [] for c in CONFIGS}
    startup: dict[tuple[str, int], float] = {}
    try:
        # Rounds interleave the engines, so a neighbour's load spike hits them alike.
        for _ in range(args.repeat):
            for engine, workers in CONFIGS:
                timings[engine, workers].append(run_once(path, engine, workers))
        for engine, workers in CONFIGS:
            startup[engine, workers] = run_once(os.devnull, engine, workers)[0]
    finally:
        os.unlink(path)
    rows = []
    outputs = {r[1] for runs in timings.values() for r in runs}
    for (engine, workers), runs in timings.items():
        seconds = statistics.median(r[0] for r in runs)
        scored = len(runs[0][1].splitlines())
        rate = scored / seconds
        cpu = statistics.median(r[3] for r in runs)
        rows.append(
            {
                "engine": engine,
                "workers": workers,
                "scored": scored,
                "seconds": round(seconds, 1),
                "articles_per_s": round(rate, 2),
                "articles_per_s_per_worker": round(rate / workers, 2),
                # All processes' CPU time: on a shared machine the wall time depends on the
                # neighbours' load, this much less; its growth is the engine's overhead.
                "cpu_seconds": round(cpu, 1),
                # How many cores the run got: below the worker count, neighbours took the rest.
                "cores_used": round(cpu / seconds, 2),
                # A run over no input: process start, plus for dask the cluster start, the
                # workers' warm-up (registry, all lexicons) and shut-down.
                "empty_input_seconds": round(startup[engine, workers], 1),
                "exit_status": runs[0][2],
            }
        )
    base = rows[0]["articles_per_s"]
    for row in rows:
        row["ratio_to_local_1"] = round(row["articles_per_s"] / base, 2)
    report = {
        "articles": args.articles,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        # Refusals (exit status 1) are expected: short Telegram posts with no article text.
        "identical_output": len(outputs) == 1,
        "runs": rows,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
