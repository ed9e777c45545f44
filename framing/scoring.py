"""Batch scoring: one framing profile per input article, streamed.

Inputs are read lazily and scored in bounded batches, so memory stays flat however many
articles come in; with several workers, batches are spread over processes and results
still come out in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from itertools import chain, islice
from typing import Any

from framing.errors import InputRefused
from framing.ingest import IngestOptions, build_article
from framing.outlets import load_registry
from framing.records import Article
from framing.settings import setting
from framing.text.readers import RawInput
from framing.wording.lexicon import LANGUAGES
from framing.wording.profile import ArticleText, highlights, profile, title_highlights

HIGHLIGHT_FIELDS = (
    "sentence",
    "start",
    "end",
    "text",
    "matched",
    "category",
    "source",
    "explanation",
    "neutral",
    "confidence",
    "note",
)
BATCH = 32
# the most characters of article text whose encoder states a worker holds at once when it
# encodes a group's articles together (about 30k subword tokens, 45 MB of states); an
# article longer than that is encoded alone, as before groups
TOGETHER_CHARS = 100_000


def score_one(
    raw: RawInput, options: IngestOptions, with_model: bool = True, recall: bool = False
) -> dict[str, Any]:
    """The record for one input, or ``{"refused": source, "reason": ...}``; ``recall``: see
    :func:`framing.wording.profile.highlights`. The record's ``detector`` names the
    detector whose suggestions it holds (``deep`` or ``quick``, the setting as this process
    reads it; None without suggestions): the two find different things, and a corpus
    scored in parts must not mix them unseen."""
    return score_many([raw], options, with_model, recall)[0]


def score_many(
    raws: list[RawInput], options: IngestOptions, with_model: bool = True, recall: bool = False
) -> list[dict[str, Any]]:
    """:func:`score_one` of each input, the detector's encoder run over the pieces of all
    their articles at once (:func:`framing.wording.detector.states_together`): fuller
    batches, the same records."""
    articles: list[Article | dict[str, Any]] = []
    for raw in raws:
        try:
            articles.append(build_article(raw, options, load_registry()))
        except InputRefused as refusal:
            articles.append({"refused": refusal.source, "reason": refusal.reason})
    records: list[dict[str, Any]] = []
    for start, end in _parts(articles):
        texts = [
            a.text for a in articles[start:end] if isinstance(a, Article) and a.lang in LANGUAGES
        ]
        together: AbstractContextManager[Any] = nullcontext()
        if with_model:
            from framing.wording.detector import states_together

            together = states_together(texts)
        with together:
            records += [
                _record(raw, a, with_model, recall) if isinstance(a, Article) else a
                for raw, a in zip(raws[start:end], articles[start:end], strict=True)
            ]
    return records


def _parts(articles: list[Article | dict[str, Any]]) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive runs of ``articles`` whose texts hold at most
    :data:`TOGETHER_CHARS` characters together (a longer article is a run of its own)."""
    parts: list[tuple[int, int]] = []
    start, size = 0, 0
    for k, article in enumerate(articles):
        length = len(article.text) if isinstance(article, Article) else 0
        if k > start and size + length > TOGETHER_CHARS:
            parts.append((start, k))
            start, size = k, 0
        size += length
    if start < len(articles):
        parts.append((start, len(articles)))
    return parts


def _record(raw: RawInput, article: Article, with_model: bool, recall: bool) -> dict[str, Any]:
    text = ArticleText(article.text, article.sentences, article.lang)
    found = highlights(text, with_model, recall)
    return {
        "id": article.id,
        "input_id": raw.fields.get("id"),
        "source": raw.source,
        # how a text that was not clean UTF-8 was read (a code-page guess to check), as
        # ingest reports it; score said nothing of it (QA, session 20)
        "decoding": raw.decoding,
        "url": article.url,
        "outlet": article.outlet,
        "lang": article.lang,
        "date": article.date,
        "title": article.title,
        "detector": _detector_name() if with_model else None,
        "scores": profile(text, found),
        "highlights": [{k: h.get(k) for k in HIGHLIGHT_FIELDS} for h in found],
        "title_highlights": [
            {k: h.get(k) for k in HIGHLIGHT_FIELDS}
            for h in title_highlights(article.title, article.lang)
        ],
    }


def _detector_name() -> str:
    from framing.wording.detector import variant

    return variant()


class _Flat:
    """A pool's pending result of groups of records, read as one list of records."""

    def __init__(self, groups: Any) -> None:
        self.groups = groups

    def get(self) -> list[dict[str, Any]]:
        return [record for group in self.groups.get() for record in group] if self.groups else []


def _in_order(batch: list[Any], scored: Any) -> Iterator[dict[str, Any]]:
    """The records of ``batch`` in input order: refusals as they came, the others from
    ``scored`` (an iterator, or a pool's pending result)."""
    records = iter(scored.get() if hasattr(scored, "get") else scored)
    for item in batch:
        if isinstance(item, InputRefused):
            yield {"refused": item.source, "reason": item.reason}
        else:
            yield next(records)


def _score_group(args: tuple[list[RawInput], IngestOptions, bool, bool]) -> list[dict[str, Any]]:
    return score_many(*args)


def _worker_threads(threads: int) -> None:
    """Each worker's share of the cores for the detector's encoder and for numpy's BLAS
    (``workers`` pools of ``cores`` threads each would only wait on one another: under load
    the detector head's matrix product was about 50 times slower with two BLAS threads a
    worker than with one)."""
    from threadpoolctl import threadpool_limits

    from framing.wording.token_states import set_threads

    set_threads(threads)
    threadpool_limits(limits=threads)  # for the life of this worker process


def score_stream(
    inputs: Iterable[RawInput | InputRefused],
    options: IngestOptions | None = None,
    workers: int = 1,
    with_model: bool = True,
    recall: bool = False,
) -> Iterator[dict[str, Any]]:
    """Records in input order; refusals as ``{"refused", "reason"}`` records."""
    options = (options or IngestOptions()).validate()
    iterator = iter(inputs)
    pool = None
    if workers > 1:
        import multiprocessing
        import os

        share = max(1, (os.cpu_count() or 1) // workers)
        pool = multiprocessing.get_context("spawn").Pool(
            workers, initializer=_worker_threads, initargs=(share,)
        )
    try:
        # With a pool the next batch is handed out before this one's records are written,
        # a group of articles at a time: a worker done with its share takes the next batch's
        # first group instead of waiting for the other to finish a long one (with a batch
        # at a time, in chunks of 8, the workers of bench_score idled at every batch's end).
        # Two batches in flight at most: memory stays bounded.
        # A job is a group of articles a worker scores together (score_many).
        together = max(1, int(setting("score_articles_together")))
        pending: tuple[list[Any], Any] | None = None
        while True:
            batch = list(islice(iterator, BATCH * max(1, workers)))
            raws = [item for item in batch if isinstance(item, RawInput)]
            jobs = [
                (raws[k : k + together], options, with_model, recall)
                for k in range(0, len(raws), together)
            ]
            if pool is None:
                scored: Any = chain.from_iterable(map(_score_group, jobs))
            else:
                groups = pool.map_async(_score_group, jobs, chunksize=1) if batch else None
                scored = _Flat(groups)
            if pending is not None:
                yield from _in_order(*pending)
            if not batch:
                break
            pending = (batch, scored)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
