"""Figures that need the other reports of an event: omissions, editorial insertions (a
sentence no other outlet has, carrying editorial cues), quote fidelity, and provenance
(which agencies each outlet cites)."""

from __future__ import annotations

from typing import Any

from framing.wording.editorial import editorial_cues
from framing.wording.lexicon import LANGUAGES


def event_profiles(result: dict[str, Any], cited: dict[str, list[dict]]) -> dict[str, Any]:
    """Per article of a comparison: ``omission_share``, ``editorial_insertions``,
    ``quote_fidelity``, each ``{"value", "evidence"}``; plus ``provenance``."""
    claims = result["claims"]
    profiles: dict[str, Any] = {}
    for article in result["articles"]:
        article_id = article["id"]
        others = [n for n, claim in enumerate(claims) if set(claim) - {article_id}]
        missing = [n for n in others if article_id not in claims[n]]
        alone = {i for claim in claims if set(claim) == {article_id} for i in claim[article_id]}
        insertions = [
            s["index"]
            for s in article["sentences"]
            if s["index"] in alone
            and article["lang"] in LANGUAGES
            and editorial_cues(s["text"], article["lang"])
        ]
        fidelities = [
            (q["fidelity"], n)
            for n, q in enumerate(result["quotes"])
            if article_id in (q["a"]["article"], q["b"]["article"])
        ]
        profiles[article_id] = {
            "omission_share": {
                "value": round(len(missing) / len(others), 3) if others else None,
                "evidence": missing,  # claim rows the others report and this one does not
            },
            "editorial_insertions": {"value": len(insertions), "evidence": insertions},
            "quote_fidelity": {
                "value": round(min(f for f, _ in fidelities), 3) if fidelities else None,
                "evidence": [n for _, n in fidelities],  # indices into "quotes"
            },
            "provenance": sorted({c["outlet"] for c in cited.get(article_id, [])}),
        }
    return profiles


def shared_provenance(profiles: dict[str, Any]) -> list[dict[str, Any]]:
    """Agencies cited by more than one article of the comparison ("both cite Interfax")."""
    by_outlet: dict[str, list[str]] = {}
    for article_id, profile in profiles.items():
        for outlet in profile["provenance"]:
            by_outlet.setdefault(outlet, []).append(article_id)
    return [
        {"outlet": outlet, "articles": ids}
        for outlet, ids in sorted(by_outlet.items())
        if len(ids) > 1
    ]
