"""Reader-marked recall of the default highlights on fresh real pages (issue 13).

``tests/gold/fresh_pages_loaded.yaml`` lists, per page, the loaded terms a careful reader
marks in the outlet's own voice (written by hand before any run). This module reads the
records ``framing score -`` wrote for the same pages and says which terms a highlight
covers, and which highlights cover no marked term (for the precision hand check):

    python -m framing.lab.fresh_recall SCORED.jsonl [--set fresh|check] [--pages DIR] [--gold YAML]

``--set check`` reads the check pages 441-460 (``tests/gold/check_pages`` and
``check_pages_loaded.yaml``, session 17): a held-out set written before any run on it and
used for no choice. Highlights that carry the "quoting a speaker" note (a lexicon hit or a
suggestion inside a quotation of a speaker) are counted apart, by source (``quoted``).

SCORED.jsonl holds ``framing score -`` records of ``{"id", "url", "text"}`` inputs whose id
is the page number (421, ...). Each page is cleaned again here exactly as ``score`` cleans
it (``build_article`` with its URL), so the highlights' sentence offsets map onto the clean
text. A term is found when a highlight overlaps one of its occurrences (``term`` or an
``alt``; only the ``near`` occurrence when that is given). A term in the headline, which the
cleaner takes out of the text as the article's title, is found when a title highlight
(``title_highlights``, offsets into the title) overlaps its occurrence there: reported as
``title``. ``recall_body`` counts the body's highlights alone (what the check counted before
titles were scored). A term in neither the clean text nor the title (removed with the page
furniture) is reported apart, as ``removed``, and counts as missed.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parents[2] / "tests" / "gold"
# The reader-marked sets: pages folder and gold file. "fresh" (421-440, session 16) is on
# the dev side; "check" (441-460, session 17) is held out.
SETS = {
    "fresh": (HERE / "fresh_pages", HERE / "fresh_pages_loaded.yaml"),
    "check": (HERE / "check_pages", HERE / "check_pages_loaded.yaml"),
}


@dataclass(frozen=True)
class Term:
    page: str
    term: str
    cls: str
    spans: tuple[tuple[int, int], ...]  # occurrences in the clean text


def page_files(pages: Path) -> dict[str, Path]:
    return {p.name.split("_", 1)[0]: p for p in sorted(pages.glob("*.json"))}


def clean_article(page: dict[str, Any]) -> Any:
    """The page as ``framing score -`` builds it from an ``{"id", "url", "text"}`` record."""
    from framing.ingest import IngestOptions, build_article
    from framing.outlets import load_registry
    from framing.text.readers import RawInput

    raw = RawInput(source="page", text=page["text"], fields={"url": page["url"]})
    return build_article(raw, IngestOptions().validate(), load_registry())


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return found


def terms_of(pid: str, entries: list[dict[str, Any]], text: str) -> list[Term]:
    terms = []
    for entry in entries:
        if "near" in entry:
            offset = entry["near"].index(entry["term"])
            spans = [
                (start + offset, start + offset + len(entry["term"]))
                for start, _ in occurrences(text, entry["near"])
            ]
        else:
            spans = [
                span
                for form in [entry["term"], *entry.get("alt", [])]
                for span in occurrences(text, form)
            ]
        terms.append(Term(pid, entry["term"], entry["class"], tuple(spans)))
    return terms


def absolute(record: dict[str, Any], article: Any) -> list[tuple[int, int, dict[str, Any]]]:
    """The record's highlights as spans of the clean text (their offsets are the clean
    text's; a highlight whose text is not there means the page was cleaned differently)."""
    return _spans(record, article.text, "highlights")


def _spans(record: dict[str, Any], text: str, field: str) -> list[tuple[int, int, dict]]:
    spans = [(h["start"], h["end"], h) for h in record.get(field) or []]
    for start, end, h in spans:
        if text[start:end] != h["text"]:
            raise ValueError(f"{record['input_id']}: {h['text']!r} is not at {start}")
    return spans


