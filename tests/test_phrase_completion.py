"""Phrase completion of loaded-wording highlights (framing/wording/phrase_completion.py)."""

from __future__ import annotations

import pytest

from framing.wording.phrase_completion import Settings, complete_spans, settings

CONJUNCTIONS = {"ru": ["и", "или"], "uk": ["і", "й", "та", "або"], "en": ["and", "or"]}


def config(lang: str, rules: list[str], max_words: int = 4) -> Settings:
    """Settings with only ``rules`` on, in ``lang``: each rule tested on its own."""
    return Settings.of(
        {
            "max_words": {lang: max_words},
            "qualifier_categories": ["delegitimising_qualifier"],
            "max_quoted_words": 6,
            "conjunctions": CONJUNCTIONS,
            "rules": {lang: rules},
        }
    )


def widen(text: str, lang: str, word: str, rules: list[str], category: str = "x", **kw) -> str:
    start = text.index(word)
    [(a, z)] = complete_spans(
        text, lang, [(start, start + len(word), category)], config(lang, rules, **kw)
    )
    return text[a:z]


@pytest.mark.parametrize(
    ("lang", "text", "word", "phrase"),
    [
        ("ru", "Он выступил с пропагандистскими заявлениями вчера.", "пропагандистскими",
         "пропагандистскими заявлениями"),
        ("ru", "Это преступного кровавого режима дело.", "преступного",
         "преступного кровавого режима"),
        ("uk", "Вони поширюють брехливі заяви щодня.", "брехливі", "брехливі заяви"),
    ],
)  # fmt: skip
def test_a_modifier_takes_the_noun_it_modifies(lang, text, word, phrase):
    assert widen(text, lang, word, ["modifier"]) == phrase


def test_a_modifier_without_an_agreeing_noun_stays():
    # «позорный» (nominative) does not agree with «сделки» (genitive): no noun to take
    assert widen("Это позорный для сделки день.", "ru", "позорный", ["modifier"]) == "позорный"


@pytest.mark.parametrize(
    ("lang", "text", "word", "phrase"),
    [
        ("ru", "Это преступления киевского режима, сказал он.", "преступления",
         "преступления киевского режима"),
        ("uk", "Це злочини путінського режиму, сказав він.", "злочини",
         "злочини путінського режиму"),
    ],
)  # fmt: skip
def test_a_noun_takes_its_genitive_complement(lang, text, word, phrase):
    assert widen(text, lang, word, ["complement"]) == phrase


def test_a_prepositional_complement_only_with_its_rule():
    text = "Это геноцид на Украине, пишет он."
    assert widen(text, "ru", "геноцид", ["complement"]) == "геноцид"
    assert widen(text, "ru", "геноцид", ["prepositional"]) == "геноцид на Украине"


@pytest.mark.parametrize(
    ("lang", "text", "word", "phrase"),
    [
        ("ru", "Это сделала киевская хунта вчера.", "хунта", "киевская хунта"),
        ("uk", "Це зробила київська хунта вчора.", "хунта", "київська хунта"),
    ],
)
def test_a_label_takes_its_modifiers(lang, text, word, phrase):
    assert widen(text, lang, word, ["label"]) == phrase


@pytest.mark.parametrize(
    ("lang", "text", "word", "phrase"),
    [
        ("ru", "Началась так называемая «спецоперация» на Украине.", "так называемая",
         "так называемая «спецоперация»"),
        ("ru", "Это так называемые мирные переговоры, пишут.", "так называемые",
         "так называемые мирные переговоры"),
        ("uk", "Це так звані мирні переговори, пишуть.", "так звані", "так звані мирні переговори"),
        ("en", 'It was the so-called "peace plan" again.', "so-called", 'so-called "peace plan"'),
        ("en", "It was the so-called peace deal of May.", "so-called", "so-called peace deal"),
    ],
)  # fmt: skip
def test_a_qualifier_takes_the_phrase_it_qualifies(lang, text, word, phrase):
    assert widen(text, lang, word, ["qualifier"], "delegitimising_qualifier") == phrase


def test_a_qualifier_rule_reads_only_qualifier_categories():
    text = "It was the so-called peace deal of May."
    assert widen(text, "en", "so-called", ["qualifier"], "emotive_intensifier") == "so-called"


@pytest.mark.parametrize(
    ("lang", "text", "word", "phrase"),
    [
        ("ru", "Там были нацики и тербаты, пишут.", "нацики", "нацики и тербаты"),
        ("uk", "Там були окупанти та колаборанти, пишуть.", "окупанти", "окупанти та колаборанти"),
        ("en", "They were thugs and looters, he wrote.", "thugs", "thugs and looters"),
    ],
)
def test_coordinated_phrases_are_taken(lang, text, word, phrase):
    assert widen(text, lang, word, ["coordination"]) == phrase


