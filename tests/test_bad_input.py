"""Issue 8, bad input through the command line: one line on stderr, the right exit code, nothing lost.

Every case runs ``stance`` through Typer's CliRunner and checks the exit code, stdout and stderr
apart. A bad-data error (exit 1) is exactly one stderr line that starts with ``error:`` and
names the file, the line and the field where they apply; there is no traceback without
``--debug``. Cases already tested elsewhere are not repeated here (docs/bad_input.md lists
each case with its test). Tests marked ``xfail(strict=True)`` show bugs outside the data and
output modules, to be fixed there.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from stance import DataError
from stance._data import MAX_LINE_BYTES
from stance._model import StanceModel
from stance._persistence import manifest_path
from stance.cli import app

runner = CliRunner()

NUL = "NUL byte in line; binary file, or UTF-16 (--encoding utf-16)?"
GOOD = {
    "text": "Moscow warned that the bloc's expansion would be met.",
    "actor": "Russia",
    "target": "nato_enlargement",
    "stance": "against",
}
NEUTRAL = {
    "text": "Ambassadors met in Brussels for about an hour.",
    "actor": "none",
    "target": "none",
    "stance": "none",
}


def invoke(*args: Any, input: str | bytes | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], input=input)


def line(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def good_lines() -> str:
    return line(GOOD) + line(NEUTRAL)


def assert_one_line_error(result: Result, *fragments: str, code: int = 1) -> str:
    """Exit ``code``, nothing on stdout, one stderr line holding every fragment, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def assert_usage_error(result: Result, *fragments: str) -> None:
    """Typer's usage error: exit 2, nothing on stdout, the usage line and what is wrong."""
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: stance ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def fast_fit(monkeypatch: pytest.MonkeyPatch, tiny_model: StanceModel) -> None:
    """Make ``fit`` copy the session's fitted tiny model: for tests about reading and writing, not learning."""

    def fit(self: StanceModel, X: Any, y: Any) -> StanceModel:
        self.__dict__.update(copy.deepcopy(tiny_model.__dict__))
        return self

    monkeypatch.setattr(StanceModel, "fit", fit)


# --- reading: every command that reads data answers the same way --------------------------------

COMMANDS = ("train", "evaluate", "predict")


def command(name: str, data: Path | str, model: Path, tmp_path: Path, *extra: Any) -> list[Any]:
    """The command line that reads ``data`` as labelled data (train, evaluate) or as input (predict)."""
    if name == "train":
        return ["train", "--data", data, "--out", tmp_path / "out" / "m.joblib", "--quiet", *extra]
    if name == "evaluate":
        return ["evaluate", "--model", model, "--data", data, *extra]
    return ["predict", "--model", model, "--format", "jsonl", "--prefix", "pred_", "--input", data, *extra]


