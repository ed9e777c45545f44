"""The outlet registry (``corpus/outlets.yaml``): lookup by name, domain and text cues.

The registry is data. This module only compiles it into matchers: which outlet a URL
belongs to, which outlet a text names as *itself* (publisher cues such as «Напомним, что
"Комментарии" писали») and which outlets it *cites* («цитирует его "Интерфакс"»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .errors import FramingError
from .settings import corpus_dir

QUOTES = "«»\"„“”'‘’"
QUOTE_CLASS_OPEN = "[«\"„“”'‘]"
QUOTE_CLASS_CLOSE = "[»\"“”'’]"


@dataclass(frozen=True)
class OutletMention:
    """A place in a text where an outlet is named as publisher or as a cited source."""

    outlet: str
    start: int
    end: int
    text: str


def _alias_key(alias: str) -> str:
    return alias.strip(QUOTES + " ").casefold().replace("ё", "е")


def _alias_regex(alias: str) -> str:
    """A regex for one alias: whole words, any style of quote marks around a quoted form."""
    bare = alias.strip(QUOTES + " ")
    core = re.escape(bare).replace("ё", "[её]").replace("Ё", "[ЁЕ]")
    core = core.replace(r"\ ", r"\s+")
    if alias != bare:  # the alias is only distinctive inside quote marks
        return f"{QUOTE_CLASS_OPEN}{core}{QUOTE_CLASS_CLOSE}"
    return rf"(?<!\w){QUOTE_CLASS_OPEN}?{core}{QUOTE_CLASS_CLOSE}?(?!\w)"


class Registry:
    """Outlets by id, name, alias and domain, plus compiled publisher/citation cues."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.entries: list[dict[str, Any]] = list(data.get("outlets") or [])
        self.by_id = {entry["id"]: entry for entry in self.entries}
        self._by_key: dict[str, str] = {}
        for entry in self.entries:
            self._by_key[_alias_key(entry["id"])] = entry["id"]
            self._by_key[_alias_key(entry["name"])] = entry["id"]
            for alias in self.aliases(entry):
                self._by_key.setdefault(_alias_key(alias), entry["id"])
        all_aliases = sorted(
            {a for e in self.entries for a in self.aliases(e)}, key=len, reverse=True
        )
        alternation = "|".join(_alias_regex(a) for a in all_aliases) or "(?!)"
        self._self_ref = self._compile(
            data.get("self_reference_common"), "self_reference", alternation
        )
        self._cited = self._compile(data.get("cited_as_common"), "cited_as", alternation)

    @staticmethod
    def aliases(entry: dict[str, Any]) -> list[str]:
        aliases = entry.get("aliases") or {}
        if isinstance(aliases, list):
            return [str(a) for a in aliases]
        return [str(a) for values in aliases.values() for a in (values or [])]

    def _compile(self, common: list[str] | None, key: str, alternation: str) -> re.Pattern[str]:
        fragments = list(common or [])
        for entry in self.entries:
            fragments.extend(entry.get(key) or [])
        alias_group = f"(?P<alias>{alternation})"
        parts = [f"(?:{f.replace('{alias}', alias_group, 1)})" for f in fragments]
        # Every fragment names the group once; rename to keep the alternation valid.
        numbered = [p.replace("(?P<alias>", f"(?P<alias{i}>", 1) for i, p in enumerate(parts)]
        return re.compile("|".join(numbered) or "(?!)", re.IGNORECASE)

    def find(self, name: str | None) -> dict[str, Any] | None:
        """The outlet whose id, name or alias is ``name`` (case and quotes ignored)."""
        if not name:
            return None
        outlet_id = self._by_key.get(_alias_key(name))
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

    def _mentions(self, pattern: re.Pattern[str], text: str) -> list[OutletMention]:
        mentions = []
        for match in pattern.finditer(text):
            for group, value in match.groupdict().items():
                if value and group.startswith("alias"):
                    outlet = self._by_key.get(_alias_key(value))
                    if outlet:
                        mentions.append(
                            OutletMention(outlet, match.start(), match.end(), match.group(0))
                        )
                    break
        return mentions

    def self_references(self, text: str) -> list[OutletMention]:
        """Places where the text names its own outlet («Напомним, что "X" писали»)."""
        return self._mentions(self._self_ref, text)

    def citations(self, text: str) -> list[OutletMention]:
        """Places where the text attributes information to an outlet ("citing Interfax")."""
        return self._mentions(self._cited, text)


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
    return Registry(data)
