"""Speakers next to a speech verb: the word-level half of :mod:`framing.wording.attribution`.

A sentence is cut into words (:func:`tokens`) with a flag per word saying whether punctuation
stands before it (:func:`boundaries`). :func:`left` and :func:`right` look for a speech
verb's speaker on either side, within ``speaker_window`` words and never across punctuation:
a pronoun («сказал он»), a name run in the nominative («Сергей Лавров», "Dmitry Peskov"), a
role («спикер Кремля», "the official"), a group ("experts") or an institution after «в»/«у»
(«в Кремле заявили»). ru/uk use pymorphy3 for case and number (a subject is nominative:
«Спикер Кремля подчеркнул» has the role «Спикер», not «Кремля»); en has no case endings, so
only the word next to the verb may head the phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from framing.text.morphology import TEXT_WORD_RE, lemma_keys, normalise, parses

if TYPE_CHECKING:
    from framing.wording.attribution_cues import Rules

# What ends a speaker phrase between two words: punctuation, quote marks, a spaced dash.
BOUNDARY_RE = re.compile(r"[,.;:!?()\[\]«»\"“”„…—–\n]|\s-\s")
POSSESSIVE_RE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    word: str
    norm: str


@dataclass
class Speaker:
    kind: str  # "name", "institution", "role", "pronoun", "group", "anonymous", "passive"
    start: int  # token indices of the phrase, inclusive
    end: int
    head: int
    roles: frozenset[str] = frozenset()


# --- words ----------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def is_speech_verb(r: Rules, norm: str) -> bool:
    if r.lang == "en":
        return bool(lemma_keys("en", norm) & r.speech_verbs)
    for parse in parses(r.lang, norm):
        tag = parse.tag
        if normalise(parse.normal_form) in r.speech_verbs and tag.POS in {"VERB", "GRND"}:
            # «напомним», «скажите» are the outlet addressing its readers, not a source
            if not {"1per", "2per", "impr"} & set(tag.grammemes):
                return True
    return False


def _lemma_in(r: Rules, norm: str, words: frozenset[str]) -> bool:
    return norm in words or bool(lemma_keys(r.lang, norm) & words)


def _is_plural(r: Rules, tok: Token) -> bool:
    if r.lang == "en":
        return tok.norm not in r.titles and tok.norm.endswith("s")
    found = parses(r.lang, tok.norm)
    return bool(found) and all("plur" in p.tag for p in found if p.tag.POS == "NOUN")


def _nominative(r: Rules, tok: Token) -> bool:
    """Can the (capitalised) word be a subject? Always in en; ru/uk ask pymorphy3."""
    if r.lang == "en":
        return True
    for p in parses(r.lang, tok.norm):
        if {"LATN", "UNKN"} & set(p.tag.grammemes):
            return True
        if p.tag.POS in {"NOUN", "ADJF"} and "nomn" in p.tag:
            return True
    return False


def _genitive(r: Rules, tok: Token) -> bool:
    """Can the (lowercase) word be a genitive modifier of a role before it («глава
    киевского режима», «голова обласної адміністрації»)? en has no case: never."""
    if r.lang == "en":
        return False
    return any(
        p.tag.POS in {"NOUN", "ADJF", "PRTF"} and "gent" in p.tag for p in parses(r.lang, tok.norm)
    )


def _people(r: Rules, tok: Token) -> bool:
    """Is the word a plural noun naming people, with no name among its readings: a label
    for an unnamed group («Окупанти стверджують», «Военные заявили», «сообщили спасатели»;
    qa7: «Окупанти» was a named source)? ru/uk: pymorphy3's likeliest reading is an animate
    plural noun in the nominative. en has no tags: see :func:`_plural_label`."""
    if r.lang == "en" or tok.word.isupper():
        return False
    found = parses(r.lang, tok.norm)
    if not found or any(PROPER_NAME_TAGS & set(p.tag.grammemes) for p in found[:3]):
        return False
    return found[0].tag.POS == "NOUN" and {"anim", "plur", "nomn"} <= set(found[0].tag.grammemes)


def _plural_label(r: Rules, tok: Token) -> bool:
    """en: a capitalised first word of a sentence that is the plural of a word the
    dictionary knows ("Occupiers claim"; not "Jones said", whose lemma is itself)."""
    import simplemma

    if r.lang != "en" or not tok.norm.endswith("s"):
        return False
    lemma = simplemma.lemmatize(tok.norm, lang="en").casefold()
    return lemma != tok.norm and simplemma.is_known(lemma, lang="en")


def classify(r: Rules, tok: Token) -> str:
    """What a word can be in a speaker phrase: pronoun, group, role, name or other."""
    if tok.norm in r.pronouns:
        return "pronoun"
    if _lemma_in(r, tok.norm, r.groups):
        return "group"
    if _lemma_in(r, tok.norm, r.titles) and _nominative(r, tok):
        return "role"
    if _people(r, tok):
        return "group"
    if tok.word[0].isupper() and tok.norm not in r.stop and tok.norm not in r.determiners:
        return "name" if _nominative(r, tok) else "other"
    return "other"


def surname(r: Rules, word: str, case: str = "nomn") -> str:
    """The word as a name in the nominative («Пескова» → «Песков»); en words as written."""
    word = POSSESSIVE_RE.sub("", word)
    if r.lang == "en" or word.isupper():
        return word
    found = parses(r.lang, normalise(word))
    if case == "nomn" and any("nomn" in p.tag for p in found):
        return word
    for p in found:
        if case in p.tag and p.tag.POS in {"NOUN", "ADJF"}:
            form = p.inflect({"nomn"})
            if form is not None:
                return _capitalised(form.word)
    return word


# pymorphy3's tags of proper names: surname, first name, patronymic, place, organisation
PROPER_NAME_TAGS = frozenset({"Surn", "Name", "Patr", "Geox", "Orgn"})


def name_in_nominative(lang: str, word: str) -> str:
    """A proper name as a label writes it: «Трампа» → «Трамп», «Вашингтоні» → «Вашингтон»,
    «Києві» → «Київ», «Кремля» → «Кремль», «Навальной» → «Навальная». Only a word read as a
    name, a place or a surname declined like an adjective changes («Пескова» is also the
    plural "sands" in Russian), and abbreviations stay («США»); en words, and words
    pymorphy3 reads as none of these, stay as written."""
    if lang not in {"ru", "uk"} or word.isupper():
        return word
    readings = parses(lang, normalise(word))
    if (
        readings
        and readings[0].tag.POS == "ADJF"
        and (_may_be_a_name(lang, readings[0].normal_form) or not any(map(_thing, readings[:3])))
    ):
        # A capitalised adjective that reached here agrees with no noun after it
        # (:func:`adjective_phrase_in_nominative` takes those): a surname declined like an
        # adjective, read so before a rarer place («Зеленском», not «Зеленск») or with
        # nothing else to read it as («Залужного»). «Мінську» is the town «Мінськ».
        return _capitalised(_adjective_in_nominative(readings[0]) or word.lower())
    chosen = _place_reading(lang, readings) or next((p for p in readings[:3] if _is_name(p)), None)
    if chosen is None:
        return word
    return _capitalised((chosen.inflect({"nomn"}) or chosen).word)


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _adjective_in_nominative(reading: Any) -> str | None:
    """A person's name declined like an adjective, in the nominative of its gender (a
    neuter reading is a man's: «Залужного» is read neuter first)."""
    tags = (
        {"nomn", "plur"}
        if reading.tag.number == "plur"
        else {"nomn", "femn" if reading.tag.gender == "femn" else "masc"}
    )
    form = reading.inflect(tags)
    return form.word if form is not None else None


