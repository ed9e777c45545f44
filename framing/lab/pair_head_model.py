"""The cross-attention pair head of :mod:`framing.lab.pair_head` and its training (torch).

An example is (token states of sentence a, token states of sentence b, label, weight);
classes are balanced by weight. Training is seeded and single-process; at most 2 threads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

Example = tuple[np.ndarray, np.ndarray, int, float]


class PairHead(nn.Module):
    """Each token of one sentence attends over the other's; its coverage is scored from
    [x, attended, x * attended, x - attended]; a learned token weighting pools each side;
    one logit from both sides, their max and their min."""

    def __init__(self, dim: int = 384, hidden: int = 64) -> None:
        super().__init__()
        self.proj = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, hidden))
        self.compare = nn.Sequential(nn.Linear(4 * hidden, hidden), nn.GELU(), nn.Linear(hidden, 1))
        self.importance = nn.Linear(hidden, 1)
        self.scale = nn.Parameter(torch.tensor(10.0))
        self.out = nn.Linear(4, 1)

    def side(self, x: Any, y: Any, mask_x: Any, mask_y: Any) -> Any:
        unit_x, unit_y = nn.functional.normalize(x, dim=-1), nn.functional.normalize(y, dim=-1)
        attention = torch.einsum("bnd,bmd->bnm", unit_x, unit_y) * self.scale
        attended = attention.masked_fill(~mask_y[:, None, :], -1e4).softmax(-1) @ y
        covered = self.compare(torch.cat([x, attended, x * attended, x - attended], -1))
        weight = self.importance(x).squeeze(-1).masked_fill(~mask_x, -1e4).softmax(-1)
        return (weight * covered.squeeze(-1)).sum(-1)

    def forward(self, a: Any, mask_a: Any, b: Any, mask_b: Any) -> Any:
        x, y = self.proj(a), self.proj(b)
        ca, cb = self.side(x, y, mask_a, mask_b), self.side(y, x, mask_b, mask_a)
        both = torch.stack([ca, cb, torch.maximum(ca, cb), torch.minimum(ca, cb)], -1)
        return self.out(both).squeeze(-1)


def padded(states: list[np.ndarray], cap: int = 64) -> tuple[Any, Any]:
    """A batch of token states padded (cut) to the longest (``cap``), with its mask."""
    length = min(max(len(s) for s in states), cap)
    out = np.zeros((len(states), length, states[0].shape[1]), np.float32)
    mask = np.zeros((len(states), length), bool)
    for k, s in enumerate(states):
        s = s[:length]
        out[k, : len(s)] = s
        mask[k, : len(s)] = True
    return torch.from_numpy(out), torch.from_numpy(mask)


def train(
    examples: list[Example], seed: int = 0, epochs: int = 4, lr: float = 3e-3, batch: int = 128
) -> PairHead:
    torch.set_num_threads(min(2, torch.get_num_threads()))
    torch.manual_seed(seed)
    order_rng = np.random.default_rng(seed)
    model = PairHead()
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    positive = sum(w for *_, y, w in examples if y == 1)
    negative = sum(w for *_, y, w in examples if y == 0)
    for _ in range(epochs):
        order = order_rng.permutation(len(examples))
        for start in range(0, len(order), batch):
            chunk = [examples[k] for k in order[start : start + batch]]
            a, mask_a = padded([c[0] for c in chunk])
            b, mask_b = padded([c[1] for c in chunk])
            y = torch.tensor([c[2] for c in chunk], dtype=torch.float32)
            w = torch.tensor([c[3] * (negative / positive if c[2] else 1.0) for c in chunk])
            logits = model(a, mask_a, b, mask_b)
            loss = nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")
            loss = (loss * w).sum() / w.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return model


@torch.inference_mode()
def predict(model: PairHead, pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    out = [np.zeros(0, np.float32)]
    for start in range(0, len(pairs), 256):
        chunk = pairs[start : start + 256]
        a, mask_a = padded([c[0] for c in chunk])
        b, mask_b = padded([c[1] for c in chunk])
        out.append(model(a, mask_a, b, mask_b).numpy())
    return np.concatenate(out)
