"""Highlight segments from offsets: every character kept once, in order, never nested."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from framing.markup import segments


def test_plain_and_highlighted() -> None:
    text = "Министр иностранных дел страны-агрессора России"
    hit = {"start": 24, "end": 40, "category": "pejorative_label"}
    parts = segments(text, [hit])
    assert [(p.text, p.highlight is not None) for p in parts] == [
        ("Министр иностранных дел ", False),
        ("страны-агрессора", True),
        (" России", False),
    ]


def test_offsets_into_the_article() -> None:
    article = "Первое. Второе предложение с якобы словом."
    sentence_start = 8
    sentence = article[sentence_start:]
    hit = {"start": article.index("якобы"), "end": article.index("якобы") + 5}
    parts = segments(sentence, [hit], offset=sentence_start)
    assert [p.text for p in parts if p.highlight] == ["якобы"]
    assert all(article[p.start : p.end] == p.text for p in parts)


def test_overlaps_do_not_nest() -> None:
    text = "the so-called regime"
    long = {"start": 4, "end": 20, "confidence": 0.5, "id": "long"}
    short = {"start": 14, "end": 20, "confidence": 0.9, "id": "short"}
    parts = segments(text, [short, long])
    assert [(p.text, p.highlight and p.highlight["id"]) for p in parts] == [
        ("the ", None),
        ("so-called regime", "long"),
    ]
    assert parts[1].extra == [short]


def test_hostile_text_is_not_touched() -> None:
    text = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
    parts = segments(text, [{"start": 0, "end": 8}])
    assert "".join(p.text for p in parts) == text


def test_empty_and_out_of_range() -> None:
    assert [p.text for p in segments("", [])] == [""]
    assert [p.text for p in segments("abc", [{"start": 5, "end": 9}, {"start": 2, "end": 2}])] == [
        "abc"
    ]


def test_added_words_lie_under_a_loaded_phrase_inside_them() -> None:
    """Zvezda (qa8): the added words «незаконно удерживал киевский режим» took the stock
    phrase's characters; with added words hidden by default «киевский режим» showed nowhere
    and its evidence link had no target. The phrase keeps its characters; the added words
    take the rest, the first piece anchored."""
    text = "которых незаконно удерживал киевский режим, их доставят домой"
    added = {"start": 8, "end": 42, "source": "comparison", "id": "added"}
    loaded = {"start": 28, "end": 42, "source": "lexicon", "id": "loaded"}
    parts = segments(text, [added, loaded])
    assert [(p.text, p.highlight and p.highlight["id"], p.first) for p in parts] == [
        ("которых ", None, False),
        ("незаконно удерживал ", "added", True),
        ("киевский режим", "loaded", True),
        (", их доставят домой", None, False),
    ]
    assert parts[2].extra == [added]
    # added words around a phrase: two pieces, the anchor on the first
    around = {"start": 8, "end": 61, "source": "comparison", "id": "added"}
    parts = segments(text, [around, loaded])
    assert [(p.highlight and p.highlight["id"], p.first) for p in parts] == [
        (None, False),
        ("added", True),
        ("loaded", True),
        ("added", False),
    ]


@given(
    st.text(max_size=60),
    st.lists(
        st.tuples(
            st.integers(-5, 70), st.integers(-5, 70), st.sampled_from(["lexicon", "comparison"])
        ),
        max_size=8,
    ),
)
def test_every_character_once_in_order(text: str, ranges: list[tuple[int, int, str]]) -> None:
    highlights = [{"start": a, "end": b, "source": source} for a, b, source in ranges]
    parts = segments(text, highlights)
    assert "".join(p.text for p in parts) == text
    assert all(text[p.start : p.end] == p.text for p in parts)
    assert all(a.end == b.start for a, b in zip(parts, parts[1:], strict=False))
    # every highlight that has a piece of its own has exactly one anchored piece
    for h in highlights:
        pieces = [p for p in parts if p.highlight is h]
        assert not pieces or sum(p.first for p in pieces) == 1
