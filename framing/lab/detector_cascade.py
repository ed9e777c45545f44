"""A split-layer cascade for the deep detector, measured before it is built (issue 13).

The deep detector reads every piece of a text (:func:`framing.wording.token_states.pieces`)
through 8 layers of e5-small. A cascade would run layers 1-4 over every piece, keep the
pieces a cheap gate over the layer-4 states finds promising, and run layers 5-8 on those
only. This module measures, on the train split of the annotated sets (never the test fifth)
and on the dev pages, for each gate bar: the share of subword tokens in kept pieces (``f``,
what layers 5-8 would cost) against the share of the deep detector's shown suggestions (the
article bars, :func:`~framing.wording.detector.beyond_lexicon`, as ``framing score`` shows
them) that fall in skipped pieces, and how many shown suggestions change in kept pieces
(the head's document feature, the mean state of all words, then sees the kept words only).

The gate candidates, each a piece's largest word probability:

* ``quick``: the shipped quick head (``detector_quick``, its lexical blend included) read
  over the f32 layer-4 states of the deep graph (it was trained on an int8 graph's);
* ``linear``: the deep detector's hashed word-feature model alone (no states at all).

    python -m framing.lab.detector_cascade --out FILE [--posts N] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from framing.text.morphology import Span

GATE_LAYER = 4
GRID = (0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def _texts(limit: int | None, posts: int) -> list[tuple[str, str, str, str]]:
    """``(group, id, text, lang)`` of the train split of the news sets (read as articles,
    as ``framing score`` reads everything), a fixed subsample of ``posts`` UNLP posts, and
    the dev pages (fresh pages 401-440 and the seeds, never the check pages)."""
    from framing.lab.loaded_data import DEFAULT_DATA, read_sets, subsample
    from framing.lab.suggestion_bars import _dev_articles

    found = []
    for name in ("semeval2023_ru", "semeval2023_en", "ptc2020_en"):
        docs = subsample(read_sets(Path(DEFAULT_DATA), [name], split="train"), limit)
        found += [(name, d.id, d.text, d.lang) for d in docs]
    unlp = subsample(read_sets(Path(DEFAULT_DATA), ["unlp2025"], split="train"), posts)
    found += [("unlp2025", d.id, d.text, d.lang) for d in unlp]
    for pid, article in _dev_articles():
        if article.lang in ("en", "ru", "uk"):
            found.append(("dev_pages", pid, article.text, article.lang))
    return found


def _probs_with_document(
    model: Any,
    text: str,
    lang: str,
    tokens: Sequence[Span],
    states: np.ndarray,
    keep: np.ndarray,
    lexicon: np.ndarray,
    sentence: np.ndarray,
    linear: np.ndarray | None,
) -> np.ndarray:
    """The deep word probabilities when only the words of ``keep`` have layer-8 states: the
    others' rows are zero, the document feature is the kept words' mean, and the skipped
    words' probabilities are 0 (no suggestion there)."""
    from framing.wording.detector import head_inputs

    filled = np.where(keep[:, None], states, 0.0).astype(np.float32)
    inputs = head_inputs(filled, sentence, lexicon, lang, model.languages)
    dim = states.shape[1]
    start = 2 * dim + 2 + len(model.languages)
    mean = filled[keep].mean(axis=0, dtype=np.float32) if keep.any() else np.zeros(dim)
    inputs[:, start : start + dim] = mean
    head = model.probabilities(inputs, sentence)
    probs = model.blend(head, linear, lang) if linear is not None else head
    return np.where(keep, probs, 0.0)


