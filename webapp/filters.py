"""Template helpers: display names from the data files, numbers in plain form."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask
from markupsafe import Markup

from framing.markup import Segment
from framing.outlets import publisher_label
from framing.report import categories, fidelity_label, figures, language_note, title_marks
from framing.report.event_title import without_dateline, without_stray_marks
from framing.wording.matched_word import quoted


def figure_value(value: Any, name: str) -> str:
    """A figure as a reader expects it: shares as percentages, rates with one decimal."""
    if value is None:
        return "–"
    if name.endswith("_share"):
        return f"{100 * float(value):.0f}%"
    if name == "quote_fidelity":
        return fidelity_label(value)  # floored, as each quote's line shows it
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def short_name(name: str | None) -> str:
    """An outlet's name without its aliases in brackets: "Komentarii (Комментарии / …)"."""
    if not name:
        return "this outlet"
    return name.split(" (")[0].strip() or name


def breakable(name: str) -> Markup:
    """A name with a line-break opportunity after each dot (escaped, then ``<wbr>``): a
    narrow row label broke "amp.lenta.ua" as "amp.lenta.u / a" (QA, session 19)."""
    parts = str(name).split(".")
    return Markup(".<wbr>").join(Markup.escape(part) for part in parts)


# Bidi embeddings, overrides and isolates: a tab's title is plain text, with no <bdi> to
# hold one a hostile title leaves open ("\u202e…" reversed " · framing" after it).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(value: str) -> str:
    """``value`` less its bidi control characters, still escaped if it was."""
    cleaned = _BIDI_CONTROLS.sub("", str(value))
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


UNTITLED_LEAD_CHARS = 90


def article_title(article: Any) -> str | Markup:
    """An article's title, or for a page without one its opening words marked "Untitled"
    (in an ``untitled`` span): a list of "(untitled)" lines tells a reader nothing. The
    text is escaped here (Markup.format), so a hostile lead stays text."""
    if article.get("title"):
        return str(article["title"])
    lead = article.get("lead")
    if not lead and article.get("sentences"):
        first = article["sentences"][0]
        lead = first.get("text") if isinstance(first, dict) else first
    lead = " ".join(str(lead or "").split())
    # a wire dateline is no opening words: Armenpress's read "Untitled: YEREVAN, AUGUST 29,
    # ARMENPRESS." (qa9)
    lead = without_dateline(lead) or lead
    # "Untitled" is English inside an element of the report's language: a screen reader
    # read it with a Russian voice (QA, session 20)
    if not lead:
        return Markup('<span class="untitled"><span lang="en">Untitled</span></span>')
    if len(lead) > UNTITLED_LEAD_CHARS:
        lead = lead[:UNTITLED_LEAD_CHARS].rsplit(" ", 1)[0] + " …"
    return Markup('<span class="untitled"><span lang="en">Untitled:</span> {}</span>').format(lead)


def title_text(article: Any) -> str:
    """:func:`article_title` as plain text, for the page's ``<title>``: a title as stored
    (a hostile one is escaped by the template), an untitled page's "Untitled: …" words."""
    title = article_title(article)
    return title.striptags() if isinstance(title, Markup) else title


def title_segments(article: Any) -> list[Segment] | None:
    """A listed article's title cut by its ``title_highlights`` (``m.title`` shows them as
    the article page's heading does); None without a title or a highlight in it."""
    return title_marks(article, article.get("title_highlights") or [])


def today() -> str:
    """The date a page was made (a handout says when it was printed; the page script puts
    the reader's own date in at print time, since pages are cached)."""
    return date.today().isoformat()


def counted(n: int, noun: str) -> str:
    """ "1 sentence", "6 sentences": a one-sentence report's card read "1 sentences" (qa8)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(categories=categories, figures=figures, today=today)
    app.jinja_env.filters["figure"] = figure_value
    app.jinja_env.filters["counted"] = counted
    app.jinja_env.filters["fidelity"] = fidelity_label
    app.jinja_env.filters["quoted"] = quoted
    # a sentence cut short inside «…» on a page: its own opening mark, which the cut leaves
    # unclosed, would double the page's («««Виходячи з…» and …», QA, session 24)
    app.jinja_env.filters["without_stray_marks"] = without_stray_marks
    app.jinja_env.filters["short"] = short_name
    app.jinja_env.filters["wbr"] = breakable
    app.jinja_env.filters["without_bidi_controls"] = without_bidi_controls
    app.jinja_env.filters["outlet"] = publisher_label
    app.jinja_env.filters["article_title"] = article_title
    app.jinja_env.filters["title_segments"] = title_segments
    app.jinja_env.filters["title_text"] = title_text
    app.jinja_env.filters["language_note"] = language_note
