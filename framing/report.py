"""What a reader sees of stored articles: highlights and figures per article, and the
comparison of an event laid out as rows. The web view and its JSON twins are built from
these; nothing here knows about HTML.

Highlights and figures depend on the article, the lexicons and the detector, so they are
cached in the store under a key holding all three (a curator's edit to a lexicon or a
retrained detector changes the key). The highlights are those of ``framing score``: lexicon
hits plus the detector's suggestions.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from functools import cache, lru_cache
from typing import Any

from framing.alignment.embedder import Embedder
from framing.alignment.sentence_states import kept_passes
from framing.compare import cached_compare, compare_stored, group_stored_events
from framing.compare import compare as run_compare
from framing.errors import FramingError, NotFound
from framing.links import CONFIDENT_TIERS, apply_corrections, row_status
from framing.markup import Segment, segments
from framing.outlets import publisher_label
from framing.records import Sentence
from framing.settings import packaged_yaml, setting
from framing.store import Store, analysis_key
from framing.text.metadata import WIRE_DATELINE, WIRE_PLACE
from framing.text.morphology import TEXT_WORD_RE, normalise
from framing.text.quoting import PAIRS, unbalanced
from framing.wording.attribution_cues import rules
from framing.wording.detector import detector_fingerprint, load_model
from framing.wording.glosses import neutral_gloss
from framing.wording.lexicon import lexicon_fingerprint
from framing.wording.matched_word import matched_word, neutral_replaces_phrase
from framing.wording.profile import ArticleText, highlights, profile, title_highlights
from framing.wording.speakers import is_speech_verb
from framing.wording.token_states import shared_passes


@cache
def categories() -> dict[str, dict[str, str]]:
    """Reader-facing names of highlight categories (``data/categories.yaml``)."""
    return dict(packaged_yaml("categories.yaml")["categories"])


@cache
def figures() -> dict[str, dict[str, str]]:
    """Reader-facing names of profile figures and what their evidence points at."""
    return dict(packaged_yaml("figures.yaml")["figures"])


def fidelity_label(fidelity: float, differences: Any = None) -> str:
    """A quote fidelity as a reader sees it: floored to two decimals, so that 0.996 is not
    "1.00"; and "0.99+" when it is 1 (the scale is clipped there) but words are listed as
    differing ("fidelity 1.00 … Differs: (every word matched) ↔ “Від”", QA session 24).
    ``differences``: the quote's ``{"a": [...], "b": [...]}``. The JSON keeps the number."""
    floored = math.floor(float(fidelity) * 100 + 1e-9) / 100
    listed = isinstance(differences, dict) and any(differences.get(s) for s in ("a", "b"))
    if floored >= 1 and listed:
        return "0.99+"
    return f"{floored:.2f}"


def category_of(highlight: dict[str, Any]) -> str:
    """The display category: background the outlet adds in its own voice is told apart
    from its other asides (recaps, self-promotion, evaluation), which share one."""
    category = str(highlight["category"])
    if category == "editorial_background":
        return "background"
    return "editorial" if category.startswith("editorial_") else category


def article_text(article: dict[str, Any]) -> ArticleText:
    sentences = [
        Sentence(s["index"], s["start"], s["end"], s["text"]) for s in article["sentences"]
    ]
    return ArticleText(article["text"], sentences, article["lang"])


