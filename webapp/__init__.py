"""The web app: a thin Flask shell over the ``framing`` library."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from framing.store import default_db_path


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory. ``config`` overrides (``DATABASE``, ``TESTING``, …)."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=str(default_db_path()),
        SECRET_KEY=os.environ.get("FRAMING_SECRET_KEY", "dev"),
        JSON_AS_ASCII=False,
    )
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from . import api, db, errors, pages

    db.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    return app
