"""Alignment quality against a hand-annotated gold file (``tests/gold/seed_alignment.yaml``).

Sentences are named in the gold by a unique substring, so the gold survives changes of
segmentation. The measure is precision / recall / F1 over sentence pairs (a link between
sentences {1, 2} of one article and {5} of the other counts as the pairs (1, 5) and (2, 5)),
micro-averaged over all annotated article pairs; each pair's own counts and P/R/F1 are
reported too (``pairs``), to see where the errors are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .align import align, alignment_settings, thresholds
from .compare import prepare
from .embedder import Embedder
from .errors import FramingError
from .events import pair_evidence
from .store import Store


def sentence_index(sentences: list[str], key: str, where: str) -> int:
    found = [i for i, text in enumerate(sentences) if key in text]
    if len(found) != 1:
        raise FramingError(f"{where}: gold key {key!r} matches {len(found)} sentences, not 1")
    return found[0]


def evaluate_alignment(
    store: Store,
    gold_path: Path,
    article_ids: dict[str, str],
    embedder: Embedder | None = None,
    **overrides: float,
) -> dict[str, Any]:
    """Scores of the aligner on ``gold_path``; ``article_ids`` maps gold names to ids."""
    gold = yaml.safe_load(gold_path.read_text("utf-8"))
    analysis = prepare(store, list(article_ids.values()), embedder)
    by_id = {a.id: a for a in analysis.articles}
    settings = alignment_settings(**overrides)
    totals = {"tp": 0, "fp": 0, "fn": 0}
    per_pair = []
    for pair in gold["pairs"]:
        a, b = by_id[article_ids[pair["a"]]], by_id[article_ids[pair["b"]]]
        where = f"{gold_path.name} {pair['a']}-{pair['b']}"
        expected = {
            (sentence_index(a.sentences, x, where), sentence_index(b.sentences, y, where))
            for link in pair["links"]
            for x in link["a"]
            for y in link["b"]
        }
        z = analysis.z(a, b)
        same_event = pair_evidence(a, b, z).same_event(thresholds()["events"])
        found = align(z, settings, same_event=same_event).pairs()
        counts = {
            "tp": len(found & expected),
            "fp": len(found - expected),
            "fn": len(expected - found),
        }
        for key, value in counts.items():
            totals[key] += value
        per_pair.append(
            {"a": pair["a"], "b": pair["b"], "same_event": same_event, **counts, **_prf(counts)}
        )
    return {**_prf(totals), "pairs": per_pair}


def _prf(counts: dict[str, int]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}
