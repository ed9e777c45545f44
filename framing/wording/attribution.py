"""Attribution: whom each sentence says its information comes from.

``attributions(text, lang)`` returns every attribution cue of a text, with offsets into it;
``sentence_sources(sentences, lang)`` says, per sentence, which cues its content rests on.
Kinds: ``agency`` (an outlet of the registry: «цитирует его «Интерфакс»», "according to
Reuters"), ``named_speaker`` ("Peskov said", «по словам Пескова», "the spokesman added"),
``anonymous`` («по данным осведомленных источников», "sources said", "a senior official
said"), ``document`` ("the statement reads", «говорится в заявлении») and ``media_generic``
(«сообщают американские СМИ», "US media projections"). Word lists and patterns are data, in
``data/attribution.yaml``. The rules, in the order they run:

1. **Sentences and quotes.** The text is cut into sentences (:mod:`framing.text.segment`). Quote
   marks are tracked across sentences, because the segmenter cuts a long quote into its
   sentences: the sentences between an opening mark and its closing one are quoted speech
   (at most ``max_quote_sentences``). Nothing inside a quote is a cue: that is the speaker's
   wording, not the outlet's. An opening mark that never closes hides nothing (it is more
   likely stray than a lost quote).
2. **Cues.** Outlets cited by the registry (``Registry.citations``, plus outlets listed with
   them: "CNN, NBC и агентство AP сообщили"), then the patterns of the yaml file, then
   speech verbs with a speaker next to them (:mod:`framing.wording.speakers`): a name ("Peskov
   said", «ответил Песков»), an institution («в Кремле заявили»), a role ("the official
   said", «спикер Кремля подчеркнул») or a pronoun («сказал он»). A later cue overlapping an
   earlier one is dropped («пишет Интерфакс» is the agency, not a speaker «Интерфакс»). A
   speech verb gives no cue when it has no speaker beside it (it continues a cue before it:
   "…, adding that"), when it stands in the clause an earlier cue reports («заявила, что
   Москва ответит»), or, in en, when it is passive, an infinitive or capitalised mid-sentence
   ("was declared", "declined to comment", "the United States"). A role in the plural or
   after "a"/"an", a group word ("experts", «місцеві»), and a plural noun naming people
   with no name («Окупанти стверджують», «Военные заявили», "Occupiers claim") are
   anonymous. A speech verb after a conjunction with no speaker of its own has the subject
   of the verb before it («Держприкордонслужба … опублікувала відео та попередила, що»).
   After «по данным», «по версии», «за даними», "according to" an institution is named
   whole, with its bracketed abbreviation («Национальный антитеррористический комитет
   (НАК)»).
3. **Quote.** ``direct`` when quoted words touch the cue (``"…", — сказал он``, ``Peskov
   said: "…"``; not ``"…." He added``, which starts a new sentence) or, at least
   ``min_quote_words`` of them, follow it in the reported clause ("said that … "would serve
   the interests""); ``indirect`` when the sentence reports something else beside the cue;
   None when the cue is all there is («Он сказал.»).
4. **Who.** An outlet's id; a person's last name, in the nominative (pymorphy3 for ru/uk:
   «по словам Пескова» → Песков); an organisation whose name ends in an institution word by
   its whole name ("Russian Foreign Ministry"). A pronoun refers to the most recent named
   speaker before it in the text (same sentence or earlier ones), whatever its gender or
   number. A role prefers the most recent named speaker who was given the same role ("the
   spokesman" → "Kremlin spokesman Dmitry Peskov"), else the most recent named speaker, else
   it is the role as written. A role no earlier cue names takes the first speaker named in
   the next ``forward_sentences`` sentences whose title is of the same kind (``title_classes``:
   a lede's "the Ukrainian leader said" before "President Volodymyr Zelenskyy described"),
   and a pronoun after such a role takes its speaker. "the statement reads" refers to the
   last document with an issuer. ``refers_to`` is the start of the named cue whose speaker
   was taken: the evidence (after the sentence, for a role resolved forwards).
5. **Carrying.** A sentence inside a multi-sentence quote gets the direct cues of the
   sentence that closes the quote, else those of the one that opens it; a sentence that
   starts with a quote mark and has no cue continues the direct cues of the sentence before
   it (‘"…," Putin underlined. "But …"’), or, for a quotation of several sentences that
   names nobody, the named speakers of the sentence before it ("…, Putin said." ‘"I have
   said… in practice."’). A sentence with no cue before one that points back at it and
   names a source («Об этом сообщает X», «Про це …», "This was reported by X":
   ``back_reference``) takes that source. Such sources are marked ``carried``.

Limits: the nearest-speaker rule ignores gender and number and can pick the wrong person
after a quote from someone else; a subject separated from its verb by an adverbial
(«Путин в ходе пресс-конференции заявил»; a weekday is stepped over: «Песков в пятницу
заявил») is missed; a speaker named only in an earlier sentence's object ("Peskov was asked
…") is not one. Measured against hand-made golds of real reports: ``framing
eval-attribution``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from framing.text.morphology import TEXT_WORD_RE
from framing.text.segment import split_sentences
from framing.wording.attribution_cues import (
    KINDS,
    AttributionCue,
    AttributionError,
    Rules,
    agency_cues,
    pattern_cues,
    rules,
    verb_cues,
)

__all__ = [
    "KINDS",
    "Attribution",
    "AttributionError",
    "SentenceSource",
    "attributions",
    "sentence_sources",
]


_OPENERS = {"«": "»", "„": "“”", "“": "”", '"': '"'}
_CLOSERS = set('»“”"')
_OPEN_BEFORE = set("([{«„“—–-/: \t\n")
_TOUCH_BEFORE = re.compile(r"[\s»\"“”'’.,!?…:;—–-]*")
_TOUCH_AFTER = re.compile(r"(?:[\s,—–-]*|(?:\s*[\w-]+){0,3}\s*:\s*)[«\"„“]?\s*")
_STARTS_QUOTED = re.compile(r"\s*(?:[—–-]\s*)?[«\"„“]")


class SentenceLike(Protocol):
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Attribution:
    """One attribution cue: ``text[start:end]`` of the analysed text is the cue's wording."""

    kind: str  # one of KINDS
    who: str | None  # outlet id, surname or institution; None when nobody is named
    start: int
    end: int
    text: str
    quote: str | None  # "direct", "indirect" or None
    sentence: int  # index of the sentence holding the cue
    refers_to: int | None = None  # start of the cue a pronoun or role took its speaker from


