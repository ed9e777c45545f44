"""A trained pair scorer over frozen e5 token states (``framing lab-pair-head``): the pilot.

Issue 12 asked whether a scorer that reads both sentences jointly separates the gold
counterparts of sentences left without a confident link from the false candidates better
than the shipped candidate score (:func:`framing.alignment.pair_scores.combine`). This is
the cheap form of that scorer, the one that fits compare-your-own's time: a cross-attention
head over the last-layer token states the sentence pass already computes
(:mod:`framing.alignment.sentence_states`), so re-scoring costs no encoder pass.

- **Head** (:class:`PairHead`, about 30k weights): both sentences' states projected to 64
  dimensions; each token of one attends over the other's, is compared with what it
  attended to (ESIM's [x, a, x*a, x-a]) and scored "covered"; the coverage of each side is
  a learned token-weighted mean; a logit from both sides, their max and min (partial
  claims: one side covered, not the other).
- **Training data**: synthetic pairs from NTREX documents (a Russian or Ukrainian sentence
  against its English translation, the translation cut to a clause, merged with the next
  sentence, or wrapped in an attribution; negatives: other sentences of the same document,
  two of them within two places, and the translation negated) plus, per fold, the gold
  pairs of the training events (every sentence's 5 best counterparts by the candidate
  score, labelled by the gold, weight 3).
- **Test, leaving one event out**: the held-out event's candidate pool, i.e. the 3 best
  counterparts (by the candidate score) of each sentence the shipped aligner leaves without
  a confident link, confident pairs removed. AUC of the candidate score, of the head, of
  the two standardised and added (weight ``w``), and of a parameter-free token-state
  coverage (BERTScore's greedy match, the better of its precision and recall).

Nothing here runs at run time (``framing/lab`` is never imported by the product).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.eval_guard import DEFAULT_NTREX, negated

WRAPS = ("{n} said that {s}", "According to {n}, {s}", "{s}, {n} told reporters.")
SOURCES = ("the spokesman", "officials", "the ministry", "a source")
WEIGHTS = (0.0, 0.25, 0.5, 1.0)  # of the head (and the coverage) added to the candidate score


def synthetic_pairs(
    path: Path = DEFAULT_NTREX, documents: int = 40, seed: int = 0
) -> list[tuple[str, str, int, str]]:
    """(ru/uk sentence, English text, label, kind) from ``documents`` NTREX documents
    (drawn with ``seed``); half the sentences of 5 words or more are used."""
    rng = random.Random(seed)
    docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            docs[row["id"]].append(row)
    names = sorted(docs)
    rng.shuffle(names)
    out: list[tuple[str, str, int, str]] = []
    for name in names[:documents]:
        rows = sorted(docs[name], key=lambda r: r["index_in_doc"])
        english = [r["en"] for r in rows]
        for lang in ("ru", "uk"):
            for i, row in enumerate(rows):
                if len(row[lang].split()) < 5 or rng.random() < 0.5:
                    continue
                out += _variants(row[lang], english, i, rng)
    return out


def _variants(
    source: str, english: list[str], i: int, rng: random.Random
) -> list[tuple[str, str, int, str]]:
    target = english[i]
    out = [(source, target, 1, "translation")]
    parts = [p.strip() for p in re.split(r"[,;:]|\band\b|\bbut\b", target) if len(p.split()) >= 4]
    if len(parts) >= 2:
        out.append((source, max(parts, key=len), 1, "clause"))
    if i + 1 < len(english):
        out.append((source, f"{target} {english[i + 1]}", 1, "merged"))
    wrap = rng.choice(WRAPS)
    inner = target.rstrip(".") if wrap.startswith("{s}") else target[0].lower() + target[1:]
    out.append((source, wrap.format(n=rng.choice(SOURCES), s=inner), 1, "wrapped"))
    others = [j for j in range(len(english)) if j != i]
    near = [j for j in others if abs(j - i) <= 2]
    for j in rng.sample(near, min(2, len(near))) + rng.sample(others, min(2, len(others))):
        out.append((source, english[j], 0, "same document"))
    flipped = negated(target)
    if flipped:
        out.append((source, flipped, 0, "negated"))
    return out


def candidate_pool(
    scores: np.ndarray, rows: list[int] | range, cols: list[int] | range, k: int
) -> set[tuple[int, int]]:
    """The ``k`` best counterparts by ``scores`` of each of ``rows`` and each of ``cols``."""
    pool = {(i, int(j)) for i in rows for j in np.argsort(-scores[i])[:k]}
    return pool | {(int(i), j) for j in cols for i in np.argsort(-scores[:, j])[:k]}


def gold_records(embedder: Any) -> list[dict[str, Any]]:
    """Every gold pair of the CV pool (:func:`framing.lab.alignment_cv.gold_folders`) as the
    shipped aligner sees it: its event, the candidate score matrix, the gold, the confident
    and shown pairs, the sentences left without a link, the sentences, and the
    :class:`~framing.lab.eval_alignment.GoldPair` itself (``gold``, to align it again)."""
    from framing.alignment.pair_scores import combine
    from framing.lab.alignment_cv import gold_folders
    from framing.lab.eval_alignment import align_gold, folder_gold_pairs

    records = []
    for gold in gold_folders():
        for pair in folder_gold_pairs(gold.folders, gold.gold, embedder):
            scorer = pair.candidate_scores
            found = align_gold(pair)
            records.append(
                {
                    "pair": f"{pair.a}-{pair.b}",
                    "event": gold.event_of(pair),
                    "cand": combine(pair.z, *scorer.signals()),  # type: ignore[union-attr]
                    "expected": pair.expected,
                    "same_event": pair.same_event,
                    "confident": found.pairs(),
                    "shown": found.shown_pairs(),
                    "only": (found.only_a, found.only_b),
                    "sentences": (scorer.a.sentences, scorer.b.sentences),  # type: ignore[union-attr]
                    "gold": pair,
                }
            )
    return records


def held_out_pool(record: dict[str, Any], k: int = 3) -> list[tuple[int, int]]:
    """A record's test pool: the ``k`` best counterparts by the candidate score of each
    sentence left without a confident link, confident pairs removed."""
    return sorted(candidate_pool(record["cand"], *record["only"], k) - record["confident"])


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); nan without both classes."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def sentence_tokens(encoded: Any) -> np.ndarray:
    """The last-layer states of a sentence's own tokens (no prompt, no special tokens)."""
    return np.asarray(encoded.tokens[encoded.offsets[:, 0] >= 0], dtype=np.float32)


