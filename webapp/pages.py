"""HTML pages. Every value from an article is untrusted: templates autoescape it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from .db import get_store

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> Any:
    return render_template("index.html", articles=list(get_store().articles()))


@bp.get("/articles/<article_id>")
def article(article_id: str) -> Any:
    return render_template("article.html", article=get_store().article(article_id))
