"""The README documents every command and setting, and CI runs the README's test command."""

from __future__ import annotations

import re

from framing.cli.main import cli
from framing.settings import all_settings

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_two_commands_at_the_top() -> None:
    top = README[:600]
    assert "make run" in top and "make test" in top


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"^(make \w+)\s+# .*tests?", README, re.MULTILINE)
    assert commands == ["make test"]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "set -euo pipefail" in ci
    assert [line for line in ci.splitlines() if line.startswith("make ")] == commands
    makefile = (ROOT / "Makefile").read_text("utf-8")
    # make test installs the Python dependencies and the browser the browser tests drive
    assert re.search(
        r"^test: install browser\n\t\$\(BIN\)/python -m pytest", makefile, re.MULTILINE
    )
    assert "apt-get install -y -qq chromium chromium-driver" in makefile


def test_every_command_is_documented() -> None:
    for name in cli.commands:
        assert f"### `framing {name}" in README, name


def test_every_setting_is_documented() -> None:
    for name in all_settings():
        assert f"| `{name}` |" in README, name
