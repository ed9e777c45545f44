"""The command line: exact outputs per format, exit statuses, messages on stderr."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.store import open_store

from .conftest import SEEDS

RU = "Пресс-секретарь Кремля Дмитрий Песков заявил журналистам, что встреча пока не обсуждается."


def seed_rows(db: Path) -> list[dict]:
    with open_store(db) as store:
        return list(store.articles())


def test_ingest_seeds_then_articles(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    result = runner.invoke(cli, ["ingest", str(SEEDS), "--db", db, "--silent"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["unchanged"], summary["refused"]) == (4, 0, 0)
    again = runner.invoke(cli, ["ingest", str(SEEDS), "--db", db, "--silent"])
    assert json.loads(again.stdout)["unchanged"] == 4

    listing = runner.invoke(cli, ["articles", "--db", db])
    assert listing.exit_code == 0
    rows = json.loads(listing.stdout)
    assert sorted(r["lang"] for r in rows) == ["en", "en", "ru", "ru"]
    assert list(rows[0]) == [
        *("id", "outlet", "url", "lang", "date", "title", "n_sentences", "n_removed")
    ]


def test_articles_formats_exact(runner: CliRunner, seed_db: Path) -> None:
    rows = seed_rows(seed_db)
    columns = ["id", "outlet", "url", "lang", "date", "title", "n_sentences", "n_removed"]
    picked = [{c: r[c] for c in columns} for r in rows]

    as_json = runner.invoke(cli, ["articles", "--db", str(seed_db)]).stdout
    expected_json = "[\n " + ",\n ".join(json.dumps(p, ensure_ascii=False) for p in picked)
    assert as_json == expected_json + "\n]\n"

    as_jsonl = runner.invoke(cli, ["articles", "--db", str(seed_db), "--format", "jsonl"]).stdout
    assert as_jsonl == "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in picked)
    # sqlite-utils' spelling, which a researcher types from habit (QA, session 25)
    assert runner.invoke(cli, ["articles", "--db", str(seed_db), "--nl"]).stdout == as_jsonl

    as_csv = runner.invoke(cli, ["articles", "--db", str(seed_db), "--format", "csv"]).stdout
    lines = as_csv.splitlines()
    assert lines[0] == ",".join(columns)
    assert len(lines) == 5
    sputnik_2024 = next(p for p in picked if p["date"] == "2024-11-07")
    assert sputnik_2024["url"].startswith("https://sputnikglobe.com/20241107/")
    assert (
        f"{sputnik_2024['id']},sputnik,{sputnik_2024['url']},en,2024-11-07,"
        "Kremlin Says Russian Representatives Held No "
        f"Contacts With Trump's Campaign Office,{sputnik_2024['n_sentences']},"
        f"{sputnik_2024['n_removed']}"
    ) in lines


def test_articles_on_empty_db(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    open_store(db).close()  # a database with no articles (a missing one is an error)
    assert runner.invoke(cli, ["articles", "--db", db]).stdout == "[]\n"
    assert runner.invoke(cli, ["articles", "--db", db, "--format", "csv"]).stdout == ""


def test_show_json_and_text(runner: CliRunner, seed_db: Path) -> None:
    row = next(r for r in seed_rows(seed_db) if r["date"] == "2020-12-15")
    result = runner.invoke(cli, ["show", row["id"][:6], "--db", str(seed_db)])
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["id"] == row["id"]
    assert shown["sentences"][0] == {
        "index": 0,
        "text": shown["text"][: shown["sentences"][0]["end"]],
        "start": 0,
        "end": shown["sentences"][0]["end"],
    }
    assert {"line", "text", "reason", "detail"} == set(shown["removed"][0])

    text = runner.invoke(cli, ["show", row["id"], "--db", str(seed_db), "--format", "text"])
    assert text.stdout.startswith(
        f"id:     {row['id']}\ntitle:  Putin Congratulates Biden on Election Victory\n"
        "outlet: Sputnik\nlang:   en\ndate:   2020-12-15\n"
    )
    assert "\nSentences:\n  [0] " in text.stdout
    assert "\nRemoved site furniture:\n  line " in text.stdout


def test_show_unknown_id(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(cli, ["show", "ffffffff", "--db", str(seed_db)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: No article with id 'ffffffff'. List them with: framing articles\n"
    )


def test_compare_names_a_missing_file_as_a_file(runner: CliRunner, seed_db: Path, tmp_path: Path):
    """A mistyped file name was answered "No article with id '/tmp/x/typo.txt': ids are
    hexadecimal", as if the user had meant an id."""
    typo = tmp_path / "typo.txt"
    first = next(SEEDS.glob("*.txt"))
    for given, message in [
        (typo, f"Error: {typo}: no such file (nor an article id, which is hexadecimal)"),
        (
            tmp_path,
            f"Error: {tmp_path}: a folder, not a file: compare takes 2 or 3 files, links or "
            "article ids (give the files in it by name)",
        ),
        ("zzzz", "Error: No article with id 'zzzz': ids are hexadecimal, at least 4 characters."),
    ]:
        result = runner.invoke(cli, ["compare", str(first), str(given), "--db", str(seed_db)])
        assert result.exit_code == 1
        assert result.stderr.startswith(message), result.stderr


