"""Quote fidelity against hand labels (framing eval-quotes), and the two session-27 changes
the labels asked for: editors' notes left out of a quotation, and the clause of a longer
quotation that a shorter one renders (real e5 model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.alignment.quote_fidelity import quote_fidelity, speech_quotes
from framing.errors import FramingError
from framing.lab.eval_quotes import auc, evaluate_quotes, read_gold

from .conftest import ROOT

GOLD = ROOT / "tests" / "gold"
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text("utf-8"))
FOLDERS = [GOLD / "real_articles", GOLD / "real_events_articles", GOLD / "fresh_alignment_articles"]


def test_auc_counts_ties_as_half() -> None:
    assert auc([0.9, 0.5], [0.1]) == 1.0
    assert auc([0.5], [0.5, 0.9]) == 0.25
    assert auc([0.5], []) is None


def test_a_gold_pair_needs_its_keys_and_label(tmp_path: Path) -> None:
    path = tmp_path / "gold.yaml"
    path.write_text('pairs:\n  - {a: "101", b: "105", a_key: "X"}\n', "utf-8")
    with pytest.raises(FramingError, match="pair 1 has no b_key, faithful"):
        read_gold(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Він заявив, що "усе це (інформація західних ЗМІ – ред.) брехня абсолютна".',
            ["усе це", "брехня абсолютна"],
        ),
        ('He said "the president [Putin] will decide".', ["the president", "will decide"]),
        ('"Він (наступ - Ред.) захлинається", - наголосив він.', ["Він", "захлинається"]),
    ],
)
def test_an_editors_note_is_not_part_of_the_quotation(text: str, expected: list[str]) -> None:
    assert [text[s:e].strip() for s, e in speech_quotes(text)] == expected


def test_an_editors_note_does_not_make_a_faithful_quotation_unfaithful(model) -> None:
    """Fresh gold 511-512: compared with the note, «Все это ложь абсолютная» read 0.00."""
    ru = "«Все это ложь абсолютная», – заявил Песков."
    uk = 'Він заявив, що "усе це (інформація західних ЗМІ – ред.) брехня абсолютна".'
    found = quote_fidelity(ru, uk, model, "ru", "uk")
    assert found is not None and found.fidelity >= 0.8


def test_a_quotation_of_one_clause_is_compared_with_that_clause(model) -> None:
    """Real gold 103-105: «Це чиста вигадка» renders the second clause of "This is
    completely untrue; it's pure fiction." The word links missed it: fidelity 0.02."""
    uk = '"Це чиста вигадка.'
    en = '"This is completely untrue; it\'s pure fiction."'
    found = quote_fidelity(uk, en, model, "uk", "en")
    assert found is not None and found.fidelity >= 0.5
    assert found.part is not None and found.part["text"] == "it's pure fiction."


def test_quote_fidelity_floors(model) -> None:
    """70 labelled quotation pairs of the real dev and fresh golds (12 unfaithful)."""
    found = evaluate_quotes(FOLDERS, GOLD / "quote_fidelity_gold.yaml", model)
    print("quote fidelity:", json.dumps({k: v for k, v in found.items() if k != "rows"}))
    assert found["auc"] >= FLOORS["quote_fidelity_auc"]
    assert found["faithful_at_bar"] >= FLOORS["quote_fidelity_faithful_at_half"]
    assert found["unfaithful_at_bar"] <= FLOORS["quote_fidelity_unfaithful_at_half_max"]


def test_the_command_prints_the_figures() -> None:
    from click.testing import CliRunner

    from framing.cli.main import cli

    result = CliRunner().invoke(cli, ["eval-quotes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("all (70 pairs): 58 faithful, 12 not; AUC ")
    assert "  real: 38 faithful, 10 not" in result.output