# pymorphy3's Ukrainian dictionary tags no place names (its Russian one has Geox), so a
# Ukrainian place in the locative reads first as something rarer: «Києві» as the first
# name «Кий», «Харкові» as the surname «Харко».
LOCATIVE_PLACES = frozenset({"uk"})
LOCATIVE = frozenset({"loct", "loc2"})


def _place_reading(lang: str, readings: list[Any]) -> Any | None:
    """The reading of a capitalised word that names a place or a body: every likely
    reading is one inanimate noun («Росії», «Кремля», «Госдумы»: capitalised inside a
    sentence, a common noun is a name); or, in Ukrainian, an inanimate noun in the
    locative, of the lemma most of those readings share, unless the word can be an
    adjective («у Білому домі», «раді»)."""
    top = readings[:3]
    if top and all(_thing(p) for p in top) and len({p.normal_form for p in top}) == 1:
        return top[0]
    if lang not in LOCATIVE_PLACES or any(p.tag.POS == "ADJF" for p in readings):
        return None
    likely = [p for p in readings[:4] if _thing(p)]
    located = [p for p in likely if p.tag.case in LOCATIVE]
    if not located:
        return None
    shared = [p.normal_form for p in likely]
    return max(located, key=lambda p: shared.count(p.normal_form))


def _thing(reading: Any) -> bool:
    return reading.tag.POS == "NOUN" and "inan" in reading.tag.grammemes and not _is_name(reading)


