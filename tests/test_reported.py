"""framing.alignment.reported: a sentence's reported content, its attribution frame taken off."""

from __future__ import annotations

import pytest

from framing.alignment.reported import reported_contents


def content(sentence: str, lang: str) -> str | None:
    [found] = reported_contents([sentence], lang)
    return found


@pytest.mark.parametrize(
    ("lang", "sentence", "expected"),
    [
        # a quote and its attribution: the quoted words
        ("en", '"There was no conversation," said Kremlin spokesman Dmitry Peskov.',
         "There was no conversation"),
        ("ru", '"Это полностью не соответствует действительности, это чистая выдумка", – '
               "подчеркнул политик.",
         "Это полностью не соответствует действительности, это чистая выдумка"),
        ("uk", "«Не було тоді телефонної розмови», – сказав Пєсков.",
         "Не було тоді телефонної розмови"),
        # a speaker's clause before or after the claim
        ("ru", "По словам представителя Кремля, такой беседы не было.", "такой беседы не было"),
        ("uk", "За словами Пєскова, такої розмови не було.", "такої розмови не було"),
        ("en", "According to the Kremlin, the report was false and misleading.",
         "the report was false and misleading"),
        ("ru", "Такой беседы не было, заявил Песков журналистам.", "Такой беседы не было"),
        ("uk", "Росія готова відновити контакти з Трампом, заявив Путін.",
         "Росія готова відновити контакти з Трампом"),
        # a speaker and a speech verb with a complementiser
        ("ru", "Песков заявил, что такой беседы не было.", "такой беседы не было"),
        ("uk", "Пєсков заявив, що такої розмови не було.", "такої розмови не було"),
        ("en", "Peskov said that the report was false and misleading.",
         "the report was false and misleading"),
    ],
)  # fmt: skip
def test_the_frame_is_taken_off(lang: str, sentence: str, expected: str) -> None:
    assert content(sentence, lang) == expected


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "The report was false and misleading."),  # no frame
        ("ru", "Такой беседы не было."),
        ("uk", "Такої розмови не було."),
        ("en", '"This is completely untrue; it is pure fiction."'),  # a quote, nothing around
        ("en", '"No," he said.'),  # what is left is under min_words
        # a sentence around a short quote is no quotation with its attribution
        ("en", 'The so-called "special military operation" went on in the east of the country '
               "for a third year."),
        ("ru", "Так называемая «специальная военная операция» продолжалась на востоке страны "
               "третий год подряд."),
    ],
)  # fmt: skip
def test_a_sentence_without_a_frame_to_take_off_has_none(lang: str, sentence: str) -> None:
    assert content(sentence, lang) is None


def test_a_language_without_attribution_rules_strips_quotes_only() -> None:
    assert reported_contents(['"Es gab kein Gespräch," sagte Peskow.', "Kein Gespräch."], "de") == [
        "Es gab kein Gespräch",
        None,
    ]
