"""Property-based tests over ingest → segmentation → lexicon → alignment, and the fuzz target.

Generated inputs mix Cyrillic and Latin words with what breaks text pipelines: control
characters, zero-width and bidi marks, enormous tokens, nested and unbalanced quotes, blank
lines, HTML fragments, legacy encodings, invalid bytes and broken JSON. The invariants:

* nothing escapes but the project's typed refusal (:class:`InputRefused`), and every refusal
  names its source and gives a reason;
* sentences slice the clean text exactly, in order, without overlaps, cover every visible
  character and carry no surrounding whitespace;
* lexicon hits slice the text exactly, in order, without overlaps;
* alignment links index real sentences, each sentence at most once, and the unaligned lists
  are the complement.

The budgets below add up to more than 10,000 generated inputs in about a minute on one core;
``make fuzz`` runs the atheris target in ``fuzz/`` for much longer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from framing.alignment.align import alignment_settings
from framing.errors import InputRefused
from framing.ingest import IngestOptions, article_id, build_article
from framing.outlets import load_registry
from framing.records import Article, Sentence
from framing.text.readers import RawInput, read_file, read_stdin
from framing.text.segment import split_sentences
from framing.wording.lexicon import CATEGORIES, SCARE_QUOTES, find_loaded

from .conftest import ROOT

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def budget(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=SLOW_OK)


# --- generated text --------------------------------------------------------------------------

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯІЇЄҐ'’-"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-"
# fmt: off
SPECIALS = [
    # sentence ends, line breaks of every kind, blank lines
    ". ", "? ", "! ", "… ", ".", "?!", "\n", "\n\n", "\r\n", "\r", "\v", "\f", "\x85",
    "\u2028", "\u2029", "\x1c", " ", "  ", "\t", "\u00a0",
    # quotes: nested, unbalanced, mixed
    "«", "»", "„", "“", "”", '"', "'", "‘", "’", "«„", "“»", '"«', '»"', "(", ")",
    # attribution and dashes
    "— ", " – ", "—", ", — сказал Песков.", "– ответил он.", ', he said.', "заявил: ",
    # abbreviations, numbers, URLs
    "U.S.", "т. е.", "т.е.", "No. 5", "No.", "e.g.", "м. Київ", "3.5", "Jan. 20",
    "http://x.ru/a.b", "ria.ru", "a@b.com",
    # control characters, zero-width and bidi marks
    "\x00", "\x07", "\x1b", "\x7f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",
    "\u202a", "\u202e", "\u2066", "\ufeff", "\ufffd", "\ud800",
    # HTML fragments and entities
    "<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "&amp;", "&nbsp;", "<!-- x -->",
    "<script>var a=1;</script>", "<html><body>", "</body></html>",
    # lexicon entries and furniture
    "так называемый", "самопровозглашённой", "якобы", "хунта", "киевский режим", "нібито",
    "так званий", "маріонетковий", "so-called", "self-proclaimed", "puppet", "allegedly",
    "Поделиться", "Читайте также:", "Фото: ТАСС", "Interfax", "по данным «Интерфакса»",
    "citing Reuters", "ТАСС", "РИА Новости",
]
# fmt: on

words = st.one_of(
    st.text(alphabet=CYRILLIC, min_size=1, max_size=14),
    st.text(alphabet=LATIN, min_size=1, max_size=14),
)
huge_token = st.builds(
    lambda ch, n: ch * n, st.sampled_from("жwЖ.«-\u200b "), st.integers(500, 6000)
)
piece = st.one_of(
    words,
    words,
    words.map(lambda w: w + " "),
    st.sampled_from(SPECIALS),
    st.text(max_size=8),  # any code point, surrogates included
    huge_token,
)
texts = st.lists(piece, max_size=80).map("".join)
# Texts long enough to get past the "no article text" floor, so the stages behind it run.
articles_text = st.tuples(
    st.lists(st.sampled_from(SPECIALS) | words.map(lambda w: w + " "), min_size=12, max_size=60),
    texts,
).map(lambda pair: "".join(pair[0]) + pair[1])
langs = st.sampled_from([None, "ru", "uk", "en", "de", "ru-RU", "EN", "xx"])

# Regression examples: inputs that once broke a stage, or are worth pinning down.
HOSTILE = [
    "",
    "\u200b\u200f\u202e",
    "«„Нет.“ А зачем нам связываться?» – ответил Песков.",
    '"Вот так." — сказал он.\n— сказал он.',
    "Это точно».\nЭто точно».",
    "». ».",
    "“”.“",
    "ж" * 20000,
]


# --- invariants --------------------------------------------------------------------------------


def check_sentences(text: str, sentences: list[Sentence]) -> None:
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index
        assert previous_end <= sentence.start < sentence.end <= len(text), sentence
        assert text[sentence.start : sentence.end] == sentence.text
        assert not sentence.text[0].isspace() and not sentence.text[-1].isspace(), sentence
        # Nothing but whitespace is left out between sentences.
        assert not text[previous_end : sentence.start].strip(), (previous_end, sentence)
        previous_end = sentence.end
    assert not text[previous_end:].strip()


def check_hits(text: str, lang: str) -> None:
    previous_end = 0
    for hit in find_loaded(text, lang):
        assert previous_end <= hit.start < hit.end <= len(text), hit
        assert text[hit.start : hit.end] == hit.text
        assert hit.category in (*CATEGORIES, SCARE_QUOTES)
        assert 0 < hit.confidence <= 1
        previous_end = hit.end


def check_refusal(refusal: InputRefused, source: str) -> None:
    assert refusal.source.startswith(source), (refusal.source, source)
    assert refusal.reason.strip(), refusal
    assert str(refusal).startswith(f"{refusal.source}: ")


def check_article(article: Article) -> None:
    text = article.text
    assert len(text.strip()) >= 40
    assert article.id == article_id(text)
    check_sentences(text, article.sentences)
    for cited in article.cited:
        assert text[int(cited["start"]) : int(cited["end"])] == cited["text"]
    if article.lang in ("ru", "uk", "en"):
        check_hits(text, article.lang)


def build_or_refuse(raw: RawInput, options: IngestOptions | None = None) -> None:
    """Run the ingest stages on one input and check whichever way it ends."""
    try:
        article = build_article(raw, options or IngestOptions(), load_registry())
    except InputRefused as refusal:
        check_refusal(refusal, raw.source)
        return
    assert article.source == raw.source
    check_article(article)


# --- segmentation and lexicon --------------------------------------------------------------


@budget(2500)
@given(text=texts, lang=langs)
@example(text="Это точно». Да.", lang="ru")
@example(text="\u2028«\u2029»", lang=None)
def test_sentences_slice_the_text_exactly(text: str, lang: str | None) -> None:
    check_sentences(text, split_sentences(text, lang))


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("lang", ["ru", "uk", "en", None])
def test_sentences_of_hostile_texts(text: str, lang: str | None) -> None:
    check_sentences(text, split_sentences(text, lang))


@budget(1500)
@given(text=texts, lang=st.sampled_from(["ru", "uk", "en"]))
@example(text="", lang="ru")  # once: zip() of no words and one sentinel
@example(text="\U00017000", lang="ru")  # once: pymorphy3 asked unicodedata.name() of it
@example(text="«так называемый» «так называемый»", lang="ru")
@example(text='"puppet" said "puppet', lang="en")
def test_lexicon_hits_slice_the_text_exactly(text: str, lang: str) -> None:
    check_hits(text, lang)


# --- ingest ------------------------------------------------------------------------------------


@budget(1200)
@given(text=st.one_of(texts, articles_text), lang=langs)
@example(text=". . . . . . . . \n\ud800киевский режимкиевский режим", lang=None)
def test_build_article_refuses_or_keeps_offsets(text: str, lang: str | None) -> None:
    # A decoded input is valid Unicode: the readers refuse lone surrogates (JSON "\ud800").
    text = text.encode("utf-8", "replace").decode("utf-8")
    options = IngestOptions(lang=lang if lang in ("ru", "uk", "en") else None)
    build_or_refuse(RawInput(source="fuzz.txt", text=text), options)


html_pages = st.tuples(
    st.sampled_from(["<html><body>", "<div>", "<p>", "<!doctype html><html>", ""]),
    st.lists(
        st.tuples(st.sampled_from(["<p>", "<div>", "<h1>", "<li>", "<script>", ""]), texts),
        max_size=6,
    ),
).map(lambda page: page[0] + "".join(tag + body for tag, body in page[1]))


@budget(150)
@given(html=html_pages)
@example(html="<html><body><p>" + "Текст статьи. " * 10)
@example(html="<html><body></body></html>")
def test_html_pages_refuse_or_keep_offsets(html: str) -> None:
    build_or_refuse(RawInput(source="page.html", text=html, kind="html"))


# --- reading: bytes, encodings, JSON ---------------------------------------------------------


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    # Module-scoped: hypothesis runs each example many times within one test call.
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


raw_bytes = st.one_of(
    st.binary(max_size=400),
    st.builds(
        encoded,
        articles_text,
        st.sampled_from(["utf-8", "cp1251", "koi8-r", "koi8-u", "cp866", "utf-16", "utf-32"]),
    ),
    st.builds(lambda a, b: a + b, articles_text.map(lambda t: encoded(t, "utf-8")), st.binary()),
    st.sampled_from([b"", b"   \n\t", b"\xef\xbb\xbf", b"\xff\xfe\x00", b"\x00" * 50]),
)


def read_and_build(items: Iterator[RawInput | InputRefused], source: str) -> None:
    for item in items:
        if isinstance(item, InputRefused):
            check_refusal(item, source)
        else:
            assert item.source.startswith(source)
            build_or_refuse(item)


@budget(1000)
@given(data=raw_bytes, suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl", ".md", ""]))
@example(data="Привет, мир. ".encode("cp1251") * 10, suffix=".txt")
@example(data="Привет, мир. ".encode("koi8-r") * 10, suffix="")
@example(data=b"\xff\xfe\x00", suffix=".txt")
def test_files_of_any_bytes(scratch: Path, data: bytes, suffix: str) -> None:
    path = scratch / f"input{suffix}"
    path.write_bytes(data)
    read_and_build(read_file(path, max_bytes=64 * 1024), str(path))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
record = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(articles_text, texts, json_values),
        "html": html_pages,
        "id": json_values,
        "title": st.one_of(st.text(max_size=30), json_values),
        "date": st.sampled_from(["2024-02-30", "2024-01-05", "вчера", "", "0000-00-00"])
        | json_values,
        "lang": st.sampled_from(["ru", "uk", "en", "de", "", "RU", "x y"]) | json_values,
        "url": st.text(max_size=30) | json_values,
        "outlet": st.sampled_from(["ТАСС", "bbc", "", "  "]) | json_values,
    },
)
json_line = st.one_of(
    record.map(lambda r: json.dumps(r, ensure_ascii=False)),
    # Broken JSON: a valid record cut short, or with garbage spliced in.
    st.tuples(record.map(json.dumps), st.integers(0, 200)).map(lambda p: p[0][: p[1]]),
    st.tuples(record.map(json.dumps), st.sampled_from(["}", "{", ",", "\x00", "\\", '"'])).map(
        lambda p: p[0] + p[1]
    ),
    json_values.map(json.dumps),
    texts,
)


@budget(500)
@given(lines=st.lists(json_line, max_size=6), suffix=st.sampled_from([".jsonl", ".json", ""]))
@example(lines=['{"text": "x"', "[1, 2"], suffix=".jsonl")
@example(lines=['{"text": "Текст статьи \\ud800 " , "title": "\\udc00"}'] * 2, suffix=".jsonl")
@example(lines=['{"text": 5}', '{"html": ""}', '{"text": "ok", "date": 5}'], suffix=".json")
def test_json_records_refuse_or_ingest(scratch: Path, lines: list[str], suffix: str) -> None:
    path = scratch / f"batch{suffix}"
    path.write_text("\n".join(lines), "utf-8", errors="surrogatepass")
    read_and_build(read_file(path, max_bytes=64 * 1024), str(path))


@budget(300)
@given(lines=st.lists(json_line, max_size=5), raw=st.binary(max_size=60))
def test_stdin_streams_refuse_or_ingest(lines: list[str], raw: bytes) -> None:
    import io

    data = "\n".join(lines).encode("utf-8", "surrogatepass") + raw
    stream = io.BufferedReader(io.BytesIO(data))  # peekable, like sys.stdin.buffer
    read_and_build(read_stdin(stream, max_bytes=64 * 1024), "stdin")


# --- alignment -------------------------------------------------------------------------------

z_matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(0, 12), st.integers(0, 12)),
    # Few distinct values make ties (two best counterparts) common; a wide range crosses
    # every threshold (5.5 attach/anchor, 6.5 equivalent, 7.5 cross-event).
    elements=st.one_of(
        st.sampled_from([-3.0, 0.0, 5.5, 6.0, 6.5, 7.5, 9.0]),
        st.floats(-20, 30, allow_nan=False, allow_infinity=False),
    ),
)


@budget(3000)
@given(z=z_matrices, same_event=st.booleans())
@example(z=np.zeros((0, 5)), same_event=True)
@example(z=np.zeros((3, 0)), same_event=False)
@example(z=np.full((1, 1), 9.0), same_event=True)
@example(z=np.full((4, 4), 6.0), same_event=True)
def test_alignment_links_are_valid(z: np.ndarray, same_event: bool) -> None:
    from framing.alignment.align import align

    n, m = z.shape
    result = align(z, alignment_settings(), same_event=same_event)
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    for link in result.links:
        assert link.a and link.b
        assert link.a == sorted(set(link.a)) and link.b == sorted(set(link.b))
        assert all(0 <= i < n for i in link.a) and all(0 <= j < m for j in link.b)
        assert not seen_a & set(link.a) and not seen_b & set(link.b), "a sentence in two links"
        seen_a.update(link.a)
        seen_b.update(link.b)
        assert link.kind in ("equivalent", "partial")
        assert np.isfinite(link.score)
    assert result.only_a == [i for i in range(n) if i not in seen_a]
    assert result.only_b == [j for j in range(m) if j not in seen_b]


# --- the atheris target --------------------------------------------------------------------------


def test_atheris_target_runs_clean(tmp_path: Path) -> None:
    target = ROOT / "fuzz" / "fuzz_pipeline.py"
    done = subprocess.run(
        [
            # Through sh, which forks the target: libFuzzer reads the peak RSS of its own
            # process (ru_maxrss), which Linux carries across exec from the process that
            # spawned it, here pytest with its models loaded. A child forked from sh starts
            # from sh's few megabytes.
            "/bin/sh",
            "-c",
            '"$0" "$@"; exit $?',
            sys.executable,
            str(target),
            "-runs=2000",
            "-seed=1",
            "-len_control=0",
            "-max_len=4096",
            # lingua loads a language model (~150 MB each) the first time a text needs it;
            # with all 14 detectable languages loaded the process legitimately passes
            # libFuzzer's default 2 GB limit.
            "-rss_limit_mb=4096",
            f"-artifact_prefix={tmp_path}/",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Done 2000 runs" in done.stderr, done.stderr[-2000:]


def test_enormous_token() -> None:
    # Once quadratic: clean.py's e-mail pattern rescanned a long token from each character
    # (about 4 minutes for this input, days for a 4 MiB one); timed in
    # benchmarks/bench_speed.py (budget 20 s). Here: it ends either way it may.
    build_or_refuse(RawInput(source="big.txt", text="Заголовок статьи.\n" + "ж" * 200_000))
