"""Phrase-level insertions and quote fidelity over the links of an alignment.

For every link, each sentence of one side is compared word by word with the sentence(s) it
is linked to (:mod:`framing.alignment.phrases`): words with no counterpart are an insertion by that
outlet. Linked sentences that both quote someone get a quote fidelity
(:mod:`framing.alignment.quote_fidelity`).
"""

from __future__ import annotations

from typing import Any

from framing.alignment.align import PairAlignment
from framing.alignment.embedder import Embedder
from framing.alignment.grouping import ArticleVectors
from framing.alignment.phrases import TokenStates, phrase_insertions_batch
from framing.alignment.quote_fidelity import quote_fidelities, speech_quotes
from framing.alignment.sentence_states import (
    StatesCache,
    encoded_texts,
    phrase_states,
    shared_layers,
)


def insertions_and_quotes(
    articles: list[ArticleVectors],
    alignments: dict[tuple[str, str], PairAlignment],
    embedder: Embedder,
    shared: StatesCache | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The insertions and quote fidelities of every link; ``shared``: the sentences'
    encoder passes by text (:mod:`framing.alignment.sentence_states`), whose hidden states
    serve here when the embedder keeps the phrase layer (the fp32 model does)."""
    by_id = {a.id: a for a in articles}
    jobs: list[tuple[ArticleVectors, int, ArticleVectors]] = []
    for (a_id, b_id), alignment in alignments.items():
        a, b = by_id[a_id], by_id[b_id]
        for link in alignment.links:
            jobs += [(a, i, b) for i in link.a] + [(b, j, a) for j in link.b]
    links_of = _links_by_sentence(alignments)
    items = [
        (art.sentences[i], [other.sentences[j] for j in links_of[(art.id, i, other.id)]], art.lang)
        for art, i, other in jobs
    ]
    # One encoder pass for the insertions and the quotes: every quoted pair is a linked pair.
    states: dict[str, TokenStates] = {}
    layers = shared_layers(embedder)
    if shared is not None and layers and items:
        texts = list(dict.fromkeys(t for a, bs, _ in items for t in [a, *bs]))
        passes = encoded_texts(texts, embedder, shared, layers)
        for text, encoded in zip(texts, passes, strict=True):
            found_states = phrase_states(text, encoded, layers[0])
            if found_states is not None:
                states[text] = found_states
    found = phrase_insertions_batch(items, embedder, states) if items else []
    insertions = []
    for (art, i, other), runs in zip(jobs, found, strict=True):
        base = art.starts[i] if art.starts else 0
        insertions += [
            {
                "article": art.id,
                "sentence": i,
                "start": base + run.start,
                "end": base + run.end,
                "text": run.text,
                "kind": run.kind,
                "against": other.id,
            }
            for run in runs
        ]
    return insertions, _quotes(alignments, by_id, embedder, states)


def _links_by_sentence(
    alignments: dict[tuple[str, str], PairAlignment],
) -> dict[tuple[str, int, str], list[int]]:
    """(article, sentence, other article) -> the other article's sentences it is linked to."""
    out: dict[tuple[str, int, str], list[int]] = {}
    for (a_id, b_id), alignment in alignments.items():
        for link in alignment.links:
            for i in link.a:
                out.setdefault((a_id, i, b_id), []).extend(link.b)
            for j in link.b:
                out.setdefault((b_id, j, a_id), []).extend(link.a)
    return out


def _quotes(
    alignments: dict[tuple[str, str], PairAlignment],
    by_id: dict[str, ArticleVectors],
    embedder: Embedder,
    states: dict[str, TokenStates] | None = None,
) -> list[dict[str, Any]]:
    asked = []
    for (a_id, b_id), alignment in alignments.items():
        a, b = by_id[a_id], by_id[b_id]
        for i, j in sorted(alignment.pairs()):
            if speech_quotes(a.sentences[i]) and speech_quotes(b.sentences[j]):
                asked.append((a, i, b, j))
    pairs = [(a.sentences[i], b.sentences[j], a.lang, b.lang) for a, i, b, j in asked]
    found = quote_fidelities(pairs, embedder, states) if pairs else []
    return [
        {
            "a": {"article": a.id, "sentence": i},
            "b": {"article": b.id, "sentence": j},
            "fidelity": fidelity.fidelity,
            "differences": fidelity.differences,
            "part": fidelity.part,
        }
        for (a, i, b, j), fidelity in zip(asked, found, strict=True)
        if fidelity is not None
    ]
