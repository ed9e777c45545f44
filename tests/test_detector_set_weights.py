"""set_weights: each training set's weight in the detector head's loss (off by default)."""

from __future__ import annotations

import numpy as np
import pytest

from framing.lab.detector_train import Example, fit_head, training_settings, word_weights
from framing.lab.loaded_data import Doc
from framing.wording.detector import DetectorError, Model


def _example(set_name: str, label: int, words: int, k: int) -> Example:
    """A record of ``words`` words that all read the same input row, each labelled ``label``."""
    doc = Doc(f"{set_name}-{k}", set_name, "ru", "x", ())
    inputs = np.tile(np.array([[1.0, 0.5, -0.5, 0.25]], dtype=np.float16), (words, 1))
    return Example(doc, [(0, 1)] * words, np.full(words, label, dtype=np.int64), inputs)


def _settings(**extra: object) -> dict[str, object]:
    """The shipped head's settings, made to converge on a tiny, contradictory set."""
    settings = {**training_settings(), "hidden": 4, "dropout": 0.0, "weight_decay": 0.0}
    settings.update({"lr": 0.05, "epochs": 60, "batch": 16, "threads": 1})
    settings.pop("set_weights", None)
    return {**settings, **extra}


def _examples() -> list[Example]:
    # the same words: loaded in set a (10 words), not in set b (30 words)
    return [_example("a", 1, 5, k) for k in range(2)] + [_example("b", 0, 10, k) for k in range(3)]


def _probability(arrays: dict[str, np.ndarray], examples: list[Example]) -> float:
    model = Model({"head": "mlp"}, arrays, {})
    return float(model.probabilities(examples[0].inputs.astype(np.float32))[0])


def test_a_heavier_set_flips_the_heads_answer() -> None:
    examples = _examples()
    plain = _probability(fit_head(examples, _settings()), examples)
    # unweighted: 30 negatives outweigh 10 positives (even with the class balance)
    assert plain < 0.5
    weighted = fit_head(examples, _settings(set_weights={"a": 4.0, "b": 1.0}))
    assert _probability(weighted, examples) > 0.5


def test_default_weights_leave_the_head_bit_for_bit() -> None:
    examples = _examples()
    plain = fit_head(examples, _settings())
    for weights in ({}, {"a": 1.0, "b": 1.0}, {"not_a_set_here": 3.0}):
        assert word_weights(examples, _settings(set_weights=weights)) is None
        same = fit_head(examples, _settings(set_weights=weights))
        for name, array in plain.items():
            assert np.array_equal(array, same[name]), (weights, name)
    # the shipped settings weigh every set 1
    assert set(training_settings()["set_weights"].values()) == {1.0}


def test_word_weights_average_one_and_refuse_nonsense() -> None:
    examples = _examples()
    weights = word_weights(examples, _settings(set_weights={"a": 4.0}))
    assert weights is not None and weights.numpy().mean() == pytest.approx(1.0)
    assert weights[0] == pytest.approx(4 * weights[-1].item())
    with pytest.raises(DetectorError, match="set_weights"):
        word_weights(examples, _settings(set_weights={"a": -1.0}))
    with pytest.raises(DetectorError, match="mlp"):
        word_weights(examples, _settings(head="gru", set_weights={"a": 2.0}))


def _news(probability: float) -> Example:
    """A short news record whose one gold word the head gives ``probability``."""
    from framing.text.morphology import word_spans

    text = "Министр сказал, что бюджет вырос."
    start = text.index("вырос")
    doc = Doc("n1", "semeval2023_ru", "ru", text, ((start, start + len("вырос")),))
    tokens = word_spans(text)
    labels = np.array([int(a == start) for a, _ in tokens])
    return Example(doc, tokens, labels, np.zeros((len(tokens), 4), np.float16))


def test_union_figures_score_the_suggestions_at_the_bars() -> None:
    from framing.lab.detector_set_weights import union_figures
    from framing.wording.detector import Cut

    bars = {"ru": {"article": Cut(0.5, 0.5, 0), "post": Cut(0.5, 0.5, 0)}}
    for probability, recall in ((0.9, 1.0), (0.1, 0.0)):
        example = _news(probability)
        probs = np.where(example.labels == 1, probability, 0.05)
        found = union_figures([example], [probs], None, bars, {"ru": 1.0})
        assert found["semeval2023_ru/ru"]["recall"] == recall


def test_choose_cuts_can_keep_the_blend_weight() -> None:
    from framing.lab.detector_train import choose_cuts

    example = _news(0.9)
    head = [np.where(example.labels == 1, 0.9, 0.05)]
    linear = [np.where(example.labels == 1, -5.0, 5.0)]  # the linear model is wrong
    settings = {
        **training_settings(),
        "languages": ["ru"],
        "select_on": {"post": {"ru": ["semeval2023_ru"]}, "article": {"ru": []}},
        "fallback": {"ru": {"article": ["ru", "post"], "article_recall": ["ru", "post"]}},
        "lexical": {"weights": [1.0, 0.5]},
    }
    _, chosen, _ = choose_cuts([example], head, linear, settings, lambda m: None)
    assert chosen == {"ru": 1.0}  # the head alone finds the word, a blend does not
    _, kept, _ = choose_cuts([example], head, linear, settings, lambda m: None, {"ru": 0.5})
    assert kept == {"ru": 0.5}
