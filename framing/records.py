"""The plain records that pass between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a quote kept together with its attribution) of an article's clean text.

    ``start``/``end`` are character offsets into the clean text, ``end`` exclusive, so
    ``clean_text[start:end] == text``.
    """

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RemovedLine:
    """A line of the source that was judged site furniture rather than reporting.

    ``line_no`` is 1-based in the text the cleaner was given; ``reason`` is a short
    machine-readable code (e.g. ``repeated-line``); ``detail`` says why in plain words.
    """

    line_no: int
    text: str
    reason: str
    detail: str


@dataclass
class CleanedText:
    """What the cleaning stage returns: the body, a headline if it found one, the rest."""

    text: str
    title: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)


@dataclass
class Article:
    """An ingested article, ready for the store.

    ``id`` is a hash of the clean text (so the same report ingested twice is one article);
    metadata the pipeline could not establish stays ``None`` rather than being guessed.
    ``cited`` lists outlets the text attributes information to (not its publisher).
    """

    id: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    outlet: str | None = None
    outlet_name: str | None = None
    lang: str | None = None
    lang_confidence: float | None = None
    sentences: list[Sentence] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    cited: list[dict[str, object]] = field(default_factory=list)
    decoding: str | None = None  # how the bytes were read when they were not clean UTF-8
