"""A true cross-encoder for the possible counterparts (``framing lab-cross-encoder``).

Issue 12's candidate tier misses gold counterparts that the candidate score ranks first or
second but scores under its bars; the frozen-state pair head of :mod:`framing.lab.pair_head`
and a linear adapter on e5's vectors did not separate them (BENCHMARKS.md, sessions 10 and
18). Here e5-small itself reads both sentences as one input, fine-tuned end to end with LoRA
(:mod:`framing.lab.cross_encoder_model`), and is tested as the pilot was, on each held-out
event's candidate pool, plus at the tier's own decision.

- **Folds**: the 18 events of the CV pool in ``groups`` groups (:func:`event_groups`, by
  gold count, so every group has positives): one training per group held out, not 18.
- **Training**: stage 1, once (no gold, so no fold depends on it): synthetic NTREX pairs
  (:func:`framing.lab.pair_head.synthetic_pairs`). Stage 2, per fold, from stage 1's
  weights: the gold pools of the training groups' events (every sentence's 5 best
  counterparts by the candidate score, labelled by the gold; every positive, ``negatives``
  negatives drawn), with a replay of synthetic pairs; classes balanced by weight.
- **Test**: the held-out pool (:func:`framing.lab.pair_head.held_out_pool`): AUC of the
  candidate score, of the cross-encoder, and of the two standardised and added. Then the
  tier itself: the candidate score of each pool pair plus ``w`` times the cross-encoder's
  standardised logit (:func:`shifted`), the pair aligned again with it, and the shown /
  confident / candidate-recall counts; ``w`` is chosen (F2 of every pair shown, as the
  pivot's CV chose) on the other groups' out-of-fold scores, never on the held-out group.

Nothing here runs at run time (``framing/lab`` is never imported by the product).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.alignment_cv import f_beta
from framing.lab.eval_alignment import _counts, _summed
from framing.lab.eval_guard import DEFAULT_NTREX
from framing.lab.pair_head import _standard, auc, candidate_pool, held_out_pool

Progress = Callable[[str], None]
W_GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)  # of the CE's standardised logit, on z's scale
AUC_WEIGHTS = (0.25, 0.5, 1.0)  # of the standardised CE added to the standardised candidate


def event_groups(gold_counts: dict[str, int], groups: int) -> list[list[str]]:
    """The events in ``groups`` folds, dealt by gold count (largest first, ties by name) in
    a snake order (1..k, k..1, ...), so every fold holds some of the gold-rich events."""
    order = sorted(gold_counts, key=lambda e: (-gold_counts[e], e))
    out: list[list[str]] = [[] for _ in range(min(groups, len(order)))]
    for k, event in enumerate(order):
        lap, place = divmod(k, len(out))
        out[place if lap % 2 == 0 else len(out) - 1 - place].append(event)
    return [sorted(g) for g in out]


def gold_examples(
    records: Sequence[dict[str, Any]], events: set[str], negatives: int, rng: random.Random
) -> list[tuple[str, str, int, float]]:
    """The training gold of ``events``: each sentence's 5 best counterparts by the candidate
    score in its same-event pairs, labelled by the gold; every positive, ``negatives``
    negatives drawn."""
    positive, negative = [], []
    for r in records:
        if r["event"] not in events or not r["same_event"]:
            continue
        n, m = r["cand"].shape
        a, b = r["sentences"]
        for i, j in sorted(candidate_pool(r["cand"], range(n), range(m), 5)):
            item = (a[i], b[j], int((i, j) in r["expected"]), 1.0)
            (positive if item[2] else negative).append(item)
    return positive + rng.sample(negative, min(negatives, len(negative)))


def shifted(
    cand: np.ndarray, pool: Sequence[tuple[int, int]], logits: np.ndarray, w: float
) -> np.ndarray:
    """The candidate score with ``w`` times the (standardised) cross-encoder logit added on
    the pool's pairs; a pair outside the pool (not among the 3 best of an unlinked
    sentence) gets the pool's lowest, so it never overtakes a pool pair by the shift."""
    out = cand.copy()
    if not len(pool) or w == 0:
        return out
    out += w * float(np.min(logits))
    for (i, j), s in zip(pool, logits, strict=True):
        out[i, j] = cand[i, j] + w * float(s)
    return out


def tier_counts(record: dict[str, Any], scores: np.ndarray) -> dict[str, dict[str, int]]:
    """The record's gold pair aligned again with ``scores`` as its candidate score: true
    positives, false positives and false negatives of every pair shown and of the
    confident links."""
    from framing.alignment.align import align, alignment_settings
    from framing.alignment.pivot import add_restated

    pair = record["gold"]
    settings = alignment_settings()
    found = align(pair.z, settings, pair.same_event, pair.guard, scores)
    if pair.inner is not None:
        add_restated(found, *pair.inner, settings)
    return {
        "shown": _counts(found.shown_pairs(), record["expected"]),
        "confident": _counts(found.pairs(), record["expected"]),
    }


