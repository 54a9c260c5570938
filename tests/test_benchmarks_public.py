"""benchmarks/public.py --quick runs end to end: exit 0, a markdown table, JSON with the expected keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stance._evaluate import SCORE_KEYS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "public.py"
DATA = ROOT.parent / "shared" / "data"

#: The files each benchmark needs, relative to the data root (it skips when one is absent).
NEEDS = {
    "semeval2016": [
        "semeval2016/semeval2016-task6-train+trial-2914.derived.txt",
        "semeval2016/SemEval2016-Task6-subtaskA-testdata-gold.txt",
    ],
    "ruw": ["ruw_russia_ukraine/raw_train_Russia_Ukraine.csv", "ruw_russia_ukraine/raw_test_Russia_Ukraine.csv"],
    "plover": ["plover_gsr_cameo/PLOVER_GSR_CAMEO.json"],
    "realnews": ["realnews_dev/dev.jsonl"],
}
#: Metric keys each benchmark's JSON must hold when it ran.
METRICS = {
    "semeval2016": {"f_avg", "f1", "f_avg_per_target", "majority_f_avg"},
    "ruw": {"Russia", "Ukraine", "mean_f_avg", "mean_macro_f1"},
    "plover": {"holder_acc", "subject_acc", "first_mention_acc", "holder_acc_strict", "holder_acc_listed"},
    "realnews": set(SCORE_KEYS),
}


def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
    )


def _available(name: str, root: Path = DATA) -> bool:
    return all((root / path).is_file() for path in NEEDS[name])


@pytest.mark.slow
def test_quick_run_prints_table_and_writes_json(tmp_path: Path, seed_model_path: Path) -> None:
    # The session's seed model (shared with other tests) spares the script a training run.
    result = _run("--quick", "--out", str(tmp_path), "--model", str(seed_model_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| benchmark | measure |" in result.stdout
    report = json.loads((tmp_path / "public-quick.json").read_text(encoding="utf-8"))
    assert report["mode"] == "quick"
    assert set(report["benchmarks"]) == set(NEEDS)
    assert report["table"] in result.stdout
    for name, needed_metrics in METRICS.items():
        entry = report["benchmarks"][name]
        if not _available(name):
            assert entry["status"] == "skipped", entry
            assert "data absent" in entry["reason"]
            continue
        assert entry["status"] == "ok", entry
        assert needed_metrics <= set(entry["metrics"]), (name, sorted(entry["metrics"]))
        assert entry["seconds"] >= 0
    if _available("realnews"):
        realnews = report["benchmarks"]["realnews"]
        assert realnews["bootstrap"]["resamples"] == 50
        for value in realnews["metrics"].values():
            low, high = value["ci95"]
            assert 0.0 <= low <= value["value"] <= high <= 1.0
    if _available("semeval2016"):
        semeval = report["benchmarks"]["semeval2016"]
        assert semeval["chosen"] in semeval["cv"]
        assert 0.0 <= semeval["metrics"]["f_avg"] <= 1.0
    if _available("plover"):
        plover = report["benchmarks"]["plover"]
        assert plover["n"] > 0
        assert plover["mapping"]["codes"]["RUS"] == "Russia"


def test_absent_data_skips_with_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    result = _run("--quick", "--data-root", str(empty), "--out", str(tmp_path / "out"), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "SKIPPED" in result.stderr
    report = json.loads((tmp_path / "out" / "public-quick.json").read_text(encoding="utf-8"))
    assert {entry["status"] for entry in report["benchmarks"].values()} == {"skipped"}
    assert all("data absent" in entry["reason"] for entry in report["benchmarks"].values())
    assert "skipped" in result.stdout
