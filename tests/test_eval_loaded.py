"""The loaded-language measures on hand examples, the data split, and the quality gate:
figures on the held-out test fifth may not fall below tests/loaded_floors.json."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from framing.cli.lab_loaded import eval_loaded_command
from framing.lab.eval_loaded import evaluate, render_text, span_prf, token_prf
from framing.lab.loaded_data import (
    DataError,
    fold_of,
    is_test,
    merge_spans,
    read_set,
    token_labels,
)
from framing.text.morphology import word_spans

from .conftest import ROOT, SHARED, need_shared

DATA = SHARED / "data" / "loaded-language"
FLOORS = json.loads((ROOT / "tests" / "loaded_floors.json").read_text("utf-8"))
# Not a skipif: in CI a missing data folder fails the tests with the reason (need_shared).
needs_data = pytest.mark.usefixtures("loaded_data")


@pytest.fixture(scope="module")
def loaded_data() -> None:
    need_shared(DATA)


# --- the SemEval-2020 Task 11 span measure -----------------------------------------------------


def test_span_measure_partial_credit_by_overlap() -> None:
    # Document 1: a half-overlap (5 of 10 characters each way) and an exact match.
    # Document 2: a gold span nobody found.
    scores = span_prf(
        [
            ([(5, 15), (20, 30)], [(0, 10), (20, 30)]),
            ([], [(0, 4)]),
        ]
    )
    # P = (5/10 + 10/10) / 2 predicted = 0.75; R = (5/10 + 10/10 + 0) / 3 gold = 0.5
    assert scores["precision"] == pytest.approx(0.75)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["f1"] == pytest.approx(0.6)


def test_span_measure_sums_over_every_overlapped_span() -> None:
    # One predicted span covering two gold spans: P = 10/30 + 10/30, R = (1 + 1) / 2.
    scores = span_prf([([(0, 30)], [(0, 10), (20, 30)])])
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(1.0)
    assert scores["f1"] == pytest.approx(0.8)


def test_span_measure_merges_overlapping_spans_first() -> None:
    assert span_prf([([(0, 8), (4, 15)], [(0, 10), (5, 15)])]) == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    # Touching spans stay apart, as in the task scorer.
    assert merge_spans([(0, 5), (5, 9), (8, 12)]) == [(0, 5), (5, 12)]


def test_span_measure_edge_cases() -> None:
    assert span_prf([]) == {"precision": 0.0, "recall": 0.0, "f1": 1.0}
    assert span_prf([([(0, 3)], [])]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert span_prf([([], [(0, 3)])])["f1"] == 0.0
    assert span_prf([([(0, 3)], [(3, 6)])])["f1"] == 0.0  # adjacent is not overlapping


# --- the token measure ---------------------------------------------------------------------------


def test_token_measure_on_a_hand_example() -> None:
    text = "aa bb cc dd"
    assert word_spans(text) == [(0, 2), (3, 5), (6, 8), (9, 11)]
    # gold: bb cc; predicted: aa and one character of bb -> TP 1 (bb), FP 1 (aa), FN 1 (cc)
    scores = token_prf([(text, [(0, 4)], [(3, 8)])])
    assert scores == {"precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_token_measure_pools_counts_over_texts() -> None:
    pairs = [
        ("one two three", [(0, 13)], [(0, 7)]),  # TP 2, FP 1
        ("four five", [], [(5, 9)]),  # FN 1
        ("«six», seven!", [(0, 5)], []),  # FP 1; punctuation is not a token
    ]
    scores = token_prf(pairs)
    assert scores["precision"] == pytest.approx(2 / 4)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(4 / 7)
    assert token_prf([("no spans here", [], [])])["f1"] == 1.0
    assert token_prf([("", [], [])])["f1"] == 1.0


def test_token_labels_overlap_and_apostrophes() -> None:
    text = "don't say “traitors”, Mr. X"
    tokens = word_spans(text)
    assert [text[s:e] for s, e in tokens] == ["don't", "say", "traitors", "Mr", "X"]
    assert token_labels(tokens, [(11, 14)]) == [False, False, True, False, False]


# --- the data and the split ----------------------------------------------------------------------


def test_split_is_a_fixed_fifth_by_id() -> None:
    ids = [str(n) for n in range(5000)]
    share = sum(map(is_test, ids)) / len(ids)
    assert 0.18 < share < 0.22
    assert all((fold_of(i) == -1) == is_test(i) for i in ids)
    assert {fold_of(i) for i in ids} == {-1, 0, 1, 2, 3, 4}
    assert is_test("111111112") == is_test("111111112")


def test_missing_data_says_how_to_fix(tmp_path) -> None:
    with pytest.raises(DataError, match="Pass --data"):
        read_set(tmp_path, "semeval2023_en")
    with pytest.raises(DataError, match="Unknown data set"):
        read_set(tmp_path, "nope")


@needs_data
def test_gold_offsets_slice_the_raw_text() -> None:
    docs = read_set(DATA, "semeval2023_ru")
    assert any("\r\n" in doc.text for doc in docs)  # line ends kept, offsets count them
    for doc in docs:
        for start, end in doc.gold:
            piece = doc.text[start:end]
            assert piece.strip() and len(piece) == end - start


# --- the quality gate ----------------------------------------------------------------------------

LIMIT = FLOORS["limit_per_set_and_language"]


@pytest.fixture(scope="module")
def report() -> dict:
    # a fixed subsample of the test split (loaded_floors.json says how many records per set
    # and language): the detector reads every word through e5, and speed is measured in
    # benchmarks, not here
    need_shared(DATA)
    return evaluate(DATA, limit=LIMIT)


@needs_data
def test_evaluation_is_on_the_test_split(report: dict) -> None:
    print(render_text(report))
    assert report["split"] == "test" and "held-out" in report["note"]
    assert report["detector"] == "deep"
    assert all(row["records"] <= LIMIT for row in report["results"])


@pytest.fixture(scope="module")
def quick_report() -> dict:
    """The same subsample read by the quick detector (`--detector quick`)."""
    need_shared(DATA)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRAMING_DETECTOR", "quick")
        return evaluate(DATA, limit=LIMIT)


def _assert_floor(report: dict, key: str, floor: float) -> None:
    set_name, lang, system, measure = key.split(":")
    (row,) = [r for r in report["results"] if (r["set"], r["lang"]) == (set_name, lang)]
    assert row[system][measure] >= floor, (key, row[system])


@needs_data
@pytest.mark.parametrize("key", [k for k in FLOORS if ":" in k])
def test_quality_floor(report: dict, key: str) -> None:
    _assert_floor(report, key, FLOORS[key])


@needs_data
@pytest.mark.parametrize("key", list(FLOORS["quick"]))
def test_quick_detector_quality_floor(quick_report: dict, key: str) -> None:
    assert quick_report["detector"] == "quick"
    _assert_floor(quick_report, key, FLOORS["quick"][key])


@needs_data
def test_eval_loaded_command() -> None:
    args = ["--data", str(DATA), "--set", "semeval2023_ru", "--limit", "3"]
    result = CliRunner().invoke(eval_loaded_command, [*args, "--format", "text"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("Scored on the held-out test fifth")
    assert "semeval2023_ru" in result.output
    as_json = json.loads(CliRunner().invoke(eval_loaded_command, args).output)
    assert [row["records"] for row in as_json["results"]] == [3]
