"""Readers' corrections of sentence links (framing.links, the store's link_corrections):
they win over the aligner, survive re-segmentation, export and import, and count as gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framing.cli.main import cli
from framing.errors import FramingError
from framing.links import (
    apply_corrections,
    reading_order,
    record_correction,
    resolve,
    text_hash,
)
from framing.report import comparison_report
from framing.store import open_store

# The seed pair: 001 (Komentarii, ru) and 002 (Sputnik, en) report one briefing.
NOT_EXCLUDED = '"Общение не исключается.'
COMMUNICATION = "Communication between Russian President Vladimir Putin"


def index_of(article: dict, start: str) -> int:
    [found] = [s["index"] for s in article["sentences"] if s["text"].startswith(start)]
    return found


def row_of(report: dict, article_id: str, index: int) -> dict:
    return next(r for r in report["rows"] if index in r["cells"].get(article_id, []))


@pytest.fixture
def pair(seed_copy: Path, seeds_by_file: dict, model):
    ru, en = seeds_by_file["001"], seeds_by_file["002"]
    with open_store(seed_copy) as store:
        yield store, ru, en


def test_an_added_link_joins_the_row_and_undo_restores(pair, model) -> None:
    store, ru, en = pair
    ids = [ru["id"], en["id"]]
    quote, statement = index_of(ru, NOT_EXCLUDED), index_of(en, COMMUNICATION)
    before = comparison_report(store, ids, model)
    assert row_of(before, ru["id"], quote)["kind"] == "only"  # the aligner misses it
    made = record_correction(store, (ru["id"], quote), (en["id"], statement), "added")
    after = comparison_report(store, ids, model)
    row = row_of(after, ru["id"], quote)
    assert row["kind"] == "shared" and row["status"] == "confirmed"
    assert statement in row["cells"][en["id"]]
    assert [c["id"] for c in after["corrections"]] == [made["id"]]
    # the figures follow: the row is no longer an omission of Sputnik's
    assert row["number"] not in after["profiles"][en["id"]]["omission_share"]["evidence"]
    store.delete_correction(made["id"])
    again = comparison_report(store, ids, model)
    assert row_of(again, ru["id"], quote)["kind"] == "only"
    assert again["rows"] == before["rows"]


def test_a_rejected_link_splits_the_row(pair, model) -> None:
    store, ru, en = pair
    ids = [ru["id"], en["id"]]
    before = comparison_report(store, ids, model)
    shared = next(r for r in before["rows"] if r["kind"] == "shared")
    i, j = shared["cells"][ru["id"]][0], shared["cells"][en["id"]][0]
    record_correction(store, (en["id"], j), (ru["id"], i), "rejected")  # either order
    after = comparison_report(store, ids, model)
    # no longer a shared statement (each may now show its possible counterpart elsewhere)
    row_i, row_j = row_of(after, ru["id"], i), row_of(after, en["id"], j)
    assert row_i is not row_j and "shared" not in (row_i["kind"], row_j["kind"])
    pairs = after["pairs"][0]
    assert all(
        not (i in link[side_ru] and j in link[side_en])
        for link in pairs["links"]
        for side_ru, side_en in [("a", "b") if pairs["a"] == ru["id"] else ("b", "a")]
    )
    # a later verdict on the same pair wins
    record_correction(store, (ru["id"], i), (en["id"], j), "confirmed")
    assert row_of(comparison_report(store, ids, model), ru["id"], i)["status"] == "confirmed"


def test_corrections_win_in_framing_compare(pair, runner, seed_copy: Path) -> None:
    store, ru, en = pair
    quote, statement = index_of(ru, NOT_EXCLUDED), index_of(en, COMMUNICATION)
    record_correction(store, (ru["id"], quote), (en["id"], statement), "added")
    done = runner.invoke(cli, ["compare", ru["id"], en["id"], "--db", str(seed_copy)])
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    claim = next(c for c in result["claims"] if quote in c.get(ru["id"], []))
    assert claim[en["id"]] == [statement] or statement in claim[en["id"]]
    [applied] = result["corrections"]
    assert applied["verdict"] == "added" and applied["a_sentence"] in (quote, statement)
    tiers = {link["tier"] for pair in result["pairs"] for link in pair["links"]}
    assert "confirmed by a reader" in tiers
    text = runner.invoke(
        cli, ["compare", ru["id"], en["id"], "--db", str(seed_copy), "--format", "text"]
    )
    block = text.stdout.split("Общение не исключается.")[0].rsplit("Claim ", 1)[1]
    assert block.startswith(tuple(f"{n} (shared, confirmed by a reader)" for n in range(1, 40)))


def test_a_sentence_key_survives_resegmentation() -> None:
    article = {
        "id": "a",
        "sentences": [
            {"index": 0, "start": 0, "end": 10, "text": "One two.  "},
            {"index": 1, "start": 10, "end": 30, "text": "Three four five six."},
        ],
    }
    # the same text, renumbered (a sentence split in two before it)
    resegmented = {
        "id": "a",
        "sentences": [
            {"index": 0, "start": 0, "end": 4, "text": "One "},
            {"index": 1, "start": 4, "end": 10, "text": "two.  "},
            {"index": 2, "start": 10, "end": 30, "text": "Three four five six."},
        ],
    }
    key = (10, 30, text_hash("three  four five six."))  # whitespace and case folded
    assert resolve(article, *key) == 1
    assert resolve(resegmented, *key) == 2
    # the sentence itself was split: the part overlapping the old span most
    assert resolve(resegmented, 0, 10, text_hash("One two.")) == 1
    assert resolve(resegmented, 40, 50, "nothing") is None


def test_an_aside_stays_next_to_what_it_introduces() -> None:
    claims = [
        {"k": [13]},
        {"k": [14]},  # «Напомним, что "Комментарии" писали…»
        {"s": [9]},  # another outlet's own sentence that sorts between them
        {"k": [15]},  # the sentence the aside introduces
        {"k": [16], "s": [10]},
    ]
    assert reading_order(claims) == [
        {"k": [13]},
        {"k": [14]},
        {"k": [15]},
        {"s": [9]},
        {"k": [16], "s": [10]},
    ]
    # a shared row between them stays where the matrix needs it
    fixed = [{"k": [1]}, {"k": [3], "s": [1]}, {"k": [2]}]
    assert reading_order(fixed) == fixed


def test_apply_keeps_the_aligners_result_untouched() -> None:
    result = {
        "articles": [
            {"id": "a", "sentences": [{"index": 0, "start": 0, "end": 3, "text": "A0."}]},
            {"id": "b", "sentences": [{"index": 0, "start": 0, "end": 3, "text": "B0."}]},
        ],
        "pairs": [{"a": "a", "b": "b", "links": [], "only_a": [0], "only_b": [0]}],
        "claims": [{"a": [0]}, {"b": [0]}],
        "insertions": [],
        "quotes": [],
    }
    correction = first_sentences_link(1, "added")
    corrected = apply_corrections(result, [correction])
    assert corrected["claims"] == [{"a": [0], "b": [0]}]
    assert corrected["pairs"][0]["links"][0]["tier"] == "confirmed by a reader"
    assert corrected["pairs"][0]["only_a"] == [] and result["pairs"][0]["only_a"] == [0]
    assert result["claims"] == [{"a": [0]}, {"b": [0]}]


def test_bad_verdicts_and_sentences_name_the_field(pair) -> None:
    store, ru, en = pair
    with pytest.raises(FramingError, match="Field 'verdict': 'maybe' is not one of"):
        record_correction(store, (ru["id"], 0), (en["id"], 0), "maybe")
    with pytest.raises(FramingError, match="Field 'b_sentence': article .* not 999"):
        record_correction(store, (ru["id"], 0), (en["id"], 999), "added")
    with pytest.raises(FramingError, match="two different articles"):
        record_correction(store, (ru["id"], 0), (ru["id"], 1), "added")
    assert store.corrections() == []


def test_export_import_and_gold_from_db(pair, runner, seed_copy: Path, tmp_path: Path) -> None:
    store, ru, en = pair
    quote, statement = index_of(ru, NOT_EXCLUDED), index_of(en, COMMUNICATION)
    record_correction(store, (ru["id"], quote), (en["id"], statement), "added")
    exported = runner.invoke(cli, ["links", "export", "--db", str(seed_copy)])
    assert exported.exit_code == 0, exported.output
    records = json.loads(exported.output)
    assert [r["verdict"] for r in records] == ["added"] and "id" not in records[0]
    path = tmp_path / "corrections.json"
    path.write_text(exported.output, "utf-8")
    other = tmp_path / "other.db"
    args = ["links", "import", str(path), "--db", str(other)]
    assert json.loads(runner.invoke(cli, args).output) == {"added": 1, "unchanged": 0}
    assert json.loads(runner.invoke(cli, args).output) == {"added": 0, "unchanged": 1}
    path.write_text(json.dumps([{**records[0], "verdict": "maybe"}]), "utf-8")
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1
    assert "correction 1: field 'verdict' must be one of confirmed, rejected, added." in (
        refused.output
    )  # the first record: it was "correction 0"
    path.write_text(json.dumps([records[0], {**records[0], "a_start": "12"}]), "utf-8")
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1
    assert "correction 2: field 'a_start' must be an integer." in refused.output  # "a int"
    # as gold: the aligner misses the added pair (a false negative, nothing else judged)
    scored = runner.invoke(cli, ["eval-alignment", "--gold-from-db", str(seed_copy)])
    assert scored.exit_code == 0, scored.output
    figures = json.loads(scored.output)
    assert [(p["tp"], p["fp"], p["fn"]) for p in figures["pairs"]] == [(0, 0, 1)]
    assert figures["recall"] == 0.0


def test_gold_from_db_needs_corrections(runner, seed_copy: Path) -> None:
    done = runner.invoke(cli, ["eval-alignment", "--gold-from-db", str(seed_copy)])
    assert done.exit_code == 1
    assert "No corrections in the database to score against" in done.output
    both = runner.invoke(cli, ["eval-alignment", "--gold-from-db", str(seed_copy), "--ceiling"])
    assert both.exit_code == 1
    assert "--ceiling needs a gold file" in both.output
    events = Path(__file__).parent / "gold" / "real_events.yaml"
    grouped = runner.invoke(
        cli, ["eval-alignment", "--gold-from-db", str(seed_copy), "--events", str(events)]
    )
    assert grouped.exit_code == 1
    assert "--events needs a gold file" in grouped.output


def test_possible_counterparts_are_not_shared_until_confirmed() -> None:
    """Links the aligner marks "possible counterpart" (its confidence tiers) show as
    "possible — check"; a reader's confirmation makes them sure."""
    from framing.report import claim_rows
    from framing.report.event_title import event_title

    sentence = {"index": 0, "start": 0, "end": 3}
    result = {
        "articles": [
            {"id": "a", "lang": "en", "sentences": [{**sentence, "text": "A0."}]},
            {"id": "b", "lang": "ru", "sentences": [{**sentence, "text": "B0."}]},
        ],
        "pairs": [
            {
                "a": "a",
                "b": "b",
                "links": [
                    {
                        "a": [0],
                        "b": [0],
                        "score": 4.0,
                        "kind": "partial",
                        "tier": "possible counterpart",
                    }
                ],
                "only_a": [],
                "only_b": [],
            }
        ],
        "claims": [{"a": [0], "b": [0]}],
        "insertions": [],
        "quotes": [],
    }
    plain = apply_corrections(result, [])
    [row] = claim_rows(plain)
    assert row["status"] == "possible"
    assert event_title({**plain, "rows": [row]}) is None  # nothing sure to title it by
    confirm = first_sentences_link(7, "confirmed")
    sure = apply_corrections(result, [confirm])
    [row] = claim_rows(sure)
    assert row["status"] == "confirmed" and row["links"][0]["corrections"] == [7]
    assert event_title({**sure, "rows": [row]}) == {"text": "A0.", "lang": "en"}


