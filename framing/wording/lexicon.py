"""Loaded-wording lexicons (``corpus/lexicons/<lang>.yaml``) and a morphology-aware matcher.

``find_loaded(text, lang)`` returns ``LexiconHit`` records whose offsets index the given
text, so ``text[hit.start:hit.end]`` is the surface form («страны-агрессора» for the entry
«страна-агрессор»). How it matches:

* **Lemmas.** Each distinct word is lemmatised once (LRU cache): pymorphy3 for ru/uk, where
  every parse counts and a participle keeps its own lemma («предполагаемыми» →
  «предполагаемый», not only «предполагать»); simplemma for en. Keys are case-folded, with
  ё → е and one apostrophe. An entry word unknown to the dictionary (slang) also matches
  every form pymorphy3 inflects it to; an English one also matches its plural.
* **Patterns.** An entry is a sequence of words; compounds are split at hyphens, and a hyphen
  or a space joins words alike. Between two pattern words only spaces, a hyphen or quote
  marks may stand, unless the entry's ``max_gap`` allows that many other words. A one-word
  entry also matches one part of a compound. Entries are indexed by the forms of their first
  word; of overlapping hits the longest wins.
* **Prefixes.** A language file may list ``prefixes``: a word-forming prefix that is loaded
  on any stem («псевдо-»: «псевдожурналісти», «псевдореспубліки», «псевдо-выборы»), with a
  shortest stem (``min_rest`` letters) and ``exceptions``, the starts of words where it is
  a plain technical part («псевдоним», «псевдокод»). An entry of the same word wins.
* **Context.** A ``needs_context`` entry may list ``literal_contexts``: patterns containing
  it (``*`` = one optional word) that make it literal («режим работы», "claimed
  responsibility"); such hits are dropped, the others get the lower ``context`` confidence.
  A hit inside a quotation of a speaker (:func:`_spoken`: a long one attributed by a speech
  verb after or before it, introduced by a colon, interrupted by the author's words or
  going on from one just attributed; a partial one, a few words run into a sentence with a
  speech verb or cue, «назвал публикацию «чистой выдумкой»») is the outlet quoting
  someone: it gets a note and a lower confidence. The speaker's name is not checked.
* **Scare quotes.** Quotation marks around a term with no speaker: up to four lowercase
  words («"освободители"», „визволителі“, "special military operation") with no speech
  verb or cue in their sentence (three or more: nor in the sentence before), or any words,
  names too, right after the outlet's own qualifier («так называемый», «псевдореспубліки
  “ЛНР”», "so-called"), are reported as ``scare_quotes``, unless they are an outlet alias
  in the outlet registry (when there is one), follow a mention cue («слово "режим"», the
  word "regime"; lexicon hits there are dropped too), or sit inside a longer quotation.
  Otherwise a capitalised or all-caps quotation is a name («"Комментарии"», «ЦНАП»).
  Limits: a capitalised scare quote with no qualifier before it («ЛНР» alone) is missed, a
  lowercase name not in the registry is flagged, and irony inside a sentence that quotes
  someone («Путін, у якого завжди “все було за планом”, заявив») is read as the speaker's.

Confidences and windows are data, in ``corpus/lexicons/common.yaml``. Curators' entries in
``corpus/lexicons/curated/<lang>.yaml`` are merged over the shipped ones (``curation.py``).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from framing.errors import FramingError
from framing.settings import corpus_dir
from framing.text.morphology import (
    WILDCARD,
    WORD_RE,
    Pattern,
    Tokens,
    compile_pattern,
    identity_key,
    lemma_keys,
    normalise,
    parses,
    pattern_words,
    word_forms,
)
from framing.text.quoting import CLOSERS, QUOTE_RE, nested_straight

LANGUAGES = ("ru", "uk", "en")
CATEGORIES = tuple(
    "pejorative_label delegitimising_qualifier distancing_hedge emotive_intensifier "
    "euphemism propaganda_cliche".split()
)
SCARE_QUOTES = "scare_quotes"
FIELDS = tuple("pattern category explanation neutral source needs_context context_note".split())
OPTIONAL_FIELDS = ("max_gap", "literal_contexts", "updated")  # updated: set by curation
SETTINGS = (
    "plain context quoted_factor quoted_note attribution_window_chars scare_quote_max_words "
    "scare_quote_max_words_qualified "
    "scare_quote scare_quote_explanation "
    "scare_quote_source speaker_label_max_words"
).split()
NAME_TAGS = frozenset({"Name", "Surn", "Patr"})  # pymorphy3's person names
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

LETTERS_RE = re.compile(r"[^\W\d_]+(?:[-‐‑'’ʼ][^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?…]\s|\n")
HYPHENS = "-‐‑"
AFTER_QUOTE_RE = re.compile(r"\s*[,.!?…]?\s*(?:[-–—]+\s*)?\w")
DIRECT_SPEECH_RE = re.compile(r"[ \t]*,[ \t]*[-–—]")  # «…», — сказал он
# «…?!» — нервово висловив він: no comma after a question or an exclamation, the author's
# words after the dash begin in lowercase
EXCLAIMED_SPEECH_RE = re.compile(r"[ \t]*[-–—][ \t]*[^\W\d_A-ZА-ЯЁІЇЄҐ]")
LABEL_START_RE = re.compile(r"[.!?…]\s|\n|[«»\"“”„]")


class LexiconError(FramingError):
    """A lexicon file is missing, not valid YAML, or has an invalid entry; ``field`` names
    the entry's field at fault, so a form can show the message next to it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Entry:
    pattern: str
    category: str
    explanation: str
    neutral: str
    source: str
    needs_context: bool
    context_note: str
    keys: tuple[str, ...]  # the lemma of each word: what makes two entries duplicates
    seq: Pattern  # what each position matches
    literal_contexts: tuple[Pattern, ...] = ()
    # As written, for the glossary and the curators' form.
    max_gap: int = 0
    literal_text: tuple[str, ...] = ()
    updated: str = ""
    curated: bool = False  # from the overlay corpus/lexicons/curated/<lang>.yaml


