"""Similarity calibration: what an unrelated pair of sentences scores, per language pair.

e5 cosines sit in a narrow band (about 0.73 to 0.95), and pairs in one language score
higher than pairs across languages whatever they say. So raw cosines are never compared to
a fixed threshold. Instead each vector is centred on its language's mean (which removes the
part of the vector that only says "this is Russian") and each cosine is turned into a
z-score against the cosines of unrelated sentence pairs of the same two languages. A score
of 5 then means "five standard deviations above chance" for ru–en as for en–en.

The calibration is derived from the texts of the annotated data sets (never shipped) by
``framing calibrate``, and stored per model in ``data/calibration/``.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations_with_replacement
from pathlib import Path
from typing import Any

import numpy as np

from framing.alignment.embedder import Embedder
from framing.errors import FramingError
from framing.text.segment import split_sentences

# Which files of ../shared/data/loaded-language hold background text for each language.
BACKGROUND = {
    "ru": ["semeval2023_ru.jsonl", "unlp2025_uk_ru.jsonl"],
    "uk": ["unlp2025_uk_ru.jsonl"],
    "en": ["semeval2023_en.jsonl", "ptc2020_en.jsonl"],
}
SENTENCES_PER_LANGUAGE = 2000


def model_slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_")


@dataclass
class Calibration:
    model_id: str
    means: dict[str, np.ndarray]
    null: dict[tuple[str, str], tuple[float, float]]
    calibrated: bool = True

    def centre(self, vectors: np.ndarray, lang: str | None) -> np.ndarray:
        mean = self.means.get(lang or "", self._pooled_mean())
        centred = vectors - mean
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return centred / np.maximum(norms, 1e-9)

    def z_scores(self, sims: np.ndarray, lang_a: str | None, lang_b: str | None) -> np.ndarray:
        key = (lang_a or "", lang_b or "")
        mean, std = self.null.get(key) or self._pooled_null(key[0] == key[1])
        return (sims - mean) / std

    def _pooled_mean(self) -> np.ndarray:
        return np.mean(list(self.means.values()), axis=0)

    def _pooled_null(self, same_language: bool) -> tuple[float, float]:
        pairs = [v for (a, b), v in self.null.items() if (a == b) == same_language]
        return float(np.mean([m for m, _ in pairs])), float(np.mean([s for _, s in pairs]))

    def as_json(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "means": {k: [round(float(x), 6) for x in v] for k, v in self.means.items()},
            "null": {
                f"{a}-{b}": [round(m, 6), round(s, 6)] for (a, b), (m, s) in self.null.items()
            },
        }


def calibration_path(model_id: str) -> Path:
    folder = Path(str(resources.files("framing").joinpath("data/calibration")))
    return folder / f"{model_slug(model_id)}.json"


@cache
def load_calibration(model_id: str) -> Calibration | None:
    """The shipped calibration of ``model_id``, or None if it was never calibrated."""
    path = calibration_path(model_id)
    if not path.exists():
        return None
    raw = json.loads(path.read_text("utf-8"))
    means = {k: np.asarray(v, dtype=np.float32) for k, v in raw["means"].items()}
    null = {}
    for key, (mean, std) in raw["null"].items():
        a, b = key.split("-")
        null[(a, b)] = null[(b, a)] = (float(mean), float(std))
    return Calibration(raw["model_id"], means, null)


def pair_calibration(model_id: str, vectors: dict[str, np.ndarray]) -> Calibration:
    """The shipped calibration, or (for an uncalibrated model) one estimated from the very
    vectors being compared: their means per language and the spread of all their cosines.
    The fallback is weaker (it cannot tell chance from topic) and says so in ``calibrated``."""
    shipped = load_calibration(model_id)
    if shipped is not None:
        return shipped
    means = {lang: v.mean(axis=0) for lang, v in vectors.items() if len(v)}
    pooled = np.concatenate([v for v in vectors.values() if len(v)])
    centred = pooled - pooled.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    sims = centred @ centred.T
    off_diagonal = sims[~np.eye(len(sims), dtype=bool)] if len(sims) > 1 else np.array([0.0])
    stats = (float(off_diagonal.mean()), float(off_diagonal.std() or 1.0))
    null = {(a, b): stats for a in means for b in means}
    return Calibration(model_id, means, null, calibrated=False)


def background_sentences(data_dir: Path, lang: str, limit: int, seed: int = 13) -> list[str]:
    """A fixed random sample of ``lang`` sentences (30–300 characters) from the data set."""
    found: list[str] = []
    for name in BACKGROUND[lang]:
        path = data_dir / name
        if not path.exists():
            raise FramingError(f"{path}: not found. Give the folder with --data.")
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("lang") != lang:
                    continue
                text = record["text"].replace("\r\n", "\n")
                found.extend(
                    s.text for s in split_sentences(text, lang) if 30 <= len(s.text) <= 300
                )
    random.Random(seed).shuffle(found)
    return found[:limit]


def calibrate(embedder: Embedder, data_dir: Path) -> Calibration:
    """Measure language means and unrelated-pair statistics for ``embedder``."""
    vectors = {
        lang: embedder.encode(background_sentences(data_dir, lang, SENTENCES_PER_LANGUAGE))
        for lang in BACKGROUND
    }
    means = {lang: v.mean(axis=0) for lang, v in vectors.items()}
    provisional = Calibration(embedder.model_id, means, {})
    null: dict[tuple[str, str], tuple[float, float]] = {}
    for a, b in combinations_with_replacement(sorted(vectors), 2):
        half_a = provisional.centre(vectors[a][: len(vectors[a]) // 2], a)
        half_b = provisional.centre(vectors[b][len(vectors[b]) // 2 :], b)
        sims = half_a @ half_b.T
        null[(a, b)] = null[(b, a)] = (float(sims.mean()), float(sims.std()))
    return Calibration(embedder.model_id, means, null)


def save_calibration(calibration: Calibration) -> Path:
    path = calibration_path(calibration.model_id)
    path.write_text(json.dumps(calibration.as_json()) + "\n", "utf-8")
    return path
