"""`framing events --engine dask`: the embedding step on Dask workers gives the local
model's vectors and the same events (real model, real local cluster)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.compare import group_stored_events
from framing.store import open_store

distributed = pytest.importorskip("distributed")

TEXTS = [
    "Президент заявив про нові санкції проти Росії.",
    "Officials said the talks in Geneva ended without an agreement.",
    "Ok",
] * 100  # more than one chunk, so the chunks' order must be restored


def test_same_vectors_as_the_local_model(model) -> None:
    from framing.dask_embedding import DaskEmbedder

    with DaskEmbedder(None, workers=1) as embedder:
        assert embedder.model_id == model.model_id and embedder.dim == model.dim
        remote = embedder.encode(TEXTS)
        assert embedder.encode([]).shape == (0, model.dim)
    assert np.allclose(remote, model.encode(TEXTS), atol=1e-4)


def test_events_command_with_dask(seed_copy: Path, tmp_path: Path, model) -> None:
    with open_store(seed_copy) as store:  # other tests may have cached the seeds' analysis
        for table in ("embeddings", "analyses", "article_centroids", "pair_evidence"):
            store.db.execute(f"delete from {table}")
        store.db.conn.commit()
    local_copy = tmp_path / "local.db"
    shutil.copy(seed_copy, local_copy)
    result = CliRunner().invoke(
        cli, ["events", "--db", str(seed_copy), "--engine", "dask", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    with open_store(local_copy) as store:
        local = group_stored_events(store, model)
    printed = json.loads(result.stdout)
    assert [(e["id"], e["articles"]) for e in printed] == [(e["id"], e["articles"]) for e in local]
