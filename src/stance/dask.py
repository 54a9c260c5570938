"""Predict on a Dask cluster: Bags and DataFrames of records, one part file per partition.

Needs the optional extra ``stance[dask]`` (``pip install 'stance[dask]'``)::

    from distributed import Client
    import stance.dask

    with Client("tcp://scheduler:8786"):
        bag = stance.dask.read_bag("data/")  # a folder of JSONL (or CSV, TSV, TXT) files
        predicted = stance.dask.predict(bag, "models/stance.joblib")  # lazy, map_partitions
        stance.dask.write_parts(predicted, "out/")  # out/part-00000.jsonl, ... each atomically

        frame = stance.dask.read_dataframe("data/*.parquet")
        stance.dask.predict(frame, "models/stance.joblib").head()

        stance.dask.predict_to_folder(["data/*.jsonl"], "out/", "models/stance.joblib")

Each worker process loads the model once, by path, through :func:`stance.load_model` (which
checks the file's sha256 against its manifest), and keeps it for the following partitions;
the model path, the input files and the output folder must be visible to every worker under
the same names (a shared file system). Output order: part files in partition order, and
records inside each part in input order, so reading the parts in name order gives the input
order.

The scikit-learn pipeline is not wrapped in dask-ml's ``ParallelPostFit``: on text columns it
predicted in one process, and on a one-column frame returned the wrong number of rows.
"""

from __future__ import annotations

import contextlib
import glob
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from ._atomic import atomic_write
from ._data import STDIN, iter_records, resolve_sources
from ._errors import DataError, StanceError
from ._output import write_records
from ._parallel import LoadOptions, ModelKey, PredictOptions, _predict_in_worker, model_key
from ._persistence import read_manifest
from ._predict import DEFAULT_CHUNK_SIZE, output_names

__all__ = [
    "PartsSummary",
    "predict",
    "predict_bag",
    "predict_dataframe",
    "predict_to_folder",
    "read_bag",
    "read_dataframe",
    "write_parts",
]

#: Output formats of part files, and their extensions.
PART_FORMATS = {"jsonl": "jsonl", "csv": "csv", "parquet": "parquet"}
PART_PREFIX = "part-"


@dataclass(frozen=True)
class _Job:
    """What a worker needs to predict a partition: the model's key and the options."""

    key: ModelKey
    load: LoadOptions
    options: PredictOptions
    chunk_size: int = DEFAULT_CHUNK_SIZE