def first_sentences_link(correction_id: int, verdict: str) -> dict:
    """A stored correction of the link between sentence 0 of article "a" ("A0.") and
    sentence 0 of article "b" ("B0.")."""
    return {
        "id": correction_id,
        "a_article": "a",
        "a_start": 0,
        "a_end": 3,
        "a_hash": text_hash("A0."),
        "b_article": "b",
        "b_start": 0,
        "b_end": 3,
        "b_hash": text_hash("B0."),
        "verdict": verdict,
    }


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ('"Це чиста вигадка.', "Це чиста вигадка."),  # cut from a longer quotation
        ("«Это чистая выдумка.", "Это чистая выдумка."),
        ("Pure fiction.”", "Pure fiction."),
        ('"Pure fiction," Peskov said.', '"Pure fiction," Peskov said.'),
        ("Газета «Известия» пишет.", "Газета «Известия» пишет."),
    ],
)
def test_an_event_title_drops_a_quote_mark_its_sentence_never_closes(
    sentence: str, title: str
) -> None:
    """The shared statement that titles an event can be one sentence of a longer quote: the
    8 reports of 11 Nov 2024 were headed ‘"Це чиста вигадка.’ in the browser."""
    from framing.report.event_title import event_title

    row = {"kind": "shared", "status": "confirmed", "cells": {"a": [0]}, "links": []}
    report = {"articles": [{"id": "a", "lang": "uk", "sentences": [{"text": sentence}]}]}
    assert event_title({**report, "rows": [row]}) == {"text": title, "lang": "uk"}


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("MOSCOW, Feb 19 (Reuters) - The Kremlin said.", "The Kremlin said."),
        ("Moscow, Feb 19 (Prensa Latina) The Kremlin said.", "The Kremlin said."),
        ("LONDON, February 26. /TASS/. Peskov told the FT.", "Peskov told the FT."),
        ("МОСКВА, 1 марта. /ТАСС/. Кремль не знает.", "Кремль не знает."),
        ("YEREVAN, AUGUST 29, ARMENPRESS. Grossi has announced.", "Grossi has announced."),
        ("Moscow, June 5, Peskov said. He left.", "Moscow, June 5, Peskov said. He left."),
        ("Putin (pictured) said so.", "Putin (pictured) said so."),
        ("Напомним, 1 марта Симоньян заявила.", "Напомним, 1 марта Симоньян заявила."),
    ],
)
def test_an_event_title_leaves_out_a_wire_dateline(sentence: str, title: str) -> None:
    from framing.report.event_title import event_title

    row = {"kind": "shared", "status": "aligned", "cells": {"a": [0]}, "links": []}
    report = {"articles": [{"id": "a", "lang": "en", "sentences": [{"text": sentence}]}]}
    assert event_title({**report, "rows": [row]})["text"] == title


