"""Whose words a quotation holds: a speaker's, the outlet's (scare quotes), or nobody's (a
name in quotes). The lexicon (:mod:`framing.wording.lexicon`) reads its hits through this:
a hit inside a speaker's quotation is the outlet quoting someone, quotation marks around a
term with no speaker are the outlet distancing itself from it.

* **A speaker's** (:func:`spoken`): a quotation of three words or more attributed by a
  speech verb after or before it, introduced by a colon, interrupted by the author's words
  or going on from one just attributed; or a partial quotation, a few words run into a
  sentence with a speech verb or cue («назвал публикацию «чистой выдумкой»»).
* **The outlet's** (:func:`scare_quoted`): up to ``scare_quote_max_words`` lowercase words
  with no speaker, or any words right after the outlet's own qualifier («так называемый»,
  «псевдореспубліки “ЛНР”», "so-called").
* **Nobody's**: one or two capitalised words or an acronym, an outlet alias, a word
  mentioned rather than used («слово "режим"»).

Word lists and windows are the lexicon's data (``corpus/lexicons``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from framing.errors import FramingError
from framing.text.morphology import WORD_RE, lemma_keys, normalise, parses
from framing.text.quoting import CLOSERS, QUOTE_RE, nested_straight

if TYPE_CHECKING:
    from framing.wording.lexicon import Lexicon

SENTENCE_END_RE = re.compile(r"[.!?…]\s|\n")
AFTER_QUOTE_RE = re.compile(r"\s*[,.!?…]?\s*(?:[-–—]+\s*)?\w")
DIRECT_SPEECH_RE = re.compile(r"[ \t]*,[ \t]*[-–—]")  # «…», — сказал он
# «…?!» — нервово висловив він: no comma after a question or an exclamation, the author's
# words after the dash begin in lowercase
EXCLAIMED_SPEECH_RE = re.compile(r"[ \t]*[-–—][ \t]*[^\W\d_A-ZА-ЯЁІЇЄҐ]")
LABEL_START_RE = re.compile(r"[.!?…]\s|\n|[«»\"“”„]")
NAME_TAGS = frozenset({"Name", "Surn", "Patr"})  # pymorphy3's person names
LETTERS_RE = re.compile(r"[^\W\d_]+(?:[-‐‑'’ʼ][^\W\d_]+)*")


def is_outlet(name: str) -> bool:
    """Whether ``name`` is an outlet alias in the outlet registry (False without a registry)."""
    from framing.outlets import load_registry

    try:
        return load_registry().find(name) is not None
    except FramingError:
        return False


def quotations(text: str) -> list[tuple[int, int, str]]:
    """Quotations as (start, end, content), outer ones and those one level inside them.
    Straight quotes nested on a line ("… сказав: "…" …") pair by the side each mark faces
    (:func:`nested_straight`); the marks of those pairs are hidden from :data:`QUOTE_RE`,
    which would pair them in turn (the outer opening with the inner one)."""
    nested = nested_straight(text)
    masked = text
    if nested:
        chars = list(text)
        for opening, closing in nested:
            chars[opening] = chars[closing] = " "
        masked = "".join(chars)
    found = [(opening, closing + 1, text[opening + 1 : closing]) for opening, closing in nested]
    for outer in QUOTE_RE.finditer(masked):
        group = next(name for name, value in outer.groupdict().items() if value is not None)
        found.append((outer.start(), outer.end(), text[outer.start(group) : outer.end(group)]))
        for inner in QUOTE_RE.finditer(masked, outer.start(group), outer.end(group)):
            name = next(n for n, v in inner.groupdict().items() if v is not None)
            found.append((inner.start(), inner.end(), text[inner.start(name) : inner.end(name)]))
    return sorted(found)


def _words(fragment: str) -> list[str]:
    return [normalise(word) for word in WORD_RE.findall(fragment)]


def _has_verb(lex: Lexicon, words: list[str]) -> bool:
    return any(lemma_keys(lex.lang, w) & lex.speech_verbs for w in words)


def _attributed(lex: Lexicon, text: str, start: int, end: int) -> bool:
    """Whether the quotation text[start:end] is attributed to a speaker by a speech verb."""
    window = int(lex.settings["attribution_window_chars"])
    after = text[end : end + window].split("\n")[0]
    if AFTER_QUOTE_RE.match(after) and _has_verb(lex, _words(after)[:4]):
        return True
    before = text[max(0, start - window) : start].split("\n")[-1]
    return before.rstrip().endswith(":") and _has_verb(lex, _words(before)[-6:])


def spoken(lex: Lexicon, text: str, quotes: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The quotations that are a speaker's: of three words or more, attributed by a speech
    verb, introduced as direct speech (:func:`_introduced`), with the author's words set
    inside (:func:`_interrupted`) or going on from a quotation just attributed
    (:func:`_continued`); of any length, a partial quotation, whose sentence names a speaker
    (:func:`_speaker_in_sentence`: «назвал публикацию «чистой выдумкой»», "calling it "pure
    fiction""), and the same words quoted again elsewhere in the text: the quoted words are
    the speaker's, loaded or not, never the outlet's."""
    said: list[tuple[int, int]] = []
    ends: set[int] = set()
    for s, e, c in quotes:  # in order: a quotation may go on from one found before it
        if _speech(lex, text, s, e, c, ends):
            said.append((s, e))
            ends.add(e)
    # the same words quoted again elsewhere in the text are the same speaker's: a lead or
    # standfirst repeats a quotation the body attributes (Smotrim: «Подразделения переходят
    # к обороне "на более выгодных рубежах"», then «По его словам, … "на более выгодных
    # рубежах"»); not after the outlet's own qualifier, whose marks are its own; at least
    # ``repeated_quote_min_words``: a word or two quoted again is as often the outlet's
    # repeated irony (the news sets' train split: “autonomy” four times, “progressive”)
    fewest = int(lex.settings["repeated_quote_min_words"])
    words = {tuple(_words(c)) for s, e, c in quotes if (s, e) in said}
    words = {w for w in words if len(w) >= fewest}
    again = [
        (s, e)
        for s, e, c in quotes
        if (s, e) not in said and tuple(_words(c)) in words and not _distanced(lex, text, s)
    ]
    return sorted(said + again)


