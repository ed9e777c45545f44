"""What a change to the cleaner moves: snapshot its output on every stored page, diff two.

    python benchmarks/clean_diff.py snapshot before.json    # on the old code
    python benchmarks/clean_diff.py snapshot after.json     # on the new code
    python benchmarks/clean_diff.py diff before.json after.json

The pages are the seeds (``corpus/seeds/*.txt``) and the ``text`` field of every JSON record
in the gold article folders, cleaned as ingest cleans them (the ``date`` header split off, the
record's URL and title passed). ``diff`` prints, per page, each line that changed side (kept,
title or removed with which reason) and the count of pages and lines that moved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from framing.text.clean import clean_text
from framing.text.metadata import split_header

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "corpus/seeds",
    "tests/gold/real_articles",
    "tests/gold/real_events_articles",
    "tests/gold/fresh_pages",
    "tests/gold/fresh_alignment_articles",
    "tests/gold/holdout_alignment_articles",
    "tests/gold/holdout2_alignment_articles",
    "tests/gold/holdout3_alignment_articles",
]


def pages() -> dict[str, tuple[str, str | None, str | None]]:
    """{relative path: (raw text, url, title)} of every stored page."""
    found: dict[str, tuple[str, str | None, str | None]] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).iterdir()):
            name = str(path.relative_to(ROOT))
            if path.suffix == ".txt":
                found[name] = (path.read_text("utf-8"), None, None)
            elif path.suffix == ".json":
                record = json.loads(path.read_text("utf-8"))
                found[name] = (record["text"], record.get("url"), record.get("title"))
    return found


def snapshot() -> dict[str, dict[str, Any]]:
    """{page: {"lines": {line number: "kept" | "title" | reason}, "text": kept text}}."""
    out: dict[str, dict[str, Any]] = {}
    for name, (raw, url, title) in pages().items():
        header, text = split_header(raw)
        result = clean_text(text, url=url or (header.url if header else None), title=title)
        sides = {str(r.line_no): r.reason for r in result.removed}
        for no, line in enumerate(text.splitlines(), start=1):
            if line.strip() and str(no) not in sides:
                sides[str(no)] = "kept"
        out[name] = {"lines": sides, "text": result.text, "raw": text.splitlines()}
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, int]:
    pages_moved = lines_moved = 0
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            print(f"{name}: only in {'after' if old is None else 'before'}")
            continue
        moved = [
            (int(no), old["lines"].get(no), new["lines"].get(no))
            for no in set(old["lines"]) | set(new["lines"])
            if old["lines"].get(no) != new["lines"].get(no)
        ]
        if not moved and old["text"] == new["text"]:
            continue
        pages_moved += 1
        lines_moved += len(moved)
        print(f"{name}: {len(moved)} line(s) moved")
        for no, was, now in sorted(moved):
            print(f"  {no}: {was} -> {now}: {new['raw'][no - 1].strip()[:160]}")
    total = len(set(before) | set(after))
    print(f"{pages_moved} of {total} pages changed, {lines_moved} lines moved")
    return pages_moved, lines_moved


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "snapshot":
        Path(argv[1]).write_text(json.dumps(snapshot(), ensure_ascii=False, indent=1), "utf-8")
        return 0
    if len(argv) == 3 and argv[0] == "diff":
        load = [json.loads(Path(p).read_text("utf-8")) for p in argv[1:]]
        diff(*load)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
