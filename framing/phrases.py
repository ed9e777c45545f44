"""Phrase-level insertions: the words of one sentence that have no counterpart in another.

Token alignment in the style of SimAlign (Jalili Sabet et al. 2020, "SimAlign: High Quality
Word Alignments without Parallel Training Data using Static and Contextualized Embeddings"):

1. :func:`token_states` runs the multilingual encoder (e5-small, no "query: " prefix) over the
   texts, batched, and keeps the subword vectors of one hidden layer with their character
   offsets, grouped into words (``\\w+`` with inner hyphens/apostrophes; punctuation is no word).
2. Word similarity is the cosine of the mean of a word's subword vectors, after removing the
   mean vector of the pair (contextual states share a large common component that makes every
   cosine high; SimAlign's vectors have it too, it just hurts argmax less than a floor).
3. :func:`align` keeps "IterMax" links (mutual argmax, then a second round in which unaligned
   words may link to already-aligned ones) above a similarity floor. Names and numbers written
   alike on both sides (Песков/Peskov via transliteration, 2024/2024) are linked outright.
4. :func:`phrase_insertions` reports maximal runs of unaligned content words (stop words per
   language from ``data/phrases.yaml`` may sit inside a run but never start or end it; clause
   punctuation ends a run), each tagged ``attribution`` or ``content``.

The layer, floor and method were chosen on a synthetic insertion task built from Tatoeba
translation pairs (see ``data/phrases.yaml`` for the figures). Texts longer than the model's
512 tokens are encoded in consecutive windows, so no word is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from framing.embedder import Embedder, load_embedder

__all__ = [
    "Insertion",
    "TokenStates",
    "Word",
    "align",
    "config",
    "insertions_from_states",
    "phrase_insertions",
    "phrase_insertions_batch",
    "same_name",
    "similarity",
    "similarity_matrix",
    "token_states",
]

WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")


@cache
def config() -> dict[str, Any]:
    """The settings in ``framing/data/phrases.yaml`` (read once)."""
    source = resources.files("framing") / "data" / "phrases.yaml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Insertion:
    """A run of ``sent_a`` with no counterpart: ``sent_a[start:end] == text``."""

    start: int
    end: int
    text: str
    kind: str  # "attribution" or "content"


@dataclass
class TokenStates:
    """One text's subword vectors (unit length) with their character spans, and its words."""

    text: str
    offsets: np.ndarray  # (n_subwords, 2) character spans into text, whitespace trimmed
    vectors: np.ndarray  # (n_subwords, dim) float32
    words: list[Word]
    word_subwords: list[list[int]]  # per word, the subwords it is made of

    def word_vectors(self) -> np.ndarray:
        """(n_words, dim): each word the mean of its subword vectors."""
        dim = self.vectors.shape[1]
        out = np.zeros((len(self.words), dim), dtype=np.float32)
        for i, subs in enumerate(self.word_subwords):
            if subs:
                out[i] = self.vectors[subs].mean(axis=0)
        return out


