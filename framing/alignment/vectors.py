"""Sentence vectors through the store's cache: each (model, text) is embedded once."""

from __future__ import annotations

import hashlib

import numpy as np

from framing.alignment.embedder import Embedder
from framing.alignment.sentence_states import StatesCache, encoded_texts, has_states
from framing.store import Store


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_texts(
    texts: list[str],
    embedder: Embedder,
    store: Store | MemoryVectors | None = None,
    states: StatesCache | None = None,
    layers: tuple[int, ...] = (),
) -> np.ndarray:
    """Unit vectors for ``texts`` (shape ``(len(texts), dim)``), from the cache when stored.

    Texts not yet cached are encoded in one batch and written back in one transaction.
    With ``states`` (and an embedder that gives token states), that batch is the shared
    pass of :mod:`framing.alignment.sentence_states`, kept in ``states`` by text with the
    hidden ``layers`` asked for.
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    unique = dict(zip(hashes, texts, strict=True))
    cached = store.cached_vectors(embedder.model_id, list(unique)) if store else {}
    vectors = {h: np.frombuffer(raw, dtype=np.float32) for h, raw in cached.items()}
    missing = [h for h in unique if h not in vectors]
    if missing:
        if states is not None and has_states(embedder):
            passes = encoded_texts([unique[h] for h in missing], embedder, states, layers)
            encoded = np.stack([p.vector for p in passes])
        else:
            encoded = embedder.encode([unique[h] for h in missing])
        fresh = dict(zip(missing, encoded, strict=True))
        vectors.update(fresh)
        if store is not None:
            blobs = {h: np.asarray(v, dtype=np.float32).tobytes() for h, v in fresh.items()}
            store.cache_vectors(embedder.model_id, int(encoded.shape[1]), blobs)
    return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)


class MemoryVectors:
    """The vector cache of :func:`embed_texts` in memory, for work that outlives its store
    (the gold evaluation asks for clause units again under other settings)."""

    def __init__(self) -> None:
        self.vectors: dict[tuple[str, str], bytes] = {}

    def cached_vectors(self, model_id: str, hashes: list[str]) -> dict[str, bytes]:
        return {h: self.vectors[(model_id, h)] for h in hashes if (model_id, h) in self.vectors}

    def cache_vectors(self, model_id: str, dim: int, vectors: dict[str, bytes]) -> None:
        self.vectors.update({(model_id, h): v for h, v in vectors.items()})
