"""Possible counterparts through a third report (framing/alignment/pivot.py), on hand-built
alignments: A-C and C-B chain (i, j) of A and B."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment.align import POSSIBLE, SAME, Link, PairAlignment, alignment_settings
from framing.alignment.pivot import add_pivoted, legs_of, pivot_three, pivoted_pairs


def _alignment(
    shape: tuple[int, int],
    links: list[tuple[int, int]] = (),
    candidates: list[tuple[int, int]] = (),
    scores: np.ndarray | None = None,
) -> PairAlignment:
    linked_a = {i for i, _ in links}
    linked_b = {j for _, j in links}
    return PairAlignment(
        links=[Link([i], [j], 7.0, "partial", SAME) for i, j in links],
        only_a=[i for i in range(shape[0]) if i not in linked_a],
        only_b=[j for j in range(shape[1]) if j not in linked_b],
        candidates=[Link([i], [j], 6.6, "partial", POSSIBLE) for i, j in candidates],
        scores=np.full(shape, 1.0) if scores is None else scores,
    )


def _settings(bar: float = 5.0, legs: float = 2.0):
    return alignment_settings(pivot_z=bar, pivot_legs=legs)


def test_chains_count_their_possible_links() -> None:
    a_c = {(0, 0): 0, (1, 1): 1}  # (i, k): 0 confident, 1 possible
    c_b = {(0, 2): 0, (1, 3): 1, (0, 4): 1}
    assert pivoted_pairs(a_c, c_b, 0) == {(0, 2)}
    assert pivoted_pairs(a_c, c_b, 1) == {(0, 2), (0, 4)}
    assert pivoted_pairs(a_c, c_b, 2) == {(0, 2), (0, 4), (1, 3)}


def test_legs_say_their_tier_and_turn_around() -> None:
    found = _alignment((2, 3), links=[(0, 1)], candidates=[(1, 2)])
    assert legs_of(found) == {(0, 1): 0, (1, 2): 1}
    assert legs_of(found, flip=True) == {(1, 0): 0, (2, 1): 1}


def test_a_pair_chained_through_the_third_report_becomes_a_candidate() -> None:
    scores = np.full((3, 3), 1.0)
    scores[0, 1] = 5.5  # the chained pair, above the bar
    a_b = _alignment((3, 3), links=[(2, 2)], scores=scores)
    a_c = legs_of(_alignment((3, 2), links=[(0, 0)]))
    c_b = legs_of(_alignment((2, 3), candidates=[(0, 1)]))
    added = add_pivoted(a_b, scores, [(a_c, c_b)], _settings(), via="C")
    assert [(link.a, link.b, link.tier, link.via) for link in added] == [([0], [1], POSSIBLE, "C")]
    assert a_b.candidate_pairs() == {(0, 1)}
    assert a_b.candidates[0].as_dict()["via"] == "C"
    assert a_b.pairs() == {(2, 2)}  # the confident tier is untouched


@pytest.mark.parametrize(
    ("why", "settings", "score", "links", "candidates"),
    [
        ("off", _settings(bar=99.0), 5.5, [(2, 2)], []),
        ("under the bar", _settings(bar=5.0), 4.9, [(2, 2)], []),
        ("a possible link through C where none may be", _settings(legs=0.0), 5.5, [(2, 2)], []),
        ("both sentences confidently linked", _settings(), 5.5, [(0, 2), (2, 1)], []),
        ("already a candidate", _settings(), 5.5, [(2, 2)], [(0, 1)]),
        ("the sentence shows two already", _settings(), 5.5, [(2, 2)], [(0, 0), (0, 2)]),
    ],
)
def test_no_candidate_through_the_third_report(why, settings, score, links, candidates) -> None:
    scores = np.full((3, 3), 6.6)
    scores[0, 1] = score
    a_b = _alignment((3, 3), links=links, candidates=candidates, scores=scores)
    before = a_b.candidate_pairs()
    a_c = legs_of(_alignment((3, 2), links=[(0, 0)]))
    c_b = legs_of(_alignment((2, 3), candidates=[(0, 1)]))
    assert add_pivoted(a_b, scores, [(a_c, c_b)], settings) == [], why
    assert a_b.candidate_pairs() == before


def test_best_scoring_chained_pairs_fill_the_free_places_first() -> None:
    scores = np.full((2, 4), 1.0)
    scores[0, 1], scores[0, 2], scores[0, 3] = 5.2, 6.0, 5.6
    a_b = _alignment((2, 4), candidates=[(0, 0)], scores=scores)  # one place left for 0
    a_c = legs_of(_alignment((2, 1), links=[(0, 0)]))
    c_b = legs_of(_alignment((1, 4), links=[(0, 1), (0, 2), (0, 3)]))
    add_pivoted(a_b, scores, [(a_c, c_b)], _settings())
    assert a_b.candidate_pairs() == {(0, 0), (0, 2)}


def test_three_reports_pivot_from_the_alignments_as_they_were() -> None:
    """Each pair's chains read the other two alignments before any candidate was added: a
    candidate A-B found through C does not chain A-C through B in the same comparison."""
    high = np.full((2, 2), 5.5)
    a_b = _alignment((2, 2), links=[(1, 1)], scores=high.copy())
    a_c = _alignment((2, 2), links=[(0, 0)], scores=high.copy())
    b_c = _alignment((2, 2), candidates=[(0, 0), (0, 1)], scores=high.copy())
    alignments = {("A", "B"): a_b, ("A", "C"): a_c, ("B", "C"): b_c}
    pivot_three(alignments, _settings())
    # A-B: A 0 -(A-C link)- C 0 -(B-C's candidate, turned)- B 0: (0, 0), through C.
    assert a_b.candidate_pairs() == {(0, 0)}
    assert [link.via for link in a_b.candidates] == ["C"]
    # A-C through B: A 1 - B 1 has no way on to C. Only A-B's new (0, 0) would chain
    # A 0 - B 0 - C 1, and it was not there before.
    assert a_c.candidate_pairs() == set()
    assert b_c.candidate_pairs() == {(0, 0), (0, 1)}
    assert all(link.via is None for link in b_c.candidates)
