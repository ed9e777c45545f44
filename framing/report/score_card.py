"""An article's score card and the handout's words to discuss, from a comparison report
(:func:`framing.report.comparison_report`): every figure with the evidence a reader is
pointed at, resolved to its words. Nothing here knows about HTML."""

from __future__ import annotations

from typing import Any

from framing.report import categories, figures


def discussion_terms(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The handout's "words to discuss": each report's lexicon hits and editorial asides
    (background dates and suggestions to check are not words to discuss), one row per
    report, kind and wording, with how often the report uses it («якобы» three times is one
    row, ``count`` 3), how many of those uses sit inside a quotation of a speaker
    (``quoted``: the outlet quotes the word, it does not use it; Sputnik's "shameful" was
    Putin's, yet the handout set it under Sputnik with no word of it) and how many stand in
    its headline (``headline``: the title's highlights, which a class reads first, are
    words to discuss like the body's), in the order the reports and their words come (a
    report's headline first)."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for article in report["articles"]:
        analysis = report["analysis"][article["id"]]
        in_title = [(h, True) for h in analysis.get("title_highlights") or []]
        for found, headline in [*in_title, *((h, False) for h in analysis["highlights"])]:
            if found["source"] != "lexicon" and found["display"] != "editorial":
                continue
            key = (article["id"], found["display"], " ".join(found["text"].casefold().split()))
            row = rows.setdefault(
                key,
                {"article": article, "highlight": found, "count": 0, "quoted": 0, "headline": 0},
            )
            row["count"] += 1
            row["quoted"] += bool(found["source"] == "lexicon" and found.get("note"))
            row["headline"] += headline
    return list(rows.values())


def score_card(report: dict[str, Any], article_id: str) -> list[dict[str, Any]]:
    """The figures of one article of a comparison (or alone), in display order, each with
    its evidence resolved to what the reader is pointed at: ``{"kind": "highlight" |
    "sentence" | "claim" | "quote", "ref": number, "text": ...}``.

    Under the loaded-words total, one line per kind of loaded wording found in any of the
    compared articles (0.0 where this one has none): with a line only where an article had
    the kind, the cards side by side had their rows out of line (QA, session 20)."""
    article = next(a for a in report["articles"] if a["id"] == article_id)
    analysis = report["analysis"][article_id]
    values = {**analysis["scores"], **report.get("profiles", {}).get(article_id, {})}
    kinds = _kinds_found(report)
    card = []
    for name, spec in figures().items():
        figure = values.get(name)
        if not isinstance(figure, dict) or "value" not in figure:
            continue
        evidence = [
            _evidence(spec["evidence"], ref, article, analysis, report)
            for ref in figure["evidence"]
        ]
        card.append({"name": name, **spec, "value": figure["value"], "evidence": evidence})
        if name == "loaded_total_per_100_words":
            by_category = values.get("loaded_per_100_words") or {}
            card += _per_category(
                {k: by_category.get(k, {"value": 0.0, "evidence": []}) for k in kinds}, analysis
            )
    return card


def _kinds_found(report: dict[str, Any]) -> list[str]:
    """The loaded-wording kinds any article of ``report`` has a line for, in the legend's
    order (categories.yaml), then any other in the order first met."""
    found: list[str] = []
    for article in report["articles"]:
        scores = report["analysis"][article["id"]]["scores"]
        for kind in scores.get("loaded_per_100_words") or {}:
            if kind not in found:
                found.append(kind)
    order = list(categories())
    return sorted(found, key=lambda k: order.index(k) if k in order else len(order))


def _per_category(by_category: dict[str, Any], analysis: dict[str, Any]) -> list[dict]:
    """One line per loaded-wording category given, under the total."""
    lines = []
    for category, figure in by_category.items():
        info = categories().get(category, {"label": category, "legend": ""})
        evidence = [
            {"kind": "highlight", "ref": n, "text": analysis["highlights"][n]["text"]}
            for n in figure["evidence"]
        ]
        lines.append(
            {
                "name": f"loaded.{category}",
                "label": f"· {info['label']}",
                "help": f"{info['legend']} Per 100 words.",
                "evidence_kind": "highlights",
                "value": figure["value"],
                "evidence": evidence,
            }
        )
    return lines


def _evidence(
    kind: str, ref: int, article: dict[str, Any], analysis: dict[str, Any], report: dict[str, Any]
) -> dict[str, Any]:
    if kind == "highlights":
        return {"kind": "highlight", "ref": ref, "text": analysis["highlights"][ref]["text"]}
    if kind == "sentences":
        return {"kind": "sentence", "ref": ref, "text": article["sentences"][ref]["text"]}
    if kind == "claims":
        return {"kind": "claim", "ref": ref, "text": _claim_text(report, ref)}
    quote = report["quotes"][ref]
    return {"kind": "quote", "ref": ref, "text": _sentence_text(report, quote["a"])}


def _claim_text(report: dict[str, Any], row: int) -> str:
    article_id, indices = next(iter(report["claims"][row].items()))
    return _sentence_text(report, {"article": article_id, "sentence": indices[0]})


def _sentence_text(report: dict[str, Any], where: dict[str, Any]) -> str:
    article = next(a for a in report["articles"] if a["id"] == where["article"])
    return str(article["sentences"][where["sentence"]]["text"])
