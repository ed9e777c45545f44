"""A learned detector of loaded wording: suggestions beyond the curated lexicon.

``detect_loaded(text, lang)`` classifies every word token of ``text`` (the lexicon's notion of
a word) and returns :class:`Suggestion` records for runs of flagged tokens, with offsets that
index ``text`` exactly as given. It is trained (``framing.lab.detector_train``) on the SemEval-2023
and UNLP 2025 annotations of loaded language and name calling, so a suggestion means "words of
the kind annotators marked as loaded", not a verdict.

The model is linear (logistic regression) over hashed sparse features of each token:

* the lowercased word, its lemmas (pymorphy3 for ru/uk, simplemma for en; the lexicon's
  helpers) and the character 3- to 5-grams of the word in boundary marks (``<word>``);
* the words two to the left and right, the lemmas of the adjacent ones, and the two bigrams;
* shape (capitalised, all caps, digits), first or last word of its sentence, the sentence
  ending with ``!`` or ``?``, the first line of a text of several lines (a headline);
* whether the curated lexicon flags the word or a neighbour, and under which category;
* whether the word stands inside quotation marks, and in a short quotation (scare quotes);
* the words of its sentence, a bag scaled to length ``sentence_weight`` (the sentence's tone).

Features are hashed (scikit-learn's ``FeatureHasher``, MurmurHash3) into ``n_features`` slots,
so the artifact is a vector of int8 weights per language (``data/detector/weights.npz``, read
with ``allow_pickle=False``: data, never code) plus ``config.json``. The decision threshold of
each language lives in ``data/detector/thresholds.json``; a token is flagged when its probability
reaches it. Tokens are joined into one suggestion while they are consecutive and no sentence
end or line break falls between them; its confidence is the mean probability of its tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import FramingError
from framing.text.morphology import Span, lemma_keys, normalise, word_spans
from framing.text.quoting import QUOTE_RE
from framing.wording.lexicon import LANGUAGES, find_loaded

FEATURE_VERSION = 2
SENTENCE_BREAK_RE = re.compile(r"[.!?…]+[\"'»”“)\]]*\s|\n")
SHORT_QUOTE_WORDS = 3
NGRAMS = (3, 4, 5)


class DetectorError(FramingError):
    """The shipped detector artifact is missing or does not fit this code."""


@dataclass(frozen=True)
class Suggestion:
    """A run of words the detector finds loaded: ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    confidence: float


# --- features -------------------------------------------------------------------------------


def _char_ngrams(word: str) -> list[str]:
    marked = f"<{word}>"
    return [f"c:{marked[i : i + n]}" for n in NGRAMS for i in range(len(marked) - n + 1)]


def _inside(spans: Sequence[tuple[int, int, str]], tokens: Sequence[Span]) -> list[str | None]:
    """For each token, the tag of the span containing it (spans sorted, not overlapping)."""
    tags: list[str | None] = []
    j = 0
    for start, end in tokens:
        while j < len(spans) and spans[j][1] <= start:
            j += 1
        inside = j < len(spans) and spans[j][0] <= start and end <= spans[j][1]
        tags.append(spans[j][2] if inside else None)
    return tags


def _quote_spans(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in QUOTE_RE.finditer(text):
        words = len(word_spans(match.group()))
        found.append((match.start(), match.end(), "qs" if words <= SHORT_QUOTE_WORDS else "ql"))
    return found


def _sentences(text: str, tokens: Sequence[Span]) -> tuple[list[int], list[str]]:
    """Each token's sentence number, and each sentence's closing mark (``!``, ``?`` or "")."""
    breaks = [m.start() for m in SENTENCE_BREAK_RE.finditer(text)]
    ids, j = [], 0
    for start, _ in tokens:
        while j < len(breaks) and breaks[j] < start:
            j += 1
        ids.append(j)
    ends = []
    for k in range(len(breaks) + 1):
        mark = text[breaks[k]] if k < len(breaks) else text.rstrip()[-1:]
        ends.append(mark if mark in "!?" else "")
    return ids, ends


@dataclass
class Features:
    """The word tokens of a text, each token's feature strings (before hashing), each token's
    sentence number, and the words of each sentence (its bag-of-words context)."""

    tokens: list[Span]
    names: list[list[str]]
    sentence: list[int]
    bags: list[list[str]]


def token_features(text: str, lang: str) -> Features:
    """The features of every word token of ``text`` (see the module docstring)."""
    tokens = word_spans(text)
    if not tokens:
        return Features([], [], [], [])
    words = [normalise(text[s:e]) for s, e in tokens]
    lemmas = [sorted(lemma_keys(lang, w) - {w}) for w in words]
    hits = [(h.start, h.end, h.category) for h in find_loaded(text, lang)]
    lexicon = _inside(hits, tokens)
    quoted = _inside(_quote_spans(text), tokens)
    sentence, closing = _sentences(text, tokens)
    stripped = text.rstrip()
    first_line = text.find("\n") if "\n" in stripped else -1  # a headline needs a body
    n = len(tokens)
    out = []
    for i, ((start, end), word) in enumerate(zip(tokens, words, strict=True)):
        surface = text[start:end]
        f = [f"w:{word}", *(f"l:{x}" for x in lemmas[i]), *_char_ngrams(word), "bias"]
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
    bags: list[list[str]] = [[] for _ in range(sentence[-1] + 1)]
    for k, word in zip(sentence, words, strict=True):
        bags[k].append(f"s:{word}")
    return Features(tokens, out, sentence, bags)


def feature_matrix(features: Features, n_features: int, sentence_weight: float) -> Any:
    """Hashed features, one CSR row per token: the token's own features (value 1 each) plus
    its sentence's bag of words, scaled to length ``sentence_weight``."""
    from sklearn.preprocessing import normalize

    hasher = _hasher(n_features)
    if not features.tokens:
        return hasher.transform([[]])[:0]
    own = hasher.transform(features.names)
    bags = normalize(hasher.transform(features.bags)) * sentence_weight
    return (own + bags[features.sentence]).tocsr().astype(np.float32)


# --- the shipped artifact -------------------------------------------------------------------


def artifact_dir() -> Any:
    return resources.files("framing").joinpath("data/detector")


@dataclass(frozen=True)
class Model:
    """Weights per language over hashed features, and the threshold of each language."""

    config: dict[str, Any]
    weights: dict[str, np.ndarray]
    bias: dict[str, float]
    thresholds: dict[str, float]

    def matrix(self, features: Features) -> Any:
        config = self.config
        return feature_matrix(features, int(config["n_features"]), config["sentence_weight"])

    def probabilities(self, features: Features, lang: str) -> np.ndarray:
        """The probability that each token is loaded."""
        if not features.tokens:
            return np.zeros(0)
        scores = self.matrix(features) @ self.weights[lang] + self.bias[lang]
        return 1.0 / (1.0 + np.exp(-scores))


@cache
def _hasher(n_features: int) -> Any:
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=n_features, input_type="string", alternate_sign=False)


