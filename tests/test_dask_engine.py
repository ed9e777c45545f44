"""`framing score --engine dask`: the same records, refusals and exit status as the local
engine, in input order, with a bounded number of batches in flight."""

from __future__ import annotations

import json
import logging
import shutil
import socket
from collections.abc import Iterator
from itertools import count, islice
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.text.readers import RawInput

from .conftest import ROOT, SEED_IDS, SEEDS

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One local cluster for the module's --scheduler tests (starting one costs seconds)."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.CRITICAL,
    ) as cluster:
        yield cluster.scheduler_address


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["score", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    """Good and bad files together: refused by the reader (empty, binary) on the client,
    and by the cleaner (no article text) on a worker."""
    shutil.copy(SEEDS / SEED_IDS["001"], tmp_path / "a_seed.txt")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.bin").write_bytes(b"\x00\x01\x02 not text")
    (tmp_path / "d_short.txt").write_text("Share\n", "utf-8")
    shutil.copy(SEEDS / SEED_IDS["002"], tmp_path / "e_seed.txt")
    return tmp_path


def test_seeds_with_two_local_workers_equal_the_local_engine() -> None:
    local = run(str(SEEDS), "-s")
    dask = run(str(SEEDS), "-s", "--engine", "dask", "--workers", "2")
    assert local[0] == 0
    assert dask == local
    assert len(dask[1].splitlines()) == 4


def test_scheduler_address_gives_the_same_records_with_suggestions(
    scheduler: str, tmp_path: Path
) -> None:
    # --suggestions: the workers' warm-up loads the detector too. The seeds and a real page
    # the detector flags words of (Peskov's "absolutely unfounded, boorish accusations")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    path = ROOT / "tests/gold/real_events_articles/212_pravdaru_navalnaya_accusations.json"
    page = json.loads(path.read_text("utf-8"))
    (tmp_path / "212.txt").write_text(page["text"], "utf-8")
    local = run(str(tmp_path), "-s", "--suggestions")
    dask = run(str(tmp_path), "-s", "--suggestions", "--engine", "dask", "--scheduler", scheduler)
    assert local[0] == 0 and dask == local
    found = [h for line in dask[1].splitlines() for h in json.loads(line)["highlights"]]
    assert any(h["source"] == "model" for h in found)


def test_refusals_are_reported_identically(scheduler: str, mixed_inputs: Path) -> None:
    local = run(str(mixed_inputs), "-s")
    dask = run(str(mixed_inputs), "-s", "--engine", "dask", "--scheduler", scheduler)
    assert local[0] == 1
    *refusals, summary = local[2].splitlines()
    assert [line.split(":")[0] for line in refusals] == [
        f"refused {mixed_inputs / name}" for name in ("b_empty.txt", "c_binary.bin", "d_short.txt")
    ]
    assert summary.endswith("refused 3 inputs (listed above): exit status 1.")
    assert dask == local


def test_stdin_refusals_and_input_ids(scheduler: str) -> None:
    lines = [
        json.dumps(
            {
                "id": "a-1",
                "text": "The so-called referendum allegedly went well, "
                "local officials said on Monday.",
            }
        ),
        "{broken",
        json.dumps({"id": "a-3"}),
        json.dumps(
            {
                "id": "a-4",
                "text": "Так называемый референдум прошёл якобы успешно, "
                "сообщили местные власти в понедельник.",
                "lang": "ru",
            }
        ),
    ]
    stdin = "\n".join(lines).encode()
    local = run("-", stdin=stdin)
    dask = run("-", "--engine", "dask", "--scheduler", scheduler, stdin=stdin)
    assert local[0] == 1 and dask == local
    assert [json.loads(line)["input_id"] for line in dask[1].splitlines()] == ["a-1", "a-4"]


def test_unreachable_scheduler_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_DASK_CONNECT_TIMEOUT", "1")
    with socket.socket() as sock:  # a port nobody listens on: bound, never listening
        sock.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
        status, out, err = run(str(SEEDS), "-s", "--engine", "dask", "--scheduler", address)
    assert status == 1 and out == ""
    assert err.startswith(f"Error: Cannot reach the Dask scheduler at {address} within 1 s")
    assert "`dask scheduler`" in err


def test_scheduler_needs_the_dask_engine() -> None:
    status, _, err = run(str(SEEDS), "--scheduler", "tcp://127.0.0.1:8786")
    assert status == 2 and "--scheduler needs --engine dask" in err


def test_endless_input_is_consumed_in_a_bounded_window(scheduler: str) -> None:
    from framing.dask_engine import score_stream_dask
    from framing.settings import setting

    read = count()

    def endless() -> Iterator[RawInput]:
        for n in read:
            yield RawInput(f"n{n}", f"Officials said on Monday that talks went well ({n}).")

    stream = score_stream_dask(endless(), scheduler=scheduler)
    first = list(islice(stream, 3))
    stream.close()
    assert [r.get("source", r.get("refused")) for r in first] == ["n0", "n1", "n2"]
    # At most the window (batches per worker thread x 2 threads) plus one batch was read.
    size = setting("dask_batch_size")
    assert next(read) <= size * (setting("dask_batches_per_worker") * 2 + 1)