def run(
    embedder: Any,
    ntrex: Path = DEFAULT_NTREX,
    seed: int = 0,
    groups: int = 4,
    documents: int = 40,
    synthetic: int = 1000,
    replay: int = 150,
    negatives: int = 600,
    rank: int = 8,
    lr: float = 2e-3,
    epochs: int = 2,
    scores_path: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train and score the cross-encoder fold by fold (see the module docstring); each
    fold's pool logits are written to ``scores_path`` as they come (a long run can be
    evaluated from what it finished: :func:`evaluate`). Stage 1 runs one epoch, stage 2
    ``epochs``; both at learning rate ``lr`` (linear warm-up and decay)."""
    import torch

    from framing.lab.cross_encoder_model import CrossEncoder, load_base, predict, train
    from framing.lab.pair_head import gold_records, synthetic_pairs

    say = progress or (lambda text: print(text, file=sys.stderr, flush=True))
    torch.set_num_threads(1)
    started = time.process_time()
    records = gold_records(embedder)
    say(f"records: {len(records)} gold pairs, {time.process_time() - started:.0f} CPU-s")
    counts: dict[str, int] = {}
    for r in records:
        counts[r["event"]] = counts.get(r["event"], 0) + len(r["expected"])
    folds = event_groups({e: c for e, c in counts.items() if c}, groups)
    items = synthetic_pairs(ntrex, documents, seed)
    random.Random(seed).shuffle(items)
    first = [(a, b, y, 1.0) for a, b, y, _ in items[:synthetic]]
    rest = [(a, b, y, 1.0) for a, b, y, _ in items[synthetic:]]
    base, tokenizer = load_base()
    model = CrossEncoder(base, rank)
    t0 = time.process_time()
    train(model, tokenizer, first, seed=seed, lr=lr, progress=say)
    say(f"stage 1: {len(first)} synthetic pairs, {time.process_time() - t0:.0f} CPU-s")
    stage1 = {k: v.clone() for k, v in model.trained().items()}
    scores: dict[str, Any] = {"folds": folds, "stage1_cpu_s": time.process_time() - t0, "pools": {}}
    for k, held in enumerate(folds):
        model.load_state_dict(stage1, strict=False)
        rng = random.Random(seed + k)
        training = {e for e in counts if e not in held}
        examples = gold_examples(records, training, negatives, rng)
        examples += rng.sample(rest, min(replay, len(rest)))
        t0 = time.process_time()
        train(model, tokenizer, examples, seed=seed + k, epochs=epochs, lr=lr, progress=say)
        trained_s = time.process_time() - t0
        t0 = time.process_time()
        for r in records:
            if r["event"] not in held:
                continue
            pool = held_out_pool(r)
            a, b = r["sentences"]
            logits = predict(model, tokenizer, [(a[i], b[j]) for i, j in pool])
            scores["pools"][_key(r)] = [
                [i, j, float(s)] for (i, j), s in zip(pool, logits, strict=True)
            ]
        say(
            f"fold {k} {held}: {len(examples)} examples, train {trained_s:.0f} CPU-s, "
            f"score {time.process_time() - t0:.0f} CPU-s"
        )
        scores.setdefault("fold_cpu_s", []).append(trained_s)
        if scores_path is not None:
            scores_path.write_text(json.dumps(scores), "utf-8")
    scores["cost"] = rescoring_cost(model, tokenizer, records)
    if scores_path is not None:
        scores_path.write_text(json.dumps(scores), "utf-8")
    return evaluate(records, scores)


def rescoring_cost(model: Any, tokenizer: Any, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """CPU seconds (1 thread, bf16) to score compare-your-own's pool of the largest gold
    pair: the 3 best counterparts of every unlinked sentence, both directions."""
    from framing.lab.cross_encoder_model import predict

    r = max(records, key=lambda r: r["cand"].size)
    pool = held_out_pool(r)
    a, b = r["sentences"]
    t0 = time.process_time()
    predict(model, tokenizer, [(a[i], b[j]) for i, j in pool])
    return {"pair": r["pair"], "sentences": list(r["cand"].shape), "pool": len(pool),
            "cpu_s": round(time.process_time() - t0, 2)}  # fmt: skip


def evaluate(records: Sequence[dict[str, Any]], scores: dict[str, Any]) -> dict[str, Any]:
    """Per held-out group: pool AUCs, and the tier's counts at the ``w`` the other groups'
    out-of-fold scores choose (F2 of every pair shown); the groups not scored are skipped."""
    pools = {
        pair: ([(int(i), int(j)) for i, j, _ in rows], np.asarray([s for *_, s in rows]))
        for pair, rows in scores["pools"].items()
    }
    done = [
        g for g in scores["folds"] if all(_scored(r, pools) for r in records if r["event"] in g)
    ]
    by_group = {tuple(g): [r for r in records if r["event"] in g] for g in done}
    grid: dict[tuple[str, ...], dict[float, dict[str, dict[str, int]]]] = {}
    each: dict[tuple[str, ...], dict[float, list[dict[str, int]]]] = {}  # shown, per record
    for g, rows in by_group.items():
        others = np.concatenate(
            [
                pools[_key(r)][1]
                for h, rs in by_group.items()
                if h != g
                for r in rs
                if _key(r) in pools
            ]
            or [np.zeros(1)]
        )
        mean, std = float(others.mean()), float(others.std() + 1e-9)
        grid[g], each[g] = {}, {}
        for w in W_GRID:
            counted = []
            for r in rows:
                pool, logits = pools.get(_key(r), ([], np.zeros(0)))
                counted.append(tier_counts(r, shifted(r["cand"], pool, (logits - mean) / std, w)))
            grid[g][w] = {t: _summed([c[t] for c in counted]) for t in ("shown", "confident")}
            each[g][w] = [c["shown"] for c in counted]
    out_folds, paired = [], []
    for g, rows in by_group.items():
        rest = [h for h in by_group if h != g]

        def f2(w: float, rest: list[tuple[str, ...]] = rest) -> float:
            return f_beta(_summed(grid[h][w]["shown"] for h in rest), beta=2.0)

        chosen = max(W_GRID, key=lambda w: (f2(w), -w)) if rest else 0.0
        paired += list(zip(each[g][0.0], each[g][chosen], strict=True))
        cand, ce, labels = [], [], []
        for r in rows:
            pool, logits = pools.get(_key(r), ([], np.zeros(0)))
            cand += [float(r["cand"][p]) for p in pool]
            ce += list(map(float, logits))
            labels += [int(p in r["expected"]) for p in pool]
        c, h, y = (np.asarray(x, dtype=float) for x in (cand, ce, labels))
        out_folds.append(
            {
                "held_out": list(g),
                "pool": len(y),
                "positives": int(y.sum()),
                "auc_candidate": auc(c, y),
                "auc_ce": auc(h, y),
                "auc_candidate_plus_ce": {
                    w: auc(_standard(c) + w * _standard(h), y) for w in AUC_WEIGHTS
                },
                "per_event": _event_aucs(rows, pools),
                "w": chosen,
                "base": grid[g][0.0],
                # the shipped aligner's own shown pairs (align_gold): "base" must equal it
                "shipped": _summed([_counts(r["shown"], r["expected"]) for r in rows]),
                "chosen": grid[g][chosen],
                "grid": {w: grid[g][w]["shown"] for w in W_GRID},
            }
        )
    timing = {k: scores.get(k) for k in ("cost", "stage1_cpu_s", "fold_cpu_s")}
    return {"folds": out_folds, "bootstrap": paired_bootstrap(paired), **timing}


def paired_bootstrap(
    paired: Sequence[tuple[dict[str, int], dict[str, int]]], draws: int = 5000, seed: int = 0
) -> dict[str, Any]:
    """The change of candidate recall and shown F1 from the first counts of each gold pair
    to the second, resampling the gold pairs (article pairs): the change, its 95% interval
    and the share of draws at or below zero."""
    if not paired:
        return {}
    x = np.asarray([[a[k] for k in ("tp", "fp", "fn")] + [b[k] for k in ("tp", "fp", "fn")]
                    for a, b in paired], dtype=float)  # fmt: skip

    def change(rows: np.ndarray) -> np.ndarray:
        t = rows.sum(0)
        recall = [t[k] / max(t[k] + t[k + 2], 1.0) for k in (0, 3)]
        f1 = [2 * t[k] / max(2 * t[k] + t[k + 1] + t[k + 2], 1.0) for k in (0, 3)]
        return np.array([recall[1] - recall[0], f1[1] - f1[0]])

    rng = np.random.default_rng(seed)
    boot = np.array([change(x[rng.integers(0, len(x), len(x))]) for _ in range(draws)])
    out = {}
    for k, name in enumerate(("candidate_recall", "shown_f1")):
        lo, hi = np.percentile(boot[:, k], [2.5, 97.5])
        out[name] = {
            "change": round(float(change(x)[k]), 4),
            "interval": [round(float(lo), 4), round(float(hi), 4)],
            "at_or_below_zero": round(float((boot[:, k] <= 0).mean()), 4),
        }
    return out


def _key(record: dict[str, Any]) -> str:
    """A gold pair's name across the gold sets (names repeat between sets)."""
    return f"{record['event']}/{record['pair']}"


def _scored(record: dict[str, Any], pools: dict[str, Any]) -> bool:
    return _key(record) in pools or not held_out_pool(record)


def _event_aucs(rows: Sequence[dict[str, Any]], pools: dict[str, Any]) -> dict[str, Any]:
    """Each event's pool AUC of the candidate score and of the cross-encoder."""
    out = {}
    for event in sorted({r["event"] for r in rows}):
        c, h, y = [], [], []
        for r in rows:
            if r["event"] != event or _key(r) not in pools:
                continue
            pool, logits = pools[_key(r)]
            c += [float(r["cand"][p]) for p in pool]
            h += list(map(float, logits))
            y += [int(p in r["expected"]) for p in pool]
        ya = np.asarray(y)
        out[event] = {
            "positives": int(ya.sum()),
            "pool": len(y),
            "candidate": auc(np.asarray(c), ya),
            "ce": auc(np.asarray(h), ya),
        }
    return out
