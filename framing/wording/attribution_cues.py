"""The cue finders behind :mod:`framing.wording.attribution`, one sentence at a time.

Three finders run in order, each skipping what an earlier one found and what lies inside
the ``quoted`` spans (someone's own words): :func:`agency_cues` (the outlet registry),
:func:`pattern_cues` (the regexes of ``data/attribution.yaml``) and :func:`verb_cues` (a
speech verb and the speaker next to it). Offsets are local to the sentence. See
:mod:`framing.wording.attribution` for the rules as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from framing.errors import FramingError
from framing.outlets import Registry, load_registry
from framing.settings import packaged_yaml
from framing.text.morphology import TEXT_WORD_RE, lemma_keys, normalise, parses
from framing.wording.speakers import (
    Speaker,
    Token,
    boundaries,
    is_speech_verb,
    left,
    right,
    surname,
    tokens,
)

__all__ = [
    "KINDS",
    "AttributionError",
    "AttributionCue",
    "Rules",
    "agency_cues",
    "pattern_cues",
    "rules",
    "verb_cues",
]

CAPITAL = r"(?-i:[A-ZА-ЯЁІЇЄҐ])[\w'’ʼ-]*"
NAME = rf"(?P<name>{CAPITAL}(?:[ \t\u00a0]+{CAPITAL}){{0,2}})"
WORDS = r"(?:[\w'’ʼ-]+[ \t\u00a0]+){0,3}"
LIST_SPLIT_RE = re.compile(r",\s*|\s+(?:и|та|і|й|and|&)\s+")
_EDGE = " \t\n\u00a0,:;—–-"
Spans = Sequence[tuple[int, int]]
KINDS = ("agency", "named_speaker", "anonymous", "document", "media_generic")


class AttributionError(FramingError):
    """The attribution data cannot be used for the language asked for."""


@dataclass(frozen=True)
class Pattern:
    kind: str
    regex: re.Pattern[str]
    case: str
    quote: str | None
    with_agency: bool  # may overlap an agency cue («цитирует его «Интерфакс»»)


@dataclass(frozen=True)
class Rules:
    lang: str
    speech_verbs: frozenset[str]
    titles: frozenset[str]
    groups: frozenset[str]
    pronouns: frozenset[str]
    skip: frozenset[str]
    stop: frozenset[str]
    determiners: frozenset[str]
    passive: frozenset[str]
    institution_preps: frozenset[str]
    infinitive: frozenset[str]
    complementizers: frozenset[str]
    noun_like: frozenset[str]
    owners: frozenset[str]
    institution_heads: frozenset[str]
    clause_verbs: frozenset[str]
    coordinators: frozenset[str]
    time_words: frozenset[str]
    time_prepositions: frozenset[str]
    patterns: tuple[Pattern, ...]
    back_reference: re.Pattern[str] | None
    title_classes: tuple[frozenset[str], ...]
    settings: dict[str, Any] = field(hash=False, compare=False)

    def __hash__(self) -> int:
        """The language's: rules are keys of the per-word caches of :mod:`speakers`, looked
        up for every word of every sentence, and the hash the dataclass would make hashes
        all twenty-two fields and each pattern's regex on every lookup (2 % of a scoring
        worker's time). Equal rules have the same language, so this agrees with ``==``."""
        return hash(self.lang)


@dataclass
class AttributionCue:
    """A cue found in one sentence; ``ref`` says who must be worked out from earlier cues."""

    kind: str
    start: int
    end: int
    who: str | None = None
    quote: str | None = None  # "indirect" when the pattern says so
    ref: str | None = None  # "pronoun", "role" or "document"
    roles: frozenset[str] = frozenset()


# --- data -----------------------------------------------------------------------------------


def _data() -> dict[str, Any]:
    return packaged_yaml("attribution.yaml")


def _compiled(source: str, where: str) -> re.Pattern[str]:
    """A regex of attribution.yaml, case-insensitive; ``where`` names it in the error."""
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise AttributionError(f"attribution.yaml: {where} is not a valid regex: {exc}") from exc


