"""Reading inputs: files, folders, JSON/JSONL records and stdin, decoded to text.

Input is hostile until proven otherwise. Every input yields either a :class:`RawInput` or an
:class:`InputRefused` naming the file (or ``file:line``) and the reason, so one bad file never
stops the good ones.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from framing.errors import InputRefused

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
RECORD_FIELDS = ("id", "title", "url", "date", "outlet", "lang")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# Legacy encodings common in Russian and Ukrainian sources, tried when UTF-8 fails.
LEGACY_ENCODINGS = ["cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5", "cp1252"]

BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


@dataclass
class RawInput:
    """One article as read: decoded text (HTML markup when ``kind == "html"``) and any
    metadata fields a JSON record supplied."""

    source: str
    text: str
    kind: str = "text"
    encoding: str = "utf-8"
    fields: dict[str, str | None] = field(default_factory=dict)
    # For a fetched web page: the link, the final URL, when and how it was fetched
    # (framing.text.fetch.Fetched.summary); None for files and records.
    fetch: dict[str, Any] | None = None


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode ``data`` to text, detecting BOMs and legacy Cyrillic encodings.

    Returns ``(text, encoding)``; raises :class:`InputRefused` for empty, binary or
    undecodable input.
    """
    if not data.strip():
        raise InputRefused(source, "empty file" if not data else "empty file (only whitespace)")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputRefused(source, f"undecodable bytes after a {encoding} BOM") from exc
    if b"\x00" in data:
        raise InputRefused(source, "binary file (contains NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputRefused(
            source, "undecodable bytes: not UTF-8, UTF-16 or a known Cyrillic legacy encoding"
        )
    return _checked(str(best), source), best.encoding