@dataclass
class PartsSummary:
    """The part files a run wrote, in partition order, and how many records each holds."""

    folder: Path
    parts: list[Path] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Records written in all parts."""
        return sum(self.counts)


# -- reading ----------------------------------------------------------------------------------


def _is_parquet(name: str) -> bool:
    return name.lower().endswith((".parquet", ".parq", ".pq"))


def _parquet_files(paths: Sequence[str | Path]) -> list[str]:
    files: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*") if p.is_file() and _is_parquet(p.name))
        elif path.is_file():
            found = [str(path)]
        else:
            found = sorted(p for p in glob.glob(str(raw), recursive=True) if Path(p).is_file())
        if not found:
            raise DataError("no Parquet files here", str(raw))
        files.extend(found)
    return files


def input_kind(paths: Sequence[str | Path], input_format: str | None = None) -> str:
    """``parquet`` if the inputs are Parquet files, else the record format (default by extension)."""
    if input_format is not None:
        return input_format
    for raw in paths:
        name = str(raw)
        if name == STDIN:
            raise StanceError("the dask engine reads files, not stdin; give --input PATH")
        path = Path(name)
        if _is_parquet(name) or (path.is_dir() and any(_is_parquet(p.name) for p in path.rglob("*"))):
            return "parquet"
    return "records"


def _read_file(path: str, input_format: str | None, text_field: str, encoding: str) -> list[dict[str, Any]]:
    """Every record of one file, validated as the command line does (errors name file:line)."""
    return [
        located.record
        for located in iter_records([path], input_format=input_format, text_field=text_field, encoding=encoding)
    ]


def _parse_jsonl_block(lines: Sequence[str], source: str) -> list[dict[str, Any]]:
    records = []
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"not valid JSON: {exc.msg}", source) from exc
        if not isinstance(record, dict):
            raise DataError("a line is not a JSON object", source)
        records.append(record)
    return records


def read_bag(
    paths: str | Path | Sequence[str | Path],
    *,
    input_format: str | None = None,
    text_field: str = "text",
    encoding: str = "utf-8",
    blocksize: int | str | None = None,
) -> db.Bag:
    """A Bag of records (dicts) from files, folders or glob patterns, in input order.

    Parameters
    ----------
    paths : path or sequence of paths
        Files, folders (their data files, sorted) or glob patterns, as for ``stance predict``.
    input_format : {'jsonl', 'csv', 'tsv', 'txt'}, optional
        By default from each file's extension.
    text_field, encoding
        As for :func:`stance.iter_records`.
    blocksize : int or str, optional
        ``None``: one partition per file, read with :func:`stance.iter_records` (errors name
        file, line and field). Else JSONL files are split into blocks of about this many
        bytes (``"64MiB"``), at line boundaries.
    """
    sources = resolve_sources([paths] if isinstance(paths, str | Path) else list(paths), input_format)
    if STDIN in sources:
        raise StanceError("the dask engine reads files, not stdin; give --input PATH")
    if blocksize is None:
        parts = [dask.delayed(_read_file)(s, input_format, text_field, encoding) for s in sources]
        return db.from_delayed(parts)
    if input_format not in (None, "jsonl") or any(not s.endswith((".jsonl", ".ndjson", ".json")) for s in sources):
        raise StanceError("blocksize splits JSONL files only; read other formats one partition per file")
    blocks = db.read_text(sources, blocksize=blocksize, encoding=encoding, include_path=True)
    return blocks.map_partitions(_parse_blocks)


def _parse_blocks(items: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    source = items[0][1] if items else "?"
    return _parse_jsonl_block([line for line, _ in items], source)


def read_dataframe(
    paths: str | Path | Sequence[str | Path],
    *,
    input_format: str | None = None,
    blocksize: int | str | None = None,
) -> dd.DataFrame:
    """A Dask DataFrame from Parquet or JSONL files, folders or glob patterns.

    JSONL is read without type inference (strings stay strings, dates are not parsed);
    ``blocksize`` splits JSONL files into blocks (default: one partition per file).
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if input_kind(items, input_format) == "parquet":
        return dd.read_parquet(_parquet_files(items))
    sources = resolve_sources(items, input_format or "jsonl")
    return dd.read_json(sources, lines=True, blocksize=blocksize, dtype=False, convert_dates=False)


# -- predicting -------------------------------------------------------------------------------


def _job(
    model_path: str | Path | None,
    *,
    text_field: str,
    prefix: str,
    min_confidence: float | None,
    trust_unverified: bool,
    allow_version_mismatch: bool,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> _Job:
    return _Job(
        model_key(model_path, trust_unverified=trust_unverified),
        LoadOptions(trust_unverified, allow_version_mismatch),
        PredictOptions(text_field, prefix, min_confidence),
        chunk_size,
    )


def _manifest_names(job: _Job) -> tuple[list[str], list[str]]:
    """The predicted field names (with probabilities) and the model's given fields."""
    manifest = read_manifest(job.key[0])
    return output_names(manifest["fields"], job.options.prefix), list(manifest.get("given", []))


def _predict_rows(rows: list[dict[str, Any]], job: _Job) -> list[dict[str, Any]]:
    """``rows`` with their predictions, by the worker's cached model."""
    if not rows:
        return []
    text_field = job.options.text_field
    for row in rows:
        if not isinstance(row.get(text_field), str):
            value = row.get(text_field)
            problem = "missing" if value is None else f"must be a string, not {type(value).__name__}"
            raise DataError(f"{problem} in a record of this partition", field=text_field)
    names, values, _, _ = _predict_in_worker(job.key, job.load, job.options, rows)
    for row, row_values in zip(rows, values, strict=True):
        row.update(zip(names, row_values, strict=True))
    return rows


def _predict_record_partition(records: Sequence[dict[str, Any]], job: _Job) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(records), job.chunk_size):
        out.extend(_predict_rows([dict(r) for r in records[start : start + job.chunk_size]], job))
    return out


