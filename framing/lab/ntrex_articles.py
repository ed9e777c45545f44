"""NTREX-128 news documents as articles in three languages: a corpus with true events.

Each NTREX document exists in English, Russian and Ukrainian translation, so its three
versions are three reports of one event, and different documents are different events.
Used by the scale benchmark and the incremental-grouping tests (read by path from
``../shared/data/parallel``, never copied).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from framing.text.readers import RawInput

LANGUAGES = ("en", "ru", "uk")
# The repository's sibling shared/ folder; FRAMING_SHARED_DATA names another (a worktree).
DEFAULT_PATH = (
    Path(
        os.environ.get("FRAMING_SHARED_DATA")
        or Path(__file__).resolve().parents[3] / "shared" / "data"
    )
    / "parallel"
    / "ntrex128_news_en_ru_uk.jsonl"
)


def ntrex_documents(path: Path = DEFAULT_PATH) -> dict[str, list[dict[str, str]]]:
    """Document id -> its sentence records in document order."""
    docs: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            docs[record["id"]].append(record)
    for records in docs.values():
        records.sort(key=lambda r: int(r["index_in_doc"]))
    return dict(docs)


def ntrex_articles(
    limit_documents: int | None = None, path: Path = DEFAULT_PATH, variant: int = 0
) -> list[RawInput]:
    """Each document in each language as one article (a sentence a paragraph, the first
    line its title); ``source`` is ``ntrex:<doc>:<lang>``, so the true event of an article
    is the part between the colons.

    ``variant`` > 0 makes other reports of the same events: every ``variant + 1``-th
    sentence is left out (reports of one event rarely say the same things).
    """
    inputs = []
    for number, (doc, records) in enumerate(sorted(ntrex_documents(path).items())):
        if limit_documents is not None and number >= limit_documents:
            break
        for lang in LANGUAGES:
            kept = [r[lang] for i, r in enumerate(records) if not variant or i % (variant + 1) != 1]
            source = f"ntrex:{doc}:{lang}" + (f":v{variant}" if variant else "")
            inputs.append(RawInput(source=source, text="\n\n".join(kept), fields={"lang": lang}))
    return inputs


def true_event(source: str) -> str:
    """The NTREX document an article made by :func:`ntrex_articles` comes from."""
    return source.split(":")[1]
