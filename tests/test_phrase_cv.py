"""The lab of the phrase completion (framing/lab/phrase_cv.py): its length summaries."""

from __future__ import annotations

from framing.lab.loaded_data import Doc
from framing.lab.phrase_cv import _highlight_lengths, gold_lengths

TEXT = "Он назвал их так называемыми экспертами и лжецами из Киева вчера."


def span(words: str) -> tuple[int, int]:
    start = TEXT.index(words)
    return start, start + len(words)


def test_gold_and_highlights_are_summed_up_alike():
    # gold: two overlapping spans merge into one of 7 words; and one of 1 word
    gold = (span("так называемыми экспертами"), span("экспертами и лжецами из Киева"),
            span("Он"))  # fmt: skip
    doc = Doc("1", "semeval", "ru", TEXT, gold)
    assert gold_lengths([doc]) == {"median": 7, "mean": 4.0, "one_word": 0.5, "four_or_more": 0.5}
    highlights = [(*span("так называемыми"), "x"), (*span("лжецами"), "x"), (*span("Он"), "x")]
    assert _highlight_lengths([(doc, highlights)]) == {
        "median": 1,
        "mean": 1.33,
        "one_word": 0.667,
        "four_or_more": 0.0,
    }
    assert gold_lengths([]) == {} and _highlight_lengths([(doc, [])]) == {}
