"""Event grouping against a hand-made gold of real reports (issue 12, item 1).

The gold (``tests/gold/real_events.yaml``) lists which articles of one or more folders
report the same event. They are ingested into a scratch store and grouped by the path
``framing events`` runs (:func:`framing.compare.group_stored_events`); the figures count
article pairs: a pair put in one event is true when the gold has them in one event.
``near_miss_merges`` counts the false pairs whose events the gold marks as near misses of
each other (the same people a few days apart), the error a reader minds most.

``bar_grid`` regroups the same vectors under other event bars, to see what a bar costs on
real reports (NTREX, the other grouping set, holds translations of one text per event:
see :mod:`framing.lab.event_bars`). The shipped bars regrouped this way must give what the
shipped path gave, and the result says whether they do. Never imported at run time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.alignment.embedder import Embedder, LazyEmbedder
from framing.alignment.grouping import (
    EVIDENCE_BARS,
    PairEvidence,
    candidate_pairs,
    event_settings,
    group_events,
    merge_events,
    pair_evidence,
)
from framing.errors import FramingError
from framing.lab.eval_alignment import ingest_named
from framing.store import Store, open_store

GRID: dict[str, Sequence[float]] = {
    "event_anchor_z": (4.5, 5.0, 5.5, 6.0, 6.5, 7.0),
    "min_shared_claims_short": (1, 2, 3),
    "min_shared_share": (0.1, 0.15, 0.2, 0.3),
    "min_linkage": (0.0, 0.34, 0.5, 0.67),
    "close_claim_z": (6.0, 6.5, 7.0, 7.5, float("inf")),
    "background_claims": (True, False),
    "min_shared_claims_apart": (2, 3),
}


# The bars that NTREX's undated reports also test (framing event-bars): a choice among the
# others can be read off the real reports alone.
NTREX_BARS = ("event_anchor_z", "min_shared_claims_short", "min_shared_share", "min_linkage")


def read_gold(path: Path) -> dict[str, Any]:
    """The gold events: ``events`` maps an event name to the article names it holds (the
    file-name prefix before the first underscore); ``near_misses`` lists pairs of events
    that a careless grouping would merge."""
    if not path.is_file():
        raise FramingError(f"{path}: no such gold file")
    gold = yaml.safe_load(path.read_text("utf-8")) or {}
    events = {str(k): [str(n) for n in v] for k, v in (gold.get("events") or {}).items()}
    names = [n for members in events.values() for n in members]
    if not events or len(names) != len(set(names)):
        raise FramingError(f"{path}: 'events' must name each article in exactly one event")
    near = [tuple(str(e) for e in pair) for pair in gold.get("near_misses") or []]
    unknown = {e for pair in near for e in pair} - events.keys()
    if unknown:
        raise FramingError(f"{path}: near_misses name unknown events {sorted(unknown)}")
    return {"events": events, "near_misses": near}


def pairs_of(events: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    """The article pairs that ``events`` (lists of article names) put in one event."""
    return {frozenset(pair) for event in events for pair in combinations(sorted(event), 2)}


def prf(true: float, predicted: float, expected: float) -> tuple[float, float, float]:
    precision = true / predicted if predicted else 1.0
    recall = true / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_grouping(found: Iterable[Iterable[str]], gold: dict[str, Any]) -> dict[str, Any]:
    """Pair precision, recall and F1 of ``found`` (events as lists of article names)."""
    event_of = {n: e for e, members in gold["events"].items() for n in members}
    near = {frozenset(pair) for pair in gold["near_misses"]}
    grouped = pairs_of(found)
    expected = pairs_of(gold["events"].values())
    true = len(grouped & expected)
    precision, recall, f1 = prf(true, len(grouped), len(expected))
    near_merges = sum(
        1 for pair in grouped - expected if frozenset(event_of[n] for n in pair) in near
    )
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "true_pairs": true,
        "false_pairs": len(grouped - expected),
        "missed_pairs": len(expected - grouped),
        "near_miss_merges": near_merges,
    }


def evaluate_events(
    folders: Sequence[Path],
    gold_path: Path,
    embedder: Embedder | None = None,
    grid: dict[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """Group the gold's articles as ``framing events`` does and score the result; with
    ``grid``, also every combination of those event bars over the same vectors."""
    from framing.compare import group_stored_events, prepare

    gold = read_gold(gold_path)
    embedder = embedder or LazyEmbedder()
    with tempfile.TemporaryDirectory(prefix="framing-events-") as scratch:
        with open_store(Path(scratch) / "events.db") as store:
            name_of = _ingest_named(store, folders, gold, gold_path)

            def named(events: list[dict[str, Any]]) -> list[list[str]]:
                return [sorted(name_of[i] for i in event["articles"]) for event in events]

            shipped = named(group_stored_events(store, embedder))
            result: dict[str, Any] = {
                "articles": len(name_of),
                "gold_events": len(gold["events"]),
                **score_grouping(shipped, gold),
                "events": [e for e in shipped if len(e) > 1],
                "singletons": sorted(e[0] for e in shipped if len(e) == 1),
            }
            if grid is None:
                return result
            analysis = prepare(store, sorted(name_of), embedder)
    by_id = {a.id: a for a in analysis.articles}
    matrices = {(a, b): analysis.z(by_id[a], by_id[b]) for a, b in combinations(sorted(by_id), 2)}

    def z_of(a: str, b: str) -> Any:
        return matrices[(a, b)] if (a, b) in matrices else matrices[(b, a)].T

    shipped_bars = event_settings(embedder.model_id)
    candidates = candidate_pairs(
        [a.id for a in analysis.articles],
        np.stack([a.centroid for a in analysis.articles]),
        shipped_bars["neighbours"],
    )
    # group_events without its pair evidence computed again for bars that do not change it
    known: dict[tuple[Any, ...], dict[tuple[str, str], PairEvidence]] = {}
    rows, groupings = [], []
    for values in product(*grid.values()):
        bars = {**shipped_bars, **dict(zip(grid, values, strict=True))}
        key = tuple(bars[k] for k in EVIDENCE_BARS)
        if key not in known:
            known[key] = {
                (a, b): pair_evidence(by_id[a], by_id[b], z_of(a, b), bars) for a, b in candidates
            }
        events = named(merge_events(analysis.articles, known[key], bars))
        point = dict(zip(grid, values, strict=True))
        groupings.append((point, events))
        rows.append({**point, **score_grouping(events, gold)})
    regrouped = named(group_events(analysis.articles, z_of, shipped_bars))
    result["regrouped_equals_shipped"] = sorted(regrouped) == sorted(shipped)
    result["cross_validated"] = leave_one_event_out(groupings, gold)
    # The same with the bars NTREX also sees fixed at the shipped ones: what the real
    # reports alone choose (the dated rules and the background sentences).
    fixed = at_shipped_ntrex_bars(groupings, shipped_bars)
    if fixed:
        result["cross_validated_ntrex_bars_fixed"] = leave_one_event_out(fixed, gold)
    result["grid"] = sorted(rows, key=lambda r: (-r["f1"], -r["precision"]))
    return result


def at_shipped_ntrex_bars(
    groupings: list[tuple[dict[str, Any], list[list[str]]]], shipped: dict[str, Any]
) -> list[tuple[dict[str, Any], list[list[str]]]]:
    """The grid points whose ``NTREX_BARS`` (those of them the grid varies) are the shipped
    ones."""
    return [
        (point, events)
        for point, events in groupings
        if all(point[k] == shipped[k] for k in NTREX_BARS if k in point)
    ]


def _counts(
    pairs: set[frozenset[str]], expected: set[frozenset[str]], held: set[str], touching: bool
) -> tuple[float, float, float]:
    """True, predicted and expected pairs among those that touch ``held`` (or, with
    ``touching`` False, those that do not). A false pair touching ``held`` joins it to
    another event, whose fold counts it too: each fold counts half of it, so that one
    point chosen in every fold scores what it scores on the whole gold."""
    kept = {pair for pair in pairs if bool(pair & held) is touching}
    wanted = {pair for pair in expected if bool(pair & held) is touching}
    true = len(kept & wanted)
    false = len(kept - wanted) * (0.5 if touching else 1.0)
    return true, true + false, len(wanted)


def leave_one_event_out(
    groupings: list[tuple[dict[str, float], list[list[str]]]], gold: dict[str, Any]
) -> dict[str, Any]:
    """Bars chosen without each gold event, scored on it. For each held-out event, the grid
    point with the best pair F1 over the pairs of the other events' articles (ties: higher
    precision, then grid order) is chosen, and its pairs that touch the held-out event are
    counted (a false pair between two events, half in each of their folds)."""
    expected = pairs_of(gold["events"].values())
    found = [(point, pairs_of(events)) for point, events in groupings]
    totals = [0.0, 0.0, 0.0]
    chosen = {}
    for name, members in gold["events"].items():
        held = set(members)
        scores = [prf(*_counts(pairs, expected, held, touching=False)) for _, pairs in found]
        best = max(range(len(found)), key=lambda i: (scores[i][2], scores[i][0], -i))
        chosen[name] = found[best][0]
        for i, value in enumerate(_counts(found[best][1], expected, held, touching=True)):
            totals[i] += value
    precision, recall, f1 = prf(*totals)
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "chosen_per_event": chosen,
    }


def _ingest_named(
    store: Store, folders: Sequence[Path], gold: dict[str, Any], gold_path: Path
) -> dict[str, str]:
    """Ingest the folders and map each stored article id to its gold name; every stored
    article must be in the gold (an extra one would be grouped and counted nowhere)."""
    wanted = [n for members in gold["events"].values() for n in members]
    name_of = {
        article: name for name, article in ingest_named(store, folders, wanted, gold_path).items()
    }
    extra = sorted(set(store.article_ids()) - name_of.keys())
    if extra:
        raise FramingError(f"articles {', '.join(extra)} are in the folders, not in the gold")
    return name_of
