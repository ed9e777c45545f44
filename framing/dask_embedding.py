"""The embedding step on a Dask cluster (``framing events --engine dask``).

:class:`DaskEmbedder` is an :class:`~framing.alignment.embedder.Embedder` whose ``encode``
splits the texts (longest first, so chunks have similar lengths) into chunks and has the
workers encode them, each worker loading the model once. It has the local model's
``model_id``: the vectors are the same, so they share the store's cache, and the event
grouping is unchanged (:func:`framing.compare.group_stored_events` takes it like any
embedder). Imported only when the engine is chosen.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import cache
from typing import Any

import numpy as np

from framing.alignment.embedder import DEFAULT_BATCH_SIZE, model_id_for
from framing.dask_engine import _client

# Texts per task: large enough that one task's overhead (pickling, scheduling) is small
# next to encoding it, small enough that two workers share a batch of a few thousand.
CHUNK_TEXTS = 256


@cache
def _worker_embedder(name: str | None) -> Any:
    """The model of this worker process, loaded on its first chunk (torch: one thread, as
    the worker has one core of its own)."""
    import torch

    from framing.alignment.embedder import load_embedder

    torch.set_num_threads(1)
    return load_embedder(name)


def encode_chunk(texts: list[str], name: str | None) -> np.ndarray:
    """Runs on a worker."""
    return _worker_embedder(name).encode(texts)


class DaskEmbedder:
    """Encodes on ``workers`` local worker processes (or a scheduler's), same vectors as the
    local model ``name``. Use as a context manager: the cluster lives as long as it."""

    def __init__(self, name: str | None = None, workers: int = 2, scheduler: str | None = None):
        self.name = name
        self.model_id = model_id_for(name)
        self.workers = workers
        self.scheduler = scheduler
        self._stack = ExitStack()
        self._client: Any = None
        self.dim = 0

    def __enter__(self) -> DaskEmbedder:
        self._client = self._stack.enter_context(_client(self.scheduler, self.workers))
        self.dim = int(self.encode(["dimension probe"]).shape[1])
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        if self._client is None:
            raise RuntimeError("DaskEmbedder is used inside `with DaskEmbedder(...) as e:`")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        chunks = [order[i : i + CHUNK_TEXTS] for i in range(0, len(order), CHUNK_TEXTS)]
        futures = [
            self._client.submit(encode_chunk, [texts[i] for i in rows], self.name, pure=False)
            for rows in chunks
        ]
        out: np.ndarray | None = None
        for rows, future in zip(chunks, futures, strict=True):
            vectors = future.result()
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        assert out is not None
        return out
