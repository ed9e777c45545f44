"""Home with events and search, the event comparison, the handout, comparing stored
articles: pages and JSON twins (Flask test client over the analysed seeds)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

# a highlight's words sit in its <mark>'s inner span (webapp/templates/_marks.html)
HIGHLIGHT_WORDS = r'><span class="hl-text">([^<]*)</span></mark>'


@pytest.fixture
def seed_event(client, seeds_by_file) -> dict:
    events = client.get("/api/events").get_json()["events"]
    wanted = {seeds_by_file["001"]["id"], seeds_by_file["002"]["id"]}
    return next(e for e in events if set(e["articles"]) == wanted)


def test_home_lists_events_and_search(client, seeds_by_file) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "Events" in html and "Trump, Peskov, Putin, Kremlin" in html
    assert "Compare the reports →" in html
    found = client.get("/api/home?q=Песков").get_json()
    ids = {a["id"] for a in found["articles"]}
    # any script's spelling: the English report's "Peskov" matches too
    assert ids == {seeds_by_file[n]["id"] for n in ("000", "001", "002")}
    # Case folding in Cyrillic and a word prefix
    assert {a["id"] for a in client.get("/api/home?q=пЕСК").get_json()["articles"]} == ids
    assert [e["label"] for e in found["events"]] == [
        "Trump, Peskov, Putin, Kremlin",
        # names in the nominative (Песков opens sentences too); the outlet Интерфакс is not one
        "США, Песков, Трамп, Путин",
    ]
    dated = client.get("/api/home?outlet=sputnik&from=2024-01-01").get_json()
    assert [a["id"] for a in dated["articles"]] == [seeds_by_file["002"]["id"]]


def test_search_with_quotes_and_operators_is_plain_text(client) -> None:
    response = client.get('/api/home?q="OR" NEAR( * -')
    assert response.status_code == 200
    assert response.get_json()["articles"] == []


def test_bad_date_names_the_field(client) -> None:
    response = client.get("/api/home?from=7.11.2024")
    assert response.status_code == 400
    assert response.get_json() == {
        "ok": False,
        "error": "Field 'from': '7.11.2024' is not a date like 2024-11-07.",
        "status": 400,
    }


def test_event_page_lines_up_the_reports(client, seed_event, seeds_by_file) -> None:
    page = client.get(f"/events/{seed_event['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ru, en = seeds_by_file["001"]["id"], seeds_by_file["002"]["id"]
    # the loaded term is a highlight with its explanation and neutral alternative
    mark = re.search(
        r'<mark class="hl cat-pejorative_label"[^>]*'
        + HIGHLIGHT_WORDS.replace("([^<]*)", "пропагандистскими СМИ"),
        html,
    )
    assert mark is not None
    assert 'data-neutral="российские государственные СМИ"' in mark.group(0)
    assert "data-explanation=" in mark.group(0) and 'data-mark="N"' in mark.group(0)
    # shared statement on one row, with both sentences
    row = re.search(
        r'<div class="mrow shared" id="row-\d+"[^>]*>(?:(?!class="mrow).)*Зачем нам связываться',
        html,
        re.S | re.I,
    )
    assert row is not None and "why should they have been in touch" in row.group(0)
    # an empty cell says what is known: the aligner found nothing, not "left out"
    assert "not found by the aligner in Sputnik" in html
    assert "not found by the aligner in Komentarii" in html
    assert "cites Interfax" in html
    assert f'id="s-{ru}-0"' in html and f'id="s-{en}-0"' in html
    assert "Quote compared across languages" in html
    assert "Others&#39; claims not found here" in html and 'href="#row-' in html
    assert "Printable handout" in html


def test_event_json_twin(client, seed_event) -> None:
    twin = client.get(f"/api/events/{seed_event['id']}").get_json()
    assert twin["ok"] is True and twin["event"]["id"] == seed_event["id"]
    comparison = twin["comparison"]
    assert {"articles", "pairs", "claims", "insertions", "quotes", "rows", "analysis"} <= set(
        comparison
    )
    assert len(comparison["rows"]) == len(comparison["claims"])
    # the page's heading, as the home page's twin has it (the event's twin had none)
    page = client.get(f"/events/{seed_event['id']}").get_data(as_text=True)
    heading = html.unescape(re.search(r"<title>(.*?) · framing</title>", page).group(1))
    assert twin["event"]["headline"]["text"] == heading
    home = client.get("/api/home").get_json()["events"]
    assert (
        next(e for e in home if e["id"] == seed_event["id"])["headline"]
        == (twin["event"]["headline"])
    )
    komentarii = next(a for a in comparison["articles"] if a["outlet"] == "komentarii")
    texts = [h["text"] for h in comparison["analysis"][komentarii["id"]]["highlights"]]
    assert "пропагандистскими СМИ" in texts


def test_every_figure_points_at_its_evidence(client, seed_event) -> None:
    html = client.get(f"/events/{seed_event['id']}").get_data(as_text=True)
    anchors = set(re.findall(r'id="([^"]+)"', html))
    targets = re.findall(r'<ol class="evidence">(.*?)</ol>', html, re.S)
    links = [href for block in targets for href in re.findall(r'href="#([^"]+)"', block)]
    assert links, "no evidence links"
    assert [href for href in links if href not in anchors] == []


def test_single_report_event(client, seeds_by_file) -> None:
    events = client.get("/api/events").get_json()["events"]
    alone = next(e for e in events if e["articles"] == [seeds_by_file["003"]["id"]])
    html = client.get(f"/events/{alone['id']}").get_data(as_text=True)
    assert "Only one report of this event is in the corpus" in html


def test_picking_articles_outside_the_event(client, seed_event, seeds_by_file) -> None:
    other = seeds_by_file["000"]["id"]
    response = client.get(
        f"/api/events/{seed_event['id']}?articles={seed_event['articles'][0]}&articles={other}"
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == f"Article {other!r} is not part of this event."


def test_unknown_event(client) -> None:
    response = client.get("/api/events/000000000000")
    assert response.status_code == 404
    assert response.get_json()["error"] == (
        "No event with id '000000000000': the corpus may have changed. See the home page."
    )


def test_handout(client, seed_event) -> None:
    html = client.get(f"/events/{seed_event['id']}/handout").get_data(as_text=True)
    assert "How the reports differ" in html and "Words to discuss" in html
    assert "пропагандистскими СМИ" in html and "российские государственные СМИ" in html
    assert "Questions for the class" in html and "@media print" not in html


def test_a_widened_highlight_names_its_matched_word(client, seed_event) -> None:
    # «так называемых справедливых договоренностей»: the explanation and the neutral
    # alternative are about «так называемых»; «страны-агрессора России» → «Россия» stands
    # for the whole phrase (framing/wording/matched_word.py)
    html = client.get(f"/events/{seed_event['id']}").get_data(as_text=True)
    marks = dict(
        (m.group(2), m.group(1))
        for m in re.finditer(r'<mark class="hl [^>]*?(data-[^>]*)' + HIGHLIGHT_WORDS, html, re.S)
    )
    so_called = marks["так называемых справедливых договоренностей"]
    assert 'data-matched="“так называемых” in this phrase:"' in so_called
    assert 'data-neutral-label="Neutral alternative to “так называемых”:"' in so_called
    label = marks["страны-агрессора России"]
    assert 'data-matched="“страны-агрессора” in this phrase:"' in label
    assert 'data-neutral-label="Neutral alternative to the whole phrase:"' in label
    whole = marks["пропагандистскими СМИ"]  # the entry's own two words: nothing to name
    assert "data-matched" not in whole and "data-neutral-label" not in whole
    handout = client.get(f"/events/{seed_event['id']}/handout").get_data(as_text=True)
    assert '<span lang="ru">“так называемых”</span> in this phrase:</strong> Calling' in handout
    assert 'instead of <span lang="ru">“так называемых”</span>:' in handout
    assert "instead of the whole phrase:" in handout
    twin = client.get(f"/api/events/{seed_event['id']}").get_json()
    found = [
        h
        for analysis in twin["comparison"]["analysis"].values()
        for h in analysis["highlights"]
        if h["text"] == "так называемых справедливых договоренностей"
    ]
    assert [(h["matched"]["text"], h["widened"], h["neutral_replaces"]) for h in found] == [
        ("так называемых", True, "matched")
    ]


def test_compare_stored_articles(client, seeds_by_file) -> None:
    a, b = seeds_by_file["000"]["id"], seeds_by_file["003"]["id"]
    page = client.get(f"/compare?articles={a}&articles={b}")
    assert page.status_code == 200
    twin = client.get(f"/api/compare?articles={a}&articles={b}").get_json()
    assert [x["id"] for x in twin["comparison"]["articles"]] == [a, b]
    one = client.get(f"/api/compare?articles={a}")
    assert one.status_code == 400
    assert one.get_json()["error"] == (
        "Field 'articles': give 2 or 3 different article ids to compare."
    )


def test_article_page_has_highlights_and_scores(client, seeds_by_file) -> None:
    article = seeds_by_file["001"]
    html = client.get(f"/articles/{article['id']}").get_data(as_text=True)
    # the label with its genitive complement (framing/wording/phrase_completion.py)
    assert re.search(
        r'<mark class="hl cat-pejorative_label"[^>]*'
        + HIGHLIGHT_WORDS.replace("([^<]*)", "страны-агрессора России"),
        html,
    )
    assert "Wording and sourcing" in html and "Loaded words per 100 words" in html
    twin = client.get(f"/api/articles/{article['id']}").get_json()
    assert twin["scores"]["loaded_total_per_100_words"]["value"] > 0


def test_an_old_event_link_follows_the_event_when_a_report_joins(app, seed_event, seeds_by_file):
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    sputnik = seeds_by_file["002"]
    retold = " ".join(s["text"] for s in sputnik["sentences"][:-2])
    with open_store(app.config["DATABASE"]) as store:
        [added] = ingest([RawInput(source="retold.txt", text=retold, fields={"lang": "en"})], store)
    client = app.test_client()
    # Pages never run the grouping: the home page starts it in the background; wait for it.
    assert client.get("/api/home").get_json()["analysis"]["pending"] == 1
    assert app.extensions["framing_analysis"].wait(timeout=600)
    response = client.get(f"/events/{seed_event['id']}")
    assert response.status_code == 302
    now = client.get(response.headers["Location"])
    assert now.status_code == 200
    moved = client.get(f"/api/events/{seed_event['id']}", follow_redirects=True).get_json()
    assert added.article_id in moved["event"]["articles"]
    assert set(seed_event["articles"]) <= set(moved["event"]["articles"])


def test_every_highlight_kind_has_a_name_and_a_style() -> None:
    from pathlib import Path

    from framing.report import categories
    from framing.wording.lexicon import CATEGORIES, SCARE_QUOTES

    css = (Path(__file__).resolve().parents[1] / "webapp/static/style.css").read_text()
    produced = {*CATEGORIES, SCARE_QUOTES, "editorial", "background", "model_suggestion"}
    assert produced | {"phrase_insertion"} == set(categories())
    for key, info in categories().items():
        assert info["label"] and info["legend"] and len(info["mark"]) == 1, key
        assert f".cat-{key} {{" in css and f".hide-{key} .cat-{key}" in css, key


def test_a_lone_report_headline_from_the_listing_equals_the_article_read(seed_db) -> None:
    # The home page passes the article listing so that thousands of lone reports are not
    # read one by one; the headline must not change with it.
    from framing.report.event_title import event_headline, shorten
    from framing.store import open_store

    with open_store(seed_db) as store:
        summaries = {a["id"]: a for a in store.articles()}
        for article_id in summaries:
            event = {"articles": [article_id]}
            read = event_headline(store, event, None)
            assert read and read == event_headline(store, event, None, summaries)
            untitled = {article_id: {**summaries[article_id], "title": None}}
            lead = event_headline(store, event, None, untitled)
            assert lead == {
                "text": shorten(summaries[article_id]["lead"], 120),
                "lang": read["lang"],
            }


def test_handout_lists_each_wording_of_a_report_once() -> None:
    """A report that writes «якобы» three times had three identical rows under "Words to
    discuss"; now one, with its count."""
    from framing.report.score_card import discussion_terms

    def hit(text: str, display: str = "distancing_hedge", source: str = "lexicon") -> dict:
        return {"text": text, "display": display, "source": source}

    a, b = {"id": "a"}, {"id": "b"}
    report = {
        "articles": [a, b],
        "analysis": {
            "a": {"highlights": [hit("якобы"), hit("Якобы"), hit("диктатора", "name_calling")]},
            "b": {
                "highlights": [
                    hit("якобы"),
                    hit("Напомним", "editorial", "editorial"),
                    hit("November 5", "background", "editorial"),
                    hit("лживые", "name_calling", "detector"),
                ]
            },
        },
    }
    rows = [
        (t["article"]["id"], t["highlight"]["text"], t["count"]) for t in discussion_terms(report)
    ]
    assert rows == [
        ("a", "якобы", 2),
        ("a", "диктатора", 1),
        ("b", "якобы", 1),
        ("b", "Напомним", 1),
    ]


