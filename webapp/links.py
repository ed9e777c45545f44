"""Readers' corrections of sentence links: confirm, reject or add a link, and undo.

The event page's script posts here with the session's CSRF token (``X-CSRF-Token``, fetched
from ``/api/csrf`` because the page itself is served from a cache shared by every visitor).
Scripts may post JSON to ``/api/links`` instead. The logic is :mod:`framing.links`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Blueprint, abort, jsonify, redirect, request

from framing.errors import FramingError
from framing.links import named_article, record_correction

from .db import get_store
from .security import csrf_token

bp = Blueprint("links", __name__)


def _indices(fields: Any, name: str) -> list[int]:
    """A sentence number, or several separated by spaces (a link of several sentences)."""
    raw = fields.get(name)
    words = str(raw if raw is not None else "").split()
    if not words or not all(w.isdigit() for w in words):
        raise FramingError(f"Field '{name}': {raw!r} is not a sentence number.")
    return [int(w) for w in words[:20]]


def _article(fields: Any, name: str) -> str:
    article = str(fields.get(name) or "").strip()
    if not article:
        raise FramingError(f"Field '{name}': give the id of an article.")
    return article


def _record(fields: Any) -> list[dict[str, Any]]:
    """Store the verdict on every pair of the given sentences (confirming or rejecting a
    link of several sentences judges each of its pairs)."""
    event = str(fields.get("event") or "").strip()[:64] or None
    verdict = str(fields.get("verdict") or "")
    a, b = _article(fields, "a_article"), _article(fields, "b_article")
    store = get_store()
    return [
        record_correction(store, (a, i), (b, j), verdict, event)
        for i in _indices(fields, "a_sentence")
        for j in _indices(fields, "b_sentence")
    ]


def _ids(raw: str) -> list[int]:
    words = raw.replace("-", " ").split()
    if not words or not all(w.isdigit() for w in words):
        raise FramingError(f"Field 'ids': {raw!r} is not a list of correction numbers.")
    return [int(w) for w in words[:400]]


def _back(correction_ids: list[int]) -> Any:
    """Back to the page the form came from (a path of this site only), telling it which
    corrections were just made so it can offer to undo them."""
    target = urlsplit(str(request.form.get("next") or "/"))
    if target.scheme or target.netloc or not target.path.startswith("/"):
        target = urlsplit("/")
    query = [(k, v) for k, v in parse_qsl(target.query) if k != "correction"]
    if correction_ids:
        query.append(("correction", "-".join(str(n) for n in correction_ids)))
    url = target.path + ("?" + urlencode(query) if query else "")
    return redirect(url + ("#" + target.fragment if target.fragment else ""), code=303)


def just_made() -> list[dict[str, Any]]:
    """The corrections named by ``?correction=3-4`` (those a reader just made) that still
    exist: the page offers to undo them."""
    raw = request.args.get("correction", "")
    try:
        wanted = _ids(raw) if raw else []
    except FramingError:
        return []
    found = []
    for correction_id in wanted:
        try:
            found.append(get_store().correction(correction_id))
        except FramingError:
            continue
    return found


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/api/csrf")
def csrf() -> Any:
    """The session's form token, for scripts on cached pages."""
    response = jsonify({"ok": True, "token": csrf_token()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/links")
def add() -> Any:
    made = _record(request.form)
    if _wants_json():
        return jsonify({"ok": True, "corrections": made})
    return _back([c["id"] for c in made])


@bp.post("/links/undo")
def undo() -> Any:
    store = get_store()
    undone = [store.delete_correction(n) for n in _ids(str(request.form.get("ids") or ""))]
    if _wants_json():
        return jsonify({"ok": True, "undone": undone})
    return _back([])


@bp.get("/api/links")
def list_json() -> Any:
    """Corrections, all or (``articles=…``) those between the given articles."""
    store = get_store()
    # by id or prefix, as every other route takes them: a prefix or an unknown id listed
    # nothing, "ok": true, as if the articles had no corrections (QA, session 20)
    wanted = [
        named_article(store, given, "articles")["id"] for given in request.args.getlist("articles")
    ]
    return jsonify({"ok": True, "corrections": store.corrections(wanted or None)})


@bp.post("/api/links")
def add_json() -> Any:
    """``{"a_article", "a_sentence", "b_article", "b_sentence", "verdict", "event"?}``;
    a sentence is a number or several separated by spaces."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="Body: expected a JSON object with a_article, a_sentence, "
              "b_article, b_sentence and verdict.")  # fmt: skip
    return jsonify({"ok": True, "corrections": _record(body)})


@bp.post("/api/links/<int:correction_id>/undo")
def undo_json(correction_id: int) -> Any:
    return jsonify({"ok": True, "undone": get_store().delete_correction(correction_id)})
