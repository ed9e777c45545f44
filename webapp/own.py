"""Compare your own: 2–3 pasted texts or uploaded files, analysed on the spot, optionally
saved to the corpus. The form page, and its JSON twin ``POST /api/compare``."""

from __future__ import annotations

import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from framing.errors import InputRefused
from framing.ingest import ingest
from framing.report import comparison_report
from framing.settings import setting
from framing.store import Store, open_store
from framing.text.fetch import fetch, is_url, to_input
from framing.text.readers import RawInput, decode_reported, kind_of, refuse_surrogates

from .db import get_embedder, get_store
from .views import comparison_context

bp = Blueprint("own", __name__)

SLOTS = 3
FILE_KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
_slots = threading.BoundedSemaphore(max(1, int(setting("compare_concurrency"))))


@dataclass
class Submission:
    """What came in: readable inputs, and per field the reason another was refused."""

    inputs: list[RawInput] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)  # the form field each input came from
    errors: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # pasted texts, to refill the form
    fetched: dict[str, dict[str, Any]] = field(default_factory=dict)  # links, by slot field
    # per slot field, a note on what was typed but not applied (a text already stored keeps
    # its outlet: the form dropped a typed outlet without a word, QA session 24)
    notes: dict[str, str] = field(default_factory=dict)


def read_submission(form: Any, files: Any) -> Submission:
    """Each slot holds a pasted text (``text1``…), a file (``file1``…) or a link
    (``url1``…), one of them."""
    found = Submission()
    limit = int(setting("compare_max_chars"))
    for slot in range(1, SLOTS + 1):
        text = (form.get(f"text{slot}") or "").strip()
        upload = files.get(f"file{slot}")
        has_file = upload is not None and bool(upload.filename)
        link = (form.get(f"url{slot}") or "").strip()
        if is_url(text) and not text.split()[1:] and not link:
            # a link pasted into the text box (it was refused as "no article text left
            # after removing site furniture"): fetched as the link field would fetch it
            text, link = "", text
        found.texts[f"text{slot}"] = text
        found.texts[f"url{slot}"] = link
        name = f"Article {slot}"
        if sum((bool(text), has_file, bool(link))) > 1:
            found.errors[f"text{slot}"] = (
                f"{name}: paste a text, choose a file or give a link, only one of them."
            )
            continue
        where = f"file{slot}" if has_file else f"url{slot}" if link else f"text{slot}"
        outlet = (form.get(f"outlet{slot}") or "").strip()[:100]
        try:
            refuse_surrogates(outlet, name, "outlet")
            if has_file:
                raw = _from_file(upload, name)
            elif link:
                raw = _from_url(link, name)
            else:
                raw = _from_text(text, name, limit)
        except InputRefused as refusal:
            found.errors[where] = f"{refusal.source}: {refusal.reason}"
            continue
        if raw is not None:
            raw.fields = {"outlet": outlet or None}
            found.inputs.append(raw)
            found.slots.append(where)
            if raw.fetch is not None:
                found.fetched[where] = dict(raw.fetch)
    return found


def _from_text(text: str, name: str, limit: int) -> RawInput | None:
    if not text:
        return None
    if len(text) > limit:
        raise InputRefused(name, f"too long: {len(text):,} characters (at most {limit:,})")
    refuse_surrogates(text, name, "text")
    # a page's source pasted whole is read as the page it is, not as text full of tags
    return RawInput(source=name, text=text, kind=kind_of(text))


def _from_url(link: str, name: str) -> RawInput:
    """A page fetched with the limits of :mod:`framing.text.fetch` (no private addresses)."""
    source = f"{name} ({link[:200]})"
    if not is_url(link):
        raise InputRefused(source, "a link must start with http:// or https://")
    try:
        raw = to_input(fetch(link))
    except InputRefused as refusal:
        raise InputRefused(source, refusal.reason) from None
    raw.source = source
    return raw


