"""The ``eval-alignment``, ``eval-guard`` and ``lab-alignment-cv`` commands, to register on
the main group:

    from framing.cli.lab_alignment import eval_alignment_command

    cli.add_command(eval_alignment_command)

They only translate between the command line and :mod:`framing.lab` (``eval_alignment``,
``eval_guard``, ``alignment_cv``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from framing.cli.options import MODEL_OPTION, format_option, friendly_errors
from framing.output import write_object

# The repository's gold (an editable install keeps the repository layout).
DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "gold" / "seed_alignment.yaml"


@click.command("eval-alignment")
@click.option(
    "--gold",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=DEFAULT_GOLD,
    show_default="tests/gold/seed_alignment.yaml",
    help="Hand-annotated gold alignment (format: see the file's header).",
)
@click.option(
    "--articles",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    multiple=True,
    show_default="the sample corpus, corpus/seeds",
    help="Folder of the articles the gold names (gold name 001 = file 001_….txt); "
    "give it again for articles kept in several folders.",
)
@MODEL_OPTION
@click.option(
    "--gold-from-db",
    "gold_db",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Score against the link corrections readers made in this corpus database instead "
    "(only the sentence pairs they judged count).",
)
@click.option(
    "--ceiling",
    is_flag=True,
    help="Also report the best F1 that thresholds chosen with hindsight could reach.",
)
@click.option(
    "--events",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The event grouping gold (tests/gold/real_events.yaml): also score each gold pair "
    "as a comparison of three reports shows it, with a third report of its event (possible "
    "counterparts found through it).",
)
@format_option(("json", "text"))
@friendly_errors
def eval_alignment_command(
    gold: Path,
    articles: tuple[Path, ...],
    model: str | None,
    gold_db: str | None,
    ceiling: bool,
    events: Path | None,
    fmt: str,
) -> None:
    """Score the sentence aligner against a hand-annotated gold alignment.

    Ingests the articles into a scratch store (the corpus database is not touched), aligns
    every annotated pair as `framing compare` does, and prints precision, recall and F1 over
    sentence pairs, overall and per article pair. With --ceiling, also the best figures any
    threshold setting reaches when chosen on the gold itself: a ceiling under a target means
    the model's scores, not the thresholds, are what falls short. Use --model to measure
    another embedding model on the same gold.

    Example:

        framing eval-alignment --ceiling --format text

        framing eval-alignment --gold tests/gold/real_alignment.yaml --articles
        tests/gold/real_articles --articles tests/gold/real_events_articles

        framing eval-alignment --gold-from-db instance/framing.db --format text
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_alignment import evaluate_folder
    from framing.sample import sample_dir

    if gold_db:
        from framing.errors import FramingError
        from framing.lab.eval_alignment import evaluate_db_corrections
        from framing.store import open_store

        for flag, given in (("--ceiling", ceiling), ("--events", events)):
            if given:
                raise FramingError(
                    f"{flag} needs a gold file; it cannot be used with --gold-from-db."
                )
        with open_store(gold_db) as store:
            scores = evaluate_db_corrections(store, LazyEmbedder(model))
    else:
        scores = evaluate_folder(
            articles or sample_dir(), gold, LazyEmbedder(model), ceiling, events
        )
    if fmt == "json":
        write_object(scores, sys.stdout)
    else:
        click.echo(as_text(scores))


