"""Cache the subword states BELOW the detector's tuned encoder layer, for fine-tuning it.

Fine-tuning the top of e5-small through all its layers costs about 50 minutes an epoch on two
cores. The layers below the tuned one stay frozen, so their output is computed once, through
the same int8 graph run time uses (:mod:`framing.wording.state_graph`), and kept on disk per
set and split: every piece's subword states after layer ``below`` (float16, special tokens
included; the attention mask is all ones over a piece's own length), and which word of the
record each subword overlaps. A training step then runs the tuned layer(s) and the head on
these inputs only (:mod:`framing.lab.detector_tune`).

Files (in the cache folder of :func:`framing.lab.detector_states.default_cache`): one ``.npz``
of metadata (each record's first word row and first piece; each piece's first subword row,
length and first word; the (subword row, word row) pairs of the pooling; word offsets; gold
labels) and one ``.npy`` of states.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_states import default_cache
from framing.lab.loaded_data import Doc, read_sets, token_labels
from framing.text.morphology import word_spans
from framing.wording.state_graph import recipe_key
from framing.wording.token_states import load_encoder

CACHE_VERSION = 1


@dataclass
class SubwordSet:
    """Subword states of one set and split, with the word-level facts training needs."""

    docs: list[Doc]
    word_start: np.ndarray  # (records + 1,) first word row of each record
    piece_start: np.ndarray  # (records + 1,) first piece of each record
    piece_row: np.ndarray  # (pieces + 1,) first subword row of each piece
    pairs: np.ndarray  # (n, 2) subword row, word row: the subword overlaps the word
    offsets: np.ndarray  # (words, 2) word character offsets in their record
    labels: np.ndarray  # (words,) bool
    states: np.ndarray  # (subwords, dim) float16, memory-mapped


def _stem(folder: Path, set_name: str, split: str, encoder: dict[str, Any], below: int) -> Path:
    key = recipe_key(encoder)
    return folder / f"sub{CACHE_VERSION}-{set_name}-{split}-enc{key}-L{below}"


def build(
    data_dir: Path,
    set_name: str,
    split: str,
    below: int,
    encoder: dict[str, Any],
    folder: Path | None = None,
    progress: bool = True,
) -> SubwordSet:
    """The subword states after layer ``below`` of the ``encoder`` recipe for every record of
    ``set_name``/``split``, from the cache or encoded now."""
    folder = folder or default_cache()
    stem = _stem(folder, set_name, split, encoder, below)
    docs = read_sets(Path(data_dir), [set_name], split=split)
    digest = hashlib.sha256("".join(d.id + d.text for d in docs).encode()).hexdigest()
    meta_path = stem.with_suffix(".json")
    if meta_path.is_file() and json.loads(meta_path.read_text())["digest"] == digest:
        return _read(stem, docs)
    folder.mkdir(parents=True, exist_ok=True)
    encoder_run = load_encoder(encoder)
    chunks: list[np.ndarray] = []
    pairs: list[tuple[int, int]] = []
    offsets: list[tuple[int, int]] = []
    labels: list[bool] = []
    word_start, piece_start, piece_row = [0], [0], [0]
    for n, doc in enumerate(docs, 1):
        tokens = word_spans(doc.text)
        base_word = len(offsets)
        found = sorted(
            encoder_run.piece_states(doc.text, tokens, [below]), key=lambda item: item[0][2]
        )
        for (start, _, first, last), hidden, piece_offsets in found:
            row0 = piece_row[-1]
            for w, r in _overlaps(piece_offsets, tokens, start, first, last):
                pairs.append((row0 + r, base_word + w))
            chunks.append(hidden[0].astype(np.float16))
            piece_row.append(row0 + hidden.shape[1])
        offsets.extend(tokens)
        labels.extend(token_labels(tokens, doc.gold))
        word_start.append(len(offsets))
        piece_start.append(len(piece_row) - 1)
        if progress and n % 100 == 0:
            print(f"{set_name}/{split}: {n}/{len(docs)}", file=sys.stderr, flush=True)
    states = np.concatenate(chunks) if chunks else np.zeros((0, 384), np.float16)
    np.save(f"{stem}.npy", states)
    np.savez(
        f"{stem}.npz",
        word_start=np.array(word_start, np.int64),
        piece_start=np.array(piece_start, np.int64),
        piece_row=np.array(piece_row, np.int64),
        pairs=np.array(pairs, np.int64).reshape(-1, 2),
        offsets=np.array(offsets, np.int64).reshape(-1, 2),
        labels=np.array(labels, bool),
    )
    meta_path.write_text(json.dumps({"digest": digest, "below": below}))
    return _read(stem, docs)


def _overlaps(
    offsets: list[tuple[int, int]], tokens: list[tuple[int, int]], base: int, first: int, last: int
) -> list[tuple[int, int]]:
    """(word, subword row) for each subword overlapping each word ``first … last-1`` (the
    same overlap rule as :func:`framing.wording.token_states._pool`)."""
    subwords = [(s + base, e + base, r) for r, (s, e) in enumerate(offsets) if e > s]
    found = []
    j = 0
    for w in range(first, last):
        ws, we = tokens[w]
        while j < len(subwords) and subwords[j][1] <= ws:
            j += 1
        k = j
        while k < len(subwords) and subwords[k][0] < we:
            found.append((w, subwords[k][2]))
            k += 1
    return found


def _read(stem: Path, docs: list[Doc]) -> SubwordSet:
    with np.load(f"{stem}.npz") as data:
        meta = {name: data[name] for name in data.files}
    return SubwordSet(
        docs,
        meta["word_start"],
        meta["piece_start"],
        meta["piece_row"],
        meta["pairs"],
        meta["offsets"],
        meta["labels"],
        np.load(f"{stem}.npy", mmap_mode="r"),
    )


if __name__ == "__main__":  # python -m framing.lab.detector_subwords DATA SET SPLIT BELOW
    from framing.lab.detector_train import training_settings

    data, name, split, below = sys.argv[1:]
    cached = build(Path(data), name, split, int(below), training_settings()["encoder"])
    print(name, split, len(cached.states), "subwords", len(cached.labels), "words")
