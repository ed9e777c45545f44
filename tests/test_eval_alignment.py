"""The alignment evaluation: scoring, the hindsight ceiling, and `framing eval-alignment`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.errors import FramingError
from framing.lab.eval_alignment import GoldPair, alignment_ceiling, score_pairs

from .conftest import ROOT, SEEDS


def _pair(z: list[list[float]], expected: set[tuple[int, int]]) -> GoldPair:
    return GoldPair("a", "b", np.array(z), expected, same_event=True)


def test_ceiling_takes_the_best_bar_and_the_best_aligner_setting() -> None:
    # Gold: (0, 0) strong, (1, 0) a weak many-to-one member; (2, 1) is a strong false pair.
    pair = _pair([[7.0, 1.0], [4.0, 1.0], [1.0, 6.0]], {(0, 0), (1, 0)})
    ceiling = alignment_ceiling([pair], grid=[3.0, 5.0, 6.5])
    # One bar: 3.0 takes both gold pairs and the false one (F1 0.8); 6.5 only (0, 0) (0.667).
    assert ceiling["one_bar"] == {
        "precision": 0.667,
        "recall": 1.0,
        "f1": 0.8,
        "bar": 3.0,
        "tp": 2,
        "fp": 1,
        "fn": 0,
    }
    # The aligner: anchors at 6.5 keep (2, 1) out, attaching at 3.0 brings (1, 0) in.
    assert ceiling["aligner"]["f1"] == 1.0
    assert (ceiling["aligner"]["anchor_z"], ceiling["aligner"]["attach_z"]) == (6.5, 3.0)
    assert ceiling["gold_ranks"] == {
        "gold_pairs": 2,
        "best_of_row_or_column": 2,
        "below_the_strongest_false_pair": 1,
    }


def test_pairs_without_gold_links_count_only_their_false_links() -> None:
    linked = _pair([[7.0]], {(0, 0)})
    unlinked = GoldPair("c", "d", np.array([[9.0]]), set(), same_event=False)
    scores = score_pairs([linked, unlinked])
    # 9.0 passes even the cross-event bar (7.5): a false link of the unlinked pair.
    assert (scores["precision"], scores["recall"]) == (0.5, 1.0)
    assert [p["fp"] for p in scores["pairs"]] == [0, 1]
    assert alignment_ceiling([unlinked])["gold_ranks"]["gold_pairs"] == 0


def test_tiers_and_candidate_recall() -> None:
    # (0, 0) is a confident link; (1, 1) at 5.0 is under the anchor bar (5.5) but over the
    # candidate bar (4.5): shown as a possible counterpart; (2, 2) at 2.0 is not shown.
    z = [[7.0, 1.0, 1.0], [1.0, 5.0, 1.0], [1.0, 1.0, 2.0]]
    scores = score_pairs([_pair(z, {(0, 0), (1, 1), (2, 2)})], anchor_z=5.5, candidate_z=4.5)
    assert (scores["tiers"]["same statement"]["tp"], scores["tiers"]["same statement"]["fn"]) == (
        1,
        2,
    )
    assert scores["tiers"]["possible counterpart"]["tp"] == 1
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 0, 1)
    assert scores["candidate_recall"] == 0.667
    assert scores["pairs"][0]["confident_precision"] == 1.0


def test_restatements_count_when_the_pair_has_its_within_article_scores() -> None:
    # (0, 0) is a confident link; A 1 restates A 0 (within-article z 6.0) and scores 4.0
    # against B 0: under the candidate bars, shown only through the restatement.
    z = [[7.0, 1.0], [4.0, 1.0]]
    inner = (np.array([[10.0, 6.0], [6.0, 10.0]]), np.eye(2) * 10.0)
    pair = GoldPair("a", "b", np.array(z), {(0, 0), (1, 0)}, True, inner=inner)
    on = {"restate_z": 3.5, "restate_inner_z": 5.0, "restate_legs": 0.0}
    found = score_pairs([pair], anchor_z=5.5, attach_z=6.0, **on)
    assert (found["tp"], found["fp"], found["fn"]) == (2, 0, 0)
    assert score_pairs([pair], anchor_z=5.5, attach_z=6.0, **{**on, "restate_z": 99.0})["tp"] == 1
    bare = GoldPair("a", "b", np.array(z), {(0, 0), (1, 0)}, True)
    assert score_pairs([bare], anchor_z=5.5, attach_z=6.0, **on)["tp"] == 1


def test_eval_alignment_on_the_seeds(model) -> None:
    result = CliRunner().invoke(cli, ["eval-alignment", "--ceiling", "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    floors = json.loads((ROOT / "tests" / "quality_floors.json").read_text("utf-8"))
    assert scores["f1"] >= floors["seed_alignment_shown_f1"]
    assert scores["tiers"]["same statement"]["f1"] >= floors["seed_alignment_f1"]
    assert [(p["a"], p["b"]) for p in scores["pairs"]] == [
        ("001", "002"),
        ("000", "003"),
        ("001", "000"),
        ("002", "003"),
    ]
    # The ceiling (confident links only) is at least what the shipped settings reach.
    assert scores["ceiling"]["aligner"]["f1"] >= scores["tiers"]["same statement"]["f1"]
    assert scores["candidate_recall"] == scores["recall"]
    assert scores["ceiling"]["gold_ranks"]["gold_pairs"] == 23
    text = CliRunner().invoke(cli, ["eval-alignment", "--format", "text"]).output.splitlines()
    assert text[0].startswith("alignment, every link shown: P ")
    assert text[1].startswith("  tier 'same statement': P ")
    assert text[3].startswith("  candidate recall: ")
    assert text[4].startswith("  001-002 (same event): P ")


def test_eval_alignment_names_missing_articles(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS / "001_baba75e69117e0d8.txt", folder / "001_report.txt")
    (folder / "000_empty.txt").write_text("", "utf-8")
    gold = ROOT / "tests" / "gold" / "seed_alignment.yaml"
    result = CliRunner().invoke(
        cli, ["eval-alignment", "--gold", str(gold), "--articles", str(folder)]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: seed_alignment.yaml names articles 000, 002, 003, but {folder} holds no "
        "file called NAME_….txt for them (refused: 000_empty.txt: empty file)\n"
    )


def _gold_sentences(folders: list[str], tmp_path: Path) -> dict[str, list[str]]:
    """Each article's segmented sentences, by gold name, as ingest stores them."""
    from framing.ingest import ingest
    from framing.settings import setting
    from framing.store import open_store
    from framing.text.readers import read_inputs

    with open_store(tmp_path / "gold.db") as store:
        results = list(ingest(read_inputs(folders, setting("max_input_bytes")), store))
        return {
            Path(r.source).name.split("_", 1)[0]: [
                s["text"] for s in store.article(r.article_id)["sentences"]
            ]
            for r in results
        }


