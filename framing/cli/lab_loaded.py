"""Click commands for the loaded-language detector, to register on the main group:

    from framing.cli.lab_loaded import (
        eval_loaded_command, lexicon_gate_command, lexicon_mining_group, train_detector_command
    )

    cli.add_command(train_detector_command)
    cli.add_command(lexicon_gate_command)
    cli.add_command(eval_loaded_command)
    cli.add_command(lexicon_mining_group)

They only translate between the command line and :mod:`framing.lab.detector_train` /
:mod:`framing.lab.eval_loaded` / :mod:`framing.lab.lexicon_mining` /
:mod:`framing.lab.lexicon_gate`: JSON, a text table or
tab-separated rows on stdout, progress on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framing.cli.options import DETECTOR_OPTION, format_option, friendly_errors
from framing.output import write_object
from framing.settings import packaged_yaml

# The set names come from the data file the lab reads, so that registering these commands
# imports nothing from framing.lab (the lab is imported only when a command runs).
SET_NAMES = sorted(packaged_yaml("loaded_sets.yaml")["sets"])

DATA_OPTION = click.option(
    "--data",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of the annotated data sets [default: ../shared/data/loaded-language beside "
    "the repository].",
)


@click.command("train-detector")
@DATA_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the artifact to [default: the package's data/detector].",
)
@click.option("-s", "--silent", is_flag=True, help="No progress messages on stderr.")
@friendly_errors
def train_detector_command(data: Path | None, out: Path | None, silent: bool) -> None:
    """Train the loaded-wording detector on the train split of the annotated data.

    Reads every word of the four fifths of each set that are not held out through the first
    layers of e5-small (an int8 graph, built once; the word states are cached), fits a small
    head over them, chooses each language's decision bars (a seed and an extend threshold) by
    5-fold cross-validation, and writes head.npz, config.json, thresholds.json and
    training_report.json (the cross-validated figures, also printed as JSON). About 8 minutes
    on 2 cores the first time, 4-8 once the states are cached.

    Example:

        framing train-detector --data ../shared/data/loaded-language
    """
    from framing.lab.detector_train import train_detector
    from framing.lab.loaded_data import DEFAULT_DATA

    report = train_detector(data or DEFAULT_DATA, out, progress=None if silent else _to_stderr)
    write_object(report, sys.stdout)


@click.command("eval-loaded")
@DATA_OPTION
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Choice(SET_NAMES),
    help="A data set to score; repeat for several [default: all].",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many records per set and language (a fixed subsample).",
)
@click.option(
    "--more-suggestions",
    is_flag=True,
    help="Read news articles at the detector's F1-optimal threshold, as `framing score "
    "--more-suggestions` does, instead of the precise default.",
)
@DETECTOR_OPTION
@format_option(("json", "text"))
@friendly_errors
def eval_loaded_command(
    data: Path | None,
    sets: tuple[str, ...],
    limit: int | None,
    more_suggestions: bool,
    fmt: str,
) -> None:
    """Score the lexicon, the detector and their union on the held-out test split.

    SemEval-2023 and PTC: SemEval-2020 Task 11 span precision, recall and F1 against the
    Loaded_Language and Name_Calling spans. UNLP 2025: token-level F1 against the manipulative
    spans. Only the test fifth (by a hash of each record id) is scored; the detector never
    saw it.

    Example:

        framing eval-loaded --data ../shared/data/loaded-language --format text
    """
    from framing.lab.eval_loaded import evaluate, render_text
    from framing.lab.loaded_data import DEFAULT_DATA

    report = evaluate(
        data or DEFAULT_DATA, sets=sets or tuple(SET_NAMES), limit=limit, recall=more_suggestions
    )
    if fmt == "text":
        click.echo(render_text(report))
    else:
        write_object(report, sys.stdout)


@click.command("lexicon-gate")
@DATA_OPTION
@click.option(
    "--probabilities",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Pickle of the detector's out-of-fold word probabilities on the train records: read "
    "when it exists, else computed (as train-detector does, e5 states cached) and written.",
)
@click.option("-s", "--silent", is_flag=True, help="No progress messages on stderr.")
@friendly_errors
def lexicon_gate_command(data: Path | None, probabilities: Path, silent: bool) -> None:
    """Measure a detector gate on ambiguous lexicon hits by cross-validation (not shipped).

    A lexicon hit of a gated class (scare quotes, context-dependent entries, ...) would be
    shown by default only when the detector's probability on one of its words reaches the
    class's bar. Reads the detector's out-of-fold probabilities on the train four fifths
    (heads and linear models trained per fold with train-detector's fixed seed; about 30
    minutes on two busy cores the first time, with the e5 states), chooses each language's
    classes and bars (data/lexicon_gate.yaml says how), and reports the union with the gate
    chosen out of fold (on four folds, scored on the fifth) against the ungated union, the
    gate chosen on all folds and each class's hits. The test fifth is never read.

    Example:

        framing lexicon-gate --probabilities /tmp/oof.pkl
    """
    from framing.lab.lexicon_gate import derive_gate
    from framing.lab.loaded_data import DEFAULT_DATA

    report = derive_gate(data or DEFAULT_DATA, probabilities, _quiet if silent else _to_stderr)
    write_object(report, sys.stdout)


def _to_stderr(message: str) -> None:
    """A lab command's progress line, on stderr (stdout holds its JSON)."""
    click.echo(message, err=True)


