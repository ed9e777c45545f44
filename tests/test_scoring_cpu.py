"""Batch scoring's CPU savings (issue 13, session 14) give what the code they replace gave,
bit for bit: word states pooled by subword count, the linear model's hashed rows built from
cached word rows, the lexicon's hits found once an article, attribution rules hashed by
language."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing.text.morphology import word_spans
from framing.wording import word_features
from framing.wording.token_states import _pool, _pool_each
from framing.wording.word_features import feature_matrix, token_features, token_matrix

from .conftest import ROOT


def _pieces_with_subwords(seed: int) -> list[tuple[np.ndarray, list[tuple[int, int]], list]]:
    """Random states and subword offsets over words of one to six subwords: special tokens
    of zero width at both ends, a subword running across two words, a word cut off at the
    end (no subword: truncation)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(20):
        sizes = rng.integers(1, 7, size=rng.integers(1, 40)).tolist()
        tokens, offsets, at = [], [(0, 0)], 0
        for size in sizes:
            start = at
            for _ in range(size):
                offsets.append((at, at + 2))
                at += 2
            tokens.append((start, at))
            at += 1  # a space between words
        if len(tokens) > 2:  # a subword across the space into the second word
            end = tokens[0][1]
            offsets[sizes[0]] = (offsets[sizes[0]][0], end + 2)
        offsets.append((0, 0))
        tokens.append((at + 5, at + 9))  # cut off: no subword reaches it
        hidden = rng.standard_normal((2, len(offsets), 16)).astype(np.float32)
        cases.append((hidden, offsets, tokens))
    return cases


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pooled_word_states_equal_a_mean_per_word_bit_for_bit(seed: int) -> None:
    for hidden, offsets, tokens in _pieces_with_subwords(seed):
        for base, first in ((0, 0), (7, 0)):
            shifted = [(s + base, e + base) for s, e in tokens]
            ours = np.zeros((2, len(tokens), 16), np.float32)
            each = np.zeros_like(ours)
            _pool(ours, hidden, offsets, shifted, base, first, len(tokens))
            _pool_each(each, hidden, offsets, shifted, base, first, len(tokens))
            assert np.array_equal(ours.view(np.uint32), each.view(np.uint32))
            assert not ours[:, -1].any()  # the word cut off keeps a zero state


def test_pooling_serves_offsets_out_of_order() -> None:
    hidden = np.arange(2 * 5 * 3, dtype=np.float32).reshape(2, 5, 3)
    offsets = [(0, 0), (4, 6), (0, 3), (3, 4), (0, 0)]  # not in order
    tokens = [(0, 3), (4, 6)]
    ours, each = np.zeros((2, 2, 3), np.float32), np.zeros((2, 2, 3), np.float32)
    _pool(ours, hidden, offsets, tokens, 0, 0, 2)
    _pool_each(each, hidden, offsets, tokens, 0, 0, 2)
    assert np.array_equal(ours, each)


def _texts() -> list[tuple[str, str]]:
    page = ROOT / "tests" / "gold" / "real_articles"
    docs = [json.loads(p.read_text("utf-8")) for p in sorted(page.glob("*.json"))[:9]]
    return [(d["text"], d["lang"]) for d in docs] + [
        ("«Лживые» заявления режима! Власти снова лгут.\nИ лгут, и лгут.", "ru"),
        ('The regime lies again. "Heroes", they said? 2024', "en"),
        ("", "uk"),
    ]


@pytest.mark.parametrize("room", [50_000, 40])
def test_hashed_rows_from_cached_words_equal_the_hasher_s(monkeypatch, room: int) -> None:
    """Entry for entry, in the same order (a product adds in that order), with the word
    cache emptied when full (``room`` 40: many times a text)."""
    monkeypatch.setattr(word_features, "OWN_ROWS_MAX", room)
    monkeypatch.setattr(word_features, "_OWN_ROWS", {})
    langs = {lang for _, lang in _texts()}
    assert {"ru", "uk", "en"} <= langs
    for _ in range(2):  # the second round reads the cache
        for text, lang in _texts():
            tokens = word_spans(text)
            ours = token_matrix(text, lang, tokens, None, 2**20)
            if not tokens:  # no rows (FeatureHasher refuses an empty input)
                assert ours.shape == (0, 2**20)
                continue
            theirs = feature_matrix(token_features(text, lang, tokens), 2**20)
            assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
            assert np.array_equal(ours.indptr, theirs.indptr)
            assert np.array_equal(ours.indices, theirs.indices)
            assert np.array_equal(ours.data, theirs.data)
    assert len(word_features._OWN_ROWS) <= max(room, 400)


