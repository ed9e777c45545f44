"""The corpus store for the current request, opened on first use and closed at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g

from framing.store import Store, open_store


def get_store() -> Store:
    if "store" not in g:
        g.store = open_store(current_app.config["DATABASE"])
    return g.store


def close_store(exc: BaseException | None = None) -> None:
    store = g.pop("store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_store)
