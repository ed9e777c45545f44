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


CANDIDATES = alignment_settings(
    anchor_z=5.0,
    attach_z=6.0,
    equivalent_z=6.5,
    cross_event_z=7.5,
    candidate_mutual_z=3.0,
    candidate_z=3.0,
    candidates=1,
)


def test_an_unlinked_sentence_shows_its_best_candidate() -> None:
    z = np.full((3, 3), 0.0)
    z[0, 0] = 7.0  # confident
    z[1, 1], z[1, 2] = 4.0, 3.5  # row 1: best 4.0 (a candidate), second 3.5 (one shown only)
    z[0, 2] = 3.8  # column 2's own best is row 0, so column 2 does not show row 1 either
    z[2, 1] = 2.0  # row 2: below candidate_z, no counterpart found
    result = align(z, CANDIDATES)
    assert result.pairs() == {(0, 0)}
    assert result.candidate_pairs() == {(1, 1), (0, 2)}
    assert {x.tier for x in result.candidates} == {"possible counterpart"}
    assert result.shown_pairs() == {(0, 0), (1, 1), (0, 2)}
    two = align(z, alignment_settings(**{**CANDIDATES.__dict__, "candidates": 2}))
    assert two.candidate_pairs() == {(1, 1), (1, 2), (0, 2)}


def test_mutual_best_pairs_among_the_unlinked_are_candidates_at_a_lower_bar() -> None:
    settings = alignment_settings(**{**CANDIDATES.__dict__, "candidate_z": 9.0})
    z = np.full((3, 3), 0.0)
    z[0, 0] = 7.0  # confident
    z[1, 1] = 3.2  # mutual best of the rest: a candidate
    z[2, 1] = 3.1  # row 2's best, but column 1 prefers row 1: not shown
    z[0, 2] = 4.0  # column 2's best is the linked row 0: not a mutual pair of the rest
    assert align(z, settings).candidate_pairs() == {(1, 1)}


def test_a_candidate_may_point_at_a_linked_sentence() -> None:
    z = np.full((2, 2), 0.0)
    z[0, 0] = 7.0
    z[1, 0] = 5.5  # below attach_z: not a link, but the best counterpart of sentence 1
    result = align(z, CANDIDATES)
    assert result.pairs() == {(0, 0)} and result.candidate_pairs() == {(1, 0)}


def test_a_guard_veto_turns_a_link_into_a_candidate_with_its_reason() -> None:
    z = np.full((2, 2), 0.0)
    z[0, 0], z[1, 1] = 8.0, 7.0

    class Vetoes11:
        def veto(self, i: int, j: int) -> str | None:
            return "one side is negated" if (i, j) == (1, 1) else None

        def allows_equivalent(self, i: int, j: int) -> bool:
            return True

    result = align(z, CANDIDATES, guard=Vetoes11())
    assert result.pairs() == {(0, 0)}
    [candidate] = result.candidates
    assert (candidate.a, candidate.b, candidate.score) == ([1], [1], 7.0)
    assert (candidate.kind, candidate.check) == ("partial", "one side is negated")


def test_pairs_across_events_show_no_candidates() -> None:
    z = np.full((2, 2), 4.0)
    assert align(z, CANDIDATES, same_event=False).candidates == []


def test_a_guard_can_keep_a_link_partial() -> None:
    z = np.array([[8.0]])

    class NeverEquivalent:
        def veto(self, i: int, j: int) -> str | None:
            return None

        def allows_equivalent(self, i: int, j: int) -> bool:
            return False

    assert [x.kind for x in align(z, CANDIDATES).links] == ["equivalent"]
    assert [x.kind for x in align(z, CANDIDATES, guard=NeverEquivalent()).links] == ["partial"]


def test_an_equivalent_link_holds_no_vetoed_cross_pair() -> None:
    # Rows 0 and 1 both link to columns 0 and 1 through (0, 0), (0, 1) and (1, 0): one link.
    # (1, 1) is never a pair of it, but is a claim against its own negation: the link that
    # holds both sentences may not be called "equivalent".
    z = np.full((2, 2), 0.0)
    z[0, 0], z[0, 1], z[1, 0] = 8.0, 6.0, 6.0

    class Vetoes11:
        def veto(self, i: int, j: int) -> str | None:
            return "one side is negated" if (i, j) == (1, 1) else None

        def allows_equivalent(self, i: int, j: int) -> bool:
            return True

    [link] = align(z, SETTINGS, guard=Vetoes11()).links
    assert (link.a, link.b, link.kind) == ([0, 1], [0, 1], "partial")
    [plain] = align(z, SETTINGS).links
    assert plain.kind == "equivalent"


def test_candidate_scores_rank_the_candidates_not_the_links() -> None:
    z = np.full((2, 3), 0.0)
    z[0, 0] = 7.0  # confident on z
    z[1, 1] = 4.0  # row 1's best on z ...
    ranked = z.copy()
    ranked[1, 1], ranked[1, 2] = 2.5, 5.0  # ... but the candidate score prefers column 2
    ranked[0, 0] = 0.0  # and the candidate score never unmakes a confident link
    result = align(z, CANDIDATES, candidate_scores=ranked)
    assert result.pairs() == {(0, 0)}
    assert result.candidate_pairs() == {(1, 2)}
    assert result.candidates[0].score == 5.0
    assert align(z, CANDIDATES).candidate_pairs() == {(1, 1)}