def _check_keys_and_coverage(
    gold: dict, sentences: dict[str, list[str]], key_lengths: bool = False
) -> None:
    """Every key names one sentence (and with ``key_lengths`` has 10-60 characters, as the
    seed gold's header asks; the dev gold has shorter ones), and every sentence of both
    articles is in exactly one link or in only_a / only_b, per pair."""
    from framing.lab.eval_alignment import sentence_index

    for pair in gold["pairs"]:
        assert all(link["kind"] in ("equivalent", "partial") for link in pair["links"])
        for side, only in (("a", "only_a"), ("b", "only_b")):
            text = sentences[pair[side]]
            where = f"{pair['a']}-{pair['b']}"
            keys = [k for x in pair["links"] for k in x[side]] + pair[only]
            assert not key_lengths or all(10 <= len(k) <= 60 for k in keys), (where, side)
            used = [sentence_index(text, k, where) for k in keys]
            assert sorted(used) == list(range(len(text))), (where, side)


def test_real_gold_keys_and_coverage(tmp_path: Path) -> None:
    """Every key of the real dev gold names one sentence, and every sentence of both
    articles is accounted for exactly once per pair (a link, only_a or only_b)."""
    import yaml

    folders = [str(ROOT / "tests" / "gold" / f) for f in ("real_articles", "real_events_articles")]
    gold = yaml.safe_load((ROOT / "tests" / "gold" / "real_alignment.yaml").read_text("utf-8"))
    sentences = _gold_sentences(folders, tmp_path)
    assert len(sentences) == 18 + 32 and len(gold["pairs"]) == 33
    _check_keys_and_coverage(gold, sentences)


def test_fresh_gold_keys_coverage_and_events(tmp_path: Path) -> None:
    """The fresh (out-of-sample) gold holds to the same rules as the dev gold, its events
    file groups exactly its articles with each pair inside one event, and none of its
    articles is in the dev gold's folders or event grouping (it was never tuned on)."""
    import yaml

    here = ROOT / "tests" / "gold"
    gold = yaml.safe_load((here / "fresh_alignment.yaml").read_text("utf-8"))
    sentences = _gold_sentences([str(here / "fresh_alignment_articles")], tmp_path)
    assert len(sentences) == 11 and len(gold["pairs"]) == 10
    _check_keys_and_coverage(gold, sentences, key_lengths=True)
    events = yaml.safe_load((here / "fresh_events.yaml").read_text("utf-8"))["events"]
    event_of = {name: event for event, names in events.items() for name in names}
    assert sorted(event_of) == sorted(sentences)
    assert all(event_of[p["a"]] == event_of[p["b"]] for p in gold["pairs"])
    dev = yaml.safe_load((here / "real_events.yaml").read_text("utf-8"))["events"]
    assert not set(event_of) & {n for names in dev.values() for n in names}
    urls = {
        json.loads(f.read_text("utf-8"))["url"]
        for folder in ("real_articles", "real_events_articles", "fresh_pages")
        for f in (here / folder).glob("*.json")
    }
    fresh = [
        json.loads(f.read_text("utf-8")) for f in (here / "fresh_alignment_articles").glob("*.json")
    ]
    assert not {a["url"] for a in fresh} & urls
    assert all(a["date"] < "2025" for a in fresh)  # later reports are kept for independent checks


