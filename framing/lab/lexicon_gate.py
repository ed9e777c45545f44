"""A detector gate on ambiguous lexicon hits, measured (issue 13, session 23; not shipped).

The idea: a lexicon hit of an ambiguous class (scare quotes around what may be a genuine
quotation, a ``needs_context`` entry such as «предполагаемый» or "regime", a category with
a low train precision) is shown by default only when the deep detector's probability on one
of its words reaches the class's bar; clear entries stay unconditional. Classes and bars are
chosen by data per language (``data/lexicon_gate.yaml``). It was measured and not shipped:
out of fold it lifted the English union (PTC 0.370 -> 0.387) and left SemEval ru and UNLP as
they were, and on the reader-marked real pages every highlight it held back was one the
reader judged right (distancing hedges such as «якобы», «мол», "allegedly", "claimed", which
SemEval and PTC's annotators leave unmarked); BENCHMARKS.md and docs/loaded_eval.md.

What it reads: every train record of the detector's training sets (SemEval-2023 ru, UNLP 2025,
PTC 2020; the test fifth is never read) with the detector's *out-of-fold* word probabilities:
the head and the linear model of each fold, trained on the other four folds exactly as
``framing train-detector`` trains them (:func:`framing.lab.detector_train.cross_validate`),
mixed with the shipped blend weights. The shipped detector was trained on these records, so
its own probabilities on them are inflated where the gold is; out-of-fold ones are what it
would say of an unseen article. SemEval-2023 en holds PTC's articles annotated again: it is
scored with PTC's probabilities where the words are the same (a check, not a selection set).

For each record: the lexicon hits, each one's class (:func:`hit_class`) and support
(:func:`support`: the highest probability on its words), and the detector's suggestions at
the shipped bars (article bars for news, post bars for posts, as ``eval-loaded`` reads
them). A gate (class -> bar) keeps a hit of a gated class when its support reaches the bar;
the union is built from the kept hits as ``eval-loaded`` builds it
(:func:`framing.lab.eval_loaded.union_spans`) and scored with each set's official measure.

How a gate is chosen for one language on some records (:func:`choose_gate`): coordinate
ascent over the classes with at least ``min_hits`` hits, each class's bar from ``grid`` or
ungated, maximising the mean union F1 over the language's sets among the gates under which no
set's union precision falls below the ungated union's; a change must gain more than ``tie``
(else the class stays ungated). Its honest figure (:func:`nested_cv`): the gate chosen on four
folds scores the fifth, the five fifths pooled. :func:`derive_gate` also chooses one on all
folds, the gate that would have shipped.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.eval_loaded import (
    prf_of_counts,
    span_counts,
    token_counts,
    union_spans,
)
from framing.lab.loaded_data import FOLDS, NEWS_SETS, Doc, fold_of, read_sets
from framing.text.morphology import word_spans
from framing.wording.detector import Suggestion, load_model, spans_from_tokens
from framing.wording.lexicon import SCARE_QUOTES, find_loaded

Progress = Callable[[str], None]
Gate = dict[str, float]  # class -> bar
CONTEXT_SUFFIX = "/needs_context"
SELECT_SETS = {"en": ["ptc2020_en"], "ru": ["semeval2023_ru", "unlp2025"], "uk": ["unlp2025"]}


def hit_class(hit: Any) -> str:
    """The gate's class of a lexicon hit: its category, with ``/needs_context`` for an entry
    whose sense depends on context (scare quotes, which the matcher also marks so, are one
    class)."""
    if hit.needs_context and hit.category != SCARE_QUOTES:
        return hit.category + CONTEXT_SUFFIX
    return hit.category


def support(hit: Any, tokens: Sequence[tuple[int, int]], probs: Sequence[float]) -> float:
    """The detector's highest word probability inside the hit (0 when it covers no word)."""
    inside = [p for (a, z), p in zip(tokens, probs, strict=True) if a < hit.end and hit.start < z]
    return float(max(inside)) if inside else 0.0


@dataclass
class GateRecord:
    """One annotated text with what the gate needs, and a memo of its union's counts by the
    set of hits kept."""

    doc: Doc
    measure: str  # "span" (news) or "token" (posts)
    kind: str  # "article" or "post"
    fold: int
    tokens: list[tuple[int, int]]
    hits: list[Any]
    classes: list[str]
    support: np.ndarray
    suggestions: list[Suggestion]
    memo: dict[bytes, tuple[float, ...]] = field(default_factory=dict)

    def counts(self, keep: np.ndarray) -> tuple[float, ...]:
        key = np.packbits(keep).tobytes()  # one record: always as many hits
        if key not in self.memo:
            kept = [h for h, k in zip(self.hits, keep, strict=True) if k]
            text, lang = self.doc.text, self.doc.lang
            spans = union_spans(text, lang, self.kind, kept, self.suggestions)
            if self.measure == "token":
                self.memo[key] = token_counts(self.tokens, spans, self.doc.gold)
            else:
                self.memo[key] = span_counts(spans, self.doc.gold)
        return self.memo[key]

    def keep(self, gate: Gate) -> np.ndarray:
        bars = np.array([gate.get(c, -1.0) for c in self.classes], dtype=np.float64)
        return self.support >= bars if len(bars) else np.zeros(0, dtype=bool)


