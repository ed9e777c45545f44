"""Editorial cues: where a sentence speaks in the outlet's own voice rather than a source's.

``editorial_cues(sentence, lang)`` returns :class:`EditorialCue` records (offsets into the sentence)
of four kinds, each with a one-sentence explanation a teacher can read aloud:

* ``recap`` — the outlet reminds readers of earlier reporting («Напомним, что…», «Нагадаємо»,
  "As Sputnik reported earlier", "Recall that");
* ``self_promotion`` — the outlet advertises itself («Читайте также», "Subscribe to our") or
  names itself as a source: every self-reference the outlet registry finds
  (``Registry.self_references``), cut to the name and its verb («"Комментарии" писали»),
  except a dateline ("MOSCOW (Reuters) -": the outlet's signature, ``Registry.datelines``);
* ``background`` — outlet-authored context: a marker at the start of the sentence («Ранее»,
  «Как известно», "It is worth noting"). Calendar dates, times, "took place" and transitions
  ("Meanwhile", «Тем временем») are not cues: every news sentence has a date, and a teacher
  marked them false alarms on the seeds and on real pages (they made a third of Sputnik's
  sentences "own asides");
* ``evaluative_aside`` — the outlet's own judgement outside quotes («что, впрочем,
  неудивительно», "Tellingly,", ", clearly,").

Patterns and explanations are data (``data/editorial.yaml``). Cues inside quotation marks are
dropped (they are the speaker's words), as are later cues overlapping earlier ones.

``text_cues(text, sentences, lang)`` — the cues of a whole text: each sentence's, minus those
inside a quotation that runs over several sentences (the middle sentence has no quote marks
of its own, so ``editorial_cues`` alone takes its aside for the outlet's).
``own_voice_sentences(text, sentences, lang)`` — the sentences with such a cue. Every figure
and mark of the outlet's own voice comes from ``text_cues``: the highlights of ``framing
score`` and the web view, ``editorial_insertion_share``, and the comparison's
``editorial_insertions`` (:mod:`framing.alignment.event_figures`), so a number never counts
a sentence the page does not mark.

``is_background(sentence, lang)`` — the sentence opens with a recap or background marker.
Limits: background without a marker ("Harris conceded defeat …") is missed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from framing.errors import FramingError
from framing.outlets import load_registry
from framing.settings import packaged_yaml
from framing.text.quoting import QUOTE_RE, quoted_spans
from framing.wording.attribution import AttributionError, attributions
from framing.wording.attribution_cues import trim_edges

__all__ = [
    "EDITORIAL_KINDS",
    "EditorialCue",
    "editorial_cues",
    "is_background",
    "own_voice_sentences",
    "text_cues",
]

S = TypeVar("S", bound="_Sentence")

EDITORIAL_KINDS = ("recap", "self_promotion", "background", "evaluative_aside")
_EDGE = " \t\n,.:;—–-«»\"„“”'"
_LEAD = re.compile(r"(?:[\s,:;—–-]+|(?-i:[^\W\d_A-ZА-ЯЁІЇЄҐ][\w-]*)\s+)*")


@dataclass(frozen=True)
class EditorialCue:
    """A span of the sentence in the outlet's own voice: ``sentence[start:end] == text``."""

    start: int
    end: int
    text: str
    kind: str
    explanation: str


@dataclass(frozen=True)
class _Rule:
    kind: str
    regex: re.Pattern[str]
    explanation: str
    unless_attributed: bool


@dataclass(frozen=True)
class _Language:
    rules: tuple[_Rule, ...]
    self_reference_tail: re.Pattern[str]
    explanations: dict[str, str]


@cache
def _language(lang: str) -> _Language:
    data: dict[str, Any] = packaged_yaml("editorial.yaml")
    code = re.split(r"[-_]", (lang or "").strip().lower())[0]
    table = data["languages"].get(code)
    if table is None:
        known = ", ".join(data["languages"])
        raise AttributionError(f"No editorial cues for language {lang!r}; use one of {known}.")

    def compile_(source: str) -> re.Pattern[str]:
        return re.compile(source, re.IGNORECASE)

    rules = tuple(
        _Rule(
            raw["kind"],
            compile_(raw["regex"]),
            raw["explanation"].strip(),
            bool(raw.get("unless_attributed")),
        )
        for raw in table["cues"]
    )
    unknown = {rule.kind for rule in rules} - set(EDITORIAL_KINDS)
    if unknown:
        raise AttributionError(f"editorial.yaml: unknown kinds {sorted(unknown)} for {code}.")
    return _Language(
        rules=rules,
        self_reference_tail=compile_(table["self_reference_tail"]),
        explanations={k: " ".join(v.split()) for k, v in data["explanations"].items()},
    )


