"""What the comparison templates need, gathered from a comparison report."""

from __future__ import annotations

from typing import Any

from framing.report import (
    citations_by_sentence,
    discussion_terms,
    event_title,
    score_card,
    sentence_marks,
)

from .links import just_made


def comparison_context(report: dict[str, Any], linkable: bool = True) -> dict[str, Any]:
    """Template variables for a comparison: per article its marked sentences, citations
    and score card; the categories present (for the legend and toggles). ``linkable``:
    the articles are in the corpus, so their pages can be linked."""
    marks, citations, cards, present = {}, {}, {}, set()
    for article in report["articles"]:
        article_id = article["id"]
        found = report["analysis"][article_id]["highlights"]
        marks[article_id] = sentence_marks(article, found, report["insertions"])
        citations[article_id] = citations_by_sentence(article)
        cards[article_id] = score_card(report, article_id)
        present.update(h["display"] for h in found)
    if report["insertions"]:
        present.add("phrase_insertion")
    return {
        "report": report,
        "articles": report["articles"],
        "by_id": {a["id"]: a for a in report["articles"]},
        "marks": marks,
        "citations": citations,
        "cards": cards,
        "present": present,
        "linkable": linkable,
        "handout_terms": discussion_terms(report),
        "headline": event_title(report) if len(report["articles"]) > 1 else None,
        # Shared on the handout: rows the aligner is sure of or a reader confirmed; a
        # possible counterpart is listed apart, for the reader to check.
        "sure_rows": [r for r in report["rows"] if r["kind"] == "shared"],
        "possible_rows": [r for r in report["rows"] if r["kind"] == "possible"],
        "just_made": just_made(),
        "only_rows": {
            a["id"]: [r for r in report["rows"] if r["kind"] == "only" and a["id"] in r["cells"]]
            for a in report["articles"]
        },
    }
