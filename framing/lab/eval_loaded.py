"""How well loaded wording is found, measured against the annotated data sets.

Two official measures, implemented exactly:

* :func:`span_prf` — the span identification measure of SemEval-2020 Task 11 (Da San Martino
  et al. 2019, "Fine-grained analysis of propaganda in news articles"; the task's
  ``task-SI_scorer.py``), for SemEval-2023 and PTC: partial credit by overlap length.
* :func:`token_prf` — binary per-token F1 of the positive class, UNLP 2025's span measure.

:func:`evaluate` scores three systems per data set and language: the curated lexicon alone,
the contextual detector alone, and their union as ``framing score`` shows it by default
(lexicon hits plus the suggestions that overlap no lexicon hit); the lexicon and the union
with each highlight widened to its phrase (:mod:`framing.wording.phrase_completion`), as
``framing score`` shows them (``--no-suggestions`` and the default). Only the held-out *test*
fifth of each set (a hash of the record id, see :mod:`framing.lab.loaded_data`) is scored:
the shipped detector was trained on the other four fifths, and its thresholds were chosen by
cross-validation inside them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from framing.lab.loaded_data import (
    NEWS_SETS,
    SETS,
    Doc,
    Span,
    merge_spans,
    read_sets,
    subsample,
    token_labels,
)
from framing.text.morphology import word_spans
from framing.wording.detector import (
    Suggestion,
    beyond_lexicon,
    detect_loaded,
    load_model,
    variant,
)
from framing.wording.lexicon import find_loaded
from framing.wording.phrase_completion import complete_spans

SYSTEMS = ("lexicon", "detector", "union")
TEST_NOTE = (
    "Scored on the held-out test fifth of each set (SHA-256 of the record id); the detector was "
    "trained and its thresholds chosen on the other four fifths only. Gold: Loaded_Language + "
    "Name_Calling spans (SemEval, PTC); all manipulative spans (UNLP 2025, the shared task's "
    "definition)."
)
TRAINED_NOTE = "the detector was trained on it, so its figures are optimistic."


def _prf(p_num: float, p_den: int, r_num: float, r_den: int) -> dict[str, float]:
    precision = p_num / p_den if p_den else 0.0
    recall = r_num / r_den if r_den else 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0  # nothing to find and nothing found, as the task scorer has it
    elif precision > 0 and recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    else:
        f1 = 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def span_prf(pairs: Iterable[tuple[Sequence[Span], Sequence[Span]]]) -> dict[str, float]:
    """SemEval-2020 Task 11 span P/R/F1 over documents given as ``(predicted, gold)`` pairs.

    Spans are ``(start, end)`` character offsets, end exclusive. In each document, gold spans
    that share a character are merged first, and so are predicted ones (the scorer's ``-m``).
    With S the predicted and T the gold spans of all documents, and ``|s ∩ t|`` the number of
    characters two spans of one document share::

        P = 1/|S| · Σ_s Σ_t |s ∩ t| / |s|        R = 1/|T| · Σ_s Σ_t |s ∩ t| / |t|

    and F1 = 2PR / (P + R): a predicted span earns credit for the share of it that is gold,
    a gold span for the share of it that was found, summed over all spans it overlaps. As in
    the scorer, P (R) is 0 without predicted (gold) spans, and F1 is 1 when there are neither.
    """
    p_num = r_num = 0.0
    p_den = r_den = 0
    for predicted, gold in pairs:
        counts = span_counts(predicted, gold)
        p_num, p_den = p_num + counts[0], p_den + int(counts[1])
        r_num, r_den = r_num + counts[2], r_den + int(counts[3])
    return _prf(p_num, p_den, r_num, r_den)


def span_counts(predicted: Sequence[Span], gold: Sequence[Span]) -> tuple[float, ...]:
    """One document's terms of :func:`span_prf`: the precision numerator and denominator
    (predicted spans), the recall numerator and denominator (gold spans); summed over
    documents they give the pooled measure (:func:`prf_of_counts`)."""
    p_num = r_num = 0.0
    spans, truth = merge_spans(predicted), merge_spans(gold)
    for s_start, s_end in spans:
        for t_start, t_end in truth:
            shared = min(s_end, t_end) - max(s_start, t_start)
            if shared > 0:
                p_num += shared / (s_end - s_start)
                r_num += shared / (t_end - t_start)
    return (p_num, float(len(spans)), r_num, float(len(truth)))


def token_counts(
    tokens: Sequence[Span], predicted: Sequence[Span], gold: Sequence[Span]
) -> tuple[float, ...]:
    """One text's terms of :func:`token_prf` over its word ``tokens``, in the shape of
    :func:`span_counts`: (TP, TP + FP, TP, TP + FN)."""
    tp = fp = fn = 0
    for guess, truth in zip(
        token_labels(tokens, predicted), token_labels(tokens, gold), strict=True
    ):
        tp += guess and truth
        fp += guess and not truth
        fn += truth and not guess
    return (float(tp), float(tp + fp), float(tp), float(tp + fn))


def prf_of_counts(counts: Sequence[float], measure: str) -> dict[str, float]:
    """P/R/F1 of summed :func:`span_counts` or :func:`token_counts` (``measure`` "span" or
    "token"), as :func:`span_prf` and :func:`token_prf` give them."""
    p_num, p_den, r_num, r_den = counts
    if measure == "token" and p_den == 0 and r_den == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    return _prf(p_num, int(p_den), r_num, int(r_den))


def token_prf(pairs: Iterable[tuple[str, Sequence[Span], Sequence[Span]]]) -> dict[str, float]:
    """Token-level P/R/F1 of the positive class over ``(text, predicted, gold)`` triples.

    Tokens are the words of :func:`framing.text.morphology.word_spans` (letters and digits with
    inner apostrophes; punctuation, emoji and spaces are not tokens). A token is positive in
    the prediction (the gold) when it shares a character with a predicted (gold) span. Counts
    are pooled over all texts, then F1 = 2TP / (2TP + FP + FN); F1 is 1 if no token is
    positive on either side. (UNLP 2025 scored binary token labels the same way; its own
    tokeniser is not published with the data, so figures can differ slightly from Kaggle's.)
    """
    total = [0.0, 0.0, 0.0, 0.0]
    for text, predicted, gold in pairs:
        for k, value in enumerate(token_counts(word_spans(text), predicted, gold)):
            total[k] += value
    return prf_of_counts(total, "token")


# --- the three systems on the held-out split ------------------------------------------------


def _score(measure: str, docs: list[Doc], predicted: list[list[Span]]) -> dict[str, float]:
    if measure == "token":
        scores = token_prf((d.text, p, d.gold) for d, p in zip(docs, predicted, strict=True))
    else:
        scores = span_prf((p, d.gold) for d, p in zip(docs, predicted, strict=True))
    return {name: round(value, 4) for name, value in scores.items()}


def union_spans(
    text: str, lang: str, kind: str, hits: Sequence[Any], found: Sequence[Suggestion]
) -> list[Span]:
    """One text's union as ``framing score`` shows it: the lexicon ``hits`` plus the parts of
    the suggestions ``found`` that overlap none (:func:`beyond_lexicon`), each widened to its
    phrase; lone function words around hits dropped in an article (a post is read as
    annotated, whole)."""
    shown_as = lang if kind == "article" else None
    spans = [(h.start, h.end, h.category) for h in hits]
    taken = [h[:2] for h in spans]
    extra = [
        (s.start, s.end, "model_suggestion") for s in beyond_lexicon(found, taken, text, shown_as)
    ]
    return sorted(complete_spans(text, lang, sorted([*spans, *extra])))


def shown_spans(
    docs: Sequence[Doc], lang: str, kind: str, suggestions: Sequence[Sequence[Suggestion]]
) -> tuple[list[list[Span]], list[list[Span]]]:
    """The lexicon's highlights and the union (its hits plus the ``suggestions`` that overlap
    none) of each of ``docs`` as ``framing score`` shows them (:func:`union_spans`)."""
    hits = [find_loaded(doc.text, lang) for doc in docs]
    lexicon = [
        complete_spans(d.text, lang, [(h.start, h.end, h.category) for h in found])
        for d, found in zip(docs, hits, strict=True)
    ]
    union = [
        union_spans(d.text, lang, kind, found_hits, found)
        for d, found_hits, found in zip(docs, hits, suggestions, strict=True)
    ]
    return lexicon, union


def evaluate_docs(
    set_name: str, lang: str, docs: list[Doc], recall: bool = False
) -> dict[str, Any]:
    """One report row: the three systems on ``docs`` (one set, one language). The detector
    reads each record as what its set holds: news articles with the article threshold (as
    ``framing score`` reads every input), Telegram posts with the post threshold; ``recall``
    reads articles at the F1-optimal threshold (``framing score --more-suggestions``)."""
    measure = "token" if set_name not in NEWS_SETS else "span"
    kind = "article" if set_name in NEWS_SETS else "post"
    load_model()  # read once, outside the timing; the detector runs the lexicon matcher too
    started = time.perf_counter()
    suggestions = [detect_loaded(doc.text, lang, kind=kind, recall=recall) for doc in docs]
    detector = [[(s.start, s.end) for s in found] for found in suggestions]
    seconds = time.perf_counter() - started
    lexicon, union = shown_spans(docs, lang, kind, suggestions)
    row: dict[str, Any] = {
        "set": set_name,
        "lang": lang,
        "read_as": f"{kind} (more suggestions)" if recall and kind == "article" else kind,
        "records": len(docs),
        "measure": "token F1" if measure == "token" else "SemEval-2020 span P/R/F1",
        "gold_spans": sum(len(merge_spans(doc.gold)) for doc in docs),
        "lexicon": _score(measure, docs, lexicon),
        "detector": _score(measure, docs, detector),
        "union": _score(measure, docs, union),
        "detector_seconds": round(seconds, 2),
        "records_per_minute": round(len(docs) / seconds * 60) if seconds > 0 else None,
    }
    if measure == "token":  # what flagging every token would score, for scale
        every = [[(0, len(doc.text))] for doc in docs]
        row["every_token"] = _score(measure, docs, every)
    return row


def evaluate(
    data_dir: Path, sets: Sequence[str] = tuple(SETS), split: str = "test",
    limit: int | None = None, recall: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Lexicon, detector and their union on ``split`` of each set, per language.

    ``split="test"`` (the default) scores only the held-out fifth the shipped detector never
    saw; ``limit`` keeps at most that many records per set and language (a fixed subsample).
    """
    rows = []
    for name in sets:
        docs = read_sets(Path(data_dir), [name], split=split)
        for lang in sorted({doc.lang for doc in docs}):
            mine = subsample([doc for doc in docs if doc.lang == lang], limit)
            rows.append(evaluate_docs(name, lang, mine, recall))
    note = TEST_NOTE if split == "test" else f"Scored on the {split} split: {TRAINED_NOTE}"
    return {
        "detector": variant(),
        "split": split,
        "limit_per_set_and_language": limit,
        "note": note,
        "systems": list(SYSTEMS),
        "results": rows,
    }


def render_text(report: dict[str, Any]) -> str:
    """The report as an aligned plain-text table."""
    lines = [report["note"], f"Detector: {report['detector']}.", ""]
    head = f"{'set':<16}{'lang':<6}{'n':>5}  {'measure':<8}"
    lines.append(head + "".join(f"{name:>22}" for name in SYSTEMS) + f"{'rec/min':>10}")
    for row in report["results"]:
        kind = "token" if row["measure"] == "token F1" else "span"
        cells = "".join(f"{_cell(row[name]):>22}" for name in SYSTEMS)
        speed = row["records_per_minute"]
        lines.append(
            f"{row['set']:<16}{row['lang']:<6}{row['records']:>5}  {kind:<8}{cells}{speed!s:>10}"
        )
    return "\n".join(lines)


def _cell(scores: dict[str, float]) -> str:
    return f"P{scores['precision']:.2f} R{scores['recall']:.2f} F{scores['f1']:.3f}"