def coverage(a: np.ndarray, b: np.ndarray) -> float:
    """BERTScore's greedy token match of two sentences: the better of its two directions."""
    ua = a / np.linalg.norm(a, axis=1, keepdims=True)
    ub = b / np.linalg.norm(b, axis=1, keepdims=True)
    sim = ua @ ub.T
    return float(max(sim.max(1).mean(), sim.max(0).mean()))


def _standard(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def pilot(
    embedder: Any,
    ntrex: Path = DEFAULT_NTREX,
    documents: int = 40,
    synthetic: int = 2000,
    gold_weight: float = 3.0,
    seed: int = 0,
    epochs: int = 4,
    paraphrases: list[tuple[str, str, int, str]] | None = None,
) -> dict[str, Any]:
    """The leave-one-event-out pilot (see the module docstring); ``synthetic`` caps the
    synthetic examples (0: gold only), ``gold_weight`` 0 trains on synthetic pairs only.
    ``paraphrases`` (session 18): real same-event pairs of different outlets (MSRP,
    :func:`paraphrase_examples`) added to the training examples. Without gold in training
    (``gold_weight`` 0) the head does not depend on the fold: it is trained once."""
    from framing.lab.pair_head_model import predict, train

    records = gold_records(embedder)
    items = synthetic_pairs(ntrex, documents, seed)
    random.Random(seed).shuffle(items)
    items = items[:synthetic] + list(paraphrases or [])
    texts = list(dict.fromkeys([t for r in records for side in r["sentences"] for t in side]))
    texts += [t for item in items for t in item[:2]]
    texts = list(dict.fromkeys(texts))
    tokens = dict(zip(texts, map(sentence_tokens, embedder.encode_states(texts)), strict=True))
    base = [(tokens[s], tokens[t], y, 1.0) for s, t, y, _ in items]

    def pair_tokens(r: dict[str, Any], i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        return tokens[r["sentences"][0][i]], tokens[r["sentences"][1][j]]

    folds = []
    once = None if gold_weight > 0 else train(base, seed=seed, epochs=epochs)
    for held in sorted({r["event"] for r in records if r["expected"]}):
        examples = list(base)
        if gold_weight > 0:
            for r in records:
                if r["event"] == held or not r["same_event"]:
                    continue
                n, m = r["cand"].shape
                for i, j in sorted(candidate_pool(r["cand"], range(n), range(m), 5)):
                    label = int((i, j) in r["expected"])
                    examples.append((*pair_tokens(r, i, j), label, gold_weight))
        model = once if once is not None else train(examples, seed=seed, epochs=epochs)
        cand, head, cover, labels, misses = [], [], [], [], []
        for r in records:
            if r["event"] != held:
                continue
            pool = held_out_pool(r)
            heads = predict(model, [pair_tokens(r, i, j) for i, j in pool])
            scored = dict(zip(pool, heads, strict=True))
            cand += [float(r["cand"][p]) for p in pool]
            head += [float(scored[p]) for p in pool]
            cover += [coverage(*pair_tokens(r, *p)) for p in pool]
            labels += [int(p in r["expected"]) for p in pool]
            misses += [
                {
                    "pair": r["pair"],
                    "sentences": list(p),
                    "candidate_score": round(float(r["cand"][p]), 2),
                    "head": round(float(scored[p]), 2) if p in scored else None,
                    "rank_of_head_in_row": _rank(r, p, scored),
                }
                for p in sorted(r["expected"] - r["shown"])
            ]
        c, h, v, y = (np.asarray(x, dtype=float) for x in (cand, head, cover, labels))
        folds.append(
            {
                "held_out": held,
                "train_examples": len(examples),
                "pool": len(y),
                "positives": int(y.sum()),
                "auc_candidate": auc(c, y),
                "auc_head": auc(h, y),
                "auc_coverage": auc(v, y),
                "auc_candidate_plus_head": {
                    w: auc(_standard(c) + w * _standard(h), y) for w in WEIGHTS
                },
                "auc_candidate_plus_coverage": {
                    w: auc(_standard(c) + w * _standard(v), y) for w in WEIGHTS
                },
                "missed_gold": misses,
            }
        )
    return {
        "documents": documents,
        "synthetic": synthetic,
        "paraphrases": len(paraphrases or []),
        "train_items": len(items),
        "seed": seed,
        "folds": folds,
    }


def paraphrase_examples(
    path: Path, count: int = 2000, seed: int = 0
) -> list[tuple[str, str, int, str]]:
    """``count`` MSRP pairs (drawn with ``seed``) as training examples of the head:
    (sentence, sentence, label, "msrp") (:func:`framing.lab.paraphrase_adapter.read_msrp`)."""
    from framing.lab.paraphrase_adapter import read_msrp

    pairs = read_msrp(path)
    random.Random(seed).shuffle(pairs)
    return [(a, b, label, "msrp") for a, _, b, _, label in pairs[:count]]


def _rank(
    r: dict[str, Any], p: tuple[int, int], scored: dict[tuple[int, int], float]
) -> int | None:
    """The head's rank of a missed gold pair among its row's pool (0: the head's best)."""
    if p not in scored:
        return None
    row = [s for (i, _), s in scored.items() if i == p[0]]
    return int(sum(s > scored[p] for s in row))
