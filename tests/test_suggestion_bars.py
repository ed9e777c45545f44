"""The lab measure of suggestion bars and gates on the dev pages (framing.lab.suggestion_bars,
issue 13, session 17): what it counts and what its choice picks."""

from __future__ import annotations

import numpy as np

from framing.lab.suggestion_bars import Page, Setting, choose, fold_of, precision, tally
from framing.text.morphology import word_spans

TEXT = "Водночас цього разу бункерний дід мав ще дивніший вигляд"


def _page(loaded: list[tuple[int, int]], speech: list[tuple[int, int]]) -> Page:
    tokens = word_spans(TEXT)
    probs = np.array([0.1, 0.1, 0.7, 0.95, 0.95, 0.7, 0.1, 0.1, 0.1])
    hit = (TEXT.index("бункерний"), TEXT.index(" мав"))
    page = Page("x", TEXT, "uk", tokens, probs, [hit], speech, loaded)
    page.lexicon_right = 1
    return page


def test_tally_counts_remnants_and_the_gate_removes_them() -> None:
    """The run «разу бункерний дід мав» around a lexicon hit leaves «разу» and «мав»; with
    no gate both are shown (wrong: no loaded word there), with the uk gate neither."""
    page = _page(loaded=[], speech=[])
    off = tally([page], Setting())
    assert (off["suggestions"], off["right"], off["lexicon"]) == (2, 0, 1)
    assert precision(off) == 1 / 3
    on = tally([page], Setting(own_seed=frozenset({"uk"})))
    assert (on["suggestions"], precision(on)) == (0, 1.0)
    assert tally([page], Setting(own_seed=frozenset({"ru", "en"})))["suggestions"] == 2


def test_quoted_suggestions_count_apart_and_the_choice_keeps_the_floor() -> None:
    """A suggestion inside quoted speech is counted as quoted (and right when it overlaps a
    loaded word); the choice takes the most right suggestions among the settings reaching
    the floor, and the most precise one when none does."""
    start = TEXT.index("мав")
    page = _page(loaded=[(start, start + 3)], speech=[(start - 1, len(TEXT))])
    counts = tally([page], Setting())
    assert (counts["right"], counts["quoted"], counts["quoted_right"]) == (1, 1, 1)
    assert precision(counts) == 2 / 3 and precision(counts, voice=True) == 1 / 2
    grid = [Setting(), Setting(own_seed=frozenset({"uk"}))]
    assert choose([page], grid, floor=0.6) == Setting()  # keeps the right one
    assert choose([page], grid, floor=0.9) == grid[1]
    assert fold_of("422", 5) == fold_of("422", 5) and 0 <= fold_of("seed000", 5) < 5
