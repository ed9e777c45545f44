"""Event grouping: which stored articles report the same event, across languages.

Two articles report the same event when they share several specific claims (mutual best
sentence pairs well above chance, see :mod:`framing.alignment.align`) and, if both are dated, were
published within a few days of each other. Topic similarity alone is not enough: reports
of two US elections four years apart are about the same topic and share almost no claim.

Groups are built greedily from the strongest pair down, never putting two dated articles
more than ``max_gap_days`` apart in one event, so an undated article cannot bridge 2020 and
2024. Unknown dates constrain nothing.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import combinations
from typing import Any

import numpy as np

from framing.alignment.align import mutual_best, thresholds
from framing.alignment.guard import WORD
from framing.outlets import load_registry
from framing.settings import packaged_yaml
from framing.text.metadata import MONTHS, WEEKDAYS
from framing.wording.editorial import is_background
from framing.wording.lexicon import LANGUAGES as EDITORIAL_LANGUAGES
from framing.wording.speakers import adjective_phrase_in_nominative, name_in_nominative


@dataclass
class ArticleVectors:
    """An article's metadata with its calibrated (language-centred) sentence vectors."""

    id: str
    lang: str | None
    date: str | None
    title: str | None
    sentences: list[str]
    vectors: np.ndarray
    starts: list[int] | None = None  # each sentence's offset in the clean text
    # which sentences are background (background_rows), worked out on first use
    background: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def centroid(self) -> np.ndarray:
        mean = self.vectors.mean(axis=0) if len(self.vectors) else np.zeros(1)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)


@dataclass
class PairEvidence:
    shared_claims: int
    share: float
    days_apart: int | None
    shorter: int  # sentences of the shorter article
    strongest: float  # the highest sentence z of two statements (strongest_statement)
    dated: int = 0  # how many of the two reports carry a date (0, 1 or 2)

    def claims_needed(self, settings: dict[str, Any]) -> int:
        """``min_shared_claims`` scaled to the shorter article: a wire story of 6-10
        sentences rarely shares three strong claims, but two are as telling there as three
        in a long report (the share bar still applies). The floor is
        ``min_shared_claims_apart`` instead when the dates speak against one event: both
        dated more than ``close_days`` apart, or one dated and the other not."""
        scaled = math.ceil(settings["min_shared_share"] * self.shorter)
        floor = settings["min_shared_claims_short"]
        if self.dates_against(settings):
            floor = settings.get("min_shared_claims_apart", floor)
        return int(min(settings["min_shared_claims"], max(floor, scaled)))

    def dates_against(self, settings: dict[str, Any]) -> bool:
        """Two dated reports more than ``close_days`` apart, or a dated and an undated one
        (whose gap nothing bounds). Two undated reports (pasted texts, NTREX) are not."""
        if self.dated == 1:
            return True
        return self.days_apart is not None and self.days_apart > settings["close_days"]

    def same_event(self, settings: dict[str, Any]) -> bool:
        if self.days_apart is not None and self.days_apart > settings["max_gap_days"]:
            return False
        if self.close_in_time(settings) and self.strongest >= settings["close_claim_z"]:
            return True
        return (
            self.shared_claims >= self.claims_needed(settings)
            and self.share >= settings["min_shared_share"]
        )

    def close_in_time(self, settings: dict[str, Any]) -> bool:
        """Both dated, within ``close_days``: short reports of one statement published the
        same day share one or two claims. The same spokesman's other answers of that day
        share one too at times (z 6.0-7.8 on our gold); ``min_linkage`` keeps those groups
        apart when their other cross pairs fail, which they did on every one we hold."""
        return self.days_apart is not None and self.days_apart <= settings["close_days"]


def event_settings(model_id: str | None) -> dict[str, Any]:
    """The ``events`` bars for sentence vectors of ``model_id``: alignment.yaml's shared
    ones, with that model's own where its ``events_by_model`` section gives them (keyed by
    the full model id, so a new recipe of a model never inherits bars chosen for the old)."""
    found = thresholds()
    own = (found.get("events_by_model") or {}).get(model_id or "") or {}
    return {**found["events"], **own}


def days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


