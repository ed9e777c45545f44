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


def within_document_top1(embedder: Embedder, path: Path, source: str = "ru") -> float:
    """NTREX: share of ``source`` sentences whose nearest English sentence *of the same
    document* is their translation. The candidates are same-topic sentences of one news
    story, so this is far harder than Tatoeba (the hard case of aligning one event)."""
    import json

    try:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    except OSError as exc:
        raise FramingError(f"{path}: cannot read ({exc.strerror}). Give the data folder.") from exc
    docs = np.array([r["id"] for r in rows])
    sims = embedder.encode([r[source] for r in rows]) @ embedder.encode([r["en"] for r in rows]).T
    sims = np.where(docs[:, None] == docs[None, :], sims, -np.inf)
    return float(np.mean(sims.argmax(axis=1) == np.arange(len(rows))))
