"""A seed ensemble of detector heads (``head_seeds``): K heads trained alike with different
seeds, their probabilities averaged; one head (no ``head_seeds``) stays as it was."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framing.lab.detector_train import Example, fit_head, head_config, training_settings
from framing.lab.loaded_data import Doc
from framing.wording import detector
from framing.wording.detector import DetectorError, Model, load_model


def _examples() -> list[Example]:
    rng = np.random.default_rng(0)
    out = []
    for k in range(6):
        inputs = rng.normal(size=(12, 5)).astype(np.float16)
        labels = (inputs[:, 0] > 0).astype(np.int64)
        doc = Doc(f"r-{k}", "semeval2023_ru", "ru", "x", ())
        out.append(Example(doc, [(0, 1)] * 12, labels, inputs))
    return out


def _settings(**extra: object) -> dict[str, object]:
    settings = {**training_settings(), "hidden": 4, "epochs": 3, "batch": 16, "threads": 1}
    settings.pop("head_seeds", None)
    return {**settings, "set_weights": {}, **extra}


def test_an_ensemble_is_its_seeds_heads_stacked_and_averaged() -> None:
    examples = _examples()
    rows = examples[0].inputs.astype(np.float32)
    ensemble = fit_head(examples, _settings(head_seeds=[3, 5, 7]))
    assert ensemble["w1"].shape == (3, 5, 4) and ensemble["b2"].shape == (3, 1)
    singles = [fit_head(examples, _settings(seed=s)) for s in (3, 5, 7)]
    for k, single in enumerate(singles):  # each head is the one its seed trains alone
        for name, array in single.items():
            assert np.array_equal(ensemble[name][k], array), (k, name)
    config = head_config(_settings(head_seeds=[3, 5, 7]))
    assert config["heads"] == 3
    mean = np.mean([Model({"head": "mlp"}, a, {}).probabilities(rows) for a in singles], axis=0)
    assert np.allclose(Model(config, ensemble, {}).probabilities(rows), mean, atol=1e-6)
    # the seeds differ, so do the heads: the mean is no single one of them
    assert not np.allclose(singles[0]["w1"], singles[1]["w1"])


def test_no_head_seeds_is_the_one_head_of_seed() -> None:
    examples = _examples()
    plain = fit_head(examples, _settings(seed=5))
    assert plain["w1"].ndim == 2 and "heads" not in head_config(_settings())
    for same in (fit_head(examples, _settings(seed=5, head_seeds=[5])),
                 fit_head(examples, _settings(seed=5, head_seeds=[]))):  # fmt: skip
        for name, array in plain.items():
            assert np.array_equal(array, same[name]), name


def test_head_seeds_refuse_a_repeat_and_the_sequence_head() -> None:
    with pytest.raises(DetectorError, match="repeats"):
        head_config(_settings(head_seeds=[3, 3]))
    with pytest.raises(DetectorError, match="'mlp' head only"):
        fit_head(_examples(), _settings(head="gru", head_seeds=[3, 5]))


def test_an_ensemble_artifact_loads_and_says_its_count(artifact_copy: Path) -> None:
    one = load_model()
    rows = np.random.default_rng(1).normal(size=(7, one.arrays["w1"].shape[0]))
    rows = rows.astype(np.float32)
    # three heads: the shipped one and two others; the mean of their probabilities
    other = {k: v * 0.5 for k, v in one.arrays.items()}
    third = {k: -v for k, v in one.arrays.items()}
    heads = {k: np.stack([one.arrays[k], other[k], third[k]]) for k in ("w1", "b1", "w2", "b2")}
    config = {**one.config, "heads": 3}
    detector.save_model(artifact_copy, Model(config, {**one.arrays, **heads}, one.thresholds))
    detector._load_model.cache_clear()
    three = load_model()
    assert three.arrays["w1"].shape == (3, *one.arrays["w1"].shape)
    each = [Model(one.config, a, {}).probabilities(rows) for a in (one.arrays, other, third)]
    assert np.allclose(three.probabilities(rows), np.mean(each, axis=0), atol=2e-3)  # float16
    # a config.json that does not match the arrays is refused, both ways
    (artifact_copy / "config.json").write_text(json.dumps({**config, "heads": 2}))
    detector._load_model.cache_clear()
    with pytest.raises(DetectorError, match="Cannot read the detector head"):
        load_model()
    (artifact_copy / "config.json").write_text(json.dumps(one.config))
    detector._load_model.cache_clear()
    with pytest.raises(DetectorError, match="Cannot read the detector head"):
        load_model()
