"""A linear adapter over e5 sentence vectors, trained on real same-event sentences of
different outlets (``framing lab-paraphrase-adapter``): issue 12, session 18.

The candidate tier's misses are paraphrases and partial claims of one real event, and its
false candidates other claims about the same people and event (BENCHMARKS.md, the session-10
pair-head pilot). The pilot's training pairs were synthetic (an NTREX translation dressed
up); this tries pairs of the kind the tier sees:

- the **Microsoft Research Paraphrase Corpus** (MSRP: English sentence pairs from different
  outlets' reports of one event, each labelled paraphrase or not; a negative there is a
  sentence of the same event that says something else, the false-candidate class);
- the **ParaPhraser** corpus (Russian news headlines of one day, labelled precise, near or
  non paraphrase; near counts as a paraphrase here, as a possible counterpart would);
- **NTREX** translation pairs (ru / uk against en), so the adapted space stays cross-lingual.

The adapter is a 384 x 384 matrix ``W`` initialised at the identity (or, with ``rank``, the
identity plus a low-rank residual), applied to the comparison's calibrated sentence vectors
(:meth:`framing.alignment.calibration.Calibration.centre`); a pair's adapter score is the
cosine of the adapted vectors. Trained with a symmetric in-batch contrastive loss over the
positives (every other sentence of the batch a negative) plus a logistic loss over the
labelled pairs (the same-event negatives), and a pull towards the identity.

It is evaluated as a term of the candidate score only (the confident tier keeps z), with its
weight chosen inside each fold of session 16's leave-one-event-out CV
(:mod:`framing.lab.alignment_pivot`), and by the candidate-pool AUC of the session-10 pilot.
No gold pair trains it. Nothing here runs at run time.
"""

from __future__ import annotations

import csv
import json
import random
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# A labelled pair: (text a, language a, text b, language b, label 1 same claim / 0 not).
Pair = tuple[str, str, str, str, int]


def read_msrp(path: Path) -> list[Pair]:
    """The pairs of an MSRP file (``msr_paraphrase_train.txt`` / ``_test.txt``: tab-separated,
    a header line; Quality, #1 ID, #2 ID, #1 String, #2 String)."""
    out: list[Pair] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows, None)
        for row in rows:
            if len(row) != 5 or row[0] not in ("0", "1"):
                continue
            out.append((row[3].strip(), "en", row[4].strip(), "en", int(row[0])))
    return out


def read_paraphraser(path: Path, near: bool = True) -> list[Pair]:
    """The pairs of a ParaPhraser XML file (``paraphrases.xml``; class 1 precise, 0 near,
    -1 non paraphrase). With ``near`` a near paraphrase counts as a positive, else it is
    left out."""
    out: list[Pair] = []
    for item in ET.parse(path).getroot().iter("paraphrase"):
        values = {v.get("name"): (v.text or "").strip() for v in item.iter("value")}
        kind = int(values.get("class", "-1"))
        if kind == 0 and not near:
            continue
        out.append((values["text_1"], "ru", values["text_2"], "ru", int(kind >= 0)))
    return out


