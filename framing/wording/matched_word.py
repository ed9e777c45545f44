"""What a page says of the word that made a widened highlight loaded.

The phrase completion (:mod:`framing.wording.phrase_completion`) widens a highlight to its
phrase; the record keeps ``matched``, the span the lexicon or the detector found. An
explanation and a neutral alternative are about that word, not the phrase: a page names it
(«"так называемых" in this phrase: …») and says what the neutral alternative replaces —
the word, or the whole phrase where the alternative already says what the phrase adds
around the word («страны-агрессора России» → «Россия», «російські окупанти» → «російські
військові»: set in place of the word alone, it would say it twice).
"""

from __future__ import annotations

import re
from typing import Any

from framing.text.morphology import TEXT_WORD_RE, function_words, lemma_keys, normalise
from framing.wording.lexicon import LANGUAGES

_QUOTED = re.compile(r"^[«\"„“”'‘’]")
_INSTRUCTION = re.compile(r"\([^)]*\)")  # «(убрать; назвать предмет прямо)» names no word


def matched_word(highlight: dict[str, Any]) -> str | None:
    """The text of what was found inside a widened highlight; None where the highlight is
    what was found (nothing widened it) or the record has no ``matched`` (made before)."""
    matched = highlight.get("matched")
    if not matched or (matched["start"], matched["end"]) == (highlight["start"], highlight["end"]):
        return None
    return str(matched["text"])


def quoted(words: str) -> str:
    """``words`` in quotation marks for an English sentence, unless they bring their own
    (a scare-quoted hit)."""
    return words if _QUOTED.match(words) else f"\u201c{words}\u201d"


def neutral_replaces_phrase(highlight: dict[str, Any], lang: str | None) -> bool:
    """Whether the neutral alternative of a widened highlight stands for the whole phrase: a
    content word of it (outside a parenthesised instruction) shares a lemma with a word the
    phrase adds around what was found. False where nothing widened the highlight."""
    matched = highlight.get("matched")
    neutral = highlight.get("neutral") or ""
    if lang not in LANGUAGES or not neutral or matched_word(highlight) is None:
        return False
    offset = highlight["start"]
    text = str(highlight["text"])
    around = text[: matched["start"] - offset] + " " + text[matched["end"] - offset :]
    added = _lemmas(around, lang)
    return any(_lemmas(word, lang) & added for word in _content_words(neutral, lang))


def _content_words(text: str, lang: str) -> list[str]:
    skip = function_words(lang)
    words = (normalise(w) for w in TEXT_WORD_RE.findall(_INSTRUCTION.sub(" ", text)))
    return [w for w in words if w not in skip]


def _lemmas(text: str, lang: str) -> frozenset[str]:
    return frozenset(key for word in _content_words(text, lang) for key in lemma_keys(lang, word))
