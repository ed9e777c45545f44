"""Benchmark of batch scoring (`make bench`): 1,000 realistic articles through
`framing score`, as a user runs it (JSON Lines on stdin, a separate process), timing the
whole run and reading its peak memory. Articles are the annotated data sets' texts, read
by path and never copied."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "loaded-language"
FILES = ("semeval2023_ru.jsonl", "semeval2023_en.jsonl", "ptc2020_en.jsonl", "unlp2025_uk_ru.jsonl")


def records(n: int, data: Path = DATA) -> list[dict]:
    streams = []
    for name in FILES:
        lines = (data / name).read_text("utf-8").splitlines()
        streams.append(json.loads(line) for line in lines)
    out: list[dict] = []
    for stream in cycle(streams):
        item = next(stream, None)
        if item is not None:
            out.append({"id": item["id"], "text": item["text"], "lang": item["lang"]})
        if len(out) >= n:
            return out
    return out


def tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and all its descendants (Linux /proc), in MiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    page = resource.getpagesize()
    return sum(rss.get(pid, 0) for pid in tree) * page / 2**20


def run(
    n: int,
    workers: int,
    model: bool,
    data: Path = DATA,
    detector: str = "deep",
    keep: Path | None = None,
) -> dict:
    batch = records(n, data)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        for record in batch:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        path = handle.name
    command = [
        str(Path(sys.executable).with_name("framing")),
        "score",
        "-",
        "--workers",
        str(workers),
    ] + (["--detector", detector] if model else ["--no-suggestions"])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with open(path, "rb") as stdin:
        process = subprocess.Popen(
            command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        total = [0.0]

        def sample() -> None:  # the sum over the main process and its workers, twice a second
            while process.poll() is None:
                total[0] = max(total[0], tree_rss_mib(process.pid))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stdout, _ = process.communicate()
        sampler.join()
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if keep is not None:  # the records themselves: two checkouts' outputs, compared
        keep.write_bytes(stdout)
    lines = stdout.decode().splitlines()
    return {
        "articles": n,
        "scored": len(lines),
        "workers": workers,
        "model": model,
        "detector": detector if model else None,
        "seconds": round(elapsed, 1),
        "articles_per_min": round(60 * len(lines) / elapsed),
        # ru_maxrss of children is the largest single child (the main process or one
        # worker) of this whole run: run each configuration in a fresh benchmark process.
        "peak_rss_mib_largest_process": round(max(peak, before) / 1024, 1),
        "peak_rss_mib_all_processes": round(total[0], 1),
        "exit_status": process.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DATA, help="the annotated data sets' folder")
    parser.add_argument(
        "--no-suggestions",
        action="store_true",
        help="lexicon only; the default, like `framing score`, adds the detector's suggestions",
    )
    parser.add_argument(
        "--detector",
        choices=("deep", "quick", "shared"),
        default="deep",
        help="the detector behind suggestions (framing score --detector)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="write the records (framing score's stdout) to this file, to compare two checkouts",
    )
    args = parser.parse_args()
    model = not args.no_suggestions
    figures = run(args.articles, args.workers, model, args.data, args.detector, args.keep)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