def gate_record(
    doc: Doc, tokens: list[tuple[int, int]], probs: np.ndarray, kind: str | None = None
) -> GateRecord:
    """A record's hits, their classes and support, and the shipped detector's suggestions
    from ``probs`` (its kind's bars: article for news, post for posts unless ``kind``)."""
    kind = kind or ("article" if doc.set_name in NEWS_SETS else "post")
    cut = load_model().thresholds[doc.lang][kind]
    hits = find_loaded(doc.text, doc.lang)
    values = probs.tolist()
    found = spans_from_tokens(doc.text, tokens, values, cut.seed, cut.extend, cut.bridge)
    return GateRecord(
        doc,
        "span" if doc.set_name in NEWS_SETS else "token",
        kind,
        fold_of(doc.id),
        tokens,
        hits,
        [hit_class(h) for h in hits],
        np.array([support(h, tokens, values) for h in hits], dtype=np.float64),
        found,
    )


def read_out_of_fold(path: Path) -> list[dict[str, Any]]:
    """The out-of-fold probabilities written by :func:`out_of_fold` (a pickle of one dict per
    record: set, id, lang, tokens, head probabilities, linear logits)."""
    with path.open("rb") as handle:
        return pickle.load(handle)


def out_of_fold(data_dir: Path, out: Path, say: Progress) -> None:
    """Every train record's out-of-fold head probabilities and linear logits, as
    ``train-detector`` computes them to choose its bars (states from its cache), to ``out``."""
    from framing.lab import detector_train as dt

    settings = dt.training_settings()
    examples = dt.load_examples(data_dir, settings, "train", say)
    head = dt.cross_validate(examples, settings, say)
    linear = dt.linear_cross_validate(examples, settings, say)
    rows = [
        {"set": e.doc.set_name, "id": e.doc.id, "lang": e.doc.lang, "tokens": e.tokens,
         "head": h, "linear": z}
        for e, h, z in zip(examples, head, linear, strict=True)
    ]  # fmt: skip
    with out.open("wb") as handle:
        pickle.dump(rows, handle)


def gate_records(data_dir: Path, rows: list[dict[str, Any]], say: Progress) -> list[GateRecord]:
    """The :class:`GateRecord` of every row of :func:`out_of_fold` (probabilities mixed with
    the shipped blend weights), plus SemEval-2023 en's records read with PTC's probabilities
    where the two texts have the same words."""
    from framing.lab.detector_train import _mixed

    model = load_model()
    docs = {
        (d.set_name, d.id): d for d in read_sets(data_dir, list(NEWS_SETS) + ["unlp2025"], "train")
    }
    out: list[GateRecord] = []
    ptc: dict[str, tuple[list[tuple[int, int]], np.ndarray]] = {}
    for n, row in enumerate(rows, 1):
        doc = docs[(row["set"], row["id"])]
        probs = _mixed(row["head"], row["linear"], model.blend_weight(doc.lang))
        out.append(gate_record(doc, row["tokens"], probs))
        if doc.set_name == "ptc2020_en":
            ptc[doc.id] = (row["tokens"], probs)
        if n % 500 == 0:
            say(f"{n}/{len(rows)} records")
    for (name, record_id), doc in docs.items():
        if name == "semeval2023_en" and record_id in ptc:
            tokens, probs = ptc[record_id]
            if word_spans(doc.text) == tokens:
                out.append(gate_record(doc, tokens, probs))
    return out


# --- choosing and scoring a gate ------------------------------------------------------------


def set_counts(records: Sequence[GateRecord], gate: Gate) -> dict[str, np.ndarray]:
    """Each set's summed union counts under ``gate``."""
    total: dict[str, np.ndarray] = {}
    for r in records:
        counts = np.asarray(r.counts(r.keep(gate)))
        total[r.doc.set_name] = total.get(r.doc.set_name, 0) + counts
    return total


def figures(records: Sequence[GateRecord], gate: Gate) -> dict[str, dict[str, float]]:
    measure = {r.doc.set_name: r.measure for r in records}
    return {
        name: prf_of_counts(list(counts), measure[name])
        for name, counts in sorted(set_counts(records, gate).items())
    }


def choose_gate(
    records: Sequence[GateRecord],
    lang: str,
    grid: Sequence[float],
    min_hits: int,
    tie: float,
    passes: int = 2,
) -> Gate:
    """The gate of ``lang`` chosen on ``records`` (see the module doc)."""
    mine = [r for r in records if r.doc.lang == lang and r.doc.set_name in SELECT_SETS[lang]]
    sets = SELECT_SETS[lang]
    base = figures(mine, {})
    floor = {name: base[name]["precision"] for name in base}

    def objective(gate: Gate) -> float:
        found = figures(mine, gate)
        if any(found[s]["precision"] < floor[s] - 1e-12 for s in found):
            return -1.0
        return float(np.mean([found[s]["f1"] for s in sets if s in found]))

    counts: dict[str, int] = {}
    for r in mine:
        for c in r.classes:
            counts[c] = counts.get(c, 0) + 1
    classes = sorted((c for c, n in counts.items() if n >= min_hits), key=lambda c: -counts[c])
    gate: Gate = {}
    best = objective(gate)
    for _ in range(passes):
        changed = False
        for c in classes:
            for bar in [None, *grid]:
                trial = {k: v for k, v in gate.items() if k != c}
                if bar is not None:
                    trial[c] = float(bar)
                if trial == gate:
                    continue
                value = objective(trial)
                # ungated by default: a bar must gain more than ``tie`` over the current gate
                if value > best + tie:
                    gate, best, changed = trial, value, True
        if not changed:
            break
    return gate


