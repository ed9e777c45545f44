"""Training the contextual loaded-wording detector (:mod:`framing.wording.detector`).

What it learns from (the train four fifths of each set; the test fifth is never read):

* SemEval-2023 en and ru news and PTC 2020 en: tokens inside ``Loaded_Language`` or
  ``Name_Calling-Labeling`` spans are positive, all others negative.
* UNLP 2025 posts (uk, ru): tokens inside manipulative spans (any technique, the shared
  task's definition, which is what it is scored on) are positive, the rest negative.

Inputs per token (see :func:`framing.wording.detector.head_inputs`): the e5-small state of
the word after ``layer`` layers, its neighbours' mean state, the lexicon flag, the
language, the text's length, and the document (its mean word state and lexicon density).
The states are computed once and cached outside the repository
(:mod:`framing.lab.detector_states`). The head, one hidden layer of ``hidden`` units, is
trained with torch (AdamW, class-weighted cross-entropy, fixed seed, one thread: two
threads on a shared two-core machine spun thirty times slower).

Thresholds: the train records are cut into folds by a hash of their id
(:func:`framing.lab.loaded_data.fold_of`; PTC and SemEval en share ids, so one article never
sits on both sides); each fold is predicted by a head trained on the others. Each language
gets decision bars (:class:`framing.wording.detector.Cut`: a seed bar and a lower extend bar
its neighbours join a suggestion at, pairs from ``threshold_grid`` and ``extend_steps``)
for posts (texts of up to ``post_max_words`` words) and for articles
(:func:`framing.wording.detector.text_kind`), chosen on these out-of-fold probabilities
with the official measures over the ``select_on`` sets of that kind (UNLP posts for posts,
news for articles): F1 for posts, F-beta with
``article_beta`` (0.5: precision counts twice) for articles, because a reader of news is
better served by few suggestions that hold than by many that do not. A kind a language has
no annotated text of takes a ``fallback`` threshold (uk articles: ru's; en posts: en
articles').
The shipped head is then trained on all train
records. Hyperparameters are data, in ``data/detector/training.json``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_gru import fit_gru
from framing.lab.detector_states import CachedSet, build
from framing.lab.eval_loaded import span_prf, token_prf
from framing.lab.loaded_data import FOLDS, Doc, fold_of, read_sets, subsample
from framing.wording.detector import (
    FEATURE_VERSION,
    RECALL,
    Cut,
    DetectorError,
    Model,
    artifact_dir,
    head_inputs,
    inside,
    save_model,
    sentence_ids,
    spans_from_tokens,
    text_kind,
)
from framing.wording.lexicon import find_loaded
from framing.wording.word_features import feature_matrix, token_features

SETTINGS_FILE = "data/detector/training.json"
REPORT = "training_report.json"  # written beside the artifact
Progress = Callable[[str], None]


@dataclass
class Example:
    """One record: its doc, token offsets, gold labels, head inputs (float16) and each
    token's sentence number (what the sequence head reads as one sequence)."""

    doc: Doc
    tokens: list[tuple[int, int]]
    labels: np.ndarray
    inputs: np.ndarray
    sentence: np.ndarray | None = None
    words: Any = None  # hashed word features, one CSR row per token (the linear model's)


def training_settings() -> dict[str, Any]:
    """The hyperparameters in ``data/detector/training.json``."""
    path = resources.files("framing").joinpath(SETTINGS_FILE)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DetectorError(f"Cannot read the training settings {path}: {exc}.") from exc


def examples_of(
    cached: CachedSet,
    docs: list[Doc],
    layer: int,
    languages: list[str],
    n_features: int | None = None,
    document_layer: int | None = None,
) -> list[Example]:
    """Head inputs of every record of one cached set (lexicon flags computed now, so a
    lexicon edit is seen by the next training run), and its hashed word features when
    ``n_features`` is given; the document feature is the mean of ``document_layer``'s
    states (default ``layer``'s)."""
    by_id = {doc.id: doc for doc in docs}
    states = cached.states[layer]
    document_states = cached.states[document_layer or layer]
    out = []
    for k, record_id in enumerate(cached.ids):
        doc = by_id[record_id]
        lo, hi = int(cached.doc_start[k]), int(cached.doc_start[k + 1])
        tokens = [(int(s), int(e)) for s, e in cached.offsets[lo:hi]]
        lexicon = inside([(h.start, h.end) for h in find_loaded(doc.text, doc.lang)], tokens)
        sentence = sentence_ids(doc.text, tokens)
        rows = np.asarray(states[lo:hi], dtype=np.float32)
        document = np.asarray(document_states[lo:hi], dtype=np.float32)
        inputs = head_inputs(rows, sentence, lexicon, doc.lang, languages, document)
        inputs = inputs.astype(np.float16)
        words = None
        if n_features:
            words = feature_matrix(token_features(doc.text, doc.lang, tokens), n_features)
        labels = np.asarray(cached.labels[lo:hi])
        out.append(Example(doc, tokens, labels, inputs, sentence, words))
    return out