# The event bars that :func:`pair_evidence` reads (the others only judge the evidence).
EVIDENCE_BARS = ("event_anchor_z", "close_claim_words", "background_claims")


def pair_evidence(
    a: ArticleVectors, b: ArticleVectors, z: np.ndarray, settings: dict[str, Any]
) -> PairEvidence:
    """``settings``: the event bars of the model that made ``z`` (:func:`event_settings`).

    Unless ``background_claims`` is set, a sentence its outlet marks as background or a
    recap («Нагадаємо, що в п'ятницю … Шольц зателефонував Путіну», "Earlier, …": see
    :func:`framing.wording.editorial.is_background`) is no claim the two reports share: it
    tells the event a report looks back on, not the one it reports (Zelensky's reaction
    joined the Scholz-Putin call through its recap of the call)."""
    if not settings.get("background_claims", True):
        z = without_background(a, b, z)
    shared = len(mutual_best(z, settings["event_anchor_z"]))
    strongest = strongest_statement(a, b, z, settings["close_claim_words"])
    shorter = max(1, min(len(a.sentences), len(b.sentences)))
    gap = days_apart(a.date, b.date)
    dated = bool(a.date) + bool(b.date)
    return PairEvidence(shared, shared / shorter, gap, shorter, round(strongest, 3), dated)


def without_background(a: ArticleVectors, b: ArticleVectors, z: np.ndarray) -> np.ndarray:
    """``z`` with the rows and columns of background sentences (:func:`background_rows`)
    at minus infinity, so they are nobody's best match and no statement."""
    rows, cols = background_rows(a), background_rows(b)
    if not z.size or not (rows.any() or cols.any()):
        return z
    return np.where(np.logical_or.outer(rows, cols), -np.inf, z)


def background_rows(article: ArticleVectors) -> np.ndarray:
    """Which sentences of ``article`` open as background or a recap in the outlet's own
    voice (ru, uk, en; none in other languages). Kept on the article: the cues cost about
    0.2 ms a sentence, and an article is in up to 2 × ``neighbours`` candidate pairs."""
    if article.background is None:
        lang = article.lang or ""
        found = [lang in EDITORIAL_LANGUAGES and is_background(s, lang) for s in article.sentences]
        article.background = np.array(found, dtype=bool)
    return article.background


# The strongest statement of a pair whose every statement pair is left out (background):
# finite, so stored evidence stays plain JSON numbers. Far below any bar.
MIN_STATEMENT_Z = -99.0


def strongest_statement(
    a: ArticleVectors, b: ArticleVectors, z: np.ndarray, min_words: int
) -> float:
    """The highest z of a sentence pair that are both statements of ``min_words`` words or
    more (0 if none): a lone "–" or "Oh, no." matches its like in any other report at
    z 6.5-10, so it cannot stand alone as the evidence of one event."""
    rows = [len(WORD.findall(s)) >= min_words for s in a.sentences]
    cols = [len(WORD.findall(s)) >= min_words for s in b.sentences]
    if not z.size or not any(rows) or not any(cols):
        return 0.0
    return max(float(z[np.ix_(rows, cols)].max()), MIN_STATEMENT_Z)


def asked_same_event(a: ArticleVectors, b: ArticleVectors, settings: dict[str, Any]) -> bool:
    """The event decision for a pair a reader put side by side (or that ``events`` grouped):
    one event unless both are dated and more than ``max_gap_days`` apart. An unknown date
    is not "far apart": the reader's choice stands, and the cross-event bar is left for
    pairs nobody asked for (the shared claims are not needed). Before, an undated pair
    was left to the claim test, which judged 12 of 15 dated same-event pairs of real short
    reports "different events" and so threw away the links of the undated seed report 000
    against its 2020 counterpart."""
    gap = days_apart(a.date, b.date)
    return gap is None or gap <= settings["max_gap_days"]


