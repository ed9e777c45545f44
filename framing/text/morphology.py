"""Words, lemmas and word patterns: what the lexicon matcher and the speaker finder compare.

A word is normalised (case-folded, ё → е, one apostrophe) and then offers its lemmas:
pymorphy3 for ru/uk, where every parse counts and a participle keeps its own lemma
(«предполагаемыми» → «предполагаемый», not only «предполагать»), simplemma for en. A pattern
is a sequence of word positions, each the set of keys it matches; :class:`Tokens` matches
patterns against a text, words glued only by spaces, hyphens or quote marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

WILDCARD = "*"
ANY = frozenset({WILDCARD})
Pattern = tuple[frozenset[str], ...]

# The two word patterns of the whole package. A lexicon word keeps hyphenated parts apart, so
# that a pattern can match «страны-агрессора» word by word with the hyphen as glue; a text word
# is what a reader counts as one word (hyphenated compounds whole).
WORD_RE = re.compile(r"[^\W_]+(?:['’ʼ`][^\W_]+)*")
TEXT_WORD_RE = re.compile(r"[^\W_]+(?:[-'’ʼ`][^\W_]+)*")
# What may stand between two words of one pattern: spaces, one line break, hyphens, quotes.
GLUE_RE = re.compile(r"[ \t\u00a0\-‐‑–«»\"„“”'‘’]*(?:\r?\n[ \t\u00a0]*)?")


Span = tuple[int, int]


def word_spans(text: str) -> list[Span]:
    """The word tokens of ``text`` as character spans (the lexicon's notion of a word)."""
    return [m.span() for m in WORD_RE.finditer(text)]


def normalise(word: str) -> str:
    return word.casefold().replace("ё", "е").replace("’", "'").replace("ʼ", "'").replace("`", "'")


@cache
def analyzer(lang: str) -> Any:
    """pymorphy3's analyzer of ``lang`` (ru or uk), loaded once per process and shared."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=100_000)
def parses(lang: str, word: str) -> tuple[Any, ...]:
    """pymorphy3's readings of ``word`` (ru or uk), read once per process for the lexicon,
    the word features and the speaker finder alike (each read them again before: a word's
    readings are the dearest part of scoring a new word)."""
    return tuple(analyzer(lang).parse(word))


@lru_cache(maxsize=300_000)
def lemma_keys(lang: str, word: str) -> frozenset[str]:
    """Every lemma ``word`` (already normalised) may have; en also keeps the word itself."""
    if lang == "en":
        import simplemma

        base = word.removesuffix("'s")
        return frozenset({word, base, simplemma.lemmatize(base, lang="en").casefold()})
    keys = set()
    try:
        readings = parses(lang, word)
    except ValueError:  # pymorphy3 asks unicodedata.name() of each letter; some have none
        return frozenset()
    for parse in readings:
        keys.add(normalise(parse.normal_form))
        if parse.tag.POS == "PRTF" or "pssv" in parse.tag or "actv" in parse.tag:
            own = parse.inflect({"masc", "sing", "nomn"}) or parse.inflect({"masc", "nomn"})
            if own is not None:
                keys.add(normalise(own.word))
    return frozenset(keys)


@lru_cache(maxsize=300_000)
def token_keys(lang: str, word: str) -> frozenset[str]:
    """What a word of a text offers for matching: its lemmas and the word itself."""
    return lemma_keys(lang, word) | {word}


def entry_key(lang: str, word: str) -> str:
    """The lemma an entry word stands for: that of its most likely reading."""
    word = normalise(word)
    if lang == "en":
        return word
    parse = analyzer(lang).parse(word)[0]
    own = parse.inflect({"masc", "sing", "nomn"}) if parse.tag.POS == "PRTF" else None
    return normalise(own.word if own is not None else parse.normal_form)


def word_forms(lang: str, word: str) -> frozenset[str]:
    """What an entry word matches: its lemma, itself if it is a lemma too, and more forms
    where lemmatising may fail."""
    key, word = entry_key(lang, word), normalise(word)
    forms = {key}
    if lang == "en":  # simplemma keeps the plural of words it does not know ("Banderites")
        forms.update({key + "s", key + "es"} | ({key[:-1] + "ies"} if key.endswith("y") else set()))
        return frozenset(forms)
    parses = analyzer(lang).parse(word)
    forms.update({word} & lemma_keys(lang, word))
    if not any(parse.is_known for parse in parses):  # slang: each form's lemma is a guess
        for parse in parses[:6]:
            if parse.tag.POS in {"NOUN", "ADJF"}:
                forms.update(normalise(form.word) for form in parse.lexeme)
    return frozenset(forms)


def identity_key(lang: str, word: str) -> str:
    """The lemma by which two entries are duplicates ("scoundrel" and "Scoundrels")."""
    return (
        min(lemma_keys(lang, normalise(word)), key=len) if lang == "en" else entry_key(lang, word)
    )


def pattern_words(pattern: str) -> list[str]:
    words: list[str] = []
    for chunk in pattern.split():
        words.extend([WILDCARD] if chunk == WILDCARD else WORD_RE.findall(chunk))
    return words


def compile_pattern(lang: str, pattern: str, gap: int = 0) -> Pattern:
    """What each position of ``pattern`` matches; ``gap`` optional words between words."""
    seq: list[frozenset[str]] = []
    for word in pattern_words(pattern):
        if seq and gap and word != WILDCARD:
            seq.extend([ANY] * gap)
        seq.append(ANY if word == WILDCARD else word_forms(lang, word))
    return tuple(seq)


@dataclass
class Tokens:
    """The words of a text: offsets, match keys, and whether each is glued to the next;
    ``words``: each word as :func:`normalise` makes it (what its keys are read from)."""

    starts: list[int]
    ends: list[int]
    keys: list[frozenset[str]]
    glued: list[bool]
    words: list[str]

    @classmethod
    def of(cls, text: str, lang: str) -> Tokens:
        matches = list(WORD_RE.finditer(text))
        starts = [m.start() for m in matches]
        ends = [m.end() for m in matches]
        words = [normalise(m.group()) for m in matches]
        keys = [token_keys(lang, word) for word in words]
        gaps = zip(ends, [*starts[1:], -1][: len(ends)], strict=True)  # [] for a wordless text
        glued = [s >= 0 and GLUE_RE.fullmatch(text, e, s) is not None for e, s in gaps]
        return cls(starts, ends, keys, glued, words)

    def match(self, i: int, seq: Pattern) -> int | None:
        """The index after the last token if ``seq`` matches from token ``i``, else None."""
        if i < 0 or i >= len(self.keys) or seq[0].isdisjoint(self.keys[i]):
            return None
        return self._step(i + 1, seq, 1)

    def _step(self, pos: int, seq: Pattern, k: int) -> int | None:
        if k == len(seq):
            return pos
        if pos >= len(self.keys) or not self.glued[pos - 1]:
            return None
        if seq[k] is ANY:
            return self._step(pos + 1, seq, k + 1) or self._step(pos, seq, k + 1)
        return None if seq[k].isdisjoint(self.keys[pos]) else self._step(pos + 1, seq, k + 1)


@cache
def function_words(lang: str | None) -> frozenset[str]:
    """The language's function words (``data/function_words.yaml``), normalised; every
    language's when ``lang`` has no list."""
    from framing.settings import packaged_yaml

    lists = packaged_yaml("function_words.yaml")
    codes = [lang] if lang in lists else list(lists)
    return frozenset(normalise(word) for code in codes for word in lists[code])
