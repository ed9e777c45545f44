"""The detector's word-identity features and the blend of its head with the linear model
over them (issue 13: word identity carries what four frozen e5 layers blur)."""

from __future__ import annotations

import numpy as np

from framing.text.morphology import word_spans
from framing.wording.detector import Model
from framing.wording.word_features import feature_matrix, token_features


def _features(text: str, lang: str) -> dict[str, list[str]]:
    tokens = word_spans(text)
    names = token_features(text, lang, tokens)
    return {text[s:e]: f for (s, e), f in zip(tokens, names, strict=True)}


def test_a_word_is_read_by_its_form_lemma_and_neighbours_in_its_sentence() -> None:
    text = "Власти снова лгут. «Лживые» заявления режима!"
    f = _features(text, "ru")
    assert {"w:лгут", "l:лгать", "w-1:снова", "w1:<s>", "b+:лгут|</s>", "eos"} <= set(f["лгут"])
    lying = f["Лживые"]
    assert {"w:лживые", "l:лживый", "w-1:<s>", "bos", "cap", "qs", "end:!"} <= set(lying)
    assert "c:<лж" in lying and "c:ые>" in lying  # character n-grams in boundary marks
    assert "qs" not in f["снова"] and "end:!" not in f["снова"]
    assert "lex" in f["лгут"] and "lex" not in f["снова"]  # the curated lexicon's flag


def test_the_first_line_of_a_text_is_a_headline_only_with_a_body() -> None:
    assert "line0" in _features("Заголовок новости\nТекст статьи.", "ru")["Заголовок"]
    assert "line0" not in _features("Заголовок новости\n", "ru")["Заголовок"]


def test_hashed_rows_are_stable_and_one_per_token() -> None:
    text = "The regime lies again."
    names = token_features(text, "en", word_spans(text))
    a, b = feature_matrix(names, 2**12), feature_matrix(names, 2**12)
    assert a.shape == (4, 2**12) and (a != b).nnz == 0
    assert [a[i].sum() for i in range(4)] == [len(n) for n in names]  # 1 a feature


def test_the_blend_mixes_logits_by_the_language_weight() -> None:
    config = {
        "languages": ["en", "ru"],
        "lexical": {"n_features": 8, "weight": {"en": 1.0, "ru": 0.5}},
    }
    model = Model(config, {}, {})
    head, linear = np.array([0.5, 0.9, 0.1]), np.array([4.0, -2.0, 0.0])
    assert np.array_equal(model.blend(head, linear, "en"), head)  # weight 1: the head alone
    mixed = model.blend(head, linear, "ru")
    expected = 1 / (1 + np.exp(-(0.5 * np.log(head / (1 - head)) + 0.5 * linear)))
    assert np.allclose(mixed, expected) and mixed[0] > 0.5 > mixed[2]
    assert Model({"languages": ["ru"]}, {}, {}).blend_weight("ru") == 1.0  # no linear model


def test_the_shipped_detector_blends_its_head_with_the_linear_model() -> None:
    from framing.wording.detector import load_model, token_probabilities

    text = "Киевский режим снова цинично лжёт своему народу. Комитет соберется во вторник."
    model = load_model()
    assert model.blend_weight("ru") < 1.0  # chosen by cross-validation (training.json)
    tokens, probs = token_probabilities(text, "ru")
    head_only = Model({**model.config, "lexical": None}, model.arrays, model.thresholds)
    _, head = token_probabilities(text, "ru", head_only)
    linear = model.linear_logits(text, "ru", tokens)
    assert np.allclose(probs, model.blend(head, linear, "ru"))
    assert not np.allclose(probs, head, atol=1e-3)
