"""The package's shape: a declared public API, and the lab outside the run-time graph."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import framing

from .conftest import ROOT


def runtime_modules() -> list[str]:
    """Every module of the package except the lab and the commands that drive it."""
    names = [
        m.name
        for m in pkgutil.walk_packages(framing.__path__, "framing.")
        if not m.name.startswith("framing.lab")
    ]
    return sorted(names)


def test_every_public_name_resolves() -> None:
    for name in framing.__all__:
        assert getattr(framing, name) is not None, name


def test_unknown_public_name_is_an_attribute_error() -> None:
    try:
        framing.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("framing.no_such_thing resolved")


def test_runtime_never_imports_the_lab() -> None:
    """Import every run-time module, the CLI (which registers the lab's commands) and the
    web app, in a fresh interpreter: no framing.lab module may be loaded."""
    modules = runtime_modules()
    assert "framing.cli.main" in modules and "framing.compare" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "import webapp; webapp.create_app({'TESTING': True, 'SECRET_KEY': 'x' * 32})\n"
        "from framing.cli.main import cli\n"
        "from click.testing import CliRunner\n"
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
        "lab = sorted(m for m in sys.modules if m.startswith('framing.lab'))\n"
        "print(lab)\n"
        "assert not lab, lab\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_top_level_stays_small() -> None:
    """Pipelines and what a reader sees sit at the top; stages live in subpackages."""
    top = [m.name for m in pkgutil.iter_modules(framing.__path__) if not m.ispkg]
    assert len(top) <= 20, sorted(top)
    packages = {m.name for m in pkgutil.iter_modules(framing.__path__) if m.ispkg}
    assert {"text", "wording", "alignment", "lab", "cli"} <= packages


def test_numpys_blas_runs_one_thread_unless_told() -> None:
    """Importing framing before numpy keeps OpenBLAS to one thread (its threads spun on the
    server's cores for 0.24 % of work); a count in the environment still wins."""
    import os

    script = (
        "import framing, numpy, threadpoolctl\n"
        "print(max(p['num_threads'] for p in threadpoolctl.threadpool_info()"
        " if p['user_api'] == 'blas'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    env["PYTHONPATH"] = str(ROOT)
    run = [sys.executable, "-c", script]
    alone = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    told = subprocess.run(
        run, env={**env, "OPENBLAS_NUM_THREADS": "2"}, capture_output=True, text=True, check=True
    )
    assert (alone.stdout.strip(), told.stdout.strip()) == ("1", "2")
