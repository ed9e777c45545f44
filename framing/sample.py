"""The sample corpus shipped in ``corpus/seeds``: loaded by ``make run`` on first use."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

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


def warm_up(embedder: Any) -> float:
    """Load what a fresh comparison needs (the sentence encoder, the phrase states, the
    detector, the word scores) by comparing the seed briefing's two reports in a scratch
    store, so that the first compare-your-own of a new server does not wait for them
    (about 13 s instead of 1 s on a quiet 2-core machine). Returns the seconds it took."""
    from framing.report import comparison_report  # the comparison's imports: only here

    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="framing-warm-up-") as scratch,
        open_store(Path(scratch) / "warm.db") as store,
    ):
        paths = sorted(sample_dir().glob("00[12]_*.txt"))
        inputs = read_inputs([str(p) for p in paths], setting("max_input_bytes"))
        ids = [str(r.article_id) for r in ingest(inputs, store) if r.article_id]
        comparison_report(store, ids, embedder, same_event=True)
    return time.monotonic() - started
