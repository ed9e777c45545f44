"""The detector's gate on ambiguous lexicon hits (issue 13, session 23).

By default ``framing score``, the web view and ``eval-loaded``'s union show every lexicon hit
plus the detector's suggestions beyond them. Some classes of hits are often not loaded in
context: scare quotes around a genuine quotation, «предполагаемом» meaning *anticipated*,
"regime" in "visa regime". A hit of a class listed in ``data/lexicon_gate.yaml`` is shown by
default only when the detector's probability on one of its words reaches the class's bar in
that language; hits of other classes are shown whatever the detector says (the lexicon stays
the explained layer). The classes and bars belong to one detector's probabilities, so they
live beside its artifact (``data/detector/lexicon_gate.json``; a detector without that file
gates nothing, and the file is part of :func:`~framing.wording.detector.detector_fingerprint`,
so cached analyses are redone when it changes). They are chosen per language by
cross-validation on out-of-fold detector probabilities (``framing lexicon-gate``,
:mod:`framing.lab.lexicon_gate`). A held-back hit is not lost: ``--more-suggestions`` (the
recall reading) and ``--no-suggestions`` (the lexicon alone, no detector to ask) show every
hit, and so do headlines (lexicon only).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np

from framing.errors import FramingError

GATE_FILE = "lexicon_gate.json"
CONTEXT_SUFFIX = "/needs_context"

Span = tuple[int, int]


class GateError(FramingError):
    """``data/lexicon_gate.yaml`` is missing or malformed."""


class Hit(Protocol):
    start: int
    end: int
    category: str
    needs_context: bool


def hit_class(hit: Hit) -> str:
    """The gate's class of a hit: its category, with ``/needs_context`` for an entry whose
    sense depends on context (scare quotes are a category of their own)."""
    if hit.needs_context and hit.category != "scare_quotes":
        return hit.category + CONTEXT_SUFFIX
    return hit.category


def support(hit: Hit, tokens: Sequence[Span], probs: Sequence[float] | np.ndarray) -> float:
    """The detector's highest word probability inside the hit (0 when it covers no word);
    ``tokens`` in text order."""
    first = bisect.bisect_right([z for _, z in tokens], hit.start)  # the first word ending after
    inside = []
    for k in range(first, len(tokens)):
        if tokens[k][0] >= hit.end:
            break
        inside.append(float(probs[k]))
    return max(inside) if inside else 0.0


def gate_bars(detector: str | None = None) -> dict[str, dict[str, float]]:
    """Each language's gated classes and their bars for the detector ``detector`` (default:
    the ``detector`` setting); empty when its artifact has no gate file."""
    from framing.wording.detector import variant

    return _gate_bars(variant(detector))


@cache
def _gate_bars(detector: str) -> dict[str, dict[str, float]]:
    from framing.wording.detector import artifact_dir

    path = artifact_dir(detector).joinpath(GATE_FILE)
    if not path.is_file():
        return {}
    try:
        raw: Any = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise GateError(f"Cannot read the lexicon gate {path}: {exc}.") from exc
    bars = raw.get("bars") if isinstance(raw, dict) else None
    if not isinstance(bars, dict) or not all(isinstance(b, dict) for b in bars.values()):
        raise GateError(f"{path}: no 'bars' mapping (language -> class -> bar).")
    try:
        return {
            str(lang): {str(c): float(b) for c, b in classes.items()}
            for lang, classes in bars.items()
        }
    except (TypeError, ValueError) as exc:
        raise GateError(f"{path}: a bar is not a number: {exc}.") from exc


def gated(
    hits: Sequence[Any],
    tokens: Sequence[Span],
    probs: Sequence[float] | np.ndarray,
    lang: str,
    bars: dict[str, float] | None = None,
) -> tuple[list[Any], list[Any]]:
    """The hits shown by default and the ones held back: a hit of a gated class is shown when
    the detector's probability on one of its words (``probs`` of ``tokens``) reaches its
    class's bar. ``bars``: class -> bar (default: the shipped detector's for ``lang``)."""
    bars = gate_bars().get(lang, {}) if bars is None else bars
    shown, held = [], []
    for hit in hits:
        bar = bars.get(hit_class(hit))
        keep = bar is None or support(hit, tokens, probs) >= bar
        (shown if keep else held).append(hit)
    return shown, held
