"""Coverage of an event (who reported it, who in the corpus did not) and an outlet's figures
by month: the library, `framing events`, the pages and their JSON twins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.coverage import event_coverage
from framing.ingest import ingest
from framing.outlet_trends import monthly_figures
from framing.store import open_store
from framing.text.readers import RawInput

OTHER_NEWS = (
    "В Москве открылся новый парк на берегу реки, сообщили в мэрии. Парк занимает двадцать "
    "гектаров, в нём высадили три тысячи деревьев. Посетителей ждут с девяти утра."
)

PARK_EN = (
    "A new park opened on the river bank in Moscow, the city hall said. It covers 20 hectares."
)
PARK_UK = (
    "У Москві на березі річки відкрили новий парк, повідомили в мерії. Він займає 20 гектарів."
)


def extra(source: str, outlet: str, lang: str, date: str, text: str = OTHER_NEWS) -> RawInput:
    # different texts get different ids: the date goes into the text
    return RawInput(
        source=source,
        text=f"{text} {date}.",
        fields={"outlet": outlet, "lang": lang, "date": date},
    )


@pytest.fixture
def corpus(seed_copy: Path) -> Path:
    """The seeds plus unrelated articles of other outlets: TASS (ru) the day after the
    Peskov briefing, Reuters (en) years earlier, UNIAN only in Ukrainian, and an outlet the
    registry does not know."""
    with open_store(seed_copy) as store:
        results = list(
            ingest(
                [
                    extra("tass.txt", "TASS", "ru", "2024-11-08"),
                    extra("reuters.txt", "Reuters", "en", "2019-03-01", PARK_EN),
                    extra("unian.txt", "UNIAN", "uk", "2024-11-07", PARK_UK),
                    extra("blog.txt", "Some Blog", "ru", "2024-11-07"),
                ],
                store,
            )
        )
    assert [r.status for r in results] == ["added"] * 4, results
    return seed_copy


def test_coverage_of_the_peskov_briefing(corpus: Path, seed_ids: dict[str, str]) -> None:
    event = {"articles": [seed_ids["001"], seed_ids["002"]]}
    with open_store(corpus) as store:
        c = event_coverage(store, event)
    assert c["reports"] == 2
    assert {o["id"] for o in c["outlets"]} == {"sputnik", "komentarii"}
    sputnik = next(o for o in c["outlets"] if o["id"] == "sputnik")
    assert (sputnik["country"], sputnik["affiliation"]) == ("RU", "state")
    assert sputnik["facts"] and all(f["source"].startswith("https://") for f in sputnik["facts"])
    facets = {f["facet"]: f for f in c["facets"]}
    assert [(g["value"], g["outlets"], g["share"]) for g in facets["affiliation"]["groups"]] == [
        ("private", ["komentarii"], 0.5),
        ("state", ["sputnik"], 0.5),
    ]
    assert {g["value"] for g in facets["country"]["groups"]} == {"RU", "UA"}
    assert c["languages"] == [{"lang": "en", "reports": 1}, {"lang": "ru", "reports": 1}]
    assert c["first_report"]["date"] == c["last_report"]["date"] == "2024-11-07"
    # TASS has a stored ru article the next day; Reuters an en one five years earlier;
    # UNIAN writes only uk here, and the blog is not in the registry: neither is listed.
    missing = [(o["id"], o["stored_articles"], o["within_window"]) for o in c["not_covered_by"]]
    assert missing == [("tass", 1, 1), ("reuters", 1, 0)]
    assert "not what the outlets published" in c["not_covered_note"]


def test_an_unregistered_outlet_is_grouped_as_unknown(
    corpus: Path, seed_ids: dict[str, str]
) -> None:
    with open_store(corpus) as store:
        blog = next(a["id"] for a in store.articles() if a["outlet"] == "some-blog")
        c = event_coverage(store, {"articles": [seed_ids["001"], blog]})
    blog_entry = next(o for o in c["outlets"] if o["id"] == "some-blog")
    assert blog_entry["registered"] is False and blog_entry["facts"] == []
    affiliation = next(f for f in c["facets"] if f["facet"] == "affiliation")
    assert ("unknown", ["some-blog"]) in [(g["value"], g["outlets"]) for g in affiliation["groups"]]


def test_monthly_figures_average_each_month_with_its_articles() -> None:
    def article(aid: str, day: str | None, loaded: float | None) -> dict:
        scores = {"loaded_total_per_100_words": loaded, "hedges_per_100_words": 0.0}
        return {"id": aid, "date": day, "scores": scores}

    trends = monthly_figures(
        [
            article("c", "2024-12-01", 3.0),
            article("a", "2024-11-02", 1.0),
            article("b", "2024-11-20", 2.0),
            article("d", "2024-12-09", None),
            article("u", None, 9.0),
        ]
    )
    months = {m["month"]: m for m in trends["months"]}
    assert list(months) == ["2024-11", "2024-12"]
    assert months["2024-11"]["articles"] == ["a", "b"]
    assert months["2024-11"]["figures"]["loaded_total_per_100_words"] == {
        "mean": 1.5,
        "n": 2,
        "min": 1.0,
        "max": 2.0,
    }
    assert months["2024-12"]["figures"]["loaded_total_per_100_words"]["n"] == 1
    assert months["2024-12"]["figures"]["attributed_sentence_share"]["mean"] is None
    assert trends["undated"] == ["u"]


def test_cli_events_carry_their_coverage(web_db: Path, tmp_path: Path) -> None:
    """The analysed seed database has its events cached: no model is loaded."""
    db = tmp_path / "web.db"
    shutil.copy(web_db, db)
    result = CliRunner().invoke(cli, ["events", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)
    briefing = next(e for e in events if "Peskov" in e["label"])
    coverage = briefing["coverage"]
    assert {o["id"] for o in coverage["outlets"]} == {"sputnik", "komentarii"}
    assert coverage["first_report"]["date"] == "2024-11-07"
    assert all("coverage" in e for e in events)


def test_event_page_and_twin_show_coverage(client) -> None:
    events = client.get("/api/events").get_json()["events"]
    briefing = next(e for e in events if "Peskov" in e["label"])
    html = client.get(f"/events/{briefing['id']}").get_data(as_text=True)
    assert 'id="coverage"' in html
    assert "Coverage in this corpus" in html
    assert "state-owned and state-controlled" in html
    assert 'href="https://en.wikipedia.org/wiki/Sputnik_(news_agency)"' in html
    assert 'class="cov-bar w-50"' in html  # a class: the CSP forbids style attributes
    twin = client.get(f"/api/events/{briefing['id']}").get_json()
    assert twin["coverage"]["reports"] == 2
    assert twin["coverage"]["not_covered_by"] == []
    flat = " ".join(html.split())
    assert flat.count("2 stored reports from 2 outlets, in") == 1, flat[
        flat.find("stored report") - 50 :
    ][:300]


def test_reports_of_no_known_outlet_are_not_counted_as_an_outlet(client) -> None:
    """Seed 000 names no outlet: its event read "1 stored report from 1 outlet" (the
    "unknown" group counted as an outlet; eight pasted reports: "from 1 outlet")."""
    events = client.get("/api/events").get_json()["events"]
    [lone] = [
        e
        for e in events
        if [o["id"] for o in client.get(f"/api/events/{e['id']}").get_json()["coverage"]["outlets"]]
        == ["unknown"]
    ]
    html = " ".join(client.get(f"/events/{lone['id']}").get_data(as_text=True).split())
    assert "1 stored report, of no known outlet, in" in html
    assert "from 1 outlet" not in html


def test_outlet_page_and_twin_show_figures_by_month(client) -> None:
    twin = client.get("/api/outlets/sputnik").get_json()
    months = twin["over_time"]["months"]
    assert [m["month"] for m in months] == ["2020-12", "2024-11"]
    html = client.get("/outlets/sputnik").get_data(as_text=True)
    assert 'id="over-time"' in html
    assert 'href="#month-2024-11"' in html and 'id="month-2024-11"' in html
    for month in months:
        for article_id in month["articles"]:
            assert f'href="/articles/{article_id}"' in html


def test_reports_of_sites_outside_the_registry_are_named_not_unknown(
    app, seed_ids: dict[str, str]
) -> None:
    """The block read "from 1 outlet (7 of no known outlet)" while the comparison's columns
    named the sites (QA, session 19): they are reports from sites the outlet registry does
    not hold, named; only a report with no address is of no known outlet."""
    from flask import render_template

    from webapp.db import get_store

    def page(site: str, n: int) -> RawInput:
        return RawInput(
            source=f"{site}-{n}",
            text=f"{OTHER_NEWS} {n}.",
            fields={"url": f"https://{site}/news/{n}", "lang": "ru", "date": "2024-11-07"},
        )

    with app.test_request_context():
        store = get_store()
        added = list(
            ingest([page("amp.example-kyiv.net", 1), page("amp.example-kyiv.net", 2),
                    page("patriots.example.org", 3)], store)
        )  # fmt: skip
        assert [r.status for r in added] == ["added"] * 3, added
        ids = [str(r.article_id) for r in added]
        event = {"articles": [seed_ids["001"], *ids, seed_ids["000"]]}
        unknown = next(o for o in event_coverage(store, event)["outlets"] if o["id"] == "unknown")
        assert unknown["name"] == "Unknown outlet"  # the API's keys and values as they were
        assert unknown["label"] == "Not in the outlet registry"
        by_site = {s["site"]: sorted(s["articles"]) for s in unknown["sites"]}
        assert by_site == {
            "amp.example-kyiv.net": sorted(ids[:2]),
            "patriots.example.org": ids[2:],
            None: [seed_ids["000"]],
        }
        named = ", ".join(s["site"] for s in unknown["sites"] if s["site"])
        listed = ", ".join(
            f"{s['site'] or 'no address'} ({len(s['articles'])})" for s in unknown["sites"]
        )
        html = " ".join(render_template("events/_coverage.html", event=event).split())
    assert (
        "5 stored reports from 1 outlet (and 3 from 2 sites not in the outlet registry: "
        f"{named}; 1 of no known outlet), in"
    ) in html, html[:800]
    assert f"Not in the outlet registry: {listed}" in html
    assert "of no known outlet)" in html and "(4 of no known outlet)" not in html
