"""The event analysis in a background thread, so no page ever waits for it.

After 2,000 new articles the grouping takes minutes (embedding them is most of it). A web
server asks :class:`BackgroundAnalysis` to bring the grouping up to date and meanwhile
serves the last finished grouping with "analysing N new articles…"; the thread writes its
progress to the store (``analysis_progress``), which any process can read.

After the grouping it compares the reports of every event whose comparison is not stored
yet (the first three, what an event page shows), and any other choice of reports a page
asked for (:meth:`BackgroundAnalysis.request_comparison`): an event page never aligns in
the request either, it says "analysing" until the comparison is stored.

One thread per database and process; a request while it runs makes it go round once
more when done (articles may have arrived during the run). Failures are stored as the
progress's ``error`` (shown on the page) instead of being raised into a thread nobody
waits for. When the process exits (a server stopped with Ctrl-C) the thread stops at its
next step and is waited for: a daemon thread still inside the model when the interpreter
tears down aborts the whole process ("terminate called without an active exception").
Every step commits whole, so the next run goes on from what was stored.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from typing import Any

from framing.alignment.embedder import Embedder, interpreter_exiting
from framing.compare import events_up_to_date, finished_events, group_stored_events
from framing.report import chosen_articles, comparison_report, comparison_stored
from framing.store import Store, open_store

log = logging.getLogger(__name__)

KIND = "events"
# After a failure, requests do not restart the analysis for this long (a missing model
# would otherwise fail again on every page view).
RETRY_AFTER_S = 60.0
# At exit, how long to wait for the step in progress (one chunk of articles embedded or
# aligned, or one comparison) before the interpreter goes on regardless.
STOP_WAIT_S = 60.0


class AnalysisStopped(Exception):
    """The process is exiting: the analysis stops between two steps."""


class BackgroundAnalysis:
    """Keeps the event grouping of the database at ``db_path`` up to date, off the caller's
    thread. ``embedder`` is shared with the caller (one model per process)."""

    def __init__(self, db_path: str, embedder: Embedder) -> None:
        self.db_path = db_path
        self.embedder = embedder
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        self._failed_at: float | None = None
        self._wanted: dict[tuple[str, ...], None] = {}  # comparisons pages asked for, in order
        self._stopping = threading.Event()
        atexit.register(self.stop)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def request(self) -> None:
        """Start the analysis, or have the running one go round again when it ends."""
        with self._lock:
            if self._stopping.is_set():
                return
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            if self._failed_at is not None and time.monotonic() - self._failed_at < RETRY_AFTER_S:
                return
            self._again = False
            self._thread = threading.Thread(target=self._run, name="framing-analysis", daemon=True)
            self._thread.start()

    def request_comparison(self, article_ids: list[str]) -> None:
        """Have the thread compare these reports (a page found no stored comparison)."""
        with self._lock:
            self._wanted[tuple(article_ids)] = None
        self.request()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running analysis (tests, a command that must finish); True if idle."""
        while True:
            with self._lock:
                thread = self._thread
            if thread is None:
                return True
            thread.join(timeout)
            if thread.is_alive():
                return False
            with self._lock:
                if self._thread is thread:
                    return True

    def stop(self, timeout: float = STOP_WAIT_S) -> bool:
        """Stop at the next step and wait for it (True if the thread ended in time)."""
        self._stopping.set()
        return self.wait(timeout)

    def _stop_if_exiting(self) -> None:
        if self._stopping.is_set():
            raise AnalysisStopped

    def _run(self) -> None:
        while True:
            try:
                with open_store(self.db_path) as store:
                    self._analyse(store)
                self._failed_at = None
            except AnalysisStopped:
                return
            except Exception as exc:  # a thread nobody joins: keep the failure visible
                if interpreter_exiting(exc):
                    return  # the process is ending under it: nothing failed
                log.exception("background event analysis failed")
                _record_failure(self.db_path, f"{type(exc).__name__}: {exc}")
                self._failed_at = time.monotonic()
                return
            with self._lock:
                if not self._again:
                    return
                self._again = False

    def _analyse(self, store: Store) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self._stop_if_exiting()
            store.set_progress(KIND, stage, done, total)

        found = group_stored_events(store, self.embedder, progress)
        # Only what is missing: one cache look-up per event when nothing changed.
        todo = [
            ids
            for ids in (chosen_articles(event, None) for event in found)
            if not comparison_stored(store, ids, self.embedder)
        ]
        for done, ids in enumerate(todo):
            progress("comparing", done, len(todo))
            comparison_report(store, ids, self.embedder)
        while True:
            self._stop_if_exiting()
            with self._lock:
                if not self._wanted:
                    break
                ids = list(next(iter(self._wanted)))
            try:
                comparison_report(store, ids, self.embedder)
            finally:
                with self._lock:
                    self._wanted.pop(tuple(ids), None)
        store.set_progress(KIND, "done", len(found), len(found))


def _record_failure(db_path: str, error: str) -> None:
    try:
        with open_store(db_path) as store:
            store.set_progress(KIND, "failed", 0, 0, error[:500])
    except Exception:  # the database itself is gone or refuses writes: the log has it
        log.exception("cannot record the failure of the background analysis")


def analysis_status(store: Store, model_id: str, running: bool) -> dict[str, Any]:
    """What a page says about the analysis: the finished events, how many articles wait,
    and the stage the background thread reports (``embedding 150/2000``)."""
    ids = store.article_ids()  # read once per page: both answers are about the same corpus
    events, pending = finished_events(store, ids)
    current = events_up_to_date(store, model_id, ids)
    progress = store.progress(KIND) or {}
    status: dict[str, Any] = {
        "up_to_date": current,
        "pending": len(pending),
        "running": running,
        "stage": progress.get("stage"),
        "done": progress.get("done"),
        "total": progress.get("total"),
    }
    if progress.get("stage") == "failed":
        status["error"] = progress.get("error")
    return {"events": events, "pending_ids": pending, "status": status}
