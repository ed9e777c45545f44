"""The score card's labels say what each figure counts (QA, session 19): a card read
"Loaded words per 100 words 3.3", its lines 0.8 and 2.5, then "Distancing hedges per 100
words 2.5", as if hedges were counted twice. They are not: the total holds every kind, the
hedge figure is its hedge line again. The labels now say so, and this checks the claim."""

from __future__ import annotations

import pytest

from framing.ingest import IngestOptions
from framing.report import figures
from framing.scoring import score_one
from framing.text.readers import RawInput

TEXT = (
    "The regime allegedly moved troops, officials said. The so-called referendum was "
    "allegedly planned for May, the report said. Talks were held on Monday in Geneva."
)


@pytest.fixture(scope="module")
def scores() -> dict:
    record = score_one(RawInput(source="t.txt", text=TEXT), IngestOptions(lang="en"), False)
    return dict(record["scores"])


def test_hedges_are_within_the_total_and_the_labels_say_so(scores: dict) -> None:
    by_category = scores["loaded_per_100_words"]
    hedges = scores["hedges_per_100_words"]["value"]
    assert hedges > 0 and len(by_category) >= 2, by_category
    # the hedge figure is the total's hedge line again ...
    assert hedges == by_category["distancing_hedge"]["value"]
    # ... and the total is the sum of its lines (each rounded to 0.1), hedges once
    total = scores["loaded_total_per_100_words"]["value"]
    assert abs(total - sum(f["value"] for f in by_category.values())) <= 0.05 * len(by_category)
    assert total < sum(f["value"] for f in by_category.values()) + hedges - 0.05
    shown = figures()
    assert shown["loaded_total_per_100_words"]["label"].endswith(", all kinds")
    assert "distancing hedges included" in shown["loaded_total_per_100_words"]["help"]
    assert shown["hedges_per_100_words"]["label"].endswith("(within loaded words)")
    assert "not counted twice" in shown["hedges_per_100_words"]["help"]


def test_the_unnamed_sources_line_says_what_it_counts() -> None:
    """qa7: the card said unnamed sources were "sources", "experts" or "media" without a name,
    but Glavcom's «Про це повідомили російські ЗМІ.» counts as a source named (the media, as
    README's table has it), not as an unnamed one: the help may not promise media."""
    text = (
        "Суд засудив журналіста до 16 років. Про це повідомили російські ЗМІ. "
        "За даними джерел, обмін готують."
    )
    record = score_one(RawInput(source="t.txt", text=text), IngestOptions(lang="uk"), False)
    s = record["scores"]
    # the first sentence's source is the line after it that points back at it (session 27)
    assert s["attributed_sentence_share"]["evidence"] == [0, 1, 2]
    assert s["anonymous_source_share"]["evidence"] == [2]  # the sources, not the media
    assert 'or "media" without a name' not in figures()["anonymous_source_share"]["help"]
