"""Weighting the training sets in the detector head's loss, measured out of fold (issue 13,
session 23; ``set_weights`` in ``data/detector/training.json``, off by default).

The head is one MLP fitted to the pooled words of every training set; SemEval-2023 ru's news
are a small minority of them, and its figures were the furthest below issue 13's targets.
For each weighting of a grid fixed before measuring: the head's out-of-fold probabilities
(:func:`framing.lab.detector_train.cross_validate`, the shipped folds and seed, the weighted
loss), the linear model's out-of-fold logits (they do not depend on the head's weights, so
one run serves every weighting), the blend weights and bars re-chosen on them as
``framing train-detector`` chooses them (:func:`framing.lab.detector_train.choose_cuts`), and
per set: the detector's own out-of-fold figures at those bars (training_report's
``cross_validated_*``) and the out-of-fold *union* (lexicon hits plus the suggestions beyond
them, phrase completion; :func:`framing.lab.eval_loaded.union_spans`, as ``eval-loaded``
builds it), news read with the article bars and posts with the post bars. The test fifth is
never read. Optimism: the weighting and the bars are chosen on the same out-of-fold
predictions (one hyperparameter more), so a small gain here may not survive the test fifth.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab import detector_train as dt
from framing.lab.eval_loaded import prf_of_counts, span_counts, token_counts, union_spans
from framing.lab.loaded_data import NEWS_SETS
from framing.wording.detector import spans_from_tokens
from framing.wording.lexicon import find_loaded

Progress = Callable[[str], None]


def union_figures(
    examples: Sequence[dt.Example],
    head: Sequence[np.ndarray],
    linear: Sequence[np.ndarray] | None,
    thresholds: dict[str, dict[str, Any]],
    blend: dict[str, float],
    hits: dict[int, list[Any]] | None = None,
) -> dict[str, dict[str, float]]:
    """Each set-and-language's union P/R/F1 (span for news, token for posts) when every
    example's suggestions come from ``head`` mixed with ``linear`` by its language's blend
    weight, cut at its language's bars for its set's kind. ``hits`` memoises the lexicon's
    hits by example index (they do not depend on the detector)."""
    hits = {} if hits is None else hits
    totals: dict[str, np.ndarray] = {}
    measures: dict[str, str] = {}
    for i, e in enumerate(examples):
        doc = e.doc
        news = doc.set_name in NEWS_SETS
        kind = "article" if news else "post"
        cut = thresholds[doc.lang][kind]
        probs = dt._mixed(head[i], linear[i] if linear is not None else None, blend[doc.lang])
        found = spans_from_tokens(
            doc.text, e.tokens, probs.tolist(), cut.seed, cut.extend, cut.bridge
        )
        if i not in hits:
            hits[i] = find_loaded(doc.text, doc.lang)
        spans = union_spans(doc.text, doc.lang, kind, hits[i], found)
        counts = span_counts(spans, doc.gold) if news else token_counts(e.tokens, spans, doc.gold)
        key = f"{doc.set_name}/{doc.lang}"
        totals[key] = totals.get(key, 0) + np.asarray(counts, dtype=np.float64)
        measures[key] = "span" if news else "token"
    return {
        key: {k: round(float(v), 4) for k, v in prf_of_counts(list(c), measures[key]).items()}
        for key, c in sorted(totals.items())
    }


def detector_figures(report_langs: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The detector's own out-of-fold figures at the chosen bars, by set/language: articles
    for the news sets (the article rule), posts for UNLP (the post rule)."""
    out = {}
    for lang, found in report_langs.items():
        for kind in ("articles", "posts"):
            for name, m in found.get(f"cross_validated_{kind}", {}).items():
                if (name in NEWS_SETS) == (kind == "articles"):
                    out[f"{name}/{lang}"] = m
    return dict(sorted(out.items()))


def linear_from(path: Path, examples: Sequence[dt.Example]) -> list[np.ndarray]:
    """The linear model's out-of-fold logits of ``examples`` from a pickle written by
    :func:`framing.lab.lexicon_gate.out_of_fold` (same records, same words, checked)."""
    with path.open("rb") as handle:
        rows = {(r["set"], r["id"]): r for r in pickle.load(handle)}
    out = []
    for e in examples:
        row = rows[(e.doc.set_name, e.doc.id)]
        if [tuple(t) for t in row["tokens"]] != e.tokens:
            raise ValueError(f"{e.doc.id}: the pickle's words differ from the cache's.")
        out.append(np.asarray(row["linear"], dtype=np.float64))
    return out


def measure(
    data_dir: Path,
    grid: Sequence[dict[str, float]],
    say: Progress,
    linear_path: Path | None = None,
    keep: Path | None = None,
    fixed_blend: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """One row per weighting of ``grid`` (set -> weight): the chosen blend weights and bars,
    the detector's out-of-fold figures and the out-of-fold union's. ``linear_path``: the
    linear logits from an earlier out-of-fold run (else computed here); ``keep``: a folder
    the head's out-of-fold probabilities of each weighting are pickled to (and read from),
    and each row written to as it is done; ``fixed_blend``: each language's blend weight
    kept as given (the shipped ones: only the bars re-chosen, five times quicker) instead
    of re-chosen with the bars."""
    settings = dt.training_settings()
    need_words = linear_path is None and dt._blends(settings)
    # without the linear model to fit, the hashed word features need not be built
    head_only = {**settings, "lexical": {**settings["lexical"], "weights": [1.0]}}
    load_with = settings if need_words else head_only
    examples = dt.load_examples(data_dir, load_with, "train", say)
    if linear_path is not None:
        linear: list[np.ndarray] | None = linear_from(linear_path, examples)
    elif dt._blends(settings):
        linear = dt.linear_cross_validate(examples, settings, say)
    else:
        linear = None
    hits: dict[int, list[Any]] = {}
    rows = []
    for weights in grid:
        tried = {**settings, "set_weights": dict(weights)}
        name = "-".join(f"{k}={v:g}" for k, v in sorted(weights.items())) or "default"
        stored = keep / f"oof-{name}.pkl" if keep else None
        if stored is not None and stored.is_file():
            with stored.open("rb") as handle:
                head = pickle.load(handle)
        else:
            say(f"{name}: head, cross-validation")
            head = dt.cross_validate(examples, tried, say)
            if stored is not None:
                with stored.open("wb") as handle:
                    pickle.dump(head, handle)
        thresholds, blend, report_langs = dt.choose_cuts(
            examples, head, linear, tried, say, fixed_blend
        )
        row = {
            "set_weights": dict(weights),
            "blend": blend,
            "bars": {lang: {k: vars(c) for k, c in t.items()} for lang, t in thresholds.items()},
            "detector": detector_figures(report_langs),
            "union": union_figures(examples, head, linear, thresholds, blend, hits),
        }
        say(f"{name}: detector {row['detector']} union {row['union']}")
        rows.append(row)
        if keep is not None:
            (keep / f"row-{name}.json").write_text(json.dumps(row, indent=1) + "\n", "utf-8")
    return rows