@dataclass(frozen=True)
class SentenceSource:
    """The sources one sentence rests on: its own cues, or carried ones (see module doc)."""

    index: int
    start: int
    end: int
    attributions: tuple[Attribution, ...] = ()
    carried: bool = False  # the cues are in another sentence of the same quotation
    quote: str | None = None  # the strongest: "direct" > "indirect" > None

    @property
    def attributed(self) -> bool:
        return bool(self.attributions)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.kind for a in self.attributions))


def attributions(text: str, lang: str) -> list[Attribution]:
    """Every attribution cue in ``text`` (ru, uk or en), in order; offsets index ``text``."""
    sentences = split_sentences(text, lang)
    return [a for found in _own(sentences, rules(lang)) for a in found]


def sentence_sources(sentences: Sequence[SentenceLike], lang: str) -> list[SentenceSource]:
    """Per sentence, the cues its content is attributed to (offsets as the sentences')."""
    lang_rules = rules(lang)
    own = _own(sentences, lang_rules)
    carried = _carry(sentences, own, lang_rules)
    listed = _listed(sentences, own, int(lang_rules.settings["max_list_items"]))
    backed = _referred_back(sentences, own, lang_rules)
    out = []
    for i, s in enumerate(sentences):
        if own[i]:
            quotes = {a.quote for a in own[i]}
            quote = next((q for q in ("direct", "indirect") if q in quotes), None)
            out.append(SentenceSource(i, s.start, s.end, tuple(own[i]), False, quote))
        elif i in carried:  # a sentence of someone's quotation
            out.append(SentenceSource(i, s.start, s.end, carried[i], True, "direct"))
        elif i in listed:  # an item of a list of someone's statements
            quote = "direct" if _QUOTE_MARK.search(s.text) else "indirect"
            out.append(SentenceSource(i, s.start, s.end, listed[i], True, quote))
        elif i in backed:  # «…. Об этом сообщает X.»
            quote = "direct" if _QUOTE_MARK.search(s.text) else "indirect"
            out.append(SentenceSource(i, s.start, s.end, backed[i], True, quote))
        else:
            out.append(SentenceSource(i, s.start, s.end))
    return out


