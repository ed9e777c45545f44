"""The fine-tuning lab (framing.lab.detector_tune): the head's inputs written in torch are
the run-time ones, and the tuned layer must sit at the top of the head's stack."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lab import detector_tune
from framing.lab.detector_subwords import SubwordSet
from framing.lab.detector_train import training_settings
from framing.lab.detector_tune import _head_inputs, below_of, fit, records_of
from framing.lab.loaded_data import Doc
from framing.text.morphology import word_spans
from framing.wording.detector import head_inputs, inside, sentence_ids
from framing.wording.lexicon import find_loaded

TEXTS = [
    ("en", "The corrupt regime's thugs crushed the protest. Officials met on Monday."),
    ("ru", "Кровавый режим снова лжёт. Встреча прошла во вторник."),
]
LANGUAGES = ["en", "ru", "uk"]
DIM = 8


def _subword_set(
    rng: np.random.Generator, texts: list[tuple[str, str]] = TEXTS
) -> tuple[SubwordSet, list[np.ndarray]]:
    """Records (``texts``) cut into pieces of four words, one to three subwords a word,
    random states, and each record's word states pooled as run time pools them (the mean
    of its subwords)."""
    docs, pairs, offsets, pooled = [], [], [], []
    word_start, piece_start, piece_row = [0], [0], [0]
    states = []
    for k, (lang, text) in enumerate(texts):
        doc = Doc(f"r{k}", "test", lang, text, ())
        tokens = word_spans(text)
        words = np.zeros((len(tokens), DIM), np.float32)
        base_word = len(offsets)
        for start in range(0, len(tokens), 4):  # pieces of four words
            row0 = piece_row[-1]
            rows = [rng.standard_normal(DIM).astype(np.float16)]  # <s>
            for w in range(start, min(start + 4, len(tokens))):
                mine = []
                for _ in range(1 + (w % 3)):
                    pairs.append((row0 + len(rows), base_word + w))
                    mine.append(rng.standard_normal(DIM).astype(np.float16))
                    rows.append(mine[-1])
                words[w] = np.mean(np.asarray(mine, np.float32), axis=0)
            rows.append(rng.standard_normal(DIM).astype(np.float16))  # </s>
            states += rows
            piece_row.append(row0 + len(rows))
        docs.append(doc)
        offsets += tokens
        pooled.append(words)
        word_start.append(len(offsets))
        piece_start.append(len(piece_row) - 1)
    cached = SubwordSet(
        docs,
        np.array(word_start),
        np.array(piece_start),
        np.array(piece_row),
        np.array(pairs),
        np.array(offsets),
        np.zeros(len(offsets), bool),
        np.asarray(states, np.float16),
    )
    return cached, pooled


def test_torch_head_inputs_are_the_run_time_ones() -> None:
    """With no layer to run, the torch inputs of a batch of two records are, row for row,
    what detector.head_inputs makes of each record's pooled word states: the state, the
    same-sentence neighbours, lexicon flag, language, length, document mean and density."""
    import torch

    cached, pooled = _subword_set(np.random.default_rng(0))
    records = records_of(cached, LANGUAGES)
    got = _head_inputs(torch.nn.ModuleList(), records).numpy()
    want = []
    for record, words in zip(records, pooled, strict=True):
        doc, tokens = record.doc, record.tokens
        lexicon = inside([(h.start, h.end) for h in find_loaded(doc.text, doc.lang)], tokens)
        sentence = sentence_ids(doc.text, tokens)
        want.append(head_inputs(words, sentence, lexicon, doc.lang, LANGUAGES))
    want_rows = np.vstack(want)
    assert got.shape == want_rows.shape
    assert np.abs(got - want_rows).max() < 1e-5
    assert want[0][:, -1].max() > 0  # the English record has lexicon hits: density is read


def test_the_tuned_layers_top_the_heads_stack() -> None:
    settings = training_settings()
    assert below_of(settings) + settings["tune"]["layers"] == settings["layer"]
    wrong = {**settings, "tune": {**settings["tune"], "below": settings["layer"]}}
    with pytest.raises(ValueError, match="tune.below"):
        below_of(wrong)


class _Scale:
    """A stand-in for a transformer layer: its input times one weight."""

    def __new__(cls) -> object:
        import torch

        class Scale(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.weight = torch.nn.Parameter(torch.ones(1))

            def forward(self, x: object, mask: object) -> object:
                return x * self.weight

        return Scale()


def test_the_schedule_counts_every_shuffled_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records of very different sizes pack into more or fewer batches depending on their
    order: the one-cycle schedule must know the shuffled epochs' count, or it stops the run
    with 'Tried to step n+1 times' (what ended the first 8-layer comparison)."""
    import torch

    monkeypatch.setattr(
        detector_tune, "base_layers", lambda first, count: torch.nn.ModuleList([_Scale()])
    )
    words = "Officials met again on Monday and said nothing new about it."
    # long and short records in turn, a long and a short one filling a batch exactly: in
    # their own order they pack two by two, shuffled two long ones meet and split
    texts = [("en", words if k % 2 == 0 else "Again.") for k in range(24)]
    cached, _ = _subword_set(np.random.default_rng(1), texts)
    cached.labels[::3] = True
    records = records_of(cached, LANGUAGES)
    budget = sum(r.rows[1] - r.rows[0] for r in records[:2])
    settings = {**training_settings(), "seed": 0, "hidden": 4}
    settings["tune"] = {**settings["tune"], "batch_subwords": budget, "epochs": 2, "threads": 1}
    net = fit(records, settings)
    assert not net.training


def test_autocast_runs_the_layers_in_bf16_and_gives_float32_inputs() -> None:
    """``tune.autocast`` runs the tuned layers under CPU autocast (a linear layer's output
    then carries bf16 rounding) while the head's inputs stay float32, close to the float32
    ones."""
    import torch

    cached, _ = _subword_set(np.random.default_rng(2))
    records = records_of(cached, LANGUAGES)
    torch.manual_seed(0)
    linear = torch.nn.Linear(DIM, DIM)

    class Layer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = linear

        def forward(self, x: object, mask: object) -> object:
            return self.linear(x)

    layers = torch.nn.ModuleList([Layer()])
    with torch.no_grad():
        exact = _head_inputs(layers, records)
        rounded = _head_inputs(layers, records, "bfloat16")
    assert exact.dtype == rounded.dtype == torch.float32
    gap = float((exact - rounded).abs().max())
    assert 0.0 < gap < 0.05
