"""Loaded wording in headlines (issue 13): the lexicon reads the article's title too, as
``title_highlights`` with offsets into the title, in ``framing score`` and on the pages;
the body's highlights and figures stay the body's."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

from click.testing import CliRunner

from framing.cli.main import cli

# a highlight's words sit in its <mark>'s inner span (webapp/templates/_marks.html)
HIGHLIGHT_WORDS = r'><span class="hl-text">([^<]*)</span></mark>'


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
    assert [h["text"] for h in found] == ["Так называемые выборы", "пропагандистские СМИ", "лгут"]
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


def _ingest(app, title: str, text: str = BODY, **more: str) -> str:
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    fields = {"lang": "ru", "title": title, **more}
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
    marked = re.findall(r'<mark class="hl cat-([a-z_]+)"[^>]*' + HIGHLIGHT_WORDS, h1)
    assert marked == [
        ("delegitimising_qualifier", "Так называемые выборы"),
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
    assert re.findall(r"<mark [^>]*" + HIGHLIGHT_WORDS, titles[0]) == [
        "Так называемые выборы",
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
    assert re.findall(r"<mark [^>]*" + HIGHLIGHT_WORDS, marked) == [
        "Так называемые выборы",
        "пропагандистские СМИ",
        "лгут",
    ]
    [plain] = [i for i in items if NEUTRAL in i]
    assert "<mark" not in plain


# A hostile headline: markup, an attribute breaker, quotes and an RTL override around
# loaded words, which must be marked and shown as text on every page listing it.
HOSTILE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(2)> Так называемые выборы: '
    "\u202eпропагандистские СМИ\u202c снова лгут ' onmouseover='alert(3)"
)
MARKED = ["Так называемые выборы", "пропагандистские СМИ", "лгут"]


def _marks(html: str) -> list[str]:
    return re.findall(r"<mark [^>]*" + HIGHLIGHT_WORDS, html)


def _shown_as_text(html: str) -> None:
    """Nothing of the hostile headline became markup: no script or img element, no event
    handler attribute (parsed as a browser would), the text and the RTL mark are there,
    isolated in the title's <bdi> so it cannot reverse the rest of the line."""

    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, list[str]]] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.found.append((tag, [name for name, _ in attrs]))

    parser = Elements()
    parser.feed(html)
    assert not [tag for tag, _ in parser.found if tag in ("script", "img")]
    assert not [a for _, names in parser.found for a in names if a.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "\u202e" in html
    # the unclosed override stays inside the title's own bidi isolate
    assert "<bdi>" in html
    assert html.index("<bdi>") < html.rindex("\u202e") < html.rindex("</bdi>")


def _listed(twin_items: list[dict], title: str) -> dict:
    [item] = [i for i in twin_items if i.get("title") == title]
    return item


def test_the_home_page_marks_loaded_headlines_in_its_lists_and_twins(app) -> None:
    """The home page's list of articles and each event's list of report titles mark a
    loaded headline with the mark macro (offsets into the title), everything escaped; the
    twins (/api/home, /api/articles) carry the same ``title_highlights``."""
    client = app.test_client()
    hostile = _ingest(app, HOSTILE)
    neutral = _ingest(app, NEUTRAL, BODY.replace("четверг", "пятницу"))
    client.get("/")  # starts the grouping that puts the two reports in one event
    assert app.extensions["framing_analysis"].wait(timeout=600)
    html = client.get("/").get_data(as_text=True)
    rows = re.findall(r'<td data-label="Title"[^>]*>(.*?)</td>', html, re.S)
    [row] = [r for r in rows if f"/articles/{hostile}" in r]
    assert _marks(row) == MARKED
    _shown_as_text(row)
    [plain] = [r for r in rows if f"/articles/{neutral}" in r]
    assert "<mark" not in plain and NEUTRAL in plain
    titles = re.findall(r'<ul class="titles">(.*?)</ul>', html, re.S)
    [event] = [t for t in titles if "&lt;script&gt;" in t]
    [item] = [i for i in re.findall(r"<li[^>]*>(.*?)</li>", event, re.S) if "<mark" in i]
    assert _marks(item) == MARKED
    _shown_as_text(item)
    assert NEUTRAL in event  # the other report of the event, unmarked
    # the popover's attributes come from the lexicon entry, escaped
    assert 'data-neutral="российские государственные СМИ"' in row

    home = client.get("/api/home").get_json()
    found = _listed(home["articles"], HOSTILE)["title_highlights"]
    assert [h["text"] for h in found] == MARKED
    assert all(HOSTILE[h["start"] : h["end"]] == h["text"] for h in found)
    assert all(h["display"] and h["source"] == "lexicon" for h in found)
    assert _listed(home["articles"], NEUTRAL)["title_highlights"] == []
    [reports] = [
        e["reports"] for e in home["events"] if HOSTILE in [r["title"] for r in e["reports"]]
    ]
    assert _listed(reports, HOSTILE)["title_highlights"] == found
    every = client.get("/api/articles").get_json()["articles"]
    assert _listed(every, HOSTILE)["title_highlights"] == found


def test_an_outlet_page_marks_loaded_headlines_in_its_list_of_articles(app) -> None:
    client = app.test_client()
    hostile = _ingest(app, HOSTILE, outlet="Sputnik", date="2024-11-07")
    html = client.get("/outlets/sputnik").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    [row] = [r for r in rows if f'href="/articles/{hostile}"' in r]
    assert _marks(row) == MARKED
    _shown_as_text(row)
    # and in its month's list of articles under "over time"
    [month] = re.findall(r'<tr id="month-2024-11">(.*?)</tr>', html, re.S)
    [item] = [i for i in re.findall(r"<li>(.*?)</li>", month, re.S) if hostile in i]
    assert _marks(item) == MARKED
    _shown_as_text(item)
    twin = client.get("/api/outlets/sputnik").get_json()
    found = _listed(twin["articles"], HOSTILE)["title_highlights"]
    assert [h["text"] for h in found] == MARKED
    assert all(HOSTILE[h["start"] : h["end"]] == h["text"] for h in found)


def test_the_event_picker_and_the_handouts_words_to_discuss_take_the_headline(app) -> None:
    """With three reports the event page's picker lists each by its headline, marked; the
    handout discusses a loaded headline word like a body word and says where it stands."""
    client = app.test_client()
    said = BODY + " По его словам, западные СМИ снова лгут."
    hostile = _ingest(app, HOSTILE, said)
    neutral = _ingest(app, NEUTRAL, BODY.replace("четверг", "пятницу"))
    _ingest(app, "Песков ответил на вопросы журналистов", BODY.replace("четверг", "среду"))
    client.get("/")
    assert app.extensions["framing_analysis"].wait(timeout=600)
    events = client.get("/api/events").get_json()["events"]
    [event] = [e for e in events if hostile in e["articles"]]
    assert len(event["articles"]) >= 3 and neutral in event["articles"]
    chosen = f"articles={hostile}&articles={neutral}"
    client.get(f"/events/{event['id']}?{chosen}")  # asks the background for the comparison
    assert app.extensions["framing_analysis"].wait(timeout=600)
    html = client.get(f"/events/{event['id']}?{chosen}").get_data(as_text=True)
    picker = re.search(r'<form class="picker".*?</form>', html, re.S).group(0)
    labels = re.findall(r"<label>(.*?)</label>", picker, re.S)
    [label] = [x for x in labels if f'value="{hostile}"' in x]
    assert _marks(label) == MARKED
    _shown_as_text(label)
    assert len(labels) == len(event["articles"])

    handout = client.get(f"/events/{event['id']}/handout?{chosen}").get_data(as_text=True)
    terms = re.search(r'<table class="handout-terms.*?</table>', handout, re.S).group(0)
    rows = {
        re.search(r"<mark [^>]*" + HIGHLIGHT_WORDS, r).group(1): r
        for r in re.findall(r"<tr><td .*?</tr>", terms, re.S)
    }
    where = {
        word: re.findall(r'class="muted small where">([^<]*)<', row) for word, row in rows.items()
    }
    assert where["Так называемые выборы"] == ["in the headline"]
    assert where["пропагандистские СМИ"] == ["in the headline"]
    assert where["лгут"] == ["1 of 2 in the headline"]
    assert "× 2" in rows["лгут"]
    assert all(not w for word, w in where.items() if word not in MARKED)


def test_discussion_terms_count_the_headline_uses_of_a_wording() -> None:
    from framing.report.score_card import discussion_terms

    def hit(text: str) -> dict:
        return {"text": text, "display": "name_calling", "source": "lexicon", "note": ""}

    report = {
        "articles": [{"id": "a"}, {"id": "b"}],
        "analysis": {
            "a": {"highlights": [hit("лгут")], "title_highlights": [hit("Лгут"), hit("режим")]},
            "b": {"highlights": [hit("режим")]},  # an analysis of before title highlights
        },
    }
    rows = [
        (t["article"]["id"], t["highlight"]["text"], t["count"], t["headline"])
        for t in discussion_terms(report)
    ]
    assert rows == [("a", "Лгут", 2, 1), ("a", "режим", 1, 1), ("b", "режим", 1, 0)]
