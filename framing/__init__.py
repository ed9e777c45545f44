"""framing: compare how outlets, in different languages, report the same event.

The public API, for scripts and notebooks (the CLI and the web app are shells over it)::

    from framing import open_store, read_inputs, ingest, compare, group_stored_events

    with open_store("corpus.db") as store:
        results = list(ingest(read_inputs(["articles/"], 4 * 2**20), store))
        events = group_stored_events(store)
        matrix = compare(store, events[0]["articles"][:2])

Importing the package is cheap: no model, database or network is touched here, and each
name below is imported on first use. The layout behind it:

- ``framing.text``: a page to sentences, words and quotes;
- ``framing.wording``: one article's wording and sourcing (lexicon, detector, attribution);
- ``framing.alignment``: across languages (embedder, calibration, alignment, event grouping);
- ``framing.lab``: evaluation and training, never imported at run time;
- ``framing.cli``: the ``framing`` command.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# torch's OpenMP threads sleep between parallel regions instead of busy-waiting (read once,
# when torch loads, so it is set before any framing module can import torch; a value in the
# environment wins). Busy-waiting steals the cores it waits for on a shared machine: the bf16
# encoder (framing.alignment.bf16_encoder) took 2.2-2.5 CPU-s for the compare-your-own texts
# with passive threads against 5.5-14.9 busy-waiting, at load 5-8 (BENCHMARKS.md, "bf16
# encoder"); ONNX Runtime's threads sleep likewise (encoder_graph.yaml, spinning).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# numpy's BLAS (OpenBLAS) runs one thread: framing's matrix products are small (sentence
# against sentence, word against word, the detector head), the encoders already keep both
# cores busy, and an OpenBLAS thread spins for about 0.1 s after each product before it
# sleeps. In a compare-your-own request perf counted 6.9 % of the server's CPU in
# OpenBLAS, 0.24 % of it in the matrix kernels and the rest in its threads' waiting
# (BENCHMARKS.md, session 13). Read when numpy loads; a value in the environment wins, and
# scoring workers set their own share (framing.scoring).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Public name -> the module that defines it.
_EXPORTS = {
    "ingest": "framing.ingest",
    "IngestOptions": "framing.ingest",
    "IngestResult": "framing.ingest",
    "read_inputs": "framing.text.readers",
    "RawInput": "framing.text.readers",
    "compare": "framing.compare",
    "group_stored_events": "framing.compare",
    "comparison_report": "framing.report",
    "event_coverage": "framing.coverage",
    "fetch": "framing.text.fetch",
    "score_stream": "framing.scoring",
    "score_one": "framing.scoring",
    "Store": "framing.store",
    "open_store": "framing.store",
    "load_embedder": "framing.alignment.embedder",
    "FramingError": "framing.errors",
    "InputRefused": "framing.errors",
    "NotFound": "framing.errors",
    "StoreError": "framing.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