def test_english_chunks_take_the_run_of_content_words():
    text = "They are radical Islamist terrorists of the worst kind."
    assert widen(text, "en", "radical", ["chunk_right"]) == "radical Islamist terrorists"
    assert widen(text, "en", "terrorists", ["chunk_left"]) == "radical Islamist terrorists"
    assert widen(text, "en", "radical", ["chunk_left"]) == "radical"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (
            "Он выступил с пропагандистскими. Заявлениями вчера.",
            "пропагандистскими",
        ),  # sentence end
        ("Он выступил с пропагандистскими, заявлениями вчера.", "пропагандистскими"),  # comma
        ("Он выступил с пропагандистскими\nзаявлениями вчера.", "пропагандистскими"),  # line break
        ("Он выступил с пропагандистскими «заявлениями» вчера.", "пропагандистскими"),  # quote
    ],
)
def test_never_across_a_boundary(text, word):
    assert widen(text, "ru", word, ["modifier"]) == word


def test_a_scare_quoted_hit_takes_its_noun_outside_its_own_marks():
    text = "Это путь «всесоюзной» гражданской войны, пишет он."
    assert widen(text, "ru", "«всесоюзной»", ["modifier"]) == "«всесоюзной» гражданской войны"


def test_never_more_than_max_words():
    text = "They are radical Islamist jihadist militant terrorists here."
    assert widen(text, "en", "radical", ["chunk_right"], max_words=2) == "radical Islamist jihadist"
    # the same bound to the left (the two sides share one limit: a test for each direction)
    assert (
        widen(text, "en", "terrorists", ["chunk_left"], max_words=2)
        == "jihadist militant terrorists"
    )


def test_a_widening_to_the_left_stops_at_punctuation():
    text = "Он сказал: злобная, кровавая хунта пришла."
    assert widen(text, "ru", "хунта", ["label"]) == "кровавая хунта"


def test_never_into_another_highlight_and_order_kept():
    text = "Это сделала киевская хунта вчера."
    a = text.index("киевская")
    b = text.index("хунта")
    spans = [(b, b + len("хунта"), "pejorative_label"), (a, a + len("киевская"), "model")]
    assert complete_spans(text, "ru", spans, config("ru", ["label", "modifier"])) == [
        (b, b + len("хунта")),
        (a, a + len("киевская")),
    ]


def test_two_widenings_never_overlap():
    text = "They are radical Islamist terrorists here."
    a, b = text.index("radical"), text.index("terrorists")
    spans = [(a, a + 7, "x"), (b, b + 10, "x")]
    out = complete_spans(text, "en", spans, config("en", ["chunk_right", "chunk_left"]))
    assert out[0][1] <= out[1][0]


def test_shipped_settings_are_read_and_checked():
    shipped = settings()
    assert set(shipped.rules) == {"ru", "uk", "en"}
    with pytest.raises(ValueError, match="Unknown phrase rules"):
        Settings.of({**config("ru", []).__dict__, "max_words": {}, "rules": {"ru": ["nouns"]}})


@pytest.mark.parametrize(
    ("lang", "text", "word", "rules"),
    [
        # «до» has a noun reading in pymorphy3's uk dictionary (the note): a function word
        ("uk", "Агресія країни-агресора до сусідньої держави.", "країни-агресора", ["complement"]),
        # «мала» is read as a surname first: a lowercase word is no name
        ("uk", "Це нібито мала бути атака.", "нібито", ["qualifier"]),
        # «обвинения» is likeliest an accusative plural here, not a genitive complement
        ("ru", "Он назвал враньем обвинения Киева в адрес РФ.", "враньем", ["complement"]),
        # an adverb qualifies a verb or a clause: "allegedly make" is no phrase
        ("en", "They allegedly make weapons there.", "allegedly", ["qualifier"]),
        ("en", "He is not lying either way.", "lying", ["qualifier"]),
    ],
)
def test_what_is_no_phrase_stays(lang, text, word, rules):
    assert widen(text, lang, word, rules, "delegitimising_qualifier") == word


def test_a_label_takes_only_agreeing_modifiers():
    # «батькові» may be a plural adjective, «диктатора» is a singular noun: no agreement
    text = "Він передав батькові диктатора лист."
    assert widen(text, "uk", "диктатора", ["label"]) == "диктатора"


def test_score_shows_the_widened_phrase_with_its_text():
    # title highlights are lexicon hits read like the body's (no detector: quick to test)
    from framing.wording.profile import title_highlights

    title = "Кремлівський диктатор знову погрожує Європі"
    [hit] = title_highlights(title, "uk")
    assert (hit["text"], hit["start"], hit["end"]) == ("Кремлівський диктатор", 0, 21)
    assert title[hit["start"] : hit["end"]] == hit["text"]


def test_body_highlights_are_widened_without_the_detector():
    from framing.records import Sentence
    from framing.wording.profile import ArticleText, highlights

    text = "Это сделала киевская хунта вчера."
    article = ArticleText(text, [Sentence(0, 0, len(text), text)], "ru")
    found = [h for h in highlights(article, with_model=False) if h["source"] == "lexicon"]
    assert [h["text"] for h in found] == ["киевская хунта"]
