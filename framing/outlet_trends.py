"""An outlet over time: its articles' framing figures by month (loaded words and hedges per
100 words, the share of sentences naming a source, the share with the outlet's own asides),
each month's value with the articles it averages, so every point of the chart leads to its
evidence. The figures to chart: ``data/coverage.yaml`` (``outlet_trends``).

Works on the ``articles`` of :func:`framing.outlet_profile.outlet_report` (each with its
figures' values), so no article is analysed twice. Nothing here knows HTML.
"""

from __future__ import annotations

from typing import Any

from framing.coverage import coverage_config


def trend_figures() -> list[str]:
    return list(coverage_config()["outlet_trends"]["figures"])


def monthly_figures(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"figures": [names], "months": [...], "undated": [ids]}``.

    ``months``: one entry per calendar month with a dated article, oldest first:
    ``{"month": "2024-11", "articles": [ids], "figures": {name: {"mean", "n", "min",
    "max"}}}``; ``mean`` is over the month's articles with a value (``n`` of them), ``None``
    when none has one. Months without articles are left out, not shown as zero."""
    names = trend_figures()
    months: dict[str, list[dict[str, Any]]] = {}
    undated = []
    for article in articles:
        month = (article.get("date") or "")[:7]
        if len(month) == 7:
            months.setdefault(month, []).append(article)
        else:
            undated.append(article["id"])
    out = []
    for month in sorted(months):
        members = sorted(months[month], key=lambda a: (a.get("date") or "", a["id"]))
        figures = {}
        for name in names:
            values = [
                float(a["scores"][name]) for a in members if a["scores"].get(name) is not None
            ]
            figures[name] = {
                "mean": round(sum(values) / len(values), 3) if values else None,
                "n": len(values),
                "min": round(min(values), 3) if values else None,
                "max": round(max(values), 3) if values else None,
            }
        out.append({"month": month, "articles": [a["id"] for a in members], "figures": figures})
    return {"figures": names, "months": out, "undated": undated}


def chart_scale(trends: dict[str, Any], name: str) -> float:
    """The top of the chart of figure ``name``: its largest monthly mean, so small shares
    stay visible; 1.0 when every month is 0 or has no value."""
    top = max(
        (m["figures"][name]["mean"] or 0.0 for m in trends["months"]),
        default=0.0,
    )
    return top if top > 0 else 1.0