def as_text(scores: dict) -> str:
    """A few lines a person reads: overall, per pair, and the ceiling if measured."""
    lines = [f"alignment, every link shown: {_prf(scores)}"]
    for tier, figures in scores["tiers"].items():
        lines.append(f"  tier {tier!r}: {_prf(figures)}")
    lines.append(f"  candidate recall: {scores['candidate_recall']:.3f}")
    if "three_reports" in scores:
        three = scores["three_reports"]
        lines.append(
            f"  as comparisons of three reports show them ({three['pairs_with_a_third_report']}"
            f" pairs with a third report): {_prf(three)}, candidate recall "
            f"{three['candidate_recall']:.3f}"
        )
    for pair in scores["pairs"]:
        event = "same event" if pair["same_event"] else "different events"
        lines.append(
            f"  {pair['a']}-{pair['b']} ({event}): {_prf(pair)} "
            f"(tp {pair['tp']}, fp {pair['fp']}, fn {pair['fn']}; "
            f"confident P {pair['confident_precision']:.3f})"
        )
    if "ceiling" in scores:
        ceiling = scores["ceiling"]
        bar, tuned, ranks = ceiling["one_bar"], ceiling["aligner"], ceiling["gold_ranks"]
        lines += [
            f"ceiling, one z bar ({bar['bar']:g}): {_prf(bar)}",
            f"ceiling, aligner (anchor_z {tuned['anchor_z']:g}, attach_z "
            f"{tuned['attach_z']:g}): {_prf(tuned)}",
            f"gold pairs: {ranks['gold_pairs']}, the best of their row or column: "
            f"{ranks['best_of_row_or_column']}, below the strongest false pair of their "
            f"article pair: {ranks['below_the_strongest_false_pair']}",
        ]
    return "\n".join(lines)


def _prf(figures: dict) -> str:
    return f"P {figures['precision']:.3f} R {figures['recall']:.3f} F1 {figures['f1']:.3f}"


@click.command("eval-guard")
@click.option(
    "--ntrex",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="NTREX news documents, one sentence a line: id, en, ru, uk [default: "
    "../shared/data/parallel/ntrex128_news_en_ru_uk.jsonl beside the repository].",
)
@click.option("--documents", default=30, show_default=True, help="How many documents to use.")
@MODEL_OPTION
@friendly_errors
def eval_guard_command(ntrex: Path | None, documents: int, model: str | None) -> None:
    """Count synthetic negations and swapped names linked as "same statement".

    Each Russian and Ukrainian NTREX sentence is aligned against its document's English
    sentences with its own translation negated, or with a shared name swapped; prints, per
    kind, how many such pairs the aligner links with and without the polarity and
    participant guard (JSON); and, without the model, how many generated pairs of people
    of two sides ("Russian soldiers" against «украинских военнослужащих») the guard vetoes,
    and of one side (none should be).

    Example:

        framing eval-guard --documents 30
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_guard import DEFAULT_NTREX, evaluate_guard

    write_object(evaluate_guard(ntrex or DEFAULT_NTREX, LazyEmbedder(model), documents), sys.stdout)


@click.command("lab-alignment-cv")
@MODEL_OPTION
@click.option("--top", default=10, show_default=True, help="In-sample grid points to print.")
@click.option(
    "--keep-briefing",
    is_flag=True,
    help="Choose only among grid points that keep the seed briefing (001-002) at its "
    "targets: every link shown F1 >= 0.85, confident P 1.0.",
)
@click.option(
    "--beta",
    default=1.0,
    show_default=True,
    help="Each fold chooses by the F-beta of every link shown: 1 is F1; 2 weighs recall "
    "four times precision (the issue's targets, candidate recall 0.85 at F1 0.55).",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    help="Search the decision grid (the score settings near the shipped point, wider "
    "candidate bars) with this candidate rule's values added (repeatable): "
    "candidate_taken_offset, candidate_margin, candidate_veto_offset, candidate_near_z, "
    "candidate_near_taken, candidate_second_z, candidate_neighbour_bonus (a pair diagonally "
    "next to a confident link), strip_offset (the reported content's offset, "
    "a score setting), merge_member_z (a merged unit's member's own z floor), "
    "word_length_ratio (the word score's smaller direction for uneven lengths). Without "
    "it: the score grid of earlier sessions.",
)
@click.option(
    "--decision-grid",
    is_flag=True,
    help="The decision grid without any rule (the baseline of --rule).",
)
@format_option(("text", "json"), default="text")
@friendly_errors
def lab_alignment_cv_command(
    model: str | None,
    top: int,
    keep_briefing: bool,
    beta: float,
    rules: tuple[str, ...],
    decision_grid: bool,
    fmt: str,
) -> None:
    """Choose the candidate tier's settings leaving one event out, over the seed and real
    dev gold.

    Each event is held out in turn; the grid point (clause_offset, token_weight,
    merge_margin, merge_offset, candidate_mutual_z, candidate_z) with the best shown-link
    F1 on the other events is scored on it, and the held-out counts are pooled. Prints
    each fold's choice, the pooled figures and the best in-sample grid points. Several
    minutes: the clause units and merged units of every sentence are encoded.

    Example:

        framing lab-alignment-cv --top 10

        framing lab-alignment-cv --keep-briefing

        framing lab-alignment-cv --keep-briefing --beta 2 --rule candidate_near_z
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.alignment_cv import GRID, alignment_cv
    from framing.lab.alignment_cv import decision_grid as rule_grid

    grid = rule_grid(rules) if rules or decision_grid else GRID
    found = alignment_cv(LazyEmbedder(model), grid, keep_briefing, beta)
    found["in_sample"] = found["in_sample"][:top]
    if fmt == "json":
        write_object(found, sys.stdout)
    else:
        click.echo(cv_as_text(found))


