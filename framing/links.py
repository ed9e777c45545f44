"""A reader's corrections of sentence links, and the claim matrix they produce.

The aligner misses paraphrases and sometimes pairs the wrong sentences; a teacher who sees
it confirms, rejects or adds a link between two sentences. Those verdicts are stored
(:meth:`framing.store.Store.add_correction`) and laid over every comparison on reading: the
matrix, the handout, the JSON and ``framing compare`` all show the corrected links. The
aligner's cached result is never changed, so undoing a correction brings its answer back.

A sentence is keyed by its article, its character span and a hash of its text, so a
correction survives a change of the segmenter (which renumbers sentences but leaves the
article's text, and id, as they were).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from framing.alignment.align import DisjointSets
from framing.alignment.event_figures import event_profiles, shared_provenance
from framing.errors import FramingError, NotFound
from framing.store import CORRECTION_FIELDS, Store

# What a reader can say about two sentences; "confirmed" and "added" both mean linked.
VERDICTS = ("confirmed", "rejected", "added")
LINKED = {"confirmed", "added"}
# A link of the aligner with no tier (before tiers existed) counts as a confident one.
DEFAULT_TIER = "same statement"
POSSIBLE_TIER = "possible counterpart"
CONFIRMED_TIER = "confirmed by a reader"
# Links that make a statement shared; a possible counterpart waits for a reader.
CONFIDENT_TIERS = frozenset({DEFAULT_TIER, CONFIRMED_TIER})


def text_hash(text: str) -> str:
    """A sentence's text, whitespace and case folded, hashed (the key that survives
    re-segmentation when the span moves)."""
    folded = " ".join(text.split()).casefold()
    return hashlib.sha256(folded.encode()).hexdigest()[:16]


def sentence_key(article: dict[str, Any], index: int, side: str) -> dict[str, Any]:
    """The columns ``{side}_article, {side}_start, …`` keying sentence ``index``."""
    sentences = article["sentences"]
    if not 0 <= index < len(sentences):
        raise FramingError(
            f"Field '{side}_sentence': article {article['id'][:8]} has sentences 0 to "
            f"{len(sentences) - 1}, not {index}."
        )
    sentence = sentences[index]
    return {
        f"{side}_article": article["id"],
        f"{side}_start": sentence["start"],
        f"{side}_end": sentence["end"],
        f"{side}_hash": text_hash(sentence["text"]),
        f"{side}_text": sentence["text"],
    }


def record_correction(
    store: Store,
    a: tuple[str, int],
    b: tuple[str, int],
    verdict: str,
    event_id: str | None = None,
) -> dict[str, Any]:
    """Store a reader's verdict on sentences ``a`` and ``b`` (``(article id, index)``
    each) and return the stored correction."""
    if verdict not in VERDICTS:
        raise FramingError(f"Field 'verdict': {verdict!r} is not one of {', '.join(VERDICTS)}.")
    first, second = (
        named_article(store, a[0], "a_article"),
        named_article(store, b[0], "b_article"),
    )
    if first["id"] == second["id"]:
        raise FramingError("Field 'b_article': a link joins sentences of two different articles.")
    keys = sentence_key(first, a[1], "a"), sentence_key(second, b[1], "b")  # checked as sent
    # One order per pair of articles, so the later verdict on a pair replaces the earlier.
    if first["id"] > second["id"]:
        keys = _as_side(keys[1], "a"), _as_side(keys[0], "b")
    record = {**keys[0], **keys[1], "verdict": verdict, "event_id": event_id}
    return store.add_correction(record)


def named_article(store: Store, given: str, field: str) -> dict[str, Any]:
    """The stored article ``given``, or an error naming the request's field: an unknown id was
    "No article with id 'zzz'. List them with: framing articles" (a 404 naming neither the
    field nor a way a script can list them; QA, session 19)."""
    try:
        return store.article(given)
    except NotFound as exc:
        reason = exc.reason
        raise FramingError(
            f"Field '{field}': {reason[:1].lower()}{reason[1:]} (GET /api/articles lists them)."
        ) from exc


def _as_side(key: dict[str, Any], side: str) -> dict[str, Any]:
    """A sentence key's columns renamed to ``side`` ("a_start" -> "b_start")."""
    return {side + name[1:]: value for name, value in key.items()}


