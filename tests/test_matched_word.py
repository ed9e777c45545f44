"""What a page says of the matched word of a widened highlight (framing/wording/matched_word.py)."""

from __future__ import annotations

import pytest

from framing.records import Sentence
from framing.wording.matched_word import matched_word, neutral_replaces_phrase, quoted
from framing.wording.profile import ArticleText, highlights, title_highlights


def record(text: str, found: str, phrase: str, neutral: str) -> dict:
    """A highlight of ``phrase`` in ``text`` whose lexicon hit was ``found``."""
    start, at = text.index(phrase), text.index(found)
    return {
        "start": start,
        "end": start + len(phrase),
        "text": phrase,
        "matched": {"start": at, "end": at + len(found), "text": found},
        "neutral": neutral,
    }


def test_a_widened_title_highlight_keeps_its_matched_word():
    title = "Кремлівський диктатор знову погрожує Європі"
    [hit] = title_highlights(title, "uk")
    assert hit["text"] == "Кремлівський диктатор"
    assert hit["matched"] == {"start": 13, "end": 21, "text": "диктатор"}
    assert matched_word(hit) == "диктатор"


def test_what_nothing_widened_is_its_own_match():
    text = "Так называемые выборы прошли. Напомним, что Лавров говорил об этом."
    second = text.index("Напомним")
    sentences = [Sentence(0, 0, second - 1, text[: second - 1]),
                 Sentence(1, second, len(text), text[second:])]  # fmt: skip
    found = highlights(ArticleText(text, sentences, "ru"), with_model=False)
    [recap] = [h for h in found if h["source"] == "insertion"]
    assert recap["matched"] == {"start": second, "end": second + 13, "text": "Напомним, что"}
    assert matched_word(recap) is None
    [so_called] = [h for h in found if h["source"] == "lexicon"]
    assert (so_called["text"], so_called["matched"]["text"]) == ("Так называемые выборы",
                                                                  "Так называемые")  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "text", "found", "phrase", "neutral", "phrase_level"),
    [
        # set in place of the word alone, the alternative would say «России» twice
        ("ru", "Поддержка страны-агрессора России растёт.", "страны-агрессора",
         "страны-агрессора России", "Россия", True),
        ("uk", "Там російські окупанти стріляли.", "окупанти", "російські окупанти",
         "російські військові", True),
        # an instruction in brackets names no word of the phrase: it is about the found word
        ("ru", "Речь о так называемых справедливых договоренностях.", "так называемых",
         "так называемых справедливых договоренностях", "(убрать; назвать предмет прямо)",
         False),
        ("ru", "Это режим главы Кремля.", "режим", "режим главы Кремля",
         "власти; правительство", False),
        # «політику» in the instruction is no alternative word (page 424)
        ("uk", "Це людиноненависницьку політику Кремля.", "людиноненависницьку",
         "людиноненависницьку політику Кремля", "(описати політику)", False),
        ("uk", "Це колишній чекіст сказав.", "чекіст", "колишній чекіст",
         "президент Росії; колишній офіцер КДБ", True),
    ],
)  # fmt: skip
def test_a_neutral_alternative_replaces_the_word_or_the_phrase(
    lang, text, found, phrase, neutral, phrase_level
):
    assert neutral_replaces_phrase(record(text, found, phrase, neutral), lang) is phrase_level


def test_a_highlight_not_widened_has_no_matched_word():
    text = "Поддержка страны-агрессора растёт."
    same = record(text, "страны-агрессора", "страны-агрессора", "Россия")
    assert matched_word(same) is None and not neutral_replaces_phrase(same, "ru")
    before = {k: v for k, v in same.items() if k != "matched"}  # cached before the key
    assert matched_word(before) is None and not neutral_replaces_phrase(before, "ru")
    unknown = record("Il paese aggressore Russia.", "aggressore", "aggressore Russia", "Russia")
    assert not neutral_replaces_phrase(unknown, "it")


def test_quoted_leaves_a_scare_quoted_word_as_it_is():
    assert quoted("так называемых") == "\u201cтак называемых\u201d"
    assert quoted("\u201cпокращення становища\u201d") == "\u201cпокращення становища\u201d"
    assert quoted('"блискучу"') == '"блискучу"'
