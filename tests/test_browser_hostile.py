"""Hostile text on every kind of page, and the security headers, in a real browser.

Headless Debian Chromium (the fixtures of tests/test_browser.py) against the app served by
waitress. Hostile markup sits in two articles' text, title and outlet name, in a curated
glossary entry and in a search query; every page kind that shows them (event, handout,
compare, article, outlet, glossary, compare-your-own) must show it as text and run
nothing. The Content-Security-Policy is tested on its own: an inline script injected into
a served page does not run with the app's headers, and does without them (so the
injection itself works); framing is refused likewise.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_browser import HOSTILE, assert_nothing_ran, browser, page  # noqa: F401

TITLE = (
    "<script>window.__pwned='title'</script>Заголовок \"><img src=x onerror=\"window.__pwned='t'\">"
)
OUTLET = "<script>window.__pwned='outlet'</script>Вестник'\"><svg onload=\"window.__pwned='o'\">"
ENTRY = {
    "pattern": "electoral college",
    "category": "propaganda_cliche",
    "explanation": "A test entry <script>window.__pwned='gloss'</script> with "
    '"><img src=x onerror="window.__pwned=\'gloss-img\'"> inside.',
    "neutral": "<a href=\"javascript:window.__pwned='neutral'\">the electors</a>",
    "source": "test",
    "needs_context": False,
    "context_note": "",
}
QUERY = "\"><script>window.__pwned='q'</script>"


@pytest.fixture(scope="module")
def site(web_db: Path, tmp_path_factory: pytest.TempPathFactory, model) -> Iterator[dict]:
    from waitress import create_server

    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput
    from framing.wording.curation import save_entry
    from webapp import create_app

    folder = tmp_path_factory.mktemp("browser_hostile")
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus, ignore=shutil.ignore_patterns("curated"))
    before = os.environ.get("FRAMING_CORPUS")
    os.environ["FRAMING_CORPUS"] = str(corpus)
    # Restore the corpus folder even when setting up fails: a leaked curated entry would
    # change every later test's lexicon.
    try:
        save_entry("en", ENTRY, new=True)
        path = folder / "site.db"
        shutil.copy(web_db, path)
        fields = {"title": TITLE, "outlet": OUTLET}
        second = HOSTILE.replace("Последнее", "Другое последнее") + " Ещё одна фраза о событии."
        with open_store(path) as store:
            results = list(
                ingest(
                    [
                        RawInput(source="hostile.txt", text=HOSTILE, fields=dict(fields)),
                        RawInput(source="hostile2.txt", text=second, fields=dict(fields)),
                    ],
                    store,
                )
            )
        app = create_app({"TESTING": True, "DATABASE": str(path)})
        app.extensions["framing_embedder"] = model
        server = create_server(app, host="127.0.0.1", port=0, threads=4, asyncore_use_poll=True)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        client = app.test_client()
        article = client.get(f"/api/articles/{results[0].article_id}").get_json()["article"]
        # Pages never group in a request: the first one starts the background analysis.
        client.get("/api/home")
        assert app.extensions["framing_analysis"].wait(timeout=600)
        events = client.get("/api/events").get_json()["events"]
        [event] = [e for e in events if results[0].article_id in e["articles"]]
        yield {
            "url": f"http://127.0.0.1:{server.effective_port}",
            "ids": [r.article_id for r in results],
            "outlet": article["outlet"],
            "event": event["id"],
        }
        server.close()
    finally:
        if before is None:
            del os.environ["FRAMING_CORPUS"]
        else:
            os.environ["FRAMING_CORPUS"] = before


def pages(site: dict) -> dict[str, str]:
    first, second = site["ids"]
    return {
        "event": f"/events/{site['event']}",
        "handout": f"/events/{site['event']}/handout",
        "compare": f"/compare?articles={first}&articles={second}",
        "article": f"/articles/{first}",
        "outlet": f"/outlets/{site['outlet']}",
        "outlets": "/outlets",
        "home": "/",
        "glossary": "/glossary?lang=en",
    }


@pytest.mark.parametrize(
    "kind", ["event", "handout", "compare", "article", "outlet", "outlets", "home", "glossary"]
)
def test_hostile_text_is_text_on_every_page(site, page, kind: str) -> None:  # noqa: F811
    blocked: list[str] = []  # the CSP must block nothing of the app's own pages
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
    page.goto(site["url"] + pages(site)[kind])
    # the glossary's kinds of wording are collapsed sections: open them all to read them
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    shown = page.locator("main").inner_text()
    expected = {
        "event": ['<script>window.__pwned = "script"</script>', "<script>window.__pwned='outlet'"],
        "handout": ['<script>window.__pwned = "script"</script>'],
        "compare": ['<script>window.__pwned = "script"</script>', "</mark></span></div><script>"],
        "article": ["<img src=x onerror=", "<script>window.__pwned='title'</script>"],
        "outlet": ["<script>window.__pwned='outlet'</script>", "<script>window.__pwned='title'"],
        "outlets": ["<script>window.__pwned='outlet'</script>"],
        "home": ["<script>window.__pwned='title'</script>"],
        "glossary": ["<script>window.__pwned='gloss'</script>", "javascript:window.__pwned"],
    }[kind]
    for text in expected:
        assert text in shown, (kind, text)
    for mark in page.locator("mark.hl").all()[:8]:
        mark.hover()
    assert_nothing_ran(page)
    assert blocked == []


def test_hostile_search_query_stays_in_its_field(site, page) -> None:  # noqa: F811
    for path in ("/glossary", "/"):
        page.goto(f"{site['url']}{path}?q={QUERY}")
        assert page.locator("input[name=q]").input_value() == QUERY
        assert_nothing_ran(page)


def test_hostile_outlet_names_in_compare_your_own(site, page) -> None:  # noqa: F811
    page.goto(site["url"] + "/compare/new")
    page.fill("#text1", HOSTILE)
    page.fill("#text2", HOSTILE.replace("Последнее", "Другое последнее") + " Ещё фраза.")
    page.fill("[name=outlet1]", OUTLET)
    page.fill("[name=outlet2]", QUERY)
    page.click("button[type=submit]")
    page.wait_for_selector(".matrix", timeout=60_000)
    assert "<script>window.__pwned='outlet'</script>" in page.locator("main").inner_text()
    assert_nothing_ran(page)


INJECTED = "<script>window.__pwned = 'inline'</script>"


def serve_injected(page, site: dict, keep_headers: bool) -> None:  # noqa: F811
    """Load the outlets page with an inline script spliced into its HTML, with the app's
    own response headers or with the security ones removed."""

    def splice(route) -> None:
        response = route.fetch()
        headers = dict(response.headers)
        if not keep_headers:
            for name in ("content-security-policy", "x-frame-options"):
                headers.pop(name, None)
        body = response.text().replace("</main>", INJECTED + "</main>")
        route.fulfill(status=response.status, headers=headers, body=body)

    page.route(f"{site['url']}/outlets", splice)
    page.goto(f"{site['url']}/outlets")


def test_csp_stops_an_inline_script_that_got_into_a_page(site, page) -> None:  # noqa: F811
    serve_injected(page, site, keep_headers=True)
    assert page.locator("main script:not([src])").count() == 1  # it is in the page...
    assert page.evaluate("window.__pwned") is None  # ...and did not run


def test_without_the_csp_the_same_injection_runs(site, page) -> None:  # noqa: F811
    # The control: the splice works, so the test above shows the header's effect.
    serve_injected(page, site, keep_headers=False)
    assert page.evaluate("window.__pwned") == "inline"


def test_app_script_and_styles_still_work_under_the_csp(site, page) -> None:  # noqa: F811
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    page.goto(site["url"] + "/")
    # the seed event, as test_browser.py: titled by its most shared statement, names under it
    page.locator(".events > li", has_text="Trump, Peskov, Putin, Kremlin").locator("h3 a").click()
    page.wait_for_selector(".matrix")
    page.locator("mark.hl.cat-pejorative_label", has_text="пропагандистскими СМИ").hover()
    page.locator("#popover").wait_for(state="visible")  # app.js ran
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.matrix .mrow'))"
        ".gridTemplateColumns.split(' ').length"
    )
    assert columns == 3  # style.css and the cols-2 class (no style attribute) laid it out
    assert violations == []


def frame_loads(page, site: dict) -> bool:  # noqa: F811
    page.set_content(f'<iframe src="{site["url"]}/glossary/login" width=600 height=400></iframe>')
    page.wait_for_timeout(1500)
    frame = page.frames[1]
    try:
        return 'class="brand"' in frame.content()  # the app's header, inside the frame
    except Exception:  # noqa: BLE001 - a blocked frame may not be readable at all
        return False


def test_pages_cannot_be_framed(site, page) -> None:  # noqa: F811
    assert not frame_loads(page, site)


def test_without_the_headers_the_page_could_be_framed(site, page) -> None:  # noqa: F811
    def strip(route) -> None:
        response = route.fetch()
        headers = {
            k: v
            for k, v in response.headers.items()
            if k not in ("content-security-policy", "x-frame-options")
        }
        route.fulfill(status=response.status, headers=headers, body=response.body())

    page.route(f"{site['url']}/glossary/login", strip)
    assert frame_loads(page, site)
