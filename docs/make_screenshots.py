"""Screenshots of the web view for the README (make screenshots): the sample corpus served
by waitress on loopback, photographed in Debian's headless Chromium.

Writes docs/screenshots/*.png. Run after a change to the pages, look at the images, commit
them.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

from framing.report import analyse_events
from framing.sample import load_sample_corpus
from framing.store import open_store
from webapp import create_app

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    db = Path(tempfile.mkdtemp(prefix="framing-shots-")) / "shots.db"
    load_sample_corpus(db)
    with open_store(db) as store:
        grouped = analyse_events(store)
    main_event = max(grouped, key=lambda e: len(e["articles"]))
    app = create_app({"DATABASE": str(db), "SECRET_KEY": os.urandom(16).hex()})
    server = create_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    first = main_event["articles"][0]
    shots = [
        ("home", "/", None, True),
        ("event", f"/events/{main_event['id']}", None, False),
        ("event-full", f"/events/{main_event['id']}", None, True),
        ("event-popover", f"/events/{main_event['id']}", "mark.hl[id].cat-pejorative_label", False),
        ("article", f"/articles/{first}", None, True),
        ("handout", f"/events/{main_event['id']}/handout", None, True),
        ("glossary", "/glossary?lang=ru&category=pejorative_label", None, False),
        ("compare-your-own", "/compare/new", None, False),
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, path, hover, full in shots:
            page.goto(base + path)
            if hover:
                mark = page.locator(hover).first
                mark.scroll_into_view_if_needed()
                mark.hover()
                page.wait_for_selector("#popover:not([hidden])")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
            print(f"docs/screenshots/{name}.png")
        # One part of a page: the event's coverage block, an outlet's figures by month.
        for name, path, selector in [
            ("coverage", f"/events/{main_event['id']}", "#coverage"),
            ("outlet-over-time", "/outlets/sputnik", "#over-time"),
        ]:
            page.goto(base + path)
            page.locator(selector).screenshot(path=str(OUT / f"{name}.png"))
            print(f"docs/screenshots/{name}.png")
        teacher_shots(browser, base, main_event["id"])
        browser.close()
    server.close()


def teacher_shots(browser, base: str, event_id: str) -> None:
    """The README's "For teachers": adding a missing link (the moment after "Link…"), and
    the comparison on a phone."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/events/{event_id}")
    sentence = page.locator(".sentence", has_text="Общение не исключается.").first
    article, index = sentence.get_attribute("id").split("-")[1:]
    page.click(f"button.link-from[data-link-article='{article}'][data-link-sentence='{index}']")
    sentence.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -120)")
    page.mouse.move(5, 5)  # no highlight's popover over the picture
    page.wait_for_timeout(200)
    page.screenshot(path=str(OUT / "teacher-correct.png"))
    print("docs/screenshots/teacher-correct.png")
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{base}/events/{event_id}")
    phone.evaluate("document.querySelector('.matrix').scrollIntoView()")
    phone.screenshot(path=str(OUT / "event-390.png"))
    print("docs/screenshots/event-390.png")


if __name__ == "__main__":
    main()