def head_seeds(settings: dict[str, Any]) -> list[int]:
    """The seeds of the heads whose probabilities are averaged (``head_seeds``: a seed
    ensemble, the 'mlp' head only); absent, the one head of ``seed``."""
    seeds = [int(s) for s in settings.get("head_seeds") or [settings["seed"]]]
    if len(seeds) != len(set(seeds)):
        raise DetectorError(f"training.json: head_seeds repeats a seed: {seeds}.")
    if len(seeds) > 1 and settings.get("head", "mlp") != "mlp":
        raise DetectorError("training.json: head_seeds applies to the 'mlp' head only.")
    return seeds


def head_config(settings: dict[str, Any]) -> dict[str, Any]:
    """What :class:`Model` needs to know of the head: its kind and, for the sequence head,
    the longest piece of a sentence it reads as one sequence; for an ensemble, how many
    heads."""
    if settings.get("head", "mlp") == "gru":
        return {"head": "gru", "max_words": int(settings["gru"]["max_words"])}
    heads = len(head_seeds(settings))
    return {
        "head": "mlp",
        "hidden": int(settings["hidden"]),
        **({"heads": heads} if heads > 1 else {}),
    }


def fit_head(examples: list[Example], settings: dict[str, Any]) -> dict[str, np.ndarray]:
    """Train the head on ``examples``; returns its arrays (float32). With several
    ``head_seeds``, one head per seed, stacked along a leading axis (an ensemble whose
    probabilities :class:`Model` averages)."""
    seeds = head_seeds(settings)
    if len(seeds) > 1:
        each = [_fit_one(examples, {**settings, "seed": seed}) for seed in seeds]
        return {name: np.stack([arrays[name] for arrays in each]) for name in each[0]}
    return _fit_one(examples, {**settings, "seed": seeds[0]})


def _fit_one(examples: list[Example], settings: dict[str, Any]) -> dict[str, np.ndarray]:
    """Train one head (at ``settings``' seed) on ``examples``."""
    if settings.get("head", "mlp") == "gru":
        sentences = [e.sentence for e in examples]
        if any(s is None for s in sentences):
            raise DetectorError("The sequence head needs each example's sentence numbers.")
        return fit_gru(
            [e.inputs for e in examples],
            [e.labels for e in examples],
            sentences,  # type: ignore[arg-type]
            settings,
        )
    import torch

    torch.manual_seed(int(settings["seed"]))
    torch.set_num_threads(int(settings["threads"]))
    x = torch.from_numpy(np.concatenate([e.inputs for e in examples]))
    y = torch.from_numpy(np.concatenate([e.labels for e in examples]).astype(np.float32))
    positives = float(y.sum())
    pos_weight = ((len(y) - positives) / max(positives, 1.0)) ** float(settings["balance"])
    weights = word_weights(examples, settings)
    hidden = int(settings["hidden"])
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.GELU(approximate="tanh"),
        torch.nn.Dropout(float(settings["dropout"])),
        torch.nn.Linear(hidden, 1),
    )
    optimiser = torch.optim.AdamW(
        net.parameters(), lr=float(settings["lr"]), weight_decay=float(settings["weight_decay"])
    )
    reduction = "mean" if weights is None else "none"
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight), reduction=reduction)
    generator = torch.Generator().manual_seed(int(settings["seed"]))
    batch = int(settings["batch"])
    net.train()
    for _ in range(int(settings["epochs"])):
        order = torch.randperm(len(y), generator=generator)
        for start in range(0, len(y), batch):
            rows = order[start : start + batch]
            optimiser.zero_grad()
            loss = loss_fn(net(x[rows].float()).squeeze(1), y[rows])
            if weights is not None:
                loss = (loss * weights[rows]).mean()
            loss.backward()
            optimiser.step()
    first, last = net[0], net[3]
    return {
        "w1": first.weight.detach().numpy().T.copy(),
        "b1": first.bias.detach().numpy().copy(),
        "w2": last.weight.detach().numpy()[0].copy(),
        "b2": last.bias.detach().numpy().copy(),
    }


