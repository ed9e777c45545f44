"""Per-request store, and the process-wide embedding model (loaded once, on first use)."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g

from framing.alignment.embedder import Embedder, LazyEmbedder
from framing.store import Store, open_store

_model_lock = threading.Lock()


def get_store() -> Store:
    if "store" not in g:
        g.store = open_store(current_app.config["DATABASE"])
    return g.store


def get_embedder() -> Embedder:
    """One model per process: loading takes seconds and hundreds of MB, so requests share it.

    A cached comparison never touches it (LazyEmbedder loads only when asked to encode)."""
    with _model_lock:
        embedder = current_app.extensions.get("framing_embedder")
        if embedder is None:
            embedder = LazyEmbedder(current_app.config.get("MODEL"))
            current_app.extensions["framing_embedder"] = embedder
    return embedder


def close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_store)
