"""Synthetic pairs for the guard's sides (``framing eval-guard``, ``tests/test_guard_sides.py``):
the same people noun with a nationality word of one side or another, in Russian, Ukrainian
and English, in four grammatical cases, generated from paradigms (an adjective stem and its
plural case endings, a noun's plural case forms) and sentence frames that govern each case.
A pair of two sides must be vetoed ("people of different sides named"); a pair of one side,
in other cases or words, must not be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

CASES = ("nom", "gen", "dat", "ins")
# Plural endings of a hard-stem adjective in -ск-/-цьк- (российские, українських, ...).
ENDINGS = {
    "ru": {"nom": "ие", "gen": "их", "dat": "им", "ins": "ими"},
    "uk": {"nom": "і", "gen": "их", "dat": "им", "ins": "ими"},
}
# The sides: an English adjective, the Russian and Ukrainian adjective stems, and the
# country after the noun ("citizens of Russia", genitive «граждан России», «громадян Росії»).
SIDES = {
    "Russia": ("Russian", "российск", "російськ", "Russia", "России", "Росії"),
    "Ukraine": ("Ukrainian", "украинск", "українськ", "Ukraine", "Украины", "України"),
    "US": ("American", "американск", "американськ", "America", "США", "США"),
    "Belarus": ("Belarusian", "белорусск", "білоруськ", "Belarus", "Белоруссии", "Білорусі"),
    "Britain": ("British", "британск", "британськ", "Britain", "Британии", "Британії"),
    "Germany": ("German", "немецк", "німецьк", "Germany", "Германии", "Німеччини"),
    "France": ("French", "французск", "французьк", "France", "Франции", "Франції"),
    "China": ("Chinese", "китайск", "китайськ", "China", "Китая", "Китаю"),
    "Poland": ("Polish", "польск", "польськ", "Poland", "Польши", "Польщі"),
    "Israel": ("Israeli", "израильск", "ізраїльськ", "Israel", "Израиля", "Ізраїлю"),
}
# People nouns by class: English plural; Russian and Ukrainian plural nom, gen, dat, ins.
NOUNS = {
    "military": {
        "en": ["soldiers", "servicemen", "prisoners of war", "troops"],
        "ru": [("военнослужащие", "военнослужащих", "военнослужащим", "военнослужащими"),
               ("военнопленные", "военнопленных", "военнопленным", "военнопленными"),
               ("солдаты", "солдат", "солдатам", "солдатами")],
        "uk": [("військовослужбовці", "військовослужбовців", "військовослужбовцям",
                "військовослужбовцями"),
               ("військовополонені", "військовополонених", "військовополоненим",
                "військовополоненими"),
               ("солдати", "солдатів", "солдатам", "солдатами")],
    },
    "civilians": {
        "en": ["civilians", "citizens", "residents"],
        "ru": [("граждане", "граждан", "гражданам", "гражданами"),
               ("жители", "жителей", "жителям", "жителями")],
        "uk": [("громадяни", "громадян", "громадянам", "громадянами"),
               ("цивільні", "цивільних", "цивільним", "цивільними"),
               ("мешканці", "мешканців", "мешканцям", "мешканцями")],
    },
    "children": {
        "en": ["children"],
        "ru": [("дети", "детей", "детям", "детьми")],
        "uk": [("діти", "дітей", "дітям", "дітьми")],
    },
}  # fmt: skip
# A frame per case: a sentence that governs the noun phrase ({p}) in that case.
FRAMES = {
    "ru": {"nom": "{P} вернулись домой в субботу.", "gen": "В субботу освободили восемь {p}.",
           "dat": "Помощь в субботу оказали {p}.", "ins": "Обмен {p} прошёл в субботу."},
    "uk": {"nom": "{P} повернулися додому в суботу.", "gen": "У суботу звільнили вісім {p}.",
           "dat": "Допомогу в суботу надали {p}.", "ins": "Обмін {p} відбувся в суботу."},
    "en": {"nom": "{P} returned home on Saturday.", "gen": "Eight {p} were freed on Saturday.",
           "dat": "Aid was given to {p} on Saturday.",
           "ins": "The exchange of {p} took place on Saturday."},
}  # fmt: skip
LANGUAGE_PAIRS = (("ru", "en"), ("uk", "en"), ("ru", "uk"), ("en", "en"), ("ru", "ru"))


@dataclass(frozen=True)
class SideCase:
    a: str
    lang_a: str
    b: str
    lang_b: str
    same_side: bool


def phrase(side: str, noun: str | tuple[str, ...], case: str, lang: str, after: bool) -> str:
    """The noun phrase "<side adjective> <noun>" in ``case`` (English has no case), or with
    ``after`` "<noun> of <country>" (the country in the genitive)."""
    english, ru, uk, country, ru_country, uk_country = SIDES[side]
    form = noun[CASES.index(case)] if isinstance(noun, tuple) else noun
    if after:
        return f"{form} of {country}" if lang == "en" else (
            f"{form} {ru_country if lang == 'ru' else uk_country}"
        )  # fmt: skip
    if lang == "en":
        return f"{english} {form}"
    stem = ru if lang == "ru" else uk
    return f"{stem}{ENDINGS[lang][case]} {form}"


def sentence(side: str, noun: str | tuple[str, ...], case: str, lang: str, after: bool) -> str:
    found = phrase(side, noun, case, lang, after)
    return FRAMES[lang][case].format(p=found, P=found[0].upper() + found[1:])


def side_cases(every: int = 1) -> Iterator[SideCase]:
    """Each class's nouns in each language pair and case pair, the side before the noun or
    after it on each side, with two sides (each side against the next) and with one;
    ``every`` > 1 keeps one pair in that many."""
    sides = list(SIDES)
    pairs = [(s, sides[(k + 1) % len(sides)]) for k, s in enumerate(sides)]
    pairs += [(s, s) for s in sides]
    n = 0
    for nouns in NOUNS.values():
        for lang_a, lang_b in LANGUAGE_PAIRS:
            for noun_a, noun_b, case_a, case_b, after_a, after_b in product(
                nouns[lang_a], nouns[lang_b], CASES, CASES, (False, True), (False, True)
            ):
                for side_a, side_b in pairs:
                    n += 1
                    if n % every:
                        continue
                    yield SideCase(
                        sentence(side_a, noun_a, case_a, lang_a, after_a), lang_a,
                        sentence(side_b, noun_b, case_b, lang_b, after_b), lang_b,
                        side_a == side_b,
                    )  # fmt: skip


def count_side_cases(every: int = 1) -> dict[str, dict[str, int]]:
    """How many generated pairs the guard vetoes: of two sides (all should be) and of one
    side (none should be)."""
    from framing.alignment.guard import differs, read

    counts = {k: {"pairs": 0, "vetoed": 0} for k in ("different_sides", "same_side")}
    for case in side_cases(every):
        tally = counts["same_side" if case.same_side else "different_sides"]
        tally["pairs"] += 1
        tally["vetoed"] += int(
            differs(read(case.a, case.lang_a), read(case.b, case.lang_b)) is not None
        )
    return counts
