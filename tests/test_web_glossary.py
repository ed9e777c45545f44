"""The glossary page, its JSON twin, and the curators' editor (webapp/glossary.py,
framing/curation.py). Every test writes to a private copy of corpus/, never the repo's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from webapp import create_app
from webapp.glossary import BAD_TOKEN, BEARER_NEEDED, DISABLED, LOGIN_NEEDED, NOT_JSON

from .conftest import ROOT

TOKEN = "a-long-test-token"
CSRF_REFUSED = (
    "The form had expired or did not come from this site (missing or wrong security token). "
    "Reload the page and send it again."
)
NEW_ENTRY = {
    "lang": "en",
    "pattern": "electoral college",
    "category": "propaganda_cliche",
    "explanation": "A test entry: the name of an institution, listed here only to test curation.",
    "neutral": "the electors",
    "source": "test",
    "context_note": "",
    "literal_contexts": "",
    "max_gap": "",
}


@pytest.fixture(autouse=True)
def repo_lexicons_untouched():
    """Whatever a test does, the repository's lexicon files stay as they were."""
    folder = ROOT / "corpus" / "lexicons"

    def stamps() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}

    before = stamps()
    yield
    assert stamps() == before


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", copy, ignore=shutil.ignore_patterns("curated"))
    monkeypatch.setenv("FRAMING_CORPUS", str(copy))
    return copy


@pytest.fixture
def app(seed_copy: Path, corpus: Path):
    return create_app({"TESTING": True, "DATABASE": str(seed_copy), "ADMIN_TOKEN": TOKEN})


@pytest.fixture
def curator(client):
    """A client logged in as a curator."""
    response = client.post("/glossary/login", data={"token": TOKEN, "csrf_token": csrf(client)})
    assert response.status_code == 302
    return client


def csrf(client, path: str = "/glossary/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def overlay(corpus: Path, lang: str = "en") -> Path:
    return corpus / "lexicons" / "curated" / f"{lang}.yaml"


# --- reading ----------------------------------------------------------------------------------


def test_glossary_by_language_and_category(client) -> None:
    page = client.get("/glossary?lang=ru&category=euphemism")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<span class="pattern" lang="ru">воссоединение</span>' in html
    assert "<h3>Euphemism" in html and "A softened word that hides what happened." in html
    assert "Neutral alternative" in html and "аннексия; присоединение" in html
    assert 'aria-current="page">Russian' in html
    assert '<span class="pattern" lang="en">' not in html
    assert 'href="/api/lexicon?lang=ru&amp;category=euphemism"' in html

    twin = client.get("/api/lexicon?lang=ru&category=euphemism").get_json()
    assert twin["ok"] is True and twin["entries"]
    assert {(e["lang"], e["category"]) for e in twin["entries"]} == {("ru", "euphemism")}
    assert f"{len(twin['entries'])} entries." in html
    first = twin["entries"][0]
    assert set(first) == {
        "lang", "pattern", "category", "explanation", "neutral", "needs_context",
        "context_note", "literal_contexts", "max_gap", "source", "curated", "updated",
        "neutral_en",
    }  # fmt: skip


def test_the_glossary_glosses_russian_and_ukrainian_alternatives_in_english(client) -> None:
    """The handout and the popovers gloss «(убрать)» as "(drop it)"; the printable glossary a
    teacher reads aloud showed the Russian and Ukrainian alternatives alone."""
    html = client.get("/glossary?lang=uk&q=так званий").get_data(as_text=True)
    assert '<span lang="uk">(прибрати; назвати прямо)</span>' in html
    assert (
        '<span class="gloss muted small" lang="en">in English: (drop it; name it plainly)' in html
    )
    [entry] = [
        e
        for e in client.get("/api/lexicon?lang=uk&q=так званий").get_json()["entries"]
        if e["pattern"] == "так званий"
    ]
    assert entry["neutral_en"] == "(drop it; name it plainly)"
    # found by its gloss too; English entries need none
    found = client.get("/api/lexicon?lang=ru&q=name the thing plainly").get_json()["entries"]
    assert "так называемый" in [e["pattern"] for e in found]
    english = client.get("/api/lexicon?lang=en&q=so-called").get_json()["entries"]
    assert english and all(e["neutral_en"] is None for e in english)


def test_all_languages_and_text_filter(client) -> None:
    everything = client.get("/api/lexicon").get_json()["entries"]
    assert {e["lang"] for e in everything} == {"ru", "uk", "en"}
    found = client.get("/api/lexicon?q=so-called").get_json()["entries"]
    assert "so-called" in [e["pattern"] for e in found]
    assert all("so-called" in " ".join(map(str, e.values())).casefold() for e in found)
    html = client.get("/glossary?q=so-called").get_data(as_text=True)
    assert ">so-called</span>" in html and "Curator login" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=de", "Field 'lang': 'de' is not one of ru, uk, en."),
        (
            "category=rude",
            "Field 'category': 'rude' is not one of pejorative_label, delegitimising_qualifier, "
            "distancing_hedge, emotive_intensifier, euphemism, propaganda_cliche.",
        ),
    ],
)
def test_bad_filters(client, query: str, message: str) -> None:
    response = client.get(f"/api/lexicon?{query}")
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": message, "status": 400}
    page = client.get(f"/glossary?{query}")
    assert page.status_code == 400 and message.replace("'", "&#39;") in page.get_data(True)


