"""A scoring worker encodes the pieces of several articles in one pass of the detector's
encoder (``framing.scoring.score_many``, ``detector.states_together``): fuller batches, and
each article's records exactly as scored alone. That rests on the deep detector's OpenVINO
f32 runner giving a piece the same states, bit for bit, whatever else shares its batch and
however wide the batch is padded; the int8 graph (the quick detector) quantises each batch
with one scale, so its pieces keep their own batches."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.ingest import IngestOptions
from framing.scoring import score_many, score_one
from framing.text.readers import RawInput, read_inputs
from framing.wording.detector import load_model, states_together
from framing.wording.token_states import load_encoder

from .conftest import SEEDS

PIECES = [
    "Песков заявил, что Кремль не исключает контактов с Трампом до инаугурации.",
    "Зеленський провів нараду зі Ставкою.",
    "Short one.",
    "The regime's lies are crumbling under the weight of evidence, critics said on Monday, "
    "and officials condemned the shelling of civilian infrastructure as barbaric.",
    "«Никаких планов нет», — сказал он журналистам.",
]


def _pass(encoder, texts: list[str], group: list[int], width: int | None = None):
    """Each text of ``group`` (indices, repeats allowed) run in one batch, padded to
    ``width`` tokens (default: the longest), as the runner is called by the encoder."""
    ids = [encoder.tokenizer.encode(texts[k]).ids for k in group]
    wide = max(width or 0, *(len(row) for row in ids))
    batch = np.full((len(ids), wide), encoder.tokenizer.token_to_id("<pad>"), np.int64)
    mask = np.zeros_like(batch)
    for row, seq in enumerate(ids):
        batch[row, : len(seq)], mask[row, : len(seq)] = seq, 1
    hidden = encoder.runner.run(batch, mask, [encoder.layers])
    return [hidden[0, row, : len(seq)] for row, seq in enumerate(ids)]


def test_the_deep_runner_gives_a_piece_its_own_states_in_any_batch() -> None:
    encoder = load_encoder(load_model("deep").states_encoder)
    if not encoder.batch_invariant:
        pytest.skip("the deep detector's runner here does not claim batch invariance")
    alone = [_pass(encoder, PIECES, [k])[0] for k in range(len(PIECES))]
    # other texts beside it, another order, a wider padding, 37 rows (chunks 32 + 4 + 1)
    for group, width in [([0, 1, 2, 3, 4], None), ([4, 2, 0], 96), ([3, 1] * 18 + [2], None)]:
        for k, states in zip(group, _pass(encoder, PIECES, group, width), strict=True):
            assert np.array_equal(states, alone[k]), (group, k)
    # alone, padded to each of the runner's widths that holds it: a width under 16 tokens
    # gives other states (OpenVINO's kernels for short rows), so the widths start at 16
    for k, text in enumerate(PIECES):
        size = len(encoder.tokenizer.encode(text).ids)
        for width in [w for w in encoder.runner.widths if w >= size]:
            assert np.array_equal(_pass(encoder, PIECES, [k], width)[0], alone[k]), (k, width)


def test_the_int8_graph_s_states_follow_their_batch() -> None:
    """Why the quick detector's pieces are not batched across articles: its int8 graph
    quantises a batch's activations with one scale."""
    encoder = load_encoder(load_model("quick").states_encoder)
    assert not encoder.batch_invariant
    alone = _pass(encoder, PIECES, [2])[0]
    beside = _pass(encoder, PIECES, [2, 3])[0]
    assert not np.array_equal(alone, beside)


def _seeds() -> list[RawInput]:
    return [item for item in read_inputs([str(SEEDS)], 4 * 2**20) if isinstance(item, RawInput)]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shape of each pass of the deep detector's encoder."""
    runner = load_encoder(load_model("deep").states_encoder).runner
    seen: list[tuple[int, ...]] = []
    original = runner.run

    def counted(ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        seen.append(ids.shape)
        return original(ids, mask, layers)

    monkeypatch.setattr(runner, "run", counted)
    return seen


def test_articles_scored_together_equal_each_scored_alone(
    runs: list[tuple[int, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMING_DETECTOR", "deep")
    if not load_encoder(load_model("deep").states_encoder).batch_invariant:
        pytest.skip("the deep detector's runner here does not claim batch invariance")
    raws, options = _seeds(), IngestOptions().validate()
    assert len(raws) >= 3
    alone = [score_one(raw, options) for raw in raws]
    passes_alone = len(runs)
    runs.clear()
    together = score_many(raws, options)
    assert together == alone
    assert any(record["highlights"] for record in together)
    assert 0 < len(runs) < passes_alone  # the articles shared passes


def test_states_together_keeps_nothing_for_the_quick_detector(monkeypatch) -> None:
    monkeypatch.setenv("FRAMING_DETECTOR", "quick")
    with states_together([PIECES[0], PIECES[3]]) as kept:
        assert kept is False
    monkeypatch.setenv("FRAMING_DETECTOR", "deep")
    with states_together([PIECES[0]]) as kept:  # one text: nothing to share
        assert kept is False


@pytest.mark.parametrize("together", ["1", "3"])
def test_the_size_of_a_worker_s_group_changes_no_record(together: str) -> None:
    """`score_articles_together`: groups of 1 or 3 articles, one worker or two, give the
    records of the default groups; refusals stay in place."""
    lines = [
        json.dumps({"id": f"s{k}", "text": p.read_text("utf-8")})
        for k, p in enumerate(sorted(SEEDS.iterdir()))
    ]
    lines.insert(2, "{broken")
    stdin = "\n".join(lines)
    args = ["score", "-", "-s"]
    env = {"FRAMING_DETECTOR": "deep"}
    want = CliRunner().invoke(cli, args, input=stdin, env=env)
    env["FRAMING_SCORE_ARTICLES_TOGETHER"] = together
    for workers in ("1", "2"):
        got = CliRunner().invoke(cli, [*args, "--workers", workers], input=stdin, env=env)
        assert got.exit_code == want.exit_code == 1
        assert got.stdout == want.stdout and got.stderr == want.stderr


def test_articles_past_the_character_budget_are_encoded_apart(
    runs: list[tuple[int, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group whose texts pass `TOGETHER_CHARS` is split: a worker never holds the states
    of more text than that at once (a long article alone), and the records stay the same."""
    import framing.scoring as scoring

    monkeypatch.setenv("FRAMING_DETECTOR", "deep")
    raws, options = _seeds(), IngestOptions().validate()
    alone = [score_one(raw, options) for raw in raws]
    passes_alone = len(runs)
    runs.clear()
    monkeypatch.setattr(scoring, "TOGETHER_CHARS", 1)
    assert score_many(raws, options) == alone
    assert len(runs) == passes_alone  # each article its own pass