# The second forms of a case pymorphy3 tells apart («о мосту», «чашка чаю»): for agreement
# an adjective in the plain case matches them.
SECOND_CASES = {"loc2": "loct", "gen2": "gent", "acc2": "accs"}


def adjective_phrase_in_nominative(lang: str, adjective: str, noun: str) -> str | None:
    """A capitalised adjective and the noun it agrees with, as a label names them: «о
    Крымском мосту» → «Крымский мост». ``None`` unless one of the adjective's three
    likeliest readings is an adjective agreeing with a reading of the noun in case, number
    and (singular) gender, and neither the word nor its dictionary forms can be a name: «у
    Зеленского дома» reads first as an adjective and a noun ("of the Zelensky house"), and
    «Зеленский» is a surname."""
    if lang not in {"ru", "uk"}:
        return None
    readings = parses(lang, normalise(adjective))
    lemmas = {normalise(adjective), *(p.normal_form for p in readings[:3] if p.tag.POS == "ADJF")}
    if any(_may_be_a_name(lang, lemma) for lemma in lemmas):
        return None
    for a in readings[:3]:
        for n in parses(lang, normalise(noun))[:3]:
            if not _agree(a.tag, n.tag):
                continue
            plural = n.tag.number == "plur"
            noun_form = n.inflect({"nomn"})
            adjective_form = a.inflect({"nomn", "plur" if plural else n.tag.gender or "masc"})
            if noun_form is not None and adjective_form is not None:
                word = adjective_form.word
                return f"{_capitalised(word)} {noun_form.word}"
    return None


def _may_be_a_name(lang: str, word: str) -> bool:
    return any(_is_name(p) for p in parses(lang, word))


def _is_name(reading: Any) -> bool:
    """Whether a pymorphy3 reading is a proper name's (:data:`PROPER_NAME_TAGS`)."""
    return bool(PROPER_NAME_TAGS & set(reading.tag.grammemes))


def _agree(adjective: Any, noun: Any) -> bool:
    if adjective.POS != "ADJF" or noun.POS != "NOUN":
        return False
    case = SECOND_CASES.get(noun.case, noun.case)
    if adjective.case != case or adjective.number != noun.number:
        return False
    return noun.number == "plur" or adjective.gender in {None, noun.gender}


# --- phrases --------------------------------------------------------------------------------


def tokens(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), m.group(), normalise(m.group()))
        for m in TEXT_WORD_RE.finditer(text)
    ]


def boundaries(toks: list[Token], text: str) -> list[bool]:
    """``b[k]``: punctuation stands between token k-1 and token k."""
    return [True] + [
        BOUNDARY_RE.search(text, toks[k - 1].end, toks[k].start) is not None
        for k in range(1, len(toks))
    ]


