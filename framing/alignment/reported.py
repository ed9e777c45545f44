"""The reported content of a sentence: the sentence with its attribution frame taken off.

Two reports of one statement wrap it differently: «Не було тоді телефонної розмови» against
'"There was no conversation," said Kremlin spokesman Dmitry Peskov'; «По словам представителя
Кремля, такой беседы не было» against "There was no conversation". The speaker, the
reporting verb and the quote marks weigh in the sentence's vector and pull the two apart;
the claim they carry is what the candidate score should compare. ``reported_contents``
gives, per sentence, that claim alone (or None when the sentence has no frame to take off),
and :mod:`framing.alignment.pair_scores` embeds it as one more unit of the sentence
(``strip_offset`` in ``data/alignment.yaml``).

Two frames are taken off, in this order:

1. **A quote and its attribution.** A sentence that opens or closes with a quotation
   (inside «…», "…", “…”, „…“), whose quoted words number at least ``min_words`` and whose
   words outside the quotes number at most ``quote_frame_max_words``, is its quotation: the
   outside is the frame ('"…," said Kremlin spokesman Dmitry Peskov', «"…", – подчеркнул
   политик», 'Peskov said: "…"'). Words on both sides of the quotes make a term in quotes
   («так называемая «спецоперация» продолжалась»), not a quotation.
2. **An attribution cue** (:func:`framing.wording.attribution.sentence_sources`: a speaker
   with a speech verb, «по словам …», "according to …", an agency). The clause holding the
   cue (between commas, colons, quote marks, brackets and spaced dashes) goes when little
   else is in it (at most ``cue_clause_max_other_words`` words beside the cue: «заявил
   пресс-секретарь Дмитрий Песков», "said Kremlin spokesman Dmitry Peskov"); otherwise the
   cue alone goes, with a complementiser right after it ("Peskov said that …", «Песков
   заявил, что …»).

What is left must hold at least ``min_words`` words and fewer than the sentence; else None.
This is not a clause cut (:func:`framing.alignment.pair_scores.clause_units` cuts every
sentence at every comma): one unit a sentence at most, and only where a frame was found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from framing.records import Sentence
from framing.text.morphology import TEXT_WORD_RE

# A quotation: «…», “…”, „…“ / „…”, "…" (straight marks paired in order).
_QUOTED = re.compile(r"«([^«»]*)»|“([^“”]*)”|„([^„“”]*)[“”]|\"([^\"]*)\"")
# Clause boundaries around a cue (as pair_scores.CUT, without the quote marks, which
# _QUOTED reads).
_CLAUSE = re.compile(r"[,;:()]|\s[—–-]\s|^[—–-]\s|[«»\"“”„]")
_EDGES = " \t\u00a0,;:.!?…—–-«»\"“”„'’()"


def _settings() -> dict[str, Any]:
    from framing.alignment.align import thresholds

    return thresholds()["reported_content"]


def reported_contents(sentences: Sequence[str], lang: str | None) -> list[str | None]:
    """Per sentence of one article, its reported content, or None (see the module doc).
    The article's sentences go together: a cue may take its speaker from an earlier one."""
    return list(_contents(tuple(sentences), lang or ""))


@lru_cache(maxsize=64)
def _contents(sentences: tuple[str, ...], lang: str) -> tuple[str | None, ...]:
    cfg = _settings()
    min_words = int(cfg["min_words"])
    cues = _cue_spans(sentences, lang)
    out: list[str | None] = []
    for text, spans in zip(sentences, cues, strict=True):
        content = _quote_content(text, min_words, int(cfg["quote_frame_max_words"]))
        if content is None and spans:
            complementisers = tuple(cfg["complementisers"].get(lang, ()))
            content = _without_cues(
                text, spans, int(cfg["cue_clause_max_other_words"]), complementisers
            )
        out.append(content if content and _fewer_words(content, text, min_words) else None)
    return tuple(out)


def attribution_spans(sentences: Sequence[str], lang: str | None) -> list[list[tuple[int, int]]]:
    """Per sentence of one article, the character spans of its own attribution cues (a
    speaker with a speech verb, «по словам …», "according to …"; none for a sentence whose
    source is carried from an earlier one, nor in a language without attribution rules)."""
    return _cue_spans(tuple(sentences), lang or "")


@lru_cache(maxsize=64)
def _cue_spans(sentences: tuple[str, ...], lang: str) -> list[list[tuple[int, int]]]:
    """Per sentence, the character spans of its own attribution cues (none in a language
    without attribution rules). Cached: the guard asks for them after the reported contents
    of the same sentences (callers only read the lists)."""
    from framing.wording.attribution import AttributionError, sentence_sources

    offsets, start = [], 0
    for text in sentences:
        offsets.append(Sentence(len(offsets), start, start + len(text), text))
        start += len(text) + 1
    try:
        sources = sentence_sources(offsets, lang)
    except AttributionError:  # no rules for this language
        return [[] for _ in sentences]
    return [
        [] if src.carried else [(a.start - s.start, a.end - s.start) for a in src.attributions]
        for s, src in zip(offsets, sources, strict=True)
    ]


def _words(text: str) -> int:
    return sum(1 for _ in TEXT_WORD_RE.finditer(text))


def _fewer_words(content: str, text: str, min_words: int) -> bool:
    return min_words <= _words(content) < _words(text)


def _quote_content(text: str, min_words: int, frame_max: int) -> str | None:
    """The quoted words of a sentence that is a quotation and its short attribution."""
    quotes = [m for m in _QUOTED.finditer(text) if _words(m.group()) > 0]
    if not quotes:
        return None
    if _words(text[: quotes[0].start()]) and _words(text[quotes[-1].end() :]):
        return None  # words on both sides: a term in quotes, not a quotation
    inside = " ".join(next(g for g in m.groups() if g is not None) for m in quotes)
    outside = _words(_QUOTED.sub(" ", text))
    if _words(inside) < min_words or not 0 < outside <= frame_max:
        return None
    return _clean(inside)


def _without_cues(
    text: str,
    spans: list[tuple[int, int]],
    max_other: int,
    complementisers: tuple[str, ...],
) -> str | None:
    """The sentence less its cues: a cue's clause whole when little else is in it."""
    bounds = [0, *(m.start() for m in _CLAUSE.finditer(text)), len(text)]
    drop: list[tuple[int, int]] = []
    for start, end in spans:
        left = max(b for b in bounds if b <= start)
        right = min(b for b in bounds if b >= end)
        other = _words(text[left:start]) + _words(text[end:right])
        if other <= max_other:
            start, end = left, right
        drop.append((start, _after_complementiser(text, end, complementisers)))
    kept, at = [], 0
    for start, end in sorted(drop):
        kept.append(text[at:start])
        at = max(at, end)
    kept.append(text[at:])
    return _clean(" ".join(kept)) or None


def _after_complementiser(text: str, end: int, complementisers: tuple[str, ...]) -> int:
    """The end of a complementiser right after a cue (", что", "that"), else ``end``."""
    rest = text[end:]
    lead = len(rest) - len(rest.lstrip(" ,\u00a0"))
    for word in complementisers:
        pattern = rf"{re.escape(word)}(?!\w)"
        found = re.match(pattern, rest[lead:], re.IGNORECASE)
        if found:
            return end + lead + found.end()
    return end


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?…])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return text.strip(_EDGES)
