"""Per-request store, and the process-wide embedding model (loaded once, on first use)."""

from __future__ import annotations

import threading

from flask import Flask, current_app, g

from framing.alignment.embedder import Embedder, LazyEmbedder
from framing.background import BackgroundAnalysis, analysis_status
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


def get_analysis() -> BackgroundAnalysis:
    """The app's background event analysis (one thread per process, started on demand)."""
    with _model_lock:
        worker = current_app.extensions.get("framing_analysis")
    if worker is None:
        embedder = get_embedder()
        with _model_lock:
            worker = current_app.extensions.setdefault(
                "framing_analysis", BackgroundAnalysis(current_app.config["DATABASE"], embedder)
            )
    return worker


def finished_analysis() -> dict:
    """The finished event grouping and the analysis status; starts the background analysis
    when the grouping is behind the corpus. Never embeds or aligns in the request."""
    worker = get_analysis()
    found = analysis_status(get_store(), get_embedder().model_id, worker.running)
    if not found["status"]["up_to_date"] and current_app.config.get("BACKGROUND_ANALYSIS", True):
        worker.request()
        found["status"]["running"] = True
    return found


def close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_store)