def word_weights(examples: list[Example], settings: dict[str, Any]) -> Any:
    """Each word's weight in the head's loss, by its record's set (``set_weights``; a set not
    named weighs 1), scaled so that the mean word weighs 1 (the step size stays the one
    ``lr`` was chosen for); None when every set weighs 1, so the default loss is the plain
    mean, bit for bit the one before the setting existed. Why a weight: the sets are pooled
    and SemEval ru's news are a small minority of the words the one head is fitted to."""
    import torch

    chosen = {str(k): float(v) for k, v in (settings.get("set_weights") or {}).items()}
    if all(chosen.get(e.doc.set_name, 1.0) == 1.0 for e in examples):
        return None
    if settings.get("head", "mlp") != "mlp":
        raise DetectorError("training.json: set_weights applies to the 'mlp' head only.")
    per_word = np.concatenate(
        [np.full(e.labels.size, chosen.get(e.doc.set_name, 1.0)) for e in examples]
    )
    if (per_word < 0).any() or per_word.sum() <= 0:
        raise DetectorError(f"training.json: set_weights must be >= 0, some > 0: {chosen}.")
    return torch.from_numpy((per_word / per_word.mean()).astype(np.float32))


def predict(model: Model, examples: list[Example]) -> list[np.ndarray]:
    return [model.probabilities(e.inputs.astype(np.float32), e.sentence) for e in examples]


def score(examples: list[Example], probs: list[np.ndarray], cut: Cut) -> dict[str, Any]:
    """Each set's measure at ``cut``: span P/R/F1 for news, token P/R/F1 for UNLP."""
    by_set: dict[str, list[tuple[Doc, list[tuple[int, int]]]]] = {}
    for example, p in zip(examples, probs, strict=True):
        found = spans_from_tokens(
            example.doc.text, example.tokens, p, cut.seed, cut.extend, cut.bridge
        )
        by_set.setdefault(example.doc.set_name, []).append(
            (example.doc, [(s.start, s.end) for s in found])
        )
    scores = {}
    for name, rows in by_set.items():
        if name == "unlp2025":
            scores[name] = token_prf((doc.text, pred, doc.gold) for doc, pred in rows)
        else:
            scores[name] = span_prf((pred, doc.gold) for doc, pred in rows)
    return scores


def f_beta(scores: dict[str, float], beta: float) -> float:
    p, r = scores["precision"], scores["recall"]
    return (1 + beta**2) * p * r / (beta**2 * p + r) if p > 0 and r > 0 else 0.0


def cuts_of(grid: list[float], steps: list[float], bridges: Sequence[int] = (0,)) -> list[Cut]:
    """Every pair of bars tried: each seed of ``grid`` with an extend bar ``step`` below it
    for each of ``steps`` (0: no extension), extend bars below the grid's lowest left out,
    each with every gap of ``bridges`` (words two runs may be apart and still become one;
    0 first, so that a tie keeps runs apart)."""
    low = min(grid)
    return [
        Cut(float(seed), round(float(seed) - float(step), 4), int(bridge))
        for seed in grid
        for step in steps
        if float(seed) - float(step) >= low - 1e-9
        for bridge in bridges
    ]


def choose_threshold(
    examples: list[Example],
    probs: list[np.ndarray],
    cuts: list[Cut],
    wanted: list[str],
    beta: float = 1.0,
    min_precision: float = 0.0,
) -> tuple[Cut, dict[str, Any]] | None:
    """The pair of ``cuts`` with the best mean F-beta over the sets ``wanted`` among those
    whose mean precision reaches ``min_precision`` (if none does, the most precise one),
    and the scores there; None when no example belongs to those sets."""
    best: tuple[tuple[bool, float], Cut, dict[str, Any]] | None = None
    for cut in cuts:
        scores = score(examples, probs, cut)
        found = [name for name in wanted if name in scores]
        if not found:
            return None
        fs = float(np.mean([f_beta(scores[name], beta) for name in found]))
        precision = float(np.mean([scores[name]["precision"] for name in found]))
        key = (precision >= min_precision, fs if precision >= min_precision else precision)
        if best is None or key > best[0]:
            best = (key, cut, scores)
    return None if best is None else (best[1], best[2])