@dataclass(frozen=True)
class Prefix:
    """A loaded word-forming prefix (``prefixes`` in a language file): any word that starts
    with ``prefix`` and has at least ``min_rest`` more letters, unless it starts with one of
    ``exceptions``; ``entry`` holds what a hit reports (its pattern is the prefix)."""

    prefix: str
    min_rest: int
    exceptions: tuple[str, ...]
    entry: Entry

    def matches(self, word: str) -> bool:
        return (
            word.startswith(self.prefix)
            and len(word) - len(self.prefix) >= self.min_rest
            and not word.startswith(self.exceptions)
        )


@dataclass(frozen=True)
class LexiconHit:
    """One flagged span: ``lemma`` is the entry's pattern (the quoted words for scare quotes);
    ``confidence`` is lower for context-dependent words and quotations, which ``note`` says."""

    start: int
    end: int
    text: str
    lemma: str
    category: str
    explanation: str
    neutral: str
    source: str
    needs_context: bool
    confidence: float
    note: str = ""


@dataclass
class Lexicon:
    lang: str
    path: Path
    entries: list[Entry]
    speech_verbs: frozenset[str]
    mention_cues: frozenset[str]
    settings: dict[str, Any]
    label_words: frozenset[str] = frozenset()  # labels before a colon that are no speaker
    # phrases that give a sentence's words a speaker without a speech verb («по словам»,
    # "according to"): each a tuple of its words' forms
    speech_cues: tuple[tuple[frozenset[str], ...], ...] = ()
    # «так называемый», "so-called" just before a quotation: the outlet's marks, whoever spoke
    distancing_cues: tuple[tuple[frozenset[str], ...], ...] = ()
    prefixes: list[Prefix] = field(default_factory=list)
    index: dict[str, list[Entry]] = field(default_factory=dict)
    rank: dict[int, int] = field(default_factory=dict)  # id(entry) -> its place in entries

    def __post_init__(self) -> None:
        for number, entry in enumerate(self.entries):
            self.rank[id(entry)] = number
            for form in entry.seq[0]:
                self.index.setdefault(form, []).append(entry)

    def find(self, text: str) -> list[LexiconHit]:
        """Loaded wording and scare quotes in ``text``, in order, without overlaps."""
        return _find(self, text)


# --- loading and validation -----------------------------------------------------------------


def lexicon_path(lang: str) -> Path:
    return corpus_dir() / "lexicons" / f"{lang}.yaml"


