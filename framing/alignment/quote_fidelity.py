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

import math
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
from framing.text.morphology import TEXT_WORD_RE, normalise
from framing.text.quoting import PAIRS, quoted_spans
from framing.wording.attribution_cues import rules
from framing.wording.speakers import is_speech_verb

__all__ = ["QuoteFidelity", "quote_fidelities", "quote_fidelity", "quoted_spans", "speech_quotes"]


@dataclass
class QuoteFidelity:
    """The comparison of two sentences' quotations; spans and differences index the sentences."""

    fidelity: float  # in [0, 1]: ≈ 1 a faithful translation, ≈ 0 an unrelated quote
    cosine: float  # the raw cosine the fidelity is mapped from
    quotes_a: list[tuple[int, int]]
    quotes_b: list[tuple[int, int]]
    differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # When one side quotes only a part of the other's quotation ("fair and lasting peace" of
    # a whole quoted sentence): the side whose quotation was cut to that part, the span of
    # its sentence that was compared, and the compared words as text (without the author's
    # words when the span crosses them); None when the whole quotations were.
    part: dict[str, Any] | None = None


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
    return quote_fidelities([(sent_a, sent_b, lang_a, lang_b)], embedder, states)[0]


def quote_fidelities(
    pairs: list[tuple[str, str, str | None, str | None]],
    embedder: Embedder | None = None,
    states: dict[str, TokenStates] | None = None,
) -> list[QuoteFidelity | None]:
    """:func:`quote_fidelity` of each (sentence a, sentence b, language a, language b), the
    quotations of every pair embedded in one encoder call (a call per pair cost a batch
    each: the comparison of two articles had a dozen)."""
    found = [(pair, speech_quotes(pair[0]), speech_quotes(pair[1])) for pair in pairs]
    quoting = [item for item in found if item[1] and item[2]]
    if not quoting:
        return [None] * len(pairs)
    emb = embedder or load_embedder()
    states = dict(states or {})
    missing = [t for (a, b, _, _), _, _ in quoting for t in (a, b) if t not in states]
    missing = list(dict.fromkeys(missing))
    if missing:
        states.update(zip(missing, token_states(missing, emb), strict=True))
    compared = [_compared(a, b, qa, qb, states) for (a, b, _, _), qa, qb in quoting]
    texts = list(dict.fromkeys(t for c in compared for t in _texts(c)))
    vectors = dict(zip(texts, emb.encode(texts), strict=True))
    done = iter(
        _fidelity(c, vectors, lang_a, lang_b)
        for c, ((_, _, lang_a, lang_b), _, _) in zip(compared, quoting, strict=True)
    )
    return [next(done) if qa and qb else None for _, qa, qb in found]


def _compared(
    sent_a: str,
    sent_b: str,
    quotes_a: list[tuple[int, int]],
    quotes_b: list[tuple[int, int]],
    states: dict[str, TokenStates],
) -> dict[str, Any]:
    """What of two quoting sentences is compared: their quoted words (cut to the part one
    side quotes) and the texts to embed."""
    states_a, states_b = states[sent_a], states[sent_b]
    ia, ib = _inside(states_a.words, quotes_a), _inside(states_b.words, quotes_b)
    part = None
    # the longer side's clauses are candidates for the part too (:func:`_best_clause`)
    clauses: tuple[str, list[tuple[int, int]]] | None = None
    if ia and ib and len(ib) <= _partial_ratio() * len(ia):
        clauses = ("a", _clauses(sent_a, quotes_a))
        cut = _quoted_part(states_a, ia, states_b, ib)
        ia, part = (cut, "a") if cut else (ia, None)
    elif ia and ib and len(ia) <= _partial_ratio() * len(ib):
        clauses = ("b", _clauses(sent_b, quotes_b))
        cut = _quoted_part(states_b, ib, states_a, ia)
        ib, part = (cut, "b") if cut else (ib, None)
    text_a = _words_text(states_a, ia, quotes_a) if part == "a" else _quoted_text(sent_a, quotes_a)
    text_b = _words_text(states_b, ib, quotes_b) if part == "b" else _quoted_text(sent_b, quotes_b)
    return {
        "states": (states_a, states_b),
        "idx": (ia, ib),
        "quotes": (quotes_a, quotes_b),
        "part": part,
        "text_a": text_a,
        "text_b": text_b,
        "clauses": clauses,
        "sentences": (sent_a, sent_b),
    }


# Where a quotation's clauses meet: a comma, semicolon, colon or dash and the space after it.
CLAUSE_BREAK_RE = re.compile(r"[,;:]\s+|\s[—–-]\s")
MAX_CLAUSES = 12