def test_an_event_title_is_a_statement_a_report_opens_with() -> None:
    """Peskov's denial of 11 Nov 2024 was headed "Це чиста вигадка." (the strongest link, a
    quote that names nobody), though two reports open with the denial itself; of the
    reports that share it, one that opens with it gives the words (English first): the
    Bundeswehr-recording event was headed "Peskov also pointed out that…", the English
    report's second sentence, though the Russian one opens with the statement."""
    from framing.report.event_title import event_title

    def sentences(*texts: str) -> list[dict]:
        return [{"text": t} for t in texts]

    articles = [
        {
            "id": "uk",
            "lang": "uk",
            "sentences": sentences("Пєсков заперечив розмову.", "Це чиста вигадка."),
        },
        {
            "id": "en",
            "lang": "en",
            "sentences": sentences("It is pure fiction.", "Peskov denied the call."),
        },
        {
            "id": "ru",
            "lang": "ru",
            "sentences": sentences("Песков опроверг разговор.", "Это выдумка."),
        },
    ]

    def row(cells: dict, score: float) -> dict:
        return {"kind": "shared", "status": "aligned", "cells": cells, "links": [{"score": score}]}

    quote = row({"uk": [1], "en": [0], "ru": [1]}, 11.0)
    denial = row({"uk": [0], "en": [1], "ru": [0]}, 7.0)
    title = event_title({"articles": articles, "rows": [quote, denial]})
    assert title == {"text": "Пєсков заперечив розмову.", "lang": "uk"}
    # English when the English report opens with it too, or when none does
    opens_en = row({"uk": [0], "en": [0], "ru": [0]}, 7.0)
    assert event_title({"articles": articles, "rows": [opens_en]})["lang"] == "en"
    later = row({"uk": [1], "en": [1], "ru": [1]}, 7.0)
    assert event_title({"articles": articles, "rows": [later]}) == {
        "text": "Peskov denied the call.",
        "lang": "en",
    }
    # a reader's confirmation of a later statement does not rename the event (confirming
    # a side quote of the Valdai speech made it the event's title) ...
    confirmed = {**quote, "status": "confirmed"}
    assert event_title({"articles": articles, "rows": [confirmed, denial]})["text"] == (
        "Пєсков заперечив розмову."
    )
    # ... it decides between statements the reports open with and share alike
    assert event_title({"articles": articles, "rows": [later, confirmed]})["text"] == (
        "It is pure fiction."
    )