# A capitalised word not followed by another one: the head of a name ("Donald Trump",
# "Russian President Vladimir Putin" count as Trump and Putin).
NAME = re.compile(r"(?<![\w.])[A-ZА-ЯЁІЇЄҐ][\w'’-]{2,}(?![\w'’-])(?!\s+[A-ZА-ЯЁІЇЄҐ])")
# The capitalised words before a name's head: "The Washington" of "The Washington Post".
RUN_BEFORE = re.compile(r"(?:[A-ZА-ЯЁІЇЄҐ][\w'’.-]*\s+)+$")
WEEKDAY = re.compile(WEEKDAYS.removesuffix(r",?\s+"), re.IGNORECASE)


def key_terms(members: list[ArticleVectors], limit: int = 4) -> list[str]:
    """The names most repeated in the event's reporting.

    Taken from the reports in one language (English if there is one) so the label reads
    in one language, and from all of them (the Navalnaya event was labelled "Peskov" from
    one report that named her once). A name counts once per sentence, in the nominative
    (ru, uk: «Трампа» and «Трампом» are one name), and only the last word of a run of
    capitalised words counts (the whole run when only adjectives of nationality precede
    it: "Russian Federation"). A capitalised adjective in ru/uk is named with its noun.
    A capitalised word opening a sentence counts only if the reports also write it
    capitalised inside a sentence ("Scholz informed Zelenskyy…" after "…, Scholz said"): on
    its own it may be any word ("According", "Earlier").
    Months, weekdays and outlets of the registry are not what an event is about ("Trump,
    Putin, Post, Sunday" named a Washington Post report of Sunday), nor adjectives of
    nationality (``labels.yaml``: "Ukraine, Putin, German, Russia" for the Scholz call).
    """
    lang = next((m.lang for m in members if m.lang == "en"), members[0].lang) or ""
    sentences = [s for m in members if (m.lang or "") == lang for s in m.sentences]
    named = [
        [
            (
                _opens(sentence, start),
                name if " " in name else name_in_nominative(lang, name),
                whole,
            )
            for m in NAME.finditer(sentence)
            for start, name, whole in [_name(sentence, m, lang)]
            if not _not_a_subject(sentence, m, lang)
        ]
        for sentence in sentences
    ]
    found = _whole_where_never_alone(named)
    inside = {name for names in found for first, name in names if not first}
    counts: Counter[str] = Counter()
    for names in found:
        kept = [name for first, name in names if not first or name in inside]
        counts.update(list(dict.fromkeys(kept)))  # once a sentence; ties keep the text order
    return [name for name, n in counts.most_common(limit) if n > 1] or [
        name for name, _ in counts.most_common(limit)
    ]


# What may stand before a sentence's first word: opening quote marks and brackets. The Kyiv
# Independent's «"The goal is not just to damage it…"» labelled its event "The, Ukraine": a
# word after an opening mark counted as written capitalised inside a sentence (qa8).
OPENING_MARKS = " \"'«“„‘‹([—–-"


def _opens(sentence: str, start: int) -> bool:
    """Whether a word at ``start`` opens the sentence (only opening marks before it)."""
    return not sentence[:start].strip(OPENING_MARKS)


# "Putin's", "Russia’s", "Russiaʼs" (the modifier letter apostrophe some outlets type)
POSSESSIVE = re.compile(r"['’ʼ]s$")


# The lowercase word after a capitalised one: the noun of «Крымскому мосту».
NEXT_WORD = re.compile(r"\s+([a-zа-яёіїєґ'’-]+)")


# The most capitalised words before an English head that still name one thing with it
# ("Federal Penitentiary Service"); a longer run is a title and a name.
WHOLE_RUN_WORDS = 2


def _name(sentence: str, name: re.Match[str], lang: str) -> tuple[int, str, str | None]:
    """Where the name starts, the name, and the whole name when other capitalised words
    come before its head in English ("Financial Times"; ``None`` otherwise).

    The name is its head, or the whole run when only adjectives of nationality come before
    it ("Russian Federation" is a name, "Federation" is not). In ru/uk a capitalised
    adjective is named with its noun, in the nominative («Крымский мост» for «о Крымском
    мосту»: «Крымскому» alone was a label)."""
    head = POSSESSIVE.sub("", name.group(0))
    noun = NEXT_WORD.match(sentence, name.end())
    phrase = noun and adjective_phrase_in_nominative(lang, head, noun.group(1))
    if phrase:
        return name.start(), phrase, None
    run = RUN_BEFORE.search(sentence, 0, name.start())
    if run:
        start = run.start() + (4 if run.group(0).startswith("The ") else 0)
        words = sentence[start : name.start()].split()
        if words and all(_nationality(word, lang) for word in words):
            return start, " ".join([*words, head]), None
        if words and lang == "en" and len(words) <= WHOLE_RUN_WORDS:
            return name.start(), head, " ".join([*words, head])
    return name.start(), head, None


