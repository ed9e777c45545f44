"""The candidate score's parts that need no model: clause units, word matching, the sum."""

from __future__ import annotations

import numpy as np

from framing.alignment.pair_scores import clause_units, combine, word_match_scores


def test_clause_units_split_quote_attribution_and_second_claim() -> None:
    units = clause_units("«Это полностью не соответствует действительности», — заявил Песков.")
    assert "Это полностью не соответствует действительности" in units
    assert all(u != "«Это полностью" for u in units)
    two = clause_units("The Kremlin denied the report, and Peskov called it pure fiction.")
    assert two == ["The Kremlin denied the report", "and Peskov called it pure fiction."]


def test_clause_units_leave_out_the_whole_sentence_and_short_runs() -> None:
    assert clause_units("Putin spoke to Scholz by phone.") == []
    assert clause_units("Yes, he said.") == []  # each run under three words


def test_word_match_finds_a_short_claim_inside_a_long_sentence() -> None:
    rng = np.random.default_rng(0)
    claim = rng.normal(size=(3, 8)).astype(np.float32)
    noise = rng.normal(size=(9, 8)).astype(np.float32)
    long_with_claim = np.concatenate([noise[:5], claim])
    scores = word_match_scores([claim], [long_with_claim, noise])
    # every word of the claim is in the first sentence: the larger direction is 1.0
    assert scores[0, 0] > 0.99 and scores[0, 1] < scores[0, 0]
    assert word_match_scores([np.zeros((0, 8))], [claim])[0, 0] == 0.0


def test_combine_takes_the_clause_score_less_its_offset_and_adds_words() -> None:
    z = np.array([[2.0, 6.0]])
    clause = np.array([[6.0, 6.0]])
    flat = np.zeros((1, 2))
    # clause_offset 1.0: the clause pair lifts the first pair from 2.0 to 5.0; flat words
    # add nothing
    assert combine(z, clause, flat).tolist() == [[5.0, 6.0]]
    words = np.array([[0.9, 0.1]])
    lifted = combine(z, clause, words)
    assert lifted[0, 0] > 5.0 > lifted[0, 1] - 1.0


def test_clause_units_drop_the_first_or_the_last_segments_never_keep_a_middle_alone() -> None:
    units = clause_units("Peskov told the reporters, the call never took place, and added nothing.")
    assert units == [
        "Peskov told the reporters",
        "Peskov told the reporters the call never took place",
        "and added nothing.",
        "the call never took place and added nothing.",
    ]  # the middle segment alone is no unit
    assert "and added nothing." not in clause_units(
        "Peskov told the reporters, and added nothing.", 4
    )


def test_only_unlinked_sentences_and_those_within_reach_are_cut_into_units(monkeypatch) -> None:
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    cut: list[str] = []

    def fake_embed(texts, embedder, store=None):
        cut.extend(texts)
        return np.ones((len(texts), 2), dtype=np.float32)

    calibration = SimpleNamespace(centre=lambda v, lang: v, z_scores=lambda s, la, lb: s)
    monkeypatch.setattr(pair_scores, "embed_texts", fake_embed)
    monkeypatch.setattr(pair_scores, "_word_scores", lambda a, b, words: np.zeros((3, 3)))
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: SETTINGS | {"reach": 1})
    said = [f"The minister said, in a long speech, that claim {k} holds." for k in range(3)]
    a = SimpleNamespace(id="a", lang="en", sentences=said, vectors=np.zeros((3, 2)))
    b = SimpleNamespace(id="b", lang="en", sentences=said, vectors=np.zeros((3, 2)))
    z = np.zeros((3, 3))
    z[2, 1] = 3.0  # row 2's best counterpart: b's sentence 1
    pair_scores.candidate_scores(a, b, z, calibration, None, None, {}, [2], [])
    units = set(clause_units(said[2], 3)) | set(clause_units(said[1], 3))
    assert set(cut) == units  # a's unlinked sentence 2, and b's 1 within its reach
    cut.clear()
    pair_scores.candidate_scores(a, b, z, calibration, None, None, {}, None, None)
    assert len(cut) == 6 * len(clause_units(said[0], 3))  # without rows and cols: all


SETTINGS = {"clause_offset": 1.0, "token_weight": 1.0, "layer": 3, "min_words": 3}
