"""The contextual loaded-wording detector: the shipped artifact, offsets, odd inputs, the
head's inputs, training end to end, and that run-time code never imports the lab."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from framing.cli.lab_loaded import train_detector_command
from framing.lab.detector_train import head_seeds, train_detector, training_settings
from framing.lab.loaded_data import is_test
from framing.text.morphology import word_spans
from framing.wording.detector import (
    LEXICON_DENSITY_FULL,
    RECALL,
    DetectorError,
    Suggestion,
    artifact_dir,
    beyond_lexicon,
    detect_loaded,
    head_inputs,
    load_model,
    own_seed_languages,
    sentence_ids,
    spans_from_tokens,
    text_kind,
    token_probabilities,
)
from framing.wording.token_states import load_encoder, pieces

from .conftest import ROOT

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


@pytest.mark.parametrize("name", ["deep", "quick", "shared"])
def test_artifact_is_small_data(name: str) -> None:
    folder = artifact_dir(name)
    size = sum(f.stat().st_size for f in Path(str(folder)).iterdir() if f.is_file())
    assert size < 30 * 2**20
    with folder.joinpath("head.npz").open("rb") as handle:
        np.load(handle, allow_pickle=False).close()  # plain arrays: loading runs no code
    thresholds = json.loads(folder.joinpath("thresholds.json").read_text("utf-8"))
    assert set(thresholds) == {"en", "ru", "uk"}
    for kinds in thresholds.values():
        assert set(kinds) == {"post", "article", RECALL}
        assert all(0 < v["extend"] <= v["seed"] < 1 for v in kinds.values())
        assert kinds["article"]["seed"] >= kinds["post"]["seed"]  # news: fewer, surer ones
        assert kinds[RECALL]["seed"] <= kinds["article"]["seed"]  # more suggestions: lower
    model = load_model(name)
    columns = 3 * 384 + 1 + 3 + 1 + 1
    if model.sequential:
        assert model.arrays["proj_w"].shape[0] == columns and model.config["max_words"] >= 8
    else:
        heads = model.config.get("heads", 1)  # a seed ensemble: a leading axis of K heads
        assert model.arrays["w1"].shape == (heads,) * (heads > 1) + (
            columns,
            model.config["hidden"],
        )
    assert 1 <= model.layer <= 12
    lexical = model.config.get("lexical")
    if lexical:  # the linear model over word features: one hashed weight vector a language
        for lang in model.languages:
            assert model.arrays[f"lexical_{lang}"].shape == (lexical["n_features"],)
            assert 0.0 < model.blend_weight(lang) <= 1.0
        assert model.arrays["lexical_bias"].shape == (len(model.languages),)


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_flags_loaded_wording(lang: str) -> None:
    found = detect_loaded(LOADED[lang], lang)
    assert found, LOADED[lang]
    assert_offsets(LOADED[lang], found)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_neutral_article_gets_no_suggestion(lang: str) -> None:
    # the neutral sentences, as a news article of several paragraphs: judged as an article
    text = "\n\n".join([NEUTRAL[lang]] * 40)
    assert detect_loaded(text, lang) == []


def test_the_detector_setting_chooses_the_artifact(monkeypatch: pytest.MonkeyPatch) -> None:
    """``deep`` by default; FRAMING_DETECTOR (what ``--detector`` sets) picks another; an
    unknown name says which exist. Each reads its own layer, and analyses cached with one are
    stale for the other (the fingerprint differs)."""
    from framing.wording import detector

    monkeypatch.delenv("FRAMING_DETECTOR", raising=False)
    deep, fingerprint = load_model(), detector.detector_fingerprint()
    assert detector.variant() == "deep" and deep is load_model("deep")
    monkeypatch.setenv("FRAMING_DETECTOR", "quick")
    assert detector.variant() == "quick" and load_model() is load_model("quick")
    assert (load_model().layer, deep.layer) == (4, 8)
    assert detector.detector_fingerprint() != fingerprint
    monkeypatch.setenv("FRAMING_DETECTOR", "huge")
    with pytest.raises(DetectorError, match="No detector 'huge'.*'deep', 'quick'"):
        load_model()
    # the alignment word score keeps its recipe whichever detector highlights use
    assert load_model(detector.ALIGNMENT_DETECTOR).encoder == deep.encoder


def test_text_kind() -> None:
    assert text_kind(150, 150) == "post" and text_kind(151, 150) == "article"


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


def test_a_long_unbroken_text_is_read_in_windows() -> None:
    text = " ".join(["проклятые бандеровские каратели"] * 200)  # 600 words, no sentence end
    tokens = word_spans(text)
    parts = pieces(text, tokens)
    assert len(parts) == 5 and parts[-1][3] == len(tokens)
    assert_offsets(text, detect_loaded(text, "ru"))
    states = load_encoder(load_model().encoder).word_states(text, tokens)[0]
    # each window was encoded, the last one too (a window's words past MAX_TOKENS subwords
    # keep a zero state: 120 words of long Russian words run over 256 subwords)
    assert all(np.abs(states[first]).sum() > 0 for _, _, first, _ in parts)


def test_bad_language_or_type_says_how_to_fix() -> None:
    with pytest.raises(DetectorError, match="use one of"):
        detect_loaded("text", "de")
    with pytest.raises(DetectorError, match="needs a str"):
        detect_loaded(b"bytes", "en")  # type: ignore[arg-type]


def test_runs_stop_at_sentence_ends_and_line_breaks() -> None:
    text = "evil liars. brutal thugs\nvile"
    tokens = word_spans(text)
    found = spans_from_tokens(text, tokens, [0.9] * len(tokens), 0.5)
    assert [s.text for s in found] == ["evil liars", "brutal thugs", "vile"]
    assert [s.confidence for s in found] == [0.9, 0.9, 0.9]
    assert spans_from_tokens(text, tokens, [0.4] * 5, 0.5) == []


def test_a_sure_word_carries_its_less_sure_neighbours() -> None:
    # hysteresis: a run above the extend bar is suggested when one word reaches the seed
    # bar; a run without such a word is not, and the run still stops at a sentence end
    text = "the evil corrupt regime said. vile thugs came"
    tokens = word_spans(text)
    probs = [0.1, 0.6, 0.9, 0.6, 0.1, 0.6, 0.6, 0.1]
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.5)
    assert [s.text for s in found] == ["evil corrupt regime"]
    assert found[0].confidence == 0.7
    assert [s.text for s in spans_from_tokens(text, tokens, probs, 0.8)] == ["corrupt"]
    probs[4] = 0.9  # "said" is sure now; "vile thugs" lies past the sentence end
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.5)
    assert [s.text for s in found] == ["evil corrupt regime said"]


def test_close_runs_of_one_sentence_become_one_suggestion() -> None:
    # bridging: two runs at most `bridge` words apart become one, never across a sentence end
    text = "lying and cynical claims of the liars. cruel lies"
    tokens = word_spans(text)
    probs = [0.9, 0.1, 0.9, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9]
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.8)
    assert [s.text for s in found] == ["lying", "cynical", "liars", "cruel lies"]
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.8, bridge=1)
    assert [s.text for s in found] == ["lying and cynical", "liars", "cruel lies"]
    assert found[0].confidence == round((0.9 + 0.1 + 0.9) / 3, 3)  # all its words
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.8, bridge=3)
    assert [s.text for s in found] == ["lying and cynical claims of the liars", "cruel lies"]


def test_head_inputs_see_neighbours_in_the_sentence_only() -> None:
    text = "Evil regime. Good news"
    tokens = word_spans(text)
    sentence = sentence_ids(text, tokens)
    assert sentence.tolist() == [0, 0, 1, 1]
    states = np.arange(4, dtype=np.float32)[:, None] * np.ones((4, 2), dtype=np.float32)
    lexicon = np.array([0, 1, 0, 0], dtype=np.float32)
    rows = head_inputs(states, sentence, lexicon, "ru", ["en", "ru", "uk"])
    assert rows.shape == (4, 2 + 2 + 1 + 3 + 1 + 2 + 1)
    assert rows[:, 2].tolist() == [1.0, 0.0, 3.0, 2.0]  # "regime" never sees "Good"
    assert rows[:, 4].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert rows[:, 5:8].tolist() == [[0.0, 1.0, 0.0]] * 4
    assert 0 < rows[0, 8] < 1 and len(set(rows[:, 8].tolist())) == 1
    # the document: every word sees the mean state of all words and the lexicon's share
    assert rows[:, 9:11].tolist() == [[1.5, 1.5]] * 4
    assert rows[:, 11].tolist() == [1.0] * 4  # 1 hit in 4 words: past the saturation
    quiet = head_inputs(states, sentence, np.zeros(4, np.float32), "ru", ["en", "ru", "uk"])
    assert quiet[:, 11].tolist() == [0.0] * 4
    sparse = np.zeros(100, np.float32)
    sparse[0] = 1.0
    one_in_100 = head_inputs(np.zeros((100, 2), np.float32), np.zeros(100), sparse, "ru", ["ru"])
    assert one_in_100[0, -1] == pytest.approx(0.01 / LEXICON_DENSITY_FULL)
    # a head whose document feature reads another layer: that layer's mean, nothing else moves
    lower = np.full((4, 2), 7.0, np.float32)
    other = head_inputs(states, sentence, lexicon, "ru", ["en", "ru", "uk"], lower)
    assert other[:, 9:11].tolist() == [[7.0, 7.0]] * 4
    assert np.array_equal(np.delete(other, [9, 10], 1), np.delete(rows, [9, 10], 1))
    with pytest.raises(DetectorError, match="one state per word"):
        head_inputs(states, sentence, lexicon, "ru", ["en", "ru", "uk"], lower[:3])


def test_a_head_with_a_lower_document_layer_reads_both_layers() -> None:
    """A head whose document feature reads layer 4 (``document_layer``) is given the states
    of layers 8 and 4 of one pass; handed layer 8 alone it refuses, rather than read the
    wrong document feature."""
    from framing.wording.detector import Model, layer_states, token_probabilities

    deep = load_model("deep")
    model = Model({**deep.config, "document_layer": 4}, deep.arrays, deep.thresholds)
    assert model.state_layers == [8, 4] and deep.state_layers == [8]
    text = "The corrupt regime's thugs crushed the protest. The council met on Tuesday."
    tokens = word_spans(text)
    both = layer_states(text, "en", tokens, model)
    assert both.shape == (2, len(tokens), 384)
    with pytest.raises(DetectorError, match="document feature reads layer 4"):
        token_probabilities(text, "en", model, None, both[0])
    _, got = token_probabilities(text, "en", model, None, both)
    _, own = token_probabilities(text, "en", model)  # its own pass: the same two layers
    assert np.array_equal(got, own)
    _, shipped = token_probabilities(text, "en", deep, None, both[0])
    assert not np.array_equal(got, shipped)  # the document feature moved


def test_suggestions_beyond_the_lexicon() -> None:
    text = "evil lying regime, again"
    found = [Suggestion(0, 17, "evil lying regime", 0.9), Suggestion(19, 24, "again", 0.8)]
    assert beyond_lexicon(found, [], text) == found
    # the lexicon explains "lying": the suggestion keeps the words around it
    assert beyond_lexicon(found, [(5, 10)], text) == [
        Suggestion(0, 4, "evil", 0.9),
        Suggestion(11, 17, "regime", 0.9),
        Suggestion(19, 24, "again", 0.8),
    ]
    assert beyond_lexicon(found, [(0, 24)], text) == []
    # a piece left of only function words is not shown on its own: «и» between two hits,
    # "as" beside one; a whole suggestion is not cut, and keeps them
    ru = "голословными и хамскими обвинениями"
    around = [Suggestion(0, len(ru), ru, 0.9)]
    assert beyond_lexicon(around, [(0, 12), (15, 23)], ru, "ru") == [
        Suggestion(24, len(ru), "обвинениями", 0.9)
    ]
    en = "dismissed as absurd"
    assert beyond_lexicon([Suggestion(10, 19, "as absurd", 0.8)], [(13, 19)], en, "en") == []
    assert beyond_lexicon([Suggestion(10, 12, "as", 0.8)], [], en, "en") == [
        Suggestion(10, 12, "as", 0.8)
    ]


def test_a_piece_beside_a_lexicon_hit_needs_a_seed_word_of_its_own() -> None:
    """Session 17 (fresh page 422): «бункерний дід» (a lexicon hit) was the seed of the run
    «разу бункерний дід мав»; «разу» and «мав» only reached the extend bar beside it, and
    shown alone they were what a reader counted wrong (17 of 18 such pieces on the dev
    pages). A piece with a seed word of its own stays; a suggestion no hit cuts is whole."""
    text = "Водночас цього разу бункерний дід мав ще дивніший вигляд"
    tokens = word_spans(text)
    probs = [0.1, 0.1, 0.7, 0.95, 0.95, 0.7, 0.1, 0.1, 0.1]
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.6)
    assert [s.text for s in found] == ["разу бункерний дід мав"]
    assert found[0].seeds == (tokens[3], tokens[4])
    hit = [(text.index("бункерний"), text.index(" мав"))]
    assert beyond_lexicon(found, hit, text, "uk") == []
    kept = beyond_lexicon(found, hit, text, "uk", own_seed=False)
    assert [s.text for s in kept] == ["разу", "мав"]
    probs[5] = 0.85  # «мав» is a seed word now: its piece stays, with its seed
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.6)
    shown = beyond_lexicon(found, hit, text, "uk")
    assert [(s.text, s.seeds) for s in shown] == [("мав", (tokens[5],))]
    assert beyond_lexicon(found, [], text, "uk") == found
    # the languages are data (data/suggestions.yaml); a post, read whole (no language
    # given), has no gate
    assert "uk" in own_seed_languages()
    probs[5] = 0.7
    found = spans_from_tokens(text, tokens, probs, 0.8, 0.6)
    assert [s.text for s in beyond_lexicon(found, hit, text)] == ["разу", "мав"]


def test_a_suggestion_inside_a_speakers_quotation_is_marked_quoting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Session 17: a suggestion on words a quoted speaker says is shown as a lexicon hit
    there is, "quoting a speaker" (the lexicon's note, its confidence times the quoted
    factor), so that a reader and the counts keep it apart from the outlet's own voice;
    one in the outlet's voice keeps no note. The score record carries the note."""
    from framing.scoring import HIGHLIGHT_FIELDS
    from framing.wording import detector
    from framing.wording.lexicon import quoted_mark
    from framing.wording.profile import ArticleText, highlights

    text = (
        "Песков уточнил:\n«Это большая провокация киевских властей и их хозяев». "
        "Журналисты сочли его слова большой глупостью."
    )
    quoted, own = text.index("большая"), text.index("большой")
    fake = [
        Suggestion(quoted, quoted + 7, "большая", 0.9, ((quoted, quoted + 7),)),
        Suggestion(own, own + 7, "большой", 0.8, ((own, own + 7),)),
    ]
    monkeypatch.setattr(detector, "detect_loaded", lambda *args, **kwargs: fake)
    shown = [h for h in highlights(ArticleText(text, [], "ru")) if h["source"] == "model"]
    factor, note = quoted_mark("ru")
    # each shown widened to its phrase (framing/wording/phrase_completion.py), the quoted
    # one no further than its quotation
    assert [(h["text"], h["note"], h["confidence"]) for h in shown] == [
        ("большая провокация киевских властей", note, round(0.9 * factor, 3)),
        ("большой глупостью", "", 0.8),
    ]
    assert "note" in HIGHLIGHT_FIELDS


