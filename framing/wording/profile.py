"""The framing profile of an article: figures about its wording and sourcing, each with
the evidence it counts, and the highlights a reader sees.

Every figure is ``{"value": ..., "evidence": [...]}``: evidence is a list of highlight
numbers (indices into ``highlights``) or sentence indices, so a page can open exactly what a
number counts. The figures describe wording and sourcing; they are no verdict on truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from framing.records import Sentence
from framing.text.morphology import TEXT_WORD_RE
from framing.wording.attribution import SentenceSource, sentence_sources
from framing.wording.editorial import text_cues
from framing.wording.lexicon import (
    LANGUAGES,
    LexiconHit,
    find_loaded,
    inside_any,
    quoted_mark,
    quoted_speech,
)
from framing.wording.phrase_completion import complete_spans

HEDGE_CATEGORIES = {"distancing_hedge"}


@dataclass(frozen=True)
class ArticleText:
    """What a profile needs: the clean text, its sentences and language."""

    text: str
    sentences: list[Sentence]
    lang: str | None


def highlights(
    article: ArticleText, with_model: bool = True, recall: bool = False
) -> list[dict[str, Any]]:
    """Lexicon hits, detector suggestions (unless ``with_model`` is false) and editorial
    insertions, offsets into the text. ``framing score`` and the web view show the same;
    ``recall`` reads the suggestions at the detector's F1-optimal article threshold
    (``framing score --more-suggestions``) instead of its precise default."""
    if article.lang not in LANGUAGES:
        return []
    found: list[dict[str, Any]] = []
    hits = find_loaded(article.text, article.lang)
    found.extend(_lexicon_record(hit) for hit in hits)
    if with_model:
        found += _model_suggestions(article, found, recall, hits)
    _mark_reported(article, found)
    widen_to_phrases(article.text, article.lang, found)
    for sentence, cue in text_cues(article.text, article.sentences, article.lang):
        start, end = sentence.start + cue.start, sentence.start + cue.end
        found.append(
            {
                "start": start,
                "end": end,
                "text": cue.text,
                "matched": _span(article.text, start, end),  # an insertion is never widened
                "category": f"editorial_{cue.kind}",
                "source": "insertion",
                "explanation": cue.explanation,
                "neutral": "",
                "confidence": 1.0,
                "note": "",
            }
        )
    found.sort(key=lambda h: (h["start"], -h["end"]))
    for highlight in found:
        highlight["sentence"] = _sentence_of(article.sentences, highlight["start"])
    return found


def title_highlights(title: str | None, lang: str | None) -> list[dict[str, Any]]:
    """Lexicon hits in an article's title (the headline the cleaner takes out of the text),
    with ``start``/``end`` offsets into ``title`` and ``sentence`` None; the same record
    shape as :func:`highlights`. Lexicon only: the contextual detector reads a whole
    article, and a headline alone is no article. No figure counts them: a profile's
    figures stay the body's."""
    if not title or lang not in LANGUAGES:
        return []
    found = [{**_lexicon_record(hit), "sentence": None} for hit in find_loaded(title, lang)]
    widen_to_phrases(title, lang, found)
    found.sort(key=lambda h: (h["start"], -h["end"]))
    return found


def widen_to_phrases(text: str, lang: str, found: list[dict[str, Any]]) -> None:
    """Each lexicon hit and suggestion in ``found`` widened in place to the loaded phrase it
    stands in (:mod:`framing.wording.phrase_completion`): «пропагандистскими заявлениями»
    for «пропагандистскими», its ``text`` with it; ``matched`` keeps what was found
    (``{start, end, text}``, the whole span where nothing widened it), so a page can say
    which word the explanation is about."""
    spans = complete_spans(text, lang, [(h["start"], h["end"], h["category"]) for h in found])
    for highlight, (start, end) in zip(found, spans, strict=True):
        highlight.update(matched=_span(text, highlight["start"], highlight["end"]))
        highlight.update(start=start, end=end, text=text[start:end])


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    """``{start, end, text}`` of ``text[start:end]``: a highlight's ``matched`` core."""
    return {"start": start, "end": end, "text": text[start:end]}


