"""Mine and check loaded-wording lexicon entries against span-annotated corpora.

The corpora are not part of the repository; pass their folder (default
``../shared/data/loaded-language``, see that folder's README). Two commands::

    framing lexicon-mining candidates --lang ru --ngram 2 --min-count 5
    framing lexicon-mining check --lang en

``candidates`` lemmatises every text with the matcher's own lemmatiser and prints, for each
lemma (or lemma pair), how often it occurs and how often inside a gold span of the loaded
techniques: ``rate`` = inside / total is a precision estimate, ``lift`` compares it with the
share of all words that are inside such spans; rows are ranked by the lower end of the
rate's 95% Wilson interval, so a lemma seen 40 times at 0.8 outranks one seen twice at 1.0.
``check`` runs the curated lexicon over the same texts and prints each entry's matches and
how many of them overlap a gold span: the figures quoted in the entries' ``source`` fields.
Output is tab-separated, on stdout.

Spans: SemEval-2023 and PTC count only ``--techniques`` (default Loaded_Language,
Name_Calling-Labeling and Doubt); UNLP 2025 marks manipulative fragments of any technique.
Offsets count ``\\r\\n``, so texts are sliced exactly as stored.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from framing.lab.loaded_data import is_test
from framing.text.morphology import Tokens, entry_key, normalise
from framing.wording.lexicon import SCARE_QUOTES, Lexicon, load_lexicon

DEFAULT_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling", "Name_Calling,Labeling", "Doubt")
FILES = {
    "ru": (("semeval2023_ru.jsonl", "SemEval-2023 ru"), ("unlp2025_uk_ru.jsonl", "UNLP-2025 ru")),
    "uk": (("unlp2025_uk_ru.jsonl", "UNLP-2025 uk"),),
    "en": (("semeval2023_en.jsonl", "SemEval-2023 en"), ("ptc2020_en.jsonl", "PTC-2020 en")),
}

SCARE_KEY = "<scare quotes>"
Doc = tuple[str, str, list[tuple[int, int]]]


def documents(
    data: Path, lang: str, techniques: tuple[str, ...], split: str = "all"
) -> Iterator[Doc]:
    """(dataset label, text, gold spans) for every record of ``lang``; ``split="train"``
    leaves out the held-out test fifth (:func:`framing.lab.loaded_data.is_test`), so that
    entries mined here are measured honestly by ``framing eval-loaded``.

    PTC-2020 articles that SemEval-2023 also holds (the same ids, 263 of 303) are read once,
    from the first file: a record is skipped when its whitespace-normalised opening was seen.
    """
    seen: set[str] = set()
    for name, label in FILES[lang]:
        path = data / name
        if not path.exists():
            raise SystemExit(f"{path} not found: pass the data folder with --data.")
        with path.open(encoding="utf-8", newline="") as lines:
            for line in lines:
                record = json.loads(line)
                opening = " ".join(record["text"].split())[:150]
                if record.get("lang") != lang or opening in seen:
                    continue
                if split == "train" and is_test(str(record["id"])):
                    continue
                seen.add(opening)
                spans: list[tuple[int, int]] = []
                for span in record.get("spans") or []:
                    if isinstance(span, list):
                        spans.append((span[0], span[1]))
                    elif span["technique"] in techniques:
                        spans.append((span["start"], span["end"]))
                yield label, record["text"], spans


def _mask(text: str, spans: list[tuple[int, int]]) -> bytearray:
    mask = bytearray(len(text) + 1)
    for start, end in spans:
        end = min(end, len(text))
        if 0 <= start < end:
            mask[start:end] = b"\x01" * (end - start)
    return mask


@lru_cache(maxsize=300_000)
def canonical(lang: str, word: str) -> str:
    """One lemma per word, for counting (the matcher itself keeps every possible lemma)."""
    if lang == "en":
        import simplemma

        return simplemma.lemmatize(word, lang="en").casefold()
    return entry_key(lang, word)


@dataclass
class Counts:
    """Occurrences per lemma (or lemma sequence), inside gold spans, and per data set."""

    total: Counter[str] = field(default_factory=Counter)
    inside: Counter[str] = field(default_factory=Counter)
    by_set: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    words: int = 0
    words_inside: int = 0

    def add(self, key: str, label: str, inside: bool) -> None:
        self.total[key] += 1
        self.inside[key] += inside
        self.by_set[key][label] += 1

    def sets(self, key: str) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.by_set[key].items()))


def candidates(docs: Iterator[Doc], lang: str, ngram: int) -> Counts:
    counts = Counts()
    for label, text, spans in docs:
        mask = _mask(text, spans)
        tokens = Tokens.of(text, lang)
        offsets = list(zip(tokens.starts, tokens.ends, strict=True))
        lemmas = [canonical(lang, normalise(text[s:e])) for s, e in offsets]
        flags = [any(mask[s:e]) for s, e in offsets]
        counts.words += len(flags)
        counts.words_inside += sum(flags)
        for i in range(len(lemmas) - ngram + 1):
            if all(tokens.glued[i : i + ngram - 1]):
                key = " ".join(lemmas[i : i + ngram])
                counts.add(key, label, all(flags[i : i + ngram]))
    return counts


def wilson_lower(hits: int, total: int, z: float = 1.96) -> float:
    """The lower end of the 95% Wilson interval of hits/total: ranks rare lemmas fairly."""
    rate = hits / total
    centre = rate + z * z / (2 * total)
    margin = z * math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    return (centre - margin) / (1 + z * z / total)


def print_candidates(
    data: Path,
    lang: str,
    techniques: tuple[str, ...],
    split: str,
    ngram: int,
    min_count: int,
    top: int,
) -> None:
    """The candidate lemmas of ``lang`` as tab-separated rows on stdout, best first."""
    counts = candidates(documents(data, lang, techniques, split), lang, ngram)
    base = counts.words_inside / max(1, counts.words)
    print(f"# {counts.words} words, {base:.1%} inside gold spans", file=sys.stderr)
    rows = []
    for key, total in counts.total.items():
        if total >= min_count:
            rate = counts.inside[key] / total
            rows.append(
                (wilson_lower(counts.inside[key], total), key, total, counts.inside[key], rate)
            )
    print("lemma\ttotal\tinside\trate\tlift\tby_dataset")
    for _, key, total, inside, rate in sorted(rows, reverse=True)[:top]:
        print(f"{key}\t{total}\t{inside}\t{rate:.2f}\t{rate / base:.1f}\t{counts.sets(key)}")


def check(docs: Iterator[Doc], lexicon: Lexicon) -> Counts:
    """Each entry's matches (keyed by pattern; scare quotes as "<scare quotes>")."""
    counts = Counts()
    for label, text, spans in docs:
        mask = _mask(text, spans)
        for hit in lexicon.find(text):
            key = SCARE_KEY if hit.category == SCARE_QUOTES else hit.lemma
            counts.add(key, label, any(mask[hit.start : hit.end]))
    return counts


def print_check(data: Path, lang: str, techniques: tuple[str, ...], split: str) -> None:
    """Each lexicon entry of ``lang`` with its matches, tab-separated rows on stdout."""
    lexicon = load_lexicon(lang)
    counts = check(documents(data, lang, techniques, split), lexicon)
    print("pattern\tcategory\ttotal\tinside\tby_dataset")
    rows = [(e.pattern, e.category) for e in lexicon.entries]
    rows += [(p.entry.pattern, p.entry.category) for p in lexicon.prefixes]
    rows += [(SCARE_KEY, SCARE_QUOTES)]
    for key, category in rows:
        total, inside = counts.total[key], counts.inside[key]
        print(f"{key}\t{category}\t{total}\t{inside}\t{counts.sets(key)}")
