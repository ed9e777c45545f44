"""Incremental event grouping (framing.event_index) with the real model and SQLite.

The corpus: NTREX documents in en/ru/uk as articles (true events known), more articles
than the grouping's neighbour count, so the nearest-neighbour candidate step is real.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from framing.alignment.grouping import event_settings, group_events
from framing.compare import analysis_key, group_stored_events, prepare
from framing.event_index import update_events
from framing.ingest import ingest
from framing.lab.ntrex_articles import DEFAULT_PATH, ntrex_articles
from framing.store import open_store

pytestmark = pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="needs ../shared/data")

DOCUMENTS = 6  # 18 articles: more than neighbours + 1 (15 + 1)


class CountingEmbedder:
    """The real model, counting the texts it is asked to encode."""

    def __init__(self, model) -> None:
        self.model = model
        self.model_id = model.model_id
        self.dim = model.dim
        self.encoded: list[str] = []

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.encoded.extend(texts)
        return self.model.encode(texts, batch_size)


def batch_grouping(store, model) -> list[dict]:
    ids = store.article_ids()
    analysis = prepare(store, ids, model)
    by_id = {a.id: a for a in analysis.articles}
    z_of = lambda a, b: analysis.z(by_id[a], by_id[b])  # noqa: E731
    return group_events(analysis.articles, z_of, event_settings(model.model_id))


@pytest.fixture(scope="module")
def articles():
    found = ntrex_articles(DOCUMENTS)
    assert len(found) == 3 * DOCUMENTS
    return found


def test_incremental_equals_batch_and_embeds_only_new(tmp_path: Path, model, articles) -> None:
    counting = CountingEmbedder(model)
    settings_key = analysis_key("event-evidence", model.model_id, [])
    first, rest = articles[:-5], articles[-5:]
    with open_store(tmp_path / "x.db") as store:
        list(ingest(first, store))
        update_events(store, counting, settings_key)
        evidence_before = len(store.pair_evidence_keys())
        counting.encoded.clear()

        added = [r.article_id for r in ingest(rest, store) if r.status == "added"]
        assert len(added) == 5
        incremental = update_events(store, counting, settings_key)
        # Only the five new articles' sentences were encoded.
        new_sentences = [s for i in added for s in store.article_sentences(i)]
        assert sorted(counting.encoded) == sorted(new_sentences)
        # Old pairs were not aligned again: evidence only grew by pairs with a new article.
        after = store.pair_evidence_keys()
        grown = [pair for pair in after[evidence_before:]]
        assert grown and all(set(pair) & set(added) for pair in grown)

        assert incremental == batch_grouping(store, model)


def test_grouping_finds_the_true_events(tmp_path: Path, model, articles) -> None:
    with open_store(tmp_path / "x.db") as store:
        results = list(ingest(articles, store))
        truth = {r.article_id: r.source.split(":")[1] for r in results}
        found = group_stored_events(store, model)
    # Every NTREX document is one event in three languages, and no event mixes documents.
    events = [sorted(truth[i] for i in e["articles"]) for e in found]
    mixed = [e for e in events if len(set(e)) > 1]
    assert not mixed
    whole = [e for e in events if len(e) == 3]
    assert len(whole) >= DOCUMENTS - 1, events


def test_uncalibrated_model_groups_in_one_batch(tmp_path: Path, model, articles) -> None:
    """A model without shipped calibration centres on the corpus itself: the incremental
    index would mix vectors centred on different corpora, so grouping stays a batch."""

    class Renamed(CountingEmbedder):
        def __init__(self, inner) -> None:
            super().__init__(inner)
            self.model_id = "uncalibrated-test-model"

    with open_store(tmp_path / "x.db") as store:
        list(ingest(articles[:6], store))
        found = group_stored_events(store, Renamed(model))
        assert store.pair_evidence_keys() == []
    assert sorted(i for e in found for i in e["articles"]) == store_ids(tmp_path / "x.db")


def store_ids(path: Path) -> list[str]:
    with open_store(path) as store:
        return store.article_ids()


def test_ingest_analyse_groups_the_new_articles(tmp_path: Path, model, articles) -> None:
    from click.testing import CliRunner

    from framing.cli.main import cli

    folder = tmp_path / "in"
    folder.mkdir()
    for raw in articles[:3]:  # one NTREX document in three languages
        (folder / (raw.source.replace(":", "_") + ".txt")).write_text(raw.text, "utf-8")
    db = str(tmp_path / "x.db")
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", db, "--analyse"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 3 and summary["events"] == 1
    assert "aligning 3/3" in result.stderr
    with open_store(db) as store:
        assert len(store.pair_evidence_keys()) == 3  # every pair of three articles, once


def test_event_bars_command_over_an_ntrex_store(tmp_path: Path, model, articles, runner) -> None:
    """``framing event-bars`` reads a store of NTREX articles and reports, per model, the
    shipped bars' figures on its true events (each document in three languages)."""
    from framing.cli.main import cli

    db = tmp_path / "ntrex.db"
    with open_store(db) as store:
        list(ingest(articles, store))
    name = model.model_id.split("@")[0]
    result = runner.invoke(cli, ["event-bars", str(db), "--models", name])
    assert result.exit_code == 0, result.output
    (found,) = json.loads(result.output)
    assert found["articles"] == 3 * DOCUMENTS
    assert found["pairs_passing_shipped_test"]["same_document"] >= 2 * DOCUMENTS
    assert found["shipped"]["pair_precision"] == 1.0
    assert set(found["cross_validated"]) == {"pair_precision", "pair_recall", "chosen_per_fold"}
    refused = runner.invoke(cli, ["event-bars", str(db), "--models", str(tmp_path)])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
