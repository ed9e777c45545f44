"""Validate seed_alignment.yaml against the segmenter: python tests/gold/check_gold.py

Each key must lie inside exactly one sentence of its article (10-60 characters), and every
sentence of both articles must be covered exactly once per pair (one link, or only_a/only_b).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from framing.text.segment import split_sentences

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent / "corpus" / "seeds"
LANG = {"000": "ru", "001": "ru", "002": "en", "003": "en"}


def body(seed: str) -> list[str]:
    """The reporting paragraphs of a seed, as the gold file's header describes them."""
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    paras = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    paras = [p for p in paras if p]
    if seed == "001":
        paras = paras[: next(i for i, p in enumerate(paras) if p.startswith("Теги по теме"))]
        skip = ("Беседа Трампа и Путина к инаугурации", "Дмитро Пєсков")
        paras = [p for p in paras if not p.startswith(skip)]
    elif seed == "002":
        paras = paras[2:]
    elif seed == "003":
        start = next(i for i, p in enumerate(paras) if p.startswith("On 14 December, the Elec"))
        end = next(i for i, p in enumerate(paras) if p.startswith("The incumbent President Trump"))
        skip = ("Just in Time", "©", "Democratic 2020 U.S. presidential nominee Joe Biden points")
        paras = [p for p in paras[start : end + 1] if not p.startswith(skip)]
    return paras


def sentences(seed: str) -> list[str]:
    return [s.text for p in body(seed) for s in split_sentences(p, LANG[seed])]


def check(path: Path = HERE / "seed_alignment.yaml") -> list[str]:
    errors: list[str] = []
    units = {seed: sentences(seed) for seed in LANG}
    for pair in yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]:
        name = f"{pair['a']}-{pair['b']}"
        assert all(link["kind"] in ("equivalent", "partial") for link in pair["links"]), name
        for side in "ab":
            keys = [k for link in pair["links"] for k in link[side]] + pair[f"only_{side}"]
            covered: list[int] = []
            for key in keys:
                hits = [i for i, s in enumerate(units[pair[side]]) if key in s]
                if not 10 <= len(key) <= 60 or len(hits) != 1:
                    errors.append(f"{name}: key {key!r} has length {len(key)}, matches {hits}")
                covered += hits
            n = len(units[pair[side]])
            if sorted(covered) != list(range(n)):
                errors.append(f"{name}: side {side} covers {sorted(covered)} of {n}")
        print(
            f"{name}: sentences a={len(units[pair['a']])} b={len(units[pair['b']])} "
            f"links={len(pair['links'])} only_a={len(pair['only_a'])} "
            f"only_b={len(pair['only_b'])}"
        )
    return errors


if __name__ == "__main__":
    problems = check()
    print("\n".join(problems) or "ok")
    sys.exit(1 if problems else 0)