def test_ingest_reports_refusals_and_keeps_good(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RU * 2, "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy.txt").write_bytes((RU + " Это старая кодировка.").encode("koi8_r"))
    db = str(tmp_path / "x.db")
    result = runner.invoke(cli, ["ingest", str(folder), "--db", db, "--silent"])
    assert result.exit_code == 1
    assert result.stderr == f"refused {folder / 'empty.txt'}: empty file\n"
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["refused"]) == (2, 1)
    assert len(seed_rows(Path(db))) == 2


def test_ingest_stdin_jsonl_with_flags(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    records = json.dumps({"id": "r1", "text": RU, "title": "Песков о встрече"}) + "\n"
    result = runner.invoke(
        cli,
        ["ingest", "-", "--db", db, "--outlet", "TASS", "--date", "2024-11-07"],
        input=records.encode("utf-8"),
    )
    assert result.exit_code == 0, result.stderr
    [row] = seed_rows(Path(db))
    assert (row["outlet"], row["date"], row["lang"], row["title"]) == (
        "tass",
        "2024-11-07",
        "ru",
        "Песков о встрече",
    )


def test_ingesting_a_stored_text_again_says_its_metadata_is_not_applied(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A researcher's JSON Lines records (outlet, date), ingested after the same texts as
    bare files, were "unchanged" and their outlet and date dropped without a word (QA,
    session 24): the warning names what was not applied; the stored article is unchanged."""
    db = str(tmp_path / "x.db")
    (tmp_path / "ru.txt").write_text(RU, "utf-8")
    assert runner.invoke(cli, ["ingest", str(tmp_path / "ru.txt"), "--db", db, "-s"]).exit_code == 0
    record = json.dumps({"id": "r1", "text": RU, "outlet": "TASS", "date": "2024-11-07"})
    (tmp_path / "batch.jsonl").write_text(record + "\n", "utf-8")
    result = runner.invoke(cli, ["ingest", str(tmp_path / "batch.jsonl"), "--db", db])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["unchanged"] == 1
    assert "batch.jsonl:1: the same text is already stored as article" in result.stderr
    assert "outlet 'tass', date '2024-11-07' not applied" in result.stderr
    [row] = seed_rows(Path(db))
    assert (row["outlet"], row["date"]) == (None, None)
    # the same file again brings nothing new: no warning
    again = runner.invoke(cli, ["ingest", str(tmp_path / "ru.txt"), "--db", db])
    assert "not applied" not in again.stderr


def test_ingest_bad_flag_values(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    result = runner.invoke(cli, ["ingest", str(SEEDS), "--db", db, "--date", "yesterday"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --date 'yesterday' is not a date: use YYYY-MM-DD\n"


def test_every_command_has_an_example(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        help_text = runner.invoke(cli, [name, "-h"]).stdout
        assert "Example:" in help_text, name
        assert command.help


def test_h_still_works_after_a_command_ran_on_its_own(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # click caches a command's help option on first use: forget what earlier tests cached, then
    # run the command outside the group first
    from framing.cli.lab_loaded import train_detector_command

    monkeypatch.setattr(train_detector_command, "_help_option", None)
    runner.invoke(train_detector_command, ["--data", "/nonexistent", "-s"])
    assert "Example:" in runner.invoke(cli, ["train-detector", "-h"]).stdout


@pytest.mark.parametrize("module", ["framing.cli.main"])
def test_runs_as_a_module(module: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.startswith("framing, version"), done


def test_events_refuses_workers_without_dask(runner: CliRunner, seed_db: Path) -> None:
    """`score --workers 4` runs four processes; `events --workers 4` was silently ignored
    without --engine dask (the local engine embeds in its own process)."""
    result = runner.invoke(cli, ["events", "--db", str(seed_db), "--workers", "4"])
    assert result.exit_code == 2
    assert "--workers needs --engine dask" in result.stderr


def test_compare_says_on_stderr_what_it_is_doing(
    runner: CliRunner, seed_copy: Path, seed_ids: dict[str, str]
) -> None:
    """`framing compare` was silent for the half minute its model took to load (QA, session
    19): it says so on stderr, stdout keeps the data only, and --silent quiets it."""
    args = ["compare", seed_ids["001"], seed_ids["002"], "--db", str(seed_copy), "--no-phrases"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0] == "Comparing 2 articles…"
    assert lines[1].startswith("Loading the embedding model (")
    assert re.fullmatch(r"Model loaded \(\d+ s\)\.", lines[2])
    assert re.fullmatch(r"Compared 2 articles in \d+ s\.", lines[-1])
    # the stored comparison loads no model, and says nothing of one
    again = runner.invoke(cli, args)
    assert "Loading" not in again.stderr
    assert again.stdout == result.stdout
    silent = runner.invoke(cli, [*args, "--silent"])
    assert (silent.exit_code, silent.stderr) == (0, "")


def test_compare_refuses_a_wrong_count_before_it_reads_or_stores(
    runner: CliRunner, seed_copy: Path, tmp_path: Path
) -> None:
    """`framing compare FILE` ingested the file, creating the store, and only then said
    "compare takes 2 or 3 articles, not 1" (after "Comparing 1 articles…"); two files of
    one text were both stored before "the same article was given twice" (QA, session 20)."""
    text = tmp_path / "one.txt"
    text.write_text(
        "Песков заявил журналистам, что Кремль пока не получал предложения о встрече.\n\n"
        "По его словам, график президента на следующую неделю ещё не составлен.\n",
        "utf-8",
    )
    fresh = tmp_path / "fresh.db"
    result = runner.invoke(cli, ["compare", str(text), "--db", str(fresh)])
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: compare takes 2 or 3 articles, not 1\n",
    )
    assert not fresh.exists()
    twin = tmp_path / "twin.txt"
    twin.write_bytes(text.read_bytes())
    before = seed_rows(seed_copy)
    result = runner.invoke(cli, ["compare", str(text), str(twin), "--db", str(seed_copy)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: compare needs different articles: the same article was given twice\n"
    )
    assert seed_rows(seed_copy) == before


def test_events_says_on_stderr_what_it_is_doing(runner: CliRunner, seed_copy: Path) -> None:
    """`framing events` was silent while its model loaded, as compare was before session 19
    (QA, session 20): it says so on stderr, stdout keeps the data, --silent quiets it."""
    result = runner.invoke(cli, ["events", "--db", str(seed_copy)])
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    lines = result.stderr.splitlines()
    assert lines[0] == "Grouping 4 articles into events…"
    assert lines[1].startswith("Loading the embedding model (")
    assert re.fullmatch(r"Model loaded \(\d+ s\)\.", lines[2])
    assert re.fullmatch(rf"Found {len(found)} events in \d+ s\.", lines[-1])
    # the stored grouping loads no model, and says nothing of one
    again = runner.invoke(cli, ["events", "--db", str(seed_copy)])
    assert "Loading" not in again.stderr and again.stdout == result.stdout
    silent = runner.invoke(cli, ["events", "--db", str(seed_copy), "--silent"])
    assert (silent.exit_code, silent.stderr, silent.stdout) == (0, "", result.stdout)


def test_compare_json_says_each_claims_kind_as_the_view_does(
    runner: CliRunner, seed_copy: Path, seed_ids: dict[str, str]
) -> None:
    """The JSON's `claims` carried no kind, which the text format and the web view show
    (QA, session 20): `rows` holds each claim with its kind, status and links, as the web
    app's JSON has them, in the claims' order."""
    args = ["compare", seed_ids["001"], seed_ids["002"], "--db", str(seed_copy), "--no-phrases"]
    result = runner.invoke(cli, [*args, "-s"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = data["rows"]
    assert [r["cells"] for r in rows] == data["claims"]
    assert [r["number"] for r in rows] == list(range(len(rows)))
    text = runner.invoke(cli, [*args, "-s", "--format", "text"]).stdout
    said = re.findall(r"^Claim \d+ \((shared|possible counterpart|only)", text, re.MULTILINE)
    kinds = {"shared": "shared", "possible counterpart": "possible", "only": "only"}
    assert [kinds[s] for s in said] == [r["kind"] for r in rows]
    assert {"shared", "only"} <= {r["kind"] for r in rows}
    for row in rows:
        assert all(link["kind"] in ("equivalent", "partial") for link in row["links"])


def test_compare_text_says_which_report_lacks_an_insertion() -> None:
    """With three reports the same added words were listed twice, once against each other
    report, with nothing to tell the lines apart (QA, session 24): each says which report
    lacks them, as the JSON's `against` does."""
    from framing.cli.compare import render_comparison

    articles = [
        {"id": aid, "lang": lang, "outlet": outlet, "url": None, "sentences": [{"text": "…"}]}
        for aid, lang, outlet in (
            ("a1", "uk", "companion-ua"),
            ("b2", "ru", None),
            ("c3", "en", None),
        )
    ]
    added = {"article": "a1", "sentence": 0, "text": "за два роки захисту", "kind": "content"}
    result = {
        "articles": articles,
        "pairs": [],
        "claims": [],
        "insertions": [{**added, "against": "b2"}, {**added, "against": "c3"}],
        "quotes": [],
    }
    lines = render_comparison(result).splitlines()
    assert len(lines) == 2 and lines[0] != lines[1]
    assert lines[0].endswith(", not in Unknown outlet (ru, b2): «за два роки захисту» (content)")
    assert "not in Unknown outlet (en, c3)" in lines[1]


def test_compare_outlet_names_each_file_in_order(
    runner: CliRunner, seed_copy: Path, tmp_path: Path, model
) -> None:
    """`framing compare FILE…` named each file "Unknown outlet (ru, af976e)" (QA, session
    24): --outlet, once per file, in their order, as score and ingest spell it."""
    ru, en = tmp_path / "ru.txt", tmp_path / "en.txt"
    ru.write_text("Песков заявил, что Кремль не получал предложения о встрече.\n", "utf-8")
    en.write_text("Peskov said the Kremlin had received no proposal for a meeting.\n", "utf-8")
    args = ["compare", str(ru), str(en), "--db", str(seed_copy), "--no-phrases", "--same-event"]
    result = runner.invoke(cli, [*args, "--outlet", "RIA Krym", "--outlet", "Kyiv Wire"])
    assert result.exit_code == 0, result.stderr
    outlets = [article["outlet_name"] for article in json.loads(result.stdout)["articles"]]
    assert outlets == ["RIA Krym", "Kyiv Wire"]
    # the same texts again with other outlets: stored as they were, and said so
    again = runner.invoke(cli, [*args, "--outlet", "TASS", "--outlet", "Kyiv Wire"])
    assert again.exit_code == 0, again.stderr
    assert f"warning {ru}: the same text is already stored" in again.stderr
    assert "outlet 'tass' not applied" in again.stderr  # the registry's id
    assert str(en) not in again.stderr  # its outlet was the stored one


def test_compare_outlet_count_must_match_the_files(
    runner: CliRunner, seed_copy: Path, seed_ids: dict[str, str], tmp_path: Path
) -> None:
    text = tmp_path / "ru.txt"
    text.write_text("Песков заявил, что Кремль не получал предложения о встрече.\n", "utf-8")
    before = seed_rows(seed_copy)
    both = ["--outlet", "RIA", "--outlet", "TASS"]
    result = runner.invoke(
        cli, ["compare", str(text), seed_ids["001"], "--db", str(seed_copy), *both]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --outlet given 2 times for 1 file or link: give one --outlet per file or link, "
        "in their order (stored ids take none)\n"
    )
    assert seed_rows(seed_copy) == before