def test_an_event_title_takes_the_words_of_a_report_without_loaded_wording() -> None:
    """Peskov's denial in amp.lenta.ua, patrioty.org.ua and oxu.az (11 Nov 2024): all three
    open with it, and the event was headed in the first one's words, "Прессекретар
    російського диктатора…" (name-calling), on the home page and its own (QA, session 19).
    Loaded words in every report's version: the rule before (English first)."""
    from framing.report.event_title import event_title

    def article(aid: str, lang: str, first: str) -> dict:
        return {"id": aid, "lang": lang, "sentences": [{"text": first}, {"text": "Далі."}]}

    articles = [
        article(
            "lenta", "uk", "Прессекретар російського диктатора Дмитро Пєсков заперечує розмову."
        ),
        article("patrioty", "uk", "Пресекретар правителя Росії Дмитро Пєсков заперечив розмову."),
        article("oxu", "ru", "Сообщения о якобы имевшем место разговоре ложны."),
    ]
    row = {
        "kind": "shared",
        "status": "aligned",
        "cells": {"lenta": [0], "patrioty": [0], "oxu": [0]},
        "links": [{"score": 9.0}],
    }
    title = event_title({"articles": articles, "rows": [row]})
    assert title == {"text": articles[1]["sentences"][0]["text"], "lang": "uk"}
    loaded_everywhere = [articles[0], articles[2]]
    two = {**row, "cells": {"lenta": [0], "oxu": [0]}}
    assert event_title({"articles": loaded_everywhere, "rows": [two]})["lang"] == "uk"


