"""Event grouping on the seed corpus, with the real model and store."""

from __future__ import annotations

from pathlib import Path

from framing.alignment.grouping import days_apart
from framing.compare import group_stored_events
from framing.store import open_store


def test_seed_events(seed_db: Path, seed_ids: dict[str, str], model) -> None:
    with open_store(seed_db) as store:
        found = group_stored_events(store, model)
    by_article = {article: event for event in found for article in event["articles"]}
    peskov_2024 = by_article[seed_ids["001"]]
    assert sorted(peskov_2024["articles"]) == sorted([seed_ids["001"], seed_ids["002"]])
    assert peskov_2024["languages"] == ["en", "ru"]
    assert peskov_2024["date_from"] == peskov_2024["date_to"] == "2024-11-07"
    assert {"Peskov", "Trump"} <= set(peskov_2024["label"].split(", "))
    for seed in ("000", "003"):
        assert seed_ids[seed] not in peskov_2024["articles"]
    # Every article is in exactly one event.
    assert sorted(a for e in found for a in e["articles"]) == sorted(seed_ids.values())


def test_undated_articles_do_not_break_grouping(tmp_path: Path, seed_db: Path, model) -> None:
    with open_store(seed_db) as store:
        first = group_stored_events(store, model)
        again = group_stored_events(store, model)  # from cached vectors: same answer
    assert first == again


def test_days_apart() -> None:
    assert days_apart("2024-11-07", "2020-12-15") == 1423
    assert days_apart(None, "2020-12-15") is None


def test_empty_store(tmp_path: Path, model) -> None:
    with open_store(tmp_path / "empty.db") as store:
        assert group_stored_events(store, model) == []
