"""`framing compare` on the seeds: the claim matrix, the contract, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.compare import compare
from framing.errors import FramingError, NotFound
from framing.store import open_store


def index_of(article: dict, key: str) -> int:
    [found] = [s["index"] for s in article["sentences"] if key in s["text"]]
    return found


@pytest.fixture(scope="module")
def peskov_2024(seed_module_copy: Path, seed_ids: dict[str, str], model) -> dict:
    with open_store(seed_module_copy) as store:
        return compare(store, [seed_ids["001"], seed_ids["002"]], model, phrases=False)


def linked(result: dict, key_a: str, key_b: str) -> bool:
    ru, en = result["articles"]
    i, j = index_of(ru, key_a), index_of(en, key_b)
    return any(i in link["a"] and j in link["b"] for link in result["pairs"][0]["links"])


@pytest.mark.parametrize(
    ("ru", "en"),
    [
        ("А зачем нам связываться", "No, why should they have been in touch"),
        ("Организация каждой встречи требует", "Any meeting between presidents"),
        ("не ведутся никакие подготовительные действия", "No work is currently underway"),
        ("Россия допускает возможность контактов", "is not excluded, Peskov said"),
        ("не контактировала с Трампом", "did not have any contacts"),
    ],
)
def test_required_links(peskov_2024: dict, ru: str, en: str) -> None:
    assert linked(peskov_2024, ru, en)


def test_unaligned_background_and_recap(peskov_2024: dict) -> None:
    ru, en = peskov_2024["articles"]
    pair = peskov_2024["pairs"][0]
    for key in ("Напомним, что", "страны-агрессора", "рабочего визита в Казахстан"):
        assert index_of(ru, key) in pair["only_a"], key
    for key in (
        "The Electoral College, the group",
        "Kamala Harris conceded",
        "Valdai will",
        "non-consecutive terms",
    ):
        assert index_of(en, key) in pair["only_b"], key


def test_contract(peskov_2024: dict, seed_ids: dict[str, str]) -> None:
    assert set(peskov_2024) >= {"articles", "pairs", "claims", "insertions", "quotes"}
    ru, en = peskov_2024["articles"]
    assert (ru["id"], en["id"]) == (seed_ids["001"], seed_ids["002"])
    assert set(ru) >= {"id", "outlet", "lang", "title", "date", "sentences"}
    pair = peskov_2024["pairs"][0]
    assert pair["same_event"] is True
    for link in pair["links"]:
        assert {"a", "b", "score", "kind", "tier"} <= set(link) <= {*link, "check"}
        assert link["kind"] in {"equivalent", "partial"}
        assert link["tier"] in {"same statement", "possible counterpart"}
        if link["tier"] == "possible counterpart":
            assert len(link["a"]) == len(link["b"]) == 1 and link["kind"] == "partial"
    tiers = {link["tier"] for link in pair["links"]}
    assert tiers == {"same statement", "possible counterpart"}
    # Every sentence of both articles is in exactly one claim row.
    for article in (ru, en):
        rows = [i for claim in peskov_2024["claims"] for i in claim.get(article["id"], [])]
        assert sorted(rows) == list(range(len(article["sentences"])))
    # Shared rows: one per confident link, plus possible counterparts between sentences with
    # no confident link (one per sentence); no sentence shown is also "no counterpart found".
    confident = [x for x in pair["links"] if x["tier"] == "same statement"]
    sure = {i for x in confident for i in x["a"]} | {-1 - j for x in confident for j in x["b"]}
    free = [
        x
        for x in pair["links"]
        if x["tier"] == "possible counterpart" and not {x["a"][0], -1 - x["b"][0]} & sure
    ]
    shared = [c for c in peskov_2024["claims"] if len(c) == 2]
    assert len(confident) <= len(shared) <= len(confident) + len(free)
    shown_a = {i for x in pair["links"] for i in x["a"]}
    assert not shown_a & set(pair["only_a"])


def test_negation_and_another_president_are_not_the_same_statement(
    seed_copy: Path, model, tmp_path: Path
) -> None:
    """The issue's example: "does not rule out contact with Trump" and "no plans to
    communicate with the outgoing Biden" scored 7 and were linked as equivalent. This pair
    scores 6.4, above the anchor bar: without the guard it is a confident link."""
    ru = tmp_path / "ru.txt"
    ru.write_text(
        "Песков: Кремль не исключает контактов Путина с Трампом.\n",
        "utf-8",
    )
    en = tmp_path / "en.txt"
    en.write_text(
        "Peskov said the Kremlin has no plans for contacts between Putin and Biden.\n",
        "utf-8",
    )
    result = CliRunner().invoke(
        cli, ["compare", str(ru), str(en), "--db", str(seed_copy), "--no-phrases", "--same-event"]
    )
    assert result.exit_code == 0, result.stderr
    links = json.loads(result.stdout)["pairs"][0]["links"]
    assert links, "the pair is still shown, for a reader to check"
    [link] = links
    assert link["score"] >= 5.5
    assert (link["tier"], link["kind"]) == ("possible counterpart", "partial")
    assert link["check"] == "one side is negated"
    text = CliRunner().invoke(
        cli,
        ["compare", str(ru), str(en), "--db", str(seed_copy), "--no-phrases", "--same-event",
         "--format", "text"],
    )  # fmt: skip
    assert text.stdout.startswith("Claim 1 (possible counterpart, check):\n")


def test_different_events_share_nothing(
    seed_module_copy: Path, seed_ids: dict[str, str], model
) -> None:
    with open_store(seed_module_copy) as store:
        result = compare(store, [seed_ids["002"], seed_ids["003"]], model, phrases=False)
    assert result["pairs"][0]["same_event"] is False
    assert result["pairs"][0]["links"] == []


def test_an_undated_report_is_one_event_with_what_it_is_put_beside(
    seed_module_copy: Path, seed_ids: dict[str, str], model
) -> None:
    """000 (Interfax, 2020, no date) beside 003 (Sputnik, 15 Dec 2020): an unknown date is
    not "far apart", so the pair is aligned as one event and its links are shown, though
    it shares too few strong claims for the claim test."""
    with open_store(seed_module_copy) as store:
        result = compare(store, [seed_ids["000"], seed_ids["003"]], model, phrases=False)
    [pair] = result["pairs"]
    assert pair["same_event"] is True
    assert any(link["tier"] == "possible counterpart" for link in pair["links"])


def test_three_articles_and_cache(seed_copy: Path, seed_ids: dict[str, str], model) -> None:
    ids = [seed_ids["001"], seed_ids["002"], seed_ids["000"]]
    with open_store(seed_copy) as store:
        first = compare(store, ids, model, phrases=False)
        again = compare(store, ids, model, phrases=False)
    assert first == again
    assert [(p["a"], p["b"]) for p in first["pairs"]] == [
        (ids[0], ids[1]),
        (ids[0], ids[2]),
        (ids[1], ids[2]),
    ]


def test_three_reports_show_counterparts_through_the_third(
    seed_copy: Path, seed_ids: dict[str, str], peskov_2024: dict, model
) -> None:
    """Beside a third report, a pair also shows the possible counterparts that chain through
    it (framing/alignment/pivot.py), each saying which report (``via``); the pair alone shows
    none of them."""
    from framing.alignment.align import alignment_settings

    ids = [seed_ids["001"], seed_ids["002"], seed_ids["000"]]
    with open_store(seed_copy) as store:
        found = compare(store, ids, model, phrases=False, same_event=True)
    shown = {
        (p["a"], p["b"]): {
            (i, j): link for link in p["links"] for i in link["a"] for j in link["b"]
        }
        for p in found["pairs"]
    }
    for (a, b), links in list(shown.items()):
        shown[(b, a)] = {(j, i): link for (i, j), link in links.items()}
    through = [
        (p["a"], p["b"], link["a"][0], link["b"][0], link)
        for p in found["pairs"]
        for link in p["links"]
        if link.get("via")
    ]
    assert through, "no possible counterpart through the third report"
    bar = alignment_settings().pivot_z
    for a, b, i, j, link in through:
        c = link["via"]
        assert c not in (a, b) and link["tier"] == "possible counterpart"
        assert link["score"] >= bar
        assert any((k, j) in shown[(c, b)] for (x, k) in shown[(a, c)] if x == i)
    # Each pair that shows one through the third: the pair alone shows none of them. (Which
    # pair it is depends on the bars: 001-002 before session 16, another since.)
    for a, b in sorted({(a, b) for a, b, *_ in through}):
        with open_store(seed_copy) as store:
            pair = compare(store, [a, b], model, phrases=False, same_event=True)["pairs"][0]
        assert (pair["a"], pair["b"]) == (a, b)
        alone = {(i, j) for link in pair["links"] for i in link["a"] for j in link["b"]}
        pivoted = {(i, j) for x, y, i, j, _ in through if (x, y) == (a, b)}
        assert pivoted and not pivoted & alone
        assert not any(link.get("via") for link in pair["links"])
    assert not any(link.get("via") for link in peskov_2024["pairs"][0]["links"])


def test_restatements_within_a_report_show_counterparts_when_on(
    seed_copy: Path, seed_ids: dict[str, str], peskov_2024: dict, model, monkeypatch
) -> None:
    """With the restatement pivot on (alignment.yaml ships it off: restate_z 99), a pair of
    two reports also shows (k, j) where k restates i of a shown pair (i, j) within its own
    report (framing/alignment/pivot.py, add_restated), saying ``via: restatement``; the pair
    as shipped shows none of them."""
    import framing.compare as compare_module
    from framing.alignment.align import alignment_settings
    from framing.compare import _compare, prepare

    on = alignment_settings(restate_z=5.0, restate_inner_z=5.0, restate_legs=1.0)
    monkeypatch.setattr(compare_module, "alignment_settings", lambda: on)
    ids = [seed_ids["001"], seed_ids["002"]]
    with open_store(seed_copy) as store:
        found = _compare({i: store.article(i) for i in ids}, store, model, False, None)
        analysis = prepare(store, ids, model)
    [pair] = found["pairs"]
    shown = {(i, j) for link in pair["links"] for i in link["a"] for j in link["b"]}
    restated = [link for link in pair["links"] if link.get("via") == "restatement"]
    assert restated, "no possible counterpart through a restatement"
    a, b = analysis.articles
    inner_a, inner_b = analysis.z(a, a), analysis.z(b, b)
    for link in restated:
        [k], [j] = link["a"], link["b"]
        assert link["tier"] == "possible counterpart" and link["score"] >= on.restate_z
        assert any(
            (i, j) in shown and i != k and inner_a[i, k] >= on.restate_inner_z
            for i in range(len(a.sentences))
        ) or any(
            (k, m) in shown and m != j and inner_b[m, j] >= on.restate_inner_z
            for m in range(len(b.sentences))
        )
    alone = {
        (i, j) for link in peskov_2024["pairs"][0]["links"] for i in link["a"] for j in link["b"]
    }
    assert not {(link["a"][0], link["b"][0]) for link in restated} & alone
    assert not any(link.get("via") for link in peskov_2024["pairs"][0]["links"])


@pytest.mark.parametrize(
    ("given", "error", "message"),
    [
        (["001"], FramingError, "compare takes 2 or 3 articles, not 1"),
        (["001", "001"], FramingError, "compare needs different articles"),
        (["001", "ffffffff"], NotFound, "No article with id 'ffffffff'"),
    ],
)
def test_bad_requests(
    seed_module_copy: Path, seed_ids: dict[str, str], model, given, error, message
):
    ids = [seed_ids.get(g, g) for g in given]
    with open_store(seed_module_copy) as store, pytest.raises(error, match=message):
        compare(store, ids, model, phrases=False)


def test_cli_compare_with_a_file(seed_copy: Path, seed_ids: dict[str, str], tmp_path: Path):
    other = tmp_path / "report.txt"
    other.write_text(
        "Kremlin spokesman Dmitry Peskov said no work is underway to organise a meeting between "
        "Vladimir Putin and Donald Trump. Any such meeting must be well prepared, he added.\n",
        "utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["compare", seed_ids["001"][:6], str(other), "--db", str(seed_copy), "--no-phrases"],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["articles"][1]["sentences"][0]["text"].startswith("Kremlin spokesman")
    text = runner.invoke(
        cli,
        [
            "compare",
            seed_ids["001"],
            seed_ids["002"],
            "--db",
            str(seed_copy),
            "--no-phrases",
            "--format",
            "text",
        ],
    )
    assert text.exit_code == 0
    assert "Claim 1 (shared):" in text.stdout
    assert "(only Sputnik (en, " in text.stdout


def test_cli_text_names_the_quotes_it_compares() -> None:
    """The text output's quote lines read like its claim lines (they printed raw dicts), and a
    report of an outlet missing from the registry is named by its site."""
    from framing.cli.compare import render_comparison

    def article(article_id: str, lang: str, **who: str | None) -> dict:
        sentences = [{"text": "«Нет», — сказал он."}, {"text": '"No," he said.'}]
        return {"id": article_id, "lang": lang, "sentences": sentences, **who}

    result = {
        "articles": [
            article("aaaaaaaa1", "ru", outlet_name=None, url="https://www.site.ru/a"),
            article("bbbbbbbb2", "en", outlet_name="Sputnik", url=None),
        ],
        "pairs": [],
        "claims": [],
        "insertions": [],
        "quotes": [
            {
                "a": {"article": "aaaaaaaa1", "sentence": 0},
                "b": {"article": "bbbbbbbb2", "sentence": 1},
                "fidelity": 0.97,
            }
        ],
    }
    assert render_comparison(result) == (
        "Quote fidelity 0.97: site.ru (ru, aaaaaa) [0] ~ Sputnik (en, bbbbbb) [1]"
    )
    # one side quotes only part of the other's quotation: the line says which words
    result["quotes"][0]["part"] = {"side": "a", "start": 1, "end": 4}
    assert render_comparison(result).endswith(", on the part quoted by both: «Нет»")
    # a fidelity at the top of the scale beside a listed difference is not "1.00"
    del result["quotes"][0]["part"]
    result["quotes"][0].update(fidelity=1.0, differences={"a": [], "b": [{"text": "No"}]})
    assert render_comparison(result).startswith("Quote fidelity 0.99+: ")


@pytest.mark.parametrize(
    ("fidelity", "differences", "shown"),
    [
        (1.0, None, "1.00"),
        (1.0, {"a": [], "b": []}, "1.00"),
        # clipped at 1 with a word listed as differing (Companion and Euromaidan Press
        # quoting Zelenskyy, 8 Feb 2024: "fidelity 1.00 … Differs: (every word matched) ↔ “Від”")
        (1.0, {"a": [], "b": [{"text": "Від"}]}, "0.99+"),
        # floored, not rounded: 0.996 is not "1.00"
        (0.996, {"a": [{"text": "x"}], "b": []}, "0.99"),
        (0.996, None, "0.99"),
        (0.97, None, "0.97"),
        (0.0, None, "0.00"),
    ],
)
def test_a_fidelity_never_reads_one_beside_a_difference(
    fidelity: float, differences: dict | None, shown: str
) -> None:
    from framing.report import fidelity_label

    assert fidelity_label(fidelity, differences) == shown


def test_cli_text_points_a_lone_claim_at_its_possible_counterparts() -> None:
    """A one-outlet claim whose possible counterpart sits in another claim (a second wording
    of a shared statement) says so, as the web view and the handout do, instead of reading
    as found in one report only."""
    from framing.cli.compare import render_comparison

    def article(article_id: str, lang: str, *texts: str) -> dict:
        return {"id": article_id, "lang": lang, "outlet_name": article_id[:2].upper(),
                "url": None, "sentences": [{"text": t} for t in texts]}  # fmt: skip

    result = {
        "articles": [
            article("ru0000001", "ru", "Контакт не исключается.", "«Общение не исключается."),
            article("en0000002", "en", "Contact is not excluded.", "Trump won."),
        ],
        "pairs": [
            {
                "a": "ru0000001",
                "b": "en0000002",
                "links": [
                    {"a": [0], "b": [0], "score": 7.1, "kind": "equivalent",
                     "tier": "same statement"},
                    {"a": [1], "b": [0], "score": 6.6, "kind": "partial",
                     "tier": "possible counterpart"},
                ],
            }
        ],
        "claims": [{"ru0000001": [0], "en0000002": [0]}, {"ru0000001": [1]}, {"en0000002": [1]}],
        "insertions": [],
        "quotes": [],
    }  # fmt: skip
    lines = render_comparison(result).splitlines()
    assert lines[0] == "Claim 1 (shared):"
    assert lines[3] == ("Claim 2 (only RU (ru, ru0000); possible counterpart in claim 1, check):")
    assert lines[5] == "Claim 3 (only EN (en, en0000)):"


def test_cli_text_points_a_shared_claim_at_a_counterpart_in_the_report_it_lacks() -> None:
    """Three reports: a claim two of them share, whose sentence has a possible counterpart in
    the third report's sentence in another claim (e.g. one found through the third report,
    framing/alignment/pivot.py), says so, as the web view's empty cell does."""
    from framing.cli.compare import render_comparison

    def article(article_id: str, *texts: str) -> dict:
        return {"id": article_id, "lang": "en", "outlet_name": article_id[:2].upper(),
                "url": None, "sentences": [{"text": t} for t in texts]}  # fmt: skip

    result = {
        "articles": [
            article("aa0000001", "Contact is not excluded."),
            article("bb0000002", "A call is possible."),
            article("cc0000003", "Contact is not ruled out."),
        ],
        "pairs": [
            {"a": "aa0000001", "b": "cc0000003", "links": [
                {"a": [0], "b": [0], "score": 7.4, "kind": "equivalent",
                 "tier": "same statement"}]},
            {"a": "aa0000001", "b": "bb0000002", "links": [
                {"a": [0], "b": [0], "score": 5.2, "kind": "partial",
                 "tier": "possible counterpart", "via": "cc0000003"}]},
            {"a": "bb0000002", "b": "cc0000003", "links": []},
        ],
        "claims": [{"aa0000001": [0], "cc0000003": [0]}, {"bb0000002": [0]}],
        "insertions": [],
        "quotes": [],
    }  # fmt: skip
    lines = render_comparison(result).splitlines()
    assert lines[0] == "Claim 1 (shared; possible counterpart in claim 2, check):"
    assert lines[3] == "Claim 2 (only BB (en, bb0000); possible counterpart in claim 1, check):"


