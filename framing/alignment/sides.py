"""The side of the people a sentence names: «146 российских военнослужащих», "Ukrainian
civilians", «граждан Российской Федерации», «цивільних українців».

Eight Russian civilians returned home and eight Ukrainian civilians returned home are two
statements with nearly the same words, and e5 puts them close (qa8, the exchange of 24 Aug
2025). A people noun of a class (``guard.people`` in ``data/alignment.yaml``: soldiers and
prisoners, civilians and citizens, children; any case) takes the side of a nationality word
(``guard.sides``) up to three words before it, with no comma or spaced dash between (an
adjective or a possessive: "146 Ukrainian Armed Forces prisoners"), or right after it (a
genitive: «граждан Российской Федерации», «военнопленных ВСУ», "citizens of Russia"). The
guard (:mod:`framing.alignment.guard`) calls two sentences different when one class of people
has a side in both and no side in common; a class named on one side only, or without a side,
says nothing (the guard errs towards vetoing only where a side is written).

The same words give the sentence's sides as participants (:func:`side_names`): Russian and
Ukrainian write «российские», «українські» lowercase, where English capitalises "Russian".
"""

from __future__ import annotations

import re
from functools import cache

from framing.alignment.align import thresholds

TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
# Between two words, what ends a noun phrase: punctuation other than a hyphen in a word.
BREAK = re.compile(r"[,;:.!?()«»\"“”„]|\s[—–-]\s")
BEFORE = 3  # words a nationality adjective may stand before its noun
# English reads a side after its noun only through these ("citizens of Russia").
OF = re.compile(r"of|from", re.IGNORECASE)
ARTICLE = re.compile(r"the", re.IGNORECASE)
WAR = re.compile(r"war", re.IGNORECASE)  # "prisoners of war of Ukraine"

Lexicon = tuple[
    tuple[tuple[re.Pattern[str], str], ...],  # adjective forms -> side
    tuple[tuple[re.Pattern[str], str], ...],  # noun forms -> side
    tuple[tuple[re.Pattern[str], str], ...],  # people nouns -> class
]


def _alternation(words: list[str]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(words) + ")", re.IGNORECASE)


@cache
def _lexicon(lang: str) -> Lexicon:
    from framing.alignment.guard import participant

    guard = thresholds()["guard"]
    sides = guard.get("sides") or {}

    def forms(kind: str) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple(
            (_alternation(words[kind][lang]), participant(side))
            for side, words in sides.items()
            if words.get(kind, {}).get(lang)
        )

    people = tuple(
        (_alternation(words[lang]), kind)
        for kind, words in (guard.get("people") or {}).items()
        if words.get(lang)
    )
    return forms("adjective"), forms("noun"), people


def _match(word: str, forms: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    return next((found for pattern, found in forms if pattern.fullmatch(word)), None)


def people_sides(sentence: str, lang: str | None) -> frozenset[tuple[str, str]]:
    """The (class, side) pairs of the people ``sentence`` names with a side."""
    adjectives, nouns, people = _lexicon(lang or "en")
    if not people:
        return frozenset()
    words = list(TOKEN.finditer(sentence))
    joined = [
        not BREAK.search(sentence, a.end(), b.start())
        for a, b in zip(words, words[1:], strict=False)
    ]
    found: set[tuple[str, str]] = set()
    for k, word in enumerate(words):
        kind = _match(word.group(), people)
        if kind is None:
            continue
        for back in range(k - 1, max(k - BEFORE, 0) - 1, -1):
            if not joined[back]:
                break
            side = _match(words[back].group(), adjectives)
            if side:
                found.add((kind, side))
        for side in _after(words, joined, k, lang or "en", adjectives + nouns):
            found.add((kind, side))
    return frozenset(found)


def _after(words: list[re.Match[str]], joined: list[bool], k: int, lang: str,
           forms: tuple[tuple[re.Pattern[str], str], ...]) -> list[str]:  # fmt: skip
    """The side right after the noun at ``k``: a genitive (one abbreviation such as «ВС» may
    come between: «военнослужащих ВС РФ»), or in English "of"/"from" (the) and the side."""
    at = k + 1
    if lang == "en":
        for skip in (OF, WAR, OF, ARTICLE):
            if at < len(words) and joined[at - 1] and skip.fullmatch(words[at].group()):
                at += 1
        if at == k + 1:
            return []
    elif at + 1 < len(words) and words[at].group().isupper() and joined[at - 1]:
        if _match(words[at].group(), forms) is None:
            at += 1
    if at >= len(words) or not all(joined[k:at]):
        return []
    side = _match(words[at].group(), forms)
    return [side] if side else []


def side_of(word: str, lang: str | None) -> str | None:
    """The side a nationality word names («Китая», "Chinese" -> China's), or None."""
    adjectives, nouns, _ = _lexicon(lang or "en")
    return _match(word, adjectives + nouns)


def side_names(sentence: str, lang: str | None) -> frozenset[str]:
    """Every side a nationality word of ``sentence`` names, anywhere (as participants)."""
    adjectives, nouns, _ = _lexicon(lang or "en")
    forms = adjectives + nouns
    return frozenset(
        side for word in TOKEN.finditer(sentence) if (side := _match(word.group(), forms))
    )


def different_sides(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> bool:
    """Whether one class of people has a side in both and no side in common."""
    kinds = {kind for kind, _ in a} & {kind for kind, _ in b}
    return any(
        not {s for k, s in a if k == kind} & {s for k, s in b if k == kind} for kind in kinds
    )
