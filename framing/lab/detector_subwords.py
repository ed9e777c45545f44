"""Cache the subword states BELOW the detector's tuned encoder layer, for fine-tuning it.

Fine-tuning the top of e5-small through all its layers costs about 50 minutes an epoch on two
cores. The layers below the tuned one stay frozen, so their output is computed once, through
the graph run time reads the head's states through (:mod:`framing.wording.state_graph`: the
artifact's ``states_encoder``, else its ``encoder``), and kept on disk per set and split:
every piece's subword states after layer ``below`` (float16, special tokens included; the
attention mask is all ones over a piece's own length), and which word of the record each
subword overlaps. A training step then runs the tuned layer(s) and the head on these inputs
only (:mod:`framing.lab.detector_tune`).

``words``: layers whose word states (each word's mean subword state, float16) are kept too,
from the same pass and pooled as run time pools them
(:meth:`~framing.wording.token_states.StateEncoder.word_states`, the pass shared): the
frozen head's inputs of the comparison, at no second pass. ``folds``: only the train
records of those folds (:func:`framing.lab.loaded_data.fold_of`), e.g. a held-out fold of a
set that is measured but not trained on.

Files (in the cache folder of :func:`framing.lab.detector_states.default_cache`): one ``.npz``
of metadata (each record's first word row and first piece; each piece's first subword row,
length and first word; the (subword row, word row) pairs of the pooling; word offsets; gold
labels) and one ``.npy`` of states, plus one ``.npy`` of word states per layer of ``words``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_states import default_cache, runtime_precision
from framing.lab.loaded_data import Doc, fold_of, read_sets, token_labels
from framing.text.morphology import word_spans
from framing.wording.state_graph import recipe_key
from framing.wording.token_states import load_encoder, shared_passes

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
    words: dict[int, np.ndarray] = field(default_factory=dict)  # layer -> (words, dim) float16


def _stem(
    folder: Path,
    set_name: str,
    split: str,
    encoder: dict[str, Any],
    below: int,
    folds: Sequence[int] | None = None,
    dtype: str = "float16",
    precision: str | None = None,
) -> Path:
    key = recipe_key(encoder)
    only = "-f" + "".join(str(k) for k in sorted(folds)) if folds is not None else ""
    wide = "" if dtype == "float16" else f"-{dtype}"
    run = f"-{precision}" if precision else ""  # as detector_states: bf16 and f32 apart
    return folder / f"sub{CACHE_VERSION}-{set_name}-{split}{only}-enc{key}-L{below}{wide}{run}"


def build(
    data_dir: Path,
    set_name: str,
    split: str,
    below: int,
    encoder: dict[str, Any],
    folder: Path | None = None,
    progress: bool = True,
    words: Sequence[int] = (),
    folds: Sequence[int] | None = None,
    dtype: str = "float16",
) -> SubwordSet:
    """The subword states after layer ``below`` of the ``encoder`` recipe for every record of
    ``set_name``/``split`` (of ``folds`` only, when given), and the word states after each
    layer of ``words``, from the cache or encoded now; ``dtype``: the states' (float32 to
    check that the tuned net reproduces run time's probabilities without rounding)."""
    folder = folder or default_cache()
    precision = runtime_precision(encoder)
    stem = _stem(folder, set_name, split, encoder, below, folds, dtype, precision)
    docs = read_sets(Path(data_dir), [set_name], split=split)
    if folds is not None:
        docs = [d for d in docs if fold_of(d.id) in set(folds)]
    digest = hashlib.sha256("".join(d.id + d.text for d in docs).encode()).hexdigest()
    meta_path = stem.with_suffix(".json")
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta["digest"] == digest and set(words) <= set(meta.get("words", [])):
            return _read(stem, docs, words)
    folder.mkdir(parents=True, exist_ok=True)
    encoder_run = load_encoder(encoder)
    if words and not encoder_run.batch_invariant:
        raise ValueError("word states from the same pass need a batch-invariant graph")
    chunks: list[np.ndarray] = []
    word_chunks: dict[int, list[np.ndarray]] = {layer: [] for layer in words}
    pairs: list[tuple[int, int]] = []
    offsets: list[tuple[int, int]] = []
    labels: list[bool] = []
    word_start, piece_start, piece_row = [0], [0], [0]
    for n, doc in enumerate(docs, 1):
        tokens = word_spans(doc.text)
        base_word = len(offsets)
        with shared_passes():  # the word states below read the pieces' pass
            found = sorted(
                encoder_run.piece_states(doc.text, tokens, [below]), key=lambda item: item[0][2]
            )
            if words:
                pooled = encoder_run.word_states(doc.text, tokens, list(words))
                for row, layer in enumerate(words):
                    word_chunks[layer].append(pooled[row].astype(dtype))
        for (start, _, first, last), hidden, piece_offsets in found:
            row0 = piece_row[-1]
            for w, r in _overlaps(piece_offsets, tokens, start, first, last):
                pairs.append((row0 + r, base_word + w))
            chunks.append(hidden[0].astype(dtype))
            piece_row.append(row0 + hidden.shape[1])
        offsets.extend(tokens)
        labels.extend(token_labels(tokens, doc.gold))
        word_start.append(len(offsets))
        piece_start.append(len(piece_row) - 1)
        if progress and n % 100 == 0:
            print(f"{set_name}/{split}: {n}/{len(docs)}", file=sys.stderr, flush=True)
    dim = encoder_run.runner.dim
    states = np.concatenate(chunks) if chunks else np.zeros((0, dim), dtype)
    np.save(f"{stem}.npy", states)
    for layer, parts in word_chunks.items():
        kept = np.concatenate(parts) if parts else np.zeros((0, dim), dtype)
        np.save(f"{stem}-W{layer}.npy", kept)
    np.savez(
        f"{stem}.npz",
        word_start=np.array(word_start, np.int64),
        piece_start=np.array(piece_start, np.int64),
        piece_row=np.array(piece_row, np.int64),
        pairs=np.array(pairs, np.int64).reshape(-1, 2),
        offsets=np.array(offsets, np.int64).reshape(-1, 2),
        labels=np.array(labels, bool),
    )
    meta_path.write_text(json.dumps({"digest": digest, "below": below, "words": list(words)}))
    return _read(stem, docs, words)


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


def _read(stem: Path, docs: list[Doc], words: Sequence[int] = ()) -> SubwordSet:
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
        {layer: np.load(f"{stem}-W{layer}.npy", mmap_mode="r") for layer in words},
    )


if __name__ == "__main__":  # python -m framing.lab.detector_subwords DATA SET SPLIT BELOW [WORDS]
    import time

    from framing.lab.detector_train import states_encoder, training_settings

    data, name, split, below, *kept = sys.argv[1:]
    started = time.perf_counter()
    encoder = states_encoder(training_settings())
    layers = [int(k) for k in kept]
    cached = build(Path(data), name, split, int(below), encoder, words=layers)
    print(name, split, len(cached.states), "subwords", len(cached.labels), "words", end=" ")
    print(f"{time.perf_counter() - started:.0f} s")
