"""A comparison computes the highlights the store does not hold yet beside its own encoding
and alignment (framing.report.analyses_ahead): compare-your-own's detector pass and sentence
pass share the two cores instead of taking turns. The highlights are those of the article
page, the store still holds them afterwards, and a detector that reads the comparison's
sentence pass waits for it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import framing.report as report
from framing.ingest import ingest
from framing.store import open_store
from framing.text.readers import RawInput

RU = (
    "Песков заявил, что Кремль не исключает контактов с Трампом до инаугурации. "
    "Так называемые переговоры, по его словам, пока не начались."
)
EN = (
    "Peskov said the Kremlin does not rule out contacts with Trump before the inauguration. "
    "The so-called negotiations have not started yet, he said."
)


@pytest.fixture
def fresh(tmp_path: Path, model):
    with open_store(tmp_path / "own.db") as store:
        ids = [str(r.article_id) for r in ingest([RawInput("ru", RU), RawInput("en", EN)], store)]
        yield store, ids


def test_highlights_are_computed_while_the_comparison_runs(fresh, model, monkeypatch) -> None:
    store, ids = fresh
    started = threading.Event()
    computed = report.computed_analysis

    def analysis(article):
        started.set()
        return computed(article)

    def compare(*args, **kwargs):
        # Serial code would compute the highlights only after this returns: wait for them.
        assert started.wait(timeout=60), "no highlights computed while the comparison ran"
        return run_compare(*args, **kwargs)

    run_compare = report.run_compare
    monkeypatch.setattr(report, "computed_analysis", analysis)
    monkeypatch.setattr(report, "run_compare", compare)
    found = report.comparison_report(store, ids, model, same_event=True)
    for article_id in ids:
        stored = store.cached_analysis(report._article_key(article_id))
        assert stored is not None
        shown = found["analysis"][article_id]["highlights"]
        # what the page adds for display aside, the stored highlights are the ones shown
        kept = stored["highlights"]
        assert [{k: h[k] for k in s} for h, s in zip(shown, kept, strict=True)] == kept
    assert any(
        h["matched"]["text"] == "Так называемые" for h in found["analysis"][ids[0]]["highlights"]
    )


def test_the_comparison_shows_the_article_pages_highlights(fresh, model) -> None:
    store, ids = fresh
    found = report.comparison_report(store, ids, model, same_event=True)
    for article_id in ids:
        page = report.article_analysis(store, store.article(article_id))
        assert found["analysis"][article_id] == page


def test_nothing_ahead_when_stored_or_when_the_detector_reads_the_sentence_pass(
    fresh, model, monkeypatch
) -> None:
    store, ids = fresh
    articles = [store.article(i) for i in ids]
    with report.ThreadPoolExecutor(1) as pool:
        assert set(report.analyses_ahead(store, articles, pool)) == set(ids)
        report.article_analysis(store, articles[0])  # now stored
        assert set(report.analyses_ahead(store, articles, pool)) == {ids[1]}
        monkeypatch.setenv("FRAMING_DETECTOR", "shared")
        assert report.analyses_ahead(store, articles, pool) == {}


def test_an_analysis_that_fails_fails_the_comparison(fresh, model, monkeypatch) -> None:
    store, ids = fresh

    def broken(article):
        raise RuntimeError("detector broke")

    monkeypatch.setattr(report, "computed_analysis", broken)
    with pytest.raises(RuntimeError, match="detector broke"):
        report.comparison_report(store, ids, model, same_event=True)
    assert all(store.cached_analysis(report._article_key(i)) is None for i in ids)
