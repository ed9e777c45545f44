"""Quoted speech: finding quotations and comparing them across languages (real e5 model)."""

from __future__ import annotations

import pytest

from framing.alignment.embedder import load_embedder
from framing.alignment.quote_fidelity import quote_fidelity, speech_quotes
from framing.text.quoting import quoted_spans

RU_QUOTE = '"Нет. А зачем нам связываться?" – ответил Песков на вопрос о возможных контактах.'
EN_QUOTE = (
    '"No, why should they have been in touch?" Peskov replied to the question of whether there '
    "were contacts on the part of representatives of the Russian Federation with Trump "
    "headquarters."
)


@pytest.fixture(scope="module")
def emb():
    return load_embedder()


def quotes(text: str) -> list[str]:
    return [text[s:e] for s, e in quoted_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Он сказал: «Мы не отступим», и ушел.", ["Мы не отступим"]),
        ("He said “we will not retreat” and left.", ["we will not retreat"]),
        ('Він сказав: "Ми не відступимо", і пішов.', ["Ми не відступимо"]),
        ("Er sagte: „Wir ziehen uns nicht zurück“ und ging.", ["Wir ziehen uns nicht zurück"]),
        ("«Это „так называемый“ референдум», — сказал он.", ["Это „так называемый“ референдум"]),
        (
            "Газета «Коммерсант» пишет, что «переговоры зашли в тупик».",
            ["переговоры зашли в тупик"],
        ),
        ('"Общение не исключается.', ["Общение не исключается."]),  # a quote cut by splitting
        ('Таковы его слова", — отметил Песков.', ["Таковы его слова"]),
        ("«Первая цитата», сказал он, «вторая цитата».", ["Первая цитата", "вторая цитата"]),
        # straight quotes nested in straight quotes pair by the side each mark faces
        (
            '"Ви чули, щоб Кирило сказав: "Благословляю вас!"?! Ви чули?" — висловив він.',
            ['Ви чули, щоб Кирило сказав: "Благословляю вас!"?! Ви чули?'],
        ),
        (
            'He asked: "Did you hear him say "we will win" at all?" and left.',
            ['Did you hear him say "we will win" at all?'],
        ),
        ("Unbalanced » marks « everywhere „ here", ["everywhere „ here"]),
        ("", []),
        ("No quotes at all, it's Peskov's sentence.", []),
        ('«»""„“', []),
    ],
)
def test_quoted_spans(text: str, expected: list[str]) -> None:
    assert quotes(text) == expected


def test_quoted_spans_never_crash_on_stray_marks() -> None:
    for text in ['"', "«", "»", "„“”", '" a b "c d', "«a «b c» d", "a » b » c « d « e"]:
        for start, end in quoted_spans(text):
            assert 0 <= start < end <= len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an outlet of the registry, quoted as its name is: a source, not speech
        ('…у досить поважних виданнях, повідомляє "Українська правда".', []),
        ("«Мы считаем корректным», - цитирует его «Интерфакс».", ["Мы считаем корректным"]),
        ('Напомним, что "Комментарии" писали об этом.', []),
        # a title after a word that introduces one, registered or not
        ("Об этом сообщила газета «Новые известия» в понедельник.", []),
        ("Партия «Единая Россия» победила.", []),
        ('The newspaper "Die Zeit" reported it.', []),
        ("Видання «Нові новини» про це писало.", []),
        # speech stays speech, short or long
        ('He said "no comment" twice.', ["no comment"]),
        (
            "Песков назвал это «голословными, хамскими обвинениями».",
            ["голословными, хамскими обвинениями"],
        ),
        # after a title word, a quotation too long for a name is still speech
        (
            "Газета «переговоры зашли в тупик, и что дальше».",
            ["переговоры зашли в тупик, и что дальше"],
        ),
    ],
)
def test_speech_quotes_leave_out_quoted_names(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in speech_quotes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the author's words inside the marks (ru, uk), the quotation cut apart by a split
        # sentence (tests/gold/real_articles/108) or whole
        ('"Не было разговора, - заявил представитель Кремля.', ["Не было разговора"]),
        (
            "«Мы не допустим, — сказал министр, — новой войны в Европе».",
            ["Мы не допустим", "новой войны в Европе"],
        ),
        (
            "«Ми готові до діалогу, — заявив він. — Але не зараз».",
            ["Ми готові до діалогу", "Але не зараз"],
        ),
        # a dash inside the speech that opens no speech verb stays speech
        (
            "«Мы готовы, — и это важно, — к переговорам».",
            ["Мы готовы, — и это важно, — к переговорам"],
        ),
    ],
)
def test_speech_quotes_leave_out_the_authors_words(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in speech_quotes(text)] == expected


def test_the_authors_words_are_no_difference(emb) -> None:
    """Real reports of 8 Nov 2024 (tests/gold/real_articles 108 against a Ukrainian one):
    the Kremlin's words inside the quotation were listed as what the quote "differs" by."""
    oxu = '"Не было разговора, - заявил представитель Кремля.'
    other = '"Не було тоді телефонної розмови Путіна з Трампом минулого тижня."'
    result = quote_fidelity(oxu, other, emb, "ru", "uk")
    assert result is not None
    assert [d["text"] for d in result.differences["a"]] == []


