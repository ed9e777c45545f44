"""The sample corpus shipped in ``corpus/seeds``: loaded by ``make run`` on first use."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from framing.ingest import ingest
from framing.settings import corpus_dir, setting
from framing.store import open_store
from framing.text.readers import read_inputs


def sample_dir() -> Path:
    return corpus_dir() / "seeds"


def load_sample_corpus(db: str | Path | None = None) -> str:
    """Ingest the sample articles (a no-op for those already stored); a one-line summary."""
    with open_store(db) as store:
        inputs = read_inputs([str(sample_dir())], setting("max_input_bytes"))
        counts = Counter(result.status for result in ingest(inputs, store))
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