def evaluate(scored: Path, pages: Path, gold: Path) -> dict[str, Any]:
    files = page_files(pages)
    marked = yaml.safe_load(gold.read_text("utf-8"))["pages"]
    records = {
        r["input_id"]: r
        for r in map(json.loads, scored.read_text("utf-8").splitlines())
        if r.get("input_id")
    }
    found_terms: list[tuple[Term, bool, str]] = []
    unmatched: list[tuple[str, str, str]] = []
    by_lang: dict[str, list[bool]] = defaultdict(list)
    by_class: dict[str, list[bool]] = defaultdict(list)
    for pid, entries in marked.items():
        page = json.loads(files[pid].read_text("utf-8"))
        article = clean_article(page)
        text, title = article.text, article.title or ""
        spans = absolute(records[pid], article)
        in_title = _spans(records[pid], title, "title_highlights")
        body_terms = terms_of(pid, entries or [], text)
        title_terms = terms_of(pid, entries or [], title)
        for term, headline in zip(body_terms, title_terms, strict=True):
            hit = _overlaps(term.spans, spans)
            title_hit = not hit and _overlaps(headline.spans, in_title)
            if hit or title_hit:
                state = "found" if hit else "title"
            else:
                state = "removed" if not term.spans and not headline.spans else "missed"
            found_terms.append((term, hit or title_hit, state))
            by_lang[page["lang"]].append(hit or title_hit)
            by_class[term.cls].append(hit or title_hit)
        for terms, where, marks, suffix in (
            (body_terms, text, spans, ""),
            (title_terms, title, in_title, ", title"),
        ):
            for s2, e2, h in marks:
                if not _overlaps([t for term in terms for t in term.spans], [(s2, e2, h)]):
                    quoted = ", quoted" if h.get("note") else ""
                    unmatched.append((pid, where[s2:e2], h["source"] + suffix + quoted))
    hits = [hit for _, hit, _ in found_terms]
    body_hits = [state == "found" for *_, state in found_terms]
    return {
        "recall": (sum(hits), len(hits)),
        "recall_body": (sum(body_hits), len(body_hits)),
        "by_lang": {k: (sum(v), len(v)) for k, v in sorted(by_lang.items())},
        "by_class": {k: (sum(v), len(v)) for k, v in sorted(by_class.items())},
        "terms": [(t.page, t.term, t.cls, state) for t, _, state in found_terms],
        "highlights": sum(len(r["highlights"]) for r in records.values()),
        "by_source": _by_source(records.values()),
        "title_highlights": sum(len(r.get("title_highlights") or []) for r in records.values()),
        "unmatched": unmatched,
    }


def _by_source(records: Any) -> dict[str, tuple[int, int]]:
    """Per source (lexicon, model, insertion): body highlights and how many of them carry
    the "quoting a speaker" note (counted apart)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        for h in record.get("highlights") or []:
            counts[h["source"]][0] += 1
            counts[h["source"]][1] += bool(h.get("note"))
    return {k: (a, b) for k, (a, b) in sorted(counts.items())}


def _overlaps(
    terms: list[tuple[int, int]] | tuple[tuple[int, int], ...],
    marks: list[tuple[int, int, dict[str, Any]]],
) -> bool:
    return any(s < e2 and s2 < e for s, e in terms for s2, e2, _ in marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scored", type=Path)
    parser.add_argument("--set", choices=sorted(SETS), default="fresh", dest="which")
    parser.add_argument("--pages", type=Path, help="default: the set's pages folder")
    parser.add_argument("--gold", type=Path, help="default: the set's gold file")
    args = parser.parse_args()
    pages, gold = SETS[args.which]
    result = evaluate(args.scored, args.pages or pages, args.gold or gold)
    found, total = result["recall"]
    body, _ = result["recall_body"]
    print(
        f"recall {found}/{total} = {found / total:.2f} (body alone {body}/{total} = "
        f"{body / total:.2f}); highlights {result['highlights']}, in titles "
        f"{result['title_highlights']}"
    )
    print(
        "by source (quoted apart):",
        {k: f"{a} ({b} quoted)" for k, (a, b) in result["by_source"].items()},
    )
    for key in ("by_lang", "by_class"):
        print(key, {k: f"{a}/{b}" for k, (a, b) in result[key].items()})
    for page, term, cls, state in result["terms"]:
        if state != "found":
            print(f"  {state:7} {page} {cls:14} {term}")
    print("highlights on no marked term:")
    for page, text, source in result["unmatched"]:
        print(f"  {page} [{source}] {text}")


if __name__ == "__main__":
    main()