def test_a_quoted_source_is_not_compared_with_the_speakers_words(emb) -> None:
    """Real reports of 11 Nov 2024 (tests/gold/real_articles 103, 104): one paraphrases
    Peskov and names its source in quotes, the other quotes him. Their comparison read
    "fidelity 0.00" and made both profiles' "lowest quote fidelity" 0."""
    lenta = (
        "…на що прессекретар лідера Кремля спочатку відповів, що такі публікації це найбільш "
        "наочний приклад якості тієї інформації, яка зараз публікується, іноді навіть у досить "
        'поважних виданнях, повідомляє "Українська правда".'
    )
    patrioty = (
        '…на що прессекретар лідера Кремля спочатку відповів, що такі публікації "це найбільш '
        "наочний приклад якості тієї інформації, яка зараз публікується, іноді навіть у досить "
        'поважних виданнях".'
    )
    assert quote_fidelity(lenta, patrioty, emb, "uk", "uk") is None
    assert quote_fidelity(patrioty, patrioty, emb, "uk", "uk").fidelity == 1.0


def test_a_quoted_fragment_is_compared_with_the_part_it_renders(emb) -> None:
    """Real reports of 15 Nov 2024 (politico.eu, babel.ua): one quotes the government's
    whole sentence, the other four of its words. Compared whole they read "fidelity 0.00",
    and both outlets' profiles showed "lowest quote fidelity 0.00"."""
    whole = (
        '"The Federal Chancellor urged Russia to be prepared to negotiate with Ukraine with '
        'the aim of achieving a just and lasting peace," a German government spokesperson '
        "said in a statement."
    )
    fragment = (
        "The German chancellor also called on Russia to negotiate with Ukraine in order to "
        'achieve a "fair and lasting peace".'
    )
    for sent_a, sent_b, side in ((whole, fragment, "a"), (fragment, whole, "b")):
        result = quote_fidelity(sent_a, sent_b, emb, "en", "en")
        assert result is not None and result.part is not None
        assert result.part["side"] == side
        assert whole[result.part["start"] : result.part["end"]] == "just and lasting peace"
        assert result.fidelity >= 0.8, result
        cut, other = ("a", "b") if side == "a" else ("b", "a")
        assert [d["text"] for d in result.differences[cut]] == ["just"]
        assert [d["text"] for d in result.differences[other]] == ["fair"]


def test_a_part_across_a_split_quotation_leaves_out_the_authors_words(emb) -> None:
    """A quotation split by its attribution ("…," Peskov told reporters, "…") rendered in
    part by the other outlet: the part runs across both halves, and was compared with the
    author's words between them in it (fidelity 0.26 for a faithful rendering)."""
    whole = (
        '"Contacts with the incoming administration before the inauguration are not ruled '
        'out," Kremlin spokesman Dmitry Peskov told reporters on Thursday in Moscow, "though '
        'there are no concrete plans yet, and we will see."'
    )
    fragment = "Песков сказал, что контакты «не исключены, но конкретных планов нет»."
    result = quote_fidelity(whole, fragment, emb, "en", "ru")
    assert result is not None and result.part is not None and result.part["side"] == "a"
    assert result.part["text"] == "not ruled out though there are no concrete plans"
    assert result.fidelity >= 0.8, result


def test_required_example(emb) -> None:
    result = quote_fidelity(RU_QUOTE, EN_QUOTE, emb, lang_a="ru", lang_b="en")
    assert result is not None
    assert quotes(RU_QUOTE) == ["Нет. А зачем нам связываться?"]
    assert quotes(EN_QUOTE) == ["No, why should they have been in touch?"]
    # Related but not the same: the cosine sits among the least similar 10% of Tatoeba
    # translations, so the score is middling rather than ≈ 1.
    assert 0.3 <= result.fidelity <= 0.8, result
    for side, sentence in (("a", RU_QUOTE), ("b", EN_QUOTE)):
        for diff in result.differences[side]:
            assert sentence[diff["start"] : diff["end"]] == diff["text"]
    assert [d["text"] for d in result.differences["a"]] == ["нам"]
    assert [d["text"] for d in result.differences["b"]] == ["should they have been in"]
    pooled = quote_fidelity(RU_QUOTE, EN_QUOTE, emb)  # no languages: the pooled calibration
    assert pooled is not None and result.fidelity < pooled.fidelity <= 0.8
    assert pooled.differences == result.differences


@pytest.mark.parametrize(
    ("sent_a", "sent_b", "langs"),
    [
        (
            "«Мы не допустим новой войны в Европе», — заявил министр.",
            '"We will not allow a new war in Europe," the minister said.',
            ("ru", "en"),
        ),
        (
            "«Ми не допустимо нової війни в Європі», — заявив міністр.",
            '"We will not allow a new war in Europe," the minister said.',
            ("uk", "en"),
        ),
    ],
)
def test_faithful_translation_scores_high(emb, sent_a, sent_b, langs) -> None:
    result = quote_fidelity(sent_a, sent_b, emb, *langs)
    assert result is not None
    assert result.fidelity >= 0.9, result
    assert result.differences == {"a": [], "b": []}
    assert result.part is None  # whole quotations of one length are compared whole


