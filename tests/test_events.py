"""Event grouping on the seed corpus, with the real model and store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from framing.alignment.grouping import (
    ArticleVectors,
    PairEvidence,
    asked_same_event,
    days_apart,
    event_settings,
)
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


SETTINGS = {"min_shared_claims": 3, "min_shared_claims_short": 2, "min_shared_share": 0.2,
            "max_gap_days": 7}  # fmt: skip


@pytest.mark.parametrize(
    ("shorter", "needed"), [(4, 2), (7, 2), (10, 2), (11, 3), (14, 3), (40, 3)]
)
def test_shared_claims_needed_scale_with_the_shorter_article(shorter: int, needed: int) -> None:
    evidence = PairEvidence(shared_claims=2, share=2 / shorter, days_apart=1, shorter=shorter)
    assert evidence.claims_needed(SETTINGS) == needed
    assert evidence.same_event(SETTINGS) is (needed == 2 and 2 / shorter >= 0.2)


def _article(date: str | None, sentences: int = 3) -> ArticleVectors:
    vectors = np.eye(sentences, 4)
    return ArticleVectors("x", "en", date, None, ["s"] * sentences, vectors)


def test_asked_pairs_are_one_event_unless_dated_far_apart() -> None:
    nothing_shared = np.zeros((3, 3))
    settings = event_settings(None)
    near = _article("2024-11-07"), _article("2024-11-11")
    assert asked_same_event(*near, nothing_shared, settings) is True
    far = _article("2024-11-07"), _article("2020-12-15")
    assert asked_same_event(*far, nothing_shared, settings) is False
    undated = _article(None), _article("2024-11-11")
    assert asked_same_event(*undated, nothing_shared, settings) is False  # the shared claims decide
    assert asked_same_event(*undated, np.eye(3) * 9.0, settings) is True


def test_event_bars_per_model(monkeypatch) -> None:
    """An ``events_by_model`` entry of alignment.yaml applies to that model id only, over
    the shared bars; every other model (and no model) gets the shared bars."""
    import framing.alignment.grouping as grouping

    shared = {**SETTINGS, "event_anchor_z": 5.5, "neighbours": 15}
    found = {"events": shared, "events_by_model": {"m@1-r2": {"event_anchor_z": 7.0}}}
    monkeypatch.setattr(grouping, "thresholds", lambda: found)
    assert event_settings("m@1-r2") == {**shared, "event_anchor_z": 7.0}
    assert event_settings("m@1-r1") == event_settings(None) == shared
    strong = np.eye(3) * 6.0  # three shared claims at z 6: enough at 5.5, none at 7.0
    undated = _article(None), _article(None)
    assert asked_same_event(*undated, strong, event_settings(None)) is True
    assert asked_same_event(*undated, strong, event_settings("m@1-r2")) is False
