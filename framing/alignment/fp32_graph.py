"""The fp32 e5 encoder as an ONNX graph run by ONNX Runtime: the same vectors, sooner.

Eager torch spends much of a small BERT's time between its matrix products (one Python
call per module, unfused bias, GELU and LayerNorm). This module exports the converted fp32
model (:mod:`framing.alignment.e5convert`) once to an fp32 ONNX graph whose outputs are the
hidden states after each layer (``layer12`` is the last layer, the states the sentence
vector pools), and :class:`GraphEncoder` runs it with ONNX Runtime's graph optimisations
(fused bias-GELU and skip-LayerNorm). Nothing is quantised: the vectors equal torch's to
float rounding (about 1e-7, ``tests/test_fp32_graph.py``), so the model id, its shipped
calibration and cached vectors stay the fp32 model's.

The recipe (export options; and apart, batch size, threads, spinning) is data,
``data/encoder_graph.yaml``; the
graph is built into the model cache folder beside the fp32 model, under a name holding a
hash of the recipe, in a private folder renamed into place, and is never downloaded.
Whether the fp32 model runs through the graph or through torch is the setting
``encoder_runtime`` (``onnx`` or ``torch``, ``$FRAMING_ENCODER_RUNTIME``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from framing.settings import packaged_yaml

GRAPH = "encoder-fp32.onnx"
WEIGHTS = "encoder-fp32.onnx.data"  # the weights, beside the graph: ONNX Runtime maps them
MARKER = "framing-fp32-graph.json"


def recipe() -> dict[str, Any]:
    """How the graph is exported (its folder is named by a hash of this)."""
    return dict(packaged_yaml("encoder_graph.yaml")["graph"])


def run_options() -> dict[str, Any]:
    """How the graph is run: batch size, threads, spinning."""
    return dict(packaged_yaml("encoder_graph.yaml")["run"])


def graph_folder(fp32_folder: Path, spec: dict[str, Any]) -> Path:
    """``<fp32 model folder>-fp32-graph-<recipe hash>``, beside the fp32 model."""
    from framing.wording.state_graph import recipe_key

    return fp32_folder.parent / f"{fp32_folder.name}-fp32-graph-{recipe_key(spec)}"


def is_built(folder: Path) -> bool:
    return all((folder / name).is_file() for name in (MARKER, GRAPH, WEIGHTS))


def build_graph(model: Any, folder: Path, spec: dict[str, Any]) -> Path:
    """Export ``model`` (the fp32 ``SentenceTransformer``) into ``folder`` (built in a
    private folder first, see :func:`framing.alignment.quantize.building`)."""
    import onnx
    import torch

    from framing.alignment.quantize import _attention, building, keyword_forward

    print(f"Building the fp32 encoder graph in {folder} (once)", file=sys.stderr)
    started = time.perf_counter()
    transformer = model[0].auto_model.eval()
    layers = int(transformer.config.num_hidden_layers)
    # a padded two-row probe: the traced graph keeps the attention mask's role
    probe = model.tokenizer(["query: probe text", "query: a"], return_tensors="pt", padding=True)
    inputs = ["input_ids", "attention_mask"]
    outputs = [f"layer{k}" for k in range(1, layers + 1)]
    with building(folder, is_built) as partial:
        with torch.inference_mode(), _attention(transformer, spec.get("attention")):
            torch.onnx.export(
                # the states after each layer (hidden_states[0] is the embedding output)
                keyword_forward(
                    transformer, lambda out: tuple(out.hidden_states[1:]), output_hidden_states=True
                ),
                (probe["input_ids"], probe["attention_mask"]),
                str(partial / "inline.onnx"),
                input_names=inputs,
                output_names=outputs,
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*inputs, *outputs]},
                opset_version=int(spec["opset"]),
                dynamo=False,
            )
        # The weights in a file of their own, which ONNX Runtime maps into memory rather
        # than copying them out of the graph: the process then holds only the embedding
        # rows it reads (peak RSS encoding 2,000 sentences: 1,271 MiB, against 1,556 with
        # the weights inside the graph and 1,172 for torch alone).
        graph = onnx.load(str(partial / "inline.onnx"))
        onnx.save_model(
            graph,
            str(partial / GRAPH),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=WEIGHTS,
            size_threshold=1024,
        )
        del graph
        (partial / "inline.onnx").unlink()
        seconds = round(time.perf_counter() - started, 1)
        marker = {"recipe": spec, "layers": layers, "build_seconds": seconds}
        (partial / MARKER).write_text(json.dumps(marker), "utf-8")
    return folder


class GraphEncoder:
    """An ONNX Runtime session over the graph. :meth:`run` gives, for one padded batch, the
    last layer's states and those after each of ``layers`` layers (ONNX Runtime computes
    every layer anyway: the last one needs them)."""

    precision = "f32"

    def __init__(self, folder: Path, options: dict[str, Any]) -> None:
        from framing.alignment.quantize import cpu_session

        threads = int(options.get("threads") or 0) or (os.cpu_count() or 1)
        self._session = cpu_session(folder / GRAPH, threads, bool(options.get("spinning", True)))
        self.depth = len(self._session.get_outputs())
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.batch_size = int(options["batch_size"])
        self.min_fill = float(options.get("min_fill", 0.0))

    def run(
        self, ids: np.ndarray, mask: np.ndarray, layers: tuple[int, ...] = ()
    ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        wanted = [n for n in dict.fromkeys(layers) if 0 < n < self.depth]
        names = [f"layer{self.depth}", *(f"layer{n}" for n in wanted)]
        last, *hidden = self._session.run(names, {"input_ids": ids, "attention_mask": mask})
        kept = dict(zip(wanted, hidden, strict=True))
        if self.depth in layers:
            kept[self.depth] = last
        return last, kept


def load_graph(model: Any, fp32_folder: Path) -> GraphEncoder:
    """The graph of the fp32 model in ``fp32_folder``, built on first use."""
    spec = recipe()
    folder = graph_folder(fp32_folder, spec)
    if not is_built(folder):
        build_graph(model, folder, spec)
    return GraphEncoder(folder, run_options())