def test_cli_stderr_has_no_model_loading_bar(seed_copy: Path, seed_ids: dict[str, str]) -> None:
    """The model library drew a "Loading weights" bar on stderr at every run, across the
    command's own progress lines."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_DISABLE_PROGRESS_BARS"}
    args = ["compare", seed_ids["001"], seed_ids["002"], "--db", str(seed_copy), "--no-phrases"]
    done = subprocess.run(
        [sys.executable, "-m", "framing.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Loading weights" not in done.stderr and '"claims"' in done.stdout


def test_the_page_shows_a_quote_fidelity_as_the_text_output_does() -> None:
    """The web page's quote line and score card read the fidelity through the same label."""
    from flask import Flask, render_template_string

    from webapp.filters import figure_value, init_app

    app = Flask(__name__)
    init_app(app)
    with app.app_context():
        line = render_template_string(
            "{{ q.fidelity|fidelity(q.differences) }}",
            q={"fidelity": 1.0, "differences": {"a": [], "b": [{"text": "Від"}]}},
        )
    assert line == "0.99+"
    template = Path(__file__).parents[1] / "webapp" / "templates" / "event.html"
    assert "fidelity {{ q.fidelity|fidelity(q.differences) }}" in template.read_text("utf-8")
    assert figure_value(0.996, "quote_fidelity") == "0.99"


