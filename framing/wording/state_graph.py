"""The detector's encoder as an int8 ONNX graph: the first layers of e5-small, built locally.

The contextual detector reads word states after the first few layers of the shipped
e5-small (:mod:`framing.wording.token_states`). Run through torch in float32, those layers
were most of the time and memory of ``framing score`` with suggestions: the 250k-row
embedding matrix alone is 384 MB per process. This module exports the truncated encoder
once to an ONNX graph whose outputs are the hidden states after each of its layers, and
quantises its matrix multiplications and the embedding lookup to int8 with ONNX Runtime's
dynamic quantisation. Training (``framing train-detector``) and ``framing score`` read the
states through the same graph, so the head learns from exactly what it is later given.

The recipe (layers, which operators are quantised, per-channel scales) is the detector
artifact's ``config.json`` ``encoder`` entry; the graph lives in the model cache folder
(:func:`framing.alignment.embedder.cache_root`) under a name holding a hash of the recipe,
is written under a temporary name and renamed into place, and is never downloaded.

A recipe with ``"runtime": "openvino"`` and no ``int8_ops`` keeps the exported graph in
float32 and runs it with OpenVINO, which on a CPU that multiplies bf16 in hardware (AMX,
AVX-512 BF16) computes it in bf16: deeper layers for about the cost of the int8 graph's
four (issue 13's eleventh session). Without such a CPU OpenVINO runs it in f32, and without
OpenVINO installed ONNX Runtime does.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

GRAPH = "states-int8.onnx"
GRAPH_FP32 = "states-fp32.onnx"  # a recipe with no int8_ops
MARKER = "framing-states.json"


def recipe_key(recipe: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:10]


def graph_folder(fp32_folder: Path, recipe: dict[str, Any]) -> Path:
    """``<fp32 model folder>-states-L<layers>-<recipe hash>``, beside the fp32 model."""
    name = f"{fp32_folder.name}-states-L{recipe['layers']}-{recipe_key(recipe)}"
    return fp32_folder.parent / name


def graph_file(recipe: dict[str, Any]) -> str:
    return GRAPH if recipe.get("int8_ops") else GRAPH_FP32


def is_built(folder: Path) -> bool:
    if not (folder / MARKER).is_file():
        return False
    return (folder / GRAPH).is_file() or (folder / GRAPH_FP32).is_file()


def build_graph(fp32_folder: Path, folder: Path, recipe: dict[str, Any]) -> Path:
    """Export the first ``recipe['layers']`` layers of the fp32 model in ``fp32_folder`` and
    quantise them (when the recipe names ``int8_ops``) into ``folder`` (built beside it
    first: never half a graph)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from framing.alignment.quantize import building

    print(f"Building the detector's encoder graph in {folder} (once)", file=sys.stderr)
    with building(folder, is_built) as partial:
        exported = partial / GRAPH_FP32
        _export(fp32_folder, exported, int(recipe["layers"]))
        if not recipe.get("int8_ops"):
            (partial / MARKER).write_text(json.dumps({"recipe": recipe}), "utf-8")
            return folder
        quantize_dynamic(
            str(exported),
            str(partial / GRAPH),
            weight_type=QuantType.QInt8,
            per_channel=bool(recipe["per_channel"]),
            op_types_to_quantize=list(recipe["int8_ops"]),
        )
        exported.unlink()
        (partial / MARKER).write_text(json.dumps({"recipe": recipe}), "utf-8")
    return folder


def _export(fp32_folder: Path, exported: Path, layers: int) -> None:
    """The first ``layers`` layers as an fp32 ONNX graph with one output per layer."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    from framing.alignment.quantize import keyword_forward

    hf_logging.disable_progress_bar()  # stderr carries framing's messages only
    model = AutoModel.from_pretrained(
        str(fp32_folder), local_files_only=True, attn_implementation="eager"
    )
    model.encoder.layer = torch.nn.ModuleList(model.encoder.layer[:layers])
    model.config.num_hidden_layers = layers
    model.eval()
    # a padded two-row probe: the traced graph keeps the attention mask's role
    ids = torch.tensor([[0, 2467, 10, 3034, 2], [0, 2467, 2, 1, 1]])
    mask = (ids != 1).long()
    inputs = ["input_ids", "attention_mask"]
    outputs = [f"layer{k}" for k in range(1, layers + 1)]
    with torch.inference_mode():
        torch.onnx.export(
            # the states after each layer (hidden_states[0] is the embedding output)
            keyword_forward(
                model, lambda out: tuple(out.hidden_states[1:]), output_hidden_states=True
            ),
            (ids, mask),
            str(exported),
            input_names=inputs,
            output_names=outputs,
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*inputs, *outputs]},
            opset_version=17,
            dynamo=False,
        )


def open_runner(folder: Path, recipe: dict[str, Any], threads: int) -> GraphRunner | OpenVinoRunner:
    """The runner of the graph in ``folder``: OpenVINO for an fp32 graph whose recipe asks
    for it (when OpenVINO is installed), ONNX Runtime otherwise."""
    if recipe.get("runtime") == "openvino" and not recipe.get("int8_ops"):
        from framing.alignment.ov_encoder import runtime

        try:
            runtime()  # imported with its telemetry blocked
        except ImportError:
            pass
        else:
            return OpenVinoRunner(folder / GRAPH_FP32, threads)
    return GraphRunner(folder / graph_file(recipe), threads)


class OpenVinoRunner:
    """The fp32 graph compiled by OpenVINO for the CPU, in bf16 where the CPU multiplies bf16
    in hardware (f32 elsewhere); ``run`` as :class:`GraphRunner`'s (OpenVINO computes every
    output: the graph holds no layer above the deepest one asked for in its recipe)."""

    def __init__(self, graph: Path, threads: int) -> None:
        from framing.alignment.ov_encoder import runtime

        core = runtime().Core()  # OpenVINO imported with its telemetry blocked
        bf16 = "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        self.precision = "bf16" if bf16 else "f32"
        self._model = core.compile_model(
            core.read_model(str(graph)),
            "CPU",
            {
                "INFERENCE_PRECISION_HINT": self.precision,
                "PERFORMANCE_HINT": "LATENCY",
                "INFERENCE_NUM_THREADS": max(1, threads),
            },
        )
        self._request = self._model.create_infer_request()
        self._lock = threading.Lock()  # one request: one batch at a time
        self.dim = int(self._model.outputs[0].get_partial_shape()[-1].get_length())

    def run(self, ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        names = [out.get_any_name() for out in self._model.outputs]
        wanted = names if layers is None else [f"layer{k}" for k in layers]
        with self._lock:
            found = self._request.infer({"input_ids": ids, "attention_mask": mask})
            return np.stack([np.array(found[self._model.output(name)]) for name in wanted])


class GraphRunner:
    """An ONNX Runtime session over the graph: ``run(ids, mask)`` gives the hidden states
    after every layer, shape ``(layers, batch, tokens, dim)``; ``run(ids, mask, [3])``
    after layer 3 only, and ONNX Runtime then runs no layer above it."""

    def __init__(self, graph: Path, threads: int) -> None:
        from framing.alignment.quantize import cpu_session

        self._session = cpu_session(graph, threads)
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def run(self, ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        names = None if layers is None else [f"layer{k}" for k in layers]
        return np.stack(self._session.run(names, {"input_ids": ids, "attention_mask": mask}))
