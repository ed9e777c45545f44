"""Rendered pages kept in memory, keyed by the URL and the state of the corpus.

A cached event page must come back in a few milliseconds under classroom load (see
BENCHMARKS.md): the analyses behind it are cached in the store, but rendering a long
comparison still costs several milliseconds of Python per request. The key holds a stamp of
the database files (any write: an article added, an analysis cached) and the lexicons'
fingerprint (a curator's edit), so a change shows at once; a hit never opens the database.
Responses carry an ETag; a browser revalidating gets 304.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, make_response, request

from framing.store import database_stamp
from framing.wording.lexicon import lexicon_fingerprint

MAX_PAGES = 256
_lock = threading.Lock()


def _pages() -> OrderedDict[str, tuple[bytes, str]]:
    return current_app.extensions.setdefault("framing_pages", OrderedDict())


def cached_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Serve ``view`` from the cache when the URL and the corpus are unchanged."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        stamp = database_stamp(current_app.config["DATABASE"])
        state = f"{stamp}|{lexicon_fingerprint()}|{request.full_path}"
        key = hashlib.sha256(state.encode()).hexdigest()
        pages = _pages()
        with _lock:
            cached = pages.get(key)
            if cached is not None:
                pages.move_to_end(key)
        if cached is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            cached = (response.get_data(), response.mimetype)
            with _lock:
                pages[key] = cached
                while len(pages) > MAX_PAGES:
                    pages.popitem(last=False)
        etag = key[:32]
        if request.if_none_match.contains(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        # A fresh response per request: after-request hooks (the session cookie) must never
        # touch an object that other requests share.
        body, mimetype = cached
        fresh = Response(body, mimetype=mimetype)
        fresh.set_etag(etag)
        return fresh

    return wrapper
