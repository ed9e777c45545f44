"""HTML pages to text: the main content with trafilatura, plus the page's own metadata."""

from __future__ import annotations

from framing.errors import InputRefused


def extract_html(html: str, source: str) -> tuple[str, dict[str, str | None]]:
    """``(main text, {title, date, url, sitename})`` of an HTML page.

    trafilatura drops navigation, comments and boilerplate markup; our text cleaner still
    runs afterwards for furniture that survives as text. Raises :class:`InputRefused` when
    the page has no article text.
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=True,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        raise InputRefused(source, f"HTML could not be parsed: {exc}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputRefused(source, "HTML page with no article text")
    meta = {key: (getattr(doc, key, None) or None) for key in ("title", "date", "url", "sitename")}
    if meta["date"] and meta["date"].endswith("-01-01"):
        meta["date"] = _not_a_copyright_year(html, meta["date"])
    return text, meta


def _not_a_copyright_year(html: str, date: str) -> str | None:
    """A 1 January date may be htmldate's extensive search reading a footer's "© 2024" as
    the publication date (a page with no date then passed for one of 2024-01-01). Keep
    only a date that the page's own markup (meta tags, ``<time>``, dated elements) gives."""
    from htmldate import find_date  # trafilatura's own date finder

    try:
        return find_date(html, extensive_search=False, original_date=True) or None
    except (ValueError, TypeError):
        return None
