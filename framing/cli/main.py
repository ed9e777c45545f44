"""The ``framing`` command line: a thin shell over the library.

stdout carries data only (JSON by default); progress and refusals go to stderr.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import click

from framing import __version__
from framing.cli.options import (
    DB_OPTION,
    DETECTOR_OPTION,
    MAX_BYTES_OPTION,
    MODEL_OPTION,
    format_option,
    friendly_errors,
    progress_bar,
    status_line,
)
from framing.output import write_object, write_rows
from framing.settings import setting

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

# The model library's own "Loading weights" bar would cross our progress lines on stderr at
# every run; loading the bundled model takes a second and needs no bar.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


@click.group(context_settings=HELP_OPTIONS)
@click.version_option(__version__, "-V", "--version")
def cli() -> None:
    """Compare how outlets, in different languages, report the same event."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@click.option("--outlet", help="Publisher of inputs that do not name one (id or name).")
@click.option("--date", help="Date (YYYY-MM-DD) of inputs that do not carry one.")
@click.option("--lang", help="Language (ru, uk, en, …) instead of detecting it.")
@MAX_BYTES_OPTION
@click.option(
    "-s",
    "--silent",
    is_flag=True,
    help="No progress bar, and no warnings on stderr (the summary keeps them).",
)
@click.option(
    "--analyse",
    is_flag=True,
    help="Then bring the event grouping up to date (incremental: only new articles are "
    "embedded and aligned); adds the number of events to the summary.",
)
@MODEL_OPTION
@friendly_errors
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    outlet: str | None,
    date: str | None,
    lang: str | None,
    max_bytes: int | None,
    silent: bool,
    analyse: bool,
    model: str | None,
) -> None:
    """Clean articles and add them to the corpus.

    PATHS are text, HTML, JSON or JSON Lines files, folders of them, http(s) links to
    article pages, or - for standard input. Prints a JSON summary; each refused input is
    also reported on stderr. Exits with status 1 if any input was refused (the others are
    still ingested).

    Example:

        framing ingest corpus/seeds --db x.db

        framing ingest https://www.example.org/news/1.html --db x.db
    """
    from framing.ingest import IngestOptions
    from framing.ingest import ingest as run_ingest
    from framing.store import open_store
    from framing.text.readers import read_inputs

    options = IngestOptions(outlet=outlet, date=date, lang=lang).validate()
    limit = max_bytes or setting("max_input_bytes")
    counts = {"added": 0, "unchanged": 0, "refused": 0}
    results = []
    with open_store(db) as store:
        inputs = read_inputs(paths, limit, stdin=sys.stdin.buffer)
        stream = run_ingest(inputs, store, options)
        with progress_bar(stream, "Ingesting", paths, silent) as progress:
            for result in progress:
                counts[result.status] += 1
                results.append(result.as_dict())
                if result.status == "refused":
                    click.echo(f"refused {result.source}: {result.reason}", err=True)
                    continue
                for warning in (result.decoding, result.warning):
                    if warning and not silent:
                        click.echo(f"warning {result.source}: {warning}", err=True)
        summary: dict[str, Any] = {**counts, "results": results}
        if analyse:
            summary["events"] = len(analyse_events_incrementally(store, model, silent))
    write_object(summary, sys.stdout)
    if counts["refused"]:
        sys.exit(1)


@cli.command()
@DB_OPTION
@format_option()
@friendly_errors
def articles(db: str | None, fmt: str) -> None:
    """List the articles in the corpus.

    Columns: id, outlet (the registry's id; empty for an outlet it does not hold), url
    (where the article came from, if known), lang, date, title, n_sentences, n_removed.

    Example:

        framing articles --db x.db --format csv
    """
    from framing.store import open_store

    columns = ("id", "outlet", "url", "lang", "date", "title", "n_sentences", "n_removed")
    with open_store(db, create=False) as store:
        rows = ({k: row[k] for k in columns} for row in store.articles())
        write_rows(rows, fmt, sys.stdout)


@cli.command()
@click.argument("article_id")
@DB_OPTION
@format_option(("json", "text"))
@friendly_errors
def show(article_id: str, db: str | None, fmt: str) -> None:
    """Show one article: metadata, sentences with offsets, removed lines with reasons.

    ARTICLE_ID may be a unique prefix of the id (4 characters or more).

    Example:

        framing show 3f2a --db x.db --format text
    """
    from framing.store import open_store

    with open_store(db, create=False) as store:
        article = store.article(article_id)
    if fmt == "text":
        click.echo(render_text(article))
    else:
        write_object(article, sys.stdout)


