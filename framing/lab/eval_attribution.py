"""Attribution against a hand-made gold of real reports (``framing eval-attribution``).

The gold (``tests/gold/attribution_gold.yaml``, its header gives the guidelines) says, for
every sentence of some real reports, whom the text gives as the source of its content: a
surname, an outlet, an institution, or ``?unnamed`` for a source it does not name. The
articles are ingested into a scratch store as ``framing score`` ingests them, and
:func:`framing.wording.attribution.sentence_sources` (what the profile, the highlights'
quoting notes and the aligner's reported contents read) is scored per sentence:

- **attributed**: precision, recall and F1 of "this sentence has a source";
- **sources**: precision, recall and F1 over the sources themselves, each gold source
  matched by at most one found source that carries one of its accepted names; a found cue
  naming nobody (an anonymous or generic-media one, or a role no cue names: "the
  spokesperson said" left as "spokesperson") is ``?unnamed``.

A gold sentence records its first words, so a change in segmentation that moves the
sentences is an error naming the article, not a silent mismatch. Never imported at run
time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from framing.errors import FramingError
from framing.lab.eval_alignment import _prf, ingest_named
from framing.wording.attribution import Attribution, SentenceSource

UNNAMED = "?unnamed"
# Kinds whose ``who`` is a description ("sources", «американские СМИ»), not a name.
UNNAMED_KINDS = frozenset({"anonymous", "media_generic"})
# A shorter name inside a longer one matches ("ФСИН" in «управление ФСИН России»), but not
# a fragment too short to mean anything.
MIN_CONTAINED = 4


@dataclass(frozen=True)
class GoldSentence:
    starts: str
    sources: tuple[tuple[str, ...], ...]  # each source: the names accepted for it
    unsure: bool = False


def read_gold(path: Path) -> dict[str, list[GoldSentence]]:
    """The gold's articles, each a list of its sentences in order (every index from 0)."""
    if not path.is_file():
        raise FramingError(f"{path}: no such gold file")
    raw = (yaml.safe_load(path.read_text("utf-8")) or {}).get("articles") or {}
    if not raw:
        raise FramingError(f"{path}: no 'articles' in the gold")
    gold: dict[str, list[GoldSentence]] = {}
    for name, sentences in raw.items():
        indices = sorted(int(k) for k in sentences)
        if indices != list(range(len(indices))):
            raise FramingError(f"{path.name}: article {name} must list sentences 0 to n-1")
        gold[str(name)] = [_gold_sentence(path, name, k, sentences[k]) for k in indices]
    return gold


def _gold_sentence(path: Path, name: str, index: int, entry: dict[str, Any]) -> GoldSentence:
    sources = []
    for source in entry.get("sources") or []:
        names = (source,) if isinstance(source, str) else tuple(source)
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise FramingError(f"{path.name}: article {name} sentence {index}: empty source")
        sources.append(names)
    starts = entry.get("starts")
    if not isinstance(starts, str) or not starts:
        raise FramingError(f"{path.name}: article {name} sentence {index} has no 'starts'")
    return GoldSentence(starts, tuple(sources), bool(entry.get("unsure")))


def found_names(source: SentenceSource) -> list[str]:
    """The sources found for one sentence, one name each (``?unnamed`` when none)."""
    return [
        UNNAMED if a.who is None or a.kind in UNNAMED_KINDS or _role_as_written(a) else a.who
        for a in dict.fromkeys(source.attributions)
    ]


def _role_as_written(a: Attribution) -> bool:
    """A speaker given by a role nobody named («представителя Кремля», "spokesperson"):
    a name is capitalised, an outlet's id is an agency's."""
    return a.kind == "named_speaker" and bool(a.who) and a.who[0].islower()


def same_source(accepted: str, found: str) -> bool:
    """One accepted gold name and one found name: equal ignoring case, or one inside the
    other (a surname in «Дмитрий Песков», an acronym in an institution's whole name)."""
    a, b = accepted.casefold().strip(), found.casefold().strip()
    if a == b:
        return True
    if UNNAMED in (a, b):
        return False
    short, long = sorted((a, b), key=len)
    return len(short) >= MIN_CONTAINED and short in long


def match_sentence(gold: Sequence[tuple[str, ...]], found: Sequence[str]) -> tuple[int, int, int]:
    """True, false and missed sources of one sentence: each gold source takes the first
    unused found name that one of its accepted names matches."""
    unused = list(dict.fromkeys(found))
    true = 0
    for names in gold:
        hit = next((f for f in unused if any(same_source(n, f) for n in names)), None)
        if hit is not None:
            unused.remove(hit)
            true += 1
    return true, len(unused), len(gold) - true


