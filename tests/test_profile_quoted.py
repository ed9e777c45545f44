"""The framing profile counts a loaded word inside a speaker's quotation (a partial quotation
too) as quoted, not as the outlet's own loaded wording (issue 13, session 19)."""

from __future__ import annotations

import pytest

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


def _shown(text: str, lang: str) -> dict[str, str]:
    """Each lexicon highlight's text and whether it carries the quoting note."""
    article = ArticleText(text, split_sentences(text, lang), lang)
    found = highlights(article, with_model=False)
    return {h["text"]: h["note"] for h in found} | {h["matched"]["text"]: h["note"] for h in found}


@pytest.mark.parametrize(
    ("lang", "text", "word"),
    [
        # 360.ru (qa7): a trailing «об этом сообщил X»
        ("ru", "Часть видео оказались фейком — об этом сообщил советник главы Крыма Олег "
         "Крючков.", "фейком"),
        ("uk", "Це фейк, — заявив радник керівника Офісу президента Михайло Подоляк.", "фейк"),
        ("ru", "Фейк, — заявил Песков.", "Фейк"),  # the sentence's first word
        ("en", "According to Peskov, the thugs staged the attack.", "thugs"),
        ("ru", "Песков заявил, что боевики совершили теракт.", "боевики"),
        ("uk", "Як каже Денисова, окупанти виставляють на продаж квартири.", "окупанти"),
    ],
)  # fmt: skip
def test_a_loaded_word_in_content_attributed_to_a_named_speaker_is_the_speakers(
    lang: str, text: str, word: str
) -> None:
    """A loaded word in what a sentence attributes to a named speaker, quote marks or not,
    is the speaker's claim: shown with the quoting note, counted as quoted."""
    shown = _shown(text, lang)
    assert shown[word], shown
    article = ArticleText(text, split_sentences(text, lang), lang)
    found = highlights(article, with_model=False)
    figures = profile(article, found)
    assert [found[n]["text"] for n in figures["quoted_loaded_per_100_words"]["evidence"]] == [word]


@pytest.mark.parametrize(
    ("lang", "text", "word"),
    [
        # the label in the cue is the outlet's
        ("ru", "Глава киевского режима заявил, что мост взорван.", "киевского режима"),
        # so is one before a cue that opens the content after it
        ("ru", "Лидер киевского режима, по словам Пескова, уехал из страны.", "киевского режима"),
        # and one after a cue that opens no content («ответил на вопрос, а …»)
        ("ru", "Песков ответил на вопрос, а киевский режим промолчал.", "киевский режим"),
        # the outlet's euphemism and hedge in its retelling (SemEval ru train, RIA Novosti)
        (
            "ru",
            "Боррель добавил, что 140 стран выступили против спецоперации России.",
            "спецоперации",
        ),
        ("ru", "Вестагер заявила, что цены будут расти – это, мол, плата за демократию.", "мол"),
        ("ru", "Арестович заявил, что жители не забыты киевским режимом.", "киевским режимом"),
        # a cue that ends a sentence with no comma or dash before it: a headline's verb
        (
            "en",
            "Bombshell Air Traffic Control Audio From The Night Of The Las Vegas Massacre Reveals",
            "Bombshell",
        ),
        # and one in a sentence attributed to nobody by name
        ("ru", "Киевский режим совершил теракт, сообщают источники.", "Киевский режим"),
    ],
)
def test_a_loaded_word_the_outlet_adds_around_a_report_stays_its_own(
    lang: str, text: str, word: str
) -> None:
    assert _shown(text, lang)[word] == ""
