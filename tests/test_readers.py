"""Reading and decoding inputs: every bad input is refused with a reason naming it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from framing.errors import InputRefused
from framing.text.readers import RawInput, decode_bytes, read_inputs, read_stdin

RU = "Пресс-секретарь Кремля Дмитрий Песков заявил, что встреча пока не обсуждается."
UK = "Речник Кремля Дмитро Пєсков заявив, що зустріч поки що не обговорюється."
LIMIT = 4 * 2**20


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file (only whitespace)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes), not text"),
        (bytes(range(1, 32)) * 20, "binary file (control characters), not text"),
    ],
)
def test_decode_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(InputRefused) as info:
        decode_bytes(data, "x.txt")
    assert info.value.reason == reason
    assert str(info.value) == f"x.txt: {reason}"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RU * 3, "cp1251"),
        (RU * 3, "koi8_r"),
        (UK * 3, "utf-16"),
        (RU * 3, "utf-8-sig"),
        (UK * 3, "utf-8"),
    ],
)
def test_decode_encodings(text: str, encoding: str) -> None:
    decoded, detected = decode_bytes(text.encode(encoding), "x.txt")
    assert decoded == text
    assert detected.replace("-", "_").startswith(encoding.replace("-sig", "").replace("-", "_"))


def test_short_cp1251_text_is_still_cyrillic() -> None:
    decoded, _ = decode_bytes("Песков: встречи не будет.".encode("cp1251"), "x.txt")
    assert decoded == "Песков: встречи не будет."


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_folder_mixing_good_and_bad(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", RU)
    write(tmp_path, "b.bin", b"\x00\x01\x02binary")
    write(tmp_path, "c.txt", b"")
    write(tmp_path, "d.txt", UK.encode("koi8_u"))
    write(tmp_path, ".hidden.txt", RU)
    items = list(read_inputs([str(tmp_path)], LIMIT))
    good = [i for i in items if isinstance(i, RawInput)]
    bad = {Path(i.source).name: i.reason for i in items if isinstance(i, InputRefused)}
    assert [Path(g.source).name for g in good] == ["a.txt", "d.txt"]
    assert good[1].text == UK
    assert bad == {"b.bin": "binary file (contains NUL bytes), not text", "c.txt": "empty file"}


def test_an_empty_folder_is_refused_not_read_as_nothing(tmp_path: Path) -> None:
    """`framing score empty/ > out.jsonl` wrote an empty file with exit status 0 and no word;
    a folder holding only hidden files reads as empty too."""
    (tmp_path / "empty").mkdir()
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    write(hidden, ".draft.txt", RU)
    for folder in ("empty", "hidden"):
        [item] = list(read_inputs([str(tmp_path / folder)], LIMIT))
        assert isinstance(item, InputRefused)
        assert str(item) == (
            f"{tmp_path / folder}: an empty folder: no files in it (hidden files and folders "
            "are skipped)"
        )


def test_an_article_pages_json_twin_reads_as_its_article(tmp_path: Path) -> None:
    """A journalist saved /api/articles/ID and ingested it elsewhere: "field 'text' is
    missing" (the record sits under "article")."""
    twin = {
        "ok": True,
        "article": {"id": "65b2", "text": RU, "title": "Заголовок", "outlet": "sputnik"},
        "highlights": [],
        "scores": {},
    }
    path = write(tmp_path, "saved.json", json.dumps(twin, ensure_ascii=False))
    [item] = list(read_inputs([str(path)], LIMIT))
    assert isinstance(item, RawInput)
    assert (item.text, item.fields["title"], item.fields["outlet"]) == (RU, "Заголовок", "sputnik")
    # an object with neither its own text nor an article is still refused as before
    path = write(tmp_path, "other.json", json.dumps({"ok": True, "article": "x"}))
    [item] = list(read_inputs([str(path)], LIMIT))
    assert str(item) == f"{path}: field 'text' is missing"


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", (RU + "\n") * (5 * 2**20 // len(RU.encode())))
    [item] = list(read_inputs([str(path)], LIMIT))
    assert isinstance(item, InputRefused)
    assert item.reason == (
        "too large: more than 4.0 MiB (raise the limit with --max-bytes if this really is one "
        "article)"
    )


def test_missing_path() -> None:
    [item] = list(read_inputs(["/no/such/file.txt"], LIMIT))
    assert isinstance(item, InputRefused)
    assert str(item) == "/no/such/file.txt: no such file or folder"


