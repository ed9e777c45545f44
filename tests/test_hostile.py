"""The README's table "Bad input → what happens", row by row: what a hostile or careless
user tried (issue 15), reproduced with the exact input, checking the one-line message, the
exit status, and that nothing was lost or half-written.

Commands that need real argv bytes, a FIFO, a second process or a memory reading run the
CLI as a subprocess over this tree; the rest use click's runner and Flask's test client.
What only a browser shows (escaping on every page kind, the CSP, framing) is in
tests/test_browser_hostile.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from framing.cli.main import cli
from framing.errors import FramingError
from webapp import create_app
from webapp.security import CSRF_FAILED

from .conftest import ROOT, SEEDS

EN = (
    "The Kremlin spokesman Dmitry Peskov said on Tuesday that a meeting number {n} was not "
    "being discussed at the moment, according to reporters in Moscow.\n"
)
TOKEN = "a-long-test-token-for-curators"
CLI = "from framing.cli.main import cli; cli(prog_name='framing')"


def framing(*args: str | bytes, **kwargs) -> subprocess.CompletedProcess[bytes]:
    """The CLI of this tree in a process of its own (argv may hold any bytes)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kwargs.pop("env", {})}
    kwargs.setdefault("timeout", 300)
    return subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, env=env, **kwargs
    )


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from articles").fetchone()[0])


