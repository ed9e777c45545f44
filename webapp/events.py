"""The comparison of an event's reports (the main page) and its printable handout, each
with its JSON twin and a CSV of the claim matrix."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from framing.coverage import event_coverage
from framing.output import write_rows
from framing.report import (
    cached_comparison_report,
    chosen_articles,
    find_event,
    matrix_records,
    with_title_highlights,
)
from framing.report.event_title import event_headline, event_title

from .db import finished_analysis, get_analysis, get_embedder, get_store
from .page_cache import cached_page
from .views import comparison_context

bp = Blueprint("events", __name__)

# Seconds after which a page waiting for its comparison asks again (refresh, Retry-After).
RETRY_AFTER_S = 5


def event_view(
    event_id: str,
    endpoint: str,
    render: Callable[[dict, dict], Any],
    pending: Callable[[dict], Any],
) -> Any:
    """``render(event, comparison)``; ``pending(event)`` while the background analysis has
    not stored the comparison yet (a request never encodes or aligns); or, for an id from an
    older grouping, a redirect to the event's current id."""
    store = get_store()
    found = find_event(store, event_id, current=finished_analysis()["events"])
    if found["id"] != event_id:
        args = request.args.to_dict(flat=False)
        return redirect(url_for(endpoint, event_id=found["id"], **args))
    ids = chosen_articles(found, request.args.getlist("articles"))
    report = cached_comparison_report(store, ids, get_embedder())
    if report is None:
        if current_app.config.get("BACKGROUND_ANALYSIS", True):
            get_analysis().request_comparison(ids)
        return pending(found)
    return render(found, report)


# Pending answers are 202 (accepted, being processed), which the page cache never keeps:
# the next request after the comparison is stored renders it.
def pending_page(found: dict) -> Any:
    return render_template("event_pending.html", event=found), 202


def pending_json(found: dict) -> Any:
    """The JSON twin while the comparison is being made: ``comparison`` null, retry."""
    body = {"ok": True, "event": found, "comparison": None, "analysing": True}
    response = jsonify(body)
    response.status_code = 202
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def event_page(event_id: str, template: str, endpoint: str) -> Any:
    def render(found: dict, report: dict) -> Any:
        # The picker names every report of the event by outlet, language and date.
        listed = [a for a in get_store().articles() if a["id"] in found["articles"]]
        members = {a["id"]: a for a in with_title_highlights(listed)}
        context = comparison_context(report)
        return render_template(template, event=found, members=members, **context)

    return event_view(event_id, endpoint, render, pending_page)


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
    store, embedder = get_store(), get_embedder()
    summaries = {a["id"]: a for a in store.articles()}
    # each with the heading the home page's card shows (the list had none; QA, session 20)
    events = [
        {**event, "headline": event_headline(store, event, embedder, summaries)}
        for event in analysis["events"]
    ]
    return jsonify({"ok": True, "events": events, "analysis": analysis["status"]})


@bp.get("/api/events/<event_id>")
@cached_page
def event_json(event_id: str) -> Any:
    return event_view(
        event_id,
        "events.event_json",
        lambda found, report: jsonify(
            {
                "ok": True,
                # the heading its page and the home page show (the twin had none)
                "event": {**found, "headline": headline_of(report)},
                "coverage": event_coverage(get_store(), found),
                "comparison": report,
            }
        ),
        pending_json,
    )


def headline_of(report: dict[str, Any]) -> dict[str, str] | None:
    """An event page's heading (``headline`` of :func:`comparison_context`): None for a
    single report, whose page is headed by its event's label."""
    return event_title(report) if len(report["articles"]) > 1 else None


def csv_response(report: dict[str, Any], name: str) -> Response:
    """The claim matrix as a CSV download."""
    out = io.StringIO()
    write_rows(matrix_records(report), "csv", out)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# Not through the page cache, which keeps bodies, not headers (the download's file name);
# the comparison behind it is cached in the store.
@bp.get("/events/<event_id>/matrix.csv")
def event_csv(event_id: str) -> Any:
    return event_view(
        event_id,
        "events.event_csv",
        lambda found, report: csv_response(report, f"event-{found['id']}"),
        pending_csv,
    )


def pending_csv(found: dict) -> Any:
    """No CSV before the comparison exists: 503 with Retry-After, as for any busy resource."""
    text = "The comparison of this event is being made; try again in a few seconds.\n"
    response = Response(text, status=503, mimetype="text/plain")
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response
