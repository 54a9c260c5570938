"""The installed command and the saved model, used as a user would from outside."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def stance_command() -> str:
    found = shutil.which("stance", path=str(Path(sys.executable).parent))
    assert found, "the console script `stance` is not installed beside this Python"
    return found


def test_the_installed_command_predicts(tiny_model_path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [stance_command(), "predict", "--format", "jsonl", "NATO backed the bid."],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "STANCE_MODEL": str(tiny_model_path)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == "NATO backed the bid."


def test_the_installed_command_reports_errors_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run([stance_command(), "predict", "x"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: models/stance.joblib: no model here")
    assert "Traceback" not in result.stderr


def test_the_joblib_model_works_from_plain_python_without_importing_stance(tiny_model_path: Path) -> None:
    code = (
        "import joblib, sys; m = joblib.load(sys.argv[1]); "
        "print(m.predict(['Moscow rejected the bid.']).shape, len(m.predict_proba(['x'])), list(m.fields_))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tiny_model_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 3) 3 ['actor', 'target', 'stance']"
