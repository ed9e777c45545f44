"""The event analysis runs off the request path: pages show the last finished grouping and
"analysing N new articles…" while a background thread catches up (real model, SQLite)."""

from __future__ import annotations

import numpy as np

from framing.ingest import ingest
from framing.store import open_store
from framing.text.readers import RawInput

NEW = [
    RawInput(
        source=f"new-{lang}",
        text=text,
        fields={"lang": lang, "date": "2025-03-02"},
    )
    for lang, text in (
        (
            "en",
            "The city council of Lviv approved a new budget for public transport on Sunday.\n\n"
            "The budget adds forty electric buses and repairs two tram lines.\n\n"
            "The mayor said the first buses would arrive in the summer.",
        ),
        (
            "uk",
            "Міська рада Львова в неділю затвердила новий бюджет на громадський транспорт.\n\n"
            "Бюджет додає сорок електробусів і ремонт двох трамвайних ліній.\n\n"
            "Мер сказав, що перші автобуси прибудуть улітку.",
        ),
    )
]


class NoModel:
    """An embedder that must not be used: a page that encodes anything fails loudly."""

    def __init__(self, model_id: str, dim: int) -> None:
        self.model_id = model_id
        self.dim = dim

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        raise AssertionError(f"a request tried to encode {len(texts)} texts")

    @property
    def model(self) -> None:  # token states (phrase insertions): an alignment, too
        raise AssertionError("a request tried to use the model's token states")


def add_new_articles(app) -> list[str]:
    with open_store(app.config["DATABASE"]) as store:
        return [r.article_id for r in ingest(NEW, store) if r.status == "added"]


def test_pages_never_run_the_analysis(app, model) -> None:
    app.config["BACKGROUND_ANALYSIS"] = False
    app.extensions["framing_embedder"] = NoModel(model.model_id, model.dim)
    client = app.test_client()
    before = client.get("/api/events").get_json()
    assert before["analysis"]["up_to_date"] is True
    added = add_new_articles(app)
    assert len(added) == 2

    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Analysing 2 new articles…" in html
    assert 'http-equiv="refresh"' in html
    home = client.get("/api/home").get_json()
    assert home["analysis"] == {
        "up_to_date": False,
        "pending": 2,
        "running": False,
        "stage": None,
        "done": None,
        "total": None,
    }
    # The last finished grouping is still served, event pages included.
    events = client.get("/api/events").get_json()["events"]
    assert events == before["events"]
    assert client.get(f"/events/{events[0]['id']}").status_code == 200


def test_background_thread_brings_the_grouping_up_to_date(app, model) -> None:
    client = app.test_client()
    added = add_new_articles(app)
    first = client.get("/api/home").get_json()["analysis"]
    assert first["pending"] == 2 and first["running"] is True
    worker = app.extensions["framing_analysis"]
    assert worker.wait(timeout=600)
    after = client.get("/api/home").get_json()
    assert after["analysis"]["up_to_date"] is True and after["analysis"]["pending"] == 0
    assert after["analysis"]["stage"] == "done"
    together = [e for e in after["events"] if set(added) <= set(e["articles"])]
    assert len(together) == 1, after["events"]  # the two reports of one event, found
    assert "Analysing" not in client.get("/").get_data(as_text=True)


def test_an_event_page_never_compares_in_the_request(app, model) -> None:
    """A new event (no stored comparison) says "analysing" and leaves the comparison to the
    background thread; once stored, the page shows it. The request never encodes."""
    with open_store(app.config["DATABASE"]) as store:
        store.db.execute("delete from analyses where kind = 'compare'")
        store.db.conn.commit()
    app.config["BACKGROUND_ANALYSIS"] = False
    app.extensions["framing_embedder"] = NoModel(model.model_id, model.dim)
    client = app.test_client()
    event = next(
        e for e in client.get("/api/events").get_json()["events"] if len(e["articles"]) > 1
    )
    page = client.get(f"/events/{event['id']}")
    assert page.status_code == 202  # not kept by the page cache
    assert "Analysing this event" in page.get_data(as_text=True)
    twin = client.get(f"/api/events/{event['id']}")
    assert twin.status_code == 202 and twin.headers["Retry-After"]
    twin = twin.get_json()
    assert twin["comparison"] is None and twin["analysing"] is True
    csv = client.get(f"/events/{event['id']}/matrix.csv")
    assert csv.status_code == 503 and csv.headers["Retry-After"]

    app.config["BACKGROUND_ANALYSIS"] = True
    app.extensions["framing_embedder"] = model  # the worker takes the process's model
    app.extensions.pop("framing_analysis", None)
    assert "Analysing this event" in client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert app.extensions["framing_analysis"].wait(timeout=600)
    app.extensions["framing_embedder"] = NoModel(model.model_id, model.dim)
    done = client.get(f"/api/events/{event['id']}").get_json()
    assert done["comparison"]["articles"], done
    assert "Analysing this event" not in client.get(f"/events/{event['id']}").get_data(as_text=True)
