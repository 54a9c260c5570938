"""Reading records: formats, folders, globs, stdin, and one-line errors for bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from stance import DataError, iter_records, load_labelled
from stance._data import MAX_LINE_BYTES, SkipLog


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def texts(paths, **kwargs) -> list[str]:
    return [located.record[kwargs.get("text_field", "text")] for located in iter_records(paths, **kwargs)]


def test_jsonl_csv_tsv_and_txt_are_chosen_by_extension(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", '{"text": "one"}\n\n{"text": "two"}\n')
    write(tmp_path / "b.csv", 'text,doc\n"three, with comma",d1\n')
    write(tmp_path / "c.tsv", "doc\ttext\nd2\tfour\n")
    write(tmp_path / "d.txt", "five\nsix\n")
    assert texts([tmp_path / n for n in ("a.jsonl", "b.csv", "c.tsv", "d.txt")]) == [
        "one",
        "two",
        "three, with comma",
        "four",
        "five",
        "six",
    ]


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "tweets.txt", "ID\tTweet\n1\thello\n")
    assert texts([path], input_format="tsv", text_field="Tweet") == ["hello"]


def test_a_folder_reads_its_data_files_in_order_and_a_glob_its_matches(tmp_path: Path) -> None:
    write(tmp_path / "b.jsonl", '{"text": "b"}\n')
    write(tmp_path / "a.jsonl", '{"text": "a"}\n')
    write(tmp_path / "notes.md", "not data")
    assert texts([tmp_path]) == ["a", "b"]
    assert texts([str(tmp_path / "*.jsonl")]) == ["a", "b"]


def test_records_carry_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '\n{"text": "x"}\n')
    (located,) = list(iter_records([path]))
    assert (located.source, located.line) == (str(path), 2)


def test_stdin_is_jsonl_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"text": "from stdin"}\n')))
    assert texts(["-"]) == ["from stdin"]


def test_txt_documents_read_a_date_line(tmp_path: Path) -> None:
    path = write(tmp_path / "article.txt", "date 2023-04-20\nFirst sentence. Second one.\n")
    (located,) = list(iter_records([path], text_mode="documents"))
    assert located.record["date"] == "2023-04-20"
    assert located.record["text"].strip() == "First sentence. Second one."
    assert located.record["doc"] == "article"


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        ('{"text": "ok"}\n{"text": \n', "not valid JSON", 2),
        ('{"text": "ok"}\n["a list"]\n', "not an object", 2),
        ('{"txt": "wrong field"}\n', "field 'text': missing", 1),
        ('{"text": 5}\n', "must be a string", 1),
        (b'{"text": "caf\xe9"}\n', "not valid utf-8", 1),
        (b'{"text": "a"}\n{"text": "\x00"}\n', "NUL byte", 2),
        ("", "holds no records", None),
    ],
)
def test_bad_jsonl_names_file_line_and_problem(tmp_path: Path, content, message: str, line: int | None) -> None:
    path = write(tmp_path / "bad.jsonl", content)
    with pytest.raises(DataError) as caught:
        list(iter_records([path]))
    text = str(caught.value)
    assert text.startswith(str(path) + (f":{line}" if line else ""))
    assert message in text
    assert "\n" not in text


def test_a_line_of_several_megabytes_is_refused_without_loading_it(tmp_path: Path) -> None:
    path = write(tmp_path / "big.jsonl", '{"text": "' + "x" * (3 * MAX_LINE_BYTES) + '"}\n')
    with pytest.raises(DataError, match=r"big.jsonl:1: line longer than"):
        list(iter_records([path]))


def test_another_encoding_can_be_chosen(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.jsonl", '{"text": "café"}\n'.encode("latin-1"))
    assert texts([path], encoding="latin-1") == ["café"]


def test_csv_without_the_text_column_names_the_column(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "body,doc\nhello,d1\n")
    with pytest.raises(DataError, match=r"a.csv:1: field 'text': no column named 'text' \(columns: body, doc\)"):
        list(iter_records([path]))


@pytest.mark.parametrize(
    ("paths", "message"),
    [(["missing.jsonl"], "no such file or folder"), (["*.nothing"], "no files match")],
)
def test_missing_inputs_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths, message) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=message):
        list(iter_records(paths))


def test_a_folder_without_data_files_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "readme.md", "nothing")
    with pytest.raises(DataError, match="folder holds no data files"):
        list(iter_records([tmp_path]))


def test_skipping_bad_records_is_explicit_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "one"}\nnot json\n{"text": "two"}\n[1]\n')
    log = SkipLog()
    assert texts([path], skip_bad=True, skip_log=log) == ["one", "two"]
    assert log.count == 2
    assert log.examples[0].startswith(f"{path}:2:")


def labelled_line(**fields) -> str:
    record = {"text": "Some sentence.", "actor": "none", "target": "none", "stance": "none", **fields}
    return json.dumps(record) + "\n"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"target": "world_peace", "actor": "NATO", "stance": "favor"}, "field 'target': 'world_peace' is not one of"),
        ({"stance": "support"}, "field 'stance': 'support' is not one of"),
        ({"actor": "NATO"}, "field 'actor': stance 'none' goes with actor and target 'none'"),
        ({"stance": "favor", "actor": "NATO"}, "field 'target': stance 'none' goes with"),
        ({"actor": ""}, "field 'actor': empty label"),
        ({"actor": None}, "field 'actor': missing label"),
        ({"text": "   "}, "field 'text': empty text"),
    ],
)
def test_labels_follow_the_annotation_guide(tmp_path: Path, record: dict, message: str) -> None:
    path = write(tmp_path / "l.jsonl", labelled_line() + labelled_line(**record))
    with pytest.raises(DataError) as caught:
        load_labelled([path])
    assert str(caught.value).startswith(f"{path}:2: ")
    assert message in str(caught.value)


def test_labelled_data_knows_its_documents_and_hash(tiny_path: Path) -> None:
    data = load_labelled([tiny_path])
    assert len(data) == 42
    assert len(set(data.groups)) == 8
    assert data.labels[1] == ("NATO", "nato_enlargement", "favor")
    assert load_labelled([tiny_path]).sha256 == data.sha256
