"""Quotations in a text: where each one starts and ends.

Two finders, one module, because callers need two different answers:

* :func:`quoted_spans` — the outermost quotations of a sentence, nesting-aware, for quote
  fidelity and for telling a speaker's words from the outlet's voice. «…», „…“, “…” and "…"
  (nested marks stay inside the outer quotation, straight ones too when
  :func:`nested_straight` pairs them); a mark left open runs to the end of the
  text and a lone closing mark starts at the beginning, because sentence splitting cuts
  multi-sentence quotes apart.
* :data:`QUOTE_RE` — one pair of marks around a short run on one line, for the lexicon's
  and the detector's scare-quote checks, which look at each quoted run on its own.
"""

from __future__ import annotations

import re

from framing.settings import packaged_yaml
from framing.text.morphology import TEXT_WORD_RE

__all__ = ["CLOSERS", "PAIRS", "QUOTE_RE", "nested_straight", "quoted_spans", "unbalanced"]

# Closing marks accepted for each opening mark (German „…“ and English “…” share “).
PAIRS = {"«": "»", "„": "“”", "“": "”", '"': '"'}
CLOSERS = set('»“”"')
OPEN_BEFORE = set("([{«„“—–-/:")

QUOTE_RE = re.compile(
    r"«(?P<a>[^«»\n]{1,3000})»|„(?P<b>[^„“”\n]{1,3000})[“”]|“(?P<c>[^“”\n]{1,3000})”"
    r"|\"(?P<d>[^\"\n]{1,3000})\"|(?<!\w)[‘'](?P<e>[^‘’'\n]{1,80})[’'](?!\w)"
)


def unbalanced(text: str, opener: str) -> tuple[bool, bool]:
    """Whether ``text`` opens more quotes of ``opener``'s kind (:data:`PAIRS`) than it
    closes, and whether it closes more than it opens (a straight quote both opens and
    closes, so an odd count is both)."""
    if opener == '"':
        odd = text.count('"') % 2 == 1
        return odd, odd
    opens, closes = text.count(opener), sum(text.count(c) for c in PAIRS[opener])
    return opens > closes, closes > opens


def _opens(text: str, i: int) -> bool:
    """Does the straight quote at ``i`` open (after a space or bracket, before a letter)?"""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in OPEN_BEFORE) and not after.isspace()


def _closes(text: str, i: int) -> bool:
    """Does the straight quote at ``i`` close (after a non-space, before no letter or digit)?"""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


LINE_RE = re.compile(r"[^\n]+")


def nested_straight(text: str) -> list[tuple[int, int]]:
    """Straight quotes that nest on a line, as (opening, closing) positions: «"Ви чули, щоб
    Кирило сказав: "Благословляю …!"?! Ви чули?!" — висловив він» has an outer pair around
    an inner one, which pairing the marks in turn would cut into two wrong quotations. Each
    mark must face one side only (:func:`_opens` or :func:`_closes`) and every mark of the
    line must pair; lines with no nesting, or with a mark of either side, are left out."""
    pairs: list[tuple[int, int]] = []
    for line in LINE_RE.finditer(text):
        if line.group().count('"') < 4:
            continue
        stack: list[int] = []
        found: list[tuple[int, int]] = []
        nested = True
        nesting = False
        for i in range(line.start(), line.end()):
            if text[i] != '"':
                continue
            opens, closes = _opens(text, i), _closes(text, i)
            if opens == closes or (closes and not stack):
                nested = False
                break
            if opens:
                stack.append(i)
            else:
                found.append((stack.pop(), i))
                nesting = nesting or bool(stack)
        if nested and nesting and not stack:
            pairs.extend(found)
    return sorted(pairs)


def quoted_spans(text: str, min_words: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the outermost quotations of ``min_words`` or more words (marks
    excluded); ``min_words`` defaults to ``quotes.min_words`` in ``data/phrases.yaml``."""
    stack: list[tuple[str, int]] = []  # open marks and their positions
    spans: list[tuple[int, int]] = []
    last_end = 0
    # a straight quote that opens a nested pair must not close the one around it
    nested_openers = {opening for opening, _ in nested_straight(text)}
    for i, ch in enumerate(text):
        if ch not in PAIRS and ch not in CLOSERS:
            continue
        match = next((k for k in range(len(stack) - 1, -1, -1) if ch in PAIRS[stack[k][0]]), None)
        if i in nested_openers:
            stack.append((ch, i))
        elif match is not None:  # closes an open mark (and any unclosed ones inside it)
            opener = stack[match][1]
            del stack[match:]
            if not stack:
                spans.append((opener + 1, i))
                last_end = i + 1
        elif ch in PAIRS and (ch != '"' or _opens(text, i)):
            stack.append((ch, i))
        elif not stack:  # a closing mark with no opening one: the quote began earlier
            spans.append((last_end, i))
            last_end = i + 1
    if stack:  # left open: the quotation runs to the end of the text
        spans.append((stack[0][1] + 1, len(text)))
    if min_words is None:
        min_words = int(packaged_yaml("phrases.yaml")["quotes"]["min_words"])
    out = []
    for start, end in spans:
        start, end = _strip(text, start, end)
        if len(TEXT_WORD_RE.findall(text[start:end])) >= min_words:
            out.append((start, end))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "—–-"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