def ntrex_pairs(path: Path, count: int, seed: int = 0) -> list[Pair]:
    """``count`` NTREX sentences (drawn with ``seed``), each as two positives: its Russian
    and its Ukrainian translation against its English original."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows = [r for r in rows if len(r["en"].split()) >= 5]
    random.Random(seed).shuffle(rows)
    out: list[Pair] = []
    for r in rows[:count]:
        out += [(r["ru"], "ru", r["en"], "en", 1), (r["uk"], "uk", r["en"], "en", 1)]
    return out


def split(pairs: list[Pair], share: float, seed: int) -> tuple[list[Pair], list[Pair]]:
    """``pairs`` cut into (rest, held out): ``share`` of them held out, drawn with ``seed``,
    no sentence in both (a pair goes where its first text's group went)."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[p[0]].append(p)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    cut = int(len(keys) * share)
    held = [p for k in keys[:cut] for p in groups[k]]
    seen = {t for p in held for t in (p[0], p[2])}
    rest = [p for k in keys[cut:] for p in groups[k] if p[0] not in seen and p[2] not in seen]
    return rest, held


class VectorCache:
    """Calibrated sentence vectors by (text, language), as the comparison makes them: the
    comparison's embedder (through :func:`framing.alignment.vectors.embed_texts`) and its
    shipped calibration's per-language centring; raw vectors kept in an ``.npz`` file."""

    def __init__(self, embedder: Any, path: Path | None = None) -> None:
        from framing.alignment.calibration import load_calibration

        self.embedder = embedder
        self.path = path
        self.calibration = load_calibration(embedder.model_id)
        if self.calibration is None:
            raise ValueError(f"{embedder.model_id}: no shipped calibration")
        self.raw: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            found = np.load(path, allow_pickle=False)
            self.raw = dict(zip(found["texts"].tolist(), found["vectors"], strict=True))

    def vectors(self, items: list[tuple[str, str]]) -> np.ndarray:
        """Calibrated unit vectors of (text, language) items."""
        from framing.alignment.vectors import embed_texts

        missing = list(dict.fromkeys(t for t, _ in items if t not in self.raw))
        if missing:
            encoded = embed_texts(missing, self.embedder, None)
            self.raw.update(zip(missing, encoded, strict=True))
            if self.path is not None:
                texts = list(self.raw)
                np.savez(
                    self.path,
                    texts=np.asarray(texts),
                    vectors=np.stack([self.raw[t] for t in texts]).astype(np.float32),
                )
        out = np.zeros((len(items), len(next(iter(self.raw.values())))), dtype=np.float32)
        by_lang: dict[str, list[int]] = defaultdict(list)
        for k, (_, lang) in enumerate(items):
            by_lang[lang].append(k)
        for lang, where in by_lang.items():
            raw = np.stack([self.raw[items[k][0]] for k in where])
            out[where] = self.calibration.centre(raw, lang)  # type: ignore[union-attr]
        return out

    def pair_vectors(self, pairs: list[Pair]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(vectors of the first texts, of the second, labels)."""
        left = self.vectors([(p[0], p[1]) for p in pairs])
        right = self.vectors([(p[2], p[3]) for p in pairs])
        return left, right, np.asarray([p[4] for p in pairs], dtype=np.int64)


@dataclass
class Adapter:
    """The trained map: adapted = unit(vectors @ matrix)."""

    matrix: np.ndarray  # dim x dim

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        out = vectors @ self.matrix
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def scores(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosines of every adapted vector of ``a`` with every one of ``b``."""
        if not len(a) or not len(b):
            return np.zeros((len(a), len(b)))
        return self.apply(a) @ self.apply(b).T


def train_adapter(
    left: np.ndarray,
    right: np.ndarray,
    labels: np.ndarray,
    seed: int = 0,
    epochs: int = 4,
    rank: int = 0,
    identity_pull: float = 1.0,
    temperature: float = 0.05,
    batch: int = 128,
    lr: float = 1e-3,
) -> Adapter:
    """Train ``W`` on the pairs (``left[k]``, ``right[k]``, ``labels[k]``): in-batch
    contrastive loss (both directions) over the positives of each batch, plus a logistic
    loss with a learned scale and bias over every labelled pair of it, plus
    ``identity_pull`` x the mean squared distance of ``W`` from the identity. ``rank`` 0: a
    full matrix; else identity + U V^T of that rank (U starts at 0). At most 2 threads."""
    import torch

    torch.set_num_threads(min(2, torch.get_num_threads()))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dim = left.shape[1]
    eye = torch.eye(dim)
    if rank:
        u = torch.nn.Parameter(torch.zeros(dim, rank))
        v = torch.nn.Parameter(torch.randn(dim, rank) / dim**0.5)
        params = [u, v]

        def matrix() -> Any:
            return eye + u @ v.T
    else:
        w = torch.nn.Parameter(torch.eye(dim))
        params = [w]

        def matrix() -> Any:
            return w

    scale = torch.nn.Parameter(torch.tensor(10.0))
    bias = torch.nn.Parameter(torch.tensor(0.8))
    optimiser = torch.optim.Adam([*params, scale, bias], lr=lr)
    x_all, y_all = torch.from_numpy(left), torch.from_numpy(right)
    t_all = torch.from_numpy(labels.astype(np.float32))
    for _ in range(epochs):
        order = rng.permutation(len(labels))
        for start in range(0, len(order), batch):
            idx = torch.from_numpy(order[start : start + batch])
            m = matrix()
            x = torch.nn.functional.normalize(x_all[idx] @ m, dim=-1)
            y = torch.nn.functional.normalize(y_all[idx] @ m, dim=-1)
            t = t_all[idx]
            cos = (x * y).sum(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(scale * (cos - bias), t)
            pos = t > 0.5
            if int(pos.sum()) > 1:
                sims = x[pos] @ y[pos].T / temperature
                target = torch.arange(int(pos.sum()))
                loss = loss + 0.5 * (
                    torch.nn.functional.cross_entropy(sims, target)
                    + torch.nn.functional.cross_entropy(sims.T, target)
                )
            loss = loss + identity_pull * ((m - eye) ** 2).sum() / dim
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return Adapter(matrix().detach().numpy().astype(np.float32))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (ties count half); nan without both classes."""
    from framing.lab.pair_head import auc as pilot_auc

    return pilot_auc(np.asarray(scores, dtype=float), np.asarray(labels))


def pair_auc(
    adapter: Adapter | None, left: np.ndarray, right: np.ndarray, labels: np.ndarray
) -> float:
    """AUC of the cosine of each labelled pair (``adapter`` None: the plain vectors)."""
    if adapter is not None:
        left, right = adapter.apply(left), adapter.apply(right)
    return round(auc((left * right).sum(1), labels), 4)


def ntrex_retrieval(
    vectors: VectorCache, adapter: Adapter | None, path: Path, skip: int, count: int, seed: int = 0
) -> dict[str, float]:
    """Cross-lingual retrieval on NTREX sentences the adapter was not trained on (the
    ``count`` after the first ``skip`` of :func:`ntrex_pairs`' draw with ``seed``): the share
    of Russian and of Ukrainian sentences whose best English match among ``count`` is their
    own translation (``adapter`` None: the plain vectors)."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows = [r for r in rows if len(r["en"].split()) >= 5]
    random.Random(seed).shuffle(rows)
    rows = rows[skip : skip + count]
    english = vectors.vectors([(r["en"], "en") for r in rows])
    out = {}
    for lang in ("ru", "uk"):
        other = vectors.vectors([(r[lang], lang) for r in rows])
        if adapter is not None:
            sims = adapter.scores(other, english)
        else:
            sims = other @ english.T
        out[lang] = round(float((sims.argmax(1) == np.arange(len(rows))).mean()), 4)
    return out


@dataclass
class TrainingData:
    """Where the training pairs come from (None: that source left out)."""

    msrp_train: Path | None
    msrp_test: Path | None = None
    paraphraser: Path | None = None
    ntrex: Path | None = None
    ntrex_count: int = 1000
    paraphraser_held_out: float = 0.2
    near: bool = True


def build(
    embedder: Any,
    data: TrainingData,
    cache: Path | None = None,
    seed: int = 0,
    epochs: int = 4,
    rank: int = 0,
    identity_pull: float = 1.0,
) -> tuple[Adapter, dict[str, Any]]:
    """Train the adapter on ``data`` and report its own held-out AUCs (MSRP's test split,
    the held-out share of ParaPhraser, NTREX translations against other sentences)."""
    vectors = VectorCache(embedder, cache)
    train: list[Pair] = []
    held: dict[str, list[Pair]] = {}
    counts: dict[str, int] = {}
    if data.msrp_train is not None:
        found = read_msrp(data.msrp_train)
        train += found
        counts["msrp_train"] = len(found)
    if data.msrp_test is not None:
        held["msrp_test"] = read_msrp(data.msrp_test)
    if data.paraphraser is not None:
        rest, out = split(
            read_paraphraser(data.paraphraser, data.near), data.paraphraser_held_out, seed
        )
        train += rest
        held["paraphraser_held_out"] = out
        counts["paraphraser_train"] = len(rest)
    if data.ntrex is not None and data.ntrex_count:
        found = ntrex_pairs(data.ntrex, data.ntrex_count, seed)
        train += found
        counts["ntrex_train"] = len(found)
    left, right, labels = vectors.pair_vectors(train)
    adapter = train_adapter(left, right, labels, seed, epochs, rank, identity_pull)
    report: dict[str, Any] = {
        "seed": seed,
        "epochs": epochs,
        "rank": rank,
        "identity_pull": identity_pull,
        "train_pairs": counts,
        "train_positives": int(labels.sum()),
        "distance_from_identity": round(
            float(np.linalg.norm(adapter.matrix - np.eye(len(adapter.matrix)))), 3
        ),
        "held_out_auc": {},
    }
    if data.ntrex is not None and data.ntrex_count:
        report["ntrex_retrieval_300_held_out"] = {
            "plain": ntrex_retrieval(vectors, None, data.ntrex, data.ntrex_count, 300, seed),
            "adapted": ntrex_retrieval(vectors, adapter, data.ntrex, data.ntrex_count, 300, seed),
        }
    for name, pairs in held.items():
        hl, hr, hy = vectors.pair_vectors(pairs)
        report["held_out_auc"][name] = {
            "pairs": len(pairs),
            "plain": pair_auc(None, hl, hr, hy),
            "adapted": pair_auc(adapter, hl, hr, hy),
        }
    return adapter, report


# The CV grid (session 16's ``alignment_pivot cv --score`` grid, with the candidate bars one
# step wider upwards, since the term lifts the best scores, and the pivot at its shipped bar
# or off) and the adapter's weights (0: the baseline, the same grid without the term).
BARS_WIDE: dict[str, tuple[float, ...]] = {
    "candidate_mutual_z": (5.5, 6.0, 6.5, 7.0, 7.5),
    "candidate_z": (6.0, 6.5, 7.0, 7.5),
}
PIVOT_SHIPPED: dict[str, tuple[float, ...]] = {"pivot_z": (5.0, 99.0), "pivot_legs": (2.0,)}
# The score settings: the word score's weight searched, the merged units' at their shipped
# values (session 16's 18 score points made the grid 9 times as slow; narrowed before any
# figure was read).
SCORE_NEAR: dict[str, tuple[float, ...]] = {
    "token_weight": (1.0, 1.5),
    "merge_offset": (0.5,),
    "merge_member_z": (3.0,),
}
WEIGHTS = (0.0, 0.5, 1.0, 1.5)


def set_adapter(data: list[Any], adapter: Adapter | None) -> None:
    """Put the adapter's scores of every aligned pair into its score parts (None: none)."""
    for event in data:
        for part in event.parts.values():
            if adapter is None or part.sides is None:
                part.adapter = None
                continue
            a, b = part.sides
            part.adapter = adapter.scores(a.vectors, b.vectors)


def pool_auc(data: list[Any], weights: tuple[float, ...] = (0.25, 0.5, 1.0)) -> dict[str, Any]:
    """The session-10 pilot's figure per gold set: over the candidate pool (the 3 best
    counterparts, by the shipped candidate score, of each sentence the shipped aligner
    leaves without a confident link, confident pairs removed), the AUC of that score, of
    the adapter's score, and of the two standardised and added (``w`` x the adapter)."""
    from framing.alignment.align import align, alignment_settings
    from framing.lab.pair_head import _standard, candidate_pool

    out: dict[str, Any] = {}
    for event in data:
        cand, adapt, labels = [], [], []
        for pair in event.pairs:
            part = event.parts.get((pair.a, pair.b))
            scores = pair.candidate_scores
            if part is None or part.adapter is None or not isinstance(scores, np.ndarray):
                continue
            found = align(pair.z, alignment_settings(), pair.same_event, pair.guard, scores)
            pool = sorted(candidate_pool(scores, found.only_a, found.only_b, 3) - found.pairs())
            cand += [float(scores[p]) for p in pool]
            adapt += [float(part.adapter[p]) for p in pool]
            labels += [int(p in pair.expected) for p in pool]
        c, h, y = (np.asarray(x, dtype=float) for x in (cand, adapt, labels))
        row: dict[str, Any] = {"pool": len(y), "gold": int(y.sum())}
        if len(y):
            row["candidate"] = round(auc(c, y), 3)
            row["adapter"] = round(auc(h, y), 3)
            for w in weights:
                row[f"candidate+{w:g}*adapter"] = round(auc(_standard(c) + w * _standard(h), y), 3)
        out[event.gold] = row
    return out


def adapter_cv(
    data: list[Any],
    adapter: Adapter,
    weights: tuple[float, ...] = WEIGHTS,
    mode: str = "one",
) -> dict[str, Any]:
    """Leave one event out (:func:`framing.lab.alignment_pivot.cv`, F2 among the points that
    keep the seed briefing) over the grid with the adapter's weight, against the same grid
    with the weight at 0, and the candidate pool's AUC. ``data``: the loaded CV pool
    (:func:`framing.lab.alignment_pivot.load`)."""
    from dataclasses import replace

    from framing.lab.alignment_pivot import _points, cv, grid_table, shipped_point

    set_adapter(data, adapter)
    grid = {**BARS_WIDE, **SCORE_NEAR, **PIVOT_SHIPPED, "adapter_weight": tuple(weights)}
    points = _points(grid)
    table = grid_table(data, points, mode)
    base = [k for k, p in enumerate(points) if p["adapter_weight"] == 0.0]
    plain = [replace(r, counts=[r.counts[k] for k in base]) for r in table]
    shipped = {**shipped_point(), "adapter_weight": 0.0}
    return {
        "points": len(points),
        "with_adapter": cv(table, points, shipped=shipped),
        "without": cv(plain, [points[k] for k in base], shipped=shipped),
        "pool_auc": pool_auc(data),
    }
