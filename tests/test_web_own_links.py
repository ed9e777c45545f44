"""Compare your own with links: pages fetched from a local HTTP server (loopback allowed
by the setting, as only tests do), what the page says it fetched, refusals by field."""

from __future__ import annotations

import pytest

from tests.test_web_own import EN, token


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_FETCH_ALLOWED_NETWORKS", "127.0.0.1/32")
    monkeypatch.setenv("FRAMING_FETCH_TIMEOUT_SECONDS", "2")


def test_two_links_are_fetched_compared_and_reported(client, base: str) -> None:
    data = {
        "csrf_token": token(client),
        "url1": f"{base}/moved",
        "url2": f"{base}/news/ru-updated.html",
        "save": "yes",
    }
    html = client.post("/compare/new", data=data).get_data(as_text=True)
    assert "Fetched for this comparison:" in html
    assert f'href="{base}/news/ru.html"' in html  # the final URL, after the redirect
    assert f"(from {base}/moved, 1 redirect)" in html
    assert " UTC, " in html
    # the first page holds the text of a stored seed: unchanged; the updated one is new
    unchanged = "<strong>unchanged</strong>: this page's text is already in the corpus."
    assert html.count(unchanged) == 1 and html.count("saved to the corpus.") == 1
    assert 'class="mrow shared"' in html  # the two pages share statements
    again = client.post("/compare/new", data=data).get_data(as_text=True)
    assert again.count(unchanged) == 2


def test_a_refused_link_is_named_by_its_field(client, base: str) -> None:
    data = {
        "csrf_token": token(client),
        "url1": f"{base}/to-private",
        "text2": EN,
        "url3": "ftp://example.org/x",
    }
    response = client.post("/compare/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        f'<p class="field-error" id="err-url1">Article 1 ({base}/to-private): redirected to '
        "http://10.11.12.13/admin: 10.11.12.13 is a private address;" in html
    )
    assert (
        '<p class="field-error" id="err-url3">Article 3 (ftp://example.org/x): a link must '
        "start with http:// or https://</p>" in html
    )
    assert f'value="{base}/to-private"' in html  # the form keeps what was typed


def test_text_and_link_in_one_slot(client, base: str) -> None:
    data = {"csrf_token": token(client), "text1": EN, "url1": f"{base}/news/en.html"}
    html = client.post("/compare/new", data=data).get_data(as_text=True)
    assert "Article 1: paste a text, choose a file or give a link, only one of them." in html


def test_json_api_takes_links(client, base: str) -> None:
    body = {"texts": [{"url": f"{base}/news/ru.html"}, {"url": f"{base}/photo.png"}, EN]}
    response = client.post("/api/compare", json=body)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert list(data["fetched"]) == ["url1"]
    assert data["fetched"]["url1"]["final_url"] == f"{base}/news/ru.html"
    assert data["refused"] == {
        "url2": f"Article 2 ({base}/photo.png): not a web page: the server sent image/png "
        "(only HTML or plain-text pages are fetched)"
    }
    assert len(data["comparison"]["articles"]) == 2


def test_a_link_pasted_into_the_text_box_is_fetched(client, base: str) -> None:
    """A link in the text box was refused as "no article text left after removing site
    furniture (1 line removed)"; it is fetched as the link field fetches it."""
    data = {"csrf_token": token(client), "text1": f"  {base}/news/en.html\n", "text2": EN}
    html = client.post("/compare/new", data=data).get_data(as_text=True)
    assert "Fetched for this comparison:" in html, html[:2000]
    assert f'href="{base}/news/en.html"' in html
    refused = client.post(
        "/compare/new",
        data={"csrf_token": token(client), "text1": f"{base}/to-private", "text2": EN},
    ).get_data(as_text=True)
    assert f"Article 1 ({base}/to-private): redirected to http://10.11.12.13/admin" in refused
