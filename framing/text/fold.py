"""Spellings folded to one Latin skeleton, so a search finds a name in any script:
«Пєсков» (uk), «Песков» (ru) and "Peskov" (en) all fold to ``peskov``; «инаугурация» folds to
``inauguratsiia``, which shares its start with "inauguration".

The fold is deliberately lossy (е/є/э/ё → e, и/і/ї/ы/й/y → i, ь and apostrophes dropped):
it serves recall in a search box, never display.
"""

from __future__ import annotations

import re
import unicodedata

# Scholarly-ish transliteration, with the vowels Ukrainian and Russian spell differently
# for one sound collapsed, and Latin y/i collapsed to match.
_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "e",
    "э": "e", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "ы": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "",
    "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "", "y": "i", "j": "i",
}  # fmt: skip
_TABLE = str.maketrans(_LETTERS)
WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*")


def fold(text: str) -> str:
    """``text`` lower-cased, accents stripped, Cyrillic transliterated, as above."""
    lowered = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in lowered if not unicodedata.combining(c))
    # NFKD splits й and ї into и/і plus a mark: both fold to i anyway.
    return plain.translate(_TABLE)


def search_stem(word: str) -> str:
    """The folded start of a query word that a search matches as a prefix: endings
    (inflections, -tion/-tsiia) are dropped from words of six letters or more (one to four
    letters, by length), so
    «Пескову», "Peskov's" and "inauguration" meet their other spellings."""
    folded = fold(word)
    drop = 4 if len(folded) >= 9 else 2 if len(folded) >= 7 else 1 if len(folded) == 6 else 0
    return folded[: len(folded) - drop]
