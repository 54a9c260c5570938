"""benchmarks/speed.py --quick runs end to end: exit 0, its markdown table, JSON with every section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "speed.py"


@pytest.mark.slow
def test_quick_run_prints_table_and_writes_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| section | measure | value | note |" in result.stdout
    report = json.loads((tmp_path / "speed-quick.json").read_text(encoding="utf-8"))
    assert report["mode"] == "quick"
    assert report["table"] in result.stdout
    sections = report["benchmarks"]
    assert set(sections) == {"training", "throughput", "reference", "memory"}
    assert all(entry["status"] == "ok" for entry in sections.values()), sections

    throughput = sections["throughput"]
    assert throughput["bare_per_s"] > 0
    assert throughput["bare_2proc_per_s"] > 0
    assert set(throughput["modes"]) == {"cli_jobs1", "jobs1", "jobs2"}
    assert all(mode["per_s"] > 0 and mode["vs_bare"] > 0 for mode in throughput["modes"].values())
    assert all(mode["cpu_seconds"] > 0 for mode in throughput["modes"].values())
    assert throughput["outputs_equal_jobs1_jobs2"] is True
    assert throughput["outputs_equal_cli_driver"] is True
    for peer in ("PETRARCH-2", "TABARI"):
        assert peer in result.stdout

    reference = sections["reference"]
    for name in ("reference", "default"):
        assert 0.0 <= reference["models"][name]["exact"] <= 1.0
        assert reference["models"][name]["per_s"] > 0
    assert reference["default_vs_reference_speed"] > 0

    training = sections["training"]["rows"]
    assert [row["size"] for row in training] == [1, 4]
    assert training[1]["records"] == 4 * training[0]["records"]
    assert all(row["model_mb"] > 0 and row["fit_seconds"] >= 0 for row in training)

    memory = sections["memory"]["rows"]
    assert [row["n"] for row in memory] == [1_000, 2_000]
    assert all(row["jobs1_peak_mb"] > 0 and row["jobs2_peak_mb"] > 0 for row in memory)