# --- quotation marks ------------------------------------------------------------------------


@dataclass
class _Marks:
    """The quotations of one sentence: spans of their words (marks excluded)."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    closes_earlier: bool = False  # a closing mark with no opening one: began before
    left_open: int | None = None  # where a quote runs off the end of the sentence


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPEN_BEFORE and not after.isspace()


def _marks(text: str) -> _Marks:
    """Pair quote marks (nested ones stay inside the outer quotation)."""
    marks, stack, last = _Marks(), [], 0
    closed_by: set[str] = set()  # the closing marks of the quotations complete in the text
    for i, ch in enumerate(text):
        if ch not in _OPENERS and ch not in _CLOSERS:
            continue
        match = next(
            (k for k in range(len(stack) - 1, -1, -1) if ch in _OPENERS[stack[k][0]]), None
        )
        if match is not None and (ch != '"' or not _opens(text, i) or match == len(stack) - 1):
            opener = stack[match][1]
            del stack[match:]
            if not stack:
                marks.spans.append((opener + 1, i))
                closed_by.add(ch)
                last = i + 1
        elif ch in _OPENERS and (ch != '"' or _opens(text, i)):
            stack.append((ch, i))
        elif not stack and not marks.spans and ch in _CLOSERS:
            marks.spans.append((last, i))
            marks.closes_earlier = True
            last = i + 1
        elif not stack and not marks.closes_earlier and ch in _CLOSERS and ch not in closed_by:
            # «…: «Мінська-3» не буде – нам потрібен мир", — наголошує Зеленський.»: the
            # quotation from earlier sentences closes after one nested in it
            marks.spans = [(0, i)]
            marks.closes_earlier = True
            last = i + 1
    if stack:
        marks.left_open = stack[0][1] + 1
        marks.spans.append((marks.left_open, len(text)))
    return marks


def _quote_groups(sentences: Sequence[SentenceLike], limit: int) -> list[list[int]]:
    """Runs of sentences that one quotation spans, from its opening to its closing mark."""
    groups: list[list[int]] = []
    current: list[int] | None = None
    for i, s in enumerate(sentences):
        marks = _marks(s.text)
        if current is not None:
            if marks.closes_earlier:
                groups.append([*current, i])
                current = None
            elif _STARTS_QUOTED.match(s.text) or len(current) >= limit:
                current = None  # a new quote starts: the old mark was never closed
            else:
                current.append(i)
                continue
        if marks.left_open is not None:
            current = [i]
    return groups


def _quoted_regions(
    sentences: Sequence[SentenceLike], groups: list[list[int]]
) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Per sentence (local offsets): the spans where nothing is a cue, and the quoted words.
    They differ for an opening mark that never closes: its words may be speech, but the text
    after it is not hidden from the finders (a stray mark is likelier than a lost quote)."""
    inside = {i for group in groups for i in group[1:-1]}
    openers = {group[0] for group in groups}
    regions = []
    for i, s in enumerate(sentences):
        if i in inside:
            regions.append(([(0, len(s.text))], [(0, len(s.text))]))
            continue
        marks = _marks(s.text)
        stray = marks.left_open if i not in openers else None
        regions.append(([sp for sp in marks.spans if sp[0] != stray], marks.spans))
    return regions


