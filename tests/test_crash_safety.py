"""A batch ingest killed midway (SIGKILL: no cleanup runs) loses nothing and leaves no half
article: re-running it adds the rest, reports the stored ones unchanged, and the corpus ends up
identical to that of an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

# The CLI of this tree, whichever virtualenv runs the tests (a worktree has none of its own).
FRAMING = [sys.executable, "-c", "from framing.cli.main import cli; cli(prog_name='framing')"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
N_ARTICLES = 300

RU_SUBJECTS = ["Министр", "Представитель МИД", "Губернатор", "Пресс-секретарь", "Депутат"]
RU_VERBS = ["заявил", "сообщил", "подчеркнул", "отметил", "напомнил"]
RU_TAILS = [
    "что переговоры продолжатся на следующей неделе в Женеве",
    "что поставки зерна возобновятся после проверки судов",
    "что обмен пленными прошёл без задержек",
    "что стороны обсудили гарантии безопасности для атомной станции",
    "что новые санкции затронут банковский сектор",
]
EN_SUBJECTS = ["The minister", "A spokesman", "The governor", "An official", "The envoy"]
EN_VERBS = ["said", "told reporters", "stressed", "noted", "added"]
EN_TAILS = [
    "that talks would resume next week in Geneva",
    "that grain shipments would restart after inspections",
    "that the prisoner exchange went ahead without delays",
    "that both sides discussed safety guarantees for the nuclear plant",
    "that new sanctions would hit the banking sector",
]


def _article(number: int, rng: random.Random) -> str:
    """A plain multi-sentence report, unique by its number, in Russian or English."""
    if number % 2:
        parts = (RU_SUBJECTS, RU_VERBS, RU_TAILS)
        lead = f"Сводка номер {number}: события дня {number % 28 + 1} числа."
    else:
        parts = (EN_SUBJECTS, EN_VERBS, EN_TAILS)
        lead = f"Briefing number {number}: the events of day {number % 28 + 1}."
    sentences = [lead]
    for _ in range(rng.randint(12, 30)):
        subject, verb, tail = (rng.choice(part) for part in parts)
        sentences.append(f"{subject} {verb} {tail}, {rng.randint(2, 999)}.")
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "articles"
    folder.mkdir()
    rng = random.Random(20240521)
    for number in range(N_ARTICLES):
        (folder / f"{number:04d}.txt").write_text(_article(number, rng), "utf-8")
    return folder


def _ingest(db: Path, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*FRAMING, "ingest", "--silent", "--db", str(db), str(folder)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(db: Path) -> int:
    """Articles committed so far, read the way another process would (WAL: no waiting)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or the schema is being written
        return 0


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {
            "articles": conn.execute(
                "select id, title, url, date, outlet_id, lang, source, text, n_sentences,"
                " n_removed, cited from articles order by id"
            ).fetchall(),
            "sentences": conn.execute(
                "select * from sentences order by article_id, idx"
            ).fetchall(),
            "removed_lines": conn.execute(
                "select * from removed_lines order by article_id, line_no"
            ).fetchall(),
        }


def _check_whole_articles(db: Path) -> None:
    """Every stored article has exactly the sentence and removed-line rows it counts."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        partial = conn.execute(
            """select a.id from articles a
               where a.n_sentences != (select count(*) from sentences s where s.article_id = a.id)
                  or a.n_removed != (select count(*) from removed_lines r where r.article_id = a.id)
                  or a.n_sentences = 0"""
        ).fetchall()
        orphans = conn.execute(
            "select count(*) from sentences where article_id not in (select id from articles)"
        ).fetchone()[0]
    assert partial == [] and orphans == 0, (partial, orphans)


def _kill_midway(db: Path, folder: Path) -> int:
    """Start an ingest and SIGKILL it once some but not all articles are stored."""
    process = _ingest(db, folder)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            stored = _count(db)
            if N_ARTICLES // 10 <= stored <= N_ARTICLES // 2:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        process.kill()  # no-op if already dead; never leave it running
        process.communicate()
    return process.returncode


def test_killed_ingest_resumes_without_loss_or_half_articles(batch: Path, tmp_path: Path) -> None:
    clean_db = tmp_path / "clean.db"
    clean = _ingest(clean_db, batch)
    out, err = clean.communicate(timeout=600)
    assert clean.returncode == 0, err
    assert json.loads(out)["added"] == N_ARTICLES
    expected = _snapshot(clean_db)

    for attempt in range(3):  # a machine fast enough to finish between two polls: again
        killed_db = tmp_path / f"killed{attempt}.db"
        if _kill_midway(killed_db, batch) == -signal.SIGKILL:
            break
    else:
        pytest.fail("the ingest finished three times before it could be killed")
    stored = _count(killed_db)
    assert 0 < stored < N_ARTICLES
    _check_whole_articles(killed_db)

    resumed = _ingest(killed_db, batch)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    summary = json.loads(out)
    assert (summary["unchanged"], summary["added"], summary["refused"]) == (
        stored,
        N_ARTICLES - stored,
        0,
    )
    _check_whole_articles(killed_db)
    assert _snapshot(killed_db) == expected


# A child that SIGKILLs itself at the exact point between an article's row and its sentences
# (the third article's), instead of hoping a timed kill lands inside the write.
KILL_BETWEEN_WRITES = """
import os, signal, sys
import sqlite_utils.db
from framing.cli.main import cli

insert_all = sqlite_utils.db.Table.insert_all
seen = 0

def insert_all_then_die(self, *args, **kwargs):
    global seen
    if self.name == "sentences":
        seen += 1
        if seen == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    return insert_all(self, *args, **kwargs)

sqlite_utils.db.Table.insert_all = insert_all_then_die
cli(sys.argv[1:], prog_name="framing")
"""


def test_kill_between_an_article_and_its_sentences(batch: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "five"
    folder.mkdir()
    for path in sorted(batch.iterdir())[:5]:
        shutil.copy(path, folder)
    db = tmp_path / "killed.db"
    env = ENV
    args = ["ingest", "--silent", "--db", str(db), str(folder)]
    killed = subprocess.run(
        [sys.executable, "-c", KILL_BETWEEN_WRITES, *args], env=env, capture_output=True
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _count(db) == 2  # the third article's row died with its transaction
    _check_whole_articles(db)
    resumed = subprocess.run(
        [*FRAMING, *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert (json.loads(resumed.stdout)["unchanged"], json.loads(resumed.stdout)["added"]) == (2, 3)
    _check_whole_articles(db)
