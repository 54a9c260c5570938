"""The project's own benchmarks run in their --quick mode (tiny inputs) and print their tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("ablation.py", ["--quick"], "| variant | held-out exact"),
        ("error_analysis.py", ["--quick"], "| measure | sentence by sentence | with the article (analyze) |"),
        ("segmentation.py", [], "| stance (sentencex + quote pass) |"),
        ("seeds_card.py", [], "| field | agreement | Cohen's kappa |"),
    ],
)
def test_benchmark_runs_quickly_and_prints_its_table(script: str, args: list[str], expected: str, tmp_path) -> None:
    extra = ["--out", str(tmp_path / "out.json")] if args else []
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args, *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
