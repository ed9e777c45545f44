"""Quote fidelity: how faithfully one outlet's quotation renders another's, across languages.

Quotations are found by :func:`framing.text.quoting.quoted_spans`, less the quoted names
(:func:`speech_quotes`: «Интерфакс», газета «Известия»). :func:`quote_fidelity` compares the
quotations of two aligned sentences:

* ``fidelity``: the cosine of the two quotes' e5 sentence embeddings mapped linearly so that
  the 95th percentile of unrelated sentence pairs gives 0 and the median of translation pairs
  gives 1 (clipped), measured on Tatoeba rus-eng and ukr-eng; per-language constants and
  figures in ``data/phrases.yaml``. A sentence embedding barely sees a negation or a swapped
  pronoun, so read the score with ``differences``.
* ``differences``: per side, runs of quoted words linked to no word of the other quote by the
  token alignment of :mod:`framing.alignment.phrases`. Unlike phrase insertions, function words
  count
  here (a pronoun or a negation changes what was said), except the few in ``quotes.ignore``
  that one language writes and the other has no word for (articles, copulas).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from framing.alignment.embedder import Embedder, load_embedder
from framing.alignment.phrases import (
    TokenStates,
    Word,
    align,
    config,
    same_name,
    similarity_matrix,
    token_states,
)
from framing.outlets import load_registry
from framing.text.morphology import TEXT_WORD_RE
from framing.text.quoting import PAIRS, quoted_spans

__all__ = ["QuoteFidelity", "quote_fidelity", "quoted_spans", "speech_quotes"]


@dataclass
class QuoteFidelity:
    """The comparison of two sentences' quotations; spans and differences index the sentences."""

    fidelity: float  # in [0, 1]: ≈ 1 a faithful translation, ≈ 0 an unrelated quote
    cosine: float  # the raw cosine the fidelity is mapped from
    quotes_a: list[tuple[int, int]]
    quotes_b: list[tuple[int, int]]
    differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def quote_fidelity(
    sent_a: str,
    sent_b: str,
    embedder: Embedder | None = None,
    lang_a: str | None = None,
    lang_b: str | None = None,
    states: dict[str, TokenStates] | None = None,
) -> QuoteFidelity | None:
    """Compare the quotations of two aligned sentences; ``None`` unless both quote someone.

    Give the languages to use the calibration measured for that language with English (the
    pooled one otherwise: Ukrainian-English cosines run lower than Russian-English ones).
    ``states``: the sentences' token states by text, when already encoded."""
    quotes_a, quotes_b = speech_quotes(sent_a), speech_quotes(sent_b)
    if not quotes_a or not quotes_b:
        return None
    emb = embedder or load_embedder()
    text_a = " ".join(sent_a[s:e] for s, e in quotes_a)
    text_b = " ".join(sent_b[s:e] for s, e in quotes_b)
    vectors = emb.encode([text_a, text_b])
    cosine = float(vectors[0] @ vectors[1])
    unrelated, faithful = _calibration(lang_a, lang_b)
    fidelity = float(np.clip((cosine - unrelated) / (faithful - unrelated), 0.0, 1.0))
    if states is not None and sent_a in states and sent_b in states:
        states_a, states_b = states[sent_a], states[sent_b]  # encoded already (a batch)
    else:
        states_a, states_b = token_states([sent_a, sent_b], emb)
    differences = _differences(states_a, quotes_a, states_b, quotes_b)
    return QuoteFidelity(round(fidelity, 4), round(cosine, 4), quotes_a, quotes_b, differences)


def speech_quotes(sentence: str) -> list[tuple[int, int]]:
    """The quotations of ``sentence`` that render someone's words: :func:`quoted_spans` less
    the quoted names (at most ``quotes.name_max_words`` words): an outlet of the registry
    (повідомляє "Українська правда"), or a title after a word of ``quotes.name_cues``
    (газета «Известия», the newspaper "Die Zeit")."""
    return [(s, e) for s, e in quoted_spans(sentence) if not _is_name(sentence, s, e)]


