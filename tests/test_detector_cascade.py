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
