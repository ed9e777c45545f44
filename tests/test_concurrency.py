"""The web server under classroom load: 20 concurrent clients for 60 s on loopback, reading
pages and their JSON twins and posting compare-your-own (some saved to the corpus). Every
response must be a success, and the store must be consistent afterwards."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

CLIENTS = 20
SECONDS = float(os.environ.get("FRAMING_LOAD_SECONDS", "60"))
RU = [
    "Пресс-секретарь Кремля Дмитрий Песков заявил, что встреча президентов пока не обсуждается.",
    "По его словам, подготовка к переговорам не ведется.",
    "Он добавил, что контакты до инаугурации не исключены.",
    "Министр иностранных дел прокомментировал итоги визита в Казахстан.",
]
EN = [
    "Kremlin spokesman Dmitry Peskov said a meeting of the presidents is not being discussed.",
    "According to him, no preparations for talks are underway.",
    "He added that contacts before the inauguration are not ruled out.",
    "The foreign minister commented on the results of the visit to Kazakhstan.",
]


@pytest.fixture(scope="module")
def server(web_db: Path, tmp_path_factory: pytest.TempPathFactory, model):
    from waitress import create_server

    from webapp import create_app

    path = tmp_path_factory.mktemp("load") / "load.db"
    shutil.copy(web_db, path)
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    app.extensions["framing_embedder"] = model
    served = create_server(app, host="127.0.0.1", port=0, threads=8, asyncore_use_poll=True)
    threading.Thread(target=served.run, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{served.effective_port}", "db": path}
    served.close()


def request(url: str, body: dict | None = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data, headers), timeout=60) as r:
            r.read()
            return r.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[-300:]


def test_twenty_clients_for_a_minute(server) -> None:
    base = server["url"]
    with urllib.request.urlopen(base + "/api/events") as response:
        events = json.load(response)["events"]
    with urllib.request.urlopen(base + "/api/articles") as response:
        articles = json.load(response)["articles"]
    pages = ["/", "/api/home", "/glossary", "/outlets", "/compare/new"]
    pages += [f"/events/{e['id']}" for e in events] + [f"/api/events/{e['id']}" for e in events]
    pages += [f"/articles/{a['id']}" for a in articles]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    saved = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client(number: int) -> None:
        rng = random.Random(number)
        while time.monotonic() < deadline:
            if rng.random() < 0.05:
                ru, en = rng.sample(RU, 3), rng.sample(EN, 3)
                save = rng.random() < 0.3
                body = {"texts": [" ".join(ru), " ".join(en)], "save": save}
                (status, said), what = request(base + "/api/compare", body), "POST /api/compare"
                if save and status == 200:
                    with lock:
                        saved[" ".join(ru)] += 1
                        saved[" ".join(en)] += 1
            else:
                page = rng.choice(pages)
                (status, said), what = request(base + page), page
            # Saved texts join or start events; until the background analysis has compared
            # an event's reports, its page answers 202 "analysing" (never waits for it).
            fine = status == 200 or (status == 202 and "/events/" in what)
            with lock:
                statuses[status] += 1
                if not fine:
                    failures.append(f"{what}: {status} {said}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [], "\n".join(f[:400] for f in failures[:8])
    assert statuses[200] >= CLIENTS  # every client was served; throughput: bench_web.py

    db = sqlite3.connect(server["db"])
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert db.execute("pragma foreign_key_check").fetchall() == []
    broken = db.execute(
        """select a.id from articles a left join sentences s on s.article_id = a.id
           group by a.id having count(s.idx) != a.n_sentences"""
    ).fetchall()
    assert broken == []
    stored_texts = {row[0] for row in db.execute("select text from articles")}
    assert set(saved) <= stored_texts  # every saved article is there, whole
