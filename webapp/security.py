"""What guards every request: CSRF on POST, security headers on every response, the
secret key's strength, and a throttle on wrong admin tokens.

A form POST must carry the token of the session that rendered the form (field
``csrf_token``, or header ``X-CSRF-Token``). A POST to ``/api/`` with a JSON body is
accepted without one: browsers cannot send a cross-site JSON request without a CORS
preflight, which this app never grants, and the API uses no cookies for authority.

The headers keep what the templates already promise (no inline script, nothing from other
sites) true even if a template slips: the Content-Security-Policy runs only the app's own
script file and styles, and no page may be framed (clickjacking of the save and curator
forms).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, g, request, session

from framing.errors import FramingError
from framing.settings import setting

DEV_KEY = "dev"
MIN_KEY_BYTES = 32
CSRF_FAILED = (
    "The form had expired or did not come from this site (missing or wrong security "
    "token). Reload the page and send it again."
)
# Only the app's own files: no inline script or style, nothing from another origin, no
# framing; forms post only back to this site.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "same-origin",
}


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    if request.method != "POST":
        return
    if request.routing_exception is not None:
        return  # a POST to a page that takes none: let the router say 404/405, not "expired"
    check_form_encoding()
    if request.path.startswith("/api/") and request.is_json:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(str(expected).encode(), sent.encode()):
        abort(400, description=CSRF_FAILED)


def check_form_encoding() -> None:
    """Refuse a URL-encoded form holding bytes that are not UTF-8, naming the field.

    Werkzeug drops such a form whole, so it would otherwise look like a form without its
    security token ("expired"), which sends the user looking in the wrong place.
    """
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    body = request.get_data(cache=True)  # the form parser reads the cached copy afterwards
    for pair in body.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in (raw_name, raw_value))
        if not (_is_utf8(name) and _is_utf8(value)):
            shown = name.decode("utf-8", "backslashreplace")[:40]
            abort(400, description=f"Field '{shown}': not valid UTF-8 text.")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_secret_key(key: str) -> None:
    """Refuse a given session key with less than :data:`MIN_KEY_BYTES` bytes of material:
    a short key lets anyone forge a session cookie (and with it a curator login)."""
    size = len(key.encode("utf-8", "surrogateescape"))
    if size < MIN_KEY_BYTES:
        raise FramingError(
            f"FRAMING_SECRET_KEY is too short: {size} byte{'' if size == 1 else 's'}, at "
            f"least {MIN_KEY_BYTES} are needed. Make one with: python3 -c "
            '"import secrets; print(secrets.token_hex(32))"'
        )


def secret_key(configured: str, debug: bool) -> str:
    """The session key: refuse a missing or development key outside debugging/testing,
    and a given key too short to resist guessing."""
    if configured and configured != DEV_KEY:
        check_secret_key(configured)
        return configured
    if debug:
        return DEV_KEY
    raise FramingError(
        "No secret key: set FRAMING_SECRET_KEY to a long random value (make run creates "
        "one in instance/secret_key); the development key is only allowed with --debug."
    )


class LoginThrottle:
    """At most ``limit`` wrong admin tokens per client address within ``window`` seconds,
    and ten times that from all addresses together (many addresses, one guesser)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _recent(self, times: deque[float], now: float) -> deque[float]:
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait_seconds(self, client: str) -> int:
        """0 when ``client`` may try a token now, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            mine = self._recent(self._failures.get(client, deque()), now)
            every = self._recent(self._all, now)
            blocked = [q for q, n in ((mine, self.limit), (every, 10 * self.limit)) if len(q) >= n]
            if not blocked:
                return 0
            return max(1, int(max(q[0] for q in blocked) + self.window - now + 1))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures.setdefault(client, deque()).append(now)
            self._all.append(now)
            if len(self._failures) > 10_000:  # bound memory under a spray of addresses
                self._failures = {k: v for k, v in self._failures.items() if self._recent(v, now)}


def throttle() -> LoginThrottle:
    return current_app.extensions["framing_login_throttle"]  # type: ignore[no-any-return]


def refuse_if_throttled() -> None:
    """429 with Retry-After when this client has sent too many wrong tokens lately."""
    wait = throttle().wait_seconds(request.remote_addr or "?")
    if wait:
        g.retry_after = wait
        abort(
            429,
            description=f"Too many wrong admin tokens from this address: wait {wait} "
            "seconds before trying again.",
        )


def token_failed() -> None:
    throttle().failed(request.remote_addr or "?")


def add_headers(response: Any) -> Any:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if "retry_after" in g:
        response.headers["Retry-After"] = str(g.retry_after)
    return response


def init_app(app: Flask) -> None:
    # Lax: the session cookie (CSRF secret, curator login) is not sent on cross-site POSTs.
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.extensions["framing_login_throttle"] = LoginThrottle(
        int(setting("login_max_failures")), float(setting("login_window_seconds"))
    )
    app.before_request(check_csrf)
    app.after_request(add_headers)

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"csrf_token": csrf_token}
