"""Which layer of e5-small the detector should read: 5-fold CV of each, by the rules of
``framing train-detector``.

``python -m framing.lab.detector_layers DATA ENCODER_JSON LAYERS [OUT_DIR]``: the train
split's word states after each layer of ``LAYERS`` (comma-separated), from one pass through
the graph of the ``ENCODER_JSON`` recipe (the settings' ``states_encoder``;
:mod:`framing.wording.state_graph`), cached by :mod:`framing.lab.detector_states`. For each
layer: the head's out-of-fold probabilities, blended with the out-of-fold linear logits
(computed once: they do not depend on the layer), and each language's blend weight and bars
chosen as :func:`framing.lab.detector_train.choose_cuts` chooses them. Prints one JSON line
per layer with the cross-validated figures of each set; with ``OUT_DIR``, also writes each
layer's artifact to ``OUT_DIR/L<layer>`` (what ``framing train-detector`` writes with that
layer and recipe in ``training.json``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_train import (
    Progress,
    choose_cuts,
    cross_validate,
    fit_linear,
    linear_cross_validate,
    load_examples,
    training_settings,
    write_artifact,
)

FIGURES = ("cross_validated_posts", "cross_validated_articles", "cross_validated_article_recalls")


def summary(layer: int, report_langs: dict[str, Any]) -> dict[str, Any]:
    """The figures a layer is compared by: each language's blend weight, bars and the
    cross-validated P/R/F1 of each set at each kind's bars."""
    out: dict[str, Any] = {"layer": layer}
    for lang, found in report_langs.items():
        out[lang] = {
            "blend_weight": found.get("blend_weight"),
            **{key: found[key] for key in FIGURES if key in found},
        }
    return out


def compare(
    data_dir: Path,
    encoder: dict[str, Any],
    layers: list[int],
    out_dir: Path | None,
    say: Progress,
    overrides: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One summary per layer (see the module's docstring); ``overrides`` replaces some of
    the settings of ``training.json``, as ``train_detector``'s does."""
    settings = {**training_settings(), **(overrides or {})}
    base = {**settings, "states_encoder": encoder, "cache_layers": layers}
    linear = None
    words: list[Any] = []
    fits: dict[str, tuple[np.ndarray, float]] = {}
    results = []
    for layer in layers:
        started = time.perf_counter()
        settings = {**base, "layer": layer}
        if words:  # the hashed word features do not depend on the layer: computed once
            settings = {**settings, "lexical": {**settings["lexical"], "weights": [1.0]}}
        examples = load_examples(data_dir, settings, "train", say)
        settings = {**base, "layer": layer}
        if words:
            for example, matrix in zip(examples, words, strict=True):
                example.words = matrix
        else:
            words = [example.words for example in examples]
            linear = linear_cross_validate(examples, settings, say)
        oof = cross_validate(examples, settings, say)
        thresholds, blend, report_langs = choose_cuts(examples, oof, linear, settings, say)
        found = summary(layer, report_langs)
        found["seconds"] = round(time.perf_counter() - started, 1)
        results.append(found)
        print(json.dumps(found), flush=True)
        if out_dir is not None:
            if not fits:
                for lang in settings["languages"]:
                    mine = [e for e in examples if e.doc.lang == lang]
                    if mine:
                        say(f"{lang}: the shipped linear model")
                        fits[lang] = fit_linear(mine, settings["lexical"])
            folder = out_dir / f"L{layer}"
            folder.mkdir(parents=True, exist_ok=True)
            write_artifact(
                examples, settings, thresholds, blend, report_langs, folder, say, started, fits
            )
        del examples, oof
    return results


if __name__ == "__main__":
    data, recipe, wanted = sys.argv[1:4]
    out = Path(sys.argv[4]) if len(sys.argv) > 4 else None

    def _say(message: str) -> None:
        print(time.strftime("%H:%M:%S"), message, file=sys.stderr, flush=True)

    compare(Path(data), json.loads(recipe), [int(k) for k in wanted.split(",")], out, _say)
