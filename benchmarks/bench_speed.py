"""Speed budgets that used to be timed asserts inside ordinary tests (`make bench`).

A timed assert fails on a loaded machine and passes on a fast one whatever the code does,
so the tests now check only what the code computes, and the timings live here, each with
the budget the test used to enforce. Run on the same machine before and after a change.

  * segmentation of a 2,000-sentence article (budget 2 s; was tests/test_segment.py);
  * a run of 150,000 sentence joins ("a. a. a. ..."; budget 4 s: razdel's own driver took
    about 6 s and grows as n², ours is linear; was tests/test_segment.py);
  * lexicon matching over 200 seed articles (budget 60 ms per article, i.e. a thousand
    articles a minute; was tests/test_lexicon.py);
  * ingesting one 200,000-character token (budget 20 s; it once took 4 minutes; was
    tests/test_fuzz.py);
  * the loaded-wording evaluation at the gate's limit (budget 45 s; needs
    ../shared/data/loaded-language; was tests/test_eval_loaded.py).
The web app's throughput under 20 clients (once an assert in tests/test_concurrency.py) is
measured by benchmarks/bench_web.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "corpus" / "seeds"
DATA = ROOT.parent / "shared" / "data" / "loaded-language"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def timed(run: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def segmentation() -> dict:
    from framing.text.segment import split_sentences

    article = "\n\n".join(seed(prefix) for prefix in ("000", "001", "002"))
    text = "\n\n".join([article] * 40)
    split_sentences(seed("000"), "ru")  # load the rules once, as a running process has
    seconds, sentences = timed(lambda: split_sentences(text, "ru"))
    return {"sentences": len(sentences), "seconds": seconds, "budget_seconds": 2.0}


def joins() -> dict:
    from framing.text.segment import split_sentences

    seconds, sentences = timed(lambda: split_sentences("a. " * 150_000, "en"))
    return {"sentences": len(sentences), "seconds": seconds, "budget_seconds": 4.0}


def lexicon() -> dict:
    from framing.wording.lexicon import find_loaded

    seeds = [(seed(p), "ru" if p < "002" else "en") for p in ("000", "001", "002", "003")]
    texts = [(f"{text}\n{n}", lang) for n in range(50) for text, lang in seeds]
    find_loaded(texts[0][0], "ru")  # load the lexicon and the dictionaries

    def match_all() -> None:
        for text, lang in texts:
            find_loaded(text, lang)

    seconds, _ = timed(match_all)
    return {
        "articles": len(texts),
        "seconds": seconds,
        "ms_per_article": 1000 * seconds / len(texts),
        "budget_ms_per_article": 60.0,
    }


def enormous_token() -> dict:
    from framing.errors import InputRefused
    from framing.ingest import IngestOptions, build_article
    from framing.outlets import load_registry
    from framing.text.readers import RawInput

    raw = RawInput(source="big.txt", text="Заголовок статьи.\n" + "ж" * 200_000)
    registry = load_registry()

    def build() -> str:
        try:
            return f"{len(build_article(raw, IngestOptions(), registry).sentences)} sentences"
        except InputRefused as refusal:
            return f"refused: {refusal.reason}"

    seconds, outcome = timed(build)
    return {"outcome": outcome, "seconds": seconds, "budget_seconds": 20.0}


def eval_loaded() -> dict:
    if not DATA.is_dir():
        return {"skipped": f"no annotated data in {DATA}"}
    from framing.lab.eval_loaded import evaluate

    floors = json.loads((ROOT / "tests" / "loaded_floors.json").read_text("utf-8"))
    seconds, _ = timed(lambda: evaluate(DATA, limit=floors["limit_per_set_and_language"]))
    return {"seconds": seconds, "budget_seconds": 45.0}


BENCHES = {
    "segmentation": segmentation,
    "joins": joins,
    "lexicon": lexicon,
    "enormous_token": enormous_token,
    "eval_loaded": eval_loaded,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(BENCHES), action="append")
    args = parser.parse_args(argv)
    results = {}
    for name in args.only or BENCHES:
        result = BENCHES[name]()
        budget = result.get("budget_seconds")
        if budget is not None:
            result["within_budget"] = result["seconds"] <= budget
        elif "budget_ms_per_article" in result:
            result["within_budget"] = result["ms_per_article"] <= result["budget_ms_per_article"]
        results[name] = result
        print(name, json.dumps(result), file=sys.stderr)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
