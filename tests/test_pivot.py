"""Possible counterparts through a third report (framing/alignment/pivot.py), on hand-built
alignments: A-C and C-B chain (i, j) of A and B."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment.align import POSSIBLE, SAME, Link, PairAlignment, alignment_settings
from framing.alignment.pivot import (
    RESTATE_REASON,
    add_pivoted,
    add_restated,
    legs_of,
    pivot_three,
    pivoted_pairs,
    restated_pairs,
)


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


# The restatement within one article (add_restated): hand-built within-article z.


def _restate(bar: float = 7.0, inner: float = 5.0, legs: float = 1.0):
    return alignment_settings(restate_z=bar, restate_inner_z=inner, restate_legs=legs)


def _inner(size: int, pairs: dict[tuple[int, int], float]) -> np.ndarray:
    """A within-article z matrix: 10 on the diagonal, ``pairs`` (both ways), 0 elsewhere."""
    inner = np.eye(size) * 10.0
    for (x, y), value in pairs.items():
        inner[x, y] = inner[y, x] = value
    return inner


def test_restated_pairs_on_both_sides_count_their_legs() -> None:
    legs = {(0, 0): 0, (2, 2): 1}  # (i, j): 0 confident, 1 possible
    inner_a = _inner(3, {(0, 1): 5.5, (2, 1): 6.0})  # A 1 restates A 0 and A 2
    inner_b = _inner(3, {(0, 1): 4.0, (2, 1): 5.0})  # B 1 restates B 2, not B 0 (4.0)
    assert restated_pairs(legs, inner_a, inner_b, 5.0, 0) == {(1, 0)}
    assert restated_pairs(legs, inner_a, inner_b, 5.0, 1) == {(1, 0), (1, 2), (2, 1)}
    assert restated_pairs(legs, inner_a, inner_b, 5.8, 1) == {(1, 2)}


def test_a_restatement_of_a_linked_sentence_becomes_a_candidate() -> None:
    scores = np.full((3, 3), 1.0)
    scores[1, 0] = 7.2  # A 1 (restating A 0) against B 0
    a_b = _alignment((3, 3), links=[(0, 0)], scores=scores)
    added = add_restated(a_b, _inner(3, {(0, 1): 5.5}), _inner(3, {}), _restate())
    assert [(link.a, link.b, link.tier, link.via) for link in added] == [
        ([1], [0], POSSIBLE, RESTATE_REASON)
    ]
    assert a_b.candidate_pairs() == {(1, 0)}
    assert a_b.candidates[0].as_dict()["via"] == "restatement"
    assert a_b.pairs() == {(0, 0)}  # the confident tier is untouched


def test_a_restatement_of_a_candidate_on_the_other_side() -> None:
    scores = np.full((2, 3), 1.0)
    scores[0, 2] = 7.5  # B 2 restates B 1, shown with A 0 as a possible counterpart
    a_b = _alignment((2, 3), candidates=[(0, 1)], scores=scores)
    inner_b = _inner(3, {(1, 2): 6.0})
    assert add_restated(a_b, _inner(2, {}), inner_b, _restate(legs=0.0)) == []
    assert a_b.candidate_pairs() == {(0, 1)}
    add_restated(a_b, _inner(2, {}), inner_b, _restate(legs=1.0))
    assert a_b.candidate_pairs() == {(0, 1), (0, 2)}


@pytest.mark.parametrize(
    ("why", "settings", "score", "restates"),
    [
        ("off", _restate(bar=99.0), 7.5, 6.0),
        ("under the bar on its own score", _restate(bar=7.0), 6.9, 6.0),
        ("under the within-article bar", _restate(inner=6.5), 7.5, 6.0),
    ],
)
def test_no_candidate_through_a_weak_restatement(why, settings, score, restates) -> None:
    scores = np.full((3, 3), 1.0)
    scores[1, 0] = score
    a_b = _alignment((3, 3), links=[(0, 0)], scores=scores)
    assert add_restated(a_b, _inner(3, {(0, 1): restates}), _inner(3, {}), settings) == [], why
    assert a_b.candidate_pairs() == set()


def test_restatements_keep_the_candidate_rules() -> None:
    """Not between two linked sentences, never more than two candidates for a sentence
    without a link, the best-scoring first."""
    scores = np.full((4, 4), 1.0)
    scores[1, 3], scores[2, 0], scores[2, 1] = 7.9, 7.6, 7.4
    # A 1 is linked to B 1 and B 3 to A 3: (1, 3), through B 1 restating B 3, joins two
    # linked sentences. A 2 restates A 0 and A 1 and shows one candidate already: of (2, 0)
    # and (2, 1) only the better finds a place.
    a_b = _alignment((4, 4), links=[(0, 0), (1, 1), (3, 3)], candidates=[(2, 2)], scores=scores)
    inner_a = _inner(4, {(0, 2): 6.0, (1, 2): 6.0})
    inner_b = _inner(4, {(1, 3): 6.0})
    added = add_restated(a_b, inner_a, inner_b, _restate())
    assert [(link.a, link.b) for link in added] == [([2], [0])]
    assert a_b.candidate_pairs() == {(2, 2), (2, 0)}
