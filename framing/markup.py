"""Highlight markup from offsets, never from string replacement.

A view gets a text and a list of highlights (character ranges with attributes) and needs
HTML in which every character of the text is escaped and the highlights are elements
around ranges. This module cuts the text into plain and highlighted segments; templates
render each segment's text escaped (Jinja autoescape) and the highlight's attributes from
our own data. Overlapping highlights are resolved here: the earlier-starting (then the
longer, then the more confident) one keeps the overlapped characters, so elements never
nest or cross.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    text: str
    start: int
    end: int
    highlight: dict[str, Any] | None = None
    extra: list[dict[str, Any]] = field(default_factory=list)  # highlights it also overlaps


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
    out: list[Segment] = []
    cursor = 0
    for start, end, highlight in spans:
        if end <= cursor:
            if out and out[-1].highlight is not None:
                out[-1].extra.append(highlight)
            continue
        start = max(start, cursor)
        if start > cursor:
            out.append(Segment(text[cursor:start], cursor + offset, start + offset))
        out.append(Segment(text[start:end], start + offset, end + offset, highlight))
        cursor = end
    if cursor < length or not out:
        out.append(Segment(text[cursor:], cursor + offset, length + offset))
    return out
