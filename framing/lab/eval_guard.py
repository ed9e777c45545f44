"""The polarity and participant guard on synthetic pairs (``framing eval-guard``).

From NTREX news documents (``../shared/data/parallel/ntrex128_news_en_ru_uk.jsonl``, human
translations of one English document into Russian and Ukrainian), each Russian or Ukrainian
sentence is aligned against its document's English sentences in which its own translation
is replaced by

- a **negation**: "not" after the first auxiliary ("was" -> "was not", "will" -> "will not");
- a **swapped participant**: the first name both sides share (by its participant, see
  :mod:`framing.alignment.guard`) replaced by another person's name.

A "same statement" link between the sentence and the altered translation is an error: the
count is reported with and without the guard, so the guard's effect is measured, not assumed.

A third kind needs no model: **sides**, pairs generated from paradigms
(:mod:`framing.lab.side_cases`: "Russian soldiers" against «украинских военнослужащих», in
four cases, ru/uk/en), counted as the guard vetoes them (all pairs of two sides should be,
none of one side).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from framing.alignment.align import align, alignment_settings
from framing.alignment.calibration import pair_calibration
from framing.alignment.embedder import Embedder
from framing.alignment.guard import participant, read, sentence_guard
from framing.lab.loaded_data import DEFAULT_DATA
from framing.lab.side_cases import count_side_cases

DEFAULT_NTREX = DEFAULT_DATA.parent / "parallel" / "ntrex128_news_en_ru_uk.jsonl"

AUXILIARY = re.compile(
    r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|did|does|do)\b"
)
NAME = re.compile(r"(?<=\s)[A-Z][a-z]{2,}\b")
SWAP = ("Macron", "Johnson")  # two names no NTREX sentence pair shares with these documents
SIDE_CASES_EVERY = 7  # one generated sides pair in 7 (17,737 pairs)


def negated(sentence: str) -> str | None:
    found = AUXILIARY.search(sentence)
    if found is None or re.search(r"\bnot\b|n't\b|\bnever\b", sentence):
        return None
    return sentence[: found.end()] + " not" + sentence[found.end() :]


def swapped(sentence: str, other: str, lang: str) -> str | None:
    shared = read(other, lang).names
    for found in NAME.finditer(sentence):
        if participant(found.group(0)) in shared:
            new = SWAP[0] if found.group(0) != SWAP[0] else SWAP[1]
            return sentence[: found.start()] + new + sentence[found.end() :]
    return None


def documents(path: Path) -> dict[str, list[dict[str, Any]]]:
    docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            docs[record["id"]].append(record)
    return docs


def evaluate_guard(path: Path, embedder: Embedder, limit: int = 30) -> dict[str, Any]:
    """Counts of synthetic negated / name-swapped pairs linked as "same statement" (and as
    "equivalent"), with and without the guard, over the first ``limit`` documents."""
    settings = alignment_settings()
    counts = {
        kind: {"pairs": 0, "same_statement_unguarded": 0, "same_statement_guarded": 0,
               "equivalent_guarded": 0, "shown_as_candidate": 0}
        for kind in ("negation", "participant")
    }  # fmt: skip
    for records in list(documents(path).values())[:limit]:
        english = [r["en"] for r in records]
        for lang in ("ru", "uk"):
            source = [r[lang] for r in records]
            altered = [
                (k, kind, text)
                for k, original in enumerate(english)
                for kind, text in (
                    ("negation", negated(original)),
                    ("participant", swapped(original, source[k], lang)),
                )
                if text is not None
            ]
            if not altered:
                continue
            vectors = embedder.encode(source + english + [text for _, _, text in altered])
            a = vectors[: len(source)]
            b = vectors[len(source) : len(source) + len(english)]
            calibration = pair_calibration(embedder.model_id, {lang: a, "en": b})
            a = calibration.centre(a, lang)
            b_all = calibration.centre(vectors[len(source) :], "en")
            for n, (k, kind, text) in enumerate(altered):
                b = b_all[: len(english)].copy()
                b[k] = b_all[len(english) + n]
                z = calibration.z_scores(a @ b.T, lang, "en")
                target = english[:k] + [text] + english[k + 1 :]
                guard = sentence_guard(source, lang, target, "en")
                bare = align(z, settings, same_event=True)
                guarded = align(z, settings, same_event=True, guard=guard)
                tally = counts[kind]
                tally["pairs"] += 1
                tally["same_statement_unguarded"] += int((k, k) in bare.pairs())
                tally["same_statement_guarded"] += int((k, k) in guarded.pairs())
                tally["equivalent_guarded"] += int(
                    any(k in x.a and k in x.b and x.kind == "equivalent" for x in guarded.links)
                )
                tally["shown_as_candidate"] += int((k, k) in guarded.candidate_pairs())
    return {**counts, "sides": count_side_cases(SIDE_CASES_EVERY)}