def _lexicon_record(hit: LexiconHit) -> dict[str, Any]:
    """A lexicon hit as a highlight record (the body's and the title's alike)."""
    return {
        "start": hit.start,
        "end": hit.end,
        "text": hit.text,
        "category": hit.category,
        "source": "lexicon",
        "explanation": hit.explanation,
        "neutral": hit.neutral,
        "confidence": hit.confidence,
        "note": hit.note,
    }


def _model_suggestions(
    article: ArticleText,
    lexicon: list[dict[str, Any]],
    recall: bool = False,
    hits: list[LexiconHit] | None = None,
) -> list[dict]:
    """The contextual detector's suggestions that no lexicon hit already covers, read as a
    news article whatever its length (what is scored here is an article); ``hits``: the
    lexicon's hits behind ``lexicon``, which the detector reads too (found once)."""
    from framing.wording.detector import beyond_lexicon, detect_loaded

    taken = [(h["start"], h["end"]) for h in lexicon]
    out = []
    lang = str(article.lang)
    spans = [(s.start, s.end) for s in article.sentences]
    found = detect_loaded(article.text, lang, "article", recall, hits, None, spans)
    speech = quoted_speech(article.text, lang) if found else []
    factor, quoted = quoted_mark(lang)
    for s in beyond_lexicon(found, taken, article.text, article.lang):
        # inside a quotation attributed to a speaker the words are the speaker's: shown
        # like a lexicon hit there, with the note and a lower confidence (counted apart)
        in_speech = inside_any(speech, s.start, s.end)
        out.append(
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "category": "model_suggestion",
                "source": "model",
                "explanation": "The contextual detector, trained on news and posts annotated "
                "for loaded and manipulative wording, suggests this may be loaded. "
                "To check: it is a suggestion, not a lexicon entry.",
                "neutral": "",
                "confidence": round(float(s.confidence) * (factor if in_speech else 1), 3),
                "note": quoted if in_speech else "",
            }
        )
    return out


# What may stand between a leading cue and the content it reports: «Песков заявил, что …»,
# «По данным НАК, …», "Peskov said: …", "according to X, …"
_OPENS_CONTENT = re.compile(r"\s*(?:[,:]|[—–-]\s)|\s+(?:что|чтобы|що|щоб|that)\b", re.IGNORECASE)
# What sets a cue that ends a sentence off from its content: a comma, a dash or a closing
# quote mark, at most three words before the cue («…фейком — об этом сообщил X», "…, Ms.
# Mandelker said"); a headline's "… Audio From The Night Of The Massacre Reveals" has none
_SETS_OFF = re.compile(r"[,—–»\"”]\s*(?:-\s*)?(?:[\w.’'-]+\s+){0,3}$")
# Words an outlet chooses when it retells someone without quote marks: its euphemism
# («Боррель заявил, что … против спецоперации России»: Borrell never said it), its
# cliché («Арестович заявил, … что они не забыты киевским режимом») and its distancing
# hedge («…, это, мол, плата за демократию»); read on the train split (attrib8)
_OUTLETS_IN_PARAPHRASE = frozenset(
    {"euphemism", "propaganda_cliche", "distancing_hedge", "scare_quotes"}
)


def _sources(article: ArticleText) -> list[SentenceSource]:
    """The sentences' sources, found once for :func:`highlights` and :func:`profile` of the
    same article (both run on every scored article)."""
    if article.lang not in LANGUAGES:
        return []
    return _sources_of(tuple(article.sentences), str(article.lang))


@lru_cache(maxsize=1)
def _sources_of(sentences: tuple[Sentence, ...], lang: str) -> list[SentenceSource]:
    return sentence_sources(sentences, lang)