def test_run_time_code_never_imports_the_lab() -> None:
    code = (
        "import sys\n"
        "from framing.scoring import score_one\n"
        "from framing.wording.detector import detect_loaded\n"
        "detect_loaded('Киевский режим снова лжёт.', 'ru')\n"
        "import webapp\n"
        "print(sorted(m for m in sys.modules if m.startswith('framing.lab')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --- training, end to end on a tiny synthetic data set -------------------------------------------


def _tiny_data(folder: Path) -> Path:
    """Thirty short records per training set, loaded words marked, fake ids."""
    loaded = {"en": "vile thugs", "ru": "гнусные бандиты", "uk": "мерзенні бандити"}
    plain = {"en": "the city council met", "ru": "городской совет собрался",
             "uk": "міська рада зібралася"}  # fmt: skip
    files = {"ptc2020_en.jsonl": ["en"], "semeval2023_ru.jsonl": ["ru"],
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


@pytest.mark.parametrize("head", ["mlp", "gru"])
def test_train_detector_writes_a_loadable_artifact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: str
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "cache"))  # the state cache goes there
    data = _tiny_data(tmp_path)
    out = tmp_path / "artifact"
    messages: list[str] = []
    every = {"en": ["ptc2020_en"], "ru": ["semeval2023_ru", "unlp2025"], "uk": ["unlp2025"]}
    gru = {"project": 16, "hidden": 8, "dropout": 0.1, "lr": 0.01, "epochs": 8,
           "batch_words": 64, "max_words": 4, "threads": 1}  # fmt: skip
    overrides = {
        "head": head,
        "gru": gru,
        "epochs": 2,
        "hidden": 16,
        "max_records": {},
        "post_max_words": 0,  # every tiny record counts as an article
        "select_on": {"post": {"en": [], "ru": [], "uk": []}, "article": every},
        "fallback": {lang: {"post": [lang, "article"]} for lang in every},
        # the MLP run reads its document feature from layer 4 (training.json's option,
        # measured in issue 13's session 20 and not shipped); the GRU run from its own layer
        **({"document_layer": 4} if head == "mlp" else {}),
        # the MLP run trains a seed ensemble of two heads (training.json's head_seeds)
        "head_seeds": [13, 14] if head == "mlp" else None,
    }
    report = train_detector(data, out, progress=messages.append, overrides=overrides)
    assert report["written"] == str(out) and messages
    assert set(report["languages"]) == {"en", "ru", "uk"}
    ru_train = [n for n in range(30) if not is_test(f"semeval2023_ru.jsonl-{n}")]
    ru_train += [n for n in range(1, 30, 2) if not is_test(f"unlp2025_uk_ru.jsonl-{n}")]
    assert report["languages"]["ru"]["records"] == len(ru_train)  # the train split only
    names = ["config.json", "head.npz", "thresholds.json", "training_report.json"]
    assert sorted(p.name for p in out.iterdir()) == names
    written = json.loads((out / "training_report.json").read_text("utf-8"))
    assert written["languages"] == report["languages"]
    first, width = ("w1", 16) if head == "mlp" else ("proj_w", 16)
    with np.load(out / "head.npz", allow_pickle=False) as arrays:
        assert arrays[first].dtype == np.float16 and arrays[first].shape[-1] == width
    heads = len(head_seeds({**training_settings(), **overrides}))
    assert json.loads((out / "config.json").read_text("utf-8")).get("heads", 1) == heads
    assert heads == (2 if head == "mlp" else 1)
    assert written["settings"]["head_seeds"] == overrides["head_seeds"]  # the report says so
    config = json.loads((out / "config.json").read_text("utf-8"))
    assert config["head"] == head and config.get("max_words", 4) == 4
    # the training data's loaded words score above its plain words (cross-validated)
    assert report["languages"]["ru"]["cross_validated_articles"]["semeval2023_ru"]["f1"] > 0.5
    assert list((tmp_path / "cache").glob("framing-detector-states/*.npy"))  # states cached
    # the document feature's layer as the settings name it (none: the head's own, no key)
    settings = {**training_settings(), **overrides}
    document = settings.get("document_layer") or settings["layer"]
    assert config.get("document_layer", config["layer"]) == document
    assert ("document_layer" in config) == (head == "mlp")
    from framing.wording.detector import Model

    assert Model(config, {}, {}).state_layers == ([8, 4] if head == "mlp" else [8])


