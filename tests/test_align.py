"""Sentence alignment logic on hand-made score matrices (no model needed)."""

from __future__ import annotations

import numpy as np

from framing.alignment.align import align, alignment_settings, mutual_best

SETTINGS = alignment_settings(anchor_z=5.0, attach_z=4.0, equivalent_z=6.5, cross_event_z=7.5)


def test_mutual_best_needs_both_directions_and_the_floor() -> None:
    z = np.array([[6.0, 5.5], [5.8, 2.0]])
    # (0, 0) is mutual best; (1, 0): row 1's best is 0, but column 0's best is row 0.
    assert mutual_best(z, 5.0) == [(0, 0)]
    assert mutual_best(z, 6.5) == []


def test_non_monotone_links() -> None:
    z = np.full((3, 3), 1.0)
    z[0, 2] = z[1, 0] = z[2, 1] = 7.0
    result = align(z, SETTINGS)
    assert [(link.a, link.b) for link in result.links] == [([0], [2]), ([1], [0]), ([2], [1])]
    assert all(link.kind == "equivalent" for link in result.links)
    assert result.only_a == result.only_b == []


def test_many_to_one_attachment() -> None:
    z = np.full((3, 2), 0.0)
    z[0, 0] = 6.0  # anchor
    z[1, 0] = 4.5  # sentence 1's best is the anchored sentence 0 of b: it attaches
    z[2, 1] = 3.0  # too weak: unaligned
    result = align(z, SETTINGS)
    assert [(link.a, link.b, link.kind) for link in result.links] == [([0, 1], [0], "partial")]
    assert result.only_a == [2] and result.only_b == [1]
    assert result.pairs() == {(0, 0), (1, 0)}


def test_across_events_the_bar_is_higher_and_nothing_attaches() -> None:
    z = np.full((2, 2), 0.0)
    z[0, 0], z[1, 0], z[1, 1] = 7.0, 6.9, 8.0
    same = align(z, SETTINGS, same_event=True)
    other = align(z, SETTINGS, same_event=False)
    assert same.pairs() == {(0, 0), (1, 1)}
    assert other.pairs() == {(1, 1)}


def test_empty_and_single_sentence_articles() -> None:
    assert align(np.zeros((0, 3)), SETTINGS).only_b == [0, 1, 2]
    assert align(np.zeros((2, 0)), SETTINGS).only_a == [0, 1]
    one = align(np.array([[9.0]]), SETTINGS)
    assert one.pairs() == {(0, 0)}
