"""Cross-lingual retrieval accuracy on translation pairs (Tatoeba, LASER's test set).

Each source sentence (ru or uk) must find its English translation among all English
sentences of the file: top-1 accuracy, the measure LASER and LaBSE report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from framing.alignment.embedder import Embedder
from framing.errors import FramingError


def read_pairs(path: Path) -> tuple[list[str], list[str]]:
    sources, targets = [], []
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise FramingError(f"{path}: cannot read ({exc.strerror}). Give the data folder.") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise FramingError(f"{path}:{number}: expected 'source<TAB>english'")
        sources.append(parts[0])
        targets.append(parts[1])
    return sources, targets


def top1_accuracy(embedder: Embedder, path: Path) -> float:
    """Share of source sentences whose nearest English sentence is their translation."""
    sources, targets = read_pairs(path)
    sims = embedder.encode(sources) @ embedder.encode(targets).T
    return float(np.mean(sims.argmax(axis=1) == np.arange(len(sources))))
