"""Outlet profiles: the registry's facts with their sources and the averaged framing figures
of the outlet's stored articles, each page with its JSON twin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template

from framing.outlet_profile import outlet_list, outlet_report
from framing.outlet_trends import monthly_figures
from framing.report import figures

from .db import get_store

bp = Blueprint("outlets", __name__)

# The registry's affiliation codes in plain words (as corpus/outlets.yaml defines them).
AFFILIATIONS = {
    "state": "state: owned and controlled by a state",
    "public": "public service: publicly owned or chartered, with independent governance",
    "state-funded": "state-funded: paid for by a government, editorially separate by charter",
    "private": "private: privately owned (commercial, non-profit or cooperative)",
}


@bp.get("/outlets")
def index() -> Any:
    return render_template(
        "outlets.html", outlets=outlet_list(get_store()), affiliations=AFFILIATIONS
    )


@bp.get("/api/outlets")
def index_json() -> Any:
    return jsonify({"ok": True, "outlets": outlet_list(get_store())})


@bp.get("/outlets/<outlet_id>")
def outlet(outlet_id: str) -> Any:
    report = outlet_report(get_store(), outlet_id)
    # Per-article columns: the figures the reader has names for (words and sentences are
    # length, shown once beside the averages).
    columns = [name for name in report["figures"] if name in figures()]
    return render_template("outlet.html", report=report, columns=columns, affiliations=AFFILIATIONS)


@bp.get("/api/outlets/<outlet_id>")
def outlet_json(outlet_id: str) -> Any:
    report = outlet_report(get_store(), outlet_id)
    return jsonify({"ok": True, **report, "over_time": monthly_figures(report["articles"])})
