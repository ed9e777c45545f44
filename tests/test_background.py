"""The background analysis and the process around it (real model, SQLite)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from framing.background import BackgroundAnalysis
from framing.store import open_store

ROOT = Path(__file__).resolve().parent.parent

# A process that exits while its analysis thread is inside the model.
EXIT_DURING_ANALYSIS = """
import sys, time
from framing.alignment.embedder import load_embedder
from framing.background import BackgroundAnalysis
model = load_embedder()
model.encode(["warm up"])
worker = BackgroundAnalysis(sys.argv[1], model)
worker.request()
time.sleep(3)
print("running at exit:", worker.running, flush=True)
"""


def test_a_process_exiting_mid_analysis_stops_it_cleanly(seed_db: Path, tmp_path: Path, model):
    """A server stopped while its daemon analysis thread ran the model aborted the whole
    process ("terminate called without an active exception", status 134). Now the thread
    stops at its next step and is waited for; what it stored is whole, and the next run
    finishes the grouping."""
    db = tmp_path / "x.db"
    shutil.copy(seed_db, db)
    done = subprocess.run(
        [sys.executable, "-c", EXIT_DURING_ANALYSIS, str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert "running at exit: True" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0 and "terminate called" not in done.stderr, done.stderr
    worker = BackgroundAnalysis(str(db), model)
    worker.request()
    assert worker.wait(timeout=600)
    with open_store(db) as store:
        stage = store.db.execute("select stage from analysis_progress").fetchone()[0]
    assert stage == "done"
    assert worker.stop(timeout=1) and not worker.running
    worker.request()  # a stopped worker starts nothing more
    assert not worker.running


def test_the_stored_check_agrees_with_the_stored_comparison(
    seed_copy: Path, seed_ids: dict[str, str], model
):
    """comparison_stored is a look-up of the key cached_compare decodes, asked of every event
    on each background pass: it must say "stored" exactly when the comparison and each
    article's highlights are there."""
    from framing.compare import cached_compare
    from framing.report import comparison_report, comparison_stored

    pair = [seed_ids["001"], seed_ids["002"]]
    with open_store(seed_copy) as store:
        assert cached_compare(store, pair, model) is None
        assert not comparison_stored(store, pair, model)
        comparison_report(store, pair, model)
        assert cached_compare(store, pair, model) is not None
        assert comparison_stored(store, pair, model)
        assert not comparison_stored(store, [seed_ids["000"], seed_ids["003"]], model)


def test_an_exiting_interpreter_is_no_failure(seed_db: Path, tmp_path: Path, monkeypatch) -> None:
    """qa8: a thread still working as the process exited logged "background event analysis
    failed" and stored the failure (with advice to delete a good model folder); Python
    refusing new work at shutdown is the process ending, not the analysis failing."""
    import framing.background as background

    db = tmp_path / "x.db"
    shutil.copy(seed_db, db)

    def exiting(self: BackgroundAnalysis, store: object) -> None:
        raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    recorded: list[str] = []
    monkeypatch.setattr(BackgroundAnalysis, "_analyse", exiting)
    monkeypatch.setattr(background, "_record_failure", lambda path, error: recorded.append(error))
    worker = BackgroundAnalysis(str(db), None)  # type: ignore[arg-type]
    worker.request()
    assert worker.wait(timeout=60)
    assert recorded == []
    worker.request()  # not held back as a failure would be (RETRY_AFTER_S)
    assert worker.wait(timeout=60) and recorded == []
