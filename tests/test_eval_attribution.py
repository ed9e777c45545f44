"""framing eval-attribution: the matching rules, the gold's checks, and the attribution
rules' floors on the two hand-made golds (tests/quality_floors.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.errors import FramingError
from framing.lab.eval_attribution import (
    UNNAMED,
    evaluate_attribution,
    match_sentence,
    read_gold,
    same_source,
)

from .conftest import ROOT

GOLD = ROOT / "tests" / "gold"
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text("utf-8"))


@pytest.mark.parametrize(
    ("accepted", "found", "same"),
    [
        ("Песков", "песков", True),
        ("ФСИН", "управление ФСИН России", True),  # an acronym inside the whole name
        ("Post", "washington_post", True),
        ("UN", "Ukrainian leader", False),  # too short to be found inside another name
        (UNNAMED, UNNAMED, True),
        (UNNAMED, "spokesperson", False),
        ("Peskov", "Kremlin", False),
    ],
)
def test_same_source(accepted: str, found: str, same: bool) -> None:
    assert same_source(accepted, found) is same


def test_match_sentence_counts_each_found_source_once() -> None:
    gold = [("Песков", "Пєсков"), ("washington_post", "The Washington Post")]
    assert match_sentence(gold, ["Песков", "Песков"]) == (1, 0, 1)  # one speaker, twice
    assert match_sentence(gold[:1], ["Песков", "bbc"]) == (1, 1, 0)
    assert match_sentence(gold, ["washington_post", "Пєсков"]) == (2, 0, 0)
    assert match_sentence([], [UNNAMED]) == (0, 1, 0)


def _gold(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "gold.yaml"
    path.write_text(body, "utf-8")
    return path


def test_a_gold_must_list_every_sentence_from_zero(tmp_path: Path) -> None:
    path = _gold(tmp_path, 'articles:\n  "101":\n    1: {starts: "X", sources: []}\n')
    with pytest.raises(FramingError, match="article 101 must list sentences 0 to n-1"):
        read_gold(path)


def test_a_gold_sentence_needs_its_first_words(tmp_path: Path) -> None:
    path = _gold(tmp_path, 'articles:\n  "101":\n    0: {sources: [Песков]}\n')
    with pytest.raises(FramingError, match="sentence 0 has no 'starts'"):
        read_gold(path)


def test_a_moved_segmentation_is_an_error_naming_the_article(tmp_path: Path) -> None:
    path = _gold(
        tmp_path,
        'articles:\n  "211":\n'
        '    0: {starts: "Обвинения", sources: [Песков]}\n'
        '    1: {starts: "Это не то предложение", sources: [Песков]}\n'
        '    2: {starts: "16 февраля", sources: [ФСИН]}\n',
    )
    with pytest.raises(FramingError, match="article 211 sentence 1 starts"):
        evaluate_attribution([GOLD / "real_events_articles"], path)


@pytest.mark.parametrize(
    ("gold", "folder", "prefix"),
    [
        ("attribution_gold.yaml", "real_articles", "attribution"),
        ("attribution_holdout.yaml", "fresh_alignment_articles", "attribution_holdout"),
    ],
)
def test_attribution_floors(gold: str, folder: str, prefix: str) -> None:
    """Whom each sentence of real reports gives as its source, against hand annotation:
    the dev gold (19 reports, 2024) and a held-out one (11 reports, 2023)."""
    folders = [GOLD / folder, GOLD / "real_events_articles"]
    found = evaluate_attribution(folders, GOLD / gold)
    print(gold, json.dumps({k: v for k, v in found.items() if k != "errors"}))
    assert found["sources"]["f1"] >= FLOORS[f"{prefix}_sources_f1"]
    assert found["attributed"]["f1"] >= FLOORS[f"{prefix}_attributed_f1"]


def test_a_role_nobody_named_counts_as_unnamed() -> None:
    from framing.lab.eval_attribution import found_names
    from framing.text.segment import split_sentences
    from framing.wording.attribution import sentence_sources

    text = "Scholz informed Zelenskyy, the spokesperson said. Peskov said no."
    found = sentence_sources(split_sentences(text, "en"), "en")
    assert [found_names(s) for s in found] == [[UNNAMED], ["Peskov"]]


def test_the_command_prints_the_figures_and_names_a_moved_segmentation(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from framing.cli.main import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["eval-attribution", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["articles"] == 19 and found["sources"]["f1"] >= FLOORS["attribution_sources_f1"]
    bad = _gold(tmp_path, 'articles:\n  "211":\n    0: {starts: "Не то", sources: []}\n')
    result = runner.invoke(cli, ["eval-attribution", "--gold", str(bad)])
    assert result.exit_code == 1
    assert "article 211 now has 3 sentences, the gold 1" in result.output
