"""The fp32 e5 graph compiled by OpenVINO: bf16 matrix products on CPUs that have them.

ONNX Runtime's CPU kernels have no bf16 GEMM, so on a CPU that multiplies bf16 in hardware
(AMX, AVX512-BF16) the fp32 graph of :mod:`framing.alignment.fp32_graph` leaves that unit
idle. OpenVINO compiles **the same graph file** (no second export, no second copy of the
weights) with an inference precision: ``bf16`` where :func:`native_bf16` says the CPU has
it, ``f32`` elsewhere (``data/encoder_graph.yaml``, ``openvino``). The vectors agree with
ONNX Runtime's fp32 ones to within 1.3e-5 in cosine, so the model id, its shipped
calibration and cached vectors stay the fp32 model's; z moves by up to 0.025, which can
move a link that sits on a bar, so it is opt-in (BENCHMARKS.md, "OpenVINO over the fp32
graph").

:class:`OvEncoder` has :class:`~framing.alignment.fp32_graph.GraphEncoder`'s interface
(``run``, ``batch_size``, ``min_fill``, ``depth``, ``dim``), so the embedder batches, pools
and cuts texts the same way. The graph is compiled for ``streams`` (2) streams of one thread
each; :meth:`OvEncoder.run_all` runs a call's batches that many at a time (one thread never
waits for another inside a batch: a quarter to a third less CPU for the same vectors, bit for
bit; BENCHMARKS.md, session 12). The infer requests are used under a lock: the web server
is threaded, and an infer request runs one batch at a time. The streams' threads are not
pinned to cores (OpenVINO pins them by default on Linux: one stream to each core, which waits
for its core when another job holds it; ``cpu_pinning`` in the YAML).

Offline: ``import openvino`` imports its model converter (``openvino.tools.ovc``), which
sends an "import" event to Google Analytics through the ``openvino_telemetry`` package
unless ``~/intel/openvino_telemetry`` holds ``0`` or ``CI=true`` (no consent file counts as
consent: ``enable_opt_in_dialog=False``). The converter falls back to a stub that sends
nothing when that package cannot be imported, so :func:`runtime` makes it unimportable
before importing OpenVINO (``tests/test_ov_encoder.py`` runs an encoding with Python's
sockets closed and checks that no telemetry module is loaded).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from framing.settings import packaged_yaml


def options() -> dict[str, Any]:
    """How OpenVINO runs the graph: precision (native bf16 or not), hint, threads, batches."""
    return dict(packaged_yaml("encoder_graph.yaml")["openvino"])


TELEMETRY = "openvino_telemetry"


def available() -> bool:
    """Whether the OpenVINO runtime is installed (told without importing it)."""
    return importlib.util.find_spec("openvino") is not None


def runtime() -> Any:
    """The ``openvino`` module, imported with its telemetry package blocked (a ``None`` in
    ``sys.modules`` makes ``import openvino_telemetry`` fail, and the converter then uses its
    stub). If something imported OpenVINO before, its telemetry was that caller's choice."""
    if "openvino" not in sys.modules:
        sys.modules.setdefault(TELEMETRY, None)  # type: ignore[arg-type]
    import openvino

    return openvino


def precision(settings: dict[str, Any], native: bool | None = None) -> str:
    """The inference precision for this CPU: ``native_precision`` on a CPU with native bf16,
    else ``precision`` (f32: emulated bf16 would be slow)."""
    if native is None:
        from framing.alignment.bf16_encoder import native_bf16

        native = native_bf16()
    return str(settings["native_precision"] if native else settings["precision"])


class OvEncoder:
    """The fp32 graph at ``graph_file`` compiled for the CPU. :meth:`run` gives, for one
    padded batch, the last layer's states and those after each of ``layers`` layers, as
    float32 arrays, like :meth:`framing.alignment.fp32_graph.GraphEncoder.run`."""

    def __init__(self, graph_file: Path, settings: dict[str, Any], native: bool | None = None):
        ov = runtime()
        threads = int(settings.get("threads") or 0) or (os.cpu_count() or 1)
        self.precision = precision(settings, native)
        self.streams = max(1, min(int(settings.get("streams") or 1), threads))
        config = {
            "INFERENCE_PRECISION_HINT": self.precision,
            "PERFORMANCE_HINT": str(settings["performance_hint"]),
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": self.streams,
            "ENABLE_CPU_PINNING": bool(settings.get("cpu_pinning", False)),
        }
        self._compiled = ov.Core().compile_model(str(graph_file), "CPU", config)
        self._request = self._compiled.create_infer_request()
        self._queue = ov.AsyncInferQueue(self._compiled, self.streams)
        self._lock = threading.Lock()
        self.depth = len(self._compiled.outputs)
        self._outputs = {n: self._compiled.output(f"layer{n}") for n in range(1, self.depth + 1)}
        self.dim = int(self._outputs[self.depth].get_partial_shape()[-1].get_length())
        self.batch_size = int(settings["batch_size"])
        self.min_fill = float(settings.get("min_fill", 0.0))

    def run(
        self, ids: np.ndarray, mask: np.ndarray, layers: tuple[int, ...] = ()
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        wanted = self._wanted(layers)
        with self._lock:
            self._request.infer({"input_ids": ids, "attention_mask": mask})
            return self._copies(self._request, wanted)

    def run_all(
        self, batches: Iterable[tuple[np.ndarray, np.ndarray]], layers: tuple[int, ...] = ()
    ) -> Iterator[tuple[int, np.ndarray, dict[int, np.ndarray]]]:
        """:meth:`run` over many padded batches, ``streams`` of them at once (each stream
        one thread: no thread waits for another inside a batch), as (index of the batch,
        last layer, kept layers) in the order they finish. At most ``streams`` batches'
        outputs wait at a time, so ``batches`` may be a long generator."""
        wanted = self._wanted(layers)
        done: dict[int, tuple[np.ndarray, dict[int, np.ndarray]]] = {}

        def finished(request: Any, k: int) -> None:
            done[k] = self._copies(request, wanted)

        with self._lock:
            self._queue.set_callback(finished)
            for k, (ids, mask) in enumerate(batches):
                self._queue.start_async({"input_ids": ids, "attention_mask": mask}, k)
                for key in list(done):  # start_async waited for a free stream
                    yield key, *done.pop(key)
            self._queue.wait_all()
            for key in sorted(done):
                yield key, *done.pop(key)

    def _wanted(self, layers: tuple[int, ...]) -> list[int]:
        return [n for n in dict.fromkeys(layers) if 0 < n <= self.depth]

    def _copies(self, request: Any, wanted: list[int]) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """The last layer's and the ``wanted`` layers' states of ``request``'s batch, copied:
        the request's output buffers are reused by its next batch."""
        last = np.array(request.get_tensor(self._outputs[self.depth]).data, np.float32)
        return last, {
            n: np.array(request.get_tensor(self._outputs[n]).data, np.float32) for n in wanted
        }


def load_encoder(model: Any, fp32_folder: Path) -> OvEncoder:
    """OpenVINO over the fp32 graph of the model in ``fp32_folder`` (the graph is built on
    first use, as for ONNX Runtime), with the shipped options."""
    from framing.alignment import fp32_graph

    spec = fp32_graph.recipe()
    folder = fp32_graph.graph_folder(fp32_folder, spec)
    if not fp32_graph.is_built(folder):
        fp32_graph.build_graph(model, folder, spec)
    return OvEncoder(folder / fp32_graph.GRAPH, options())