# --- per-sentence cues ----------------------------------------------------------------------


def _words(text: str, start: int = 0, end: int | None = None) -> int:
    return len(TEXT_WORD_RE.findall(text, start, len(text) if end is None else end))


def _touches(
    text: str,
    cue: AttributionCue,
    cues: list[AttributionCue],
    quotes: list[tuple[int, int]],
    min_words: int,
) -> bool:
    """Does quoted speech touch the cue, or follow it in the clause it reports? A quotation
    touching the cue may be one word («"Нет", — ответил он»); one further on in the clause
    needs ``min_words``, or scare quotes and quoted names would count."""
    for qs, qe in quotes:
        if qe <= cue.start and _TOUCH_BEFORE.fullmatch(text, qe, cue.start):
            ended = (
                text[:qe].rstrip().endswith(".")
                or text[qe : cue.start].lstrip("»\"“”'’ ")[:1] == "."
            )
            if not ended or any(ch in text[qe : cue.start] for ch in ",—–-"):
                return True  # '"…." He added' starts a new sentence; '"…", — сказал он' does not
        if qs >= cue.end and _TOUCH_AFTER.fullmatch(text, cue.end, qs):
            return True
        last_before = max((c.end for c in cues if c.end <= qs), default=None)
        if qs >= cue.end and last_before == cue.end and _words(text, qs, qe) >= min_words:
            return True  # a partial quote in the reported clause: said that … "…"
    return False


def _direct(
    text: str, cues: list[AttributionCue], quotes: list[tuple[int, int]], min_words: int
) -> set[int]:
    """Indices of the cues that attribute quoted speech."""
    direct = {n for n, c in enumerate(cues) if _touches(text, c, cues, quotes, min_words)}
    changed = True
    while changed:  # a cue overlapping or touching a direct one shares its quotation
        changed = False
        for n, c in enumerate(cues):
            if n not in direct and any(
                c.start <= cues[d].end + 1 and cues[d].start <= c.end + 1 for d in direct
            ):
                direct.add(n)
                changed = True
    return direct


def _sentence_cues(
    text: str, regions: tuple[list[tuple[int, int]], list[tuple[int, int]]], r: Rules
) -> list[tuple[AttributionCue, str | None]]:
    quoted, quotations = regions
    cues: list[AttributionCue] = []
    for step in (agency_cues, pattern_cues, verb_cues):
        cues.extend(step(text, r, cues, quoted))
    cues.sort(key=lambda c: c.start)
    speech = [  # a quoted name inside a cue («пише «Українська правда»») is not speech
        (qs, qe) for qs, qe in quotations if not any(c.start < qe and qs < c.end for c in cues)
    ]
    direct = _direct(text, cues, speech, int(r.settings["min_quote_words"]))
    covered = [(c.start, c.end) for c in cues] + quotations
    reported = sum(
        1 for m in TEXT_WORD_RE.finditer(text) if not any(a <= m.start() < b for a, b in covered)
    )
    out = []
    for n, cue in enumerate(cues):
        if n in direct:
            quote: str | None = "direct"
        elif cue.quote == "indirect" or reported >= int(r.settings["min_reported_words"]):
            quote = "indirect"
        else:
            quote = None
        out.append((cue, quote))
    return out