def _clauses(sentence: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The clauses of each quotation of ``sentence`` and the pairs of adjacent ones (at most
    :data:`MAX_CLAUSES`): the part of a longer quotation that a shorter one may render when
    the word links miss it («Це чиста вигадка» in "This is completely untrue; it's pure
    fiction.": compared on the words linked, fidelity 0.02)."""
    found: list[tuple[int, int]] = []
    for start, end in quotes:
        bounds, at = [], start
        for cut in CLAUSE_BREAK_RE.finditer(sentence, start, end):
            bounds.append((at, cut.start()))
            at = cut.end()
        bounds.append((at, end))
        bounds = [(s, e) for s, e in bounds if TEXT_WORD_RE.search(sentence, s, e)]
        if len(bounds) < 2:
            continue
        found += bounds + [(a[0], b[1]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return found[:MAX_CLAUSES]


def _texts(c: dict[str, Any]) -> list[str]:
    """The texts of one comparison to embed: both sides', and the longer side's clauses."""
    texts = [c["text_a"], c["text_b"]]
    side, spans = c["clauses"] or ("a", [])
    if spans:
        sentence = c["sentences"][0 if side == "a" else 1]
        texts += [sentence[s:e] for s, e in spans]
    return texts


def _best_clause(
    c: dict[str, Any], vectors: dict[str, np.ndarray], cosine: float, unrelated: float
) -> float:
    """When a clause of the longer quotation matches the shorter one better than what was
    compared, and better than unrelated sentences do, compare that clause instead (``c`` is
    updated); the cosine compared. (A part shown at fidelity 0.00 only misleads: qa7.)"""
    side, spans = c["clauses"] or ("a", [])
    if not spans:
        return cosine
    k = 0 if side == "a" else 1
    sentence, short = c["sentences"][k], c["text_b" if side == "a" else "text_a"]
    best = max(spans, key=lambda sp: float(vectors[sentence[sp[0] : sp[1]]] @ vectors[short]))
    found = float(vectors[sentence[best[0] : best[1]]] @ vectors[short])
    if found <= unrelated or found < cosine + float(config()["quotes"]["clause_margin"]):
        return cosine  # a clause barely closer is not worth leaving the rest uncompared
    states = c["states"][k]
    idx = list(c["idx"])
    idx[k] = [i for i, w in enumerate(states.words) if best[0] <= w.start and w.end <= best[1]]
    if not idx[k]:
        return cosine
    c["idx"], c["part"] = tuple(idx), side
    c["text_" + side] = sentence[best[0] : best[1]]
    return found


def _fidelity(
    c: dict[str, Any], vectors: dict[str, np.ndarray], lang_a: str | None, lang_b: str | None
) -> QuoteFidelity:
    unrelated, faithful = _calibration(lang_a, lang_b)
    cosine = _best_clause(c, vectors, float(vectors[c["text_a"]] @ vectors[c["text_b"]]), unrelated)
    fidelity = float(np.clip((cosine - unrelated) / (faithful - unrelated), 0.0, 1.0))
    (states_a, states_b), (ia, ib), part = c["states"], c["idx"], c["part"]
    differences = _differences(states_a, ia, states_b, ib)
    compared = None
    if part is not None:
        side, idx = (states_a, ia) if part == "a" else (states_b, ib)
        compared = {
            "side": part,
            "start": side.words[idx[0]].start,
            "end": side.words[idx[-1]].end,
            "text": c["text_a"] if part == "a" else c["text_b"],
        }
    quotes_a, quotes_b = c["quotes"]
    return QuoteFidelity(
        round(fidelity, 4), round(cosine, 4), quotes_a, quotes_b, differences, compared
    )


def speech_quotes(sentence: str) -> list[tuple[int, int]]:
    """The quotations of ``sentence`` that render someone's words: :func:`quoted_spans` less
    the quoted names (at most ``quotes.name_max_words`` words): an outlet of the registry
    (повідомляє "Українська правда"), or a title after a word of ``quotes.name_cues``
    (газета «Известия», the newspaper "Die Zeit"); and less the author's words set inside a
    quotation, as Russian and Ukrainian write them («Не было разговора, — заявил
    представитель Кремля. — Это выдумка»): a comma or stop, a dash, a speech verb, up to the
    next such dash or the quotation's end."""
    spans = [(s, e) for s, e in quoted_spans(sentence) if not _is_name(sentence, s, e)]
    return [
        piece
        for s, e in spans
        for quoted in _without_author(sentence, s, e)
        for piece in _without_editor(sentence, *quoted)
    ]


# An editor's note set inside a quotation: «усе це (інформація західних ЗМІ – ред.) брехня»,
# «хочу привітати його (Трампа. – Ред._ з обранням», "[President Vladimir Putin]".
EDITOR_NOTE_RE = re.compile(
    r"\s*(?:\([^()]{1,80}?[—–-]\s*(?:ред|ed)\.?\s*[)_]|\[[^\[\]]{1,80}\])", re.IGNORECASE
)


def _without_editor(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """A quotation's pieces around the editors' notes in it: the note is the outlet's
    words, not the speaker's (compared, «(інформація західних ЗМІ – ред.)» made a faithful
    «Все это ложь абсолютная» read 0.00)."""
    pieces, at = [], start
    for note in EDITOR_NOTE_RE.finditer(sentence, start, end):
        pieces.append((at, note.start()))
        at = note.end()
    pieces.append((at, end))
    return [(s, e) for s, e in pieces if sentence[s:e].strip()]


# Inside a quotation: punctuation and a dash; with a speech verb after it, it opens the
# author's words, and the next one closes them.
AUTHOR_DASH = r"[,.!?…]\s*[—–-]\s+"
AUTHOR_OPENS_RE = re.compile(AUTHOR_DASH + r"(\w+)")
AUTHOR_CLOSES_RE = re.compile(AUTHOR_DASH)


def _without_author(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, at = [], start
    for opened in AUTHOR_OPENS_RE.finditer(sentence, start, end):
        if opened.start() < at or not _speech_verb(opened.group(1)):
            continue
        pieces.append((at, opened.start()))
        closed = AUTHOR_CLOSES_RE.search(sentence, opened.end(), end)
        at = closed.end() if closed else end
    pieces.append((at, end))
    min_words = int(config()["quotes"]["min_words"])
    return [(s, e) for s, e in pieces if len(TEXT_WORD_RE.findall(sentence[s:e])) >= min_words]


def _speech_verb(word: str) -> bool:
    """A ru or uk speech verb («заявил», «сказав»): the languages that set the author's
    words inside the quotation marks."""
    norm = normalise(word)
    return word.islower() and any(is_speech_verb(rules(lang), norm) for lang in ("ru", "uk"))


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
    a: TokenStates, ia: list[int], b: TokenStates, ib: list[int]
) -> dict[str, list[dict[str, Any]]]:
    """Runs of quoted words (indices ``ia``, ``ib``) without a counterpart on the other side."""
    links = _word_links(a, ia, b, ib)
    return {
        "a": _runs(a, ia, links.any(axis=1)),
        "b": _runs(b, ib, links.any(axis=0)),
    }


def _word_links(a: TokenStates, ia: list[int], b: TokenStates, ib: list[int]) -> np.ndarray:
    """The token alignment of the words ``ia`` of ``a`` with the words ``ib`` of ``b``."""
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
    return links


def _quoted_part(
    long: TokenStates, il: list[int], short: TokenStates, is_: list[int]
) -> list[int] | None:
    """The words of the longer quotation that the shorter one renders: of the windows of
    ``quotes.partial_window`` times the short quote's length, the one holding most words
    linked to it (the first on a tie), trimmed to its first and last linked word. An outlet
    that quotes four words of a sentence the other quotes whole is compared on those words:
    compared whole, the two read as unrelated ("fidelity 0.00"). None: no word is linked."""
    linked = _word_links(long, il, short, is_).any(axis=1)
    if not linked.any():
        return None
    size = max(1, min(len(il), math.ceil(_partial_window() * len(is_))))
    counts = np.convolve(linked.astype(int), np.ones(size, dtype=int), mode="valid")
    start = int(np.argmax(counts))
    inside = [k for k in range(start, start + size) if linked[k]]
    # One word in common is no evidence that one outlet quotes part of the other's quotation
    # («тщательных мер конспирации» against a long FSB quote sharing «діючи» alone).
    if len(inside) < min(len(is_), _partial_min_linked()):
        return None
    return il[inside[0] : inside[-1] + 1]


def _quoted_text(sentence: str, quotes: list[tuple[int, int]]) -> str:
    return " ".join(sentence[s:e] for s, e in quotes)


def _words_text(states: TokenStates, idx: list[int], quotes: list[tuple[int, int]]) -> str:
    """The words ``idx``, from the first to the last of them in each quotation they fall in:
    a part cut across a quotation's two halves ("…are not ruled out," Peskov told reporters,
    "though there are no plans…") leaves out the author's words between them."""
    pieces = []
    for start, end in quotes:
        inside = [states.words[i] for i in idx if start <= states.words[i].start < end]
        if inside:
            pieces.append(states.text[inside[0].start : inside[-1].end])
    return " ".join(pieces)


def _partial_ratio() -> float:
    return float(config()["quotes"]["partial_ratio"])


def _partial_window() -> float:
    return float(config()["quotes"]["partial_window"])


def _partial_min_linked() -> int:
    return int(config()["quotes"]["partial_min_linked"])


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