def _from_file(upload: Any, name: str) -> RawInput:
    filename = Path(upload.filename).name
    source = f"{name} ({filename})"
    kind = FILE_KINDS.get(Path(filename).suffix.lower())
    if kind is None:
        raise InputRefused(source, "only .txt and .html files can be compared")
    decoded = decode_reported(upload.read(), source)
    return RawInput(
        source=source,
        text=decoded.text,
        kind=kind,
        encoding=decoded.encoding,
        decoding=decoded.note,  # stored with a saved article, shown by framing show
    )


@contextmanager
def compare_slot() -> Any:
    """Bound the expensive analyses running at once; a request that cannot get a slot in
    time is refused as busy rather than queued without end."""
    if not _slots.acquire(timeout=float(setting("compare_wait_seconds"))):
        abort(503, description="The server is busy comparing other texts. Try again in a minute.")
    try:
        yield
    finally:
        _slots.release()


def analyse(submission: Submission, save: bool) -> dict[str, Any]:
    """Ingest the inputs (into the corpus, or a scratch store thrown away afterwards) and
    compare them. Returns the report, the ids, and refusals by field."""
    with compare_slot():
        if save:
            return _analyse(get_store(), submission)
        with (
            tempfile.TemporaryDirectory(prefix="framing-own-") as scratch,
            open_store(Path(scratch) / "own.db") as store,
        ):
            return _analyse(store, submission)


class _NothingCompared(Exception):
    """Fewer than two articles were accepted: the saved ones are taken back."""


def _analyse(store: Store, submission: Submission) -> dict[str, Any]:
    ids: list[str] = []
    numbers: dict[str, int] = {}  # each article's number on the form ("file3" -> 3)
    # One transaction: "Save these articles" with the second text refused answered "Not
    # compared" and kept the first in the corpus all the same (QA, session 19).
    try:
        with store.transaction():
            results = ingest(submission.inputs, store)
            for slot, raw, result in zip(submission.slots, submission.inputs, results, strict=True):
                if slot in submission.fetched:  # "unchanged": this page is already stored
                    submission.fetched[slot]["status"] = result.status
                if result.status == "refused":
                    submission.errors[slot] = f"{result.source}: {result.reason}"
                elif result.article_id in ids:
                    submission.errors[slot] = f"{raw.source}: the same text as another article."
                else:
                    ids.append(str(result.article_id))
                    numbers[str(result.article_id)] = int(slot[-1])
                    if result.not_applied:
                        submission.notes[slot] = _not_applied_note(store, raw, result)
            if len(ids) < 2:
                raise _NothingCompared
    except _NothingCompared:
        return {"report": None, "ids": [], "numbers": {}}
    # The form asks for reports of one event: take the user's word for it (short texts
    # cannot share the three claims the automatic judgement needs).
    report = comparison_report(store, ids, get_embedder(), same_event=True)
    return {"report": report, "ids": ids, "numbers": numbers}


def _not_applied_note(store: Store, raw: RawInput, result: Any) -> str:
    """In plain words: this text is already in the corpus, and what the user gave of it
    (the outlet typed; a link's address) stays as it was first saved."""
    stored = store.article(str(result.article_id))
    names = {"outlet": "outlet", "date": "date", "url": "address"}
    typed = {"outlet": (raw.fields or {}).get("outlet")}
    given = ", ".join(
        f"the {names[key]} {'you typed ' if key in typed else ''}“{typed.get(key) or value}”"
        for key, value in result.not_applied.items()
    )
    kept = stored.get("outlet_name") or stored.get("outlet") or "no outlet"
    return (
        f"{raw.source}: this text is already in the corpus (saved earlier under “{kept}”), "
        f"so {given} was not applied; a text is stored once, with what it was first "
        "saved with."
    )


@bp.get("/compare/new")
def form() -> Any:
    return render_template("own.html", errors={}, texts={}, outlets={}, save=False)


