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
    return 0.5 * x * (1.0 + np.tanh(GELU_C * (x + 0.044715 * x * x * x)))


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
    x: np.ndarray,
    valid: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    reverse: bool,
) -> np.ndarray:
    """One GRU direction over ``x`` (pieces, steps, inputs), padded: ``valid`` (pieces,
    steps) marks real words, padding at the end of a piece. A state stays at zero over
    padding, so reading backwards a piece starts at its own last word, as torch's GRU does
    on that piece alone. ``weights`` are torch's ``weight_ih``, ``weight_hh`` transposed,
    (inputs, 3·hidden) and (hidden, 3·hidden), then ``bias_ih`` and ``bias_hh``."""
    wi, wh, bi, bh = weights
    pieces, steps, _ = x.shape
    size = wh.shape[0]
    gates_in = x @ wi + bi
    h = np.zeros((pieces, size), np.float32)
    out = np.zeros((pieces, steps, size), np.float32)
    for t in range(steps - 1, -1, -1) if reverse else range(steps):
        gi = gates_in[:, t]
        gh = h @ wh + bh
        r = sigmoid(gi[:, :size] + gh[:, :size])
        z = sigmoid(gi[:, size : 2 * size] + gh[:, size : 2 * size])
        n = np.tanh(gi[:, 2 * size :] + r * gh[:, 2 * size :])
        h = np.where(valid[:, t, None], (1.0 - z) * n + z * h, h)
        out[:, t] = h
    return out


def logits(
    arrays: Mapping[str, np.ndarray], inputs: np.ndarray, pieces: list[tuple[int, int]]
) -> np.ndarray:
    """The head's logit for each row of ``inputs`` (words × input columns); ``pieces`` are
    the word ranges (:func:`segments`) read as one sequence each. All pieces run as one
    padded batch, so a text costs as many GRU steps as its longest piece, not its word
    count."""
    projected = gelu(inputs @ arrays["proj_w"] + arrays["proj_b"])
    if not pieces:
        return np.zeros(0, np.float32)
    lengths = np.array([end - start for start, end in pieces])
    firsts = np.array([start for start, _ in pieces])
    steps = int(lengths.max())
    valid = np.arange(steps)[None, :] < lengths[:, None]
    rows = np.where(valid, firsts[:, None] + np.arange(steps)[None, :], 0)
    x = projected[rows] * valid[:, :, None]
    directions = [
        _run(x, valid, tuple(arrays[f"{d}_{k}"] for k in ("wi", "wh", "bi", "bh")), d == "bwd")  # type: ignore[arg-type]
        for d in ("fwd", "bwd")
    ]
    joined = np.concatenate([x, *directions], axis=-1)
    out = np.zeros(len(inputs), np.float32)
    out[rows[valid]] = (joined @ arrays["out_w"] + arrays["out_b"][0])[valid]
    return out
