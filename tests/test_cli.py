"""The command line, through Typer's CliRunner: exit code, stdout and stderr checked apart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_help_lists_the_commands() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("train", "predict", "info"):
        assert command in result.stdout


def test_help_imports_no_scikit_learn() -> None:
    code = (
        "import sys; from stance.cli import app; from typer.testing import CliRunner; "
        "CliRunner().invoke(app, ['--help']); "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy', 'joblib', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_train_writes_model_and_manifest(tiny_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.joblib"
    result = invoke("train", "--data", tiny_path, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "trained on 42 records (8 documents)" in result.stderr
    assert out.exists()
    assert (tmp_path / "m.joblib.json").exists()


def test_predict_jsonl_keeps_input_order_and_adds_fields_with_probabilities(tiny_model_path: Path) -> None:
    result = invoke("predict", "--model", tiny_model_path, "--format", "jsonl", "Moscow rejected it.", "Snow fell.")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["Moscow rejected it.", "Snow fell."]
    for row in rows:
        assert set(row) == {"text", "actor", "actor_p", "target", "target_p", "stance", "stance_p"}
        assert 0.0 <= row["stance_p"] <= 1.0


def test_predict_keeps_input_fields_and_refuses_to_overwrite_gold_labels(
    tiny_model_path: Path, tiny_path: Path
) -> None:
    result = invoke("predict", "--model", tiny_model_path, "--input", tiny_path, "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "already has a field named 'actor'; use --prefix" in result.stderr
    result = invoke("predict", "-m", tiny_model_path, "-i", tiny_path, "-f", "jsonl", "--prefix", "pred_")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 42
    assert {"id", "doc", "actor", "pred_actor", "pred_stance_p"} <= set(rows[0])


def test_predict_reads_stdin_and_writes_csv_to_a_file(tiny_model_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke(
        "predict",
        "-m",
        tiny_model_path,
        "--input",
        "-",
        "--input-format",
        "txt",
        "-f",
        "csv",
        "-o",
        out,
        input="Moscow rejected it.\nSnow fell.\n",
    )
    assert result.exit_code == 0, result.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "text,actor,actor_p,target,target_p,stance,stance_p"
    assert len(lines) == 3


def test_empty_text_is_none(tiny_model_path: Path) -> None:
    result = invoke("predict", "-m", tiny_model_path, "-f", "json", "   ")
    rows = json.loads(result.stdout)
    assert (rows[0]["actor"], rows[0]["target"], rows[0]["stance"]) == ("none", "none", "none")


def test_table_output_is_readable(tiny_model_path: Path) -> None:
    result = invoke("predict", "-m", tiny_model_path, "Moscow rejected it.")
    assert result.exit_code == 0
    assert "Moscow rejected it." in result.stdout
    assert "stance" in result.stdout


def test_info_shows_the_manifest(tiny_model_path: Path) -> None:
    result = invoke("info", tiny_model_path)
    assert result.exit_code == 0
    assert "fields       actor, target, stance" in result.stdout
    assert json.loads(invoke("info", tiny_model_path, "--json").stdout)["guide_version"] == "1.0"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("predict", "--model", "nope.joblib", "x"), 1, "error: nope.joblib: no model here; train one with"),
        (("predict", "--input", "missing.jsonl"), 1, "error: missing.jsonl: no such file or folder"),
        (("train", "--data", "missing"), 1, "error: missing: no such file or folder"),
        (("predict", "--format", "xml", "x"), 2, "Invalid value for '--format'"),
        (("predict",), 2, "give sentences as arguments or --input"),
        (("frobnicate",), 2, "No such command"),
    ],
)
def test_errors_are_one_line_with_the_right_exit_code(
    args, code: int, message: str, tmp_path, monkeypatch, tiny_model_path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STANCE_MODEL", str(tiny_model_path))
    result = invoke(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1


def test_output_may_not_be_the_input_or_a_folder(tiny_model_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "x"}\n')
    result = invoke("predict", "-m", tiny_model_path, "-i", data, "-f", "jsonl", "-o", data)
    assert result.exit_code == 1
    assert "the output is also an input" in result.stderr
    assert data.read_text() == '{"text": "x"}\n'
    result = invoke("predict", "-m", tiny_model_path, "-i", data, "-f", "jsonl", "-o", tmp_path)
    assert result.exit_code == 1
    assert "is a folder" in result.stderr


def test_bad_records_can_be_skipped_and_are_reported(tiny_model_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "a"}\nnot json\n{"text": "b"}\n')
    result = invoke("predict", "-m", tiny_model_path, "-i", data, "-f", "jsonl")
    assert result.exit_code == 1
    assert f"{data}:2: not valid JSON" in result.stderr
    result = invoke("predict", "-m", tiny_model_path, "-i", data, "-f", "jsonl", "--skip-bad-records")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert f"skipped 1 bad record(s); first: {data}:2:" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("--debug", "predict", "--model", "nope.joblib", "x")
    assert result.exit_code == 1
    assert result.exception is not None


def test_the_measured_abstain_threshold_is_the_default(tiny_model_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "m.joblib"
    model.write_bytes(tiny_model_path.read_bytes())
    manifest = json.loads((tiny_model_path.parent / "tiny.joblib.json").read_text())
    manifest["calibration"] = {"min_confidence": 0.999}
    (tmp_path / "m.joblib.json").write_text(json.dumps(manifest))
    text = "NATO allies pledged to keep supplying Kyiv for as long as it takes."
    abstained = json.loads(invoke("predict", "-m", model, "-f", "json", text).stdout)[0]
    assert abstained["stance"] == "none"
    given = json.loads(invoke("predict", "-m", model, "-f", "json", "--min-confidence", "0", text).stdout)[0]
    assert given["stance"] != "none"