@cache
def rules(lang: str) -> Rules:
    """The compiled rules for ``lang`` ("ru", "uk" or "en"; "ru-RU" works too)."""
    code = re.split(r"[-_]", (lang or "").strip().lower())[0]
    data = _data()
    table = data["languages"].get(code)
    if table is None:
        known = ", ".join(data["languages"])
        raise AttributionError(f"No attribution rules for language {lang!r}; use one of {known}.")

    def words(key: str) -> frozenset[str]:
        return frozenset(normalise(str(w)) for w in table.get(key) or [])

    patterns = []
    for number, raw in enumerate(table.get("patterns") or [], start=1):
        source = raw["regex"].replace("{name}", NAME).replace("{words}", WORDS)
        regex = _compiled(source, f"{code} pattern {number}")
        if raw["kind"] not in KINDS:
            raise AttributionError(
                f"attribution.yaml: {code} pattern {number} has kind {raw['kind']!r}; "
                f"use one of {', '.join(KINDS)}."
            )
        patterns.append(Pattern(raw["kind"], regex, raw.get("case", "nomn"), raw.get("quote"),
                                bool(raw.get("with_agency"))))  # fmt: skip
    found = table.get("back_reference")
    back_reference = _compiled(found, f"{code} back_reference") if found else None
    return Rules(code, words("speech_verbs"), words("titles"), words("unnamed_groups"),
                 words("pronouns"), words("skip_words"), words("stop_words"),
                 words("determiners"), words("passive_markers"),
                 words("institution_prepositions"), words("infinitive_markers"),
                 words("complementizers"),
                 words("noun_like_forms"), words("owner_words"), words("institution_heads"),
                 words("clause_verbs"), words("coordinators"), words("time_words"),
                 words("time_prepositions"), tuple(patterns), back_reference,
                 tuple(frozenset(normalise(str(w)) for w in c)
                       for c in table.get("title_classes") or []),
                 dict(data["settings"]))  # fmt: skip


def _registry() -> Registry | None:
    try:
        return load_registry()
    except FramingError:  # no corpus folder: attribution works without agencies
        return None


# --- the finders ----------------------------------------------------------------------------


def _inside(start: int, end: int, spans: Spans) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _overlaps(start: int, end: int, cues: list[AttributionCue]) -> bool:
    return any(start < c.end and c.start < end for c in cues)


def agency_cues(
    text: str, r: Rules, existing: list[AttributionCue], quoted: Spans = ()
) -> list[AttributionCue]:
    """Outlets the registry finds cited, and outlets listed before one ("CNN, NBC и AP")."""
    registry = _registry()
    if registry is None:
        return []
    found: list[AttributionCue] = []
    for mention in registry.citations(text):
        if _inside(mention.start, mention.end, quoted):
            continue
        if _overlaps(mention.start, mention.end, existing + found):
            continue
        found.append(AttributionCue("agency", mention.start, mention.end, mention.outlet))
        found.extend(_listed_before(registry, text, mention.start))
    return found


def _listed_before(registry: Registry, text: str, start: int) -> list[AttributionCue]:
    """Outlets listed before a cited one that opens its cue share its verb («СNN, NBC, Fox
    News и агентство Associated Press сообщили»). Walks back chunk by chunk while each ends
    in an outlet name; the chunk just before the cue may only hold lowercase descriptors."""
    first_words = [m.group() for m in TEXT_WORD_RE.finditer(text, start, start + 60)][:3]
    if not any(registry.find(" ".join(first_words[:n])) for n in range(1, len(first_words) + 1)):
        return []  # the cue does not start with the outlet's name («цитирует его «Интерфакс»»)
    seps = list(LIST_SPLIT_RE.finditer(text, 0, start))
    if not seps or any(w[0].isupper() for w in TEXT_WORD_RE.findall(text, seps[-1].end(), start)):
        return []
    found = []
    edges = [0] + [m.end() for m in seps]
    for n in range(len(seps) - 1, -1, -1):
        words = list(TEXT_WORD_RE.finditer(text, edges[n], seps[n].start()))
        outlet = None
        for size in range(1, min(3, len(words)) + 1):
            a, b = words[-size].start(), words[-1].end()
            outlet = registry.find(text[a:b])
            if outlet is not None:
                found.append(AttributionCue("agency", a, b, outlet["id"]))
                break
        if outlet is None:
            break
    return found


