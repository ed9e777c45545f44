"""The outlet registry: data checks and the publisher / citation matchers."""

from __future__ import annotations

import re

import pytest

from framing.errors import FramingError
from framing.outlets import Registry, load_registry

REQUIRED = [
    "interfax",
    "komentarii",
    "sputnik",
    "rt",
    "tass",
    "ria_novosti",
    "ukrainska_pravda",
    "unian",
    "reuters",
    "ap",
    "afp",
    "bbc",
    "meduza",
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_required_outlets_with_sourced_facts(registry: Registry) -> None:
    for outlet_id in REQUIRED:
        entry = registry.by_id[outlet_id]
        assert entry["name"] and entry["domains"] and entry["country"], outlet_id
        assert entry["facts"], outlet_id
        for fact in entry["facts"]:
            assert fact["claim"] and re.match(r"https?://\S+$", fact["source"]), fact


def test_ids_aliases_and_domains_are_unique(registry: Registry) -> None:
    ids = [e["id"] for e in registry.entries]
    assert len(ids) == len(set(ids))
    domains = [d for e in registry.entries for d in e["domains"]]
    assert len(domains) == len(set(domains))


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://sputnikglobe.com/20241107/kremlin-says.html", "sputnik"),
        ("https://cdn1.img.sputniknews.com/img/07e4/0c/0f/x.jpg", "sputnik"),
        ("https://www.interfax.ru/russia/123", "interfax"),
        ("https://comments.ua/politics/1.html", "komentarii"),
        ("https://www.pravda.com.ua/news/2024/11/07/1/", "ukrainska_pravda"),
        ("https://example.org/news", None),
        ("not a url at all", None),
        ("http://[broken", None),
    ],
)
def test_by_url(registry: Registry, url: str, outlet: str | None) -> None:
    found = registry.by_url(url)
    assert (found["id"] if found else None) == outlet


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("Sputnik International", "sputnik"),
        ("«Комментарии»", "komentarii"),
        ('"Комментарии"', "komentarii"),
        ("Комментарии", None),  # the common word "comments" is no outlet
        ("комментарии", None),
        ("TASS", "tass"),
        ("ТАСС", "tass"),
        ("", None),
    ],
)
def test_find(registry: Registry, name: str, outlet: str | None) -> None:
    found = registry.find(name)
    assert (found["id"] if found else None) == outlet


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("«Мы считаем корректным», - цитирует его «Интерфакс».", ["interfax"]),
        ("Согласно сообщению агентства Интерфакс, Песков отметил…", ["interfax"]),
        ("Об этом сообщает ТАСС со ссылкой на источник.", ["tass"]),
        ("Як повідомляє УНІАН, обстріл тривав годину.", ["unian"]),
        ("The talks stalled, according to Reuters.", ["reuters"]),
        ("The Kremlin denied it, citing Interfax.", ["interfax"]),
        ("Associated Press сообщили, что президентом стал Байден.", ["ap"]),
        ("Оставьте свои комментарии ниже.", []),
        ("He took a nap at noon.", []),  # lower-case "ap" is no agency
    ],
)
def test_citations(registry: Registry, text: str, cited: list[str]) -> None:
    assert [m.outlet for m in registry.citations(text)] == cited


def test_mention_offsets(registry: Registry) -> None:
    text = "Вчера, как пишет Интерфакс, всё прошло."
    [mention] = registry.citations(text)
    assert text[mention.start : mention.end] == mention.text == "пишет Интерфакс"


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ('Напомним, что "Комментарии" писали о том, что Лавров указал…', "komentarii"),
        ("Как ранее сообщал ТАСС, переговоры отложены.", "tass"),
        ("MOSCOW (Reuters) - The Kremlin said on Thursday…", "reuters"),
    ],
)
def test_self_references(registry: Registry, text: str, outlet: str) -> None:
    assert [m.outlet for m in registry.self_references(text)] == [outlet]


def test_cited_agency_is_not_a_self_reference(registry: Registry) -> None:
    assert registry.self_references("«Мы считаем корректным», - цитирует его «Интерфакс».") == []


def test_bad_fragment_is_a_clear_error() -> None:
    data = {"outlets": [], "cited_as_common": ["(unbalanced {alias}"]}
    with pytest.raises(FramingError, match=r"fragment '\(unbalanced \{alias\}' is not a valid"):
        Registry(data, "test.yaml")
    with pytest.raises(FramingError, match="must contain {alias} once"):
        Registry({"outlets": [], "cited_as_common": ["no placeholder"]}, "test.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "По данным Интерфакс-Украина и «Интерфакса», а также ТАСС и  RIA   Novosti.",
        "«Комментарии» писали, что комментарии читателей и 'Комментарии' разошлись.",
        "rt and RT: the Sputnik vaccine, Sputnik News, Спутник-Беларусь; ИТАР-ТАСС/TASS.",
        "Новая газета Европа и Новая газета; РБК-Украина, РБК.\nReuters\n„Reuters“ “AP” ap",
        "",
    ],
)
def test_aliases_are_found_as_by_the_whole_alternation(registry: Registry, text: str) -> None:
    """Aliases are looked for only where one's core starts (or at a quote mark before it),
    and that finds exactly what the alternation of every alias finds run over the text."""
    text = text + " " + text.upper() + " " + text.replace("е", "ё")
    found = [(m.start(), m.end()) for m in registry._alias_matches(text)]
    assert found == [(m.start(), m.end()) for m in registry._alias_re.finditer(text)]
