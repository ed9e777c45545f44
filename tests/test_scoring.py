"""`framing score`: profiles with evidence, highlights with offsets, streaming records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def seed_records() -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["score", str(SEEDS), "-s"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {r["source"].split("/")[-1][:3]: r for r in records}


def flagged(record: dict, category: str | None = None) -> list[str]:
    return [
        h["text"]
        for h in record["highlights"]
        if h["source"] == "lexicon" and (category is None or h["category"] == category)
    ]


def test_001_loaded_wording(seed_records: dict[str, dict]) -> None:
    record = seed_records["001"]
    # each highlight covers its phrase (framing/wording/phrase_completion.py)
    assert flagged(record, "pejorative_label") == [
        "пропагандистскими СМИ",
        "страны-агрессора России",
    ]
    assert flagged(record, "delegitimising_qualifier") == [
        "так называемых справедливых договоренностей"
    ]
    for h in record["highlights"]:
        assert h["explanation"] and h["sentence"] is not None


def test_each_highlight_says_what_was_matched_in_it(seed_records: dict[str, dict]) -> None:
    # the span the lexicon found, inside the widened phrase (the whole span where nothing
    # widened it): the word the explanation is about
    record = seed_records["001"]
    matched = {h["text"]: h["matched"]["text"] for h in record["highlights"]}
    assert matched["так называемых справедливых договоренностей"] == "так называемых"
    assert matched["страны-агрессора России"] == "страны-агрессора"
    assert matched["пропагандистскими СМИ"] == "пропагандистскими СМИ"  # a two-word entry
    assert matched["Напомним, что"] == "Напомним, что"  # an insertion is never widened
    for record in seed_records.values():
        text = (ROOT / record["source"]).read_text("utf-8")
        for h in [*record["highlights"], *record["title_highlights"]]:
            m = h["matched"]
            assert set(m) == {"start", "end", "text"}
            assert h["start"] <= m["start"] < m["end"] <= h["end"]
            assert m["text"] == h["text"][m["start"] - h["start"] : m["end"] - h["start"]]
            assert m["text"] in text


def test_000_hedges(seed_records: dict[str, dict]) -> None:
    hedges = flagged(seed_records["000"], "distancing_hedge")
    assert hedges == ["предполагаемыми нарушениями", "якобы", "якобы"]
    hedges = seed_records["000"]["scores"]["hedges_per_100_words"]
    assert len(hedges["evidence"]) == 3
    assert hedges["value"] == round(100 * 3 / seed_records["000"]["scores"]["words"], 2)


def test_001_recap_is_an_editorial_insertion(seed_records: dict[str, dict]) -> None:
    record = seed_records["001"]
    recap = [h for h in record["highlights"] if h["category"] == "editorial_recap"]
    assert [h["text"] for h in recap] == ["Напомним, что"]
    share = record["scores"]["editorial_insertion_share"]
    assert recap[0]["sentence"] in share["evidence"]


def test_evidence_points_at_highlights(seed_records: dict[str, dict]) -> None:
    for record in seed_records.values():
        for name, figure in record["scores"]["loaded_per_100_words"].items():
            for number in figure["evidence"]:
                assert record["highlights"][number]["category"] == name


def test_002_neutral_reporting_has_no_loaded_words(seed_records: dict[str, dict]) -> None:
    # Sputnik's 2024 report attributes everything and uses no lexicon term. Its closing
    # paragraph of dates and "took place" is not counted as its own asides any more: a
    # teacher marked those false alarms (they made its share 36 %).
    assert flagged(seed_records["002"]) == []
    assert seed_records["002"]["scores"]["editorial_insertion_share"]["value"] == 0


def test_suggestions_by_default_and_no_suggestions_for_lexicon_only() -> None:
    text = "Киевский режим снова цинично лжёт, а его марионетки устроили кровавую бойню."
    record = json.dumps({"id": "x", "text": text, "lang": "ru"})
    default = CliRunner().invoke(cli, ["score", "-", "-s"], input=record.encode())
    plain = CliRunner().invoke(cli, ["score", "-", "-s", "--no-suggestions"], input=record.encode())
    sources = {h["source"] for h in json.loads(default.stdout)["highlights"]}
    assert sources == {"lexicon", "model"}
    for h in json.loads(default.stdout)["highlights"]:
        assert h["category"] and 0 < h["confidence"] <= 1
    assert {h["source"] for h in json.loads(plain.stdout)["highlights"]} == {"lexicon"}


def test_more_suggestions_keep_every_default_one_and_need_the_suggestions_on() -> None:
    # real reports, each with one loaded sentence added: on the pages themselves the
    # detector, seeing plain reports, suggested nothing at either bar (issue 13, session 7)
    page = ROOT / "tests" / "gold" / "real_articles"
    texts = [json.loads(p.read_text("utf-8")) for p in sorted(page.glob("*.json"))[:6]]
    added = {
        "ru": "Эти жалкие прихвостни Запада цинично лгут своему народу.",
        "uk": "Ці жалюгідні посіпаки Кремля цинічно брешуть своєму народові.",
        "en": "These pathetic puppets shamelessly lie to their own people.",
    }
    lines = "\n".join(
        json.dumps({"id": str(n), "text": f"{t['text']} {added[t['lang']]}", "lang": t["lang"]})
        for n, t in enumerate(texts)
    )
    runs = {}
    for mode in ([], ["--more-suggestions"]):
        result = CliRunner().invoke(cli, ["score", "-", "-s", *mode], input=lines.encode())
        assert result.exit_code == 0, result.output
        runs[bool(mode)] = [
            [
                (h["start"], h["end"])
                for h in json.loads(line)["highlights"]
                if h["source"] == "model"
            ]
            for line in result.stdout.splitlines()
        ]
    assert sum(map(len, runs[True])) > sum(map(len, runs[False]))  # a lower bar finds more
    for default, more in zip(runs[False], runs[True], strict=True):
        for start, end in default:  # each default suggestion lies inside a wider-mode one
            assert any(a <= start and end <= b for a, b in more), (start, end, more)
    refused = CliRunner().invoke(cli, ["score", "-", "--no-suggestions", "--more-suggestions"])
    assert refused.exit_code == 2 and "needs the suggestions on" in refused.output


def test_stdin_jsonl_carries_input_id_and_refusals() -> None:
    records = "\n".join(
        [
            json.dumps(
                {
                    "id": "a-1",
                    "text": "Так называемый референдум прошёл якобы успешно, "
                    "сообщили местные власти в понедельник.",
                    "lang": "ru",
                }
            ),
            "{broken",
            json.dumps(
                {
                    "id": "a-3",
                    "text": "The so-called referendum allegedly went well, "
                    "local officials said on Monday.",
                }
            ),
        ]
    )
    result = CliRunner().invoke(cli, ["score", "-"], input=records.encode())
    assert result.exit_code == 1
    assert result.stderr.startswith("refused stdin:2: malformed JSON line")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input_id"] for r in out] == ["a-1", "a-3"]
    assert [r["lang"] for r in out] == ["ru", "en"]
    for record in out:
        text_source = "ru" if record["lang"] == "ru" else "en"
        assert record["highlights"], text_source


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonl"])
def test_a_folder_with_bad_files_scores_the_good_ones_and_says_why_it_failed(
    tmp_path, fmt: str
) -> None:
    """A researcher's folder: two seeds, a binary file, an empty one, a record without text.
    The output holds the two, whole in each format; each refusal is on stderr, and a last
    line there says what the exit status 1 means (it was only the status; QA, session 19)."""
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    for seed in seeds:
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "photo.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "wrong.json").write_text('{"text": 5}')
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "--no-suggestions", "-s",
                                      "--format", fmt])  # fmt: skip
    assert result.exit_code == 1, result.stderr
    if fmt == "json":
        scored = json.loads(result.stdout)
    elif fmt == "csv":
        scored = list(csv.DictReader(io.StringIO(result.stdout)))
    else:
        scored = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["source"].rsplit("/", 1)[-1] for r in scored) == [s.name for s in seeds]
    lines = result.stderr.splitlines()
    assert sorted(line.split(":")[0] for line in lines[:-1]) == [
        f"refused {tmp_path / name}" for name in ("empty.txt", "photo.json", "wrong.json")
    ]
    assert lines[-1] == "Scored 2 articles; refused 3 inputs (listed above): exit status 1."


def test_the_limit_a_refusal_points_at_is_an_option_of_score_and_compare(tmp_path) -> None:
    """The refusal "too large: … (raise the limit with --max-bytes …)" was said by `score`,
    which had no --max-bytes (QA, session 19); `compare` reads files too."""
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:2]]
    small = CliRunner().invoke(cli, ["score", seeds[0], "--no-suggestions", "-s",
                                     "--max-bytes", "100"])  # fmt: skip
    assert small.exit_code == 1 and small.stdout == ""
    assert "too large: more than 100 bytes (raise the limit with --max-bytes" in small.stderr
    enough = CliRunner().invoke(cli, ["score", seeds[0], "--no-suggestions", "-s",
                                      "--max-bytes", "1000000"])  # fmt: skip
    assert enough.exit_code == 0 and len(enough.stdout.splitlines()) == 1
    db = str(tmp_path / "x.db")
    compared = CliRunner().invoke(cli, ["compare", *seeds, "--db", db, "--max-bytes", "100"])
    assert compared.exit_code == 1
    assert "too large: more than 100 bytes (raise the limit with --max-bytes" in compared.stderr


def test_csv_flattens_scores() -> None:
    result = CliRunner().invoke(cli, ["score", str(SEEDS), "-s", "--format", "csv"])
    header = result.stdout.splitlines()[0].split(",")
    assert "hedges_per_100_words" in header and "attributed_sentence_share" in header
    assert "loaded.pejorative_label" in header and "highlights" not in header
    assert len(result.stdout.splitlines()) == 5


def test_two_workers_equal_one(tmp_path) -> None:
    one = CliRunner().invoke(cli, ["score", str(SEEDS), "-s"]).stdout
    two = CliRunner().invoke(cli, ["score", str(SEEDS), "-s", "--workers", "2"])
    assert two.stdout == one


# loaded wording written for this test (not from an annotated set)
POSTS = [
    {
        "id": "ru",
        "lang": "ru",
        "text": "Эти бездарные клоуны из правительства опять врут народу "
        "в глаза. Их жалкие оправдания никого не обманут, а продажные журналисты послушно "
        "повторяют каждую ложь.",
    },
    {
        "id": "en",
        "lang": "en",
        "text": "The corrupt clowns in the capital are lying to our "
        "faces again. Their pathetic excuses fool nobody, and the bought-and-paid-for press "
        "parrots every lie.",
    },
]


def _suggestions(*args: str) -> list[list[tuple[str, float]]]:
    stdin = "\n".join(json.dumps(post, ensure_ascii=False) for post in POSTS)
    # env: the --detector option sets FRAMING_DETECTOR for the process and its workers;
    # naming it here makes the runner restore it afterwards
    result = CliRunner().invoke(
        cli, ["score", "-", "-s", *args], input=stdin, env={"FRAMING_DETECTOR": None}
    )
    assert result.exit_code == 0, result.output
    return [
        [(h["text"], h["confidence"]) for h in json.loads(line)["highlights"]]
        for line in result.stdout.splitlines()
    ]


def test_the_quick_detector_is_chosen_for_every_worker() -> None:
    """`--detector quick` reads the quick head in the workers too (spawned processes see
    only what they inherit): two workers give what one gives, and not the deep head's."""
    deep = _suggestions()
    quick = _suggestions("--detector", "quick")
    assert all(quick) and quick != deep
    assert _suggestions("--detector", "quick", "--workers", "2") == quick
    assert _suggestions("--detector", "deep", "--workers", "2") == deep


