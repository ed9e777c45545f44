"""Editorial cues and outlet-authored background: the seeds, synthetic cases, edge cases."""

from __future__ import annotations

import pytest

from framing.text.segment import split_sentences
from framing.wording.attribution import AttributionError
from framing.wording.editorial import EDITORIAL_KINDS, editorial_cues, is_background, text_cues

from .conftest import SEED_IDS, SEEDS

LANGS = {"000": "ru", "001": "ru", "002": "en", "003": "en"}


def seed_sentences(number: str) -> list[str]:
    text = (SEEDS / SEED_IDS[number]).read_text("utf-8")
    return [s.text for s in split_sentences(text, LANGS[number])]


def cues(sentence: str, lang: str) -> list[tuple[str, str]]:
    return [(c.kind, c.text) for c in editorial_cues(sentence, lang)]


# Every seed sentence on which a cue fires, and why each is justified:
# 000: none. «Голосование в США состоялось 3 ноября» is a date and an event, which a teacher
#      marked a false alarm as "background"; «Между тем …» is a transition.
# 001: the outlet's recap, which names the outlet itself.
# 002, 003: none. The closing paragraph of 002 ("took place", "November 5", "first … since")
#      was flagged before; a teacher marked every one a false alarm.
FIRING = {
    "000": {},
    "001": {
        'Напомним, что "Комментарии" пи': [
            ("recap", "Напомним, что"),
            ("self_promotion", '"Комментарии" писали'),
        ],
    },
    "002": {},
    "003": {},
}


@pytest.mark.parametrize("number", sorted(FIRING))
def test_seed_sentences_that_fire(number: str) -> None:
    lang = LANGS[number]
    fired = {s[:30]: cues(s, lang) for s in seed_sentences(number) if editorial_cues(s, lang)}
    assert fired == FIRING[number]


def test_001_recap_with_self_reference() -> None:
    sentence = next(s for s in seed_sentences("001") if s.startswith("Напомним"))
    recap, own = editorial_cues(sentence, "ru")
    assert (recap.kind, recap.text, recap.start) == ("recap", "Напомним, что", 0)
    assert (own.kind, own.text) == ("self_promotion", '"Комментарии" писали')
    assert sentence[own.start : own.end] == own.text
    assert "itself" in own.explanation


# The false alarms a teacher saw on the seeds and on real pastes: dates, times, "took place"
# and "Meanwhile" are not the outlet's asides.
TEACHER_FALSE_ALARMS = [
    ("en", "A presidential election took place in the United States on November 5."),
    ("en", "Meanwhile, protesters gathered in the capital."),
    ("en", "The Electoral College will meet on December 17 at 2:21 PM."),
    ("en", "Trump became the first US president since Grover Cleveland to win two terms."),
    ("ru", "Голосование в США состоялось 3 ноября, подсчёт шёл до 10:30."),
    ("ru", "Тем временем в Киеве прошла пресс-конференция."),
    ("uk", "Вибори відбулися 5 листопада 2024 року."),
    ("uk", "Тим часом у Києві пройшла пресконференція."),
]


@pytest.mark.parametrize(("lang", "sentence"), TEACHER_FALSE_ALARMS)
def test_dates_events_and_transitions_are_not_background(lang: str, sentence: str) -> None:
    assert editorial_cues(sentence, lang) == []
    assert not is_background(sentence, lang)


def test_002_closing_paragraph_has_no_background() -> None:
    sentences = split_sentences((SEEDS / SEED_IDS["002"]).read_text("utf-8"), "en")
    closing = [s.text for s in sentences if s.text.startswith(CLOSING_002)]
    assert len(closing) == 5 and not any(is_background(text, "en") for text in closing)


CLOSING_002 = (
    "A presidential election took place",
    "Republican candidate Donald Trump",
    "The Electoral College, the group",
    "The presidential inauguration will",
    "Trump became the first US president",
)


SYNTHETIC = [
    ("ru", "Ранее Песков заявил, что Москва готова к диалогу.", [("background", "Ранее")], True),
    (
        "ru",
        "Как известно, выборы прошли в ноябре.",
        [("background", "Как известно")],
        True,
    ),
    ("ru", "Отметим, что санкции продлены.", [("background", "Отметим, что")], True),
    ("ru", "Читайте также: Путин поздравил Байдена.", [("self_promotion", "Читайте также")], False),
    (
        "ru",
        "Трамп, что, впрочем, неудивительно, отказался признать поражение.",
        [("evaluative_aside", "что, впрочем, неудивительно")],
        False,
    ),
    ("ru", "Очевидно, Кремль выжидает.", [("evaluative_aside", "Очевидно")], False),
    (
        "uk",
        "Нагадаємо, раніше «Коментарі» писали про це.",
        [("recap", "Нагадаємо"), ("self_promotion", "«Коментарі» писали")],
        True,
    ),
    (
        "uk",
        "Як відомо, вибори відбулися 5 листопада.",
        [("background", "Як відомо")],
        True,
    ),
    (
        "uk",
        "Зеленський, що не дивно, відмовився від зустрічі.",
        [("evaluative_aside", "що не дивно")],
        False,
    ),
    ("uk", "Підписуйтесь на наш канал.", [("self_promotion", "Підписуйтесь на")], False),
    (
        "en",
        "As Sputnik reported earlier, the talks were postponed.",
        [("recap", "As Sputnik reported earlier")],
        True,
    ),
    (
        "en",
        "Recall that the vote was held in November.",
        [("recap", "Recall that")],
        True,
    ),
    ("en", "Tellingly, the Kremlin did not comment.", [("evaluative_aside", "Tellingly")], False),
    ("en", "The move, clearly, was aimed at Washington.", [("evaluative_aside", "clearly")], False),
    (
        "en",
        "It is worth noting that the vote was postponed.",
        [("background", "It is worth noting that")],
        True,
    ),
    (
        "en",
        "Subscribe to our newsletter for more.",
        [("self_promotion", "Subscribe to our")],
        False,
    ),
]


