"""Issue 13's lexical experiment: a linear model over hashed word features
(:mod:`framing.wording.word_features`) beside the e5 head, both judged out of fold.

``python -m framing.lab.detector_lexical blend DATA OUT`` computes, on the train split, the
head's out-of-fold probabilities and the linear models' out-of-fold logits (as
``framing train-detector`` does), then for each blend weight of ``ALPHAS`` (one for every
language) the bars chosen per language and kind by the shipped rules and the
cross-validated figures of each selection set; JSON to ``OUT``.

``... stacked DATA OUT`` puts the linear logit into the head's input instead, nested out of
fold: the linear models whose scores feed fold k's head (its training rows and fold k's
rows) never saw fold k. About 5 minutes a fold on a loaded two-core machine; not measured
to the end in issue 13's ninth session (docs/loaded_eval.md).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_train import (
    Example,
    _mixed,
    choose_threshold,
    cross_validate,
    cuts_of,
    fit_head,
    fit_linear,
    head_config,
    linear_cross_validate,
    load_examples,
    training_settings,
)
from framing.lab.loaded_data import FOLDS, fold_of
from framing.wording.detector import Model, text_kind

ALPHAS = (1.0, 0.75, 0.5, 0.25, 0.0)


def _say(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)


def evaluate(
    examples: list[Example], probs: list[np.ndarray], settings: dict[str, Any]
) -> dict[str, Any]:
    """Bars per language and kind chosen on ``probs`` by the shipped rules, and the
    figures of each selection set there."""
    cuts = cuts_of(settings["threshold_grid"], settings["extend_steps"], settings["bridge_steps"])
    post_max = int(settings["post_max_words"])
    article = (float(settings["article_beta"]), float(settings["article_min_precision"]))
    out: dict[str, Any] = {}
    for lang in settings["languages"]:
        for kind, (beta, floor) in (("post", (1.0, 0.0)), ("article", article)):
            wanted = settings["select_on"][kind][lang]
            rows = [
                i
                for i, e in enumerate(examples)
                if e.doc.lang == lang and text_kind(e.labels.size, post_max) == kind
            ]
            found = choose_threshold(
                [examples[i] for i in rows], [probs[i] for i in rows], cuts, wanted, beta, floor
            )
            if wanted and found is not None:
                scores = {n: {k: round(v, 4) for k, v in found[1][n].items()} for n in wanted}
                out[f"{lang}/{kind}"] = {"cut": vars(found[0]), **scores}
    return out


def blend(data: str, out: str) -> None:
    settings = training_settings()
    examples = load_examples(Path(data), settings, "train", _say)
    head = cross_validate(examples, settings, _say)
    linear = linear_cross_validate(examples, settings, _say)
    results = {}
    for alpha in ALPHAS:
        probs = [_mixed(h, g, alpha) for h, g in zip(head, linear, strict=True)]
        results[str(alpha)] = evaluate(examples, probs, settings)
        _say(f"weight {alpha}: {json.dumps(results[str(alpha)])}")
        Path(out).write_text(json.dumps(results, indent=1))


def with_column(example: Example, logits: np.ndarray) -> Example:
    """``example`` with the linear model's logit (scaled by 1/4) as one more input column."""
    extra = (logits / 4.0).astype(np.float16)[:, None]
    inputs = np.hstack([example.inputs, extra])
    return Example(example.doc, example.tokens, example.labels, inputs, example.sentence)


def stacked(data: str, out: str) -> None:
    settings = training_settings()
    examples = load_examples(Path(data), settings, "train", _say)
    folds = [fold_of(e.doc.id) for e in examples]
    oof: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for k in range(FOLDS):
        column = [np.zeros(e.labels.size) for e in examples]
        for lang in settings["languages"]:
            mine = [i for i, e in enumerate(examples) if e.doc.lang == lang]
            for j in range(FOLDS):  # j == k: fold k's own column, from the folds != k
                seen = [examples[i] for i in mine if folds[i] not in {k, j}]
                weights, bias = fit_linear(seen, settings["lexical"])
                for i in mine:
                    if folds[i] == j:
                        column[i] = np.asarray(examples[i].words @ weights + bias)
        rows = [with_column(e, c) for e, c in zip(examples, column, strict=True)]
        arrays = fit_head([r for r, f in zip(rows, folds, strict=True) if f != k], settings)
        head = Model(head_config(settings), arrays, {})
        for i, f in enumerate(folds):
            if f == k:
                oof[i] = head.probabilities(rows[i].inputs.astype(np.float32), rows[i].sentence)
        _say(f"fold {k} done")
    result = evaluate(examples, oof, settings)
    _say(f"stacked: {json.dumps(result)}")
    Path(out or Path(tempfile.gettempdir()) / "stacked.json").write_text(json.dumps(result))


if __name__ == "__main__":  # python -m framing.lab.detector_lexical blend|stacked DATA OUT
    {"blend": blend, "stacked": stacked}[sys.argv[1]](*sys.argv[2:])
