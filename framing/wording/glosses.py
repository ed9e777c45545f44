"""English glosses of the lexicons' neutral alternatives (``corpus/lexicons/neutral_en.yaml``),
so a class reading English understands «(убрать; назвать предмет прямо)»."""

from __future__ import annotations

from functools import cache

import yaml

from framing.settings import corpus_dir


@cache
def _glosses() -> dict[str, dict[str, str]]:
    path = corpus_dir() / "lexicons" / "neutral_en.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return {
        str(lang): {str(k): str(v) for k, v in (table or {}).items()}
        for lang, table in data.items()
    }


def neutral_gloss(lang: str | None, neutral: str | None) -> str | None:
    """The English gloss of a neutral alternative in ``lang``; None for English, for an
    empty alternative, or when the data has none."""
    if not neutral or not lang or lang == "en":
        return None
    return _glosses().get(lang, {}).get(neutral.strip())
