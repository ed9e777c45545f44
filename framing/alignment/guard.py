"""The polarity, modality and participant guard: two sentences that say opposite things
about the same people, or the same thing about different people, score high in e5 (the
words are nearly the same) but are not the same statement.

"The Kremlin does not rule out contact with Trump" against "no plans to communicate with
the outgoing Biden": both are one negation about a US president, and e5 puts them at z 7.
The guard compares three cheap signals of each sentence and vetoes a confident link when
one differs (the pair is still shown, as a possible counterpart for a reader to check),
and keeps a link "partial", never "equivalent", unless the negations and the names agree
in full:

- **polarity**: whether the sentence is negated at all (particles and denial words, per
  language; presence, not parity: "denied ... pure fiction" is one denial, not two); and,
  for "equivalent" only, whether the negation is on the main predicate rather than in a
  subordinate clause or on an infinitive («просят не заезжать» against "closures are not
  in place": each negated once, but not the same verb);
- **modality**: "not excluded / possible" is its own mood, not a negation; nor is the
  particle of a concessive pronoun («кто бы их ни направлял», «хто б не був»: "whoever");
  nor a contrastive one, which negates a replaced term, not the claim («Байден, а не
  Трамп», "not once, but twice", «не только …, но и …»);
- **participants**: the names in each sentence (capitalised words),
  compared across scripts by a consonant skeleton ("Трампом" and "Trump" are both ``trm``),
  the forms of one participant grouped as data ("Russia", "Russian", "Moscow", "Kremlin";
  "the West", «Запад»);
  two sentences that both name someone but share no name are about different people.
  A nationality word counts as the participant it names (``guard.sides``: Russian and
  Ukrainian write «российские», «українські» lowercase) when shared, never to make a
  sentence "name someone".
  When both quote, only the names inside their quotations count: around a quotation one
  report names the speaker and another says "he". Between two languages the titles and
  institutions one of them capitalises and the other does not ("the Armed Forces" against
  «вооруженные силы», ``guard.titles``) are not compared;
- **sides**: the same class of people with another nationality or side ("Russian civilians"
  against «цивільних українців»: :mod:`framing.alignment.sides`) are other people.

Word lists are data (``data/alignment.yaml``, ``guard``). The guard errs towards vetoing:
a false veto costs a confident link but not the pair (it stays shown as a candidate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from framing.alignment.align import thresholds
from framing.alignment.sides import different_sides, people_sides, side_names, side_of
from framing.text.quoting import quoted_spans

WORD = re.compile(r"[^\W\d_][\w'’-]*")
CYRILLIC = dict(
    zip(
        "абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюя",
        "a b v g g d e e e zh z i i i j k l m n o p r s t u f kh z ch sh sh _ y _ e ju ja".split(),
        strict=True,
    )
)
# Sounds spelt differently across the scripts, made one: "Москва"/"Moscow", "Шольц"/"Scholz".
LATIN = [("sch", "sh"), ("ck", "k"), ("ph", "f"), ("ts", "z"), ("tz", "z"), ("c", "k"),
         ("q", "k"), ("w", "v"), ("x", "ks")]  # fmt: skip
NOT_CONSONANT = re.compile(r"[aeiouyjh_'’-]")


DIFFERENT_PEOPLE = "different people named"
DIFFERENT_SIDES = "people of different sides named"


@dataclass(frozen=True)
class Reading:
    negations: int
    possible: bool
    forecast: bool  # a plan, intention or future act, not the act done
    names: frozenset[str]  # capitalised words after the first
    first: str  # the first word's skeleton: a name there counts only if the other side has it
    main_negated: bool = False  # a negation outside subordinate clauses and infinitives
    inverse: int = 0  # verbs whose meaning holds a negation ("prevented", «запретили»)
    hedged: bool = False  # a negated quantifier or ordinal ("not always", «не первый»)
    # the names inside the sentence's quotations, None when it quotes nothing
    quoted: frozenset[str] | None = None
    contrastive: bool = False  # a negation of a replaced term ("Biden, not Trump"), not counted
    # the names that are only titles or institutions (``guard.titles``), and the language:
    # compared as names only against a sentence of the same language
    titled: frozenset[str] = frozenset()
    lang: str | None = None
    # the names inside the sentence's own attribution cues ("…, Judge Andrei Mineyev said"),
    # None until SentenceGuard reads them (they need the article's sentences)
    spoken_by: frozenset[str] | None = None
    # the (class, side) pairs of the people it names with a side ("Russian civilians"), and
    # every side a nationality word names (lowercase in ru/uk: «українські» -> Ukraine)
    sides: frozenset[tuple[str, str]] = frozenset()
    sided: frozenset[str] = frozenset()
    bare: bool = False  # only says who reported it ("This was reported by ...")


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    words = thresholds()["guard"]
    negation = re.compile(
        r"(?<!\w)(?:" + "|".join(words["negation"].get(lang, [])) + ")", re.IGNORECASE
    )
    denial = re.compile(
        r"(?<!\w)(?:" + "|".join(words["denial"].get(lang, [])) + ")", re.IGNORECASE
    )
    possible = re.compile(r"(?<!\w)(?:" + "|".join(words["possible"].get(lang, [])) + ")",
                          re.IGNORECASE)  # fmt: skip
    forecast = re.compile(r"(?<!\w)(?:" + "|".join(words["forecast"].get(lang, [])) + ")",
                          re.IGNORECASE)  # fmt: skip
    return negation, denial, possible, forecast


@cache
def _word_pattern(lang: str, key: str) -> re.Pattern[str]:
    """Any of the ``guard.<key>`` expressions of alignment.yaml for ``lang``, matched at a
    word start (a language without any matches nothing)."""
    found = thresholds()["guard"][key].get(lang) or ["(?!)"]
    return re.compile(r"(?<!\w)(?:" + "|".join(found) + ")", re.IGNORECASE)


@cache
def _titles(lang: str) -> re.Pattern[str]:
    """A whole word of ``guard.titles`` for ``lang`` (a possessive ending allowed)."""
    found = thresholds()["guard"].get("titles", {}).get(lang) or ["(?!)"]
    return re.compile(r"(?:" + "|".join(found) + r")(?:['’]s?)?", re.IGNORECASE)


def _scope_patterns(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where a subordinate clause starts, and what a negated infinitive is."""
    return _word_pattern(lang, "subordinate"), _word_pattern(lang, "infinitive")


