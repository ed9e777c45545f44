"""The web app: a thin Flask shell over the ``framing`` library."""

from __future__ import annotations

from typing import Any

from flask import Flask

from framing.settings import setting
from framing.store import default_db_path


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Application factory. ``config`` overrides (``DATABASE``, ``TESTING``, ``DEBUG``,
    ``SECRET_KEY``, ``ADMIN_TOKEN``, ``MAX_CONTENT_LENGTH``, ``MODEL``, …); the defaults
    come from ``framing/data/settings.yaml`` and ``FRAMING_*`` environment variables."""
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE=str(default_db_path()),
        SECRET_KEY=setting("secret_key"),
        ADMIN_TOKEN=setting("admin_token"),
        MAX_CONTENT_LENGTH=setting("max_upload_bytes"),
        MODEL=None,
    )
    if config:
        app.config.from_mapping(config)

    from . import security

    app.config["SECRET_KEY"] = security.secret_key(
        app.config["SECRET_KEY"], bool(app.config.get("DEBUG") or app.config.get("TESTING"))
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from . import (
        compare,
        coverage,
        db,
        errors,
        events,
        filters,
        glossary,
        links,
        outlets,
        own,
        pages,
    )

    db.init_app(app)
    coverage.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    filters.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(own.bp)
    app.register_blueprint(glossary.bp)
    app.register_blueprint(outlets.bp)
    app.register_blueprint(links.bp)
    return app
