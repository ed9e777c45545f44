"""The detector's sequence head: the numpy forward pass shipped for scoring equals the torch
network it is trained as, reads whole sentence pieces, and never looks across them."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lab.detector_gru import arrays_of, network
from framing.wording.detector import DetectorError, Model
from framing.wording.sequence_head import logits, segments

GRU = {"project": 12, "hidden": 6, "dropout": 0.1}


def _net(inputs: int = 10):
    import torch

    torch.manual_seed(3)
    net = network(inputs, GRU)
    net.eval()
    return net


def _torch_logits(net, rows: np.ndarray, pieces: list[tuple[int, int]]) -> np.ndarray:
    import torch

    out = np.zeros(len(rows), np.float32)
    with torch.no_grad():
        for start, end in pieces:
            out[start:end] = net(torch.from_numpy(rows[None, start:end]))[0].numpy()
    return out


def test_segments_are_sentences_cut_to_max_words() -> None:
    sentence = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2])
    assert segments(sentence, 3) == [(0, 3), (3, 6), (6, 8), (8, 9)]
    assert segments(sentence, 64) == [(0, 3), (3, 8), (8, 9)]
    assert segments(np.zeros(0, np.int64), 5) == []


def test_numpy_forward_equals_torch() -> None:
    net = _net()
    rows = np.random.default_rng(0).standard_normal((40, 10)).astype(np.float32)
    sentence = np.repeat([0, 1, 2, 3], [1, 17, 9, 13])
    pieces = segments(sentence, 8)
    expected = _torch_logits(net, rows, pieces)
    got = logits(arrays_of(net), rows, pieces)
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_a_word_is_read_in_its_whole_sentence_and_not_beyond() -> None:
    arrays = arrays_of(_net())
    rows = np.random.default_rng(1).standard_normal((20, 10)).astype(np.float32)
    pieces = [(0, 12), (12, 20)]
    before = logits(arrays, rows, pieces)
    changed = rows.copy()
    changed[11] += 3.0  # the last word of the first sentence, far from word 0
    after = logits(arrays, changed, pieces)
    assert abs(after[0] - before[0]) > 1e-4  # beyond the two neighbours the word head saw
    np.testing.assert_array_equal(after[12:], before[12:])  # the next sentence is untouched


def test_model_asks_for_sentences_with_a_sequence_head() -> None:
    model = Model({"head": "gru", "max_words": 8}, arrays_of(_net()), {})
    rows = np.ones((5, 10), np.float32)
    with pytest.raises(DetectorError, match="sentence number"):
        model.probabilities(rows)
    probs = model.probabilities(rows, np.zeros(5, np.int64))
    assert probs.shape == (5,) and ((probs > 0) & (probs < 1)).all()
