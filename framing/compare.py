"""The cross-lingual analysis of 2–3 articles: alignment per pair, the claim matrix,
phrase-level insertions and quote fidelity; and event grouping over the whole store.

This module runs the stages in order over what the store holds; each stage is its own
module (:mod:`align`, :mod:`events`, :mod:`phrases`, :mod:`quotes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from framing.alignment.align import (
    DisjointSets,
    PairAlignment,
    align,
    alignment_settings,
    thresholds,
)
from framing.alignment.calibration import Calibration, pair_calibration
from framing.alignment.embedder import Embedder, LazyEmbedder
from framing.alignment.event_figures import event_profiles, shared_provenance
from framing.alignment.grouping import (
    ArticleVectors,
    asked_same_event,
    event_settings,
    group_events,
)
from framing.alignment.guard import sentence_guard
from framing.alignment.pair_scores import PairScorer
from framing.alignment.pivot import PIVOT_OFF, add_restated, pivot_three
from framing.alignment.sentence_states import StatesCache, comparison_cache, shared_layers
from framing.alignment.vectors import embed_texts
from framing.errors import FramingError
from framing.event_index import Progress, incremental_supported, update_events
from framing.store import Store, analysis_key


@dataclass
class Analysis:
    """Articles with calibrated vectors, and the calibration that made them comparable."""

    articles: list[ArticleVectors]
    calibration: Calibration
    embedder: Embedder

    def z(self, a: ArticleVectors, b: ArticleVectors) -> np.ndarray:
        sims = a.vectors @ b.vectors.T
        return self.calibration.z_scores(sims, a.lang, b.lang)


def prepare(
    store: Store,
    article_ids: list[str],
    embedder: Embedder | None = None,
    loaded: Mapping[str, dict[str, Any]] | None = None,
    states: StatesCache | None = None,
) -> Analysis:
    """Give stored articles calibrated sentence vectors (cached); ``loaded`` holds articles
    the caller has already read, by id, so no article is read twice. ``states``: keep the
    encoder passes of the sentences encoded here (:mod:`framing.alignment.sentence_states`)
    for the clause units and phrase insertions that follow."""
    embedder = embedder or LazyEmbedder()
    loaded = [(loaded or {}).get(i) or store.article(i) for i in article_ids]
    texts = [s["text"] for a in loaded for s in a["sentences"]]
    raw = embed_texts(texts, embedder, store, states, shared_layers(embedder))
    per_article, start = [], 0
    for article in loaded:
        count = len(article["sentences"])
        per_article.append(raw[start : start + count])
        start += count
    by_lang: dict[str, list[np.ndarray]] = {}
    for article, vectors in zip(loaded, per_article, strict=True):
        by_lang.setdefault(article["lang"] or "", []).append(vectors)
    calibration = pair_calibration(
        embedder.model_id, {k: np.concatenate(v) for k, v in by_lang.items()}
    )
    articles = [
        ArticleVectors(
            id=a["id"],
            lang=a["lang"],
            date=a["date"],
            title=a["title"],
            sentences=[s["text"] for s in a["sentences"]],
            vectors=calibration.centre(v, a["lang"]) if len(v) else v,
            starts=[s["start"] for s in a["sentences"]],
        )
        for a, v in zip(loaded, per_article, strict=True)
    ]
    return Analysis(articles, calibration, embedder)


def group_stored_events(
    store: Store, embedder: Embedder | None = None, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Group every stored article into events (cached in the store per corpus state).

    With a calibrated model the grouping is incremental (:mod:`framing.event_index`): only
    new articles are embedded and only new candidate pairs aligned. ``progress(stage,
    done, total)`` hears how far that got.
    """
    embedder = embedder or LazyEmbedder()
    ids = store.article_ids()
    if not ids:
        return []
    key = analysis_key("events", embedder.model_id, ids, thresholds())
    cached = store.cached_analysis(key)
    if cached is not None:
        return list(cached)
    if incremental_supported(embedder.model_id):
        settings_key = analysis_key("event-evidence", embedder.model_id, thresholds())
        found = update_events(store, embedder, settings_key, progress or (lambda *_: None))
    else:  # vectors centred on this corpus's own means: only a batch grouping is consistent
        analysis = prepare(store, ids, embedder)
        by_id = {a.id: a for a in analysis.articles}
        found = group_events(
            analysis.articles,
            lambda a, b: analysis.z(by_id[a], by_id[b]),
            event_settings(embedder.model_id),
        )
    store.cache_analysis(key, "events", found)
    return found


