"""Property tests (issue 8): prediction on any Unicode text, reading any bytes.

``predict_records`` returns exactly one record per input whatever the text (emoji, right-to-left,
control characters, empty, very long), and each field's ``predict_proba`` row is a probability
distribution. The readers end every file of arbitrary bytes, in every input format, either with
records or with :class:`stance.DataError`, never with another exception.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import stance
from stance._data import FORMATS

# Characters that scraped text brings: emoji (with skin tones and joiners), right-to-left scripts
# and marks, combining marks, controls (NUL, escapes, line and paragraph separators), BOM.
EMOJI = st.sampled_from(["😀", "🇺🇦", "👍🏽", "👩‍👩‍👧", "🏳️‍🌈", "\u2764\ufe0f"])
RTL = st.sampled_from(["مرحبا بالعالم", "שלום", "\u202eNATO\u202c", "\u200f", "\u061c", "ܫܠܡܐ"])
CONTROL = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn"])
SPECIAL = st.sampled_from(["", " ", "\t\n", "\ufeff", "\x00", "\r\n\r\n", "\u00a0", "NATO", "Kyiv", "Moscow"])
PIECE = st.one_of(st.text(max_size=30), EMOJI, RTL, CONTROL.map(str), SPECIAL)
TEXT = st.lists(PIECE, max_size=12).map("".join)
# A very long text: a short piece repeated up to 100,000 characters.
LONG = st.builds(lambda piece, n: (piece * n)[:100_000], st.text(min_size=1, max_size=12), st.integers(1_000, 30_000))


def check_predictions(model: stance.StanceModel, texts: list[str]) -> None:
    records = stance.predict_records(model, texts)
    assert len(records) == len(texts)
    fields = list(model.fields_)
    for record, text in zip(records, texts, strict=True):
        assert record["text"] == text
        for name in fields:
            assert 0.0 <= record[f"{name}_p"] <= 1.0
        if not text.strip():
            assert [record[name] for name in fields] == ["none"] * len(fields)
    if not texts:
        return
    probas = model.predict_proba(texts)
    assert len(probas) == len(fields)
    for proba, classes in zip(probas, model.classes_, strict=True):
        assert proba.shape == (len(texts), len(classes))
        assert np.all(proba >= 0.0)
        assert np.all(proba <= 1.0)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(TEXT, max_size=8))
def test_predict_gives_one_record_per_text_and_distributions(tiny_model: stance.StanceModel, texts: list[str]) -> None:
    check_predictions(tiny_model, texts)


@settings(max_examples=8, deadline=None)
@given(texts=st.lists(st.one_of(LONG, TEXT), min_size=1, max_size=3))
def test_very_long_texts_too(tiny_model: stance.StanceModel, texts: list[str]) -> None:
    check_predictions(tiny_model, texts)


# Bytes that look like data often enough to reach past the first line: JSON, CSV and TSV
# pieces, quotes, separators, line ends, a BOM, NUL, invalid UTF-8, a date line.
TOKENS = st.sampled_from(
    [
        b"\n",
        b"\r\n",
        b"\r",
        b'"',
        b",",
        b"\t",
        b"{",
        b"}",
        b"[1]",
        b"null",
        b'{"text": "a"}\n',
        b'{"text": 5}\n',
        b'{"txt": "a"}\n',
        b"text,doc\n",
        b"text\tdoc\n",
        b"\x00",
        b"\xff",
        b"\xc3",
        b"\xe9",
        b"\xef\xbb\xbf",
        b"\xed\xa0\x80",
        b"date 2023-01-01\n",
        "é ٣ 😀".encode(),
    ]
)
RAW = st.lists(st.one_of(st.binary(max_size=40), TOKENS), max_size=40).map(b"".join)
# Files that are mostly good, line by line: a header, then good and damaged lines.
GOOD_LINE = st.sampled_from(
    [b'{"text": "NATO met.", "actor": "NATO"}', b"NATO met.,d1", b"NATO met.\td1", b'"NATO, again",d2', b"Kyiv."]
)
LINE = st.one_of(GOOD_LINE, GOOD_LINE, st.lists(st.one_of(GOOD_LINE, TOKENS, st.binary(max_size=8))).map(b"".join))
HEADER = st.sampled_from([b"", b"text,doc\n", b"text\tdoc\n", b"\xef\xbb\xbftext,doc\n", b"doc,text\n"])
LINES = st.builds(lambda header, lines: header + b"\n".join(lines), HEADER, st.lists(LINE, max_size=12))
CONTENT = st.one_of(RAW, LINES)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bytes")


_counter = itertools.count()


@settings(max_examples=120, deadline=None)
@given(
    content=CONTENT,
    fmt=st.sampled_from(FORMATS),
    by_extension=st.booleans(),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16", "utf-32", "utf-8-sig", "ascii"]),
    skip_bad=st.booleans(),
    text_mode=st.sampled_from(["lines", "documents"]),
    max_line=st.sampled_from([None, 16]),
)
def test_readers_end_with_records_or_a_data_error(
    scratch: Path,
    content: bytes,
    fmt: str,
    by_extension: bool,
    encoding: str,
    skip_bad: bool,
    text_mode: str,
    max_line: int | None,
) -> None:
    path = scratch / f"{next(_counter)}.{fmt if by_extension else 'dat'}"
    path.write_bytes(content)
    with pytest.MonkeyPatch.context() as patch:
        if max_line is not None:  # overlong lines without writing megabytes
            patch.setattr("stance._data.MAX_LINE_BYTES", max_line)
        try:
            records = list(
                stance.iter_records(
                    [path],
                    input_format=None if by_extension else fmt,
                    encoding=encoding,
                    skip_bad=skip_bad,
                    text_mode=text_mode,  # type: ignore[arg-type]
                )
            )
        except stance.DataError as error:  # the one exception allowed: one line naming the file
            message = str(error)
            records = []
        else:
            message = ""
    event(f"{fmt}: {'error' if message else 'records' if records else 'no records'}")
    if message:
        assert message.startswith(str(path))
        assert "\n" not in message
    for located in records:
        assert isinstance(located.record, dict)
        assert isinstance(located.record["text"], str)
        assert located.source == str(path)
        assert located.line >= 1


@settings(max_examples=60, deadline=None)
@given(content=CONTENT, fields=st.sampled_from([("actor", "target", "stance"), ("stance",)]))
def test_load_labelled_ends_with_data_or_a_data_error(scratch: Path, content: bytes, fields) -> None:
    path = scratch / f"{next(_counter)}.jsonl"
    path.write_bytes(content)
    try:
        data = stance.load_labelled([path], fields=fields)
    except stance.DataError as error:
        message = str(error)
    else:
        assert len(data.texts) == len(data.labels) == len(data.records)
        return
    assert message.startswith(str(path))
    assert "\n" not in message