def _roles(r: Rules, toks: list[Token], a: int, b: int) -> frozenset[str]:
    found = set()
    for t in toks[a : b + 1]:
        found |= lemma_keys(r.lang, t.norm) & r.titles
        if t.norm in r.titles:
            found.add(t.norm)
    return frozenset(found)


def _finish(r: Rules, toks: list[Token], kind: str, head: int, start: int, end: int) -> Speaker:
    """Name the phrase: a plural role or one after "a"/"an" is an unnamed source."""
    if kind == "group":
        return Speaker("anonymous", start, end, head)
    if kind == "role":
        indefinite = any(t.norm in {"a", "an"} for t in toks[start:head])
        if indefinite or _is_plural(r, toks[head]):
            return Speaker("anonymous", start, end, head)
    return Speaker(kind, start, end, head, _roles(r, toks, start, end))


def left(r: Rules, toks: list[Token], i: int, bounds: list[bool]) -> Speaker | None:
    """The speaker before the verb: «Песков заявил», "Kremlin spokesman said", "he added"."""
    window = int(r.settings["speaker_window"])
    k = _skip_back(r, toks, i - 1, bounds)
    if k < 0 or bounds[k + 1]:
        return None
    if toks[k].norm in r.passive:
        return Speaker("passive", k, k, k)
    institution = _institution(r, toks, bounds, i, k, -1)
    if institution is not None:
        return institution
    j, head, kind = k, None, "other"
    while j >= 0 and k - j < window:
        tok = toks[j]
        if tok.norm in r.stop:
            return None
        kind = classify(r, tok)
        if kind != "other":
            head = j
            break
        if r.lang == "en" or bounds[j]:
            return None  # en has no case endings: only the word next to the verb is a subject
        j -= 1
    if head is None:
        return None
    if kind == "pronoun":
        return Speaker("pronoun", head, k, head)
    if kind == "name" and head == 0 and _plural_label(r, toks[head]):
        kind = "group"  # "Occupiers claim": capitalised as the sentence's first word only
    if kind == "name":
        head = _body_head(r, toks, bounds, head)
        if classify(r, toks[head]) == "role":
            kind = "role"  # «Президент України підкреслює»: the title, not a body's name
    start = head
    while start > 0 and not bounds[start] and head - start < window:
        prev = toks[start - 1]
        if prev.norm in r.stop:
            break
        start -= 1
    # the phrase begins at its leftmost role, name or article («Министр ... Сергей Лавров»)
    while (
        start < head
        and classify(r, toks[start]) not in {"role", "name", "group"}
        and (toks[start].norm not in r.determiners)
    ):
        start += 1
    return _finish(r, toks, kind, head, start, k)


def _skip_back(r: Rules, toks: list[Token], k: int, bounds: list[bool]) -> int:
    """From token k leftwards, the first word that is not one that may stand between a
    speaker and its verb: a skip word, or a time phrase ("The Kremlin on Monday denied",
    «Песков в понедельник заявил»: a weekday was taken for the speaker, or ended the
    search at «в»)."""
    while k >= 0 and not bounds[k + 1]:
        if toks[k].norm in r.skip:
            k -= 1
        elif toks[k].norm in r.time_words:
            k -= 1
            if k >= 0 and not bounds[k + 1] and toks[k].norm in r.time_prepositions:
                k -= 1
        else:
            break
    return k


def _body_head(r: Rules, toks: list[Token], bounds: list[bool], head: int) -> int:
    """The head of a body's name whose last word is a place or body in the genitive, which
    uk may also read as a nominative plural: «Держприкордонслужба України» is the service,
    not «України» (nor «Міністерство оборони України»). A person's name stays («Мария
    Захарова», though «Захарова» can be a genitive)."""
    if r.lang == "en" or _a_person(r, toks[head]) or not _genitive(r, toks[head]):
        return head
    j = head - 1
    while j >= 0 and head - j <= 3 and not bounds[j + 1]:
        tok = toks[j]
        if tok.word[0].isupper():
            nominative = any(
                p.tag.POS == "NOUN" and "nomn" in p.tag for p in parses(r.lang, tok.norm)
            )
            return j if nominative and not _a_person(r, tok) else head
        if not _genitive(r, tok):
            return head
        j -= 1
    return head


