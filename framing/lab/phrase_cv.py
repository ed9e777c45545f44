"""Phrase completion measured and chosen on the train split (issue 13, session 20).

Three steps, all on the train split of :mod:`framing.lab.loaded_data` (never the test fifth):

* ``cache``: the lexicon hits, the detector's suggestions and the default union of every
  train record, written once to a JSON file per set (the detector is the slow part);
* ``decompose``: where the default union loses recall (gold spans it touches but covers
  only in part, against gold spans it does not touch) and precision (highlights outside
  every gold span, against the characters of a highlight outside the gold span it touches);
* ``cv``: 5-fold cross-validation by record id of the settings of
  :mod:`framing.wording.phrase_completion`: for each fold the settings with the best union F1
  on the other four folds are chosen and scored on it; the figures pooled over the folds
  are compared with the union as shipped before.

``python -m framing.lab.phrase_cv cache --out DIR``, then ``decompose DIR`` and ``cv DIR``.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from framing.lab.eval_loaded import span_prf, token_prf
from framing.lab.loaded_data import (
    DEFAULT_DATA,
    FOLDS,
    NEWS_SETS,
    SETS,
    Doc,
    Span,
    fold_of,
    merge_spans,
    read_sets,
    token_labels,
)
from framing.text.morphology import word_spans
from framing.wording.phrase_completion import Settings, complete_spans
from framing.wording.phrase_completion import settings as shipped

MODEL = "model_suggestion"


def cache(data_dir: Path, out: Path, sets: Sequence[str], split: str = "train") -> None:
    """Lexicon hits, suggestions and the union's suggestion pieces of each record of
    ``split`` (``test`` only once the settings are chosen, to report them)."""
    from framing.wording.detector import beyond_lexicon, detect_loaded, load_model
    from framing.wording.lexicon import find_loaded

    load_model()
    out.mkdir(parents=True, exist_ok=True)
    for name in sets:
        kind = "article" if name in NEWS_SETS else "post"
        rows = []
        for doc in read_sets(data_dir, [name], split=split):
            hits = find_loaded(doc.text, doc.lang)
            found = detect_loaded(doc.text, doc.lang, kind=kind)
            lexicon = [(h.start, h.end) for h in hits]
            shown_as = doc.lang if kind == "article" else None
            rows.append(
                {
                    "id": doc.id,
                    "lexicon": [[h.start, h.end, h.category] for h in hits],
                    "beyond": [
                        [s.start, s.end] for s in beyond_lexicon(found, lexicon, doc.text, shown_as)
                    ],
                }
            )
        (out / f"{name}.{split}.json").write_text(json.dumps(rows), encoding="utf-8")


def load(
    data_dir: Path, cached: Path, name: str, split: str = "train"
) -> list[tuple[Doc, list[tuple[int, int, str]]]]:
    """Each record of ``name`` with its union highlights ``(start, end, category)``."""
    path = cached / f"{name}.{split}.json"
    rows = {r["id"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    out = []
    for doc in read_sets(data_dir, [name], split=split):
        row = rows[doc.id]
        spans = [(a, z, c) for a, z, c, *_ in row["lexicon"]] + [
            (a, z, MODEL) for a, z in row["beyond"]
        ]
        out.append((doc, sorted(spans)))
    return out


# --- step 1: where recall and precision are lost ----------------------------------------------


def decompose(docs: Sequence[tuple[Doc, Sequence[Span]]], tokens: bool) -> dict[str, Any]:
    """Missed recall split into gold spans touched in part and gold spans not touched, and
    lost precision into highlights outside every gold span and highlight characters outside
    the gold span they touch; shares of the measure's denominators (|T| gold spans and |S|
    highlights for the span measure; gold and predicted tokens for the token measure)."""
    partial = untouched = outside = spill = 0.0
    gold_n = pred_n = 0
    touched_n = 0
    for doc, predicted in docs:
        gold, spans = merge_spans(doc.gold), merge_spans(list(predicted))
        if tokens:
            words = word_spans(doc.text)
            g = token_labels(words, gold)
            p = token_labels(words, spans)
            gold_n += sum(g)
            pred_n += sum(p)
            for a, z in gold:
                inside = [k for k, (s, e) in enumerate(words) if s < z and a < e]
                hit = sum(p[k] for k in inside)
                if hit:
                    touched_n += 1
                    partial += len(inside) - hit
                else:
                    untouched += len(inside)
            for a, z in spans:
                inside = [k for k, (s, e) in enumerate(words) if s < z and a < e]
                wrong = sum(not g[k] for k in inside)
                touches = any(s < z and a < e for s, e in gold)
                if touches:
                    spill += wrong
                else:
                    outside += wrong
            continue
        gold_n += len(gold)
        pred_n += len(spans)
        for a, z in gold:
            found = sum(max(0, min(z, e) - max(a, s)) for s, e in spans) / (z - a)
            if found:
                touched_n += 1
                partial += 1 - found
            else:
                untouched += 1
        for s, e in spans:
            shared = sum(max(0, min(z, e) - max(a, s)) for a, z in gold)
            if shared:
                spill += 1 - shared / (e - s)
            else:
                outside += 1
    return {
        "gold": gold_n,
        "predicted": pred_n,
        "gold_touched": touched_n,
        "recall_lost_partial": round(partial / gold_n, 4) if gold_n else None,
        "recall_lost_untouched": round(untouched / gold_n, 4) if gold_n else None,
        "precision_lost_outside": round(outside / pred_n, 4) if pred_n else None,
        "precision_lost_spill": round(spill / pred_n, 4) if pred_n else None,
    }


def gold_lengths(docs: Sequence[Doc]) -> dict[str, float]:
    """Words per merged gold span: :func:`_length_summary`."""
    return _length_summary(
        [len(word_spans(doc.text[a:z])) for doc in docs for a, z in merge_spans(doc.gold)]
    )


def _highlight_lengths(items: Sequence) -> dict[str, float]:
    """Words per highlight (before completion): :func:`_length_summary`."""
    return _length_summary(
        [len(word_spans(doc.text[a:z])) for doc, spans in items for a, z, _ in spans]
    )


def _length_summary(lengths: Sequence[int]) -> dict[str, float]:
    """Spans' lengths in words: median, mean, share of one word and of four or more ({}
    without a span)."""
    counts = sorted(lengths)
    if not counts:
        return {}
    return {
        "median": counts[len(counts) // 2],
        "mean": round(sum(counts) / len(counts), 2),
        "one_word": round(sum(c == 1 for c in counts) / len(counts), 3),
        "four_or_more": round(sum(c >= 4 for c in counts) / len(counts), 3),
    }


# --- step 3: the settings by cross-validation ---------------------------------------------------


def groups(
    data_dir: Path, cached: Path, sets: Sequence[str], system: str = "union", split: str = "train"
) -> dict[str, list]:
    """The train records by (set, language): ``set:lang`` -> [(doc, highlights)];
    ``system`` ``lexicon`` keeps the lexicon's hits alone (no suggestion: the detector was
    trained on these records, so its suggestions there are in-sample)."""
    out: dict[str, list] = {}
    for name in sets:
        for doc, spans in load(data_dir, cached, name, split):
            if system == "lexicon":
                spans = [s for s in spans if s[2] != MODEL]
            out.setdefault(f"{name}:{doc.lang}", []).append((doc, spans))
    return out


def predict(
    items: Sequence[tuple[Doc, Sequence[tuple[int, int, str]]]], config: Settings | None
) -> list[list[Span]]:
    """The union highlights of each record, completed with ``config`` (None: as shipped
    before, not completed)."""
    if config is None:
        return [[(a, z) for a, z, _ in spans] for _, spans in items]
    return [complete_spans(doc.text, doc.lang, spans, config) for doc, spans in items]


def counts(key: str, items: Sequence, predicted: Sequence[list[Span]]) -> dict[str, float]:
    if key.startswith("unlp2025"):
        return token_prf((d.text, p, d.gold) for (d, _), p in zip(items, predicted, strict=True))
    return span_prf((p, d.gold) for (d, _), p in zip(items, predicted, strict=True))


def candidates(lang: str, without: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The settings searched for one language; ``without``: rules left out of the search
    (the reader's veto on the dev pages)."""
    if lang == "en":
        names = [
            n
            for n in ("qualifier", "chunk_right", "chunk_left", "coordination")
            if n not in without
        ]
        rule_sets = [
            [n for n, on in zip(names, mask, strict=True) if on]
            for mask in itertools.product([0, 1], repeat=len(names))
        ]
    else:
        names = [
            n
            for n in (
                "modifier",
                "complement",
                "prepositional",
                "label",
                "qualifier",
                "coordination",
            )
            if n not in without
        ]
        rule_sets = [
            [n for n, on in zip(names, mask, strict=True) if on]
            for mask in itertools.product([0, 1], repeat=len(names))
        ]
    return [
        {
            "max_words": {lang: n},
            "qualifier_categories": ["delegitimising_qualifier", "distancing_hedge"],
            "max_quoted_words": 6,
            "conjunctions": {
                "ru": ["и", "или"],
                "uk": ["і", "й", "та", "або"],
                "en": ["and", "or"],
            },
            "rules": {lang: rules},
        }
        for rules in rule_sets
        for n in (1, 2, 3, 4, 6)
        if rules or n == 1
    ]


