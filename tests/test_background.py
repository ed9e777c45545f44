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
