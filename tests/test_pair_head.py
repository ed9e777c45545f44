"""The lab's pair-scorer pilot (issue 12): its pieces, and that the head can learn at all
(so its negative result on the gold is about the data and the states, not a broken head)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from framing.lab.pair_head import auc, candidate_pool, coverage, synthetic_pairs


def test_auc_counts_wins_and_ties() -> None:
    labels = np.array([1, 1, 0, 0])
    assert auc(np.array([3.0, 2.0, 1.0, 0.0]), labels) == 1.0
    assert auc(np.array([0.0, 1.0, 2.0, 3.0]), labels) == 0.0
    assert auc(np.array([1.0, 1.0, 1.0, 1.0]), labels) == 0.5
    assert np.isnan(auc(np.array([1.0, 2.0]), np.array([1, 1])))


def test_candidate_pool_takes_each_rows_and_columns_best() -> None:
    scores = np.array([[5.0, 1.0, 0.0], [4.0, 0.0, 3.0]])
    assert candidate_pool(scores, [1], [], 1) == {(1, 0)}
    assert candidate_pool(scores, [], [2], 1) == {(1, 2)}
    assert candidate_pool(scores, [0], [1], 2) == {(0, 0), (0, 1), (1, 1)}


def test_coverage_is_one_for_a_sentence_inside_the_other() -> None:
    rng = np.random.default_rng(0)
    whole = rng.normal(size=(6, 8))
    assert coverage(whole[:3], whole) == 1.0
    assert coverage(whole, rng.normal(size=(6, 8))) < 0.9


def test_synthetic_pairs_label_translations_and_negatives(tmp_path: Path) -> None:
    english = [
        "The minister was in Kyiv on Monday for talks.",
        "Prices rose by five percent in the last month alone.",
        "The company will open two new factories next year.",
    ]
    russian = [
        "Министр был в Киеве в понедельник на переговорах.",
        "Цены выросли на пять процентов только за последний месяц.",
        "Компания откроет два новых завода в следующем году.",
    ]
    path = tmp_path / "ntrex.jsonl"
    rows = [
        {"id": "d", "index_in_doc": k, "en": e, "ru": r, "uk": r}
        for k, (e, r) in enumerate(zip(english, russian, strict=True))
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    pairs = synthetic_pairs(path, documents=1, seed=3)
    assert pairs
    for source, target, label, kind in pairs:
        k = russian.index(source)
        if kind == "translation":
            assert (target, label) == (english[k], 1)
        elif kind == "same document":
            assert target != english[k] and label == 0
        elif kind == "negated":
            assert " not " in target and label == 0
        else:
            assert label == 1 and kind in {"clause", "merged", "wrapped"}


def test_head_learns_a_separable_task() -> None:
    """Positives: b is a noisy copy of a's tokens (shuffled); negatives: unrelated tokens."""
    from framing.lab.pair_head_model import predict, train

    rng = np.random.default_rng(1)

    def example(label: int) -> tuple[np.ndarray, np.ndarray, int, float]:
        a = rng.normal(size=(int(rng.integers(4, 9)), 384)).astype(np.float32)
        if label:
            b = rng.permutation(a) + 0.3 * rng.normal(size=a.shape).astype(np.float32)
        else:
            b = rng.normal(size=(int(rng.integers(4, 9)), 384)).astype(np.float32)
        return a, b, label, 1.0

    examples = [example(k % 2) for k in range(256)]
    model = train(examples, seed=0, epochs=4)
    test = [example(k % 2) for k in range(64)]
    scores = predict(model, [(a, b) for a, b, _, _ in test])
    assert auc(scores, np.array([y for *_, y, _ in test])) > 0.9


def test_paraphrase_examples_draw_labelled_msrp_pairs(tmp_path: Path) -> None:
    from framing.lab.pair_head import paraphrase_examples

    path = tmp_path / "msr.txt"
    rows = ["Quality\t#1 ID\t#2 ID\t#1 String\t#2 String"]
    rows += [f"{k % 2}\t{k}\t{k + 100}\tSentence {k} one.\tSentence {k} two." for k in range(10)]
    path.write_text("\n".join(rows), "utf-8")
    drawn = paraphrase_examples(path, 4, seed=0)
    assert len(drawn) == 4 and {kind for *_, kind in drawn} == {"msrp"}
    for a, b, label, _ in drawn:
        k = int(a.split()[1])
        assert b == f"Sentence {k} two." and label == k % 2
    assert paraphrase_examples(path, 4, seed=0) == drawn
