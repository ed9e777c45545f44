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
    found = get_store().article(article_id)
    return render_template("article.html", article=found, paragraphs=paragraphs(found))


def paragraphs(article: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The article's sentences grouped by the paragraph (blank-line block) they start in."""
    text = article["text"]
    groups: list[list[dict[str, Any]]] = []
    previous_end = 0
    for sentence in article["sentences"]:
        if not groups or "\n\n" in text[previous_end : sentence["start"]]:
            groups.append([])
        groups[-1].append(sentence)
        previous_end = sentence["end"]
    return groups
