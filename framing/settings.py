"""Settings as data: defaults and help texts live in ``data/settings.yaml``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    flag: str | None = None


def packaged_text(name: str) -> str:
    """The text of a file shipped in ``framing/data/`` (``name`` relative to it)."""
    return resources.files("framing").joinpath("data", name).read_text("utf-8")


@cache
def packaged_yaml(name: str) -> Any:
    """A YAML file shipped in ``framing/data/``, parsed once per process.

    Every module that reads its rules or thresholds from data goes through here, so there
    is one loader and one cache. The result is shared: callers must not mutate it.
    """
    return yaml.safe_load(packaged_text(name))


@cache
def all_settings() -> dict[str, Setting]:
    raw = packaged_yaml("settings.yaml")
    return {
        name: Setting(name, spec["default"], spec["help"], spec.get("flag"))
        for name, spec in raw.items()
    }


def setting(name: str) -> Any:
    """The value of a setting: ``FRAMING_<NAME>`` from the environment, else the default."""
    spec = all_settings()[name]
    env = os.environ.get(f"FRAMING_{name.upper()}")
    if env is None:
        return spec.default
    if isinstance(spec.default, bool):
        return env.lower() in {"1", "true", "yes"}
    if isinstance(spec.default, int):
        return int(env)
    if isinstance(spec.default, float):
        return float(env)
    if isinstance(spec.default, list):
        return [part.strip() for part in env.split(",") if part.strip()]
    return env


def corpus_dir() -> Path:
    """The folder holding the sample corpus, outlet registry and lexicons.

    ``$FRAMING_CORPUS`` wins; otherwise the ``corpus/`` folder beside the package (the
    repository layout, which an editable install keeps).
    """
    env = os.environ.get("FRAMING_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "corpus"
