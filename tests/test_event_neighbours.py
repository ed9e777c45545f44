"""Stored nearest-neighbour lists (framing.alignment.event_neighbours): after any sequence of
adds (and a removal) their union is exactly the batch candidate set, and an add multiplies
only the new articles' rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import framing.alignment.event_neighbours as event_neighbours
from framing.alignment.grouping import candidate_pairs
from framing.store import open_store

K = 15  # the shipped `neighbours`


def unit_rows(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, 24)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def multiplied(monkeypatch) -> list[int]:
    """Rows of every similarity product the update computes."""
    rows: list[int] = []
    real = event_neighbours.nearest

    def counting(block, positions, matrix, k):
        rows.append(len(block))
        return real(block, positions, matrix, k)

    monkeypatch.setattr(event_neighbours, "nearest", counting)
    return rows


def test_adds_equal_batch_and_cost_the_new_rows(tmp_path: Path, multiplied) -> None:
    matrix = unit_rows(300, seed=1)
    ids = [f"a{n:03d}" for n in range(len(matrix))]
    with open_store(tmp_path / "x.db") as store:
        for size in (10, 40, 41, 90, 200, 250, 300):  # small first: every pair, no lists
            multiplied.clear()
            found = event_neighbours.update_neighbours(store, "key", ids[:size], matrix[:size], K)
            assert found == set(candidate_pairs(ids[:size], matrix[:size], K)), size
            if size == 250:  # 50 added to 200 stored lists: 50 rows multiplied, not 250
                assert sum(multiplied) == 50


def test_a_removed_article_starts_the_lists_again(tmp_path: Path) -> None:
    matrix = unit_rows(60, seed=2)
    ids = [f"a{n:03d}" for n in range(len(matrix))]
    with open_store(tmp_path / "x.db") as store:
        event_neighbours.update_neighbours(store, "key", ids, matrix, K)
        kept = [n for n in range(60) if n != 7]
        found = event_neighbours.update_neighbours(
            store, "key", [ids[n] for n in kept], matrix[kept], K
        )
        assert found == set(candidate_pairs([ids[n] for n in kept], matrix[kept], K))