def pattern_cues(
    text: str, r: Rules, existing: list[AttributionCue], quoted: Spans = ()
) -> list[AttributionCue]:
    """Cues of the language's regex patterns, in their order; see data/attribution.yaml."""
    found: list[AttributionCue] = []
    toks = tokens(text)
    registry = _registry()
    for pattern in r.patterns:
        for m in pattern.regex.finditer(text):
            start, end = trim_edges(text, *m.span())
            if _inside(start, end, quoted):
                continue
            blocking = [c for c in existing + found if start < c.end and c.start < end]
            if start == end or any(not pattern.with_agency or c.kind != "agency" for c in blocking):
                continue
            cue = AttributionCue(pattern.kind, start, end, quote=pattern.quote)
            name, pronoun = m.groupdict().get("name"), m.groupdict().get("pronoun")
            if m.groupdict().get("source") is not None:
                named = source_name(r, text, toks, m.start("source"), pattern.case)
                if named is None:
                    continue
                cue.end, name = named[0], named[1]
                if _overlaps(cue.start, cue.end, existing + found):
                    continue
            outlet = registry.find(name) if name and registry else None
            if outlet is not None:
                cue.kind, cue.who = "agency", outlet["id"]
            elif name and pattern.kind == "document":  # «заявлении МИД России»: the head noun
                first, *rest = name.split()
                cue.who = " ".join([surname(r, first, pattern.case), *rest])
            elif m.groupdict().get("source") is not None:
                cue.who = named[2]
            elif name and r.lang == "en" and normalise(name.split()[-1]) in r.institution_heads:
                # "according to the National Anti-Terrorism Committee (NAC)": the whole name
                run = _CAPITALISED_RUN.search(text, start, m.end("name"))
                cue.end, cue.who = _abbreviated(text, cue.end, run.group() if run else name)
            elif name and (role := _role_of_a_body(r, text, m)):
                # «по словам представителя Кремля»: the spokesman, not the Kremlin
                cue.who, cue.ref, cue.roles = text[role[0] : m.end()], "role", role[1]
            elif name:  # «пресс-секретаря Кремля Дмитрия Пескова»: the surname
                cue.who = surname(r, name.split()[-1], pattern.case)
            elif pronoun:
                cue.ref = "pronoun"
            elif pattern.kind == "document":
                _document_issuer(r, text, toks, cue)
            found.append(cue)
    return found


# The capitalised words that end a span ("the National Anti-Terrorism Committee").
_CAPITALISED_RUN = re.compile(r"(?:(?-i:[A-Z])[\w'’-]*[ \t\u00a0]+)*(?-i:[A-Z])[\w'’-]*$")
# A bracketed abbreviation after an institution's name: «(НАК)», "(NAC)".
_ABBREVIATION_RE = re.compile(r"[ \t\u00a0]*\((?-i:[A-ZА-ЯЁІЇЄҐ]{2,}[\w-]*)\)")


def _abbreviated(text: str, end: int, name: str) -> tuple[int, str]:
    """The end of an institution's name with the bracketed abbreviation after it, if any,
    and the name so written ("National Anti-Terrorism Committee (NAC)")."""
    m = _ABBREVIATION_RE.match(text, end)
    if m is None:
        return end, name
    return m.end(), f"{name} {m.group().strip()}"


