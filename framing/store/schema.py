"""The corpus database's schema, as sqlite-utils migrations applied in order (never edit
one that has shipped: add the next)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from framing.text.fold import fold

migrations = Migrations("framing")


@migrations()
def m001_corpus(db: Database) -> None:
    db["outlets"].create(
        {
            "id": str,
            "name": str,
            "country": str,
            "kind": str,
            "ownership": str,
            "affiliation": str,
            "domains": str,  # JSON list
            "languages": str,  # JSON list
            "facts": str,  # JSON list of {claim, source}
            "registered": int,  # 1 = from the registry, 0 = named by a user only
        },
        pk="id",
    )
    db["articles"].create(
        {
            "id": str,
            "title": str,
            "url": str,
            "date": str,
            "outlet_id": str,
            "lang": str,
            "lang_confidence": float,
            "source": str,
            "text": str,
            "n_sentences": int,
            "n_removed": int,
            "cited": str,  # JSON list of {outlet, text, start, end}
            "ingested_at": str,
        },
        pk="id",
        foreign_keys=[("outlet_id", "outlets", "id")],
        not_null={"text"},
    )
    db["sentences"].create(
        {"article_id": str, "idx": int, "start": int, "end": int, "text": str},
        pk=("article_id", "idx"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["removed_lines"].create(
        {"article_id": str, "line_no": int, "text": str, "reason": str, "detail": str},
        pk=("article_id", "line_no"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["articles"].create_index(["outlet_id"])
    db["articles"].create_index(["date"])


@migrations()
def m002_embedding_cache(db: Database) -> None:
    # Vectors keyed by (model, hash of the exact text): nothing is embedded twice, and a
    # change of model never mixes vectors from two models.
    db["embeddings"].create(
        {"model_id": str, "text_hash": str, "dim": int, "vector": bytes},
        pk=("model_id", "text_hash"),
    )


@migrations()
def m003_analysis_cache(db: Database) -> None:
    # Finished analyses (a comparison, the event grouping) keyed by everything they depend
    # on: the articles, the model and the analysis settings. Pages and re-runs read these.
    db["analyses"].create({"key": str, "kind": str, "created_at": str, "result": str}, pk="key")


@migrations()
def m004_article_search(db: Database) -> None:
    # Full-text search for the home page. FTS5's unicode61 tokenizer folds case in every
    # script (SQLite's LIKE folds ASCII only, useless for Cyrillic); triggers keep it in step.
    db["articles"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True)


@migrations()
def m015_decoding(db: Database) -> None:
    # How an article's bytes were read when they were not clean UTF-8 (a legacy code page,
    # or stray bytes replaced): a fallback is reported, never silent (``framing show``).
    db["articles"].add_column("decoding", str)


@migrations()
def m016_event_index(db: Database) -> None:
    # The incremental event index (framing.event_index): each article's mean calibrated
    # sentence vector and the evidence of each candidate pair, so adding 10 articles to
    # 10,000 embeds and aligns only the new ones. Keyed by what they depend on (model and
    # calibration; plus the event settings for evidence): a change starts a fresh index.
    db["article_centroids"].create(
        {"index_key": str, "article_id": str, "centroid": bytes},
        pk=("index_key", "article_id"),
    )
    db["pair_evidence"].create(
        {"index_key": str, "a": str, "b": str, "evidence": str},
        pk=("index_key", "a", "b"),
    )
    # What a background analysis is doing, for pages that must not wait for it.
    db["analysis_progress"].create(
        {"kind": str, "stage": str, "done": int, "total": int, "updated_at": str, "error": str},
        pk="kind",
    )


@migrations()
def m014_link_corrections(db: Database) -> None:
    # A reader's verdicts on sentence links (confirmed, rejected, added). Sentences are keyed
    # by article, character span and a hash of their text, not by index: a change to the
    # segmenter renumbers sentences but leaves the article's text (and id) as it was.
    db["link_corrections"].create(
        {
            "id": int,
            "event_id": str,
            "a_article": str,
            "a_start": int,
            "a_end": int,
            "a_hash": str,
            "a_text": str,
            "b_article": str,
            "b_start": int,
            "b_end": int,
            "b_hash": str,
            "b_text": str,
            "verdict": str,
            "created_at": str,
        },
        pk="id",
        not_null={"a_article", "b_article", "verdict"},
    )
    db["link_corrections"].create_index(["a_article", "b_article"])


@migrations()
def m014_search_folded(db: Database) -> None:
    # Search across scripts: each article's title and text folded to one Latin skeleton
    # (framing.text.fold), so «Пєсков», «Песков» and "Peskov" find the same articles.
    # Written by add_article (the fold is Python, so no trigger can keep it in step).
    db.execute("create virtual table articles_folded using fts5(body)")
    for row in db.query("select rowid, title, text from articles"):
        db.execute(
            "insert into articles_folded (rowid, body) values (?, ?)",
            [row["rowid"], fold(f"{row['title'] or ''}\n{row['text']}")],
        )


@migrations()
def m016c_article_neighbours(db: Database) -> None:
    # Each article's nearest articles by centroid (framing.alignment.event_neighbours), so
    # adding 50 articles to 5,000 compares the 50 with the stored ones, not every stored pair
    # again.
    db["article_neighbours"].create(
        {"index_key": str, "article_id": str, "neighbours": str, "similarities": bytes},
        pk=("index_key", "article_id"),
    )


@migrations()
def m019_correction_ids_never_reused(db: Database) -> None:
    # An undone correction's id went to the next one (a rowid after a delete), so an old
    # "?correction=N" link showed a later correction (QA, session 19). AUTOINCREMENT never
    # gives an id twice; the table is rebuilt with it (SQLite cannot alter a key), its rows
    # and ids kept, and the sequence starts after the highest id kept.
    table = db["link_corrections"]
    columns = ",\n".join(
        f"[{c.name}] INTEGER PRIMARY KEY AUTOINCREMENT"
        if c.is_pk
        else f"[{c.name}] {c.type}" + (" NOT NULL" if c.notnull else "")
        for c in table.columns
    )
    names = ", ".join(f"[{c.name}]" for c in table.columns)
    db.execute(f"CREATE TABLE [link_corrections_new] (\n{columns}\n)")
    db.execute(f"INSERT INTO link_corrections_new ({names}) SELECT {names} FROM link_corrections")
    db.execute("DROP TABLE link_corrections")
    db.execute("ALTER TABLE link_corrections_new RENAME TO link_corrections")
    db["link_corrections"].create_index(["a_article", "b_article"])


def apply_migrations(db: Database) -> None:
    """Bring the schema up to date, safely when several processes open a new database.

    Migrations.apply reads which migrations are pending and then writes in deferred
    transactions: two processes creating one new database both read "nothing applied", and
    the loser of the write race fails at once with "database is locked" (a deferred
    transaction cannot wait for a lock it wants to upgrade). Under BEGIN IMMEDIATE the
    second one waits (busy_timeout), then finds nothing pending; the migrations' own
    transactions nest as savepoints.
    """
    if not migrations.pending(db):
        return  # the usual case: a read, no lock taken
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