def _polarity_words(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Negated quantifiers (a hedge: "not always" is not "never"), negative-concord words
    (one negation with the particle they repeat) and verbs that hold a negation (``guard`` in
    alignment.yaml: ``hedge``, ``concord``, ``inverse``)."""
    hedge, concord, inverse = (_word_pattern(lang, k) for k in ("hedge", "concord", "inverse"))
    return hedge, concord, inverse


SEGMENT = re.compile(r"[,;:()«»\"“”„]|\s[—–-]\s")


def main_negated(sentence: str, lang: str | None, negations: list[re.Match[str]]) -> bool:
    """Whether one of ``negations`` (matches in ``sentence``) negates the main clause: it
    is not inside a negated infinitive, and no subordinating word comes before it in its
    segment (the sentence cut at commas, colons, quotes, brackets and spaced dashes)."""
    subordinate, infinitive = _scope_patterns(lang or "en")
    inside = [m.span() for m in infinitive.finditer(sentence)]
    cuts = [0] + [m.end() for m in SEGMENT.finditer(sentence)]
    for negation in negations:
        at = negation.start()
        if any(start <= at < end for start, end in inside):
            continue
        segment = max(cut for cut in cuts if cut <= at)
        if not subordinate.search(sentence, segment, at):
            return True
    return False


def skeleton(word: str) -> str:
    """A name's consonants in Latin letters, the first three: "Трампом", "Trump" -> "trm"."""
    text = "".join(CYRILLIC.get(ch, ch) for ch in word.lower())
    # Cyrillic г/ґ renders a Latin H as well as a G («Гитлер» "Hitler", «Германия»
    # "Germany"), and a Latin h is no consonant here: a first g counts as neither.
    text = text.removeprefix("g")
    for spelt, sound in LATIN:
        text = text.replace(spelt, sound)
    text = NOT_CONSONANT.sub("", text)
    text = re.sub(r"(.)\1+", r"\1", text)
    return text[:3]


@cache
def _participants() -> dict[str, str]:
    """Each grouped name's skeleton -> its group's (``guard.participants``: "Russian",
    "Moscow", "Kremlin" -> the skeleton of "Russia")."""
    groups = thresholds()["guard"].get("participants") or []
    return {skeleton(word): skeleton(group[0]) for group in groups for word in group}


def participant(word: str) -> str:
    """A name as the participant check compares it: its skeleton, or its group's."""
    found = skeleton(word)
    return _participants().get(found, found)


def read(sentence: str, lang: str | None) -> Reading:
    negation, denial, possible, forecast = _patterns(lang or "en")
    hedge, concord, inverse = _polarity_words(lang or "en")
    found_possible = possible.findall(sentence)
    # "not excluded" holds a negation that is part of the mood, «кто бы ни» ("whoever") a
    # particle that negates nothing: remove both before counting.
    rest = _word_pattern(lang or "en", "concessive").sub(" ", possible.sub(" ", sentence))
    words = [m.group(0) for m in WORD.finditer(sentence)]
    names = _names(words[1:], lang)
    first = (side_of(words[0], lang) or participant(words[0])) if words else ""
    title = _titles(lang or "en")
    # a skeleton some other name of the sentence also gives stays a name
    plain = _names([w for w in words[1:] if not title.fullmatch(w)], lang)
    titled = _names([w for w in words[1:] if title.fullmatch(w)], lang) - plain
    if words and title.fullmatch(words[0]) and first not in plain:
        titled |= {first}
    # "Biden, not Trump", «не двійник, а …»: a particle negating a replaced term, not the
    # claim (``guard.contrastive``); left out of the count, remembered for "equivalent".
    contrasts = [m.span() for m in _word_pattern(lang or "en", "contrastive").finditer(rest)]
    every = list(negation.finditer(rest))
    found = [m for m in every if not any(a <= m.start() < b for a, b in contrasts)]
    # Negative concord: «не ... жодної» is one negation; an n-word alone is one too.
    plain = [m for m in found if not concord.match(rest, m.start())]
    counted = len(plain) if plain else min(len(found), 1)
    # Denial words count once however many ("denied ... pure fiction, false" is one denial).
    denied = denial.search(rest)
    negations = counted + int(bool(denied))
    found_forecast = bool(forecast.search(sentence))
    main = main_negated(rest, lang, found + ([denied] if denied else []))
    inverted = len(inverse.findall(rest))
    hedged = bool(hedge.search(rest))
    spans = quoted_spans(sentence)
    quoted = (
        frozenset().union(*(_names(WORD.findall(sentence, a, b)[1:], lang) for a, b in spans))
        if spans
        else None
    )
    return Reading(
        negations, bool(found_possible), found_forecast, frozenset(names), first, main, inverted,
        hedged, quoted, len(found) < len(every), titled, lang, None,
        people_sides(sentence, lang), side_names(sentence, lang),
        bare_attribution(sentence, lang, len(words)),
    )  # fmt: skip


def bare_attribution(sentence: str, lang: str | None, words: int) -> bool:
    """Whether ``sentence`` (of ``words`` words) only says who reported what came before:
    «Об этом сообщило Минобороны России.», "This was reported by the ministry." It has no
    claim of its own to be a counterpart of (``guard.bare_attribution``)."""
    limit = int(thresholds()["guard"].get("bare_attribution_words", 0))
    return words <= limit and bool(_word_pattern(lang or "en", "bare_attribution").match(sentence))


def _names(words: list[str], lang: str | None = None) -> frozenset[str]:
    """The participants of the capitalised words (the caller leaves out a first word); a
    nationality word is its side's ("Chinese" and «Китая» are China's)."""
    return frozenset(
        {side_of(w, lang) or participant(w) for w in words if w[0].isupper() and len(w) > 2} - {""}
    )


def speaker_names(sentences: list[str], lang: str | None) -> list[frozenset[str]]:
    """Per sentence of one article, the participants named inside its own attribution cues
    (:func:`framing.alignment.reported.attribution_spans`: "Judge Andrei Mineyev said",
    «по словам Пескова») when the sentence reports a claim besides them
    (:func:`~framing.alignment.reported.reported_contents`). A sentence that only names its
    source («Об этом сообщает Süddeutsche Zeitung.») is about that source: none then."""
    from framing.alignment.reported import attribution_spans, reported_contents

    spans = attribution_spans(sentences, lang)
    claims = reported_contents(sentences, lang)
    return [
        frozenset().union(*(_names(WORD.findall(text, a, b), lang) for a, b in found))
        if claim is not None
        else frozenset()
        for text, found, claim in zip(sentences, spans, claims, strict=True)
    ]


def _untitled(reading: Reading) -> Reading:
    """``reading`` without the names that are only titles or institutions."""
    return replace(
        reading,
        names=reading.names - reading.titled,
        first="" if reading.first in reading.titled else reading.first,
        quoted=None if reading.quoted is None else reading.quoted - reading.titled,
    )


def _comparable(a: Reading, b: Reading) -> tuple[Reading, Reading]:
    """The two readings as their names are compared: across languages, without titles."""
    if a.lang == b.lang:
        return a, b
    return _untitled(a), _untitled(b)


def differs(a: Reading, b: Reading) -> str | None:
    """Why two readings cannot be one statement, or None."""
    a, b = _comparable(a, b)
    if bool(a.negations) != bool(b.negations):
        return "one side is negated"
    if a.possible != b.possible:
        return "one side says it is possible, the other does not"
    if different_sides(a.sides, b.sides):
        return DIFFERENT_SIDES
    # Two quotations of one statement name the same people inside the marks; outside them
    # one report names the speaker and the other says "he" and names whom he answered
    # (Peskov's «…», — сказал он, … заявление Навальной / "…," Dmitry Peskov told reporters).
    # Comparing the speakers both name was tried: the attribution cues name the addressee or
    # the institution as often ("У Пєскова уточнили", "Kremlin spokesman Dmitry Peskov"), and
    # it vetoed two true confident links of the golds.
    if a.quoted is not None and b.quoted is not None:
        if a.quoted and b.quoted and not a.quoted & b.quoted:
            return DIFFERENT_PEOPLE
        return None
    # A speaker one side names and the other does not is who said it, not a participant
    # («Суд засудив Гершковича…» / "He was sentenced to "…," Judge Andrei Mineyev said."):
    # left out then; two speakers named (Peskov said / Zakharova said) still differ.
    names_a, names_b = a.names, b.names
    if a.spoken_by and not b.spoken_by:
        names_a = names_a - a.spoken_by
    elif b.spoken_by and not a.spoken_by:
        names_b = names_b - b.spoken_by
    # The first word is always capitalised ("Трамп также ...", "This is ..."): it counts as
    # a name only when the other side names it too, after its own first word — two first
    # words alike ("The … / The …", "Zelensky met Biden / Zelensky met Macron") share no name.
    # A side named by a nationality word («українські військові») is shared with its name.
    shared = names_a & (names_b | {b.first} | b.sided) or names_b & a.sided
    if names_a and names_b and not (shared or a.first in names_b):
        return DIFFERENT_PEOPLE
    return None


def equivalent_readings(a: Reading, b: Reading) -> bool:
    """Whether two readings may be called the same claim in full ("equivalent"): the same
    number of negations (counting the verbs that hold one), on the main predicate on both
    sides or on neither, a negated quantifier on both or neither, and every name of each
    found in the other (a stricter test than :func:`differs`, which would drop the link;
    this only keeps it "partial"). A forecast against an act done is never the same claim
    in full, nor a contrast ("Biden, not Trump") against a sentence without one."""
    a, b = _comparable(a, b)
    if a.forecast != b.forecast or a.hedged != b.hedged or a.contrastive != b.contrastive:
        return False
    # The negations and the verbs that hold one add up alike ("were being prevented" =
    # «не дозволяють»; "were not being prevented" is not).
    if a.negations + a.inverse != b.negations + b.inverse:
        return False
    if a.main_negated != b.main_negated:  # negated on another verb: not the same claim
        return False
    names_a, names_b = a.names | {a.first}, b.names | {b.first}
    return a.names <= names_b and b.names <= names_a


class SentenceGuard:
    """The guard of one article pair, for :func:`framing.alignment.align.align`."""

    def __init__(
        self, sentences_a: list[str], lang_a: str | None, sentences_b: list[str], lang_b: str | None
    ) -> None:
        self.read_a = [read(s, lang_a) for s in sentences_a]
        self.read_b = [read(s, lang_b) for s in sentences_b]
        self._articles = ((sentences_a, lang_a), (sentences_b, lang_b))
        self._spoken: list[list[frozenset[str]] | None] = [None, None]

    def veto(self, i: int, j: int) -> str | None:
        reason = differs(self.read_a[i], self.read_b[j])
        if reason != DIFFERENT_PEOPLE or (
            self.read_a[i].quoted is not None and self.read_b[j].quoted is not None
        ):
            return reason
        # Read the speakers only here: finding the attribution cues costs milliseconds a
        # sentence, and few pairs ever reach this check.
        a = replace(self.read_a[i], spoken_by=self._speakers(0)[i])
        b = replace(self.read_b[j], spoken_by=self._speakers(1)[j])
        return differs(a, b)

    def _speakers(self, side: int) -> list[frozenset[str]]:
        found = self._spoken[side]
        if found is None:
            found = self._spoken[side] = speaker_names(*self._articles[side])
        return found

    def allows_equivalent(self, i: int, j: int) -> bool:
        return equivalent_readings(self.read_a[i], self.read_b[j])

    def offers(self, i: int, j: int) -> bool:
        """Whether the pair may be offered as a possible counterpart: not two bare
        attributions of different sources (:func:`bare_attribution`)."""
        a, b = self.read_a[i], self.read_b[j]
        if not (a.bare and b.bare):
            return True
        names_a, names_b = a.names | a.sided, b.names | b.sided
        return not (names_a and names_b) or bool(names_a & names_b)


def sentence_guard(
    sentences_a: list[str], lang_a: str | None, sentences_b: list[str], lang_b: str | None
) -> SentenceGuard:
    return SentenceGuard(sentences_a, lang_a, sentences_b, lang_b)