def test_html_is_recognised(tmp_path: Path) -> None:
    path = write(tmp_path, "page.htm", f"<html><body><p>{RU}</p></body></html>")
    [item] = list(read_inputs([str(path)], LIMIT))
    assert isinstance(item, RawInput) and item.kind == "html"


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "r1", "text": RU, "lang": "ru", "outlet": "TASS", "date": "2024-11-07"}),
        "{not json",
        json.dumps({"id": "r3", "title": "no text"}),
        json.dumps({"id": 4, "text": UK, "date": 20241107}),
        json.dumps(["a list"]),
        "",
        json.dumps({"text": UK}),
    ]
    path = write(tmp_path, "batch.jsonl", "\n".join(lines))
    items = list(read_inputs([str(path)], LIMIT))
    summary = [
        (i.source.split("/")[-1], i.reason if isinstance(i, InputRefused) else "ok") for i in items
    ]
    assert summary == [
        ("batch.jsonl:1", "ok"),
        (
            "batch.jsonl:2",
            "malformed JSON line: Expecting property name enclosed in double quotes at column 2",
        ),
        ("batch.jsonl:3", "field 'text' is missing"),
        ("batch.jsonl:4", "field 'date' must be a string or null, not a number (20241107)"),
        ("batch.jsonl:5", "a record must be a JSON object, not list"),
        ("batch.jsonl:7", "ok"),
    ]
    assert items[0].fields == {
        "id": "r1",
        "title": None,
        "url": None,
        "date": "2024-11-07",
        "outlet": "TASS",
        "lang": "ru",
    }


def test_a_record_of_the_wrong_type_says_what_it_is(tmp_path: Path) -> None:
    """qa7: a JSON array with a record whose text was the number 20240719."""
    records = [{"text": RU}, {"text": 20240719}, {"text": ["a"]}, {"text": RU, "outlet": True}]
    path = write(tmp_path, "batch.json", json.dumps(records))
    reasons = [i.reason for i in read_inputs([str(path)], LIMIT) if isinstance(i, InputRefused)]
    assert reasons == [
        "field 'text' must be a non-empty string, not a number (20240719)",
        "field 'text' must be a non-empty string, not a list",
        "field 'outlet' must be a string or null, not true or false",
    ]


def test_json_list_file(tmp_path: Path) -> None:
    path = write(tmp_path, "batch.json", json.dumps([{"text": RU}, {"text": ""}]))
    items = list(read_inputs([str(path)], LIMIT))
    assert isinstance(items[0], RawInput)
    assert isinstance(items[1], InputRefused)
    assert items[1].source.endswith("batch.json[2]")
    assert items[1].reason == "field 'text' must be a non-empty string, not an empty one"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # json's own message ends in "at": the position follows it once, not "at at"
        ('{"text": "cut short', "Unterminated string starting at line 1, column 10"),
        ('[\n  {"text": 5},\n  {"text" "x"}\n]', "Expecting ':' delimiter at line 3, column 11"),
    ],
)
def test_malformed_json_file_says_where(tmp_path: Path, data: str, reason: str) -> None:
    [item] = read_inputs([str(write(tmp_path, "bad.json", data))], LIMIT)
    assert isinstance(item, InputRefused)
    assert item.reason == f"malformed JSON: {reason}"


def test_an_empty_json_array_is_refused_by_name(tmp_path: Path) -> None:
    [item] = read_inputs([str(write(tmp_path, "empty.json", "[]\n"))], LIMIT)
    assert isinstance(item, InputRefused)
    assert item.reason == "empty JSON array: no records"


def test_stdin_jsonl_streams_with_line_numbers() -> None:
    data = (json.dumps({"id": "a", "text": RU}) + "\n" + "oops\n").encode("utf-8")
    items = list(read_stdin(io.BufferedReader(io.BytesIO(data)), LIMIT))
    assert isinstance(items[0], RawInput) and items[0].source == "stdin:1"
    assert isinstance(items[1], InputRefused) and items[1].source == "stdin:2"


def test_stdin_plain_text() -> None:
    items = list(read_stdin(io.BufferedReader(io.BytesIO(RU.encode("cp1251"))), LIMIT))
    assert len(items) == 1 and isinstance(items[0], RawInput)
    assert items[0].text == RU and items[0].source == "stdin"


def test_jsonl_file_streams_past_fifty_times_the_limit(tmp_path: Path) -> None:
    # A JSON Lines file is read a line at a time: only each record is bounded, not the file.
    limit = 1024
    record = json.dumps({"text": RU}, ensure_ascii=False)
    count = 50 * limit // len(record.encode("utf-8")) + 20
    too_big = json.dumps({"text": "а" * limit}, ensure_ascii=False)
    path = write(tmp_path, "big.jsonl", "\n".join([record] * count + [too_big, record]))
    items = list(read_inputs([str(path)], limit))
    assert path.stat().st_size > 50 * limit
    refused = [i for i in items if isinstance(i, InputRefused)]
    assert [i.source.split("/")[-1] for i in refused] == [f"big.jsonl:{count + 1}"]
    assert len(items) == count + 2


def test_jsonl_file_lines_in_a_legacy_encoding_and_empty_files(tmp_path: Path) -> None:
    line = json.dumps({"text": RU}, ensure_ascii=False).encode("cp1251")
    (item,) = read_inputs([str(write(tmp_path, "legacy.jsonl", line))], LIMIT)
    assert isinstance(item, RawInput) and item.text == RU and item.encoding == "cp1251"
    assert item.decoding and "not UTF-8" in item.decoding
    (empty,) = read_inputs([str(write(tmp_path, "empty.jsonl", "\n\n"))], LIMIT)
    assert isinstance(empty, InputRefused) and empty.reason.startswith("empty file")
