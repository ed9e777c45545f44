"""The held-out comparison of frozen and tuned detectors (framing.lab.detector_tune_compare):
settings replaced per run, and bars chosen where they are asked to be chosen."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lab import detector_tune_compare
from framing.lab.detector_tune_compare import measure, overridden, tune_share


def test_settings_are_replaced_by_dotted_keys_with_json_values() -> None:
    settings = {"layer": 8, "tune": {"below": 7, "layers": 1}, "encoder": {"layers": 8}}
    got = overridden(
        settings, ["tune.below=4", "tune.layers=4", "encoder.precision=f32", "seed=[1, 2]"]
    )
    assert got["tune"] == {"below": 4, "layers": 4}
    assert got["encoder"] == {"layers": 8, "precision": "f32"}  # not JSON: the bare word
    assert got["seed"] == [1, 2]
    assert settings["tune"] == {"below": 7, "layers": 1}  # the caller's copy untouched
    with pytest.raises(ValueError, match="no settings"):
        overridden(settings, ["tuning.below=4"])
    with pytest.raises(ValueError, match="KEY=VALUE"):
        overridden(settings, ["tune.below"])


class _Doc:
    def __init__(self, set_name: str, lang: str) -> None:
        self.set_name, self.lang = set_name, lang


class _Example:
    def __init__(self, set_name: str, lang: str) -> None:
        self.doc = _Doc(set_name, lang)


def test_bars_are_chosen_on_the_records_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``choose_on``, each row's bars are chosen on those records (of the row's
    bar set and language), not on the measured ones; without it, on the measured ones."""
    examples = [
        _Example("ptc2020_en", "en"),  # 0, measured
        _Example("semeval2023_en", "en"),  # 1, measured
        _Example("ptc2020_en", "en"),  # 2, bar fold
        _Example("unlp2025", "uk"),  # 3, bar fold
        _Example("unlp2025", "uk"),  # 4, measured
    ]
    seen: list[list[int]] = []

    def choose(picked, probs, cuts, sets, *strict):  # noqa: ANN001, ANN002, ANN202
        seen.append(sorted(examples.index(e) for e in picked))
        return []  # no bars: nothing is scored

    monkeypatch.setattr(detector_tune_compare, "choose_threshold", choose)
    settings = {
        "threshold_grid": [0.5],
        "extend_steps": [0.0],
        "bridge_steps": [0.0],
        "article_beta": 0.5,
        "article_min_precision": 0.45,
    }
    probs = {i: np.zeros(1) for i in range(5)}
    measure(examples, [0, 1, 4], probs, settings, choose_on=[2, 3])
    assert seen and all(picked in ([2], [3]) for picked in seen)
    assert [2] in seen and [3] in seen  # PTC's bars (for SemEval en too) and UNLP uk's
    seen.clear()
    measure(examples, [0, 1, 4], probs, settings)
    assert [0] in seen and [4] in seen and all(2 not in p and 3 not in p for p in seen)


class _Record:
    def __init__(self, record_id: str) -> None:
        self.doc = type("D", (), {"id": record_id})()


def test_the_tuned_share_is_a_fixed_subset_of_the_train_records() -> None:
    records = [_Record(f"doc{k}") for k in range(400)]
    train = list(range(0, 400, 2))
    assert tune_share(records, train, 1.0) == train
    half = tune_share(records, train, 0.5)
    assert set(half) < set(train) and 70 < len(half) < 130
    assert tune_share(records, train, 0.5) == half  # by the ids' hash: every run the same
    assert set(tune_share(records, train, 0.25)) < set(half)  # a smaller share, within it
