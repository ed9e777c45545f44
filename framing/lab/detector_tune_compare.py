"""Does tuning the detector's top encoder layer beat the frozen stack? A held-out comparison.

Two detectors are trained on the same train records outside fold 0 (every one, or a
``share`` of them by a hash of the id; outside the bar fold too when one is given) and
measured on every train record of fold 0 (folds are by id hash: an article or post is on
one side only; PTC and SemEval en share ids, so SemEval en's fold 0 is unseen too):

* **frozen**: the head of ``training.json`` (:func:`framing.lab.detector_train.fit_head`)
  on the word states after ``layer`` layers as run time computes them (kept in the subword
  cache's own pass, :mod:`framing.lab.detector_subwords`);
* **tuned**: e5-small's layer ``layer`` and a head started from the frozen one, trained
  together on the cached subword states after ``tune.below`` layers
  (:mod:`framing.lab.detector_tune`).

Both are blended with the same linear models (one per language over hashed word features,
trained on the same records; ``lexical.C``) at the shipped artifact's blend weights, and
read like ``framing eval-loaded``: news as articles, UNLP posts as posts, the union being
the lexicon's hits plus the suggestions beyond them, each widened to its phrase
(:func:`framing.lab.eval_loaded.shown_spans`). Each language's bars are chosen as
training chooses them (articles: the best F-beta ``article_beta`` among bars whose span
precision reaches ``article_min_precision``; posts: F1), and at the F1-optimal bars
besides, the same way for both: on fold 0 itself (``bars_fold0``: optimistic), and, when
``bar_fold`` names a train fold, on that fold's records, which then train neither
(``bars_fold<k>``: bars never chosen on the measured records).

Run: ``python -m framing.lab.detector_tune_compare DATA SHARE [OUT.json] [KEY=VALUE ...]``,
each ``KEY=VALUE`` a setting of ``training.json`` replaced for this run (a dotted key into
nested settings, a JSON value: ``tune.layers=4``), or ``bar_fold=1``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_states import CachedSet
from framing.lab.detector_subwords import SubwordSet, build
from framing.lab.detector_train import (
    Example,
    choose_threshold,
    cuts_of,
    examples_of,
    fit_head,
    fit_linear,
    states_encoder,
)
from framing.lab.detector_tune import (
    Progress,
    Record,
    below_of,
    fit,
    head_arrays,
    layer_arrays,
    predict,
    records_of,
)
from framing.lab.eval_loaded import _score, shown_spans
from framing.lab.loaded_data import NEWS_SETS, fold_of, split_unit
from framing.wording.detector import Model, load_model, spans_from_tokens

MEASURED_ONLY = ("semeval2023_en",)  # measured on fold 0, never trained on
HELD_FOLD = 0
# (set, language, the set its bars are chosen on)
ROWS = (
    ("ptc2020_en", "en", "ptc2020_en"),
    ("semeval2023_en", "en", "ptc2020_en"),
    ("semeval2023_ru", "ru", "semeval2023_ru"),
    ("unlp2025", "ru", "unlp2025"),
    ("unlp2025", "uk", "unlp2025"),
)


def load(
    data_dir: Path, settings: dict[str, Any], say: Progress
) -> tuple[list[Record], list[Example]]:
    """Every cached record (train sets: all folds; measured-only sets: the held fold) and
    its frozen example (head inputs after ``layer``, hashed word features), in one order."""
    layer, below = int(settings["layer"]), below_of(settings)
    encoder = states_encoder(settings)
    languages = list(settings["languages"])
    n_features = int(settings["lexical"]["n_features"])
    records: list[Record] = []
    examples: list[Example] = []
    wanted = [(name, None) for name in settings["sets"]]
    wanted += [(name, [HELD_FOLD]) for name in MEASURED_ONLY]
    for name, folds in wanted:
        started = time.perf_counter()
        cached = build(Path(data_dir), name, "train", below, encoder, words=[layer], folds=folds)
        say(f"{name}: {len(cached.docs)} records ({time.perf_counter() - started:.0f} s)")
        records += records_of(cached, languages)
        examples += examples_of(_as_words(name, cached, layer), cached.docs, layer, languages,
                                n_features)  # fmt: skip
    return records, examples


def _as_words(name: str, cached: SubwordSet, layer: int) -> CachedSet:
    """The word states ``cached`` kept, as :func:`examples_of` reads a word-state cache."""
    return CachedSet(
        name,
        [d.id for d in cached.docs],
        [d.lang for d in cached.docs],
        cached.word_start,
        cached.offsets,
        cached.labels,
        {layer: cached.words[layer]},
    )


def blended(
    examples: list[Example], train: list[int], held: list[int], settings: dict[str, Any]
) -> dict[int, np.ndarray]:
    """The linear logits of the ``held`` examples (by index), one model per language
    trained on the ``train`` ones."""
    out: dict[int, np.ndarray] = {}
    for lang in settings["languages"]:
        seen = [examples[i] for i in train if examples[i].doc.lang == lang]
        weights, bias = fit_linear(seen, settings["lexical"])
        for i in held:
            if examples[i].doc.lang == lang:
                out[i] = np.asarray(examples[i].words @ weights + bias, dtype=np.float64)
    return out


def overridden(settings: dict[str, Any], pairs: list[str]) -> dict[str, Any]:
    """``settings`` with each ``KEY=VALUE`` of ``pairs`` replaced: a dotted key reaches into
    nested settings (every level but the last must exist), the value is JSON (a bare word
    that is not JSON is a string)."""
    out = json.loads(json.dumps(settings))  # a deep copy: the caller's stays as read
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"not KEY=VALUE: {pair!r}")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        *path, last = key.split(".")
        node = out
        for part in path:
            if not isinstance(node.get(part), dict):
                raise ValueError(f"no settings {part!r} in {key!r}")
            node = node[part]
        node[last] = value
    return out


def tune_share(records: list[Record], train: list[int], share: float) -> list[int]:
    """The ``train`` records the tuned layers see: a ``share`` of them by a hash of the id
    (``tune.share``, when an epoch over all costs more than there is time for; the frozen
    head, the linear models and the head the tuning starts from still learn from all)."""
    if share >= 1.0:
        return list(train)
    return [i for i in train if split_unit(f"{records[i].doc.id}#tune-share") < share]


def measure(
    examples: list[Example],
    held: list[int],
    probs: dict[int, np.ndarray],
    settings: dict,
    choose_on: list[int] | None = None,
) -> dict[str, Any]:
    """Detector and union figures of each row of :data:`ROWS` on the ``held`` examples,
    at the bars chosen as training chooses them and at the F1-optimal ones, chosen on the
    ``choose_on`` examples (default: ``held`` itself)."""
    cuts = cuts_of(settings["threshold_grid"], settings["extend_steps"], settings["bridge_steps"])
    floor = (float(settings["article_beta"]), float(settings["article_min_precision"]))

    def rows_in(indices: list[int]) -> dict[tuple[str, str], list[int]]:
        return {
            (name, lang): [
                i
                for i in indices
                if examples[i].doc.set_name == name and examples[i].doc.lang == lang
            ]
            for name, lang, _ in ROWS
        }

    rows_of = rows_in(held)
    pick_of = rows_in(held if choose_on is None else choose_on)
    out: dict[str, Any] = {}
    bars: dict[tuple[str, str, str], Any] = {}
    for name, lang, chosen_on in ROWS:
        kind = "article" if name in NEWS_SETS else "post"
        mine = rows_of[(name, lang)]
        if not mine:
            continue
        cell: dict[str, Any] = {"records": len(mine)}
        for rule in ("rule", "f1_optimal"):
            key = (chosen_on, lang, rule)
            if key not in bars:
                pick = pick_of[(chosen_on, lang)]
                strict = floor if kind == "article" and rule == "rule" else (1.0, 0.0)
                found = choose_threshold(
                    [examples[i] for i in pick], [probs[i] for i in pick], cuts, [chosen_on],
                    *strict,
                )  # fmt: skip
                bars[key] = found[0] if found else None
            cut = bars[key]
            if cut is None:
                continue
            docs = [examples[i].doc for i in mine]
            found_spans = [
                spans_from_tokens(
                    examples[i].doc.text,
                    examples[i].tokens,
                    probs[i].tolist(),
                    cut.seed,
                    cut.extend,
                    cut.bridge,
                )  # fmt: skip
                for i in mine
            ]
            how = "token" if name not in NEWS_SETS else "span"
            _, union = shown_spans(docs, lang, kind, found_spans)
            detector = [[(s.start, s.end) for s in f] for f in found_spans]
            cell[rule] = {
                "bars": vars(cut),
                "detector": _score(how, docs, detector),
                "union": _score(how, docs, union),
            }
        out[f"{name}:{lang}"] = cell
    return out


def _mix(head: np.ndarray, linear: np.ndarray, weight: float) -> np.ndarray:
    p = np.clip(head, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(weight * np.log(p / (1 - p)) + (1 - weight) * linear)))


def compare(
    data_dir: Path,
    settings: dict[str, Any],
    share: float,
    say: Progress,
    keep: Path | None = None,
    bar_fold: int | None = None,
) -> dict[str, Any]:
    """The frozen and the tuned detector, trained on the same records, measured on fold 0;
    with ``bar_fold``, that fold trains neither and the bars are chosen on it as well."""
    if bar_fold == HELD_FOLD:
        raise ValueError(f"the bar fold must not be the measured fold {HELD_FOLD}")
    import torch

    tune = settings["tune"]
    started = time.perf_counter()
    records, examples = load(data_dir, settings, say)
    report: dict[str, Any] = {"load_seconds": round(time.perf_counter() - started)}
    trained = set(settings["sets"])
    train = [
        i
        for i, r in enumerate(records)
        if r.tokens
        and r.doc.set_name in trained
        and fold_of(r.doc.id) not in (HELD_FOLD, bar_fold)
        and split_unit(f"{r.doc.id}#tune") < share
    ]
    held = [i for i, r in enumerate(records) if r.tokens and fold_of(r.doc.id) == HELD_FOLD]
    bar = [
        i
        for i, r in enumerate(records)
        if bar_fold is not None
        and r.tokens
        and r.doc.set_name in trained
        and fold_of(r.doc.id) == bar_fold
    ]
    size = sum(records[i].rows[1] - records[i].rows[0] for i in train)
    report.update(
        train_records=len(train), train_subwords=size, held_records=len(held),
        bar_records=len(bar), settings=settings,
    )  # fmt: skip
    say(f"train: {len(train)} records, {size} subwords; held out: {len(held)}; bars: {len(bar)}")
    scored = held + bar
    weights = load_model().config["lexical"]["weight"]
    step = time.perf_counter()
    linear = blended(examples, train, scored, settings)
    report["linear_seconds"] = round(time.perf_counter() - step)
    torch.set_num_threads(int(tune["threads"]))
    step = time.perf_counter()
    # one head (its seed), not training.json's seed ensemble: the tuned net starts from it
    one = {**settings, "threads": int(tune["threads"]), "head_seeds": None}
    head = fit_head([examples[i] for i in train], one)
    frozen = Model({}, head, {})
    probs = {i: frozen.probabilities(examples[i].inputs.astype(np.float32)) for i in scored}
    report["frozen_seconds"] = round(time.perf_counter() - step)
    systems = {"frozen": probs}
    step = time.perf_counter()
    tuned_on = tune_share(records, train, float(tune.get("share", 1.0)))
    report.update(
        tuned_records=len(tuned_on),
        tuned_subwords=sum(records[i].rows[1] - records[i].rows[0] for i in tuned_on),
    )
    say(f"tuned on {len(tuned_on)} records, {report['tuned_subwords']} subwords")
    net = fit([records[i] for i in tuned_on], settings, say, head=head)
    report["tune_seconds"] = round(time.perf_counter() - step)
    if keep is not None:  # the tuned layer and head, for a later look
        np.savez(keep, **layer_arrays(net), **head_arrays(net))
    report["epochs"] = int(tune["epochs"])
    step = time.perf_counter()
    systems["tuned"] = dict(zip(scored, predict(net, [records[i] for i in scored]), strict=True))
    report["predict_seconds"] = round(time.perf_counter() - step)
    for tag, found in systems.items():
        mixed = {
            i: _mix(p, linear[i], float(weights[examples[i].doc.lang])) for i, p in found.items()
        }
        report[tag] = {f"bars_fold{HELD_FOLD}": measure(examples, held, mixed, settings)}
        if bar:
            report[tag][f"bars_fold{bar_fold}"] = measure(examples, held, mixed, settings, bar)
        say(f"{tag}: {json.dumps(report[tag])}")
    return report


if __name__ == "__main__":  # python -m framing.lab.detector_tune_compare DATA SHARE [OUT.json]
    # [KEY=VALUE ...] (beside OUT.json, OUT.npz: the tuned layers and head)
    from framing.lab.detector_train import training_settings

    given = [a for a in sys.argv[3:] if "=" in a]
    out_path = next((Path(a) for a in sys.argv[3:] if "=" not in a), None)
    run = overridden({**training_settings(), "seed": 0}, given)
    chosen_fold = run.pop("bar_fold", None)
    found = compare(
        Path(sys.argv[1]),
        run,
        float(sys.argv[2]),
        lambda m: print(time.strftime("%H:%M:%S"), m, file=sys.stderr, flush=True),
        out_path.with_suffix(".npz") if out_path else None,
        None if chosen_fold is None else int(chosen_fold),
    )
    text = json.dumps(found, indent=1, default=float)
    if out_path:
        out_path.write_text(text + "\n", "utf-8")
    print(text)