def render_text(article: dict[str, Any]) -> str:
    """A plain-text rendering of :meth:`Store.article` for reading in a terminal."""
    meta = [
        f"id:     {article['id']}",
        f"title:  {article['title'] or '(none)'}",
        f"outlet: {article['outlet_name'] or article['outlet'] or '(unknown)'}",
        f"lang:   {article['lang'] or '(unknown)'}",
        f"date:   {article['date'] or '(unknown)'}",
        f"url:    {article['url'] or '(none)'}",
    ]
    if article.get("decoding"):
        meta.append(f"read:   {article['decoding']}")
    if article["cited"]:
        meta.append("cites:  " + ", ".join(sorted({c["outlet"] for c in article["cited"]})))
    lines = [*meta, "", "Sentences:"]
    lines += [f"  [{s['index']}] {s['text']}" for s in article["sentences"]]
    if article["removed"]:
        lines += ["", "Removed site furniture:"]
        lines += [f"  line {r['line']} ({r['reason']}): {r['text']}" for r in article["removed"]]
    return "\n".join(lines)


@cli.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", default=5000, show_default=True, type=int, help="Port to listen on (make run PORT=N)."
)
@click.option("--debug", is_flag=True, help="Flask's debug server with reloading.")
@click.option("--load-sample", is_flag=True, help="Ingest the sample corpus first if needed.")
@friendly_errors
def serve(db: str | None, host: str, port: int, debug: bool, load_sample: bool) -> None:
    """Serve the web app (waitress; Flask's debug server with --debug).

    Example:

        framing serve --load-sample --port 5000
    """
    from framing.report import analyse_events
    from framing.sample import load_sample_corpus
    from framing.store import open_store
    from webapp import create_app

    # Before anything slow: a taken port failed only after loading and analysing the sample,
    # with waitress's traceback (a second `make run` beside the first).
    _check_port_free(host, port)
    config: dict[str, Any] = {"DATABASE": db, "DEBUG": debug} if db else {"DEBUG": debug}
    if not debug and not setting("secret_key"):
        # As Datasette does: a key for this process only, so `serve` works out of the box.
        import secrets

        config["SECRET_KEY"] = secrets.token_hex(32)
        click.echo(
            "Warning: FRAMING_SECRET_KEY is not set; using a key made for this process "
            "(sessions and form tokens end when the server restarts).",
            err=True,
        )
    # The app first: it checks the secret key, so a weak one is refused before the
    # minutes --load-sample takes, not after.
    app = create_app(config)
    if load_sample:
        summary = load_sample_corpus(db)
        click.echo(f"Sample corpus: {summary}", err=True)
        click.echo("Analysing its events (once; cached in the store)…", err=True)
        with open_store(db) as store:
            analyse_events(store)
    if setting("serve_warm_up") and not debug:  # debug's reloader runs the app elsewhere
        _warm_up_in_background(app, _first_page_in_background(app))
    click.echo(f"Serving on http://{host}:{port}/", err=True)
    if debug:
        app.run(host=host, port=port, debug=True)
    else:
        from waitress import serve as waitress_serve

        waitress_serve(app, host=host, port=port, threads=8)


def analyse_events_incrementally(store: Any, model: str | None, silent: bool) -> list[dict]:
    """The event grouping after an ingest, with its stages reported on stderr."""
    from framing.alignment.embedder import LazyEmbedder
    from framing.compare import group_stored_events

    def report(stage: str, done: int, total: int) -> None:
        if not silent and total:
            click.echo(f"\r{stage} {done}/{total}", err=True, nl=done >= total)

    return group_stored_events(store, LazyEmbedder(model), report)