def test_an_unknown_detector_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        cli, ["score", "-", "--detector", "huge"], input="", env={"FRAMING_DETECTOR": None}
    )
    assert result.exit_code == 2
    assert "No detector 'huge'" in result.output and "quick" in result.output


def test_workers_keep_input_order_across_batches() -> None:
    """Records come out in input order when a pool scores the next batch while this one is
    written: 150 inputs (three batches of two workers' 64 and a rest), refusals among them."""
    from framing.scoring import BATCH

    lines = []
    for k in range(150):
        if k % 37 == 5:
            lines.append("{broken")
        else:
            words = " ".join(["Местные власти сообщили о так называемом референдуме"] * (1 + k % 7))
            lines.append(json.dumps({"id": f"r{k}", "text": f"{words} номер {k}.", "lang": "ru"}))
    assert len(lines) > 2 * BATCH * 2
    stdin = "\n".join(lines)
    args = ["score", "-", "--no-suggestions", "--format", "jsonl"]
    one = CliRunner().invoke(cli, args, input=stdin)
    two = CliRunner().invoke(cli, [*args, "--workers", "2"], input=stdin)
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout and two.stderr == one.stderr
    ids = [json.loads(line)["input_id"] for line in two.stdout.splitlines()]
    assert ids == [f"r{k}" for k in range(150) if k % 37 != 5]


