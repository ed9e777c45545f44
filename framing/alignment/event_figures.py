"""Figures that need the other reports of an event: omissions, editorial insertions (a
sentence no other outlet has, carrying editorial cues), quote fidelity, and provenance
(which agencies each outlet cites).

The editorial cues are read over each article's whole text with
:func:`framing.wording.editorial.own_voice_sentences`, the function behind the highlights of
the same article: an aside inside a quotation over several sentences is the speaker's in
both, so the figure never counts a sentence the page does not mark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framing.records import Sentence
from framing.wording.editorial import own_voice_sentences
from framing.wording.lexicon import LANGUAGES


def event_profiles(
    result: dict[str, Any], cited: dict[str, list[dict]], text_of: Callable[[str], str]
) -> dict[str, Any]:
    """Per article of a comparison: ``omission_share``, ``editorial_insertions``,
    ``quote_fidelity``, each ``{"value", "evidence"}``; plus ``provenance``. ``text_of``:
    an article's clean text by id (its sentences' offsets point into it)."""
    claims = result["claims"]
    profiles: dict[str, Any] = {}
    for article in result["articles"]:
        article_id = article["id"]
        others = [n for n, claim in enumerate(claims) if set(claim) - {article_id}]
        missing = [n for n in others if article_id not in claims[n]]
        alone = {i for claim in claims if set(claim) == {article_id} for i in claim[article_id]}
        insertions = _own_voice(article, alone, text_of)
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


def _own_voice(
    article: dict[str, Any], among: set[int], text_of: Callable[[str], str]
) -> list[int]:
    """The sentences of a compared article, of those in ``among``, with a cue of the
    outlet's own voice (only those are read: cues cost most of a cached page's time)."""
    if article["lang"] not in LANGUAGES:
        return []
    sentences = [
        Sentence(s["index"], s["start"], s["end"], s["text"])
        for s in article["sentences"]
        if s["index"] in among
    ]
    if not sentences:
        return []
    return own_voice_sentences(text_of(article["id"]), sentences, article["lang"])


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