def cross_validate(key: str, items: Sequence, without: Sequence[str] = ()) -> dict[str, Any]:
    """Nested choice: for each fold, the candidate with the best F1 on the other folds."""
    lang = key.split(":")[1]
    folds = [fold_of(doc.id) for doc, _ in items]
    cands = candidates(lang, without)
    # each candidate's completed highlights, once (the choice then only re-scores folds)
    outputs = [predict(items, Settings.of(c)) for c in cands]
    base = predict(items, None)

    def score(predicted: Sequence[list[Span]], keep: Sequence[bool]) -> dict[str, float]:
        chosen = [it for it, k in zip(items, keep, strict=True) if k]
        pred = [p for p, k in zip(predicted, keep, strict=True) if k]
        return counts(key, chosen, pred)

    picks = []
    pooled_new: list[list[Span]] = [[] for _ in items]
    for fold in range(FOLDS):
        train = [f != fold for f in folds]
        best = max(range(len(cands)), key=lambda c: score(outputs[c], train)["f1"])
        picks.append(best)
        for k, f in enumerate(folds):
            if f == fold:
                pooled_new[k] = outputs[best][k]
    everything = [True] * len(items)
    full = max(range(len(cands)), key=lambda c: score(outputs[c], everything)["f1"])
    table = sorted(
        ((score(outputs[c], everything)["f1"], c) for c in range(len(cands))), reverse=True
    )[:5]
    return {
        "set": key,
        "records": len(items),
        "before": score(base, everything),
        "cv_after": score(pooled_new, everything),
        "fold_picks": [cands[c]["rules"][lang] + [cands[c]["max_words"][lang]] for c in picks],
        "chosen_on_all": {
            "rules": cands[full]["rules"][lang],
            "max_words": cands[full]["max_words"],
        },
        "top5_on_all": [
            {
                "f1": round(f, 4),
                "rules": cands[c]["rules"][lang],
                "max_words": cands[c]["max_words"][lang],
            }
            for f, c in table
        ],
    }


