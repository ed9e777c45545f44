"""The comparison of any 2–3 stored articles (``/compare``; compare-your-own's permalink),
with its JSON twin and a CSV of the claim matrix."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from framing.errors import FramingError
from framing.report import comparison_report

from .db import get_embedder, get_store
from .events import csv_response
from .page_cache import cached_page
from .views import comparison_context

bp = Blueprint("compare", __name__)


def stored_comparison() -> dict[str, Any]:
    """The comparison ``/compare`` names: ``articles`` (2–3 ids) and ``same_event=1`` when
    the reader vouches that they report one event (what compare-your-own does; its result
    page is this URL, so the permalink gives the same result)."""
    ids = list(dict.fromkeys(request.args.getlist("articles")))
    if not 2 <= len(ids) <= 3:
        raise FramingError("Field 'articles': give 2 or 3 different article ids to compare.")
    vouched = request.args.get("same_event", "")
    if vouched not in ("", "0", "1"):
        raise FramingError(f"Field 'same_event': {vouched!r} is not 1 or 0.")
    same_event = True if vouched == "1" else None
    return comparison_report(get_store(), ids, get_embedder(), same_event=same_event)


@bp.get("/compare.csv")
def compare_csv() -> Any:
    report = stored_comparison()
    return csv_response(report, "comparison-" + "-".join(a["id"][:8] for a in report["articles"]))


@bp.get("/compare")
@cached_page
def compare() -> Any:
    return render_template("event.html", event=None, **comparison_context(stored_comparison()))


@bp.get("/compare/handout")
@cached_page
def handout() -> Any:
    """The printable handout of a stored comparison: a teacher's own reports, which the
    grouping often leaves two events, had a comparison to print but no handout (QA,
    session 21)."""
    return render_template("handout.html", event=None, **comparison_context(stored_comparison()))


@bp.get("/api/compare")
@cached_page
def compare_json() -> Any:
    return jsonify({"ok": True, "comparison": stored_comparison()})
