"""The ingestion pipeline: read → (HTML → text) → header → clean → language → sentences →
metadata → store. One function per step; :func:`ingest` runs them in order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from framing.errors import FramingError, InputRefused
from framing.outlets import Registry, load_registry
from framing.records import Article, RemovedLine
from framing.settings import setting
from framing.store import Store
from framing.text.clean import clean_text
from framing.text.htmltext import extract_html
from framing.text.metadata import (
    date_from_lines,
    date_from_url,
    detect_language,
    find_publisher,
    normalise_date,
    split_header,
    split_title_date,
    standalone_urls,
)
from framing.text.readers import RawInput, display_name
from framing.text.segment import split_sentences

LANG_CODE = re.compile(r"^[a-z]{2,3}$")
HEADER_DETAIL = (
    "A metadata line (date, web address) added when the page was saved; its values are kept "
    "as the article's date and URL."
)


@dataclass
class IngestOptions:
    """Metadata the user supplies for inputs that do not carry it (CLI flags, form fields)."""

    outlet: str | None = None
    date: str | None = None
    lang: str | None = None

    def validate(self) -> IngestOptions:
        for name in ("outlet", "date", "lang"):
            _refuse_undecodable(f"--{name}", getattr(self, name))
        if self.lang is not None:
            self.lang = self.lang.strip().lower()
            if not LANG_CODE.match(self.lang):
                raise FramingError(
                    f"--lang {self.lang!r} is not a language code: use ISO 639-1, e.g. ru, uk, en"
                )
        if self.date is not None and normalise_date(self.date) is None:
            raise FramingError(f"--date {self.date!r} is not a date: use YYYY-MM-DD")
        return self


def _refuse_undecodable(flag: str, value: str | None) -> None:
    """Refuse an argument holding bytes that are not UTF-8 (Python passes them on as lone
    surrogates, which no store or terminal takes) before anything is read or written."""
    if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):
        shown = display_name(value)
        raise FramingError(
            f"{flag} '{shown}' is not text: it holds bytes that are not UTF-8. Give it in UTF-8."
        )


@dataclass
class IngestResult:
    source: str
    status: str  # "added" | "unchanged" | "refused"
    article_id: str | None = None
    title: str | None = None
    reason: str | None = None
    warning: str | None = None
    fetched: dict[str, Any] | None = None  # for a link: final URL, time, size (fetch.py)
    decoding: str | None = None
    # for a text already stored: what this input said of it that was not applied
    # ({"outlet": "tass"}), for a caller that words it itself (the web form); ``warning``
    # says it for the CLI, so the summary leaves it out
    not_applied: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "not_applied"}


def article_id(clean: str) -> str:
    """Identity of an article: a hash of its clean text (whitespace-normalised)."""
    canonical = " ".join(clean.split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _outlet_for(registry: Registry, name: str) -> tuple[str, str]:
    """(id, display name) of a user-named outlet: the registry's if known, else a slug."""
    entry = registry.find(name)
    if entry:
        return entry["id"], entry["name"]
    slug = re.sub(r"[^\w]+", "-", name.strip().casefold()).strip("-") or "unnamed"
    return slug, name.strip()


def _site(url: str | None) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.").removeprefix("m.")


def page_url(canonical: str | None, fetch: dict[str, Any] | None) -> str | None:
    """The URL of an HTML page: its own canonical URL, except that a fetched page may only
    name one on the site it was fetched from (a page on any host could otherwise claim to be
    a tass.ru article and be taken for TASS's); else the URL it was fetched from."""
    if fetch is None:
        return canonical
    if canonical and _site(canonical) == _site(fetch["final_url"]):
        return canonical
    return str(fetch["final_url"])


def build_article(raw: RawInput, options: IngestOptions, registry: Registry) -> Article:
    """Turn one decoded input into an article, or raise :class:`InputRefused`."""
    fields = raw.fields
    html_meta: dict[str, str | None] = {}
    text = raw.text
    if raw.kind == "html":
        text, html_meta = extract_html(raw.text, raw.source)
    header, text = split_header(text)
    known_url = (
        fields.get("url")
        or (header.url if header else None)
        or page_url(html_meta.get("url"), raw.fetch)
    )
    cleaned = clean_text(text, url=known_url, title=fields.get("title") or html_meta.get("title"))
    body = cleaned.text
    least = int(setting("min_body_chars"))
    if len(body.strip()) < least:
        given = len(" ".join(text.split()))
        if raw.kind != "html" and given < least:
            # short before any cleaning: say so, not "site furniture removed"
            raise InputRefused(
                raw.source,
                f"too short for an article: {given} character{'' if given == 1 else 's'} of "
                f"text (at least {least})",
            )
        raise InputRefused(
            raw.source,
            "no article text left after removing site furniture"
            f" ({len(cleaned.removed)} line{'' if len(cleaned.removed) == 1 else 's'} removed)",
        )
    removed = list(cleaned.removed)
    if header:
        # words after the header on its line that the cleaner removed too («date … Register»)
        # go with it: one removed line per line of the source
        rest = next((r for r in removed if r.line_no == header.no), None)
        line = header.line if rest is None else f"{header.line} {rest.text}"
        removed = [r for r in removed if r is not rest]
        removed.insert(0, RemovedLine(header.no, line, "metadata-header", HEADER_DETAIL))
    lang = fields.get("lang") or options.lang
    confidence: float | None = 1.0 if lang else None
    if not lang:
        lang, confidence = detect_language(body)
    furniture = [line.text for line in removed]
    url = known_url or next(iter(standalone_urls(furniture)), None)
    title, title_date = split_title_date(
        fields.get("title") or html_meta.get("title") or cleaned.title
    )
    date = (
        normalise_date(fields.get("date"))
        or normalise_date(options.date)
        or (header.date if header else None)
        or normalise_date(html_meta.get("date"))
        or title_date
        or date_from_url(url)
        or date_from_lines(furniture)
    )
    named_outlet = fields.get("outlet") or options.outlet
    if named_outlet:
        outlet_id, outlet_name = _outlet_for(registry, named_outlet)
    else:
        sitename = html_meta.get("sitename")
        entry = find_publisher(registry, url=url, body=body, removed=removed, sitename=sitename)
        outlet_id, outlet_name = (entry["id"], entry["name"]) if entry else (None, None)
    cited = [
        {"outlet": m.outlet, "text": m.text, "start": m.start, "end": m.end}
        for m in registry.citations(body)
        if m.outlet != outlet_id
    ]
    return Article(
        id=article_id(body),
        text=body,
        source=raw.source,
        title=title,
        url=url,
        date=date,
        outlet=outlet_id,
        outlet_name=outlet_name,
        lang=lang,
        lang_confidence=confidence,
        sentences=split_sentences(body, lang),
        removed=removed,
        cited=cited,
        decoding=raw.decoding,
    )


