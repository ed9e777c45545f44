"""Near-duplicate records across the detector's folds (issue 13, ninth session).

``python -m framing.lab.fold_leakage [DATA]`` lists, per training set, the pairs of records
sharing 8-word shingles (lowercased words): pairs whose Jaccard similarity reaches 0.5, and
pairs where half the shorter record's shingles are in the other (containment), with how
many of them fall in different folds or across the test split. A repost in two folds would
let cross-validation score a record the head had as good as seen.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from framing.lab.loaded_data import DEFAULT_DATA, Doc, fold_of, read_sets
from framing.text.morphology import word_spans

SHINGLE = 8
SIMILAR = 0.5
COMMON = 50  # a shingle in more records than this is boilerplate, not a repost


def shingles(doc: Doc) -> set[str]:
    words = [doc.text[s:e].lower() for s, e in word_spans(doc.text)]
    if len(words) < SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[k : k + SHINGLE]) for k in range(len(words) - SHINGLE + 1)}


def near_pairs(docs: list[Doc]) -> list[tuple[int, int, float, float]]:
    """(i, j, Jaccard, containment) of every pair sharing a shingle, either measure ≥ 0.5."""
    sets = [shingles(d) for d in docs]
    holders: dict[str, list[int]] = defaultdict(list)
    for i, found in enumerate(sets):
        for s in found:
            holders[s].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in holders.values():
        if 1 < len(ids) <= COMMON:
            for a in range(len(ids)):
                for b in range(a + 1, len(ids)):
                    shared[(ids[a], ids[b])] += 1
    out = []
    for (i, j), n in shared.items():
        jaccard = n / len(sets[i] | sets[j])
        contained = n / min(len(sets[i]), len(sets[j]))
        if max(jaccard, contained) >= SIMILAR:
            out.append((i, j, jaccard, contained))
    return out


def main(data: Path) -> None:
    for name in ("semeval2023_ru", "unlp2025", "ptc2020_en"):
        docs = read_sets(data, [name])
        folds = [fold_of(d.id) for d in docs]
        pairs = near_pairs(docs)
        for label, keep in (("Jaccard", 2), ("containment", 3)):
            chosen = [p for p in pairs if p[keep] >= SIMILAR]
            across = [p for p in chosen if folds[p[0]] != folds[p[1]]]
            test = [p for p in across if -1 in (folds[p[0]], folds[p[1]])]
            records = len({x for p in chosen for x in p[:2]})
            print(
                f"{name}: {len(docs)} records; {label} >= {SIMILAR}: {len(chosen)} pairs "
                f"({records} records), {len(across)} across folds, {len(test)} test/train"
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA)
