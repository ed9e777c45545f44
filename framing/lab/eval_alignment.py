"""Alignment quality against a hand-annotated gold file (``tests/gold/seed_alignment.yaml``).

Sentences are named in the gold by a unique substring, so the gold survives changes of
segmentation. The measure is precision / recall / F1 over sentence pairs (a link between
sentences {1, 2} of one article and {5} of the other counts as the pairs (1, 5) and (2, 5)),
micro-averaged over all annotated article pairs; each pair's own counts and P/R/F1 are
reported too (``pairs``), to see where the errors are.

The top-level figures count every pair a reader is shown: confident links ("same
statement") and possible counterparts. ``tiers`` gives each tier's own P/R/F1, and
``candidate_recall`` the share of gold pairs whose counterpart is shown for the sentence (a
confident link or one of its candidates). Pairs are aligned as ``framing compare`` does:
one event unless the dates are far apart, with the polarity and participant guard.

:func:`alignment_ceiling` asks a different question: how far could the aligner go on this
gold with this embedding model if its thresholds were chosen with hindsight, on the very
pairs being scored? It bounds what tuning can buy, and so tells a threshold problem from a
model problem.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.alignment.align import Guard, PairAlignment, align, alignment_settings
from framing.alignment.embedder import Embedder
from framing.alignment.grouping import asked_same_event, event_settings
from framing.alignment.guard import sentence_guard
from framing.alignment.pair_scores import PairScorer
from framing.alignment.pivot import add_restated
from framing.alignment.sentence_states import StatesCache
from framing.alignment.vectors import MemoryVectors
from framing.compare import prepare
from framing.errors import FramingError
from framing.store import Store, open_store


@dataclass
class GoldPair:
    """One annotated article pair: its z-score matrix and the gold sentence pairs."""

    a: str  # the gold's names of the two articles ("001", "002")
    b: str
    z: np.ndarray
    expected: set[tuple[int, int]]
    same_event: bool  # as the event judgement decides it, not as the gold says
    guard: Guard | None = None
    # What ranks its possible counterparts: scores, or as ``framing compare`` has it, a
    # function of the sentences left without a link (:func:`framing.alignment.align.align`).
    candidate_scores: np.ndarray | Callable[[list[int], list[int]], np.ndarray] | None = None
    # Each article's sentence z-scores against each other (a restatement within one
    # article: framing/alignment/pivot.py, add_restated); None: not pivoted.
    inner: tuple[np.ndarray, np.ndarray] | None = None


def sentence_index(sentences: list[str], key: str, where: str) -> int:
    found = [i for i, text in enumerate(sentences) if key in text]
    if len(found) != 1:
        raise FramingError(f"{where}: gold key {key!r} matches {len(found)} sentences, not 1")
    return found[0]


def gold_pairs(
    store: Store, gold_path: Path, article_ids: dict[str, str], embedder: Embedder | None = None
) -> list[GoldPair]:
    """The annotated pairs of ``gold_path``; ``article_ids`` maps gold names to stored ids."""
    gold = yaml.safe_load(gold_path.read_text("utf-8"))
    analysis = prepare(store, list(article_ids.values()), embedder)
    by_id = {a.id: a for a in analysis.articles}
    words: dict[str, list[np.ndarray]] = {}
    units = MemoryVectors()  # clause units, asked again under other settings after the store
    states: StatesCache = {}  # the sentences' encoder passes (clause units pooled from them)
    out = []
    for pair in gold["pairs"]:
        a, b = by_id[article_ids[pair["a"]]], by_id[article_ids[pair["b"]]]
        where = f"{gold_path.name} {pair['a']}-{pair['b']}"
        expected = {
            (sentence_index(a.sentences, x, where), sentence_index(b.sentences, y, where))
            for link in pair["links"]
            for x in link["a"]
            for y in link["b"]
        }
        z = analysis.z(a, b)
        guard = sentence_guard(a.sentences, a.lang, b.sentences, b.lang)
        ranked = PairScorer(a, b, z, analysis.calibration, analysis.embedder, units, words, states)
        same_event = asked_same_event(a, b, event_settings(analysis.embedder.model_id))
        inner = (analysis.z(a, a), analysis.z(b, b))
        out.append(GoldPair(pair["a"], pair["b"], z, expected, same_event, guard, ranked, inner))
    return out


def evaluate_alignment(
    store: Store,
    gold_path: Path,
    article_ids: dict[str, str],
    embedder: Embedder | None = None,
    **overrides: float,
) -> dict[str, Any]:
    """Scores of the aligner on ``gold_path``; ``article_ids`` maps gold names to ids."""
    return score_pairs(gold_pairs(store, gold_path, article_ids, embedder), **overrides)


def align_gold(pair: GoldPair, **overrides: float) -> PairAlignment:
    """The aligner on one gold pair, as ``framing compare`` runs it."""
    settings = alignment_settings(**overrides)
    found = align(pair.z, settings, pair.same_event, pair.guard, pair.candidate_scores)
    if pair.inner is not None:
        add_restated(found, *pair.inner, settings)
    return found


def score_pairs(pairs: list[GoldPair], **overrides: float) -> dict[str, Any]:
    """Micro P/R/F1 of the aligner (settings from alignment.yaml, or ``overrides``) on
    ``pairs``: of every pair shown, per tier, the candidate recall, and each pair's own."""
    found = [(pair, align_gold(pair, **overrides)) for pair in pairs]
    shown = [_counts(a.shown_pairs(), p.expected) for p, a in found]
    confident = [_counts(a.pairs(), p.expected) for p, a in found]
    possible = [_counts(a.candidate_pairs(), p.expected) for p, a in found]
    per_pair = [
        {
            "a": pair.a,
            "b": pair.b,
            "same_event": pair.same_event,
            **counts,
            **_prf(counts),
            "confident_precision": _prf(sure)["precision"],
            "candidate_recall": _prf(counts)["recall"],
        }
        for (pair, _), counts, sure in zip(found, shown, confident, strict=True)
    ]
    totals = _summed(shown)
    return {
        **_prf(totals),
        **totals,
        "tiers": {
            "same statement": {**_prf(_summed(confident)), **_summed(confident)},
            "possible counterpart": {**_prf(_summed(possible)), **_summed(possible)},
        },
        # Every gold pair shown for its sentence: a confident link or one of its candidates.
        "candidate_recall": _prf(totals)["recall"],
        "pairs": per_pair,
    }


