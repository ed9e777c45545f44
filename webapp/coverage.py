"""Template helpers for the coverage block of the event page and the outlet-over-time chart.

Both blocks live in their own partials (``events/_coverage.html``,
``outlets/_over_time.html``), each included with one line; the figures come from
:mod:`framing.coverage` and :mod:`framing.outlet_trends`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from framing.coverage import event_coverage
from framing.outlet_trends import chart_scale, monthly_figures

from .db import get_store


def coverage_of(event: dict[str, Any]) -> dict[str, Any]:
    return event_coverage(get_store(), event)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        event_coverage=coverage_of, monthly_figures=monthly_figures, chart_scale=chart_scale
    )