def _check_text_column(frame: pd.DataFrame, text_field: str) -> None:
    texts = frame[text_field]
    bad = texts.isna() | ~texts.map(lambda t: isinstance(t, str))
    if bool(bad.any()):
        raise DataError(f"{int(bad.sum())} record(s) without a string text in this partition", field=text_field)


def _predict_frame_partition(frame: pd.DataFrame, job: _Job, names: list[str], given: list[str]) -> pd.DataFrame:
    text_field = job.options.text_field
    out = frame.copy()
    if frame.empty:
        for name in names:
            out[name] = pd.Series(dtype="float64" if name.endswith("_p") else object)
        return out
    _check_text_column(frame, text_field)
    columns = [text_field, *given]
    inputs = [
        {k: (None if _is_missing(v) else v) for k, v in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False, name=None)
    ]
    values: list[tuple[Any, ...]] = []
    for start in range(0, len(inputs), job.chunk_size):
        chunk_names, chunk_values, _, _ = _predict_in_worker(
            job.key, job.load, job.options, inputs[start : start + job.chunk_size]
        )
        assert chunk_names == names, (chunk_names, names)
        values.extend(chunk_values)
    for position, name in enumerate(names):
        column = [row[position] for row in values]
        out[name] = pd.Series(column, index=frame.index, dtype="float64" if name.endswith("_p") else object)
    return out


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def predict_bag(
    bag: db.Bag,
    model_path: str | Path | None = None,
    *,
    text_field: str = "text",
    prefix: str = "",
    min_confidence: float | None = None,
    trust_unverified: bool = False,
    allow_version_mismatch: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> db.Bag:
    """Predict a Bag of records (dicts) or texts, partition by partition (lazy).

    Each record gets the predicted fields and their probabilities, as with
    :func:`stance.iter_predictions`; each worker loads the model once, by path, checking its
    sha256 against the manifest.
    """
    job = _job(
        model_path,
        text_field=text_field,
        prefix=prefix,
        min_confidence=min_confidence,
        trust_unverified=trust_unverified,
        allow_version_mismatch=allow_version_mismatch,
        chunk_size=chunk_size,
    )
    return bag.map_partitions(_predict_texts_or_records, job)


def _predict_texts_or_records(items: Sequence[Any], job: _Job) -> list[dict[str, Any]]:
    text_field = job.options.text_field
    records = [{text_field: item} if isinstance(item, str) else item for item in items]
    return _predict_record_partition(records, job)


def predict_dataframe(
    frame: dd.DataFrame,
    model_path: str | Path | None = None,
    *,
    text_field: str = "text",
    prefix: str = "",
    min_confidence: float | None = None,
    trust_unverified: bool = False,
    allow_version_mismatch: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> dd.DataFrame:
    """Predict a Dask DataFrame with a text column, partition by partition (lazy).

    The result has the input's columns plus, for each predicted field, a label column
    (object) and a probability column ``<field>_p`` (float64).

    Raises
    ------
    DataError
        If the text column is missing, or a column has the name of a predicted field.
    """
    job = _job(
        model_path,
        text_field=text_field,
        prefix=prefix,
        min_confidence=min_confidence,
        trust_unverified=trust_unverified,
        allow_version_mismatch=allow_version_mismatch,
        chunk_size=chunk_size,
    )
    names, given = _manifest_names(job)
    if text_field not in frame.columns:
        raise DataError(f"no column named '{text_field}' (columns: {', '.join(map(str, frame.columns))})")
    clash = [name for name in names if name in frame.columns]
    if clash:
        raise DataError(
            f"the input already has a field named '{clash[0]}'; use a prefix (e.g. prefix='pred_') "
            "so that it is not overwritten",
            field=clash[0],
        )
    meta = frame._meta.copy()
    for name in names:
        meta[name] = pd.Series(dtype="float64" if name.endswith("_p") else object)
    present = [g for g in given if g in frame.columns]
    return frame.map_partitions(_predict_frame_partition, job, names, present, meta=meta)


def predict(collection: Any, model_path: str | Path | None = None, **options: Any) -> Any:
    """Predict a Dask Bag (:func:`predict_bag`) or DataFrame (:func:`predict_dataframe`)."""
    if isinstance(collection, db.Bag):
        return predict_bag(collection, model_path, **options)
    if isinstance(collection, dd.DataFrame):
        return predict_dataframe(collection, model_path, **options)
    raise TypeError(f"expected a dask Bag or DataFrame, got {type(collection).__name__}")


# -- writing ----------------------------------------------------------------------------------


def _part_records(part: Any, chunk_size: int) -> Iterator[list[dict[str, Any]]]:
    """The records of a partition (a list, or a pandas frame), a chunk at a time, as JSON values."""
    if isinstance(part, pd.DataFrame):
        for start in range(0, len(part), chunk_size):
            block = part.iloc[start : start + chunk_size]
            yield json.loads(block.to_json(orient="records", date_format="iso", force_ascii=False))
        return
    items = list(part)
    for start in range(0, len(items), chunk_size):
        yield [dict(r) for r in items[start : start + chunk_size]]


def _write_part(part: Any, path: str, fmt: str, job: _Job | None, chunk_size: int) -> int:
    """Write one partition to ``path`` atomically, predicting it chunk by chunk if ``job``.

    A failure (bad record, worker shutdown, full disk) leaves no file at ``path``, and no
    temporary file beside it.
    """
    chunks = _part_records(part, job.chunk_size if job else chunk_size)
    predicted = (_predict_rows(rows, job) if job else rows for rows in chunks)
    records = (record for rows in predicted for record in rows)
    if fmt == "parquet":
        with atomic_write(path, "wb") as handle:
            frame = pd.DataFrame.from_records(list(records))
            frame.to_parquet(handle, index=False)
            return len(frame)
    with atomic_write(path) as handle:
        return write_records(records, handle, fmt)  # type: ignore[arg-type]


def _prepare_folder(out_dir: str | Path, fmt: str, overwrite: bool) -> Path:
    if fmt not in PART_FORMATS:
        raise StanceError(f"unknown part format {fmt!r}; use one of {', '.join(PART_FORMATS)}")
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise StanceError(f"{folder}: is a file; give a folder for the part files")
    folder.mkdir(parents=True, exist_ok=True)
    old = sorted(folder.glob(f"{PART_PREFIX}*"))
    if old and not overwrite:
        raise StanceError(f"{folder}: holds part files already ({old[0].name}, ...); choose an empty folder")
    return folder


def _part_path(folder: Path, index: int, fmt: str) -> Path:
    return folder / f"{PART_PREFIX}{index:05d}.{PART_FORMATS[fmt]}"


def _write_all(
    parts: list[Any],
    folder: Path,
    fmt: str,
    job: _Job | None,
    chunk_size: int,
    overwrite: bool,
    client: Any = None,
) -> PartsSummary:
    paths = [_part_path(folder, i, fmt) for i in range(len(parts))]
    tasks = [
        dask.delayed(_write_part, pure=False)(part, str(path), fmt, job, chunk_size)
        for part, path in zip(parts, paths, strict=True)
    ]
    counts = [int(c) for c in _compute_settled(tasks, client)]
    if overwrite:  # parts of an earlier, longer run would be read as part of this one
        for stale in sorted(folder.glob(f"{PART_PREFIX}*")):
            if stale not in paths:
                stale.unlink()
    return PartsSummary(folder, paths, counts)


def _compute_settled(tasks: list[Any], client: Any = None) -> list[Any]:
    """Compute ``tasks``; if one fails, wait for the others to end before raising its error.

    Raising at the first failure would return while other workers are still writing their
    parts: the folder would change after the error is reported. On a distributed cluster,
    every task is waited for, so that the folder holds whole parts only when this returns or
    raises. (Dask's local schedulers offer no such wait.)
    """
    if client is None:
        try:
            from distributed import default_client

            client = default_client()
        except (ImportError, ValueError):  # no cluster: a local scheduler
            return list(dask.compute(*tasks))
    from distributed import wait

    futures = client.compute(tasks)
    wait(futures)
    return list(client.gather(futures))


def write_parts(
    collection: Any,
    out_dir: str | Path,
    *,
    fmt: str = "jsonl",
    overwrite: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> PartsSummary:
    """Compute a Bag or DataFrame and write one part file per partition, each atomically.

    Part ``i`` is ``out_dir/part-0000i.<fmt>``, written by the worker that computes it to a
    temporary file renamed into place on success: a failed partition leaves no file.

    Parameters
    ----------
    collection : dask Bag or DataFrame
        Typically the result of :func:`predict`.
    out_dir : str or Path
        The folder (created if needed; it must be visible to the workers).
    fmt : {'jsonl', 'csv', 'parquet'}
        Format of the part files.
    overwrite : bool
        Replace part files already in ``out_dir`` (else refuse them), and remove the parts
        of an earlier run that this one does not write.

    Returns
    -------
    PartsSummary
        The part files in partition order and their record counts.
    """
    folder = _prepare_folder(out_dir, fmt, overwrite)
    return _write_all(list(collection.to_delayed()), folder, fmt, None, chunk_size, overwrite)


def predict_to_folder(
    inputs: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    model_path: str | Path | None = None,
    *,
    scheduler: str | Any = None,
    jobs: int = -1,
    input_format: str | None = None,
    text_field: str = "text",
    encoding: str = "utf-8",
    prefix: str = "",
    min_confidence: float | None = None,
    fmt: str = "jsonl",
    blocksize: int | str | None = None,
    overwrite: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    trust_unverified: bool = False,
    allow_version_mismatch: bool = False,
) -> PartsSummary:
    """Read, predict and write one part file per partition on a Dask cluster.

    What ``stance predict --engine dask`` runs. Each partition (by default one input file) is
    read, predicted chunk by chunk and written to its part file in a single task, atomically.

    Parameters
    ----------
    inputs : path or sequence of paths
        Files, folders or glob patterns of JSONL/CSV/TSV/TXT records, or of Parquet files.
    out_dir : str or Path
        Folder of the part files (it must be visible to the workers).
    model_path : str or Path, optional
        The model (else ``$STANCE_MODEL``, else ``models/stance.joblib``), at a path the
        workers see.
    scheduler : str or distributed.Client, optional
        A scheduler address (``tcp://host:8786``) or a client; by default a local cluster of
        ``jobs`` worker processes is started and closed.
    jobs : int
        Workers of the local cluster (``-1``: every core); ignored with ``scheduler``.
    fmt : {'jsonl', 'csv', 'parquet'}
        Format of the part files.
    blocksize : int or str, optional
        Split JSONL files into partitions of about this many bytes (default: one per file).

    Returns
    -------
    PartsSummary
    """
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    job = _job(
        model_path,
        text_field=text_field,
        prefix=prefix,
        min_confidence=min_confidence,
        trust_unverified=trust_unverified,
        allow_version_mismatch=allow_version_mismatch,
        chunk_size=chunk_size,
    )
    collection: Any
    if input_kind(items, input_format) == "parquet":
        collection = read_dataframe(items, input_format="parquet")
        names, _ = _manifest_names(job)
        clash = [name for name in names if name in collection.columns]
        if clash:
            raise DataError(
                f"the input already has a field named '{clash[0]}'; use --prefix (e.g. --prefix pred_) "
                "so that it is not overwritten",
                field=clash[0],
            )
    else:
        collection = read_bag(
            items, input_format=input_format, text_field=text_field, encoding=encoding, blocksize=blocksize
        )
    parts = list(collection.to_delayed())
    folder = _prepare_folder(out_dir, fmt, overwrite)
    with _client(scheduler, jobs) as client:
        return _write_all(parts, folder, fmt, job, chunk_size, overwrite, client)


@contextlib.contextmanager
def _client(scheduler: str | Any, jobs: int) -> Iterator[Any]:
    """A distributed client: ``scheduler`` itself, one connected to its address, else a local cluster."""
    from distributed import Client, LocalCluster

    from ._parallel import resolve_jobs

    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    n_workers = resolve_jobs(jobs)
    with (
        LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client
