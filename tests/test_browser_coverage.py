"""The coverage block of the event page and the outlet-over-time chart in a real browser
(Debian's headless Chromium driven by Playwright), over the analysed seeds plus a TASS
article on another subject, stored the day after the Peskov briefing."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import browser, page  # noqa: F401 (fixtures shared with that module)
from tests.test_coverage import extra


@pytest.fixture(scope="module")
def site(web_db: Path, tmp_path_factory: pytest.TempPathFactory, model) -> Iterator[str]:
    from waitress import create_server

    from framing.ingest import ingest
    from framing.store import open_store
    from webapp import create_app

    path = tmp_path_factory.mktemp("browser-coverage") / "site.db"
    shutil.copy(web_db, path)
    with open_store(path) as store:
        [result] = ingest([extra("tass.txt", "TASS", "ru", "2024-11-08")], store)
        assert result.status == "added"
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    app.extensions["framing_embedder"] = model
    server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_use_poll=True)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def test_coverage_block_shows_who_reported_and_who_has_no_report(site: str, page) -> None:  # noqa: F811
    page.goto(site + "/")
    # events are titled by their most shared statement; the names are listed under it
    page.locator(".events > li", has_text="Trump, Peskov, Putin, Kremlin").locator("h3 a").click()
    block = page.locator("#coverage")
    block.wait_for()
    assert "2 stored reports from 2 outlets" in block.inner_text()
    chart = block.locator("figure[data-facet=affiliation]")
    rows = chart.locator("tr")
    assert rows.count() == 2
    # one report each: each bar fills half of its cell
    for i in range(2):
        bar = rows.nth(i).locator(".cov-bar").bounding_box()
        cell = rows.nth(i).locator(".cov-bar-cell").bounding_box()
        assert 0.45 < bar["width"] / (cell["width"] - 9.6) < 0.55  # less the padding (.6rem)
    assert "state-owned and state-controlled" in chart.inner_text()
    # the facts behind the grouping, with their sources, one click away
    source = block.locator("details.cov-outlets a.source").first
    assert source.is_hidden()
    block.locator("details.cov-outlets summary").click()
    assert source.is_visible()
    assert source.get_attribute("href").startswith("https://")
    # TASS has a stored Russian article the next day, and no report of this event
    missing = block.locator(".cov-missing li")
    assert missing.count() == 1
    assert "1 within a week of this event" in missing.inner_text()
    missing.locator("a").click()
    page.wait_for_url("**/outlets/tass")


def test_outlet_chart_bars_lead_to_their_articles(site: str, page) -> None:  # noqa: F811
    page.goto(site + "/outlets/sputnik")
    charts = page.locator("#over-time figure.trend")
    assert charts.count() == 4
    loaded = page.locator("figure.trend[data-figure=loaded_total_per_100_words]")
    bars = loaded.locator("rect.bar")
    assert bars.count() == 2  # 2020-12 and 2024-11
    heights = sorted(bars.nth(i).bounding_box()["height"] for i in range(2))
    assert heights[1] > heights[0]  # the months differ, and the chart shows it
    loaded.locator("a.trend-bar[data-month='2024-11']").click()
    page.wait_for_url("**#month-2024-11")
    row = page.locator("tr#month-2024-11")
    colour = row.evaluate("r => getComputedStyle(r).backgroundColor")
    assert colour == "rgb(255, 244, 194)"  # the month's row is highlighted as the target
    row.locator("a").first.click()
    page.wait_for_url("**/articles/*")
    # The evidence: the article's page with its highlights, as many as its JSON twin counts
    # (the neutral wire copy of 2024-11 may have none).
    article_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    twin = page.request.get(f"{site}/api/articles/{article_id}").json()
    assert twin["article"]["outlet"] == "sputnik"
    assert page.locator("mark.hl").count() == len(twin["highlights"])


def test_outlet_chart_labels_are_not_cut(site: str, page) -> None:  # noqa: F811
    """The asides chart's top label "100%" began left of its drawing, so it showed as
    "l00%" (QA, session 20): every label of every chart lies inside its SVG."""
    page.goto(site + "/outlets/sputnik")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('figure.trend svg')].flatMap(svg => {
            const box = svg.viewBox.baseVal;
            return [...svg.querySelectorAll('text')]
                .map(t => [t.textContent, t.getBBox()])
                .filter(([, b]) => b.x < box.x || b.x + b.width > box.x + box.width)
                .map(([text]) => text);
        })"""
    )
    labels = page.locator("figure.trend[data-figure=editorial_insertion_share] text")
    assert "100%" in labels.all_text_contents()  # the case that was cut is on the page
    assert cut == []
