"""A contextual detector of loaded wording: suggestions beyond the curated lexicon.

``detect_loaded(text, lang)`` classifies every word token of ``text`` (the lexicon's notion of
a word) and returns :class:`Suggestion` records for runs of flagged tokens, with offsets that
index ``text`` exactly as given. It is trained (``framing.lab.detector_train``) on the
SemEval-2023 (ru, en), PTC 2020 (en) and UNLP 2025 (uk, ru) annotations, so a suggestion means
"words of the kind annotators marked as loaded or manipulative", not a verdict.

Each word is read in context by the first ``layer`` layers of the shipped e5-small encoder
(:mod:`framing.wording.token_states`, run as an int8 ONNX graph of those layers): the
input of a small head is the word's state, the mean state of its two neighbours in the
sentence, whether the curated lexicon flags it, the language, and the length of the text.
The document is in view too: its mean word state and the share of its
words the lexicon flags. The head (``config.json``'s ``head``) is either a one-hidden-layer
perceptron over each word's row (``mlp``) or a bidirectional GRU over the rows of each
sentence (``gru``, :mod:`framing.wording.sequence_head`: what a word does in its clause);
its weights are float16 arrays (``data/detector/head.npz``, read with
``allow_pickle=False``: data, never code); each language's decision threshold, chosen by
cross-validation, lives in ``thresholds.json`` as a pair (:class:`Cut`): a suggestion is a
run of consecutive words whose probability reaches the lower ``extend`` bar, holding at least
one word that reaches the ``seed`` bar, with no sentence end or line break inside
(hysteresis: annotators mark phrases, «бешеные псы режима», and a word of the phrase the
head is sure of carries its less certain neighbours); its confidence is the mean probability
of its words.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from framing.errors import FramingError
from framing.text.morphology import Span, function_words, normalise, word_spans
from framing.wording.lexicon import LANGUAGES, LexiconHit, find_loaded
from framing.wording.sequence_head import ARRAYS, gelu, logits, segments, sigmoid
from framing.wording.token_states import load_encoder, shared_passes
from framing.wording.word_features import (
    SENTENCE_BREAK_RE,
    sentence_ids,
    span_tags,
    token_matrix,
)

FEATURE_VERSION = 5
HEAD_FILE = "head.npz"
KINDS = ("post", "article")
# the article threshold of the "more suggestions" mode (``framing score --more-suggestions``):
# best cross-validated span F1 on the news sets, no precision floor; for researchers who
# want recall, the default stays precise
RECALL = "article_recall"
LONG_TEXT_WORDS = 2000  # the length feature saturates here
LEXICON_DENSITY_FULL = 0.05  # the lexicon-density feature saturates when 5 % of words are hits
# The shipped detectors by name (the setting ``detector``): ``deep`` reads layer 8 of e5-small
# (OpenVINO, bf16 where the CPU has it); ``quick`` is issue 13's tenth-session head over
# layer 4 of an int8 graph, about half the encoder work for lower recall (docs/loaded_eval.md);
# ``shared`` is a head over layer 8 of each sentence behind the "query: " prompt, which
# compare-your-own reads from its own sentence pass instead of a detector pass (a measured
# option: lower news figures on the test fifth; BENCHMARKS.md, issue 12 session 17)
ARTIFACTS = {"deep": "detector", "quick": "detector_quick", "shared": "detector_shared"}
# the alignment word score reads this one's ``encoder`` whichever detector highlights use
ALIGNMENT_DETECTOR = "deep"
# what the comparison's sentence pass (the shipped fp32 e5-small) puts before each sentence
SENTENCE_PASS_PROMPT = "query: "


class DetectorError(FramingError):
    """The shipped detector artifact is missing or does not fit this code."""


@dataclass(frozen=True)
class Cut:
    """The decision bars of one language and text kind: a run of words at or above
    ``extend`` is suggested when one of its words reaches ``seed`` (``extend <= seed``);
    two suggestions of one sentence with at most ``bridge`` words between them become one
    (annotators mark «лживые и циничные заявления» whole, the head may be sure of its ends
    only)."""

    seed: float
    extend: float
    bridge: int = 0


@dataclass(frozen=True)
class Suggestion:
    """A run of words the detector finds loaded: ``text == source[start:end]``. ``seeds``:
    the offsets of its words at or above the seed bar (the words that made it a suggestion;
    its other words only reach the lower extend bar beside them)."""

    start: int
    end: int
    text: str
    confidence: float
    seeds: tuple[Span, ...] = ()


# --- inputs of the head ---------------------------------------------------------------------


def inside(spans: Sequence[tuple[int, int]], tokens: Sequence[Span]) -> np.ndarray:
    """For each token, whether it lies inside one of ``spans``."""
    tags = span_tags([(start, end, True) for start, end in spans], tokens)
    return np.asarray([1.0 if tag else 0.0 for tag in tags], dtype=np.float32)


def head_inputs(
    states: np.ndarray,
    sentence: np.ndarray,
    lexicon: np.ndarray,
    lang: str,
    languages: list[str],
    document: np.ndarray | None = None,
) -> np.ndarray:
    """The head's input rows: state, neighbours' mean state (same sentence only), lexicon
    flag, language one-hot, the text's length in words on a log scale (a short post and a
    long article differ in how much of them annotators mark, and one threshold per language
    must serve both), and the document: the mean state of all its words and the share of
    its words the lexicon flags. The same word is loaded in an op-ed or a manipulative post
    and plain in a wire report; with the document in view the head can be bolder in the one
    and quieter in the other (cross-validated in issue 13's seventh session). ``document``:
    the word states whose mean is the document feature, one row per word (default
    ``states``; a head whose ``document_layer`` is below its ``layer`` reads a lower
    layer's, which a cascade has for every word, :attr:`Model.document_layer`)."""
    n, dim = states.shape
    document_rows = states if document is None else document
    if document_rows.shape[0] != n:
        raise DetectorError(
            f"The document feature needs one state per word: {document_rows.shape[0]} for {n}."
        )
    neighbours = np.zeros((n, dim), dtype=np.float32)
    count = np.zeros((n, 1), dtype=np.float32)
    if n > 1:
        same = (sentence[1:] == sentence[:-1]).astype(np.float32)[:, None]
        neighbours[1:] += states[:-1] * same
        count[1:] += same
        neighbours[:-1] += states[1:] * same
        count[:-1] += same
    neighbours /= np.maximum(count, 1.0)
    language = np.zeros((n, len(languages)), dtype=np.float32)
    language[:, languages.index(lang)] = 1.0
    length = np.full((n, 1), min(np.log1p(n) / np.log1p(LONG_TEXT_WORDS), 1.0), np.float32)
    document_mean = np.tile(document_rows.mean(axis=0, dtype=np.float32), (n, 1))
    density = min(float(lexicon.mean()) / LEXICON_DENSITY_FULL, 1.0) if n else 0.0
    hits = np.full((n, 1), density, np.float32)
    columns = [states, neighbours, lexicon[:, None], language, length, document_mean, hits]
    return np.hstack(columns).astype(np.float32)


def text_kind(words: int, post_max_words: int) -> str:
    """``post`` up to ``post_max_words`` words, else ``article``. Annotators of manipulative
    Telegram posts marked a third of their words, of news about a twentieth; one threshold
    for both either floods an article with suggestions or misses most of a post's."""
    return "post" if words <= post_max_words else "article"


# --- the shipped artifact -------------------------------------------------------------------


def variant(name: str | None = None) -> str:
    """The detector ``name`` (default: the ``detector`` setting), checked."""
    from framing.settings import setting

    chosen = name or str(setting("detector"))
    if chosen not in ARTIFACTS:
        raise DetectorError(
            f"No detector {chosen!r} (setting detector, FRAMING_DETECTOR or --detector); "
            f"use one of {sorted(ARTIFACTS)}."
        )
    return chosen


def artifact_dir(name: str | None = None) -> Any:
    """The folder of the detector ``name`` (default: the ``detector`` setting)."""
    return resources.files("framing").joinpath("data", ARTIFACTS[variant(name)])


@dataclass(frozen=True)
class Model:
    """The head's weights, its configuration and each language's threshold."""

    config: dict[str, Any]
    # per word ("head": "mlp"): w1 (inputs × hidden), b1, w2 (hidden), b2 (1), or, for an
    # ensemble of K heads (config.json "heads": K), each with a leading K axis; sequence
    # ("head": "gru"): the arrays of framing.wording.sequence_head
    arrays: dict[str, np.ndarray]
    thresholds: dict[str, dict[str, Cut]]  # language -> text kind -> bars

    def threshold(self, lang: str, words: int, recall: bool = False) -> Cut:
        """The threshold for a text of ``words`` words: a short text (a post, a paste of a
        few sentences) is judged like the Telegram posts it was tuned on, an article like
        the news; see :func:`text_kind`."""
        kind = text_kind(words, int(self.config["post_max_words"]))
        return self.thresholds[lang][RECALL if recall and kind == "article" else kind]

    @property
    def sequential(self) -> bool:
        """Whether the head reads each sentence as a sequence (a GRU) or each word alone."""
        return self.config.get("head", "mlp") == "gru"

    def probabilities(self, inputs: np.ndarray, sentence: np.ndarray | None = None) -> np.ndarray:
        """The probability that each input row's token is loaded; a sequence head needs each
        row's sentence number (:func:`sentence_ids`)."""
        if not len(inputs):
            return np.zeros(0)
        a = self.arrays
        if self.sequential:
            if sentence is None:
                raise DetectorError("The sequence head needs each word's sentence number.")
            pieces = segments(sentence, int(self.config["max_words"]))
            return sigmoid(logits(a, inputs, pieces))
        if a["w1"].ndim == 2:
            return sigmoid(gelu(inputs @ a["w1"] + a["b1"]) @ a["w2"] + a["b2"])
        return ensemble_probabilities(inputs, a)

    def blend_weight(self, lang: str) -> float:
        """How much of the head's logit a word's score keeps (1: the head alone); the rest
        is the linear model's over hashed word features (:mod:`framing.wording.word_features`),
        chosen per language by cross-validation."""
        lexical = self.config.get("lexical")
        return float(lexical["weight"][lang]) if lexical else 1.0

    def linear_logits(
        self, text: str, lang: str, tokens: Sequence[Span], hits: Sequence[Any] | None = None
    ) -> np.ndarray:
        """The linear model's logit of each token of ``text`` (its word features hashed;
        ``hits``: the lexicon's hits in it, when found already)."""
        matrix = token_matrix(text, lang, tokens, hits, int(self.config["lexical"]["n_features"]))
        bias = self.arrays["lexical_bias"][self.languages.index(lang)]
        return np.asarray(matrix @ self.arrays[f"lexical_{lang}"] + bias, dtype=np.float64)

    def blend(self, head: np.ndarray, linear: np.ndarray | None, lang: str) -> np.ndarray:
        """The word's probability: the head's and the linear model's logits mixed by
        :meth:`blend_weight` (the head's probability when it is 1)."""
        weight = self.blend_weight(lang)
        if weight >= 1.0 or linear is None:
            return head
        p = np.clip(head, 1e-6, 1 - 1e-6)
        return sigmoid(weight * np.log(p / (1 - p)) + (1 - weight) * linear)

    @property
    def layer(self) -> int:
        return int(self.config["layer"])

    @property
    def document_layer(self) -> int:
        """The layer whose mean word state is the head's document feature (``config.json``
        ``document_layer``; the head's own ``layer`` when absent). A head reading layer 8
        with the document from layer 4 needs layers 5-8 only where it may suggest
        something: a cascade has every word's layer 4 (issue 13, session 20)."""
        return int(self.config.get("document_layer", self.layer))

    @property
    def state_layers(self) -> list[int]:
        """The layers the head reads: its own, then the document's when that differs."""
        return sorted({self.layer, self.document_layer}, key=lambda k: k != self.layer)

    @property
    def encoder(self) -> dict[str, Any]:
        """The recipe of the int8 graph of e5-small's first layers (state_graph) that the
        alignment word score reads (:func:`framing.alignment.pair_scores.sentence_words`),
        and the head too unless ``states_encoder`` names another."""
        return dict(self.config["encoder"])

    @property
    def states_encoder(self) -> dict[str, Any]:
        """The recipe of the graph the head reads its states from (``config.json``
        ``states_encoder``; the ``encoder`` when there is none)."""
        return dict(self.config.get("states_encoder") or self.config["encoder"])

    @property
    def languages(self) -> list[str]:
        return list(self.config["languages"])

    @property
    def reads_sentence_pass(self) -> bool:
        """Whether the head reads its states from a comparison's sentence pass when one was
        kept (a ``sentence_prompt`` recipe, :func:`layer_states`)."""
        return self.states_encoder.get("sentence_prompt") is not None


def ensemble_probabilities(inputs: np.ndarray, a: dict[str, np.ndarray]) -> np.ndarray:
    """The mean of K per-word heads' probabilities (w1: K × inputs × hidden, b1 and w2:
    K × hidden, b2: K × 1): heads trained alike with different seeds disagree by more than
    their mean does (issue 13, session 24: PTC's out-of-fold union F1 moved 0.34-0.37 with
    the seed alone). One matrix product reads every head's hidden layer at once."""
    heads, columns, hidden = a["w1"].shape
    first = a["w1"].transpose(1, 0, 2).reshape(columns, heads * hidden)
    rows = gelu(inputs @ first + a["b1"].reshape(-1)).reshape(len(inputs), heads, hidden)
    each = np.einsum("nkh,kh->nk", rows, a["w2"]) + a["b2"].reshape(heads)
    return sigmoid(each).mean(axis=1)


def head_count(config: dict[str, Any]) -> int:
    """How many heads the artifact averages (``config.json`` ``heads``; 1 when absent)."""
    return int(config.get("heads", 1))


def _read_json(name: str, detector: str) -> dict[str, Any]:
    path = artifact_dir(detector).joinpath(name)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DetectorError(
            f"Cannot read the detector file {path}: {exc}. Rebuild it with "
            "`framing train-detector --data ../shared/data/loaded-language`."
        ) from exc


def load_model(name: str | None = None) -> Model:
    """The shipped detector ``name`` (default: the ``detector`` setting), read once per
    process; its encoder loads on first use."""
    return _load_model(variant(name))


@cache
def _load_model(name: str) -> Model:
    config = _read_json("config.json", name)
    thresholds = _read_json("thresholds.json", name)
    if config.get("feature_version") != FEATURE_VERSION:
        raise DetectorError(
            f"The detector artifact has feature version {config.get('feature_version')}, this "
            f"code expects {FEATURE_VERSION}. Retrain it with `framing train-detector`."
        )
    missing = sorted(lang for lang in config["languages"] if not _cuts_ok(thresholds.get(lang)))
    if missing:
        raise DetectorError(
            f"{artifact_dir(name)}/thresholds.json has no threshold for {missing}; retrain with "
            "`framing train-detector` or give each language, for each text kind "
            f"{KINDS} and for {RECALL}, a seed and an extend probability between 0 and 1 "
            '({"seed": 0.8, "extend": 0.6}, extend at most seed).'
        )
    path = artifact_dir(name).joinpath(HEAD_FILE)
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            names = ARRAYS if config.get("head") == "gru" else ("w1", "b1", "w2", "b2")
            if config.get("lexical"):
                names = (*names, "lexical_bias", *(f"lexical_{x}" for x in config["languages"]))
            arrays = {name: data[name].astype(np.float32) for name in names}
        heads = head_count(config)
        if config.get("head", "mlp") == "mlp" and arrays["w1"].shape[:-2] != (
            (heads,) if heads > 1 else ()
        ):
            raise ValueError(f"config.json says {heads} head(s), w1 is {arrays['w1'].shape}")
    except (OSError, ValueError, KeyError) as exc:
        raise DetectorError(
            f"Cannot read the detector head {path}: {exc}. Rebuild it with "
            "`framing train-detector`."
        ) from exc
    cuts = {
        lang: {
            k: Cut(float(v["seed"]), float(v["extend"]), int(v.get("bridge", 0)))
            for k, v in kinds.items()
        }
        for lang, kinds in thresholds.items()
    }
    return Model(config, arrays, cuts)


def _cuts_ok(kinds: Any) -> bool:
    """Whether ``kinds`` (one language of thresholds.json) has a valid pair for each kind."""
    if not isinstance(kinds, dict) or set(kinds) != {*KINDS, RECALL}:
        return False
    for cut in kinds.values():
        try:
            seed, extend = float(cut["seed"]), float(cut["extend"])
        except (TypeError, KeyError, ValueError):
            return False
        if not 0.0 <= extend <= seed <= 1.0:
            return False
        if not isinstance(cut.get("bridge", 0), int) or cut.get("bridge", 0) < 0:
            return False
    return True


def detector_fingerprint() -> str:
    """A hash of the detector in use: cached analyses made with another one are stale."""
    return _fingerprint(variant())


@cache
def _fingerprint(detector: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in ("config.json", "thresholds.json", HEAD_FILE):
        path = artifact_dir(detector).joinpath(name)
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:16]


def save_model(folder: Path, model: Model) -> None:
    """Write ``model`` as head.npz (float16: half the bytes, and the head's decisions do not
    move at that precision), config.json and thresholds.json."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {name: value.astype(np.float16) for name, value in model.arrays.items()}
    np.savez_compressed(folder / HEAD_FILE, **arrays)
    (folder / "config.json").write_text(json.dumps(model.config, indent=2) + "\n", "utf-8")
    rounded = {
        lang: {
            kind: {"seed": round(cut.seed, 4), "extend": round(cut.extend, 4), "bridge": cut.bridge}
            for kind, cut in kinds.items()
        }
        for lang, kinds in model.thresholds.items()
    }
    (folder / "thresholds.json").write_text(json.dumps(rounded, indent=2) + "\n", "utf-8")


# --- detection ------------------------------------------------------------------------------


def spans_from_tokens(
    text: str,
    tokens: Sequence[Span],
    probs: Sequence[float],
    threshold: float,
    extend: float | None = None,
    bridge: int = 0,
) -> list[Suggestion]:
    """Runs of tokens at or above ``extend`` (default: ``threshold``) that hold a token at or
    above ``threshold``, not crossing sentence ends or line breaks; two runs with at most
    ``bridge`` tokens between them and no sentence end become one. A suggestion's confidence
    is the mean probability of its tokens."""
    runs: list[list[int]] = []
    run: list[int] = []
    low = threshold if extend is None else min(extend, threshold)

    def close() -> None:
        if run and max(probs[k] for k in run) >= threshold:
            runs.append(run.copy())
        run.clear()

    def broken(a: int, b: int) -> bool:  # a sentence end or line break between tokens a, b
        return SENTENCE_BREAK_RE.search(text, tokens[a][1], tokens[b][0]) is not None

    for i in range(len(tokens)):
        if probs[i] < low:
            close()
            continue
        if run and broken(run[-1], i):
            close()
        run.append(i)
    close()
    merged: list[tuple[int, int]] = []  # first and last token of each suggestion
    for r in runs:
        if merged and r[0] - merged[-1][1] - 1 <= bridge and not broken(merged[-1][1], r[0]):
            merged[-1] = (merged[-1][0], r[-1])
        else:
            merged.append((r[0], r[-1]))
    found = []
    for first, last in merged:
        start, end = tokens[first][0], tokens[last][1]
        confidence = round(float(np.mean(probs[first : last + 1])), 3)
        seeds = tuple(tokens[k] for k in range(first, last + 1) if probs[k] >= threshold)
        found.append(Suggestion(start, end, text[start:end], confidence, seeds))
    return found


def word_states(
    text: str,
    lang: str,
    tokens: Sequence[Span],
    model: Model,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> np.ndarray:
    """Each word's state after the head's layer (``len(tokens) × dim``), see
    :func:`layer_states`."""
    return layer_states(text, lang, tokens, model, sentences, [model.layer])[0]


def layer_states(
    text: str,
    lang: str,
    tokens: Sequence[Span],
    model: Model,
    sentences: Sequence[tuple[int, int]] | None = None,
    layers: Sequence[int] | None = None,
) -> np.ndarray:
    """Each word's state after each of ``layers`` (default :attr:`Model.state_layers`), from
    one pass: ``len(layers) × len(tokens) × dim``. A head trained on
    sentences behind a prompt (``states_encoder`` ``sentence_prompt``) reads the text's
    sentences (``sentences``, else the splitter's): from the comparison's sentence pass
    when one kept them (:func:`~framing.alignment.sentence_states.passes_of`: compare-your-own
    then runs no pass of its own), else from its own graph; the same inputs, so
    ``framing score`` and the web view show the same highlights. Otherwise the text's pieces."""
    wanted = list(layers or model.state_layers)
    recipe = model.states_encoder
    prompt = recipe.get("sentence_prompt")
    if prompt is not None:
        if sentences is None:
            from framing.text.segment import split_sentences

            sentences = [(s.start, s.end) for s in split_sentences(text, lang)]
        spans = [(a, b) for a, b in sentences if b > a]
        kept = [_kept_states(text, tokens, spans, layer, str(prompt)) for layer in wanted]
        if all(found is not None for found in kept):
            return np.stack(kept)  # type: ignore[arg-type]
    encoder = load_encoder(recipe)
    return encoder.word_states(text, tokens, wanted, sentences)


@contextmanager
def states_together(texts: Sequence[str]) -> Iterator[bool]:
    """Within this block :func:`word_states` reads each of ``texts`` from one pass of the
    detector's encoder over the pieces of them all (a scoring worker's articles in fuller
    batches than each one's alone; the states are bit for bit each text's own pass, see
    :meth:`~framing.wording.token_states.StateEncoder.keep_passes`). Yields whether it
    did: not for fewer than two texts, nor when the encoder's states follow its batches
    (the int8 graph) or the head reads sentences behind a prompt."""
    model = load_model()
    recipe = model.states_encoder
    if len(texts) < 2 or recipe.get("sentence_prompt") is not None:
        yield False
        return
    encoder = load_encoder(recipe)
    if not encoder.batch_invariant:
        yield False
        return
    with shared_passes():
        yield encoder.keep_passes([(text, word_spans(text)) for text in texts], model.state_layers)


def _kept_states(
    text: str, tokens: Sequence[Span], spans: list[tuple[int, int]], layer: int, prompt: str
) -> np.ndarray | None:
    """The word states from the sentence pass a comparison kept, if it kept every sentence
    of the text with ``layer`` and its model puts ``prompt`` before each (the shipped fp32
    e5-small: its states are the detector graph's, to float rounding)."""
    from framing.alignment.embedder import FP32_MODEL, model_id_for
    from framing.alignment.sentence_states import passes_of
    from framing.wording.token_states import sentence_word_states

    if not spans or prompt != SENTENCE_PASS_PROMPT:
        return None
    passes = passes_of(model_id_for(FP32_MODEL), [text[a:b] for a, b in spans], layer)
    if passes is None:
        return None
    found = sentence_word_states(tokens, spans, passes, [layer])
    return None if found is None else found[0]


def token_probabilities(
    text: str,
    lang: str,
    model: Model | None = None,
    hits: Sequence[LexiconHit] | None = None,
    states: np.ndarray | None = None,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> tuple[list[Span], np.ndarray]:
    """The word tokens of ``text`` and each one's probability of being loaded (``hits``: the
    lexicon's hits in ``text``, when the caller found them already; ``states``: each word's
    state after each of :attr:`Model.state_layers` (``layers × words × dim``), or after the
    head's layer (``words × dim``) for a head whose document feature reads that layer too,
    when the caller has them, else :func:`layer_states`; ``sentences``: the character
    spans of the text's sentences, when the caller has them)."""
    model = model or load_model()
    tokens = word_spans(text)
    if not tokens:
        return tokens, np.zeros(0)
    wanted = model.state_layers
    if states is not None and states.ndim == 2:
        if len(wanted) > 1:
            raise DetectorError(
                f"This head's document feature reads layer {model.document_layer}: pass the "
                f"states of layers {wanted}, not of layer {model.layer} alone."
            )
        states = states[None]
    if states is None or states.shape[:2] != (len(wanted), len(tokens)):
        states = layer_states(text, lang, tokens, model, sentences, wanted)
    hits = find_loaded(text, lang) if hits is None else hits
    lexicon = inside([(h.start, h.end) for h in hits], tokens)
    sentence = sentence_ids(text, tokens)
    inputs = head_inputs(states[0], sentence, lexicon, lang, model.languages, states[-1])
    head = model.probabilities(inputs, sentence)
    if model.blend_weight(lang) >= 1.0:
        return tokens, head
    return tokens, model.blend(head, model.linear_logits(text, lang, tokens, hits), lang)


def beyond_lexicon(
    suggestions: Sequence[Suggestion],
    lexicon: Sequence[tuple[int, int]],
    source: str,
    lang: str | None = None,
    own_seed: bool | None = None,
) -> list[Suggestion]:
    """The parts of the suggestions that no lexicon hit covers: what a reader sees besides
    the lexicon's explained hits (``framing score``, the web view and ``eval-loaded``'s union
    alike). A suggestion around a hit («режим снова цинично лжёт» around «лжёт») keeps its
    other words, cut to whole words, unless ``lang`` is given and a piece left is only its
    function words (:func:`function_words`): «и» of «голословными и хамскими» around two
    hits, "as" beside "absurd", highlighted on their own, were what readers counted wrong.
    A piece left with none of the suggestion's ``seeds`` (its words at the seed bar) is
    dropped too: the lexicon word was the seed, and its neighbours only reached the lower
    extend bar beside it («разу» and «мав» around «бункерний дід», «смерть» after
    «героїчну», "organisation" after "extremist": 17 of the 18 such pieces on the dev pages
    were wrong; docs/loaded_eval.md, session 17) in the languages of ``own_seed_languages``
    (``data/suggestions.yaml``; ``own_seed`` true or false overrides it, to measure it;
    without ``lang``, a post read whole, never). ``source`` is the text the offsets index."""
    if own_seed is None:
        own_seed = lang is not None and lang in own_seed_languages()
    taken = sorted(lexicon)
    out: list[Suggestion] = []
    for s in suggestions:
        pieces = [(s.start, s.end)]
        for b, e in taken:
            pieces = [p for start, end in pieces for p in _minus(start, end, b, e)]
        cut = pieces != [(s.start, s.end)]
        for start, end in pieces:
            words = word_spans(source[start:end])
            if not words or (
                cut and lang is not None and _only_function_words(source[start:end], words, lang)
            ):
                continue
            seeded = any(start <= a and z <= end for a, z in s.seeds)
            if own_seed and cut and s.seeds and not seeded:
                continue
            a, z = start + words[0][0], start + words[-1][1]
            seeds = tuple((b, e) for b, e in s.seeds if a <= b and e <= z)
            out.append(Suggestion(a, z, source[a:z], s.confidence, seeds))
    return out


@cache
def own_seed_languages() -> frozenset[str]:
    """The languages whose suggestions beside a lexicon hit need a seed word of their own
    (``data/suggestions.yaml``)."""
    from framing.settings import packaged_yaml

    return frozenset(packaged_yaml("suggestions.yaml")["own_seed_languages"])


def _only_function_words(text: str, words: list[Span], lang: str | None) -> bool:
    stops = function_words(lang)
    return all(normalise(text[a:z]) in stops for a, z in words)


def _minus(start: int, end: int, b: int, e: int) -> list[tuple[int, int]]:
    if e <= start or end <= b:
        return [(start, end)]
    return [p for p in ((start, b), (e, end)) if p[0] < p[1]]


def detect_loaded(
    text: str,
    lang: str,
    kind: str | None = None,
    recall: bool = False,
    hits: Sequence[LexiconHit] | None = None,
    states: np.ndarray | None = None,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> list[Suggestion]:
    """Loaded wording the detector suggests in ``text`` (offsets into ``text`` as given).

    ``kind`` is what the text is, ``post`` or ``article`` (see :func:`text_kind`); by
    default it is guessed from the length. A caller that knows it holds a news article
    says so: a short news report is not a Telegram post, and the post threshold, tuned for
    posts annotators marked a third of, floods it with suggestions. ``recall`` reads an
    article with the F1-optimal threshold (:data:`RECALL`) instead of the precise default:
    more of what annotators marked, and more false alarms. ``hits``: the lexicon's hits in
    ``text`` (:func:`find_loaded`), when the caller found them already; ``states``: each
    word's state, when the caller has them, and ``sentences``, the character spans of its
    sentences (:func:`token_probabilities`)."""
    if lang not in LANGUAGES:
        raise DetectorError(f"No detector for language {lang!r}; use one of {LANGUAGES}.")
    if not isinstance(text, str):
        raise DetectorError(f"detect_loaded needs a str, got {type(text).__name__}.")
    if kind is not None and kind not in KINDS:
        raise DetectorError(f"No text kind {kind!r}; use one of {KINDS} or None (by length).")
    model = load_model()
    tokens, probs = token_probabilities(text, lang, model, hits, states, sentences)
    if kind is None:
        cut = model.threshold(lang, len(tokens), recall)
    else:
        cut = model.thresholds[lang][RECALL if recall and kind == "article" else kind]
    return spans_from_tokens(text, tokens, probs.tolist(), cut.seed, cut.extend, cut.bridge)