def test_candidate_scores_as_a_function_are_asked_for_the_unlinked_sentences_only() -> None:
    z = np.full((2, 3), 0.0)
    z[0, 0] = 7.0  # confident on z: row 0 and column 0 are linked
    z[1, 1] = 4.0
    asked: list[tuple[list[int], list[int]]] = []

    def ranked(rows: list[int], cols: list[int]) -> np.ndarray:
        asked.append((rows, cols))
        out = z.copy()
        out[1, 1], out[1, 2] = 2.5, 5.0
        return out

    result = align(z, CANDIDATES, candidate_scores=ranked)
    assert asked == [([1], [1, 2])]
    assert result.candidate_pairs() == {(1, 2)}
    asked.clear()
    align(np.array([[7.0]]), CANDIDATES, candidate_scores=ranked)
    assert asked == []  # everything linked: nothing to rank, nothing computed


# The candidate rules of session 12 (each off at its default: the tests above hold).


def _with(**overrides: float):  # type: ignore[no-untyped-def]
    return alignment_settings(**{**CANDIDATES.__dict__, **overrides})


def test_a_counterpart_already_linked_is_shown_at_a_lower_bar_when_asked() -> None:
    z = np.full((3, 3), 0.0)
    z[0, 0] = 7.0  # confident: row 0 and column 0 are linked
    z[1, 0] = 3.5  # row 1's best is the linked column 0, under candidate_z 4.0
    z[2, 2] = 3.5  # row 2's best is the unlinked column 2, as far under the bar
    settings = _with(candidate_z=4.0, candidate_mutual_z=9.0)
    assert align(z, settings).candidate_pairs() == set()
    lowered = align(z, _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_taken_offset=0.5))
    assert lowered.candidate_pairs() == {(1, 0)}  # the taken counterpart only


def test_a_second_candidate_within_the_margin_of_the_first() -> None:
    z = np.full((2, 4), 0.0)
    z[0, 0] = 7.0  # confident
    z[1, 1], z[1, 2], z[1, 3] = 5.0, 4.6, 4.5  # row 1: best 5.0, then 4.6 and 4.5
    settings = _with(candidate_z=4.0, candidate_mutual_z=9.0)
    z[0, 1] = z[0, 2] = z[0, 3] = 6.0  # the columns' best is row 0: only row 1 chooses
    assert align(z, settings).candidate_pairs() == {(1, 1)}
    two = align(z, _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_margin=0.5))
    assert two.candidate_pairs() == {(1, 1), (1, 2)}  # 4.6 is within 0.5; never a third
    assert align(z, _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_margin=0.3))\
        .candidate_pairs() == {(1, 1)}  # fmt: skip


class _Vetoes:
    """Vetoes the listed pairs ("one side is negated")."""

    def __init__(self, *pairs: tuple[int, int]) -> None:
        self.pairs = set(pairs)

    def veto(self, i: int, j: int) -> str | None:
        return "one side is negated" if (i, j) in self.pairs else None

    def allows_equivalent(self, i: int, j: int) -> bool:
        return (i, j) not in self.pairs


def test_a_vetoed_pair_needs_more_to_be_a_candidate_when_asked() -> None:
    z = np.full((3, 3), 0.0)
    z[0, 0] = 7.0
    z[1, 1] = z[2, 2] = 4.5  # two candidates at 4.5; the guard vetoes (2, 2)
    settings = _with(candidate_z=4.0, candidate_mutual_z=9.0)
    guard = _Vetoes((2, 2))
    assert align(z, settings, guard=guard).candidate_pairs() == {(1, 1), (2, 2)}
    stricter = _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_veto_offset=1.0)
    assert align(z, stricter, guard=guard).candidate_pairs() == {(1, 1)}
    laxer = _with(candidate_z=5.0, candidate_mutual_z=9.0, candidate_veto_offset=-1.0)
    assert align(z, laxer, guard=guard).candidate_pairs() == {(2, 2)}


def test_a_pair_best_one_way_and_second_the_other_at_the_near_bar() -> None:
    z = np.full((4, 4), 0.0)
    z[0, 0] = 7.0  # confident: row 0, column 0 linked
    z[1, 1], z[2, 1] = 4.6, 4.8  # column 1's best is row 2; row 1's best is column 1
    z[2, 2] = 4.9  # row 2's best is column 2 (mutual, under anchor_z): (2, 1) is second
    z[3, 0] = 4.7  # row 3's best is the linked column 0, whose best is its link
    z[0, 3] = 4.9  # column 3's best is the linked row 0 (second in row 0, after its link)
    settings = _with(candidate_z=9.0, candidate_mutual_z=9.0)
    assert align(z, settings).candidate_pairs() == set()
    near = align(z, _with(candidate_z=9.0, candidate_mutual_z=9.0, candidate_near_z=4.5))
    # (1, 1): best of row 1, second of column 1; (2, 1): best of column 1, second of row 2;
    # (2, 2): mutual. (3, 0) and (0, 3) hold a linked sentence.
    assert near.candidate_pairs() == {(1, 1), (2, 1), (2, 2)}
    taken = _with(candidate_z=9.0, candidate_mutual_z=9.0, candidate_near_z=4.5,
                  candidate_near_taken=1.0)  # fmt: skip
    # (3, 0): best of row 3, second of column 0; (0, 3): best of column 3, second of row 0
    assert align(z, taken).candidate_pairs() == {(1, 1), (2, 1), (2, 2), (3, 0), (0, 3)}


