"""Training the loaded-wording detector (:mod:`framing.wording.detector`) on the annotated
data sets.

What it learns from (the train four fifths of each set; the test fifth is never read):

* SemEval-2023 en and ru news: tokens inside ``Loaded_Language`` or ``Name_Calling-Labeling``
  spans are positive, all others negative. PTC 2020 is left out: its articles are the SemEval
  English ones (same ids, nearly the same texts) annotated once more.
* UNLP 2025 posts (uk, ru): in posts labelled ``loaded_language``, tokens inside manipulative
  spans are positive. In other manipulative posts the spans belong to other techniques, so
  their tokens are left out of training; the rest of every post is negative.

One logistic regression per language (ru learns from SemEval and UNLP Russian together).
Hyperparameters are data, in ``data/detector/training.json``. Each language's threshold is
chosen on out-of-fold probabilities: the train records are cut into folds by a hash of their
id (:func:`framing.lab.loaded_data.fold_of`), each fold is predicted by a model fitted on the
others, and the threshold that maximises the mean F1 over the language's ``select_on`` sets is
kept: SemEval news for en and ru (the tool reads news; manipulative Telegram posts want a much
lower threshold), UNLP posts for uk, which has no annotated news. The shipped model is then
fitted on all train records. ``train_detector`` returns a report with the cross-validated
figures.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.eval_loaded import span_prf, token_prf
from framing.lab.loaded_data import FOLDS, Doc, fold_of, read_sets, token_labels
from framing.wording.detector import (
    FEATURE_VERSION,
    DetectorError,
    Features,
    Model,
    artifact_dir,
    feature_matrix,
    save_model,
    spans_from_tokens,
    token_features,
)

TRAIN_SETS = ("semeval2023_en", "semeval2023_ru", "unlp2025")
SETTINGS_FILE = "data/detector/training.json"
Progress = Callable[[str], None]


@dataclass
class Example:
    doc: Doc
    features: Features
    matrix: Any  # CSR, one row per token
    labels: np.ndarray  # bool per token
    weights: np.ndarray  # 0 = left out of training


def training_settings() -> dict[str, Any]:
    """The hyperparameters in ``data/detector/training.json``."""
    path = resources.files("framing").joinpath(SETTINGS_FILE)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DetectorError(f"Cannot read the training settings {path}: {exc}.") from exc


def _example(doc: Doc, settings: dict[str, Any]) -> Example:
    features = token_features(doc.text, doc.lang)
    matrix = feature_matrix(features, settings["n_features"], settings["sentence_weight"])
    labels = np.array(token_labels(features.tokens, doc.gold), dtype=bool)
    weights = np.ones(len(labels))
    if doc.set_name == "unlp2025" and not doc.loaded:
        weights[labels] = 0.0  # spans of other techniques: neither loaded nor surely not
        labels[:] = False
    return Example(doc, features, matrix, labels, weights)


def _fit(examples: list[Example], settings: dict[str, Any]) -> tuple[np.ndarray, float]:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    rows = [e for e in examples if e.labels.size]
    matrix = sp.vstack([e.matrix for e in rows]).tocsr()
    labels = np.concatenate([e.labels for e in rows])
    weights = np.concatenate([e.weights for e in rows])
    model = LogisticRegression(
        C=settings["C"], class_weight=settings["class_weight"], solver="liblinear",
        max_iter=settings["max_iter"],
    )  # fmt: skip
    model.fit(matrix, labels, sample_weight=weights)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _probs(example: Example, coef: np.ndarray, bias: float) -> np.ndarray:
    if not example.labels.size:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(example.matrix @ coef + bias)))


def score(examples: list[Example], probs: list[np.ndarray], threshold: float) -> dict[str, Any]:
    """Each set's measure at ``threshold``: span P/R/F1 for news, token P/R/F1 for UNLP."""
    by_set: dict[str, list[tuple[Doc, list[tuple[int, int]]]]] = {}
    for example, p in zip(examples, probs, strict=True):
        found = spans_from_tokens(example.doc.text, example.features.tokens, p, threshold)
        by_set.setdefault(example.doc.set_name, []).append(
            (example.doc, [(s.start, s.end) for s in found])
        )
    scores = {}
    for name, rows in by_set.items():
        if name == "unlp2025":
            scores[name] = token_prf((doc.text, pred, doc.gold) for doc, pred in rows)
        else:
            scores[name] = span_prf((pred, doc.gold) for doc, pred in rows)
    return scores


