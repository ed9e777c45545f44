"""Possible counterparts found through a third report of the same event (issue 12, session 15).

When three reports of one event are compared (A, B and C), sentence i of A linked to k of C,
and k of C linked to j of B, make (i, j) a possible counterpart of A and B even when their
own scores did not put it forward: two reports may word one claim too differently for each
other, and each nearer a third. ``pivot_z`` is a bar on the pair's own candidate score (99:
off), ``pivot_legs`` how many of the two links through C may be possible counterparts
rather than confident links (0: both confident). A pivoted pair is added only where the
direct alignment shows neither, with at least one of its sentences without a confident link,
and no sentence without a link shows more than :data:`framing.alignment.align.MOST_SHOWN`
candidates (those the direct scores chose keep their places).

Nothing is encoded or aligned for it: the three pairwise alignments of a comparison of three
reports are made anyway (the claim matrix needs them).

Session 16, the same pivot with the third sentence in one of the two reports
(:func:`add_restated`): (i, j) shown and k of A restating i (their within-article z, the
same-language calibration, at least ``restate_inner_z``) make (k, j) a possible counterpart
(likewise on B's side) when it scores at least ``restate_z`` (99: off, as shipped: the
leave-one-event-out CV over 18 events failed its criterion, BENCHMARKS.md), ``via``
:data:`RESTATE_REASON` (webapp/templates/event.html reads that word).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from framing.alignment.align import MOST_SHOWN, POSSIBLE, AlignmentSettings, Link, PairAlignment

# The tier of each link through the third report: confident (0) or possible (1).
Legs = dict[tuple[int, int], int]

PIVOT_OFF = 50.0  # a bar this high: no pivot at all
PIVOT_REASON = "third report"  # ``via`` when the third report has no name
RESTATE_REASON = "restatement"  # ``via`` of a pair found through a restatement


def legs_of(alignment: PairAlignment, flip: bool = False) -> Legs:
    """The pairs ``alignment`` shows, each with 0 (confident) or 1 (possible counterpart);
    ``flip`` gives them as (b, a)."""
    found: Legs = {pair: 1 for pair in alignment.candidate_pairs()}
    found.update({pair: 0 for pair in alignment.pairs()})
    return {(j, i): tier for (i, j), tier in found.items()} if flip else found


def pivoted_pairs(a_c: Legs, c_b: Legs, most_possible: int) -> set[tuple[int, int]]:
    """(i, j) for each k with (i, k) in ``a_c`` and (k, j) in ``c_b``, of which at most
    ``most_possible`` are possible counterparts."""
    by_k: dict[int, list[tuple[int, int]]] = {}
    for (k, j), tier in c_b.items():
        by_k.setdefault(k, []).append((j, tier))
    return {
        (i, j)
        for (i, k), first in a_c.items()
        for j, second in by_k.get(k, [])
        if first + second <= most_possible
    }


def add_pivoted(
    alignment: PairAlignment,
    scores: np.ndarray,
    through: Iterable[tuple[Legs, Legs]],
    settings: AlignmentSettings,
    via: str | None = PIVOT_REASON,
) -> list[Link]:
    """Add to ``alignment``'s candidates the pairs found through each third report of
    ``through`` ((A-C legs, C-B legs), as :func:`legs_of` gives them) that score at least
    ``settings.pivot_z`` on ``scores`` (the pair's candidate score), each saying ``via``
    (the third report's id); returns those added."""
    if settings.pivot_z >= PIVOT_OFF:
        return []
    found: set[tuple[int, int]] = set()
    for a_c, c_b in through:
        found |= pivoted_pairs(a_c, c_b, int(settings.pivot_legs))
    return add_found(alignment, scores, found, settings.pivot_z, via)


def add_found(
    alignment: PairAlignment,
    scores: np.ndarray,
    found: set[tuple[int, int]],
    bar: float,
    via: str | None,
) -> list[Link]:
    """Add the pairs of ``found`` to ``alignment``'s candidates, best ``scores`` first: each
    not shown yet, with at least one sentence without a confident link, scoring at least
    ``bar``, and no sentence without a link in more than :data:`MOST_SHOWN` candidates;
    each says ``via``. Returns those added."""
    only_a, only_b = set(alignment.only_a), set(alignment.only_b)
    shown = alignment.shown_pairs()
    count_a: dict[int, int] = {}
    count_b: dict[int, int] = {}
    for i, j in alignment.candidate_pairs():
        count_a[i] = count_a.get(i, 0) + 1
        count_b[j] = count_b.get(j, 0) + 1
    added = []
    for i, j in sorted(found - shown, key=lambda pair: (-float(scores[pair]), pair)):
        if not (i in only_a or j in only_b) or scores[i, j] < bar:
            continue
        if (i in only_a and count_a.get(i, 0) >= MOST_SHOWN) or (
            j in only_b and count_b.get(j, 0) >= MOST_SHOWN
        ):
            continue
        count_a[i] = count_a.get(i, 0) + 1
        count_b[j] = count_b.get(j, 0) + 1
        added.append(Link([i], [j], float(scores[i, j]), "partial", POSSIBLE, via=via))
    alignment.candidates = sorted(
        alignment.candidates + added, key=lambda link: (link.a[0], link.b[0])
    )
    return added


def restated_pairs(
    legs: Legs, inner_a: np.ndarray, inner_b: np.ndarray, bar: float, most_possible: int
) -> set[tuple[int, int]]:
    """(k, j) for each shown (i, j) of ``legs`` (at most ``most_possible`` of them possible
    counterparts: 0 confident links only) and each other sentence k of A whose
    within-article z against i (``inner_a``) is at least ``bar``; likewise (i, l) for each
    sentence l of B restating j (``inner_b``)."""
    found: set[tuple[int, int]] = set()
    for (i, j), tier in legs.items():
        if tier > most_possible:
            continue
        found |= {(int(k), j) for k in np.flatnonzero(inner_a[i] >= bar) if k != i}
        found |= {(i, int(m)) for m in np.flatnonzero(inner_b[j] >= bar) if m != j}
    return found


def add_restated(
    alignment: PairAlignment,
    inner_a: np.ndarray,
    inner_b: np.ndarray,
    settings: AlignmentSettings,
) -> list[Link]:
    """Add to ``alignment``'s candidates the pairs found through a restatement within one
    article (:func:`restated_pairs`: ``inner_a`` and ``inner_b`` are each article's
    sentence z-scores against itself, ``settings.restate_inner_z`` their bar) that score at
    least ``settings.restate_z`` on the pair's candidate score; ``via`` says
    :data:`RESTATE_REASON`. All from the alignment as it was before any was added."""
    if settings.restate_z >= PIVOT_OFF or alignment.scores is None:
        return []
    found = restated_pairs(
        legs_of(alignment),
        inner_a,
        inner_b,
        settings.restate_inner_z,
        int(settings.restate_legs),
    )
    return add_found(alignment, alignment.scores, found, settings.restate_z, RESTATE_REASON)


def pivot_three(
    alignments: dict[tuple[str, str], PairAlignment], settings: AlignmentSettings
) -> None:
    """In a comparison of three reports (``alignments``: the three pairwise alignments, keyed
    by article ids), add to each pair's candidates those found through the third report
    (:func:`add_pivoted`), all from the alignments as they were before any was added to."""
    if len(alignments) != 3 or settings.pivot_z >= PIVOT_OFF:
        return
    legs = {key: legs_of(found) for key, found in alignments.items()}
    legs.update({(b, a): legs_of(found, flip=True) for (a, b), found in alignments.items()})
    ids = {article for key in alignments for article in key}
    for (a, b), found in alignments.items():
        if found.scores is None:  # a pair of different events: no candidates
            continue
        [c] = ids - {a, b}
        add_pivoted(found, found.scores, [(legs[(a, c)], legs[(c, b)])], settings, via=c)