def prf(true: int, false: int, missed: int) -> dict[str, Any]:
    counts = {"tp": true, "fp": false, "fn": missed}
    return {**_prf(counts), **counts}


class _Tally:
    def __init__(self) -> None:
        self.attributed = [0, 0, 0]
        self.sources = [0, 0, 0]
        self.sentences = 0

    def add(self, gold: GoldSentence, found: list[str]) -> None:
        self.sentences += 1
        has_gold, has_found = bool(gold.sources), bool(found)
        self.attributed[0] += has_gold and has_found
        self.attributed[1] += has_found and not has_gold
        self.attributed[2] += has_gold and not has_found
        for k, n in enumerate(match_sentence(gold.sources, found)):
            self.sources[k] += n

    def figures(self) -> dict[str, Any]:
        return {
            "sentences": self.sentences,
            "attributed": prf(*self.attributed),
            "sources": prf(*self.sources),
        }


def evaluate_attribution(folders: Sequence[Path], gold_path: Path) -> dict[str, Any]:
    """Score the attribution rules on the gold's articles (found in ``folders``)."""
    from framing.report import article_text
    from framing.store import open_store
    from framing.wording.attribution import sentence_sources

    gold = read_gold(gold_path)
    overall, by_lang = _Tally(), {}
    errors, unsure = [], 0
    with tempfile.TemporaryDirectory(prefix="framing-attribution-") as scratch:
        with open_store(Path(scratch) / "attribution.db") as store:
            ids = ingest_named(store, folders, gold, gold_path)
            for name, wanted in gold.items():
                article = article_text(store.article(ids[name]))
                _check_segmentation(gold_path, name, wanted, article.sentences)
                lang = str(article.lang)
                sources = sentence_sources(article.sentences, lang)
                for sentence, truth, source in zip(article.sentences, wanted, sources, strict=True):
                    if truth.unsure:
                        unsure += 1
                        continue
                    found = found_names(source)
                    overall.add(truth, found)
                    by_lang.setdefault(lang, _Tally()).add(truth, found)
                    if match_sentence(truth.sources, found)[1:] != (0, 0):
                        errors.append(
                            {
                                "article": name,
                                "sentence": sentence.index,
                                "text": sentence.text,
                                "gold": [list(s) for s in truth.sources],
                                "found": found,
                            }
                        )
    return {
        "articles": len(gold),
        "unsure": unsure,
        **overall.figures(),
        "by_language": {lang: t.figures() for lang, t in sorted(by_lang.items())},
        "errors": errors,
    }


def _check_segmentation(
    gold_path: Path, name: str, wanted: list[GoldSentence], sentences: Sequence[Any]
) -> None:
    """The article is cut into the sentences the gold was annotated on."""
    if len(sentences) != len(wanted):
        raise FramingError(
            f"{gold_path.name}: article {name} now has {len(sentences)} sentences, the gold "
            f"{len(wanted)}: the segmentation changed, annotate the article again"
        )
    for sentence, truth in zip(sentences, wanted, strict=True):
        if not sentence.text.startswith(truth.starts):
            raise FramingError(
                f"{gold_path.name}: article {name} sentence {sentence.index} starts "
                f"{sentence.text[:40]!r}, the gold {truth.starts!r}: the segmentation "
                "changed, annotate the article again"
            )


def as_text(found: dict[str, Any]) -> str:
    def line(label: str, figures: dict[str, Any]) -> str:
        a, s = figures["attributed"], figures["sources"]
        return (
            f"{label}: {figures['sentences']} sentences; attributed P {a['precision']:.3f} "
            f"R {a['recall']:.3f} F1 {a['f1']:.3f}; sources P {s['precision']:.3f} "
            f"R {s['recall']:.3f} F1 {s['f1']:.3f} ({s['tp']} true, {s['fp']} false, "
            f"{s['fn']} missed)"
        )

    lines = [line(f"all ({found['articles']} articles, {found['unsure']} unsure left out)", found)]
    lines += [line(f"  {lang}", figures) for lang, figures in found["by_language"].items()]
    lines.append("disagreements:")
    for e in found["errors"]:
        gold = " + ".join("/".join(names) for names in e["gold"]) or "-"
        lines.append(
            f"  {e['article']}[{e['sentence']}] gold {gold}; found "
            f"{' + '.join(e['found']) or '-'}: {e['text'][:90]}"
        )
    return "\n".join(lines)
