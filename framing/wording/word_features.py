"""Word-identity features of each token, hashed: what a linear model of loaded wording reads.

The e5 head (:mod:`framing.wording.detector`) sees four frozen layers of a multilingual
encoder; which exact word stands there (its form, its lemma, its neighbours) is blurred in
them. A linear model over hashed word features (issue 4's first detector) held more of
that, and its score per word is blended with the head's (``lexical`` in ``config.json``).

Per token: the normalised word, its lemmas (pymorphy3 for ru/uk, simplemma for en; the
lexicon's helpers) and the character 3- to 5-grams of the word in boundary marks; the words
two to the left and right, the lemmas of the adjacent ones and the two bigrams (same
sentence only); shape (capitalised, all caps, digits); first or last word of its sentence,
the sentence closing with ``!`` or ``?``, the first line of a text of several lines (a
headline); whether the curated lexicon flags the word or a neighbour, and under which
category; whether the word stands inside quotation marks, a short quotation apart (scare
quotes). Features are hashed with MurmurHash3 (scikit-learn's ``FeatureHasher``) into
``n_features`` slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from framing.text.morphology import Span, lemma_keys, normalise, word_spans
from framing.text.quoting import QUOTE_RE
from framing.wording.lexicon import find_loaded

# A sentence end or a line break: the detector's head and these features cut sentences alike.
SENTENCE_BREAK_RE = re.compile(r"[.!?…]+[\"'»”“)\]]*\s|\n")
SHORT_QUOTE_WORDS = 3
NGRAMS = (3, 4, 5)


def _char_ngrams(word: str) -> list[str]:
    marked = f"<{word}>"
    return [f"c:{marked[i : i + n]}" for n in NGRAMS for i in range(len(marked) - n + 1)]


def span_tags(spans: Sequence[tuple[int, int, Any]], tokens: Sequence[Span]) -> list[Any]:
    """For each token, the tag of a span ``(start, end, tag)`` containing it, else None."""
    ordered = sorted(spans)
    tags: list[Any] = []
    j = 0
    for start, end in tokens:
        while j < len(ordered) and ordered[j][1] <= start:
            j += 1
        tag = None
        k = j
        while k < len(ordered) and ordered[k][0] < end:
            if ordered[k][0] <= start and end <= ordered[k][1]:
                tag = ordered[k][2]
                break
            k += 1
        tags.append(tag)
    return tags


def _quotes(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in QUOTE_RE.finditer(text):
        words = len(word_spans(match.group()))
        found.append((match.start(), match.end(), "qs" if words <= SHORT_QUOTE_WORDS else "ql"))
    return found


def sentence_ids(text: str, tokens: Sequence[Span]) -> np.ndarray:
    """Each token's sentence number (sentence ends and line breaks separate sentences)."""
    breaks = [m.start() for m in SENTENCE_BREAK_RE.finditer(text)]
    ids = np.zeros(len(tokens), dtype=np.int64)
    j = 0
    for i, (start, _) in enumerate(tokens):
        while j < len(breaks) and breaks[j] < start:
            j += 1
        ids[i] = j
    return ids


def _closing_marks(text: str) -> list[str]:
    """Each sentence's closing mark (``!``, ``?`` or ""), as :func:`sentence_ids` numbers them."""
    breaks = [m.start() for m in SENTENCE_BREAK_RE.finditer(text)]
    ends = []
    for k in range(len(breaks) + 1):
        mark = text[breaks[k]] if k < len(breaks) else text.rstrip()[-1:]
        ends.append(mark if mark in "!?" else "")
    return ends


def token_features(
    text: str, lang: str, tokens: Sequence[Span], hits: Sequence[Any] | None = None
) -> list[list[str]]:
    """The feature names of every token of ``text`` (``tokens``: its word spans; ``hits``:
    the lexicon's hits in it, when found already): the word's own (:func:`own_features`),
    then those of its place in the text."""
    words, places = _token_parts(text, lang, tokens, hits)
    return [[*own_features(lang, word), *place] for word, place in zip(words, places, strict=True)]


def own_features(lang: str, word: str) -> list[str]:
    """The features of a normalised word wherever it stands: itself, its lemmas, its
    character n-grams and the bias."""
    lemmas = sorted(lemma_keys(lang, word) - {word})
    return [f"w:{word}", *(f"l:{x}" for x in lemmas), *_char_ngrams(word), "bias"]


