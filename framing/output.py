"""Writing rows as JSON, JSON Lines or CSV: one place, shared by every command."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

FORMATS = ("json", "jsonl", "csv")


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> None:
    """Stream ``rows`` to ``out``: a JSON array, one JSON object a line, or CSV with a header."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    else:
        out.write("[")
        count = 0
        for count, row in enumerate(rows, 1):
            out.write(",\n " if count > 1 else "\n ")
            out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n]\n" if count else "]\n")


def write_object(obj: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


# A spreadsheet reads a cell that begins with one of these as a formula: article text is
# untrusted ("=HYPERLINK(...)"), and a reported "- Это так" showed as #NAME? in Excel.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # shown as text (OWASP's advice for CSV injection)
    return "" if value is None else value