def test_an_event_title_may_quote_a_speakers_loaded_words() -> None:
    """A report that quotes the speaker's own loaded words is not loaded in the outlet's
    voice: it still gives the heading before a plain report in another language."""
    from framing.report.event_title import event_title

    def article(aid: str, lang: str, first: str) -> dict:
        return {"id": aid, "lang": lang, "sentences": [{"text": first}, {"text": "Далее."}]}

    quoting = "Песков заявил: «Это так называемые эксперты, они лгут»."
    articles = [
        article("quoting", "ru", quoting),
        article("plain", "uk", "Пєсков розкритикував експертів."),
    ]
    row = {
        "kind": "shared",
        "status": "aligned",
        "cells": {"quoting": [0], "plain": [0]},
        "links": [{"score": 9.0}],
    }
    # the Russian report's voice is plain, so the order among plain reports decides (neither
    # is English: the first)
    assert event_title({"articles": articles, "rows": [row]})["text"] == quoting
    own_voice = article("quoting", "ru", "Так называемые эксперты снова лгут.")
    title = event_title({"articles": [own_voice, articles[1]], "rows": [row]})
    assert title["lang"] == "uk"


def three_reports_one_candidate_elsewhere() -> dict:
    """Two English reports share a quotation (a confident link); the Russian report's
    version of it is only a possible counterpart of each (Interfax against english.pravda.ru
    and circadianpost.com, 20 Feb 2024): the matrix keeps it in a row of its own."""
    sentence = {"index": 0, "start": 0, "end": 3}

    def article(aid: str, lang: str) -> dict:
        return {"id": aid, "lang": lang, "sentences": [{**sentence, "text": f"{aid}0."}]}

    def link(score: float, tier: str) -> dict:
        return {"a": [0], "b": [0], "score": score, "kind": "partial", "tier": tier}

    return {
        "articles": [article("a", "en"), article("b", "en"), article("c", "ru")],
        "pairs": [
            {
                "a": "a",
                "b": "b",
                "links": [link(6.6, "same statement")],
                "only_a": [],
                "only_b": [],
            },
            {
                "a": "a",
                "b": "c",
                "links": [link(6.99, "possible counterpart")],
                "only_a": [],
                "only_b": [],
            },
            {
                "a": "b",
                "b": "c",
                "links": [link(6.75, "possible counterpart")],
                "only_a": [],
                "only_b": [],
            },
        ],
        "claims": [{"a": [0], "b": [0]}, {"c": [0]}],
        "insertions": [],
        "quotes": [],
    }


