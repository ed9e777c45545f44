"""The detector's sequence head: a bidirectional GRU over the words of a sentence, in numpy.

The per-word head of :mod:`framing.wording.detector` sees a word, its two neighbours and the
document; loaded language often depends on what the word does in its clause (who is called
what, what is said in scorn), which a recurrent pass over the sentence reads. Each word's
input row (:func:`framing.wording.detector.head_inputs`) is projected (linear + GELU), a
GRU runs over the sentence's projected rows in each direction, and a linear output reads
the projection with both GRU states.

Sentences (sentence ends and line breaks, :func:`framing.wording.detector.sentence_ids`)
longer than ``max_words`` are cut into pieces of at most that many words, at training and
at run time alike. The forward pass is written in numpy (scoring workers import neither
torch nor transformers: they stay small and start fast) and follows torch's ``nn.GRU``
equations and weight layout, gate order reset, update, new; the training code
(:mod:`framing.lab.detector_train`) trains the same network in torch, and a test checks that
both give the same probabilities.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

ARRAYS = (
    "proj_w",
    "proj_b",
    "fwd_wi",
    "fwd_wh",
    "fwd_bi",
    "fwd_bh",
    "bwd_wi",
    "bwd_wh",
    "bwd_bi",
    "bwd_bh",
    "out_w",
    "out_b",
)  # the arrays of head.npz, as framing.lab.detector_gru writes them
GELU_C = 0.7978845608  # sqrt(2 / pi), torch's tanh approximation of GELU


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(GELU_C * (x + 0.044715 * x**3)))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def segments(sentence: np.ndarray, max_words: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` word ranges the GRU reads: each sentence, a longer one cut into
    pieces of ``max_words`` words."""
    out: list[tuple[int, int]] = []
    n = len(sentence)
    start = 0
    while start < n:
        end = start + 1
        while end < n and sentence[end] == sentence[start] and end - start < max_words:
            end += 1
        out.append((start, end))
        start = end
    return out


def _run(
    x: np.ndarray, wi: np.ndarray, wh: np.ndarray, bi: np.ndarray, bh: np.ndarray
) -> np.ndarray:
    """One GRU direction over ``x`` (batch, steps, inputs), every sequence of the batch as long
    as ``steps``; returns the states (batch, steps, hidden). ``wi`` is (inputs, 3·hidden),
    ``wh`` (hidden, 3·hidden): torch's ``weight_ih``/``weight_hh`` transposed."""
    batch, steps, _ = x.shape
    size = wh.shape[0]
    gates_in = x @ wi + bi
    h = np.zeros((batch, size), np.float32)
    out = np.empty((batch, steps, size), np.float32)
    for t in range(steps):
        gi = gates_in[:, t]
        gh = h @ wh + bh
        r = sigmoid(gi[:, :size] + gh[:, :size])
        z = sigmoid(gi[:, size : 2 * size] + gh[:, size : 2 * size])
        n = np.tanh(gi[:, 2 * size :] + r * gh[:, 2 * size :])
        h = (1.0 - z) * n + z * h
        out[:, t] = h
    return out


def logits(
    arrays: Mapping[str, np.ndarray], inputs: np.ndarray, pieces: list[tuple[int, int]]
) -> np.ndarray:
    """The head's logit for each row of ``inputs`` (words × input columns); ``pieces`` are
    the word ranges (:func:`segments`) read as one sequence each. Pieces of one length run as
    one batch, so a text costs as many GRU steps as its longest piece, not its word count."""
    projected = gelu(inputs @ arrays["proj_w"] + arrays["proj_b"])
    out = np.zeros(len(inputs), np.float32)
    by_length: dict[int, list[int]] = {}
    for start, end in pieces:
        by_length.setdefault(end - start, []).append(start)
    w = arrays["out_w"]
    for length, firsts in by_length.items():
        rows = np.asarray(firsts)[:, None] + np.arange(length)[None, :]
        x = projected[rows]
        forward = _run(x, arrays["fwd_wi"], arrays["fwd_wh"], arrays["fwd_bi"], arrays["fwd_bh"])
        backward = _run(
            x[:, ::-1], arrays["bwd_wi"], arrays["bwd_wh"], arrays["bwd_bi"], arrays["bwd_bh"]
        )[:, ::-1]
        joined = np.concatenate([x, forward, backward], axis=-1)
        out[rows] = joined @ w + arrays["out_b"][0]
    return out