def _read_json(name: str) -> dict[str, Any]:
    path = artifact_dir().joinpath(name)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DetectorError(
            f"Cannot read the detector file {path}: {exc}. Rebuild it with "
            "`framing train-detector --data ../shared/data/loaded-language`."
        ) from exc


@cache
def load_model() -> Model:
    """The shipped detector (read once per process)."""
    config = _read_json("config.json")
    thresholds = _read_json("thresholds.json")
    if config.get("feature_version") != FEATURE_VERSION:
        raise DetectorError(
            f"The detector artifact has feature version {config.get('feature_version')}, this "
            f"code expects {FEATURE_VERSION}. Retrain it with `framing train-detector`."
        )
    if missing := sorted(set(config["languages"]) - set(thresholds)):
        raise DetectorError(
            f"data/detector/thresholds.json has no threshold for {missing}; retrain with "
            "`framing train-detector` or add one (a probability between 0 and 1)."
        )
    path = artifact_dir().joinpath("weights.npz")
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        weights = {
            lang: arrays[f"{lang}_weights"].astype(np.float32) * float(arrays[f"{lang}_scale"][0])
            for lang in config["languages"]
        }
        bias = {lang: float(arrays[f"{lang}_bias"][0]) for lang in config["languages"]}
    except (OSError, ValueError, KeyError) as exc:
        raise DetectorError(
            f"Cannot read the detector weights {path}: {exc}. Rebuild them with "
            "`framing train-detector`."
        ) from exc
    return Model(config, weights, bias, {k: float(v) for k, v in thresholds.items()})


def save_model(folder: Path, model: Model) -> None:
    """Write ``model`` as config.json, thresholds.json and weights.npz.

    Weights are quantised to int8 with one scale per language (max |w| / 127): the step,
    about 0.02 in log-odds, is far below what separates a loaded token from a neutral one,
    and the file shrinks fourfold. Zeros (unused hash slots) compress away.
    """
    arrays: dict[str, np.ndarray] = {}
    for lang, dense in model.weights.items():
        scale = float(np.abs(dense).max()) / 127 or 1.0
        arrays[f"{lang}_weights"] = np.round(dense / scale).astype(np.int8)
        arrays[f"{lang}_scale"] = np.array([scale])
        arrays[f"{lang}_bias"] = np.array([model.bias[lang]])
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / "weights.npz", **arrays)
    (folder / "config.json").write_text(json.dumps(model.config, indent=2) + "\n", "utf-8")
    rounded = {lang: round(value, 4) for lang, value in model.thresholds.items()}
    (folder / "thresholds.json").write_text(json.dumps(rounded, indent=2) + "\n", "utf-8")


# --- detection ------------------------------------------------------------------------------


def spans_from_tokens(
    text: str, tokens: Sequence[Span], probs: Sequence[float], threshold: float
) -> list[Suggestion]:
    """Runs of tokens at or above ``threshold``, not crossing sentence ends or line breaks."""
    found: list[Suggestion] = []
    run: list[int] = []

    def close() -> None:
        if run:
            start, end = tokens[run[0]][0], tokens[run[-1]][1]
            confidence = round(float(np.mean([probs[k] for k in run])), 3)
            found.append(Suggestion(start, end, text[start:end], confidence))
            run.clear()

    for i, (start, _) in enumerate(tokens):
        if probs[i] < threshold:
            close()
            continue
        if run and SENTENCE_BREAK_RE.search(text, tokens[run[-1]][1], start):
            close()
        run.append(i)
    close()
    return found


def detect_loaded(text: str, lang: str) -> list[Suggestion]:
    """Loaded wording the detector suggests in ``text`` (offsets into ``text`` as given)."""
    if lang not in LANGUAGES:
        raise DetectorError(f"No detector for language {lang!r}; use one of {LANGUAGES}.")
    if not isinstance(text, str):
        raise DetectorError(f"detect_loaded needs a str, got {type(text).__name__}.")
    model = load_model()
    features = token_features(text, lang)
    probs = model.probabilities(features, lang)
    return spans_from_tokens(text, features.tokens, probs.tolist(), model.thresholds[lang])
