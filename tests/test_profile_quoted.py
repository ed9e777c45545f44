"""The framing profile counts a loaded word inside a speaker's quotation (a partial quotation
too) as quoted, not as the outlet's own loaded wording (issue 13, session 19)."""

from __future__ import annotations

from framing.text.segment import split_sentences
from framing.wording.profile import ArticleText, highlights, profile

# tests/gold/real_articles/102 (m24-like): the speaker's «выдумкой» in a partial quotation,
# then the outlet's own «якобы»
TEXT = (
    "Пресс-секретарь президента назвал публикацию в американском издании «чистой выдумкой» "
    "и ложной информацией. Сообщения о якобы состоявшемся разговоре появились в воскресенье."
)


def test_a_quoted_loaded_word_is_counted_as_quoted_not_as_the_outlets() -> None:
    article = ArticleText(TEXT, split_sentences(TEXT, "ru"), "ru")
    found = highlights(article, with_model=False)
    figures = profile(article, found)
    quoted = [found[n]["text"] for n in figures["quoted_loaded_per_100_words"]["evidence"]]
    own = [found[n]["text"] for n in figures["loaded_total_per_100_words"]["evidence"]]
    assert quoted == ["чистой выдумкой"]  # the noun with its modifier, inside the quotation
    assert own == ["якобы"]
    assert [found[n]["text"] for n in figures["hedges_per_100_words"]["evidence"]] == ["якобы"]
    words = figures["words"]
    assert figures["quoted_loaded_per_100_words"]["value"] == round(100 / words, 2)
    by_category = figures["loaded_per_100_words"]
    assert "delegitimising_qualifier" not in by_category or all(
        found[n]["text"] != "выдумкой" for n in by_category["delegitimising_qualifier"]["evidence"]
    )
