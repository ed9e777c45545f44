"""Quote fidelity against hand labels (``framing eval-quotes``).

The gold (``tests/gold/quote_fidelity_gold.yaml``, its header gives the labels) lists
sentence pairs of the alignment golds that both quote someone, each labelled faithful (the
same words, or a part of the other's quotation, rendered faithfully) or not. The articles are
ingested into a scratch store, each pair is compared by
:func:`framing.alignment.quote_fidelity.quote_fidelities` as ``compare`` compares linked
sentences, and the figures say how well ``fidelity`` tells the two apart: the AUC, and how
many of each class reach :data:`BAR`, the middle of the scale a reader sees. Never imported at
run time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.alignment.embedder import Embedder
from framing.errors import FramingError
from framing.lab.eval_alignment import ingest_named

BAR = 0.5


def read_gold(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise FramingError(f"{path}: no such gold file")
    pairs = (yaml.safe_load(path.read_text("utf-8")) or {}).get("pairs") or []
    for n, pair in enumerate(pairs, 1):
        missing = {"a", "b", "a_key", "b_key", "faithful"} - pair.keys()
        if missing:
            raise FramingError(f"{path.name}: pair {n} has no {', '.join(sorted(missing))}")
    if not pairs:
        raise FramingError(f"{path}: no 'pairs' in the gold")
    return pairs


def _sentence(article: dict[str, Any], key: str, where: str) -> str:
    found = [s["text"] for s in article["sentences"] if s["text"].startswith(key)]
    if len(found) != 1:
        raise FramingError(f"{where}: {len(found)} sentences start with {key!r}, not one")
    return found[0]


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """The chance that a faithful pair scores above an unfaithful one (ties count half:
    :func:`framing.lab.pair_head.auc`); None without both kinds."""
    from framing.lab.pair_head import auc as roc_auc

    if not positives or not negatives:
        return None
    labels = np.array([1] * len(positives) + [0] * len(negatives))
    return round(roc_auc(np.array([*positives, *negatives], dtype=float), labels), 3)


def evaluate_quotes(folders: Sequence[Path], gold_path: Path, embedder: Embedder) -> dict[str, Any]:
    """Score quote fidelity on the gold's pairs (articles found in ``folders``)."""
    from framing.alignment.quote_fidelity import quote_fidelities
    from framing.store import open_store

    pairs = [p for p in read_gold(gold_path) if not p.get("unsure")]
    names = {str(p[side]) for p in pairs for side in ("a", "b")}
    with tempfile.TemporaryDirectory(prefix="framing-quotes-") as scratch:
        with open_store(Path(scratch) / "quotes.db") as store:
            ids = ingest_named(store, folders, names, gold_path)
            articles = {name: store.article(ids[name]) for name in names}
    asked = []
    for n, p in enumerate(pairs, 1):
        a, b = articles[str(p["a"])], articles[str(p["b"])]
        where = f"{gold_path.name}: pair {n}"
        asked.append(
            (_sentence(a, p["a_key"], where), _sentence(b, p["b_key"], where), a["lang"], b["lang"])
        )
    found = quote_fidelities(asked, embedder)
    rows, by_set = [], {}
    for p, f in zip(pairs, found, strict=True):
        if f is None:
            raise FramingError(f"{gold_path.name}: {p['a']}-{p['b']}: one side quotes nobody")
        rows.append({"set": p.get("gold", ""), "a": str(p["a"]), "b": str(p["b"]),
                     "faithful": bool(p["faithful"]), "fidelity": f.fidelity})  # fmt: skip
        by_set.setdefault(p.get("gold", ""), []).append(rows[-1])
    return {
        "pairs": len(rows),
        **_figures(rows),
        "by_set": {name: _figures(r) for name, r in sorted(by_set.items())},
        "rows": rows,
    }


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    pos = [r["fidelity"] for r in rows if r["faithful"]]
    neg = [r["fidelity"] for r in rows if not r["faithful"]]
    return {
        "faithful": len(pos),
        "unfaithful": len(neg),
        "auc": auc(pos, neg),
        "faithful_at_bar": round(sum(f >= BAR for f in pos) / len(pos), 3) if pos else None,
        "unfaithful_at_bar": sum(f >= BAR for f in neg),
    }


def as_text(found: dict[str, Any]) -> str:
    def line(label: str, f: dict[str, Any]) -> str:
        return (
            f"{label}: {f['faithful']} faithful, {f['unfaithful']} not; AUC {f['auc']}; "
            f"faithful at fidelity >= {BAR}: {f['faithful_at_bar']}; not faithful at >= {BAR}: "
            f"{f['unfaithful_at_bar']}"
        )

    lines = [line(f"all ({found['pairs']} pairs)", found)]
    lines += [line(f"  {name}", f) for name, f in found["by_set"].items()]
    return "\n".join(lines)
