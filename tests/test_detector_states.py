"""The lab's cache of e5 word states (framing.lab.detector_states)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from framing.lab import detector_states


def _one_set(folder: Path) -> Path:
    lines = []
    for n in range(20):
        text = f"городской совет {n}. гнусные бандиты собрались."
        start = text.index("гнусные")
        span = {"technique": "Loaded_Language", "start": start, "end": start + 15}
        lines.append(json.dumps({"id": f"r{n}", "lang": "ru", "text": text, "spans": [span]}))
    (folder / "semeval2023_ru.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


class _FakeEncoder:
    """Counts the texts it encodes; its runner reports a precision as OpenVINO's does."""

    def __init__(self, precision: str | None) -> None:
        self.runner = SimpleNamespace(precision=precision)
        self.encoded = 0

    def word_states(self, text, tokens, keep, spans=None) -> np.ndarray:
        self.encoded += 1
        return np.ones((len(keep), len(tokens), 4), dtype=np.float32)


def test_states_computed_in_bf16_and_f32_never_share_a_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recipe leaves the precision to the CPU (bf16 where it multiplies bf16 in hardware),
    so the cache is keyed by the precision the runtime chose, not the recipe alone."""
    data = _one_set(tmp_path)
    cache = tmp_path / "cache"
    recipe = {"layers": 8, "runtime": "openvino"}
    encoders = {"f32": _FakeEncoder("f32"), "bf16": _FakeEncoder("bf16")}
    kind = {"now": "f32"}
    monkeypatch.setattr(detector_states, "load_encoder", lambda _: encoders[kind["now"]])

    first = detector_states.build(data, "semeval2023_ru", "train", [8], recipe, cache, False)
    assert encoders["f32"].encoded == len(first.ids) > 0
    detector_states.build(data, "semeval2023_ru", "train", [8], recipe, cache, False)
    assert encoders["f32"].encoded == len(first.ids)  # the second run reads the cache

    kind["now"] = "bf16"
    detector_states.build(data, "semeval2023_ru", "train", [8], recipe, cache, False)
    assert encoders["bf16"].encoded == len(first.ids)  # encoded again, not read from f32's
    assert len(list(cache.glob("*-L8.npy"))) == 2
