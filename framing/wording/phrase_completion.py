"""Phrase completion: a loaded-wording highlight widened to the phrase it belongs to.

Annotators mark the loaded *phrase* («так называемой "спецоперации"», "puppet regime in
Kyiv"), the lexicon and the detector mostly find one word of it. :func:`complete_spans`
widens each highlight by general rules read from ``data/phrase_completion.yaml`` (which says
what each rule does and how the settings were chosen): an adjective or participle takes the
noun it modifies, a noun its genitive or prepositional complement and the adjectives before
it (ru/uk, by pymorphy3's parts of speech), a qualifier the phrase it qualifies, and in
English, where no tagger ships, a word the run of content words it stands in.

A highlight only grows, by whole words, never across a sentence end, clause punctuation, a
line break or a quotation mark, never into another highlight, and by at most ``max_words``
words on each side.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from framing.settings import packaged_yaml
from framing.text.morphology import TEXT_WORD_RE, function_words, normalise, parses

RULES = (
    "coordination",
    "modifier",
    "complement",
    "prepositional",
    "label",
    "qualifier",
    "chunk_right",
    "chunk_left",
)
# What may stand between two words of one phrase: spaces, no line break, no punctuation.
_SPACE = re.compile(r"[ \t\u00a0]+")
_QUOTES = re.compile(r"[«»\"„“”'‘’]+")
_CLOSE_QUOTES = {"«": "»", '"': '"', "„": "“”", "“": "”", "'": "'", "‘": "’"}
_MODIFIERS = {"ADJF", "PRTF"}
_NAME_TAGS = {"Surn", "Name", "Patr", "Abbr"}


@dataclass(frozen=True)
class Settings:
    """What :func:`complete_spans` does (``data/phrase_completion.yaml``)."""

    max_words: dict[str, int]
    qualifier_categories: frozenset[str]
    max_quoted_words: int
    rules: dict[str, frozenset[str]]
    conjunctions: dict[str, frozenset[str]]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Settings:
        rules = {lang: frozenset(names) for lang, names in data["rules"].items()}
        unknown = {name for names in rules.values() for name in names} - set(RULES)
        if unknown:
            raise ValueError(f"Unknown phrase rules {sorted(unknown)}; use some of {RULES}.")
        return cls(
            {lang: int(n) for lang, n in data["max_words"].items()},
            frozenset(data["qualifier_categories"]),
            int(data["max_quoted_words"]),
            rules,
            {lang: frozenset(words) for lang, words in data["conjunctions"].items()},
        )


@cache
def settings() -> Settings:
    """The shipped settings (read once)."""
    return Settings.of(packaged_yaml("phrase_completion.yaml"))


class _Words:
    """The words of a text (hyphenated compounds whole) and their parts of speech."""

    def __init__(self, text: str, lang: str) -> None:
        self.text, self.lang = text, lang
        self.spans = [m.span() for m in TEXT_WORD_RE.finditer(text)]
        self.starts = [a for a, _ in self.spans]
        self._readings: dict[int, tuple[Any, ...]] = {}
        self._stops = function_words(lang)

    def __len__(self) -> int:
        return len(self.spans)

    def joined(self, i: int, held: tuple[int, int] | None = None) -> bool:
        """Whether word ``i`` and word ``i + 1`` stand in one phrase: only spaces between,
        besides the quotation marks of a highlight ``held`` that holds a whole quotation
        («"всесоюзной" войны»: the highlight's own closing mark, then a space)."""
        if i < 0 or i + 1 >= len(self.spans):
            return False
        a, z = self.spans[i][1], self.spans[i + 1][0]
        if held is not None:
            start, end = held
            if a < end <= z and _QUOTES.fullmatch(self.text, a, end):
                a = end
            if a <= start < z and _QUOTES.fullmatch(self.text, start, z):
                z = start
        return _SPACE.fullmatch(self.text, a, z) is not None

    def word(self, i: int) -> str:
        a, z = self.spans[i]
        return self.text[a:z]

    def readings(self, i: int) -> tuple[Any, ...]:
        """pymorphy3's readings of word ``i``, without the ones a phrase never has: none for
        a function word (uk «до», «про» have a noun reading, the musical note, the
        abbreviation), and for a lowercase word none as a name («мала», a surname)."""
        if i not in self._readings:
            word = self.word(i)
            found: tuple[Any, ...] = ()
            if normalise(word) not in self._stops:
                try:
                    found = parses(self.lang, normalise(word))
                except ValueError:  # pymorphy3 asks unicodedata.name() of each letter
                    found = ()
                if word.islower():
                    found = tuple(p for p in found if not _NAME_TAGS & set(p.tag.grammemes))
            self._readings[i] = found
        return self._readings[i]

    def preposition(self, i: int) -> bool:
        """Whether word ``i`` may be a preposition (function words keep this reading)."""
        if i >= len(self.spans):
            return False
        try:
            found = parses(self.lang, normalise(self.word(i)))
        except ValueError:
            return False
        return bool(found) and found[0].tag.POS == "PREP"

    def likely_case(self, i: int) -> str | None:
        """The case of the word's likeliest reading («обвинения» after «враньем»: the
        accusative plural, though a genitive singular reading exists)."""
        found = self.readings(i)
        return str(found[0].tag.case) if found and found[0].tag.case else None

    def pos(self, i: int) -> str | None:
        """The part of speech of the word's likeliest reading."""
        found = self.readings(i)
        return str(found[0].tag.POS) if found and found[0].tag.POS else None

    def cases(self, i: int, kinds: set[str]) -> set[str]:
        """The cases the word may stand in as one of ``kinds`` (parts of speech)."""
        return {str(p.tag.case) for p in self.readings(i) if p.tag.POS in kinds and p.tag.case}

    def forms(self, i: int, kinds: set[str]) -> set[tuple[str, str, str]]:
        """The (case, number, gender in the singular) the word may stand in as one of
        ``kinds``: what a modifier and its noun agree in («батькові диктатора»: a plural
        adjective, a singular noun, no agreement)."""
        out = set()
        for p in self.readings(i):
            if p.tag.POS in kinds and p.tag.case:
                number = str(p.tag.number)
                gender = str(p.tag.gender) if number == "sing" else ""
                out.add((str(p.tag.case), number, gender))
        return out

    def content(self, i: int) -> bool:
        """A content word: not a function word, not a number (the English chunk rule)."""
        word = self.word(i)
        return normalise(word) not in self._stops and not word.isdigit()


def complete_spans(
    text: str,
    lang: str,
    spans: Sequence[tuple[int, int, str]],
    config: Settings | None = None,
) -> list[tuple[int, int]]:
    """Each highlight ``(start, end, category)`` widened to its phrase, in the given order.

    Highlights are widened one by one, in order of their start; a widening never reaches
    into another highlight as given or as already widened, so highlights that did not
    overlap still do not."""
    config = config or settings()
    rules = config.rules.get(lang, frozenset())
    result = [(a, z) for a, z, _ in spans]
    if not rules or not spans:
        return result
    words = _Words(text, lang)
    if not len(words):
        return result
    order = sorted(range(len(spans)), key=lambda k: (spans[k][0], spans[k][1]))
    for k in order:
        start, end, category = spans[k]
        first, last = _word_range(words, start, end)
        if first is None or last is None:
            continue
        others = [result[j] for j in range(len(result)) if j != k]
        left_limit = _limit(words, first, -1, others, config.max_words[lang], (start, end))
        right_limit = _limit(words, last, 1, others, config.max_words[lang], (start, end))
        new_first, new_end = _widen(
            words, first, last, category, rules, config, left_limit, right_limit
        )
        if "coordination" in rules:
            new_end = _coordinated(words, new_end, right_limit, rules, config)
        widened = (
            min(start, words.spans[new_first][0]) if new_first < first else start,
            max(end, new_end),
        )
        # a quoted phrase is taken whole or not at all: not when it holds another highlight
        if not any(b < widened[1] and widened[0] < e for b, e in others):
            result[k] = widened
    return result


def _word_range(words: _Words, start: int, end: int) -> tuple[int | None, int | None]:
    """The first and the last word sharing a character with ``[start, end)``."""
    inside = [i for i, (a, z) in enumerate(words.spans) if a < end and start < z]
    return (inside[0], inside[-1]) if inside else (None, None)


def _taken(others: Sequence[tuple[int, int]], i: int, words: _Words) -> bool:
    a, z = words.spans[i]
    return any(b < z and a < e for b, e in others)


def _limit(
    words: _Words,
    edge: int,
    step: int,
    others: Sequence[tuple[int, int]],
    most: int,
    held: tuple[int, int],
) -> int:
    """The farthest word a widening from ``edge`` (the highlight's last word, ``step`` 1, or
    its first, ``step`` -1) may reach: joined to the one before, free, within ``most``."""
    limit = edge
    while (
        abs(limit - edge) < most
        and words.joined(min(limit, limit + step), held if limit == edge else None)
        and not _taken(others, limit + step, words)
    ):
        limit += step
    return limit


def _widen(
    words: _Words,
    first: int,
    last: int,
    category: str,
    rules: frozenset[str],
    config: Settings,
    left_limit: int,
    right_limit: int,
) -> tuple[int, int]:
    """The first word of the widened highlight and the character its end moves to."""
    new_last = last
    if "qualifier" in rules and category in config.qualifier_categories:
        quoted = _quoted_after(words, last, config.max_quoted_words)
        if quoted is not None:
            return first, quoted
        if words.lang == "en":
            # an adverb ("allegedly") or a verb in -ing ("lying") qualifies a verb or a
            # clause, not the chunk after it ("allegedly make", "lying either")
            verbal = normalise(words.word(last)).endswith(("ly", "ing"))
            new_last = last if verbal else _chunk_right(words, last, right_limit)
        else:
            new_last = _noun_phrase_after(words, last, right_limit, rules)
        return first, words.spans[new_last][1]
    if words.lang == "en":
        if "chunk_right" in rules:
            new_last = _chunk_right(words, last, right_limit)
        new_first = _chunk_left(words, first, left_limit) if "chunk_left" in rules else first
        return new_first, words.spans[new_last][1]
    if "modifier" in rules and words.pos(last) in _MODIFIERS:
        new_last = _head_noun(words, last, right_limit, words.forms(last, _MODIFIERS))
    if words.pos(new_last) == "NOUN":
        new_last = _complements(words, new_last, right_limit, rules)
    new_first = first
    if "label" in rules and words.pos(first) == "NOUN":
        agree = words.forms(first, {"NOUN"})
        while new_first > left_limit and words.forms(new_first - 1, _MODIFIERS) & agree:
            if words.pos(new_first - 1) not in _MODIFIERS:
                break
            new_first -= 1
    return new_first, words.spans[new_last][1]


def _coordinated(
    words: _Words, end: int, limit: int, rules: frozenset[str], config: Settings
) -> int:
    """A widened highlight ending in a noun (ru/uk; en: any content word) takes a
    coordinated noun phrase after it: «нациков и тербатов», "thugs and looters"."""
    last = next((i for i, (_, z) in enumerate(words.spans) if z == end), None)
    conjunctions = config.conjunctions.get(words.lang, frozenset())
    if last is None or last + 2 > limit or normalise(words.word(last + 1)) not in conjunctions:
        return end
    if words.lang == "en":
        if not (words.content(last) and words.content(last + 2)):
            return end
        return words.spans[_chunk_right(words, last + 2, limit)][1]
    if words.pos(last) != "NOUN":
        return end
    found = _noun_phrase(words, last + 2, limit, words.cases(last, {"NOUN"}))
    if found is None:
        return end
    return words.spans[_complements(words, found, limit, rules)][1]


def _head_noun(words: _Words, i: int, limit: int, agree: set[tuple[str, str, str]]) -> int:
    """From a modifier at ``i``: the agreeing noun it modifies (with the agreeing modifiers
    before it), or ``i`` when none is within ``limit``."""
    j = i
    while j < limit:
        j += 1
        if words.pos(j) in _MODIFIERS and words.forms(j, _MODIFIERS) & agree:
            continue
        if words.pos(j) == "NOUN" and words.forms(j, {"NOUN"}) & agree:
            return j
        break
    return i


def _complements(words: _Words, noun: int, limit: int, rules: frozenset[str]) -> int:
    """From a noun at ``noun``: the end of its genitive (or prepositional) complement."""
    end = noun
    while end < limit:
        j = end + 1
        if "prepositional" in rules and words.preposition(j):
            found = _noun_phrase(words, j + 1, limit, None)
        elif "complement" in rules:
            found = _noun_phrase(words, j, limit, {"gent"})
        else:
            found = None
        if found is None:
            break
        end = found
    return end


def _noun_phrase(words: _Words, j: int, limit: int, cases: set[str] | None) -> int | None:
    """The last word of a noun phrase (modifiers, then a noun, in one of ``cases`` or any)
    starting at word ``j``, or None."""
    while j <= limit:
        pos = words.pos(j)
        if pos == "NOUN":
            return j if cases is None or words.likely_case(j) in cases else None
        if pos not in _MODIFIERS or (cases is not None and words.likely_case(j) not in cases):
            return None
        j += 1
    return None


def _noun_phrase_after(words: _Words, last: int, limit: int, rules: frozenset[str]) -> int:
    found = _noun_phrase(words, last + 1, limit, None)
    if found is None:
        return last
    return _complements(words, found, limit, rules)


def _chunk_right(words: _Words, last: int, limit: int) -> int:
    j = last
    while j < limit and words.content(j + 1):
        j += 1
    return j


def _chunk_left(words: _Words, first: int, limit: int) -> int:
    j = first
    while j > limit and words.content(j - 1):
        j -= 1
    return j


def _quoted_after(words: _Words, last: int, most: int) -> int | None:
    """The end (closing mark included) of a quoted phrase that opens right after word
    ``last`` (spaces and one opening mark between) and closes after at most ``most`` words
    with only spaces between them."""
    text = words.text
    at = words.spans[last][1]
    gap = re.match(r"[ \t\u00a0]*([«\"„“'‘])", text[at:])
    if gap is None or last + 1 >= len(words):
        return None
    mark = gap.group(1)
    opened = at + gap.end()
    if words.spans[last + 1][0] != opened:
        return None
    closers = _CLOSE_QUOTES[mark]
    for j in range(last + 1, min(len(words), last + 1 + most)):
        after = text[words.spans[j][1] : words.spans[j + 1][0] if j + 1 < len(words) else None]
        if after[:1] and after[0] in closers:
            return words.spans[j][1] + 1
        if j + 1 >= len(words) or not _SPACE.fullmatch(after):
            return None
    return None