def test_swapped_pronoun_is_a_difference(emb) -> None:
    result = quote_fidelity(
        "«Мы не допустим новой войны в Европе», — заявил министр.",
        '"They will not allow a new war in Europe," the minister said.',
        emb,
        lang_a="ru",
        lang_b="en",
    )
    assert result is not None
    assert [d["text"] for d in result.differences["a"]] == ["Мы"]
    assert [d["text"] for d in result.differences["b"]] == ["They"]


def test_unrelated_quotes_score_low(emb) -> None:
    result = quote_fidelity(
        "«Урожай пшеницы в этом году будет рекордным», — сообщил министр.",
        '"The museum will be closed for renovation until spring," the director said.',
        emb,
        lang_a="ru",
        lang_b="en",
    )
    assert result is not None
    assert result.fidelity <= 0.2, result
    assert result.differences["a"] and result.differences["b"]


@pytest.mark.parametrize(
    ("sent_a", "sent_b"),
    [
        ("Песков ничего не сказал.", '"No comment," Peskov said.'),
        ('"No comment," Peskov said.', "Песков ничего не сказал."),
        ("", ""),
        ("«Нет»", '"No"'),  # one-word quotes are not speech to compare
    ],
)
def test_no_fidelity_without_quotes_on_both_sides(emb, sent_a: str, sent_b: str) -> None:
    assert quote_fidelity(sent_a, sent_b, emb) is None


def test_states_encoded_already_are_reused_and_give_the_same_result(emb, monkeypatch) -> None:
    from framing.alignment import phrases
    from framing.alignment import quote_fidelity as module

    texts = [RU_QUOTE, EN_QUOTE]
    states = dict(zip(texts, phrases.token_states(texts, emb), strict=True))
    fresh = quote_fidelity(RU_QUOTE, EN_QUOTE, emb, "ru", "en")

    def no_second_pass(*args, **kwargs):
        raise AssertionError("token states encoded twice")

    monkeypatch.setattr(module, "token_states", no_second_pass)
    reused = quote_fidelity(RU_QUOTE, EN_QUOTE, emb, "ru", "en", states)
    assert reused is not None and fresh is not None
    assert (reused.fidelity, reused.differences) == (fresh.fidelity, fresh.differences)


def test_many_pairs_take_one_encoder_call_and_give_each_pairs_result(emb, monkeypatch) -> None:
    """The comparison asks for every linked quoting pair at once: their quotations are
    embedded in one call, and each result is the one the pair gets alone."""
    from framing.alignment.quote_fidelity import quote_fidelities

    uk = '"Ні. А навіщо нам зв\'язуватися?" – відповів Пєсков на питання про можливі контакти.'
    other = 'Sources said "the talks will resume in Geneva next week after a short pause".'
    pairs = [
        (RU_QUOTE, EN_QUOTE, "ru", "en"),
        ("Песков ничего не сказал.", EN_QUOTE, "ru", "en"),  # no quote on one side: None
        (uk, EN_QUOTE, "uk", "en"),
        (RU_QUOTE, other, "ru", "en"),
    ]
    alone = [quote_fidelity(a, b, emb, la, lb) for a, b, la, lb in pairs]
    calls = []
    encode = emb.encode

    def counted(texts, *args, **kwargs):
        calls.append(list(texts))
        return encode(texts, *args, **kwargs)

    monkeypatch.setattr(emb, "encode", counted)
    together = quote_fidelities(pairs, emb)
    assert len(calls) == 1
    assert together[1] is None and alone[1] is None
    for got, want in zip(together, alone, strict=True):
        if want is not None:
            assert got is not None
            assert (got.quotes_a, got.quotes_b, got.part) == (
                want.quotes_a,
                want.quotes_b,
                want.part,
            )
            assert got.differences == want.differences
            assert (got.fidelity, got.cosine) == (want.fidelity, want.cosine)


def test_one_word_in_common_is_no_quoted_part(emb) -> None:
    """qa7 (Gershkovich's sentence, 19 Jul 2024): Альтернативы' three words of the
    Investigative Committee against Главком's long FSB quotation share one word's meaning
    at most; they were shown as "quotes only part of Главком's quotation; compared with that
    part: “діючи”" at fidelity 0.00. One word is no evidence of a part: compared whole."""
    ru = (
        "Следствие считает, что Гершкович работал по заданию ЦРУ с соблюдением «тщательных мер "
        "конспирации»."
    )
    uk = (
        "За даними ФСБ, Гершкович, нібито «діючи за завданням американської сторони, "
        "здійснював збір відомостей, що становлять державну таємницю, про діяльність одного з "
        "підприємств російського військово-промислового комплексу»."
    )
    for a, b, la, lb in ((ru, uk, "ru", "uk"), (uk, ru, "uk", "ru")):
        result = quote_fidelity(a, b, emb, la, lb)
        assert result is None or result.part is None, result
