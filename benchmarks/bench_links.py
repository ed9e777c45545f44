"""What readers' corrections cost a comparison (issue 14): the seed event's comparison,
served from the store's cache, read with no corrections and with one verdict on every
sentence of the shorter report. Prints milliseconds per read (median of --repeat rounds
of --reads reads each) as JSON.

    python benchmarks/bench_links.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framing.alignment.embedder import LazyEmbedder  # noqa: E402
from framing.links import record_correction  # noqa: E402
from framing.report import analyse_events, comparison_report  # noqa: E402
from framing.sample import load_sample_corpus  # noqa: E402
from framing.store import open_store  # noqa: E402


def per_read(store, ids: list[str], embedder, reads: int) -> float:
    start = time.perf_counter()
    for _ in range(reads):
        comparison_report(store, ids, embedder)
    return (time.perf_counter() - start) / reads * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="framing-bench-links-")) / "bench.db"
    load_sample_corpus(db)
    embedder = LazyEmbedder()
    with open_store(db) as store:
        event = max(analyse_events(store, embedder), key=lambda e: len(e["articles"]))
        ids = event["articles"][:2]
        shorter = min(len(store.article(i)["sentences"]) for i in ids)
    other = db.with_name("corrected.db")
    shutil.copy(db, other)
    with open_store(other) as store:
        for n in range(shorter):
            record_correction(store, (ids[0], n), (ids[1], n), "added" if n % 2 else "rejected")
    # Rounds alternate between the two databases, so a change in the machine's load
    # (it is shared) falls on both alike.
    plain, corrected = [], []
    with open_store(db) as bare, open_store(other) as fixed:
        for _ in range(args.repeat):
            plain.append(per_read(bare, ids, embedder, args.reads))
            corrected.append(per_read(fixed, ids, embedder, args.reads))
    print(
        json.dumps(
            {
                "corrections": shorter,
                "ms_per_read_without": round(statistics.median(plain), 1),
                "ms_per_read_with": round(statistics.median(corrected), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
