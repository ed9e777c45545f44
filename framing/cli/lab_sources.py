"""The ``eval-attribution`` and ``eval-quotes`` commands: whom reports cite and how faithfully
they quote, against hand-made golds of real reports. They only translate between the command
line and :mod:`framing.lab.eval_attribution` / :mod:`framing.lab.eval_quotes`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framing.cli.options import MODEL_OPTION, format_option, friendly_errors, gold_options
from framing.output import write_object

REPOSITORY = Path(__file__).resolve().parents[2]  # an editable install keeps the layout
GOLD = REPOSITORY / "tests" / "gold"
DEFAULT_GOLD = GOLD / "attribution_gold.yaml"
DEFAULT_FOLDERS = (GOLD / "real_articles", GOLD / "real_events_articles")


@click.command("eval-attribution")
@gold_options(
    DEFAULT_GOLD,
    "tests/gold/attribution_gold.yaml",
    "Whom each sentence of the gold's articles gives as its source (format: see the file's "
    "header).",
    "tests/gold/real_articles, tests/gold/real_events_articles",
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


QUOTES_GOLD = GOLD / "quote_fidelity_gold.yaml"
QUOTES_FOLDERS = (*DEFAULT_FOLDERS, GOLD / "fresh_alignment_articles")


@click.command("eval-quotes")
@gold_options(
    QUOTES_GOLD,
    "tests/gold/quote_fidelity_gold.yaml",
    "Sentence pairs that both quote someone, each labelled faithful or not.",
    "tests/gold/real_articles, real_events_articles, fresh_alignment_articles",
)
@MODEL_OPTION
@format_option(("text", "json"), default="text")
@friendly_errors
def eval_quotes_command(gold: Path, folders: tuple[Path, ...], model: str | None, fmt: str) -> None:
    """Score quote fidelity against hand labels of real quotation pairs.

    Each pair of sentences that both quote someone is compared as 'framing compare'
    compares linked sentences; the figures say how well the fidelity score tells faithful
    renderings (the same words, or a part of them) from other words: the AUC, and the
    pairs of each kind at fidelity 0.5 or more, overall and per gold set.

    Example:

        framing eval-quotes
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_quotes import as_text, evaluate_quotes

    found = evaluate_quotes(folders or QUOTES_FOLDERS, gold, LazyEmbedder(model))
    if fmt == "json":
        write_object(found, sys.stdout)
        return
    click.echo(as_text(found))