def finished_events(
    store: Store, ids: list[str] | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The newest finished grouping and the ids of articles it does not cover yet.

    Never embeds or aligns anything: what a page shows while an analysis runs elsewhere.
    The grouping may be another model's (after ``--model`` changed): pages show the last
    finished events until the current model's grouping replaces them, rather than none.
    An empty list of pending ids with a stale grouping can happen after a settings change;
    :func:`events_up_to_date` tells. ``ids``: the stored article ids, if the caller has them.
    """
    ids = store.article_ids() if ids is None else ids
    latest = store.latest_analysis("events") or []
    covered = {i for event in latest for i in event["articles"]}
    present = set(ids)
    events = [e for e in latest if present.issuperset(e["articles"])]
    return events, [i for i in ids if i not in covered]


def events_up_to_date(store: Store, model_id: str, ids: list[str] | None = None) -> bool:
    """Whether the grouping of the corpus as it is now is already in the store."""
    ids = store.article_ids() if ids is None else ids
    key = analysis_key("events", model_id, ids, thresholds())
    return not ids or store.has_analysis(key)


def check_count(count: int) -> None:
    """Refuse a comparison of fewer than 2 or more than 3 articles."""
    if not 2 <= count <= 3:
        raise FramingError(f"compare takes 2 or 3 articles, not {count}")


def resolved_ids(store: Store, article_ids: Sequence[str]) -> list[str]:
    """The full ids of the 2–3 different stored articles ``article_ids`` name (ids or
    prefixes); a FramingError naming the problem otherwise."""
    check_count(len(article_ids))
    resolved = [store.resolve_id(i) for i in article_ids]
    if len(set(resolved)) < len(resolved):
        raise FramingError("compare needs different articles: the same article was given twice")
    return resolved


def compare(
    store: Store,
    article_ids: list[str],
    embedder: Embedder | None = None,
    phrases: bool = True,
    same_event: bool | None = None,
    loaded: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The comparison of 2–3 stored articles, as the documented JSON contract.

    ``same_event``: None takes a pair as one event unless both are dated far apart (a pair
    judged to report different events needs stronger links; an unknown date is not far);
    True is the user's word that the articles report one event whatever their dates. Each
    link carries its tier ("same statement" or "possible counterpart") and z score. Cached in
    the store: the same articles, model and settings give the stored result.
    ``loaded``: the articles, by full id, if the caller has read them already.
    """
    resolved = resolved_ids(store, article_ids)
    embedder = embedder or LazyEmbedder()
    key = _compare_key(embedder, resolved, phrases, same_event)
    cached = store.cached_analysis(key)
    if cached is None:
        # Made in one order per set of articles (their ids sorted), so `compare B A` after
        # `compare A B` is the same comparison, read from the store (session 26, docs8).
        articles = {i: (loaded or {}).get(i) or store.article(i) for i in sorted(resolved)}
        cached = _compare(articles, store, embedder, phrases, same_event)
        store.cache_analysis(key, "compare", cached)
    return in_order(dict(cached), resolved)


def cached_compare(
    store: Store, article_ids: list[str], embedder: Embedder, same_event: bool | None = None
) -> dict[str, Any] | None:
    """The stored comparison of these articles, or None when it was never made (a page
    that only shows a summary should not start a comparison)."""
    found = store.cached_analysis(_compare_key(embedder, article_ids, True, same_event))
    return None if found is None else in_order(dict(found), article_ids)


def compare_stored(store: Store, article_ids: list[str], embedder: Embedder) -> bool:
    """Whether :func:`cached_compare` would find the comparison: a look-up that decodes
    nothing (the background analysis asks this of every event on each pass)."""
    return store.has_analysis(_compare_key(embedder, article_ids, True, None))


def _compare_key(
    embedder: Embedder, resolved: list[str], phrases: bool, same_event: bool | None
) -> str:
    options = {"phrases": phrases} | ({} if same_event is None else {"same_event": same_event})
    # the set of articles, not their order: one comparison serves every order it is asked in
    return analysis_key("compare", embedder.model_id, sorted(resolved), thresholds(), options)


def in_order(result: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    """A comparison made in one order of its articles, as asked in ``order`` (the same
    ids): the articles and pairs in that order, each pair's sides (and its links') swapped
    where the asker's order puts them the other way round, the claim rows in the asker's
    reading order (by :func:`claim_matrix`'s rule) and the figures' row numbers following
    them. What was found is the same in every order."""
    if [a["id"] for a in result["articles"]] == list(order):
        return result
    rank = {article_id: n for n, article_id in enumerate(order)}
    articles = sorted(result["articles"], key=lambda a: rank[a["id"]])
    pairs = sorted(
        (_facing(pair, rank) for pair in result["pairs"]),
        key=lambda p: (rank[p["a"]], rank[p["b"]]),
    )
    sizes = {a["id"]: max(1, len(a["sentences"])) for a in articles}

    def position(row: dict[str, list[int]]) -> float:
        return min(min(row[i]) / sizes[i] + rank[i] * 1e-3 for i in row)

    numbered = sorted(enumerate(result["claims"]), key=lambda item: position(item[1]))
    claims = [{i: row[i] for i in sorted(row, key=rank.__getitem__)} for _, row in numbered]
    moved = {old: new for new, (old, _) in enumerate(numbered)}
    pair_rank = {frozenset((p["a"], p["b"])): n for n, p in enumerate(pairs)}
    insertions = sorted(  # pair by pair as asked, each report's in reading order
        result["insertions"],
        key=lambda i: (
            pair_rank[frozenset((i["article"], i["against"]))],
            rank[i["article"]],
            i["sentence"],
            i["start"],
        ),
    )
    quotes = [  # in place: the figures point at them by position
        q if rank[q["a"]["article"]] < rank[q["b"]["article"]] else _quote_facing(q)
        for q in result["quotes"]
    ]
    out = {
        **result,
        "articles": articles,
        "pairs": pairs,
        "claims": claims,
        "insertions": insertions,
        "quotes": quotes,
    }
    if "profiles" in result:
        profiles = {}
        for article_id in sorted(result["profiles"], key=rank.__getitem__):
            profile = dict(result["profiles"][article_id])
            if "omission_share" in profile:
                share = profile["omission_share"]
                evidence = sorted(moved[n] for n in share["evidence"])
                profile["omission_share"] = {**share, "evidence": evidence}
            profiles[article_id] = profile
        out["profiles"] = profiles
        out["shared_sources"] = shared_provenance(profiles)
    return out


def _quote_facing(quote: dict[str, Any]) -> dict[str, Any]:
    """A compared quotation with its two sides swapped."""
    differences = quote.get("differences") or {}
    part = quote.get("part")  # which side was cut to the part the other quotes, and where
    return {
        **quote,
        "a": quote["b"],
        "b": quote["a"],
        "differences": {"a": differences.get("b", []), "b": differences.get("a", [])},
        "part": None if part is None else {**part, "side": {"a": "b", "b": "a"}[part["side"]]},
    }


def _facing(pair: dict[str, Any], rank: Mapping[str, int]) -> dict[str, Any]:
    """A pair of a comparison with ``a`` the article that comes first in ``rank``."""
    if rank[pair["a"]] < rank[pair["b"]]:
        return pair
    links = [{**link, "a": link["b"], "b": link["a"]} for link in pair["links"]]
    links.sort(key=lambda link: (min(link["a"]), min(link["b"]), link["tier"]))
    return {
        **pair,
        "a": pair["b"],
        "b": pair["a"],
        "links": links,
        "only_a": pair["only_b"],
        "only_b": pair["only_a"],
    }


def _compare(
    loaded: dict[str, dict[str, Any]],
    store: Store,
    embedder: Embedder,
    phrases: bool,
    given: bool | None,
) -> dict[str, Any]:
    # each sentence's encoder pass: vectors, clauses, phrases (and, kept by the caller, the
    # deep detector's word states: framing.report.comparison_report)
    states: StatesCache = comparison_cache(embedder.model_id)
    analysis = prepare(store, list(loaded), embedder, loaded, states)
    settings = alignment_settings()
    pairs_out, alignments = [], {}
    events_of: dict[tuple[str, str], bool] = {}
    sizes = {a.id: len(a.sentences) for a in analysis.articles}
    words: dict[str, list[np.ndarray]] = {}  # each article's word vectors, encoded once
    asked = event_settings(embedder.model_id)
    within: dict[str, np.ndarray] = {}

    def inner(article: ArticleVectors) -> np.ndarray:
        """The article's sentence z-scores against each other (same-language calibration)."""
        if article.id not in within:
            within[article.id] = analysis.z(article, article)
        return within[article.id]

    for a, b in combinations(analysis.articles, 2):
        z = analysis.z(a, b)
        same_event = asked_same_event(a, b, asked) if given is None else given
        guard = sentence_guard(a.sentences, a.lang, b.sentences, b.lang)
        # Called by align() with the sentences left without a link: only those are cut
        # into clause units (the costly part of the candidate score).
        ranked = (
            PairScorer(a, b, z, analysis.calibration, embedder, store, words, states)
            if same_event and z.size
            else None
        )
        alignments[(a.id, b.id)] = align(z, settings, same_event, guard, ranked)
        if settings.restate_z < PIVOT_OFF:  # through a restatement within one article
            add_restated(alignments[(a.id, b.id)], inner(a), inner(b), settings)
        events_of[(a.id, b.id)] = same_event
    # Three reports: a pair's possible counterparts also come through the third (each
    # through-link made above, nothing encoded again; framing/alignment/pivot.py).
    pivot_three(alignments, settings)
    for (a_id, b_id), alignment in alignments.items():
        shown = alignment.links + alignment.candidates
        shown_a = {i for link in shown for i in link.a}
        shown_b = {j for link in shown for j in link.b}
        pairs_out.append(
            {
                "a": a_id,
                "b": b_id,
                "same_event": events_of[(a_id, b_id)],
                "links": [link.as_dict() for link in sorted(shown, key=_link_order)],
                # No counterpart found: neither a link nor a candidate.
                "only_a": [i for i in range(sizes[a_id]) if i not in shown_a],
                "only_b": [j for j in range(sizes[b_id]) if j not in shown_b],
            }
        )
    result: dict[str, Any] = {
        "model": analysis.embedder.model_id,
        "calibrated": analysis.calibration.calibrated,
        "articles": [_article_out(loaded[a.id]) for a in analysis.articles],
        "pairs": pairs_out,
        "claims": claim_matrix(analysis.articles, alignments),
        "insertions": [],
        "quotes": [],
    }
    cited = {a.id: loaded[a.id]["cited"] for a in analysis.articles}
    if phrases:
        from framing.alignment.phrase_analysis import insertions_and_quotes

        result["insertions"], result["quotes"] = insertions_and_quotes(
            analysis.articles, alignments, analysis.embedder, states
        )
    result["profiles"] = event_profiles(result, cited, lambda i: loaded[i]["text"])
    result["shared_sources"] = shared_provenance(result["profiles"])
    return result


def _link_order(link: Any) -> tuple[int, int, str]:
    return (min(link.a), min(link.b), link.tier)


def _article_out(article: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "outlet", "outlet_name", "lang", "title", "date", "url", "sentences")
    return {k: article[k] for k in keys}


def claim_matrix(
    articles: list[ArticleVectors], alignments: dict[tuple[str, str], PairAlignment]
) -> list[dict[str, list[int]]]:
    """Rows of the claim matrix: connected groups of aligned sentences across all articles.

    Every sentence is in exactly one row; a row with one article is a claim only that outlet
    reports. Confident links make rows; so does a possible counterpart between two sentences
    that have no confident link, the best-scoring first, one per sentence (a sentence with
    two candidates, or a candidate already linked, keeps them in the pair's links only, so a
    row never mixes a confident claim with an unchecked one). Rows follow the first
    article's order, other outlets' additions placed after the row of their preceding
    sentence.
    """
    sets = DisjointSets()
    linked: set[tuple[str, int]] = set()
    for (a_id, b_id), alignment in alignments.items():
        for link in alignment.links:
            nodes = [(a_id, i) for i in link.a] + [(b_id, j) for j in link.b]
            linked.update(nodes)
            for node in nodes[1:]:
                sets.union(node, nodes[0])
    possible = [
        (link.score, (a_id, link.a[0]), (b_id, link.b[0]))
        for (a_id, b_id), alignment in alignments.items()
        for link in alignment.candidates
    ]
    for _, node_a, node_b in sorted(possible, key=lambda c: -c[0]):
        if not {node_a, node_b} & linked:
            sets.union(node_a, node_b)
            linked.update((node_a, node_b))
    rows: dict[tuple[str, int], dict[str, list[int]]] = {}
    order: dict[tuple[str, int], float] = {}
    for rank, article in enumerate(articles):
        for index in range(len(article.sentences)):
            root = sets.find((article.id, index))
            rows.setdefault(root, {}).setdefault(article.id, []).append(index)
            # Position of a row: where it first appears in the earliest article holding it,
            # offset so later articles' own claims sort just after their neighbours.
            position = index / max(1, len(article.sentences)) + rank * 1e-3
            order[root] = min(order.get(root, np.inf), position)
    return [rows[root] for root in sorted(rows, key=lambda r: order[r])]
