"""The four seed articles through the whole ingestion pipeline, into a real SQLite store."""

from __future__ import annotations

import re

import pytest

from framing.ingest import ingest
from framing.text.readers import read_inputs

from .conftest import SEEDS

FURNITURE = [
    # 003: a Sputnik page dump
    "Listen Live",
    "COVID-19",
    "JHU CSSE",
    "Get short URL",
    "Subscribe",
    "Sputnik International",
    "© Sputnik",
    "© REUTERS",
    "KEVIN LAMARQUE",
    "points a finger",
    "Recommended",
    "Trending",
    "Privacy Policy",
    "Community standards",
    "Registration",
    "captcha",
    "moderator@",
    "push notifications",
    "Tags:",
    "Fact Checker",
    "https://",
    # 001: Komentarii
    "Дмитро Пєсков",
    "фото з відкритих джерел",
    "Теги по теме",
    "Источник материала",
    "loader",
    "Владимир Путин Дональд Трамп переговоры",
    # 002: the header line
    "date 2024-11-07",
    "sputnikglobe.com",
]

REPORTING = {
    "000": [
        "заявил пресс-секретарь российского лидера Дмитрий Песков",
        "цитирует его «Интерфакс»",
        "которые якобы голосовали, однако по факту мертвы",
        "создает команды для пересчета голосов",
    ],
    "001": [
        "Россия допускает возможность контактов между главой Кремля",
        "Песков отметил в разговоре с пропагандистскими СМИ",
        "Общение не исключается.",
        "А зачем нам связываться?",
        "Спикер Кремля также подчеркнул",
        'Напомним, что "Комментарии" писали о том, что Лавров указал',
        "страны-агрессора России Сергей Лавров",
        "по итогам рабочего визита в Казахстан.",
    ],
    "002": [
        "Russian representatives did not have any contacts with Donald Trump's campaign office",
        '"No, why should they have been in touch?" Peskov replied',
        "Any meeting between presidents must be well-prepared",
        "Trump became the first US president since the 19th century",
    ],
    "003": [
        "On 14 December, the Electoral College gathered across the US states",
        "Russian President Vladimir Putin has sent a letter of congratulations to Joe Biden",
        "A number of world leaders rushed to congratulate Joe Biden",
        '"There is no ulterior motive or anything that could serve',
        "The incumbent President Trump has so far refused to concede defeat.",
    ],
}


def test_four_articles(seeds_by_file: dict[str, dict]) -> None:
    assert len({a["id"] for a in seeds_by_file.values()}) == 4


@pytest.mark.parametrize(
    ("seed", "lang", "outlet", "date", "cited"),
    [
        ("000", "ru", None, None, {"interfax", "ap"}),
        ("001", "ru", "komentarii", None, {"interfax"}),
        ("002", "en", "sputnik", "2024-11-07", set()),
        ("003", "en", "sputnik", "2020-12-15", set()),
    ],
)
def test_seed_metadata(
    seeds_by_file: dict[str, dict],
    seed: str,
    lang: str,
    outlet: str | None,
    date: str | None,
    cited: set[str],
) -> None:
    article = seeds_by_file[seed]
    assert article["lang"] == lang
    assert article["outlet"] == outlet
    assert article["date"] == date
    assert {c["outlet"] for c in article["cited"]} == cited


def test_seed_titles(seeds_by_file: dict[str, dict]) -> None:
    assert seeds_by_file["000"]["title"] is None
    assert seeds_by_file["001"]["title"] == (
        "Беседа Трампа и Путина к инаугурации: в Кремле рассказали новые подробности"
    )
    assert seeds_by_file["002"]["title"] == (
        "Kremlin Says Russian Representatives Held No Contacts With Trump's Campaign Office"
    )
    assert seeds_by_file["003"]["title"] == "Putin Congratulates Biden on Election Victory"
    assert seeds_by_file["002"]["url"].startswith("https://sputnikglobe.com/20241107/")


@pytest.mark.parametrize("seed", sorted(REPORTING))
def test_no_furniture_in_any_sentence(seeds_by_file: dict[str, dict], seed: str) -> None:
    article = seeds_by_file[seed]
    for sentence in article["sentences"]:
        for piece in FURNITURE:
            assert piece not in sentence["text"], (piece, sentence["text"])
    assert article["title"] not in article["text"] if article["title"] else True


@pytest.mark.parametrize("seed", sorted(REPORTING))
def test_reporting_is_kept(seeds_by_file: dict[str, dict], seed: str) -> None:
    article = seeds_by_file[seed]
    for piece in REPORTING[seed]:
        assert piece in article["text"], piece
    assert len(article["sentences"]) >= 5


@pytest.mark.parametrize("seed", sorted(REPORTING))
def test_sentence_offsets_point_into_clean_text(seeds_by_file: dict[str, dict], seed: str) -> None:
    article = seeds_by_file[seed]
    for sentence in article["sentences"]:
        assert article["text"][sentence["start"] : sentence["end"]] == sentence["text"]


def test_removed_lines_carry_reasons(seeds_by_file: dict[str, dict]) -> None:
    assert seeds_by_file["000"]["removed"] == []
    for seed in ("001", "003"):
        removed = seeds_by_file[seed]["removed"]
        assert removed and all(r["reason"] and r["detail"] for r in removed)
    texts_001 = [r["text"] for r in seeds_by_file["001"]["removed"]]
    assert "Дмитро Пєсков (фото з відкритих джерел)" in texts_001
    assert "Теги по теме" in texts_001


def test_reingest_is_unchanged(seed_copy, store) -> None:
    from framing.store import open_store

    with open_store(seed_copy) as seeded:
        results = list(ingest(read_inputs([str(SEEDS)], 2**22), seeded))
        assert [r.status for r in results] == ["unchanged"] * 4
        assert seeded.count_articles() == 4
        assert seeded.db.execute("select count(*) from articles").fetchone()[0] == 4


def test_whitespace_variants_are_the_same_article(store, tmp_path) -> None:
    text = (SEEDS / "000_57080968c63dae2c.txt").read_text("utf-8")
    (tmp_path / "a.txt").write_text(text, "utf-8")
    (tmp_path / "b.txt").write_text(text.replace("\n", "\r\n") + "\n\n", "utf-8")
    results = list(
        ingest(read_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], 2**22), store)
    )
    assert [r.status for r in results] == ["added", "unchanged"]
    assert results[0].article_id == results[1].article_id
    assert re.fullmatch("[0-9a-f]{16}", results[0].article_id)
