"""How texts are batched through a state graph is its recipe's ``min_fill`` (data, not
code): an int8 graph quantises a batch's activations with one scale, so a head must be
trained on states batched the way ``framing score`` batches them (issue 13's fourteenth
session tried it for the quick detector: not shipped, BENCHMARKS.md), while the deep
detector and the alignment word score keep theirs."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from framing.text.morphology import word_spans
from framing.wording import state_graph, token_states
from framing.wording.detector import artifact_dir, load_model

# one long sentence and short ones: cut by the token budget only, they share one batch
TEXTS = [
    "Киевский режим снова цинично лжёт о потерях на фронте, а западные покровители "
    "упорно делают вид, что ничего не происходит, и продолжают слать оружие и деньги.",
    "The committee met.",
    "Окупанти знову брешуть.",
    "A disgraceful, shameful lie.",
]
TEXT = "  ".join(TEXTS)
FILL = 0.85  # what the fourteenth session tried


def _recipe() -> dict:
    """The quick detector's recipe, batched by length."""
    return {**load_model("quick").encoder, "min_fill": FILL}


@pytest.fixture(scope="module")
def quick() -> token_states.StateEncoder:
    return token_states.load_encoder(_recipe())


def _batches(encoder: token_states.StateEncoder) -> list[list[int]]:
    """The number of real tokens of each row of each batch the runner is given."""
    seen: list[list[int]] = []
    runner = encoder.runner

    class Spy:
        dim = runner.dim

        def run(self, ids: np.ndarray, mask: np.ndarray, keep: list[int]) -> np.ndarray:
            seen.append([int(row.sum()) for row in mask])
            return runner.run(ids, mask, keep)

    spied = dataclasses.replace(encoder, runner=Spy())
    spied.word_states(TEXT, word_spans(TEXT))
    return seen


def test_a_recipe_with_min_fill_batches_texts_of_like_length(quick) -> None:
    """No row padded past 1/min_fill its length; without min_fill the short pieces ride
    in the long one's batch (what the quick path does)."""
    fill = FILL
    assert quick.min_fill == fill > 0
    batches = _batches(quick)
    assert len(batches) > 1
    assert all(min(rows) >= fill * max(rows) for rows in batches)
    unbatched = _batches(dataclasses.replace(quick, min_fill=0.0))
    assert len(unbatched) == 1 and len(unbatched[0]) == len(TEXTS)


def test_the_batching_is_not_the_graph(tmp_path: Path) -> None:
    """A recipe with min_fill runs the graph built without it (one graph on disk), but
    states cached for training are kept apart (the cache is named by the whole recipe)."""
    recipe = _recipe()
    plain = {k: v for k, v in recipe.items() if k != "min_fill"}
    assert state_graph.graph_recipe(recipe) == plain
    folder = tmp_path / "e5"
    assert state_graph.graph_folder(folder, state_graph.graph_recipe(recipe)) == (
        state_graph.graph_folder(folder, plain)
    )
    assert state_graph.recipe_key(recipe) != state_graph.recipe_key(plain)


def test_each_head_reads_states_batched_as_it_was_trained() -> None:
    """The quick artifact's recipe (with its batching) is the one its training report was
    made with; the deep detector's graphs (its head's and the alignment word score's) are
    batched by the token budget and OpenVINO's buckets, as before."""
    folder = Path(str(artifact_dir("quick")))
    config = json.loads((folder / "config.json").read_text("utf-8"))
    report = json.loads((folder / "training_report.json").read_text("utf-8"))
    training = json.loads((folder / "training.json").read_text("utf-8"))
    assert config["encoder"] == report["settings"]["encoder"] == training["encoder"]
    deep = load_model("deep")
    assert "min_fill" not in deep.encoder and "min_fill" not in deep.states_encoder
