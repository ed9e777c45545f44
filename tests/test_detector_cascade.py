"""The cascade measurement (framing.lab.detector_cascade): the head's probabilities when
only some words have layer-8 states, and the table's counts."""

from __future__ import annotations

import numpy as np

from framing.lab.detector_cascade import _probs_with_document, table
from framing.text.morphology import word_spans
from framing.wording.detector import inside, load_model, token_probabilities
from framing.wording.lexicon import find_loaded
from framing.wording.word_features import sentence_ids

TEXT = (
    "The corrupt regime's thugs brutally crushed the peaceful protesters. "
    "The council met on Tuesday to discuss the budget. Rain is expected later."
)


def _inputs() -> tuple:
    from framing.lab.detector_cascade import _session19

    model = _session19(load_model("deep"))  # the head session 19 measured: layer-8 document
    tokens = word_spans(TEXT)
    states = np.random.default_rng(3).normal(size=(len(tokens), 384)).astype(np.float32)
    hits = find_loaded(TEXT, "en")
    lexicon = inside([(h.start, h.end) for h in hits], tokens)
    linear = model.linear_logits(TEXT, "en", tokens, hits)
    return model, tokens, states, hits, lexicon, sentence_ids(TEXT, tokens), linear


def test_every_word_kept_is_the_detector_itself() -> None:
    model, tokens, states, hits, lexicon, sentence, linear = _inputs()
    _, expected = token_probabilities(TEXT, "en", model, hits, states)
    keep = np.ones(len(tokens), dtype=bool)
    got = _probs_with_document(model, TEXT, "en", tokens, states, keep, lexicon, sentence, linear)
    assert np.array_equal(got, expected)


def test_skipped_words_get_nothing_and_move_the_document() -> None:
    model, tokens, states, hits, lexicon, sentence, linear = _inputs()
    _, full = token_probabilities(TEXT, "en", model, hits, states)
    keep = np.zeros(len(tokens), dtype=bool)
    keep[:9] = True  # the first sentence only
    got = _probs_with_document(model, TEXT, "en", tokens, states, keep, lexicon, sentence, linear)
    assert not got[~keep].any()
    # the kept words see the kept words' mean as their document: not today's probabilities
    assert not np.allclose(got[keep], full[keep])


def test_table_counts_tokens_and_lost_suggestions() -> None:
    rows = [
        {
            "group": "ptc2020_en",
            "sizes": [10, 30, 60],
            "quick": [0.9, 0.2, 0.6],
            "linear": [0.1, 0.1, 0.1],
            "shown": [(0, 5), (40, 50), (41, 45)],
            "shown_piece": [0, 1, 1],
            "changed": {0.5: (1, 2, 3)},
        }
    ]
    by_group = {r["group"]: r for r in table(rows, "quick", [0.5])}
    row = by_group["ptc2020_en"]
    assert row["f_tokens"] == 0.7  # pieces 0 and 2 kept: 70 of 100 tokens
    assert row["lost_skipped"] == 2 and row["shown"] == 3
    assert (row["doc_lost"], row["doc_added"]) == (1, 2)
    assert by_group["all_news"]["lost_share"] == round(2 / 3, 4)


# --- the cascade at run time (framing.wording.detector, session 20) --------------------------

CASCADE_TEXT = (
    "The corrupt regime's bloodthirsty thugs brutally crushed the peaceful protesters, "
    "a cynical and shameless lie of the puppet junta.\n"
    "The council met on Tuesday to discuss the budget. Rain is expected later in the week. "
    "The meeting lasted two hours."
)


def _cascading(bar: float | None = None) -> tuple:
    """The deep detector with its document feature read from layer 4 and a cascade (the
    shipped one's when it has one; ``bar`` replaces its gate bar), and the same head
    without the cascade (the full pass)."""
    from framing.wording.detector import Model

    deep = load_model("deep")
    cascade = deep.cascade or {"gate": "quick", "bar": 0.5}
    if bar is not None:
        cascade = {**cascade, "bar": bar}
    config = {**deep.config, "document_layer": 4, "cascade": cascade}
    full = Model({**config, "cascade": None}, deep.arrays, deep.thresholds)
    return Model(config, deep.arrays, deep.thresholds), full


def test_the_cut_graph_gives_the_whole_graphs_upper_layers_on_kept_pieces_only() -> None:
    from framing.wording.token_states import load_cascade, load_encoder, pieces

    model, _ = _cascading()
    tokens = word_spans(CASCADE_TEXT)
    whole = load_encoder(model.states_encoder)
    cut = load_cascade(model.states_encoder, 4)
    assert len(pieces(CASCADE_TEXT, tokens)) >= 4
    expected = list(whole.piece_states(CASCADE_TEXT, tokens, [4, 8]))
    lower = list(cut.piece_states(CASCADE_TEXT, tokens, [4]))
    for (part, hidden, _), (_, low, _) in zip(expected, lower, strict=True):
        assert np.array_equal(low[0], hidden[0]), part  # layer 4: the lower part's
    chosen = [0, 2]  # a subset of the pieces, batched anew
    upper = cut.upper_states(
        [CASCADE_TEXT[lower[k][0][0] : lower[k][0][1]] for k in chosen],
        [lower[k][1][0] for k in chosen],
        [8],
    )
    for k, high in zip(chosen, upper, strict=True):
        assert np.array_equal(high[0], expected[k][1][1])  # layer 8, bit for bit


def test_a_kept_piece_is_the_full_pass_and_a_skipped_piece_suggests_nothing() -> None:
    model, full = _cascading()
    tokens, got = token_probabilities(CASCADE_TEXT, "en", model)
    _, expected = token_probabilities(CASCADE_TEXT, "en", full)
    kept = got > 0
    assert kept.any() and not kept.all()  # the loaded sentence kept, the plain ones skipped
    assert np.array_equal(got[kept], expected[kept])  # the document feature reads layer 4
    assert not got[~kept].any()
    first_plain = CASCADE_TEXT.index("The council")
    assert not kept[[k for k, (s, _) in enumerate(tokens) if s >= first_plain]].any()


def test_the_gate_bar_is_read_from_the_config() -> None:
    everything, full = _cascading(bar=0.0)
    _, got = token_probabilities(CASCADE_TEXT, "en", everything)
    _, expected = token_probabilities(CASCADE_TEXT, "en", full)
    assert np.array_equal(got, expected)  # every piece kept: the full pass
    nothing, _ = _cascading(bar=1.01)
    _, got = token_probabilities(CASCADE_TEXT, "en", nothing)
    assert not got.any()


def test_a_head_with_a_lower_document_layer_refuses_its_layers_states_alone() -> None:
    import pytest

    from framing.wording.detector import DetectorError

    _, full = _cascading()
    tokens = word_spans(CASCADE_TEXT)
    states = np.zeros((len(tokens), 384), np.float32)
    with pytest.raises(DetectorError, match="document feature reads layer 4"):
        token_probabilities(CASCADE_TEXT, "en", full, None, states)
    assert full.state_layers == [8, 4]
