"""The ``eval-attribution`` command: the attribution rules against the hand-made gold of
real reports. It only translates between the command line and
:mod:`framing.lab.eval_attribution`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framing.cli.options import format_option, friendly_errors
from framing.output import write_object

REPOSITORY = Path(__file__).resolve().parents[2]  # an editable install keeps the layout
GOLD = REPOSITORY / "tests" / "gold"
DEFAULT_GOLD = GOLD / "attribution_gold.yaml"
DEFAULT_FOLDERS = (GOLD / "real_articles", GOLD / "real_events_articles")


@click.command("eval-attribution")
@click.option(
    "--gold",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=DEFAULT_GOLD,
    show_default="tests/gold/attribution_gold.yaml",
    help="Whom each sentence of the gold's articles gives as its source (format: see the "
    "file's header).",
)
@click.option(
    "--articles",
    "folders",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    show_default="tests/gold/real_articles, tests/gold/real_events_articles",
    help="Folder of the articles the gold names (name 101 = file 101_…); repeatable.",
)
@format_option(("text", "json"), default="text")
@friendly_errors
def eval_attribution_command(gold: Path, folders: tuple[Path, ...], fmt: str) -> None:
    """Score the attribution rules against a hand-annotated gold of real reports.

    Per sentence: whether it has a source at all (precision, recall, F1), and the
    sources themselves (a surname, an outlet, an institution, or an unnamed source),
    overall and per language, then every sentence where the rules and the gold disagree.

    Example:

        framing eval-attribution

        framing eval-attribution --format json
    """
    from framing.lab.eval_attribution import as_text, evaluate_attribution

    found = evaluate_attribution(folders or DEFAULT_FOLDERS, gold)
    if fmt == "json":
        write_object(found, sys.stdout)
        return
    click.echo(as_text(found))