def test_a_candidate_in_another_row_is_shown_with_its_row() -> None:
    from framing.report import claim_rows

    result = three_reports_one_candidate_elsewhere()
    shared, alone = claim_rows(apply_corrections(result, []))
    assert shared["kind"] == "shared"
    # the shared row lacks c: its c cell points at c's sentence in the other row, best first
    assert [(c["a"], c["b"], c["score"], c["row"]) for c in shared["elsewhere"]] == [
        ("a", "c", 6.99, 1),
        ("b", "c", 6.75, 1),
    ]
    assert alone["kind"] == "only"
    # both candidates, best first, each pointing at the shared row
    assert [(c["a"], c["b"], c["score"], c["row"]) for c in alone["elsewhere"]] == [
        ("a", "c", 6.99, 0),
        ("b", "c", 6.75, 0),
    ]
    # confirmed, the candidate joins the shared row, and nothing is left elsewhere
    confirm = {**first_sentences_link(3, "confirmed"), "b_article": "c", "b_hash": text_hash("c0.")}
    confirm["a_hash"] = text_hash("a0.")
    rows = claim_rows(apply_corrections(result, [confirm]))
    assert [r["cells"] for r in rows] == [{"a": [0], "b": [0], "c": [0]}]
    assert rows[0]["elsewhere"] == []


def test_a_shortened_headline_keeps_a_closing_clause_only_when_it_says_who_spoke() -> None:
    """Cards read «…готовий сам зателефонувати…, який переміг на виборах президента США.»:
    the closing clause kept to say who spoke was a relative clause."""
    from framing.report.event_title import shorten

    long = "Russian representatives did not have any contacts with the campaign office " * 2
    said = shorten(long + "during the campaign, Kremlin spokesman Dmitry Peskov said.", 120, "en")
    assert said.endswith("…, Kremlin spokesman Dmitry Peskov said.") and len(said) <= 120
    uk = (
        "Володар Кремля Владімір Путін стверджує, що готовий сам зателефонувати Дональду Трампу "
        "і поговорити з ним про все на світі, який переміг на виборах у США."
    )
    cut = shorten(uk, 120, "uk")
    assert "переміг" not in cut and cut.endswith("…") and len(cut) <= 120
    ru = "Администрация США делает все для продолжения конфликта на Украине " * 2
    assert shorten(ru + "и эскалации, — заявил пресс-секретарь Песков.", 120).endswith(
        "— заявил пресс-секретарь Песков."
    )


