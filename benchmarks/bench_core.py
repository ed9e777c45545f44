"""Benchmark of the cross-lingual core (run with `make bench`).

Measures, in one run on the same news sentences:
  * the raw model encode rate (sentences/s);
  * the pipeline rate: embedding through the store cache + event grouping + alignment,
    and its ratio to the raw rate (target >= 0.8: the pipeline adds little to the model);
  * a cached re-run (vectors and analyses cached) and its speed-up (target >= 20x);
  * peak RSS of the process.
News sentences come from the annotated data sets' articles (read by path, never copied).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framing.alignment.embedder import load_embedder  # noqa: E402
from framing.compare import compare, group_stored_events  # noqa: E402
from framing.ingest import ingest  # noqa: E402
from framing.store import open_store  # noqa: E402
from framing.text.readers import RawInput  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "loaded-language"


def news_articles(limit_sentences: int) -> list[RawInput]:
    """Articles from SemEval ru/en, in turn, until about ``limit_sentences`` sentences."""
    from framing.text.segment import split_sentences

    streams = []
    for name, lang in (("semeval2023_ru.jsonl", "ru"), ("semeval2023_en.jsonl", "en")):
        lines = (DATA / name).read_text("utf-8").splitlines()
        streams.append([(json.loads(line), lang) for line in lines])
    picked, total = [], 0
    for pair in zip(*streams, strict=False):
        for record, lang in pair:
            text = record["text"].replace("\r\n", "\n")
            n = len(split_sentences(text, lang))
            if 5 <= n <= 60:
                picked.append(RawInput(source=record["id"], text=text, fields={"lang": lang}))
                total += n
        if total >= limit_sentences:
            break
    return picked


def sentences_of(store) -> list[str]:
    return [s["text"] for row in store.articles() for s in store.article(row["id"])["sentences"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    model = load_embedder()
    articles = news_articles(args.sentences)
    raw_rates, pipeline_rates, cached_times, first_times = [], [], [], []
    n_sentences = 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            with open_store(Path(tmp) / "bench.db") as store:
                list(ingest(articles, store))
                texts = sentences_of(store)
                n_sentences = len(texts)
                start = time.perf_counter()
                model.encode(texts)
                raw_rates.append(n_sentences / (time.perf_counter() - start))

                start = time.perf_counter()
                found = group_stored_events(store, model)
                ids = [row["id"] for row in store.articles()][:2]
                compare(store, ids, model, phrases=False)
                first = time.perf_counter() - start
                first_times.append(first)
                pipeline_rates.append(n_sentences / first)

                start = time.perf_counter()
                group_stored_events(store, model)
                compare(store, ids, model, phrases=False)
                cached_times.append(time.perf_counter() - start)
    raw = statistics.median(raw_rates)
    pipeline = statistics.median(pipeline_rates)
    first = statistics.median(first_times)
    cached = statistics.median(cached_times)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "sentences": n_sentences,
        "articles": len(articles),
        "events_found": len(found),
        "raw_encode_rate_per_s": round(raw, 1),
        "pipeline_rate_per_s": round(pipeline, 1),
        "pipeline_to_raw_ratio": round(pipeline / raw, 3),
        "first_run_s": round(first, 3),
        "cached_rerun_s": round(cached, 4),
        "cached_speedup": round(first / cached, 1),
        "peak_rss_mib": round(peak_mib, 1),
        "repeats": args.repeat,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
