"""The guard's sides, sources and bare attributions (issue 12; qa8's prisoner exchange of
24 Aug 2025: Zvezda ru, Суспільне uk, World News Tech en). No model needed."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment.align import AlignmentSettings, align
from framing.alignment.guard import DIFFERENT_PEOPLE, DIFFERENT_SIDES, differs, read, sentence_guard
from framing.alignment.sides import people_sides
from framing.lab.side_cases import side_cases

ZVEZDA = [
    "Кроме того, вернулись восемь граждан Российской Федерации - жителей Курской области, "
    "сообщили в Минобороны.",
    "С подконтрольной Киеву территории возвращены 146 российских военнослужащих, взамен "
    "переданы 146 военнопленных ВСУ.",
    "Об этом сообщило Минобороны России.",
]
SUSPILNE = [
    "Між Україною та Росією 24 серпня відбувся черговий обмін полоненими.",
    "Додому повернулися українські військові та восьмеро цивільних українців.",
    "Про це повідомив президент Володимир Зеленський.",
    "Як повідомили у Координаційному штабі з питань поводження з військовополоненими (КШППВ), "
    "згідно з домовленостями у Стамбулі були повернені додому українські військові, водночас "
    "у рамках чергового 68-го обміну були визволені восьмеро цивільних українців.",
]
WORLD_NEWS = [
    "The Russian Defense Ministry stated on Telegram, “On August 24, 146 Russian soldiers were "
    "returned from areas under the control of Kyiv.” It added that “in return, 146 Ukrainian "
    "Armed Forces prisoners of war were sent back to Ukraine.”",
    "Additionally, Russia mentioned that “eight Russian citizens from the Kursk region, who "
    "were illegally detained” by Kyiv were also included in the swap.",
]

SETTINGS = AlignmentSettings(
    anchor_z=5.0, attach_z=5.0, cross_event_z=7.0, equivalent_z=8.0, candidate_mutual_z=5.0,
    candidate_z=5.0, candidates=1,
)  # fmt: skip


def test_russian_civilians_are_not_ukrainian_civilians() -> None:
    """qa8 defect 1: «восемь граждан Российской Федерации» was "partly the same" as
    «восьмеро цивільних українців»."""
    guard = sentence_guard(ZVEZDA, "ru", SUSPILNE, "uk")
    assert guard.veto(0, 1) == DIFFERENT_SIDES
    # the same Russian citizens in the English report are the same people
    assert sentence_guard(ZVEZDA, "ru", WORLD_NEWS, "en").veto(0, 1) is None
    assert sentence_guard(SUSPILNE, "uk", WORLD_NEWS, "en").veto(1, 1) == DIFFERENT_SIDES


def test_a_source_and_a_lowercase_nationality_are_not_different_people() -> None:
    """qa8 defect 2: the Coordination HQ's sentence (its only capitalised names are its source
    and Istanbul; «українські військові» lowercase) was "different people named" against the
    Russian ministry's quoted statement and against Zvezda's «146 российских
    военнослужащих … 146 военнопленных ВСУ», whose own link to that statement holds."""
    assert sentence_guard(SUSPILNE, "uk", WORLD_NEWS, "en").veto(3, 0) is None
    assert sentence_guard(ZVEZDA, "ru", SUSPILNE, "uk").veto(1, 3) is None
    assert sentence_guard(ZVEZDA, "ru", WORLD_NEWS, "en").veto(1, 0) is None


def test_bare_attributions_of_different_sources_are_not_offered() -> None:
    """qa8 defect 3: «Об этом сообщило Минобороны России.» offered against «Про це повідомив
    президент Володимир Зеленський.»: neither holds a claim, and their sources differ."""
    guard = sentence_guard(ZVEZDA, "ru", SUSPILNE, "uk")
    assert read(ZVEZDA[2], "ru").bare and read(SUSPILNE[2], "uk").bare
    assert guard.veto(2, 2) == DIFFERENT_PEOPLE
    assert not guard.offers(2, 2)
    # the aligner then shows the pair nowhere, though it scores as a candidate
    z = np.full((3, 4), -1.0)
    z[2, 2] = 9.0
    found = align(z, SETTINGS, True, guard)
    assert (2, 2) not in found.shown_pairs()
    # one source, two reports: still offered («Міноборони Росії»)
    same = sentence_guard(ZVEZDA, "ru", ["Про це повідомили в Міноборони Росії."], "uk")
    assert same.offers(2, 0)
    # a claim beside its attribution is no bare attribution
    assert not read(ZVEZDA[1], "ru").bare


@pytest.mark.parametrize(
    ("sentence", "lang", "sides"),
    [
        ("В субботу вернулись 146 российских военнослужащих.", "ru", {("military", "rs")}),
        ("Освобождены восемь граждан Украины.", "ru", {("civilians", "krn")}),
        ("Повернулися восьмеро цивільних українців.", "uk", {("civilians", "krn")}),
        ("Returned were 146 Ukrainian Armed Forces prisoners of war.", "en",
         {("military", "krn")}),
        ("Eight citizens of Russia returned.", "en", {("civilians", "rs")}),
        ("Минобороны сообщило о 84 военнослужащих ВС РФ.", "ru", {("military", "rs")}),
        # a side across a comma or a dash is another phrase's
        ("Это сообщили в Киеве, военнослужащие вернулись.", "ru", set()),
        # a country before its noun is a subject, not a modifier
        ("Russia returned soldiers.", "en", set()),
    ],
)  # fmt: skip
def test_people_sides(sentence: str, lang: str, sides: set[tuple[str, str]]) -> None:
    assert people_sides(sentence, lang) == sides


def test_generated_sides_are_vetoed_and_one_side_is_not() -> None:
    """Pairs generated by rule (:mod:`framing.lab.side_cases`): every 41st of about 124,000
    (ru/uk/en, four cases, the side before or after the noun)."""
    cases = list(side_cases(every=41))
    assert len(cases) > 2_500
    wrong = [
        c for c in cases
        if (differs(read(c.a, c.lang_a), read(c.b, c.lang_b)) is None) != c.same_side
    ]  # fmt: skip
    assert not wrong, wrong[:5]
    assert {c.lang_a for c in cases} == {"ru", "uk", "en"}
