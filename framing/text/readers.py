"""Reading inputs: files, folders, JSON/JSONL records and stdin, decoded to text.

Input is hostile until proven otherwise. Every input yields either a :class:`RawInput` or an
:class:`InputRefused` naming the file (or ``file:line``) and the reason, so one bad file never
stops the good ones.
"""

from __future__ import annotations

import json
import os
import re
import stat
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
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
# A record's body may be max_bytes of UTF-8; as JSON escapes (\uXXXX) it takes up to 3 times
# that, plus the other fields: a stdin line longer than this cannot hold an acceptable record.
_LINE_FACTOR = 3
_LINE_SLACK = 64 * 1024

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
    decoding: str | None = None  # how a text that was not clean UTF-8 was read, to report


@dataclass
class Decoded:
    """Decoded text, the encoding used, and a note when that was a fallback from UTF-8."""

    text: str
    encoding: str
    note: str | None = None


def display_name(name: str | os.PathLike[str]) -> str:
    """A file name fit to print and store: bytes that are not UTF-8 (a cp1251-named file,
    which Python hands over as lone surrogates) shown as ``\\xNN`` escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def size_text(n_bytes: int) -> str:
    """A byte count for messages: MiB, KiB or bytes, whichever reads naturally."""
    if n_bytes >= 2**20:
        return f"{n_bytes / 2**20:.1f} MiB"
    if n_bytes >= 2**10:
        return f"{n_bytes / 2**10:.1f} KiB"
    return f"{n_bytes} bytes"


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode ``data`` to text, detecting BOMs and legacy Cyrillic encodings.

    Returns ``(text, encoding)``; raises :class:`InputRefused` for empty, binary or
    undecodable input.
    """
    decoded = decode_reported(data, source)
    return decoded.text, decoded.encoding


def decode_reported(data: bytes, source: str) -> Decoded:
    """As :func:`decode_bytes`, with a note whenever the text was not clean UTF-8 (or a
    BOM-marked encoding), so a fallback is never silent."""
    if not data.strip():
        raise InputRefused(source, "empty file" if not data else "empty file (only whitespace)")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise InputRefused(source, f"undecodable bytes after a {encoding} BOM") from exc
    if b"\x00" in data:
        if found := _bomless_utf16(data):
            text, encoding = found
            note = (
                f"not UTF-8: decoded as {encoding} without a byte-order mark, a guess from its"
                " bytes: check the text"
            )
            return Decoded(_checked(text, source), encoding, note)
        raise InputRefused(source, "binary file (contains NUL bytes), not text")
    try:
        return Decoded(_checked(data.decode("utf-8"), source), "utf-8")
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    n_bad = replaced.count("\ufffd") - data.count("\ufffd".encode())
    n_good = sum(1 for ch in replaced if ord(ch) > 127) - replaced.count("\ufffd")
    if n_good >= 10 * n_bad:
        # Mostly valid UTF-8 with a few broken bytes: a legacy code page would turn every
        # valid character into mojibake ("РїСЂРёРІРµС‚"), so keep UTF-8 and show the strays.
        return _with_replacements(replaced, n_bad, source)
    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise InputRefused(
            source, "undecodable bytes: not UTF-8, UTF-16 or a known Cyrillic legacy encoding"
        )
    text = str(best)
    if best.encoding != "cp1252" and _stray_cyrillic(text):
        # A Cyrillic code page that yields no Cyrillic words, only letters scattered in
        # another script: stray bytes in an English (ASCII) text, not a Russian one.
        return _with_replacements(replaced, n_bad, source)
    note = f"not UTF-8: decoded as {best.encoding}, a guess from its bytes: check the text"
    return Decoded(_checked(text, source), best.encoding, note)


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark (qa7: such a file was refused as "binary"):
    every NUL byte on one side of its pair (the high byte of an ASCII character) and the
    decoded text all letters, digits, spaces and punctuation of the scripts read here. A
    binary file decoded this way gives control characters or scattered CJK and other
    scripts, and is still refused."""
    if len(data) % 2:
        return None
    for encoding, side in (("utf-16-le", 1), ("utf-16-be", 0)):
        if data[1 - side :: 2].count(0) or not data[side::2].count(0):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readable = sum(
            1
            for ch in text
            if ch in "\t\n\r"
            or (ch.isprintable() and (ord(ch) < 0x0530 or 0x2000 <= ord(ch) < 0x2070))
        )
        if readable >= _UTF16_READABLE * len(text):
            return text, encoding
    return None


# The share of a BOM-less UTF-16 text's characters that must read as text (see _bomless_utf16).
_UTF16_READABLE = 0.98


def _with_replacements(replaced: str, n_bad: int, source: str) -> Decoded:
    plural = "" if n_bad == 1 else "s"
    note = f"not valid UTF-8: {n_bad} undecodable byte{plural} replaced with U+FFFD"
    return Decoded(_checked(replaced, source), "utf-8", note)


def _stray_cyrillic(text: str) -> bool:
    """Whether the Cyrillic letters of ``text`` mostly stand alone (runs of 1-2 letters):
    Russian or Ukrainian text is words of Cyrillic letters, mis-decoded strays are not."""
    runs = [len(run) for run in _CYRILLIC.findall(text)]
    if not runs:
        return False
    return sum(n for n in runs if n >= 3) < sum(runs) / 2


def _checked(text: str, source: str) -> str:
    """Refuse text that decoded but is mostly control characters (a binary file)."""
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text) // 100):
        raise InputRefused(source, "binary file (control characters), not text")
    return text


def _read_limited(handle: BinaryIO, source: str, max_bytes: int) -> bytes:
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRefused(source, _too_large(max_bytes))
    return data


def _too_large(max_bytes: int) -> str:
    return (
        f"too large: more than {size_text(max_bytes)} "
        "(raise the limit with --max-bytes if this really is one article)"
    )


def refuse_surrogates(value: str | None, source: str, name: str) -> None:
    """Refuse a field holding a lone surrogate: JSON's "\\ud800" escapes decode to one, which
    is not text, and no store, page or terminal takes it."""
    bad = _SURROGATE.search(value) if value is not None else None
    if bad:
        raise InputRefused(
            source, f"field '{name}' holds an unpaired surrogate (U+{ord(bad[0]):04X}), not text"
        )


def kind_of(text: str) -> str:
    """``html`` for a page's source (a pasted "view source" or a file with no suffix),
    else ``text``."""
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and any(t in head for t in ("<html", "<body", "<p", "<div", "<!doc")):
        return "html"
    return "text"


def _json_type(value: object) -> str:
    """What a JSON value is, in JSON's words (qa7: a record whose text was the number
    20240719 was refused as "must be a non-empty string", which did not say what it was)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"a number ({value})"
    return (
        "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "text"
    )