def source_name(
    r: Rules, text: str, toks: list[Token], start: int, case: str
) -> tuple[int, str, str] | None:
    """The source named from ``start`` on, after «по данным», «за версією»: its end, its
    words and who it is. It runs from its first word over words in ``case`` and
    abbreviations (ru/uk: «Национального антитеррористического комитета», «Министерства
    обороны России»), at most six words, to a bracketed abbreviation («(НАК)»). A name with a
    lowercase word or such an abbreviation is an institution, named whole with the words up
    to its first noun in the nominative («Национальный антитеррористический комитет (НАК)»,
    «Следственный комитет РФ»); else a person (or a one-word body), by its last word in the
    nominative («Дмитрия Пескова» → Песков, «Минобороны»). qa7: 360.ru's «По данным
    Национального антитеррористического комитета (НАК), все произошло в 06:07.» gave no cue."""
    first = next((k for k, t in enumerate(toks) if t.start == start), None)
    if first is None:
        return None
    bounds = boundaries(toks, text)
    last = first
    while last + 1 < len(toks) and last + 1 - first < 6 and not bounds[last + 1]:
        nxt = toks[last + 1]
        if nxt.norm in r.stop or not (nxt.word.isupper() or _in_case(r, nxt.norm, case)):
            break  # «По данным Минобороны Украина потеряла…»: «Украина» begins the clause
        last += 1
    words = [t.word for t in toks[first : last + 1]]
    end, institution = toks[last].end, any(w[0].islower() for w in words)
    m = _ABBREVIATION_RE.match(text, end)
    if m is not None:
        end, institution = m.end(), True
    if not institution and _person(r, toks[last].norm):
        return end, " ".join(words), surname(r, words[-1], case)
    named = " ".join(_institution_words(r, toks[first : last + 1], case))
    return end, " ".join(words), named + (f" {m.group().strip()}" if m is not None else "")


def _role_of_a_body(r: Rules, text: str, m: re.Match[str]) -> tuple[int, frozenset[str]] | None:
    """Where the role words before a pattern's {name} begin, and their roles, when that
    name is a body, not a person («по словам представителя Кремля»: the Kremlin's
    spokesman, whom another cue names); else None. ru/uk only: en names carry no case to
    tell a body by."""
    if r.lang == "en" or any(_person(r, normalise(w)) for w in m.group("name").split()):
        return None
    first, found = None, set()
    for word in TEXT_WORD_RE.finditer(text, m.start(), m.start("name")):
        roles = lemma_keys(r.lang, normalise(word.group())) & r.titles
        if roles and first is None:
            first = word.start()
        found |= roles
    return (first, frozenset(found)) if first is not None else None


def _person(r: Rules, norm: str) -> bool:
    """Can the word be a person's name (pymorphy3's surname, first name or patronymic)?"""
    return any({"Surn", "Name", "Patr"} & set(p.tag.grammemes) for p in parses(r.lang, norm))


def _in_case(r: Rules, norm: str, case: str) -> bool:
    return any(
        p.tag.POS in {"NOUN", "ADJF", "PRTF"} and case in p.tag for p in parses(r.lang, norm)
    )


def _institution_words(r: Rules, toks: list[Token], case: str) -> list[str]:
    """An institution's words with those up to its first noun in the nominative: the
    noun's dependents after it stay in their case («Министерства обороны России» →
    «Министерство обороны России»)."""
    noun = next((p for t in toks for p in parses(r.lang, t.norm)[:1] if p.tag.POS == "NOUN"), None)
    gender = {"nomn", "plur"} if noun is not None and noun.tag.number == "plur" else None
    if gender is None:
        gender = {"nomn", (noun.tag.gender if noun is not None else None) or "masc"}
    out, done = [], False
    for tok in toks:
        if done or tok.word.isupper():
            out.append(tok.word)
            continue
        reading = next(
            (p for p in parses(r.lang, tok.norm)
             if case in p.tag and p.tag.POS in {"NOUN", "ADJF", "PRTF"}),
            None,
        )  # fmt: skip
        if reading is None:
            out.append(tok.word)
            continue
        if reading.tag.POS == "NOUN":
            done = True
            form = reading.inflect({"nomn"})
        else:
            form = reading.inflect(gender)
        word = form.word if form is not None else tok.word
        out.append(word[:1].upper() + word[1:] if tok.word[0].isupper() else word)
    return out


def trim_edges(text: str, start: int, end: int, edge: str = _EDGE) -> tuple[int, int]:
    """The span without the ``edge`` characters (spaces, colons, dashes…) a pattern may
    match at its ends."""
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    return start, end


