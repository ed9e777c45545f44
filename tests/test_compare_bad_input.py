"""`compare` on awkward input: one sentence, another language, a 2,000-sentence article."""

from __future__ import annotations

from pathlib import Path

from framing.compare import compare
from framing.ingest import ingest
from framing.store import open_store
from framing.text.readers import RawInput

from .conftest import need_shared

PAIRS = Path(__file__).resolve().parents[2] / "shared" / "data" / "parallel"


def add(store, text: str, source: str, **fields) -> str:
    [result] = ingest([RawInput(source=source, text=text, fields=fields)], store)
    assert result.status in ("added", "unchanged"), result
    return str(result.article_id)


def test_one_sentence_article(seed_copy: Path, seed_ids: dict[str, str], model) -> None:
    with open_store(seed_copy) as store:
        one = add(store, "No work is currently underway to organize a meeting, Peskov said.", "one")
        result = compare(store, [one, seed_ids["001"]], model)
    pair = result["pairs"][0]
    assert len(result["articles"][0]["sentences"]) == 1
    # The one sentence shows at most its best one or two counterparts (issue 12); under the
    # session-12 settings both are candidates: «…в Москве не ведутся никакие
    # подготовительные действия для организации встречи…» (the guard reads different
    # people named) and «Однако вопрос о встрече пока не обсуждается.»
    assert len(pair["links"]) <= 2 and len(pair["only_b"]) >= 15
    # every sentence of both is in exactly one claim row
    cells = [(a, i) for claim in result["claims"] for a, ids in claim.items() for i in ids]
    assert len(cells) == len(set(cells)) == 1 + len(result["articles"][1]["sentences"])


def test_unsupported_language_is_still_aligned(seed_copy: Path, seed_ids: dict[str, str], model):
    german = (
        "Kremlsprecher Dmitri Peskow sagte, es werde derzeit nicht an einem Treffen zwischen "
        "Putin und Trump gearbeitet. Jedes Treffen der Präsidenten müsse gut vorbereitet sein. "
        "Auf die Frage nach Kontakten zum Wahlkampfteam antwortete er: Nein, warum auch? "
        "Russische Vertreter hätten keine Kontakte mit Trumps Wahlkampfteam gehabt, sagte "
        "Peskow am Donnerstag. Ein Gespräch zwischen Putin und Trump vor dessen Amtseinführung "
        "sei nicht ausgeschlossen, so Peskow."
    )
    with open_store(seed_copy) as store:
        de = add(store, german, "de.txt")
        result = compare(store, [de, seed_ids["002"]], model)
    assert result["articles"][0]["lang"] == "de"
    assert result["pairs"][0]["links"], "the multilingual model aligns German too"
    assert result["profiles"][de]["editorial_insertions"]["value"] == 0  # no rules for de


def test_two_thousand_sentence_article(seed_copy: Path, seed_ids: dict[str, str], model) -> None:
    need_shared(PAIRS)
    sentences = []
    for name in ("tatoeba_rus-eng.tsv", "tatoeba_ukr-eng.tsv"):
        sentences += [line.split("\t")[0] for line in (PAIRS / name).read_text().splitlines()]
    text = "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))
    with open_store(seed_copy) as store:
        long = add(store, text, "long.txt", lang="ru")
        result = compare(store, [long, seed_ids["002"]], model)
    assert len(result["articles"][0]["sentences"]) >= 1900
    pair = result["pairs"][0]
    linked = {i for link in pair["links"] for i in link["a"]}
    assert len(linked) + len(pair["only_a"]) == len(result["articles"][0]["sentences"])


def test_short_texts_align_when_the_user_says_same_event(seed_copy: Path, model) -> None:
    texts = [
        "В Кремле пока не обсуждают возможную встречу Путина с избранным президентом США. "
        "Российские представители не связывались с командой Трампа, сообщил Песков.",
        "Moscow has no plans yet for a summit with the president-elect, Kremlin spokesman "
        "Dmitry Peskov told reporters. He said Russian officials had not been in touch with "
        "Trump's campaign.",
    ]
    with open_store(seed_copy) as store:
        ids = [add(store, text, f"short{n}") for n, text in enumerate(texts)]
        judged = compare(store, ids, model, phrases=False)
        told = compare(store, ids, model, phrases=False, same_event=True)
    # Two-sentence reports that both claims link are one event without the user's word:
    # min_shared_claims scales with the shorter article (a fifth of it, at least 2).
    assert judged["pairs"][0]["same_event"] is True
    assert told["pairs"][0]["same_event"] is True
    # the paraphrased lede (z ≈ 6.4) links under the same-event bar
    assert [link["a"] for link in told["pairs"][0]["links"]] == [[0], [1]]
    assert judged["pairs"][0]["links"] == told["pairs"][0]["links"]
