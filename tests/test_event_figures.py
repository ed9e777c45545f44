"""The comparison's editorial insertions count what the page highlights (issue 13): the
figure (framing.alignment.event_figures) and the marks (framing.wording.profile) read the
editorial cues over the same whole text, so an aside inside a quotation over several
sentences is the speaker's in both, and a wire dateline is no self-promotion in either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framing.alignment.event_figures import event_profiles
from framing.ingest import IngestOptions, build_article
from framing.links import apply_corrections, text_hash
from framing.outlets import load_registry
from framing.records import Sentence
from framing.text.readers import read_inputs
from framing.text.segment import split_sentences
from framing.wording.profile import ArticleText, highlights

from .conftest import ROOT

# profile.ru (tests/gold/fresh_pages/403): Peskov's quote runs over three sentences; the
# middle one has no quote marks of its own, so alone its «конечно» looks like the outlet's.
QUOTE = (
    '"Мы считаем это чрезвычайно вызывающей провокацией – не менее. И, конечно, '
    'внимательно наблюдаем за этим. <…> Киевский режим – он достаточно непредсказуемый", '
    "– сказал представитель Кремля. И, конечно, это не всё."
)
# Wire datelines of fresh real pages (405 Interfax, 414 TASS, 417 Reuters via swissinfo).
DATELINES = [
    (
        "ru",
        "Москва. 19 сентября. ИНТЕРФАКС - Пресс-секретарь президента РФ Дмитрий Песков "
        "назвал враньем обвинения Киева в адрес РФ. Напомним, что ранее об этом писал ТАСС.",
    ),
    (
        "en",
        "MOSCOW, June 26. /TASS/. Russian Presidential Spokesman Dmitry Peskov has denied "
        "speculation circulated on some Telegram channels. He gave no details.",
    ),
    (
        "en",
        "MOSCOW (Reuters) – An aborted 2022 peace deal between Russia and Ukraine could be "
        "the basis for new negotiations, Kremlin spokesman Dmitry Peskov said on Friday.",
    ),
]
OTHER = {"id": "y", "lang": "en", "text": "Nothing was agreed."}


def marked(text: str, sentences: list[Sentence], lang: str) -> list[int]:
    """The sentences the page marks as the outlet's own voice (``framing score``, web view)."""
    found = highlights(ArticleText(text, sentences, lang), with_model=False)
    return sorted({h["sentence"] for h in found if h["source"] == "insertion"})


def comparison(text: str, sentences: list[Sentence], lang: str) -> dict[str, Any]:
    """A comparison of the article with an unrelated one: no sentence of it is shared, so
    the figure counts every sentence with a cue."""
    rows = [{"x": [s.index]} for s in sentences] + [{"y": [0]}]
    return {
        "articles": [
            {"id": "x", "lang": lang, "sentences": [vars(s) for s in sentences]},
            {
                "id": "y",
                "lang": OTHER["lang"],
                "sentences": [{"index": 0, "start": 0, "end": 19, "text": OTHER["text"]}],
            },
        ],
        "pairs": [{"a": "x", "b": "y", "links": [], "only_a": [], "only_b": [0]}],
        "claims": rows,
        "insertions": [],
        "quotes": [],
    }


def counted(result: dict[str, Any], text: str) -> list[int]:
    texts = {"x": text, "y": OTHER["text"]}
    profiles = event_profiles(result, {}, texts.__getitem__)
    return list(profiles["x"]["editorial_insertions"]["evidence"])


def test_an_aside_inside_a_quote_over_sentences_is_counted_nowhere() -> None:
    sentences = split_sentences(QUOTE, "ru")
    last = next(s.index for s in sentences if s.text.startswith("И, конечно, это"))
    assert marked(QUOTE, sentences, "ru") == [last]
    assert counted(comparison(QUOTE, sentences, "ru"), QUOTE) == [last]


@pytest.mark.parametrize(("lang", "text"), DATELINES)
def test_a_wire_dateline_is_counted_nowhere(lang: str, text: str) -> None:
    sentences = split_sentences(text, lang)
    on_page = marked(text, sentences, lang)
    assert 0 not in on_page
    assert counted(comparison(text, sentences, lang), text) == on_page


def test_a_readers_correction_recounts_from_the_whole_text() -> None:
    sentences = split_sentences(QUOTE, "ru")
    result = comparison(QUOTE, sentences, "ru")
    texts = {"x": QUOTE, "y": OTHER["text"]}
    result["profiles"] = event_profiles(result, {}, texts.__getitem__)
    # a reader links the quotation's first sentence to the other report's: the figure is
    # counted again, over the whole text, and still leaves the speaker's aside out
    first = sentences[0]
    correction = {
        "id": 1,
        "verdict": "added",
        "a_article": "x",
        "a_start": first.start,
        "a_end": first.end,
        "a_hash": text_hash(first.text),
        "b_article": "y",
        "b_start": 0,
        "b_end": 19,
        "b_hash": text_hash(OTHER["text"]),
    }
    corrected = apply_corrections(result, [correction], texts.__getitem__)
    assert {"x": [0], "y": [0]} in corrected["claims"]
    figure = corrected["profiles"]["x"]["editorial_insertions"]
    assert figure["evidence"] == marked(QUOTE, sentences, "ru")
    with pytest.raises(ValueError, match="text_of"):
        apply_corrections(result, [correction])


GOLD = sorted(
    path
    for folder in (
        "corpus/seeds",
        "tests/gold/real_articles",
        "tests/gold/fresh_pages",
        "tests/gold/real_events_articles",
    )
    for path in (ROOT / folder).iterdir()
    if path.suffix in {".json", ".txt"}
)


@pytest.mark.parametrize("path", GOLD, ids=[p.name for p in GOLD])
def test_the_figure_counts_what_the_page_marks_on_real_pages(path: Path) -> None:
    [raw] = read_inputs([str(path)], 10**7)
    article = build_article(raw, IngestOptions(), load_registry())
    if article.lang is None:
        pytest.skip("no language")
    result = comparison(article.text, article.sentences, article.lang)
    assert counted(result, article.text) == marked(article.text, article.sentences, article.lang)