# The untouched out-of-sample golds (never tuned on), each with its articles and events file.
HOLDOUTS = {
    "holdout": ("holdout_alignment.yaml", "holdout_alignment_articles", "holdout_events.yaml"),
    "holdout2": ("holdout2_alignment.yaml", "holdout2_alignment_articles", "holdout2_events.yaml"),
    "holdout3": ("holdout3_alignment.yaml", "holdout3_alignment_articles", "holdout3_events.yaml"),
}


@pytest.mark.parametrize("which", sorted(HOLDOUTS))
def test_holdout_gold_keys_coverage_events_and_dates(which: str, tmp_path: Path) -> None:
    """Each holdout (out-of-sample) gold holds to the same rules as the fresh gold: every key
    names one sentence, every sentence is accounted for once per pair, each pair is
    cross-lingual and inside one event of its events file, each event's reports are dated
    within a day of each other and before 2025, and none of its articles, URLs or events is
    in the dev gold, the fresh gold, the other holdouts or their event groupings (it was never
    tuned on)."""
    from datetime import date

    import yaml

    here = ROOT / "tests" / "gold"
    gold_file, folder, events_file = HOLDOUTS[which]
    gold = yaml.safe_load((here / gold_file).read_text("utf-8"))
    sentences = _gold_sentences([str(here / folder)], tmp_path)
    assert len(sentences) == 12 and len(gold["pairs"]) == 12
    _check_keys_and_coverage(gold, sentences, key_lengths=True)
    articles = {
        f.name.split("_", 1)[0]: json.loads(f.read_text("utf-8"))
        for f in (here / folder).glob("*.json")
    }
    langs = [frozenset((articles[p["a"]]["lang"], articles[p["b"]]["lang"])) for p in gold["pairs"]]
    assert all(len(pair) == 2 for pair in langs)
    assert langs.count(frozenset(("ru", "uk"))) >= 3 and langs.count(frozenset(("uk", "en"))) >= 3
    events = yaml.safe_load((here / events_file).read_text("utf-8"))["events"]
    event_of = {name: event for event, names in events.items() for name in names}
    assert sorted(event_of) == sorted(sentences)
    assert all(event_of[p["a"]] == event_of[p["b"]] for p in gold["pairs"])
    for names in events.values():
        days = [date.fromisoformat(articles[n]["date"]) for n in names]
        assert (max(days) - min(days)).days <= 1, names
        assert max(days) < date(2025, 1, 1)  # later reports are kept for independent checks
    others = [("real_events.yaml", ("real_articles", "real_events_articles", "fresh_pages"))]
    others.append(("fresh_events.yaml", ("fresh_alignment_articles",)))
    others += [(e, (f,)) for name, (_, f, e) in HOLDOUTS.items() if name != which]
    for other_events, folders in others:
        grouped = yaml.safe_load((here / other_events).read_text("utf-8"))["events"]
        assert not set(event_of) & {n for names in grouped.values() for n in names}
        assert not set(events) & set(grouped)
        urls = {
            json.loads(f.read_text("utf-8"))["url"]
            for folder in folders
            for f in (here / folder).glob("*.json")
        }
        assert not {a["url"] for a in articles.values()} & urls


def test_eval_alignment_reads_several_folders_and_refuses_a_name_twice(tmp_path: Path) -> None:
    """Articles of one gold may lie in two folders; one gold name in both is refused, not
    silently taken from the last folder read."""
    from framing.lab.eval_alignment import ingest_named
    from framing.store import open_store

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    shutil.copy(SEEDS / "001_baba75e69117e0d8.txt", first / "001_report.txt")
    shutil.copy(SEEDS / "002_ccb178ec64053251.txt", second / "002_report.txt")
    gold = tmp_path / "gold.yaml"
    with open_store(tmp_path / "a.db") as store:
        found = ingest_named(store, [first, second], ["001", "002"], gold)
    assert sorted(found) == ["001", "002"] and len(set(found.values())) == 2
    shutil.copy(SEEDS / "000_57080968c63dae2c.txt", second / "001_other.txt")
    with open_store(tmp_path / "b.db") as store, pytest.raises(FramingError, match="001_"):
        ingest_named(store, [first, second], ["001", "002"], gold)
