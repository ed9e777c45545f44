"""The glossary of loaded wording (the lexicons, readable and printable) with its JSON twin,
and the curators' editor behind the admin token.

Curated entries go to the overlay files of :mod:`framing.wording.curation`, never to the shipped
lexicons. A browser curator logs in once (``session["curator"]``, forms carry the CSRF
token); a script sends ``Authorization: Bearer <token>`` with a JSON entry instead.
"""

from __future__ import annotations

import hmac
from itertools import groupby
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from framing.errors import FramingError
from framing.wording.curation import entry_dict, find_entry, glossary, retired, save_entry
from framing.wording.lexicon import CATEGORIES, LANGUAGES, LexiconError

from .security import refuse_if_throttled, token_failed

bp = Blueprint("glossary", __name__)

DISABLED = (
    "Editing the glossary is switched off on this server. To switch it on, set the "
    "environment variable FRAMING_ADMIN_TOKEN to a long secret and restart the app."
)
LOGIN_NEEDED = "Only curators can add or edit entries: log in with the admin token first."
BAD_TOKEN = "That is not the admin token."
BEARER_NEEDED = "Send the admin token in the header 'Authorization: Bearer <token>'."
NOT_JSON = "Send the entry as a JSON object (Content-Type: application/json)."
TEXT_FIELDS = ("pattern", "category", "explanation", "neutral", "source", "context_note")
LANGUAGE_NAMES = {"ru": "Russian", "uk": "Ukrainian", "en": "English"}


def admin_token() -> str:
    return str(current_app.config.get("ADMIN_TOKEN") or "")


def token_ok(sent: str) -> bool:
    token = admin_token()
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())


def is_curator() -> bool:
    # An emptied ADMIN_TOKEN switches editing off for sessions already logged in, too.
    return bool(admin_token()) and session.get("curator") is True


def require_curator() -> None:
    if not admin_token():
        abort(403, description=DISABLED)
    if not is_curator():
        abort(403, description=LOGIN_NEEDED)


def filters() -> dict[str, str]:
    return {
        name: request.args.get(name, "").strip()[:200]
        for name in ("lang", "category", "q")
        if request.args.get(name, "").strip()
    }


@bp.get("/glossary")
def index() -> Any:
    chosen = filters()
    entries = glossary(chosen.get("lang"), chosen.get("category"), chosen.get("q"))
    hidden = {lang: retired(lang) for lang in LANGUAGES} if is_curator() else {}
    # Sections for the page: language, then category, in the order glossary() sorted them.
    sections = [
        (lang, [(c, list(group)) for c, group in groupby(items, key=lambda e: e["category"])])
        for lang, items in groupby(entries, key=lambda e: e["lang"])
    ]
    return render_template(
        "glossary.html",
        entries=entries,
        sections=sections,
        language_names=LANGUAGE_NAMES,
        filters=chosen,
        languages=LANGUAGES,
        category_names=CATEGORIES,
        curator=is_curator(),
        editing=bool(admin_token()),
        retired=hidden,
    )


@bp.get("/api/lexicon")
def index_json() -> Any:
    chosen = filters()
    entries = glossary(chosen.get("lang"), chosen.get("category"), chosen.get("q"))
    return jsonify({"ok": True, "entries": entries})


@bp.route("/glossary/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        if not admin_token():
            abort(403, description=DISABLED)
        refuse_if_throttled()
        if token_ok(request.form.get("token", "")):
            session["curator"] = True
            return redirect(url_for("glossary.index"))
        token_failed()
        error = BAD_TOKEN
    page = render_template(
        "glossary_login.html",
        error=error,
        editing=bool(admin_token()),
        curator=is_curator(),
        disabled=DISABLED,
    )
    return page, 403 if error else 200


@bp.post("/glossary/logout")
def logout() -> Any:
    session.pop("curator", None)
    return redirect(url_for("glossary.index"))


def form_entry() -> dict[str, Any]:
    """The form's fields as a lexicon entry; values the rules reject are passed on as
    typed, so the error names them (a max_gap of "lots" stays "lots")."""
    form = request.form
    raw: dict[str, Any] = {name: form.get(name, "") for name in TEXT_FIELDS}
    raw["needs_context"] = form.get("needs_context") == "on"
    contexts = [line.strip() for line in form.get("literal_contexts", "").splitlines()]
    if any(contexts):
        raw["literal_contexts"] = [line for line in contexts if line]
    gap = form.get("max_gap", "").strip()
    if gap:
        raw["max_gap"] = int(gap) if gap.isdigit() else gap
    if form.get("retired") == "on":
        raw = {"pattern": raw["pattern"], "retired": True}
    return raw


def edit_form(lang: str, entry: dict[str, Any], original: str | None, error: Any = None) -> Any:
    status = 400 if error else 200
    return render_template(
        "glossary_edit.html",
        lang=lang,
        entry=entry,
        original=original,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        category_names=CATEGORIES,
        error=error,
    ), status


def save(lang: str, original: str | None) -> Any:
    raw = form_entry()
    try:
        save_entry(lang, raw, replaces=original, new=original is None)
    except LexiconError as exc:
        shown = {"lang": lang, **{k: v for k, v in raw.items() if k != "retired"}}
        return edit_form(lang, shown, original, {"field": exc.field, "message": str(exc)})
    return redirect(url_for("glossary.index", lang=lang))


@bp.route("/glossary/new", methods=["GET", "POST"])
def new() -> Any:
    require_curator()
    lang = (request.values.get("lang") or "en").strip()
    if lang not in LANGUAGES:
        raise FramingError(f"Field 'lang': {lang!r} is not one of {', '.join(LANGUAGES)}.")
    if request.method == "POST":
        return save(lang, None)
    blank = {"lang": lang, "needs_context": False, "category": request.args.get("category", "")}
    return edit_form(lang, blank, None)


@bp.route("/glossary/<lang>/<path:pattern>/edit", methods=["GET", "POST"])
def edit(lang: str, pattern: str) -> Any:
    require_curator()
    entry = find_entry(lang, pattern)
    if request.method == "POST":
        return save(lang, entry.pattern)
    return edit_form(lang, entry_dict(lang, entry), entry.pattern)


@bp.post("/api/lexicon/<lang>")
def add_json(lang: str) -> Any:
    """Add or replace (same pattern) one entry; ``{"pattern", "retired": true}`` retires one."""
    if not admin_token():
        abort(403, description=DISABLED)
    refuse_if_throttled()
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token_ok(sent.strip()):
        token_failed()
        abort(401, description=BEARER_NEEDED)
    try:
        raw = request.get_json(silent=True)
    except RecursionError:  # json gives up on deep nesting this way, not as bad JSON
        abort(400, description="Body: JSON nested too deeply.")
    if not isinstance(raw, dict):
        abort(400, description=NOT_JSON)
    entry = save_entry(lang, raw)
    return jsonify({"ok": True, "entry": entry})
