"""``framing compare``: the claim matrix of 2 or 3 articles, stored or read from files and
links, as JSON or plain text."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import click

from framing.cli.options import (
    DB_OPTION,
    MAX_BYTES_OPTION,
    MODEL_OPTION,
    format_option,
    friendly_errors,
    status_line,
)
from framing.output import write_object
from framing.settings import setting


@click.command("compare")
@click.argument("articles", nargs=-1, required=True)
@DB_OPTION
@MODEL_OPTION
@format_option(("json", "text"))
@click.option("--no-phrases", is_flag=True, help="Skip phrase insertions and quote fidelity.")
@click.option(
    "--same-event",
    is_flag=True,
    help="Take the articles as reports of one event even if they are dated more than 7 "
    "days apart (without it they are one event unless so dated; an unknown date is not "
    "far apart).",
)
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    help="Publisher (id or name) of a file or link that does not name one; once per file or "
    "link, in their order among ARTICLES (stored ids are skipped).",
)
@MAX_BYTES_OPTION
@click.option("-s", "--silent", is_flag=True, help="No status lines on stderr.")
@friendly_errors
def compare_command(
    articles: tuple[str, ...],
    db: str | None,
    model: str | None,
    fmt: str,
    no_phrases: bool,
    same_event: bool,
    outlets: tuple[str, ...],
    max_bytes: int | None,
    silent: bool,
) -> None:
    """Align 2 or 3 articles sentence by sentence across languages.

    ARTICLES are ids (or unique prefixes) of stored articles, or files or http(s) links,
    which are ingested first. Prints the claim matrix: which statements the outlets share,
    which one adds, which it leaves out, plus phrase-level insertions and quote fidelity.
    What it is doing (loading the model takes a while) is said on stderr.

    Example:

        framing compare 7883 65b2 --db x.db --format text

        framing compare ria.txt unian.txt --outlet ria --outlet unian --format text
    """
    import time

    from framing.alignment.embedder import LazyEmbedder
    from framing.compare import check_count, resolved_ids
    from framing.compare import compare as run_compare
    from framing.links import apply_corrections
    from framing.store import open_store

    # Files and links are read (and fetched) first, outside any transaction; then ingested in
    # one transaction with the ids' checks, so a command that fails (a file of many records,
    # an unknown id, one article or the same one twice) leaves the store as it was.
    check_count(len(articles))  # before a file is read or a store created
    limit = max_bytes or setting("max_input_bytes")
    read = [_read_if_input(given, limit) for given in articles]
    given_outlets = _outlets_in_order(outlets, read)
    say = status_line(silent)
    with open_store(db, create=any(items is not None for items in read)) as store:
        with store.transaction():
            ids = [
                _stored_id(store, given, items, outlet, say)
                for given, items, outlet in zip(articles, read, given_outlets, strict=True)
            ]
            ids = resolved_ids(store, ids)
        # the model loads for about half a minute on a small machine: say what is going on
        # (on stderr, as ingest and score report their progress; QA, session 19)
        started = time.monotonic()
        say(f"Comparing {len(ids)} articles…")
        result = run_compare(
            store,
            ids,
            LazyEmbedder(model, announce=say),
            phrases=not no_phrases,
            same_event=True if same_event else None,
        )
        # Readers' corrections (web app, `framing links import`) win over the aligner.
        result = apply_corrections(
            result, store.corrections(ids), lambda i: store.article(i)["text"]
        )
    say(f"Compared {len(ids)} articles in {time.monotonic() - started:.0f} s.")
    if fmt == "text":
        click.echo(render_comparison(result))
    else:
        from framing.report import claim_rows

        # The claims as the web view and its JSON twin show them, each with its kind: the
        # claims themselves ({article id: [indices]}) had none (QA, session 20).
        write_object({**result, "rows": claim_rows(result)}, sys.stdout)


def _read_if_input(given: str, limit: int) -> list[Any] | None:
    """The inputs a file or http(s) link holds; None when ``given`` is an article id."""
    from pathlib import Path

    from framing.text.fetch import is_url
    from framing.text.readers import read_inputs

    if not is_url(given) and not Path(given).is_file():
        path = Path(given)
        if re.search(r"[/\\]", given) or path.suffix or path.is_dir():  # a path, not an id
            from framing.errors import FramingError

            if path.is_dir():  # "compare takes files (nor an article id…)" did not parse (qa9)
                raise FramingError(
                    f"{given}: a folder, not a file: compare takes 2 or 3 files, links or "
                    "article ids (give the files in it by name)"
                )
            raise FramingError(f"{given}: no such file (nor an article id, which is hexadecimal)")
        return None
    return list(read_inputs([given], limit))


def _outlets_in_order(outlets: tuple[str, ...], read: list[list[Any] | None]) -> list[str | None]:
    """Each argument's ``--outlet``: the Nth given to the Nth file or link (stored ids take
    none); a count that differs from the number of files and links is an error, since which
    publisher goes with which file would be a guess."""
    from framing.errors import FramingError

    inputs = sum(items is not None for items in read)
    if outlets and len(outlets) != inputs:
        raise FramingError(
            f"--outlet given {len(outlets)} time{'s' if len(outlets) != 1 else ''} for "
            f"{inputs} file{'s' if inputs != 1 else ''} or link{'s' if inputs != 1 else ''}: "
            "give one --outlet per file or link, in their order (stored ids take none)"
        )
    given = iter(outlets)
    return [None if items is None else next(given, None) for items in read]


def _stored_id(
    store: Any,
    given: str,
    items: list[Any] | None,
    outlet: str | None = None,
    say: Callable[[str], None] | None = None,
) -> str:
    """The id of a stored article, ingesting the one input ``given`` held first (with its
    ``--outlet``, if any; a note through ``say`` when the text was stored without it)."""
    from framing.errors import FramingError
    from framing.ingest import IngestOptions
    from framing.ingest import ingest as run_ingest

    if items is None:
        return str(store.resolve_id(given))
    if len(items) != 1:
        raise FramingError(f"{given}: compare takes files holding one article each")
    [result] = run_ingest(items, store, IngestOptions(outlet=outlet))
    if result.status == "refused":
        raise FramingError(f"{result.source}: {result.reason}")
    if result.warning and say is not None:
        say(f"warning {result.source}: {result.warning}")
    return str(result.article_id)


def render_comparison(result: dict[str, Any]) -> str:
    """The claim matrix as plain text: one block per claim, one line per outlet."""
    from framing.outlets import publisher_label
    from framing.report import candidates_by_sentence, candidates_elsewhere, fidelity_label

    articles = {a["id"]: a for a in result["articles"]}
    names = {
        a["id"]: f"{publisher_label(a)} ({a['lang'] or '?'}, {a['id'][:6]})"
        for a in result["articles"]
    }
    tier_of: dict[str, set[tuple[str, int]]] = {}  # tier -> the sentences in such links
    for pair in result["pairs"]:
        for link in pair["links"]:
            into = tier_of.setdefault(link.get("tier", "same statement"), set())
            into.update((pair[side], index) for side in ("a", "b") for index in link[side])
    claim_of = {
        (article_id, index): number
        for number, claim in enumerate(result["claims"], 1)
        for article_id, indices in claim.items()
        for index in indices
    }
    elsewhere = candidates_by_sentence(result["pairs"], claim_of)
    lines = []
    for number, claim in enumerate(result["claims"], 1):
        nodes = {(a_id, i) for a_id, indices in claim.items() for i in indices}
        if len(claim) == 1:
            shared = "only " + names[next(iter(claim))]
        elif nodes & tier_of.get("confirmed by a reader", set()):
            shared = "shared, confirmed by a reader"  # a reader's verdict (framing.links)
        elif nodes & tier_of.get("same statement", set()):
            shared = "shared"
        else:
            shared = "possible counterpart, check"
        # As the web view lists them: counterparts offered in other claims, in reports this
        # claim does not hold (the whole claim's when it is one report's).
        others = sorted({c["row"] for c in candidates_elsewhere(claim, number, elsewhere)})
        if others:
            claims = ", ".join(str(n) for n in others)
            plural = "s" if len(others) > 1 else ""
            shared += f"; possible counterpart in claim{plural} {claims}, check"
        lines.append(f"Claim {number} ({shared}):")
        for article_id, indices in claim.items():
            sentences = articles[article_id]["sentences"]
            for index in indices:
                lines.append(f"  {names[article_id]} [{index}] {sentences[index]['text']}")
    for insertion in result["insertions"]:
        # with three reports the same words are listed once against each of the others:
        # the line says which one lacks them (the JSON's ``against``)
        against = insertion.get("against")
        lacking = f", not in {names[against]}" if against in names else ""
        lines.append(
            f"Insertion in {names[insertion['article']]} [{insertion['sentence']}]{lacking}: "
            f"«{insertion['text']}» ({insertion.get('kind', 'content')})"
        )
    for quote in result["quotes"]:
        a, b = quote["a"], quote["b"]
        lines.append(
            f"Quote fidelity {fidelity_label(quote['fidelity'], quote.get('differences'))}: "
            f"{names[a['article']]} [{a['sentence']}]"
            f" ~ {names[b['article']]} [{b['sentence']}]" + _quoted_part(quote, articles)
        )
    return "\n".join(lines)


def _quoted_part(quote: dict[str, Any], articles: dict[str, dict[str, Any]]) -> str:
    """ ", on the part quoted by both: «…»" when one side quotes a few words of the other's."""
    part = quote.get("part")
    if not part:
        return ""
    cut = quote[part["side"]]
    sentence = articles[cut["article"]]["sentences"][cut["sentence"]]["text"]
    text = part.get("text") or sentence[part["start"] : part["end"]]
    return f", on the part quoted by both: «{text}»"