# Hindsight grids of the ceiling: z from 1 to 9 in steps of 0.25 (the gold pairs of the seeds
# score 1.8-7.7).
Z_GRID = tuple(float(x) for x in np.arange(1.0, 9.01, 0.25))


def alignment_ceiling(pairs: list[GoldPair], grid: Iterable[float] = Z_GRID) -> dict[str, Any]:
    """The best the aligner could do on ``pairs`` with thresholds chosen on them.

    - ``one_bar``: every sentence pair at or above one z bar is a link (the best bar);
    - ``aligner``: :func:`framing.alignment.align.align` with the best (anchor_z, attach_z),
      and every
      pair that the gold links treated as the same event (the best event judgement);
    - ``gold_ranks``: how many gold pairs are the best match of their row or column at all,
      and how many score below some false pair of their own article pair (no single bar
      takes those without a false link).

    A ceiling well under a target means no threshold reaches it: the scores themselves rank
    false pairs over true ones.
    """
    grid = sorted(grid)
    one_bar = max(
        (_scored({"bar": t}, [(_at_least(g.z, t), g) for g in pairs]) for t in grid),
        key=lambda scored: scored["f1"],
    )
    # Ties keep the first (lowest) setting found.
    best_aligner: dict[str, Any] = {"f1": -1.0}
    for anchor in grid:
        for attach in grid:
            settings = alignment_settings(anchor_z=anchor, attach_z=attach)
            found = [
                (align(g.z, settings, same_event=bool(g.expected) or g.same_event).pairs(), g)
                for g in pairs
            ]
            scored = _scored({"anchor_z": anchor, "attach_z": attach}, found)
            if scored["f1"] > best_aligner["f1"]:
                best_aligner = scored
    return {"one_bar": one_bar, "aligner": best_aligner, "gold_ranks": _gold_ranks(pairs)}


def evaluate_folder(
    folders: Path | Sequence[Path],
    gold_path: Path,
    embedder: Embedder | None = None,
    ceiling: bool = False,
    events: Path | None = None,
) -> dict[str, Any]:
    """Ingest the articles of ``folders`` (one folder or several) into a scratch store and
    score the aligner on ``gold_path`` (plus its hindsight ceiling when asked). A gold name
    ("001") names the file whose name starts with it and an underscore (``001_….txt``).
    With ``events`` (the grouping gold, ``tests/gold/real_events.yaml``), also
    ``three_reports``: the gold pairs as a comparison of three reports shows them, each
    with a third report of its event where the gold names one (the mean over which one;
    possible counterparts through it: :mod:`framing.alignment.pivot`)."""
    if events is None:
        pairs = folder_gold_pairs(folders, gold_path, embedder)
        scores = score_pairs(pairs)
    else:
        from framing.lab.alignment_pivot import folder_event, three_report_figures

        if not gold_path.is_file():
            raise FramingError(f"{gold_path}: no such gold file")
        listed = [folders] if isinstance(folders, Path) else list(folders)
        event = folder_event("gold", listed, gold_path, events, embedder)
        pairs = event.pairs
        scores = score_pairs(pairs)
        scores["three_reports"] = three_report_figures(event)
    if ceiling:
        scores["ceiling"] = alignment_ceiling(pairs)
    return scores


def folder_gold_pairs(
    folders: Path | Sequence[Path], gold_path: Path, embedder: Embedder | None = None
) -> list[GoldPair]:
    """The gold pairs of ``gold_path`` over the articles of ``folders`` (a scratch store)."""
    if not gold_path.is_file():
        raise FramingError(f"{gold_path}: no such gold file")
    gold = yaml.safe_load(gold_path.read_text("utf-8"))
    names = sorted({p[side] for p in gold["pairs"] for side in ("a", "b")})
    with tempfile.TemporaryDirectory(prefix="framing-eval-") as scratch:
        with open_store(Path(scratch) / "eval.db") as store:
            folders = [folders] if isinstance(folders, Path) else list(folders)
            by_name = ingest_named(store, folders, names, gold_path)
            return gold_pairs(store, gold_path, by_name, embedder)