def _speech(
    lex: Lexicon, text: str, start: int, end: int, content: str, said: set[int] = frozenset()
) -> bool:
    """Whether the quotation text[start:end] (``content`` inside its marks) is a speaker's.
    Never after a distancing cue («цілі так званої "спецоперації"» in a sentence with
    «заявляють»: the marks are the outlet's); a name in quotes (one or two words, capitalised
    or an acronym: «Роскомнадзор», «ДНР», "Oreshnik") is nobody's wording, so no partial
    quotation. ``said``: where the speakers' quotations before it end (:func:`_continued`)."""
    if _distanced(lex, text, start):
        return False
    if len(content.split()) > 2 and (
        _attributed(lex, text, start, end)
        or _introduced(lex, text, start, end)
        or _interrupted(lex, content)
        or _continued(lex, text, start, said)
    ):
        return True
    return not _name_like(content, lex.lang) and _speaker_in_sentence(lex, text, start, end)


def _name_like(content: str, lang: str = "ru") -> bool:
    """One or two words, capitalised or with an acronym: a name in quotes («Роскомнадзор»,
    «Перший канал», «ДНР», "Oreshnik"), by the typographic convention of ru and uk, where a
    name's first word alone is capitalised. An English name capitalises each of its words
    ("Fox News"): a lowercase word makes it a phrase ("Russia hoax", a speaker's words in
    «complaining about the “Russia hoax,”»)."""
    words = content.split()
    if len(words) > 2:
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return True
    if lang == "en":
        return all(not w[:1].islower() for w in words)
    return not content[:1].islower()


