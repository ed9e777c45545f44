"""The ``Store``: every read and write of the corpus database (articles, caches, the event
index, readers' corrections) and ``open_store``, which opens and migrates it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from framing.errors import NotFound, StoreError
from framing.records import Article
from framing.store.schema import apply_migrations
from framing.text.fold import fold, search_stem

DEFAULT_DB = Path("instance") / "framing.db"
# The columns of a link correction (see m014_link_corrections), as exported and imported.
CORRECTION_FIELDS = (
    "event_id a_article a_start a_end a_hash a_text b_article b_start b_end b_hash b_text "
    "verdict created_at"
).split()

# What to do about a refused write, by SQLite's error name; what is stored so far is kept.
ARTICLES_HINT = "List them with: framing articles"
_WRITE_HINT = "Check the disk and the file's permissions, or choose another with --db / FRAMING_DB."
_WRITE_HINTS = {
    "SQLITE_FULL": "Free disk space and run the command again: the articles already stored "
    "are kept and reported unchanged.",
    "SQLITE_READONLY": "The file or its folder is read-only: make it writable, or choose "
    "another with --db / FRAMING_DB.",
}


def default_db_path() -> Path:
    """``$FRAMING_DB`` if set, else ``instance/framing.db`` under the working directory."""
    return Path(os.environ.get("FRAMING_DB") or DEFAULT_DB)


# Bump when an analysis changes in a way the settings files do not show, so cached
# analyses made by older code are not served.
ANALYSIS_VERSION = 36  # 4: compare links carry tiers (issue 12); 5: an undated pair is one event;
# 6: a quoted name («Интерфакс», газета «Известия») is not a quotation for quote fidelity;
# event labels leave out outlets and weekdays; an insertion takes the quote mark that closes
# a quote its words open; 7: a quotation of a few words of another's is compared with that part;
# 8: the author's words inside a quotation («…, — заявил он. — …») are not the speaker's;
# 9: event labels count every report of their language and name «Крымский мост» whole;
# 10: the guard compares two quotations by the names inside them; 11: event labels name
# Ukrainian places («Києві» → «Київ») and adjectival surnames («Навальной») in the nominative;
# 12: a quoted part across a split quotation leaves out the author's words between its halves;
# 13: a detector suggestion cut around lexicon hits drops pieces of function words alone;
# 14: an aside inside a quotation over several sentences is the speaker's, in the highlights
# and in the comparison's editorial insertions alike; a wire dateline is no self-promotion
# 15: an article's analysis holds its title's lexicon hits (``title_highlights``); 16: a
# suggestion inside quoted speech carries the quoting note, quoted speech has more cues
# (a colon after a speech-verb clause, a comma-dash, a speech verb earlier in the sentence);
# 17: nested straight quotes pair by the side each mark faces, and a colon after a person's
# name («Песков: «…»») or a dash after «…?!» makes a quotation the speaker's; 18: quote
# fidelity, the guard and the editorial insertions read nested straight quotes the same way;
# the guard's name skeleton drops a first g («Гитлер» = "Hitler"); 19: a partial quotation
# in a sentence with a speaker is the speaker's, scare quotes by class, quoted hits counted
# apart in the profile; event grouping leaves background sentences out and needs three shared
# claims where the dates speak against one event; an event is headed without loaded wording;
# 20: a loaded-wording highlight is widened to its phrase (framing/wording/phrase_completion.py)
# 21: a highlight keeps its ``matched`` words; the cleaner drops captions with a credit on
# one line and agency photo credits; 22: words quoted again after their speaker, or after a
# verb of complaining, are the speaker's; an English phrase with a lowercase word is no name
# 23: the guard compares no title or institution as a name across languages ("the Armed
# Forces" / «вооруженные силы», guard.titles), so a stored comparison may link more
# 24: two sentences' first words alike are no shared name for the guard ("Zelensky met
# Biden" / "Zelensky met Macron" differ), so a stored comparison may link less
# 25: a role's genitive complement is part of its speaker («глава киевского режима»), a
# court's people are roles («сказал судья»), and list items under «Главные заявления X:» are X's
# 26: a speaker named on one side only is no different person for the guard
# 27: one word in common is no quoted part for quote fidelity (quotes.partial_min_linked)
# 28: attribution finds institutions after «по данным/за даними», plural labels and «місцеві»
# as unnamed sources, a coordinated verb's speaker; a loaded word in content attributed to a
# named speaker without quote marks carries the quoting note (profile.reported_content);
# compare's added-words spans never end inside a capitalised name (phrases.whole_names)
# 29: a word after an opening quote mark opens its sentence for an
# event's label ("The, Ukraine" named the Kyiv Independent's DniproHES report, qa8)
# 33: attribution measured against a hand-made gold (framing eval-attribution): a source line
# that points back sources the sentence before, a lede's role takes a later name of its kind,
# time phrases, "Kremlin spokesman X", nested quotations, more speech verbs; quote fidelity leaves
# editors' notes out and compares a clause of a longer quotation (lead, session 27)
# 34: an event's headline leaves out a dateline its agency signs in capitals ("YEREVAN,
# AUGUST 29, ARMENPRESS.", qa9)
# 35: the guard vetoes people of different sides («граждан Российской
# Федерации» / «цивільних українців»), shares a lowercase nationality adjective's participant,
# and two bare attributions of different sources are no possible counterparts (guard9, qa8)
# 36 (polish9): a comparison is made once per set of articles, in their ids' sorted order,
# and handed back in the order asked; a speech verb's plural noun after a possessive
# ("Don Lemon's comments") is no attribution cue; «нелюди» in the uk and ru lexicons


def analysis_key(kind: str, *parts: Any) -> str:
    """The key of a cached analysis: everything its result depends on, hashed. Every
    cached analysis (events, comparisons, article highlights) is keyed here."""
    material = [kind, ANALYSIS_VERSION, *parts]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class Store:
    """A corpus database. Open with :func:`open_store`; usable as a context manager."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction that takes the write lock at its start (BEGIN IMMEDIATE).

        A deferred transaction that reads and then writes fails at once with "database is
        locked" when another connection wrote in between (WAL cannot wait there); an
        immediate one waits its turn under ``busy_timeout``. Nested: a savepoint.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise
        self.db.conn.execute("COMMIT")

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction; a write the disk or the file refuses becomes a :class:`StoreError`.

        A full disk or a read-only file shows up only at the first write (often the commit),
        and must reach the user as one line naming the database, not a traceback.
        """
        try:
            with self._immediate():
                yield
        except sqlite3.IntegrityError:
            raise  # a broken invariant of ours, not a condition of the disk
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"Cannot write to the database {self.path or ':memory:'}: {exc}. "
                + _WRITE_HINTS.get(getattr(exc, "sqlite_errorname", ""), _WRITE_HINT)
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes as one: all are kept, or (on an exception) none."""
        with self._writing():
            yield

    # -- outlets -----------------------------------------------------------------------

    def sync_outlets(self, outlets: Iterable[dict[str, Any]]) -> None:
        """Write the registry's outlets (upsert: the registry file is the source of truth)."""
        rows = [
            {
                "id": o["id"],
                "name": o["name"],
                "country": o.get("country"),
                "kind": o.get("kind"),
                "ownership": o.get("ownership"),
                "affiliation": o.get("affiliation"),
                "domains": json.dumps(o.get("domains", []), ensure_ascii=False),
                "languages": json.dumps(o.get("languages", []), ensure_ascii=False),
                "facts": json.dumps(o.get("facts", []), ensure_ascii=False),
                "registered": 1,
            }
            for o in outlets
        ]
        with self._writing():
            self.db["outlets"].upsert_all(rows, pk="id")

    def outlets(self) -> list[dict[str, Any]]:
        sql = "select * from outlets order by name"
        return [_decode_outlet(row) for row in self.db.query(sql)]

    def outlet(self, outlet_id: str) -> dict[str, Any]:
        rows = list(self.db.query("select * from outlets where id = ?", [outlet_id]))
        if not rows:
            raise NotFound(f"No outlet with id {outlet_id!r}", "List them with: framing outlets")
        return _decode_outlet(rows[0])

    # -- articles ----------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return bool(list(self.db.query("select 1 from articles where id = ?", [article_id])))

    def article_ids_at(self, url: str) -> list[str]:
        """Ids of the stored articles taken from ``url`` (a page fetched again after it
        changed holds a new text, so a new article)."""
        rows = self.db.query("select id from articles where url = ? order by id", [url])
        return [row["id"] for row in rows]

    def add_article(self, article: Article) -> bool:
        """Store an article with its sentences and removed lines in one transaction.

        Returns False (and writes nothing) when an article with the same clean text is
        already stored: the id is a hash of the clean text, so re-ingesting is a no-op.
        """
        with self._writing():
            if self.has_article(article.id):
                return False
            if article.outlet and not self._outlet_exists(article.outlet):
                # A user named an outlet the registry does not know: keep the name, mark it.
                self.db["outlets"].insert(
                    {
                        "id": article.outlet,
                        "name": article.outlet_name or article.outlet,
                        "domains": "[]",
                        "languages": "[]",
                        "facts": "[]",
                        "registered": 0,
                    },
                    pk="id",
                )
            self.db["articles"].insert(
                {
                    "id": article.id,
                    "title": article.title,
                    "url": article.url,
                    "date": article.date,
                    "outlet_id": article.outlet,
                    "lang": article.lang,
                    "lang_confidence": article.lang_confidence,
                    "source": article.source,
                    "text": article.text,
                    "n_sentences": len(article.sentences),
                    "n_removed": len(article.removed),
                    "cited": json.dumps(article.cited, ensure_ascii=False),
                    "decoding": article.decoding,
                    "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
                },
                pk="id",
            )
            self.db.execute(
                "insert into articles_folded (rowid, body) select rowid, ? from articles "
                "where id = ?",
                [fold(f"{article.title or ''}\n{article.text}"), article.id],
            )
            self.db["sentences"].insert_all(
                (
                    {
                        "article_id": article.id,
                        "idx": s.index,
                        "start": s.start,
                        "end": s.end,
                        "text": s.text,
                    }
                    for s in article.sentences
                ),
                pk=("article_id", "idx"),
            )
            self.db["removed_lines"].insert_all(
                (
                    {
                        "article_id": article.id,
                        "line_no": r.line_no,
                        "text": r.text,
                        "reason": r.reason,
                        "detail": r.detail,
                    }
                    for r in article.removed
                ),
                pk=("article_id", "line_no"),
            )
        return True

    def _outlet_exists(self, outlet_id: str) -> bool:
        return bool(list(self.db.query("select 1 from outlets where id = ?", [outlet_id])))

    def articles(self) -> Iterator[dict[str, Any]]:
        """Article summaries, newest first (undated last), in a stable order."""
        yield from self._summaries("1", [])

    def search_articles(
        self,
        text: str | None = None,
        outlet: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[dict[str, Any]]:
        """Article summaries (as :meth:`articles`) matching every given filter: words of
        ``text`` (all of them, as word prefixes, in the title or text, in any script's
        spelling), the outlet id, and
        dates within ``date_from``..``date_to`` (ISO dates; undated articles drop out)."""
        where, params = [], []
        words = re.findall(r"\w+", text or "")
        if words:
            # As typed (any script), or in any script's spelling and with its ending
            # dropped (see framing.text.fold): «Пєсков» also finds «Пескова» and "Peskov".
            query = " ".join('"' + word.replace('"', '""') + '"*' for word in words[:20])
            stems = [search_stem(word) for word in words[:20]]
            folded = " ".join(f'"{stem}"*' for stem in stems if stem) or query
            where.append(
                "(a.rowid in (select rowid from articles_fts where articles_fts match ?)"
                " or a.rowid in (select rowid from articles_folded where articles_folded match ?))"
            )
            params += [query, folded]
        if outlet:
            where.append("a.outlet_id = ?")
            params.append(outlet)
        if date_from:
            where.append("a.date >= ?")
            params.append(date_from)
        if date_to:
            where.append("a.date <= ?")
            params.append(date_to)
        return list(self._summaries(" and ".join(where) or "1", params))

    def _summaries(self, where: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        sql = f"""
            select a.id, a.outlet_id as outlet, o.name as outlet_name, a.lang, a.date,
                   a.title, a.url, a.n_sentences, a.n_removed,
                   (select text from sentences s where s.article_id = a.id and s.idx = 0) as lead
            from articles a left join outlets o on o.id = a.outlet_id
            where {where}
            order by a.date is null, a.date desc, a.id
        """
        yield from self.db.query(sql, params)

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full article id for an id or a unique prefix of one (at least 4 characters)."""
        if len(id_or_prefix) < 4 or not all(c in "0123456789abcdef" for c in id_or_prefix):
            raise NotFound(
                f"No article with id {id_or_prefix!r}: ids are hexadecimal, at least 4 characters",
                ARTICLES_HINT,
            )
        rows = list(
            self.db.query(
                "select id from articles where id >= ? and id < ? order by id limit 2",
                [id_or_prefix, id_or_prefix + "g"],
            )
        )
        if not rows:
            raise NotFound(f"No article with id {id_or_prefix!r}", ARTICLES_HINT)
        if len(rows) > 1:
            raise NotFound(f"Article id {id_or_prefix!r} is ambiguous: give more characters.")
        return str(rows[0]["id"])

    def article(self, id_or_prefix: str) -> dict[str, Any]:
        """One article with its sentences and removed lines, as plain data."""
        article_id = self.resolve_id(id_or_prefix)
        row = next(
            self.db.query(
                """select a.*, o.name as outlet_name from articles a
                   left join outlets o on o.id = a.outlet_id where a.id = ?""",
                [article_id],
            )
        )
        sentences = [
            {"index": s["idx"], "text": s["text"], "start": s["start"], "end": s["end"]}
            for s in self.db.query(
                "select * from sentences where article_id = ? order by idx", [article_id]
            )
        ]
        removed = [
            {"line": r["line_no"], "text": r["text"], "reason": r["reason"], "detail": r["detail"]}
            for r in self.db.query(
                "select * from removed_lines where article_id = ? order by line_no",
                [article_id],
            )
        ]
        return {
            "id": row["id"],
            "title": row["title"],
            "url": row["url"],
            "date": row["date"],
            "outlet": row["outlet_id"],
            "outlet_name": row["outlet_name"],
            "lang": row["lang"],
            "lang_confidence": row["lang_confidence"],
            "source": row["source"],
            "cited": self._with_outlet_names(json.loads(row["cited"] or "[]")),
            "decoding": row["decoding"],
            "text": row["text"],
            "sentences": sentences,
            "removed": removed,
        }

    # -- embedding cache ----------------------------------------------------------------

    def cached_vectors(self, model_id: str, hashes: list[str]) -> dict[str, bytes]:
        """Stored vectors (raw float32 bytes) for those of ``hashes`` that have one."""
        found: dict[str, bytes] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = (
                "select text_hash, vector from embeddings "
                f"where model_id = ? and text_hash in ({marks})"
            )
            for row in self.db.query(sql, [model_id, *chunk]):
                found[row["text_hash"]] = row["vector"]
        return found

    def cache_vectors(self, model_id: str, dim: int, vectors: dict[str, bytes]) -> None:
        rows = (
            {"model_id": model_id, "text_hash": h, "dim": dim, "vector": v}
            for h, v in vectors.items()
        )
        with self._writing():
            self.db["embeddings"].insert_all(rows, pk=("model_id", "text_hash"), ignore=True)

    def _with_outlet_names(self, cited: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = {row["id"]: row["name"] for row in self.db.query("select id, name from outlets")}
        return [{**c, "outlet_name": names.get(str(c["outlet"]), c["outlet"])} for c in cited]

    def cached_analysis(self, key: str) -> Any | None:
        """The result cached under ``key`` (see :func:`analysis_key`), or None."""
        rows = list(self.db.query("select result from analyses where key = ?", [key]))
        return json.loads(rows[0]["result"]) if rows else None

    def has_analysis(self, key: str) -> bool:
        """Whether a result is cached under ``key``: a look-up that decodes nothing."""
        return bool(list(self.db.query("select 1 from analyses where key = ? limit 1", [key])))

    def cached_analyses(self, kind: str) -> Iterator[Any]:
        """Every cached analysis of ``kind``, newest first (older groupings of events, say)."""
        sql = "select result from analyses where kind = ? order by created_at desc, rowid desc"
        for row in self.db.query(sql, [kind]):
            yield json.loads(row["result"])

    def cache_analysis(self, key: str, kind: str, result: Any) -> None:
        row = {
            "key": key,
            "kind": kind,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "result": json.dumps(result, ensure_ascii=False),
        }
        with self._writing():
            self.db["analyses"].upsert(row, pk="key")

    # -- link corrections ---------------------------------------------------------------

    def add_correction(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store one correction (the fields of ``CORRECTION_FIELDS``; ``created_at`` is set
        when missing) and return it with its ``id``."""
        row = {name: record.get(name) for name in CORRECTION_FIELDS}
        row["created_at"] = row["created_at"] or datetime.now(UTC).isoformat(timespec="seconds")
        with self._writing():
            table = self.db["link_corrections"].insert(row)
            row_id = table.last_pk
        return {"id": row_id, **row}

    def corrections(self, article_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Corrections, oldest first; with ``article_ids``, those between two of them."""
        rows = self.db.query("select * from link_corrections order by id")
        if article_ids is None:
            return [dict(r) for r in rows]
        wanted = set(article_ids)
        return [dict(r) for r in rows if {r["a_article"], r["b_article"]} <= wanted]

    def correction(self, correction_id: int) -> dict[str, Any]:
        rows = list(self.db.query("select * from link_corrections where id = ?", [correction_id]))
        if not rows:
            raise NotFound(f"No correction with id {correction_id}: it may have been undone.")
        return dict(rows[0])

    def delete_correction(self, correction_id: int) -> dict[str, Any]:
        """Undo: remove one correction; the verdict before it (or the aligner's) applies."""
        found = self.correction(correction_id)
        with self._writing():
            self.db.execute("delete from link_corrections where id = ?", [correction_id])
        return found

    def has_correction(self, record: dict[str, Any]) -> bool:
        """Whether an identical correction (same sentences, verdict and time) is stored, so
        importing an export twice adds nothing."""
        names = [n for n in CORRECTION_FIELDS if n != "event_id"]
        where = " and ".join(f"{n} is ?" for n in names)
        sql = f"select 1 from link_corrections where {where} limit 1"
        return bool(list(self.db.query(sql, [record.get(n) for n in names])))

    def count_articles(self) -> int:
        return int(self.db.execute("select count(*) from articles").fetchone()[0])

    # -- event index (incremental grouping) ----------------------------------------------

    def article_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("select id from articles order by id")]

    def grouping_metadata(self) -> Iterator[dict[str, Any]]:
        """Every article's id, lang, date and title with its sentence texts, by id."""
        sentences: dict[str, list[str]] = {}
        sql = "select article_id, text from sentences order by article_id, idx"
        for article_id, text in self.db.execute(sql):
            sentences.setdefault(article_id, []).append(text)
        for row in self.db.query("select id, lang, date, title from articles order by id"):
            yield {**row, "sentences": sentences.get(row["id"], [])}

    def article_sentences(self, article_id: str) -> list[str]:
        sql = "select text from sentences where article_id = ? order by idx"
        return [row[0] for row in self.db.execute(sql, [article_id])]

    def centroids(self, index_key: str) -> dict[str, bytes]:
        sql = "select article_id, centroid from article_centroids where index_key = ?"
        return {row[0]: row[1] for row in self.db.execute(sql, [index_key])}

    def save_centroids(self, index_key: str, centroids: dict[str, bytes]) -> None:
        rows = (
            {"index_key": index_key, "article_id": i, "centroid": c} for i, c in centroids.items()
        )
        with self._writing():
            self.db["article_centroids"].upsert_all(rows, pk=("index_key", "article_id"))

    def neighbours(self, index_key: str) -> dict[str, tuple[list[str], bytes]]:
        """Each article's nearest articles (ids, space-separated in the store) and their
        similarities (float32 bytes), nearest first."""
        sql = (
            "select article_id, neighbours, similarities from article_neighbours "
            "where index_key = ?"
        )
        return {row[0]: (row[1].split(), row[2]) for row in self.db.execute(sql, [index_key])}

    def save_neighbours(self, index_key: str, lists: dict[str, tuple[list[str], bytes]]) -> None:
        rows = (
            {"index_key": index_key, "article_id": a, "neighbours": " ".join(n), "similarities": s}
            for a, (n, s) in lists.items()
        )
        with self._writing():
            self.db["article_neighbours"].upsert_all(rows, pk=("index_key", "article_id"))

    def pair_evidence(self, index_key: str) -> dict[tuple[str, str], dict[str, Any]]:
        sql = "select a, b, evidence from pair_evidence where index_key = ?"
        return {(a, b): json.loads(e) for a, b, e in self.db.execute(sql, [index_key])}

    def pair_evidence_keys(self) -> list[tuple[str, str]]:
        """Every stored evidence pair, in the order they were stored (any index key)."""
        return [(a, b) for a, b in self.db.execute("select a, b from pair_evidence order by rowid")]

    def save_pair_evidence(
        self, index_key: str, evidence: dict[tuple[str, str], dict[str, Any]]
    ) -> None:
        rows = (
            {"index_key": index_key, "a": a, "b": b, "evidence": json.dumps(e)}
            for (a, b), e in evidence.items()
        )
        with self._writing():
            self.db["pair_evidence"].upsert_all(rows, pk=("index_key", "a", "b"))

    def latest_analysis(self, kind: str) -> Any | None:
        """The newest cached analysis of ``kind`` (the last finished grouping, say)."""
        return next(self.cached_analyses(kind), None)

    def set_progress(self, kind: str, stage: str, done: int, total: int, error: str = "") -> None:
        row = {
            "kind": kind,
            "stage": stage,
            "done": done,
            "total": total,
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "error": error,
        }
        with self._writing():
            self.db["analysis_progress"].upsert(row, pk="kind")

    def progress(self, kind: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from analysis_progress where kind = ?", [kind]))
        return rows[0] if rows else None


def _decode_outlet(row: dict[str, Any]) -> dict[str, Any]:
    decoded = dict(row)
    for key in ("domains", "languages", "facts"):
        decoded[key] = json.loads(row[key] or "[]")
    decoded["registered"] = bool(row["registered"])
    return decoded


def _read_only(path: Path) -> bool:
    """Whether the database file, or the folder its journal files go in, refuses writes."""
    # os.access also sees a read-only mount, which refuses even root.
    return (path.exists() and not os.access(path, os.W_OK)) or (
        path.parent.exists() and not os.access(path.parent, os.W_OK)
    )


def database_stamp(path: str | Path) -> tuple[int, ...]:
    """Changes whenever the database at ``path`` is written (its file or its WAL), read
    without opening it: what a page cache checks on every request."""
    stamp: list[int] = []
    for name in (str(path), f"{path}-wal"):
        try:
            info = os.stat(name)
        except FileNotFoundError:
            stamp += [0, 0]
            continue
        stamp += [info.st_mtime_ns, info.st_size]
    return tuple(stamp)


def open_store(path: str | Path | None = None, create: bool = True) -> Store:
    """Open the corpus database at ``path`` or the default path, creating it if needed;
    with ``create=False`` (commands that only read) a missing database is an error, so a
    mistyped --db never leaves an empty database and folders behind."""
    if path is not None and str(path) == ":memory:":
        db = Database(memory=True)
        db_path = None
    else:
        db_path = Path(path) if path is not None else default_db_path()
        if not create and not db_path.exists():
            raise StoreError(
                f"No database at {db_path}: nothing was ingested there. Check --db / "
                f"FRAMING_DB, or add articles first with: framing ingest PATH --db {db_path}"
            )
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(db_path)
            db.execute("pragma busy_timeout = 10000")
            db.enable_wal()
        except (OSError, sqlite3.Error) as exc:
            if _read_only(db_path):
                raise StoreError(
                    f"Cannot open the database {db_path}: it is read-only ({exc}). Make the "
                    "file and its folder writable, or choose another with --db / FRAMING_DB."
                ) from exc
            raise StoreError(
                f"Cannot open the database {db_path}: {exc}. Check the path and its "
                "permissions, or choose another with --db / FRAMING_DB."
            ) from exc
    db.execute("pragma foreign_keys = on")
    try:
        apply_migrations(db)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot prepare the database {db_path}: {exc}") from exc
    return Store(db, db_path)