def _rounded(scores: dict[str, Any]) -> dict[str, Any]:
    return {name: {k: round(v, 4) for k, v in m.items()} for name, m in scores.items()}


def load_examples(
    data_dir: Path, settings: dict[str, Any], split: str, say: Progress
) -> list[Example]:
    """Examples of every training set's ``split``, states from the cache (built if missing)."""
    layer, document_layer = int(settings["layer"]), document_layer_of(settings)
    layers = settings["cache_layers"]
    if not {layer, document_layer} <= set(layers):
        raise DetectorError(
            f"training.json: cache_layers {layers} must hold the head's layer {layer} and the "
            f"document_layer {document_layer}."
        )
    examples: list[Example] = []
    for name in settings["sets"]:
        say(f"{name}/{split}: e5 word states (cached after the first run)")
        limit = settings["max_records"].get(name) if split == "train" else None
        encoder = states_encoder(settings)
        cached = build(Path(data_dir), name, split, layers, encoder, progress=False, limit=limit)
        docs = subsample(read_sets(Path(data_dir), [name], split=split), limit)
        n_features = int(settings["lexical"]["n_features"]) if _blends(settings) else None
        examples += examples_of(
            cached, docs, layer, list(settings["languages"]), n_features, document_layer
        )
    return examples


def document_layer_of(settings: dict[str, Any]) -> int:
    """The layer whose mean word state is the head's document feature: ``document_layer``
    when the settings name one, else the head's ``layer`` (the shipped heads before issue
    13's twentieth session)."""
    return int(settings.get("document_layer") or settings["layer"])


def states_encoder(settings: dict[str, Any]) -> dict[str, Any]:
    """The recipe of the graph the head's states are read through: ``states_encoder`` when
    the settings name one, else ``encoder`` (the int8 graph the alignment word score reads)."""
    return dict(settings.get("states_encoder") or settings["encoder"])


def _blends(settings: dict[str, Any]) -> bool:
    """Whether a linear model over word features is tried beside the head."""
    return any(float(w) < 1.0 for w in settings.get("lexical", {}).get("weights", [1.0]))


def fit_linear(examples: list[Example], lexical: dict[str, Any]) -> tuple[np.ndarray, float]:
    """A logistic regression over the examples' hashed word features (liblinear, balanced
    classes, a fixed random state: the same weights on every run); its weights and bias."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=float(lexical["C"]),
        class_weight="balanced",
        solver="liblinear",
        max_iter=int(lexical["max_iter"]),
        random_state=0,
    )
    labels = np.concatenate([e.labels for e in examples])
    if labels.all() or not labels.any():  # one class only: nothing to learn, a neutral model
        return np.zeros(examples[0].words.shape[1], np.float32), 0.0
    model.fit(sp.vstack([e.words for e in examples]).tocsr(), labels)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def linear_cross_validate(
    examples: list[Example], settings: dict[str, Any], say: Progress
) -> list[np.ndarray]:
    """Out-of-fold logits of one linear model per language (the folds of the head: the
    model that scores fold k never saw fold k's records)."""
    folds = [fold_of(e.doc.id) for e in examples]
    oof = [np.zeros(e.labels.size) for e in examples]  # logit 0 where no model could learn
    for lang in settings["languages"]:
        mine = [i for i, e in enumerate(examples) if e.doc.lang == lang]
        for k in range(FOLDS):
            say(f"{lang}: linear model, cross-validation fold {k + 1} of {FOLDS}")
            seen = [examples[i] for i in mine if folds[i] != k]
            if not seen:
                continue
            weights, bias = fit_linear(seen, settings["lexical"])
            for i in mine:
                if folds[i] == k:
                    oof[i] = np.asarray(examples[i].words @ weights + bias, dtype=np.float64)
    return oof


def cross_validate(
    examples: list[Example], settings: dict[str, Any], say: Progress
) -> list[np.ndarray]:
    """Out-of-fold probabilities of every example."""
    folds = [fold_of(e.doc.id) for e in examples]
    oof: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for k in range(FOLDS):
        say(f"cross-validation fold {k + 1} of {FOLDS}")
        arrays = fit_head([e for e, f in zip(examples, folds, strict=True) if f != k], settings)
        model = Model(head_config(settings), arrays, {})
        for i, fold in enumerate(folds):
            if fold == k:
                rows = examples[i].inputs.astype(np.float32)
                oof[i] = model.probabilities(rows, examples[i].sentence)
    return oof


def _mixed(head: np.ndarray, linear: np.ndarray | None, weight: float) -> np.ndarray:
    """The head's probabilities mixed with the linear logits (as Model.blend does)."""
    if linear is None or weight >= 1.0:
        return head
    p = np.clip(head, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(weight * np.log(p / (1 - p)) + (1 - weight) * linear)))


