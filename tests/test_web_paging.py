"""The home page lists a page of events and a page of articles at a time (a corpus of
thousands must stay a light page), with links to the neighbouring pages kept in step
with the search, and its JSON twin says where each page sits."""

from __future__ import annotations

import pytest


@pytest.fixture
def small_pages(monkeypatch) -> None:
    monkeypatch.setenv("FRAMING_HOME_PAGE_SIZE", "2")


def all_pages(client, field: str, listing: str) -> list[list[str]]:
    """The ids on each page of one list, following its ``next`` links to the end."""
    url, seen = "/api/home", []
    while url:
        data = client.get(url).get_json()
        seen.append([item["id"] for item in data[listing]])
        url = data["pages"][listing]["next"]
    return seen


def test_pages_cover_every_item_once(client, small_pages, seeds_by_file) -> None:
    first = client.get("/api/home").get_json()
    assert first["pages"]["articles"] == {
        "page": 1,
        "pages": 2,
        "per_page": 2,
        "total": 4,
        "previous": None,
        "next": "/api/home?articles_page=2",
    }
    articles = all_pages(client, "articles_page", "articles")
    assert [len(page) for page in articles] == [2, 2]
    assert sorted(sum(articles, [])) == sorted(a["id"] for a in seeds_by_file.values())
    events = all_pages(client, "page", "events")
    assert all(len(page) <= 2 for page in events)
    flat = sum(events, [])
    assert len(flat) == len(set(flat)) == first["pages"]["events"]["total"]
    second = client.get("/api/home?articles_page=2").get_json()["pages"]["articles"]
    # page 1 is the bare URL: both spellings share one cached page
    assert second["previous"] == "/api/home" and second["next"] is None


def test_page_links_keep_the_search(client, small_pages) -> None:
    html = client.get("/?q=Песков&outlet=").get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert (
        'href="/?q=%D0%9F%D0%B5%D1%81%D0%BA%D0%BE%D0%B2&amp;outlet=&amp;articles_page=2#articles"'
        in html
    )
    page_two = client.get("/?q=Песков&articles_page=2").get_data(as_text=True)
    assert "Page 2 of 2" in page_two and 'rel="prev"' in page_two


def test_one_page_has_no_pager(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'class="pager"' not in html
    assert client.get("/api/home").get_json()["pages"]["articles"]["pages"] == 1


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "٣"])
def test_a_bad_page_number_names_the_field(client, value) -> None:
    response = client.get(f"/api/home?articles_page={value}")
    assert response.status_code == 400
    assert response.get_json()["error"] == (
        f"Field 'articles_page': {value!r} is not a page number (1, 2, 3 …)."
    )


def test_a_page_past_the_last_says_so(client, small_pages) -> None:
    response = client.get("/?page=9")
    assert response.status_code == 404
    assert "Events page: there is no page 9; the last page is" in response.get_data(as_text=True)
    twin = client.get("/api/home?page=9")
    assert twin.status_code == 404
    assert twin.get_json()["error"].startswith("Field 'page': there is no page 9;")