def _a_person(r: Rules, tok: Token) -> bool:
    return any({"Surn", "Name", "Patr"} & set(p.tag.grammemes) for p in parses(r.lang, tok.norm))


def _institution(
    r: Rules, toks: list[Token], bounds: list[bool], i: int, k: int, step: int
) -> Speaker | None:
    """«в Кремле заявили», «сообщили в Минобороны России»: a plural verb and a capitalised
    place after «в»/«у» (k is the word next to the verb, step the direction)."""
    if not r.institution_preps or not any(
        "plur" in p.tag for p in parses(r.lang, toks[i].norm) if p.tag.POS == "VERB"
    ):
        return None
    if step < 0:  # walk left over the place's capitalised words to the preposition
        j = k
        while j > 0 and k - j < 3 and toks[j].word[0].isupper() and not bounds[j]:
            if toks[j - 1].norm in r.institution_preps:
                return Speaker("institution", j - 1, k, j)
            j -= 1
        return None
    if toks[k].norm in r.institution_preps and k + 1 < len(toks) and not bounds[k + 1]:
        if toks[k + 1].word[0].isupper():
            end = k + 1
            while end + 1 < len(toks) and not bounds[end + 1] and toks[end + 1].word[0].isupper():
                end += 1
            return Speaker("institution", k, min(end, k + 3), k + 1)
    return None


def _name_after_role(
    r: Rules, toks: list[Token], bounds: list[bool], m: int, limit: int
) -> int | None:
    """Where a name starts that follows role words from token m on, within the same clause
    and before ``limit`` ("Kremlin | spokesman | Dmitry Peskov"), or None."""
    start = m
    while m < min(len(toks), limit) and not bounds[m] and classify(r, toks[m]) == "role":
        m += 1
    if m == start or m >= min(len(toks), limit) or bounds[m]:
        return None
    return m if classify(r, toks[m]) == "name" else None


def right(r: Rules, toks: list[Token], i: int, bounds: list[bool]) -> Speaker | None:
    """The speaker after the verb: «сказал он», «заявил пресс-секретарь … Дмитрий Песков»."""
    window = int(r.settings["speaker_window"])
    k = i + 1
    while k < len(toks) and not bounds[k] and toks[k].norm in r.skip:
        k += 1
    if k >= len(toks) or bounds[k]:
        return None
    if classify(r, toks[k]) == "pronoun":
        return Speaker("pronoun", k, k, k)
    institution = _institution(r, toks, bounds, i, k, 1)
    if institution is not None:
        return institution
    role = name = None
    last = k
    j = k
    while j < len(toks) and j - k < window and (j == k or not bounds[j]):
        tok = toks[j]
        if tok.norm in r.stop:
            break
        kind = classify(r, tok)
        if kind == "name":
            name = j
            while j + 1 < len(toks) and not bounds[j + 1] and classify(r, toks[j + 1]) == "name":
                j += 1
                name = j
            last = j
            after_role = _name_after_role(r, toks, bounds, j + 1, k + window)
            if after_role is None:
                break
            j = after_role  # "said Kremlin spokesman Dmitry Peskov": the person, not the body
            continue
        if kind in {"role", "group"}:
            role = role if role is not None else (j, kind)
            last = j
        elif tok.word[0].isupper():
            last = j  # «спикер Кремля»: a capitalised modifier
        elif role is not None and last == j - 1 and _genitive(r, tok):
            last = j  # «глава киевского режима»: the role's complement is part of who spoke
        elif r.lang == "en" and tok.norm not in r.determiners:
            break
        j += 1
    if name is not None:
        return _finish(r, toks, "name", name, k, last)
    if role is not None:
        return _finish(r, toks, role[1], role[0], k, last)
    return None
