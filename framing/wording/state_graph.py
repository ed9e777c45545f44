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

A recipe's ``"min_fill"`` is how its texts are batched, not part of the graph: a batch
never pads a text past 1/min_fill its length (``token_states.StateEncoder._run``; 0 or
absent: batches cut by the token budget only). The int8 graph quantises each batch's
activations with one scale for the whole batch, so the states depend on the batching, and a
head must be trained on states batched as they will be at run time (issue 13's fourteenth
session). The graph's folder is named by :func:`graph_recipe` (the recipe without it).

A recipe with ``"word_embeddings": "mapped"`` takes the word-embedding lookup out of the
graph (:func:`_cut_lookup`): the 250k-row fp32 matrix (384 MB) is written once beside the
graph as ``.npy`` and each batch's rows are looked up in numpy from a read-only memory map,
whose pages the scoring workers share and only the rows read are resident; the graph's
input is then those rows (``inputs_embeds``), and everything after the lookup (positions,
token types, LayerNorm, the layers) is the graph as exported, so the states are the whole
graph's. Compiled by OpenVINO the whole graph held 650 MiB after one batch, most of it that
matrix (issue 13's eleventh session).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

GRAPH = "states-int8.onnx"
GRAPH_FP32 = "states-fp32.onnx"  # a recipe with no int8_ops
MARKER = "framing-states.json"
EMBEDDINGS = "word-embeddings.npy"  # a recipe with "word_embeddings": "mapped"
EMBEDS_INPUT = "inputs_embeds"
PAD_ID = 1  # e5-small's (XLM-R's) <pad>


# how texts are batched and cut for the graph, not the graph: "sentence_prompt" reads a text
# as its sentences behind that prompt (token_states.StateEncoder.sentence_states)
BATCHING_KEYS = ("min_fill", "sentence_prompt")
# how the graph is run, not the graph: "precision" "f32" keeps OpenVINO in f32 on a CPU that
# multiplies bf16 in hardware (bit-for-bit batch-invariant states, e.g. for a lab cache that
# keeps two layers from one pass); absent, the CPU's best
RUNTIME_KEYS = ("precision",)


def recipe_key(recipe: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:10]


def graph_recipe(recipe: dict[str, Any]) -> dict[str, Any]:
    """The part of ``recipe`` that makes the graph (its batching and runtime left out)."""
    return {
        key: value
        for key, value in recipe.items()
        if key not in BATCHING_KEYS and key not in RUNTIME_KEYS
    }


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
        if recipe.get("word_embeddings") == "mapped":
            _cut_lookup(exported, partial / EMBEDDINGS)
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


def _cut_lookup(graph_path: Path, matrix_path: Path) -> None:
    """Take the word-embedding lookup out of the graph at ``graph_path``: its matrix is
    saved to ``matrix_path`` (fp32 ``.npy``), the Gather that read it is removed, and its
    output becomes the graph input ``inputs_embeds`` (batch × tokens × dim). ``input_ids``
    stays an input (the graph reads the batch's shape from it)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(graph_path))
    graph = model.graph
    name = next(i.name for i in graph.initializer if i.name.endswith("word_embeddings.weight"))
    (lookup,) = [n for n in graph.node if n.op_type == "Gather" and n.input[0] == name]
    matrix = next(i for i in graph.initializer if i.name == name)
    np.save(matrix_path, numpy_helper.to_array(matrix).astype(np.float32, copy=False))
    dim = int(matrix.dims[1])
    graph.node.remove(lookup)
    graph.initializer.remove(matrix)
    for node in graph.node:  # the lookup's readers read the new input
        for k, value in enumerate(node.input):
            if value == lookup.output[0]:
                node.input[k] = EMBEDS_INPUT
    graph.input.append(
        onnx.helper.make_tensor_value_info(
            EMBEDS_INPUT, onnx.TensorProto.FLOAT, ["batch", "tokens", dim]
        )
    )
    onnx.checker.check_model(model)
    onnx.save(model, str(graph_path))


def mapped_lookup(folder: Path) -> MappedRows | None:
    """The word-embedding matrix of a graph built without its lookup, memory-mapped
    read-only (None for a graph that looks its rows up itself)."""
    path = folder / EMBEDDINGS
    return MappedRows(path) if path.is_file() else None


class MappedRows:
    """Rows of a memory-mapped ``.npy`` matrix, looked up batch by batch. The file's pages
    stay in the page cache (shared by every process that maps it); after each lookup the
    mapping drops them from this process (``MADV_DONTNEED``: read again from the cache when
    next needed). Otherwise every page ever read would stay resident, and more: a read
    maps the cached pages around it too, so a few dozen articles made the whole 366 MiB
    resident in each scoring worker."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.matrix = np.load(path, mmap_mode="r")
        self._raw = getattr(self.matrix, "_mmap", None)
        self.shape = self.matrix.shape

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        rows = np.ascontiguousarray(self.matrix[ids], dtype=np.float32)
        if self._raw is not None and hasattr(mmap, "MADV_DONTNEED"):
            self._raw.madvise(mmap.MADV_DONTNEED)
        return rows


def _bucket(size: int, sizes: list[int]) -> int:
    """The smallest of ``sizes`` holding ``size`` (``size`` itself beyond the largest)."""
    return next((s for s in sizes if s >= size), size)


def padded(
    ids: np.ndarray, mask: np.ndarray, tokens: list[int], pad: int
) -> tuple[np.ndarray, np.ndarray]:
    """``ids`` and ``mask`` padded (masked) to the next of ``tokens`` subword tokens."""
    rows, width = ids.shape
    to_width = _bucket(width, tokens)
    if to_width == width:
        return ids, mask
    big_ids = np.full((rows, to_width), pad, dtype=ids.dtype)
    big_mask = np.zeros((rows, to_width), dtype=mask.dtype)
    big_ids[:, :width], big_mask[:, :width] = ids, mask
    return big_ids, big_mask


def chunks(rows: int, sizes: list[int]) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive chunks of ``rows`` rows, each of one of ``sizes``
    (the largest that fits first; ``sizes`` holds 1)."""
    found, start = [], 0
    while start < rows:
        size = max(s for s in sizes if s <= rows - start)
        found.append((start, start + size))
        start += size
    return found


def open_runner(
    folder: Path, recipe: dict[str, Any], threads: int, precision: str | None = None
) -> GraphRunner | OpenVinoRunner:
    """The runner of the graph in ``folder``: OpenVINO for an fp32 graph whose recipe asks
    for it (when OpenVINO is installed; in ``precision`` when given), ONNX Runtime otherwise."""
    if recipe.get("runtime") == "openvino" and not recipe.get("int8_ops"):
        from framing.alignment.ov_encoder import runtime

        try:
            runtime()  # imported with its telemetry blocked
        except ImportError:
            pass
        else:
            return OpenVinoRunner(
                folder / GRAPH_FP32, threads, mapped_lookup(folder), _bucket_shapes(), precision
            )
    return GraphRunner(folder / graph_file(recipe), threads, mapped_lookup(folder))


def _bucket_shapes() -> dict[str, Any]:
    from framing.settings import packaged_yaml

    return dict(packaged_yaml("encoder_graph.yaml")["states_openvino"])


def _feeds(ids: np.ndarray, mask: np.ndarray, lookup: MappedRows | None) -> dict[str, np.ndarray]:
    """The graph's inputs for a batch: with a mapped lookup, the batch's word-embedding rows
    (read from the memory map: only those pages become resident)."""
    feeds = {"input_ids": ids, "attention_mask": mask}
    if lookup is not None:
        feeds[EMBEDS_INPUT] = lookup[ids]
    return feeds


class OpenVinoRunner:
    """The fp32 graph compiled by OpenVINO for the CPU, in bf16 where the CPU multiplies bf16
    in hardware (f32 elsewhere); ``run`` as :class:`GraphRunner`'s (OpenVINO computes every
    output: the graph holds no layer above the deepest one asked for in its recipe)."""

    def __init__(
        self,
        graph: Path,
        threads: int,
        lookup: MappedRows | None = None,
        shapes: dict[str, Any] | None = None,
        precision: str | None = None,
    ) -> None:
        from framing.alignment.ov_encoder import runtime

        self._lookup = lookup
        self._shapes = shapes  # None: each batch as it comes
        self.min_fill = float((shapes or {}).get("min_fill", 0.0))
        core = runtime().Core()  # OpenVINO imported with its telemetry blocked
        bf16 = "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        self.precision = precision or ("bf16" if bf16 else "f32")
        self._model = core.compile_model(
            core.read_model(str(graph)),
            "CPU",
            {
                "INFERENCE_PRECISION_HINT": self.precision,
                "PERFORMANCE_HINT": "LATENCY",
                "INFERENCE_NUM_THREADS": max(1, threads),
                "ENABLE_CPU_PINNING": bool((shapes or {}).get("cpu_pinning", False)),
            },
        )
        self._request = self._model.create_infer_request()
        self._lock = threading.Lock()  # one request: one batch at a time
        # the widths a batch is padded to (None: each batch as it comes)
        self.widths: list[int] | None = list(shapes["tokens"]) if shapes else None
        # In f32 a text's states do not depend on what else shares its batch, nor on how
        # wide the batch is padded (the pad tokens are masked; bit for bit on AMD EPYC,
        # AVX2: tests/test_batched_states.py), so texts of several articles can share
        # batches (token_states.StateEncoder.keep_passes); not claimed for bf16.
        self.batch_invariant = self.precision == "f32"
        self.dim = int(self._model.outputs[0].get_partial_shape()[-1].get_length())

    def run(self, ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        names = [out.get_any_name() for out in self._model.outputs]
        wanted = names if layers is None else [f"layer{k}" for k in layers]
        rows, width = ids.shape
        if self._shapes is None:
            parts = [(0, rows)]
        else:
            ids, mask = padded(ids, mask, self._shapes["tokens"], PAD_ID)
            parts = chunks(rows, self._shapes["rows"])
        found = []
        with self._lock:
            for start, end in parts:
                out = self._request.infer(_feeds(ids[start:end], mask[start:end], self._lookup))
                found.append(
                    np.stack(
                        [np.array(out[self._model.output(name)][:, :width]) for name in wanted]
                    )
                )
        return found[0] if len(found) == 1 else np.concatenate(found, axis=1)


class GraphRunner:
    """An ONNX Runtime session over the graph: ``run(ids, mask)`` gives the hidden states
    after every layer, shape ``(layers, batch, tokens, dim)``; ``run(ids, mask, [3])``
    after layer 3 only, and ONNX Runtime then runs no layer above it."""

    # the int8 graph quantises each batch's activations with one scale: a text's states
    # follow its batch (not claimed for an fp32 graph either: not measured)
    batch_invariant = False
    widths = None

    def __init__(self, graph: Path, threads: int, lookup: MappedRows | None = None) -> None:
        from framing.alignment.quantize import cpu_session

        self._lookup = lookup
        self._session = cpu_session(graph, threads)
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def run(self, ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        names = None if layers is None else [f"layer{k}" for k in layers]
        return np.stack(self._session.run(names, _feeds(ids, mask, self._lookup)))