def resolve(article: dict[str, Any], start: int, end: int, digest: str) -> int | None:
    """The index of the sentence a stored key names in ``article`` as segmented now: the
    sentence with the same text (the nearest one if it repeats), else the one overlapping
    the stored span most; None when nothing overlaps."""
    same = [s for s in article["sentences"] if text_hash(s["text"]) == digest]
    if same:
        return int(min(same, key=lambda s: abs(s["start"] - start))["index"])
    best, overlap = None, 0
    for sentence in article["sentences"]:
        shared = min(end, sentence["end"]) - max(start, sentence["start"])
        if shared > overlap:
            best, overlap = sentence["index"], shared
    return best


def resolved_corrections(
    articles: list[dict[str, Any]], corrections: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The corrections that apply to ``articles``, each with its sentence indices now
    (``a_sentence``, ``b_sentence``); the later of two verdicts on one pair wins."""
    by_id = {a["id"]: a for a in articles}
    latest: dict[tuple[str, int, str, int], dict[str, Any]] = {}
    for correction in sorted(corrections, key=lambda c: c["id"]):
        first, second = by_id.get(correction["a_article"]), by_id.get(correction["b_article"])
        if first is None or second is None:
            continue
        i = resolve(first, correction["a_start"], correction["a_end"], correction["a_hash"])
        j = resolve(second, correction["b_start"], correction["b_end"], correction["b_hash"])
        if i is None or j is None:
            continue
        key = (first["id"], i, second["id"], j)
        latest.pop(key, None)  # re-inserted last: dict order is the order they apply in
        latest[key] = {**correction, "a_sentence": i, "b_sentence": j}
    return list(latest.values())


def apply_corrections(
    result: dict[str, Any],
    corrections: list[dict[str, Any]],
    text_of: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """``result`` (the contract of :func:`framing.compare.compare`) with the readers'
    corrections laid over the aligner's links, the claim matrix rebuilt in reading order,
    and what hangs on links (insertions, quotes, figures) brought in line.

    Every link gets a ``tier`` ("same statement", "possible counterpart" or "confirmed by a
    reader") and ``corrections`` (the ids of the verdicts on it); the result lists the
    ``corrections`` applied. ``text_of``: an article's clean text by id, which the figures
    (``profiles``) are recounted from when a correction applies (the editorial cues are read
    over the whole text, as the highlights read them); needed only for a result with figures.
    """
    applied = resolved_corrections(result["articles"], corrections)
    if not applied:
        # The aligner's own matrix, only reordered: renumber the rows the figures point at
        # rather than recompute them (editorial cues cost most of a cached page's time).
        return _reordered({**result, "corrections": []})
    pairs = [_corrected_pair(pair, applied) for pair in result["pairs"]]
    corrected = {**result, "pairs": pairs, "corrections": applied}
    corrected["claims"] = reading_order(_claims(result["articles"], pairs))
    linked = {
        (pair[side], index, pair[other])
        for pair in pairs
        for link in pair["links"]
        for side, other in (("a", "b"), ("b", "a"))
        for index in link[side]
    }
    corrected["insertions"] = [
        i for i in result["insertions"] if (i["article"], i["sentence"], i["against"]) in linked
    ]
    corrected["quotes"] = [
        q
        for q in result["quotes"]
        if (q["a"]["article"], q["a"]["sentence"], q["b"]["article"]) in linked
    ]
    if "profiles" in result:
        if text_of is None:
            raise ValueError("apply_corrections needs text_of to recount a result's profiles")
        cited = {
            article_id: [{"outlet": o} for o in profile.get("provenance", [])]
            for article_id, profile in result["profiles"].items()
        }
        corrected["profiles"] = event_profiles(corrected, cited, text_of)
        corrected["shared_sources"] = shared_provenance(corrected["profiles"])
    return corrected


def _reordered(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with its claims in :func:`reading_order` and the figures' row numbers
    (``omission_share`` evidence) following them."""
    claims = reading_order(result["claims"])
    position = {id(claim): n for n, claim in enumerate(claims)}
    moved = {old: position[id(claim)] for old, claim in enumerate(result["claims"])}
    profiles = {
        article_id: {
            **profile,
            "omission_share": {
                **profile["omission_share"],
                "evidence": sorted(moved[n] for n in profile["omission_share"]["evidence"]),
            },
        }
        if "omission_share" in profile
        else profile
        for article_id, profile in result.get("profiles", {}).items()
    }
    return {**result, "claims": claims, **({"profiles": profiles} if profiles else {})}


def _corrected_pair(pair: dict[str, Any], applied: list[dict[str, Any]]) -> dict[str, Any]:
    """One pair's links with the verdicts on it applied. A confident link is taken as the
    set of sentence pairs it joins; a possible counterpart stays one pair of its own tier.
    Rejected pairs are removed from either; confirmed and added ones become confident
    ("confirmed by a reader"); the confident links are re-formed as connected groups."""
    confident: dict[tuple[int, int], dict[str, Any]] = {}
    possible: dict[tuple[int, int], dict[str, Any]] = {}
    for link in pair["links"]:
        tier = link.get("tier", DEFAULT_TIER)
        into = confident if tier in CONFIDENT_TIERS else possible
        for i in link["a"]:
            for j in link["b"]:
                into[(i, j)] = {
                    "score": link["score"],
                    "kind": link["kind"],
                    "tier": tier,
                    "corrections": list(link.get("corrections", [])),
                }
    for correction in applied:
        if correction["a_article"] == pair["a"] and correction["b_article"] == pair["b"]:
            edge = (correction["a_sentence"], correction["b_sentence"])
        elif correction["a_article"] == pair["b"] and correction["b_article"] == pair["a"]:
            edge = (correction["b_sentence"], correction["a_sentence"])
        else:
            continue
        was = possible.pop(edge, None) or confident.pop(edge, None)
        if correction["verdict"] in LINKED:
            found = was or {"score": None, "kind": "equivalent", "corrections": []}
            found["tier"] = CONFIRMED_TIER
            found["corrections"].append(correction["id"])
            confident[edge] = found
    sets = DisjointSets()
    for i, j in confident:
        sets.union(("a", i), ("b", j))
    groups: dict[Any, list[tuple[int, int]]] = {}
    for edge in confident:
        groups.setdefault(sets.find(("a", edge[0])), []).append(edge)
    links = [_link(members, confident) for members in groups.values()]
    links += [_link([edge], possible) for edge in possible]
    links.sort(key=lambda link: (link["a"][0], link["b"][0], link["tier"]))
    in_a = {i for link in links for i in link["a"]}
    in_b = {j for link in links for j in link["b"]}
    every_a = set(pair["only_a"]) | {i for link in pair["links"] for i in link["a"]}
    every_b = set(pair["only_b"]) | {j for link in pair["links"] for j in link["b"]}
    return {
        **pair,
        "links": links,
        "only_a": sorted(every_a - in_a),
        "only_b": sorted(every_b - in_b),
    }


def _link(members: list[tuple[int, int]], edges: dict[tuple[int, int], dict]) -> dict[str, Any]:
    infos = [edges[edge] for edge in members]
    scores = [info["score"] for info in infos if info["score"] is not None]
    tiers = [info["tier"] for info in infos]
    if CONFIRMED_TIER in tiers:
        tier = CONFIRMED_TIER
    elif DEFAULT_TIER in tiers:
        tier = DEFAULT_TIER
    else:
        tier = tiers[0]
    return {
        "a": sorted({i for i, _ in members}),
        "b": sorted({j for _, j in members}),
        "score": max(scores) if scores else None,
        "kind": "equivalent" if any(i["kind"] == "equivalent" for i in infos) else "partial",
        "tier": tier,
        "corrections": sorted({n for info in infos for n in info["corrections"]}),
    }


def _claims(articles: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> list[dict]:
    """The claim matrix over the corrected links, by the aligner's own rule (confident
    links make rows; possible counterparts only where :func:`claim_matrix` lets them)."""
    from framing.compare import claim_matrix  # compare imports the aligner stack

    shapes = [SimpleNamespace(id=a["id"], sentences=a["sentences"]) for a in articles]

    def shape(link: dict[str, Any]) -> SimpleNamespace:
        return SimpleNamespace(a=link["a"], b=link["b"], score=link["score"] or 0.0)

    alignments = {
        (pair["a"], pair["b"]): SimpleNamespace(
            links=[shape(x) for x in pair["links"] if x["tier"] in CONFIDENT_TIERS],
            candidates=[shape(x) for x in pair["links"] if x["tier"] not in CONFIDENT_TIERS],
        )
        for pair in pairs
    }
    return claim_matrix(shapes, alignments)  # type: ignore[arg-type]


def reading_order(claims: list[dict[str, list[int]]]) -> list[dict[str, list[int]]]:
    """Claims reordered so that one outlet's consecutive sentences found nowhere else stay
    on adjacent rows: an aside («Напомним, что …») and the sentence it introduces are not
    split by another outlet's row that merely sorts between them."""
    pending = list(claims)
    ordered: list[dict[str, list[int]]] = []
    while pending:
        row = pending.pop(0)
        ordered.append(row)
        if len(row) != 1:
            continue
        [(article_id, indices)] = row.items()
        following = max(indices) + 1
        for position, later in enumerate(pending):
            if article_id not in later:
                if len(later) > 1:
                    break  # a shared row between them is where the matrix needs it
                continue
            if len(later) == 1 and min(later[article_id]) == following and position:
                pending.insert(0, pending.pop(position))
            break
    return ordered


def row_status(row_links: list[dict[str, Any]]) -> str:
    """How sure a shared row is: "confirmed" (a reader confirmed or added a link in it),
    "possible" (the aligner marked every link in it only a possible counterpart) or
    "aligned" (the aligner is confident)."""
    tiers = {link.get("tier", DEFAULT_TIER) for link in row_links}
    if CONFIRMED_TIER in tiers:
        return "confirmed"
    if tiers and tiers <= {POSSIBLE_TIER}:
        return "possible"
    return "aligned"


# --- export and import ----------------------------------------------------------------


def export_corrections(store: Store) -> list[dict[str, Any]]:
    """Every stored correction as a plain record (the import format)."""
    return [{name: c[name] for name in CORRECTION_FIELDS} for c in store.corrections()]


def import_corrections(store: Store, records: Any, source: str) -> dict[str, int]:
    """Add exported corrections to ``store``; identical ones already there are skipped.
    Every record is checked first: one bad record refuses the whole file, naming it."""
    if not isinstance(records, list):
        raise FramingError(f"{source}: expected a JSON list of corrections.")
    # numbered from 1, as a reader counts them (and as JSON Lines lines are numbered)
    checked = [_checked(record, f"{source}: correction {n}") for n, record in enumerate(records, 1)]
    counts = {"added": 0, "unchanged": 0}
    for record in checked:
        if store.has_correction(record):
            counts["unchanged"] += 1
        else:
            store.add_correction(record)
            counts["added"] += 1
    return counts


def _checked(record: Any, label: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise FramingError(f"{label}: expected an object with the fields of an export.")
    kinds = {"start": int, "end": int, "article": str, "hash": str, "text": str}
    names = {int: "an integer", str: "a string"}
    for side in ("a", "b"):
        for name, kind in kinds.items():
            value = record.get(f"{side}_{name}")
            if not isinstance(value, kind) or isinstance(value, bool):
                raise FramingError(f"{label}: field '{side}_{name}' must be {names[kind]}.")
    if record.get("verdict") not in VERDICTS:
        raise FramingError(f"{label}: field 'verdict' must be one of {', '.join(VERDICTS)}.")
    for name in ("event_id", "created_at"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise FramingError(f"{label}: field '{name}' must be a string or null.")
    return {name: record.get(name) for name in CORRECTION_FIELDS}


def gold_pairs(store: Store) -> dict[tuple[str, str], dict[str, set[tuple[int, int]]]]:
    """Readers' verdicts as gold for ``eval-alignment --gold-from-db``: per pair of articles
    (ids in order), the sentence pairs they ``linked`` (confirmed or added) and those they
    ``rejected``; the later verdict on a pair wins. Pairs nobody judged are in neither."""
    corrections = store.corrections()
    ids = sorted({c[k] for c in corrections for k in ("a_article", "b_article")})
    articles = [store.article(i) for i in ids]
    gold: dict[tuple[str, str], dict[str, set[tuple[int, int]]]] = {}
    for correction in resolved_corrections(articles, corrections):
        key = (correction["a_article"], correction["b_article"])
        side = "linked" if correction["verdict"] in LINKED else "rejected"
        found = gold.setdefault(key, {"linked": set(), "rejected": set()})
        found[side].add((correction["a_sentence"], correction["b_sentence"]))
    return gold