def whole(db: Path) -> None:
    """The store is sound and holds no article without all its sentences."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        broken = conn.execute(
            """select a.id from articles a where a.n_sentences !=
               (select count(*) from sentences s where s.article_id = a.id)"""
        ).fetchall()
    assert broken == []


def five_files(folder: Path, odd_name: bytes | None = None) -> Path:
    folder.mkdir()
    for n in range(1, 6):
        name = f"{n}.txt".encode()
        if odd_name and n == 3:
            name = odd_name
        (Path(os.fsdecode(bytes(folder) + b"/" + name))).write_text(EN.format(n=n), "utf-8")
    return folder


# --- 1. bytes that are not UTF-8 in a file name or an argument ------------------------------


def test_file_name_in_cp1251_is_stored_with_the_others(tmp_path: Path) -> None:
    folder = five_files(tmp_path / "in", "Песков.txt".encode("cp1251"))
    done = framing("ingest", "-s", "--db", str(tmp_path / "x.db"), str(folder))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == 5
    assert f"{folder}/\\xcf\\xe5\\xf1\\xea\\xee\\xe2.txt" in {
        r["source"] for r in summary["results"]
    }
    assert count(tmp_path / "x.db") == 5


def test_outlet_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    folder = five_files(tmp_path / "in")
    done = framing("ingest", "-s", "--db", str(tmp_path / "x.db"), "--outlet", b"\xff", str(folder))
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "Error: --outlet '\\xff' is not text: it holds bytes that are not UTF-8. "
        "Give it in UTF-8.\n"
    )
    assert not (tmp_path / "x.db").exists()


# --- 2. several processes creating one new database ----------------------------------------


def test_three_processes_create_one_new_database(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for trial in range(5):
        db = tmp_path / f"new{trial}.db"
        folders = [five_files(tmp_path / f"in{trial}-{k}") for k in range(3)]
        for k, folder in enumerate(folders):  # distinct articles per process
            for path in folder.iterdir():
                path.write_text(path.read_text("utf-8") + f"Process {k}, trial {trial}.\n")
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", CLI, "ingest", "-s", "--db", str(db), str(folder)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            for folder in folders
        ]
        outcomes = [(p.wait(timeout=300), p.stderr.read().decode()) for p in processes]
        for process in processes:
            process.stdout.close()
            process.stderr.close()
        assert [status for status, _ in outcomes] == [0, 0, 0], outcomes
        assert count(db) == 15
        whole(db)


# --- 3. /api/compare with a lone surrogate or deeply nested JSON ----------------------------


@pytest.fixture
def app(seed_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", copy, ignore=shutil.ignore_patterns("curated"))
    monkeypatch.setenv("FRAMING_CORPUS", str(copy))
    return create_app({"TESTING": True, "DATABASE": str(seed_copy), "ADMIN_TOKEN": TOKEN})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"texts": ["\\ud800 A first text that is long enough.", "A second text."]}',
            "Article 1: field 'text' holds an unpaired surrogate (U+D800), not text",
        ),
        (
            '{"texts": [{"text": "One text.", "outlet": "\\udfff"}, "Another text."]}',
            "Article 1: field 'outlet' holds an unpaired surrogate (U+DFFF), not text",
        ),
        ("[" * 100_000 + "]" * 100_000, "Body: JSON nested too deeply."),
        ('{"texts": ' + "[" * 50_000 + "]" * 50_000 + "}", "Body: JSON nested too deeply."),
        (
            '{"texts": ["One.", "Two.", "Three.", "Four."]}',
            "Field 'texts': at most 3 articles are compared at once, not 4.",
        ),
    ],
)
def test_api_compare_refuses_what_is_not_text(client, body: str, message: str) -> None:
    response = client.post("/api/compare", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": message, "status": 400}


def test_api_lexicon_refuses_deep_json(client) -> None:
    response = client.post(
        "/api/lexicon/en",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Body: JSON nested too deeply."


# --- 4. security headers and cookies on every response --------------------------------------

PAGES = ["/glossary", "/outlets", "/compare/new", "/glossary/login", "/api/lexicon?lang=en"]


@pytest.mark.parametrize(
    "path", [*PAGES, "/static/style.css", "/static/app.js", "/no/such/page", "/api/articles/zz"]
)
def test_security_headers_on_every_response(client, path: str) -> None:
    response = client.get(path)
    response.close()  # a static file's handle
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_samesite_lax(client) -> None:
    response = client.get("/glossary/login")  # the form's CSRF token starts a session
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


# --- 5. a FIFO inside an ingested folder ----------------------------------------------------


def test_fifo_in_a_folder_is_refused_not_waited_for(tmp_path: Path) -> None:
    folder = five_files(tmp_path / "in")
    os.mkfifo(folder / "3b.txt")
    done = framing("ingest", "-s", "--db", str(tmp_path / "x.db"), str(folder), timeout=60)
    assert done.returncode == 1
    assert (
        done.stderr.decode()
        == f"refused {folder}/3b.txt: not a regular file (a named pipe): skipped\n"
    )
    assert count(tmp_path / "x.db") == 5


# --- 6. one enormous JSON Lines record on stdin ---------------------------------------------


# The child's own peak RSS (VmHWM, which starts afresh at exec; getrusage's ru_maxrss would
# count the forked test process's pages too), written where the test can read it.
CLI_PEAK = """
import atexit, os, sys
from pathlib import Path
def peak():
    status = Path("/proc/self/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    Path(os.environ["PEAK_FILE"]).write_text(kb)
atexit.register(peak)
from framing.cli.main import cli
cli(prog_name="framing")
"""


def test_huge_stdin_record_is_refused_while_reading(tmp_path: Path) -> None:
    peak = tmp_path / "peak"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PEAK_FILE": str(peak)}
    process = subprocess.Popen(
        [sys.executable, "-c", CLI_PEAK, "ingest", "-s", "--db", str(tmp_path / "x.db"), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    chunk = b"x" * 2**20
    process.stdin.write(b'{"text": "')
    for _ in range(300):  # 300 MB in one line
        process.stdin.write(chunk)
    process.stdin.write(b'"}\n' + json.dumps({"text": EN.format(n=1)}).encode() + b"\n")
    process.stdin.close()
    with process.stdout, process.stderr:
        out, err = process.stdout.read(), process.stderr.read()
    assert process.wait(timeout=300) == 1
    assert err.decode() == (
        "refused stdin:1: too large: more than 4.0 MiB "
        "(raise the limit with --max-bytes if this really is one article)\n"
    )
    assert json.loads(out)["added"] == 1  # the record after it
    # The process itself takes about 270 MB (language models); holding the line would
    # add 300 MB (1.28 GB before the fix).
    peak_mb = int(peak.read_text()) / 1024
    assert 50 < peak_mb < 450, f"peak RSS {peak_mb:.0f} MB"


# --- 7. --max-bytes out of range ------------------------------------------------------------


@pytest.mark.parametrize("value", ["-5", "-1", "0"])
def test_max_bytes_must_be_positive(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(
        cli, ["ingest", "--db", str(tmp_path / "x.db"), "--max-bytes", value, str(SEEDS)]
    )
    assert result.exit_code == 2
    assert f"Invalid value for '--max-bytes': {value} is not in the range x>=1." in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_small_max_bytes_is_said_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(EN.format(n=1), "utf-8")
    args = ["ingest", "-s", "--db", str(tmp_path / "x.db"), "--max-bytes", "100", str(path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"refused {path}: too large: more than 100 bytes "
        "(raise the limit with --max-bytes if this really is one article)\n"
    )


# --- 8. read-only commands and a database that does not exist -------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["articles"],
        ["show", "abcd"],
        ["events"],
        ["links", "export"],  # printed "[]" and left an empty database at the mistyped path
    ],
)
def test_reading_commands_refuse_a_missing_database(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "typo" / "x.db"
    result = CliRunner().invoke(cli, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: No database at {db}: nothing was ingested there. Check --db / FRAMING_DB, "
        f"or add articles first with: framing ingest PATH --db {db}\n"
    )
    assert not (tmp_path / "typo").exists()


# --- 9. a failed compare leaves the store as it was ----------------------------------------


def test_failed_compare_stores_nothing(seed_copy: Path, tmp_path: Path, seed_ids) -> None:
    multi = tmp_path / "multi.jsonl"
    multi.write_text(
        "".join(json.dumps({"text": EN.format(n=n)}) + "\n" for n in range(5)), "utf-8"
    )
    before = count(seed_copy)
    args = ["compare", str(multi), seed_ids["001"], "--db", str(seed_copy)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {multi}: compare takes files holding one article each\n"
    assert count(seed_copy) == before
    single = tmp_path / "one.txt"
    single.write_text(EN.format(n=7), "utf-8")
    result = CliRunner().invoke(cli, ["compare", str(single), "ffff", "--db", str(seed_copy)])
    assert result.exit_code == 1
    assert "No article with id 'ffff'" in result.stderr
    assert count(seed_copy) == before  # the file ingested first is rolled back too


# --- 10. admin tokens: throttled; secret keys: long enough ---------------------------------


def login_token(client) -> str:
    html = client.get("/glossary/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_wrong_admin_tokens_are_throttled(client) -> None:
    csrf = login_token(client)
    statuses = [
        client.post("/glossary/login", data={"token": f"guess{n}", "csrf_token": csrf}).status_code
        for n in range(5)
    ]
    assert statuses == [403] * 5
    response = client.post("/glossary/login", data={"token": TOKEN, "csrf_token": csrf})
    assert response.status_code == 429  # even the right token waits: guessing stops here
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many wrong admin tokens from this address: wait" in response.get_data(True)
    api = client.post(
        "/api/lexicon/en", json={"pattern": "x"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert api.status_code == 429
    assert api.get_json()["error"].startswith("Too many wrong admin tokens")
    assert client.get("/glossary").get_data(True).count("Log out") == 0  # not logged in


def test_throttle_lets_an_address_in_again_after_the_window(app) -> None:
    from webapp.security import LoginThrottle

    throttle = LoginThrottle(limit=2, window=0.5)
    app.extensions["framing_login_throttle"] = throttle
    client = app.test_client()
    csrf = login_token(client)
    for _ in range(2):
        client.post("/glossary/login", data={"token": "guess", "csrf_token": csrf})
    assert (
        client.post("/glossary/login", data={"token": TOKEN, "csrf_token": csrf}).status_code == 429
    )
    time.sleep(0.6)
    assert (
        client.post("/glossary/login", data={"token": TOKEN, "csrf_token": csrf}).status_code == 302
    )


@pytest.mark.parametrize(("key", "size"), [("x", "1 byte"), ("k" * 31, "31 bytes")])
def test_short_secret_key_is_refused(seed_copy: Path, key: str, size: str) -> None:
    with pytest.raises(FramingError) as info:
        create_app({"DATABASE": str(seed_copy), "SECRET_KEY": key})
    assert str(info.value).startswith(
        f"FRAMING_SECRET_KEY is too short: {size}, at least 32 are needed."
    )
    assert create_app({"DATABASE": str(seed_copy), "SECRET_KEY": "k" * 32}).secret_key


def test_serve_refuses_a_short_key_before_loading(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    done = framing("serve", "--load-sample", "--db", str(db), env={"FRAMING_SECRET_KEY": "x"})
    assert done.returncode == 1
    assert done.stderr.decode().startswith("Error: FRAMING_SECRET_KEY is too short: 1 byte")
    assert not db.exists()  # refused before the sample was loaded


# --- 11. dates, methods and form encodings --------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "/api/home?from=2024-13-45",
            400,
            "Field 'from': '2024-13-45' is not a date like 2024-11-07.",
        ),
        ("/api/home?to=2023-02-29", 400, "Field 'to': '2023-02-29' is not a date like 2024-11-07."),
        # the dates the wrong way round listed nothing, as if nothing matched
        (
            "/api/home?from=2024-11-30&to=2024-11-01",
            400,
            "Field 'to': 2024-11-01 is before 'from' (2024-11-30): swap the two dates.",
        ),
        (
            "/api/articles?from=2024-11-30&to=2024-11-01",
            400,
            "Field 'to': 2024-11-01 is before 'from' (2024-11-30): swap the two dates.",
        ),
        # a search with no word in it matched every event (QA, session 20)
        ("/api/home?q=%25", 400, "Field 'q': '%' has no letters or digits to search for."),
        ("/api/articles?q=%C2%AB%C2%BB", 400, "Field 'q': '«»' has no letters or digits"),
        ("/api/home?q=%C2%AB%D0%9F%D0%B5%D1%81%D0%BA%D0%BE%D0%B2%C2%BB", 200, '"ok":true'),
        # an outlet by its name listed nothing, "ok": true; a misspelt one likewise
        ("/api/articles?outlet=Sputnik", 200, '"outlet":"sputnik"'),
        (
            "/api/home?outlet=Sputnk",
            400,
            "Field 'outlet': no outlet 'Sputnk': give an outlet's id or name (GET /api/outlets "
            "lists them).",
        ),
        ("/api/home?from=2024-11-07&to=2024-11-07", 200, '"ok":true'),
        ("/api/home?to=2024-11-07", 200, '"ok":true'),
    ],
)
def test_impossible_dates_are_refused(client, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert message in response.get_data(as_text=True).replace("&#39;", "'")


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("from=2024-13-45", "From: “2024-13-45” is not a date: write it like 2024-11-07."),
        (
            "from=2024-11-30&to=2024-11-01",
            "To: 2024-11-01 is before the From date, 2024-11-30: swap the two dates.",
        ),
        (
            "q=%25",
            "Words in the text or title: “%” has no letters or digits to search for: "
            "type a word or a name.",
        ),
        ("outlet=Sputnk", "Outlet: no outlet “Sputnk” has reports here: choose one from the list."),
        ("page=two", "Events page: “two” is not a page number (1, 2, 3 …)."),
    ],
)
def test_the_search_forms_errors_speak_the_forms_words(client, query: str, said: str) -> None:
    """A teacher who searched from the home page read the API's "Field 'q': …" (QA, session
    20): the page says the form's label and plain words, the JSON twin the field's name."""
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert f'<p class="error">{escape(said)}</p>' in html
    assert "Field" not in html.split('<p class="error">')[1].split("</p>")[0]
    label = said.split(":")[0]
    if not query.startswith("page="):  # the pager has no label of its own
        assert f"<label>{label}" in client.get("/").get_data(as_text=True)  # the form's label
    twin = client.get(f"/api/home?{query}").get_json()
    assert twin["error"].startswith("Field '") and twin["status"] == 400


@pytest.mark.parametrize("path", ["/", "/glossary", "/outlets", "/api/home", "/compare"])
def test_post_to_a_page_that_takes_none_is_405(client, path: str) -> None:
    response = client.post(path, data={"x": "1"})
    assert response.status_code == 405
    text = response.get_data(as_text=True)
    assert "The method is not allowed for the requested URL." in text
    assert "expired" not in text


def test_invalid_utf8_in_a_form_names_the_field(client) -> None:
    csrf = login_token(client)
    body = f"csrf_token={csrf}&token=%ff%fe".encode()
    response = client.post(
        "/glossary/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Field &#39;token&#39;: not valid UTF-8 text." in response.get_data(as_text=True)


# --- 12. a decoding fallback is reported ----------------------------------------------------


def test_stray_bytes_in_english_are_reported_not_garbled(tmp_path: Path) -> None:
    # 0x81 has no meaning in cp1252, so the detector's guess was cp1251 ("Ѓ" amid English)
    path = tmp_path / "en.txt"
    text = EN.format(n=1) + EN.format(n=2)
    path.write_bytes(text[:60].encode() + b"\x81\x81" + text[60:].encode())
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(path)])
    assert result.exit_code == 0
    note = "not valid UTF-8: 2 undecodable bytes replaced with U+FFFD"
    assert f"warning {path}: {note}" in result.stderr.splitlines()
    [row] = json.loads(result.stdout)["results"]
    assert row["decoding"] == note
    show = ["show", row["article_id"], "--db", str(db)]
    shown = json.loads(CliRunner().invoke(cli, show).stdout)
    assert shown["decoding"] == note
    assert "\ufffd\ufffd" in shown["text"] and not re.search("[\u0400-\u04ff]", shown["text"])
    assert f"read:   {note}" in CliRunner().invoke(cli, [*show, "--format", "text"]).stdout


def test_latin_guess_is_reported(tmp_path: Path) -> None:
    # Bytes that mean letters in cp1252 may be a French name or strays: the guess is kept
    # and said, in the summary and in show.
    path = tmp_path / "en.txt"
    text = EN.format(n=1) + EN.format(n=2)
    path.write_bytes(text[:60].encode() + b"\xc0\xe8" + text[60:].encode())
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.db"), str(path)])
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)["results"]
    assert row["decoding"] == "not UTF-8: decoded as cp1252, a guess from its bytes: check the text"


def test_cp1251_file_is_decoded_and_the_guess_reported(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(
        "Пресс-секретарь Кремля Дмитрий Песков заявил, что встреча пока не обсуждается.\n".encode(
            "cp1251"
        )
    )
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.db"), str(path)])
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)["results"]
    assert row["decoding"] == "not UTF-8: decoded as cp1251, a guess from its bytes: check the text"


# --- rows that already held: kept green -----------------------------------------------------


def test_oversized_body_is_413(client) -> None:
    response = client.post(
        "/api/compare", data=b"x" * (2 * 2**20 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"].startswith("The request is larger than the limit of 2.0 MB")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../framing/settings.py",
        "/static/..%2f..%2fframing%2fsettings.py",
        "/static/%2e%2e/x",
    ],
)
def test_path_traversal_finds_nothing(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert b"def open_store" not in response.get_data()


# A reader's link correction (issue 14), posted to the form route and its JSON twin.
LINK_FORM = {
    "a_article": "aaaa",
    "a_sentence": "0",
    "b_article": "bbbb",
    "b_sentence": "0",
    "verdict": "rejected",
}

# Every POST route of the app, with what a forged request would do if it got through.
FORM_POSTS = {
    "/compare/new": {"text1": "A first text.", "text2": "A second text.", "save": "yes"},
    "/glossary/login": {"token": TOKEN},
    "/glossary/logout": {},
    "/glossary/new": {"lang": "en", "pattern": "forged entry", "category": "euphemism"},
    "/glossary/en/so-called/edit": {"pattern": "so-called", "retired": "on"},
    "/api/compare": {"text1": "A first text.", "text2": "A second text."},
    # readers' link corrections (issue 14)
    "/links": LINK_FORM,
    "/links/undo": {"ids": "1"},
    "/api/links": LINK_FORM,
    "/api/links/1/undo": {},
}
JSON_POSTS = {  # JSON bodies: no cookie authority
    "/api/compare",
    "/api/lexicon/<lang>",
    "/api/links",
    "/api/links/<int:correction_id>/undo",
}


def test_every_post_route_is_covered(app) -> None:
    routes = {r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    forms = {
        re.sub(r"/en/so-called/", "/<lang>/<path:pattern>/", p).replace(
            "/links/1/", "/links/<int:correction_id>/"
        )
        for p in FORM_POSTS
    }
    assert routes == forms | JSON_POSTS


def log_in(client):
    response = client.post(
        "/glossary/login", data={"token": TOKEN, "csrf_token": login_token(client)}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("path", list(FORM_POSTS))
@pytest.mark.parametrize("kind", ["missing", "forged", "stale", "cross-session"])
def test_forged_csrf_tokens_are_refused(app, seed_copy: Path, path: str, kind: str) -> None:
    victim = log_in(app.test_client())
    token = {
        "missing": None,
        "forged": "A" * 43,
        "stale": login_token(victim),
        "cross-session": login_token(app.test_client()),  # real, of the attacker's session
    }[kind]
    if kind == "stale":
        victim.delete_cookie("session")  # the session ended (expired, browser restarted)
        log_in(victim)  # a new one, with a new token: the old one must not pass
    data = dict(FORM_POSTS[path], **({"csrf_token": token} if token else {}))
    before = count(seed_copy)
    overlay = Path(os.environ["FRAMING_CORPUS"]) / "lexicons" / "curated"
    response = victim.post(path, data=data)
    assert response.status_code == 400
    said = response.get_json()["error"] if path.startswith("/api/") else response.get_data(True)
    assert CSRF_FAILED in said.replace("&#39;", "'")
    assert count(seed_copy) == before
    assert not overlay.exists() or not any(overlay.iterdir())
    assert "Log out" in victim.get("/glossary").get_data(as_text=True)  # still logged in


def test_uploaded_file_keeps_its_decoding_note(app, client, seed_copy: Path, model) -> None:
    app.extensions["framing_embedder"] = model
    stray = (EN.format(n=1)[:60].encode() + b"\x81" + EN.format(n=1)[60:].encode()) * 2
    data = {
        "file1": (io.BytesIO(stray), "stray.txt"),
        "text2": EN.format(n=2) + EN.format(n=3),
        "save": "yes",
        "csrf_token": login_token(client),
    }
    response = client.post("/api/compare", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    first = response.get_json()["comparison"]["articles"][0]["id"]
    shown = CliRunner().invoke(cli, ["show", first, "--db", str(seed_copy)])
    assert json.loads(shown.stdout)["decoding"] == (
        "not valid UTF-8: 2 undecodable bytes replaced with U+FFFD"
    )


# --- CSV exports opened in a spreadsheet ----------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_text(tmp_path: Path) -> None:
    """A title or sentence beginning with = + - @ was written as is: a spreadsheet runs
    "=HYPERLINK(...)" as a formula (and shows a reported "- Это так" as #NAME?)."""
    from framing.output import write_rows

    out = io.StringIO()
    rows = [
        {"a": '=HYPERLINK("http://evil.example","click")', "b": 1.5},
        {"a": "- Это так, сказал он.", "b": -2},
        {"a": "+7 999", "b": None},
        {"a": "@SUM(A1)", "b": "fine"},
        {"a": "Plain text - with a dash", "b": 0},
    ]
    write_rows(rows, "csv", out)
    assert out.getvalue().splitlines() == [
        "a,b",
        '"\'=HYPERLINK(""http://evil.example"",""click"")",1.5',
        '"\'- Это так, сказал он.",-2',
        "'+7 999,",
        "'@SUM(A1),fine",
        "Plain text - with a dash,0",
    ]
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"title": "=1+1", "text": EN.format(n=1)}), "utf-8")
    db = tmp_path / "x.db"
    assert CliRunner().invoke(cli, ["ingest", str(record), "--db", str(db), "-s"]).exit_code == 0
    listed = CliRunner().invoke(cli, ["articles", "--db", str(db), "--format", "csv"]).stdout
    assert ",'=1+1," in listed
