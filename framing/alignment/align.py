"""Sentence alignment between two articles: non-monotone, many-to-one, unaligned allowed.

News reports are not translations. Order differs, one outlet merges what another says in two
sentences, and many sentences have no counterpart. So the alignment is not a path through a
matrix (as for translations) but a set of links:

1. **Anchors**: mutual best pairs (each sentence is the other's most similar) scoring at least
   ``anchor_z`` above chance;
2. **Attachments**: a sentence whose most similar counterpart is an anchored sentence joins
   that anchor's link if it scores at least ``attach_z`` (many-to-one: a lede, a paraphrase and
   the quote behind them all map to one sentence of the other outlet);
3. **Links** are the connected groups of those pairs: the confident tier, "same statement";
4. **Candidates**: among the sentences left without a link, mutual best pairs at
   ``candidate_mutual_z``, and each one's best counterpart at ``candidate_z``, by a second
   score that also sees clauses and words (:mod:`framing.alignment.pair_scores`), are shown
   as "possible counterpart" (never more than two for a sentence), for a reader to check:
   on real reports most true counterparts are paraphrases or partial claims at z 2-5, where
   a decision would be wrong half the time but a short list of candidates holds them;
   in a comparison of three reports, a pair chained through the third also becomes one
   (:mod:`framing.alignment.pivot`);
5. A **guard** (:mod:`framing.alignment.guard`) can veto a pair as "same statement"
   (negation, modality or a different named participant): it is shown as a candidate.

Everything else is unaligned: "no counterpart found".

Cost: one similarity matrix, O(n·m) time and memory for articles of n and m sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from framing.settings import packaged_yaml


@dataclass(frozen=True)
class AlignmentSettings:
    anchor_z: float
    attach_z: float
    equivalent_z: float
    cross_event_z: float
    candidate_mutual_z: float
    candidate_z: float
    candidates: float  # how many best counterparts an unlinked sentence shows
    # Candidate rules of session 12 (0: off, the rule before them; alignment.yaml):
    candidate_taken_offset: float = 0.0  # bar lowered for a counterpart already linked
    candidate_margin: float = 0.0  # a second candidate within this of the first
    candidate_veto_offset: float = 0.0  # bar raised (lowered, < 0) for a pair the guard vetoes
    candidate_near_z: float = 99.0  # bar of a pair best one way and second or better the other
    candidate_near_taken: float = 0.0  # 1: ... also when one of its sentences is linked
    candidate_second_z: float = 99.0  # bar of a sentence's second counterpart (99: off)
    # Session 23: added to the candidate score of a pair diagonally next to a confident pair
    # (local order: a passage runs in the same order in both reports; 0: off).
    candidate_neighbour_bonus: float = 0.0
    # Session 15, through a third report of the event (framing/alignment/pivot.py):
    pivot_z: float = 99.0  # bar on the pair's own candidate score (99: off)
    pivot_legs: float = 0.0  # how many of the two links through it may be possible ones
    # Session 16, through a restatement within one article (framing/alignment/pivot.py):
    restate_z: float = 99.0  # bar on the pair's own candidate score (99: off)
    restate_inner_z: float = 99.0  # bar on the two sentences' within-article z
    restate_legs: float = 0.0  # 1: the shown pair restated may be a possible counterpart


SAME = "same statement"
POSSIBLE = "possible counterpart"


class Guard(Protocol):
    """Looks at one sentence pair (row i of a, column j of b)."""

    def veto(self, i: int, j: int) -> str | None:
        """Why the pair cannot be the same statement (it is shown as a candidate), or None."""

    def allows_equivalent(self, i: int, j: int) -> bool:
        """Whether the pair may be called "equivalent" (else at most "partial")."""

    # Optional: ``offers(i, j) -> bool``, whether the pair may be a possible counterpart at
    # all (read by :func:`_candidates` when the guard has it).


@dataclass
class Link:
    a: list[int]
    b: list[int]
    score: float  # the best pair's z-score
    kind: str  # "equivalent" | "partial"
    tier: str = SAME  # SAME | POSSIBLE
    check: str | None = None  # why a reader should check it (a guard's reason)
    via: str | None = None  # where a possible counterpart came from, when not its own score

    def as_dict(self) -> dict[str, Any]:
        out = {"a": self.a, "b": self.b, "score": round(self.score, 2), "kind": self.kind}
        out["tier"] = self.tier
        if self.check:
            out["check"] = self.check
        if self.via:
            out["via"] = self.via
        return out


@dataclass
class PairAlignment:
    links: list[Link] = field(default_factory=list)  # the confident tier
    only_a: list[int] = field(default_factory=list)  # sentences without a confident link
    only_b: list[int] = field(default_factory=list)
    candidates: list[Link] = field(default_factory=list)  # possible counterparts, one pair each
    # The candidate score the candidates were ranked by (rows and columns of the sentences
    # without a link hold it; None when there were none): a third report's pivot reads it.
    scores: np.ndarray | None = field(default=None, repr=False, compare=False)

    def pairs(self) -> set[tuple[int, int]]:
        """Every (sentence of a, sentence of b) pair the confident links imply."""
        return {(i, j) for link in self.links for i in link.a for j in link.b}

    def candidate_pairs(self) -> set[tuple[int, int]]:
        return {(link.a[0], link.b[0]) for link in self.candidates}

    def shown_pairs(self) -> set[tuple[int, int]]:
        """Every pair a reader is shown: confident links and possible counterparts."""
        return self.pairs() | self.candidate_pairs()


def thresholds() -> dict[str, dict[str, Any]]:
    return packaged_yaml("alignment.yaml")


def alignment_settings(**overrides: float) -> AlignmentSettings:
    values = {**thresholds()["alignment"], **overrides}
    return AlignmentSettings(**{k: float(v) for k, v in values.items()})


def mutual_best(z: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Pairs that are each other's best match and score at least ``floor``."""
    if z.size == 0:
        return []
    row_best = z.argmax(axis=1)
    col_best = z.argmax(axis=0)
    return [(i, int(j)) for i, j in enumerate(row_best) if col_best[j] == i and z[i, j] >= floor]