def _quiet(message: str) -> None:
    """Progress nobody asked to see (-s)."""


# The languages lexicon_mining reads, and its default techniques (SemEval-2023 and PTC
# spans of these count; UNLP 2025 marks manipulative fragments of any technique).
MINING_LANGUAGES = ("en", "ru", "uk")
MINING_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling", "Name_Calling,Labeling", "Doubt")


@click.group("lexicon-mining")
@DATA_OPTION
@click.option(
    "--technique",
    "techniques",
    multiple=True,
    default=MINING_TECHNIQUES,
    show_default=True,
    help="A SemEval/PTC technique whose spans count; repeat for several.",
)
@click.option(
    "--split",
    type=click.Choice(("all", "train")),
    default="all",
    show_default=True,
    help="train: leave out the held-out test fifth (for entries measured by eval-loaded).",
)
@click.pass_context
def lexicon_mining_group(
    ctx: click.Context, data: Path | None, techniques: tuple[str, ...], split: str
) -> None:
    """Mine and check lexicon entries against the span-annotated corpora (tab-separated).

    Example:

        framing lexicon-mining --split train candidates --lang ru --ngram 2

        framing lexicon-mining check --lang en
    """
    from framing.lab.loaded_data import DEFAULT_DATA

    ctx.obj = {"data": data or DEFAULT_DATA, "techniques": techniques, "split": split}


@lexicon_mining_group.command("candidates")
@click.option("--lang", type=click.Choice(MINING_LANGUAGES), required=True)
@click.option("--ngram", type=click.IntRange(1, 3), default=1, show_default=True)
@click.option("--min-count", type=click.IntRange(1), default=5, show_default=True)
@click.option("--top", type=click.IntRange(1), default=300, show_default=True)
@click.pass_obj
@friendly_errors
def mining_candidates(obj: dict, lang: str, ngram: int, min_count: int, top: int) -> None:
    """Lemmas (or lemma n-grams) ranked by how often they fall inside gold spans: total,
    inside, rate and lift, by the lower end of the rate's 95% Wilson interval."""
    from framing.lab.lexicon_mining import print_candidates

    print_candidates(
        obj["data"], lang, tuple(obj["techniques"]), obj["split"], ngram, min_count, top
    )


@lexicon_mining_group.command("check")
@click.option("--lang", type=click.Choice(MINING_LANGUAGES), required=True)
@click.pass_obj
@friendly_errors
def mining_check(obj: dict, lang: str) -> None:
    """Each curated lexicon entry's matches in the corpora and how many overlap a gold span
    (the figures quoted in the entries' 'source' fields)."""
    from framing.lab.lexicon_mining import print_check

    print_check(obj["data"], lang, tuple(obj["techniques"]), obj["split"])
