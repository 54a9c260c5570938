"""`stance predict --jobs` and `--engine dask` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stance.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow


def records_file(tmp_path: Path, n: int = 300) -> Path:
    path = tmp_path / "in.jsonl"
    texts = ["Moscow rejected the bid.", "NATO backed Kyiv.", "Snow fell.", "Washington paused the aid."]
    path.write_text("".join(json.dumps({"id": i, "text": f"{texts[i % 4]} ({i})"}) + "\n" for i in range(n)))
    return path


def test_two_jobs_give_the_same_output_in_the_same_order(tiny_model_path: Path, tmp_path: Path) -> None:
    data = records_file(tmp_path)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for out, jobs in ((one, "1"), (two, "2")):
        result = runner.invoke(
            app, ["predict", "-m", str(tiny_model_path), "-i", str(data), "-f", "jsonl", "-o", str(out), "--jobs", jobs]
        )
        assert result.exit_code == 0, result.stderr
    assert one.read_text() == two.read_text()
    assert [json.loads(line)["id"] for line in two.read_text().splitlines()] == list(range(300))


def test_jobs_must_be_positive_or_minus_one(tiny_model_path: Path) -> None:
    result = runner.invoke(app, ["predict", "-m", str(tiny_model_path), "--jobs", "0", "x"])
    assert result.exit_code == 2


def test_dask_engine_needs_an_output_folder(tiny_model_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["predict", "-m", str(tiny_model_path), "-i", str(records_file(tmp_path)), "--engine", "dask", "-f", "jsonl"],
    )
    assert result.exit_code == 2
    assert "--engine dask needs" in result.stderr
