"""Every notebook (jupytext py:percent under notebooks/) executes without error, with small settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
REALNEWS_DEV = ROOT.parent / "shared" / "data" / "realnews_dev" / "dev.jsonl"
# With the real-news dev set present, run once more without it, so that both paths are tested.
DEV_SETTINGS = ["auto", "none"] if REALNEWS_DEV.exists() else ["auto"]


def _execute(path: Path) -> Any:
    import jupytext
    from nbclient import NotebookClient
    from traitlets.config import Config

    notebook = jupytext.read(path)
    # CurveZMQ between client and kernel: otherwise ipykernel logs a plain-TCP warning on stderr.
    config = Config({"KernelManager": {"transport_encryption": "auto"}})
    # The kernel starts in the notebook's folder, as in Jupyter, so relative paths resolve the same.
    client = NotebookClient(
        notebook,
        config=config,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("dev", DEV_SETTINGS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_with_small_settings(
    path: Path, dev: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANCE_NB_QUICK", "1")
    monkeypatch.setenv("STANCE_NB_FIGURES", str(tmp_path / "figures"))  # not the repository's reports/
    monkeypatch.setenv("MPLBACKEND", "Agg")
    if dev == "none":
        monkeypatch.setenv("STANCE_NB_DEV", "none")
    else:
        monkeypatch.delenv("STANCE_NB_DEV", raising=False)
    notebook = _execute(path)  # raises CellExecutionError naming the failing cell
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells
    assert all(cell.get("execution_count") for cell in code_cells)
    stderr = [
        output["text"]
        for cell in code_cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    ]
    assert not [text for text in stderr if "Warning" in text], stderr
    assert any(output.get("output_type") == "display_data" for cell in code_cells for output in cell.get("outputs", []))


def test_there_is_a_notebook_and_no_generated_one_is_tracked() -> None:
    assert NOTEBOOKS, "notebooks/*.py (jupytext py:percent) expected"
    for path in NOTEBOOKS:
        assert path.read_text(encoding="utf-8").lstrip().startswith("# ---"), f"{path.name}: jupytext header missing"