def _is_name(sentence: str, start: int, end: int) -> bool:
    inner = sentence[start:end]
    if len(TEXT_WORD_RE.findall(inner)) > int(config()["quotes"]["name_max_words"]):
        return False
    if load_registry().find(f"«{inner}»") is not None:  # quoted: «Комментарии» counts too
        return True
    before = sentence[:start].rstrip(" \t—–-")
    before = before[:-1].rstrip() if before and before[-1] in PAIRS else before
    return bool(_name_cue_before().search(before))


@cache
def _name_cue_before() -> re.Pattern[str]:
    """A word of ``quotes.name_cues`` at the end of a text (the word before a quotation)."""
    cues = "|".join(f"(?:{cue})" for cue in config()["quotes"]["name_cues"])
    return re.compile(rf"(?<!\w)(?:{cues})\w*$", re.IGNORECASE)


def _calibration(lang_a: str | None, lang_b: str | None) -> tuple[float, float]:
    """(unrelated, faithful) cosines: per language when paired with English, else pooled."""
    table = config()["quotes"]["calibration"]
    other = {lang_a, lang_b} - {"en"}
    key = other.pop() if len(other) == 1 and "en" in {lang_a, lang_b} else "default"
    entry = table.get(key, table["default"])
    return float(entry["unrelated"]), float(entry["faithful"])


def _inside(words: list[Word], spans: list[tuple[int, int]]) -> list[int]:
    return [i for i, w in enumerate(words) if any(s <= w.start and w.end <= e for s, e in spans)]


def _differences(
    a: TokenStates, quotes_a: list[tuple[int, int]], b: TokenStates, quotes_b: list[tuple[int, int]]
) -> dict[str, list[dict[str, Any]]]:
    """Runs of quoted words without a counterpart in the other quote, on each side."""
    ia, ib = _inside(a.words, quotes_a), _inside(b.words, quotes_b)
    sim = similarity_matrix(a.word_vectors()[ia], b.word_vectors()[ib])
    person_a = [_person(a.words[i].text) for i in ia]
    person_b = [_person(b.words[j].text) for j in ib]
    for r, pa in enumerate(person_a):  # «мне» is the counterpart of "I", "we" is not of "they"
        for c, pb in enumerate(person_b):
            if pa and pb:
                sim[r, c] = 1.0 if pa == pb else -1.0
    links = align(sim)
    for r, i in enumerate(ia):  # names written alike are the same person, whatever the vectors
        for c, j in enumerate(ib):
            if same_name(a.words[i].text, b.words[j].text):
                links[r, c] = True
    return {
        "a": _runs(a, ia, links.any(axis=1)),
        "b": _runs(b, ib, links.any(axis=0)),
    }


@cache
def _pronoun_classes() -> dict[str, str]:
    table = config()["quotes"]["pronouns"]
    return {word.casefold(): person for person, words in table.items() for word in words}


def _person(word: str) -> str | None:
    return _pronoun_classes().get(word.casefold())


def _runs(states: TokenStates, idx: list[int], linked: np.ndarray) -> list[dict[str, Any]]:
    """Consecutive unlinked words (no punctuation between them) as spans; runs made only of
    ignorable words (articles, copulas) are dropped."""
    ignore = {w.casefold() for w in config()["quotes"]["ignore"]}
    text, runs, current = states.text, [], []
    for pos, i in enumerate(idx):
        word = states.words[i]
        if current:
            prev = states.words[current[-1]]
            if i != current[-1] + 1 or text[prev.end : word.start].strip():
                runs.append(current)
                current = []
        if not linked[pos]:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    runs.append(current)
    out = []
    for run in runs:
        if not run or all(states.words[i].text.casefold() in ignore for i in run):
            continue
        start, end = states.words[run[0]].start, states.words[run[-1]].end
        out.append({"start": start, "end": end, "text": text[start:end]})
    return out
