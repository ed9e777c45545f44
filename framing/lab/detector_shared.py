"""The deep detector on word states read from the comparison's sentence pass (lab only).

Compare-your-own runs e5-small twice over each article: the sentence pass of the comparison
(each splitter sentence behind the ``"query: "`` prompt, the fp32 graph, layer 8 kept for the
phrase insertions) and the detector's own 8-layer pass over the text cut into pieces
(:func:`framing.wording.token_states.pieces`, no prompt). This module scores the held-out
test fifth of the annotated sets (the records and measures of ``framing eval-loaded``) with
the word states taken three ways, so the head's figures on each can be set side by side:

- ``own``: the detector's own pass, as shipped (what ``framing eval-loaded`` scores);
- ``sentence``: the comparison's sentence pass (:func:`sentence_word_states` over the
  embedder's :meth:`encode_states`), what compare-your-own would read;
- ``prompted``: the detector's own graph over the same inputs as ``sentence`` (splitter
  sentences behind the prompt), what batch scoring would read to show the same highlights.

It also reports the cosine of each word's state against ``own``. Never imported at run time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.lab.eval_loaded import _score
from framing.lab.loaded_data import NEWS_SETS, SETS, Doc, read_sets, subsample
from framing.text.morphology import word_spans
from framing.text.segment import split_sentences
from framing.wording.detector import beyond_lexicon, detect_loaded, load_model
from framing.wording.lexicon import find_loaded
from framing.wording.token_states import load_encoder, sentence_word_states

WAYS = ("own", "sentence", "prompted")
PROMPT = "query: "


def own_states(doc: Doc) -> np.ndarray:
    model = load_model("deep")
    tokens = word_spans(doc.text)
    return load_encoder(model.states_encoder).word_states(doc.text, tokens, [model.layer])[0]


def sentence_states(docs: Sequence[Doc], embedder: Any) -> list[np.ndarray | None]:
    """Each record's word states from the embedder's sentence pass (one batched call)."""
    layer = load_model("deep").layer
    spans = [[(s.start, s.end) for s in split_sentences(d.text, d.lang)] for d in docs]
    texts = [d.text[a:b] for d, found in zip(docs, spans, strict=True) for a, b in found]
    passes = embedder.encode_states(texts, (layer,))
    out, k = [], 0
    for doc, found in zip(docs, spans, strict=True):
        mine = passes[k : k + len(found)]
        k += len(found)
        got = sentence_word_states(word_spans(doc.text), found, mine, [layer])
        out.append(None if got is None else got[0])
    return out


def prompted_states(docs: Sequence[Doc]) -> list[np.ndarray | None]:
    """Each record's word states from the detector's own graph over its splitter sentences
    behind the prompt (the inputs of :func:`sentence_states`, the detector's runtime)."""
    model = load_model("deep")
    encoder = load_encoder({**model.states_encoder, "sentence_prompt": PROMPT})
    out = []
    for doc in docs:
        spans = [(s.start, s.end) for s in split_sentences(doc.text, doc.lang)]
        got = encoder.sentence_states(doc.text, word_spans(doc.text), spans, [model.layer])
        out.append(None if got is None else got[0])
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    return (a * b).sum(axis=1) / np.maximum(na * nb, 1e-12)


def _row(
    set_name: str, lang: str, docs: list[Doc], states: list[np.ndarray | None]
) -> dict[str, Any]:
    measure = "token" if set_name not in NEWS_SETS else "span"
    kind = "article" if set_name in NEWS_SETS else "post"
    found = [
        detect_loaded(d.text, lang, kind=kind, states=s) for d, s in zip(docs, states, strict=True)
    ]
    lexicon = [[(h.start, h.end) for h in find_loaded(d.text, lang)] for d in docs]
    shown_as = lang if kind == "article" else None
    union = [
        sorted([*a, *[(s.start, s.end) for s in beyond_lexicon(f, a, d.text, shown_as)]])
        for a, f, d in zip(lexicon, found, docs, strict=True)
    ]
    spans = [sorted((s.start, s.end) for s in f) for f in found]
    return {
        "detector": _score(measure, docs, [[(s.start, s.end) for s in f] for f in found]),
        "union": _score(measure, docs, union),
        "spans": spans,
    }


def evaluate(
    data_dir: Path,
    embedder: Any,
    sets: Sequence[str] = tuple(SETS),
    limit: int | None = None,
    ways: Sequence[str] = WAYS,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Per set and language: detector and union figures with each way's states, the records
    whose sentence states could not cover every word (they fall back to the own pass), the
    cosine of each word's state against the own pass, and how many suggestions differ."""
    rows = []
    for name in sets:
        docs = read_sets(Path(data_dir), [name], split="test")
        for lang in sorted({d.lang for d in docs}):
            mine = subsample([d for d in docs if d.lang == lang], limit)
            started = time.perf_counter()
            own = [own_states(d) for d in mine]
            got: dict[str, list[np.ndarray | None]] = {"own": list(own)}
            if "sentence" in ways:
                got["sentence"] = sentence_states(mine, embedder)
            if "prompted" in ways:
                got["prompted"] = prompted_states(mine)
            row: dict[str, Any] = {"set": name, "lang": lang, "records": len(mine)}
            base = _row(name, lang, mine, got["own"])
            for way, states in got.items():
                scored = base if way == "own" else _row(name, lang, mine, states)
                fallback = sum(s is None for s in states)
                pairs = [(o, s) for o, s in zip(own, states, strict=True) if s is not None]
                cos = np.concatenate([_cosines(o, s) for o, s in pairs]) if pairs else np.zeros(0)
                differ = sum(a != b for a, b in zip(base["spans"], scored["spans"], strict=True))
                row[way] = {
                    "detector": scored["detector"],
                    "union": scored["union"],
                    "fallback_records": fallback,
                    "cosine_mean": round(float(cos.mean()), 4) if len(cos) else None,
                    "cosine_p05": round(float(np.percentile(cos, 5)), 4) if len(cos) else None,
                    "cosine_min": round(float(cos.min()), 4) if len(cos) else None,
                    "records_with_other_suggestions": differ,
                    "suggestions": sum(len(s) for s in scored["spans"]),
                }
            if "sentence" in got and "prompted" in got:
                pairs = [
                    (a, b)
                    for a, b in zip(got["sentence"], got["prompted"], strict=True)
                    if a is not None and b is not None
                ]
                if pairs:
                    cos = np.concatenate([_cosines(a, b) for a, b in pairs])
                    row["sentence_vs_prompted_cosine_min"] = round(float(cos.min()), 6)
            row["seconds"] = round(time.perf_counter() - started, 1)
            progress(f"{name} {lang} {len(mine)} records {row['seconds']} s")
            rows.append(row)
    return {"limit_per_set_and_language": limit, "results": rows}


def same_highlights(paths: Sequence[Path], store_path: Path) -> dict[str, Any]:
    """``framing score``'s highlights of each page of ``paths`` against those a comparison of
    it shows (pages compared two by two in the order given, as compare-your-own compares
    them): the articles whose highlights differ, the highlights only one side shows, and
    how many differ in confidence alone."""
    from framing.ingest import IngestOptions, ingest
    from framing.report import comparison_report
    from framing.scoring import HIGHLIGHT_FIELDS, score_one
    from framing.store import open_store
    from framing.text.readers import read_file

    raws = [raw for path in paths for raw in read_file(path, 10_000_000)]
    scored = [score_one(raw, IngestOptions()) for raw in raws]  # type: ignore[arg-type]
    shown: dict[str, list[dict[str, Any]]] = {}
    with open_store(store_path) as store:
        ids = [r.article_id for r in ingest(raws, store)]
        for k in range(0, len(ids) - 1, 2):
            report = comparison_report(store, [str(ids[k]), str(ids[k + 1])])
            for i, found in report["analysis"].items():
                shown[i] = [{f: h.get(f) for f in HIGHLIGHT_FIELDS} for h in found["highlights"]]
    differ, only, confidence, total = [], 0, 0, 0
    for path, i, record in zip(paths, ids, scored, strict=True):
        if i not in shown:
            continue
        want, got = record["highlights"], shown[i]
        total += len(want)
        key = lambda h: (h["start"], h["end"], h["source"], h["category"])  # noqa: E731
        a, b = {key(h) for h in want}, {key(h) for h in got}
        only += len(a ^ b)
        confidence += sum(
            1 for h in want for g in got if key(h) == key(g) and h["confidence"] != g["confidence"]
        )
        if want != got:
            differ.append(Path(path).name)
    return {
        "articles": len(shown),
        "highlights": total,
        "articles_differing": differ,
        "highlights_on_one_side_only": only,
        "highlights_differing_in_confidence": confidence,
    }


def main(argv: Sequence[str] | None = None) -> None:
    import argparse
    import json
    import sys

    from framing.alignment.embedder import LazyEmbedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/loaded-language"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--ways", nargs="*", default=list(WAYS))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--same-highlights",
        nargs="*",
        type=Path,
        default=None,
        help="pages to score and compare two by two (instead of the evaluation)",
    )
    args = parser.parse_args(argv)
    if args.same_highlights is not None:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            found = same_highlights(args.same_highlights, Path(folder) / "s.db")
        print(json.dumps(found, indent=1, ensure_ascii=False))
        return
    report = evaluate(
        args.data,
        LazyEmbedder(),
        args.sets,
        args.limit,
        args.ways,
        lambda line: print(line, file=sys.stderr, flush=True),
    )
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")
    for row in report["results"]:
        cells = []
        for way in WAYS:
            if way in row:
                r = row[way]
                cells.append(
                    f"{way}: det F{r['detector']['f1']:.3f} P{r['detector']['precision']:.3f}"
                    f" uni F{r['union']['f1']:.3f} P{r['union']['precision']:.3f}"
                    f" cos {r['cosine_mean']} p05 {r['cosine_p05']} fb {r['fallback_records']}"
                    f" diff {r['records_with_other_suggestions']}"
                )
        print(row["set"], row["lang"], row["records"], " | ".join(cells))


if __name__ == "__main__":
    main()
