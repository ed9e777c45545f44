"""Outlet profiles (webapp/outlets.py, framing/outlet_profile.py): registry facts with their
sources, figures averaged over the outlet's stored articles, the JSON twins, errors."""

from __future__ import annotations

import pytest

from framing.outlet_profile import outlet_report
from framing.report import article_analysis
from framing.store import open_store

NOT_FOUND = (
    "No outlet with id 'nope': it is neither in the outlet registry (corpus/outlets.yaml) "
    "nor named by a stored article."
)


def test_outlet_list_and_twin(client) -> None:
    page = client.get("/outlets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<a href="/outlets/sputnik">' in html and '<a href="/outlets/tass">TASS</a>' in html
    assert '<link rel="alternate" type="application/json" href="/api/outlets">' in html
    assert html.index("With articles in this corpus") < html.index("Sputnik")
    assert html.index("Sputnik") < html.index("Other outlets in the registry")

    twin = client.get("/api/outlets").get_json()
    assert twin["ok"] is True
    counts = {o["id"]: o["n_articles"] for o in twin["outlets"]}
    assert counts["sputnik"] == 2 and counts["komentarii"] == 1 and counts["tass"] == 0
    tass = next(o for o in twin["outlets"] if o["id"] == "tass")
    assert tass == {
        "id": "tass",
        "name": "TASS",
        "country": "RU",
        "kind": "news agency",
        "affiliation": "state",
        "languages": ["ru", "en"],
        "registered": True,
        "n_articles": 0,
    }


def test_outlet_page_facts_sources_and_articles(client, app) -> None:
    page = client.get("/outlets/komentarii")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    twin = client.get("/api/outlets/komentarii").get_json()
    assert twin["ok"] is True
    outlet = twin["outlet"]
    assert outlet["name"] in html and outlet["ownership"] in html.replace("&#39;", "'")
    assert "«Комментарии»" in outlet["aliases"]["ru"] and "«Комментарии»" in html
    for fact in outlet["facts"]:
        assert fact["source"].startswith("https://")
        assert f'<a class="source" href="{fact["source"]}" rel="noopener noreferrer">' in html
    [article] = twin["articles"]
    assert f'href="/articles/{article["id"]}" lang="ru"><bdi>{article["title"]}</bdi></a>' in html
    assert "Loaded words per 100 words" in html and "Sentences that name a source" in html

    # one article: each average is that article's own figure, over n = 1
    with open_store(app.config["DATABASE"]) as store:
        scores = article_analysis(store, store.article(article["id"]))["scores"]
    loaded = scores["loaded_total_per_100_words"]["value"]
    assert twin["figures"]["loaded_total_per_100_words"] == {"mean": loaded, "n": 1}
    assert twin["figures"]["words"] == {"mean": scores["words"], "n": 1}
    assert (
        article["scores"]["attributed_sentence_share"]
        == (scores["attributed_sentence_share"]["value"])
    )
    by_category = {c: f["value"] for c, f in scores["loaded_per_100_words"].items()}
    assert {c: f["mean"] for c, f in twin["loaded_by_category"].items()} == by_category


def test_averages_over_several_articles(app) -> None:
    with open_store(app.config["DATABASE"]) as store:
        report = outlet_report(store, "sputnik")
        analyses = [
            article_analysis(store, store.article(a["id"]))["scores"] for a in report["articles"]
        ]
    assert len(report["articles"]) == 2
    for name in ("words", "attributed_sentence_share", "loaded_total_per_100_words"):
        values = [s[name]["value"] if isinstance(s[name], dict) else s[name] for s in analyses]
        assert report["figures"][name] == {"mean": round(sum(values) / 2, 3), "n": 2}
    for category, figure in report["loaded_by_category"].items():
        values = [
            (s["loaded_per_100_words"].get(category) or {"value": 0.0})["value"] for s in analyses
        ]
        assert figure == {"mean": round(sum(values) / 2, 3), "n": 2}


def test_outlet_without_articles(client) -> None:
    html = client.get("/outlets/tass").get_data(as_text=True)
    assert "No article of this outlet is stored yet." in html
    twin = client.get("/api/outlets/tass").get_json()
    assert twin["articles"] == [] and twin["figures"] == {} and twin["outlet"]["registered"]


@pytest.mark.parametrize("path", ["/api/outlets/nope", "/outlets/nope"])
def test_unknown_outlet(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json() == {"ok": False, "error": NOT_FOUND, "status": 404}
    else:
        assert NOT_FOUND.replace("'", "&#39;") in response.get_data(as_text=True)