def _blas_threads(_: int) -> int:
    from threadpoolctl import threadpool_info

    return max((pool["num_threads"] for pool in threadpool_info()), default=1)


def test_each_worker_keeps_to_its_share_of_the_cores() -> None:
    """A worker's numpy (BLAS) uses its share of the cores, not all of them: two workers of
    two BLAS threads each on two cores made the detector head wait on itself."""
    import multiprocessing

    from framing.scoring import _worker_threads

    with multiprocessing.get_context("spawn").Pool(
        1, initializer=_worker_threads, initargs=(1,)
    ) as pool:
        assert pool.map(_blas_threads, [0]) == [1]


def test_each_record_names_its_detector() -> None:
    """A record says which detector made its suggestions (the two find different things),
    in JSON Lines and CSV alike, with one worker or two; none without suggestions."""
    stdin = "\n".join(json.dumps(post, ensure_ascii=False) for post in POSTS)

    def detectors(*args: str) -> list[str]:
        result = CliRunner().invoke(
            cli, ["score", "-", "-s", *args], input=stdin, env={"FRAMING_DETECTOR": None}
        )
        assert result.exit_code == 0, result.output
        if "csv" in args:
            return [row["detector"] for row in csv.DictReader(io.StringIO(result.stdout))]
        return [json.loads(line)["detector"] for line in result.stdout.splitlines()]

    assert detectors() == ["deep", "deep"]
    assert detectors("--detector", "quick") == ["quick", "quick"]
    assert detectors("--detector", "quick", "--workers", "2") == ["quick", "quick"]
    assert detectors("--detector", "quick", "--format", "csv") == ["quick", "quick"]
    assert detectors("--no-suggestions") == [None, None]


