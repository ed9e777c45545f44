"""Where a compare-your-own request goes: per-step CPU seconds, in process.

Runs :func:`framing.report.comparison_report` on a scratch store as ``webapp/own.py`` does
(``same_event=True``), over bench_own's article pairs: one warm-up pair (the models load),
then ``--pairs`` pairs under cProfile with a process-CPU clock, so each step's figure is
the CPU of every thread (the encoders' native threads included) while it ran. Prints the
wall and CPU seconds of the profiled requests and a table of the steps named in
:data:`STEPS` (cumulative, so a step's figure holds the steps it calls).

Usage: python benchmarks/profile_own.py [--pairs 3] [--top 0]
(``--top N`` also prints the N costliest functions by cumulative CPU.)
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_own import article_pair, load, sentences  # noqa: E402

# (label, module file suffix, function name): cumulative CPU of each, in the table.
STEPS = [
    ("the request (comparison_report)", "framing/report/__init__.py", "comparison_report"),
    ("sentence pass (prepare: embed_texts)", "framing/compare.py", "prepare"),
    ("candidate score (PairScorer)", "framing/alignment/pair_scores.py", "__call__"),
    ("  merged units (merge_scores, encoded)", "pair_scores.py", "merge_scores"),
    ("  word score's states (sentence_words)", "pair_scores.py", "sentence_words"),
    ("phrase insertions and quote fidelity", "phrase_analysis.py", "insertions_and_quotes"),
    ("per-article analysis (article_analysis)", "framing/report/__init__.py", "article_analysis"),
    ("  deep detector (token_probabilities)", "framing/wording/detector.py", "token_probabilities"),
    ("  lexicon (find_loaded)", "framing/wording/lexicon.py", "find_loaded"),
    ("ingest (split, store)", "framing/ingest.py", "ingest"),
]


def request(texts: tuple[str, str]) -> None:
    from framing.alignment.embedder import LazyEmbedder
    from framing.ingest import ingest
    from framing.report import comparison_report
    from framing.store import open_store
    from framing.text.readers import RawInput

    embedder = _EMBEDDER.setdefault("e", LazyEmbedder())
    with tempfile.TemporaryDirectory() as scratch, open_store(Path(scratch) / "own.db") as store:
        raws = [RawInput(f"Article {k}", t) for k, t in enumerate(texts, 1)]
        ids = [str(r.article_id) for r in ingest(raws, store)]
        comparison_report(store, ids, embedder, same_event=True)


_EMBEDDER: dict[str, object] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    print(f"load at start: {load()}")
    ru, en = sentences("ru"), sentences("en")
    request(article_pair(args.pairs + 1, ru, en))  # warm-up: the models load
    profile = cProfile.Profile(time.process_time)
    wall, cpu = time.perf_counter(), time.process_time()
    profile.enable()
    for run in range(args.pairs):
        request(article_pair(run, ru, en))
    profile.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    each = cpu / args.pairs
    print(f"{args.pairs} requests: {wall:.2f} s wall, {cpu:.2f} CPU-s ({each:.2f} a request)")
    stats = pstats.Stats(profile)
    found: dict[tuple[str, str], float] = {}
    for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for _label, suffix, wanted in STEPS:
            if name == wanted and file.endswith(suffix):
                found[(suffix, wanted)] = found.get((suffix, wanted), 0.0) + cumulative
    print("| step | CPU-s a request | share |")
    print("|---|---|---|")
    for label, suffix, wanted in STEPS:
        seconds = found.get((suffix, wanted), 0.0) / args.pairs
        print(f"| {label} | {seconds:.2f} | {100 * seconds * args.pairs / cpu:.0f} % |")
    if args.top:
        stats.sort_stats("cumulative").print_stats(args.top)
    print(f"load at end: {load()}")


if __name__ == "__main__":
    main()