def _document_issuer(r: Rules, text: str, toks: list[Token], cue: AttributionCue) -> None:
    """The issuer of a statement is the speaker of its verb ("The Kremlin has said in a
    statement"); without one, "the statement" refers back to the last document."""
    first = next((i for i, t in enumerate(toks) if t.start == cue.start), None)
    if first is not None and is_speech_verb(r, toks[first].norm):
        speaker = left(r, toks, first, boundaries(toks, text))
        if speaker is not None and speaker.kind in {"name", "institution"}:
            cue.who = _who(r, toks, speaker)
            cue.start = toks[speaker.start].start
            return
    cue.ref = "document"


def verb_cues(
    text: str, r: Rules, existing: list[AttributionCue], quoted: Spans = ()
) -> list[AttributionCue]:
    """Speech verbs with a speaker beside them ("Peskov said", «сказал он»)."""
    toks = tokens(text)
    bounds = boundaries(toks, text)
    found: list[AttributionCue] = []
    for i, tok in enumerate(toks):
        if _inside(tok.start, tok.end, quoted) or not _verb_here(r, toks, bounds, i):
            continue  # a verb inside a quotation is the speaker's wording
        if _overlaps(tok.start, tok.end, existing + found):
            continue
        if _reported(r, toks, i, existing + found):
            continue  # «Захарова заявила, что Москва ответит»: inside what was reported
        speaker = left(r, toks, i, bounds)
        if speaker is None and not (r.lang == "en" and tok.norm.endswith("ing")):
            # "…, describing Putin's regime as": an -ing form's subject is never after it
            speaker = right(r, toks, i, bounds)
        first = i
        while first > 0 and not bounds[first] and toks[first - 1].norm in r.skip:
            first -= 1  # «также заметил Песков»: the adverb belongs to the cue
        if speaker is None:
            # «… опублікувала відео та попередила, що …»: the cue is the verb alone, its
            # speaker the subject of the verb before the conjunction
            subject = _coordinated(r, toks, bounds, first, existing + found)
            if subject is not None:
                found.append(_speaker_cue(r, toks, subject, toks[first].start, tok.end))
            continue
        if speaker.kind == "passive":
            continue  # no speaker of its own: it continues an earlier cue ("…, adding that")
        start = min(toks[speaker.start].start, toks[first].start)
        end = max(toks[speaker.end].end, tok.end)
        if _overlaps(start, end, existing + found):
            continue
        found.append(_speaker_cue(r, toks, speaker, start, end))
    return found


def _coordinated(
    r: Rules, toks: list[Token], bounds: list[bool], i: int, cues: list[AttributionCue]
) -> Speaker | None:
    """The speaker of a speech verb at token i that follows a coordinating conjunction
    with no punctuation between: the subject of the finite verb before the conjunction
    («Держприкордонслужба України опублікувала відео та попередила, що …», "The State
    Border Guard Service published a video and warned that …"; qa7: no cue). None when that
    verb is itself a cue's: «Песков заявил и добавил» goes on with the cue it has."""
    c = i - 1
    if c < 1 or bounds[i] or toks[c].norm not in r.coordinators:
        return None
    window = int(r.settings["speaker_window"])
    for v in range(c - 1, max(-1, c - 1 - window), -1):
        if bounds[v + 1]:
            return None  # punctuation between the two verbs: another clause
        if not _finite_verb(r, toks, v):
            continue
        if _overlaps(toks[v].start, toks[v].end, cues):
            return None
        speaker = left(r, toks, v, bounds)
        return speaker if speaker is not None and speaker.kind != "passive" else None
    return None


def _finite_verb(r: Rules, toks: list[Token], v: int) -> bool:
    """Is token v a finite verb? ru/uk: pymorphy3's likeliest reading. en, which has no
    tags: the first lowercase word of the sentence after a capitalised subject ("The State
    Border Guard Service published")."""
    if r.lang != "en":
        found = parses(r.lang, toks[v].norm)
        return bool(found) and found[0].tag.POS == "VERB"
    if v == 0 or not toks[v].word[0].islower() or toks[v].norm in r.stop | r.determiners:
        return False
    return all(t.word[0].isupper() or t.norm in r.determiners for t in toks[:v])