def article_analysis(
    store: Store, article: dict[str, Any], computed: Future[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``{"highlights": [...], "scores": {...}, "title_highlights": [...], "language_note"}``
    of a stored article (cached); ``title_highlights``: lexicon hits in its title, offsets
    into the title, counted by no figure; ``language_note``: :func:`language_note`.
    ``computed``: the analysis already under way (:func:`analyses_ahead`, which starts one
    only where the store holds none), stored when it is done."""
    key = _article_key(article["id"])
    result = store.cached_analysis(key) if computed is None else None
    if result is None:
        result = computed.result() if computed is not None else computed_analysis(article)
        store.cache_analysis(key, "article", result)
    for highlight in [*result["highlights"], *result["title_highlights"]]:
        _for_display(highlight, article["lang"])
    return {**result, "language_note": language_note(article["lang"])}


def computed_analysis(article: dict[str, Any]) -> dict[str, Any]:
    """The highlights and figures of ``article``, computed (no store involved)."""
    text = article_text(article)
    found = highlights(text)
    return {
        "highlights": found,
        "scores": profile(text, found),
        "title_highlights": title_highlights(article.get("title"), article["lang"]),
    }


def analyses_ahead(
    store: Store, articles: list[dict[str, Any]], pool: ThreadPoolExecutor
) -> dict[str, Future[dict[str, Any]]]:
    """The analyses the store does not hold yet, started on ``pool`` so that they run while
    the comparison encodes and aligns (compare-your-own: the detector's encoder pass
    beside the sentence pass; neither keeps both cores busy alone). Each runs in a copy of
    the caller's context (its shared encoder passes); the store is only read, here, in the
    caller's thread. None ahead when the detector reads the comparison's own sentence pass
    (it must come after it)."""
    if load_model().reads_sentence_pass:
        return {}
    return {
        article["id"]: pool.submit(copy_context().run, computed_analysis, article)
        for article in articles
        if not store.has_analysis(_article_key(article["id"]))
    }


def _for_display(highlight: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """``highlight`` with what a page shows of it: its display category, an English gloss
    of a Russian or Ukrainian neutral alternative, for any class, ``widened`` (whether the
    phrase completion widened it beyond its ``matched`` words, which the explanation is
    about) and ``neutral_replaces``: ``"matched"`` where the neutral alternative stands for
    the matched words alone, ``"text"`` for the whole highlight, None without one."""
    highlight["display"] = category_of(highlight)
    highlight["neutral_en"] = neutral_gloss(lang, highlight.get("neutral"))
    widened = matched_word(highlight) is not None
    highlight["widened"] = widened
    phrase = not widened or neutral_replaces_phrase(highlight, lang)
    replaces = "text" if phrase else "matched"
    highlight["neutral_replaces"] = replaces if highlight.get("neutral") else None
    return highlight


def with_title_highlights(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed articles (summaries with ``title`` and ``lang``), each with its
    ``title_highlights`` as :func:`article_analysis` gives them (lexicon hits, offsets into
    the title, shown as the article page shows them), for pages and twins that list reports
    by their headlines: a loaded headline is marked wherever it is shown."""
    fingerprint = lexicon_fingerprint()  # once per list, not per title
    return [
        {
            **a,
            "title_highlights": _listed_title_highlights(
                a.get("title"), a.get("lang"), fingerprint
            ),
        }
        for a in articles
    ]


def _listed_title_highlights(
    title: str | None, lang: str | None, fingerprint: str
) -> list[dict[str, Any]]:
    """:func:`title_highlights` for display, copied from a cache keyed by the lexicons'
    ``fingerprint`` (a curator's edit reads every title again)."""
    return [dict(h) for h in _cached_title_highlights(title, lang, fingerprint)]


@lru_cache(maxsize=4096)
def _cached_title_highlights(
    title: str | None, lang: str | None, fingerprint: str
) -> tuple[dict[str, Any], ...]:
    return tuple(_for_display(h, lang) for h in title_highlights(title, lang))


def language_note(lang: str | None) -> str | None:
    """What a score card says of a report in a language the lexicons and the detector do
    not cover: a German report's "Loaded words per 100 words 0.0" read as neutral wording
    (`framing score` says it on stderr). None for ru, uk, en. The pages show it on the
    score card; the JSON twins carry it as ``language_note``."""
    supported = list(setting("supported_languages"))
    if lang in supported:
        return None
    which = f"Its language ({lang})" if lang else "Its language could not be detected and"
    return (
        f"{which} is not one of {', '.join(supported)}: the lexicons and the detector cover "
        "only those, so a 0 here does not mean the wording is neutral."
    )


def _article_key(article_id: str) -> str:
    return analysis_key("article", article_id, lexicon_fingerprint(), detector_fingerprint())


def article_report(store: Store, article_id: str) -> dict[str, Any]:
    """An article with its highlights, figures, and the events it belongs to (if known)."""
    article = store.article(article_id)
    return {"article": article, **article_analysis(store, article)}


def find_event(
    store: Store,
    event_id: str,
    embedder: Embedder | None = None,
    current: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The event ``event_id`` names, in the current grouping of the corpus.

    An event's id comes from its members, so it changes when a report joins it. An id from
    an earlier grouping (a bookmark, a link in a handout) still finds the event now holding
    its first report: the caller sees the new id and can redirect. ``current``: a grouping
    to look in (a page passes the last finished one instead of waiting for a new one).
    """
    if current is None:
        current = group_stored_events(store, embedder)
    for event in current:
        if event["id"] == event_id:
            return event
    for grouping in store.cached_analyses("events"):
        old = next((e for e in grouping if e.get("id") == event_id), None)
        if old is None:
            continue
        for event in current:
            if old["articles"][0] in event["articles"]:
                return event
        break
    raise NotFound(
        f"No event with id {event_id!r}: the corpus may have changed. See the home page."
    )


def analyse_events(store: Store, embedder: Embedder | None = None) -> list[dict[str, Any]]:
    """Group the corpus into events and compare each event's reports (the first three), so
    that home and event pages are served from the cache. Returns the events."""
    grouped = group_stored_events(store, embedder)
    for event in grouped:
        comparison_report(store, chosen_articles(event, None), embedder)
    return grouped


def chosen_articles(event: dict[str, Any], wanted: list[str] | None) -> list[str]:
    """The 2–3 articles of ``event`` to compare: ``wanted`` (checked against the event) or
    the first three."""
    members = list(event["articles"])
    if not wanted:
        return members[:3]
    unknown = [w for w in wanted if w not in members]
    if unknown:
        raise FramingError(f"Article {unknown[0]!r} is not part of this event.")
    if not 2 <= len(set(wanted)) <= 3:
        raise FramingError("Pick 2 or 3 different articles of the event to compare.")
    return list(dict.fromkeys(wanted))


def comparison_report(
    store: Store,
    article_ids: list[str],
    embedder: Embedder | None = None,
    same_event: bool | None = None,
) -> dict[str, Any]:
    """The comparison contract of :func:`framing.compare.compare`, plus per article its
    highlights and figures, and the claim matrix as display rows."""
    if len(article_ids) == 1:
        article = store.article(article_ids[0])
        return _single(store, article)
    loaded = {a["id"]: a for a in map(store.article, article_ids)}
    # The word score of the comparison and the quick detector's highlights read one encoder
    # pass over each article's sentences, not two (bit for bit the same states); the shared
    # detector reads its layer-8 word states from the comparison's sentence pass. The
    # highlights not stored yet are computed beside the comparison (analyses_ahead).
    with shared_passes(), kept_passes(), ThreadPoolExecutor(1) as pool:
        ahead = analyses_ahead(store, list(loaded.values()), pool)
        found = run_compare(store, article_ids, embedder, same_event=same_event, loaded=loaded)
        # Readers' corrections win over the aligner (the cached result stays the aligner's).
        result = apply_corrections(
            found,
            store.corrections([a["id"] for a in found["articles"]]),
            lambda i: loaded[i]["text"],
        )
        per_article, articles = {}, []
        for article in result["articles"]:
            stored = loaded[article["id"]]
            per_article[article["id"]] = article_analysis(store, stored, ahead.get(article["id"]))
            articles.append({**article, "cited": stored["cited"]})
    # The other report as its column is headed (the registry's name, else the site), not its
    # title: "Был ли телефонный разговор между Путиным и Трампом's version" read aloud as
    # the name of oxu.az (QA, session 19).
    names = {a["id"]: publisher_label(a) for a in articles}
    insertions = [{**i, "against_name": names[i["against"]]} for i in result["insertions"]]
    return {
        **result,
        "articles": articles,
        "insertions": insertions,
        "analysis": per_article,
        "rows": claim_rows(result),
    }


def cached_comparison_report(
    store: Store, article_ids: list[str], embedder: Embedder
) -> dict[str, Any] | None:
    """:func:`comparison_report` when everything behind it is in the store, else None: a
    page shows "analysing" and leaves the work to the background analysis instead of
    encoding or aligning in the request."""
    resolved = [store.resolve_id(i) for i in article_ids]
    if not comparison_stored(store, resolved, embedder):
        return None
    return comparison_report(store, resolved, embedder)


def comparison_stored(store: Store, article_ids: list[str], embedder: Embedder) -> bool:
    """Whether the comparison of these (full) ids and each article's highlights are stored:
    a look-up only, nothing is built."""
    if len(article_ids) > 1 and not compare_stored(store, article_ids, embedder):
        return False
    return all(store.has_analysis(_article_key(i)) for i in article_ids)


def _single(store: Store, article: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "outlet", "outlet_name", "lang", "title", "date", "url", "sentences", "cited")
    only = {k: article[k] for k in keys}
    rows = [
        {
            "number": n,
            "kind": "only",
            "status": None,
            "cells": {article["id"]: [s["index"]]},
            "links": [],
            "elsewhere": [],
        }
        for n, s in enumerate(article["sentences"])
    ]
    return {
        "articles": [only],
        "pairs": [],
        "claims": [{article["id"]: [s["index"]]} for s in article["sentences"]],
        "insertions": [],
        "quotes": [],
        "profiles": {},
        "shared_sources": [],
        "corrections": [],
        "analysis": {article["id"]: article_analysis(store, article)},
        "rows": rows,
    }


def claim_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each claim row with its kind ("shared" by several outlets with a confident link,
    "possible" when only a possible counterpart joins them, "only" one outlet), the links
    that made it (pair, score, kind, tier), the quotes compared in it, and for a one-outlet
    row the possible counterparts of its sentences in other rows (``elsewhere``)."""
    links_of: dict[tuple[str, int], list[tuple[dict[str, Any], int]]] = {}
    for pair in result["pairs"]:
        for link in pair["links"]:
            record = _link_record(pair, link)
            for index in link["a"]:
                links_of.setdefault((pair["a"], index), []).append((record, link["b"][0]))
    quote_rows: dict[tuple[str, int], list[int]] = {}
    for number, quote in enumerate(result["quotes"]):
        key = (quote["a"]["article"], quote["a"]["sentence"])
        quote_rows.setdefault(key, []).append(number)
    rows = []
    row_of = {
        (article_id, index): number
        for number, claim in enumerate(result["claims"])
        for article_id, indices in claim.items()
        for index in indices
    }
    candidates_of = candidates_by_sentence(result["pairs"], row_of)
    for number, claim in enumerate(result["claims"]):
        links, quotes = [], []
        for article_id, indices in claim.items():
            for index in indices:
                for link, b_index in links_of.get((article_id, index), []):
                    # A possible counterpart shows in a row only when both its sentences are
                    # there (else it points into another row, listed in the pair's links).
                    inside = b_index in claim.get(link["b"], [])
                    if link not in links and (link["tier"] in CONFIDENT_TIERS or inside):
                        links.append(link)
                quotes += quote_rows.get((article_id, index), [])
        kind = _row_kind(claim, links)
        rows.append(
            {
                "number": number,
                "kind": kind,
                "status": row_status(links) if len(claim) > 1 else None,
                "cells": claim,
                "links": links,
                "quotes": sorted(set(quotes)),
                "elsewhere": candidates_elsewhere(claim, number, candidates_of),
            }
        )
    return rows


# A sentence without a confident link shows its best candidates, as many as the aligner
# offers a sentence (issue 12: "its best one or two counterparts").
CANDIDATES_SHOWN = 2


def candidates_by_sentence(
    pairs: list[dict[str, Any]], row_of: dict[tuple[str, int], int]
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Each sentence's possible counterparts, with the ``row`` the other sentence is in
    (``row_of``: (article id, sentence index) -> its row; the view's rows, the CLI's claims)."""
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for pair in pairs:
        for link in pair["links"]:
            if link.get("tier", "same statement") in CONFIDENT_TIERS:
                continue
            record = _link_record(pair, link)
            for side, other in (("a", "b"), ("b", "a")):
                target = row_of.get((pair[other], link[other][0]))
                for index in link[side]:
                    found.setdefault((pair[side], index), []).append({**record, "row": target})
    return found


def candidates_elsewhere(
    claim: dict[str, list[int]],
    number: int,
    candidates_of: dict[tuple[str, int], list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The possible counterparts of a row's sentences that sit in other rows, in reports the
    row does not hold (the claim matrix never puts a candidate into a row with a confident
    link), best first, each with the ``row`` it points into. A one-outlet row: Interfax's
    quotation of Peskov on 20 Feb 2024 read "not found" beside two English reports of it,
    though the aligner offered both. A row two of three reports share: the third report's
    cell read "not found" though the aligner offered a counterpart there (a pair's possible
    counterparts found through the third report, framing/alignment/pivot.py, land there)."""
    found = [
        candidate
        for article_id, indices in claim.items()
        for index in indices
        for candidate in candidates_of.get((article_id, index), [])
        if candidate["row"] is not None
        and candidate["row"] != number
        and not {candidate["a"], candidate["b"]} <= set(claim)
    ]
    return sorted(found, key=lambda c: -(c["score"] or 0.0))[:CANDIDATES_SHOWN]


def _link_record(pair: dict[str, Any], link: dict[str, Any]) -> dict[str, Any]:
    record = {
        "a": pair["a"],
        "b": pair["b"],
        "a_sentences": link["a"],
        "b_sentences": link["b"],
        "score": link["score"],
        "kind": link["kind"],
        "tier": link.get("tier", "same statement"),
        "corrections": link.get("corrections", []),
    }
    # Why a reader should check a possible counterpart, when the aligner knows: the guard's
    # reason (negation, modality, other people) and the third report it was found through.
    for why in ("check", "via"):
        if link.get(why):
            record[why] = link[why]
    return record


def _row_kind(claim: dict[str, list[int]], links: list[dict[str, Any]]) -> str:
    """ "shared" (a confident link), "possible" (only a possible counterpart, for a reader to
    check) or "only" (one outlet)."""
    if len(claim) == 1:
        return "only"
    return "shared" if any(link["tier"] in CONFIDENT_TIERS for link in links) else "possible"


def sentence_marks(
    article: dict[str, Any], found: list[dict[str, Any]], insertions: list[dict[str, Any]] = ()
) -> dict[int, list[Segment]]:
    """Each sentence of ``article`` cut into plain and highlighted segments.

    Highlights keep their number (``n``: the index the figures' evidence uses); phrase
    insertions of a comparison (``insertions`` of the contract, ``n`` = their index there)
    come as category ``phrase_insertion``.
    """
    marks: list[dict[str, Any]] = [{**h, "n": n} for n, h in enumerate(found)]
    for n, insertion in enumerate(insertions):
        if insertion["article"] == article["id"]:
            what = "who said it" if insertion["kind"] == "attribution" else "content"
            explanation = (
                f"Added words ({what}): {insertion.get('against_name', 'the other article')}'s "
                "version of this statement has nothing matching them."
            )
            marks.append({**insertion, "n": n, "display": "phrase_insertion",
                          "category": "phrase_insertion", "source": "comparison",
                          "explanation": explanation, "neutral": "", "note": ""})  # fmt: skip
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    over = _sentences_over(article)
    for mark in marks:
        for index in over(mark["start"], mark["end"]):
            by_sentence.setdefault(index, []).append(mark)
    return {
        s["index"]: segments(s["text"], by_sentence.get(s["index"], []), offset=s["start"])
        for s in article["sentences"]
    }


def title_marks(article: dict[str, Any], found: list[dict[str, Any]]) -> list[Segment] | None:
    """The article's title cut into plain and highlighted segments by its title highlights
    (``n``: their index in ``title_highlights``), as :func:`sentence_marks` cuts a sentence;
    None for an article without a title or without a highlight in it (the page then shows
    the title as it always has)."""
    title = article.get("title")
    if not title or not found:
        return None
    return segments(str(title), [{**h, "n": n} for n, h in enumerate(found)])


def citations_by_sentence(article: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """The article's citations of other outlets ("citing Interfax"), by sentence."""
    found: dict[int, list[dict[str, Any]]] = {}
    over = _sentences_over(article)
    for cited in article.get("cited") or []:
        for index in over(cited["start"], cited["start"] + 1):
            found.setdefault(index, []).append(cited)
    return found


def _sentences_over(article: dict[str, Any]) -> Callable[[int, int], list[int]]:
    """A lookup of the sentences overlapping [start, end): sentences are sorted and do not
    overlap, so a bisect finds them (a 2,000-sentence article is not scanned per mark)."""
    sentences = article["sentences"]
    ends = [s["end"] for s in sentences]

    def over(start: int, end: int) -> list[int]:
        found = []
        for sentence in sentences[bisect.bisect_right(ends, start) :]:
            if sentence["start"] >= end:
                break
            found.append(sentence["index"])
        return found

    return over


def discussion_terms(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The handout's "words to discuss": each report's lexicon hits and editorial asides
    (background dates and suggestions to check are not words to discuss), one row per
    report, kind and wording, with how often the report uses it («якобы» three times is one
    row, ``count`` 3), how many of those uses sit inside a quotation of a speaker
    (``quoted``: the outlet quotes the word, it does not use it; Sputnik's "shameful" was
    Putin's, yet the handout set it under Sputnik with no word of it) and how many stand in
    its headline (``headline``: the title's highlights, which a class reads first, are
    words to discuss like the body's), in the order the reports and their words come (a
    report's headline first)."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for article in report["articles"]:
        analysis = report["analysis"][article["id"]]
        in_title = [(h, True) for h in analysis.get("title_highlights") or []]
        for found, headline in [*in_title, *((h, False) for h in analysis["highlights"])]:
            if found["source"] != "lexicon" and found["display"] != "editorial":
                continue
            key = (article["id"], found["display"], " ".join(found["text"].casefold().split()))
            row = rows.setdefault(
                key,
                {"article": article, "highlight": found, "count": 0, "quoted": 0, "headline": 0},
            )
            row["count"] += 1
            row["quoted"] += bool(found["source"] == "lexicon" and found.get("note"))
            row["headline"] += headline
    return list(rows.values())


def score_card(report: dict[str, Any], article_id: str) -> list[dict[str, Any]]:
    """The figures of one article of a comparison (or alone), in display order, each with
    its evidence resolved to what the reader is pointed at: ``{"kind": "highlight" |
    "sentence" | "claim" | "quote", "ref": number, "text": ...}``.

    Under the loaded-words total, one line per kind of loaded wording found in any of the
    compared articles (0.0 where this one has none): with a line only where an article had
    the kind, the cards side by side had their rows out of line (QA, session 20)."""
    article = next(a for a in report["articles"] if a["id"] == article_id)
    analysis = report["analysis"][article_id]
    values = {**analysis["scores"], **report.get("profiles", {}).get(article_id, {})}
    kinds = _kinds_found(report)
    card = []
    for name, spec in figures().items():
        figure = values.get(name)
        if not isinstance(figure, dict) or "value" not in figure:
            continue
        evidence = [
            _evidence(spec["evidence"], ref, article, analysis, report)
            for ref in figure["evidence"]
        ]
        card.append({"name": name, **spec, "value": figure["value"], "evidence": evidence})
        if name == "loaded_total_per_100_words":
            by_category = values.get("loaded_per_100_words") or {}
            card += _per_category(
                {k: by_category.get(k, {"value": 0.0, "evidence": []}) for k in kinds}, analysis
            )
    return card


def _kinds_found(report: dict[str, Any]) -> list[str]:
    """The loaded-wording kinds any article of ``report`` has a line for, in the legend's
    order (categories.yaml), then any other in the order first met."""
    found: list[str] = []
    for article in report["articles"]:
        scores = report["analysis"][article["id"]]["scores"]
        for kind in scores.get("loaded_per_100_words") or {}:
            if kind not in found:
                found.append(kind)
    order = list(categories())
    return sorted(found, key=lambda k: order.index(k) if k in order else len(order))


def _per_category(by_category: dict[str, Any], analysis: dict[str, Any]) -> list[dict]:
    """One line per loaded-wording category given, under the total."""
    lines = []
    for category, figure in by_category.items():
        info = categories().get(category, {"label": category, "legend": ""})
        evidence = [
            {"kind": "highlight", "ref": n, "text": analysis["highlights"][n]["text"]}
            for n in figure["evidence"]
        ]
        lines.append(
            {
                "name": f"loaded.{category}",
                "label": f"· {info['label']}",
                "help": f"{info['legend']} Per 100 words.",
                "evidence_kind": "highlights",
                "value": figure["value"],
                "evidence": evidence,
            }
        )
    return lines


def _evidence(
    kind: str, ref: int, article: dict[str, Any], analysis: dict[str, Any], report: dict[str, Any]
) -> dict[str, Any]:
    if kind == "highlights":
        return {"kind": "highlight", "ref": ref, "text": analysis["highlights"][ref]["text"]}
    if kind == "sentences":
        return {"kind": "sentence", "ref": ref, "text": article["sentences"][ref]["text"]}
    if kind == "claims":
        return {"kind": "claim", "ref": ref, "text": _claim_text(report, ref)}
    quote = report["quotes"][ref]
    return {"kind": "quote", "ref": ref, "text": _sentence_text(report, quote["a"])}


def _claim_text(report: dict[str, Any], row: int) -> str:
    article_id, indices = next(iter(report["claims"][row].items()))
    return _sentence_text(report, {"article": article_id, "sentence": indices[0]})


def _sentence_text(report: dict[str, Any], where: dict[str, Any]) -> str:
    article = next(a for a in report["articles"] if a["id"] == where["article"])
    return str(article["sentences"][where["sentence"]]["text"])


def event_title(report: dict[str, Any], limit: int = 120) -> dict[str, str] | None:
    """What an event is about, in the words of its reports: a statement they share (the
    one most reports open with, then the one most of them share, then one a reader
    confirmed, then the aligner's strongest), in the words of a report that opens with it
    (English first), else in English when one report is English; shortened, without a
    dateline. ``{"text", "lang"}``; None when they share nothing sure (a reader's
    confirmation makes a possible counterpart sure).

    A report's first sentence is written to stand alone; the strongest link is often a
    short quote that does not ("Це чиста вигадка." headed the 8 reports of Peskov's denial
    of 11 Nov 2024) or a sentence that opens with "He". A confirmation says a link is
    right, not that it is what the event is about: confirming a side quote of the Valdai
    speech renamed the event after it ("First of all, I can tell you that his behavior…")."""
    rows = [r for r in report["rows"] if r["kind"] == "shared" and r.get("status") != "possible"]
    if not rows:
        return None

    def strength(row: dict[str, Any]) -> tuple[int, int, bool, float]:
        scores = [link["score"] for link in row["links"] if link["score"] is not None]
        confirmed = row.get("status") == "confirmed"
        return _reports_opening(row), len(row["cells"]), confirmed, max(scores, default=0.0)

    best = max(rows, key=strength)  # the earliest of equals: max keeps the first
    articles = {a["id"]: a for a in report["articles"]}

    def words(aid: str) -> str:
        return " ".join(articles[aid]["sentences"][i]["text"] for i in best["cells"][aid])

    def loaded(aid: str) -> bool:
        # The event's heading reads as the site's own words: one outlet's loaded wording
        # ("Прессекретар російського диктатора Дмитро Пєсков…" headed Peskov's denial on
        # the home page, though two other reports open with the statement in plain words).
        # Loaded words the report quotes a speaker saying (a hit with a ``note``) are the
        # speaker's, and the heading shows them as a quotation.
        hits = title_highlights(words(aid), articles[aid]["lang"])
        return any(not hit.get("note") for hit in hits)

    # a report that opens with the statement gives the words (one without loaded wording,
    # then English first among them): a later sentence leans on what came before ("Peskov
    # also pointed out that…")
    chosen = min(
        best["cells"],
        key=lambda aid: (0 not in best["cells"][aid], loaded(aid), articles[aid]["lang"] != "en"),
    )
    text = words(chosen)
    if not _reports_opening(best) and text.lstrip()[:1] in PAIRS:
        # a quotation from inside the reports, which none opens with, says who spoke, not
        # what happened («Вживаємо заходів щодо стабілізації обстановки…» headed two
        # reports of the withdrawal from Avdiivka): a report's own title does (one without
        # loaded wording, English first)
        titled = [a for a in report["articles"] if (a.get("title") or "").strip()]
        if titled:
            title = min(titled, key=lambda a: (_loaded_title(a), a.get("lang") != "en"))
            return {
                "text": shorten(title["title"], limit, title["lang"]),
                "lang": title["lang"] or "",
            }
    return {
        "text": shorten(
            without_stray_marks(without_dateline(text)), limit, articles[chosen]["lang"]
        ),
        "lang": articles[chosen]["lang"] or "",
    }


def _loaded_title(article: dict[str, Any]) -> bool:
    """Whether an article's title holds loaded wording in the outlet's own voice."""
    hits = title_highlights(article.get("title"), article.get("lang"))
    return any(not hit.get("note") for hit in hits)


def _reports_opening(row: dict[str, Any]) -> int:
    """How many reports open with the row's statement."""
    return sum(0 in indices for indices in row["cells"].values())


# A wire dateline and its agency before a report's first words: "Moscow, Feb 19 (Prensa Latina) ",
# "LONDON, February 26. /TASS/. ", "MOSCOW (Reuters) - ". With no date, only a dash after the
# agency marks one ("Putin (pictured) said" keeps its brackets).
_AGENCY = r"(?:\([^()]{2,40}\)|/[^/]{2,20}/)\.?"
AGENCY_DATELINE = re.compile(
    rf"^(?:{WIRE_DATELINE.pattern}\s*{_AGENCY}\s*[-–—]?|{WIRE_PLACE}\s*{_AGENCY}\s*[-–—])\s*"
)


def without_dateline(text: str) -> str:
    """``text`` less a wire dateline at its start (:data:`AGENCY_DATELINE`)."""
    return AGENCY_DATELINE.sub("", text, count=1)


def without_stray_marks(text: str) -> str:
    """``text`` less a quote mark at its start that nothing in it closes, or at its end that
    nothing opens: a sentence cut from a longer quotation (‘"This is pure fiction.’) makes a
    headline that looks broken."""
    text = text.strip()
    for opener, closers in PAIRS.items():
        opened, closed = unbalanced(text, opener)
        if opened and text.startswith(opener):
            text = text[1:].lstrip()
        elif closed and text.endswith(tuple(closers)):
            text = text[:-1].rstrip()
    return text


def event_headline(
    store: Store,
    event: dict[str, Any],
    embedder: Embedder | None,
    summaries: dict[str, dict[str, Any]] | None = None,
) -> dict[str, str] | None:
    """:func:`event_title` of an event from its stored comparison (never computed here:
    the home page lists events without comparing them); a lone report's own title.
    ``summaries`` (:meth:`Store.articles` by id) spares a lone report its article read: the
    home page lists thousands of them."""
    members = list(event["articles"])
    if len(members) == 1:
        known = (summaries or {}).get(members[0])
        if known is not None:
            text, lang = known["title"] or known["lead"] or "", known["lang"]
        else:
            article = store.article(members[0])
            text = article["title"] or (article["sentences"] or [{"text": ""}])[0]["text"]
            lang = article["lang"]
        return {"text": shorten(text, 120, lang), "lang": lang or ""} if text else None
    if embedder is None:
        return None
    found = cached_compare(store, members[:3], embedder)
    if found is None:
        return None
    corrected = apply_corrections(
        found, store.corrections(members[:3]), lambda i: store.article(i)["text"]
    )
    return event_title({**corrected, "rows": claim_rows(corrected)})


# A short closing clause (", Peskov said."; " – сказал Песков."): kept when it says who spoke.
_SPEAKER_TAIL = re.compile(r"(?:,|\s[–—])\s[^,–—]{2,40}$")


def shorten(text: str, limit: int, lang: str | None = None) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis;
    a short closing clause with a speech verb is kept, so a headline still says who
    spoke (another closing clause is not: «…, який переміг на виборах» said nothing of
    who). ``lang``: the text's language (any of ru, uk, en when unknown)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    tail = _SPEAKER_TAIL.search(text)
    if tail and not _says_who_spoke(tail.group(0), lang):
        tail = None
    keep = text[tail.start() :] if tail else ""
    room = limit - len(keep) - 1
    head = text[: tail.start() if tail else limit]
    cut = _cut(head, room)
    if not keep and (end := _last_sentence_end(cut)) and len(cut[end:].split()) < _RUN_ON_WORDS:
        # Zvezda's two sentences as a heading read «…, сообщили в Минобороны. Кроме…» (qa8):
        # one or two words of a next sentence say nothing; the whole sentences stand alone
        return cut[:end].rstrip()
    if closers := _closers(cut):  # the marks fit within the limit too
        cut = _cut(head, room - len(closers))
    return cut + "…" + _closers(cut) + keep


# Fewer words than this of a next sentence after a cut are dropped with it (see shorten).
_RUN_ON_WORDS = 4
# A sentence's end inside a text: . ! ? … (and closing marks) before a space and a capital or
# an opening mark; not after a lone capital, an initial («Д. Песков»).
_SENTENCE_END = re.compile(r"(?<![\s.][A-ZА-ЯЁІЇЄҐ])[.!?…][»”\"')]*(?=\s+[A-ZА-ЯЁІЇЄҐ«“\"])")


def _last_sentence_end(text: str) -> int | None:
    """Where the last whole sentence of ``text`` ends (after its mark), if one does."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return ends[-1] if ends else None


def _cut(text: str, room: int) -> str:
    return text[:room].rsplit(" ", 1)[0].rstrip(",;:—–- ")


# Paired quote marks a cut can leave open; „ is left out (its closer “ opens in English).
_PAIRED_MARKS = (("«", "»"), ("“", "”"))


def _closers(cut: str) -> str:
    """The marks that close the quotations a cut leaves open, innermost first: a heading cut
    inside «…» read «…у «шпигунстві за…» with nothing to end the quotation (qa7)."""
    opened = []
    for char in cut:
        for opening, closing in _PAIRED_MARKS:
            if char == opening:
                opened.append(closing)
            elif char == closing and closing in opened:
                del opened[len(opened) - 1 - opened[::-1].index(closing)]
    if cut.count('"') % 2:
        opened.append('"')
    return "".join(reversed(opened))


def _says_who_spoke(clause: str, lang: str | None) -> bool:
    languages = [lang] if lang in {"ru", "uk", "en"} else ["ru", "uk", "en"]
    words = [normalise(w) for w in TEXT_WORD_RE.findall(clause)]
    return any(is_speech_verb(rules(code), word) for code in languages for word in words)


def matrix_records(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The claim matrix as flat records (CSV export): row number, kind, how sure, and one
    column per report with its sentences (empty: not found by the aligner)."""
    columns = {
        a["id"]: f"{publisher_label(a)} ({a['lang'] or '?'}, {a['id'][:8]})"
        for a in report["articles"]
    }
    texts = {a["id"]: a["sentences"] for a in report["articles"]}
    records = []
    for row in report["rows"]:
        record: dict[str, Any] = {
            "row": row["number"] + 1,
            "kind": row["kind"],
            "status": row.get("status") or "",
        }
        for article_id, column in columns.items():
            indices = row["cells"].get(article_id, [])
            record[column] = " ".join(texts[article_id][i]["text"] for i in indices)
        records.append(record)
    return records
