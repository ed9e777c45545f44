"""Training the detector's sequence head (:mod:`framing.wording.sequence_head`) in torch.

The network is the run-time one: each word's input row projected (linear + GELU, dropout
while training), a bidirectional GRU over each sentence piece, a linear output over the
projection and both GRU states. Pieces of one length form a batch (at most
``gru.batch_words`` words), so no padding enters the GRU and the torch pass equals the numpy
one word for word. AdamW, class-weighted cross-entropy like the per-word head, fixed seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from framing.wording.sequence_head import segments


def _batches(
    starts: np.ndarray, pieces: Sequence[list[tuple[int, int]]], budget: int, generator: Any
) -> list[np.ndarray]:
    """Row-index matrices (pieces × length) of the concatenated examples, one length each,
    shuffled within a length when ``generator`` is given."""
    import torch

    by_length: dict[int, list[int]] = {}
    for first, mine in zip(starts, pieces, strict=True):
        for lo, hi in mine:
            by_length.setdefault(hi - lo, []).append(int(first) + lo)
    out = []
    for length in sorted(by_length):
        rows = np.asarray(by_length[length])
        if generator is not None:
            rows = rows[torch.randperm(len(rows), generator=generator).numpy()]
        per = max(1, budget // length)
        for k in range(0, len(rows), per):
            out.append(rows[k : k + per, None] + np.arange(length)[None, :])
    return out


def network(inputs: int, gru: dict[str, Any]) -> Any:
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            size, hidden = int(gru["project"]), int(gru["hidden"])
            self.proj = torch.nn.Linear(inputs, size)
            self.drop = torch.nn.Dropout(float(gru["dropout"]))
            self.gru = torch.nn.GRU(size, hidden, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(size + 2 * hidden, 1)

        def forward(self, x: Any) -> Any:
            h = self.drop(torch.nn.functional.gelu(self.proj(x), approximate="tanh"))
            g, _ = self.gru(h)
            return self.out(torch.cat([h, self.drop(g)], -1)).squeeze(-1)

    return Net()


def arrays_of(net: Any) -> dict[str, np.ndarray]:
    """The numpy arrays :func:`framing.wording.sequence_head.logits` reads."""

    def array(tensor: Any) -> np.ndarray:
        return tensor.detach().numpy().astype(np.float32).copy()

    g = net.gru
    return {
        "proj_w": array(net.proj.weight).T.copy(),
        "proj_b": array(net.proj.bias),
        "fwd_wi": array(g.weight_ih_l0).T.copy(),
        "fwd_wh": array(g.weight_hh_l0).T.copy(),
        "fwd_bi": array(g.bias_ih_l0),
        "fwd_bh": array(g.bias_hh_l0),
        "bwd_wi": array(g.weight_ih_l0_reverse).T.copy(),
        "bwd_wh": array(g.weight_hh_l0_reverse).T.copy(),
        "bwd_bi": array(g.bias_ih_l0_reverse),
        "bwd_bh": array(g.bias_hh_l0_reverse),
        "out_w": array(net.out.weight)[0].copy(),
        "out_b": array(net.out.bias),
    }


def fit_gru(
    inputs: Sequence[np.ndarray],
    labels: Sequence[np.ndarray],
    sentences: Sequence[np.ndarray],
    settings: dict[str, Any],
) -> dict[str, np.ndarray]:
    """Train the sequence head on the examples' input rows, gold labels and sentence ids."""
    import torch

    gru = settings["gru"]
    seed = int(settings["seed"])
    torch.manual_seed(seed)
    torch.set_num_threads(int(gru["threads"]))
    x = torch.from_numpy(np.concatenate(list(inputs)))
    y = torch.from_numpy(np.concatenate(list(labels)).astype(np.float32))
    starts = np.cumsum([0] + [len(rows) for rows in inputs])[:-1]
    pieces = [segments(s, int(gru["max_words"])) for s in sentences]
    positives = float(y.sum())
    pos_weight = ((len(y) - positives) / max(positives, 1.0)) ** float(settings["balance"])
    net = network(x.shape[1], gru)
    optimiser = torch.optim.AdamW(
        net.parameters(), lr=float(gru["lr"]), weight_decay=float(settings["weight_decay"])
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight))
    generator = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(int(gru["epochs"])):
        batches = _batches(starts, pieces, int(gru["batch_words"]), generator)
        for b in torch.randperm(len(batches), generator=generator).tolist():
            rows = torch.from_numpy(batches[b])
            optimiser.zero_grad()
            loss = loss_fn(net(x[rows].float()), y[rows])
            loss.backward()
            optimiser.step()
    net.eval()
    return arrays_of(net)
