"""The detector's gate on ambiguous lexicon hits (framing/wording/lexicon_gate.py; issue 13,
session 23): a hit of a gated class is shown by default only where the detector's words
support it; other hits, --more-suggestions and --no-suggestions show every hit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from framing.wording.lexicon import CATEGORIES, SCARE_QUOTES
from framing.wording.lexicon_gate import CONTEXT_SUFFIX, gate_bars, gated, hit_class, support


@dataclass(frozen=True)
class FakeHit:
    start: int
    end: int
    category: str
    needs_context: bool = False


TOKENS = [(0, 4), (5, 9), (10, 14), (15, 19)]
PROBS = [0.1, 0.6, 0.2, 0.05]


def test_the_class_of_a_hit_is_its_category_and_whether_it_needs_context() -> None:
    assert hit_class(FakeHit(0, 4, "pejorative_label")) == "pejorative_label"
    assert hit_class(FakeHit(0, 4, "pejorative_label", True)) == "pejorative_label/needs_context"
    # scare quotes are one class, though the matcher marks them as needing context
    assert hit_class(FakeHit(0, 4, SCARE_QUOTES, True)) == SCARE_QUOTES


def test_support_is_the_highest_probability_on_the_hits_words() -> None:
    assert support(FakeHit(0, 9, "x"), TOKENS, PROBS) == 0.6
    assert support(FakeHit(11, 13, "x"), TOKENS, PROBS) == 0.2  # inside one word
    assert support(FakeHit(9, 10, "x"), TOKENS, PROBS) == 0.0  # a space: no word


def test_a_gated_hit_is_shown_only_at_its_bar_and_others_always() -> None:
    quoted = FakeHit(0, 9, SCARE_QUOTES, True)  # support 0.6
    weak = FakeHit(10, 19, SCARE_QUOTES, True)  # support 0.2
    plain = FakeHit(15, 19, "pejorative_label")  # support 0.05, class not gated
    bars = {SCARE_QUOTES: 0.5}
    shown, held = gated([quoted, weak, plain], TOKENS, PROBS, "en", bars)
    assert shown == [quoted, plain]
    assert held == [weak]
    assert gated([quoted], TOKENS, PROBS, "en", {SCARE_QUOTES: 0.6})[0] == [quoted]  # at the bar
    # no bars: nothing is held back
    assert gated([quoted, weak, plain], TOKENS, PROBS, "en", {})[1] == []


def test_the_shipped_bars_name_known_classes_and_probabilities() -> None:
    known = {SCARE_QUOTES, *CATEGORIES, *(c + CONTEXT_SUFFIX for c in CATEGORIES)}
    bars = gate_bars("deep")
    assert set(bars) <= {"en", "ru", "uk"}
    for classes in bars.values():
        assert set(classes) <= known
        assert all(0.0 < bar < 1.0 for bar in classes.values())
    # a detector whose probabilities the bars were not chosen on gates nothing
    assert gate_bars("quick") == {}


@pytest.mark.parametrize("name", ["deep"])
def test_the_gate_is_part_of_the_detector_fingerprint(name: str, monkeypatch) -> None:
    from framing.wording import detector

    before = detector._fingerprint(name)
    detector._fingerprint.cache_clear()
    real = detector.artifact_dir

    class Folder:
        def __init__(self, inner) -> None:
            self.inner = inner

        def joinpath(self, part: str):
            if part == "lexicon_gate.json":
                return real(name).joinpath("config.json")  # another file's bytes
            return self.inner.joinpath(part)

    monkeypatch.setattr(detector, "artifact_dir", lambda n=None: Folder(real(n)))
    try:
        assert detector._fingerprint(name) != before
    finally:
        detector._fingerprint.cache_clear()
