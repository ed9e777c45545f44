"""The measured (and not shipped) detector gate on ambiguous lexicon hits
(framing/lab/lexicon_gate.py; issue 13, session 23): hit classes, support, and the choice of
a gate by the union's F1 under a precision floor."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from framing.lab.eval_loaded import span_prf, union_spans
from framing.lab.lexicon_gate import choose_gate, figures, gate_record, hit_class, support
from framing.lab.loaded_data import Doc
from framing.text.morphology import word_spans
from framing.wording.lexicon import SCARE_QUOTES


@dataclass(frozen=True)
class FakeHit:
    start: int
    end: int
    category: str
    needs_context: bool = False


def test_the_class_of_a_hit_is_its_category_and_whether_it_needs_context() -> None:
    assert hit_class(FakeHit(0, 4, "pejorative_label")) == "pejorative_label"
    assert hit_class(FakeHit(0, 4, "pejorative_label", True)) == "pejorative_label/needs_context"
    # scare quotes are one class, though the matcher marks them as needing context
    assert hit_class(FakeHit(0, 4, SCARE_QUOTES, True)) == SCARE_QUOTES


def test_support_is_the_highest_probability_on_the_hits_words() -> None:
    tokens, probs = [(0, 4), (5, 9), (10, 14)], [0.1, 0.6, 0.2]
    assert support(FakeHit(0, 9, "x"), tokens, probs) == 0.6
    assert support(FakeHit(11, 13, "x"), tokens, probs) == 0.2  # inside one word
    assert support(FakeHit(9, 10, "x"), tokens, probs) == 0.0  # a space: no word


def _record(number: int, text: str, gold: list[tuple[int, int]], loaded: float) -> object:
    """A PTC-like article whose words all get probability 0.05, "regime" ``loaded``."""
    doc = Doc(f"t{number}", "ptc2020_en", "en", text, tuple(gold))
    tokens = word_spans(text)
    probs = np.array([loaded if text[a:z] == "regime" else 0.05 for a, z in tokens])
    return gate_record(doc, tokens, probs)


def test_a_class_the_detector_sorts_is_gated_and_one_it_cannot_is_not() -> None:
    plain = "The regime said it would act on Monday."
    start = plain.index("regime")
    # "regime" is a needs_context entry: loaded (gold) where the detector is sure of it, a
    # plain word (no gold) where it is not; "allegedly" is outside gold whatever it says
    records = [
        _record(k, plain, [(start, start + 6)] if k % 2 else [], 0.9 if k % 2 else 0.1)
        for k in range(30)
    ]
    hedged = "Officials allegedly took bribes, the paper wrote."
    records += [_record(100 + k, hedged, [], 0.05) for k in range(30)]
    ungated = figures(records, {})["ptc2020_en"]
    gate = choose_gate(records, "en", [0.2, 0.5, 0.8], min_hits=20, tie=0.001)
    # the bar separates the supported hits from the others; the hedge, which the detector
    # never supports, is dropped at any bar (the lowest that gains is kept)
    assert gate["delegitimising_qualifier/needs_context"] in (0.2, 0.5)
    assert gate["distancing_hedge/needs_context"] == 0.2
    gated = figures(records, gate)["ptc2020_en"]
    assert gated["precision"] > ungated["precision"]
    assert gated["f1"] > ungated["f1"]
    # the same as the official measure on the union built from the hits the gate keeps
    pairs = []
    for r in records:
        kept = [h for h, keep in zip(r.hits, r.keep(gate), strict=True) if keep]
        pairs.append((union_spans(r.doc.text, "en", "article", kept, r.suggestions), r.doc.gold))
    assert abs(span_prf(pairs)["f1"] - gated["f1"]) < 1e-9
    assert sum(len(p) for p, _ in pairs) == 15  # the supported "regime" of odd records only


def test_a_class_inside_gold_stays_ungated() -> None:
    plain = "The regime said it would act on Monday."
    start = plain.index("regime")
    # every "regime" loaded by the gold, the detector unsure of half of them: gating them
    # would only lose recall
    records = [_record(k, plain, [(start, start + 6)], 0.9 if k % 2 else 0.1) for k in range(30)]
    assert choose_gate(records, "en", [0.2, 0.5, 0.8], min_hits=20, tie=0.001) == {}
    # fewer hits than min_hits: never gated
    few = [_record(k, plain, [], 0.1) for k in range(5)]
    assert choose_gate(few, "en", [0.2, 0.5, 0.8], min_hits=20, tie=0.001) == {}
