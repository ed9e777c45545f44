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
  A hit inside a quotation of a speaker (``framing.wording.quotations``: a long one
  attributed by a speech verb after or before it, introduced by a colon, interrupted by the
  author's words or going on from one just attributed; a partial one, a few words run into
  a sentence with a speech verb or cue, «назвал публикацию «чистой выдумкой»») is the outlet quoting
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
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from framing.errors import FramingError
from framing.settings import corpus_dir
from framing.text.morphology import (
    WILDCARD,
    Pattern,
    Tokens,
    compile_pattern,
    identity_key,
    normalise,
    pattern_words,
    word_forms,
)
from framing.wording.quotations import (
    balanced,
    mentioned,
    quotations,
    scare_quoted,
    spoken,
)

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
    "scare_quote_source speaker_label_max_words repeated_quote_min_words"
).split()
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

HYPHENS = "-‐‑"


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


# libyaml's safe loader, the same data six times as fast as PyYAML's pure-Python one: a
# restarted server's first home page waited for the en and ru files (12 s for ru.yaml alone
# at nice 19 on a busy 2-core machine, 2 s with this).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_lexicon_yaml(path: Path) -> Any:
    """A lexicon file's YAML; a LexiconError names the file when it cannot be read or parsed."""
    try:
        return yaml.load(path.read_text("utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
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


# One reader of a language's lexicon at a time: a request beside the server's first-page
# thread (framing/cli/main.py) waits for the lexicon being read instead of reading it again.
_READING = {lang: threading.RLock() for lang in LANGUAGES}


def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` (ru, uk or en), validated; read once per process and path."""
    if lang not in LANGUAGES:
        raise LexiconError(f"No lexicon for language {lang!r}; use one of {LANGUAGES}.")
    path, stamp = lexicon_path(lang), lexicon_fingerprint()
    with _READING[lang]:
        return _load(lang, path, stamp)


def find_loaded(text: str, lang: str) -> list[LexiconHit]:
    """Loaded wording in ``text`` (offsets into ``text`` exactly as given)."""
    return load_lexicon(lang).find(text)


def quoted_speech(text: str, lang: str) -> list[tuple[int, int]]:
    """The quotations of ``text`` that are a speaker's (``quotations.spoken``, partial
    quotations too): where a lexicon hit is the outlet quoting someone (``quoted_note``),
    and so is a detector suggestion (profile)."""
    lex = load_lexicon(lang)
    return spoken(lex, text, quotations(text))


def quoted_mark(lang: str) -> tuple[float, str]:
    """What a highlight inside quoted speech gets: its confidence factor and its note."""
    settings = load_lexicon(lang).settings
    return float(settings["quoted_factor"]), str(settings["quoted_note"])


def inside_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one of ``spans`` contains ``start``..``end``."""
    return _Spans(spans).contains(start, end)


# --- matching -------------------------------------------------------------------------------


def _scare_quote(lex: Lexicon, text: str, start: int, end: int, content: str) -> LexiconHit | None:
    """The scare-quote hit of the quotation text[start:end], if it is one (:func:`scare_quoted`)."""
    if not scare_quoted(lex, text, start, end, content):
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
    quotes = quotations(text)
    speech = spoken(lex, text, quotes)
    mentions = [(s, e) for s, e, c in quotes if len(c.split()) <= 2 and mentioned(lex, text, s)]
    settings = lex.settings
    hits: list[LexiconHit] = []
    taken, in_mention, in_speech = _Spans(), _Spans(mentions), _Spans(speech)
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
    longer = [(s, e) for s, e, c in quotes if len(c.split()) > 2 and balanced(c)]
    said = set(speech)
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