def test_train_detector_without_data_says_how_to_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(train_detector_command, ["--data", str(tmp_path), "-s"])
    assert result.exit_code == 1
    assert "Pass --data with the folder holding" in result.output


def test_stale_or_broken_artifact_says_how_to_fix(artifact_copy: Path) -> None:
    config = json.loads((artifact_copy / "config.json").read_text("utf-8"))
    (artifact_copy / "config.json").write_text(json.dumps({**config, "feature_version": 0}))
    with pytest.raises(DetectorError, match="Retrain it with `framing train-detector`"):
        load_model()
    (artifact_copy / "config.json").write_text(json.dumps(config))
    kinds = dict.fromkeys(("post", "article", RECALL), {"seed": 0.5, "extend": 0.3})
    upside_down = {**kinds, "post": {"seed": 0.3, "extend": 0.5}}  # extend above seed
    bad = {"en": kinds, "ru": 0.5, "uk": upside_down}
    (artifact_copy / "thresholds.json").write_text(json.dumps(bad))
    with pytest.raises(DetectorError, match=r"no threshold for \['ru', 'uk'\]"):
        load_model()
    old = {"en": kinds, "ru": kinds, "uk": dict.fromkeys(kinds, 0.5)}  # before the pairs
    (artifact_copy / "thresholds.json").write_text(json.dumps(old))
    with pytest.raises(DetectorError, match=r"no threshold for \['uk'\]"):
        load_model()
    (artifact_copy / "thresholds.json").write_text(json.dumps(dict.fromkeys(LOADED, kinds)))
    (artifact_copy / "head.npz").write_bytes(b"not an npz")
    with pytest.raises(DetectorError, match="Cannot read the detector head"):
        load_model()
    (artifact_copy / "thresholds.json").unlink()
    with pytest.raises(DetectorError, match="Rebuild it with `framing train-detector"):
        load_model()


