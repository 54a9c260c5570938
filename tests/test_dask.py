"""stance.dask on a distributed LocalCluster of 2 worker processes: equal to one process, atomic parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

import pandas as pd
from distributed import Client, LocalCluster

import stance
import stance.dask as sd
from stance._errors import DataError, StanceError
from stance._parallel import model_key


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50)
    dask_client = Client(cluster)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()


def _texts(tiny_path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in tiny_path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path, tiny_path: Path) -> Path:
    """Three JSONL files, 252 records in all (and a blank line)."""
    texts = _texts(tiny_path)
    rows = [{"id": f"{k}-{i}", "text": text} for k in range(6) for i, text in enumerate(texts)]
    data = tmp_path / "data"
    data.mkdir()
    for part in range(3):
        _write(data / f"news-{part}.jsonl", rows[part * 84 : (part + 1) * 84])
    with open(data / "news-1.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")
    return data


def _single_process(model: Any, folder: Path) -> list[dict[str, Any]]:
    records = (located.record for located in stance.iter_records([folder]))
    return list(stance.iter_predictions(model, records))


def _read_parts(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()]


def test_folder_of_jsonl_equals_single_process(
    client: Client, folder: Path, tmp_path: Path, tiny_model: Any, tiny_model_path: Path
) -> None:
    expected = _single_process(tiny_model, folder)
    out = tmp_path / "out"
    summary = sd.predict_to_folder(folder, out, tiny_model_path, scheduler=client, chunk_size=16)
    assert [p.name for p in summary.parts] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert summary.counts == [84, 84, 84]
    assert sorted(out.iterdir()) == summary.parts  # nothing else: no temporary files
    assert _read_parts(summary.parts) == expected  # same records, same fields, same order


def test_bag_and_dataframe_equal_single_process(
    client: Client, folder: Path, tmp_path: Path, tiny_model: Any, tiny_model_path: Path
) -> None:
    expected = _single_process(tiny_model, folder)
    bag = sd.predict(sd.read_bag(folder), tiny_model_path)
    assert bag.npartitions == 3
    assert bag.compute() == expected
    parquet = tmp_path / "news.parquet"
    pd.DataFrame([{"id": r["id"], "text": r["text"]} for r in expected]).to_parquet(parquet)
    frame = sd.predict(sd.read_dataframe(parquet), tiny_model_path)
    result = frame.compute()
    columns = ["id", "text", "actor", "actor_p", "target", "target_p", "stance", "stance_p"]
    assert list(result.columns) == columns
    assert result.to_dict("records") == [{k: r[k] for k in columns} for r in expected]
    summary = sd.write_parts(frame, tmp_path / "frame-out")
    assert _read_parts(summary.parts) == [{k: r[k] for k in columns} for r in expected]


def test_each_worker_loads_the_model_once(client: Client, folder: Path, tmp_path: Path, tiny_model_path: Path) -> None:
    for run in range(2):
        sd.predict_to_folder(folder, tmp_path / f"out{run}", tiny_model_path, scheduler=client, chunk_size=8)
    key = model_key(tiny_model_path)

    def loads() -> int:
        from stance._parallel import worker_load_count

        return worker_load_count(key)

    counts = client.run(loads)
    assert len(counts) == 2
    assert set(counts.values()) <= {0, 1}, counts  # loaded at most once per worker, whatever the tasks
    assert 1 in counts.values()


def test_failed_partition_leaves_no_part_file(
    client: Client, folder: Path, tmp_path: Path, tiny_model: Any, tiny_model_path: Path
) -> None:
    bad = folder / "news-1.jsonl"
    rows = [json.loads(line) for line in bad.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows[60]["stance"] = "favor"  # a field the prediction would overwrite: an error after 7 chunks of 8
    _write(bad, rows)
    out = tmp_path / "out"
    with pytest.raises(DataError, match="--prefix"):
        sd.predict_to_folder(folder, out, tiny_model_path, scheduler=client, chunk_size=8)
    left = sorted(p.name for p in out.iterdir())
    assert "part-00001.jsonl" not in left
    assert all(name.startswith("part-") and name.endswith(".jsonl") for name in left), left  # no temporary file
    good = {"part-00000.jsonl": folder / "news-0.jsonl", "part-00002.jsonl": folder / "news-2.jsonl"}
    for name in left:  # a part that was written is whole
        assert _read_parts([out / name]) == _single_process(tiny_model, good[name])


def test_output_folder_rules(client: Client, folder: Path, tmp_path: Path, tiny_model_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-00007.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(StanceError, match="holds part files"):
        sd.predict_to_folder(folder, out, tiny_model_path, scheduler=client)
    summary = sd.predict_to_folder(folder, out, tiny_model_path, scheduler=client, overwrite=True)
    assert sorted(out.iterdir()) == summary.parts  # the stale part of an earlier run is gone
    afile = tmp_path / "file"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(StanceError, match="is a file"):
        sd.predict_to_folder(folder, afile, tiny_model_path, scheduler=client)
    with pytest.raises(StanceError, match="stdin"):
        sd.predict_to_folder(["-"], tmp_path / "o2", tiny_model_path, scheduler=client)
    assert not (tmp_path / "o2").exists()


def test_dataframe_column_clash_is_refused(tmp_path: Path, tiny_model_path: Path) -> None:
    parquet = tmp_path / "gold.parquet"
    pd.DataFrame({"text": ["NATO backed Kyiv."], "actor": ["NATO"]}).to_parquet(parquet)
    with pytest.raises(DataError, match="prefix"):
        sd.predict(sd.read_dataframe(parquet), tiny_model_path)
    frame = sd.predict(sd.read_dataframe(parquet), tiny_model_path, prefix="pred_")
    assert "pred_actor" in frame.columns


def _cli_has(option: str) -> bool:
    from typer.testing import CliRunner

    from stance.cli import app

    return option in CliRunner().invoke(app, ["predict", "--help"]).stdout


@pytest.mark.skipif(not _cli_has("--engine"), reason="stance predict has no --engine yet")
def test_cli_engine_dask_writes_parts(
    client: Client, folder: Path, tmp_path: Path, tiny_model: Any, tiny_model_path: Path
) -> None:
    from typer.testing import CliRunner

    from stance.cli import app

    out = tmp_path / "out"
    address = str(client.scheduler_info()["address"])
    args = ["predict", "--engine", "dask", "--scheduler", address, "--input", str(folder / "*.jsonl"), "-f", "jsonl"]
    result = CliRunner().invoke(app, [*args, "--output", str(out), "--model", str(tiny_model_path)])
    assert result.exit_code == 0, result.output
    parts = sorted(out.iterdir())
    assert [p.name for p in parts] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert _read_parts(parts) == _single_process(tiny_model, folder)
    no_folder = CliRunner().invoke(app, [*args, "--model", str(tiny_model_path)])
    assert no_folder.exit_code == 2  # --engine dask needs --output FOLDER
