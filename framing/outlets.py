"""The outlet registry (``corpus/outlets.yaml``): lookup by name, domain and text cues.

The registry is data. This module only compiles it into matchers: which outlet a URL
belongs to, which outlet a text names as *itself* (publisher cues such as «Напомним, что
"Комментарии" писали») and which outlets it *cites* («цитирует его "Интерфакс"»).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from framing.errors import FramingError
from framing.settings import corpus_dir

QUOTES = "«»\"„“”'‘’"
QUOTE_CLASS_OPEN = "[«\"„“”'‘]"
QUOTE_CLASS_CLOSE = "[»\"“”'’]"
QUOTE_OPENING = QUOTE_CLASS_OPEN[1:-1]


@dataclass(frozen=True)
class OutletMention:
    """A place in a text where an outlet is named as publisher or as a cited source."""

    outlet: str
    start: int
    end: int
    text: str


def _alias_key(alias: str) -> str:
    return alias.strip(QUOTES + " ").casefold().replace("ё", "е")


def _is_quoted(alias: str) -> bool:
    return alias != alias.strip(QUOTES + " ")


def _alias_regex(alias: str) -> str:
    """A regex for one alias: whole words, any style of quote marks around a quoted form.

    Short all-capital aliases (AP, RT, УП) match case-sensitively: in lower case they are
    ordinary words or syllables.
    """
    bare = alias.strip(QUOTES + " ")
    core = re.escape(bare).replace("ё", "[её]").replace("Ё", "[ЁЕ]")
    core = core.replace(r"\ ", r"\s+")
    if bare.isupper() and len(bare) <= 4:
        core = f"(?-i:{core})"
    if _is_quoted(alias):  # the alias is only distinctive inside quote marks
        return f"{QUOTE_CLASS_OPEN}{core}{QUOTE_CLASS_CLOSE}"
    return rf"(?<!\w){QUOTE_CLASS_OPEN}?{core}{QUOTE_CLASS_CLOSE}?(?!\w)"


def trie_regex(words: list[str]) -> str:
    """One regex matching any of ``words``, as a character trie: Python's ``re`` tries the
    branches of a flat alternation one by one at every position, a trie only once."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if char == "":
                continue
            token = r"\s+" if char == " " else re.escape(char)
            branches.append(token + emit(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie) or "(?!)"


@dataclass(frozen=True)
class OutletCue:
    """A context pattern around an alias, split at ``{alias}`` so the (long) alternation of
    all aliases is compiled once: the alias is found first, then its context is checked."""

    before: re.Pattern[str]
    after: re.Pattern[str]
    fragment: str


# How far before an alias a cue may start ("сообщает российское агентство …").
CUE_WINDOW = 200


def _compile_cues(fragments: list[str], where: str) -> list[OutletCue]:
    cues = []
    for fragment in fragments:
        if fragment.count("{alias}") != 1:
            raise FramingError(f"{where}: fragment {fragment!r} must contain {{alias}} once")
        before, after = fragment.split("{alias}")
        try:
            cues.append(
                OutletCue(re.compile(f"(?:{before})$", re.I), re.compile(after, re.I), fragment)
            )
        except re.error as exc:
            raise FramingError(
                f"{where}: fragment {fragment!r} is not a valid regex: {exc}"
            ) from exc
    return cues


class Registry:
    """Outlets by id, name, alias and domain, plus compiled publisher/citation cues."""

    def __init__(self, data: dict[str, Any], where: str = "outlets.yaml") -> None:
        self.entries: list[dict[str, Any]] = list(data.get("outlets") or [])
        self.by_id = {entry["id"]: entry for entry in self.entries}
        self._by_key: dict[str, str] = {}
        bare_keys: set[str] = set()
        for entry in self.entries:
            for name in (entry["id"], entry["name"], *self.aliases(entry)):
                self._by_key.setdefault(_alias_key(name), entry["id"])
                if not _is_quoted(name):
                    bare_keys.add(_alias_key(name))
        # Keys whose every registered form is quoted: «Комментарии» is an outlet, the bare
        # word комментарии ("comments") is not.
        self._quoted_only = set(self._by_key) - bare_keys
        all_aliases = sorted(
            {a for e in self.entries for a in self.aliases(e)}, key=len, reverse=True
        )
        self._alias_re = re.compile(
            "|".join(_alias_regex(a) for a in all_aliases) or "(?!)", re.IGNORECASE
        )
        # A cheap first look: most texts name no outlet, and the precise alternation above
        # is slow to run over them. Matches a superset of what it matches.
        cores = {a.strip(QUOTES + " ") for a in all_aliases}
        cores |= {c.replace("ё", "е").replace("Ё", "Е") for c in cores}
        trie = trie_regex(sorted(c.lower() for c in cores))
        # Every place an alias's core starts (zero-width, so overlapping ones too): where
        # the alternation can match, at that place or at the quote mark before it.
        self._alias_starts = re.compile(rf"(?=(?<!\w)(?:{trie})(?!\w))", re.I)
        # a dateline identifies the publisher too, so it is among the self-references
        self._datelines = self._cues(data, "dateline", where)
        self._self_ref = self._cues(data, "self_reference", where) + self._datelines
        self._cited = self._cues(data, "cited_as", where)

    def _cues(self, data: dict[str, Any], key: str, where: str) -> list[OutletCue]:
        fragments = list(data.get(f"{key}_common") or [])
        for entry in self.entries:
            fragments.extend(entry.get(key) or [])
        return _compile_cues(fragments, f"{where} ({key})")

    @staticmethod
    def aliases(entry: dict[str, Any]) -> list[str]:
        aliases = entry.get("aliases") or {}
        if isinstance(aliases, list):
            return [str(a) for a in aliases]
        return [str(a) for values in aliases.values() for a in (values or [])]

    def find(self, name: str | None) -> dict[str, Any] | None:
        """The outlet whose id, name or alias is ``name`` (case and quote style ignored;
        an alias registered only in quotes must be quoted)."""
        if not name or not name.strip():
            return None
        key = _alias_key(name)
        if key in self._quoted_only and not _is_quoted(name.strip()):
            return None
        outlet_id = self._by_key.get(key)
        return self.by_id.get(outlet_id) if outlet_id else None

    def by_url(self, url: str | None) -> dict[str, Any] | None:
        """The outlet owning the URL's domain or a parent domain of it."""
        if not url:
            return None
        try:
            host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
        except ValueError:
            return None
        host = host.removeprefix("www.")
        for entry in self.entries:
            for domain in entry.get("domains") or []:
                domain = domain.lower().split("/")[0]
                if host == domain or host.endswith("." + domain):
                    return entry
        return None

    def _mentions(self, cues: list[OutletCue], text: str) -> list[OutletMention]:
        mentions: list[OutletMention] = []
        for alias in self._alias_matches(text):
            outlet = self._by_key.get(_alias_key(alias.group(0)))
            if outlet is None:
                continue
            for cue in cues:
                after = cue.after.match(text, alias.end())
                if after is None:
                    continue
                before = cue.before.search(text, max(0, alias.start() - CUE_WINDOW), alias.start())
                if before is not None:
                    start, end = before.start(), after.end()
                    mentions.append(OutletMention(outlet, start, end, text[start:end]))
                    break
        return mentions

    def _alias_matches(self, text: str) -> Iterator[re.Match[str]]:
        """What ``self._alias_re.finditer(text)`` finds, tried only where an alias's core
        starts (``_alias_starts``) and at a quote mark just before: run over a whole text,
        the alternation of every alias cost a scoring worker 9 % of its time (issue 13,
        thirteenth session)."""
        end = 0
        for start in self._alias_starts.finditer(text):
            core = start.start()
            for pos in (core - 1, core):
                if pos < end or (pos < core and text[pos] not in QUOTE_OPENING):
                    continue
                found = self._alias_re.match(text, pos)
                if found is not None:
                    yield found
                    end = found.end()
                    break

    def self_references(self, text: str) -> list[OutletMention]:
        """Places where the text names its own outlet («Напомним, что "X" писали»)."""
        return self._mentions(self._self_ref, text)

    def datelines(self, text: str) -> list[OutletMention]:
        """The self-references that are the outlet's signature on its report, a dateline
        («МОСКВА, 7 ноя — РИА Новости.», "MOSCOW (Reuters) -", "/TASS/.")."""
        return self._mentions(self._datelines, text)

    def citations(self, text: str) -> list[OutletMention]:
        """Places where the text attributes information to an outlet ("citing Interfax")."""
        return self._mentions(self._cited, text)


UNKNOWN = "Unknown outlet"


def publisher_label(article: dict[str, Any]) -> str:
    """Who published an article, for headings and row labels: the registry's name, else
    the site it came from (most pages are of outlets the registry does not hold, and a
    comparison of three "Unknown outlet" columns cannot be read), else "Unknown outlet".
    A comparison's column names its article itself (``column_label``, set by the web view)."""
    if article.get("column_label"):
        return str(article["column_label"])
    if article.get("outlet_name"):
        return str(article["outlet_name"])
    try:
        host = urlsplit(str(article.get("url") or "")).hostname or ""
    except ValueError:  # a malformed address stored from an upload
        host = ""
    return host.removeprefix("www.") or UNKNOWN


def registry_path() -> Path:
    return corpus_dir() / "outlets.yaml"


@cache
def load_registry(path: Path | None = None) -> Registry:
    """Load and compile the outlet registry (cached: it is read once per process)."""
    path = path or registry_path()
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise FramingError(
            f"Cannot read the outlet registry {path}: {exc.strerror}. "
            "Set FRAMING_CORPUS to the folder holding outlets.yaml."
        ) from exc
    except yaml.YAMLError as exc:
        raise FramingError(f"The outlet registry {path} is not valid YAML: {exc}") from exc
    return Registry(data, str(path))