@bp.post("/compare/new")
def submit() -> Any:
    submission = read_submission(request.form, request.files)
    save = request.form.get("save") == "yes"
    outcome = analyse(submission, save) if len(submission.inputs) >= 2 else {"report": None}
    if outcome["report"] is None:
        if len(submission.inputs) + len(submission.errors) < 2:
            submission.errors.setdefault(
                "form", "Give at least two articles: paste texts, choose files or give links."
            )
        outlets = {k: request.form.get(k, "") for k in ("outlet1", "outlet2", "outlet3")}
        return render_template(
            "own.html", errors=submission.errors, texts=submission.texts, outlets=outlets,
            save=save,
        ), 400  # fmt: skip
    permalink = url_for("compare.compare", articles=outcome["ids"], same_event=1) if save else None
    if permalink and not submission.errors and not submission.fetched and not submission.notes:
        # Saved: the result is the comparison of stored articles, so show it at its
        # permanent address (one code path with /compare; same ids, same settings).
        return redirect(permalink, code=303)
    # Refusals and fetch notes are shown once, here; the permalink is offered on the page.
    context = comparison_context(outcome["report"], linkable=save, numbers=outcome["numbers"])
    return render_template(
        "event.html", event=None, own=True, own_saved=save, refused=submission.errors,
        fetched=submission.fetched, not_applied=submission.notes, permalink=permalink,
        **context,
    )  # fmt: skip


@bp.post("/api/compare")
def submit_json() -> Any:
    """JSON body ``{"texts": [{"text" or "url", "outlet"?}, ...], "save": false}``, or the
    form's fields as multipart."""
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # json gives up on deep nesting this way, not as bad JSON
            abort(400, description="Body: JSON nested too deeply.")
        if not isinstance(body, dict) or not isinstance(body.get("texts"), list):
            abort(400, description='Body: expected {"texts": [{"text": ...}, ...]}.')
        if len(body["texts"]) > SLOTS:
            abort(
                400,
                description=f"Field 'texts': at most {SLOTS} articles are compared at once, "
                f"not {len(body['texts'])}.",
            )
        if not isinstance(body.get("save", False), bool):
            # "save": "yes" or "true" compared without saving, and said only "saved": false
            kind = type(body["save"]).__name__
            abort(400, description=f"Field 'save': expected true or false, not {kind}.")
        if len(body["texts"]) < 2:
            # as the API names the field of every other error (the form says it in words)
            abort(
                400,
                description=f"Field 'texts': give at least 2 articles, not {len(body['texts'])}.",
            )
        form, empty = {}, []
        for slot, item in enumerate(body["texts"], 1):
            item = {"text": item} if isinstance(item, str) else item
            # quoted as every other field an error names ("Field 'texts'", "Field 'from'")
            where = f"texts[{slot - 1}]"
            if not isinstance(item, dict) or not ({"text", "url"} & set(item)):
                abort(400, description=f"Field '{where}': expected an object with 'text' or 'url'.")
            for key in ("text", "url", "outlet"):
                if item.get(key) is not None and not isinstance(item[key], str):
                    # {"text": 5} was "expected an object with 'text' or 'url'", which it is
                    kind = type(item[key]).__name__
                    abort(400, description=f"Field '{where}.{key}': expected a string, not {kind}.")
            if not (item.get("text") or "").strip() and not (item.get("url") or "").strip():
                empty.append(f"Field '{where}': the text is empty")
            form[f"text{slot}"] = str(item.get("text") or "")
            form[f"url{slot}"] = str(item.get("url") or "")
            form[f"outlet{slot}"] = str(item.get("outlet") or "")
        submission, save = read_submission(form, {}), body.get("save") is True
    else:
        submission = read_submission(request.form, request.files)
        save = request.form.get("save") == "yes"
        empty = []
    if len(submission.inputs) < 2:
        # two blank texts said only "Give at least two articles." (QA, session 19)
        said = [*submission.errors.values(), *empty]
        message = "; ".join(said) if said else "Give at least two articles."
        abort(400, description=message)
    outcome = analyse(submission, save)
    if outcome["report"] is None:
        abort(400, description="; ".join(submission.errors.values()))
    permalink = (
        url_for("compare.compare", articles=outcome["ids"], same_event=1, _external=True)
        if save
        else None
    )
    return jsonify(
        {
            "ok": True,
            "saved": save,
            "permalink": permalink,
            "refused": submission.errors,
            "fetched": submission.fetched,
            "not_applied": submission.notes,
            "comparison": outcome["report"],
        }
    )