def test_a_quotation_no_report_opens_with_leaves_the_event_to_a_title() -> None:
    """Two reports of the withdrawal from Avdiivka (17 Feb 2024) shared only quotations
    from inside them, and compare-your-own was headed «Вживаємо заходів щодо стабілізації
    обстановки…», which says who spoke, not what happened (QA, session 24): a report's
    own title heads it then, one without loaded wording, English first."""
    from framing.report.event_title import event_title

    def article(aid: str, lang: str, title: str | None, *texts: str) -> dict:
        return {"id": aid, "lang": lang, "title": title, "sentences": [{"text": t} for t in texts]}

    opening, quote = "Українські війська вийшли з Авдіївки.", "«Вживаємо заходів."
    uk = article("u", "uk", "Сирський заявив про виведення військ з Авдіївки", opening, quote, "")
    ru = article("r", "ru", "Сырский объявил о выводе из Авдеевки", "Главком объявил.", '"Меры.')
    quoted = {"kind": "shared", "status": "aligned", "cells": {"u": [1], "r": [1]}, "links": []}
    report = {"articles": [uk, ru], "rows": [quoted]}
    assert event_title(report) == {
        "text": "Сирський заявив про виведення військ з Авдіївки",
        "lang": "uk",
    }
    # a statement of the outlet's own, or one a report opens with, still heads it
    own = {**quoted, "cells": {"u": [2], "r": [1]}}
    uk["sentences"][2]["text"] = "Бої тривають."
    assert event_title({**report, "rows": [own]})["text"] == "Бої тривають."
    first = {**quoted, "cells": {"u": [0], "r": [1]}}
    assert (
        event_title({**report, "rows": [first]})["text"] == "Українські війська вийшли з Авдіївки."
    )
    # an English title first; a title with loaded wording last
    en = article("e", "en", "Ukraine withdraws from Avdiivka", "x", '"We take measures.')
    both = {**quoted, "cells": {"u": [1], "e": [1]}}
    assert event_title({"articles": [uk, en], "rows": [both]})["text"] == (
        "Ukraine withdraws from Avdiivka"
    )


def test_a_heading_cut_inside_a_quotation_closes_it() -> None:
    """qa7: Glavcom's first sentence as an event heading ended «…у «шпигунстві за…», the
    quotation opened and never closed."""
    from framing.report.event_title import shorten

    uk = (
        "Московський суд виніс вирок журналісту The Wall Street Journal Евану Гершковичу, "
        "якого звинувачували у «шпигунстві за підприємством російського ВПК»."
    )
    cut = shorten(uk, 120, "uk")
    assert cut.endswith("«шпигунстві за…»") and len(cut) <= 120
    nested = "Он заявил, что «мы не будем «играть в поддавки» с теми, кто угрожает нашей стране»"
    assert shorten(nested, 80, "ru").endswith("…»")
    en = 'He called it a "special military operation going according to plan" again and again'
    assert shorten(en, 60, "en").endswith('…"')
    assert shorten("«Мы победим», — заявил он. " * 6, 60, "ru").count("«") == 2


def test_a_heading_does_not_run_one_word_into_a_next_sentence() -> None:
    """qa8: Zvezda's row of two sentences headed the comparison «Кроме того, вернулись
    восемь граждан … сообщили в Минобороны. Кроме…»: the first sentence stands alone."""
    from framing.report.event_title import shorten

    ru = (
        "Кроме того, вернулись восемь граждан Российской Федерации - жителей Курской области, "
        "сообщили в Минобороны. Кроме того, на Родину вернулись восемь жителей Курской области."
    )
    assert shorten(ru, 120, "ru") == (
        "Кроме того, вернулись восемь граждан Российской Федерации - жителей Курской области, "
        "сообщили в Минобороны."
    )
    # four words or more of the next sentence are worth the ellipsis; an initial is no end
    en = "Talks ended. Officials in both capitals described the long conversation as businesslike"
    assert shorten(en, 60, "en").endswith("…")
    initial = (
        "Пресс-секретарь президента Д. Песков заявил журналистам, что встреча пока не обсуждается"
    )
    assert shorten(initial, 45, "ru").endswith("…")
