"""The lab's paraphrase-trained adapter (issue 12, session 18): its readers, that it can
learn at all (so a negative result on the gold is about the data, not a broken trainer), and
that its term enters the candidate score only through ``adapter_weight``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from framing.alignment.pair_scores import combine
from framing.lab.alignment_pivot import with_adapter
from framing.lab.paraphrase_adapter import (
    Adapter,
    ntrex_pairs,
    pair_auc,
    read_msrp,
    read_paraphraser,
    split,
    train_adapter,
)

MSRP = (
    "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
    '1\t1\t2\tAmrozi accused his brother, whom he called "the witness", of lying.\t'
    'Referring to him as "the witness", Amrozi accused his brother of lying.\n'
    "0\t3\t4\tYucaipa owned Dominick's before selling the chain.\tYucaipa bought it in 1995.\n"
    "x\tbroken line\n"
)

PARAPHRASER = """<data><corpus>
<paraphrase><value name="id">1</value><value name="text_1">Приставы соберут отпечатки.</value>
<value name="text_2">Приставы снимут отпечатки.</value><value name="class">1</value></paraphrase>
<paraphrase><value name="id">2</value><value name="text_1">ЦИК хочет отказаться.</value>
<value name="text_2">ЦИК может отказаться.</value><value name="class">0</value></paraphrase>
<paraphrase><value name="id">3</value><value name="text_1">Страны ОПЕК сократили добычу.</value>
<value name="text_2">Обама продлил полномочия НАСА.</value>
<value name="class">-1</value></paraphrase>
</corpus></data>"""


def test_read_msrp_takes_labelled_rows(tmp_path: Path) -> None:
    path = tmp_path / "msr.txt"
    path.write_text(MSRP, "utf-8")
    pairs = read_msrp(path)
    assert [p[4] for p in pairs] == [1, 0]
    assert pairs[0][0].startswith("Amrozi") and pairs[0][1] == pairs[0][3] == "en"
    assert pairs[1][2] == "Yucaipa bought it in 1995."


def test_read_paraphraser_counts_near_as_positive_or_leaves_it_out(tmp_path: Path) -> None:
    path = tmp_path / "paraphrases.xml"
    path.write_text(PARAPHRASER, "utf-8")
    assert [p[4] for p in read_paraphraser(path)] == [1, 1, 0]
    assert [p[4] for p in read_paraphraser(path, near=False)] == [1, 0]
    assert read_paraphraser(path)[0][1] == "ru"


def test_ntrex_pairs_give_both_translations(tmp_path: Path) -> None:
    path = tmp_path / "ntrex.jsonl"
    rows = [
        {
            "en": "The minister was in Kyiv on Monday.",
            "ru": "Министр был в Киеве.",
            "uk": "Міністр",
        },
        {"en": "Too short.", "ru": "Коротко.", "uk": "Коротко."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    pairs = ntrex_pairs(path, 5)
    assert [(p[1], p[3], p[4]) for p in pairs] == [("ru", "en", 1), ("uk", "en", 1)]


def test_split_keeps_a_sentence_on_one_side() -> None:
    pairs = [(f"s{k % 7}", "en", f"t{k}", "en", k % 2) for k in range(40)]
    rest, held = split(pairs, 0.3, 0)
    assert held and rest
    assert not {p[0] for p in held} & {p[0] for p in rest}
    assert not {p[2] for p in held} & {p[2] for p in rest}


def test_the_adapter_learns_a_hidden_paraphrase_direction() -> None:
    # Positives differ from their anchor along noise directions, negatives along a "claim"
    # direction the plain cosine weighs as little as the noise: the adapter must learn to
    # weigh the claim direction up (AUC of the plain cosine near chance).
    rng = np.random.default_rng(0)
    dim, n = 16, 600
    base = rng.normal(size=(n, dim))
    claim = np.zeros(dim)
    claim[0] = 1.0
    noise = rng.normal(size=(n, dim)) * 0.6
    noise[:, 0] = 0.0
    labels = (np.arange(n) % 2).astype(np.int64)
    other = base + np.where(labels[:, None] == 1, noise, rng.normal(size=(n, 1)) * 1.5 * claim)
    left = (base / np.linalg.norm(base, axis=1, keepdims=True)).astype(np.float32)
    right = (other / np.linalg.norm(other, axis=1, keepdims=True)).astype(np.float32)
    train, test = slice(0, 400), slice(400, n)
    adapter = train_adapter(
        left[train], right[train], labels[train], epochs=30, identity_pull=0.01, lr=1e-2
    )
    before = pair_auc(None, left[test], right[test], labels[test])
    after = pair_auc(adapter, left[test], right[test], labels[test])
    assert after > before + 0.25, (before, after)  # 0.154 -> 0.548


def test_the_identity_adapter_keeps_cosines() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 8)), rng.normal(size=(4, 8))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    assert np.allclose(Adapter(np.eye(8, dtype=np.float32)).scores(a, b), a @ b.T)


def test_the_adapter_term_counts_only_with_its_weight() -> None:
    rng = np.random.default_rng(2)
    z, words, adapter = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    plain = combine(z, z, words, token_weight=1.0)
    assert np.allclose(with_adapter(plain, adapter, {"adapter_weight": 0.0}), plain)
    lifted = with_adapter(plain, adapter, {"adapter_weight": 1.0})
    standard = (adapter - adapter.mean()) / adapter.std()
    assert np.allclose(lifted - plain, standard)
