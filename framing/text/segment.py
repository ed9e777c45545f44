"""Sentence segmentation: split an article's clean text into sentences with exact offsets.

``split_sentences(text, lang)`` returns ``Sentence`` records whose ``start``/``end`` index the
given text, so ``text[s.start:s.end] == s.text``; surrounding whitespace is left out by moving
the offsets, never by editing the text. razdel's rules decide where sentences end; this module
adds what news text needs on top of them:

* **Lines.** Every line break ends a sentence; razdel only ever sees one line at a time. The one
  exception is an attribution left alone on the next line (``"…всё."`` then ``— сказал он.``):
  it is joined to the quote above it if no blank line separates them.
* **Missing spaces.** Scraped text glues sentences together ("spokesman said.Putin's speech").
  A period between a lowercase letter (or a closing quote or bracket) and an uppercase letter
  that starts a word ends a sentence, unless the word before it is an abbreviation or the token
  looks like a URL or an e-mail address ("U.S.", "sputnikglobe.com", "3.5", "e.g." stay whole).
* **Abbreviations.** ``data/segmentation.yaml`` extends razdel's Russian lists for ru, uk and en
  ("Jan. 20", "м. Київ", "e.g.", "т. зв."); "No." is one only before a number ("No. 5"), and
  "“" closes „…“ quotes. ``lang=None`` (or an unknown code) uses all the lists.
* **Brackets.** A terminal mark inside a short round or square bracket that closes a few words
  later is no sentence end: an editor's note («його (Трампа. – Ред.) з обранням», "(Trump. –
  Ed.)") or an aside stays inside its sentence. The limits are ``bracket_words_before`` /
  ``bracket_words_after`` in ``data/segmentation.yaml``.
* **Quotes and their attribution.** Later stages align sentences across languages, so a long
  quote is *not* kept as one unit: each of its sentences is its own unit (the first one keeps
  the opening quote mark). The quote's last sentence stays with its attribution
  (``Таковы его слова", — отметил Песков.``), and a sentence that is only an attribution, or
  starts with one ("Peskov replied to ..."), is joined to the quote before it.
* **Short fragments.** A sentence of at most ``short_fragment_max_words`` words ("Нет.", "No.",
  "Я воздержусь.") is merged into the next sentence of the same line, so
  ``"Нет. А зачем нам связываться?" – ответил Песков …`` is one unit. Two exceptions: a short
  sentence that closes a quote opened before it ("Это точно».") joins that quote instead, and
  one that ends its line stays alone (a line is never merged into another). A wire dateline
  ("LONDON, February 26." before "/TASS/. Kremlin Spokesman…") is merged the same way.

Time is linear in the text: razdel is driven here over candidate boundaries only (see
``_razdel_spans``), so long tokens or runs of abbreviations cannot make it quadratic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from razdel.rule import JOIN, SPLIT
from razdel.segmenters.punct import DASHES, ENDINGS
from razdel.segmenters.sentenize import (
    BULLET_SIZE,
    DELIMITER,
    RULES,
    SentSplit,
    close_bound,
    is_sokr,
)
from razdel.segmenters.sokr import SOKRS

from framing.records import Sentence
from framing.settings import packaged_yaml
from framing.text.metadata import WIRE_DATELINE
from framing.text.morphology import TEXT_WORD_RE

_Rule = Callable[[SentSplit], str | None]

# The characters str.splitlines() breaks on; "\r\n" counts as one break.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# razdel joins at every delimiter not followed by whitespace (its no_space_prefix rule), so only
# the others are candidates. "“" closes „…“ quotes (uk, de), which razdel does not split on.
_CANDIDATE = re.compile(rf"(?:{DELIMITER}|“)(?=\s)")
_WINDOW = 10  # razdel's context on each side of a candidate
_GLUED = re.compile(r"\.(?=[^\W\d_])")
_TOKEN_END = re.compile(r"\S{1,64}$")
_PAIR = re.compile(r"([^\W\d_]+)\s*\.\s*([^\W\d_]+)\s*$")
_LAST_WORD = re.compile(r"[^\W\d_]+$")
_LAST_TWO_WORDS = re.compile(r"([^\W\d_]+)\s+([^\W\d_]+)\s*$")
_FIRST_WORD = re.compile(r"[^\W\d_]+(?!\w)")
_CLOSING_QUOTES = '"»”“'
_OPENING_QUOTES = "\"«“„‘'"
_GLUE_AFTER = _CLOSING_QUOTES + "')’"
_DASH_LEAD = re.compile(rf"[{re.escape(DASHES)}‐‒―]+\s*(?=[^\W\d_])")
_BRACKETS = {"(": ")", "[": "]"}
_BRACKET_MARK = re.compile(r"[()\[\]]")
_BRACKET_CHARS_PER_WORD = 32  # bounds the look-around (linear time on any text)
_NOTE_LEAD = re.compile(rf"\s*[{re.escape(DASHES)}‐‒―]+\s*([^\W\d_]+)")


@dataclass(frozen=True)
class _Language:
    head: frozenset[str]
    tail: frozenset[str]
    head_pairs: frozenset[tuple[str, str]]
    tail_pairs: frozenset[tuple[str, str]]
    number_only: frozenset[str]
    ordinary_pairs: frozenset[tuple[str, str]]  # (preposition, word): no abbreviation there
    abbreviations: frozenset[str]  # every word that a period may follow mid-sentence
    verbs: tuple[str, ...]
    site_suffixes: frozenset[str]
    short_max_words: int
    verb_window: int
    bracket_before: int
    bracket_after: int
    editor_notes: frozenset[str]


def split_sentences(text: str, lang: str | None = None) -> list[Sentence]:
    """Split ``text`` into sentences; ``lang`` is "ru", "uk", "en" or None (any)."""
    language = _language(_normalise(lang))
    units = _attach_attributions(text, _line_units(text, language), language)
    spans = _merge_short_fragments(text, units, language)
    return [Sentence(i, a, b, text[a:b]) for i, (a, b) in enumerate(spans)]


def _normalise(lang: str | None) -> str | None:
    return re.split(r"[-_]", lang.strip().lower())[0] if lang else None


def _data() -> dict:
    return packaged_yaml("segmentation.yaml")


@lru_cache(maxsize=8)
def _language(lang: str | None) -> _Language:
    data = _data()
    tables = data["languages"]
    chosen = [tables[lang]] if lang in tables else list(tables.values())

    def words(key: str) -> frozenset[str]:
        found = frozenset(w for table in chosen for w in table.get(key) or ())
        if not all(isinstance(w, str) for w in found):
            raise ValueError(f"segmentation.yaml: quote the non-text entries of {key}: {found}")
        return found

    def pairs(key: str) -> frozenset[tuple[str, str]]:
        return frozenset((first, second) for first, second in map(str.split, words(key)))

    head, tail, number_only = words("head"), words("tail"), words("number_only")
    return _Language(
        head=head,
        tail=tail,
        head_pairs=pairs("head_pairs"),
        tail_pairs=pairs("tail_pairs"),
        number_only=number_only,
        ordinary_pairs=pairs("ordinary_pairs"),
        abbreviations=head | tail | number_only | SOKRS,
        verbs=tuple(sorted(words("verbs"))),
        site_suffixes=frozenset(data["site_suffixes"]),
        short_max_words=int(data["short_fragment_max_words"]),
        verb_window=int(data["attribution_verb_window"]),
        bracket_before=int(data["bracket_words_before"]),
        bracket_after=int(data["bracket_words_after"]),
        editor_notes=frozenset(str(w).lower() for w in data["editor_note_words"]),
    )


@lru_cache(maxsize=8)
def _rules(language: _Language) -> tuple[_Rule, ...]:
    def abbreviation(split: SentSplit) -> str | None:
        if split.delimiter != ".":
            return None
        right = split.right_token
        pair_match = _PAIR.search(split.left)  # razdel's own pattern takes single letters only
        if pair_match:
            pair = (pair_match[1].lower(), pair_match[2].lower())
            if pair in language.head_pairs or (pair in language.tail_pairs and is_sokr(right)):
                return JOIN
        before = _LAST_TWO_WORDS.search(split.left)
        if before and (before[1].lower(), before[2].lower()) in language.ordinary_pairs:
            # «участие в нем. Глава»: the pronoun, not «нем.» for «немецкий»; a mark after the
            # period is left to the rules that read marks
            return SPLIT if right[:1].isupper() else None
        left = split.left_token.lower()
        if left in language.number_only:
            # razdel treats "no" as an abbreviation everywhere; it only is one before a number.
            return JOIN if right.isdigit() else SPLIT
        if left in language.head or (left in language.tail and is_sokr(right)):
            return JOIN
        return None

    def low_close_quote(split: SentSplit) -> str | None:
        return close_bound(split) if split.delimiter == "“" else None

    # After razdel's rules that only look at the right side, before its own abbreviation rule.
    at = next((i for i, rule in enumerate(RULES) if rule.name == "sokr_left"), 0)
    return (*RULES[:at], abbreviation, low_close_quote, *RULES[at:])


def _line_units(text: str, language: _Language) -> list[tuple[int, int, int]]:
    """(start, end, breaks) per razdel sentence; breaks = line breaks before it, capped at 2."""
    units: list[tuple[int, int, int]] = []
    rules = _rules(language)
    breaks, line_start = 2, 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        line_end = match.start() if match else len(text)
        chunk_start = line_start
        for chunk_end in [*_glued_breaks(text, line_start, line_end, language), line_end]:
            for a, b in _razdel_spans(text, chunk_start, chunk_end, rules, language):
                a, b = _strip(text, a, b)
                if a < b:
                    units.append((a, b, breaks))
                    breaks = 0
            chunk_start = chunk_end
        if match:
            breaks = min(breaks + 1, 2)
            line_start = match.end()
    return units


def _glued_breaks(text: str, start: int, end: int, language: _Language) -> Iterator[int]:
    """Offsets just after periods that end a sentence with no space after them."""
    for match in _GLUED.finditer(text, start, end):
        i = match.start()
        if i == start or i + 2 >= end:
            continue
        before, after, then = text[i - 1], text[i + 1], text[i + 2]
        if not after.isupper() or not (then.islower() or then.isspace() or then in "'’"):
            continue
        if before in _GLUE_AFTER:
            yield i + 1
            continue
        if not before.islower():
            continue
        suffix = _FIRST_WORD.match(text, i + 1, end)
        if suffix and suffix.group().lower() in language.site_suffixes:
            continue  # a site's name: "Oxu.Az со ссылкой на ТАСС"
        token = _TOKEN_END.search(text, max(start, i - 64), i)
        if token is None or any(mark in token.group() for mark in "/@:"):
            continue  # a URL or an e-mail address
        word = _LAST_WORD.search(token.group())
        # One letter before the period is an initial or part of "e.g.", "т.е.".
        if word and len(word.group()) > 1 and word.group().lower() not in language.abbreviations:
            yield i + 1


def _razdel_spans(
    text: str,
    start: int,
    end: int,
    rules: tuple[_Rule, ...],
    language: _Language | None = None,
) -> Iterator[tuple[int, int]]:
    """razdel's sentence segmentation of text[start:end], as unstripped offsets.

    razdel's own driver rebuilds the growing sentence string at every candidate it joins, which
    is quadratic on long runs of joins; this one keeps offsets only. With ``language``, a
    terminal mark inside a short bracket is no break (``_in_short_bracket``).
    """
    begin = start
    for match in _CANDIDATE.finditer(text, start, end):
        s, e = match.span()
        split = SentSplit(
            text[max(start, s - _WINDOW) : s], match.group(), text[e : min(end, e + _WINDOW)]
        )
        # Only razdel's list_item rule reads the buffer, and it gives up past BULLET_SIZE chars.
        split.buffer = text[max(begin, s - BULLET_SIZE - 1) : s]
        if language is not None and _in_short_bracket(text, start, end, s, e, language):
            continue
        if not _joins(split, rules):
            yield begin, e
            begin = e
    yield begin, end


def _in_short_bracket(text: str, start: int, end: int, s: int, e: int, language: _Language) -> bool:
    """Whether the terminal mark text[s:e] sits inside a short bracket that closes soon after.

    The bracket must be open at the mark (opened at most ``bracket_before`` words before it and
    not closed since) and close, with no other bracket before it, within ``bracket_after``
    words after it: «його (Трампа. – Ред.) з обранням» holds one sentence. An editor's note
    after a dash («– Ред.», "– Ed.") is enough without the closing bracket, which outlets
    mistype («(Трампа. – Ред._ з обранням»).
    """
    if text[s] not in ENDINGS:
        return False
    left = max(start, s - _BRACKET_CHARS_PER_WORD * (language.bracket_before + 1))
    marks = list(_BRACKET_MARK.finditer(text, left, s))
    if not marks or marks[-1].group() not in _BRACKETS:
        return False
    opened = marks[-1]
    if _word_count(text, opened.end(), s, language.bracket_before) > language.bracket_before:
        return False
    note = _NOTE_LEAD.match(text, e, end)
    if note and note[1].lower() in language.editor_notes:
        return True
    right = min(end, e + _BRACKET_CHARS_PER_WORD * (language.bracket_after + 1))
    closing = _BRACKET_MARK.search(text, e, right)
    if closing is None or closing.group() != _BRACKETS[opened.group()]:
        return False
    return _word_count(text, e, closing.start(), language.bracket_after) <= language.bracket_after


def _word_count(text: str, a: int, b: int, limit: int) -> int:
    """Words in text[a:b], counted up to limit + 1."""
    return sum(1 for _ in islice(TEXT_WORD_RE.finditer(text, a, b), limit + 1))


def _joins(split: SentSplit, rules: tuple[_Rule, ...]) -> bool:
    for rule in rules:
        action = rule(split)
        if action:
            return action == JOIN
    return False


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _attach_attributions(
    text: str, units: list[tuple[int, int, int]], language: _Language
) -> list[tuple[int, int, int]]:
    joined: list[tuple[int, int, int]] = []
    for a, b, breaks in units:
        if joined and breaks < 2:
            start, end, first_breaks = joined[-1]
            if _is_attribution(text, (start, end), (a, b), breaks, language):
                joined[-1] = (start, b, first_breaks)
                continue
        joined.append((a, b, breaks))
    return joined


def _is_attribution(
    text: str, quote: tuple[int, int], unit: tuple[int, int], breaks: int, language: _Language
) -> bool:
    """Whether the unit attributes the quote just before it (which may not be a quote)."""
    last = text[quote[1] - 1]
    before = text[quote[1] - 2] if quote[1] - 2 >= quote[0] else " "
    closed = last in _CLOSING_QUOTES and before in ENDINGS  # '… touch?"'
    a, b = unit
    dash = _DASH_LEAD.match(text, a, b)
    if dash and text[dash.end()].islower():  # "— сказал он", "– ответил Песков"
        # A dash also settles '…всё».', where the quote's own punctuation is outside it.
        return last in _CLOSING_QUOTES or (last in ENDINGS and before in _CLOSING_QUOTES)
    if not closed:
        return False
    found = islice(TEXT_WORD_RE.finditer(text, a, b), language.verb_window + 1)
    words = [word.group().lower() for word in found]
    if breaks and len(words) > language.verb_window:
        return False  # on its own line, an attribution must be all there is
    return any(w.startswith(language.verbs) for w in words[: language.verb_window])


def _merge_short_fragments(
    text: str, units: list[tuple[int, int, int]], language: _Language
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    carried: int | None = None  # start of short fragments waiting for their sentence
    limit = language.short_max_words
    for i, (a, b, breaks) in enumerate(units):
        start = a if carried is None else carried
        short = sum(1 for _ in islice(TEXT_WORD_RE.finditer(text, a, b), limit + 1)) <= limit
        short = short or WIRE_DATELINE.fullmatch(text, a, b) is not None
        if short and carried is None and breaks == 0 and _closes_quote(text, a, b):
            spans[-1] = (spans[-1][0], b)  # 'Это точно».' belongs to the quote it closes
            continue
        if short and i + 1 < len(units) and units[i + 1][2] == 0:
            carried = start
            continue
        spans.append((start, b))
        carried = None
    return spans


def _closes_quote(text: str, a: int, b: int) -> bool:
    """Whether text[a:b] ends a quote that it did not open."""
    last = b - 2 if text[b - 1] in ENDINGS and b - 2 >= a else b - 1
    return text[last] in _CLOSING_QUOTES and text[a] not in _OPENING_QUOTES
