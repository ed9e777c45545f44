"""Curators' additions and corrections to the lexicons, kept apart from the shipped files.

One overlay file per language, ``corpus/lexicons/curated/<lang>.yaml``, holds entries with
the shipped files' fields plus ``updated`` (the date of the last edit). An overlay entry
whose pattern has the same lemmas as a shipped one replaces it; a record with
``retired: true`` hides the shipped entry of its pattern.
:func:`framing.wording.lexicon.load_lexicon`
merges the overlay, and the lexicon fingerprint covers the whole folder, so a save
invalidates every cached analysis.

Saves are validated with the shipped files' rules (``lexicon.parse_entry``) before anything is
written, then written atomically (a temporary file renamed over the old one) under a lock:
a reader never sees half a file, and two curators saving at once lose nothing.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from framing.errors import FramingError, NotFound
from framing.wording.glosses import neutral_gloss
from framing.wording.lexicon import (
    CATEGORIES,
    FIELDS,
    LANGUAGES,
    RETIRED,
    Entry,
    LexiconError,
    lexicon_path,
    load_lexicon,
    overlay_path,
    parse_entry,
    pattern_keys,
    read_lexicon_yaml,
    read_overlay,
    retired_keys,
)

HEADER = (
    "# Curated lexicon entries, written by the web app's glossary editor (framing/curation.py).\n"
    "# Same fields as ../{lang}.yaml plus `updated`; an entry with the pattern of a shipped\n"
    "# entry replaces it, and `retired: true` hides it. Edit with care: the app re-reads it.\n"
)
_lock = threading.Lock()


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise NotFound(f"No lexicon for language {lang!r}; use one of {', '.join(LANGUAGES)}.")


def entry_dict(lang: str, entry: Entry) -> dict[str, Any]:
    """An entry as plain data, with its fields as written."""
    return {
        "lang": lang,
        "pattern": entry.pattern,
        "category": entry.category,
        "explanation": entry.explanation,
        "neutral": entry.neutral,
        "needs_context": entry.needs_context,
        "context_note": entry.context_note,
        "literal_contexts": list(entry.literal_text),
        "max_gap": entry.max_gap,
        "source": entry.source,
        "curated": entry.curated,
        "updated": entry.updated,
    }


def glossary(
    lang: str | None = None, category: str | None = None, text: str | None = None
) -> list[dict[str, Any]]:
    """Entries of one language (or all) and category (or all) whose pattern, explanation,
    neutral alternative (or its English gloss) or notes contain ``text``; by language,
    category, then pattern. Each carries ``neutral_en``, the English gloss of a Russian or
    Ukrainian neutral alternative (None without one), as the handout and popovers show it."""
    if lang and lang not in LANGUAGES:
        raise FramingError(f"Field 'lang': {lang!r} is not one of {', '.join(LANGUAGES)}.")
    if category and category not in CATEGORIES:
        raise FramingError(f"Field 'category': {category!r} is not one of {', '.join(CATEGORIES)}.")
    needle = (text or "").strip().casefold()
    found = []
    for code in [lang] if lang else LANGUAGES:
        for entry in load_lexicon(code).entries:
            if category and entry.category != category:
                continue
            gloss = neutral_gloss(code, entry.neutral)
            words = (entry.pattern, entry.explanation, entry.neutral, gloss, entry.context_note)
            if needle and needle not in " ".join(w or "" for w in words).casefold():
                continue
            found.append({**entry_dict(code, entry), "neutral_en": gloss})
    order = {name: n for n, name in enumerate(CATEGORIES)}
    found.sort(
        key=lambda e: (LANGUAGES.index(e["lang"]), order[e["category"]], e["pattern"].casefold())
    )
    return found


def find_entry(lang: str, pattern: str) -> Entry:
    """The entry of ``lang`` whose pattern is ``pattern`` (or has the same lemmas)."""
    _check_lang(lang)
    entries = load_lexicon(lang).entries
    keys = pattern_keys(lang, pattern)
    for entry in entries:
        if entry.pattern == pattern or entry.keys == keys:
            return entry
    raise NotFound(f"No {lang} lexicon entry with the pattern {pattern!r}.")


def retired(lang: str) -> list[str]:
    """Patterns of shipped entries the overlay hides."""
    _check_lang(lang)
    return [str(r.get("pattern")) for r in read_overlay(overlay_path(lang)) if r.get(RETIRED)]


def save_entry(
    lang: str,
    raw: dict[str, Any],
    *,
    replaces: str | None = None,
    new: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Validate ``raw`` (an entry, or ``{"pattern", "retired": true}``) and write it to the
    overlay, stamped ``updated``; returns it as :func:`entry_dict` gives it (``retired``
    records as given). ``replaces``: the pattern of the entry being edited (a renamed
    shipped entry is retired); ``new``: refuse a pattern that already has an entry.
    Raises :class:`LexiconError` (with ``field``) and writes nothing when it is invalid."""
    _check_lang(lang)
    record = {k: v for k, v in raw.items() if k != "updated"}
    record["updated"] = (today or date.today()).isoformat()
    label = f"{lang} entry {raw.get('pattern')!r}"
    with _lock:
        current = {entry.keys: entry for entry in load_lexicon(lang).entries}
        old_keys = pattern_keys(lang, replaces) if replaces is not None else None
        if old_keys is not None and old_keys not in current:
            raise NotFound(f"No {lang} lexicon entry with the pattern {replaces!r}.")
        keys = retired_keys(lang, label, record)
        entry = None
        if keys is None:
            record.pop(RETIRED, None)
            entry = parse_entry(lang, label, record)
            keys = entry.keys
            record = _ordered(record, entry)
        elif keys not in current:
            raise LexiconError(
                f"{label}: there is no entry with this pattern to retire.", "pattern"
            )
        else:
            record = {"pattern": record["pattern"], RETIRED: True, "updated": record["updated"]}
        clash = current.get(keys)
        if clash is not None and (new or (old_keys is not None and keys != old_keys)):
            raise LexiconError(
                f"{label}: an entry with this pattern already exists ({clash.pattern!r}); "
                "edit that one instead.",
                "pattern",
            )
        shipped = _shipped_keys(lang)
        path = overlay_path(lang)
        stale = {keys, old_keys}
        records = [r for r in read_overlay(path) if _record_keys(lang, r) not in stale]
        if entry is not None or keys in shipped:  # retiring a curated-only entry deletes it
            records.append(record)
        if old_keys is not None and old_keys != keys and old_keys in shipped:
            records.append({"pattern": replaces, RETIRED: True, "updated": record["updated"]})
        _write(path, lang, records)
    return record if entry is None else entry_dict(lang, replace(entry, curated=True))


