"""The detector's default suggestions on the dev pages: bars and gates measured (issue 13).

The default highlights (lexicon hits, detector suggestions, editorial cues) held 0.77 of
a reader's acceptance on fresh real pages (session 16): the lexicon's hits were about 0.94
right, the suggestions 0.45. This module reads the dev pages (``tests/gold/fresh_pages``
401-440 and the seeds, never the check pages 441-460), the detector's word probabilities
on them (computed once), and a reader's judgement of the default suggestions
(``tests/gold/dev_suggestions_judged.yaml`` plus the terms of
``fresh_pages_loaded.yaml``), and counts, for each setting of a small grid, what a reader
would see:

* ``seed``/``extend``: added to each language's article bars (0: the shipped bars);
* ``own_seed``: the languages in which a piece of a suggestion left beside a lexicon hit
  is shown only if it holds one of the suggestion's own seed words
  (:func:`framing.wording.detector.beyond_lexicon`).

Suggestions inside a quotation of a speaker (:func:`framing.wording.lexicon.quoted_speech`)
are shown with the lexicon's "quoting a speaker" note and counted apart. Precision is
given both ways: all highlights (a loaded word inside a quotation counts right, the rule of
the earlier hand checks) and the outlet's own voice (quoted highlights left out).

``cross_validate`` chooses a setting on four fifths of the pages (folds by page) and counts
it on the fifth left out: the most right suggestions among the settings whose precision of
all highlights on the training pages reaches ``floor`` (the issue's 0.8), fewest
suggestions on a tie. ``test_cost`` scores a setting's union on the test fifth of the news
sets the way ``framing eval-loaded`` does, from probabilities cached by ``cache_test``
(reported, never chosen on).

    python -m framing.lab.suggestion_bars [--train-cache FILE] [--test-cache FILE]

``--train-cache`` (probabilities on a fixed subsample of the annotated train records, in
the test cache's format) restricts the CV's choice to the settings whose union span F1
there falls by no more than ``--max-train-cost`` on any news set: the cost on annotated
data is read on the dev side, the test fifth only reported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.lab.fresh_recall import clean_article, occurrences, page_files
from framing.text.morphology import Span

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "gold"
SEEDS = ROOT / "corpus" / "seeds"


@dataclass(frozen=True)
class Setting:
    seed: float = 0.0  # added to the article seed bar of every language
    extend: float = 0.0  # added to the article extend bar (never above the seed bar)
    own_seed: frozenset[str] = frozenset()  # the languages with the own-seed gate

    def label(self) -> str:
        gate = ",".join(sorted(self.own_seed)) or "-"
        return f"seed+{self.seed:.2f} extend+{self.extend:.2f} own_seed={gate}"


@dataclass
class Page:
    pid: str
    text: str
    lang: str
    tokens: list[Span]
    probs: np.ndarray
    lexicon: list[tuple[int, int]]
    speech: list[tuple[int, int]]
    loaded: list[tuple[int, int]] = field(default_factory=list)
    lexicon_right: int = 0
    lexicon_wrong: int = 0
    lexicon_quoted: int = 0


LANGS = ("en", "ru", "uk")
GATES = [frozenset(c) for n in range(4) for c in combinations(LANGS, n)]
GRID = [
    Setting(seed, extend, own)
    for seed, extend, own in product((0.0, 0.05, 0.1, 0.15), (0.0, 0.1), GATES)
]


def _dev_articles() -> list[tuple[str, Any]]:
    from framing.ingest import IngestOptions, build_article
    from framing.outlets import load_registry
    from framing.text.readers import read_file

    options, registry = IngestOptions().validate(), load_registry()
    articles = []
    for pid, path in page_files(GOLD / "fresh_pages").items():
        articles.append((pid, clean_article(json.loads(path.read_text("utf-8")))))
    for path in sorted(SEEDS.glob("*.txt")):
        for raw in read_file(path, 10**7):
            articles.append(("seed" + path.name[:3], build_article(raw, options, registry)))
    return articles


def load_pages() -> list[Page]:
    """The dev pages with the detector's word probabilities and the reader's judgement."""
    from framing.wording.detector import load_model, token_probabilities
    from framing.wording.lexicon import find_loaded, inside_any, quoted_speech
    from framing.wording.profile import ArticleText, highlights

    judged = yaml.safe_load((GOLD / "dev_suggestions_judged.yaml").read_text("utf-8"))["pages"]
    terms = yaml.safe_load((GOLD / "fresh_pages_loaded.yaml").read_text("utf-8"))["pages"]
    model = load_model()
    pages = []
    for pid, article in _dev_articles():
        if article.lang not in model.thresholds:
            continue
        text, lang = article.text, article.lang
        hits = find_loaded(text, lang)
        tokens, probs = token_probabilities(text, lang, model, hits)
        speech = quoted_speech(text, lang)
        mine = judged.get(pid) or {}
        anchors = list(mine.get("loaded", []))
        for term in terms.get(pid) or []:
            anchors += [term["term"], *term.get("alt", [])]
        loaded = [span for a in anchors for span in occurrences(text, a)]
        wrong = set(mine.get("lexicon_wrong", []))
        shown = highlights(ArticleText(text, article.sentences, lang), with_model=False)
        page = Page(pid, text, lang, tokens, probs, [(h.start, h.end) for h in hits], speech)
        page.loaded = loaded
        page.lexicon_wrong = sum(h["text"] in wrong for h in shown)
        page.lexicon_right = len(shown) - page.lexicon_wrong
        page.lexicon_quoted = sum(inside_any(speech, h["start"], h["end"]) for h in shown)
        pages.append(page)
    return pages


def shown_suggestions(
    text: str,
    lang: str,
    tokens: Sequence[Span],
    probs: np.ndarray,
    lexicon: Sequence[tuple[int, int]],
    setting: Setting,
) -> list[Any]:
    """What a reader sees of the detector at ``setting`` (the article bars moved by it)."""
    from framing.wording.detector import beyond_lexicon, load_model, spans_from_tokens

    cut = load_model().thresholds[lang]["article"]
    seed = cut.seed + setting.seed
    extend = min(seed, cut.extend + setting.extend)
    found = spans_from_tokens(text, tokens, probs.tolist(), seed, extend, cut.bridge)
    return beyond_lexicon(found, lexicon, text, lang, own_seed=lang in setting.own_seed)


def tally(pages: Sequence[Page], setting: Setting) -> dict[str, int]:
    """Counts of what a reader sees on ``pages`` at ``setting``."""
    from framing.wording.lexicon import inside_any

    c = dict.fromkeys(
        "lexicon lexicon_right lexicon_quoted suggestions right quoted quoted_right".split(), 0
    )
    for page in pages:
        c["lexicon"] += page.lexicon_right + page.lexicon_wrong
        c["lexicon_right"] += page.lexicon_right
        c["lexicon_quoted"] += page.lexicon_quoted
        for s in shown_suggestions(
            page.text, page.lang, page.tokens, page.probs, page.lexicon, setting
        ):
            ok = any(a < s.end and s.start < b for a, b in page.loaded)
            c["suggestions"] += 1
            c["right"] += ok
            if inside_any(page.speech, s.start, s.end):
                c["quoted"] += 1
                c["quoted_right"] += ok
    return c


def precision(c: dict[str, int], voice: bool = False) -> float:
    """Of all highlights (``voice``: of those in the outlet's own voice, quoted ones left
    out; the lexicon's quoted hits were judged right, so they leave both counts)."""
    right = c["lexicon_right"] + c["right"]
    total = c["lexicon"] + c["suggestions"]
    if voice:
        right -= c["lexicon_quoted"] + c["quoted_right"]
        total -= c["lexicon_quoted"] + c["quoted"]
    return right / total if total else 1.0


def fold_of(pid: str, folds: int) -> int:
    return int(hashlib.sha1(pid.encode()).hexdigest(), 16) % folds


def choose(pages: Sequence[Page], grid: Sequence[Setting], floor: float) -> Setting:
    """The most right suggestions among the settings whose precision of all highlights
    reaches ``floor`` (fewest suggestions on a tie); none reaching it: the most precise."""
    counts = [(setting, tally(pages, setting)) for setting in grid]
    able = [(s, c) for s, c in counts if precision(c) >= floor]
    if able:
        return max(able, key=lambda sc: (sc[1]["right"], -sc[1]["suggestions"]))[0]
    return max(counts, key=lambda sc: precision(sc[1]))[0]


def cross_validate(
    pages: Sequence[Page], grid: Sequence[Setting] = GRID, folds: int = 5, floor: float = 0.8
) -> dict[str, Any]:
    """Each fold's choice (on the other folds' pages) and the held-out counts pooled."""
    pooled: dict[str, int] = {}
    chosen = []
    for k in range(folds):
        train = [p for p in pages if fold_of(p.pid, folds) != k]
        held = [p for p in pages if fold_of(p.pid, folds) == k]
        setting = choose(train, grid, floor)
        chosen.append(setting)
        for key, value in tally(held, setting).items():
            pooled[key] = pooled.get(key, 0) + value
    return {"chosen": chosen, "held_out": pooled}


def cache_test(path: Path, data_dir: Path | None = None) -> None:
    """The detector's word probabilities on the test fifth of the news sets, pickled."""
    from framing.lab.loaded_data import DEFAULT_DATA, NEWS_SETS, read_sets
    from framing.wording.detector import load_model, token_probabilities
    from framing.wording.lexicon import find_loaded

    model = load_model()
    out: dict[str, list[dict[str, Any]]] = {}
    for name in NEWS_SETS:
        rows = []
        for doc in read_sets(Path(data_dir or DEFAULT_DATA), [name], split="test"):
            hits = find_loaded(doc.text, doc.lang)
            tokens, probs = token_probabilities(doc.text, doc.lang, model, hits)
            rows.append(
                {"text": doc.text, "lang": doc.lang, "gold": doc.gold, "tokens": tokens}
                | {"probs": probs, "hits": hits}
            )
        out[name] = rows
    path.write_bytes(pickle.dumps(out))


def test_cost(cache: dict[str, list[dict[str, Any]]], setting: Setting) -> dict[str, Any]:
    """The union's span P/R/F1 per news set and language at ``setting`` (the test fifth,
    as ``framing eval-loaded`` scores it)."""
    from framing.lab.eval_loaded import span_prf

    out = {}
    for name, rows in cache.items():
        for lang in sorted({r["lang"] for r in rows}):
            pairs = []
            for r in (r for r in rows if r["lang"] == lang):
                lexicon = [(h.start, h.end) for h in r["hits"]]
                shown = shown_suggestions(
                    r["text"], lang, r["tokens"], r["probs"], lexicon, setting
                )
                pairs.append((sorted([*lexicon, *[(s.start, s.end) for s in shown]]), r["gold"]))
            out[f"{name}/{lang}"] = {k: round(v, 4) for k, v in span_prf(pairs).items()}
    return out


def affordable(
    train: dict[str, list[dict[str, Any]]], grid: Sequence[Setting], max_cost: float
) -> list[Setting]:
    """The settings whose union span F1 on the annotated train records falls by no more
    than ``max_cost`` on any news set against the shipped bars with no gate."""
    base = test_cost(train, Setting())
    able = []
    for setting in grid:
        cost = test_cost(train, setting)
        if all(base[k]["f1"] - v["f1"] <= max_cost for k, v in cost.items()):
            able.append(setting)
    return able


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--test-cache", type=Path, help="pickled test-fifth probabilities")
    parser.add_argument("--train-cache", type=Path, help="the same of train records")
    parser.add_argument("--build-test-cache", action="store_true")
    parser.add_argument("--max-train-cost", type=float, default=0.01)
    args = parser.parse_args()
    if args.build_test_cache and args.test_cache:
        cache_test(args.test_cache)
    pages = load_pages()
    test = pickle.loads(args.test_cache.read_bytes()) if args.test_cache else None
    train = pickle.loads(args.train_cache.read_bytes()) if args.train_cache else None
    print(
        "setting | suggestions right (quoted, of them right) | P all | P own voice | train | test"
    )
    for setting in GRID:
        c = tally(pages, setting)
        costs = []
        for cache in (train, test):
            if cache is not None:
                f1 = test_cost(cache, setting).items()
                costs.append(" ".join(f"{k.split('/')[0]} {v['f1']:.4f}" for k, v in f1))
        print(
            f"{setting.label()} | {c['suggestions']} {c['right']} ({c['quoted']}, "
            f"{c['quoted_right']}) | {precision(c):.3f} | {precision(c, voice=True):.3f} | "
            + " | ".join(costs)
        )
    grid = affordable(train, GRID, args.max_train_cost) if train is not None else GRID
    print(f"{len(grid)} settings within the train cost:", [s.label() for s in grid])
    cv = cross_validate(pages, grid)
    held = cv["held_out"]
    print("5-fold CV by page, chosen:", [s.label() for s in cv["chosen"]])
    print(
        f"held out: suggestions {held['suggestions']} right {held['right']} quoted "
        f"{held['quoted']} ({held['quoted_right']} right); P all {precision(held):.3f}, "
        f"own voice {precision(held, voice=True):.3f}"
    )


if __name__ == "__main__":
    main()