def test_an_article_s_lexicon_hits_are_found_once(monkeypatch) -> None:
    """The highlights find the lexicon's hits and hand them to the detector, which read
    them again before; what it suggests does not change."""
    from framing.text.segment import split_sentences
    from framing.wording import detector, lexicon, profile

    text = "Киевский режим снова цинично лжёт, а его марионетки устроили кровавую бойню."
    article = profile.ArticleText(text, split_sentences(text, "ru"), "ru")
    before = profile.highlights(article)
    calls = []
    real = lexicon.find_loaded

    def counted(text: str, lang: str) -> list:
        calls.append(text)
        return real(text, lang)

    for module in (profile, detector, word_features):
        monkeypatch.setattr(module, "find_loaded", counted)
    assert profile.highlights(article) == before
    assert {h["source"] for h in before} >= {"lexicon", "model"}
    assert calls == [text]


def test_attribution_rules_hash_by_language_without_their_patterns(monkeypatch) -> None:
    """Rules are the key of per-word caches: hashing them must not hash every field and
    regex each time (2 % of a scoring worker's time); equal rules still hash alike."""
    from dataclasses import replace

    from framing.wording import attribution_cues

    ru = attribution_cues.rules("ru")

    def refuse(self: object) -> int:
        raise AssertionError("a pattern was hashed")

    monkeypatch.setattr(attribution_cues.Pattern, "__hash__", refuse)
    assert hash(ru) == hash(replace(ru)) and replace(ru) == ru
    assert hash(ru) != hash(attribution_cues.rules("en"))


def test_a_word_s_readings_are_parsed_once_for_lexicon_and_speakers(monkeypatch) -> None:
    """pymorphy3 parses a word once per process: the lexicon's lemmas and the speaker
    finder read the same cached readings (each parsed it again before)."""
    from framing.text import morphology
    from framing.wording import speakers
    from framing.wording.attribution_cues import rules

    seen: list[str] = []
    analyzer = morphology.analyzer("ru")  # one per process, whoever asks
    real = analyzer.parse

    def counting(word: str) -> list:
        seen.append(word)
        return real(word)

    monkeypatch.setattr(analyzer, "parse", counting)
    for cached in (morphology.parses, morphology.lemma_keys, speakers.is_speech_verb):
        cached.cache_clear()
    try:
        word = "заявила"
        assert "заявить" in morphology.lemma_keys("ru", word)
        assert speakers.is_speech_verb(rules("ru"), word)
        assert seen == [word]
    finally:
        for cached in (morphology.parses, morphology.lemma_keys, speakers.is_speech_verb):
            cached.cache_clear()  # nothing counted stays cached for other tests


def test_a_text_s_words_pooled_at_once_equal_each_piece_pooled_alone() -> None:
    """``word_states`` pools all of a text's pieces in one call; each word's state is what
    its piece alone gave, word by word, bit for bit: sentences, a line break, a sentence
    longer than a window, one past the subword limit (its last words keep zero states)."""
    from framing.wording.detector import load_model
    from framing.wording.token_states import MAX_TOKENS, WINDOW_WORDS, load_encoder

    model = load_model("quick")
    encoder = load_encoder(model.states_encoder)
    long = " ".join(["слово"] * (WINDOW_WORDS + 30)) + "."
    huge = " ".join(f"Антидемократичнейшими{n}" for n in range(MAX_TOKENS)) + "."
    texts = [
        "Власти снова лгут. «Лживые» заявления режима!\nИ лгут, и лгут.",
        f"Первое предложение. {long} Последнее предложение.",
        f"{huge} Короткое.",
    ]
    for text in texts:
        tokens = word_spans(text)
        ours = encoder.word_states(text, tokens, [model.layer])
        each = np.zeros_like(ours)
        for part, hidden, offsets in encoder.piece_states(text, tokens, [model.layer]):
            start, _, first, last = part
            _pool_each(each, hidden, offsets, tokens, start, first, last)
        assert np.array_equal(ours.view(np.uint32), each.view(np.uint32)), text[:40]
        assert ours.any()
    # the first window of the long sentence runs past the subword limit: its last word is
    # cut off (a zero state), the next window's first word is not
    assert not ours[0, WINDOW_WORDS - 1].any() and ours[0, WINDOW_WORDS].any()


def test_hashed_rows_survive_the_word_cache_emptied_meanwhile(monkeypatch) -> None:
    """Another thread (the web app serves requests in threads) may empty the word cache
    while a text's rows are built: the rows read this call's words, never a key gone."""
    monkeypatch.setattr(word_features, "_OWN_ROWS", {})
    seen, text = "Власти снова лгут.", "Власти снова лгут народу, и лгут нагло."
    token_matrix(seen, "ru", word_spans(seen), None, 2**20)  # the cache holds its words
    real = word_features.own_features

    def emptying(lang: str, word: str) -> list[str]:
        word_features._OWN_ROWS.clear()  # as another thread's call, when full
        return real(lang, word)

    monkeypatch.setattr(word_features, "own_features", emptying)
    tokens = word_spans(text)
    ours = token_matrix(text, "ru", tokens, None, 2**20)
    monkeypatch.setattr(word_features, "own_features", real)
    theirs = feature_matrix(token_features(text, "ru", tokens), 2**20)
    assert (ours != theirs).nnz == 0 and ours.shape == theirs.shape