def _reported(r: Rules, toks: list[Token], i: int, cues: list[AttributionCue]) -> bool:
    """Is token i in a clause that a cue before it reports ("said that …")?"""
    before = [c.end for c in cues if c.end <= toks[i].start]
    if not before:
        return False
    last = max(before)
    return any(t.norm in r.complementizers for t in toks[:i] if t.start >= last)


def _verb_here(r: Rules, toks: list[Token], bounds: list[bool], i: int) -> bool:
    """Is token i a speech verb in this place? en needs word order for what ru/uk tags say."""
    tok = toks[i]
    if not is_speech_verb(r, tok.norm):
        return False
    if r.clause_verbs and lemma_keys(r.lang, tok.norm) & r.clause_verbs:
        # «утверждают, что», «— утверждает он»; not «утверждает бюджет» ("approves")
        if not (bounds[i] or i + 1 == len(toks) or bounds[i + 1]):
            return False
    if r.lang != "en":
        return True
    if tok.word[0].isupper() and not _title_case(toks):
        return False  # "the United States": a capitalised word is a name, not a verb
    if i > 0 and not bounds[i] and toks[i - 1].norm in r.infinitive:
        return False
    if i > 0 and not bounds[i] and tok.norm.endswith("s") and _owner(r, toks[i - 1]):
        return False  # "Don Lemon's comments, I thought": a plural noun, whatever follows
    if tok.norm in r.noun_like:  # "the US states" unless "Peskov notes that" / "states:"
        return i + 1 == len(toks) or bounds[i + 1] or toks[i + 1].norm == "that"
    return True


def _owner(r: Rules, tok: Token) -> bool:
    """Does an en word stand before a noun: a possessive ("Lemon's", "his") or a determiner
    ("the", "these")? A speech verb's s-form after it is a plural noun. (A plural's
    possessive, "ministers' remarks", is not told: the tokens leave its apostrophe out.)"""
    return tok.norm in r.owners or tok.norm.endswith("'s")


def _title_case(toks: list[Token]) -> bool:
    """A headline in title case ("Kremlin Says Russian Representatives Held No Contacts")."""
    long_words = [t for t in toks if len(t.word) > 3]
    return len(long_words) >= 3 and all(t.word[0].isupper() for t in long_words)


def _who(r: Rules, toks: list[Token], sp: Speaker) -> str:
    """A person by surname ("Dmitry Peskov" → Peskov); an organisation whose name ends in
    an ``institution_heads`` word by its whole name ("Russian Foreign Ministry")."""
    head = toks[sp.head]
    if sp.kind == "institution":
        return surname(r, head.word, "loct")
    if head.norm in r.institution_heads:
        first = sp.head
        while first > sp.start and toks[first - 1].word[0].isupper():
            if toks[first - 1].norm in r.determiners:
                break
            first -= 1
        return " ".join(t.word for t in toks[first : sp.head + 1])
    return surname(r, head.word)


def _speaker_cue(r: Rules, toks: list[Token], sp: Speaker, start: int, end: int) -> AttributionCue:
    head = toks[sp.head]
    if sp.kind == "name":
        run = [t.word for t in toks[sp.start : sp.end + 1] if t.word[0].isupper()]
        registry = _registry()
        # «Издание The Washington Post писало»: the outlet is the end of the capitalised run
        outlet = next(
            (o for k in range(len(run)) if registry and (o := registry.find(" ".join(run[k:])))),
            None,
        )
        if outlet is None and registry is not None:
            outlet = registry.find(head.word)
        if outlet is not None:
            return AttributionCue("agency", start, end, outlet["id"])
        return AttributionCue("named_speaker", start, end, _who(r, toks, sp), roles=sp.roles)
    if sp.kind == "institution":
        return AttributionCue("named_speaker", start, end, _who(r, toks, sp))
    if sp.kind == "anonymous":
        return AttributionCue("anonymous", start, end)
    if sp.kind == "pronoun":
        return AttributionCue("named_speaker", start, end, ref="pronoun")
    phrase = [t.word for t in toks[sp.start : sp.end + 1] if t.norm not in r.determiners]
    return AttributionCue("named_speaker", start, end, " ".join(phrase), ref="role", roles=sp.roles)
