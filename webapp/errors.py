"""One error shape: ``{"ok": false, "error": ..., "status": N}`` under /api, an HTML page
elsewhere, with the same message."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from framing.errors import FieldError, FramingError, NotFound
from framing.settings import packaged_yaml


def form_labels() -> dict[str, str]:
    """The search form's label of each query-string field (``framing/data/form_fields.yaml``)."""
    return dict(packaged_yaml("form_fields.yaml")["labels"])


def error_response(message: str, status: int, on_page: str | None = None) -> Any:
    """``message`` as JSON, plain text for a CSV, or an HTML page; ``on_page``, when given,
    is what the HTML page says instead (a form's wording for someone who filled it in)."""
    # Scripts posting a form (the page's corrections) ask for JSON with Accept.
    wants_json = request.accept_mimetypes.best == "application/json"
    if request.path.startswith("/api/") or request.path.endswith(".json") or wants_json:
        return jsonify({"ok": False, "error": message, "status": status}), status
    if request.path.endswith(".csv"):
        # a script fetching a matrix's CSV got the HTML error page to parse (QA, session 19)
        return Response(f"{message}\n", status=status, mimetype="text/plain")
    return render_template("error.html", message=on_page or message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(413)
    def too_large(exc: HTTPException) -> Any:
        limit = app.config["MAX_CONTENT_LENGTH"] / 2**20
        return error_response(
            f"The request is larger than the limit of {limit:.1f} MB: send fewer or smaller files.",
            413,
        )

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Any:
        # The hint names a command-line command ("List them with: framing articles"), which
        # means nothing in a browser or to a script calling the API.
        return error_response(f"{exc.reason}." if exc.hint else str(exc), 404)

    @app.errorhandler(FieldError)
    def field_error(exc: FieldError) -> Any:
        # A teacher who searched from the home page never saw the field's name: the page
        # says the form's label ("Words in the text or title: …"), the JSON "Field 'q': …".
        label = form_labels().get(exc.field)
        return error_response(str(exc), exc.status, f"{label}: {exc.plain}" if label else None)

    @app.errorhandler(FramingError)
    def bad_request(exc: FramingError) -> Any:
        return error_response(str(exc), 400)
