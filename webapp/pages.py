"""Home (events, search, articles) and the article page, each with its JSON twin."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, jsonify, render_template, request

from framing.errors import FieldError
from framing.outlets import publisher_label
from framing.report import (
    article_report,
    citations_by_sentence,
    sentence_marks,
    title_marks,
    with_title_highlights,
)
from framing.report.event_title import event_headline
from framing.report.score_card import score_card
from framing.settings import setting

from .db import finished_analysis, get_embedder, get_store
from .errors import form_labels
from .page_cache import cached_page
from .paging import paginate

bp = Blueprint("pages", __name__)

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_date(value: str) -> bool:
    """A real calendar date written YYYY-MM-DD (2024-13-45 has the shape, not the date)."""
    if not DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def search_filters() -> dict[str, str]:
    """The search form's fields, checked: a malformed date is an error naming the field
    (as the API knows it, and as the form labels it: :class:`FieldError`)."""
    found = {}
    for name in ("q", "outlet", "from", "to"):
        value = request.args.get(name, "").strip()
        if value and name in ("from", "to") and not is_date(value):
            raise FieldError(
                name,
                f"{value!r} is not a date like 2024-11-07.",
                f"“{value[:40]}” is not a date: write it like 2024-11-07.",
            )
        if value and name == "q" and not re.search(r"\w", value):
            # the search reads words only (Store.search_articles): "%" or "«»" searched for
            # nothing and so listed every event under "Events with matching articles"
            raise FieldError(
                "q",
                f"{value[:40]!r} has no letters or digits to search for.",
                f"“{value[:40]}” has no letters or digits to search for: type a word or a name.",
            )
        if value and name == "outlet":
            value = outlet_id(value)
        if value:
            found[name] = value[:200]
    if found.get("from", "") > found.get("to", "9999"):  # empty, not "nothing matches"
        raise FieldError(
            "to",
            f"{found['to']} is before 'from' ({found['from']}): swap the two dates.",
            f"{found['to']} is before the From date, {found['from']}: swap the two dates.",
        )
    return found


def outlet_id(given: str) -> str:
    """The id of the outlet ``given`` names, by its id or, case aside, its name: the API's
    ``outlet=Sputnik`` (the name every page shows) listed nothing, with "ok": true, as
    if Sputnik had no article (QA, session 20). An unknown outlet is an error naming the
    field."""
    outlets = get_store().outlets()
    if any(o["id"] == given for o in outlets):
        return given
    key = given.casefold()
    for outlet in outlets:
        if key in (outlet["id"].casefold(), (outlet["name"] or "").casefold()):
            return str(outlet["id"])
    raise FieldError(
        "outlet",
        f"no outlet {given[:80]!r}: give an outlet's id or name (GET /api/outlets lists them).",
        f"no outlet “{given[:80]}” has reports here: choose one from the list.",
    )


def searched_articles() -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The search form's fields and the article summaries matching them (with dates, the
    undated reports of events in the range too: see :func:`with_undated_members`)."""
    filters = search_filters()
    articles = get_store().search_articles(
        filters.get("q"), filters.get("outlet"), filters.get("from"), filters.get("to")
    )
    if filters.get("from") or filters.get("to"):
        # the last finished grouping: a search never waits for a background analysis
        articles = with_undated_members(filters, articles, finished_analysis()["events"])
    return filters, articles


def home_data() -> dict[str, Any]:
    """One page of the events and one of the articles matching the search (``pages`` says
    where each page sits: see :func:`webapp.paging.paginate`), and (``outlets``) the
    outlets that have articles, for the search form.

    An event matches when any of its reports matches. With dates, an undated report of an
    event whose dated reports fall in the range is kept (``in_event_range``): most outlets'
    pages carry no machine-readable date, and dropping them would hide whole languages."""
    store = get_store()
    filters, articles = searched_articles()
    analysis = finished_analysis()  # never waits: the grouping runs in the background
    shown = {a["id"] for a in articles}
    matching = [e for e in analysis["events"] if not filters or shown.intersection(e["articles"])]
    size = setting("home_page_size")
    events_page, events_paging = paginate(matching, "page", size)
    articles_page, articles_paging = paginate(articles, "articles_page", size)
    articles_page = with_title_highlights(articles_page)  # a loaded headline is marked
    summaries = {a["id"]: a for a in store.articles()}
    events = []
    for event in events_page:  # headlines only for the events shown
        members = [summaries[i] for i in event["articles"] if i in summaries]
        outlets = sorted({publisher_label(m) for m in members})
        events.append(
            {
                **event,
                "outlets": outlets,
                "reports": with_title_highlights(
                    [{k: m[k] for k in ("title", "lead", "lang")} for m in members]
                ),
                "headline": event_headline(store, event, get_embedder(), summaries),
            }
        )
    names = {a["outlet"]: a["outlet_name"] for a in summaries.values() if a["outlet"]}
    choices = sorted(names.items(), key=lambda item: (item[1] or item[0]).casefold())
    return {
        "filters": filters,
        "events": events,
        "articles": articles_page,
        "pages": {"events": events_paging, "articles": articles_paging},
        "outlets": choices,
        "analysis": analysis["status"],
    }


def with_undated_members(
    filters: dict[str, str], articles: list[dict[str, Any]], grouped: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``articles`` (dated, in range) plus the undated reports, matching the other filters,
    of events whose dates overlap the range."""
    low, high = filters.get("from", "0000-00-00"), filters.get("to", "9999-99-99")
    in_range = {
        member
        for event in grouped
        if event.get("date_from") and event["date_from"] <= high and event["date_to"] >= low
        for member in event["articles"]
    }
    undated = get_store().search_articles(filters.get("q"), filters.get("outlet"))
    extra = [
        {**a, "in_event_range": True} for a in undated if a["date"] is None and a["id"] in in_range
    ]
    return articles + extra


@bp.get("/")
@cached_page
def index() -> Any:
    return render_template("index.html", labels=form_labels(), **home_data())


@bp.get("/api/home")
@cached_page
def index_json() -> Any:
    data = home_data()
    del data["outlets"]  # the search form's choices
    return jsonify({"ok": True, **data})


@bp.get("/articles/<article_id>")
@cached_page
def article(article_id: str) -> Any:
    report = article_report(get_store(), article_id)
    found = report["article"]
    alone = {"articles": [found], "analysis": {found["id"]: report}}
    return render_template(
        "article.html",
        report=report,
        article=found,
        paragraphs=paragraphs(found),
        marks=sentence_marks(found, report["highlights"]),
        title_marks=title_marks(found, report["title_highlights"]),
        citations=citations_by_sentence(found),
        card=score_card(alone, found["id"]),
    )


@bp.get("/api/articles")
@cached_page
def articles_json() -> Any:
    return jsonify({"ok": True, "articles": with_title_highlights(searched_articles()[1])})


@bp.get("/api/articles/<article_id>")
@cached_page
def article_json(article_id: str) -> Any:
    report = article_report(get_store(), article_id)
    return jsonify({"ok": True, **report})


def paragraphs(article: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The article's sentences grouped by the paragraph (blank-line block) they start in."""
    text = article["text"]
    groups: list[list[dict[str, Any]]] = []
    previous_end = 0
    for sentence in article["sentences"]:
        if not groups or "\n\n" in text[previous_end : sentence["start"]]:
            groups.append([])
        groups[-1].append(sentence)
        previous_end = sentence["end"]
    return groups
