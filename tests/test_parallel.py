"""Prediction with worker processes: same records in the same order, model loaded once per worker."""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import joblib
import pytest

import stance
from stance._errors import DataError, ModelError, StanceError
from stance._parallel import CHUNKS_PER_WORKER, ParallelStats, iter_predictions_parallel, resolve_jobs


@pytest.fixture(scope="module")
def records(tiny_path: Path) -> list[dict[str, Any]]:
    """A few hundred records: the tiny corpus's texts eight times, with ids and extra fields."""
    texts = [json.loads(line)["text"] for line in tiny_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows: list[dict[str, Any]] = [
        {"id": f"{round_}-{i}", "text": text, "source": "wire"} for round_ in range(8) for i, text in enumerate(texts)
    ]
    rows[5]["text"] = "   "  # a blank text is predicted none, as in one process
    return rows


def test_two_jobs_equal_one_job(tiny_model: Any, tiny_model_path: Path, records: list[dict[str, Any]]) -> None:
    assert len(records) >= 300
    expected = list(stance.iter_predictions(tiny_model, records))
    one = list(iter_predictions_parallel(tiny_model_path, records, jobs=1))
    stats = ParallelStats()
    two = list(iter_predictions_parallel(tiny_model_path, records, jobs=2, chunk_size=16, stats=stats))
    assert one == expected
    assert two == expected  # same records, same fields, same order
    assert [r["id"] for r in two] == [r["id"] for r in records]
    assert stats.jobs == 2
    assert stats.records == len(records)
    assert stats.chunks == math.ceil(len(records) / 16)
    assert os.getpid() not in stats.loads  # predicted in worker processes
    assert 1 <= len(stats.loads) <= 2


def test_model_loaded_once_per_worker(tiny_model_path: Path, records: list[dict[str, Any]]) -> None:
    for _ in range(2):  # the second call reuses the workers' cached model
        stats = ParallelStats()
        for _ in iter_predictions_parallel(tiny_model_path, records, jobs=2, chunk_size=8, stats=stats):
            pass
        assert stats.chunks == math.ceil(len(records) / 8)
        assert stats.loads, "no worker reported"
        assert set(stats.loads.values()) == {1}, stats.loads  # one load per worker process, never more


def test_options_and_plain_texts(tiny_model: Any, tiny_model_path: Path, records: list[dict[str, Any]]) -> None:
    gold = [{**r, "actor": "gold"} for r in records[:100]]
    options: dict[str, Any] = {"prefix": "pred_", "min_confidence": 0.6}
    expected = list(stance.iter_predictions(tiny_model, gold, **options))
    assert list(iter_predictions_parallel(tiny_model_path, gold, jobs=2, chunk_size=7, **options)) == expected
    texts = [r["text"] for r in records[:50]]
    expected_texts = list(stance.iter_predictions(tiny_model, texts, text_field="body"))
    got = list(iter_predictions_parallel(tiny_model_path, texts, jobs=2, chunk_size=7, text_field="body"))
    assert got == expected_texts


def test_input_is_read_lazily(tiny_model_path: Path, records: list[dict[str, Any]]) -> None:
    consumed = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal consumed
        for record in itertools.cycle(records):
            consumed += 1
            yield record

    chunk, jobs = 8, 2
    results = iter_predictions_parallel(tiny_model_path, endless(), jobs=jobs, chunk_size=chunk)
    first = list(itertools.islice(results, 20))
    results.close()
    assert [r["id"] for r in first] == [r["id"] for r in records[:20]]
    # Beyond what was handed out, at most the chunks in flight and the one being handed out.
    assert consumed - len(first) <= (CHUNKS_PER_WORKER * jobs + 1) * chunk


def test_field_clash_is_reported(tiny_model_path: Path, records: list[dict[str, Any]]) -> None:
    bad = [dict(r) for r in records[:40]]
    bad[30]["stance"] = "favor"
    with pytest.raises(DataError, match="--prefix"):
        list(iter_predictions_parallel(tiny_model_path, bad, jobs=2, chunk_size=8))


def test_damaged_model_is_refused_before_any_worker(tiny_model_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "model.joblib"
    shutil.copy(tiny_model_path, model)
    shutil.copy(tiny_model_path.with_name(tiny_model_path.name + ".json"), tmp_path / "model.joblib.json")
    with open(model, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match the manifest"):
        next(iter_predictions_parallel(model, ["NATO backed Kyiv."], jobs=2))
    with pytest.raises(ModelError, match="no model here"):
        next(iter_predictions_parallel(tmp_path / "absent.joblib", ["NATO backed Kyiv."], jobs=2))


def test_resolve_jobs() -> None:
    assert resolve_jobs(1) == 1
    assert resolve_jobs(3) == 3
    assert resolve_jobs(-1) == joblib.cpu_count()
    assert resolve_jobs(-2) == max(1, joblib.cpu_count() - 1)
    with pytest.raises(StanceError, match="--jobs"):
        resolve_jobs(0)


def test_input_of_one_chunk_is_predicted_here(tiny_model: Any, tiny_model_path: Path) -> None:
    # Starting workers for fewer records than a chunk would cost more than it saves.
    stats = ParallelStats()
    texts = ["NATO backed Kyiv.", "Moscow warned the alliance."]
    got = list(iter_predictions_parallel(tiny_model_path, texts, jobs=2, stats=stats))
    assert got == list(stance.iter_predictions(tiny_model, texts))
    assert stats.jobs == 1
    assert list(stats.loads) == [os.getpid()]
    assert list(iter_predictions_parallel(tiny_model_path, [], jobs=2)) == []


def _cli_has(option: str) -> bool:
    from typer.testing import CliRunner

    from stance.cli import app

    return option in CliRunner().invoke(app, ["predict", "--help"]).stdout


@pytest.mark.skipif(not _cli_has("--jobs"), reason="stance predict has no --jobs yet")
def test_cli_jobs_output_equals_one_job(tiny_model_path: Path, records: list[dict[str, Any]], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from stance.cli import app

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records * 8), encoding="utf-8")  # > one chunk
    outputs = {}
    for jobs in ("1", "2", "-1"):
        target = tmp_path / f"out{jobs}.jsonl"
        args = ["predict", "--input", str(source), "--output", str(target), "--format", "jsonl"]
        result = CliRunner().invoke(app, [*args, "--model", str(tiny_model_path), "--jobs", jobs, "--quiet"])
        assert result.exit_code == 0, result.output
        outputs[jobs] = target.read_bytes()
    assert outputs["1"] == outputs["2"] == outputs["-1"]
    assert outputs["1"].count(b"\n") == len(records) * 8
    bad = CliRunner().invoke(app, ["predict", "--input", str(source), "--model", str(tiny_model_path), "--jobs", "0"])
    assert bad.exit_code == 2