def measure(out: Path, limit: int | None, posts: int) -> None:
    from framing.wording.detector import (
        beyond_lexicon,
        inside,
        load_model,
        spans_from_tokens,
        token_probabilities,
    )
    from framing.wording.lexicon import find_loaded
    from framing.wording.token_states import load_encoder, pieces
    from framing.wording.word_features import sentence_ids

    deep, quick = load_model("deep"), load_model("quick")
    encoder = load_encoder(deep.states_encoder)
    rows = []
    started = time.time()
    texts = _texts(limit, posts)
    for n, (group, rid, text, lang) in enumerate(texts):
        from framing.text.morphology import word_spans

        tokens = word_spans(text)
        parts = pieces(text, tokens)
        if not parts:
            continue
        states = encoder.word_states(text, tokens, [GATE_LAYER, deep.layer])
        l4, l8 = states[0], states[1]
        sizes = [len(e.ids) for e in encoder.tokenizer.encode_batch([text[s:e] for s, e, _, _ in parts])]
        hits = find_loaded(text, lang)
        lex_spans = [(h.start, h.end) for h in hits]
        cut = deep.thresholds[lang]["article"]
        _, full = token_probabilities(text, lang, deep, hits, l8)
        found = spans_from_tokens(text, tokens, full.tolist(), cut.seed, cut.extend, cut.bridge)
        shown = [(s.start, s.end) for s in beyond_lexicon(found, lex_spans, text, lang)]
        _, gate_quick = token_probabilities(text, lang, quick, hits, l4)
        linear = deep.linear_logits(text, lang, tokens, hits) if deep.blend_weight(lang) < 1 else None
        gate_linear = 1 / (1 + np.exp(-linear)) if linear is not None else np.zeros(len(tokens))
        piece_of = np.zeros(len(tokens), dtype=np.int64)
        for k, (_, _, a, b) in enumerate(parts):
            piece_of[a:b] = k
        starts = [t[0] for t in tokens]
        shown_piece = [int(piece_of[int(np.searchsorted(starts, s, "right")) - 1]) for s, _ in shown]
        lexicon = inside(lex_spans, tokens)
        sentence = sentence_ids(text, tokens)
        piece_hits = [bool(lexicon[a:b].any()) for _, _, a, b in parts]
        q = [float(gate_quick[a:b].max()) for _, _, a, b in parts]
        li = [float(gate_linear[a:b].max()) for _, _, a, b in parts]
        # the kept pieces' shown suggestions when the document feature sees kept words only
        changed = {}
        for bar in GRID:
            keep_piece = np.asarray(q) >= bar
            keep = keep_piece[piece_of]
            probs = _probs_with_document(
                deep, text, lang, tokens, l8, keep, lexicon, sentence, linear
            )
            got = spans_from_tokens(text, tokens, probs.tolist(), cut.seed, cut.extend, cut.bridge)
            now = {(s.start, s.end) for s in beyond_lexicon(got, lex_spans, text, lang)}
            kept_shown = {sp for sp, k in zip(shown, shown_piece, strict=True) if keep_piece[k]}
            changed[bar] = (len(kept_shown - now), len(now - kept_shown), len(now))
        rows.append(
            {
                "pooled": np.stack(
                    [np.concatenate([l4[a:b].mean(0), l4[a:b].max(0)]) for _, _, a, b in parts]
                ).astype(np.float16),
                "deep_max": [float(full[a:b].max()) for _, _, a, b in parts],
                "quick_probs": [gate_quick[a:b].astype(np.float16) for _, _, a, b in parts],
                "group": group,
                "id": rid,
                "lang": lang,
                "sizes": sizes,
                "words": [b - a for _, _, a, b in parts],
                "quick": q,
                "linear": li,
                "hits": piece_hits,
                "shown": shown,
                "shown_piece": shown_piece,
                "changed": changed,
            }
        )
        if n % 50 == 0:
            print(f"{n}/{len(texts)} {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    with out.open("wb") as handle:
        pickle.dump(rows, handle)


def table(rows: list[dict[str, Any]], gate: str, bars: Sequence[float]) -> list[dict[str, Any]]:
    """For each bar, per group: f (kept subword tokens), pieces kept, shown suggestions lost
    in skipped pieces, and in kept pieces lost / added by the document feature."""
    out = []
    groups = sorted({r["group"] for r in rows}) + ["all_news", "all"]
    for bar in bars:
        for g in groups:
            if g == "all":
                mine = rows
            elif g == "all_news":
                mine = [r for r in rows if r["group"] not in ("unlp2025", "dev_pages")]
            else:
                mine = [r for r in rows if r["group"] == g]
            tokens = kept_tokens = pieces = kept_pieces = shown = lost = 0
            doc_lost = doc_added = 0
            for r in mine:
                keep = [s >= bar for s in r[gate]]
                tokens += sum(r["sizes"])
                kept_tokens += sum(s for s, k in zip(r["sizes"], keep, strict=True) if k)
                pieces += len(keep)
                kept_pieces += sum(keep)
                shown += len(r["shown"])
                lost += sum(not keep[k] for k in r["shown_piece"])
                if gate == "quick" and bar in r["changed"]:
                    a, b, _ = r["changed"][bar]
                    doc_lost += a
                    doc_added += b
            out.append(
                {
                    "bar": bar,
                    "group": g,
                    "docs": len(mine),
                    "f_tokens": round(kept_tokens / max(tokens, 1), 3),
                    "f_pieces": round(kept_pieces / max(pieces, 1), 3),
                    "shown": shown,
                    "lost_skipped": lost,
                    "lost_share": round(lost / max(shown, 1), 4),
                    "doc_lost": doc_lost,
                    "doc_added": doc_added,
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--report", action="store_true", help="read --out, print the tables")
    args = parser.parse_args()
    if not args.report:
        measure(args.out, args.limit, args.posts)
    rows = pickle.loads(args.out.read_bytes())
    for gate in ("quick", "linear"):
        print(json.dumps({"gate": gate}))
        for row in table(rows, gate, GRID):
            print(json.dumps(row))


if __name__ == "__main__":
    main()