def ingest(
    inputs: Iterable[RawInput | InputRefused],
    store: Store,
    options: IngestOptions | None = None,
    registry: Registry | None = None,
) -> Iterator[IngestResult]:
    """Ingest every input, one transaction per article; refusals are results, not errors."""
    options = (options or IngestOptions()).validate()
    registry = registry or load_registry()
    store.sync_outlets(registry.entries)
    for item in inputs:
        if isinstance(item, InputRefused):
            yield IngestResult(item.source, "refused", reason=item.reason)
            continue
        try:
            article = build_article(item, options, registry)
        except InputRefused as refusal:
            yield IngestResult(refusal.source, "refused", reason=refusal.reason, fetched=item.fetch)
            continue
        earlier = store.article_ids_at(article.url) if item.fetch and article.url else []
        added = store.add_article(article)
        dropped = None if added else not_applied(store, article)
        yield IngestResult(
            item.source,
            "added" if added else "unchanged",
            article.id,
            article.title,
            warning=_changed_page(earlier, article.id)
            or _metadata_not_applied(article, dropped)
            or language_warning(article.lang)
            or (
                headline_warning()
                if len(article.sentences) == 1
                and not article.title
                and "id" not in item.fields
                and looks_like_a_headline(article.text)
                else None
            ),
            fetched=item.fetch,
            decoding=item.decoding,
            not_applied=dropped or None,
        )


def not_applied(store: Store, article: Article) -> dict[str, str]:
    """For a text already stored: what this input says of it that the stored article does
    not (its outlet, date or URL), which is not applied. A researcher's JSON Lines records
    with outlets and dates, ingested after the same texts as bare files, were "unchanged"
    and their metadata dropped without a word (QA, session 24)."""
    if article.outlet is None and article.date is None and article.url is None:
        return {}  # nothing to apply: a bare file again reads nothing from the store
    stored = store.article(article.id)
    return {
        name: mine
        for name, mine in (("outlet", article.outlet), ("date", article.date), ("url", article.url))
        if mine is not None and mine != stored.get(name)
    }


def _metadata_not_applied(article: Article, dropped: dict[str, str] | None) -> str | None:
    """The note on stderr and in the summary for :func:`not_applied`'s fields."""
    if not dropped:
        return None
    differs = [f"{name} {mine!r}" for name, mine in dropped.items()]
    return (
        f"the same text is already stored as article {article.id}; this input's "
        f"{', '.join(differs)} not applied (the stored article keeps its own)"
    )


def _changed_page(earlier: list[str], article_id: str) -> str | None:
    """For a fetched page: a note when its URL already holds a different stored text."""
    others = [other for other in earlier if other != article_id]
    if not others:
        return None
    return (
        f"the page has changed since it was stored as article {', '.join(others)}; "
        "its new text is stored as a new article"
    )


# A line that ends a sentence: . ! ? … and any closing marks after it.
_ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'»”’)\]]*\s*$")


def looks_like_a_headline(text: str) -> bool:
    """A text of one line with no mark that ends a sentence: a headline alone (or a one-line
    post, which reads the same)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) == 1 and not _ENDS_A_SENTENCE.search(lines[0])


def headline_warning() -> str:
    """The note for a text that is one line without a sentence's end and no headline above
    it: a file holding only a headline («Росія та Україна провели обмін полоненими за
    формулою 146 на 146») went through `score` and `ingest` as an article of one sentence,
    unsaid (qa8). Not refused: a one-line post reads the same. Not for a record with an
    ``id``: a researcher's own batch of one-line records is meant."""
    return "one line and no sentence's end: a headline alone? It is read as a one-sentence text"


def language_warning(lang: str | None, done: str = "stored") -> str | None:
    """The note for a language without first-class support; ``done``: what was done with
    the text anyway (``stored`` by ingest, ``scored`` by score)."""
    supported = setting("supported_languages")
    if lang is None:
        return "language could not be detected; give it with --lang"
    if lang not in supported:
        mixups = dict(pair.split(":", 1) for pair in setting("language_code_mixups"))
        meant = mixups.get(lang.lower())
        hint = f" (for {meant!r}, give --lang {meant})" if meant in supported else ""
        return (
            f"language {lang!r} is not one of {', '.join(supported)}: {done}, but "
            f"segmentation and wording analysis are generic{hint}"
        )
    return None
