"""CSRF protection for every POST, and the secret key check.

A form POST must carry the token of the session that rendered the form (field
``csrf_token``, or header ``X-CSRF-Token``). A POST to ``/api/`` with a JSON body is
accepted without one: browsers cannot send a cross-site JSON request without a CORS
preflight, which this app never grants, and the API uses no cookies for authority.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Flask, abort, request, session

from framing.errors import FramingError

DEV_KEY = "dev"


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    if request.method != "POST":
        return
    if request.path.startswith("/api/") and request.is_json:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(str(expected), sent):
        abort(
            400,
            description="The form had expired or did not come from this site (missing or "
            "wrong security token). Reload the page and send it again.",
        )


def secret_key(configured: str, debug: bool) -> str:
    """The session key: refuse a missing or development key outside debugging/testing."""
    if configured and configured != DEV_KEY:
        return configured
    if debug:
        return DEV_KEY
    raise FramingError(
        "No secret key: set FRAMING_SECRET_KEY to a long random value (make run creates "
        "one in instance/secret_key); the development key is only allowed with --debug."
    )


def init_app(app: Flask) -> None:
    app.before_request(check_csrf)

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"csrf_token": csrf_token}
