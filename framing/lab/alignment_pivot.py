"""The possible-counterpart tier's misses, and the pivot through a third report (issue 12,
session 15): ``python -m framing.lab.alignment_pivot [misses|cv] [--out FILE]``.

Both read the gold sets of the CV pool (:func:`framing.lab.alignment_cv.gold_folders`: the
seeds, the real dev gold and the fresh gold) and, for each gold pair (A, B), the other reports
of its event (the set's grouping gold), aligned as ``framing compare`` aligns them (the
candidate score each pair's alignment ranked by is kept, and its parts, so a grid re-aligns
without encoding).

- ``misses``: each gold pair not shown at the shipped settings, with its rank in its row and in
  its column by the candidate score (as ``align`` saw it: rows and columns of sentences without
  a confident link), its score against the bars, whether either sentence is confidently linked
  elsewhere, whether the event has a third report and whether a chain through one reaches it;
  and how many misses a simple change recovers and how many false pairs it adds, in sample.
- ``cv``: leave-one-event-out over the two candidate bars and the pivot's settings
  (:mod:`framing.alignment.pivot`), each fold choosing by F2 among the points that keep the
  seed briefing, against the same CV with the pivot off. With ``--score`` (session 16) the
  grid also holds the candidate score's settings (``token_weight``, ``merge_offset``,
  ``merge_member_z``: :data:`SCORE`), the score re-made from its parts at each point, and
  the shipped point's counts beside each fold's. A comparison holds at most three
  reports, so a pair is pivoted through one third report at a time; its counts are the mean
  over the choice of that report (``one``); ``all`` pivots through every other report at
  once (what a comparison of the whole event would give), for reference.

Nothing here runs at run time.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.alignment.align import PairAlignment, align, alignment_settings, diagonal_neighbours
from framing.alignment.pair_scores import (
    Merges,
    PairScorer,
    _word_scores,
    combine,
    merge_scores,
    pair_score_settings,
    standardised,
)
from framing.alignment.pivot import add_pivoted, add_restated, legs_of
from framing.lab.alignment_cv import (
    BRIEFING,
    RULES,
    article_events,
    event_of,
    f_beta,
    gold_folders,
)
from framing.lab.eval_alignment import GoldPair, _counts, _prf, gold_pairs, ingest_named
from framing.store import open_store

Counts = dict[str, float]


@dataclass
class Parts:
    """What a pair's candidate score is made of, as ``compare`` makes it without clause
    units and reported contents (both off): the word score and the merged units of the
    runs holding a sentence left without a link."""

    words: np.ndarray
    merges: Merges | None
    sides: tuple[Any, Any] | None = None  # the two ArticleVectors (session 18's adapter)
    adapter: np.ndarray | None = None  # a lab term of the candidate score (paraphrase_adapter)


@dataclass
class Event:
    """The aligned pairs of one gold file's articles: each gold pair (in the gold's order),
    and every pair of two reports of one event (gold or not), keyed by both orders."""

    gold: str  # the gold set's name: "seed" | "real" | "fresh"
    pairs: list[GoldPair]  # the annotated pairs
    aligned: dict[tuple[str, str], GoldPair]  # every same-event pair, candidate scores fixed
    members: dict[str, list[str]]  # article name -> the names of its event's reports
    parts: dict[tuple[str, str], Parts] = field(default_factory=dict)  # of ``aligned``
    folds: dict[str, str] | None = None  # article name -> the CV fold's event (None: one)


def settled(pair: GoldPair) -> tuple[GoldPair, Parts | None]:
    """``pair`` with its candidate score fixed as the shipped alignment asked for it (the
    sentences left without a confident link do not depend on the candidate settings), and
    the parts of that score (None when clause units or reported contents count: then the
    score is not re-made from these parts)."""
    asked: list[tuple[list[int], list[int]]] = []
    scorer = pair.candidate_scores

    def scores(rows: list[int], cols: list[int]) -> np.ndarray:
        asked.append((rows, cols))
        return scorer(rows, cols)  # type: ignore[misc,operator]

    ranked = scores if callable(scorer) else scorer
    found = align(pair.z, alignment_settings(), pair.same_event, pair.guard, ranked)
    parts = None
    cfg = pair_score_settings()
    plain = float(cfg["clause_offset"]) >= 50 and float(cfg.get("strip_offset", 99.0)) >= 50
    if isinstance(scorer, PairScorer) and plain:
        rows, cols = asked[0] if asked else ([], [])
        a, b = scorer.a, scorer.b
        merges = merge_scores(
            a, b, scorer.calibration, scorer.embedder, scorer.store, rows, cols,
            scorer.units, scorer.states,
        )  # fmt: skip
        parts = Parts(_word_scores(a, b, scorer.words), merges, (a, b))
    return replace(pair, candidate_scores=found.scores), parts


def folder_event(
    name: str,
    folders: Sequence[Path],
    gold_path: Path,
    events_path: Path | None = None,
    embedder: Any = None,
) -> Event:
    """The gold pairs of ``gold_path`` and every pair of two reports of one event
    (``events_path``: the grouping gold) among the articles the gold names, aligned in one
    scratch store as ``framing compare`` aligns them."""
    events = article_events(events_path) if events_path else article_events()
    gold = yaml.safe_load(gold_path.read_text("utf-8"))
    names = sorted({p[side] for p in gold["pairs"] for side in ("a", "b")})
    members = {
        n: sorted(m for m, e in events.items() if e == events.get(n) and m in names) for n in names
    }
    annotated = {(p["a"], p["b"]) for p in gold["pairs"]}
    extra = [
        {"a": x, "b": y, "links": []}
        for x, y in sorted({tuple(sorted((n, m))) for n in names for m in members[n] if m != n})
        if (x, y) not in annotated and (y, x) not in annotated
    ]
    with tempfile.TemporaryDirectory(prefix="framing-pivot-") as scratch:
        with open_store(Path(scratch) / "eval.db") as store:
            ids = ingest_named(store, folders, names, gold_path)
            made = [settled(p) for p in gold_pairs(store, gold_path, ids, embedder)]
            if extra:
                others_path = Path(scratch) / "others.yaml"
                others_path.write_text(yaml.safe_dump({"pairs": extra}), "utf-8")
                made += [settled(p) for p in gold_pairs(store, others_path, ids, embedder)]
    pairs = [p for p, _ in made[: len(gold["pairs"])]]
    aligned = {(p.a, p.b): p for p, _ in made}
    parts = {(p.a, p.b): part for p, part in made if part is not None}
    return Event(name, pairs, aligned, members, parts)


def load(embedder: Any = None) -> list[Event]:
    """The gold pairs of every gold set of the CV pool and every pair of reports of their
    events (each set's own grouping gold)."""
    return [
        replace(
            folder_event(gold.name, gold.folders, gold.gold, gold.events, embedder),
            folds=gold.fold_events(),
        )
        for gold in gold_folders()
    ]


def three_report_figures(event: Event) -> dict[str, Any]:
    """The gold pairs as comparisons of three reports show them, with the shipped settings:
    each pair with a third report of its event, the counts the mean over which one (a pair
    without one as it is); P/R/F1 of every pair shown, ``candidate_recall`` its recall."""
    point = {k: float(v) for k, v in vars(alignment_settings()).items()}
    counts = pivot_counts(event, _direct(event, {}), point, "one")
    total = _sum([c["shown"] for c in counts])
    return {
        **{k: round(v, 2) for k, v in total.items()},
        **_prf(total),
        "candidate_recall": _prf(total)["recall"],
        "pairs_with_a_third_report": sum(1 for p in event.pairs if third_reports(event, p)),
    }


def third_reports(event: Event, pair: GoldPair) -> list[str]:
    """The other reports of the event both articles of ``pair`` belong to."""
    if pair.b not in event.members.get(pair.a, []):
        return []
    return [m for m in event.members[pair.a] if m not in (pair.a, pair.b)]


def _direct(event: Event, point: dict[str, float]) -> dict[tuple[str, str], PairAlignment]:
    """Every pair of ``event`` aligned at the bars of ``point``, ranked by the candidate
    score re-made from its parts when ``point`` holds a score setting (:data:`SCORE`)."""
    settings = alignment_settings(**_bars(point))
    score = {k: v for k, v in point.items() if k in SCORE_KEYS}
    out = {}
    for key, p in event.aligned.items():
        ranked = p.candidate_scores
        if score:
            if key not in event.parts:
                raise ValueError(f"{key}: no score parts (clause units or contents count)")
            part = event.parts[key]
            ranked = combine(p.z, p.z, part.words, part.merges, None, **score)
            ranked = with_adapter(ranked, part.adapter, score)
        found = align(p.z, settings, p.same_event, p.guard, ranked)
        if p.inner is not None:  # through a restatement within one article
            add_restated(found, *p.inner, settings)
        out[key] = found
    return out


def with_adapter(
    ranked: np.ndarray, adapter: np.ndarray | None, score: dict[str, float]
) -> np.ndarray:
    """The candidate score ``ranked`` plus session 18's lab term: ``adapter_weight`` (0
    unless the grid sets it) times the cosines of a paraphrase-trained linear map of the
    sentence vectors (:mod:`framing.lab.paraphrase_adapter`), standardised over the pair's
    matrix as the word score is."""
    weight = float(score.get("adapter_weight", 0.0))
    if adapter is None or not weight or not adapter.size:
        return ranked
    return ranked + weight * standardised(adapter)


def _bars(point: dict[str, float]) -> dict[str, float]:
    """The settings of ``point`` that are alignment settings (not the score's)."""
    return {k: v for k, v in point.items() if k not in SCORE_KEYS}


def _legs(found: dict[tuple[str, str], PairAlignment], x: str, y: str) -> dict:
    if (x, y) in found:
        return legs_of(found[(x, y)])
    return legs_of(found[(y, x)], flip=True)


def pivot_counts(
    event: Event,
    found: dict[tuple[str, str], PairAlignment],
    point: dict[str, float],
    mode: str = "one",
) -> list[dict[str, Counts]]:
    """Per gold pair of ``event``, the shown and confident counts with the pivot of ``point``
    (``found``: the direct alignments at its bars): ``one`` the mean over each third report
    alone, ``all`` through every third report at once."""
    settings = alignment_settings(**_bars(point))
    out = []
    for pair in event.pairs:
        direct = found[(pair.a, pair.b)]
        thirds = third_reports(event, pair)
        sure = _counts(direct.pairs(), pair.expected)
        if not thirds or direct.scores is None:
            shown = _counts(direct.shown_pairs(), pair.expected)
            out.append({"shown": dict(shown), "confident": dict(sure)})
            continue
        groups = [[c] for c in thirds] if mode == "one" else [thirds]
        total = {"tp": 0.0, "fp": 0.0, "fn": 0.0}
        for group in groups:
            alignment = copy.copy(direct)
            alignment.candidates = list(direct.candidates)
            through = [(_legs(found, pair.a, c), _legs(found, c, pair.b)) for c in group]
            add_pivoted(alignment, direct.scores, through, settings)
            for key, value in _counts(alignment.shown_pairs(), pair.expected).items():
                total[key] += value / len(groups)
        out.append({"shown": total, "confident": dict(sure)})
    return out


def _sum(rows: Sequence[Counts]) -> Counts:
    total = {"tp": 0.0, "fp": 0.0, "fn": 0.0}
    for row in rows:
        for key in total:
            total[key] += row[key]
    return total


def _figures(counts: Counts, beta: float = 2.0) -> dict[str, Any]:
    return {
        **{k: round(v, 2) for k, v in counts.items()},
        **_prf(counts),  # recall of every pair shown: the candidate recall
        "f2": f_beta(counts, beta),
    }


# The grid: the two candidate bars around the shipped point, and the pivot's settings.
BARS: dict[str, tuple[float, ...]] = {
    "candidate_mutual_z": (5.5, 6.0, 6.5, 7.0),
    "candidate_z": (6.0, 6.5, 7.0),
}
PIVOT: dict[str, tuple[float, ...]] = {
    "pivot_z": (-99.0, 2.0, 3.0, 4.0, 5.0, 99.0),
    "pivot_legs": (0.0, 1.0, 2.0),
}
# Session 16 (``--score``): the candidate score's settings near the shipped point (clause
# units and reported contents stay off: they cost compare-your-own 60 % more CPU), and the
# pivot bars widened upwards (session 15's folds all chose its highest, 5.0).
SCORE: dict[str, tuple[float, ...]] = {
    "token_weight": (1.0, 1.5),
    "merge_offset": (0.5, 1.0, 1.5),
    "merge_member_z": (-99.0, 2.0, 3.0),
}
# Score settings a grid may hold: SCORE's and (session 18, framing.lab.paraphrase_adapter)
# the adapter term's weight.
SCORE_KEYS = (*SCORE, "adapter_weight")
PIVOT_WIDE: dict[str, tuple[float, ...]] = {
    "pivot_z": (5.0, 5.5, 6.0, 6.5, 7.0, 99.0),
    "pivot_legs": (0.0, 1.0, 2.0),
}


def _points(grid: dict[str, Sequence[float]]) -> list[dict[str, float]]:
    keys = list(grid)
    return [dict(zip(keys, v, strict=True)) for v in itertools.product(*grid.values())]


@dataclass
class Row:
    """One gold pair's counts at every grid point."""

    gold: str
    a: str
    b: str
    event: str
    thirds: int
    counts: list[dict[str, Counts]]


def grid_table(data: list[Event], points: list[dict[str, float]], mode: str) -> list[Row]:
    rows: list[Row] = []
    direct_cache: dict[tuple, list[dict[tuple[str, str], PairAlignment]]] = {}
    per_point = []
    for point in points:
        bars = tuple((k, v) for k, v in point.items() if not k.startswith("pivot"))
        if bars not in direct_cache:
            direct_cache[bars] = [_direct(event, dict(bars)) for event in data]
        per_point.append(
            [
                pivot_counts(event, found, point, mode)
                for event, found in zip(data, direct_cache[bars], strict=True)
            ]
        )
    for e, event in enumerate(data):
        for p, pair in enumerate(event.pairs):
            rows.append(
                Row(
                    event.gold,
                    pair.a,
                    pair.b,
                    event_of(event.gold, pair, event.folds),
                    len(third_reports(event, pair)),
                    [per_point[k][e][p] for k in range(len(points))],
                )
            )
    return rows


def _briefing_ok(rows: list[Row]) -> Callable[[int], bool]:
    [r] = [r for r in rows if r.gold == "seed" and (r.a, r.b) == BRIEFING]

    def ok(k: int) -> bool:
        return (
            _prf(r.counts[k]["shown"])["f1"] >= 0.85
            and _prf(r.counts[k]["confident"])["precision"] >= 1.0
        )

    return ok


def cv(
    rows: list[Row],
    points: list[dict[str, float]],
    beta: float = 2.0,
    shipped: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Leave one event out: each fold takes the allowed point with the best F-beta of every
    pair shown on the other events; the held-out counts pooled, and for the events with a
    third report apart. With ``shipped`` (a grid point), each fold and each gold set also
    gives that point's counts: what the fixed settings give the event, for comparison
    (held out for an event they were not chosen on)."""
    ok = _briefing_ok(rows)
    allowed = [k for k in range(len(points)) if ok(k)]
    fixed = _index(points, shipped) if shipped is not None else None
    events = sorted({r.event for r in rows})
    folds, pooled, sure, gaining = [], [], [], []
    by_gold: dict[str, list[Counts]] = {}
    by_gold_fixed: dict[str, list[Counts]] = {}
    for held in events:
        train = [r for r in rows if r.event != held]
        test = [r for r in rows if r.event == held]
        scores = [f_beta(_sum([r.counts[k]["shown"] for r in train]), beta) for k in allowed]
        best = allowed[int(np.argmax(scores))]
        shown = [r.counts[best]["shown"] for r in test]
        pooled += shown
        sure += [r.counts[best]["confident"] for r in test]
        if any(r.thirds for r in test):
            gaining += shown
        fold = {"held_out": held, "point": points[best], **_figures(_sum(shown), beta)}
        by_gold.setdefault(test[0].gold, []).extend(shown)
        if fixed is not None:
            at_fixed = _sum([r.counts[fixed]["shown"] for r in test])
            by_gold_fixed.setdefault(test[0].gold, []).append(at_fixed)
            fold["shipped"] = _figures(at_fixed, beta)
        folds.append(fold)
    in_sample = sorted(
        (
            {**points[k], **_figures(_sum([r.counts[k]["shown"] for r in rows]), beta)}
            for k in allowed
        ),
        key=lambda x: -x["f2"],
    )
    out: dict[str, Any] = {
        "held_out": _figures(_sum(pooled), beta),
        "held_out_events_with_a_third_report": _figures(_sum(gaining), beta),
        "held_out_confident_precision": _prf(_sum(sure))["precision"],
        "held_out_by_gold": {g: _figures(_sum(c), beta) for g, c in sorted(by_gold.items())},
    }
    if fixed is not None:
        out["shipped"] = {
            "point": points[fixed],
            "briefing_kept": ok(fixed),
            **_figures(_sum([r.counts[fixed]["shown"] for r in rows]), beta),
            "confident_precision": _prf(_sum([r.counts[fixed]["confident"] for r in rows]))[
                "precision"
            ],
            "by_gold": {g: _figures(_sum(c), beta) for g, c in sorted(by_gold_fixed.items())},
        }
    return {
        **out,
        "folds": folds,
        "in_sample_top": in_sample[:8],
        "points": len(points),
        "allowed": len(allowed),
    }


def _off(rules: dict[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    """Each of ``rules`` at its shipped value (``alignment.yaml``: the rule off)."""
    shipped = shipped_point()
    return {rule: (float(shipped[rule]),) for rule in rules}


def _subtable(table: list[Row], points: list[dict[str, float]], subset: list[dict]) -> list[Row]:
    """``table`` (over ``points``) cut to the grid points ``subset``, in its order."""
    index = {json.dumps(p, sort_keys=True): k for k, p in enumerate(points)}
    keys = [index[json.dumps(p, sort_keys=True)] for p in subset]
    return [replace(r, counts=[r.counts[k] for k in keys]) for r in table]


def _index(points: list[dict[str, float]], point: dict[str, float]) -> int:
    """The index of the grid point that holds ``point``'s values (each key of the grid)."""
    for k, candidate in enumerate(points):
        if all(float(point[key]) == value for key, value in candidate.items()):
            return k
    raise ValueError(f"{point}: not a point of the grid")


def shipped_point() -> dict[str, float]:
    """The shipped settings (``alignment.yaml``: the alignment's and the candidate score's)."""
    cfg = pair_score_settings()
    score = {k: float(cfg.get(k, -99.0)) for k in SCORE}
    return {**{k: float(v) for k, v in vars(alignment_settings()).items()}, **score}


# The shipped point before session 15: the pivot off.
BEFORE = {"pivot_z": 99.0}
# The simple changes of the miss table, as settings overrides of the shipped point.
CHANGES: dict[str, dict[str, float]] = {
    "candidate_z -0.5 (6.0)": {"candidate_z": 6.0},
    "candidate_z -1.0 (5.5)": {"candidate_z": 5.5},
    "candidate_z -2.0 (4.5)": {"candidate_z": 4.5},
    "both bars -0.5": {"candidate_z": 6.0, "candidate_mutual_z": 5.5},
    "both bars -1.0": {"candidate_z": 5.5, "candidate_mutual_z": 5.0},
    "best of each row and column, no bar": {"candidate_z": -99.0, "candidate_mutual_z": -99.0},
    "top 2 of each row and column, no bar": {
        "candidate_z": -99.0,
        "candidate_mutual_z": -99.0,
        "candidates": 2.0,
    },
    "second counterpart at 6.0": {"candidate_second_z": 6.0},
    "second counterpart at 5.0": {"candidate_second_z": 5.0},
    "linked counterpart bar -1.0 (taken_offset)": {"candidate_taken_offset": 1.0},
    "linked counterpart bar -2.0 (taken_offset)": {"candidate_taken_offset": 2.0},
    "pivot, both links confident, no bar": {"pivot_z": -99.0, "pivot_legs": 0.0},
    "pivot, one link possible, no bar": {"pivot_z": -99.0, "pivot_legs": 1.0},
    "pivot, both links any, no bar": {"pivot_z": -99.0, "pivot_legs": 2.0},
    "pivot, both links any, bar 5.0 (shipped)": {"pivot_z": 5.0, "pivot_legs": 2.0},
}


def _rank(line: np.ndarray, index: int) -> int:
    return int((line > line[index]).sum()) + 1


def misses(data: list[Event]) -> dict[str, Any]:
    """Each gold pair not shown at the shipped settings, and the simple changes' yield."""
    settings = alignment_settings(**BEFORE)
    records = []
    for event in data:
        found = _direct(event, {})
        for pair in event.pairs:
            direct = found[(pair.a, pair.b)]
            scores = pair.z if direct.scores is None else direct.scores
            linked_a = {i for i, _ in direct.pairs()}
            linked_b = {j for _, j in direct.pairs()}
            thirds = third_reports(event, pair)
            chains = {
                legs: set().union(
                    *(
                        _chain(_legs(found, pair.a, c), _legs(found, c, pair.b), legs)
                        for c in thirds
                    )
                )
                for legs in (0, 2)
            }
            for i, j in sorted(pair.expected - direct.shown_pairs()):
                records.append(
                    {
                        "gold": event.gold,
                        "pair": f"{pair.a}-{pair.b}",
                        "i": i,
                        "j": j,
                        "score": round(float(scores[i, j]), 2),
                        "z": round(float(pair.z[i, j]), 2),
                        # Ranks as align() read them: only a row (column) of a sentence
                        # without a link is ranked (None: the sentence is linked).
                        "row_rank": None if i in linked_a else _rank(scores[i], j),
                        "col_rank": None if j in linked_b else _rank(scores[:, j], i),
                        "a_linked": i in linked_a,
                        "b_linked": j in linked_b,
                        "same_event": pair.same_event,
                        "third_reports": len(thirds),
                        "chain_confident": (i, j) in chains[0],
                        "chain_any": (i, j) in chains[2],
                    }
                )
    base = _totals(data, BEFORE)
    changes = {}
    for name, override in CHANGES.items():
        after = _totals(data, {**BEFORE, **override})
        changes[name] = {
            gold: {
                "recovered": after[gold]["tp"] - base[gold]["tp"],
                "lost": max(0, base[gold]["tp"] - after[gold]["tp"]),
                "false_added": after[gold]["fp"] - base[gold]["fp"],
                "candidate_recall": _prf(after[gold])["recall"],
            }
            for gold in base
        }
    return {
        "shipped": {k: float(getattr(settings, k)) for k in ("candidate_mutual_z", "candidate_z")},
        "base": base,
        "misses": records,
        "changes": changes,
    }


def _chain(a_c: dict, c_b: dict, most_possible: int) -> set[tuple[int, int]]:
    from framing.alignment.pivot import pivoted_pairs

    return pivoted_pairs(a_c, c_b, most_possible)


def _totals(data: list[Event], override: dict[str, float]) -> dict[str, Counts]:
    """Shown counts per gold file at the shipped point with ``override`` (the pivot through
    every third report at once)."""
    point = {k: float(v) for k, v in override.items()}
    bars = {k: v for k, v in point.items() if not k.startswith("pivot")}
    out = {}
    for event in data:
        found = _direct(event, bars)
        counts = pivot_counts(event, found, point, "all")
        out[event.gold] = _sum([c["shown"] for c in counts])
    return out


# Session 16: the restatement pivot within one article (framing/alignment/pivot.py,
# add_restated), everything else at the shipped settings; OFF is the shipped point.
RESTATE: dict[str, tuple[float, ...]] = {
    "restate_inner_z": (3.0, 4.0, 5.0, 6.0, 7.0),
    "restate_z": (5.0, 5.5, 6.0, 6.5, 7.0),
    "restate_legs": (0.0, 1.0),
}
RESTATE_OFF = {"restate_inner_z": 3.0, "restate_z": 99.0, "restate_legs": 0.0}


def restate_points() -> list[dict[str, float]]:
    """The restatement grid, the off point first."""
    return [RESTATE_OFF, *_points(RESTATE)]


def restate_study(data: list[Event]) -> dict[str, Any]:
    """In sample, the pairs alone (no third report): each gold pair the shipped alignment
    misses, whether a restatement route through a shown gold pair reaches it (and at which
    within-article z, through which tier, at which candidate score), and what each point of
    :data:`RESTATE` adds (gold / false pairs) and whether it keeps the seed briefing."""
    misses = []
    for event, pair, direct in _scored_pairs(data):
        if pair.inner is None:
            continue
        inner_a, inner_b = pair.inner
        legs = legs_of(direct)
        only_a, only_b = set(direct.only_a), set(direct.only_b)
        for k, j in sorted(pair.expected - direct.shown_pairs()):
            routes = [
                (float(inner_a[i, k]), tier)
                for (i, jj), tier in legs.items()
                if jj == j and i != k and (i, jj) in pair.expected
            ] + [
                (float(inner_b[jj, j]), tier)
                for (i, jj), tier in legs.items()
                if i == k and jj != j and (i, jj) in pair.expected
            ]
            best = max(routes) if routes else None
            misses.append(
                {
                    "gold": event.gold,
                    "pair": f"{pair.a}-{pair.b}",
                    "k": k,
                    "j": j,
                    "score": round(float(direct.scores[k, j]), 2),
                    "route_inner_z": None if best is None else round(best[0], 2),
                    "route_leg": None if best is None else ("confident", "possible")[best[1]],
                    "both_linked": k not in only_a and j not in only_b,
                }
            )
    base = _pair_totals(data, {})
    points = []
    for point in _points(RESTATE):
        total, kept = _pair_totals(data, point)
        points.append(
            {
                **point,
                "gold_added": total["tp"] - base[0]["tp"],
                "false_added": total["fp"] - base[0]["fp"],
                **_prf(total),
                "f2": f_beta(total, 2.0),
                "briefing_kept": kept,
            }
        )
    return {"base": {**base[0], **_prf(base[0])}, "misses": misses, "points": points}


def _pair_totals(data: list[Event], point: dict[str, float]) -> tuple[Counts, bool]:
    """Shown counts of every gold pair alone at the shipped point with ``point``, and
    whether the seed briefing keeps its target."""
    total = {"tp": 0.0, "fp": 0.0, "fn": 0.0}
    kept = True
    for event in data:
        found = _direct(event, point)
        for pair in event.pairs:
            alignment = found[(pair.a, pair.b)]
            counts = _counts(alignment.shown_pairs(), pair.expected)
            if event.gold == "seed" and (pair.a, pair.b) == BRIEFING:
                sure = _counts(alignment.pairs(), pair.expected)
                kept = _prf(counts)["f1"] >= 0.85 and _prf(sure)["precision"] >= 1.0
            for key in total:
                total[key] += counts[key]
    return total, kept


# Score bands of the neighbour study (candidate score, z's scale).
BANDS = (-99.0, 2.0, 3.0, 4.0, 5.0, 6.5, 99.0)


def neighbour_study(data: list[Event]) -> dict[str, Any]:
    """Session 23, in sample at the shipped settings, each gold pair alone (no third report):
    of the gold pairs not shown, how many are diagonal neighbours of a confident pair
    (:func:`framing.alignment.align.diagonal_neighbours`), against the pairs not shown
    that are not gold, by candidate-score band; only pairs the candidate tier reads (a
    sentence without a link on at least one side)."""
    bands: dict[str, dict[str, dict[str, dict[str, int]]]] = {}
    for event, pair, direct in _scored_pairs(data):
        near = diagonal_neighbours(pair.z.shape, direct.pairs())
        free = np.zeros(pair.z.shape, dtype=bool)
        free[direct.only_a, :] = True
        free[:, direct.only_b] = True
        shown = direct.shown_pairs()
        for i, j in np.argwhere(free):
            key = (int(i), int(j))
            if key in shown:
                continue
            score = float(direct.scores[key])
            k = int(np.searchsorted(BANDS, score, side="right")) - 1
            band = f"{BANDS[k]:g}..{BANDS[k + 1]:g}"
            kind = "gold_missed" if key in pair.expected else "false"
            cell = bands.setdefault(event.gold, {}).setdefault(band, {})
            counts = cell.setdefault(kind, {"pairs": 0, "neighbours": 0})
            counts["pairs"] += 1
            counts["neighbours"] += int(near[key])
    return bands


def _scored_pairs(data: list[Event]) -> Iterator[tuple[Event, GoldPair, PairAlignment]]:
    """Each gold pair alone at the shipped settings, with its alignment, when the
    alignment kept its candidate scores (the pairs the restatement and neighbour studies read)."""
    for event in data:
        found = _direct(event, {})
        for pair in event.pairs:
            direct = found[(pair.a, pair.b)]
            if direct.scores is not None:
                yield event, pair, direct


def pivot_cv(
    data: list[Event],
    mode: str = "one",
    score_grid: bool = False,
    rule_names: Sequence[str] = (),
    pivot_z: Sequence[float] | None = None,
) -> dict[str, Any]:
    """The ``cv`` command: leave one event out over the bars and the pivot's settings (with
    ``score_grid``, the candidate score's too, and the shipped point beside each fold),
    against the same CV with the pivot off; with ``rule_names`` (``alignment_cv.RULES``)
    their values searched too, and the same CV with them at their shipped values."""
    pivot = PIVOT_WIDE if score_grid else PIVOT
    pivot = {**pivot, "pivot_z": tuple(pivot_z)} if pivot_z else pivot
    score = SCORE if score_grid else {}
    cannot = sorted(set(rule_names) - set(searchable_rules()))
    if cannot:
        raise ValueError(
            f"the pivot's CV cannot search {cannot}: it re-makes the candidate score from "
            f"its parts without them; search them with `framing lab-alignment-cv --rule`"
        )
    rules = {rule: RULES[rule] for rule in rule_names}
    with_pivot = _points({**BARS, **score, **pivot, **rules})
    without = _points({**BARS, **score, "pivot_z": (99.0,), "pivot_legs": (0.0,), **_off(rules)})
    if 99.0 not in pivot["pivot_z"]:  # the pivot-off points are needed for the baseline
        pivot = {**pivot, "pivot_z": (*pivot["pivot_z"], 99.0)}
        with_pivot = _points({**BARS, **score, **pivot, **rules})
    table = grid_table(data, with_pivot, mode)
    shipped = shipped_point() if score_grid else None
    result = {
        "mode": mode,
        "without_pivot": cv(_subtable(table, with_pivot, without), without),
        "with_pivot": cv(table, with_pivot, shipped=shipped),
    }
    if rules:  # the baseline of a rule: the same CV with the rule at its shipped value
        off = _points({**BARS, **score, **pivot, **_off(rules)})
        result["rule_off"] = cv(_subtable(table, with_pivot, off), off, shipped=shipped)
    return result


def searchable_rules() -> list[str]:
    """The rules of :data:`RULES` this CV can search: the alignment's settings and the score
    settings re-made from a pair's parts (the rule-off baseline takes each at its shipped
    value). The reported content's offset and the word score's length ratio need the
    sentences, which the parts do not keep."""
    shipped = shipped_point()
    return [rule for rule in RULES if rule in shipped]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("misses", "cv", "restate", "neighbours"))
    parser.add_argument("--mode", choices=("one", "all"), default="one")
    parser.add_argument("--out", type=Path, help="write the JSON here (else stdout)")
    parser.add_argument(
        "--pivot-z", type=float, nargs="+", help="the pivot bars of the grid (99: off)"
    )
    parser.add_argument(
        "--score",
        action="store_true",
        help="also search the candidate score's settings (SCORE) and the wider pivot bars "
        "(PIVOT_WIDE); report the shipped point's counts beside each fold's choice",
    )
    parser.add_argument(
        "--restate",
        action="store_true",
        help="the restatement pivot's grid (RESTATE) against it off, all else shipped",
    )
    parser.add_argument(
        "--rule",
        dest="rules",
        action="append",
        default=[],
        help="with cv: also search this candidate rule's values (alignment_cv.RULES), "
        "against the same CV with the rule off (repeatable)",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.rules) - set(searchable_rules()))
    if unknown:
        parser.error(f"rules {unknown} cannot be searched here: choose among {searchable_rules()}")
    data = load()
    if args.what == "misses":
        result = misses(data)
    elif args.what == "neighbours":
        result = neighbour_study(data)
    elif args.what == "restate":
        result = restate_study(data)
    elif args.restate:
        points = restate_points()
        table = grid_table(data, points, args.mode)
        result = {"mode": args.mode, "restate": cv(table, points, shipped=RESTATE_OFF)}
    else:
        result = pivot_cv(data, args.mode, args.score, args.rules, args.pivot_z)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text, "utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