def nested_cv(
    records: Sequence[GateRecord],
    langs: Sequence[str],
    grid: Sequence[float],
    min_hits: int,
    tie: float,
    say: Progress,
) -> tuple[dict[str, dict[str, Any]], dict[int, dict[str, Gate]]]:
    """Each set's union figures ungated and with the gate chosen out of fold (on the other
    four folds), and the gates of each fold."""
    gates: dict[int, dict[str, Gate]] = {}
    for k in range(FOLDS):
        seen = [r for r in records if r.fold != k]
        gates[k] = {lang: choose_gate(seen, lang, grid, min_hits, tie) for lang in langs}
        say(f"fold {k}: {gates[k]}")
    total: dict[str, np.ndarray] = {}
    base: dict[str, np.ndarray] = {}
    measure = {r.doc.set_name: r.measure for r in records}
    report: dict[str, dict[str, Any]] = {}
    for r in records:
        key = f"{r.doc.set_name}/{r.doc.lang}"
        gate = gates[r.fold].get(r.doc.lang, {})
        total[key] = total.get(key, 0) + np.asarray(r.counts(r.keep(gate)))
        base[key] = base.get(key, 0) + np.asarray(r.counts(r.keep({})))
    for key in sorted(total):
        kind = measure[key.split("/")[0]]
        report[key] = {
            "ungated": prf_of_counts(list(base[key]), kind),
            "gated": prf_of_counts(list(total[key]), kind),
        }
    return report, gates


# --- the command ----------------------------------------------------------------------------


def selection_settings() -> dict[str, Any]:
    """How the gate is chosen (``data/lexicon_gate.yaml``)."""
    from framing.settings import packaged_yaml

    return dict(packaged_yaml("lexicon_gate.yaml"))


def derive_gate(
    data_dir: Path, oof_path: Path, say: Progress, settings: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The gate chosen on all train folds and its nested cross-validated figures, from the
    out-of-fold probabilities at ``oof_path`` (computed and written there when missing)."""
    settings = settings or selection_settings()
    if not oof_path.is_file():
        say(f"out-of-fold probabilities to {oof_path} (e5 states cached after the first run)")
        out_of_fold(data_dir, oof_path, say)
    records = gate_records(data_dir, read_out_of_fold(oof_path), say)
    grid, min_hits, tie = settings["grid"], int(settings["min_hits"]), float(settings["tie"])
    langs = sorted(SELECT_SETS)
    report, folds = nested_cv(records, langs, grid, min_hits, tie, say)
    chosen = {lang: choose_gate(records, lang, grid, min_hits, tie) for lang in langs}
    say(f"all folds: {chosen}")
    return {
        "selection": settings,
        "bars": chosen,
        "cross_validated": {key: _rounded(value) for key, value in report.items()},
        "fold_gates": {str(k): v for k, v in folds.items()},
        "class_figures": class_figures(records),
    }


def _rounded(value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {name: {k: round(float(v), 4) for k, v in m.items()} for name, m in value.items()}


def class_figures(records: Sequence[GateRecord]) -> dict[str, dict[str, dict[str, float]]]:
    """Per language and class: how many hits, the share of them touching gold, and that
    share among the hits the detector supports at 0.5 and below it (what a gate could sort)."""
    rows: dict[str, dict[str, list[tuple[bool, float]]]] = {}
    for r in records:
        if r.doc.set_name not in SELECT_SETS[r.doc.lang]:
            continue
        for hit, c, p in zip(r.hits, r.classes, r.support, strict=True):
            gold = any(a < hit.end and hit.start < z for a, z in r.doc.gold)
            rows.setdefault(r.doc.lang, {}).setdefault(c, []).append((gold, float(p)))
    out: dict[str, dict[str, dict[str, float]]] = {}
    for lang, classes in sorted(rows.items()):
        for c, pairs in sorted(classes.items(), key=lambda kv: -len(kv[1])):
            high = [g for g, p in pairs if p >= 0.5]
            low = [g for g, p in pairs if p < 0.5]
            out.setdefault(lang, {})[c] = {
                "hits": len(pairs),
                "in_gold": round(sum(g for g, _ in pairs) / len(pairs), 3),
                "supported": len(high),
                "supported_in_gold": round(sum(high) / len(high), 3) if high else 0.0,
                "unsupported_in_gold": round(sum(low) / len(low), 3) if low else 0.0,
            }
    return out