def _self_references(
    sentence: str, language: _Language, found: list[EditorialCue]
) -> list[EditorialCue]:
    """The registry's self-references, minus a recap marker they start with, plus the verb.
    A dateline («Москва. 19 сентября. ИНТЕРФАКС -», "MOSCOW (Reuters) -", "/TASS/.") is the
    outlet signing its report, not pointing readers to its coverage: no cue."""
    try:
        registry = load_registry()
        mentions = registry.self_references(sentence)
        datelines = registry.datelines(sentence) if mentions else []
    except FramingError:  # no corpus folder: no outlet names to look for
        return []
    cues = []
    for mention in mentions:
        if any(d.start < mention.end and mention.start < d.end for d in datelines):
            continue
        start, end = mention.start, mention.end
        for cue in found:
            if cue.kind == "recap" and cue.start <= start < cue.end < end:
                start = cue.end
        tail = language.self_reference_tail.match(sentence, end)
        end = tail.end() if tail else end
        # what is left after «Напомним, что »: punctuation and lowercase words («раніше»)
        start = _LEAD.match(sentence, start, end).end()
        cues.append(EditorialCue(start, end, sentence[start:end], "self_promotion",
                        language.explanations["self_reference"]))  # fmt: skip
    return cues


def _attributed(sentence: str, lang: str) -> bool:
    return bool(attributions(sentence, lang))


def editorial_cues(sentence: str, lang: str) -> list[EditorialCue]:
    """Cues of the outlet's own voice in one sentence (ru, uk or en), in order."""
    if not sentence.strip():
        return []
    language = _language(lang)
    quotes = quoted_spans(sentence)
    attributed: bool | None = None  # worked out only when a rule needs it
    found: list[EditorialCue] = []

    def add(cues: list[EditorialCue]) -> None:
        for cue in cues:
            if cue.start >= cue.end or any(qs <= cue.start and cue.end <= qe for qs, qe in quotes):
                continue
            if not any(cue.start < c.end and c.start < cue.end for c in found):
                found.append(cue)

    for rule in language.rules:
        for m in rule.regex.finditer(sentence):
            if rule.unless_attributed:
                if attributed is None:
                    attributed = _attributed(sentence, lang)
                if attributed:
                    continue
            start, end = trim_edges(sentence, *m.span(), _EDGE)
            add([EditorialCue(start, end, sentence[start:end], rule.kind, rule.explanation)])
    recaps = list(found)
    add(_self_references(sentence, language, recaps))
    return sorted(found, key=lambda c: c.start)


class _Sentence(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def text(self) -> str: ...


class _IndexedSentence(_Sentence, Protocol):
    @property
    def index(self) -> int: ...


def text_cues(text: str, sentences: Iterable[S], lang: str) -> list[tuple[S, EditorialCue]]:
    """The cues of each sentence of ``text`` (``sentence.start`` its offset), minus those
    inside a quotation that runs over several sentences of a line: the middle sentence of
    «"Мы считаем это провокацией. И, конечно, наблюдаем за этим", – сказал он» has no quote
    marks of its own, but its «конечно» is the speaker's, not the outlet's."""
    quotes = [m.span() for m in QUOTE_RE.finditer(text)]
    found = []
    for sentence in sentences:
        for cue in editorial_cues(sentence.text, lang):
            start, end = sentence.start + cue.start, sentence.start + cue.end
            if not any(qs < start and end < qe for qs, qe in quotes):
                found.append((sentence, cue))
    return found


def own_voice_sentences(text: str, sentences: Iterable[_IndexedSentence], lang: str) -> list[int]:
    """The indices of the sentences of ``text`` with a cue of :func:`text_cues`, in order:
    what ``editorial_insertion_share`` counts and the comparison's ``editorial_insertions``
    counts among the sentences no other outlet has."""
    return sorted({sentence.index for sentence, _ in text_cues(text, sentences, lang)})


def is_background(sentence: str, lang: str) -> bool:
    """Is the sentence background the outlet adds itself? (rule in the module docstring)"""
    return any(c.kind in {"recap", "background"} for c in editorial_cues(sentence, lang))
