"""Phrase-level insertions: the words of one sentence that have no counterpart in another.

Token alignment after SimAlign (Jalili Sabet et al. 2020), on e5-small's hidden states:
:func:`token_states` encodes texts in batches (no "query: " prefix; texts over 512 tokens in
windows, so no word is lost) and keeps one layer's subword vectors with character offsets,
grouped into words (``\\w+`` with inner hyphens/apostrophes; punctuation is no word). A word
is the mean of its subwords; similarity is the cosine after removing the pair's mean vector
(contextual states share a large common component that makes every cosine high). :func:`align`
keeps IterMax links above a floor; names and numbers written alike on both sides
(Песков/Peskov by transliteration, 2024) count as aligned. :func:`phrase_insertions` reports
maximal runs of unaligned content words (stop words may sit inside, never at an edge; clause
punctuation ends a run) and outlets cited on one side only, tagged ``attribution`` or
``content``. Layer, method and floors were chosen on synthetic insertions into Tatoeba
translation pairs; they and the figures live in ``data/phrases.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any

import numpy as np

from framing.alignment.embedder import Embedder, inference_lock, load_embedder
from framing.settings import packaged_yaml
from framing.text.morphology import TEXT_WORD_RE, function_words
from framing.text.quoting import PAIRS, unbalanced


def config() -> dict[str, Any]:
    """The settings in ``framing/data/phrases.yaml`` (read once)."""
    return packaged_yaml("phrases.yaml")


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
    """One text's subword states (raw hidden vectors) with their character spans, and its words."""

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
    return [Word(m.start(), m.end(), m.group()) for m in TEXT_WORD_RE.finditer(text)]


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
    if not texts:
        return []
    import torch

    cfg = config()["model"]
    layer = cfg["layer"] if layer is None else layer
    st = (embedder or load_embedder()).model  # type: ignore[attr-defined]
    # One model, one user at a time: see framing.alignment.embedder.inference_lock.
    with inference_lock(st):
        tokenizer, model = st.tokenizer, st[0].auto_model
        window = min(int(cfg["max_tokens"]), int(st.max_seq_length)) - 2
        # verbose=False: over-long texts are expected here (they are windowed), no warning.
        enc = tokenizer(
            list(texts), add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        rows: list[tuple[int, list[int], list[tuple[int, int]]]] = []
        for t, (ids, offs) in enumerate(zip(enc["input_ids"], enc["offset_mapping"], strict=True)):
            offs = [_trim(texts[t], s, e) for s, e in offs]
            rows += [(t, ids[a:b], offs[a:b]) for a, b in _windows(offs, window) if b > a]
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
                states = _layer_states(model, ids_t, mask, layer)
                for j, (t, ids, offs) in enumerate(chunk):
                    per_text[t].append((states[j, 1 : len(ids) + 1], offs))
    dim = int(model.config.hidden_size)
    return [_assemble(text, parts, dim) for text, parts in zip(texts, per_text, strict=True)]


class _Reached(Exception):
    """Raised by a forward hook once the wanted layer has run, carrying its output."""

    def __init__(self, output: Any) -> None:
        self.output = output


def _layer_states(model: Any, ids: Any, mask: Any, layer: int) -> np.ndarray:
    """Hidden states after ``layer`` layers, without running the layers above (a third of
    the model's time at layer 8 of 12): a hook on that layer stops the forward pass. The
    caller holds the model's inference lock. (Swapping in a shorter layer list instead
    breaks transformers' own hidden-state hooks, which are installed once.)"""
    layers = model.encoder.layer
    if not 0 < layer < len(layers):
        hidden = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        return hidden.hidden_states[layer].float().numpy()

    def stop(_module: Any, _inputs: Any, output: Any) -> None:
        raise _Reached(output[0] if isinstance(output, tuple) else output)

    handle = layers[layer - 1].register_forward_hook(stop)
    try:
        model(input_ids=ids, attention_mask=mask)
    except _Reached as reached:
        return reached.output.float().numpy()
    finally:
        handle.remove()
    raise RuntimeError(f"layer {layer} of the encoder did not run")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """XLM-R's offsets include the space before a word ("▁в" = " в"): drop it."""
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
        while e > s and v < len(words) and words[v].start < e:  # may span two words ("».")
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
        return links & (sim >= floor)
    links = _mutual(sim) & (sim >= floor)
    if method == "itermax":
        later = max(floor, float(cfg["iter_floor"]))
        links = _itermax(sim, links, int(cfg["iterations"]), float(cfg["alpha"]), later)
    return links


def _mutual(sim: np.ndarray) -> np.ndarray:
    fwd = np.zeros(sim.shape, dtype=bool)
    fwd[np.arange(sim.shape[0]), sim.argmax(axis=1)] = True
    bwd = np.zeros(sim.shape, dtype=bool)
    bwd[sim.argmax(axis=0), np.arange(sim.shape[1])] = True
    return fwd & bwd


def _itermax(
    sim: np.ndarray, links: np.ndarray, iterations: int, alpha: float, floor: float
) -> np.ndarray:
    """SimAlign's IterMax: argmax again over the words still unaligned on at least one side;
    a link to an already-aligned word is damped by ``alpha``, between two aligned ones barred.
    Later links need ``floor``: a second choice is weaker evidence than a mutual first one."""
    for _ in range(iterations - 1):
        free_a = ~links.any(axis=1)[:, None]
        free_b = ~links.any(axis=0)[None, :]
        if not free_a.any() or not free_b.any():
            break
        allowed = free_a | free_b
        damp = np.where(free_a & free_b, 1.0, alpha)
        masked = np.where(allowed, sim * damp, -np.inf)
        new = _mutual(masked) & allowed & (sim >= floor)
        if not (new & ~links).any():
            break
        links = links | new
    return links


@lru_cache(maxsize=65536)
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


@cache
def _stop_words(lang: str | None) -> frozenset[str]:
    """The language's function words; all languages' when it is unknown."""
    return frozenset(_fold(w) for w in function_words(lang))


def _fold(word: str) -> str:
    return word.casefold().replace("ё", "е")


def _is_content(word: Word, stops: frozenset[str]) -> bool:
    return _fold(word.text) not in stops and not word.text.isdigit()


def phrase_insertions(
    sent_a: str, others_b: list[str], lang_a: str | None = None, embedder: Embedder | None = None
) -> list[Insertion]:
    """Runs of ``sent_a``'s content words aligned to nothing in ``others_b`` (taken together)."""
    return phrase_insertions_batch([(sent_a, others_b, lang_a)], embedder)[0]


def phrase_insertions_batch(
    items: list[tuple[str, list[str], str | None]],
    embedder: Embedder | None = None,
    states: dict[str, TokenStates] | None = None,
) -> list[list[Insertion]]:
    """:func:`phrase_insertions` for many pairs, with one batched encoder pass over all texts
    (``states``: token states by text, to add to and reuse)."""
    states = {} if states is None else states
    texts = list(dict.fromkeys(t for a, bs, _ in items for t in [a, *bs] if t not in states))
    states.update(zip(texts, token_states(texts, embedder), strict=True))
    return [
        insertions_from_states(states[a], [states[b] for b in bs], lang) for a, bs, lang in items
    ]


def insertions_from_states(
    a: TokenStates, bs: list[TokenStates], lang_a: str | None = None
) -> list[Insertion]:
    """The insertions of ``a`` against ``bs``, from token states already computed."""
    from framing.outlets import load_registry

    stops = _stop_words(lang_a)
    aligned = whole_names(a, aligned_words(a, bs), stops)
    spans = [(s, e, False) for s, e in _runs(a, aligned, stops, lang_a)]
    # An outlet cited by a but by none of bs is an insertion as a whole, whatever its words
    # happen to align to («Согласно сообщению агентства Интерфакс» vs "…, Peskov said").
    registry = load_registry()
    cited_b = {m.outlet for b in bs for m in registry.citations(b.text)}
    for m in registry.citations(a.text):
        inside = [w for w in a.words if m.start <= w.start and w.end <= m.end]
        if m.outlet not in cited_b and inside:
            spans.append((inside[0].start, inside[-1].end, True))
    out: list[Insertion] = []
    for start, end, cited in sorted(spans):
        if out and start <= out[-1].end:  # overlapping: merge
            last = out.pop()
            start, end = last.start, max(end, last.end)
            cited = cited or last.kind == "attribution"
        kind = "attribution" if cited or _is_attribution(a.text[start:end]) else "content"
        start, end = _whole_quotes(a.text, start, end)
        out.append(Insertion(start, end, a.text[start:end], kind))
    return out


def _whole_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` widened over a quote mark just outside that closes (or opens) one left
    open inside: an insertion of words ends at a word, and «повідомляє "Українська
    правда» read as a broken quote."""
    inside = text[start:end]
    for opener, closers in PAIRS.items():
        opened, closed = unbalanced(inside, opener)
        if opened and end < len(text) and text[end] in closers and opener in inside:
            end += 1
        elif closed and start > 0 and text[start - 1] == opener:
            start -= 1
    return start, end


def aligned_words(a: TokenStates, bs: list[TokenStates]) -> np.ndarray:
    """Per word of ``a``: is it linked to some word of ``bs``, or a name/number written alike?"""
    links = align(similarity(a, bs))
    aligned = links.any(axis=1) if links.shape[1] else np.zeros(len(a.words), dtype=bool)
    b_words = [w.text for b in bs for w in b.words]
    for i, w in enumerate(a.words):
        if not aligned[i]:
            aligned[i] = any(same_name(w.text, v) for v in b_words)
    return aligned


# The longest run of capitalised words read as one name ("The Wall Street Journal",
# «Национальный антитеррористический комитет» is lowercase after its first word)
NAME_MAX_WORDS = 5


def whole_names(a: TokenStates, aligned: np.ndarray, stops: frozenset[str]) -> np.ndarray:
    """``aligned`` with every word of a capitalised name aligned when one of its words is:
    a name is one unit, so an insertion never ends or starts inside it (qa7: «The Wall
    Street» added, "Journal" matched on the other side). A name is a run of two or more
    capitalised words with only spaces between them (stop words such as "The" may lead
    it) and written in one script (two names meet in «журналиста The Wall Street Journal
    Эвана Гершковича»), at most ``NAME_MAX_WORDS`` (a longer run is a headline in Title
    Case); the first
    word of the text counts only as a stop word, being capitalised by its place."""
    words, out = a.words, aligned.copy()

    def capital(i: int) -> bool:
        w = words[i]
        return w.text[:1].isupper() and (i > 0 or _fold(w.text) in stops)

    i = 0
    while i < len(words):
        j = i
        while (
            capital(j)
            and j + 1 < len(words)
            and capital(j + 1)
            and not a.text[words[j].end : words[j + 1].start].strip()
            and _latin(words[j].text) == _latin(words[j + 1].text)
        ):
            j += 1
        if 0 < j - i < NAME_MAX_WORDS and out[i : j + 1].any():
            out[i : j + 1] = True
        i = j + 1
    return out


def _latin(word: str) -> bool:
    return word[:1].isascii()


def _runs(
    a: TokenStates, aligned: np.ndarray, stops: frozenset[str], lang: str | None
) -> list[tuple[int, int]]:
    """Character spans of the maximal runs of unaligned words that start and end with a
    content word (stop words may sit inside); an aligned content word or clause punctuation
    ends a run. A preposition just before a run joins it («в разговоре с … СМИ»)."""
    cfg = config()["insertions"]
    breaks = set(cfg["break_chars"])
    attach = {_fold(w) for w in cfg["attach_left"].get(lang, [])} if lang else set()
    words = a.words
    joined = [
        i > 0 and not breaks & set(a.text[words[i - 1].end : w.start]) for i, w in enumerate(words)
    ]
    runs: list[list[int]] = []
    for i, w in enumerate(words):
        content = _is_content(w, stops)
        if content and aligned[i]:
            continue
        if runs and joined[i] and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        elif content:
            runs.append([i])
    spans = []
    for run in runs:
        while run and not _is_content(words[run[-1]], stops):
            run.pop()
        content = sum(_is_content(words[i], stops) for i in run)
        if not run or content < int(cfg["min_content_words"]):
            continue
        first = run[0]
        if first > 0 and joined[first] and _fold(words[first - 1].text) in attach:
            first -= 1
        spans.append((words[first].start, words[run[-1]].end))
    return spans


def _is_attribution(span: str) -> bool:
    """Does the run begin or end with a speech/attribution cue ("said", «по словам»)?"""
    span = span.casefold()
    for cue in _cue_res():
        for m in cue.finditer(span):
            if m.start() == 0 or m.end() == len(span):
                return True
    return False


@cache
def _cue_res() -> list[re.Pattern[str]]:
    cues = [c for words in config()["attribution_cues"].values() for c in words]
    return [re.compile(rf"(?<!\w){re.escape(c.casefold())}\w*") for c in cues]