def read_lexicon_yaml(path: Path) -> Any:
    """A lexicon file's YAML; a LexiconError names the file when it cannot be read or parsed."""
    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except OSError as exc:
        raise LexiconError(
            f"Cannot read the lexicon file {path}: {exc.strerror}. "
            "Set FRAMING_CORPUS to the folder holding lexicons/."
        ) from exc
    except yaml.YAMLError as exc:
        raise LexiconError(f"The lexicon file {path} is not valid YAML: {exc}") from exc


def pattern_keys(lang: str, pattern: str) -> tuple[str, ...]:
    """The lemmas of a pattern's words: two entries with the same keys are one entry."""
    return tuple(identity_key(lang, word) for word in pattern_words(pattern) if word != WILDCARD)


def parse_entry(lang: str, label: str, raw: dict[str, Any]) -> Entry:
    """One entry from its YAML mapping, validated (``label`` names it in errors); the
    shipped files and curators' edits go through the same checks."""
    missing = [name for name in FIELDS if name not in raw]
    unknown = sorted(set(raw) - set(FIELDS) - set(OPTIONAL_FIELDS))
    if missing or unknown:
        raise LexiconError(
            f"{label}: missing fields {missing}, unknown fields {unknown}.", (missing + unknown)[0]
        )
    for name in ("pattern", "explanation", "neutral", "source", "context_note"):
        if not isinstance(raw[name], str) or not (raw[name].strip() or name == "context_note"):
            raise LexiconError(f"{label}: '{name}' must be a non-empty string.", name)
    if raw["category"] not in CATEGORIES:
        raise LexiconError(
            f"{label}: category {raw['category']!r} is not one of {CATEGORIES}.", "category"
        )
    if not isinstance(raw["needs_context"], bool):
        raise LexiconError(f"{label}: 'needs_context' must be true or false.", "needs_context")
    if raw["needs_context"] and not raw["context_note"].strip():
        raise LexiconError(
            f"{label}: needs_context is true: say when it is literal in context_note.",
            "context_note",
        )
    gap = raw.get("max_gap", 0)
    if not isinstance(gap, int) or isinstance(gap, bool) or not 0 <= gap <= 3:
        raise LexiconError(f"{label}: 'max_gap' must be a whole number from 0 to 3.", "max_gap")
    updated = str(raw.get("updated", ""))  # YAML may have read it as a date
    if "updated" in raw and not DATE_RE.fullmatch(updated):
        raise LexiconError(f"{label}: 'updated' must be a date like 2024-11-07.", "updated")
    words = pattern_words(raw["pattern"])
    if not words or WILDCARD in words:
        raise LexiconError(
            f"{label}: the pattern needs words (for gaps use max_gap, not '*').", "pattern"
        )
    keys = pattern_keys(lang, raw["pattern"])
    contexts = [str(context) for context in raw.get("literal_contexts") or []]
    if contexts and not raw["needs_context"]:
        raise LexiconError(
            f"{label}: it has literal_contexts, so set needs_context: true.", "needs_context"
        )
    for context in contexts:
        context_words = pattern_words(context)
        context_keys = [identity_key(lang, w) for w in context_words if w != WILDCARD]
        if keys[0] not in context_keys or context_words[0] == WILDCARD:
            raise LexiconError(
                f"{label}: literal context {context!r} must contain the entry's first word "
                f"({keys[0]!r}) and must not start with '*'.",
                "literal_contexts",
            )
    texts = {name: raw[name].strip() for name in FIELDS if name != "needs_context"}
    seq = compile_pattern(lang, raw["pattern"], gap)
    literal = tuple(compile_pattern(lang, context) for context in contexts)
    return Entry(**texts, needs_context=raw["needs_context"], keys=keys, seq=seq,
                 literal_contexts=literal, max_gap=gap, literal_text=tuple(contexts),
                 updated=updated)  # fmt: skip


# --- curators' overlay (read here, written by framing.wording.curation) ----------------------

RETIRED = "retired"


def overlay_path(lang: str, shipped: Path | None = None) -> Path:
    """The overlay beside the shipped lexicon file ``shipped`` (default: the corpus's)."""
    return (shipped or lexicon_path(lang)).parent / "curated" / f"{lang}.yaml"


