"""One page of a long list, and the links to its neighbours, for a page and its JSON twin."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from framing.errors import FieldError


def page_number(field: str) -> int:
    """The page asked for in the query string's ``field``: 1 when absent; a clear error
    naming the field when it is not a whole number from 1 up."""
    raw = request.args.get(field, "").strip()
    if not raw:
        return 1
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise FieldError(
            field,
            f"{raw[:40]!r} is not a page number (1, 2, 3 …).",
            f"“{raw[:40]}” is not a page number (1, 2, 3 …).",
        )
    return int(raw)


def paginate(items: list[Any], field: str, size: int) -> tuple[list[Any], dict[str, Any]]:
    """The items on the page that ``field`` asks for, and how that page sits among the
    others: its number, the count of pages and items, and the URLs of the previous and
    next pages (the same view and query, only ``field`` changed), ``None`` at the ends.

    A page past the last is "not found" rather than an empty list, so that a stale
    bookmark says why it is empty."""
    number = page_number(field)
    pages = max(1, -(-len(items) // size))
    if number > pages:
        raise FieldError(field, f"there is no page {number}; the last page is {pages}.", status=404)
    start = (number - 1) * size
    return items[start : start + size], {
        "page": number,
        "pages": pages,
        "per_page": size,
        "total": len(items),
        "previous": _page_url(field, number - 1) if number > 1 else None,
        "next": _page_url(field, number + 1) if number < pages else None,
    }


def _page_url(field: str, number: int) -> str:
    args = request.args.to_dict()
    if number == 1:
        args.pop(field, None)  # page 1 is the bare URL, so both spellings share a cache entry
    else:
        args[field] = str(number)
    return url_for(request.endpoint or "pages.index", **(request.view_args or {}), **args)