def align(
    z: np.ndarray,
    settings: AlignmentSettings,
    same_event: bool = True,
    guard: Guard | None = None,
    candidate_scores: np.ndarray | Callable[[list[int], list[int]], np.ndarray] | None = None,
) -> PairAlignment:
    """Align two articles from their sentence z-score matrix (rows: a, columns: b).

    ``same_event`` False (a pair nobody asked for, judged to report different events) raises
    the bar to ``cross_event_z`` and shows no candidates. ``candidate_scores`` (same shape,
    on z's scale: :mod:`framing.alignment.pair_scores`) rank the possible counterparts;
    without them z does. It may be a function of the sentences left without a link
    (``only_a``, ``only_b``), called once they are known: the second score is costly, and
    only the rows and columns of those sentences are read.
    """
    n, m = z.shape
    if n == 0 or m == 0:
        return PairAlignment(only_a=list(range(n)), only_b=list(range(m)))
    anchor_floor = settings.anchor_z if same_event else settings.cross_event_z
    scores, vetoed = z, dict[tuple[int, int], str]()
    if guard is not None:
        # A vetoed pair cannot anchor: otherwise its row and column stay "taken" by it.
        z = z.copy()
        for i, j in np.argwhere(z >= min(anchor_floor, settings.attach_z)):
            reason = guard.veto(int(i), int(j))
            if reason:
                vetoed[(int(i), int(j))] = reason
                z[i, j] = min(z[i, j], anchor_floor - 1e-6, settings.attach_z - 1e-6)
    anchors = mutual_best(z, anchor_floor)
    pairs = set(anchors)
    if same_event:
        anchored_a = {i for i, _ in anchors}
        anchored_b = {j for _, j in anchors}
        for i in range(n):
            j = int(z[i].argmax())
            if i not in anchored_a and j in anchored_b and z[i, j] >= settings.attach_z:
                pairs.add((i, j))
        for j in range(m):
            i = int(z[:, j].argmax())
            if j not in anchored_b and i in anchored_a and z[i, j] >= settings.attach_z:
                pairs.add((i, j))
    links = [_link(group, z, settings, guard) for group in _components(pairs)]
    links.sort(key=lambda link: (min(link.a), min(link.b)))
    linked_a = {i for link in links for i in link.a}
    linked_b = {j for link in links for j in link.b}
    only_a = [i for i in range(n) if i not in linked_a]
    only_b = [j for j in range(m) if j not in linked_b]
    found = PairAlignment(links=links, only_a=only_a, only_b=only_b)
    if same_event:
        ranked = candidate_scores
        if callable(ranked):
            ranked = ranked(only_a, only_b) if only_a or only_b else None
        ranked = scores if ranked is None else ranked
        found.scores = ranked
        found.candidates = _candidates(ranked, settings, only_a, only_b, pairs, vetoed, guard)
    return found


