"""Sources that the attribution gold of real reports (tests/gold/attribution_gold.yaml)
showed missing or wrong, one class per test (session 27; framing eval-attribution)."""

from __future__ import annotations

import pytest

from framing.text.segment import split_sentences
from framing.wording.attribution import SentenceSource, sentence_sources
from framing.wording.attribution_cues import rules


def found(text: str, lang: str) -> list[SentenceSource]:
    return sentence_sources(split_sentences(text, lang), lang)


def sources(text: str, lang: str) -> list[list[str | None]]:
    return [[a.who for a in s.attributions] for s in found(text, lang)]


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        # a weekday was taken for the speaker: who was "Monday"
        ("en", "The Kremlin on Monday denied the report.", "Kremlin"),
        ("en", "Kremlin spokesperson Dmitry Peskov on Tuesday claimed it was sabotage.", "Peskov"),
        # «в пятницу» ended the search for the speaker at the preposition
        ("ru", "Песков в пятницу заявил, что это ложь.", "Песков"),
        ("uk", "Пєсков у п'ятницю заявив, що це брехня.", "Пєсков"),
        # the body before the title was taken for the speaker: who was "Kremlin"
        ("en", '"There was no conversation," said Kremlin spokesman Dmitry Peskov.', "Peskov"),
        ("en", "said White House spokesman John Kirby on Friday", "Kirby"),
    ],
)
def test_the_speaker_is_found_past_a_time_phrase_and_a_body(lang: str, text: str, who: str) -> None:
    assert sources(text, lang)[0] == [who]


def test_en_on_is_a_word_not_a_yaml_boolean() -> None:
    """YAML 1.1 reads a bare ``on`` as true: "on" was missing from en's stop words."""
    assert "on" in rules("en").stop and "on" in rules("en").time_prepositions


def test_according_to_a_pronoun_and_to_an_unnamed_official() -> None:
    text = (
        "Peskov said the talks were over. According to him, they failed. The talks "
        "stalled, according to a German government official."
    )
    result = found(text, "en")
    assert [a.who for a in result[1].attributions] == ["Peskov"]
    assert [(a.kind, a.who) for a in result[2].attributions] == [("anonymous", None)]


def test_a_spokesman_of_a_body_is_the_person_named_before() -> None:
    """«по словам представителя Кремля» was «Кремль» speaking."""
    text = "Песков заявил, что это ложь. По словам представителя Кремля, беседы не было."
    assert sources(text, "ru") == [["Песков"], ["Песков"]]


@pytest.mark.parametrize(
    ("lang", "text", "outlet"),
    [
        ("ru", "Шольц провёл разговор с Путиным. Об этом сообщает Bloomberg.", "bloomberg"),
        ("en", "Scholz called Putin. This was reported by Bloomberg.", "bloomberg"),
    ],
)
def test_a_source_line_that_points_back_sources_the_sentence_before(
    lang: str, text: str, outlet: str
) -> None:
    result = found(text, lang)
    assert [a.who for a in result[0].attributions] == [outlet]
    assert result[0].carried and not result[1].carried


def test_only_the_sentence_just_before_a_source_line_is_sourced() -> None:
    text = "Шольц провёл разговор с Путиным. Он длился час. Об этом сообщает Bloomberg."
    assert sources(text, "ru") == [[], ["bloomberg"], ["bloomberg"]]


def test_a_ledes_role_takes_the_name_of_the_same_kind_of_title_after_it() -> None:
    text = (
        "This is what Putin sought, the Ukrainian leader said. President Volodymyr "
        "Zelenskyy described the call as a mistake."
    )
    assert sources(text, "en") == [["Zelenskyy"], ["Zelenskyy"]]


def test_a_role_does_not_take_a_later_name_with_another_kind_of_title() -> None:
    text = "The spokesman said the visit was private. Minister Sergei Lavrov said it was not."
    assert sources(text, "en") == [["spokesman"], ["Lavrov"]]


def test_a_quotation_closes_after_a_quotation_nested_in_it() -> None:
    """Суспільне-style: the closing mark follows «Мінська-3» in the last sentence; the
    sentences before it had no source."""
    text = (
        'Зеленський виступив увечері.\n"Так, як він робив. Це давало можливість. Знаємо, '
        'як діяти. І хочемо попередити: «Мінська-3» не буде", — наголошує Зеленський.'
    )
    assert sources(text, "uk") == [[]] + [["Зеленський"]] * 4


def test_a_quotation_after_a_reported_statement_is_the_speakers() -> None:
    text = 'Russia is ready to talk, Putin said. "I have said it before. This will be the case."'
    result = found(text, "en")
    assert sources(text, "en") == [["Putin"]] * 3
    assert result[1].carried and result[1].quote == "direct"


def test_a_title_at_the_start_is_a_role_not_a_body() -> None:
    text = "Зеленський заявив, що це помилка. Президент України підкреслює, що Путін хоче цього."
    assert sources(text, "uk") == [["Зеленський"], ["Зеленський"]]


@pytest.mark.parametrize(
    ("lang", "text", "who"),
    [
        ("ru", "Песков назвал эти сообщения выдумкой.", "Песков"),
        ("ru", "Издание The Washington Post писало, что разговор состоялся.", "washington_post"),
        ("uk", "Пєсков заперечив, що розмова відбулася.", "Пєсков"),
        ("uk", "Він запевняє, що це неправда.", None),
        ("en", "Olaf Scholz condemned the war.", "Scholz"),
    ],
)
def test_new_speech_verbs(lang: str, text: str, who: str | None) -> None:
    assert sources(text, lang)[0] == [who]


def test_an_ing_form_takes_no_speaker_after_it() -> None:
    """ "He blamed the Kremlin, describing Putin's regime as…": Putin was the speaker."""
    text = "He blamed the Kremlin, describing Putin’s regime as a terrorist."
    assert sources(text, "en") == [[]]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "Отмечается, что это первый разговор.", [("anonymous", None)]),
        ("uk", "Відповідно до інформації, розглядається розмова.", [("anonymous", None)]),
        ("uk", "Відповідно до даних Генштабу, втрати зросли.", []),  # a name: not this rule
    ],
)
def test_impersonal_sources(lang: str, text: str, expected: list[tuple]) -> None:
    [source] = found(text, lang)
    assert [(a.kind, a.who) for a in source.attributions] == expected