def _record(obj: object, source: str, max_bytes: int) -> RawInput:
    if not isinstance(obj, dict):
        raise InputRefused(source, f"a record must be a JSON object, not {type(obj).__name__}")
    if "text" not in obj and "html" not in obj and isinstance(obj.get("article"), dict):
        # the web app's JSON twin of an article page (/api/articles/ID), saved and read back:
        # it was refused as "field 'text' is missing"
        obj = obj["article"]
    body_key = "text" if "text" in obj else "html" if "html" in obj else None
    if body_key is None:
        raise InputRefused(source, "field 'text' is missing")
    body = obj[body_key]
    if not isinstance(body, str) or not body.strip():
        found = "an empty one" if isinstance(body, str) else _json_type(body)
        raise InputRefused(source, f"field '{body_key}' must be a non-empty string, not {found}")
    if len(body.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputRefused(source, f"field '{body_key}' is larger than {max_bytes} bytes")
    fields: dict[str, str | None] = {}
    for name in RECORD_FIELDS:
        value = obj.get(name)
        if isinstance(value, int | float) and name == "id":
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise InputRefused(
                source, f"field '{name}' must be a string or null, not {_json_type(value)}"
            )
        fields[name] = value.strip() or None if isinstance(value, str) else None
    for name, value in [(body_key, body), *fields.items()]:
        refuse_surrogates(value, source, name)
    kind = "html" if body_key == "html" else kind_of(body)
    return RawInput(source=source, text=body, kind=kind, fields=fields)


def _records_from_json(text: str, source: str, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        yield InputRefused(source, f"malformed JSON: {_json_error(exc, lines=True)}")
        return
    if parsed == []:
        # `framing score empty.json` scored nothing and named nothing (qa8): a file that holds
        # no record is refused like an empty JSON Lines file
        yield InputRefused(source, "empty JSON array: no records")
        return
    items = parsed if isinstance(parsed, list) else [parsed]
    for number, obj in enumerate(items, 1):
        where = f"{source}[{number}]" if isinstance(parsed, list) else source
        try:
            yield _record(obj, where, max_bytes)
        except InputRefused as refusal:
            yield refusal


def _json_error(exc: json.JSONDecodeError, lines: bool) -> str:
    """The parser's complaint and where it is. Some of json's messages end in "at" (they
    are written to be followed by the position: "Unterminated string starting at"), so the
    position follows them without a second "at"."""
    where = f"line {exc.lineno}, column {exc.colno}" if lines else f"column {exc.colno}"
    return f"{exc.msg.removesuffix(' at')} at {where}"


def _records_from_jsonl(
    lines: Iterable[str], source: str, max_bytes: int
) -> Iterator[RawInput | InputRefused]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield _record_from_line(line, f"{source}:{number}", max_bytes)


def _record_from_line(line: str, where: str, max_bytes: int) -> RawInput | InputRefused:
    try:
        return _record(json.loads(line), where, max_bytes)
    except json.JSONDecodeError as exc:
        return InputRefused(where, f"malformed JSON line: {_json_error(exc, lines=False)}")
    except InputRefused as refusal:
        return refusal


def _streamed_jsonl(
    stream: BinaryIO, source: str, max_bytes: int, legacy_encodings: bool
) -> Iterator[RawInput | InputRefused]:
    """JSON Lines records read one line at a time, so memory stays flat however long the input,
    and each line bounded while it is read: one endless line must not fill memory.

    ``legacy_encodings``: decode each line as a file is decoded (BOMs, Cyrillic code pages,
    with a note); otherwise a line must be UTF-8, as on a pipe."""
    line_limit = max_bytes * _LINE_FACTOR + _LINE_SLACK
    any_record = False
    for number, raw in enumerate(_bounded_lines(stream, line_limit), 1):
        where = f"{source}:{number}"
        if raw is None:
            yield InputRefused(where, _too_large(max_bytes))
            continue
        if not raw.strip():
            continue
        any_record = True
        note, encoding = None, "utf-8"
        try:
            if legacy_encodings:
                decoded = decode_reported(raw, where)
                line, encoding, note = decoded.text, decoded.encoding, decoded.note
            else:
                line = raw.decode("utf-8")
        except InputRefused as refusal:
            yield refusal
            continue
        except UnicodeDecodeError:
            yield InputRefused(where, "undecodable bytes: JSON Lines must be UTF-8")
            continue
        item = _record_from_line(line, where, max_bytes)
        if isinstance(item, RawInput):
            item.encoding, item.decoding = encoding, note
        yield item
    if not any_record:
        yield InputRefused(source, "empty file: no JSON Lines records")


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
            yield RawInput(source=source, text=text, kind=kind_of(text))


def read_file(path: Path, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    """Inputs from one file (a JSON/JSONL file may hold many records; JSON Lines stream)."""
    source = display_name(path)
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            if suffix in JSONL_SUFFIXES:
                yield from _streamed_jsonl(handle, source, max_bytes, legacy_encodings=True)
                return
            # A JSON document is parsed whole: its records together may be 50 articles' worth.
            data = _read_limited(handle, source, max_bytes * 50 if _is_records(path) else max_bytes)
        decoded = decode_reported(data, source)
    except InputRefused as refusal:
        yield refusal
        return
    except OSError as exc:
        yield InputRefused(source, f"cannot read: {exc.strerror or exc}")
        return
    for item in _from_text(decoded.text, source, suffix, max_bytes):
        if isinstance(item, RawInput):
            item.encoding = decoded.encoding
            item.decoding = decoded.note
        yield item


def _is_records(path: Path) -> bool:
    return path.suffix.lower() in JSON_SUFFIXES | JSONL_SUFFIXES


def read_stdin(stream: BinaryIO, max_bytes: int) -> Iterator[RawInput | InputRefused]:
    """Inputs from standard input: JSON Lines records (streamed), JSON, HTML or plain text."""
    first = stream.peek(1)[:1] if hasattr(stream, "peek") else b""
    if first == b"{":
        yield from _streamed_jsonl(stream, "stdin", max_bytes, legacy_encodings=False)
        return
    try:
        decoded = decode_reported(_read_limited(stream, "stdin", max_bytes * 50), "stdin")
    except InputRefused as refusal:
        yield refusal
        return
    for item in _from_text(decoded.text, "stdin", "", max_bytes):
        if isinstance(item, RawInput):
            item.encoding, item.decoding = decoded.encoding, decoded.note
        yield item


def _bounded_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of ``stream``, each read with at most ``limit`` bytes in memory; a longer
    line is skipped (read through in chunks) and yields ``None`` in its place."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(2**16)
        yield None


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


LINK_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


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
        if not path.exists() and LINK_SCHEME.match(name):
            # file:///etc/passwd, ftp://…: a link, refused as one ("only http and https links
            # can be fetched"), not "no such file or folder". fetch refuses it by its scheme
            # before any connection.
            from framing.text.fetch import fetch_input

            yield fetch_input(name)
            continue
        if not path.exists():
            yield InputRefused(display_name(name), "no such file or folder")
            continue
        walked = path.is_dir()
        found = False
        for file_path in iter_files(path):
            found = True
            special = _special_kind(file_path) if walked else None
            if special:
                # Opening a FIFO waits for a writer forever; a device may never end. A file
                # named on the command line is read as asked (e.g. <(cmd) is a pipe).
                yield InputRefused(
                    display_name(file_path), f"not a regular file ({special}): skipped"
                )
                continue
            yield from read_file(file_path, max_bytes)
        if walked and not found:
            # `framing score empty/ > out.jsonl` wrote an empty file and said nothing
            yield InputRefused(display_name(name), EMPTY_FOLDER)


EMPTY_FOLDER = "an empty folder: no files in it (hidden files and folders are skipped)"


def _special_kind(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (after symlinks), else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # read_file reports why it cannot be read
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"