def _candidates(
    z: np.ndarray,
    settings: AlignmentSettings,
    only_a: list[int],
    only_b: list[int],
    linked: set[tuple[int, int]],
    vetoed: dict[tuple[int, int], str],
    guard: Guard | None = None,
) -> list[Link]:
    """Possible counterparts of the sentences left without a link: the mutual best pairs
    among them at ``candidate_mutual_z`` (the row-or-column-best structure again, one level
    down), and each one's best ``candidates`` counterparts at ``candidate_z`` (which may
    themselves be linked: a second paraphrase of a linked claim). ``z`` is the unguarded
    candidate score: a vetoed pair still ranks by its own score. A candidate the guard
    vetoes carries its reason (``check``), also when only the candidate score put it
    forward.

    Further rules (each off at its default): a counterpart already linked is shown at a bar
    ``candidate_taken_offset`` lower (a second paraphrase of a confident claim, many to
    one); a second counterpart is shown when it scores within ``candidate_margin`` of the
    first shown (never more than two a sentence); a pair the guard vetoes needs
    ``candidate_veto_offset`` more (less, below 0); a sentence's second counterpart is shown
    at ``candidate_second_z`` (99: off); a pair diagonally next to a confident pair
    ranks and meets every bar with ``candidate_neighbour_bonus`` added to its score
    (:func:`neighbour_bonus`; the candidate keeps its own score). Whatever the rules pick,
    a sentence without a link is in at most :data:`MOST_SHOWN` candidates, its best-scoring."""
    own = z
    if settings.candidate_neighbour_bonus:
        z = neighbour_bonus(z, linked, settings.candidate_neighbour_bonus)
    keep = int(settings.candidates)
    found: set[tuple[int, int]] = set()
    if only_a and only_b:
        rest = z[np.ix_(only_a, only_b)]
        found |= {(only_a[r], only_b[c]) for r, c in mutual_best(rest, settings.candidate_mutual_z)}
    taken_a = {i for i, _ in linked}
    taken_b = {j for _, j in linked}

    def bar(pair: tuple[int, int], taken: bool) -> float:
        level = settings.candidate_z - (settings.candidate_taken_offset if taken else 0.0)
        if settings.candidate_veto_offset and _reason(*pair, vetoed, guard):
            level += settings.candidate_veto_offset
        return level

    second = settings.candidate_second_z
    for i in only_a:
        line = [((i, int(j)), int(j) in taken_b) for j in np.argsort(-z[i])]
        found |= _best_of(z, line, keep, settings.candidate_margin, bar, second)
    for j in only_b:
        line = [((int(i), j), int(i) in taken_a) for i in np.argsort(-z[:, j])]
        found |= _best_of(z, line, keep, settings.candidate_margin, bar, second)
    found |= _near_mutual(
        z, settings.candidate_near_z, only_a, only_b, bool(settings.candidate_near_taken)
    )
    # A vetoed pair that would have been linked is shown too, with the guard's reason.
    found |= {pair for pair in vetoed if pair[0] in only_a or pair[1] in only_b}
    # ... unless the guard says it is no counterpart at all (two bare attributions of
    # different sources: "This was reported by X" against "... by Y").
    offers = getattr(guard, "offers", None)
    if offers is not None:
        found = {pair for pair in found if offers(*pair)}
    return [
        Link([i], [j], float(own[i, j]), "partial", POSSIBLE, _reason(i, j, vetoed, guard))
        for i, j in sorted(_at_most_shown(z, found - linked, set(only_a), set(only_b)))
    ]


def diagonal_neighbours(shape: tuple[int, int], linked: set[tuple[int, int]]) -> np.ndarray:
    """Which pairs (i, j) are not confident pairs themselves but have one diagonally next
    to them, (i - 1, j - 1) or (i + 1, j + 1): the pair continues a confident link in
    both reports' order ("Peskov said X. He added Y." told in the same order by both)."""
    near = np.zeros(shape, dtype=bool)
    n, m = shape
    for i, j in linked:
        for di in (-1, 1):
            if 0 <= i + di < n and 0 <= j + di < m:
                near[i + di, j + di] = True
    for pair in linked:
        near[pair] = False
    return near


def neighbour_bonus(z: np.ndarray, linked: set[tuple[int, int]], bonus: float) -> np.ndarray:
    """``z`` with ``bonus`` added at the diagonal neighbours of the ``linked`` pairs (issue
    12, session 23: local order as evidence for a possible counterpart, as sentence
    aligners of translations use continuity along the diagonal)."""
    near = diagonal_neighbours(z.shape, linked)
    if not near.any():
        return z
    return np.where(near, z + bonus, z)


def _at_most_shown(
    z: np.ndarray, found: set[tuple[int, int]], only_a: set[int], only_b: set[int]
) -> set[tuple[int, int]]:
    """``found`` with no sentence left without a link in more than :data:`MOST_SHOWN` of
    its pairs, on either side, the best-scoring kept. The rules above each pick a pair from
    one side (a row's best, a column's best, a mutual pair, a veto), so one sentence can be
    picked by several others: the seeds showed five for one sentence. A linked sentence is
    not capped: the candidates pointing at it are each its unlinked partner's best one or
    two (many to one), and the view shows them from that side."""
    count_a: dict[int, int] = {}
    count_b: dict[int, int] = {}
    kept = set()
    for i, j in sorted(found, key=lambda pair: (-float(z[pair]), pair)):
        if (i in only_a and count_a.get(i, 0) >= MOST_SHOWN) or (
            j in only_b and count_b.get(j, 0) >= MOST_SHOWN
        ):
            continue
        kept.add((i, j))
        count_a[i] = count_a.get(i, 0) + 1
        count_b[j] = count_b.get(j, 0) + 1
    return kept