def _checked(text: str, source: str) -> str:
    """Refuse text that decoded but is mostly control characters (a binary file)."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise InputRefused(source, "binary file (control characters), not text")
    return text


def _read_limited(handle: BinaryIO, source: str, max_bytes: int) -> bytes:
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRefused(
            source,
            f"too large: more than {max_bytes / 2**20:.1f} MiB "
            "(raise the limit with --max-bytes if this really is one article)",
        )
    return data


def _kind_of(text: str) -> str:
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and any(t in head for t in ("<html", "<body", "<p", "<div", "<!doc")):
        return "html"
    return "text"


def _record(obj: object, source: str, max_bytes: int) -> RawInput:
    if not isinstance(obj, dict):
        raise InputRefused(source, f"a record must be a JSON object, not {type(obj).__name__}")
    body_key = "text" if "text" in obj else "html" if "html" in obj else None
    if body_key is None:
        raise InputRefused(source, "field 'text' is missing")
    body = obj[body_key]
    if not isinstance(body, str) or not body.strip():
        raise InputRefused(source, f"field '{body_key}' must be a non-empty string")
    if len(body.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputRefused(source, f"field '{body_key}' is larger than {max_bytes} bytes")
    fields: dict[str, str | None] = {}
    for name in RECORD_FIELDS:
        value = obj.get(name)
        if isinstance(value, int | float) and name == "id":
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise InputRefused(source, f"field '{name}' must be a string or null")
        fields[name] = value.strip() or None if isinstance(value, str) else None
    for name, value in [(body_key, body), *fields.items()]:
        # JSON's "\ud800" escapes decode to lone surrogates: not text, and no store takes them.
        bad = _SURROGATE.search(value) if value is not None else None
        if bad:
            raise InputRefused(
                source,
                f"field '{name}' holds an unpaired surrogate (U+{ord(bad[0]):04X}), not text",
            )
    kind = "html" if body_key == "html" else _kind_of(body)
    return RawInput(source=source, text=body, kind=kind, fields=fields)


def _records_from_json(text: str, source: str, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputRefused(source, f"malformed JSON: {exc.msg} at line {exc.lineno}")
        return
    items = parsed if isinstance(parsed, list) else [parsed]
    for number, obj in enumerate(items, 1):
        where = f"{source}[{number}]" if isinstance(parsed, list) else source
        try:
            yield _record(obj, where, max_bytes)
        except InputRefused as refusal:
            yield refusal


def _records_from_jsonl(
    lines: Iterable[str], source: str, max_bytes: int
) -> Iterator[RawInput | InputRefused]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield _record(json.loads(line), where, max_bytes)
        except json.JSONDecodeError as exc:
            yield InputRefused(where, f"malformed JSON line: {exc.msg} at column {exc.colno}")
        except InputRefused as refusal:
            yield refusal


def _from_text(text: str, source: str, suffix: str, max_bytes: int):
    if suffix in JSONL_SUFFIXES:
        yield from _records_from_jsonl(text.splitlines(), source, max_bytes)
    elif suffix in JSON_SUFFIXES:
        yield from _records_from_json(text, source, max_bytes)
    elif suffix in HTML_SUFFIXES:
        yield RawInput(source=source, text=text, kind="html")
    elif suffix in TEXT_SUFFIXES:
        yield RawInput(source=source, text=text, kind="text")
    else:
        stripped = text.lstrip()
        if stripped.startswith("{") and "\n{" in stripped:
            yield from _records_from_jsonl(text.splitlines(), source, max_bytes)
        elif stripped.startswith(("{", "[")):
            yield from _records_from_json(text, source, max_bytes)
        else:
            yield RawInput(source=source, text=text, kind=_kind_of(text))


def read_file(path: Path, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    """Inputs from one file (a JSON/JSONL file may hold many records)."""
    source = str(path)
    try:
        with path.open("rb") as handle:
            data = _read_limited(handle, source, max_bytes * 50 if _is_records(path) else max_bytes)
        text, encoding = decode_bytes(data, source)
    except InputRefused as refusal:
        yield refusal
        return
    except OSError as exc:
        yield InputRefused(source, f"cannot read: {exc.strerror or exc}")
        return
    for item in _from_text(text, source, path.suffix.lower(), max_bytes):
        if isinstance(item, RawInput):
            item.encoding = encoding
        yield item


def _is_records(path: Path) -> bool:
    return path.suffix.lower() in JSON_SUFFIXES | JSONL_SUFFIXES


def read_stdin(stream: BinaryIO, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    """Inputs from standard input: JSON Lines records (streamed), JSON, HTML or plain text."""
    first = stream.peek(1)[:1] if hasattr(stream, "peek") else b""
    if first == b"{":
        # Stream JSON Lines record by record so memory stays flat however long the input.
        for number, raw in enumerate(stream, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield InputRefused(f"stdin:{number}", "undecodable bytes: JSON Lines must be UTF-8")
                continue
            for item in _records_from_jsonl([line], "stdin", max_bytes):
                if isinstance(item, InputRefused):
                    item = InputRefused(f"stdin:{number}", item.reason)
                else:
                    item.source = f"stdin:{number}"
                yield item
        return
    try:
        text, _ = decode_bytes(_read_limited(stream, "stdin", max_bytes * 50), "stdin")
    except InputRefused as refusal:
        yield refusal
        return
    yield from _from_text(text, "stdin", "", max_bytes)


def iter_files(path: Path) -> Iterator[Path]:
    """The files under ``path`` (itself if a file), sorted, hidden ones skipped."""
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield Path(root) / name
    else:
        yield path


def read_inputs(
    paths: Iterable[str], max_bytes: int, stdin: BinaryIO | None = None
) -> Iterator[RawInput | InputRefused]:
    """All inputs named by ``paths`` (files, folders, http(s) links, or ``-`` for
    ``stdin``), in order."""
    policy = None
    for name in paths:
        if name.lower().startswith(("http://", "https://")):
            from framing.text.fetch import FetchPolicy, fetch_input

            policy = policy or FetchPolicy.from_settings()
            yield fetch_input(name, policy)
            continue
        if name == "-":
            if stdin is None:
                yield InputRefused("stdin", "no standard input available")
            else:
                yield from read_stdin(stdin, max_bytes)
            continue
        path = Path(name)
        if not path.exists():
            yield InputRefused(name, "no such file or folder")
            continue
        for file_path in iter_files(path):
            yield from read_file(file_path, max_bytes)