def _whole_where_never_alone(
    named: list[list[tuple[bool, str, str | None]]],
) -> list[list[tuple[bool, str]]]:
    """Each sentence's names, a head written the same whole way every time named whole:
    "Times" of "Financial Times", "Service" of "Federal Penitentiary Service", "College" of
    "Electoral College" name nothing alone. "Putin" stays "Putin": the reports also write
    it alone, as they write most surnames after the first mention."""
    alone = {name for names in named for _, name, whole in names if whole is None}
    wholes: dict[str, set[str]] = {}
    for names in named:
        for _, name, whole in names:
            if whole is not None:
                wholes.setdefault(name, set()).add(whole)

    def written(name: str) -> str:
        ways = wholes.get(name, set())
        return next(iter(ways)) if name not in alone and len(ways) == 1 else name

    return [[(first, written(name)) for first, name, _ in names] for names in named]


def _nationality(word: str, lang: str) -> bool:
    bare = POSSESSIVE.sub("", word).lower()
    return bool({bare, bare.removesuffix("s")} & _not_names(lang))  # "German", "Russians"


def _not_a_subject(sentence: str, name: re.Match[str], lang: str) -> bool:
    word = name.group(0)
    if word.lower() in MONTHS or WEEKDAY.fullmatch(word):
        return True
    if _nationality(word, lang):
        return True
    run = RUN_BEFORE.search(sentence, 0, name.start())
    whole = sentence[run.start() if run else name.start() : name.end()]
    registry = load_registry()
    return any(registry.find(n) for n in {whole, word, whole.removeprefix("The ")})


@cache
def _not_names(lang: str) -> frozenset[str]:
    return frozenset(packaged_yaml("labels.yaml")["not_names"].get(lang) or ())


def group_events(
    articles: list[ArticleVectors], z_of: Any, settings: dict[str, Any]
) -> list[dict[str, Any]]:
    """Events over ``articles``. ``z_of(a, b)`` gives the sentence z-score matrix of a pair;
    ``settings`` are the event bars of the model behind it (:func:`event_settings`).

    Every article belongs to exactly one event (a lone report is an event of one article).
    """
    by_id = {a.id: a for a in articles}
    centroids = np.stack([a.centroid for a in articles]) if articles else np.zeros((0, 1))
    candidates = candidate_pairs([a.id for a in articles], centroids, settings["neighbours"])
    evidence = {
        (a_id, b_id): pair_evidence(by_id[a_id], by_id[b_id], z_of(a_id, b_id), settings)
        for a_id, b_id in candidates
    }
    return merge_events(articles, evidence, settings)


def merge_events(
    articles: list[ArticleVectors],
    evidence: dict[tuple[str, str], PairEvidence],
    settings: dict[str, Any],
) -> list[dict[str, Any]]:
    """Events from the evidence of candidate pairs: greedily from the strongest pair down.

    Only ``id``, ``date``, ``lang`` and ``sentences`` of the articles are read (not their
    vectors), so an incremental update can merge a large corpus from stored evidence.
    """
    by_id = {a.id: a for a in articles}
    group_of = {a.id: a.id for a in articles}
    members: dict[str, list[str]] = {a.id: [a.id] for a in articles}
    ranked = sorted(evidence.items(), key=lambda item: (-item[1].share, item[0]))
    passing = [pair for pair, found in ranked if found.same_event(settings)]
    passed = set(passing)
    for a_id, b_id in passing:
        ga, gb = group_of[a_id], group_of[b_id]
        if ga == gb or not _dates_compatible(members[ga] + members[gb], by_id, settings):
            continue
        if _linkage(members[ga], members[gb], evidence, passed) < settings["min_linkage"]:
            continue
        for member in members[gb]:
            group_of[member] = ga
        members[ga].extend(members.pop(gb))
    return [_event(ids, by_id, evidence) for ids in _ordered(members.values(), by_id)]