@cli.command()
@DB_OPTION
@MODEL_OPTION
@format_option()
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where new sentences are embedded: this process, or a Dask cluster.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="With --engine dask: worker processes of the local cluster  [default: 2].",
)
@click.option("-s", "--silent", is_flag=True, help="No status lines on stderr.")
@friendly_errors
def events(
    db: str | None, model: str | None, fmt: str, engine: str, workers: int | None, silent: bool
) -> None:
    """Group the stored articles that report the same event, across languages.

    Each event: id, articles (ids), label (key names), date_from, date_to, languages,
    cohesion (share of sentences with a counterpart, averaged over member pairs), and
    coverage (reporting outlets grouped by the registry's facts, languages, first and
    last report, outlets of the corpus with no stored report of it).
    Incremental: only articles added since the last grouping are embedded and aligned.
    What it is doing (loading the model takes a while) is said on stderr.

    Example:

        framing events --db x.db --format jsonl
    """
    import time

    from framing.alignment.embedder import LazyEmbedder
    from framing.compare import group_stored_events
    from framing.coverage import events_with_coverage
    from framing.store import open_store

    if workers is not None and engine != "dask":
        # the local engine embeds in this process: a silently ignored --workers misleads
        raise click.UsageError("--workers needs --engine dask (the local engine embeds here).")
    # silent for as long as the model loaded, as compare was (QA, sessions 19 and 20)
    say = status_line(silent)
    started = time.monotonic()
    with open_store(db, create=False) as store:
        count = len(store.article_ids())
        say(f"Grouping {count} article{'s' if count != 1 else ''} into events…")
        if engine == "dask":
            from framing.dask_embedding import DaskEmbedder

            with DaskEmbedder(model, workers or 2) as embedder:
                found = group_stored_events(store, embedder)
        else:
            found = group_stored_events(store, LazyEmbedder(model, announce=say))
        found = events_with_coverage(store, found)
    plural = "s" if len(found) != 1 else ""
    say(f"Found {len(found)} event{plural} in {time.monotonic() - started:.0f} s.")
    write_rows(found, fmt, sys.stdout)