def _token_parts(
    text: str, lang: str, tokens: Sequence[Span], hits: Sequence[Any] | None
) -> tuple[list[str], list[list[str]]]:
    """Each token's normalised word and the features of its place: neighbours, shape,
    sentence, headline, lexicon, quotation."""
    if not tokens:
        return [], []
    words = [normalise(text[s:e]) for s, e in tokens]
    lemmas = [sorted(lemma_keys(lang, w) - {w}) for w in words]
    hits = find_loaded(text, lang) if hits is None else hits
    lexicon = span_tags([(h.start, h.end, h.category) for h in hits], tokens)
    quoted = span_tags(_quotes(text), tokens)
    sentence, closing = sentence_ids(text, tokens).tolist(), _closing_marks(text)
    first_line = text.find("\n") if "\n" in text.rstrip() else -1  # a headline needs a body
    n = len(tokens)
    out = []
    for i, ((start, end), word) in enumerate(zip(tokens, words, strict=True)):
        surface = text[start:end]
        f = []
        for o in (-2, -1, 1, 2):
            k = i + o
            same = 0 <= k < n and sentence[k] == sentence[i]
            f.append(f"w{o}:{words[k]}" if same else f"w{o}:<s>")
            if same and o in (-1, 1):
                f.extend(f"l{o}:{x}" for x in lemmas[k])
                if lexicon[k]:
                    f.append(f"lex{o}")
        prev = words[i - 1] if i and sentence[i - 1] == sentence[i] else "<s>"
        after = words[i + 1] if i + 1 < n and sentence[i + 1] == sentence[i] else "</s>"
        f += [f"b-:{prev}|{word}", f"b+:{word}|{after}"]
        if surface[:1].isupper():
            f.append("cap" if not surface.isupper() or len(surface) == 1 else "upper")
        if any(ch.isdigit() for ch in surface):
            f.append("digit")
        if prev == "<s>":
            f.append("bos")
        if after == "</s>":
            f.append("eos")
        if closing[sentence[i]]:
            f.append(f"end:{closing[sentence[i]]}")
        if start < first_line:
            f.append("line0")
        if lexicon[i]:
            f += ["lex", f"lexcat:{lexicon[i]}"]
        if quoted[i]:
            f.append(quoted[i])
        out.append(f)
    return words, out


@cache
def _hasher(n_features: int) -> Any:
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=n_features, input_type="string", alternate_sign=False)


def feature_matrix(names: list[list[str]], n_features: int) -> Any:
    """One CSR row per token, 1 per feature (hash collisions add up)."""
    return _hasher(n_features).transform(names).tocsr().astype(np.float32)


# Each word's own features hashed, by (language, word, n_features): a word recurs across
# texts (and its character n-grams are most of its features), so it is hashed once per
# process. Bounded: emptied when full.
_OWN_ROWS: dict[tuple[str, str, int], np.ndarray] = {}  # slots, a slot once per feature
OWN_ROWS_MAX = 50_000


def token_matrix(
    text: str, lang: str, tokens: Sequence[Span], hits: Sequence[Any] | None, n_features: int
) -> Any:
    """``feature_matrix(token_features(text, lang, tokens, hits), n_features)``, equal to
    it entry for entry (the same sorted CSR rows, so a product with it adds in the same
    order), without building and hashing each word's own features again: a scoring worker
    spent 3 % of its time on the linear model's features, most of it on n-grams of words
    it had seen before."""
    from scipy.sparse import csr_matrix

    words, places = _token_parts(text, lang, tokens, hits)
    if not words:
        return csr_matrix((0, n_features), dtype=np.float32)
    own: dict[str, np.ndarray] = {}  # this call's, whatever another thread does to the cache
    for word in set(words):
        slots = _OWN_ROWS.get((lang, word, n_features))
        if slots is not None:
            own[word] = slots
    missing = sorted(set(words) - set(own))
    if missing:
        hashed = _hasher(n_features).transform([own_features(lang, w) for w in missing])
        for row, word in enumerate(missing):
            a, b = hashed.indptr[row], hashed.indptr[row + 1]
            own[word] = np.repeat(hashed.indices[a:b], hashed.data[a:b].astype(np.int64))
        if len(_OWN_ROWS) + len(missing) > OWN_ROWS_MAX:
            _OWN_ROWS.clear()
        _OWN_ROWS.update({(lang, word, n_features): own[word] for word in missing})
    place = _hasher(n_features).transform(places)
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    indptr = [0]
    for row, word in enumerate(words):
        own_slots = own[word]
        a, b = place.indptr[row], place.indptr[row + 1]
        indices += [own_slots, place.indices[a:b]]
        data += [np.ones(len(own_slots)), place.data[a:b]]
        indptr.append(indptr[-1] + len(own_slots) + b - a)
    matrix = csr_matrix(
        (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(words), n_features),
    )
    matrix.sum_duplicates()  # as FeatureHasher leaves its rows: sorted, duplicates added
    return matrix.astype(np.float32)