# Rows of the centroid similarity matrix computed at once: bounds memory at any corpus size.
BLOCK = 1024


def candidate_pairs(
    ids: list[str], centroids: np.ndarray, neighbours: int
) -> list[tuple[str, str]]:
    """Pairs worth aligning: each article with its nearest neighbours by centroid.

    ``centroids`` holds one unit row per id. Computed in blocks of rows, so 10,000
    articles never need the full 10,000 × 10,000 matrix in memory. (An incremental update
    keeps these lists in the store: :mod:`framing.alignment.event_neighbours`.)
    """
    neighbours = int(neighbours)
    if len(ids) <= neighbours + 1:
        return sorted(ordered_pair(a, b) for a, b in combinations(ids, 2))
    pairs = set()
    for start in range(0, len(ids), BLOCK):
        rows = np.arange(start, min(start + BLOCK, len(ids)))
        top, _ = nearest(centroids[rows], rows, centroids, neighbours)
        for offset, row in enumerate(top):
            for j in row:
                pairs.add(ordered_pair(ids[start + offset], ids[int(j)]))
    return sorted(pairs)


def nearest(
    rows: np.ndarray, positions: np.ndarray, matrix: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of ``matrix`` to each of ``rows`` (which are ``matrix`` rows
    ``positions``, so each one's self is left out): indices and similarities, in no
    particular order. A partial sort, O(len(matrix)) a row."""
    sims = rows @ matrix.T
    sims[np.arange(len(rows)), positions] = -np.inf
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return top, np.take_along_axis(sims, top, axis=1)


def ordered_pair(a: str, b: str) -> tuple[str, str]:
    """A pair of article ids in one order, as candidate sets and stored evidence key it."""
    return (a, b) if a <= b else (b, a)


def _linkage(
    first: list[str],
    second: list[str],
    evidence: dict[tuple[str, str], PairEvidence],
    passing: set[tuple[str, str]],
) -> float:
    """The share of the aligned pairs across two groups that pass the pair test. One
    passing pair used to join two groups: on real reports one pair of Peskov briefings four
    days apart chained two events of eight and two reports into one."""
    cross = [ordered_pair(a, b) for a in first for b in second]
    aligned = [pair for pair in cross if pair in evidence]
    return sum(pair in passing for pair in aligned) / len(aligned) if aligned else 0.0


def _dates_compatible(ids: list[str], by_id: dict[str, ArticleVectors], settings: Any) -> bool:
    dated = sorted(by_id[i].date for i in ids if by_id[i].date)
    if len(dated) < 2:
        return True
    return (days_apart(dated[0], dated[-1]) or 0) <= settings["max_gap_days"]


def _ordered(groups: Any, by_id: dict[str, ArticleVectors]) -> list[list[str]]:
    def first_date(ids: list[str]) -> str:
        return min((by_id[i].date for i in ids if by_id[i].date), default="9999")

    groups = [sorted(g, key=lambda i: (by_id[i].date or "9999", i)) for g in groups]
    return sorted(groups, key=lambda g: (-len(g), first_date(g), g[0]))


def _event(
    ids: list[str], by_id: dict[str, ArticleVectors], evidence: dict[tuple[str, str], PairEvidence]
) -> dict[str, Any]:
    members = [by_id[i] for i in ids]
    dates = sorted(m.date for m in members if m.date)
    shares = [evidence[pair].share for pair in combinations(sorted(ids), 2) if pair in evidence]
    return {
        "id": hashlib.sha256(" ".join(sorted(ids)).encode()).hexdigest()[:12],
        "articles": ids,
        "label": ", ".join(key_terms(members)),
        "date_from": dates[0] if dates else None,
        "date_to": dates[-1] if dates else None,
        "languages": sorted({m.lang for m in members if m.lang}),
        "cohesion": round(float(np.mean(shares)), 3) if shares else None,
    }