def _check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port another process listens on. The probe binds as waitress
    does (SO_REUSEADDR), so a port a stopped server left in TIME_WAIT is not refused."""
    import errno
    import socket

    from framing.errors import FramingError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise FramingError(f"Cannot serve on {host}: {exc.strerror}.") from exc
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise FramingError(
                    f"Port {port} on {host} is in use by another program (a `framing serve` "
                    "or `make run` still running?). Stop it, or choose another port: "
                    "framing serve --port N, make run PORT=N."
                ) from exc
            raise FramingError(f"Cannot serve on {host}:{port}: {exc.strerror}.") from exc


def _first_page_in_background(app: Any) -> threading.Thread:
    """The home page rendered once in a thread as the server starts: a restarted server's
    first page waited 6.7–66 s (session 26) for the lexicons its titles' highlights read
    (pymorphy3 over every entry) and its templates. Rendering it here reads them, only
    those the corpus needs, and leaves the page in the page cache for the corpus as it is;
    a request beside it waits for a lexicon being read instead of reading it again
    (:func:`framing.wording.lexicon.load_lexicon`)."""

    def run() -> None:
        started = time.monotonic()
        try:
            app.test_client().get("/")
        except Exception as exc:  # noqa: BLE001 - the first request will read them and say why
            click.echo(f"Warning: preparing the first page failed: {exc}", err=True)
            return
        click.echo(f"First page ready ({time.monotonic() - started:.0f} s).", err=True)

    thread = threading.Thread(target=run, name="framing-first-page", daemon=True)
    thread.start()
    return thread


def _warm_up_in_background(app: Any, first: threading.Thread | None = None) -> None:
    """The first compare-your-own of a new server waited about ten times as long as the
    next ones while the models loaded: load them now, in a thread, as the server starts
    (after ``first``, the first page, so that the two do not share the CPU)."""
    from framing.sample import warm_up
    from webapp.db import get_embedder

    def run() -> None:
        if first is not None:
            first.join()
        try:
            with app.app_context():
                seconds = warm_up(get_embedder())
            click.echo(f"Models loaded for compare-your-own ({seconds:.0f} s).", err=True)
        except Exception as exc:  # noqa: BLE001 - the first request will load them and say why
            click.echo(f"Warning: loading the models ahead failed: {exc}", err=True)

    click.echo("Loading the models for compare-your-own in the background…", err=True)
    threading.Thread(target=run, name="framing-warm-up", daemon=True).start()


@cli.command()
@click.option(
    "--data",
    type=click.Path(file_okay=False, exists=True),
    default="../shared/data/loaded-language",
    show_default=True,
    help="Folder of the annotated data sets, whose texts serve as background.",
)
@MODEL_OPTION
@friendly_errors
def calibrate(data: str, model: str | None) -> None:
    """Measure what unrelated sentence pairs score with the embedding model.

    Writes framing/data/calibration/<model>.json: the mean vector of each language and the
    mean and spread of cosines between unrelated sentences per language pair. Alignment
    scores are z-scores against these. Takes a few minutes on 2 cores.

    Example:

        framing calibrate --data ../shared/data/loaded-language
    """
    from pathlib import Path

    from framing.alignment.calibration import calibrate as run_calibration
    from framing.alignment.calibration import save_calibration
    from framing.alignment.embedder import load_embedder

    path = save_calibration(run_calibration(load_embedder(model), Path(data)))
    write_object({"written": str(path)}, sys.stdout)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@format_option(("jsonl", "csv", "json"), default="jsonl")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (local engine, or the local Dask cluster without --scheduler).",
)
@click.option(
    "--engine",
    type=click.Choice(("local", "dask")),
    default=setting("score_engine"),
    show_default=True,
    help="Where batches run: this machine's processes, or Dask (needs dask[distributed]).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: a running Dask scheduler (tcp://HOST:8786) instead of a "
    "local cluster; --workers is then ignored.",
)
@click.option("--outlet", help="Publisher of inputs that do not name one (id or name).")
@click.option("--lang", help="Language (ru, uk, en) instead of detecting it.")
@click.option(
    "--suggestions/--no-suggestions",
    default=True,
    show_default=True,
    help="Add the contextual detector's suggestions to the lexicon hits, as the web view "
    "does; --no-suggestions shows lexicon hits only.",
)
@click.option(
    "--more-suggestions",
    is_flag=True,
    help="For research: read articles at the detector's F1-optimal threshold instead of the "
    "precise default: two to six times the news recall, and most of the extra suggestions "
    "on real pages are wrong (docs/loaded_eval.md).",
)
@DETECTOR_OPTION
@MAX_BYTES_OPTION
@click.option(
    "-s",
    "--silent",
    is_flag=True,
    help="No progress bar, and no warnings (a language other than ru, uk, en); refusals "
    "are still listed.",
)
@friendly_errors
def score(
    paths: tuple[str, ...],
    fmt: str,
    workers: int,
    engine: str,
    scheduler: str | None,
    outlet: str | None,
    lang: str | None,
    suggestions: bool,
    more_suggestions: bool,
    max_bytes: int | None,
    silent: bool,
) -> None:
    """Score articles: a framing profile and highlights per article, streamed.

    PATHS are files, folders, or - for JSON Lines records on stdin
    ({"id", "text", "lang"?, "outlet"?, "date"?}); a record's id comes back as input_id.
    One record per article: id, url, outlet, lang, date, title, scores, highlights,
    title_highlights (lexicon hits in the title, offsets into the title).
    Refused inputs are reported on stderr; the exit status is then 1.

    Example:

        framing score corpus/seeds --format jsonl

        framing score corpus/seeds --no-suggestions

        framing score corpus/seeds --more-suggestions

        framing score big.jsonl --engine dask --scheduler tcp://10.0.0.5:8786
    """
    from framing.ingest import (
        IngestOptions,
        headline_warning,
        language_warning,
        looks_like_a_headline,
    )
    from framing.scoring import score_stream
    from framing.text.readers import RawInput, read_inputs

    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask.")
    if more_suggestions and not suggestions:
        raise click.UsageError("--more-suggestions needs the suggestions on.")
    limit = max_bytes or setting("max_input_bytes")
    headlines: set[str] = set()  # sources that are one line without a sentence's end

    def noted(items: Any) -> Any:
        for item in items:
            if isinstance(item, RawInput) and item.kind == "text" and "id" not in item.fields:
                if looks_like_a_headline(item.text):
                    headlines.add(item.source)
            yield item

    inputs = noted(read_inputs(paths, limit, stdin=sys.stdin.buffer))
    options = IngestOptions(outlet=outlet, lang=lang)
    refused = written = 0
    interrupted = False

    def records() -> Any:
        nonlocal refused, written, interrupted
        try:
            yield from scored()
        except KeyboardInterrupt:
            # Ctrl-C: end the output where it is, whole (a JSON list closed), and say so
            interrupted = True

    def scored() -> Any:
        nonlocal refused, written
        if engine == "dask":
            from framing.dask_engine import score_stream_dask

            stream = score_stream_dask(
                inputs, options, workers, suggestions, scheduler, recall=more_suggestions
            )
        else:
            stream = score_stream(
                inputs, options, workers, with_model=suggestions, recall=more_suggestions
            )
        with progress_bar(stream, "Scoring", paths, silent) as progress:
            for record in progress:
                if "refused" in record:
                    refused += 1
                    click.echo(f"refused {record['refused']}: {record['reason']}", err=True)
                    continue
                # as ingest says them: a code-page guess, and a German text's figures are
                # not zeros to trust
                for warning in (
                    record["decoding"],
                    language_warning(record["lang"], "scored"),
                    headline_warning()
                    if record["source"] in headlines
                    and record["scores"]["sentences"] == 1
                    and not record["title"]
                    else None,
                ):
                    if warning and not silent:
                        click.echo(f"warning {record['source']}: {warning}", err=True)
                if fmt == "csv":
                    record = _csv_record(record)
                written += 1
                yield record

    write_rows(records(), fmt, sys.stdout)
    if interrupted:
        sys.stdout.flush()
        click.echo(
            f"Interrupted: the output holds the first {written:,} "
            f"article{'' if written == 1 else 's'} scored, whole ({fmt}); the rest were not "
            "scored. Run the command again to score them all.",
            err=True,
        )
        sys.exit(130)
    if refused:
        # the exit status 1 explained where a script's log shows it, after the progress
        click.echo(
            f"Scored {written:,} article{'' if written == 1 else 's'}; refused {refused:,} "
            f"input{'' if refused == 1 else 's'} (listed above): exit status 1.",
            err=True,
        )
        sys.exit(1)


def _csv_record(record: dict[str, Any]) -> dict[str, Any]:
    """A score record as flat CSV columns, the same for every row: each figure's value
    (every lexicon category, 0 where absent) and the number of highlights."""
    from framing.wording.lexicon import CATEGORIES, SCARE_QUOTES

    nested = ("scores", "highlights", "title_highlights")
    flat = {k: v for k, v in record.items() if k not in nested}
    flat["n_highlights"] = len(record["highlights"])
    flat["n_title_highlights"] = len(record["title_highlights"])
    for name, value in record["scores"].items():
        if name == "loaded_per_100_words":
            for category in (*CATEGORIES, SCARE_QUOTES):
                figure = value.get(category)
                flat[f"loaded.{category}"] = figure["value"] if figure else 0.0
        elif isinstance(value, dict):
            flat[name] = value["value"]
        else:
            flat[name] = value
    return flat


from framing.cli.compare import compare_command  # noqa: E402
from framing.cli.lab_alignment import (  # noqa: E402
    eval_alignment_command,
    eval_guard_command,
    lab_alignment_cv_command,
    lab_cross_encoder_command,
    lab_pair_head_command,
    lab_paraphrase_adapter_command,
)
from framing.cli.lab_events import eval_events_command, event_bars_command  # noqa: E402
from framing.cli.lab_loaded import (  # noqa: E402
    eval_loaded_command,
    lexicon_gate_command,
    lexicon_mining_group,
    train_detector_command,
)
from framing.cli.lab_sources import eval_attribution_command, eval_quotes_command  # noqa: E402
from framing.cli.links import links_group  # noqa: E402

cli.add_command(compare_command)
cli.add_command(train_detector_command)
cli.add_command(eval_loaded_command)
cli.add_command(lexicon_mining_group)
cli.add_command(lexicon_gate_command)
cli.add_command(eval_alignment_command)
cli.add_command(eval_guard_command)
cli.add_command(lab_alignment_cv_command)
cli.add_command(lab_pair_head_command)
cli.add_command(lab_cross_encoder_command)
cli.add_command(lab_paraphrase_adapter_command)
cli.add_command(eval_events_command)
cli.add_command(eval_attribution_command)
cli.add_command(eval_quotes_command)
cli.add_command(event_bars_command)
cli.add_command(links_group)


def _help_everywhere(group: click.Group) -> None:
    """Give every command ``-h`` of its own, not only through the group's context.

    click caches a command's help option the first time the command runs; a command invoked on
    its own first (a library caller, a test) would cache ``--help`` alone and then refuse ``-h``.
    """
    for command in group.commands.values():
        for name, value in HELP_OPTIONS.items():
            command.context_settings.setdefault(name, value)
        if isinstance(command, click.Group):
            _help_everywhere(command)


_help_everywhere(cli)

if __name__ == "__main__":  # python -m framing.cli.main
    cli(prog_name="framing")
