"""Issue 13's lexical experiment: a linear model over hashed word features
(:mod:`framing.wording.word_features`) beside the e5 head, both judged out of fold.

``python -m framing.lab.detector_lexical DATA OUT`` computes, on the train split:

* the head's out-of-fold probabilities (as ``framing train-detector`` does);
* one logistic regression per language over the hashed word features, out of fold by the
  same folds (the model that scores fold k never saw fold k's records);
* for each blend weight ``a`` of ``ALPHAS``, the logits mixed (``a`` head + ``1 - a``
  linear), the bars chosen per language and kind by the shipped rules, and the
  cross-validated figures of each selection set; written as JSON to ``OUT``.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_train import (
    Example,
    choose_threshold,
    cross_validate,
    cuts_of,
    load_examples,
    training_settings,
)
from framing.lab.loaded_data import FOLDS, fold_of
from framing.wording.detector import text_kind
from framing.wording.word_features import feature_matrix, token_features

ALPHAS = (1.0, 0.75, 0.5, 0.25, 0.0)
SCRATCH = Path("/tmp/i13x")


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_linear(matrices: list[Any], labels: list[np.ndarray], lexical: dict[str, Any]) -> Any:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=float(lexical["C"]),
        class_weight="balanced",
        solver="liblinear",
        max_iter=int(lexical["max_iter"]),
        random_state=0,
    )
    model.fit(sp.vstack(matrices).tocsr(), np.concatenate(labels))
    return model


def linear_oof(
    examples: list[Example], matrices: list[Any], lexical: dict[str, Any], say: Any
) -> list[np.ndarray]:
    folds = [fold_of(e.doc.id) for e in examples]
    oof: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for lang in sorted({e.doc.lang for e in examples}):
        mine = [i for i, e in enumerate(examples) if e.doc.lang == lang]
        for k in range(FOLDS):
            t = time.perf_counter()
            train = [i for i in mine if folds[i] != k]
            model = fit_linear(
                [matrices[i] for i in train], [examples[i].labels for i in train], lexical
            )
            for i in mine:
                if folds[i] == k:
                    oof[i] = model.predict_proba(matrices[i])[:, 1]
            say(f"linear {lang} fold {k}: {time.perf_counter() - t:.0f} s")
    return oof


def evaluate(
    examples: list[Example], probs: list[np.ndarray], settings: dict[str, Any]
) -> dict[str, Any]:
    cuts = cuts_of(settings["threshold_grid"], settings["extend_steps"], settings["bridge_steps"])
    post_max = int(settings["post_max_words"])
    out: dict[str, Any] = {}
    article = (float(settings["article_beta"]), float(settings["article_min_precision"]))
    for lang in settings["languages"]:
        for kind, (beta, floor) in (("post", (1.0, 0.0)), ("article", article)):
            wanted = settings["select_on"][kind][lang]
            if not wanted:
                continue
            rows = [
                i
                for i, e in enumerate(examples)
                if e.doc.lang == lang and text_kind(e.labels.size, post_max) == kind
            ]
            found = choose_threshold(
                [examples[i] for i in rows], [probs[i] for i in rows], cuts, wanted, beta, floor
            )
            if found is not None:
                cut, scores = found
                out[f"{lang}/{kind}"] = {
                    "cut": vars(cut),
                    **{
                        n: {k: round(v, 4) for k, v in scores[n].items()}
                        for n in wanted
                        if n in scores
                    },
                }
    return out


def main(data: str, out: str) -> None:
    say = lambda m: print(time.strftime("%H:%M:%S"), m, file=sys.stderr, flush=True)  # noqa: E731
    settings = training_settings()
    lexical = {"n_features": 2**20, "C": 0.1, "max_iter": 200}
    SCRATCH.mkdir(exist_ok=True)
    examples = load_examples(Path(data), settings, "train", say)
    head_path = SCRATCH / "head_oof.pkl"
    if head_path.is_file():
        head = pickle.loads(head_path.read_bytes())
    else:
        head = cross_validate(examples, settings, say)
        head_path.write_bytes(pickle.dumps(head))
    lin_path = SCRATCH / "linear_oof.pkl"
    if lin_path.is_file():
        linear = pickle.loads(lin_path.read_bytes())
    else:
        say("word features")
        matrices = [
            feature_matrix(token_features(e.doc.text, e.doc.lang, e.tokens), lexical["n_features"])
            for e in examples
        ]
        say("linear out of fold")
        linear = linear_oof(examples, matrices, lexical, say)
        lin_path.write_bytes(pickle.dumps(linear))
    results = {}
    for alpha in ALPHAS:
        probs = [
            1 / (1 + np.exp(-(alpha * logit(h) + (1 - alpha) * logit(g))))
            for h, g in zip(head, linear, strict=True)
        ]
        results[str(alpha)] = evaluate(examples, probs, settings)
        say(f"alpha {alpha}: {json.dumps(results[str(alpha)])}")
        Path(out).write_text(json.dumps(results, indent=1))


def with_column(example: Example, column: np.ndarray) -> Example:
    """``example`` with the linear model's logit (scaled by 1/4) as one more input column."""
    extra = (logit(column) / 4.0).astype(np.float16)[:, None]
    return Example(
        example.doc, example.tokens, example.labels, np.hstack([example.inputs, extra]),
        example.sentence,
    )  # fmt: skip


def stacked(data: str, out: str) -> None:
    """The linear logit as an input column of the head, nested out of fold: the linear
    model whose scores feed fold k's head (its training rows and fold k's rows) never saw
    fold k's records."""
    from framing.lab.detector_train import Model, fit_head, head_config

    say = lambda m: print(time.strftime("%H:%M:%S"), m, file=sys.stderr, flush=True)  # noqa: E731
    settings = training_settings()
    lexical = {"n_features": 2**20, "C": 0.1, "max_iter": 200}
    examples = load_examples(Path(data), settings, "train", say)
    matrices = [
        feature_matrix(token_features(e.doc.text, e.doc.lang, e.tokens), lexical["n_features"])
        for e in examples
    ]
    folds = [fold_of(e.doc.id) for e in examples]
    langs = sorted({e.doc.lang for e in examples})
    oof: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for k in range(FOLDS):
        column: list[np.ndarray] = [np.zeros(0)] * len(examples)
        for lang in langs:
            mine = [i for i, e in enumerate(examples) if e.doc.lang == lang]
            for j in range(FOLDS):  # j == k: fold k's own column, from folds != k
                seen = [i for i in mine if folds[i] not in {k, j}]
                model = fit_linear(
                    [matrices[i] for i in seen], [examples[i].labels for i in seen], lexical
                )
                for i in mine:
                    if folds[i] == j:
                        column[i] = model.predict_proba(matrices[i])[:, 1]
        say(f"fold {k}: nested linear columns done")
        rows = [with_column(e, c) for e, c in zip(examples, column, strict=True)]
        arrays = fit_head([r for r, f in zip(rows, folds, strict=True) if f != k], settings)
        head = Model(head_config(settings), arrays, {})
        for i, f in enumerate(folds):
            if f == k:
                oof[i] = head.probabilities(rows[i].inputs.astype(np.float32), rows[i].sentence)
        say(f"fold {k}: head done")
    (SCRATCH / "stacked_oof.pkl").write_bytes(pickle.dumps(oof))
    result = evaluate(examples, oof, settings)
    say(f"stacked: {json.dumps(result)}")
    Path(out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":  # python -m framing.lab.detector_lexical blend|stacked DATA OUT
    {"blend": main, "stacked": stacked}[sys.argv[1]](*sys.argv[2:])
