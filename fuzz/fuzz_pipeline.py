"""Coverage-guided fuzzing of ingest → segmentation → lexicon → alignment (atheris).

    .venv/bin/python fuzz/fuzz_pipeline.py -max_total_time=600   # what `make fuzz` runs
    .venv/bin/python fuzz/fuzz_pipeline.py -runs=2000            # what the tests run

Each input is turned into one of: a text built from hostile pieces (mixed scripts, control,
zero-width and bidi characters, quotes, HTML, enormous tokens), raw bytes in a file (legacy
encodings, invalid bytes), JSON / JSON Lines records (broken ones too), or a z-score matrix
for the aligner. Any exception other than the project's typed refusal, and any broken
invariant (offsets that do not slice the text, overlapping sentences, a sentence in two
links), is a crash; libFuzzer writes the input that caused it to ``crash-*``. The embedding
model is never loaded: alignment is fuzzed on synthetic matrices.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from pathlib import Path

import atheris
import numpy as np

# Instrument only our own code: coverage feedback from it is what guides the fuzzer, and
# instrumenting numpy, pymorphy3 or trafilatura would only slow every run.
with atheris.instrument_imports(include=["framing"]):
    from framing.alignment.align import align, alignment_settings
    from framing.errors import InputRefused
    from framing.ingest import IngestOptions, article_id, build_article
    from framing.outlets import load_registry
    from framing.records import Sentence
    from framing.text.readers import RawInput, read_file, read_stdin
    from framing.text.segment import split_sentences
    from framing.wording.lexicon import CATEGORIES, SCARE_QUOTES, find_loaded

PIECES = [
    ". ", "? ", "! ", "… ", ".", "\n", "\n\n", "\r\n", "\r", "\v", "\f", "\x85", "\u2028",
    "\u2029", " ", "\t", "\u00a0", "«", "»", "„", "“", "”", '"', "'", "‘", "’", "(", ")",
    "— ", " – ", ", — сказал Песков.", "– ответил он.", ", he said.", "заявил: ", "U.S.",
    "т. е.", "No. 5", "e.g.", "м. Київ", "3.5", "http://x.ru/a.b", "a@b.com", "\x00", "\x07",
    "\x1b", "\u200b", "\u200d", "\u200f", "\u202e", "\ufeff", "<p>", "</p>", "<div>", "<br>",
    "&amp;", "<script>x</script>", "<html><body>", "так называемый", "якобы", "хунта",
    "киевский режим", "нібито", "так званий", "so-called", "puppet", "allegedly",
    "Поделиться", "Фото: ТАСС", "citing Reuters", "по данным «Интерфакса»",
]  # fmt: skip
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґАБВЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯІЇЄҐ'’-"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'-"
ENCODINGS = ["utf-8", "cp1251", "koi8-r", "koi8-u", "cp866", "utf-16", "utf-32"]
SUFFIXES = [".txt", ".html", ".json", ".jsonl", ".md", ""]
LANGS = [None, "ru", "uk", "en", "de", "ru-RU", "xx"]
MAX_BYTES = 64 * 1024
# One scratch file per process, overwritten by each input: libFuzzer exits without running
# Python's cleanup, so a fresh temporary folder per run would pile up.
SCRATCH = Path(tempfile.gettempdir()) / "framing-fuzz"
SCRATCH.mkdir(exist_ok=True)


# --- building inputs ---------------------------------------------------------------------------


def word(fdp: atheris.FuzzedDataProvider, alphabet: str) -> str:
    indices = fdp.ConsumeIntListInRange(fdp.ConsumeIntInRange(1, 12), 0, len(alphabet) - 1)
    return "".join(alphabet[i] for i in indices)


def hostile_text(fdp: atheris.FuzzedDataProvider) -> str:
    parts: list[str] = []
    for _ in range(fdp.ConsumeIntInRange(0, 80)):
        kind = fdp.ConsumeIntInRange(0, 9)
        if kind <= 2:
            parts.append(word(fdp, CYRILLIC) + " ")
        elif kind <= 4:
            parts.append(word(fdp, LATIN) + " ")
        elif kind <= 7:
            parts.append(fdp.PickValueInList(PIECES))
        elif kind == 8:
            parts.append(fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 8)))
        else:
            parts.append(fdp.PickValueInList(["ж", "w", ".", "«", "\u200b"]) * 3000)
    return "".join(parts)


def json_lines(fdp: atheris.FuzzedDataProvider) -> list[str]:
    lines = []
    for _ in range(fdp.ConsumeIntInRange(0, 5)):
        record: dict[str, object] = {}
        for name in ("text", "html", "id", "title", "date", "lang", "url", "outlet"):
            choice = fdp.ConsumeIntInRange(0, 5)
            if choice == 1:
                record[name] = hostile_text(fdp)
            elif choice == 2:
                record[name] = fdp.ConsumeUnicode(6)  # may hold lone surrogates
            elif choice == 3:
                record[name] = fdp.PickValueInList([None, 5, 1.5, True, [], {}, ""])
            elif choice == 4:
                record[name] = fdp.PickValueInList(["2024-01-05", "2024-02-30", "ru", "ТАСС"])
        line = json.dumps(record, ensure_ascii=fdp.ConsumeBool())
        damage = fdp.ConsumeIntInRange(0, 3)
        if damage == 1:
            line = line[: fdp.ConsumeIntInRange(0, len(line))]
        elif damage == 2:
            line += fdp.PickValueInList(["}", "{", ",", "\\", '"', "[1,"])
        lines.append(line)
    return lines


# --- invariants -------------------------------------------------------------------------------


def check_sentences(text: str, sentences: list[Sentence]) -> None:
    previous_end = 0
    for index, sentence in enumerate(sentences):
        assert sentence.index == index, sentence
        assert previous_end <= sentence.start < sentence.end <= len(text), sentence
        assert text[sentence.start : sentence.end] == sentence.text, sentence
        assert not text[previous_end : sentence.start].strip(), (previous_end, sentence)
        previous_end = sentence.end
    assert not text[previous_end:].strip(), previous_end


def check_hits(text: str, lang: str) -> None:
    previous_end = 0
    for hit in find_loaded(text, lang):
        assert previous_end <= hit.start < hit.end <= len(text), hit
        assert text[hit.start : hit.end] == hit.text, hit
        assert hit.category in (*CATEGORIES, SCARE_QUOTES), hit
        previous_end = hit.end


def check_refusal(refusal: InputRefused, source: str) -> None:
    assert refusal.source.startswith(source) and refusal.reason.strip(), refusal


def build_or_refuse(raw: RawInput, options: IngestOptions) -> None:
    try:
        article = build_article(raw, options, load_registry())
    except InputRefused as refusal:
        check_refusal(refusal, raw.source)
        return
    assert article.id == article_id(article.text)
    check_sentences(article.text, article.sentences)
    if article.lang in ("ru", "uk", "en"):
        check_hits(article.text, article.lang)


def read_and_build(path: Path, options: IngestOptions) -> None:
    for item in read_file(path, MAX_BYTES):
        if isinstance(item, InputRefused):
            check_refusal(item, str(path))
        else:
            build_or_refuse(item, options)


def check_alignment(z: np.ndarray, same_event: bool) -> None:
    n, m = z.shape
    result = align(z, alignment_settings(), same_event=same_event)
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    for link in result.links:
        assert link.a and link.b, link
        assert all(0 <= i < n for i in link.a) and all(0 <= j < m for j in link.b), link
        assert not seen_a & set(link.a) and not seen_b & set(link.b), link
        seen_a.update(link.a)
        seen_b.update(link.b)
    assert result.only_a == [i for i in range(n) if i not in seen_a], result
    assert result.only_b == [j for j in range(m) if j not in seen_b], result


# --- the target --------------------------------------------------------------------------------


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris's name)
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 4)
    lang = fdp.PickValueInList(LANGS)
    options = IngestOptions(lang=lang if lang in ("ru", "uk", "en") else None)
    if mode == 0:  # a text through every text stage
        text = hostile_text(fdp)
        check_sentences(text, split_sentences(text, lang))
        check_hits(text, fdp.PickValueInList(["ru", "uk", "en"]))
        clean = text.encode("utf-8", "replace").decode("utf-8")  # what a reader can yield
        kind = "html" if fdp.ConsumeIntInRange(0, 7) == 0 else "text"
        build_or_refuse(RawInput(source="fuzz.txt", text=clean, kind=kind), options)
    elif mode == 1:  # a text in some encoding, maybe followed by junk bytes, in a file
        encoded = hostile_text(fdp).encode(fdp.PickValueInList(ENCODINGS), "replace")
        path = SCRATCH / f"{os.getpid()}-input{fdp.PickValueInList(SUFFIXES)}"
        path.write_bytes(encoded + fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64)))
        read_and_build(path, options)
    elif mode == 2:  # raw bytes in a file
        path = SCRATCH / f"{os.getpid()}-input{fdp.PickValueInList(SUFFIXES)}"
        path.write_bytes(fdp.ConsumeBytes(fdp.remaining_bytes()))
        read_and_build(path, options)
    elif mode == 3 and fdp.ConsumeBool():  # JSON Lines on stdin, lines bounded while read
        lines = "\n".join(json_lines(fdp)).encode("utf-8", errors="surrogatepass")
        stream = io.BufferedReader(io.BytesIO(b"{" + lines))  # peek() as sys.stdin has
        for item in read_stdin(stream, fdp.ConsumeIntInRange(1, 4096)):
            if isinstance(item, InputRefused):
                check_refusal(item, "stdin")
            else:
                build_or_refuse(item, options)
    elif mode == 3:  # JSON or JSON Lines records, some broken
        path = SCRATCH / f"{os.getpid()}-batch{fdp.PickValueInList(['.jsonl', '.json', ''])}"
        path.write_text("\n".join(json_lines(fdp)), "utf-8", errors="surrogatepass")
        read_and_build(path, options)
    else:  # a z-score matrix for the aligner, any shape, NaN-free
        n, m = fdp.ConsumeIntInRange(0, 12), fdp.ConsumeIntInRange(0, 12)
        if fdp.ConsumeBool():  # few distinct values: ties
            levels = [-3.0, 0.0, 5.5, 6.0, 6.5, 7.5, 9.0]
            values = [levels[i] for i in fdp.ConsumeIntListInRange(n * m, 0, len(levels) - 1)]
        else:
            values = fdp.ConsumeFloatListInRange(n * m, -20.0, 30.0)
        check_alignment(np.array(values, dtype=np.float64).reshape(n, m), fdp.ConsumeBool())


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