def revert_entry(lang: str, pattern: str) -> None:
    """Drop the overlay's record of ``pattern``: a shipped entry comes back as shipped, a
    curated-only one is gone."""
    _check_lang(lang)
    keys = pattern_keys(lang, pattern)
    with _lock:
        path = overlay_path(lang)
        records = read_overlay(path)
        kept = [r for r in records if _record_keys(lang, r) != keys]
        if len(kept) == len(records):
            raise NotFound(f"No curated {lang} entry with the pattern {pattern!r}.")
        _write(path, lang, kept)


def _ordered(record: dict[str, Any], entry: Entry) -> dict[str, Any]:
    """The record with the shipped files' field order, trimmed texts, defaults left out."""
    out: dict[str, Any] = {name: getattr(entry, name) for name in FIELDS}
    if entry.max_gap:
        out["max_gap"] = entry.max_gap
    if entry.literal_text:
        out["literal_contexts"] = list(entry.literal_text)
    out["updated"] = record["updated"]
    return out


def _record_keys(lang: str, record: dict[str, Any]) -> tuple[str, ...]:
    pattern = record.get("pattern")
    return pattern_keys(lang, pattern) if isinstance(pattern, str) else ()


def _shipped_keys(lang: str) -> set[tuple[str, ...]]:
    data = read_lexicon_yaml(lexicon_path(lang)) or {}
    return {_record_keys(lang, r) for r in data.get("entries") or [] if isinstance(r, dict)}


def _write(path: Path, lang: str, records: list[dict[str, Any]]) -> None:
    """Replace ``path`` atomically: the temporary file's name does not end in .yaml, so the
    lexicon fingerprint never sees it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER.format(lang=lang) + yaml.safe_dump(
        {"entries": records}, allow_unicode=True, sort_keys=False, width=100
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{lang}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
