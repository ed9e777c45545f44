"""The web app: pages, their JSON twins, one error shape, escaping."""

from __future__ import annotations

import re

import pytest


def test_index_lists_the_seed_articles(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Putin Congratulates Biden on Election Victory" in html
    assert "Беседа Трампа и Путина к инаугурации" in html
    assert html.count('href="/articles/') == 4
    assert '<link rel="alternate" type="application/json" href="/api/home">' in html


def test_article_page_and_twin(client) -> None:
    articles = client.get("/api/articles").get_json()
    assert articles["ok"] is True and len(articles["articles"]) == 4
    komentarii = next(a for a in articles["articles"] if a["outlet"] == "komentarii")
    page = client.get(f"/articles/{komentarii['id']}").get_data(as_text=True)
    assert "Песков отметил в разговоре с пропагандистскими СМИ" in page
    assert "Lines removed from the page: menus, captions" in page and "Теги по теме" in page
    twin = client.get(f"/api/articles/{komentarii['id']}").get_json()
    assert twin["ok"] is True and twin["article"]["outlet"] == "komentarii"


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "/api/articles/ffffffff",
            404,
            "No article with id 'ffffffff'.",
        ),
        (
            "/api/nowhere",
            404,
            "The requested URL was not found on the server. If you entered "
            "the URL manually please check your spelling and try again.",
        ),
    ],
)
def test_error_shape(client, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.get_json() == {"ok": False, "error": message, "status": status}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/events/nope/matrix.csv", "No event with id 'nope'"),
        ("/compare.csv?articles=ffffffff&articles=eeeeeeee", "No article with id 'ffffffff'"),
    ],
)
def test_a_csv_twin_answers_an_error_in_plain_text(client, path: str, message: str) -> None:
    """A script reading a matrix's CSV got the HTML error page (QA, session 19)."""
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith(message)


def test_html_error_page(client) -> None:
    response = client.get("/articles/ffffffff")
    assert response.status_code == 404
    assert "No article with id &#39;ffffffff&#39;" in response.get_data(as_text=True)


