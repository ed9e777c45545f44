"""The comparison of an event's reports (the main page), its printable handout, and the
comparison of any 2–3 stored articles; each with its JSON twin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from framing.compare import events as find_events
from framing.errors import FramingError
from framing.report import chosen_articles, comparison_report, find_event

from .db import get_embedder, get_store
from .page_cache import cached_page
from .views import comparison_context

bp = Blueprint("events", __name__)


def event_report(event_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    store = get_store()
    event = find_event(store, event_id, get_embedder())
    ids = chosen_articles(event, request.args.getlist("articles"))
    return event, comparison_report(store, ids, get_embedder())


def moved(found: dict[str, Any], event_id: str, endpoint: str) -> Any | None:
    """A redirect to the event's current id when ``event_id`` is from an older grouping."""
    if found["id"] == event_id:
        return None
    return redirect(url_for(endpoint, event_id=found["id"], **request.args.to_dict(flat=False)))


def event_page(event_id: str, template: str, endpoint: str) -> Any:
    found, report = event_report(event_id)
    return moved(found, event_id, endpoint) or render_template(
        template, event=found, **comparison_context(report)
    )


@bp.get("/events/<event_id>")
@cached_page
def event(event_id: str) -> Any:
    return event_page(event_id, "event.html", "events.event")


@bp.get("/events/<event_id>/handout")
@cached_page
def handout(event_id: str) -> Any:
    return event_page(event_id, "handout.html", "events.handout")


@bp.get("/api/events")
@cached_page
def events_json() -> Any:
    return jsonify({"ok": True, "events": find_events(get_store(), get_embedder())})


@bp.get("/api/events/<event_id>")
@cached_page
def event_json(event_id: str) -> Any:
    found, report = event_report(event_id)
    return moved(found, event_id, "events.event_json") or jsonify(
        {"ok": True, "event": found, "comparison": report}
    )


def stored_comparison() -> dict[str, Any]:
    ids = list(dict.fromkeys(request.args.getlist("articles")))
    if not 2 <= len(ids) <= 3:
        raise FramingError("Field 'articles': give 2 or 3 different article ids to compare.")
    return comparison_report(get_store(), ids, get_embedder())


@bp.get("/compare")
@cached_page
def compare() -> Any:
    return render_template("event.html", event=None, **comparison_context(stored_comparison()))


@bp.get("/api/compare")
@cached_page
def compare_json() -> Any:
    return jsonify({"ok": True, "comparison": stored_comparison()})