def cv_as_text(found: dict) -> str:
    def settings(point: dict) -> str:
        return ", ".join(f"{k} {v:g}" for k, v in point.items() if k in grid_keys)

    grid_keys = set(found["folds"][0]["settings"]) if found["folds"] else set()

    lines = [
        f"leave one event out, {found['grid_size']} grid points, chosen by F-beta "
        f"{found.get('beta', 1.0):g}, events {found['events']}"
    ]
    for fold in found["folds"]:
        lines.append(
            f"  held out {fold['held_out']}: {settings(fold['settings'])} "
            f"(train F1 {fold['train_f1']:.3f}) -> {_prf(fold)}"
        )
    held = found["held_out"]
    lines.append(
        f"pooled held-out, every link shown: {_prf(held)} (tp {held['tp']}, fp {held['fp']}, "
        f"fn {held['fn']}; candidate recall {held['recall']:.3f}, F-beta "
        f"{held.get('f_beta', held['f1']):.3f}); confident P "
        f"{found['held_out_confident_precision']:.3f}"
    )
    lines.append("in sample, best first:")
    lines += [f"  {settings(row)}: {_prf(row)}" for row in found["in_sample"]]
    return "\n".join(lines)


@click.command("lab-pair-head")
@MODEL_OPTION
@click.option(
    "--data",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="NTREX JSON Lines file (default: ../shared/data/parallel/ntrex128_news_en_ru_uk.jsonl).",
)
@click.option("--documents", default=40, show_default=True, help="NTREX documents drawn.")
@click.option("--synthetic", default=2000, show_default=True, help="Synthetic examples (0: none).")
@click.option("--gold-weight", default=3.0, show_default=True, help="0: no gold pairs.")
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--msrp",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="MSRP's msr_paraphrase_train.txt: real same-event pairs added to the training "
    "examples (session 18; kept outside the repository).",
)
@click.option("--msrp-count", default=2000, show_default=True, help="MSRP pairs drawn.")
@format_option(("text", "json"), default="text")
@friendly_errors
def lab_pair_head_command(
    model: str | None,
    data: Path | None,
    documents: int,
    synthetic: int,
    gold_weight: float,
    seed: int,
    msrp: Path | None,
    msrp_count: int,
    fmt: str,
) -> None:
    """Pilot of a trained pair scorer (issue 12): a cross-attention head over e5's token
    states, trained on synthetic NTREX pairs and the training events' gold, against the
    shipped candidate score on each held-out event's candidate pool (AUC per fold).

    Several minutes on 2 cores.

    Example:

        framing lab-pair-head --documents 40 --seed 0
    """
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_guard import DEFAULT_NTREX
    from framing.lab.pair_head import paraphrase_examples, pilot

    extra = paraphrase_examples(msrp, msrp_count, seed) if msrp is not None else None
    found = pilot(
        LazyEmbedder(model), data or DEFAULT_NTREX, documents, synthetic, gold_weight, seed,
        paraphrases=extra,
    )  # fmt: skip
    if fmt == "json":
        write_object(found, sys.stdout)
        return
    for fold in found["folds"]:
        plus = fold["auc_candidate_plus_head"]
        click.echo(
            f"{fold['held_out']}: pool {fold['pool']} ({fold['positives']} gold), AUC candidate "
            f"{fold['auc_candidate']:.3f}, head {fold['auc_head']:.3f}, coverage "
            f"{fold['auc_coverage']:.3f}; candidate + w * head "
            + ", ".join(f"{w:g}: {v:.3f}" for w, v in plus.items())
        )


