"""One encoder pass per sentence that yields everything the comparison reads from it.

Comparing two articles used to run e5 three times over the same sentences: once for the
sentence vectors, once more over the clause units of :mod:`framing.alignment.pair_scores`
(each cut sentence encoded alone, about twice the sentences' subwords) and once, stopped at
layer 8, for the phrase insertions and quote fidelity. :meth:`encode_states` of an embedder
gives, from the pass that makes the sentence vector:

- ``vector``: the sentence vector, exactly as :meth:`Embedder.encode` gives it (same
  batches, same pooling);
- ``tokens``: the last layer's state of every token the vector's mean pooling averages
  (the special tokens and the ``"query: "`` prompt included), with each token's character
  span in the sentence (``(-1, -1)`` for the tokens outside it): a clause unit's vector is
  the mean of its tokens' states (:func:`pooled_spans`);
- ``layers``: the hidden states after the layers asked for (the fp32 model: layer 8 for
  the phrase insertions, :func:`phrase_states`); the int8 graph returns its last layer only,
  so there the phrase insertions keep their own pass.

:func:`encoded_texts` keeps what was encoded in a dict by text, so the vectors, the clause
units and the phrase insertions of one comparison share it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from framing.alignment.phrases import TokenStates

StatesCache = dict[str, "EncodedText"]


@dataclass
class EncodedText:
    """What one encoder pass over one text gives (see the module docstring)."""

    vector: np.ndarray  # (dim,) float32, unit length
    tokens: np.ndarray  # (n_tokens, dim) float32: the last layer, every pooled token
    offsets: np.ndarray  # (n_tokens, 2) int: character span in the text, (-1, -1) outside
    layers: dict[int, np.ndarray] = field(default_factory=dict)  # layer -> (n_tokens, dim)


# Within :func:`kept_passes`: the sentence passes of comparisons made in the block, by the
# embedder's model id, for the deep detector's highlights that follow (its word states at
# layer 8 are those of each sentence behind the prompt: the pass the comparison already made).
_kept: ContextVar[dict[str, StatesCache] | None] = ContextVar("framing_kept_passes", default=None)


@contextmanager
def kept_passes() -> Iterator[None]:
    """Within this block, the sentence passes of a comparison (:func:`comparison_cache`) stay
    readable by :func:`passes_of` until the block ends."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def comparison_cache(model_id: str) -> StatesCache:
    """The cache a comparison keeps its sentence passes in: within :func:`kept_passes`, the
    block's one for ``model_id``; else a new one of its own."""
    kept = _kept.get()
    return {} if kept is None else kept.setdefault(model_id, {})


def passes_of(model_id: str, texts: list[str], layer: int) -> list[EncodedText] | None:
    """The kept sentence passes of ``texts`` by ``model_id`` holding ``layer``, or None when
    one of them was not kept (outside :func:`kept_passes`, another model, another text)."""
    kept = (_kept.get() or {}).get(model_id)
    if kept is None:
        return None
    found = [kept.get(t) for t in texts]
    if any(p is None or layer not in p.layers for p in found):
        return None
    return found  # type: ignore[return-value]


def has_states(embedder: Any) -> bool:
    """Whether ``embedder`` can give token states with its vectors (:class:`EncodedText`)."""
    return callable(getattr(embedder, "encode_states", None))


def shared_layers(embedder: Any) -> tuple[int, ...]:
    """The hidden layers the shared pass keeps for the phrase insertions: the phrase layer
    (``data/phrases.yaml``) when the embedder can give it and ``shared_pass`` is on, else
    none (the phrase insertions then make their own pass)."""
    from framing.alignment.phrases import config

    model = config()["model"]
    if not model.get("shared_pass") or not getattr(embedder, "keeps_layers", False):
        return ()
    return (int(model["layer"]),)


def encoded_texts(
    texts: list[str], embedder: Any, cache: StatesCache, layers: tuple[int, ...] = ()
) -> list[EncodedText]:
    """The :class:`EncodedText` of each of ``texts``: from ``cache`` when there (with the
    ``layers`` asked for), else encoded in one batched pass and added to it."""
    missing = [
        t for t in dict.fromkeys(texts) if t not in cache or not set(layers) <= set(cache[t].layers)
    ]
    if missing:
        cache.update(zip(missing, embedder.encode_states(missing, layers), strict=True))
    return [cache[t] for t in texts]


def prompt_offsets(offsets: list[tuple[int, int]], prompt_length: int) -> np.ndarray:
    """Character spans of a prompted text's tokens shifted into the text itself: the
    prompt's and the special tokens become ``(-1, -1)``; a token whose span starts in the
    prompt's trailing space starts at 0."""
    out = np.full((len(offsets), 2), -1, dtype=np.int64)
    for k, (start, end) in enumerate(offsets):
        if end > start and end > prompt_length:
            out[k] = (max(start - prompt_length, 0), end - prompt_length)
    return out


def pooled_spans(encoded: EncodedText, spans: list[tuple[int, int]], context: bool) -> np.ndarray:
    """Unit vectors, one per character span of the text: the mean last-layer state of the
    tokens inside the span (with ``context``, also of the tokens outside the text: the
    special tokens and the prompt, as a text encoded alone is pooled)."""
    starts, ends = encoded.offsets[:, 0], encoded.offsets[:, 1]
    outside = starts < 0
    out = np.zeros((len(spans), encoded.tokens.shape[1]), dtype=np.float32)
    for k, (start, end) in enumerate(spans):
        rows = (starts >= start) & (ends <= end) & ~outside
        if context:
            rows |= outside
        if rows.any():
            out[k] = encoded.tokens[rows].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def phrase_states(text: str, encoded: EncodedText, layer: int) -> TokenStates | None:
    """The :class:`~framing.alignment.phrases.TokenStates` of ``text`` after ``layer``
    layers from its shared pass, or None when that pass did not keep the layer."""
    from framing.alignment.phrases import _assemble, _trim

    states = encoded.layers.get(layer)
    if states is None:
        return None
    inside = encoded.offsets[:, 0] >= 0
    offsets = [_trim(text, int(s), int(e)) for s, e in encoded.offsets[inside]]
    vectors = np.asarray(states[inside], dtype=np.float32)
    return _assemble(text, [(vectors, offsets)], int(states.shape[1]))


def pooled_runs(
    passes: Mapping[int, EncodedText], runs: list[tuple[int, int]], once: bool = False
) -> np.ndarray:
    """Unit vectors, one per run ``(first, stop)`` of consecutive texts (``passes``: each
    text's pass by its index): the mean last-layer state of every token the texts' own
    passes pool (each text's special and prompt tokens included), or with ``once`` of the
    texts' inside tokens and the outside tokens (special and prompt) of the run's first
    text only, as one text holding the run, encoded alone, has one prompt and one pair of
    special tokens. (A mean scaled to unit length is the sum so scaled: no counts.)"""
    sums = {}
    for k, encoded in passes.items():
        outside = encoded.offsets[:, 0] < 0
        tokens = encoded.tokens.astype(np.float64)
        sums[k] = (tokens[~outside].sum(axis=0), tokens[outside].sum(axis=0))
    dim = next(iter(passes.values())).tokens.shape[1] if passes else 0
    out = np.zeros((len(runs), dim), dtype=np.float64)
    for r, (first, stop) in enumerate(runs):
        for k in range(first, stop):
            inside, outside = sums[k]
            out[r] += inside + outside if k == first or not once else inside
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)