def test_either_order_is_one_comparison(
    seed_copy: Path, seed_ids: dict[str, str], model, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`compare B A` after `compare A B` reads the stored comparison (it recomputed, 21 s:
    session 26) and hands it back in the order asked; the event pages' look-up
    (``cached_compare``) finds it in any order too."""
    import framing.compare as compare_module

    a, b, c = seed_ids["001"], seed_ids["002"], seed_ids["000"]
    with open_store(seed_copy) as store:
        first = compare(store, [a, b, c], model, phrases=False)
        compare(store, [a, c], model)
        monkeypatch.setattr(compare_module, "_compare", lambda *_: pytest.fail("recomputed"))
        again = compare(store, [c, b, a], model, phrases=False)
        # compare-your-own and the event pages look up with phrases, as made here
        assert compare_module.cached_compare(store, [b, c, a], model) is None
        looked_up = compare_module.cached_compare(store, [c, a], model)
        assert compare_module.compare_stored(store, [c, a], model)
    assert looked_up is not None and [x["id"] for x in looked_up["articles"]] == [c, a]
    # a compared quotation faces the order asked too (its differences with their sides)
    assert all(q["a"]["article"] == c for q in looked_up["quotes"])
    assert [x["id"] for x in again["articles"]] == [c, b, a]
    assert [(p["a"], p["b"]) for p in again["pairs"]] == [(c, b), (c, a), (b, a)]

    def edges(result: dict) -> set:
        return {
            (frozenset({(p["a"], i), (p["b"], j)}), link["tier"])
            for p in result["pairs"]
            for link in p["links"]
            for i in link["a"]
            for j in link["b"]
        }

    def rows(result: dict, numbers: list[int] | None = None) -> set:
        chosen = result["claims"] if numbers is None else [result["claims"][n] for n in numbers]
        return {frozenset((k, tuple(v)) for k, v in row.items()) for row in chosen}

    def lonely(result: dict, article_id: str) -> set:
        return {
            i
            for p in result["pairs"]
            for side in ("a", "b")
            if p[side] == article_id
            for i in p["only_" + side]
        }

    assert edges(again) == edges(first)
    assert all(lonely(again, i) == lonely(first, i) for i in (a, b, c))
    assert rows(again) == rows(first)
    # the rows in claim_matrix's order for the order asked: c's first sentence first, each
    # row where it first appears (its earliest sentence, as a share of its article)
    size = {x["id"]: len(x["sentences"]) for x in again["articles"]}
    rank = {c: 0, b: 1, a: 2}
    at = [min(min(v) / size[k] + rank[k] * 1e-3 for k, v in row.items()) for row in again["claims"]]
    assert at == sorted(at) and again["claims"][0][c] == [0]
    assert all(list(row) == sorted(row, key=rank.__getitem__) for row in again["claims"])
    for article_id in (a, b, c):  # the figures point at the same rows as before
        shown, made = (r["profiles"][article_id]["omission_share"] for r in (again, first))
        assert rows(again, shown["evidence"]) == rows(first, made["evidence"])
        assert shown["value"] == made["value"]


def test_a_quotation_compared_on_a_part_faces_the_order_asked() -> None:
    """The lead's review: the part of a compared quotation is a dict naming the side cut
    to it; in the other order it named an unhashable key and raised TypeError."""
    from framing.compare import _quote_facing

    quote = {
        "a": {"article": "x", "sentence": 0},
        "b": {"article": "y", "sentence": 2},
        "fidelity": 0.54,
        "differences": {"a": [{"text": "untrue"}], "b": []},
        "part": {"side": "a", "start": 27, "end": 45, "text": "it's pure fiction."},
    }
    swapped = _quote_facing(quote)
    assert swapped["a"] == {"article": "y", "sentence": 2}
    assert swapped["part"] == {**quote["part"], "side": "b"}
    assert swapped["differences"] == {"a": [], "b": [{"text": "untrue"}]}
    assert _quote_facing({**quote, "part": None})["part"] is None
