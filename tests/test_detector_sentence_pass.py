"""A detector whose head reads each sentence behind the prompt takes its word states: from the
comparison's sentence pass when one kept them (compare-your-own runs no detector pass of its
own), else from its own graph over the same inputs, so `framing score` and the web view show
the same highlights. The ``shared`` detector (``--detector shared``, not the default) reads
so; the default ``deep`` one reads pieces, and the comparison runs its pass
(framing/wording/detector.py word_states, token_states.sentence_word_states,
sentence_states.kept_passes)."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment.sentence_states import (
    EncodedText,
    comparison_cache,
    kept_passes,
    passes_of,
)
from framing.text.morphology import word_spans
from framing.wording import token_states
from framing.wording.token_states import MAX_TOKENS, sentence_word_states

TEXT = "Режим лжёт. Это циничное заявление!\nНовая строка"
SENTENCES = [(0, 11), (12, 35), (36, 48)]


def _pass(offsets: list[tuple[int, int]], rows: np.ndarray, layer: int = 8) -> EncodedText:
    empty = np.zeros(0, np.float32)
    return EncodedText(empty, empty, np.asarray(offsets, np.int64), {layer: rows})


def _passes(dim: int = 4) -> tuple[list[EncodedText], list[np.ndarray]]:
    """Hand-made passes: the prompt's and special tokens outside (-1, -1), then subwords;
    «лжёт» in two subwords, «циничное» in three."""
    rng = np.random.default_rng(0)
    layouts = [
        [(-1, -1), (-1, -1), (0, 5), (6, 8), (8, 10), (-1, -1)],  # Режим | лж ёт | .
        [(-1, -1), (-1, -1), (0, 3), (4, 7), (7, 9), (9, 12), (13, 22), (-1, -1)],
        [(-1, -1), (-1, -1), (0, 5), (6, 12), (-1, -1)],
    ]
    rows = [rng.normal(size=(len(layout), dim)).astype(np.float32) for layout in layouts]
    return [_pass(layout, r) for layout, r in zip(layouts, rows, strict=True)], rows


def test_each_word_is_the_mean_of_its_subwords_in_its_sentence() -> None:
    tokens = word_spans(TEXT)
    passes, rows = _passes()
    got = sentence_word_states(tokens, SENTENCES, passes, [8])
    assert got is not None and got.shape == (1, len(tokens), 4)
    words = [TEXT[a:b] for a, b in tokens]
    assert words[:2] == ["Режим", "лжёт"]
    np.testing.assert_allclose(got[0, 0], rows[0][2])
    np.testing.assert_allclose(got[0, 1], rows[0][3:5].mean(axis=0), rtol=1e-6)
    k = words.index("циничное")
    np.testing.assert_allclose(got[0, k], rows[1][3:6].mean(axis=0), rtol=1e-6)
    assert words[-1] == "строка"
    np.testing.assert_allclose(got[0, -1], rows[2][3])


def test_no_states_when_a_word_is_in_no_sentence_or_a_pass_is_too_long() -> None:
    tokens = word_spans(TEXT)
    passes, _ = _passes()
    # the last line is in no sentence: its words would have no state
    assert sentence_word_states(tokens, SENTENCES[:2], passes[:2], [8]) is None
    assert sentence_word_states(tokens, SENTENCES, passes, [4]) is None  # no such layer
    long = _pass([(-1, -1)] * MAX_TOKENS, np.zeros((MAX_TOKENS, 4), np.float32))
    assert sentence_word_states(tokens, SENTENCES, [*passes[:2], long], [8]) is None


def test_kept_passes_are_read_within_the_block_only() -> None:
    passes, _ = _passes()
    texts = [TEXT[a:b] for a, b in SENTENCES]
    assert comparison_cache("m") == {} and passes_of("m", texts, 8) is None
    with kept_passes():
        cache = comparison_cache("m")
        cache.update(zip(texts, passes, strict=True))
        assert comparison_cache("m") is cache
        assert passes_of("m", texts, 8) == passes
        assert passes_of("other model", texts, 8) is None
        assert passes_of("m", texts, 4) is None
        assert passes_of("m", [*texts, "another sentence"], 8) is None
    assert passes_of("m", texts, 8) is None


@pytest.fixture
def deep(monkeypatch: pytest.MonkeyPatch):
    """The ``shared`` detector, chosen by the setting (its head reads sentences)."""
    from framing.wording.detector import load_model

    monkeypatch.setenv("FRAMING_DETECTOR", "shared")
    model = load_model("shared")
    assert model.states_encoder.get("sentence_prompt") == "query: "
    return model


ARTICLE = (
    "Кремлёвский режим снова цинично лжёт о переговорах. Пресс-секретарь заявил журналистам, "
    "что встреча не планируется.\nВ Киеве назвали эти заявления бесстыдной пропагандой."
)


def test_the_sentence_pass_gives_the_detector_graph_states(deep) -> None:
    """The comparison's fp32 sentence pass and the detector's own graph over the same
    prompted sentences give the same word states to float rounding."""
    from framing.alignment.embedder import FP32_MODEL, load_embedder
    from framing.text.segment import split_sentences

    tokens = word_spans(ARTICLE)
    spans = [(s.start, s.end) for s in split_sentences(ARTICLE, "ru")]
    own = token_states.load_encoder(deep.states_encoder).word_states(
        ARTICLE, tokens, [deep.layer], spans
    )
    passes = load_embedder(FP32_MODEL).encode_states(
        [ARTICLE[a:b] for a, b in spans], (deep.layer,)
    )
    shared = sentence_word_states(tokens, spans, passes, [deep.layer])
    assert shared is not None
    assert np.abs(shared - own).max() < 1e-4
    pieces = token_states.load_encoder(
        {k: v for k, v in deep.states_encoder.items() if k != "sentence_prompt"}
    ).word_states(ARTICLE, tokens, [deep.layer])
    assert np.abs(pieces - own).max() > 1e-2  # the prompt and the cut do change the states


def test_a_comparison_highlights_as_score_does_without_a_detector_pass(
    deep, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compare-your-own's highlights equal `framing score`'s for the same article, and the
    detector's graph runs for none of the comparison's articles."""
    from framing.ingest import IngestOptions, ingest
    from framing.report import comparison_report
    from framing.scoring import HIGHLIGHT_FIELDS, score_one
    from framing.store import open_store
    from framing.text.readers import RawInput
    from framing.wording.token_states import StateEncoder

    english = (
        "The regime is shamelessly lying about the talks again. A spokesman told reporters "
        "that no meeting is planned.\nKyiv called the statements brazen propaganda."
    )
    inputs = [RawInput("ru.txt", ARTICLE), RawInput("en.txt", english)]
    expected = [score_one(raw, IngestOptions())["highlights"] for raw in inputs]
    assert any(h["source"] == "model" for found in expected for h in found)
    calls: list[int] = []
    original = StateEncoder._run

    def counting(self, texts, keep):  # type: ignore[no-untyped-def]
        if self.layers == deep.layer:
            calls.append(len(texts))
        return original(self, texts, keep)

    monkeypatch.setattr(StateEncoder, "_run", counting)
    with open_store(tmp_path / "s.db") as store:
        ids = [r.article_id for r in ingest(inputs, store)]
        report = comparison_report(store, ids, same_event=True)
    assert calls == []  # the detector read the comparison's sentence pass
    for i, want in zip(ids, expected, strict=True):
        shown = [
            {k: h.get(k) for k in HIGHLIGHT_FIELDS} for h in report["analysis"][i]["highlights"]
        ]
        assert shown == want


def test_the_default_detector_still_runs_its_own_pass(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``deep`` (the default) reads pieces: its head was trained on them, so a comparison
    does not hand it the sentence pass."""
    from framing.ingest import ingest
    from framing.report import comparison_report
    from framing.store import open_store
    from framing.text.readers import RawInput
    from framing.wording.detector import load_model
    from framing.wording.token_states import StateEncoder

    monkeypatch.setenv("FRAMING_DETECTOR", "deep")
    assert load_model().states_encoder.get("sentence_prompt") is None
    calls: list[int] = []
    original = StateEncoder._run

    def counting(self, texts, keep):  # type: ignore[no-untyped-def]
        if self.layers == load_model().layer:
            calls.append(len(texts))
        return original(self, texts, keep)

    monkeypatch.setattr(StateEncoder, "_run", counting)
    with open_store(tmp_path / "s.db") as store:
        found = ingest([RawInput("ru.txt", ARTICLE), RawInput("ru2.txt", ARTICLE + " Ещё.")], store)
        comparison_report(store, [r.article_id for r in found], same_event=True)
    assert calls