def test_a_text_in_an_unsupported_language_is_scored_with_a_warning() -> None:
    """ingest warns that a German text gets generic analysis; score gave its zeros
    silently, as if the text were plain."""
    records = "\n".join(
        json.dumps({"id": key, "text": text})
        for key, text in [
            (
                "de",
                "Der Kreml hat am Montag Berichte über ein Telefongespräch zwischen Putin und "
                "Trump dementiert. Das sei reine Erfindung, sagte Sprecher Peskow in Moskau.",
            ),
            ("en", "The so-called referendum allegedly went well, local officials said."),
        ]
    )
    result = CliRunner().invoke(cli, ["score", "-", "--no-suggestions"], input=records.encode())
    assert result.exit_code == 0
    assert [json.loads(line)["lang"] for line in result.stdout.splitlines()] == ["de", "en"]
    assert result.stderr.splitlines()[-1] == (
        "warning stdin:1: language 'de' is not one of ru, uk, en: scored, but segmentation and "
        "wording analysis are generic"
    )
    # a country code for a language (Ukraine's "ua" for Ukrainian "uk") names the code meant
    given = json.dumps(
        {"text": "Пєсков заперечив телефонну розмову Путіна з Трампом.", "lang": "ua"}
    )
    mixed = CliRunner().invoke(cli, ["score", "-", "--no-suggestions"], input=given)
    assert mixed.stderr.splitlines()[-1].endswith("are generic (for 'uk', give --lang uk)")
    # --silent drops the warning too, and its help says so (it said "No progress bar."
    # only: a researcher's -s run hid that a text was not scored as ru/uk/en; session 20)
    quiet = CliRunner().invoke(cli, ["score", "-", "--no-suggestions", "-s"], input=records)
    assert (quiet.stderr, quiet.stdout) == ("", result.stdout)
    helped = " ".join(CliRunner().invoke(cli, ["score", "--help"]).stdout.split())
    assert "-s, --silent No progress bar, and no warnings (a language other than ru," in helped


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_ctrl_c_ends_the_output_whole_and_says_so(tmp_path, fmt: str) -> None:
    """Ctrl-C halfway through `framing score corpus --format json > out.json` left a JSON
    list never closed (unreadable) with "Aborted!" and exit status 1, the status of a
    refused input. A FIFO after a seed holds the command in its input (its writer end opens
    once the command reads it), where the interrupt arrives."""
    import os
    import signal
    import subprocess

    from .test_crash_safety import ENV, FRAMING

    fifo = tmp_path / "more.txt"
    os.mkfifo(fifo)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    args = ["score", str(seed), str(fifo), "--no-suggestions", "-s", "--format", fmt]
    run = subprocess.Popen(
        [*FRAMING, *args],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a child of a shell's background job inherits an ignored SIGINT: restore it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    with open(fifo, "w"):  # blocks until the command opens the FIFO to read it
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    n = len(json.loads(out)) if fmt == "json" else len(list(csv.DictReader(io.StringIO(out))))
    assert n in (0, 1)
    assert f"Interrupted: the output holds the first {n} article" in err
    assert "Run the command again to score them all." in err
    assert "Traceback" not in err


def test_a_code_page_guess_is_reported_as_ingest_reports_it(tmp_path) -> None:
    """`framing ingest` says "not UTF-8: decoded as cp1251, a guess …" of a legacy file;
    `framing score` scored it without a word (QA, session 20)."""
    text = (
        "Песков заявил журналистам, что Кремль не получал предложений о встрече.\n\n"
        "По его словам, график президента на следующую неделю ещё не составлен.\n"
    )
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1251"))
    (tmp_path / "plain.txt").write_text(text.replace("Песков", "Дмитрий Песков"), "utf-8")
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "--no-suggestions"])
    assert result.exit_code == 0, result.stderr
    records = {Path(r["source"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    guess = "not UTF-8: decoded as cp1251, a guess from its bytes: check the text"
    assert records["legacy.txt"]["decoding"] == guess
    assert records["plain.txt"]["decoding"] is None
    assert f"warning {tmp_path / 'legacy.txt'}: {guess}" in result.stderr.splitlines()
    assert "plain.txt" not in result.stderr