def ingest_named(
    store: Store, folders: Sequence[Path], names: Iterable[str], gold_path: Path
) -> dict[str, str]:
    """Ingest ``folders`` into ``store`` and give the stored article id of each gold name in
    ``names`` (the file-name prefix before the first underscore: ``001_….txt`` is 001)."""
    from framing.ingest import ingest
    from framing.settings import setting
    from framing.text.readers import read_inputs

    inputs = read_inputs([str(f) for f in folders], setting("max_input_bytes"))
    results = list(ingest(inputs, store))
    by_name: dict[str, str] = {}
    for r in results:
        file_name = Path(r.source).name
        if not (r.article_id and "_" in file_name):
            continue
        name = file_name.split("_", 1)[0]
        if name in by_name:  # two folders, or two files, under one gold name
            raise FramingError(f"{gold_path.name}: more than one article file is called {name}_…")
        by_name[name] = r.article_id
    wanted = sorted(set(names))
    missing = [n for n in wanted if n not in by_name]
    if missing:
        refused = [f"{Path(r.source).name}: {r.reason}" for r in results if r.reason]
        where = ", ".join(str(f) for f in folders)
        raise FramingError(
            f"{gold_path.name} names articles {', '.join(missing)}, but {where} "
            f"{'holds' if len(folders) == 1 else 'hold'} no file called NAME_….txt for them"
            + (f" (refused: {'; '.join(refused)})" if refused else "")
        )
    return {n: by_name[n] for n in wanted}


def _scored(setting: dict[str, float], found: list[tuple[set, GoldPair]]) -> dict[str, Any]:
    totals = _summed(_counts(pairs_found, gold.expected) for pairs_found, gold in found)
    return {**_prf(totals), **setting, **totals}


def _summed(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Micro-averaging: tp, fp and fn added up over article pairs."""
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for one in counts:
        for key, value in one.items():
            totals[key] += value
    return totals


def _at_least(z: np.ndarray, bar: float) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in np.argwhere(z >= bar)}


def _gold_ranks(pairs: list[GoldPair]) -> dict[str, int]:
    gold_total = row_or_col_best = below_a_false_pair = 0
    for g in pairs:
        if not g.expected:
            continue
        gold_total += len(g.expected)
        false = np.ones(g.z.shape, dtype=bool)
        for i, j in g.expected:
            false[i, j] = False
        strongest_false = float(g.z[false].max()) if false.any() else -np.inf
        for i, j in g.expected:
            row_or_col_best += int(g.z[i, j] >= g.z[i].max() or g.z[i, j] >= g.z[:, j].max())
            below_a_false_pair += int(g.z[i, j] < strongest_false)
    return {
        "gold_pairs": gold_total,
        "best_of_row_or_column": row_or_col_best,
        "below_the_strongest_false_pair": below_a_false_pair,
    }


def _counts(found: set[tuple[int, int]], expected: set[tuple[int, int]]) -> dict[str, int]:
    return {"tp": len(found & expected), "fp": len(found - expected), "fn": len(expected - found)}


def _prf(counts: dict[str, int]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def evaluate_db_corrections(store: Store, embedder: Embedder | None = None) -> dict[str, Any]:
    """The aligner scored against readers' corrections in ``store`` (``--gold-from-db``).

    Readers judge only some sentence pairs, so only judged pairs count: a pair they linked
    (confirmed or added) that the aligner links is a true positive, one it misses a false
    negative; a pair they rejected that the aligner links is a false positive. Article pairs
    are compared as ``framing compare`` does (same-event judgement from shared claims).
    """
    from framing.compare import compare as run_compare
    from framing.links import gold_pairs as reader_gold

    per_pair, totals = [], []
    for (a, b), judged in sorted(reader_gold(store).items()):
        result = run_compare(store, [a, b], embedder, phrases=False)
        [pair] = result["pairs"]
        confident = [x for x in pair["links"] if x.get("tier") in (None, "same statement")]
        found = {(i, j) for link in confident for i in link["a"] for j in link["b"]}
        if pair["a"] != a:  # the aligner's pair in the reverse order
            found = {(j, i) for i, j in found}
        counts = {
            "tp": len(found & judged["linked"]),
            "fp": len(found & judged["rejected"]),
            "fn": len(judged["linked"] - found),
        }
        totals.append(counts)
        per_pair.append(
            {"a": a, "b": b, "same_event": pair["same_event"], **counts, **_prf(counts)}
        )
    if not per_pair:
        raise FramingError(
            "No corrections in the database to score against: confirm, reject or add links "
            "on an event page, or import them with `framing links import`."
        )
    return {**_prf(_summed(totals)), "pairs": per_pair, "gold": "corrections in the database"}
