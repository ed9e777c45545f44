"""The learned loaded-wording detector: the shipped artifact, offsets, odd inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from framing.cli.lab_loaded import train_detector_command
from framing.lab.detector_train import train_detector
from framing.lab.loaded_data import is_test
from framing.wording.detector import (
    DetectorError,
    Suggestion,
    artifact_dir,
    detect_loaded,
    load_model,
    spans_from_tokens,
    token_features,
)

LOADED = {
    "en": "The corrupt regime's thugs brutally crushed the peaceful protesters.",
    "ru": "Киевский режим и его неонацистские марионетки устроили кровавую бойню.",
    "uk": "Кремлівські окупанти та їхні посіпаки влаштували жахливу бойню.",
}
NEUTRAL = {
    "en": "The committee will meet on Tuesday to discuss the budget.",
    "ru": "Комитет соберется во вторник, чтобы обсудить бюджет.",
    "uk": "Комітет збереться у вівторок, щоб обговорити бюджет.",
}


def assert_offsets(text: str, found: list[Suggestion]) -> None:
    for s in found:
        assert text[s.start : s.end] == s.text and s.text.strip() == s.text
        assert 0.0 <= s.confidence <= 1.0
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_artifact_is_small_data() -> None:
    folder = artifact_dir()
    size = sum(folder.joinpath(n).stat().st_size for n in ("weights.npz", "config.json"))
    assert size < 5 * 2**20
    with folder.joinpath("weights.npz").open("rb") as handle:
        np.load(handle, allow_pickle=False).close()  # plain arrays: loading runs no code
    thresholds = json.loads(folder.joinpath("thresholds.json").read_text("utf-8"))
    assert set(thresholds) == {"en", "ru", "uk"}
    assert all(0 < value < 1 for value in thresholds.values())
    model = load_model()
    assert set(model.weights) == {"en", "ru", "uk"}


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_flags_loaded_wording_not_a_neutral_sentence(lang: str) -> None:
    found = detect_loaded(LOADED[lang], lang)
    assert found, LOADED[lang]
    assert_offsets(LOADED[lang], found)
    assert detect_loaded(NEUTRAL[lang], lang) == []


def test_offsets_index_the_text_as_given() -> None:
    text = "Intro line.\r\n\r\n  «Нацисты» и каратели снова обстреляли город!\r\nКонец."
    found = detect_loaded(text, "ru")
    assert_offsets(text, found)
    assert found and all("\n" not in s.text for s in found)


@pytest.mark.parametrize("text", ["", " ", "\r\n\r\n", "!!! ???", "🙂🙂", "12 345", "a"])
@pytest.mark.parametrize("lang", ["en", "uk"])
def test_empty_and_odd_inputs(text: str, lang: str) -> None:
    found = detect_loaded(text, lang)
    assert isinstance(found, list)
    assert_offsets(text, found)


def test_bad_language_or_type_says_how_to_fix() -> None:
    with pytest.raises(DetectorError, match="use one of"):
        detect_loaded("text", "de")
    with pytest.raises(DetectorError, match="needs a str"):
        detect_loaded(b"bytes", "en")  # type: ignore[arg-type]


def test_runs_stop_at_sentence_ends_and_line_breaks() -> None:
    text = "evil liars. brutal thugs\nvile"
    features = token_features(text, "en")
    found = spans_from_tokens(text, features.tokens, [0.9] * len(features.tokens), 0.5)
    assert [s.text for s in found] == ["evil liars", "brutal thugs", "vile"]
    assert [s.confidence for s in found] == [0.9, 0.9, 0.9]
    assert spans_from_tokens(text, features.tokens, [0.4] * 5, 0.5) == []


def test_features_see_the_lexicon_and_quotes() -> None:
    features = token_features('They call them "liberators". Evil regime.', "en")
    words = ["they", "call", "them", "liberators", "evil", "regime"]
    names = dict(zip(words, features.names, strict=True))
    assert "qs" in names["liberators"]
    assert any(name.startswith("lexcat:") for name in names["liberators"])
    assert "w:evil" in names["evil"] and "bos" in names["evil"]
    assert features.sentence == [0, 0, 0, 0, 1, 1]


# --- training, end to end on a tiny synthetic data set -------------------------------------------


def _tiny_data(folder: Path) -> Path:
    """Thirty short records per training set, loaded words marked, fake ids."""
    loaded = {"en": "vile thugs", "ru": "гнусные бандиты", "uk": "мерзенні бандити"}
    plain = {"en": "the city council met", "ru": "городской совет собрался",
             "uk": "міська рада зібралася"}  # fmt: skip
    files = {"semeval2023_en.jsonl": ["en"], "semeval2023_ru.jsonl": ["ru"],
             "unlp2025_uk_ru.jsonl": ["uk", "ru"]}  # fmt: skip
    for name, langs in files.items():
        lines = []
        for n in range(30):
            lang = langs[n % len(langs)]
            text = f"{plain[lang]} {n}. {loaded[lang]} {plain[lang]}."
            start = text.index(loaded[lang])
            end = start + len(loaded[lang])
            if name.startswith("unlp"):
                record = {"id": f"{name}-{n}", "lang": lang, "text": text, "manipulative": True,
                          "techniques": ["loaded_language"], "spans": [[start, end]]}  # fmt: skip
            else:
                span = {"technique": "Loaded_Language", "start": start, "end": end}
                record = {"id": f"{name}-{n}", "lang": lang, "text": text, "spans": [span]}
            lines.append(json.dumps(record, ensure_ascii=False))
        (folder / name).write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def test_train_detector_writes_a_loadable_artifact(tmp_path: Path) -> None:
    data = _tiny_data(tmp_path)
    out = tmp_path / "artifact"
    messages: list[str] = []
    report = train_detector(data, out, progress=messages.append, overrides={"n_features": 4096})
    assert report["written"] == str(out) and messages
    assert set(report["languages"]) == {"en", "ru", "uk"}
    ru_train = [n for n in range(30) if not is_test(f"semeval2023_ru.jsonl-{n}")]
    ru_train += [n for n in range(1, 30, 2) if not is_test(f"unlp2025_uk_ru.jsonl-{n}")]
    assert report["languages"]["ru"]["records"] == len(ru_train)  # the train split only
    assert sorted(p.name for p in out.iterdir()) == [
        "config.json",
        "thresholds.json",
        "weights.npz",
    ]
    with np.load(out / "weights.npz", allow_pickle=False) as arrays:
        assert arrays["en_weights"].dtype == np.int8
        assert arrays["en_weights"].shape == (4096,)


def test_train_detector_without_data_says_how_to_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(train_detector_command, ["--data", str(tmp_path), "-s"])
    assert result.exit_code == 1
    assert "Pass --data with the folder holding" in result.output


@pytest.fixture
def artifact_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A private copy of the shipped artifact that load_model reads instead."""
    import shutil

    from framing.wording import detector

    folder = tmp_path / "detector"
    shutil.copytree(Path(str(artifact_dir())), folder)
    monkeypatch.setattr(detector, "artifact_dir", lambda: folder)
    load_model.cache_clear()
    yield folder
    load_model.cache_clear()


def test_stale_or_broken_artifact_says_how_to_fix(artifact_copy: Path) -> None:
    config = json.loads((artifact_copy / "config.json").read_text("utf-8"))
    (artifact_copy / "config.json").write_text(json.dumps({**config, "feature_version": 0}))
    with pytest.raises(DetectorError, match="Retrain it with `framing train-detector`"):
        load_model()
    (artifact_copy / "config.json").write_text(json.dumps(config))
    (artifact_copy / "thresholds.json").write_text('{"en": 0.5}')
    with pytest.raises(DetectorError, match=r"no threshold for \['ru', 'uk'\]"):
        load_model()
    (artifact_copy / "thresholds.json").unlink()
    with pytest.raises(DetectorError, match="Rebuild it with `framing train-detector"):
        load_model()
