"""Cache the e5 word states of the annotated loaded-language sets on disk, for training.

Encoding the four sets through the first layers of e5-small takes tens of minutes on two
cores; the states are written once per (set, split, layer) to a cache folder outside the
repository (default ``$TMPDIR/framing-detector-states``) so that cross-validation and reruns
of ``framing train-detector`` are cheap. Each set and split is one ``.npz`` of metadata
(record ids, each record's first token row, token offsets, gold labels, lexicon flags) plus
one float16 ``.npy`` of states per kept layer.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.loaded_data import Doc, read_sets, subsample, token_labels
from framing.text.morphology import word_spans
from framing.text.segment import split_sentences
from framing.wording.state_graph import recipe_key
from framing.wording.token_states import load_encoder

CACHE_VERSION = 2


def default_cache() -> Path:
    return Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "framing-detector-states"


@dataclass
class CachedSet:
    """The word states of one set and split, with what training needs per token."""

    set_name: str
    ids: list[str]
    langs: list[str]
    doc_start: np.ndarray  # row of each record's first token; one extra entry at the end
    offsets: np.ndarray  # (tokens, 2)
    labels: np.ndarray  # bool per token
    states: dict[int, np.ndarray]  # layer -> (tokens, dim) float16


def runtime_precision(encoder: dict[str, Any]) -> str | None:
    """The precision the ``encoder`` recipe's graph runs in on this CPU (None: a runtime that
    does not choose one). The encoder is loaded once per process, so asking costs nothing after
    the first time."""
    return getattr(load_encoder(encoder).runner, "precision", None)


def _stem(
    folder: Path,
    set_name: str,
    split: str,
    encoder: dict[str, Any],
    limit: int | None,
    precision: str | None = None,
) -> Path:
    """The cache's file stem; ``precision`` is the runtime's (the recipe may leave it to the
    CPU: OpenVINO runs the same fp32 graph in bf16 on a CPU with bf16 in hardware, and states
    differ by up to ~5e-3, so the two kinds never share a cache)."""
    cap = f"-max{limit}" if limit else ""
    run = f"-{precision}" if precision else ""
    return folder / f"v{CACHE_VERSION}-{set_name}-{split}{cap}-enc{recipe_key(encoder)}{run}"


def build(
    data_dir: Path,
    set_name: str,
    split: str,
    keep: Sequence[int],
    encoder: dict[str, Any],
    folder: Path | None = None,
    progress: bool = True,
    limit: int | None = None,
) -> CachedSet:
    """States of ``set_name``/``split`` for the layers ``keep`` of the ``encoder`` recipe
    (:mod:`framing.wording.state_graph`), from the cache or encoded; ``limit`` keeps at most
    that many records (the same ones on every run)."""
    folder = folder or default_cache()
    stem = _stem(folder, set_name, split, encoder, limit, runtime_precision(encoder))
    meta_path = stem.with_suffix(".json")
    docs = subsample(read_sets(Path(data_dir), [set_name], split=split), limit)
    digest = hashlib.sha256("".join(d.id + d.text for d in docs).encode()).hexdigest()
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta["digest"] == digest and set(keep) <= set(meta["layers"]):
            return _read(stem, set_name, docs, keep)
    folder.mkdir(parents=True, exist_ok=True)
    states_of = load_encoder(encoder).word_states
    rows: list[np.ndarray] = []
    offsets, labels, starts = [], [], [0]
    for n, doc in enumerate(docs, 1):
        tokens = word_spans(doc.text)
        # a recipe reading sentences behind a prompt reads the splitter's, as run time does
        spans = (
            [(s.start, s.end) for s in split_sentences(doc.text, doc.lang)]
            if encoder.get("sentence_prompt") is not None
            else None
        )
        rows.append(states_of(doc.text, tokens, keep, spans).astype(np.float16))
        offsets.extend(tokens)
        labels.extend(token_labels(tokens, doc.gold))
        starts.append(len(offsets))
        if progress and n % 50 == 0:
            print(f"{set_name}/{split}: {n}/{len(docs)}", file=sys.stderr, flush=True)
    states = np.concatenate(rows, axis=1) if rows else np.zeros((len(keep), 0, 384))
    for k, layer in enumerate(keep):
        np.save(f"{stem}-L{layer}.npy", states[k])
    np.savez(
        f"{stem}.npz",
        doc_start=np.array(starts, dtype=np.int64),
        offsets=np.array(offsets, dtype=np.int64).reshape(-1, 2),
        labels=np.array(labels, dtype=bool),
    )
    meta_path.write_text(json.dumps({"digest": digest, "layers": list(keep)}))
    return _read(stem, set_name, docs, keep)


def _read(stem: Path, set_name: str, docs: list[Doc], keep: Sequence[int]) -> CachedSet:
    with np.load(f"{stem}.npz") as data:
        meta = {name: data[name] for name in data.files}
    states = {layer: np.load(f"{stem}-L{layer}.npy", mmap_mode="r") for layer in keep}
    return CachedSet(
        set_name,
        [d.id for d in docs],
        [d.lang for d in docs],
        meta["doc_start"],
        meta["offsets"],
        meta["labels"],
        states,
    )


if __name__ == "__main__":  # python -m framing.lab.detector_states DATA SET SPLIT LIMIT
    from framing.lab.detector_train import training_settings

    data, name, split, limit = sys.argv[1:]
    settings = training_settings()
    layers = settings["cache_layers"]
    cached = build(Path(data), name, split, layers, settings["encoder"], limit=int(limit) or None)
    print(name, split, len(cached.labels), "tokens", file=sys.stderr)