def _near_mutual(
    z: np.ndarray, floor: float, only_a: list[int], only_b: list[int], taken: bool = False
) -> set[tuple[int, int]]:
    """Pairs of two sentences left without a link (with ``taken``, of one at least) that
    are the best of their row or column and the best or second of the other (ranked over
    the whole matrix, linked sentences included), at ``floor``: the mutual best structure
    with one step of slack. With ``taken``, the many to one of a paraphrase too: a linked
    sentence whose best is its own link may rank an unlinked one second."""
    if not (only_a or only_b) or not np.isfinite(z).any() or floor >= np.max(z):
        return set()
    row_rank = (z[:, None, :] > z[:, :, None]).sum(axis=2)  # how many beat (i, j) in row i
    col_rank = (z[None, :, :] > z[:, None, :]).sum(axis=1)  # ... in column j
    near = (np.minimum(row_rank, col_rank) == 0) & (np.maximum(row_rank, col_rank) <= 1)
    near &= z >= floor
    free = np.zeros(z.shape, dtype=bool)
    if taken:
        free[only_a, :] = True
        free[:, only_b] = True
    else:
        free[np.ix_(only_a, only_b)] = True
    return {(int(i), int(j)) for i, j in np.argwhere(near & free)}


# However close the runners-up, a sentence without a link shows at most this many
# counterparts, by rank (issue 12: "its best one or two counterparts"; candidate recall
# counts "one of at most 2 candidates").
MOST_SHOWN = 2


def _best_of(
    z: np.ndarray,
    line: list[tuple[tuple[int, int], bool]],
    keep: int,
    margin: float,
    bar: Callable[[tuple[int, int], bool], float],
    second_z: float = 99.0,
) -> set[tuple[int, int]]:
    """One sentence's shown counterparts: ``line`` holds its pairs best first, each with
    whether the other sentence is linked. Its best ``keep`` at their ``bar``, and with a
    ``margin`` a runner-up (up to :data:`MOST_SHOWN` in all) scoring within ``margin`` of
    the best, when the best is shown; and beside a shown best, the second at ``second_z``."""
    out = {pair for pair, taken in line[:keep] if z[pair] >= bar(pair, taken)}
    if margin > 0 and out:
        top = float(z[line[0][0]])
        for pair, taken in line[keep:MOST_SHOWN]:
            if z[pair] >= top - margin and z[pair] >= bar(pair, taken) - margin:
                out.add(pair)
    if out:
        # Many to one and partial claims: the second counterpart, when it scores this high.
        out |= {pair for pair, _ in line[keep:MOST_SHOWN] if z[pair] >= second_z}
    return out


def _reason(i: int, j: int, vetoed: dict[tuple[int, int], str], guard: Guard | None) -> str | None:
    if (i, j) in vetoed or guard is None:
        return vetoed.get((i, j))
    return guard.veto(i, j)


def _link(
    group: set[tuple[int, int]], z: np.ndarray, settings: AlignmentSettings, guard: Guard | None
) -> Link:
    best_pair = max(group, key=lambda pair: float(z[pair]))
    best = float(z[best_pair])
    a = sorted({i for i, _ in group})
    b = sorted({j for _, j in group})
    # "Equivalent" speaks for every sentence of the link: none of its cross pairs may be one
    # the guard vetoes (a many-to-one link can hold a claim and its negation without linking
    # them directly).
    equivalent = best >= settings.equivalent_z and (
        guard is None
        or guard.allows_equivalent(*best_pair)
        and not any(guard.veto(i, j) for i in a for j in b)
    )
    return Link(a=a, b=b, score=best, kind="equivalent" if equivalent else "partial")


class DisjointSets:
    """Union-find over hashable nodes: which nodes are connected through links."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, node: Any) -> Any:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: Any, b: Any) -> None:
        self.parent[self.find(a)] = self.find(b)


def _components(pairs: set[tuple[int, int]]) -> list[set[tuple[int, int]]]:
    """Connected groups of pairs (sharing a sentence on either side)."""
    sets = DisjointSets()
    for i, j in pairs:
        sets.union(("a", i), ("b", j))
    groups: dict[tuple[str, int], set[tuple[int, int]]] = {}
    for i, j in pairs:
        groups.setdefault(sets.find(("a", i)), set()).add((i, j))
    return list(groups.values())
