"""Loaded wording in headlines (issue 13): the lexicon reads the article's title too, as
``title_highlights`` with offsets into the title, in ``framing score`` and on the pages;
the body's highlights and figures stay the body's."""

from __future__ import annotations

import csv
import io
import json
import re

from click.testing import CliRunner

from framing.cli.main import cli

BODY = (
    "Пресс-секретарь Кремля Дмитрий Песков заявил в четверг, что Россия не обсуждает встречу "
    "президентов. По его словам, никакой подготовки к встрече пока не ведется. Песков "
    "добавил, что контакты до инаугурации не исключены."
)
LOADED = "<script>alert(1)</script> Так называемые выборы: пропагандистские СМИ снова лгут"
NEUTRAL = "Песков: встреча президентов не обсуждается"


def score(title: str, *args: str) -> dict:
    record = json.dumps({"id": "x", "text": BODY, "title": title, "lang": "ru"})
    result = CliRunner().invoke(
        cli, ["score", "-", "-s", "--no-suggestions", *args], input=record.encode()
    )
    assert result.exit_code == 0, result.output
    return (
        json.loads(result.stdout)
        if not args
        else list(csv.DictReader(io.StringIO(result.stdout)))[0]
    )


def test_a_loaded_title_gets_its_highlights_with_offsets_into_the_title() -> None:
    record = score(LOADED)
    title = record["title"]
    found = record["title_highlights"]
    assert [h["text"] for h in found] == ["Так называемые", "пропагандистские СМИ", "лгут"]
    for h in found:
        assert title[h["start"] : h["end"]] == h["text"]
        assert h["source"] == "lexicon" and h["explanation"] and h["neutral"]
        assert h["category"] and 0 < h["confidence"] <= 1 and h["sentence"] is None
    # the body's highlights and figures are the body's: the same as under a neutral title
    neutral = score(NEUTRAL)
    assert neutral["title_highlights"] == []
    assert record["highlights"] == neutral["highlights"]
    assert record["scores"] == neutral["scores"]


def test_csv_counts_the_title_highlights_in_a_column_of_their_own() -> None:
    assert score(LOADED, "--format", "csv")["n_title_highlights"] == "3"
    assert score(NEUTRAL, "--format", "csv")["n_title_highlights"] == "0"


def _ingest(app, title: str, text: str = BODY) -> str:
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    fields = {"lang": "ru", "title": title}
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest([RawInput(source=title[:20], text=text, fields=fields)], store)
    return str(result.article_id)


def _h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def test_the_article_page_marks_a_loaded_title_and_escapes_it(app) -> None:
    client = app.test_client()
    loaded = _ingest(app, LOADED)
    h1 = _h1(client.get(f"/articles/{loaded}").get_data(as_text=True))
    assert "<script>" not in h1 and "&lt;script&gt;alert(1)&lt;/script&gt;" in h1
    marked = re.findall(r'<mark class="hl cat-([a-z_]+)"[^>]*>([^<]*)</mark>', h1)
    assert marked == [
        ("delegitimising_qualifier", "Так называемые"),
        ("pejorative_label", "пропагандистские СМИ"),
        ("delegitimising_qualifier", "лгут"),
    ]
    assert 'data-neutral="российские государственные СМИ"' in h1
    twin = client.get(f"/api/articles/{loaded}").get_json()
    assert [h["text"] for h in twin["title_highlights"]] == [t for _, t in marked]
    assert twin["article"]["title"] == LOADED
    neutral = _ingest(app, NEUTRAL, BODY.replace("четверг", "пятницу"))
    h1 = _h1(client.get(f"/articles/{neutral}").get_data(as_text=True))
    assert "<mark" not in h1 and NEUTRAL in h1
    assert client.get(f"/api/articles/{neutral}").get_json()["title_highlights"] == []


def test_the_comparison_marks_the_titles_of_its_columns(app) -> None:
    client = app.test_client()
    loaded = _ingest(app, LOADED)
    neutral = _ingest(app, NEUTRAL, BODY.replace("четверг", "пятницу"))
    html = client.get(f"/compare?articles={loaded}&articles={neutral}").get_data(as_text=True)
    titles = re.findall(r'<p class="title"[^>]*>(.*?)</p>', html, re.S)
    assert len(titles) == 2
    assert "&lt;script&gt;" in titles[0] and "<script>" not in titles[0]
    assert re.findall(r"<mark [^>]*>([^<]*)</mark>", titles[0]) == [
        "Так называемые",
        "пропагандистские СМИ",
        "лгут",
    ]
    assert "<mark" not in titles[1]


def test_the_handout_marks_the_titles_of_its_reports(app) -> None:
    """The printed handout lists each report by its headline: a loaded one is marked as on
    the comparison (the headline is what a class reads first), a neutral one is not."""
    client = app.test_client()
    loaded = _ingest(app, LOADED)
    neutral = _ingest(app, NEUTRAL, BODY.replace("четверг", "пятницу"))
    client.get("/")  # starts the grouping that puts the two reports in one event
    assert app.extensions["framing_analysis"].wait(timeout=600)
    events = client.get("/api/events").get_json()["events"]
    [event] = [e for e in events if {loaded, neutral} <= set(e["articles"])]
    html = client.get(f"/events/{event['id']}/handout").get_data(as_text=True)
    reports = re.search(r'<ol class="handout-reports">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", reports, re.S)
    [marked] = [i for i in items if "&lt;script&gt;" in i]
    assert "<script>" not in reports
    assert re.findall(r"<mark [^>]*>([^<]*)</mark>", marked) == [
        "Так называемые",
        "пропагандистские СМИ",
        "лгут",
    ]
    [plain] = [i for i in items if NEUTRAL in i]
    assert "<mark" not in plain
