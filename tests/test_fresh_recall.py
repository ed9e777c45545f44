"""The reader-marked recall check on fresh pages (framing.lab.fresh_recall, issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from framing.lab.fresh_recall import HERE, SETS, clean_article, evaluate, page_files

GOLD = HERE / "fresh_pages_loaded.yaml"
PAGES = HERE / "fresh_pages"


def _assert_on_their_pages(marked: dict, files: dict) -> None:
    """Each term of ``marked`` (its ``term``, every ``alt`` and its ``near``) is an exact
    substring of its page's text."""
    for pid, terms in marked.items():
        text = json.loads(files[pid].read_text("utf-8"))["text"]
        for term in terms:
            forms = [
                term["term"],
                *term.get("alt", []),
                *([term["near"]] if "near" in term else []),
            ]
            assert all(form in text for form in forms), (pid, term["term"])


def test_every_marked_term_is_on_its_page() -> None:
    """Each term (and alt, and near) of fresh_pages_loaded.yaml is an exact substring of its
    page, and every page 421-440 is annotated (435 with an empty list: a control)."""
    marked = yaml.safe_load(GOLD.read_text("utf-8"))["pages"]
    files = page_files(PAGES)
    assert sorted(marked) == [str(n) for n in range(421, 441)]
    _assert_on_their_pages(marked, files)
    assert sum(len(terms) for terms in marked.values()) == 107


def test_every_check_term_is_on_its_page_and_the_check_pages_are_new() -> None:
    """The held-out check set of session 17 (441-460, ``--set check``): every term, alt and
    near of check_pages_loaded.yaml is an exact substring of its page, every page is
    annotated (five controls with none), and no page or URL is one of the dev pages'."""
    pages, gold = SETS["check"]
    marked = yaml.safe_load(gold.read_text("utf-8"))["pages"]
    files = page_files(pages)
    assert sorted(marked) == sorted(files) == [str(n) for n in range(441, 461)]
    _assert_on_their_pages(marked, files)
    assert sum(len(terms) for terms in marked.values()) == 86
    assert sorted(pid for pid, terms in marked.items() if not terms) == [
        "447", "452", "455", "457", "458"
    ]  # fmt: skip
    pages_of = {n: json.loads(f.read_text("utf-8")) for n, f in files.items()}
    dev = [json.loads(f.read_text("utf-8")) for f in PAGES.glob("*.json")]
    assert not {p["url"] for p in pages_of.values()} & {p["url"] for p in dev}
    assert all(p["lang"] in ("ru", "uk", "en") for p in pages_of.values())
    assert {p["lang"] for p in pages_of.values()} == {"ru", "uk", "en"}


def test_recall_counts_a_term_found_when_a_highlight_overlaps_it(tmp_path: Path) -> None:
    """A highlight on one occurrence finds the term; a highlight elsewhere is listed as on no
    marked term; a term in the headline (the cleaner takes it out as the title) with no
    title highlight on it counts as missed."""
    page = PAGES / "422_24tv_bunker_robot.json"
    article = clean_article(json.loads(page.read_text("utf-8")))
    start = article.text.index("Країна-терористка")
    other = article.text.index("Ранок")
    highlights = [
        {"start": start, "end": start + 7, "text": article.text[start : start + 7], "source": "x"},
        {"start": other, "end": other + 5, "text": "Ранок", "source": "x"},
    ]
    scored = tmp_path / "scored.jsonl"
    scored.write_text(json.dumps({"input_id": "422", "highlights": highlights}) + "\n", "utf-8")
    gold = tmp_path / "gold.yaml"
    terms = [
        {"term": "Країна-терористка", "class": "label_group", "reason": "r"},
        {"term": "тривожненько", "class": "mocking", "reason": "r"},
        {"term": "Путін-робот", "class": "label_head", "reason": "r"},  # in the headline
    ]
    gold.write_text(yaml.safe_dump({"pages": {"422": terms}}, allow_unicode=True), "utf-8")
    result = evaluate(scored, PAGES, gold)
    assert result["recall"] == (1, 3)
    assert [state for *_, state in result["terms"]] == ["found", "missed", "missed"]
    assert result["recall_body"] == (1, 3)
    assert result["unmatched"] == [("422", "Ранок", "x")]
    assert result["by_source"] == {"x": (2, 0)}


def test_quoted_highlights_are_counted_apart(tmp_path: Path) -> None:
    """A highlight with the "quoting a speaker" note is counted apart by its source and
    listed as quoted among the highlights on no marked term."""
    page = PAGES / "422_24tv_bunker_robot.json"
    article = clean_article(json.loads(page.read_text("utf-8")))
    other = article.text.index("Ранок")
    highlights = [
        {"start": other, "end": other + 5, "text": "Ранок", "source": "model", "note": "q"},
        {"start": other, "end": other + 5, "text": "Ранок", "source": "lexicon", "note": ""},
    ]
    scored = tmp_path / "scored.jsonl"
    scored.write_text(json.dumps({"input_id": "422", "highlights": highlights}) + "\n", "utf-8")
    gold = tmp_path / "gold.yaml"
    terms = [{"term": "тривожненько", "class": "mocking", "reason": "r"}]
    gold.write_text(yaml.safe_dump({"pages": {"422": terms}}, allow_unicode=True), "utf-8")
    result = evaluate(scored, PAGES, gold)
    assert result["by_source"] == {"lexicon": (1, 0), "model": (1, 1)}
    assert ("422", "Ранок", "model, quoted") in result["unmatched"]


def test_a_headline_term_is_found_by_a_title_highlight(tmp_path: Path) -> None:
    """A term that stands only in the headline (the cleaner takes it out as the title) is
    found when a title highlight overlaps it there; ``recall_body`` still counts the body's
    highlights alone, and a title highlight on no marked term is listed as such."""
    page = PAGES / "422_24tv_bunker_robot.json"
    article = clean_article(json.loads(page.read_text("utf-8")))
    title = article.title
    start, other = title.index("Путін-робот"), title.index("мережі")
    in_title = [
        {"start": start + 6, "end": start + 11, "text": "робот", "source": "lexicon"},
        {"start": other, "end": other + 6, "text": "мережі", "source": "lexicon"},
    ]
    scored = tmp_path / "scored.jsonl"
    record = {"input_id": "422", "highlights": [], "title_highlights": in_title}
    scored.write_text(json.dumps(record) + "\n", "utf-8")
    gold = tmp_path / "gold.yaml"
    terms = [
        {"term": "Путін-робот", "class": "label_head", "reason": "r"},
        {"term": "тривожненько", "class": "mocking", "reason": "r"},
    ]
    gold.write_text(yaml.safe_dump({"pages": {"422": terms}}, allow_unicode=True), "utf-8")
    result = evaluate(scored, PAGES, gold)
    assert result["recall"] == (1, 2) and result["recall_body"] == (0, 2)
    assert [state for *_, state in result["terms"]] == ["title", "missed"]
    assert result["unmatched"] == [("422", "мережі", "lexicon, title")]
    assert result["title_highlights"] == 2
