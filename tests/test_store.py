"""The SQLite store: schema, keys, WAL, one transaction per article."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from framing.errors import NotFound, StoreError
from framing.records import Article, RemovedLine, Sentence
from framing.store import Store, open_store


def make_article(article_id: str = "a" * 16, sentences: list[Sentence] | None = None) -> Article:
    text = "Первое предложение. Второе предложение."
    return Article(
        id=article_id,
        text=text,
        source="test",
        lang="ru",
        sentences=sentences
        if sentences is not None
        else [Sentence(0, 0, 19, text[:19]), Sentence(1, 20, 39, text[20:39])],
        removed=[RemovedLine(1, "loader", "known-furniture", "A page widget.")],
    )


def test_schema_keys_and_wal(store: Store, db_path: Path) -> None:
    tables = set(store.db.table_names())
    assert {"outlets", "articles", "sentences", "removed_lines"} <= tables
    assert store.db["articles"].pks == ["id"]
    assert store.db["sentences"].pks == ["article_id", "idx"]
    assert store.db["removed_lines"].pks == ["article_id", "line_no"]
    fks = {(fk.column, fk.other_table) for fk in store.db["sentences"].foreign_keys}
    assert fks == {("article_id", "articles")}
    fks = {(fk.column, fk.other_table) for fk in store.db["articles"].foreign_keys}
    assert fks == {("outlet_id", "outlets")}
    assert store.db.journal_mode == "wal"


def test_add_and_read_back(store: Store) -> None:
    assert store.add_article(make_article()) is True
    assert store.add_article(make_article()) is False
    article = store.article("aaaa")
    assert article["sentences"][1] == {
        "index": 1,
        "text": "Второе предложение.",
        "start": 20,
        "end": 39,
    }
    assert article["removed"] == [
        {"line": 1, "text": "loader", "reason": "known-furniture", "detail": "A page widget."}
    ]


def test_never_half_an_article(store: Store) -> None:
    # Two sentences with the same index violate the primary key after the article row and
    # the first sentence were written: the whole article must roll back.
    broken = make_article("b" * 16, [Sentence(0, 0, 5, "Первое"), Sentence(0, 6, 10, "ое п")])
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(broken)
    assert store.count_articles() == 0
    assert store.db.execute("select count(*) from sentences").fetchone()[0] == 0
    assert store.db.execute("select count(*) from removed_lines").fetchone()[0] == 0
    assert store.add_article(make_article()) is True


def test_user_named_outlet_is_kept_unregistered(store: Store) -> None:
    article = make_article()
    article.outlet, article.outlet_name = "local-gazette", "Local Gazette"
    store.add_article(article)
    outlet = store.outlet("local-gazette")
    assert outlet["name"] == "Local Gazette" and outlet["registered"] is False


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "zz",
            "No article with id 'zz': ids are hexadecimal, at least 4 characters. "
            "List them with: framing articles",
        ),
        ("cccc", "No article with id 'cccc'. List them with: framing articles"),
    ],
)
def test_unknown_ids(store: Store, given: str, message: str) -> None:
    with pytest.raises(NotFound) as info:
        store.article(given)
    assert str(info.value) == message


def test_ambiguous_prefix(store: Store) -> None:
    store.add_article(make_article("abcd" + "1" * 12))
    store.add_article(make_article("abcd" + "2" * 12))
    with pytest.raises(NotFound, match="ambiguous"):
        store.article("abcd")
    assert store.article("abcd1")["id"] == "abcd" + "1" * 12


def test_unwritable_location(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Cannot open the database"):
        open_store(blocker / "sub" / "x.db")


def test_integrity_after_seed_ingest(seed_db: Path) -> None:
    with sqlite3.connect(seed_db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_opens_in_datasette(seed_db: Path) -> None:
    import json
    import subprocess
    import sys

    datasette = Path(sys.executable).with_name("datasette")
    for table in ("outlets", "articles", "sentences", "removed_lines"):
        done = subprocess.run(
            [str(datasette), str(seed_db), "--get", f"/seeds/{table}.json?_shape=array"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        rows = json.loads(done.stdout)
        assert rows, table


def _correction(n: int) -> dict:
    return {
        "a_article": "a" * 16,
        "a_start": n,
        "a_end": n + 5,
        "a_hash": "h",
        "a_text": "one",
        "b_article": "b" * 16,
        "b_start": 0,
        "b_end": 5,
        "b_hash": "h",
        "b_text": "two",
        "verdict": "confirmed",
    }


def test_an_undone_correction_id_is_never_given_again(db_path: Path) -> None:
    """An undone correction's id went to the next one (a rowid after a delete), so an old
    ``?correction=N`` link showed a later correction (QA, session 19)."""
    with open_store(db_path) as store:
        first = store.add_correction(_correction(0))["id"]
        second = store.add_correction(_correction(1))["id"]
        store.delete_correction(second)
        third = store.add_correction(_correction(2))["id"]
        assert third not in (first, second)
        with pytest.raises(NotFound, match="may have been undone"):
            store.correction(second)


def test_a_store_made_before_migration_19_keeps_its_corrections(db_path: Path) -> None:
    """A store whose link_corrections table reuses ids (as m014 made it) is rebuilt with its
    rows and ids as they were, and gives no id twice after the migration."""
    with open_store(db_path) as store:
        store.db["link_corrections"].drop()
        store.db["_sqlite_migrations"].delete_where(
            "name = ?", ["m019_correction_ids_never_reused"]
        )
        columns = {name: type(value) for name, value in _correction(0).items()}
        store.db["link_corrections"].create(
            {"id": int, **columns, "event_id": str, "created_at": str},
            pk="id",
            not_null={"a_article", "b_article", "verdict"},
        )
        for n in (1, 2, 5):
            store.db["link_corrections"].insert({"id": n, **_correction(n)})
        before = [dict(r) for r in store.db.query("select * from link_corrections order by id")]
    with open_store(db_path) as store:
        assert store.corrections() == before
        assert "AUTOINCREMENT" in store.db["link_corrections"].schema
        assert store.db["link_corrections"].indexes
        store.delete_correction(5)
        assert store.add_correction(_correction(6))["id"] == 6


def test_has_analysis_tells_a_stored_result_from_none(store: Store) -> None:
    assert not store.has_analysis("k1")
    store.cache_analysis("k1", "article", {"highlights": []})
    assert store.has_analysis("k1") and not store.has_analysis("k2")
    assert store.cached_analysis("k1") == {"highlights": []}
