"""Coverage of an event: which outlets of the corpus reported it, grouped by the outlet
registry's facts (ownership type, country, kind; each outlet with the sources behind its
facts), in which languages, from when to when, and which outlets the corpus follows in
those languages have no stored report of it.

Everything here describes the corpus. "Not covered by" means "no report of this event is
stored from this outlet", never "this outlet ignored the event": the corpus is whatever
users ingested. Facets and thresholds: ``data/coverage.yaml``. Nothing here knows HTML.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from framing.errors import FramingError
from framing.outlets import UNKNOWN as UNKNOWN_PUBLISHER
from framing.outlets import Registry, load_registry, publisher_label
from framing.settings import packaged_yaml
from framing.store import Store

UNKNOWN = "unknown"
# The "unknown" entry's label: its reports come from sites, named in its ``sites``, that
# the outlet registry does not hold (or from no address at all).
UNREGISTERED = "Not in the outlet registry"


def coverage_config() -> dict[str, Any]:
    return dict(packaged_yaml("coverage.yaml"))


def _registry() -> Registry | None:
    try:
        return load_registry()
    except FramingError:  # no registry: outlets are known by name only
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _outlet_entry(outlet_id: str, entry: dict[str, Any] | None, name: str | None) -> dict:
    """What the coverage says about one outlet: the registry's facts, or just a name."""
    entry = entry or {}
    return {
        "id": outlet_id,
        "name": entry.get("name") or name or outlet_id,
        "registered": bool(entry),
        "country": entry.get("country"),
        "affiliation": entry.get("affiliation"),
        "kind": entry.get("kind"),
        "ownership": entry.get("ownership"),
        "languages": list(entry.get("languages") or []),
        "facts": [{"claim": f["claim"], "source": f["source"]} for f in entry.get("facts") or []],
    }


def _groups(outlets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per facet of ``coverage.yaml``: the reporting outlets (and their reports) by value,
    largest group first; ``share`` is the group's part of the event's reports."""
    total = sum(len(o["articles"]) for o in outlets) or 1
    facets = []
    for field, spec in coverage_config()["facets"].items():
        by_value: dict[str, dict[str, Any]] = {}
        for outlet in outlets:
            value = outlet.get(field) or UNKNOWN
            group = by_value.setdefault(
                value,
                {
                    "value": value,
                    "label": (spec.get("values") or {}).get(value, value),
                    "outlets": [],
                    "reports": 0,
                },
            )
            group["outlets"].append(outlet["id"])
            group["reports"] += len(outlet["articles"])
        groups = sorted(by_value.values(), key=lambda g: (-g["reports"], g["value"]))
        for group in groups:
            group["share"] = round(group["reports"] / total, 3)
        facets.append({"facet": field, "heading": spec["heading"], "groups": groups})
    return facets


def event_coverage(
    store: Store, event: dict[str, Any], summaries: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The coverage of ``event`` (as :func:`framing.compare.group_stored_events` gives it).

    ``outlets``: each reporting outlet with its registry facts and sources, its reports
    (``articles``) and its first report's date; reports of no registry outlet are grouped
    under ``unknown`` (``label``; ``sites``: ``[{site, articles}]``, site None for a report
    with no address). ``facets``: the outlets grouped by ownership type, country and kind.
    ``languages``: reports per language. ``first_report`` / ``last_report``: the earliest
    and latest dated report. ``not_covered_by``: see ``data/coverage.yaml``.
    ``summaries``: the store's article summaries, when the caller already has them."""
    registry = _registry()
    by_id = registry.by_id if registry else {}
    members = set(event["articles"])
    summaries = list(store.articles()) if summaries is None else summaries
    reports = [s for s in summaries if s["id"] in members]
    outlets: dict[str, dict[str, Any]] = {}
    for report in sorted(reports, key=lambda r: (r["date"] is None, r["date"] or "", r["id"])):
        key = report["outlet"] or UNKNOWN
        if key not in outlets:
            outlets[key] = _outlet_entry(key, by_id.get(key), report["outlet_name"])
            if key == UNKNOWN:
                outlets[key].update(name="Unknown outlet", label=UNREGISTERED, sites=[])
            outlets[key].update(articles=[], first_date=report["date"])
        outlets[key]["articles"].append(report["id"])
        if key == UNKNOWN:
            _add_site(outlets[key]["sites"], report)
    dated = sorted((r for r in reports if r["date"]), key=lambda r: (r["date"], r["id"]))
    languages = Counter(r["lang"] or UNKNOWN for r in reports)
    ordered = sorted(outlets.values(), key=lambda o: (o["first_date"] is None, o["first_date"]))
    return {
        "reports": len(reports),
        "outlets": ordered,
        "facets": _groups(ordered),
        "languages": [
            {"lang": lang, "reports": n} for lang, n in sorted(languages.items(), key=_by_count)
        ],
        "first_report": _when(dated[0]) if dated else None,
        "last_report": _when(dated[-1]) if dated else None,
        "undated_reports": len(reports) - len(dated),
        "not_covered_by": _not_covered(summaries, reports, by_id),
        "not_covered_note": " ".join(coverage_config()["not_covered"]["note"].split()),
    }


def _add_site(sites: list[dict[str, Any]], report: dict[str, Any]) -> None:
    """Count a report of no registry outlet under the site its address names (the
    comparison's columns name it so): the block said "7 of no known outlet" of reports
    from amp.lenta.ua and patrioty.org.ua (QA, session 19). ``site`` is None for a report
    with no address (a pasted text): of no known outlet indeed."""
    label = publisher_label({"url": report.get("url")})
    site = None if label == UNKNOWN_PUBLISHER else label
    entry = next((e for e in sites if e["site"] == site), None)
    if entry is None:
        entry = {"site": site, "articles": []}
        sites.append(entry)
    entry["articles"].append(report["id"])


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _when(report: dict[str, Any]) -> dict[str, Any]:
    return {"date": report["date"], "article": report["id"], "outlet": report["outlet"]}


def _not_covered(
    summaries: list[dict[str, Any]],
    reports: list[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Registry outlets the corpus follows in the event's languages, with no stored report
    of it: how many articles of theirs are stored (in those languages), and how many of
    those fall within ``window_days`` of the event's dated reports."""
    spec = coverage_config()["not_covered"]
    languages = {r["lang"] for r in reports if r["lang"]}
    reporting = {r["outlet"] for r in reports if r["outlet"]}
    days = [d for d in (_day(r["date"]) for r in reports) if d]
    window = timedelta(days=int(spec["window_days"]))
    start, end = (min(days) - window, max(days) + window) if days else (None, None)
    stored: Counter[str] = Counter()
    near: Counter[str] = Counter()
    for summary in summaries:
        outlet = summary["outlet"]
        entry = by_id.get(outlet or "")
        if entry is None or outlet in reporting or summary["lang"] not in languages:
            continue
        stored[outlet] += 1
        day = _day(summary["date"])
        if start and end and day and start <= day <= end:
            near[outlet] += 1
    found = []
    for outlet, count in stored.items():
        if count < int(spec["min_stored_articles"]):
            continue
        entry = _outlet_entry(outlet, by_id[outlet], None)
        entry.update(stored_articles=count, within_window=near[outlet])
        found.append(entry)
    found.sort(key=lambda o: (-o["within_window"], -o["stored_articles"], o["name"].casefold()))
    return found


def events_with_coverage(store: Store, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` each with its ``coverage`` (for ``framing events`` and the JSON API)."""
    summaries = list(store.articles())  # read once, not once per event
    return [{**event, "coverage": event_coverage(store, event, summaries)} for event in events]
