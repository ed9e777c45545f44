"""Within ``shared_passes`` a second call of a word-state encoder over the same pieces reads
the first one's pass: the states must be those of a pass of its own, bit for bit, and the
encoder must run once. Comparing articles ran the int8 encoder over each article's sentences
for the word score (layer 3) and again for the detector's highlights (layer 4); since the
detector reads its own graph (``states_encoder``: 8 layers through OpenVINO), the word
score's int8 graph runs its 3 layers only and the detector never reads it."""

from __future__ import annotations

import numpy as np
import pytest

from framing.alignment.pair_scores import pair_score_settings, sentence_words
from framing.ingest import ingest
from framing.report import comparison_report
from framing.store import open_store
from framing.text.morphology import word_spans
from framing.text.readers import RawInput
from framing.wording.detector import load_model, token_probabilities
from framing.wording.token_states import load_encoder, shared_passes

SENTENCES = [
    "Песков заявил, что Кремль не исключает контактов с Трампом до инаугурации.",
    "«Никаких планов нет», — сказал он журналистам, отвечая на вопрос о Байдене.",
    "По его словам, т. е. по словам пресс-секретаря, решение примет президент.",
    "Кремль назвал заявления Вашингтона провокацией.",
]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The token ids of each run of the encoder."""
    runner = load_encoder(load_model().encoder).runner
    seen: list[bytes] = []
    original = runner.run

    def counted(ids: np.ndarray, mask: np.ndarray, layers: list[int] | None = None) -> np.ndarray:
        seen.append(ids.tobytes() + str(ids.shape).encode())
        return original(ids, mask, layers)

    monkeypatch.setattr(runner, "run", counted)
    return seen


def test_a_second_word_score_reads_the_first_ones_pass(runs: list[bytes]) -> None:
    text = " ".join(SENTENCES)
    alone_words = sentence_words(SENTENCES)
    alone_runs = len(runs)
    alone_tokens, alone_probs = token_probabilities(text, "ru")
    assert len(runs) == alone_runs  # the detector reads another graph
    runs.clear()
    with shared_passes():
        words = sentence_words(SENTENCES)
        again = sentence_words(SENTENCES)
        tokens, probs = token_probabilities(text, "ru")
    assert len(runs) == alone_runs  # the second word score read the first one's pass
    for got, second, want in zip(words, again, alone_words, strict=True):
        assert np.array_equal(got, want) and np.array_equal(second, want)
    assert tokens == alone_tokens and np.array_equal(probs, alone_probs)


def test_the_word_score_graph_runs_only_the_layers_it_reads() -> None:
    """The word score reads layer 3; the detector reads another graph, so the word score's
    int8 graph holds 3 layers (a shared pass runs every layer of its graph)."""
    model = load_model()
    assert model.states_encoder != model.encoder
    assert load_encoder(model.encoder).layers == pair_score_settings()["layer"]


def test_other_pieces_or_no_block_run_again(runs: list[bytes]) -> None:
    with shared_passes():
        sentence_words(SENTENCES)
        first = len(runs)
        sentence_words(SENTENCES[:2])  # other pieces: a pass of their own
        assert len(runs) > first
        again = len(runs)
        sentence_words(SENTENCES[:2])
        assert len(runs) == again
    sentence_words(SENTENCES)  # the block is over: nothing is kept
    assert len(runs) > again


def test_a_comparison_encodes_each_article_once(
    runs: list[bytes], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framing.alignment import pair_scores

    scored: list[int] = []
    original = pair_scores.sentence_words

    def counted(sentences: list[str]) -> list[np.ndarray]:
        scored.append(len(sentences))
        return original(sentences)

    monkeypatch.setattr(pair_scores, "sentence_words", counted)
    english = (
        "Peskov said the Kremlin does not rule out contacts with Trump before the "
        "inauguration. The weather in Lisbon was mild on Sunday. A new bridge opened in "
        "Porto after four years of work. Fishermen complained about the price of diesel."
    )
    with open_store(tmp_path / "s.db") as store:
        found = ingest(
            [RawInput("ru.txt", " ".join(SENTENCES)), RawInput("en.txt", english)], store
        )
        report = comparison_report(store, [r.article_id for r in found], same_event=True)
    assert len(scored) == 2 and report["analysis"]  # the word score ran, then the detector
    assert runs and len(runs) == len(set(runs))  # no batch ran twice


def test_a_shared_pass_keeps_every_layer() -> None:
    encoder = load_encoder(load_model().encoder)
    text = " ".join(SENTENCES)
    tokens = word_spans(text)
    layers = list(range(1, encoder.layers + 1))
    alone = [encoder.word_states(text, tokens, [layer])[0] for layer in layers]
    with shared_passes():
        together = encoder.word_states(text, tokens, layers)
        each = [encoder.word_states(text, tokens, [layer])[0] for layer in layers]
    for k in range(len(layers)):
        assert np.array_equal(together[k], alone[k])
        assert np.array_equal(each[k], alone[k])