def dev_pages() -> list[dict[str, Any]]:
    """Every highlight the phrase completion changes on the dev pages (fresh pages 401-440
    and the seeds, read as ``framing score`` reads them; never the check pages), before and
    after, for the hand check."""
    from unittest import mock

    from framing.lab.suggestion_bars import _dev_articles
    from framing.wording import phrase_completion
    from framing.wording.profile import ArticleText, highlights

    off = Settings.of({**_shipped(), "rules": {}})
    changed = []
    totals = {"pages": 0, "highlights": 0}
    for pid, article in _dev_articles():
        text = ArticleText(article.text, article.sentences, article.lang)
        after = highlights(text)
        with mock.patch.object(phrase_completion, "settings", lambda: off):
            before = highlights(text)
        totals["pages"] += 1
        totals["highlights"] += len(after)
        for b, a in zip(before, after, strict=True):
            if (b["start"], b["end"]) != (a["start"], a["end"]):
                changed.append(
                    {
                        "page": pid,
                        "source": a["source"],
                        "category": a["category"],
                        "before": b["text"],
                        "after": a["text"],
                        "mid_word": _mid_word(article.text, a["start"], a["end"]),
                    }
                )
    return [totals, *changed]


def _shipped() -> dict[str, Any]:
    from framing.settings import packaged_yaml

    return dict(packaged_yaml("phrase_completion.yaml"))


def _mid_word(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` starts or ends inside a word."""
    inner = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    return inner or (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["cache", "decompose", "cv", "dev", "score"])
    parser.add_argument("--split", choices=["train", "test"], default="train")
    parser.add_argument("cached", type=Path, help="folder of the cached train predictions")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--system", choices=["union", "lexicon"], default="union")
    parser.add_argument("--without", nargs="*", default=[], help="rules left out of the search")
    args = parser.parse_args(argv)
    if args.step == "cache":
        cache(args.data, args.cached, args.sets, args.split)
        return
    if args.step == "dev":
        for row in dev_pages():
            print(json.dumps(row, ensure_ascii=False), flush=True)
        return
    cached = groups(args.data, args.cached, args.sets, args.system, args.split)
    for key, items in cached.items():
        if args.step == "score":  # the shipped settings against none, on ``--split``
            report = {
                "set": key,
                "split": args.split,
                "records": len(items),
                "before": counts(key, items, predict(items, None)),
                "after": counts(key, items, predict(items, shipped())),
            }
        elif args.step == "decompose":
            docs = [doc for doc, _ in items]
            report = {
                "set": key,
                "gold_words": gold_lengths(docs),
                "highlight_words": _highlight_lengths(items),
                **decompose(
                    [(d, [(a, z) for a, z, _ in s]) for d, s in items], key.startswith("unlp")
                ),
            }
        else:
            report = cross_validate(key, items, args.without)
        print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
