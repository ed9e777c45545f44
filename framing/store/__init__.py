"""The corpus store: the only package that talks to SQLite.

sqlite-utils 4 API: writes go through ``db.atomic()`` (one transaction per article, so a
crash never leaves half an article) and the schema through ``Migrations``
(:mod:`framing.store.schema`); the database runs in WAL mode so the web app can read while a
batch ingest writes. :mod:`framing.store.corpus` holds the ``Store`` itself.
"""

from framing.store.corpus import (
    CORRECTION_FIELDS,
    DEFAULT_DB,
    Store,
    analysis_key,
    database_stamp,
    default_db_path,
    open_store,
)

__all__ = [
    "CORRECTION_FIELDS",
    "DEFAULT_DB",
    "Store",
    "analysis_key",
    "database_stamp",
    "default_db_path",
    "open_store",
]