def test_a_caller_can_say_the_text_is_an_article() -> None:
    # a short text is judged as a post by its length; a caller holding a news report says
    # so and gets the article threshold (higher: fewer, surer suggestions)
    text = LOADED["ru"] + " " + NEUTRAL["ru"]
    model = load_model()
    assert model.thresholds["ru"]["article"].seed > model.thresholds["ru"]["post"].seed
    tokens, probs = token_probabilities(text, "ru")
    as_post = detect_loaded(text, "ru")
    as_article = detect_loaded(text, "ru", kind="article")
    assert as_post == detect_loaded(text, "ru", kind="post")
    cut = model.thresholds["ru"]["article"]
    assert as_article == spans_from_tokens(text, tokens, probs, cut.seed, cut.extend, cut.bridge)
    with pytest.raises(DetectorError, match="No text kind"):
        detect_loaded(text, "ru", kind="tweet")


def test_more_suggestions_read_an_article_at_the_recall_threshold() -> None:
    # the research mode lowers the article bar only; a post keeps its own threshold
    text = LOADED["ru"] + " " + NEUTRAL["ru"]
    model = load_model()
    tokens, probs = token_probabilities(text, "ru")
    more = detect_loaded(text, "ru", kind="article", recall=True)
    cut = model.thresholds["ru"][RECALL]
    assert more == spans_from_tokens(text, tokens, probs, cut.seed, cut.extend, cut.bridge)
    assert detect_loaded(text, "ru", kind="post", recall=True) == detect_loaded(text, "ru", "post")
    assert model.threshold("ru", 1000, recall=True) == model.thresholds["ru"][RECALL]
    assert model.threshold("ru", 1000) == model.thresholds["ru"]["article"]
    assert model.threshold("ru", 10, recall=True) == model.thresholds["ru"]["post"]