def test_handout_says_which_words_a_report_only_quotes() -> None:
    """Sputnik's "shameful" on the Valdai handout was Putin's word, inside his quotation,
    yet the row set it under Sputnik like the outlet's own."""
    from framing.report.score_card import discussion_terms

    quoted = "Inside a quotation attributed to a speaker: the outlet is quoting these words."
    own = {"text": "позорный", "display": "emotive_intensifier", "source": "lexicon", "note": ""}
    said = {**own, "note": quoted}
    report = {
        "articles": [{"id": "a"}, {"id": "b"}],
        "analysis": {"a": {"highlights": [said]}, "b": {"highlights": [own, said, said]}},
    }
    rows = [(t["article"]["id"], t["count"], t["quoted"]) for t in discussion_terms(report)]
    assert rows == [("a", 1, 1), ("b", 3, 2)]


# Words a class does not use, which the pages a teacher reads showed as labels (QA, session
# 20): each has plain words now, its JSON key kept; the handout, printed for the class, no
# longer calls the program "the aligner" (QA, session 21).
JARGON = ("Site furniture", "Overlapping", "quote fidelity", "Lowest quote")


def visible_text(html: str) -> str:
    """What a page shows: no script, style, comments, tags or attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_teacher_pages_use_plain_words(client, seed_event) -> None:
    listed = client.get("/api/articles").get_json()["articles"]
    ids = [a["id"] for a in listed]
    pages = [
        "/",
        f"/articles/{ids[0]}",
        f"/events/{seed_event['id']}",
        f"/events/{seed_event['id']}/handout",
        f"/compare?articles={ids[0]}&articles={ids[1]}",
        *(f"/articles/{i}" for i in ids),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        shown = visible_text(response.get_data(as_text=True))
        words = JARGON + (("aligner",) if path.endswith("/handout") else ())
        found = [word for word in words if word.casefold() in shown.casefold()]
        assert not found, (path, found)
    profiles = client.get(f"/api/events/{seed_event['id']}").get_json()["comparison"]["profiles"]
    assert all("quote_fidelity" in p for p in profiles.values())  # the JSON keeps its keys


def test_a_row_that_is_partly_the_same_says_so(client, seed_event) -> None:
    """A confident link that is not "equivalent" was labelled "Overlapping"."""
    report = client.get(f"/api/events/{seed_event['id']}").get_json()["comparison"]
    html = client.get(f"/events/{seed_event['id']}").get_data(as_text=True)
    partial = [
        r
        for r in report["rows"]
        if r["kind"] == "shared"
        and r["status"] != "confirmed"
        and {link["kind"] for link in r["links"]} != {"equivalent"}
    ]
    assert partial, "the seed event has a row whose link is partial"
    for row in partial:
        gutter = html.split(f'id="row-{row["number"]}"', 1)[1].split('<div class="cell"', 1)[0]
        assert "Partly the same</span>" in gutter
        assert "one says more than the other" in gutter


def test_the_events_list_carries_each_events_headline(client, seed_event) -> None:
    """`/api/events` listed events without the heading the home page's card shows (QA,
    session 20): each carries the same `headline` as `/api/home`, null only where it is."""
    listed = client.get("/api/events").get_json()["events"]
    home = {e["id"]: e["headline"] for e in client.get("/api/home").get_json()["events"]}
    assert {e["id"] for e in listed} == set(home)
    assert all("headline" in e for e in listed)
    assert {e["id"]: e["headline"] for e in listed} == home
    seed = next(e for e in listed if e["id"] == seed_event["id"])
    assert seed["headline"]["text"] and seed["headline"]["lang"]


def test_a_one_sentence_report_is_counted_in_the_singular(app) -> None:
    """qa8: a pasted headline's card in compare-your-own read "undated · 1 sentences"."""
    render = app.jinja_env.from_string("{{ 1|counted('sentence') }}; {{ 6|counted('sentence') }}")
    assert render.render() == "1 sentence; 6 sentences"
    template = (Path(__file__).parent.parent / "webapp" / "templates" / "event.html").read_text()
    assert "}} sentences" not in template
