"""Highlight markup from offsets, never from string replacement.

A view gets a text and a list of highlights (character ranges with attributes) and needs
HTML in which every character of the text is escaped and the highlights are elements
around ranges. This module cuts the text into plain and highlighted segments; templates
render each segment's text escaped (Jinja autoescape) and the highlight's attributes from
our own data. Overlapping highlights are resolved here: the earlier-starting (then the
longer, then the more confident) one keeps the overlapped characters, so elements never
nest or cross. A comparison's added words (``source: comparison``) lie under the article's
own highlights: they take only the characters no loaded word holds, in pieces if need be.
Zvezda's added words «незаконно удерживал киевский режим» took the stock phrase «киевский
режим» inside them, and with added words hidden by default the phrase showed nowhere and its
score card's evidence link led nowhere (qa8).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Highlights from these sources are drawn under the others (see the module's docstring).
UNDER_SOURCES = frozenset({"comparison"})


@dataclass
class Segment:
    text: str
    start: int
    end: int
    highlight: dict[str, Any] | None = None
    extra: list[dict[str, Any]] = field(default_factory=list)  # highlights it also overlaps
    first: bool = False  # the highlight's first piece: the one that carries its anchor


def segments(text: str, highlights: list[dict[str, Any]], offset: int = 0) -> list[Segment]:
    """Cut ``text`` into segments. Highlight offsets are into a larger text that ``text``
    starts at ``offset`` in (a sentence inside its article); out-of-range ones are clipped
    and empty ones dropped."""
    length = len(text)
    spans = []
    for highlight in highlights:
        start = max(0, int(highlight["start"]) - offset)
        end = min(length, int(highlight["end"]) - offset)
        if start < end:
            spans.append((start, end, highlight))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), -float(s[2].get("confidence") or 0)))
    top = [s for s in spans if s[2].get("source") not in UNDER_SOURCES]
    under = [s for s in spans if s[2].get("source") in UNDER_SOURCES]
    marked: list[Segment] = []
    cursor = 0
    for start, end, highlight in top:
        if end <= cursor:
            if marked:
                marked[-1].extra.append(highlight)
            continue
        start = max(start, cursor)
        marked.append(_piece(text, start, end, highlight, offset, first=True))
        cursor = end
    for start, end, highlight in under:
        marked = _lay_under(text, marked, start, end, highlight, offset)
    out: list[Segment] = []
    cursor = 0
    for seg in marked:
        if seg.start - offset > cursor:
            out.append(Segment(text[cursor : seg.start - offset], cursor + offset, seg.start))
        out.append(seg)
        cursor = seg.end - offset
    if cursor < length or not out:
        out.append(Segment(text[cursor:], cursor + offset, length + offset))
    return out


def _piece(
    text: str, start: int, end: int, highlight: dict[str, Any], offset: int, first: bool
) -> Segment:
    return Segment(text[start:end], start + offset, end + offset, highlight, first=first)


def _lay_under(
    text: str,
    marked: list[Segment],
    start: int,
    end: int,
    highlight: dict[str, Any],
    offset: int,
) -> list[Segment]:
    """``marked`` (in order, not overlapping) with ``highlight`` put in the characters of
    ``start:end`` that no segment holds; a segment it runs over lists it in ``extra``."""
    placed: list[Segment] = []
    cursor = start
    first = True
    for seg in marked:
        s, e = seg.start - offset, seg.end - offset
        if e <= cursor or s >= end:
            placed.append(seg)
            continue
        if s > cursor:
            placed.append(_piece(text, cursor, s, highlight, offset, first))
            first = False
        seg.extra.append(highlight)
        placed.append(seg)
        cursor = max(cursor, e)
    if cursor < end:
        placed.append(_piece(text, cursor, end, highlight, offset, first))
    placed.sort(key=lambda seg: seg.start)
    return placed
