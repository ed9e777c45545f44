"""Cleaning: separate the reporting in a saved news page from the site furniture around it.

As in jusText and trafilatura, each line is judged by its own features (length, final
punctuation, links, digits, Title Case), by repetition, by its neighbours and by known patterns
kept as data, with every threshold, in ``data/furniture.yaml``. The bias is deliberate: a line
of prose stays unless a rule is sure, as a lost sentence of reporting costs more downstream
than a stray button label. Passes, each looking only at lines no earlier pass removed:

1. line rules: the dump header, links, time stamps, then the YAML patterns, markers, labels;
2. captions: lines beside a photo credit;
3. the start of the article (its first sentence of reporting, with the lines that lead into
   it and a standfirst of running prose, full stop or not) and, above it, the headline;
4. repetition: a line seen twice is layout (a long sentence keeps its first copy);
5. regions: after an end-of-article marker ("Tags:", "Recommended", "Community standards")
   the page is furniture, until a sentence of reporting shows the article goes on; and a
   listing of other articles below this one: a line cut off with an ellipsis under a dated
   time stamp is another article's teaser;
6. structure: runs of short lines are menus, a lone short line between paragraphs is a
   subheading, and whatever is left above the article is a fragment of the page. A text with
   no sentence ending at all but lines of several words (a social-media post) has no
   "above": its lines are judged as paragraphs of prose.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

import yaml

from framing.errors import FramingError
from framing.records import CleanedText, RemovedLine
from framing.settings import packaged_text
from framing.text.morphology import function_words, normalise

# The breaks str.splitlines() knows, so our line numbers agree with any other reader's.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CLOSERS = "\"'»”’“)]"
_TERMINAL = re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]*$")
_BULLET = re.compile(r"[•·▪◦‣●*–—-]\s")
# An address's local part starts where a token does and is at most 64 characters (RFC 5321):
# unanchored, a long token without "@" is rescanned from each of its characters (quadratic).
_LINK = re.compile(r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif)(?:[?#]\S*)?$", re.IGNORECASE)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"]*\"")
_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’ʼ][^\W\d_]+)?")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_DATE_SHAPE = re.compile(r"\d:\d\d|\d[./-]\d")
# A teaser's end: a word cut off by the site, "…прилипли до рук українських..." (a quote that
# trails off, «…», is not one: the mark after a closing quote does not end a word).
_CUT_OFF = re.compile(r"\w(?:\.{3}|…)$")
_SLUG_WORD = re.compile(r"[a-z0-9]+")
_LABEL_GAP = " \t|·•/,;:"
# What the code relies on a furniture file to define.
_SETTINGS = """prose_min_words long_line_words title_min_words title_max_words title_max_chars
title_min_score slug_overlap title_case_share title_case_min_words menu_min_lines menu_max_words
heading_max_words short_repeat_words caption_block_max_lines link_density timestamp_max_chars
lead_in_min_words pattern_max_chars vocabulary_overrides standfirst_min_words
standfirst_min_function_words headline_max_lines_above""".split()
_CODE_REASONS = """source-header headline repeated-line url timestamp photo-caption navigation
subheading short-fragment above-headline""".split()
_NOTES = ["headline-repeat", "caption-beside-credit", "image-url", "no-words", "teaser"]


@dataclass(frozen=True)
class Rule:
    """A group of regexes (or of labels) that share a reason and its plain-words explanation."""

    reason: str
    explain: str
    regex: re.Pattern[str]
    anywhere: bool = False  # found inside the line, rather than being the whole line


@dataclass(frozen=True)
class Opener:
    """A marker line after which the page is furniture: ``then`` gives the following lines'
    reasons, one per line, the last repeating."""

    reason: str
    explain: str
    then: tuple[str, ...]
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Furniture:
    """The compiled rules of a furniture file (see ``data/furniture.yaml`` for each part)."""

    settings: dict[str, Any]
    reasons: dict[str, str]
    notes: dict[str, str]
    header: re.Pattern[str]
    patterns: tuple[Rule, ...]
    openers: tuple[Opener, ...]
    labels: tuple[Rule, ...]
    label_line: re.Pattern[str]
    vocabulary: tuple[tuple[str, re.Pattern[str]], ...]
    date_words: frozenset[str]
    keep: re.Pattern[str]  # lines that are the report's own, whatever their shape
    same_marks: dict[int, str]  # str.translate table: marks that repetition reads as one


def load_furniture(path: Path | str | None = None) -> Furniture:
    """Read and compile a furniture file; ``None`` means the packaged ``data/furniture.yaml``.

    Raises :class:`FramingError` naming the file and the entry to fix.
    """
    if path is None:
        return _packaged()
    return _compile(Path(path).read_text("utf-8"), str(path))


@cache
def _packaged() -> Furniture:
    return _compile(packaged_text("furniture.yaml"), "framing/data/furniture.yaml")


def _compile(text: str, source: str) -> Furniture:
    def fail(problem: str) -> FramingError:
        return FramingError(f"{source}: {problem}")

    def strings(where: str, values: Any) -> list[str]:
        # YAML 1.1 reads bare yes/no/on/off as booleans, which would silently match nothing.
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise fail(f'{where} must be a list of strings; quote words like "no" or "on".')
        return values

    def regex(where: str, alternatives: list[str]) -> re.Pattern[str]:
        try:
            return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
        except re.error as exc:
            raise fail(f"{where}: not a valid regular expression ({exc}); fix it.") from exc

    def reason(where: str, code: Any) -> str:
        if code not in reasons:
            raise fail(f"{where}: reason {code!r} has no entry under `reasons`; add one.")
        return code

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise fail(f"not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise fail("expected a mapping of settings, reasons, notes, patterns, openers, labels.")
    settings, reasons, notes = (data.get(k) or {} for k in ("settings", "reasons", "notes"))
    missing = [k for k in _SETTINGS if k not in settings] + [k for k in _NOTES if k not in notes]
    if missing:
        raise fail(f"missing {', '.join(missing)}; copy them from framing/data/furniture.yaml.")
    for code in (*_CODE_REASONS, *settings["vocabulary_overrides"]):
        reason("settings", code)

    def group(kind: str, i: int, g: Any, key: str) -> tuple[str, str, str, list[str]]:
        where = f"{kind}[{i}]"
        if not isinstance(g, dict):
            raise fail(f"{where} must be a mapping with reason, explain and {key}.")
        code, values = reason(where, g.get("reason")), strings(f"{where}.{key}", g.get(key))
        return where, code, str(g.get("explain") or reasons[code]), values

    patterns, openers, labels, every_label = [], [], [], []
    for i, g in enumerate(data.get("patterns") or []):
        where, code, explain, alternatives = group("patterns", i, g, "regex")
        patterns.append(Rule(code, explain, regex(where, alternatives), bool(g.get("anywhere"))))
    for i, g in enumerate(data.get("openers") or []):
        where, code, explain, alternatives = group("openers", i, g, "regex")
        then = tuple(reason(where, r) for r in strings(f"{where}.then", g.get("then")))
        openers.append(Opener(code, explain, then, regex(where, alternatives)))
    for i, g in enumerate(data.get("labels") or []):
        where, code, explain, words = group("labels", i, g, "words")
        # Longest first, so "all news" wins over "news" at the same place.
        words = sorted(words, key=len, reverse=True)
        every_label += words
        labels.append(Rule(code, explain, regex(where, [re.escape(w) for w in words])))
    gap = f"[{re.escape(_LABEL_GAP)}]*"
    any_label = "|".join(re.escape(w) for w in sorted(every_label, key=len, reverse=True))
    vocabulary = tuple(
        (reason("vocabulary", code), regex(code, [rf"\b{re.escape(s)}" for s in strings(code, v)]))
        for code, v in (data.get("vocabulary") or {}).items()
    )
    return Furniture(
        settings=settings,
        reasons=reasons,
        notes=notes,
        header=regex("header", [str(data.get("header") or "(?!)")]),
        patterns=tuple(patterns),
        openers=tuple(openers),
        labels=tuple(labels),
        label_line=regex("labels", [f"{gap}(?:(?:{any_label}){gap})+" if any_label else "(?!)"]),
        vocabulary=vocabulary,
        date_words=frozenset(w.casefold() for w in strings("date_words", data.get("date_words"))),
        keep=regex("keep", strings("keep", data.get("keep") or []) or ["(?!)"]),
        same_marks=str.maketrans(_same_marks(data.get("same_marks") or {}, fail)),
    )


def _same_marks(given: Any, fail: Any) -> dict[str, str]:
    """``same_marks``: {plain mark: [its typographic variants]} as {variant: plain mark}."""
    if not isinstance(given, dict):
        raise fail("same_marks must map a mark to a list of its variants.")
    found = {}
    for plain, variants in given.items():
        if not isinstance(variants, list) or not all(
            isinstance(v, str) and len(v) == 1 for v in variants
        ):
            raise fail(f"same_marks[{plain!r}] must be a list of single characters.")
        found.update(dict.fromkeys(variants, str(plain)))
    return found


@dataclass(eq=False)
class _Line:
    no: int  # 1-based in the given text
    text: str  # without indentation or trailing whitespace
    para: int  # lines with no blank line between them share a paragraph number
    words: int
    key: str  # what repetition compares: casefolded, whitespace collapsed
    terminal: bool  # ends like a sentence
    lowercase: bool  # its first letter is lowercase: it continues a sentence
    reason: str | None = None
    detail: str = ""
    opener: Opener | None = None
    keep: bool = False  # an attribution line ("Source: X"): never dropped
    standfirst: bool = False  # a short standfirst under the headline: prose, full stop or not

    def drop(self, reason: str, detail: str) -> None:
        if not self.keep:
            self.reason, self.detail = reason, detail


def clean_text(
    text: str,
    furniture: Furniture | None = None,
    url: str | None = None,
    title: str | None = None,
) -> CleanedText:
    """Split a page's text into the reporting (``text``), its headline and the removed lines.
    ``url``: the page's own address, if known; a headline line whose words are its slug
    scores as one found in a link on the page. ``title``: the page's own title, if known
    (an HTML page's, a record's); a line that repeats it at the top is the headline, even
    one ending in a full stop (Kyiv Independent's "Zelensky says situation on frontline is
    tough." stayed the report's first sentence).

    Paragraphs of the body are joined by a blank line; kept lines lose their indentation and
    trailing whitespace but are otherwise untouched. Every removed non-blank line is listed
    with a reason code and a plain-words detail. A text that is all furniture gives ``""``.
    """
    fur = furniture or _packaged()
    lines = _split(text, fur.same_marks)
    content = [ln for ln in lines if ln.text]
    if not content:
        return CleanedText(text="")
    for ln in content:
        if found := _classify(ln, fur, first=ln is content[0]):
            ln.drop(*found)
    counts = Counter(ln.key for ln in content)
    _mark_captions(content, counts, fur)
    start = _article_start(content, fur.settings)
    if (below := _title_below_start(content, start, title, fur.settings)) is not None:
        # The page's headline stands below what read as the first sentence: the lines above
        # it are the page's (a banner, an appeal, "Live"), and the article starts below it.
        below.drop("headline", fur.reasons["headline"])
        for ln in content[: content.index(below)]:
            if ln.reason is None:
                ln.drop("above-headline", fur.reasons["above-headline"])
        start = _article_start(content, fur.settings)
    picked = None if start is None else _pick_title(content, start, counts, fur.settings, url)
    picked = below or _known_title(content, start, title, fur.settings) or picked
    if picked is not None:
        picked.drop("headline", fur.reasons["headline"])
        start = _standfirst_under(content, picked, start, fur.settings)
    _mark_repeats(content, counts, picked, fur)
    if start is not None:
        _mark_regions(content[start:], fur)
        _mark_teasers(content[start:], fur)
    _mark_structure(content, start, fur, post=start is None and _has_phrases(content, fur))
    return _assemble(lines, picked)


def _known_title(
    content: list[_Line], start: int | None, title: str | None, s: dict[str, Any]
) -> _Line | None:
    """The first free line at or above the article's start that is the page's own
    ``title`` (case, spacing and a final full stop aside), when the title is short enough
    to be a headline."""
    if not title or start is None or len(title) > s["title_max_chars"]:
        return None
    key = _title_key(title)
    if not key or len(key.split()) > s["title_max_words"]:
        return None
    return next(
        (ln for ln in content[: start + 1] if ln.reason is None and _title_key(ln.text) == key),
        None,
    )


def _title_below_start(
    content: list[_Line], start: int | None, title: str | None, s: dict[str, Any]
) -> _Line | None:
    """The first free line below the article's start that is the page's own ``title``, with
    at most ``headline_max_lines_above`` free lines above it: the headline, under a banner
    that read as the article's first sentence. None when the title is found at or above the
    start (:func:`_known_title` takes it), not at all, or under more lines than that (the
    title repeated far down a page is no headline)."""
    if start is None or not title or _known_title(content, start, title, s) is not None:
        return None
    key = _title_key(title)
    if not key or len(title) > s["title_max_chars"] or len(key.split()) > s["title_max_words"]:
        return None
    free = 0
    for i, ln in enumerate(content):
        if ln.reason is not None:
            continue
        if i > start and _title_key(ln.text) == key:
            return ln
        free += 1
        if free > s["headline_max_lines_above"]:
            return None
    return None


def _title_key(text: str) -> str:
    return " ".join(text.split()).rstrip(" .…").casefold()


def _has_phrases(content: list[_Line], fur: Furniture) -> bool:
    """Whether a line no rule named reads as text: with no sentence ending anywhere, the
    text is then a post (a Telegram message ending in a date, a quote, an emoji), not a page
    around an article. A menu-only page has no such line."""
    return any(ln.reason is None and _phrase(ln, fur.settings) for ln in content)


def _phrase(ln: _Line, s: dict[str, Any]) -> bool:
    """Several words that are not a menu bar ("Главная | Новости | …") or Title Case."""
    return (
        len(_WORD.findall(ln.text)) >= s["prose_min_words"]
        and ln.text.count("|") < 2
        and not _title_case(ln.text, s)
    )


def _split(text: str, same_marks: dict[int, str]) -> list[_Line]:
    lines, para = [], 0
    for no, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        line = raw.strip()
        para += not line
        # a caption shown twice, once with ’ and once with ' (Washington Examiner), repeats
        key = " ".join(line.casefold().translate(same_marks).split())
        lower = next((c.islower() for c in line if c.isalpha()), False)
        terminal = bool(_TERMINAL.search(line))
        lines.append(_Line(no, line, para, len(line.split()), key, terminal, lower))
    return lines


def _classify(ln: _Line, fur: Furniture, first: bool) -> tuple[str, str] | None:
    """Pass 1: what the line is by itself, as (reason, detail), or None."""
    text = ln.text
    if first and fur.header.fullmatch(text):
        return "source-header", fur.reasons["source-header"]
    if fur.keep.fullmatch(text):
        ln.keep = True
        return None
    if not any(c.isalnum() for c in text):
        # a lone "." or "* * *" is no sentence (one became a row of the comparison; QA,
        # session 21)
        return "short-fragment", fur.notes["no-words"]
    linked = sum(len(link) for link in _LINK.findall(text))
    # mostly web address, unless the words around it are prose on their own (a paragraph
    # of reporting ending in a long tracking link is not "a bare web address")
    if (
        linked
        and linked >= fur.settings["link_density"] * len(text)
        and len(_LINK.sub(" ", text).split()) < fur.settings["long_line_words"]
    ):
        return "url", fur.notes["image-url"] if _IMAGE.search(text) else fur.reasons["url"]
    if not ln.terminal and _is_timestamp(text, fur):
        return "timestamp", fur.reasons["timestamp"]
    for opener in fur.openers:
        if opener.regex.fullmatch(text):
            ln.opener = opener
            return opener.reason, opener.explain
    # Whole-line patterns describe short lines; skipping long ones bounds regex backtracking.
    short = len(text) <= fur.settings["pattern_max_chars"]
    for rule in fur.patterns:
        if rule.regex.search(text) if rule.anywhere else short and rule.regex.fullmatch(text):
            return rule.reason, rule.explain
    if ln.words < fur.settings["long_line_words"] and fur.label_line.fullmatch(text):
        # Glued labels ("Log inPrivacy Policy") take the reason of the first one.
        head = text.lstrip(_LABEL_GAP)
        rule = max(fur.labels, key=lambda r: m.end() if (m := r.regex.match(head)) else -1)
        return rule.reason, rule.explain
    return None


def _is_timestamp(text: str, fur: Furniture) -> bool:
    if len(text) > fur.settings["timestamp_max_chars"]:
        return False
    tokens = _TOKEN.findall(text.casefold())
    words = [t for t in tokens if not t.isdigit()]
    if len(words) == len(tokens) or any(w not in fur.date_words for w in words):
        return False
    # A bare number ("6612") is a counter, not a date.
    return bool(words) or bool(_DATE_SHAPE.search(text))


def _mark_captions(content: list[_Line], counts: Counter[str], fur: Furniture) -> None:
    """Pass 2: a line beside a photo credit is a caption if it is repeated (pages show a
    caption under the picture and again in a viewer) or if caption and credit stand alone."""
    sizes = Counter(ln.para for ln in content)
    limit = fur.settings["caption_block_max_lines"]
    for i, credit in enumerate(content):
        if credit.reason != "photo-credit":
            continue
        for ln in content[max(i - 1, 0) : i + 2]:
            if ln.reason is not None or ln.para != credit.para:
                continue
            # Captions sit above their credit. Below it, only a repeated line counts: a single
            # one may be the headline; a full sentence may be reporting.
            above = ln.no < credit.no and not _reporting(ln, fur.settings)
            if counts[ln.key] > 1 or (above and sizes[credit.para] <= limit):
                ln.drop("photo-caption", fur.notes["caption-beside-credit"])


def _title_case(text: str, s: dict[str, Any]) -> bool:
    words = _WORD.findall(text)
    if len(words) < s["title_case_min_words"]:
        return False
    return sum(w[0].isupper() for w in words) >= s["title_case_share"] * len(words)


def _leads_in(ln: _Line, s: dict[str, Any]) -> bool:
    """A line that ends mid-sentence ("Песков заявил:", "• a ceasefire;"), leading on."""
    return ln.words >= s["lead_in_min_words"] and ln.text.rstrip(_CLOSERS)[-1:] in tuple(":;,–—")


def _prose(ln: _Line, s: dict[str, Any]) -> bool:
    return ln.standfirst or ln.terminal or ln.words >= s["long_line_words"] or _leads_in(ln, s)


def _standfirst(ln: _Line, s: dict[str, Any]) -> bool:
    """A long line of running prose: a standfirst (a summary under the headline, often with
    no final full stop) rather than a headline, menu or tag list. Headlines are shorter,
    menus and tag lists are Title Case or strings of names without the little words
    (of, that, в, на, що) a sentence is held together by."""
    words = _WORD.findall(ln.text)
    glue = sum(normalise(w) in function_words(None) for w in words)
    return (
        ln.words >= s["standfirst_min_words"]
        and glue >= s["standfirst_min_function_words"]
        and ln.text.count("|") < 2
        and not _title_case(ln.text, s)
    )


def _standfirst_under(
    content: list[_Line], headline: _Line, start: int | None, s: dict[str, Any]
) -> int | None:
    """The article's start, moved up to a shorter standfirst that stands alone between the
    headline and the first sentence: at least ``prose_min_words`` words of running prose
    (as :func:`_standfirst` reads it, at any length), no final full stop (qa7: 360.ru's
    «"360" обобщил всю имеющуюся информацию о взрыве на Крымском мосту», 10 words, was a
    short fragment). Only once the headline is known: above the first sentence, a line this
    short may be the headline itself."""
    if start is None or start < 2 or content[start - 2] is not headline:
        return start
    line = content[start - 1]
    if line.reason is not None or line.words < s["prose_min_words"]:
        return start
    if not _standfirst(line, {**s, "standfirst_min_words": s["prose_min_words"]}):
        return start
    line.standfirst = True
    return start - 1


def _reporting(ln: _Line, s: dict[str, Any]) -> bool:
    """A sentence long enough to be reporting; Title Case lines are headlines or teasers."""
    return ln.terminal and ln.words >= s["prose_min_words"] and not _title_case(ln.text, s)


def _article_start(content: list[_Line], s: dict[str, Any]) -> int | None:
    free = [i for i, ln in enumerate(content) if ln.reason is None]
    start = next((i for i in free if _reporting(content[i], s)), None)
    if start is None:  # no long sentence: any sentence will do ("Нет.")
        start = next((i for i in free if content[i].terminal), None)
        if start is None:
            return None
    # A short first paragraph ("Путин поздравил Байдена.") belongs to the reporting below it,
    # and so does a line that leads into it ("Песков заявил:") or that a hard wrap cut off. Of
    # sentence ends only "." and "…" count: a headline may end in "?" or "!", not in a period.
    # A standfirst of running prose above it is the report's summary, full stop or not.
    widths: dict[int, int] = {}
    for ln in content:
        widths[ln.para] = max(widths.get(ln.para, 0), len(ln.text))
    while start and (prev := content[start - 1]).reason is None:
        cur = content[start]
        # A greedy wrap breaks a line only where the next word would not fit.
        wrapped = len(prev.text) + len(cur.text.split()[0]) >= widths[cur.para] and prev.words > 1
        joined = prev.para == cur.para and (cur.lowercase or wrapped)
        ended = prev.text.rstrip(_CLOSERS).endswith((".", "…"))
        if not (ended or _leads_in(prev, s) or joined or _standfirst(prev, s)):
            break
        start -= 1
    return start


def _pick_title(
    content: list[_Line],
    start: int,
    counts: Counter[str],
    s: dict[str, Any],
    page_url: str | None = None,
) -> _Line | None:
    """The headline: among the free lines above the article, the best-scoring line shaped
    like one (short, not ending like a sentence, not starting lowercase). The page's own
    address (``page_url``) counts as a link on the page: a first line its slug spells is the
    headline even in a block with "Region" and "- 04 May, 2023" below it."""
    slugs = [_slug_words(url) for ln in content for url in _LINK.findall(ln.text)]
    if page_url:
        slugs.append(_slug_words(page_url))
    sizes = Counter(ln.para for ln in content)

    def shaped(ln: _Line) -> bool:  # short, not ending like a sentence, not lowercase
        bare = ln.text.rstrip(_CLOSERS)
        return not (
            ln.reason is not None
            or not s["title_min_words"] <= ln.words <= s["title_max_words"]
            or len(ln.text) > s["title_max_chars"]
            or bare.endswith((".", ",", ":", ";"))
            or not any(c.isalpha() for c in ln.text)
            or ln.lowercase
        )

    # The line above the article, or the first of a run of such lines right above it in
    # one paragraph: a headline with its kicker below it (qa7: Glavcom's «Суд оголосив
    # вирок…» under «Московський суд обрав суворе покарання…» won as the line nearest).
    above = start - 1
    while (
        above > 0
        and content[above - 1].para == content[above].para
        and content[above - 1].words >= 4 <= content[above].words
        and shaped(content[above - 1])
        and shaped(content[above])
        and _shared(content[above - 1], content[start])
        >= max(2, _shared(content[above], content[start]))
    ):
        above -= 1  # a banner or rubric shares fewer words with the first sentence than a headline
    best, best_score = None, s["title_min_score"] - 1
    for ln in content[:start]:
        if not shaped(ln):
            continue
        score = (
            2 * (counts[ln.key] > 1)
            + 2 * _in_slug(ln.text, slugs, s["slug_overlap"])
            + (sizes[ln.para] == 1)
            + (ln.words >= 4)
            + (ln is content[above])
        )
        if score > best_score:
            best, best_score = ln, score
    # The headline is the first copy of a repeated one; the others are its repeats.
    return next((ln for ln in content if best and ln.key == best.key and not ln.reason), best)


def _stems(text: str) -> set[str]:
    """The first five letters of the words of four letters or more: enough to tell that a
    headline and a first sentence speak of the same things across their word endings."""
    return {w.casefold()[:5] for w in _WORD.findall(text) if len(w) >= 4}


def _shared(line: _Line, sentence: _Line) -> int:
    return len(_stems(line.text) & _stems(sentence.text))


def _slug_words(url: str) -> set[str]:
    last = url.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return {w for w in _SLUG_WORD.findall(last.lower().rsplit(".", 1)[0]) if not w.isdigit()}


def _in_slug(text: str, slugs: list[set[str]], share: float) -> bool:
    # "Trump's" is "trumps" in a slug, "U.S." is "us".
    words = [w for w in ("".join(_SLUG_WORD.findall(w.lower())) for w in text.split()) if w]
    need = share * len(words)
    return bool(words) and any(sum(w in slug for w in words) >= need for slug in slugs)


def _mark_repeats(
    content: list[_Line], counts: Counter[str], title: _Line | None, fur: Furniture
) -> None:
    """Pass 4: repeated lines. Short sentences ("Нет.") may recur in speech; a long sentence
    shown twice (a lede also used as a standfirst) keeps its first copy; the rest is layout."""
    s, kept = fur.settings, set()
    for ln in content:
        if ln.reason is not None:
            continue
        if title is not None and ln.key == title.key:
            ln.drop("repeated-line", fur.notes["headline-repeat"])
        elif counts[ln.key] < 2 or (ln.terminal and ln.words <= s["short_repeat_words"]):
            continue
        elif _reporting(ln, s) and ln.key not in kept:
            kept.add(ln.key)
        else:
            ln.drop("repeated-line", fur.reasons["repeated-line"])


def _site_vocabulary(text: str, fur: Furniture) -> str | None:
    """The vocabulary category a line speaks most (users, accounts, privacy), quotes aside."""
    text = _QUOTED.sub(" ", text)
    hits = [(len(regex.findall(text)), code) for code, regex in fur.vocabulary]
    count, code = max(hits, key=lambda h: h[0], default=(0, None))
    return code if count else None


def _mark_regions(lines: list[_Line], fur: Furniture) -> None:
    """Pass 5: below a marker, lines are furniture until reporting resumes, i.e. a sentence
    that is not a bullet and speaks no site vocabulary. That check is what keeps a marker
    misplaced mid-article ("Читайте также") from cutting the rest of the report."""
    s, opener, seen = fur.settings, None, 0
    for ln in lines:
        if ln.opener is not None:
            opener, seen = ln.opener, 0
            continue
        if opener is None:
            continue
        position, seen = seen, seen + 1
        if ln.reason is not None:
            continue
        vocabulary = _site_vocabulary(ln.text, fur)
        if _reporting(ln, s) and not _BULLET.match(ln.text) and vocabulary is None:
            opener = None
            continue
        reason = opener.then[min(position, len(opener.then) - 1)]
        if vocabulary and reason in s["vocabulary_overrides"]:
            reason = vocabulary
        ln.drop(reason, fur.reasons[reason])


def _mark_teasers(lines: list[_Line], fur: Furniture, reach: int = 3) -> None:
    """Pass 5, listings: below the article, a line cut off with an ellipsis that stands at most
    ``reach`` lines under a time stamp with a date is the teaser of another article, and so
    are the free lines between (its headline). ostro.org's "Статті" listed section, date,
    time, headline and teaser, and the teasers («Під час обшуку в Енергоатомі … до рук
    українських...») stayed sentences of a report on Wagner (qa9). A time alone ("17:00") is
    no listing's: a live report's entries carry one."""
    for i, ln in enumerate(lines):
        if ln.reason is not None or not _CUT_OFF.search(ln.text):
            continue
        above = lines[max(i - reach, 0) : i]
        dated = [j for j, up in enumerate(above) if up.reason == "timestamp" and _dated(up.text)]
        if dated:
            for up in [*above[dated[-1] + 1 :], ln]:
                if up.reason is None:
                    up.drop("related-link", fur.notes["teaser"])


def _dated(stamp: str) -> bool:
    """Whether a time stamp gives a day ("12.11.2025", "12 листопада"), not only a time."""
    return bool(re.search(r"\d[./-]\d", stamp)) or any(c.isalpha() for c in stamp)


def _mark_structure(
    content: list[_Line], start: int | None, fur: Furniture, post: bool = False
) -> None:
    """Pass 6: lines no rule has named, judged by their place among the kept prose. In a
    ``post`` nothing lies above an article, and a line of several words counts as prose."""
    s = fur.settings
    begin = 0 if post else len(content) if start is None else start
    prose = [
        i >= begin and ln.reason is None and (_prose(ln, s) or (post and _phrase(ln, s)))
        for i, ln in enumerate(content)
    ]
    runs: list[int] = []  # the length of the run of non-prose lines each line is in
    for is_prose, group in groupby(prose):
        size = len(list(group))
        runs += [0 if is_prose else size] * size
    prose_paras = {ln.para for ln, p in zip(content, prose, strict=True) if p}
    sizes = Counter(ln.para for ln in content)
    last = max((i for i, p in enumerate(prose) if p), default=-1)
    for i, ln in enumerate(content):
        if ln.reason is not None or prose[i]:
            continue
        in_menu = runs[i] >= s["menu_min_lines"]
        menu_item = in_menu and ln.words <= s["menu_max_words"] and not ln.lowercase
        if i < begin or menu_item:
            reason = "navigation" if in_menu else "short-fragment"
        elif ln.para in prose_paras:
            continue  # a short line inside a paragraph of reporting ("Песков ответил:")
        elif i < last and sizes[ln.para] == 1 and ln.words <= s["heading_max_words"]:
            reason = "subheading"
        else:
            reason = "short-fragment"
        ln.drop(reason, fur.reasons[reason])


def _assemble(lines: list[_Line], title: _Line | None) -> CleanedText:
    # A removed line breaks a paragraph, as a blank line does: a caption or menu between two
    # kept lines means they were separate blocks on the page.
    blocks = groupby(lines, key=lambda ln: bool(ln.text) and ln.reason is None)
    paragraphs = ["\n".join(ln.text for ln in block) for kept, block in blocks if kept]
    removed = [RemovedLine(ln.no, ln.text, ln.reason, ln.detail) for ln in lines if ln.reason]
    return CleanedText("\n\n".join(paragraphs), None if title is None else title.text, removed)
