"""The comparison of an event's reports (the main page), its printable handout, and the
comparison of any 2–3 stored articles; each with its JSON twin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from framing.coverage import event_coverage
from framing.errors import FramingError
from framing.report import chosen_articles, comparison_report, find_event

from .db import finished_analysis, get_embedder, get_store
from .page_cache import cached_page
from .views import comparison_context

bp = Blueprint("events", __name__)


def event_view(event_id: str, endpoint: str, render: Callable[[dict, dict], Any]) -> Any:
    """``render(event, comparison)``; or, for an id from an older grouping, a redirect to
    the event's current id (before anything is compared)."""
    store = get_store()
    found = find_event(store, event_id, current=finished_analysis()["events"])
    if found["id"] != event_id:
        args = request.args.to_dict(flat=False)
        return redirect(url_for(endpoint, event_id=found["id"], **args))
    ids = chosen_articles(found, request.args.getlist("articles"))
    return render(found, comparison_report(store, ids, get_embedder()))


def event_page(event_id: str, template: str, endpoint: str) -> Any:
    return event_view(
        event_id,
        endpoint,
        lambda found, report: render_template(template, event=found, **comparison_context(report)),
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
    analysis = finished_analysis()  # never waits: the grouping runs in the background
    return jsonify({"ok": True, "events": analysis["events"], "analysis": analysis["status"]})


@bp.get("/api/events/<event_id>")
@cached_page
def event_json(event_id: str) -> Any:
    return event_view(
        event_id,
        "events.event_json",
        lambda found, report: jsonify(
            {
                "ok": True,
                "event": found,
                "coverage": event_coverage(get_store(), found),
                "comparison": report,
            }
        ),
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