def read_overlay(path: Path) -> list[dict[str, Any]]:
    """The overlay's raw records, in file order; none when the file does not exist."""
    if not path.exists():
        return []
    data = read_lexicon_yaml(path) or {}
    records = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise LexiconError(f"{path}: expected a mapping with a list of entries under 'entries'.")
    return records


def retired_keys(lang: str, label: str, record: dict[str, Any]) -> tuple[str, ...] | None:
    """The keys a ``retired: true`` record hides, or None for an ordinary entry."""
    flag = record.get(RETIRED, False)
    if not isinstance(flag, bool):
        raise LexiconError(f"{label}: '{RETIRED}' must be true or false.", RETIRED)
    if not flag:
        return None
    pattern = record.get("pattern")
    keys = pattern_keys(lang, pattern) if isinstance(pattern, str) else ()
    if not keys:
        raise LexiconError(f"{label}: a retired entry needs the pattern it retires.", "pattern")
    return keys


def apply_overlay(lang: str, shipped: Path, entries: list[Entry]) -> list[Entry]:
    """``entries`` (from the file ``shipped``) with the overlay's replacements, additions
    (at the end) and retirements applied."""
    path = overlay_path(lang, shipped)
    merged: dict[tuple[str, ...], Entry | None] = {entry.keys: entry for entry in entries}
    seen: dict[tuple[str, ...], Any] = {}
    for number, record in enumerate(read_overlay(path), start=1):
        label = f"{path}: entry {number} ({record.get('pattern')!r})"
        keys = retired_keys(lang, label, record)
        entry = None
        if keys is None:
            fields = {k: v for k, v in record.items() if k != RETIRED}
            entry = replace(parse_entry(lang, label, fields), curated=True)
            keys = entry.keys
        if keys in seen:
            raise LexiconError(f"{label} duplicates {seen[keys]!r}; keep one of the two.")
        seen[keys] = record.get("pattern")
        merged[keys] = entry  # None: retired
    return [entry for entry in merged.values() if entry is not None]


def lexicon_fingerprint() -> str:
    """Changes whenever a lexicon file changes (name, size, modification time, inode): part
    of the key of cached analyses, and what makes :func:`load_lexicon` re-read an edited file.
    The inode catches two same-size saves within one clock tick: curated files are replaced
    by a new file on every save (framing/curation.py)."""
    folder = corpus_dir() / "lexicons"
    stamps = sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*.yaml")
    )
    return hashlib.sha256(repr(stamps).encode()).hexdigest()[:16]


@cache
def _load(lang: str, path: Path, fingerprint: str = "") -> Lexicon:
    data = read_lexicon_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{path}: expected a mapping with a list under 'entries'.")
    entries: list[Entry] = []
    seen: dict[tuple[str, ...], str] = {}
    for number, raw in enumerate(data["entries"], start=1):
        if not isinstance(raw, dict):
            raise LexiconError(f"{path}: entry {number} is not a mapping of fields.")
        entry = parse_entry(lang, f"{path}: entry {number} ({raw.get('pattern')!r})", raw)
        if entry.keys in seen:
            raise LexiconError(
                f"{path}: entry {number} ({entry.pattern!r}) duplicates {seen[entry.keys]!r}; "
                "merge the two entries."
            )
        seen[entry.keys] = entry.pattern
        entries.append(entry)
    entries = apply_overlay(lang, path, entries)
    common_path = path.parent / "common.yaml"
    settings = (read_lexicon_yaml(common_path) or {}).get("matcher") or {}
    if missing := [name for name in SETTINGS if name not in settings]:
        raise LexiconError(f"{common_path}: 'matcher' lacks the settings {missing}.")
    return Lexicon(
        lang=lang,
        path=path,
        entries=entries,
        speech_verbs=_forms(lang, data.get("speech_verbs")),
        mention_cues=_forms(lang, data.get("mention_cues")),
        settings=settings,
        label_words=_forms(lang, data.get("label_words")),
        speech_cues=_cues(lang, data.get("speech_cues")),
        distancing_cues=_cues(lang, data.get("distancing_cues")),
        prefixes=[
            parse_prefix(lang, f"{path}: prefix {n}", raw)
            for n, raw in enumerate(data.get("prefixes") or [], start=1)
        ],
    )


