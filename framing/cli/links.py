"""``framing links export|import``: readers' corrections of sentence links, as JSON.

A teacher's corrections live in the corpus database; exporting them lets a colleague (or
the next term's database) start from them. Only translates between the command line and
:mod:`framing.links`.
"""

from __future__ import annotations

import json
import sys

import click

from framing.cli.options import DB_OPTION, friendly_errors
from framing.output import write_object


@click.group("links")
def links_group() -> None:
    """Export or import readers' corrections of sentence links (JSON).

    Example:

        framing links export --db a.db > corrections.json

        framing links import corrections.json --db b.db
    """


@links_group.command("export")
@DB_OPTION
@friendly_errors
def export_command(db: str | None) -> None:
    """Print every stored correction as a JSON list (stdout).

    Example:

        framing links export --db x.db > corrections.json
    """
    from framing.links import export_corrections
    from framing.store import open_store

    with open_store(db, create=False) as store:  # a mistyped --db is an error, not "[]"
        write_object(export_corrections(store), sys.stdout)


@links_group.command("import")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@DB_OPTION
@friendly_errors
def import_command(path: click.utils.LazyFile, db: str | None) -> None:
    """Add the corrections of an export (PATH, or - for stdin); identical ones already
    stored are skipped. Prints {"added": N, "unchanged": M}.

    Example:

        framing links import corrections.json --db x.db
    """
    from framing.errors import FramingError
    from framing.links import import_corrections
    from framing.store import open_store

    name = getattr(path, "name", "-")
    try:
        records = json.load(path)
    except json.JSONDecodeError as exc:
        raise FramingError(f"{name}: not JSON ({exc.msg} at line {exc.lineno}).") from exc
    with open_store(db) as store:  # may be new: corrections can arrive before their articles
        write_object(import_corrections(store, records, name), sys.stdout)
