"""Batch scoring on a Dask cluster (``framing score --engine dask``).

The client (the ``framing`` process) reads the inputs, ships bounded batches of them to
the workers and writes the records in input order; the workers only score. Without a
scheduler address a private cluster of local worker processes is started and stopped
with the run. Read failures are reported by the client exactly as the local engine does,
and ``score_many`` runs unchanged on the workers, so both engines give the same records.

This module is imported only when ``--engine dask`` is chosen, so the local engine never
pays for importing dask, and a missing dask is an error only for those who ask for it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from framing.errors import FramingError, InputRefused
from framing.ingest import IngestOptions
from framing.scoring import score_many
from framing.settings import setting
from framing.text.readers import RawInput

try:
    from distributed import WorkerPlugin
except ImportError:  # reported by _distributed() when the engine is actually used
    WorkerPlugin = object  # type: ignore[assignment,misc]

INSTALL_HINT = "Install it with `pip install 'dask[distributed]'` or use --engine local."


class WarmUp(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Loads the outlet registry, lexicons and (for --suggestions) the detector once per
    worker process, when the worker joins, so no batch pays for it and a broken artifact
    fails the run at once instead of on the first batch."""

    def __init__(self, with_model: bool) -> None:
        self.with_model = with_model

    def setup(self, worker: Any) -> None:
        from framing.outlets import load_registry
        from framing.wording.lexicon import LANGUAGES, load_lexicon

        load_registry()
        for lang in LANGUAGES:
            load_lexicon(lang)
        if self.with_model:
            from framing.wording.detector import load_model

            load_model()


def score_batch(
    jobs: list[RawInput], options: IngestOptions, with_model: bool, recall: bool = False
) -> list[dict]:
    """Runs on a worker: the records of one batch (the caches above make repeats cheap;
    the detector's encoder runs over the batch's articles together)."""
    return score_many(jobs, options, with_model, recall)


def score_stream_dask(
    inputs: Iterable[RawInput | InputRefused],
    options: IngestOptions | None = None,
    workers: int = 1,
    with_model: bool = False,
    scheduler: str | None = None,
    recall: bool = False,
) -> Iterator[dict[str, Any]]:
    """Records in input order, like :func:`framing.scoring.score_stream`, scored on Dask.

    ``scheduler`` is a running scheduler's address (``tcp://host:8786``); without it a
    local cluster of ``workers`` single-threaded processes is used. At most
    ``dask_batches_per_worker`` batches per worker thread are in flight at once.
    """
    options = (options or IngestOptions()).validate()
    size = setting("dask_batch_size")
    iterator = iter(inputs)
    with _client(scheduler, workers) as client:
        client.register_plugin(WarmUp(with_model), name="framing-warm-up")
        threads = sum(client.nthreads().values()) or 1
        window = max(1, setting("dask_batches_per_worker") * threads)
        pending: deque[tuple[list[RawInput | InputRefused], Any]] = deque()
        # Futures are awaited in submission order, so order costs no reorder buffer; a slow
        # batch holds back the output, and the workers only once the rest of the window is done.
        while True:
            while len(pending) < window and (batch := list(islice(iterator, size))):
                jobs = [item for item in batch if isinstance(item, RawInput)]
                future = client.submit(score_batch, jobs, options, with_model, recall, pure=False)
                pending.append((batch, future))
            if not pending:
                return
            batch, future = pending.popleft()
            scored = iter(future.result())
            for item in batch:
                if isinstance(item, InputRefused):
                    yield {"refused": item.source, "reason": item.reason}
                else:
                    yield next(scored)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise FramingError(
            f"--engine dask needs dask.distributed, which is not installed. {INSTALL_HINT}"
        ) from exc
    return distributed


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the given scheduler, or of a private local cluster, closed afterwards."""
    distributed = _distributed()
    # Dask logs worker start-up and shut-down chatter at INFO/WARNING; stderr is ours.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",  # nothing listens beyond this machine
            # The scheduler always serves HTTP (metrics); on port 0 of loopback it never
            # collides with another cluster's 8787 nor listens beyond this machine.
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.CRITICAL,  # failures reach the client as exceptions
        )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    timeout = setting("dask_connect_timeout")
    try:
        client = distributed.Client(scheduler, timeout=f"{timeout}s")
    except ValueError as exc:
        raise FramingError(
            f"{scheduler!r} is not a Dask scheduler address ({exc}): use tcp://HOST:8786."
        ) from exc
    except (OSError, TimeoutError) as exc:
        raise FramingError(
            f"Cannot reach the Dask scheduler at {scheduler} within {timeout} s ({exc}). "
            "Check the address (tcp://HOST:8786) and that `dask scheduler` runs there."
        ) from exc
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise FramingError(
                f"The Dask scheduler at {scheduler} has no workers after {timeout} s. "
                f"Start some with `dask worker {scheduler}`."
            ) from exc
        yield client
    finally:
        client.close()