def test_score_reads_every_input_as_an_article() -> None:
    from framing.wording.profile import ArticleText, highlights

    text = LOADED["uk"] + " " + NEUTRAL["uk"]  # a few words: a post by its length
    article = ArticleText(text, [], "uk")
    shown = [(h["start"], h["end"]) for h in highlights(article) if h["source"] == "model"]
    taken = [(h["start"], h["end"]) for h in highlights(article) if h["source"] != "model"]
    expected = beyond_lexicon(detect_loaded(text, "uk", kind="article"), taken, text)
    assert shown == [(s.start, s.end) for s in expected]


def test_article_threshold_keeps_a_precision_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    from framing.lab import detector_train

    table = {0.4: (0.30, 0.60), 0.6: (0.45, 0.40), 0.8: (0.62, 0.15), 0.9: (0.70, 0.05)}

    def fake_score(examples, probs, threshold):
        p, r = table[threshold]
        return {"ptc2020_en": {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}}

    monkeypatch.setattr(detector_train, "score", fake_score)
    choose = detector_train.choose_threshold
    grid, wanted = list(table), ["ptc2020_en"]
    assert choose([], [], grid, wanted, 0.5)[0] == 0.6  # best F0.5 without a floor
    assert choose([], [], grid, wanted, 0.5, 0.6)[0] == 0.8  # best F0.5 above the floor
    assert choose([], [], grid, wanted, 0.5, 0.9)[0] == 0.9  # none reaches it: most precise