def _choose_bars(
    examples: list[Example],
    probs: dict[int, np.ndarray],
    mine: list[int],
    cuts: list[Cut],
    lang: str,
    settings: dict[str, Any],
) -> tuple[dict[str, Cut], dict[str, Any], float]:
    """One language's bars per kind on out-of-fold ``probs`` (by row), their figures, and
    the objective a blend weight is chosen by: the mean over the kinds with annotated
    sets of the F-beta the kind's bars are chosen by (0 where its precision floor fails)."""
    post_max = int(settings["post_max_words"])
    article = (float(settings["article_beta"]), float(settings["article_min_precision"]))
    choices = (("post", (1.0, 0.0)), ("article", article), (RECALL, (1.0, 0.0)))
    chosen: dict[str, Cut] = {}
    figures: dict[str, Any] = {}
    objectives = []
    for kind, (beta, floor) in choices:
        read_as = "article" if kind == RECALL else kind
        rows = [i for i in mine if text_kind(examples[i].labels.size, post_max) == read_as]
        wanted = settings["select_on"][read_as][lang]
        found = choose_threshold(
            [examples[i] for i in rows], [probs[i] for i in rows], cuts, wanted, beta, floor
        )
        if found is None:
            continue
        chosen[kind] = found[0]
        figures[f"cross_validated_{kind}s"] = _rounded(found[1])
        if kind != RECALL:
            sets = [found[1][name] for name in wanted if name in found[1]]
            precise = float(np.mean([m["precision"] for m in sets])) >= floor
            objectives.append(float(np.mean([f_beta(m, beta) for m in sets])) if precise else 0.0)
    return chosen, figures, float(np.mean(objectives)) if objectives else 0.0


def choose_cuts(
    examples: list[Example],
    oof: list[np.ndarray],
    linear: list[np.ndarray] | None,
    settings: dict[str, Any],
    say: Progress,
    fixed_blend: dict[str, float] | None = None,
) -> tuple[dict[str, dict[str, Cut]], dict[str, float], dict[str, Any]]:
    """Each language's blend weight and bars per kind, chosen on the out-of-fold head
    probabilities ``oof`` and linear logits ``linear``, and the figures of the report;
    ``fixed_blend`` keeps each language's blend weight as given (only the bars chosen)."""
    weights = [float(w) for w in settings.get("lexical", {}).get("weights", [1.0])]
    thresholds: dict[str, dict[str, Cut]] = {}
    blend: dict[str, float] = {}
    cuts = cuts_of(
        settings["threshold_grid"], settings["extend_steps"], settings.get("bridge_steps", [0])
    )
    report_langs: dict[str, Any] = {}
    for lang in settings["languages"]:
        mine = [i for i, e in enumerate(examples) if e.doc.lang == lang]
        report_langs[lang] = {
            "records": len(mine),
            "tokens": int(sum(examples[i].labels.size for i in mine)),
            "positive_tokens": int(sum(examples[i].labels.sum() for i in mine)),
        }
        best: tuple[float, float, dict[str, Cut], dict[str, Any]] | None = None
        tried = [fixed_blend[lang]] if fixed_blend is not None else weights
        for weight in tried if linear is not None else [1.0]:
            probs = {i: _mixed(oof[i], linear[i] if linear else None, weight) for i in mine}
            chosen, figures, objective = _choose_bars(examples, probs, mine, cuts, lang, settings)
            if linear is not None:
                report_langs[lang].setdefault("blend_objective", {})[str(weight)] = round(
                    objective, 4
                )
                say(f"{lang}: blend weight {weight}: objective {objective:.4f}")
            if best is None or objective > best[0]:  # a tie keeps the earlier (head) weight
                best = (objective, weight, chosen, figures)
        assert best is not None
        blend[lang], thresholds[lang] = best[1], best[2]
        report_langs[lang].update(best[3])
        report_langs[lang]["blend_weight"] = best[1]
    for lang, chosen in thresholds.items():  # a kind with no annotated text in this language
        for kind, (other, other_kind) in settings["fallback"].get(lang, {}).items():
            if other_kind in thresholds.get(other, {}):
                chosen.setdefault(kind, thresholds[other][other_kind])
        if set(chosen) != {"post", "article", RECALL}:
            raise DetectorError(f"No threshold for {lang}: add a fallback in training.json.")
        report_langs[lang]["thresholds"] = {k: vars(c) for k, c in chosen.items()}
        say(f"{lang}: thresholds {chosen}")
    return thresholds, blend, report_langs