def _choose_threshold(
    examples: list[Example], probs: list[np.ndarray], settings: dict[str, Any], lang: str
) -> tuple[float, dict[str, Any]]:
    best: tuple[float, float, dict[str, Any]] = (-1.0, 0.5, {})
    for threshold in settings["threshold_grid"]:
        scores = score(examples, probs, threshold)
        wanted = [scores[name]["f1"] for name in settings["select_on"][lang] if name in scores]
        objective = float(np.mean(wanted)) if wanted else 0.0
        if objective > best[0]:
            best = (objective, float(threshold), scores)
    return best[1], best[2]


def _rounded(scores: dict[str, Any]) -> dict[str, Any]:
    return {name: {k: round(v, 4) for k, v in m.items()} for name, m in scores.items()}


def train_detector(
    data_dir: Path,
    out_path: Path | None = None,
    progress: Progress | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train on the train split of ``data_dir``, choose thresholds by cross-validation, write
    the artifact to ``out_path`` (default: the package's ``data/detector``), and report.
    ``overrides`` replaces some of the settings of ``training.json`` (for experiments)."""
    say = progress or (lambda message: None)
    settings = {**training_settings(), **(overrides or {})}
    started = time.perf_counter()
    docs = read_sets(Path(data_dir), TRAIN_SETS, split="train")
    say(f"{len(docs)} train records; computing features")
    examples = [_example(doc, settings) for doc in docs]
    weights, biases, thresholds, report_langs = {}, {}, {}, {}
    for lang in settings["languages"]:
        mine = [e for e in examples if e.doc.lang == lang]
        if not any(e.labels.any() for e in mine):
            raise DetectorError(f"No positive {lang} tokens in {data_dir}: is it the right folder?")
        folds = [fold_of(e.doc.id) for e in mine]
        oof: list[np.ndarray] = [np.zeros(0)] * len(mine)
        for k in range(FOLDS):
            say(f"{lang}: cross-validation fold {k + 1} of {FOLDS}")
            coef, bias = _fit([e for e, f in zip(mine, folds, strict=True) if f != k], settings)
            for i, fold in enumerate(folds):
                if fold == k:
                    oof[i] = _probs(mine[i], coef, bias)
        thresholds[lang], cv_scores = _choose_threshold(mine, oof, settings, lang)
        say(f"{lang}: fitting the final model (threshold {thresholds[lang]})")
        weights[lang], biases[lang] = _fit(mine, settings)
        positives = int(sum(e.labels.sum() for e in mine))
        report_langs[lang] = {
            "records": len(mine),
            "tokens": int(sum(e.labels.size for e in mine)),
            "positive_tokens": positives,
            "threshold": thresholds[lang],
            "cross_validated": _rounded(cv_scores),
        }
    config = {
        "feature_version": FEATURE_VERSION,
        "languages": list(settings["languages"]),
        "n_features": settings["n_features"],
        "sentence_weight": settings["sentence_weight"],
        "trained_on": {name: "train split (is_test(id) false)" for name in TRAIN_SETS},
    }
    model = Model(config, weights, biases, thresholds)
    folder = Path(out_path) if out_path else Path(str(artifact_dir()))
    save_model(folder, model)
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    return {
        "written": str(folder),
        "artifact_bytes": size,
        "training_seconds": round(time.perf_counter() - started, 1),
        "languages": report_langs,
        "settings": settings,
    }