def _words(text: str) -> list[Word]:
    return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def _windows(offsets: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Cut a long subword sequence into windows of at most ``size``, at word starts if possible."""
    cuts, start = [], 0
    while len(offsets) - start > size:
        end = start + size
        for k in range(end, max(start + size // 2, start + 1), -1):
            if offsets[k][0] > offsets[k - 1][1]:  # whitespace before subword k: a word start
                end = k
                break
        cuts.append((start, end))
        start = end
    cuts.append((start, len(offsets)))
    return cuts


def token_states(
    texts: list[str], embedder: Embedder | None = None, layer: int | None = None
) -> list[TokenStates]:
    """Subword states of ``texts`` from hidden layer ``layer`` (default from the YAML)."""
    import torch

    cfg = config()["model"]
    layer = cfg["layer"] if layer is None else layer
    st = (embedder or load_embedder()).model  # type: ignore[attr-defined]
    tokenizer, model = st.tokenizer, st[0].auto_model
    window = min(int(cfg["max_tokens"]), int(st.max_seq_length)) - 2
    enc = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    rows: list[tuple[int, list[int], list[tuple[int, int]]]] = []
    for t, (ids, offs) in enumerate(zip(enc["input_ids"], enc["offset_mapping"], strict=True)):
        offs = [_trim(texts[t], s, e) for s, e in offs]
        for a, b in _windows(offs, window):
            rows.append((t, ids[a:b], offs[a:b]))
    per_text: list[list[tuple[np.ndarray, list[tuple[int, int]]]]] = [[] for _ in texts]
    order = sorted(range(len(rows)), key=lambda r: len(rows[r][1]))
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    batch = int(cfg["batch_size"])
    with torch.inference_mode():
        for i in range(0, len(order), batch):
            chunk = [rows[r] for r in order[i : i + batch]]
            longest = max(len(ids) for _, ids, _ in chunk) + 2
            ids_t = torch.full((len(chunk), longest), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), longest), dtype=torch.long)
            for j, (_, ids, _) in enumerate(chunk):
                ids_t[j, : len(ids) + 2] = torch.tensor([cls, *ids, sep])
                mask[j, : len(ids) + 2] = 1
            hidden = model(input_ids=ids_t, attention_mask=mask, output_hidden_states=True)
            states = hidden.hidden_states[layer].float().numpy()
            for j, (t, ids, offs) in enumerate(chunk):
                per_text[t].append((states[j, 1 : len(ids) + 1], offs))
    dim = int(model.config.hidden_size)
    return [_assemble(text, parts, dim) for text, parts in zip(texts, per_text, strict=True)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _assemble(text: str, parts: list[tuple[np.ndarray, list[tuple[int, int]]]], dim: int):
    parts.sort(key=lambda p: p[1][0][0] if p[1] else 0)  # windows back in text order
    vectors = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, dim), np.float32)
    offsets = [o for p in parts for o in p[1]]
    words = _words(text)
    word_subwords: list[list[int]] = [[] for _ in words]
    w = 0
    for k, (s, e) in enumerate(offsets):
        while w < len(words) and words[w].end <= s:
            w += 1
        v = w
        while v < len(words) and words[v].start < e:  # a subword may span two words
            if e > s:
                word_subwords[v].append(k)
            v += 1
    arr = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    return TokenStates(text, arr, vectors.astype(np.float32), words, word_subwords)


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norm, 1e-9)


def similarity(a: TokenStates, bs: list[TokenStates]) -> np.ndarray:
    """Word similarities (n_words of a, total n_words of bs), see :func:`similarity_matrix`."""
    va = a.word_vectors()
    vb = np.concatenate([b.word_vectors() for b in bs]) if bs else np.zeros((0, va.shape[1]))
    return similarity_matrix(va, vb)


def similarity_matrix(va: np.ndarray, vb: np.ndarray) -> np.ndarray:
    """Cosines between two sets of word vectors, after removing their common mean."""
    if config()["alignment"]["centre"] and len(va) and len(vb):
        mean = np.concatenate([va, vb]).mean(axis=0)
        va, vb = va - mean, vb - mean
    return _unit(va) @ _unit(vb).T


def align(sim: np.ndarray, method: str | None = None, floor: float | None = None) -> np.ndarray:
    """Boolean link matrix from a similarity matrix: "argmax", "itermax" or "match"."""
    cfg = config()["alignment"]
    method = method or cfg["method"]
    floor = cfg["floor"] if floor is None else floor
    m, n = sim.shape
    if m == 0 or n == 0:
        return np.zeros((m, n), dtype=bool)
    if method == "match":  # SimAlign's "Match": a one-to-one maximum-weight assignment
        from scipy.optimize import linear_sum_assignment

        links = np.zeros((m, n), dtype=bool)
        rows, cols = linear_sum_assignment(-sim)
        links[rows, cols] = True
    else:
        links = _mutual(sim)
        if method == "itermax":
            links = _itermax(sim, links, int(cfg["iterations"]), float(cfg["alpha"]))
    return links & (sim >= floor)


def _mutual(sim: np.ndarray) -> np.ndarray:
    fwd = np.zeros(sim.shape, dtype=bool)
    fwd[np.arange(sim.shape[0]), sim.argmax(axis=1)] = True
    bwd = np.zeros(sim.shape, dtype=bool)
    bwd[sim.argmax(axis=0), np.arange(sim.shape[1])] = True
    return fwd & bwd


def _itermax(sim: np.ndarray, links: np.ndarray, iterations: int, alpha: float) -> np.ndarray:
    """SimAlign's IterMax: argmax again over the words still unaligned on at least one side;
    a link to an already-aligned word is damped by ``alpha``, between two aligned ones barred."""
    for _ in range(iterations - 1):
        free_a = ~links.any(axis=1)[:, None]
        free_b = ~links.any(axis=0)[None, :]
        if not free_a.any() or not free_b.any():
            break
        allowed = free_a | free_b
        damp = np.where(free_a & free_b, 1.0, alpha)
        masked = np.where(allowed, sim * damp, -np.inf)
        new = _mutual(masked) & allowed
        if not (new & ~links).any():
            break
        links = links | new
    return links


def _translit(word: str) -> str:
    table = config()["names"]["translit"]
    return "".join(table.get(ch, ch) for ch in word.casefold())


def same_name(a: str, b: str) -> bool:
    """Capitalised words or numbers written alike: Путиным/Putin, Трампом/Trump, 2024/2024."""
    if a.isdigit() or b.isdigit():
        return a == b
    if not (a[:1].isupper() and b[:1].isupper()):
        return False
    ta, tb = _translit(a), _translit(b)
    stem = int(config()["names"]["stem_chars"])
    ratio = SequenceMatcher(None, ta[:stem], tb[:stem]).ratio()
    return ratio >= float(config()["names"]["min_ratio"])


def _stop_words(lang: str | None) -> frozenset[str]:
    lists = config()["stop_words"]
    langs = [lang] if lang in lists else list(lists)
    return frozenset(w for code in langs for w in lists[code])


def _is_content(word: Word, stops: frozenset[str]) -> bool:
    return word.text.casefold().replace("ё", "е") not in stops and not word.text.isdigit()


def phrase_insertions(
    sent_a: str, others_b: list[str], lang_a: str | None = None, embedder: Embedder | None = None
) -> list[Insertion]:
    """Runs of ``sent_a``'s content words aligned to nothing in ``others_b`` (taken together)."""
    return phrase_insertions_batch([(sent_a, others_b, lang_a)], embedder)[0]


def phrase_insertions_batch(
    items: list[tuple[str, list[str], str | None]], embedder: Embedder | None = None
) -> list[list[Insertion]]:
    """:func:`phrase_insertions` for many pairs, with one batched encoder pass over all texts."""
    texts = list(dict.fromkeys(t for a, bs, _ in items for t in [a, *bs]))
    states = dict(zip(texts, token_states(texts, embedder), strict=True))
    return [
        insertions_from_states(states[a], [states[b] for b in bs], lang) for a, bs, lang in items
    ]


def insertions_from_states(
    a: TokenStates, bs: list[TokenStates], lang_a: str | None = None
) -> list[Insertion]:
    """The insertions of ``a`` against ``bs``, from token states already computed."""
    aligned = aligned_words(a, bs)
    stops = _stop_words(lang_a)
    b_words = [w for b in bs for w in b.words]
    cfg = config()["insertions"]
    out = []
    for run in _runs(a, aligned, stops):
        content = [w for w in run if _is_content(w, stops)]
        names = [w for w in content if any(same_name(w.text, v.text) for v in b_words)]
        if len(content) < int(cfg["min_content_words"]) and len(content) == len(names):
            continue
        start, end = run[0].start, run[-1].end
        text = a.text[start:end]
        out.append(Insertion(start, end, text, _kind(a.text, start, end)))
    return out


def aligned_words(a: TokenStates, bs: list[TokenStates]) -> np.ndarray:
    """Per word of ``a``: is it linked to some word of ``bs``, or a name/number written alike?"""
    links = align(similarity(a, bs))
    aligned = links.any(axis=1) if links.shape[1] else np.zeros(len(a.words), dtype=bool)
    b_words = [w for b in bs for w in b.words]
    for i, w in enumerate(a.words):
        if not aligned[i]:
            aligned[i] = any(same_name(w.text, v.text) for v in b_words)
    return aligned


def _runs(a: TokenStates, aligned: np.ndarray, stops: frozenset[str]) -> list[list[Word]]:
    """Maximal runs of unaligned words that start and end with a content word; an aligned
    content word or clause punctuation between two words ends a run."""
    breaks = set(config()["insertions"]["break_chars"])
    runs: list[list[Word]] = []
    current: list[Word] = []
    for i, w in enumerate(a.words):
        gap = a.text[a.words[i - 1].end : w.start] if i else ""
        content = _is_content(w, stops)
        if current and (breaks & set(gap) or (content and aligned[i])):
            runs.append(current)
            current = []
        if content and aligned[i]:
            continue
        if current or (content and not aligned[i]):
            current.append(w)
    runs.append(current)
    trimmed = []
    for run in runs:
        while run and not _is_content(run[-1], stops):
            run = run[:-1]
        if run:
            trimmed.append(run)
    return trimmed


def _kind(text: str, start: int, end: int) -> str:
    """ "attribution" if the run overlaps an outlet citation or begins/ends with a speech cue."""
    from framing.outlets import load_registry

    if any(m.start < end and start < m.end for m in load_registry().citations(text)):
        return "attribution"
    span = text[start:end].casefold()
    for cue in _cue_res():
        for m in cue.finditer(span):
            if m.start() == 0 or m.end() == len(span):
                return "attribution"
    return "content"


@cache
def _cue_res() -> list[re.Pattern[str]]:
    cues = [c for words in config()["attribution_cues"].values() for c in words]
    return [re.compile(rf"(?<!\w){re.escape(c.casefold())}\w*") for c in cues]