# --- who may edit -----------------------------------------------------------------------------


def test_editing_disabled_without_token(seed_copy: Path, corpus: Path) -> None:
    client = create_app({"TESTING": True, "DATABASE": str(seed_copy), "ADMIN_TOKEN": ""})
    client = client.test_client()
    login = client.get("/glossary/login").get_data(as_text=True)
    assert "set the environment variable FRAMING_ADMIN_TOKEN" in login
    assert 'name="token"' not in login
    assert "Curator login" not in client.get("/glossary?lang=en").get_data(as_text=True)
    response = client.get("/glossary/new")
    assert response.status_code == 403 and DISABLED in response.get_data(as_text=True)
    api = client.post("/api/lexicon/en", json=NEW_ENTRY, headers={"Authorization": "Bearer "})
    assert api.get_json() == {"ok": False, "error": DISABLED, "status": 403}
    assert not overlay(corpus).exists()


@pytest.mark.parametrize("path", ["/glossary/new", "/glossary/en/so-called/edit"])
def test_editor_needs_login(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 403
    assert LOGIN_NEEDED in response.get_data(as_text=True)
    response = client.post(path, data={**NEW_ENTRY, "csrf_token": csrf(client)})
    assert response.status_code == 403


def test_login_refuses_a_form_without_csrf_token(client) -> None:
    response = client.post("/glossary/login", data={"token": TOKEN})
    assert response.status_code == 400
    assert "missing or wrong security token" in response.get_data(as_text=True)
    assert client.get("/glossary/new").status_code == 403


def test_login_refuses_a_wrong_token(client) -> None:
    response = client.post("/glossary/login", data={"token": "guess", "csrf_token": csrf(client)})
    assert response.status_code == 403
    assert BAD_TOKEN in response.get_data(as_text=True)
    assert client.get("/glossary/new").status_code == 403


def test_login_then_logout(curator) -> None:
    assert curator.get("/glossary/new?lang=ru").status_code == 200
    html = curator.get("/glossary?lang=en").get_data(as_text=True)
    assert "Add an entry" in html and 'href="/glossary/en/so-called/edit"' in html
    response = curator.post("/glossary/logout", data={"csrf_token": csrf(curator, "/glossary")})
    assert response.status_code == 302
    assert curator.get("/glossary/new").status_code == 403


# --- adding and editing -----------------------------------------------------------------------


def test_added_entry_is_saved_and_highlights(app, curator, corpus: Path) -> None:
    from framing.report import article_analysis
    from framing.store import open_store

    with open_store(app.config["DATABASE"]) as store:
        article = store.article(_sputnik_biden(store))
        before = article_analysis(store, article)
    assert "Electoral College" not in [h["text"] for h in before["highlights"]]

    form = curator.get("/glossary/new?lang=en").get_data(as_text=True)
    assert 'name="explanation"' in form and 'name="csrf_token"' in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = curator.post("/glossary/new", data={**NEW_ENTRY, "csrf_token": token})
    assert response.status_code == 302 and response.location == "/glossary?lang=en"

    saved = yaml.safe_load(overlay(corpus).read_text("utf-8"))["entries"]
    assert [e["pattern"] for e in saved] == ["electoral college"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", saved[0]["updated"])

    html = curator.get("/glossary?lang=en&q=electoral").get_data(as_text=True)
    assert ">electoral college</span>" in html and '<span class="badge">curated ' in html
    with open_store(app.config["DATABASE"]) as store:
        after = article_analysis(store, store.article(article["id"]))
    hits = [h for h in after["highlights"] if h["text"] == "Electoral College"]
    assert hits and all(h["category"] == "propaganda_cliche" for h in hits)
    assert {(h["source"], h["explanation"]) for h in hits} == {
        ("lexicon", NEW_ENTRY["explanation"])
    }


def _sputnik_biden(store) -> str:
    return next(a["id"] for a in store.articles() if "Congratulates Biden" in (a["title"] or ""))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"explanation": " "}, "explanation", "'explanation' must be a non-empty string."),
        ({"max_gap": "lots"}, "max_gap", "'max_gap' must be a whole number from 0 to 3."),
        ({"category": ""}, "category", "category '' is not one of"),
        ({"needs_context": "on"}, "context_note", "needs_context is true: say when it is"),
        ({"pattern": "so-called"}, "pattern", "an entry with this pattern already exists"),
    ],
)
def test_invalid_entry_shows_the_field_and_writes_nothing(
    curator, corpus: Path, change: dict, field: str, message: str
) -> None:
    data = {**NEW_ENTRY, **change, "csrf_token": csrf(curator, "/glossary/new")}
    response = curator.post("/glossary/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    shown = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert shown and message.replace("'", "&#39;") in shown.group(1)
    assert f'aria-describedby="{field}-error"' in html
    assert f"Check the field “{field}”" in html
    assert NEW_ENTRY["neutral"] in html  # what was typed is kept
    assert not overlay(corpus).exists()


def test_edit_replaces_a_shipped_entry_then_retire(curator, corpus: Path) -> None:
    count = len(curator.get("/api/lexicon?lang=en").get_json()["entries"])
    form = curator.get("/glossary/en/so-called/edit").get_data(as_text=True)
    shipped = next(
        e for e in curator.get("/api/lexicon?lang=en").get_json()["entries"]
        if e["pattern"] == "so-called"
    )  # fmt: skip
    assert shipped["explanation"].replace("'", "&#39;") in form
    data = {
        **{k: shipped[k] for k in ("pattern", "category", "neutral", "source", "context_note")},
        "explanation": "Edited: 'so-called' says the name should not be taken seriously.",
        "literal_contexts": "\n".join(shipped["literal_contexts"]),
        "max_gap": str(shipped["max_gap"]),
        "csrf_token": csrf(curator, "/glossary/en/so-called/edit"),
    }
    if shipped["needs_context"]:
        data["needs_context"] = "on"
    assert curator.post("/glossary/en/so-called/edit", data=data).status_code == 302
    entries = curator.get("/api/lexicon?lang=en").get_json()["entries"]
    assert len(entries) == count  # replaced, not added
    edited = next(e for e in entries if e["pattern"] == "so-called")
    assert edited["explanation"].startswith("Edited:") and edited["curated"] is True

    data["retired"] = "on"
    assert curator.post("/glossary/en/so-called/edit", data=data).status_code == 302
    entries = curator.get("/api/lexicon?lang=en").get_json()["entries"]
    assert len(entries) == count - 1 and "so-called" not in [e["pattern"] for e in entries]
    records = yaml.safe_load(overlay(corpus).read_text("utf-8"))["entries"]
    assert [(r["pattern"], r["retired"]) for r in records] == [("so-called", True)]
    assert "Retired entries" in curator.get("/glossary").get_data(as_text=True)


def test_edit_of_unknown_pattern(curator) -> None:
    response = curator.get("/glossary/en/no-such-word/edit")
    assert response.status_code == 404
    assert "No en lexicon entry with the pattern &#39;no-such-word&#39;." in response.get_data(True)


# --- the JSON route ---------------------------------------------------------------------------

ENTRY = {k: v for k, v in NEW_ENTRY.items() if k not in ("lang", "literal_contexts", "max_gap")}


def test_api_needs_the_bearer_token(client, corpus: Path) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.post(
            "/api/lexicon/en", json={**ENTRY, "needs_context": False}, headers=headers
        )
        assert response.get_json() == {"ok": False, "error": BEARER_NEEDED, "status": 401}
    assert not overlay(corpus).exists()


def test_api_adds_validates_and_escapes(client, corpus: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = client.post("/api/lexicon/en", json={**ENTRY, "needs_context": "no"}, headers=auth)
    assert bad.get_json() == {
        "ok": False,
        "error": "en entry 'electoral college': 'needs_context' must be true or false.",
        "status": 400,
    }
    assert not overlay(corpus).exists()
    wrong = client.post("/api/lexicon/en", json=["a list"], headers=auth)
    assert wrong.get_json() == {"ok": False, "error": NOT_JSON, "status": 400}
    unknown = client.post("/api/lexicon/de", json=ENTRY, headers=auth)
    assert unknown.status_code == 404

    hostile = {**ENTRY, "needs_context": False, "explanation": "<script>alert(1)</script> Bad."}
    added = client.post("/api/lexicon/en", json=hostile, headers=auth)
    assert added.status_code == 200
    body = added.get_json()
    assert body["ok"] is True and body["entry"]["pattern"] == "electoral college"
    assert body["entry"]["curated"] is True
    html = client.get("/glossary?lang=en&q=electoral").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    again = client.post("/api/lexicon/en", json={**hostile, "neutral": "electors"}, headers=auth)
    assert again.get_json()["entry"]["neutral"] == "electors"
    records = yaml.safe_load(overlay(corpus).read_text("utf-8"))["entries"]
    assert [r["neutral"] for r in records] == ["electors"]  # replaced, one record


def test_renaming_a_shipped_entry_retires_the_old_pattern(curator, corpus: Path) -> None:
    entries = curator.get("/api/lexicon?lang=en").get_json()["entries"]
    shipped = next(e for e in entries if e["pattern"] == "so-called")
    data = {
        **{k: shipped[k] for k in ("category", "explanation", "neutral", "source", "context_note")},
        "pattern": "so called thing",
        "needs_context": "on" if shipped["needs_context"] else "",
        "csrf_token": csrf(curator, "/glossary/en/so-called/edit"),
    }
    assert curator.post("/glossary/en/so-called/edit", data=data).status_code == 302
    patterns = [e["pattern"] for e in curator.get("/api/lexicon?lang=en").get_json()["entries"]]
    assert "so called thing" in patterns and "so-called" not in patterns
    records = yaml.safe_load(overlay(corpus).read_text("utf-8"))["entries"]
    assert [(r["pattern"], r.get("retired", False)) for r in records] == [
        ("so called thing", False),
        ("so-called", True),
    ]
    html = curator.get("/glossary?lang=en&q=thing").get_data(as_text=True)
    assert 'href="/glossary/en/so%20called%20thing/edit"' in html
    assert curator.get("/glossary/en/so%20called%20thing/edit").status_code == 200


def test_the_whole_glossary_opens_as_collapsed_sections_with_counts(client) -> None:
    """Every entry of the three languages at once was one page 125,830 px tall, 4.7 s to
    lay out (session 26): each language and each kind of wording is a collapsed section
    with its count until a filter narrows the list; the page and its JSON twin still hold
    every entry."""
    import re

    html = client.get("/glossary").get_data(as_text=True)
    everything = client.get("/api/lexicon").get_json()["entries"]
    assert html.count('<article class="term"') == len(everything)
    languages = re.findall(r'<details class="glossary-lang" id="lang-(\w+)"( open)?>', html)
    assert [code for code, _ in languages] == ["ru", "uk", "en"]
    assert all(not opened for _, opened in languages)
    kinds = re.findall(r'<details class="glossary-category" id="[^"]+"( open)?>', html)
    assert kinds and not any(kinds)
    for code in ("ru", "uk", "en"):
        count = sum(e["lang"] == code for e in everything)
        assert re.search(rf'id="lang-{code}">\s*<summary><h2>.*?{count} entries</span>', html)
    # a language chosen: its section open, its kinds still collapsed
    ru = client.get("/glossary?lang=ru").get_data(as_text=True)
    assert '<details class="glossary-lang" id="lang-ru" open>' in ru
    assert '<details class="glossary-category" id="ru-kind-euphemism">' in ru
    # a word or a kind searched for: everything found is open
    found = client.get("/glossary?q=so-called").get_data(as_text=True)
    assert re.search(r'<details class="glossary-category" id="en-kind-\w+" open>', found)
    assert not re.search(r'<details class="glossary-(lang|category)" id="[^"]+">', found)