@click.command("lab-cross-encoder")
@MODEL_OPTION
@click.option(
    "--data",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="NTREX JSON Lines file (default: ../shared/data/parallel/ntrex128_news_en_ru_uk.jsonl).",
)
@click.option("--seed", default=0, show_default=True)
@click.option("--groups", default=4, show_default=True, help="Folds: groups of held-out events.")
@click.option("--documents", default=40, show_default=True, help="NTREX documents drawn.")
@click.option("--synthetic", default=1000, show_default=True, help="Stage-1 synthetic pairs.")
@click.option("--replay", default=150, show_default=True, help="Synthetic pairs in stage 2.")
@click.option("--negatives", default=600, show_default=True, help="Gold negatives a fold.")
@click.option("--rank", default=8, show_default=True, help="LoRA rank.")
@click.option("--lr", default=2e-3, show_default=True, help="Learning rate (LoRA and head).")
@click.option("--epochs", default=2, show_default=True, help="Stage-2 epochs a fold.")
@click.option(
    "--scores",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON file for the held-out pool logits, written fold by fold.",
)
@click.option(
    "--from-scores",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Evaluate a --scores file (the folds it finished) without training.",
)
@format_option(("text", "json"), default="text")
@friendly_errors
def lab_cross_encoder_command(
    model: str | None,
    data: Path | None,
    seed: int,
    groups: int,
    documents: int,
    synthetic: int,
    replay: int,
    negatives: int,
    rank: int,
    lr: float,
    epochs: int,
    scores: Path | None,
    from_scores: Path | None,
    fmt: str,
) -> None:
    """Issue 12 lab: e5-small as a cross-encoder (both sentences in one input, LoRA),
    trained on synthetic NTREX pairs and the training events' gold, tested on each held-out
    group of events' candidate pool (AUC) and at the candidate tier's decision.

    About an hour on one thread (bf16 autocast); progress on stderr.

    Example:

        framing lab-cross-encoder --seed 0 --groups 4 --scores /tmp/ce_scores.json
    """
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.cross_encoder import evaluate, run
    from framing.lab.eval_guard import DEFAULT_NTREX
    from framing.lab.pair_head import gold_records

    if from_scores is not None:
        saved = json.loads(from_scores.read_text("utf-8"))
        found = evaluate(gold_records(LazyEmbedder(model)), saved)
    else:
        found = run(
            LazyEmbedder(model), data or DEFAULT_NTREX, seed, groups, documents, synthetic,
            replay, negatives, rank, lr, epochs, scores,
        )  # fmt: skip
    if fmt == "json":
        write_object(found, sys.stdout)
        return
    for fold in found["folds"]:
        plus = fold["auc_candidate_plus_ce"]
        base, chosen = fold["base"]["shown"], fold["chosen"]["shown"]
        click.echo(
            f"{' '.join(fold['held_out'])}: pool {fold['pool']} ({fold['positives']} gold), AUC "
            f"candidate {fold['auc_candidate']:.3f}, CE {fold['auc_ce']:.3f}; candidate + w * CE "
            + ", ".join(f"{w:g}: {v:.3f}" for w, v in plus.items())
            + f"; tier at w {fold['w']:g}: shown tp/fp/fn {base['tp']}/{base['fp']}/{base['fn']}"
            f" -> {chosen['tp']}/{chosen['fp']}/{chosen['fn']}"
        )
    click.echo(f"cost: {found['cost']}")