def _own(sentences: Sequence[SentenceLike], r: Rules) -> list[list[Attribution]]:
    """The cues of each sentence, as attributions with their speakers resolved."""
    regions = _quoted_regions(
        sentences, _quote_groups(sentences, int(r.settings["max_quote_sentences"]))
    )
    resolver = _Resolver()
    found: list[list[Attribution]] = []
    for i, s in enumerate(sentences):
        out = []
        for cue, quote in _sentence_cues(s.text, regions[i], r):
            a = Attribution(cue.kind, cue.who, s.start + cue.start, s.start + cue.end,
                            s.text[cue.start : cue.end], quote, i)  # fmt: skip
            if resolver.resolve(cue, a) is None:
                resolver.pending.append((i, len(out), cue.roles if cue.ref == "role" else None))
            out.append(resolver.resolved)
        found.append(out)
    _resolve_forward(found, resolver, r)
    return found


def _resolve_forward(found: list[list[Attribution]], resolver: _Resolver, r: Rules) -> None:
    """A role no earlier cue names takes the first speaker named after it (at most
    ``forward_sentences`` on) whose own title is of the same kind (``title_classes``): a
    lede's "the Ukrainian leader said" is the "President Volodymyr Zelenskyy" of the next
    sentence, but "The spokesman clarified" is not the "Lavrov" who "reminded". A pronoun
    no earlier cue names takes the speaker of such a role before it. Pronouns are not
    resolved forwards on their own: "Navalnaya released a video in which she said" is
    about Navalnaya, whom no cue names, not the speaker of the next sentence."""
    window = int(r.settings["forward_sentences"])
    waiting = {(i, k) for i, k, _ in resolver.pending}
    named = [
        (i, k, a) for i, out in enumerate(found) for k, a in enumerate(out)
        if a.kind == "named_speaker" and a.who and (i, k) not in waiting
    ]  # fmt: skip

    def kinds(roles: set[str] | frozenset[str]) -> set[int]:
        return {n for n, titles in enumerate(r.title_classes) if titles & roles}

    last_role: Attribution | None = None
    for i, k, roles in resolver.pending:
        a = found[i][k]
        target = None
        if roles is not None:
            target = next(
                (
                    n for p, q, n in named
                    if (p, q) > (i, k) and p - i <= window
                    and kinds(roles) & kinds(resolver.roles.get(n.who or "", set()))
                ),
                None,
            )  # fmt: skip
        elif last_role is not None:  # a pronoun
            target = last_role
        if target is None:
            continue
        ref_start = target.refers_to if target.refers_to is not None else target.start
        found[i][k] = replace(a, who=target.who, refers_to=ref_start)
        if roles is not None:
            last_role = found[i][k]


class _Resolver:
    """Pronouns, roles and "the statement" take the speaker of an earlier cue."""

    def __init__(self) -> None:
        self.named: list[Attribution] = []  # named speakers in text order
        self.roles: dict[str, set[str]] = {}
        self.documents: list[Attribution] = []
        # (sentence, position, the roles of a role; None for a pronoun) of the role and
        # pronoun cues no earlier cue named
        self.pending: list[tuple[int, int, frozenset[str] | None]] = []
        self.resolved: Attribution | None = None

    def resolve(self, cue: AttributionCue, a: Attribution) -> Attribution | None:
        """``a`` with its speaker worked out (also kept as ``resolved``), or None when it
        refers back to a person or role that no earlier cue names (``resolved`` holds it
        as found)."""
        self.resolved = self._resolve(cue, a)
        unresolved = cue.ref in {"role", "pronoun"} and self.resolved.refers_to is None
        return None if unresolved else self.resolved

    def _resolve(self, cue: AttributionCue, a: Attribution) -> Attribution:
        target = None
        if cue.ref == "document":
            target = self.documents[-1] if self.documents else None
        elif cue.ref == "role" and self.named:
            same_role = (
                n for n in reversed(self.named) if self.roles.get(n.who or "", set()) & cue.roles
            )
            target = next(same_role, self.named[-1])
        elif cue.ref == "pronoun" and self.named:
            target = self.named[-1]
        if target is not None:
            ref = target.refers_to if target.refers_to is not None else target.start
            a = replace(a, who=target.who, refers_to=ref)
        if a.kind == "named_speaker" and (cue.ref is None or target is not None):
            self.roles.setdefault(a.who or "", set()).update(cue.roles)
            self.named.append(a)
        elif a.kind == "document" and a.who is not None:
            self.documents.append(a)
        return a