PREFIX_FIELDS = ("prefix", "min_rest", "exceptions")


def parse_prefix(lang: str, label: str, raw: Any) -> Prefix:
    """One ``prefixes`` item: an entry's fields with ``prefix`` for ``pattern``, plus
    ``min_rest`` (letters after the prefix) and ``exceptions`` (word starts left alone)."""
    if not isinstance(raw, dict) or any(name not in raw for name in PREFIX_FIELDS):
        raise LexiconError(f"{label}: needs the fields {PREFIX_FIELDS} and an entry's fields.")
    prefix = normalise(str(raw["prefix"]))
    rest = raw["min_rest"]
    if not prefix.isalpha() or not isinstance(rest, int) or isinstance(rest, bool) or rest < 1:
        raise LexiconError(f"{label}: 'prefix' must be letters and 'min_rest' a whole number ≥ 1.")
    fields = {k: v for k, v in raw.items() if k not in PREFIX_FIELDS}
    entry = parse_entry(lang, label, {"pattern": f"{prefix}-", **fields})
    exceptions = tuple(normalise(str(word)) for word in raw["exceptions"] or [])
    return Prefix(prefix, rest, exceptions, entry)


def _cues(lang: str, phrases: list[str] | None) -> tuple[tuple[frozenset[str], ...], ...]:
    """Phrases as the forms of each of their words (split at spaces and hyphens, as the text's
    words are: "so-called" is "so", "called"), for :func:`_cued`."""
    return tuple(
        tuple(word_forms(lang, w) for w in re.split(r"[\s\-‐‑]+", str(p)) if w)
        for p in phrases or []
    )


def _forms(lang: str, words: list[str] | None) -> frozenset[str]:
    return frozenset(form for word in words or [] for form in word_forms(lang, str(word)))