@click.command("lab-paraphrase-adapter")
@MODEL_OPTION
@click.option(
    "--msrp-train",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="MSRP's msr_paraphrase_train.txt (tab-separated, kept outside the repository).",
)
@click.option(
    "--msrp-test",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="MSRP's msr_paraphrase_test.txt: the adapter's own held-out AUC.",
)
@click.option(
    "--paraphraser",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="ParaPhraser's paraphrases.xml (Russian news headlines); a fifth held out.",
)
@click.option(
    "--ntrex",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="NTREX JSON Lines file (default: ../shared/data/parallel/ntrex128_news_en_ru_uk.jsonl).",
)
@click.option("--ntrex-count", default=1000, show_default=True, help="0: no NTREX pairs.")
@click.option("--seed", default=0, show_default=True)
@click.option("--epochs", default=4, show_default=True)
@click.option("--rank", default=0, show_default=True, help="0: a full matrix.")
@click.option("--identity-pull", default=1.0, show_default=True)
@click.option(
    "--cache",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An .npz file keeping the training sentences' vectors between runs.",
)
@click.option("--cv/--no-cv", default=True, show_default=True, help="Run the CV after training.")
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the matrix here (.npy) and the report beside it (.json).",
)
@format_option(("text", "json"), default="text")
@friendly_errors
def lab_paraphrase_adapter_command(
    model: str | None,
    msrp_train: Path,
    msrp_test: Path | None,
    paraphraser: Path | None,
    ntrex: Path | None,
    ntrex_count: int,
    seed: int,
    epochs: int,
    rank: int,
    identity_pull: float,
    cache: Path | None,
    cv: bool,
    save: Path | None,
    fmt: str,
) -> None:
    """A linear adapter over e5 sentence vectors trained on real same-event sentences of
    different outlets (MSRP, ParaPhraser) and NTREX translations (issue 12, session 18):
    its own held-out AUC, then, as a term of the candidate score, leave one event out over
    the CV pool against the same grid without it, and the candidate pool's AUC.

    Several minutes on 2 cores (the training sentences are encoded once into --cache).

    Example:

        framing lab-paraphrase-adapter --msrp-train /work/data_msrp/msr_paraphrase_train.txt
    """
    import json

    import numpy as np

    from framing.alignment.embedder import LazyEmbedder
    from framing.lab.eval_guard import DEFAULT_NTREX
    from framing.lab.paraphrase_adapter import TrainingData, adapter_cv, build

    embedder = LazyEmbedder(model)
    data = TrainingData(msrp_train, msrp_test, paraphraser, ntrex or DEFAULT_NTREX, ntrex_count)
    adapter, report = build(embedder, data, cache, seed, epochs, rank, identity_pull)
    report["data"] = {
        k: str(v) for k, v in vars(data).items() if v is not None and not isinstance(v, bool)
    }
    if cv:
        from framing.lab.alignment_pivot import load

        report["cv"] = adapter_cv(load(embedder), adapter)
    if save is not None:
        np.save(save, adapter.matrix)
        save.with_suffix(".json").write_text(json.dumps(report, indent=1), "utf-8")
    if fmt == "json":
        write_object(report, sys.stdout)
        return
    click.echo(adapter_as_text(report))


def adapter_as_text(report: dict) -> str:
    lines = [
        f"trained on {report['train_pairs']} (seed {report['seed']}, rank {report['rank']}, "
        f"distance from identity {report['distance_from_identity']})"
    ]
    for name, row in report["held_out_auc"].items():
        lines.append(
            f"  {name}: {row['pairs']} pairs, AUC plain {row['plain']:.4f} -> "
            f"adapted {row['adapted']:.4f}"
        )
    found = report.get("cv")
    if found:
        for arm in ("without", "with_adapter"):
            held = found[arm]["held_out"]
            lines.append(
                f"{arm}: held out {_prf(held)}, candidate recall {held['recall']:.3f}, "
                f"F2 {held['f2']:.3f}, confident P {found[arm]['held_out_confident_precision']:.3f}"
            )
        for gold, row in found["pool_auc"].items():
            lines.append(f"  pool AUC {gold}: {row}")
    return "\n".join(lines)