def reported_content(article: ArticleText) -> list[tuple[int, int]]:
    """Where a sentence's content is attributed to a named speaker without quote marks:
    the sentence before a cue that ends it («…часть видео оказались фейком — об этом сообщил
    советник главы Крыма Олег Крючков», "…, Peskov said") and the sentence after a cue that
    opens the content with a comma, colon, dash or complementiser («По данным НАК, …»,
    «Песков заявил, что …»). Never the cue itself: a label in it is the outlet's («глава
    киевского режима заявил»), nor words before a cue that opens the content («Лидер
    киевского режима, по словам Пескова, уехал»: the label stays the outlet's)."""
    spans = []
    for src in _sources(article):
        if src.carried:
            continue
        for cue in src.attributions:
            if cue.kind != "named_speaker" or not cue.who:
                continue
            after = article.text[cue.end : src.end]
            if not TEXT_WORD_RE.search(after):
                if _SETS_OFF.search(article.text, src.start, cue.start):
                    spans.append((src.start, cue.start))  # «…, — заявил Песков.»
            elif _OPENS_CONTENT.match(after):
                spans.append((cue.end, src.end))  # «Песков заявил, что …»
    return spans


def _mark_reported(article: ArticleText, found: list[dict[str, Any]]) -> None:
    """Lexicon hits and suggestions in content a sentence attributes to a named speaker
    (:func:`reported_content`) are the speaker's claim, not the outlet's word: the quoting
    note and the quoted confidence, as inside a quotation (qa7: 360.ru's «фейком» before
    «— об этом сообщил советник главы Крыма Олег Крючков» read as the outlet's label). The
    lexicon and the detector are not asked: they read words, not who reports them. Not the
    outlet's euphemism, cliché or distancing hedge, which it chooses when it retells anyone
    (``_OUTLETS_IN_PARAPHRASE``)."""
    if not found or article.lang not in LANGUAGES:
        return
    spans = reported_content(article)
    if not spans:
        return
    factor, note = quoted_mark(str(article.lang))
    for h in found:
        if h["note"] or h["category"] in _OUTLETS_IN_PARAPHRASE:
            continue
        if not any(a <= h["start"] and h["end"] <= b for a, b in spans):
            continue  # (inside_any is strict: a hit may open the sentence, «Фейк, — заявил»)
        h.update(note=note, confidence=round(float(h["confidence"]) * factor, 3))


def _sentence_of(sentences: list[Sentence], offset: int) -> int | None:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence.index
    return None


def _share(indices: list[int], total: int) -> dict[str, Any]:
    return {"value": round(len(indices) / total, 3) if total else None, "evidence": indices}


def _per_100(evidence: list[int], words: int) -> dict[str, Any]:
    value = round(100 * len(evidence) / words, 2) if words else None
    return {"value": value, "evidence": evidence}


def profile(article: ArticleText, found: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of one article, from its highlights (see module doc)."""
    words = len(TEXT_WORD_RE.findall(article.text))
    total = len(article.sentences)
    # a lexicon hit inside a quotation of a speaker (its ``note`` says so) is the speaker's
    # wording: counted as quoted, not as the outlet's own loaded words or hedges
    by_category: dict[str, list[int]] = {}
    quoted: list[int] = []
    for number, h in enumerate(found):
        if h["source"] == "lexicon" and h.get("note"):
            quoted.append(number)
        elif h["source"] == "lexicon":
            by_category.setdefault(h["category"], []).append(number)
    hedges = [
        n for n, h in enumerate(found) if h["category"] in HEDGE_CATEGORIES and not h.get("note")
    ]
    suggestions = [n for n, h in enumerate(found) if h["source"] == "model"]
    editorial = sorted(
        {h["sentence"] for h in found if h["source"] == "insertion" and h["sentence"] is not None}
    )
    sources = _sources(article)
    attributed = [s.index for s in sources if s.attributed]
    direct = [s.index for s in sources if s.quote == "direct"]
    anonymous = [s.index for s in sources if "anonymous" in s.kinds]
    return {
        "words": words,
        "sentences": total,
        "loaded_per_100_words": {c: _per_100(e, words) for c, e in sorted(by_category.items())},
        "loaded_total_per_100_words": _per_100([n for e in by_category.values() for n in e], words),
        "quoted_loaded_per_100_words": _per_100(quoted, words),
        "hedges_per_100_words": _per_100(hedges, words),
        "model_suggestions_per_100_words": _per_100(suggestions, words),
        "attributed_sentence_share": _share(attributed, total),
        "direct_quote_share": _share(direct, total),
        "anonymous_source_share": _share(anonymous, total),
        "editorial_insertion_share": _share(editorial, total),
    }