def test_article_text_is_escaped(app, tmp_path) -> None:
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    payload = (
        "Обычный текст новости о событии. <script>alert(1)</script> Вставка "
        '<img src=x onerror="alert(2)"> и "><b>жирный</b>. Конец новости здесь.'
    )
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest([RawInput(source="hostile", text=payload)], store)
    html = app.test_client().get(f"/articles/{result.article_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html


def test_an_untitled_article_is_named_by_its_escaped_opening_words(app) -> None:
    """A page without a title is listed by its opening words, marked "Untitled" (not a row
    of "(untitled)"), on the home page and its own page; the words stay text."""
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput
    from webapp.filters import article_title

    lead = "Песков <b>заявил</b> журналистам, что контактов с командой нет и пока не планируется."
    text = lead + "\n\nОн добавил, что организация встречи требует большой подготовки."
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest([RawInput(source="untitled", text=text, fields={"lang": "ru"})], store)
    client = app.test_client()
    client.get("/")  # starts the analysis that puts the new article in an event
    assert app.extensions["framing_analysis"].wait(timeout=600)
    named = (
        '<span class="untitled"><span lang="en">Untitled:</span> Песков &lt;b&gt;заявил&lt;/b&gt;'
    )
    home = client.get("/").get_data(as_text=True)
    assert f'<li lang="ru"><bdi>{named}' in home  # its event's card
    row = f'data-label="Title" lang="ru"><a href="/articles/{result.article_id}"><bdi>{named}'
    assert row in home  # the article table's row
    page = client.get(f"/articles/{result.article_id}").get_data(as_text=True)
    assert f'<h1 lang="ru"><bdi>{named}' in page
    assert "<b>заявил</b>" not in home + page
    assert article_title({"title": "Kremlin denies", "lead": "x"}) == "Kremlin denies"
    long = article_title({"title": None, "lead": "слово " * 40})
    assert long.endswith(" …</span>") and len(long.striptags()) < 110
    assert article_title({"title": "", "sentences": [{"text": "Первое предложение."}]}) == (
        '<span class="untitled"><span lang="en">Untitled:</span> Первое предложение.</span>'
    )
    # a wire dateline is no opening words (Armenpress; qa9)
    dated = {"title": None, "lead": "YEREVAN, AUGUST 29, ARMENPRESS. Grossi has announced it."}
    assert article_title(dated).striptags() == "Untitled: Grossi has announced it."


def test_an_untitled_pages_tab_and_its_one_removed_line(app) -> None:
    """An untitled page's tab read "Article 67a13264" under the heading "Untitled: The
    illegitimate president…", and one removed line was "(1 lines)" (QA, session 19). The
    tab's words stay text."""
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    lead = "Песков <b>заявил</b> журналистам, что контактов с командой нет и не планируется."
    text = f"{lead}\n\nТеги по теме\n\nОн добавил, что встреча требует большой подготовки."
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest([RawInput(source="untitled", text=text, fields={"lang": "ru"})], store)
        assert len(store.article(result.article_id)["removed"]) == 1
    page = app.test_client().get(f"/articles/{result.article_id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert title.startswith("Untitled: Песков &lt;b&gt;заявил&lt;/b&gt; журналистам"), title
    assert "that are not the report (1 line)</summary>" in page


def test_an_override_left_open_in_a_title_stays_out_of_the_tab(app) -> None:
    """A hostile title's right-to-left override reversed the tab's " · framing" after it
    (a <title> holds no <bdi>): the tab's title drops bidi controls and stays escaped."""
    from framing.ingest import ingest
    from framing.store import open_store
    from framing.text.readers import RawInput

    title = "Заголовок \u202eс переворотом <b>и тегом</b>"
    text = "Городской совет обсудил новый план ремонта дорог и мостов этим летом в городе."
    raw = RawInput(source="rlo", text=text, fields={"lang": "ru", "title": title})
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest([raw], store)
    page = app.test_client().get(f"/articles/{result.article_id}").get_data(as_text=True)
    tab = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert tab == "Заголовок с переворотом &lt;b&gt;и тегом&lt;/b&gt; · framing"
    assert "\u202e" in page  # the heading keeps it, isolated in its <bdi>


def test_a_name_breaks_after_its_dots_and_stays_text() -> None:
    from webapp.filters import breakable

    assert breakable("amp.lenta.ua") == "amp.<wbr>lenta.<wbr>ua"
    assert breakable("<b>x</b>.ua") == "&lt;b&gt;x&lt;/b&gt;.<wbr>ua"


def test_a_refused_form_points_back_to_what_was_typed(app) -> None:
    """Over the size limit, compare-your-own's error page offered only "← Events &
    articles": a teacher's pasted texts are one Back away, and the page says so."""
    from .test_web_own import token

    app.config["MAX_CONTENT_LENGTH"] = 1000
    client = app.test_client()
    data = {"csrf_token": token(client), "text1": "x" * 5000}
    response = client.post("/compare/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Back button returns to the form with what you entered" in html
    assert '<a href="/compare/new">← Compare your own</a>' in html
    assert "Back button" not in client.get("/articles/ffffffff").get_data(as_text=True)


def test_an_outlet_missing_from_the_registry_is_named_by_its_site(app) -> None:
    """A page of an outlet the registry does not hold is labelled with its site (columns
    of "Unknown outlet" cannot be told apart); with no address, "Unknown outlet"."""
    from framing.ingest import ingest
    from framing.outlets import publisher_label as outlet_label
    from framing.store import open_store
    from framing.text.readers import RawInput

    text = (
        "Песков заявил журналистам, что контактов с командой нет и пока не планируется.\n\n"
        "Он добавил, что организация встречи требует большой подготовки."
    )
    url = "https://www.example-news.org/2024/11/peskov"
    with open_store(app.config["DATABASE"]) as store:
        [result] = ingest(
            [RawInput(source="site", text=text, fields={"lang": "ru", "url": url})], store
        )
    page = app.test_client().get(f"/articles/{result.article_id}").get_data(as_text=True)
    assert 'example-news.org <span class="muted small">(not in the outlet registry)' in page
    # no address either: the page names it as every other page does (it said "unknown
    # publisher" where the event view, home page and handout say "Unknown outlet")
    with open_store(app.config["DATABASE"]) as store:
        [bare] = ingest(
            [RawInput(source="bare", text=text.replace("Песков", "Пресс-секретарь"),
                      fields={"lang": "ru"})],
            store,
        )  # fmt: skip
    page = app.test_client().get(f"/articles/{bare.article_id}").get_data(as_text=True)
    assert "<dt>Outlet</dt><dd>Unknown outlet</dd>" in page
    assert outlet_label({"outlet_name": "Reuters", "url": url}) == "Reuters"
    assert outlet_label({"outlet_name": None, "url": url}) == "example-news.org"
    assert outlet_label({"outlet_name": None, "url": "http://[::1"}) == "Unknown outlet"
    assert outlet_label({"outlet_name": None}) == "Unknown outlet"


def test_columns_of_one_outlet_are_told_apart() -> None:
    from webapp.views import column_labels

    def labels(*articles: dict) -> list[str]:
        return [a["column_label"] for a in column_labels(list(articles))]

    sputnik = {"outlet_name": "Sputnik (Спутник)"}
    assert labels({"outlet_name": None}, {"outlet_name": "Reuters"}) == [
        "Unknown outlet",
        "Reuters",
    ]
    assert labels({"outlet_name": None}, {"outlet_name": None}, {"outlet_name": "TASS"}) == [
        "Article 1",
        "Article 2",
        "TASS",
    ]
    assert labels({**sputnik, "date": "2024-11-07"}, {**sputnik, "date": "2020-12-15"}) == [
        "Sputnik, 2024-11-07",
        "Sputnik, 2020-12-15",
    ]
    assert labels({**sputnik, "date": None}, {**sputnik, "date": None}) == [
        "Sputnik #1",
        "Sputnik #2",
    ]
    # numbered as the compare-your-own form numbered them (its Article 2 was refused)
    pasted = [{"id": "a", "outlet_name": None}, {"id": "c", "outlet_name": None}]
    assert [x["column_label"] for x in column_labels(pasted, {"a": 1, "c": 3})] == [
        "Article 1",
        "Article 3",
    ]


def test_a_figure_without_a_value_says_why(client) -> None:
    """Two reports with no quotation in common showed "Lowest quote fidelity –" and, opened,
    "Nothing counted.": a bare dash read as a fault (QA, session 20)."""
    listed = client.get("/api/articles").get_json()["articles"]
    ids = {(a["title"] or "")[:12]: a["id"] for a in listed}
    page = client.get(f"/compare?articles={ids['Kremlin Says']}&articles={ids['Putin Congra']}")
    html = page.get_data(as_text=True)
    cards = html.split("How closely quotes match the other reports")[1:]
    assert len(cards) == 2, "one card per report"
    for card in cards:
        figure = card.split("</li>", 1)[0]
        assert '<span class="figure-value" title="No quotation was found in two of' in figure
        assert "so there is nothing to compare.</p>" in figure
        assert "Nothing counted." not in figure


def test_every_listed_title_names_its_language(client) -> None:
    """The home page's article table gave a Russian title no lang (the event cards above it
    had one), so a screen reader read it with an English voice (QA, session 20)."""
    html = client.get("/").get_data(as_text=True)
    langs = {a["id"]: a["lang"] for a in client.get("/api/articles").get_json()["articles"]}
    cells = re.findall(r'<td data-label="Title"([^>]*)><a href="/articles/([0-9a-f]+)"', html)
    assert sorted(i for _, i in cells) == sorted(langs)
    for attributes, article_id in cells:
        assert f'lang="{langs[article_id]}"' in attributes, (article_id, attributes)


def test_score_cards_side_by_side_have_the_same_rows(client) -> None:
    """A card showed a "· Name-calling" line only when its article had name-calling, so
    the cards side by side had their rows out of line ("Sentences that name a source" one
    line lower in one of them; QA, session 20). Each kind found in any report now has a
    line on every card, 0.0 where the report has none."""
    event = next(
        e for e in client.get("/api/events").get_json()["events"] if len(e["articles"]) == 2
    )
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    cards = html.split('<article class="card"')[1:]
    labels = [re.findall(r'<span class="figure-label"[^>]*>([^<]*)</span>', c) for c in cards]
    assert len(labels) == 2 and labels[0] == labels[1], labels
    kinds = [label for label in labels[0] if label.startswith("· ")]
    values = [
        re.findall(r'<span class="figure-value"[^>]*>([^<]*)</span>', c)[1 : 1 + len(kinds)]
        for c in cards
    ]
    # the seed reports differ: a kind one has is 0.0 on the other card, not missing
    assert kinds and any("0.0" in v for v in values), (kinds, values)


def test_a_stored_comparison_has_its_printable_handout(client) -> None:
    """A teacher's own two reports, saved but grouped as two events (the known recall limit
    of short undated reports), had a comparison to print but no handout (QA, session 21)."""
    listed = client.get("/api/articles").get_json()["articles"]
    ids = {(a["title"] or "")[:12]: a["id"] for a in listed}
    query = f"articles={ids['Kremlin Says']}&articles={ids['Putin Congra']}&same_event=1"
    page = client.get(f"/compare?{query}").get_data(as_text=True)
    link = f'href="/compare/handout?{query.replace("&", "&amp;")}">Printable handout</a>'
    assert link in page
    handout = client.get(f"/compare/handout?{query}")
    assert handout.status_code == 200
    html = handout.get_data(as_text=True)
    assert "<h2>The reports</h2>" in html and "Questions for the class" in html
    assert f'<a href="/compare?{query.replace("&", "&amp;")}">← Back to the comparison</a>' in html
    assert "2024-11-07" in html.split("reports compared")[0]  # the reports' date
    assert client.get("/compare/handout?articles=abcd").status_code == 400