def _distanced(lex: Lexicon, text: str, start: int) -> bool:
    """Whether the quotation at ``start`` follows the outlet's own qualifier: a distancing
    cue («так называемый», «так званий», "so-called"; ``distancing_cues``), or a word the
    lexicon lists as a delegitimising qualifier or forms with a loaded prefix
    («псевдореспубліки “ЛНР”», "illegitimate"). The marks are then the outlet's, whoever
    speaks in the sentence, and a name in them is a scare quote too."""
    before = _words(text[max(0, start - 40) : start].split("\n")[-1])[-3:]
    if not before:
        return False
    if _cued(lex, before, lex.distancing_cues, last=True):
        return True
    last = before[-1]
    if any(prefix.matches(last) for prefix in lex.prefixes):
        return True
    return any(
        entry.category == "delegitimising_qualifier" and len(entry.seq) == 1
        for key in lemma_keys(lex.lang, last)
        for entry in lex.index.get(key, ())
    )


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence around text[start:end] begins and ends (a rough split)."""
    sentence_start = max((m.end() for m in SENTENCE_END_RE.finditer(text, 0, start)), default=0)
    sentence_end = SENTENCE_END_RE.search(text, end)
    return sentence_start, sentence_end.start() if sentence_end else len(text)


def _speaker_in_sentence(lex: Lexicon, text: str, start: int, end: int) -> bool:
    """Whether the sentence around the quotation text[start:end] gives it a speaker: a speech
    verb before or after it («Песков назвал публикацию «чистой выдумкой»», «…«хамскими»,
    заявил Песков») or a speech cue («по его словам», «мовляв», "according to"). The quoted
    words themselves are not read: «"вєщав"» is no speaker of its own."""
    sentence_start, sentence_end = _sentence_bounds(text, start, end)
    words = _words(text[sentence_start:start]) + _words(text[end:sentence_end])
    return _has_verb(lex, words) or _cued(lex, words)


def _speaker_before(lex: Lexicon, text: str, start: int) -> bool:
    """Whether the sentence before the one holding ``start`` names a speaker (a speech verb
    or a speech cue)."""
    sentence_start, _ = _sentence_bounds(text, start, start)
    before = text[:sentence_start].rstrip()
    if not before:
        return False
    previous_start, _ = _sentence_bounds(text, len(before) - 1, len(before) - 1)
    words = _words(before[previous_start:])
    return _has_verb(lex, words) or _cued(lex, words)


def _cued(
    lex: Lexicon,
    words: list[str],
    cues: tuple[tuple[frozenset[str], ...], ...] | None = None,
    last: bool = False,
) -> bool:
    """Whether ``words`` hold one of ``cues`` (the lexicon's ``speech_cues`` by default), its
    words in order with at most one other word between two of them («за його словами» for
    «за словами»); ``last``: the cue must end with the last word."""
    keys = [lemma_keys(lex.lang, word) for word in words]
    for cue in lex.speech_cues if cues is None else cues:
        for i, word_keys in enumerate(keys):
            if not word_keys & cue[0]:
                continue
            at = i
            for forms in cue[1:]:
                at = next((k for k in (at + 1, at + 2) if k < len(keys) and keys[k] & forms), -1)
                if at < 0:
                    break
            if at >= 0 and (not last or at == len(keys) - 1):
                return True
    return False


INSERTED_RE = re.compile(r"[,!?…][ \t]*[-–—]+[ \t]*")


def _interrupted(lex: Lexicon, content: str) -> bool:
    """Whether the author's words with a speech verb are set inside the quotation: «Не было
    разговора, - заявил представитель Кремля. - Это полностью …»."""
    for mark in INSERTED_RE.finditer(content):
        rest = content[mark.end() :]
        inserted = re.split(r"[.,:][ \t]*[-–—]", rest, maxsplit=1)
        if len(inserted) > 1 and _has_verb(lex, _words(inserted[0])[:4]):
            return True
    return False


def _continued(lex: Lexicon, text: str, start: int, said: set[int] = frozenset()) -> bool:
    """Whether the quotation at ``start`` opens a sentence (or a paragraph) right after one
    that ends with a speaker: an attribution after a quotation ("…," said Kremlin spokesman
    Dmitry Peskov. "This is …"), a last clause with a speech verb («…, Putin said.»), or a
    quotation of a speaker (one of ``said``, where such quotations end: «Він почав
    переконувати, що інформація "…". "Це чиста вигадка …"»). The same speaker goes on."""
    window_start = max(0, start - int(lex.settings["attribution_window_chars"]))
    before = text[window_start:start].rstrip()
    if not before or text[window_start + len(before) : start].count("\n") > 2:
        return False
    end = window_start + len(before)
    if before[-1] in CLOSERS or (
        len(before) > 1 and before[-1] in ".!?…" and before[-2] in CLOSERS
    ):
        return (end if before[-1] in CLOSERS else end - 1) in said
    if before[-1] not in ".!?…":
        return False
    line = before.split("\n")[-1]
    cut = max(line.rfind(mark) for mark in '»“”",')
    clause = line[cut + 1 :] if cut >= 0 else line
    return _has_verb(lex, _words(clause)[:6])


def _introduced(lex: Lexicon, text: str, start: int, end: int) -> bool:
    """Whether the quotation text[start:end] is direct speech by its punctuation or its
    sentence: a colon just before it after a clause with a speech verb, on its line or
    ending the line above («Песков уточнил:» and the quotation on the next line;
    "Zakharova added in her post on Telegram today, Thursday:"; a colon alone, as in
    «Заголовок: «…»», is no speaker); a comma and a dash just after it («…», — огорчается
    журнал); or a speech verb earlier in its sentence («Путин отметил, что … "…"», «как
    говорил Зеленский, «…»»). Session 17: of the detector's suggestions inside quotations
    on the dev pages, the speech-verb rule alone found one in eight."""
    window = int(lex.settings["attribution_window_chars"])
    lines = text[max(0, start - window) : start].split("\n")
    line = lines[-1].strip() or (lines[-2].strip() if len(lines) > 1 else "")
    if line.endswith(":") and _has_verb(lex, _words(line)):
        return True
    if DIRECT_SPEECH_RE.match(text, end):
        return True
    if text[end - 2 : end - 1] in {"?", "!", "…"} and EXCLAIMED_SPEECH_RE.match(text, end):
        return True
    if _labelled(lex, text, start):
        return True
    sentence_start = max((m.end() for m in SENTENCE_END_RE.finditer(text, 0, start)), default=0)
    return _has_verb(lex, _words(text[sentence_start:start]))


def _labelled(lex: Lexicon, text: str, start: int) -> bool:
    """Whether the quotation at ``start`` follows a colon after a person's name with no
    speech verb («Мария Захарова, официальный представитель МИД РФ: «…»», "Zakharova:
    "…"", and a headline «Песков: «…»», whose form says the same: the named person's
    words). The label runs from the start of its sentence or line to the colon, has at
    most ``speaker_label_max_words`` words, and holds a capitalised name (:func:`_a_name`)
    and none of the lexicon's ``label_words``: «Тема дня: «…»», «Видео: «…»», "Breaking
    News: "…"" stay the outlet's, and so do a role or a place alone («Представитель
    Кремля: «…»», «Россия: «…»», "Ukraine: "…""): a name is the one sign kept."""
    window = int(lex.settings["attribution_window_chars"])
    before = text[max(0, start - window) : start].rstrip()
    if not before.endswith(":"):
        return False
    starts = [m.end() for m in LABEL_START_RE.finditer(before, 0, len(before) - 1)]
    if not starts and start > window:
        return False  # the label began before the window: a clause, not a name
    words = WORD_RE.findall(before[max(starts, default=0) : -1])
    if not words or len(words) > int(lex.settings["speaker_label_max_words"]):
        return False
    if any(lemma_keys(lex.lang, normalise(w)) & lex.label_words for w in words):
        return False
    return any(_a_name(lex.lang, word) for word in words)


def _a_name(lang: str, word: str) -> bool:
    """Whether ``word`` as written can be a person's name: capitalised, not an acronym;
    ru/uk: pymorphy3 reads it as a first name, surname or patronymic and not as a common
    noun in the nominative singular («Тема» is both); en: a word the dictionary does not
    know, not a place it knows ("Ukraine") and not an outlet ("Reuters")."""
    if not word[0].isupper() or word.isupper() or len(word) < 2:
        return False
    norm = normalise(word)
    if lang == "en":
        import simplemma

        return not simplemma.is_known(norm, lang="en") and not is_outlet(word)
    readings = parses(lang, norm)
    if not any(NAME_TAGS & set(p.tag.grammemes) for p in readings):
        return False
    return not any(
        p.tag.POS == "NOUN" and {"sing", "nomn"} <= set(p.tag.grammemes)
        and not NAME_TAGS & set(p.tag.grammemes)
        for p in readings
    )  # fmt: skip


def balanced(content: str) -> bool:
    """Whether the guillemets inside ``content`` open and close in equal numbers."""
    return content.count("«") == content.count("»")


def mentioned(lex: Lexicon, text: str, start: int) -> bool:
    """Whether the quotation at ``start`` follows a mention cue («слово», "the term")."""
    before = _words(text[max(0, start - 40) : start])
    return bool(before) and not lemma_keys(lex.lang, before[-1]).isdisjoint(lex.mention_cues)


def scare_quoted(lex: Lexicon, text: str, start: int, end: int, content: str) -> bool:
    """Quotation marks around a term with no speaker: the outlet distancing itself from the
    term (the "so-called" class). Up to ``scare_quote_max_words`` lowercase words (up to
    ``scare_quote_max_words_qualified`` after the outlet's own qualifier); a
    capitalised word or an acronym is a name («Комментарии», "Fox News", «Роскомнадзор»,
    «ЦНАП»), unless the outlet's own qualifier stands just before it (:func:`_distanced`:
    «псевдореспубліки “ЛНР”», «так звана «ДНР»», the self-proclaimed "DPR"). A quotation
    with a speaker is speech, never a scare quote; after the outlet's qualifier the marks
    are the outlet's whoever speaks."""
    words = content.split()
    distanced = _distanced(lex, text, start)
    most = lex.settings["scare_quote_max_words_qualified" if distanced else "scare_quote_max_words"]
    if not 1 <= len(words) <= int(most) or " ".join(words) != content:
        return False
    if not all(LETTERS_RE.fullmatch(word) for word in words):
        return False
    if not distanced and (content[0].isupper() or any(len(w) > 1 and w.isupper() for w in words)):
        return False  # a name, title or acronym («Комментарии», "Fox News", «ЦНАП»)
    if mentioned(lex, text, start):
        return False  # a word mentioned, not used: «слово "режим"», the word "regime"
    before = _words(text[max(0, start - 60) : start].split("\n")[-1])
    if not distanced and (_has_verb(lex, before[-2:]) or _attributed(lex, text, start, end)):
        return False  # a quoted answer or term: said "no"; «нет», — ответил он
    if is_outlet(content):
        return False
    if not distanced and len(words) > 2 and _speaker_before(lex, text, start):
        # three words or more are likelier a source's: a speaker in the sentence before
        # makes them its words (a retelling: «Foreign Policy приводит данные СБУ …» and
        # then «Помимо СБУ есть и «независимые сторожевые псы»», the magazine's term)
        return False
    if not distanced and _speaker_in_sentence(lex, text, start, end):
        # a speaker in the sentence makes the quoted words a partial quotation ("he would
        # "certainly concede""): a teacher marked such hits false alarms, so none is reported.
        # Not so after «так называемый» or «псевдореспубліки»: the marks are the outlet's
        return False
    return True
