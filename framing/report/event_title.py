"""What an event is called on the pages that list it: a statement its reports share, in the
words of one that opens with it, shortened without breaking a quotation or losing who spoke,
and without a wire dateline. Nothing here knows about HTML."""

from __future__ import annotations

import re
from typing import Any

from framing.alignment.embedder import Embedder
from framing.compare import cached_compare
from framing.links import apply_corrections
from framing.report import claim_rows
from framing.store import Store
from framing.text.metadata import WIRE_DATELINE, WIRE_DAY, WIRE_PLACE, WIRE_SIGNATURE
from framing.text.morphology import TEXT_WORD_RE, normalise
from framing.text.quoting import PAIRS, unbalanced
from framing.wording.attribution_cues import rules
from framing.wording.profile import title_highlights
from framing.wording.speakers import is_speech_verb


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
# "LONDON, February 26. /TASS/. ", "MOSCOW (Reuters) - ", "YEREVAN, AUGUST 29, ARMENPRESS. ".
# With no date, only a dash after the agency marks one ("Putin (pictured) said" keeps its
# brackets).
_AGENCY = r"(?:\([^()]{2,40}\)|/[^/]{2,20}/)\.?"
AGENCY_DATELINE = re.compile(
    rf"^(?:{WIRE_DATELINE.pattern}\s*{_AGENCY}\s*[-–—]?|{WIRE_PLACE}\s*{_AGENCY}\s*[-–—]"
    rf"|{WIRE_PLACE},\s+{WIRE_DAY}{WIRE_SIGNATURE}[.:]\s)\s*"
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
