"""An outlet's profile: the registry's facts about it, each with its source, and the framing
figures of its stored articles, averaged. Nothing here knows about HTML.

The registry (``corpus/outlets.yaml``) is the source of truth for the facts; outlets that
are only in the store (a user named a publisher the registry does not know) are listed
with what the store has. Averages are plain means over the articles that have a value,
with the number of those articles beside them: three articles make a weak average, and
the table of articles shows each one's own figures.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from framing.errors import FramingError, NotFound
from framing.outlets import Registry, load_registry
from framing.report import article_analysis
from framing.store import Store

SUMMARY_KEYS = ("id", "name", "country", "kind", "affiliation", "languages")
CATEGORY_FIGURE = "loaded_per_100_words"  # a figure per category, averaged on its own


def _registry() -> Registry | None:
    try:
        return load_registry()
    except FramingError:  # no registry: the store's outlets are all there is
        return None


def outlet_list(store: Store) -> list[dict[str, Any]]:
    """Every outlet of the registry and the store, by name, with its number of articles."""
    counts = Counter(a["outlet"] for a in store.articles() if a["outlet"])
    registry = _registry()
    found: dict[str, dict[str, Any]] = {}
    for entry in registry.entries if registry else []:
        found[entry["id"]] = {**{k: entry.get(k) for k in SUMMARY_KEYS}, "registered": True}
    for row in store.outlets():
        found.setdefault(row["id"], {**{k: row.get(k) for k in SUMMARY_KEYS}, "registered": False})
    for outlet in found.values():
        outlet["languages"] = list(outlet["languages"] or [])
        outlet["n_articles"] = counts[outlet["id"]]
    return sorted(found.values(), key=lambda o: str(o["name"] or o["id"]).casefold())


def outlet_facts(store: Store, outlet_id: str) -> dict[str, Any]:
    """What is known about an outlet: name, aliases by language, country, kind, ownership,
    affiliation, domains, and ``facts`` as ``[{claim, source}]``."""
    registry = _registry()
    entry = registry.by_id.get(outlet_id) if registry else None
    registered = entry is not None
    if entry is None:
        try:
            entry = store.outlet(outlet_id)
        except NotFound:
            raise NotFound(
                f"No outlet with id {outlet_id!r}: it is neither in the outlet registry "
                "(corpus/outlets.yaml) nor named by a stored article."
            ) from None
    aliases = entry.get("aliases") or {}
    return {
        "id": entry["id"],
        "name": entry["name"],
        "aliases": aliases if isinstance(aliases, dict) else {"": list(aliases)},
        "country": entry.get("country"),
        "kind": entry.get("kind"),
        "ownership": entry.get("ownership"),
        "affiliation": entry.get("affiliation"),
        "languages": list(entry.get("languages") or []),
        "domains": list(entry.get("domains") or []),
        "facts": [{"claim": f["claim"], "source": f["source"]} for f in entry.get("facts") or []],
        "registered": registered,
    }


def _mean(values: list[float]) -> dict[str, Any]:
    return {"mean": round(sum(values) / len(values), 3) if values else None, "n": len(values)}


def outlet_report(store: Store, outlet_id: str) -> dict[str, Any]:
    """``{"outlet": facts, "articles": [...], "figures": {...}, "loaded_by_category": {...}}``.

    ``articles``: the outlet's stored articles, newest first, each with its figures' values
    (``scores``) and its headline's loaded words (``title_highlights``, offsets into its
    title, as :func:`framing.report.article_analysis` gives them). ``figures``: per figure
    of :func:`framing.report.article_analysis`, the mean value over the articles that have
    one, and their number ``n``.
    ``loaded_by_category``: the same for loaded words per 100 words of each category (an
    article without a hit of a category counts as 0 when it has words)."""
    outlet = outlet_facts(store, outlet_id)
    articles: list[dict[str, Any]] = []
    values: dict[str, list[float]] = {}
    by_category: dict[str, list[float]] = {}
    with_words = 0
    for summary in store.search_articles(outlet=outlet_id):
        analysis = article_analysis(store, store.article(summary["id"]))
        scores = analysis["scores"]
        flat: dict[str, Any] = {}
        for name, figure in scores.items():
            if name == CATEGORY_FIGURE:
                continue
            # words and sentences are plain counts, the other figures {"value", "evidence"}
            flat[name] = figure["value"] if isinstance(figure, dict) else figure
            found = values.setdefault(name, [])
            if flat[name] is not None:
                found.append(float(flat[name]))
        if scores.get("words"):
            with_words += 1
            for category, figure in (scores.get(CATEGORY_FIGURE) or {}).items():
                by_category.setdefault(category, []).append(float(figure["value"] or 0))
        keys = ("id", "title", "date", "lang", "url")
        articles.append(
            {
                **{k: summary[k] for k in keys},
                "scores": flat,
                "title_highlights": analysis["title_highlights"],
            }
        )
    return {
        "outlet": outlet,
        "articles": articles,
        "figures": {name: _mean(found) for name, found in values.items()},
        "loaded_by_category": {
            category: _mean(found + [0.0] * (with_words - len(found)))
            for category, found in sorted(by_category.items())
        },
    }