def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` (ru, uk or en), validated; read once per process and path."""
    if lang not in LANGUAGES:
        raise LexiconError(f"No lexicon for language {lang!r}; use one of {LANGUAGES}.")
    return _load(lang, lexicon_path(lang), lexicon_fingerprint())


def find_loaded(text: str, lang: str) -> list[LexiconHit]:
    """Loaded wording in ``text`` (offsets into ``text`` exactly as given)."""
    return load_lexicon(lang).find(text)


def quoted_speech(text: str, lang: str) -> list[tuple[int, int]]:
    """The quotations of ``text`` that are a speaker's (:func:`_spoken`, partial quotations
    too): where a lexicon hit is the outlet quoting someone (``quoted_note``), and so is a
    detector suggestion (profile)."""
    lex = load_lexicon(lang)
    return _spoken(lex, text, _quotes(text))


def quoted_mark(lang: str) -> tuple[float, str]:
    """What a highlight inside quoted speech gets: its confidence factor and its note."""
    settings = load_lexicon(lang).settings
    return float(settings["quoted_factor"]), str(settings["quoted_note"])


def inside_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one of ``spans`` contains ``start``..``end``."""
    return _Spans(spans).contains(start, end)


# --- matching -------------------------------------------------------------------------------


def _is_outlet(name: str) -> bool:
    """Whether ``name`` is an outlet alias in the outlet registry (False without a registry)."""
    from framing.outlets import load_registry

    try:
        return load_registry().find(name) is not None
    except FramingError:
        return False


def _quotes(text: str) -> list[tuple[int, int, str]]:
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


def _spoken(lex: Lexicon, text: str, quotes: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The quotations that are a speaker's: of three words or more, attributed by a speech
    verb, introduced as direct speech (:func:`_introduced`), with the author's words set
    inside (:func:`_interrupted`) or going on from a quotation just attributed
    (:func:`_continued`); of any length, a partial quotation, whose sentence names a speaker
    (:func:`_speaker_in_sentence`: «назвал публикацию «чистой выдумкой»», "calling it "pure
    fiction""): the quoted words are the speaker's, loaded or not, never the outlet's."""
    said: list[tuple[int, int]] = []
    ends: set[int] = set()
    for s, e, c in quotes:  # in order: a quotation may go on from one found before it
        if _speech(lex, text, s, e, c, ends):
            said.append((s, e))
            ends.add(e)
    return said


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
    return not _name_like(content) and _speaker_in_sentence(lex, text, start, end)


def _name_like(content: str) -> bool:
    """One or two words, capitalised or with an acronym: a name in quotes («Роскомнадзор»,
    «Перший канал», «ДНР», "Oreshnik"), by the typographic convention of ru and uk."""
    words = content.split()
    return len(words) <= 2 and (
        not content[:1].islower() or any(len(w) > 1 and w.isupper() for w in words)
    )


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

        return not simplemma.is_known(norm, lang="en") and not _is_outlet(word)
    readings = parses(lang, norm)
    if not any(NAME_TAGS & set(p.tag.grammemes) for p in readings):
        return False
    return not any(
        p.tag.POS == "NOUN" and {"sing", "nomn"} <= set(p.tag.grammemes)
        and not NAME_TAGS & set(p.tag.grammemes)
        for p in readings
    )  # fmt: skip


def _balanced(content: str) -> bool:
    """Whether the guillemets inside ``content`` open and close in equal numbers."""
    return content.count("«") == content.count("»")


def _mentioned(lex: Lexicon, text: str, start: int) -> bool:
    """Whether the quotation at ``start`` follows a mention cue («слово», "the term")."""
    before = _words(text[max(0, start - 40) : start])
    return bool(before) and not lemma_keys(lex.lang, before[-1]).isdisjoint(lex.mention_cues)


def _scare_quote(lex: Lexicon, text: str, start: int, end: int, content: str) -> LexiconHit | None:
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
        return None
    if not all(LETTERS_RE.fullmatch(word) for word in words):
        return None
    if not distanced and (content[0].isupper() or any(len(w) > 1 and w.isupper() for w in words)):
        return None  # a name, title or acronym («Комментарии», "Fox News", «ЦНАП»)
    if _mentioned(lex, text, start):
        return None  # a word mentioned, not used: «слово "режим"», the word "regime"
    before = _words(text[max(0, start - 60) : start].split("\n")[-1])
    if not distanced and (_has_verb(lex, before[-2:]) or _attributed(lex, text, start, end)):
        return None  # a quoted answer or term: said "no"; «нет», — ответил он
    if _is_outlet(content):
        return None
    if not distanced and len(words) > 2 and _speaker_before(lex, text, start):
        # three words or more are likelier a source's: a speaker in the sentence before
        # makes them its words (a retelling: «Foreign Policy приводит данные СБУ …» and
        # then «Помимо СБУ есть и «независимые сторожевые псы»», the magazine's term)
        return None
    if not distanced and _speaker_in_sentence(lex, text, start, end):
        # a speaker in the sentence makes the quoted words a partial quotation ("he would
        # "certainly concede""): a teacher marked such hits false alarms, so none is reported.
        # Not so after «так называемый» or «псевдореспубліки»: the marks are the outlet's
        return None
    settings = lex.settings
    confidence = float(settings["scare_quote"])
    note = ""
    return LexiconHit(start, end, text[start:end], normalise(content), SCARE_QUOTES,
                      settings["scare_quote_explanation"], content, settings["scare_quote_source"],
                      True, confidence, note)  # fmt: skip


def _literal(tokens: Tokens, entry: Entry, i: int, j: int) -> bool:
    """Whether a literal context of ``entry`` covers the hit on tokens i..j-1."""
    for context in entry.literal_contexts:
        for start in range(max(0, i - len(context) + 1), i + 1):
            end = tokens.match(start, context)
            if end is not None and end >= j:
                return True
    return False


def _find(lex: Lexicon, text: str) -> list[LexiconHit]:
    tokens = Tokens.of(text, lex.lang)
    found: list[tuple[int, int, int, Entry]] = []
    for i, keys in enumerate(tokens.keys):
        candidates = {id(e): e for key in keys for e in lex.index.get(key, ())}
        # in the lexicon's order: two entries matching the same words (the adverb «нагло»
        # and «наглый», whose lemma it may be) are a tie below, which the first entry wins.
        # A word's keys are a set of strings, whose order changes with each process's hash
        # seed: in that order, one run of `framing score` said «нагло» -> «(убрать)» and
        # the next «открыто (или убрать)».
        for entry in sorted(candidates.values(), key=lambda e: lex.rank[id(e)]):
            j = tokens.match(i, entry.seq)
            if j is not None and not (entry.needs_context and _literal(tokens, entry, i, j)):
                found.append((tokens.starts[i], tokens.ends[j - 1], j - i, entry))
    found.extend(_prefixed(lex, text, tokens))
    quotes = _quotes(text)
    spoken = _spoken(lex, text, quotes)
    mentions = [(s, e) for s, e, c in quotes if len(c.split()) <= 2 and _mentioned(lex, text, s)]
    settings = lex.settings
    hits: list[LexiconHit] = []
    taken, in_mention, in_speech = _Spans(), _Spans(mentions), _Spans(spoken)
    for start, end, _, entry in sorted(found, key=lambda f: (-f[2], f[0], f[3].needs_context)):
        if taken.overlaps(start, end) or in_mention.contains(start, end):
            continue
        taken.add(start, end)
        confidence = float(settings["context" if entry.needs_context else "plain"])
        quoted = in_speech.contains(start, end)
        factor, note = (settings["quoted_factor"], settings["quoted_note"]) if quoted else (1, "")
        hit = LexiconHit(start, end, text[start:end], entry.pattern, entry.category,
                         entry.explanation, entry.neutral, entry.source, entry.needs_context,
                         round(confidence * factor, 3), note)  # fmt: skip
        hits.append(hit)
    # marks inside a longer quotation are the quoted person's («"… обмін репліками –
    # "люб'язностями" між …"»), never the outlet's scare quotes
    # (one whose own inner marks do not balance was paired wrongly: «"пафтаріть» вони вже
    # «не смогут». Тому … "», where the straight marks are two quotations' ends)
    longer = [(s, e) for s, e, c in quotes if len(c.split()) > 2 and _balanced(c)]
    said = set(spoken)
    for start, end, content in quotes:
        inside = any(s < start and end < e for s, e in longer)
        if not inside and (start, end) not in said and not taken.overlaps(start, end):
            hit = _scare_quote(lex, text, start, end, content)
            hits.extend([hit] if hit else [])
    return sorted(hits, key=lambda h: h.start)


def _prefixed(lex: Lexicon, text: str, tokens: Tokens) -> list[tuple[int, int, int, Entry]]:
    """Words formed with a loaded prefix («псевдожурналісти»; «псевдо-выборы», where the
    prefix is a token of its own joined by a hyphen to the next)."""
    found: list[tuple[int, int, int, Entry]] = []
    if not lex.prefixes:
        return found
    words = tokens.words  # normalised once, by Tokens.of
    for i, (start, end) in enumerate(zip(tokens.starts, tokens.ends, strict=True)):
        word = words[i]
        for prefix in lex.prefixes:
            if prefix.matches(word):
                found.append((start, end, 1, prefix.entry))
            elif (
                word == prefix.prefix
                and i + 1 < len(words)
                and tokens.starts[i + 1] == end + 1
                and text[end] in HYPHENS
                and prefix.matches(word + words[i + 1])
            ):
                found.append((start, tokens.ends[i + 1], 2, prefix.entry))
    return found


class _Spans:
    """Character spans, queried in O(log n): a text with tens of thousands of hits and
    quotes must not cost a scan of all of them per candidate (quadratic in the text).

    Spans are kept in layers of non-overlapping spans sorted by start (quotes nest one
    level, so there are few layers); in a layer only the span starting last before a
    position can contain or overlap it.
    """

    def __init__(self, spans: list[tuple[int, int]] = ()) -> None:
        self.layers: list[tuple[list[int], list[int]]] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        for starts, ends in self.layers:
            i = bisect.bisect_left(starts, start)
            if (i == 0 or ends[i - 1] <= start) and (i == len(starts) or end <= starts[i]):
                starts.insert(i, start)
                ends.insert(i, end)
                return
        self.layers.append(([start], [end]))

    def overlaps(self, start: int, end: int) -> bool:
        for starts, ends in self.layers:
            i = bisect.bisect_left(starts, end)
            if i and ends[i - 1] > start:
                return True
        return False

    def contains(self, start: int, end: int) -> bool:
        """Whether a span strictly encloses [start, end) (s < start and end < e)."""
        for starts, ends in self.layers:
            i = bisect.bisect_left(starts, start)
            if i and end < ends[i - 1]:
                return True
        return False