# (id, file name, content, message, line): the file holds one or two good records, then the problem.
BAD_FILES: list[tuple[str, str, str | bytes, str, int | None]] = [
    ("empty file", "empty.jsonl", "", "holds no records (empty file?)", None),
    ("blank lines only", "blank.jsonl", "\n  \n\t\n", "holds no records (empty file?)", None),
    ("JSON that does not parse", "a.jsonl", good_lines() + '{"text": "cut off\n', "not valid JSON", 3),
    ("record that is a list", "a.jsonl", good_lines() + '["a", "list"]\n', "record is a JSON array, not an object", 3),
    ("record that is a string", "a.jsonl", line(GOOD) + '"just text"\n', "record is a JSON string, not an object", 2),
    ("record that is null", "a.jsonl", line(GOOD) + "null\n", "record is a JSON null, not an object", 2),
    ("text field missing", "a.jsonl", line(GOOD) + line({"body": "x"}), "field 'text': missing", 2),
    ("text not a string", "a.jsonl", line(GOOD) + line({**GOOD, "text": ["x"]}), "field 'text': must be a string", 2),
    (
        "CSV without the text column",
        "a.csv",
        "body,actor,target,stance\nhello,none,none,none\n",
        "field 'text': no column named 'text' (columns: body, actor, target, stance); use --text-field",
        1,
    ),
    (
        "TSV row with too many cells",
        "a.tsv",
        "text\tactor\ttarget\tstance\nx\tnone\tnone\tnone\nx\tnone\tnone\tnone\textra\n",
        "row has 5 columns, the header 4",
        3,
    ),
    (
        "CSV with an unclosed quote",
        "a.csv",
        'text,actor,target,stance\n"x,none,none,none\ny,none,none,none\nz,none,none,none\n',
        "row has 1 columns, the header 4 (the row runs over lines 2-4: an unclosed quote?)",
        2,
    ),
    (
        "bytes that are not UTF-8",
        "a.jsonl",
        good_lines().encode() + line({**NEUTRAL, "text": "Café crème."}).encode("latin-1"),
        "bytes that are not valid utf-8 at column 14; try --encoding",
        3,
    ),
    (
        "NUL byte",
        "a.jsonl",
        line(GOOD).encode() + b'{"text": "a\x00b"}\n',
        NUL,
        2,
    ),
    (
        "binary file",
        "a.jsonl",
        bytes(range(256)) * 64,
        NUL,
        1,
    ),
    ("binary file, unknown extension", "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "use --input-format", None),
]


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize(
    ("filename", "content", "message", "number"), [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES]
)
def test_a_bad_file_is_one_line_naming_file_and_line(
    name: str, filename: str, content: str | bytes, message: str, number: int | None, tiny_model_path, tmp_path
) -> None:
    path = tmp_path / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = invoke(*command(name, path, tiny_model_path, tmp_path))
    where = f"error: {path}:{number}: " if number else f"error: {path}: "
    assert assert_one_line_error(result, message).startswith(where)
    assert not (tmp_path / "out").exists()  # train wrote nothing


@pytest.mark.parametrize("name", COMMANDS)
def test_a_line_of_several_megabytes_is_refused_by_every_command(name: str, tiny_model_path, tmp_path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(good_lines() + line({**NEUTRAL, "text": "x" * (3 * MAX_LINE_BYTES)}))
    result = invoke(*command(name, path, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {path}:3: line longer than {MAX_LINE_BYTES} bytes; is this a data file?")


@pytest.mark.parametrize("name", COMMANDS)
def test_a_folder_without_data_files_and_a_glob_without_matches(name: str, tiny_model_path, tmp_path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.md").write_text("no data here")
    (folder / ".hidden.jsonl").write_text(line(GOOD))
    result = invoke(*command(name, folder, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {folder}: folder holds no data files (.jsonl, .csv, .tsv, .txt)")
    pattern = str(tmp_path / "*.nothing")
    result = invoke(*command(name, pattern, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {pattern}: no files match this pattern")


def test_a_missing_path_for_evaluate_and_data_check(tiny_model_path, tmp_path, monkeypatch) -> None:
    # predict --input and train --data: tests/test_cli.py::test_errors_are_one_line_with_the_right_exit_code
    monkeypatch.chdir(tmp_path)
    result = invoke("evaluate", "--model", tiny_model_path, "--data", "missing.jsonl")
    assert_one_line_error(result, "error: missing.jsonl: no such file or folder")
    # data check is a report: counts on stdout, each problem and a summary line on stderr
    result = invoke("data", "check", "missing.jsonl")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "problem: missing.jsonl: no such file or folder",
        "error: 1 problem(s); the corpus does not pass the basic check",
    ]


def test_stdin_problems_name_stdin_and_the_line(tiny_model_path) -> None:
    args = ("predict", "--model", tiny_model_path, "--format", "jsonl", "--input", "-")
    assert_one_line_error(invoke(*args, input=""), "error: <stdin>: holds no records")
    assert_one_line_error(
        invoke(*args, input=b'{"text": "a"}\n{"text": "caf\xe9"}\n'), "error: <stdin>:2: bytes that are not valid utf-8"
    )


def test_an_unknown_encoding_is_named(tiny_model_path, tmp_path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(line(GOOD))
    for encoding in ("klingon", "hex"):  # hex is a codec, but not one of text
        result = invoke(*command("predict", path, tiny_model_path, tmp_path, "--encoding", encoding))
        assert_one_line_error(result, f"error: unknown encoding '{encoding}'")


# --- labels: train and evaluate check them against ANNOTATION.md --------------------------------

# (id, the bad record's changes, field, message); the bad record is line 3 of the file.
BAD_LABELS: list[tuple[str, dict[str, Any], str, str]] = [
    ("label field missing", {"stance": ...}, "stance", "missing label"),
    ("label null", {"target": None}, "target", "missing label"),
    ("label empty", {"stance": ""}, "stance", "empty label"),
    ("label whitespace", {"actor": "  "}, "actor", "empty label"),
    ("label a list", {"target": ["nato_enlargement"]}, "target", "label must be a string, not list"),
    ("text empty", {"text": " "}, "text", "empty text"),
    ("target outside ANNOTATION.md", {"target": "world_peace"}, "target", "'world_peace' is not one of aid_to_ukraine"),
    ("stance outside ANNOTATION.md", {"stance": "support"}, "stance", "'support' is not one of against, favor"),
    ("stance none with an actor", {"stance": "none", "target": "none"}, "actor", "stance 'none' goes with actor"),
    ("stance none with a target", {"stance": "none", "actor": "none"}, "target", "stance 'none' goes with actor"),
    (
        "position without an actor",
        {"actor": "none"},
        "actor",
        "stance 'none' goes with actor and target 'none' and only with them "
        "(actor='none', target='nato_enlargement', stance='against')",
    ),
]


@pytest.mark.parametrize("name", ["train", "evaluate"])
@pytest.mark.parametrize(("changes", "field", "message"), [c[1:] for c in BAD_LABELS], ids=[c[0] for c in BAD_LABELS])
def test_a_bad_label_names_file_line_and_field(
    name: str, changes: dict[str, Any], field: str, message: str, tiny_model_path, tmp_path
) -> None:
    record = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}
    path = tmp_path / "labelled.jsonl"
    path.write_text(good_lines() + line(record))
    result = invoke(*command(name, path, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {path}:3: field '{field}': {message}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["train", "evaluate"])
def test_a_bad_label_in_csv_names_the_file_line(name: str, tiny_model_path, tmp_path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(
        "text,actor,target,stance\n"
        '"A quoted text\nover two lines",Russia,nato_enlargement,against\n'
        "Another sentence.,NATO,,favor\n"
    )
    result = invoke(*command(name, path, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {path}:4: field 'target': empty label")


def test_train_refuses_a_label_with_a_single_example(tiny_path: Path, tmp_path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(tiny_path.read_text() + line({**GOOD, "actor": "Narnia"}))
    result = invoke("train", "--data", data, "--out", tmp_path / "m.joblib")
    assert_one_line_error(
        result, f"error: {data}:43: field 'actor': label 'Narnia' has a single example; add examples or relabel it"
    )
    data.write_text(tiny_path.read_text() + line({**GOOD, "target": "sanctions_russia"}))
    result = invoke("train", "--data", data, "--out", tmp_path / "m.joblib")
    assert_one_line_error(result, f"error: {data}:43: field 'target': label 'sanctions_russia' has a single example")
    assert files_in(tmp_path) == ["data.jsonl"]


def test_train_refuses_a_field_with_one_label_only(tmp_path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(line(GOOD) * 3 + line({**GOOD, "stance": "favor"}) * 3)
    result = invoke(
        "train", "--data", data, "--out", tmp_path / "m.joblib", "--predict", "actor", "--predict", "stance"
    )
    assert_one_line_error(result, "error: field 'actor': every record has the same label 'Russia'; nothing to learn")


def test_labels_of_other_data_sets_are_not_checked_against_the_guide(tmp_path) -> None:
    data = tmp_path / "semeval.jsonl"
    data.write_text("".join(line({"text": f"tweet {i}", "Stance": s}) for i in range(4) for s in ("FAVOR", "AGAINST")))
    result = invoke("train", "--data", data, "--out", tmp_path / "m.joblib", "--predict", "Stance", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


# --- encodings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_another_encoding_is_chosen_with_encoding(
    name: str, tiny_path: Path, tiny_model_path, tmp_path, fast_fit
) -> None:
    data = tmp_path / "latin.jsonl"
    data.write_bytes(tiny_path.read_bytes() + line({**NEUTRAL, "text": "Café crème à Bruxelles."}).encode("latin-1"))
    assert_one_line_error(invoke(*command(name, data, tiny_model_path, tmp_path)), f"{data}:43: bytes that are not")
    result = invoke(*command(name, data, tiny_model_path, tmp_path, "--encoding", "latin-1"))
    assert result.exit_code == 0, result.stderr
    if name == "train":
        assert json.loads(manifest_path(tmp_path / "out" / "m.joblib").read_text())["training_data"]["n_records"] == 43
    elif name == "evaluate":
        assert result.stdout.startswith("43 records")
    else:
        assert json.loads(result.stdout.splitlines()[-1])["text"] == "Café crème à Bruxelles."


def test_a_utf16_export_names_the_header_and_encoding_reads_it(tiny_model_path, tmp_path) -> None:
    data = tmp_path / "excel.tsv"  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    data.write_bytes("text\tdoc\nCafé à Kyiv.\td1\nNATO 😀\td2\n".encode("utf-16"))
    result = invoke(*command("predict", data, tiny_model_path, tmp_path))
    assert_one_line_error(result, f"error: {data}:1: cannot read the header: NUL byte", "--encoding utf-16")
    result = invoke(*command("predict", data, tiny_model_path, tmp_path, "--encoding", "utf-16"))
    assert result.exit_code == 0, result.stderr
    assert [json.loads(row)["text"] for row in result.stdout.splitlines()] == ["Café à Kyiv.", "NATO 😀"]


# --- outputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["glob", "folder"])
def test_an_output_that_an_input_pattern_or_folder_reads_is_refused(where: str, tiny_model_path, tmp_path) -> None:
    # The plain file case: tests/test_cli.py::test_output_may_not_be_the_input_or_a_folder
    data = tmp_path / "in.jsonl"
    data.write_text(line({"text": "x"}))
    before = data.read_bytes()
    source = str(tmp_path / "*.jsonl") if where == "glob" else str(tmp_path)
    result = invoke("predict", "-m", tiny_model_path, "-i", source, "-f", "jsonl", "-o", data)
    assert_one_line_error(result, f"error: {data}: the output is also an input; choose another --output")
    assert data.read_bytes() == before
    assert files_in(tmp_path) == ["in.jsonl"]


def test_train_refuses_an_output_that_is_its_data(tiny_path: Path, tmp_path, fast_fit) -> None:
    data = tmp_path / "data.jsonl"
    data.write_bytes(tiny_path.read_bytes())
    result = invoke("train", "--data", data, "--out", data, "--save-as", "joblib")
    assert data.read_bytes() == tiny_path.read_bytes()
    assert_one_line_error(result, f"error: {data}: the output is also an input")


def test_train_refuses_a_folder_as_out_and_as_the_manifest(tiny_path: Path, tmp_path, fast_fit) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    result = invoke("train", "--data", tiny_path, "--out", folder)
    assert_one_line_error(result, f"error: {folder}: is a folder; give a file path for --out")
    (tmp_path / "m.joblib.json").mkdir()
    result = invoke("train", "--data", tiny_path, "--out", tmp_path / "m.joblib")
    assert_one_line_error(result, f"error: {tmp_path / 'm.joblib.json'}: is a folder; give a file path for --out")
    assert not any(name.endswith(".tmp") for name in files_in(tmp_path))


def test_predict_csv_output_to_a_folder_is_refused(tiny_model_path, tmp_path) -> None:
    # --format jsonl: tests/test_cli.py::test_output_may_not_be_the_input_or_a_folder
    result = invoke("predict", "-m", tiny_model_path, "-f", "csv", "-o", tmp_path, "A sentence.")
    assert_one_line_error(result, f"error: {tmp_path}: is a folder; give a file path for --output")


@pytest.mark.parametrize("name", ["predict", "train"])
def test_an_output_below_a_file_is_one_line(name: str, tiny_path: Path, tiny_model_path, tmp_path, fast_fit) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    target = blocker / "out.jsonl"
    if name == "predict":
        result = invoke("predict", "-m", tiny_model_path, "-f", "jsonl", "-o", target, "A sentence.")
    else:
        result = invoke("train", "--data", tiny_path, "--out", blocker / "m.joblib")
        target = blocker / "m.joblib"
    assert_one_line_error(result, f"error: {target}: cannot write here ({blocker} is a file, not a folder)")


def test_a_model_path_that_is_a_folder_is_refused(tmp_path) -> None:
    result = invoke("predict", "--model", tmp_path, "A sentence.")
    assert_one_line_error(result, f"error: {tmp_path}: is a folder, expected a model file")


def test_info_on_a_folder_says_it_is_a_folder(tmp_path) -> None:
    assert_one_line_error(invoke("info", tmp_path), f"error: {tmp_path}: is a folder")


def test_evaluate_report_dir_that_is_a_file_is_one_line(tiny_path: Path, tiny_model_path, tmp_path) -> None:
    report = tmp_path / "report"
    report.write_text("a file")
    result = invoke("evaluate", "-m", tiny_model_path, "--data", tiny_path, "--report-dir", report)
    assert_one_line_error(result, str(report))


# --- wrong option values: Typer's usage error ---------------------------------------------------

WRONG_OPTIONS = [
    (("train", "--cv", "abc"), "Invalid value for '--cv'"),
    (("train", "--save-as", "pickle"), "Invalid value for '--save-as'"),
    (("train", "--input-format", "xml"), "Invalid value for '--input-format'"),
    (("predict", "--min-confidence", "2", "x"), "Invalid value for '--min-confidence'"),
    (("predict", "--min-confidence", "abc", "x"), "Invalid value for '--min-confidence'"),
    (("predict", "--input-format", "xml", "--input", "-"), "Invalid value for '--input-format'"),
    (("predict", "--bogus", "x"), "No such option: --bogus"),
    (("evaluate", "--data", "x.jsonl", "--format", "xml"), "Invalid value for '--format'"),
    (("evaluate", "--data", "x.jsonl", "--errors", "many"), "Invalid value for '--errors'"),
    (("evaluate",), "Missing option '--data'"),
    (("cv", "--folds", "1"), "Invalid value for '--folds'"),
    (("data", "check", "--profile", "strict"), "Invalid value for '--profile'"),
    (("info", "--verbose"), "No such option: --verbose"),
]


@pytest.mark.parametrize(("args", "message"), WRONG_OPTIONS, ids=[" ".join(a[0]) for a in WRONG_OPTIONS])
def test_a_wrong_option_value_is_typers_usage_error(args, message: str, tmp_path, monkeypatch) -> None:
    # predict --format xml, predict without input, an unknown command: tests/test_cli.py
    monkeypatch.chdir(tmp_path)
    assert_usage_error(invoke(*args), message)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("args", [("train", "--cv", "1"), ("train", "--cv", "-3"), ("evaluate", "--errors", "-1")])
def test_a_meaningless_number_is_a_usage_error(args, tiny_path: Path, tiny_model_path, tmp_path, monkeypatch) -> None:
    def no_training(*args: Any, **kwargs: Any) -> None:
        raise DataError("the command ran instead of refusing the option")

    monkeypatch.setattr("stance._train.train", no_training)
    if args[0] == "train":
        extra: tuple[Any, ...] = ("--data", tiny_path, "--out", tmp_path / "m.joblib")
    else:
        extra = ("--data", tiny_path, "--model", tiny_model_path)
    assert_usage_error(invoke(*args, *extra))


def test_too_many_folds_for_the_data_is_one_line(tiny_path: Path, tmp_path) -> None:
    result = invoke("train", "--data", tiny_path, "--out", tmp_path / "m.joblib", "--cv", "100")
    assert_one_line_error(result, "100-fold cross-validation needs at least 100 documents, found 8")


# --- predict: blank texts are none, no record is dropped silently -------------------------------


def test_empty_and_whitespace_texts_are_none(tiny_model_path, tmp_path) -> None:
    # "   " as an argument with --format json: tests/test_cli.py::test_empty_text_is_none
    texts = ["", "\t", "\n", " \u00a0 \u2003 ", "Moscow rejected it."]
    result = invoke("predict", "-m", tiny_model_path, "-f", "jsonl", *texts)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(row) for row in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == texts
    for row in rows[:-1]:
        assert (row["actor"], row["target"], row["stance"]) == ("none", "none", "none")
        assert row["stance_p"] == 1.0
    data = tmp_path / "blank.jsonl"
    data.write_text(line({"text": ""}) + line({"text": " \t "}) + line({"text": "Moscow rejected it."}))
    result = invoke("predict", "-m", tiny_model_path, "-f", "jsonl", "-i", data)
    assert result.exit_code == 0, result.stderr
    assert [json.loads(row)["stance"] for row in result.stdout.splitlines()][:2] == ["none", "none"]


def test_blank_lines_of_a_text_file_are_kept_as_none(tiny_model_path) -> None:
    result = invoke(
        "predict", "-m", tiny_model_path, "-f", "jsonl", "-i", "-", "--input-format", "txt", input="a\n\n   \nb\n"
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(row) for row in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == ["a", "", "   ", "b"]
    assert [row["stance"] for row in rows[1:3]] == ["none", "none"]


def plain(n: int) -> list[bytes]:
    return [line({"text": f"Sentence number {i}."}).encode() for i in range(n)]


# (id, the bytes that replace record 3 of 8, message): a bad line costs that record only.
BAD_LINES = [
    ("not UTF-8", b'{"text": "caf\xe9"}\n', "bytes that are not valid utf-8"),
    ("NUL byte", b'{"text": "a\x00"}\n', "NUL byte in line"),
    ("several megabytes", b'{"text": "' + b"x" * (2 * MAX_LINE_BYTES) + b'"}\n', "line longer than"),
    ("not JSON", b"{oops\n", "not valid JSON"),
    ("not an object", b"[1, 2]\n", "not an object"),
    ("no text", b'{"body": "x"}\n', "field 'text': missing"),
]


@pytest.mark.parametrize(("bad", "message"), [c[1:] for c in BAD_LINES], ids=[c[0] for c in BAD_LINES])
def test_skip_bad_records_skips_one_record_and_says_how_many_and_where(
    bad: bytes, message: str, tiny_model_path, tmp_path
) -> None:
    records = plain(8)
    records[2] = bad
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"".join(records))
    out = tmp_path / "out.jsonl"
    args = ("predict", "-m", tiny_model_path, "-f", "jsonl", "-i", data, "-o", out)
    assert_one_line_error(invoke(*args), f"error: {data}:3: ", message)
    assert files_in(tmp_path) == ["in.jsonl"]  # nothing written, no temporary file left
    result = invoke(*args, "--skip-bad-records")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    kept = [json.loads(row)["text"] for row in out.read_text().splitlines()]
    assert kept == [f"Sentence number {i}." for i in range(8) if i != 2]
    wrote, skipped = result.stderr.splitlines()
    assert wrote == f"wrote 7 record(s) to {out}"
    assert skipped.startswith(f"skipped 1 bad record(s); first: {data}:3: ")
    assert message in skipped


@pytest.mark.parametrize(
    ("filename", "content", "kept"),
    [
        ("in.csv", b"text,doc\ns0,d\ns\xff1,d\ns2,d\n", ["s0", "s2"]),
        ("in.tsv", b"text\tdoc\ns0\td\ns1\x00\td\ns2\td\n", ["s0", "s2"]),
        ("in.txt", b"s0\ns\xff1\ns2\n", ["s0", "s2"]),
    ],
)
def test_skip_bad_records_in_csv_tsv_and_txt_skips_only_the_bad_line(
    filename: str, content: bytes, kept: list[str], tiny_model_path, tmp_path
) -> None:
    data = tmp_path / filename
    data.write_bytes(content)
    result = invoke("predict", "-m", tiny_model_path, "-f", "jsonl", "-i", data, "--skip-bad-records")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(row)["text"] for row in result.stdout.splitlines()] == kept
    assert result.stderr.startswith(f"skipped 1 bad record(s); first: {data}:")


def test_skip_bad_records_counts_across_files_and_still_refuses_an_empty_file(tiny_model_path, tmp_path) -> None:
    first = tmp_path / "a.jsonl"
    first.write_bytes(b"".join(plain(2)) + b"oops\n[1]\n")
    second = tmp_path / "b.jsonl"
    second.write_bytes(b"{bad\n" + b"".join(plain(1)))
    args = ("predict", "-m", tiny_model_path, "-f", "jsonl", "--skip-bad-records", "-i", first, "-i", second)
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr.startswith(f"skipped 3 bad record(s); first: {first}:3: not valid JSON")
    assert f"{first}:4: record is a JSON array" in result.stderr
    assert f"{second}:1: not valid JSON" in result.stderr
    empty = tmp_path / "c.jsonl"
    empty.write_text("")
    assert_one_line_error(invoke(*args, "-i", empty), f"error: {empty}: holds no records")


def test_a_clash_with_a_predicted_field_names_file_and_line(tiny_model_path, tiny_path: Path) -> None:
    result = invoke("predict", "-m", tiny_model_path, "-i", tiny_path, "-f", "jsonl")
    assert_one_line_error(result, f"error: {tiny_path}:1: field 'actor': the input already has a field named 'actor'")


# --- nothing lost: a failed or interrupted training run keeps the previous model ----------------


@pytest.fixture
def previous_model(tiny_model_path: Path, tmp_path: Path) -> tuple[Path, bytes, bytes]:
    """A trained model and its manifest alone in a folder, and the bytes of both."""
    out = tmp_path / "models" / tiny_model_path.name
    out.parent.mkdir()
    shutil.copy2(tiny_model_path, out)
    shutil.copy2(manifest_path(tiny_model_path), manifest_path(out))
    return out, out.read_bytes(), manifest_path(out).read_bytes()


def other_data(tiny_path: Path, tmp_path: Path) -> Path:
    """Training data that gives another model than tiny.jsonl's."""
    data = tmp_path / "more.jsonl"
    data.write_text(tiny_path.read_text() + line({**GOOD, "text": "The Kremlin again rejected the alliance's growth."}))
    return data


def assert_untouched(previous: tuple[Path, bytes, bytes]) -> None:
    out, model_bytes, manifest_bytes = previous
    assert (out.read_bytes(), manifest_path(out).read_bytes()) == (model_bytes, manifest_bytes)
    assert files_in(out.parent) == [out.name, manifest_path(out).name]


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "interrupted; nothing was written"),
        (OSError(28, "No space left on device"), 1, None),
        (MemoryError(), 1, None),
    ],
    ids=["interrupt", "disk full", "memory"],
)
def test_a_failed_or_interrupted_training_keeps_the_previous_model(
    error: BaseException, code: int, message: str | None, previous_model, tiny_path: Path, tmp_path, monkeypatch
) -> None:
    def failing_fit(self, X, y):
        raise error

    monkeypatch.setattr(StanceModel, "fit", failing_fit)
    result = invoke("train", "--data", other_data(tiny_path, tmp_path), "--out", previous_model[0])
    assert result.exit_code == code
    assert result.stdout == ""
    if message is not None:
        assert_one_line_error(result, message, code=code)
    assert_untouched(previous_model)


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), MemoryError()], ids=["disk full", "memory"])
def test_an_unexpected_training_failure_is_one_line(
    error: BaseException, previous_model, tiny_path: Path, tmp_path, monkeypatch
) -> None:
    def failing_fit(self, X, y):
        raise error

    monkeypatch.setattr(StanceModel, "fit", failing_fit)
    result = invoke("train", "--data", other_data(tiny_path, tmp_path), "--out", previous_model[0])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert_one_line_error(result, "error: ")


def test_an_interrupt_while_the_manifest_is_written_keeps_the_previous_model(
    previous_model, tiny_model: StanceModel, tiny_path: Path, monkeypatch
) -> None:
    def another_model(self: StanceModel, X: Any, y: Any) -> StanceModel:
        self.__dict__.update(copy.deepcopy(tiny_model.__dict__))
        self.max_iter += 1  # a model whose file differs from the previous one
        return self

    def interrupted_dump(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(StanceModel, "fit", another_model)
    monkeypatch.setattr("stance._persistence.json.dump", interrupted_dump)
    result = invoke("train", "--data", tiny_path, "--out", previous_model[0])
    monkeypatch.undo()
    assert_one_line_error(result, "interrupted", code=130)
    assert_untouched(previous_model)


def test_a_retrained_model_keeps_the_file_permissions(previous_model, tiny_path: Path, tmp_path, fast_fit) -> None:
    out = previous_model[0]
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()  # not the 0o600 of a temporary file
    os.chmod(out, 0o640)
    result = invoke("train", "--data", other_data(tiny_path, tmp_path), "--out", out, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