def train_detector(
    data_dir: Path,
    out_path: Path | None = None,
    progress: Progress | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train on the train split of ``data_dir``, choose thresholds by cross-validation, write
    the artifact to ``out_path`` (default: the package's ``data/detector``), and report.
    ``overrides`` replaces some of the settings of ``training.json`` (for experiments)."""
    say = progress or (lambda message: None)
    settings = {**training_settings(), **(overrides or {})}
    started = time.perf_counter()
    examples = load_examples(data_dir, settings, "train", say)
    if not any(e.labels.any() for e in examples):
        raise DetectorError(f"No positive tokens in {data_dir}: is it the right folder?")
    oof = cross_validate(examples, settings, say)
    linear = linear_cross_validate(examples, settings, say) if _blends(settings) else None
    thresholds, blend, report_langs = choose_cuts(examples, oof, linear, settings, say)
    return write_artifact(
        examples, settings, thresholds, blend, report_langs, out_path, say, started
    )


def write_artifact(
    examples: list[Example],
    settings: dict[str, Any],
    thresholds: dict[str, dict[str, Cut]],
    blend: dict[str, float],
    report_langs: dict[str, Any],
    out_path: Path | None,
    say: Progress,
    started: float,
    linear_fits: dict[str, tuple[np.ndarray, float]] | None = None,
) -> dict[str, Any]:
    """Train the shipped head (and the linear models, unless ``linear_fits`` holds them) on
    every example and write the artifact with its thresholds and training report."""
    say("training the shipped head on every train record")
    arrays = fit_head(examples, settings)
    lexical = None
    if any(w < 1.0 for w in blend.values()):
        say("training the shipped linear models on every train record")
        biases = []
        n_features = int(settings["lexical"]["n_features"])
        for lang in settings["languages"]:
            mine = [e for e in examples if e.doc.lang == lang]
            found = (linear_fits or {}).get(lang)
            if found is None and mine:
                found = fit_linear(mine, settings["lexical"])
            arrays[f"lexical_{lang}"] = found[0] if found else np.zeros(n_features, np.float32)
            biases.append(found[1] if found else 0.0)
        arrays["lexical_bias"] = np.array(biases, dtype=np.float32)
        lexical = {"lexical": {"n_features": n_features, "weight": blend}}
    config = {
        "feature_version": FEATURE_VERSION,
        "languages": list(settings["languages"]),
        "layer": int(settings["layer"]),
        **(
            {"document_layer": document_layer_of(settings)}
            if document_layer_of(settings) != int(settings["layer"])
            else {}
        ),
        "encoder": settings["encoder"],
        **(
            {"states_encoder": settings["states_encoder"]} if settings.get("states_encoder") else {}
        ),
        **head_config(settings),
        "post_max_words": int(settings["post_max_words"]),
        **(lexical or {}),
        "trained_on": {name: "train split (is_test(id) false)" for name in settings["sets"]},
    }
    model = Model(config, arrays, thresholds)
    folder = Path(out_path) if out_path else Path(str(artifact_dir()))
    save_model(folder, model)
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file() and f.name != REPORT)
    report = {
        "artifact_bytes": size,
        "training_seconds": round(time.perf_counter() - started, 1),
        "languages": report_langs,
        "settings": settings,
    }
    # the training figures travel with the weights they describe
    (folder / REPORT).write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    return {"written": str(folder), **report}
