"""What the comparison templates need, gathered from a comparison report."""

from __future__ import annotations

from typing import Any

from framing.outlets import UNKNOWN, publisher_label
from framing.report import citations_by_sentence, sentence_marks, title_marks
from framing.report.event_title import event_title
from framing.report.score_card import discussion_terms, score_card

from .filters import short_name
from .links import just_made


def column_labels(
    articles: list[dict[str, Any]], numbers: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The articles, each with the ``column_label`` its column and rows are named by: the
    outlet, told apart when two columns share one (two pasted texts were both "Unknown
    outlet", so "Only Unknown outlet" named neither). Unknown outlets are numbered as the
    form numbers them ("Article 2"; ``numbers``: each article's number on the form, so that
    when the form's Article 2 was refused its Article 3 is not shown as "Article 2");
    two reports of one outlet get their dates, or a number when those are the same."""
    labels = [publisher_label(a) for a in articles]
    out = []
    for n, (article, label) in enumerate(zip(articles, labels, strict=True), start=1):
        same = [a for a, other in zip(articles, labels, strict=True) if other == label]
        if len(same) > 1:
            dates = [a.get("date") for a in same]
            if label == UNKNOWN:
                label = f"Article {(numbers or {}).get(article.get('id', ''), n)}"
            elif all(dates) and len(set(dates)) == len(dates):
                label = f"{short_name(label)}, {article['date']}"
            else:
                label = f"{short_name(label)} #{n}"
        out.append({**article, "column_label": label})
    return out


def comparison_context(
    report: dict[str, Any], linkable: bool = True, numbers: dict[str, int] | None = None
) -> dict[str, Any]:
    """Template variables for a comparison: per article its marked sentences, citations
    and score card; the categories present (for the legend and toggles). ``linkable``:
    the articles are in the corpus, so their pages can be linked; ``numbers``: each
    article's number on the compare-your-own form (see :func:`column_labels`)."""
    report = {**report, "articles": column_labels(report["articles"], numbers)}
    # "Added words" names the other report as its column does (two "Unknown outlet"
    # columns are "Article 1" and "Article 2" there, so they are here)
    label = {a["id"]: a["column_label"] for a in report["articles"]}
    report["insertions"] = [
        {**i, "against_name": label.get(i["against"], i.get("against_name", ""))}
        for i in report["insertions"]
    ]
    marks, citations, cards, present = {}, {}, {}, set()
    titles: dict[str, Any] = {}
    for article in report["articles"]:
        article_id = article["id"]
        found = report["analysis"][article_id]["highlights"]
        marks[article_id] = sentence_marks(article, found, report["insertions"])
        citations[article_id] = citations_by_sentence(article)
        cards[article_id] = score_card(report, article_id)
        present.update(h["display"] for h in found)
        in_title = report["analysis"][article_id].get("title_highlights", [])
        titles[article_id] = title_marks(article, in_title)
        present.update(h["display"] for h in in_title)
    if report["insertions"]:
        present.add("phrase_insertion")
    return {
        "report": report,
        "articles": report["articles"],
        "by_id": {a["id"]: a for a in report["articles"]},
        "marks": marks,
        "title_marks": titles,
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
        # one outlet's statements whose best candidates sit in other rows, to check
        "elsewhere_rows": [r for r in report["rows"] if r["kind"] == "only" and r["elsewhere"]],
        "unmatched_rows": [
            r for r in report["rows"] if r["kind"] == "only" and not r.get("elsewhere")
        ],
        "just_made": just_made(),
        # The handout's "possibly the same statement": the possible rows, then each
        # one-outlet statement beside the candidates the aligner offers for it in other
        # rows, so that "found in one report only" holds only what has no counterpart at all
        # (as the page counts them).
        "handout_possible": [
            *(r["cells"] for r in report["rows"] if r["kind"] == "possible"),
            *(with_candidates(r) for r in report["rows"] if r["kind"] == "only" and r["elsewhere"]),
        ],
        "only_rows": {
            a["id"]: [
                r
                for r in report["rows"]
                if r["kind"] == "only" and not r.get("elsewhere") and a["id"] in r["cells"]
            ]
            for a in report["articles"]
        },
    }


def with_candidates(row: dict[str, Any]) -> dict[str, list[int]]:
    """A one-outlet row's cells with, in the other articles' cells, the sentences of its
    possible counterparts in other rows (``row["elsewhere"]``), in the articles' order."""
    [(own, mine)] = row["cells"].items()
    cells: dict[str, list[int]] = {own: list(mine)}
    for candidate in row["elsewhere"]:
        other, theirs = (
            (candidate["b"], candidate["b_sentences"])
            if candidate["a"] == own
            else (candidate["a"], candidate["a_sentences"])
        )
        found = cells.setdefault(other, [])
        found += [i for i in theirs if i not in found]
    return {article: sorted(indices) for article, indices in cells.items()}