def test_a_sentence_without_a_link_shows_at_most_two_candidates_the_best() -> None:
    z = np.full((5, 4), 0.0)
    z[3, 3] = 7.0  # confident: row 3, column 3 linked
    # Columns 0, 1 and 2 each choose row 0 (their best), and row 0 chooses column 0:
    # without the cap row 0 would show three counterparts.
    z[0, 0], z[0, 1], z[0, 2] = 3.6, 2.5, 3.0  # all under anchor_z and attach_z
    z[1, 3] = z[2, 3] = z[4, 3] = 3.2  # rows 1, 2, 4 choose the linked column 3
    settings = _with(candidate_z=2.0, candidate_mutual_z=9.0)
    result = align(z, settings)
    assert result.pairs() == {(3, 3)}
    # Row 0 keeps its best two by score (3.6, 3.0); column 1 is left without a candidate.
    # The linked column 3 is not capped: rows 1, 2 and 4 each show it as their best.
    assert result.candidate_pairs() == {(0, 0), (0, 2), (1, 3), (2, 3), (4, 3)}
    # The same on the other side (the matrix transposed: a column's candidates).
    assert align(z.T, settings).candidate_pairs() == {(0, 0), (2, 0), (3, 1), (3, 2), (3, 4)}


def test_a_second_counterpart_at_the_second_bar_when_asked() -> None:
    z = np.full((2, 4), 0.0)
    z[0, 0] = 7.0  # confident
    z[1, 1], z[1, 2], z[1, 3] = 6.0, 5.2, 4.8  # row 1: best 6.0, second 5.2, third 4.8
    z[0, 1] = z[0, 2] = z[0, 3] = 6.5  # the columns' best is row 0: only row 1 chooses
    settings = _with(candidate_z=4.0, candidate_mutual_z=9.0)
    assert align(z, settings).candidate_pairs() == {(1, 1)}
    second = align(z, _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_second_z=5.0))
    assert second.candidate_pairs() == {(1, 1), (1, 2)}  # the third (4.8 < 5.0) never
    higher = _with(candidate_z=4.0, candidate_mutual_z=9.0, candidate_second_z=5.5)
    assert align(z, higher).candidate_pairs() == {(1, 1)}
    # Only beside a shown best: with the best under candidate_z, no second either.
    alone = _with(candidate_z=6.5, candidate_mutual_z=9.0, candidate_second_z=5.0)
    assert align(z, alone).candidate_pairs() == set()


def test_a_pair_diagonally_next_to_a_confident_link_gets_the_neighbour_bonus() -> None:
    z = np.full((5, 6), 0.0)
    z[0, 0] = z[4, 4] = 7.0  # confident links
    z[1, 1] = 4.5  # continues the link (0, 0): (i - 1, j - 1) is linked
    z[3, 3] = 4.6  # precedes the link (4, 4): (i + 1, j + 1) is linked
    z[2, 5] = 4.7  # the same score, isolated: no link beside it in either order
    settings = _with(candidate_z=5.0, candidate_mutual_z=5.0)
    plain = align(z, settings)
    assert plain.pairs() == {(0, 0), (4, 4)}
    assert plain.candidate_pairs() == set()  # every pair under the bars
    bonus = align(z, _with(candidate_z=5.0, candidate_mutual_z=5.0, candidate_neighbour_bonus=1.0))
    assert bonus.pairs() == plain.pairs()  # the confident tier never reads the bonus
    assert bonus.candidate_pairs() == {(1, 1), (3, 3)}  # not the isolated (2, 5)
    # The candidate keeps its own score: the bonus only ranks and meets the bars.
    assert sorted(link.score for link in bonus.candidates) == [4.5, 4.6]
    small = _with(candidate_z=5.0, candidate_mutual_z=5.0, candidate_neighbour_bonus=0.45)
    assert align(z, small).candidate_pairs() == {(3, 3)}  # 4.6 + 0.45 over 5.0, 4.95 not


def test_diagonal_neighbours_stay_inside_and_leave_the_links_out() -> None:
    from framing.alignment.align import diagonal_neighbours

    near = diagonal_neighbours((3, 4), {(0, 0), (1, 1), (2, 3)})
    # (0, 0) -> (1, 1), a link itself; (1, 1) -> (0, 0) (a link) and (2, 2);
    # (2, 3) -> (1, 2), and (3, 4) lies outside the matrix.
    assert {(int(i), int(j)) for i, j in np.argwhere(near)} == {(2, 2), (1, 2)}