# What ends a heading that introduces a list («Главные заявления Владимира Путина:») and
# an item that another follows («…;»); a quote mark in an item makes it a direct quote.
_HEADING_END = re.compile(r":\s*$")
_ITEM_END = re.compile(r";\s*$")
_QUOTE_MARK = re.compile(r"[«\"„“]")


def _listed(
    sentences: Sequence[SentenceLike], own: list[list[Attribution]], limit: int
) -> dict[int, tuple[Attribution, ...]]:
    """Items of a list under a heading that is all a speaker's cue and ends in a colon
    («Главные заявления Владимира Путина:», "Putin's main statements:", «Песков заявил:»)
    are that speaker's: the sentences after it with no cue of their own, while the one
    before ends in ";" (or is the heading), at most ``limit`` (qa7: TVC's items had no
    source)."""
    listed: dict[int, tuple[Attribution, ...]] = {}
    for i, heading in enumerate(sentences):
        cues = tuple(a for a in own[i] if a.kind == "named_speaker" and a.who)
        if not cues or not _HEADING_END.search(heading.text):
            continue
        if _words(heading.text) > sum(_words(a.text) for a in cues):
            continue  # more than the cue: a sentence that ends in a colon, not a heading
        for j in range(i + 1, min(i + 1 + limit, len(sentences))):
            if own[j]:
                break
            listed[j] = cues
            if not _ITEM_END.search(sentences[j].text):
                break
    return listed


def _referred_back(
    sentences: Sequence[SentenceLike], own: list[list[Attribution]], r: Rules
) -> dict[int, tuple[Attribution, ...]]:
    """A sentence with no cue of its own, followed by one that opens by pointing back at it
    and names a source («Об этом сообщает Süddeutsche Zeitung.», «Про це виданню Die Zeit
    стало відомо з урядових джерел.», "This was reported by …"), takes that source: the
    wire's lede and its source line are two sentences. Only the sentence just before."""
    if r.back_reference is None:
        return {}
    return {
        i - 1: tuple(own[i])
        for i in range(1, len(sentences))
        if own[i] and not own[i - 1] and r.back_reference.match(sentences[i].text)
    }


def _carry(
    sentences: Sequence[SentenceLike], own: list[list[Attribution]], lang_rules: Rules
) -> dict[int, tuple[Attribution, ...]]:
    """Sentences of a quotation that carry no cue of their own take the quotation's cues."""
    limit = int(lang_rules.settings["max_quote_sentences"])
    carried: dict[int, tuple[Attribution, ...]] = {}

    def direct(i: int) -> tuple[Attribution, ...]:
        if i < 0:
            return ()
        return tuple(a for a in own[i] if a.quote == "direct") or carried.get(i, ())

    def named(i: int, group: list[int]) -> tuple[Attribution, ...]:
        """The speakers named by sentence i, for a quotation of several sentences after it
        that names nobody ("Russia is ready to resume contacts, Putin said." then ‘"I have
        already said… This will be the case."’)."""
        if i < 0 or len(group) < 2 or any(own[j] for j in group):
            return ()
        return tuple(a for a in own[i] if a.kind == "named_speaker" and a.who)

    groups = {group[0]: group for group in _quote_groups(sentences, limit)}
    i = 0
    while i < len(sentences):
        group = groups.get(i, [i])
        first = group[0]
        sources = direct(group[-1]) or direct(first)
        if not sources and _STARTS_QUOTED.match(sentences[first].text) and not own[first]:
            sources = direct(first - 1) or named(first - 1, group)
        if sources and (len(group) > 1 or not own[first]):
            for j in group:
                if not own[j]:
                    carried[j] = sources
        i = group[-1] + 1
    return carried
