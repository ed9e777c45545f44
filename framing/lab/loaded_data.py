"""The annotated loaded-language data sets: reading, gold spans, the held-out split, tokens.

The data live outside the repository (``../shared/data/loaded-language`` by default; see its
README) and are never copied in. Four files, read as :class:`Doc` records:

* ``semeval2023_en``, ``semeval2023_ru``, ``ptc2020_en`` (news articles): gold = the spans of
  ``Loaded_Language`` and ``Name_Calling-Labeling`` (PTC: ``Name_Calling,Labeling``). Texts keep
  their ``\\r\\n``; offsets count them, so texts are sliced raw, never normalised.
* ``unlp2025`` (Telegram posts, uk and ru): gold = the manipulative spans (any technique, the
  shared task's definition); ``loaded`` tells whether the post carries ``loaded_language``.

**Split.** A record is *test* when a SHA-256 hash of its id (salted with ``SPLIT_SALT``) falls in
the lowest fifth; everything else is *train*, cut into ``FOLDS`` folds by the same hash for
cross-validation. The split depends on the id only, so the PTC articles, which reuse the ids of
the SemEval-2023 English ones (same articles, re-annotated), land on the same side in both sets.

**Tokens.** Words as the lexicon sees them (``framing.text.morphology.WORD_RE``: letters and digits,
inner apostrophes; hyphens and punctuation split). A token is positive when it overlaps a span.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError
from framing.settings import packaged_yaml
from framing.text.morphology import Span

# ``../shared/data/loaded-language`` relative to the repository root.
_SETS_FILE = packaged_yaml("loaded_sets.yaml")
DEFAULT_DATA = (Path(__file__).resolve().parents[2] / _SETS_FILE["default_folder"]).resolve()
SETS: dict[str, str] = dict(_SETS_FILE["sets"])
NEWS_SETS = tuple(_SETS_FILE["news_sets"])
LOADED_TECHNIQUES = frozenset({"Loaded_Language", "Name_Calling-Labeling", "Name_Calling,Labeling"})
UNLP_LOADED = "loaded_language"
SPLIT_SALT = "framing-loaded-v1"
TEST_SHARE = 0.2
FOLDS = 5


class DataError(FramingError):
    """An annotated data file is missing or malformed."""


@dataclass(frozen=True)
class Doc:
    """One annotated text; ``gold`` are character spans into ``text`` (end exclusive)."""

    id: str
    set_name: str
    lang: str
    text: str
    gold: tuple[Span, ...]
    loaded: bool = True  # UNLP: the post is labelled loaded_language; news: always True
    manipulative: bool = True


def split_unit(record_id: str) -> float:
    """A number in [0, 1) fixed by ``record_id``: the basis of the split and the folds."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_test(record_id: str) -> bool:
    """Whether the record belongs to the held-out test fifth (by a hash of its id)."""
    return split_unit(record_id) < TEST_SHARE


def fold_of(record_id: str) -> int:
    """The cross-validation fold (0 … FOLDS-1) of a train record; -1 for a test record."""
    unit = split_unit(record_id)
    if unit < TEST_SHARE:
        return -1
    return min(FOLDS - 1, int((unit - TEST_SHARE) / (1 - TEST_SHARE) * FOLDS))


def _path(data_dir: Path, set_name: str) -> Path:
    if set_name not in SETS:
        raise DataError(f"Unknown data set {set_name!r}; use one of {sorted(SETS)}.")
    path = Path(data_dir) / SETS[set_name]
    if not path.is_file():
        raise DataError(
            f"{path} not found. Pass --data with the folder holding {SETS[set_name]} "
            f"(default: {DEFAULT_DATA})."
        )
    return path


def _records(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: not valid JSON ({exc.msg}).") from exc
            if not isinstance(record, dict) or not {"id", "lang", "text", "spans"} <= set(record):
                raise DataError(f"{path}:{number}: expected id, lang, text and spans fields.")
            yield record


def _spans(path: Path, record: dict, pairs: list[tuple[int, int]]) -> tuple[Span, ...]:
    """Valid spans, clipped to the text: 11 UNLP spans end a few characters past their post
    (emoji counted differently by the annotation tool); a span left empty is dropped."""
    spans = []
    for start, end in pairs:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise DataError(f"{path}: record {record['id']}: bad span [{start}, {end}].")
        end = min(end, len(record["text"]))
        if start < end:
            spans.append((start, end))
    return tuple(sorted(spans))


def read_set(data_dir: Path, set_name: str) -> list[Doc]:
    """All records of one data set, with the gold spans this project scores against."""
    path = _path(data_dir, set_name)
    docs = []
    for record in _records(path):
        text = record["text"]
        if set_name == "unlp2025":
            gold = _spans(path, record, record["spans"])
            techniques = record.get("techniques") or []
            loaded = UNLP_LOADED in techniques
            manipulative = bool(record.get("manipulative", bool(gold)))
        else:
            pairs = [(s["start"], s["end"]) for s in record["spans"]]
            wanted = [s["technique"] in LOADED_TECHNIQUES for s in record["spans"]]
            gold = _spans(path, record, [p for p, keep in zip(pairs, wanted, strict=True) if keep])
            loaded = manipulative = True
        docs.append(
            Doc(str(record["id"]), set_name, record["lang"], text, gold, loaded, manipulative)
        )
    return docs


def read_sets(data_dir: Path, sets: Sequence[str], split: str = "all") -> list[Doc]:
    """Records of ``sets``; ``split`` is ``all``, ``train`` or ``test`` (see ``is_test``)."""
    if split not in {"all", "train", "test"}:
        raise DataError(f"Unknown split {split!r}; use all, train or test.")
    docs = [doc for name in sets for doc in read_set(data_dir, name)]
    if split == "all":
        return docs
    return [doc for doc in docs if is_test(doc.id) == (split == "test")]


def subsample(docs: list[Doc], limit: int | None) -> list[Doc]:
    """At most ``limit`` records, the same ones on every run (lowest hash of the id)."""
    if not limit or len(docs) <= limit:
        return docs
    return sorted(docs, key=lambda doc: split_unit(f"sample:{doc.id}"))[:limit]


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Spans sharing at least one character joined into one, in order (touching ones stay
    apart, as in the SemEval-2020 Task 11 scorer)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def token_labels(tokens: Sequence[Span], spans: Sequence[Span]) -> list[bool]:
    """For each token, whether it overlaps one of ``spans`` by at least one character."""
    merged = merge_spans(spans)
    labels, j = [], 0
    for start, end in tokens:
        while j < len(merged) and merged[j][1] <= start:
            j += 1
        labels.append(j < len(merged) and merged[j][0] < end)
    return labels