def test_real_news_pages_are_not_flooded_with_suggestions() -> None:
    # independent real reports of 2025 (tests/gold/real_articles), 78-263 words each: read as
    # posts they got 10-20 suggestions a page, most of them wrong (issue 13's hand check)
    from framing.wording.profile import ArticleText, highlights

    pages = sorted((ROOT / "tests" / "gold" / "real_articles").glob("*.json"))
    assert len(pages) >= 15
    for page in pages:
        record = json.loads(page.read_text("utf-8"))
        article = ArticleText(record["text"], [], record["lang"])
        suggested = [h["text"] for h in highlights(article) if h["source"] == "model"]
        assert len(suggested) <= 2, (page.name, suggested)


def test_the_layer_comparison_writes_what_train_detector_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``framing.lab.detector_layers`` cross-validates several layers from one pass; the
    artifact it writes for a layer is the one ``train_detector`` writes with that layer."""
    from framing.lab.detector_layers import compare

    monkeypatch.setenv("TMPDIR", str(tmp_path / "cache"))
    data = _tiny_data(tmp_path)
    every = {"en": ["ptc2020_en"], "ru": ["semeval2023_ru", "unlp2025"], "uk": ["unlp2025"]}
    overrides = {
        "epochs": 2,
        "hidden": 16,
        "max_records": {},
        "post_max_words": 0,
        "select_on": {"post": {"en": [], "ru": [], "uk": []}, "article": every},
        "fallback": {lang: {"post": [lang, "article"]} for lang in every},
        "lexical": {**training_settings()["lexical"], "weights": [1.0, 0.5]},
        "document_layer": None,  # each layer's own mean (training.json's 4 is not cached here)
    }
    encoder = load_model().encoder
    found = compare(data, encoder, [2, 3], tmp_path / "layers", lambda m: None, overrides)
    assert [f["layer"] for f in found] == [2, 3]
    heads = [(tmp_path / "layers" / f"L{k}" / "head.npz").read_bytes() for k in (2, 3)]
    assert heads[0] != heads[1]  # two layers, two heads
    assert found[1]["ru"]["cross_validated_articles"]["semeval2023_ru"]["f1"] > 0.5
    out = tmp_path / "direct"
    train_detector(
        data,
        out,
        overrides={**overrides, "layer": 3, "cache_layers": [2, 3], "states_encoder": encoder},
    )
    for name in ["config.json", "head.npz", "thresholds.json"]:
        assert (out / name).read_bytes() == (tmp_path / "layers" / "L3" / name).read_bytes()
