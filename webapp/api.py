"""JSON twins of the pages: success ``{"ok": true, ...}``; errors in one shape,
``{"ok": false, "error": "...", "status": N}``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from .db import get_store

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/articles")
def articles() -> Any:
    return jsonify({"ok": True, "articles": list(get_store().articles())})


@bp.get("/articles/<article_id>")
def article(article_id: str) -> Any:
    return jsonify({"ok": True, "article": get_store().article(article_id)})