@pytest.mark.parametrize(("lang", "sentence", "expected", "background"), SYNTHETIC)
def test_synthetic(lang: str, sentence: str, expected: list, background: bool) -> None:
    found = editorial_cues(sentence, lang)
    assert [(c.kind, c.text) for c in found] == expected
    assert all(sentence[c.start : c.end] == c.text for c in found)
    assert is_background(sentence, lang) is background


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ru", ""),
        ("en", "  "),
        ("ru", "«Очевидно, что это провокация», — сказал Песков."),  # inside a quote
        ("ru", '"Напомню, что мы всегда были готовы", - заявил Песков.'),  # the speaker's recap
        ("uk", "Тим часом Зеленський заявив, що Україна готова."),  # a transition to a source
        ("en", "Meanwhile, Trump plans rallies, US media report."),
        ("en", "The damage was clearly visible."),  # "clearly" not as an aside
        ("en", "Peskov said on 5 November that talks were possible."),  # a dated source
        ("en", "Updated 5 May 2024."),  # a dateline: too short to be background
        ("en", "Peskov said the meeting will take place in Moscow."),  # event, attributed
    ],
)
def test_no_cue(lang: str, sentence: str) -> None:
    assert editorial_cues(sentence, lang) == []
    assert not is_background(sentence, lang)


def test_nested_quotes_hide_asides() -> None:
    sentence = "«Это, „как и следовало ожидать“, провокация», — сказал он."
    assert editorial_cues(sentence, "ru") == []


def test_explanations_read_aloud() -> None:
    sentences = [s for _, s, _, _ in SYNTHETIC]
    for (lang, *_), sentence in zip(SYNTHETIC, sentences, strict=True):
        for cue in editorial_cues(sentence, lang):
            assert cue.kind in EDITORIAL_KINDS
            text = cue.explanation
            assert text[0].isupper() and text.endswith(".") and text.count(". ") == 0
            assert "\n" not in text


def test_unknown_language() -> None:
    with pytest.raises(AttributionError, match="use one of ru, uk, en"):
        editorial_cues("Ein Satz.", "de")


# Wire datelines on fresh real pages of 2022-2024 (tests/gold/fresh_pages 405, 414, 417): the
# outlet signs its report; it does not point readers to its own coverage.
DATELINES = [
    (
        "ru",
        "Москва. 19 сентября. ИНТЕРФАКС - Пресс-секретарь президента РФ Дмитрий Песков "
        "назвал враньем обвинения Киева в адрес РФ.",
    ),
    (
        "en",
        "MOSCOW, June 26. /TASS/. Russian Presidential Spokesman Dmitry Peskov has denied "
        "speculation circulated on some Telegram channels.",
    ),
    (
        "en",
        "MOSCOW (Reuters) – An aborted 2022 peace deal between Russia and Ukraine could be "
        "the basis for new negotiations, Kremlin spokesman Dmitry Peskov said on Friday.",
    ),
    ("ru", "МОСКВА, 24 фев — РИА Новости. Захарова выступила с заявлением."),
]


@pytest.mark.parametrize(("lang", "sentence"), DATELINES)
def test_a_wire_dateline_is_no_self_promotion(lang: str, sentence: str) -> None:
    assert editorial_cues(sentence, lang) == []


def test_a_self_reference_that_is_no_dateline_still_counts() -> None:
    sentence = "Как ранее сообщал ТАСС, встреча состоится в пятницу."
    assert ("self_promotion", "ТАСС") in cues(sentence, "ru")


def test_an_aside_inside_a_quote_over_several_sentences_is_the_speakers() -> None:
    # profile.ru (tests/gold/fresh_pages/403): Peskov's quote runs over three sentences; the
    # middle one has no quote marks of its own
    text = (
        '"Мы считаем это чрезвычайно вызывающей провокацией – не менее. И, конечно, '
        'внимательно наблюдаем за этим. <…> Киевский режим – он достаточно непредсказуемый", '
        "– сказал представитель Кремля. И, конечно, это не всё."
    )
    sentences = split_sentences(text, "ru")
    assert len(sentences) >= 3
    assert ("evaluative_aside", "конечно") in cues(sentences[1].text, "ru")  # alone: the outlet's
    found = [(s.start + c.start, c.text) for s, c in text_cues(text, sentences, "ru")]
    assert found == [(text.rindex("конечно"), "конечно")]  # only the one after the quote
