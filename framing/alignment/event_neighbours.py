"""Each article's nearest neighbours by centroid, kept in the store and brought up to date
by the new articles alone.

The event grouping aligns only candidate pairs: each article with its ``neighbours``
nearest articles by centroid (:func:`framing.alignment.grouping.candidate_pairs`).
Recomputing those lists over the whole corpus on every add costs a stored × stored matrix
product (about 0.3 s a block of 1,024 at 5,000 articles, growing with N²). Here each
article's list (ids and similarities) is stored, and an add costs a new × stored product:

* a new article's list is its nearest among all articles (old and new);
* an old article's list changes only where a new article is nearer than its farthest
  listed neighbour: the new one enters, the farthest leaves.

The union of the lists is then exactly the batch candidate set. If an article was removed
(a list names an article no longer stored), every list is computed again.
"""

from __future__ import annotations

import hashlib
from itertools import combinations

import numpy as np

from framing.alignment.grouping import BLOCK, nearest, ordered_pair
from framing.store import Store

Neighbours = tuple[list[str], np.ndarray]  # ids and float32 similarities, nearest first


def neighbours_key(centroid_key: str, k: int) -> str:
    """The lists depend on the centroids (model and calibration) and on their length."""
    return "neighbours:" + hashlib.sha256(f"{centroid_key}|{k}".encode()).hexdigest()[:32]


def update_neighbours(
    store: Store, key: str, ids: list[str], matrix: np.ndarray, k: int
) -> set[tuple[str, str]]:
    """The candidate pairs of ``ids`` (``matrix``: one unit centroid row each), computing
    only the lists of articles without one and the changes the new articles bring to the
    stored ones; the changed lists are stored."""
    if len(ids) <= k + 1:  # every article is every other's neighbour
        return {ordered_pair(a, b) for a, b in combinations(ids, 2)}
    position = {article: n for n, article in enumerate(ids)}
    stored = {a: (n, np.frombuffer(s, dtype=np.float32)) for a, (n, s) in
              store.neighbours(key).items()}  # fmt: skip
    if not stored.keys() <= position.keys():  # an article was removed: start again
        stored = {}
    new = [position[a] for a in ids if a not in stored]
    old = np.array([position[a] for a in ids if a in stored], dtype=np.int64)
    farthest = np.array([_farthest(stored[ids[p]], k) for p in old], dtype=np.float32)
    changed: dict[str, Neighbours] = {}
    for start in range(0, len(new), BLOCK):
        block = np.array(new[start : start + BLOCK], dtype=np.int64)
        top, sims = nearest(matrix[block], block, matrix, k)
        for row, p in enumerate(block):
            order = np.argsort(-sims[row], kind="stable")
            changed[ids[p]] = ([ids[j] for j in top[row][order]], sims[row][order])
        if len(old):
            _enter_old_lists(matrix[block] @ matrix[old].T, block, old, farthest, ids, k,
                             stored, changed)  # fmt: skip
    if changed:
        store.save_neighbours(key, {a: (n, s.astype(np.float32).tobytes())
                                    for a, (n, s) in changed.items()})  # fmt: skip
    lists = stored | changed
    return {ordered_pair(a, b) for a, (listed, _) in lists.items() for b in listed}


def _enter_old_lists(
    sims: np.ndarray,
    block: np.ndarray,
    old: np.ndarray,
    farthest: np.ndarray,
    ids: list[str],
    k: int,
    stored: dict[str, Neighbours],
    changed: dict[str, Neighbours],
) -> None:
    """New articles (rows of ``sims``) that come nearer to an old one (column) than its
    farthest listed neighbour enter its list; ``farthest`` is kept up to date."""
    for column in np.nonzero((sims > farthest[None, :]).any(axis=0))[0]:
        article = ids[old[column]]
        listed, similarities = changed.get(article) or stored[article]
        rows = np.nonzero(sims[:, column] > farthest[column])[0]
        merged = sorted(
            [*zip(similarities.tolist(), listed, strict=True),
             *((float(sims[r, column]), ids[block[r]]) for r in rows)],
            key=lambda e: (-e[0], e[1]),
        )[:k]  # fmt: skip
        changed[article] = ([i for _, i in merged], np.array([s for s, _ in merged], np.float32))
        farthest[column] = _farthest(changed[article], k)


def _farthest(listed: Neighbours, k: int) -> float:
    """The similarity a newcomer must beat to enter a list (any, if the list is short)."""
    return float(listed[1][-1]) if len(listed[0]) >= k else -np.inf
