"""Incremental event grouping: adding 10 articles to 10,000 costs about 10 articles.

The batch grouping (:func:`framing.alignment.grouping.group_events`) embeds every sentence,
finds each article's nearest neighbours by centroid, aligns each candidate pair and merges
greedily. Here each expensive step is kept in the store and done only for what is new:

1. an article's sentences are embedded (through the vector cache) and its centroid stored
   once, in chunks, each chunk its own transaction (a crash keeps the chunks before it);
2. each article's nearest neighbours by centroid are stored; an add compares only the new
   articles with the stored ones (:mod:`framing.alignment.event_neighbours`), and the lists
   stay exactly the batch candidates;
3. only candidate pairs with no stored evidence are aligned, loading just those articles'
   vectors;
4. the greedy merge runs over the stored evidence of the candidates (no vectors needed).

The result equals the batch grouping of the same corpus (a test holds it to that). The
pair decision itself stays in :mod:`framing.alignment.grouping` (``PairEvidence``).
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from framing.alignment.calibration import Calibration, load_calibration
from framing.alignment.embedder import Embedder
from framing.alignment.event_neighbours import neighbours_key, update_neighbours
from framing.alignment.grouping import (
    ArticleVectors,
    PairEvidence,
    event_settings,
    merge_events,
    pair_evidence,
)
from framing.alignment.vectors import embed_texts
from framing.store import Store

# Articles embedded per transaction: bounds memory and the work a crash can lose.
CHUNK_ARTICLES = 50

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _silent(stage: str, done: int, total: int) -> None:
    return None


def centroid_key(model_id: str, calibration: Calibration) -> str:
    """Centroids depend on the model and its calibration (language means), nothing else."""
    material = json.dumps([model_id, calibration.as_json()], sort_keys=True)
    return "centroids:" + hashlib.sha256(material.encode()).hexdigest()[:32]


def evidence_key(centroids: str, analysis_key: str) -> str:
    """Evidence also depends on the event settings, which ``analysis_key`` hashes, and on
    what a :class:`PairEvidence` holds (stored rows of another shape are not reused)."""
    shape = ",".join(field.name for field in dataclasses.fields(PairEvidence))
    material = f"{centroids}|{analysis_key}|{shape}"
    return "evidence:" + hashlib.sha256(material.encode()).hexdigest()[:32]


def incremental_supported(model_id: str) -> bool:
    """Only a calibrated model has vectors that do not depend on the rest of the corpus."""
    return load_calibration(model_id) is not None


def update_events(
    store: Store,
    embedder: Embedder,
    settings_key: str,
    progress: Progress = _silent,
) -> list[dict[str, Any]]:
    """The event grouping of every stored article, doing only the work not stored yet.

    ``settings_key`` names the event settings the stored evidence was made with (see
    :func:`framing.compare.analysis_key`). The model must be calibrated
    (:func:`incremental_supported`).
    """
    calibration = load_calibration(embedder.model_id)
    if calibration is None:
        raise ValueError(f"{embedder.model_id} has no calibration: group it in one batch")
    c_key = centroid_key(embedder.model_id, calibration)
    e_key = evidence_key(c_key, settings_key)
    meta = {row["id"]: row for row in store.grouping_metadata()}
    ids = sorted(meta)
    stored = store.centroids(c_key)
    new = [i for i in ids if i not in stored]
    for start in range(0, len(new), CHUNK_ARTICLES):
        progress("embedding", start, len(new))
        chunk = new[start : start + CHUNK_ARTICLES]
        vectors = _article_vectors(store, embedder, calibration, [meta[i] for i in chunk])
        fresh = {a.id: _centroid(a, embedder).tobytes() for a in vectors}
        store.save_centroids(c_key, fresh)
        stored.update(fresh)
        release_freed_memory()
    progress("embedding", len(new), len(new))
    matrix = np.stack([np.frombuffer(stored[i], dtype=np.float32) for i in ids]) if ids else None
    settings = event_settings(embedder.model_id)
    k = int(settings["neighbours"])
    n_key = neighbours_key(c_key, k)
    candidates = update_neighbours(store, n_key, ids, matrix, k) if matrix is not None else []
    known = store.pair_evidence(e_key)
    missing = sorted(pair for pair in candidates if pair not in known)
    _align_missing(store, embedder, calibration, meta, missing, e_key, known, progress, settings)
    evidence = {pair: PairEvidence(**known[pair]) for pair in candidates}
    articles = [_without_vectors(meta[i]) for i in ids]
    return merge_events(articles, evidence, settings)


def _align_missing(
    store: Store,
    embedder: Embedder,
    calibration: Calibration,
    meta: dict[str, dict[str, Any]],
    missing: list[tuple[str, str]],
    e_key: str,
    known: dict[tuple[str, str], dict[str, Any]],
    progress: Progress,
    settings: dict[str, Any],
) -> None:
    """Align the candidate pairs that have no stored evidence, a chunk per transaction.

    Pairs are sorted, so each chunk touches few articles; their vectors come from the
    cache and are dropped after the chunk (memory stays flat in the corpus size).
    """
    step = CHUNK_ARTICLES * 10
    for start in range(0, len(missing), step):
        progress("aligning", start, len(missing))
        chunk = missing[start : start + step]
        involved = sorted({i for pair in chunk for i in pair})
        loaded = _article_vectors(store, embedder, calibration, [meta[i] for i in involved])
        by_id = {a.id: a for a in loaded}
        found = {}
        for a_id, b_id in chunk:
            a, b = by_id[a_id], by_id[b_id]
            z = calibration.z_scores(a.vectors @ b.vectors.T, a.lang, b.lang)
            found[(a_id, b_id)] = dataclasses.asdict(pair_evidence(a, b, z, settings))
        store.save_pair_evidence(e_key, found)
        known.update(found)
        release_freed_memory()
    progress("aligning", len(missing), len(missing))


@cache
def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None


def release_freed_memory() -> None:
    """Hand the heap that a chunk's tensors freed back to the system (glibc keeps it in its
    arenas otherwise, and the process grows chunk after chunk with the corpus; measured in
    BENCHMARKS.md, "Speed at scale")."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def _article_vectors(
    store: Store, embedder: Embedder, calibration: Calibration, rows: list[dict[str, Any]]
) -> list[ArticleVectors]:
    """Calibrated sentence vectors of ``rows`` (embedded once, through the vector cache)."""
    texts = [s for row in rows for s in row["sentences"]]
    raw = embed_texts(texts, embedder, store) if texts else np.zeros((0, 0), np.float32)
    found, start = [], 0
    for row in rows:
        count = len(row["sentences"])
        vectors = raw[start : start + count]
        start += count
        centred = calibration.centre(vectors, row["lang"]) if count else vectors
        found.append(_with_vectors(row, centred))
    return found


def _centroid(article: ArticleVectors, embedder: Embedder) -> np.ndarray:
    if not len(article.vectors):  # no sentence: a centroid that is near nothing
        return np.zeros(embedder.dim, dtype=np.float32)
    return article.centroid.astype(np.float32)


def _with_vectors(row: dict[str, Any], vectors: np.ndarray) -> ArticleVectors:
    return ArticleVectors(
        id=row["id"],
        lang=row["lang"],
        date=row["date"],
        title=row["title"],
        sentences=row["sentences"],
        vectors=vectors,
    )


def _without_vectors(row: dict[str, Any]) -> ArticleVectors:
    return _with_vectors(row, np.zeros((0, 0), dtype=np.float32))
