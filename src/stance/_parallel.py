"""Predict with several worker processes, chunk by chunk, keeping input order and flat memory.

The parent process reads the records, cuts them into chunks and sends each chunk to a pool of
worker processes (joblib's loky executor). Each worker loads the model **once**, from its path
and through :func:`stance.load_model` (so the file's sha256 is checked against the manifest),
and keeps it in a per-process cache keyed by ``(path, sha256)``: later chunks, and later calls
with the same model, reuse it. Results come back in submission order.

At most ``2 × jobs`` chunks are in flight, and a new chunk is read only when the oldest one has
been handed to the consumer: input and output are never held whole, whatever their size, and a
slow consumer (a live feed on stdout) slows the reading down instead of piling results up.
(``joblib.Parallel(return_as="generator")`` dispatches new work whenever a worker finishes,
whether or not the results are consumed, and reads the input in a background thread; a bounded
window on the executor keeps both in the caller's hands.)
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ._errors import ModelError, StanceError
from ._persistence import read_manifest, resolve_model_path, sha256_file
from ._predict import DEFAULT_CHUNK_SIZE, iter_predictions

#: Seconds an idle worker process stays alive (and keeps its model) before it exits.
WORKER_IDLE_TIMEOUT = 300
#: Chunks in flight per worker: one being predicted, one queued behind it.
CHUNKS_PER_WORKER = 2

ModelKey = tuple[str, str]


@dataclass(frozen=True)
class LoadOptions:
    """How a worker loads the model (the options of :func:`stance.load_model`)."""

    trust_unverified: bool = False
    allow_version_mismatch: bool = False


@dataclass(frozen=True)
class PredictOptions:
    """The options of :func:`stance.iter_predictions` that apply to every chunk."""

    text_field: str = "text"
    prefix: str = ""
    min_confidence: float | None = None


@dataclass
class ParallelStats:
    """What a parallel prediction did, for progress messages and tests.

    Attributes
    ----------
    jobs : int
        Worker processes used (1: predicted in the calling process).
    chunks, records : int
        Chunks and records predicted so far.
    loads : dict of int to int
        For each worker process id that predicted a chunk, how many times that process has
        loaded this model (1 when the model was loaded once per worker).
    """

    jobs: int = 0
    chunks: int = 0
    records: int = 0
    loads: dict[int, int] = field(default_factory=dict)


# -- worker side ------------------------------------------------------------------------------

#: The models this process has loaded, by (absolute path, sha256); one at a time.
_MODELS: dict[ModelKey, Any] = {}
#: How many times this process has loaded each model (a second load would be a cache miss).
_LOAD_COUNTS: dict[ModelKey, int] = {}
_LOAD_LOCK = threading.Lock()


def worker_model(key: ModelKey, options: LoadOptions = LoadOptions()) -> Any:
    """The model of ``key``, loaded on first use in this process and cached.

    The model is loaded with :func:`stance.load_model`, which checks the file's sha256
    against its manifest; the manifest must also name the sha256 the caller expects, so that
    a model replaced while predicting is refused rather than mixed in.
    """
    model = _MODELS.get(key)
    if model is not None:
        return model
    with _LOAD_LOCK:  # a worker with several threads (Dask) loads the model once too
        return _load_into_cache(key, options)


def _load_into_cache(key: ModelKey, options: LoadOptions) -> Any:
    model = _MODELS.get(key)
    if model is not None:
        return model
    from ._persistence import load_model

    path, expected = key
    model = load_model(
        path, trust_unverified=options.trust_unverified, allow_version_mismatch=options.allow_version_mismatch
    )
    actual = _manifest_sha256(Path(path)) if not options.trust_unverified else sha256_file(path)
    if actual != expected:
        raise ModelError(
            f"{path}: the model changed while predicting (sha256 {actual[:12]}…, expected {expected[:12]}…)"
        )
    _MODELS.clear()  # one model per worker: a new model replaces the previous one
    _MODELS[key] = model
    _LOAD_COUNTS[key] = _LOAD_COUNTS.get(key, 0) + 1
    return model


def worker_load_count(key: ModelKey) -> int:
    """How many times this process has loaded the model of ``key``."""
    return _LOAD_COUNTS.get(key, 0)


def _predict_in_worker(
    key: ModelKey, load: LoadOptions, options: PredictOptions, rows: list[dict[str, Any]]
) -> tuple[list[str], list[tuple[Any, ...]], int, int]:
    """Predict one chunk; return the added field names, their values per row, pid and loads.

    Only the predicted values travel back, not the records: the parent keeps its copy.
    """
    model = worker_model(key, load)
    names = prediction_names(model, options.prefix)
    predicted = iter_predictions(
        model,
        rows,
        text_field=options.text_field,
        prefix=options.prefix,
        min_confidence=options.min_confidence,
        chunk_size=max(len(rows), 1),
    )
    values = [tuple(row[name] for name in names) for row in predicted]
    return names, values, os.getpid(), worker_load_count(key)


def prediction_names(model: Any, prefix: str = "") -> list[str]:
    """The fields a prediction adds to each record, in order: each field and ``<field>_p``."""
    from ._predict import output_names

    return output_names(list(model.fields_), prefix)


# -- parent side ------------------------------------------------------------------------------


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``jobs``: ``-1`` all usable cores, ``-2`` all but one, and so on.

    Raises
    ------
    StanceError
        If ``jobs`` is 0.
    """
    if jobs == 0:
        raise StanceError("--jobs must be a positive number of processes, or -1 for all cores")
    if jobs > 0:
        return jobs
    from joblib import cpu_count

    return max(1, cpu_count() + 1 + jobs)


def _manifest_sha256(path: Path) -> str:
    return str(read_manifest(path).get("model_sha256"))


def model_key(path: str | Path | None, *, trust_unverified: bool = False, verify: bool = True) -> ModelKey:
    """The cache key of a model file: its absolute path and its sha256.

    The sha256 is the manifest's, or, for an unverified model, the file's own. With
    ``verify``, the file is hashed here too, so that a damaged model is refused before any
    worker starts (each worker checks again when it loads it).

    Raises
    ------
    ModelError
        If the file or its manifest is missing, or they do not match (unless
        ``trust_unverified``).
    """
    resolved = resolve_model_path(path).resolve()
    if not resolved.exists():
        raise ModelError(f"{resolved}: no model here; train one with `stance train` (or `make demo`)")
    if not resolved.is_file():
        raise ModelError(f"{resolved}: is a folder, expected a model file")
    if trust_unverified:
        return str(resolved), sha256_file(resolved)
    expected = _manifest_sha256(resolved)
    if verify:
        actual = sha256_file(resolved)
        if actual != expected:
            raise ModelError(
                f"{resolved}: sha256 {actual[:12]}… does not match the manifest's {expected[:12]}…; "
                "the file is damaged or was replaced (--trust-unverified loads it anyway)"
            )
    return str(resolved), expected


def predicted_fields(
    path: str | Path | None, *, trust_unverified: bool = False, allow_version_mismatch: bool = False
) -> list[str]:
    """The fields a model predicts, from its manifest (without unpickling the model).

    A model whose manifest is missing (with ``trust_unverified``) or names no fields is
    loaded to find out.
    """
    resolved = resolve_model_path(path)
    try:
        fields = read_manifest(resolved).get("fields")
    except ModelError:
        if not trust_unverified:
            raise
        fields = None
    if isinstance(fields, list) and fields:
        return [str(name) for name in fields]
    from ._persistence import load_model

    model = load_model(resolved, trust_unverified=trust_unverified, allow_version_mismatch=allow_version_mismatch)
    return list(model.fields_)


def _rows(records: Iterable[Mapping[str, Any] | str], text_field: str) -> Iterator[dict[str, Any]]:
    for item in records:
        yield {text_field: item} if isinstance(item, str) else dict(item)


def iter_predictions_parallel(
    model_path: str | Path | None,
    records: Iterable[Mapping[str, Any] | str],
    *,
    jobs: int = 1,
    model: Any = None,
    text_field: str = "text",
    prefix: str = "",
    min_confidence: float | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    trust_unverified: bool = False,
    allow_version_mismatch: bool = False,
    stats: ParallelStats | None = None,
) -> Generator[dict[str, Any], None, None]:
    """Predict records with ``jobs`` processes, lazily and in input order.

    The same records as :func:`stance.iter_predictions`, in the same order, whatever ``jobs``.

    Parameters
    ----------
    model_path : str or Path, optional
        The model file (else ``$STANCE_MODEL``, else ``models/stance.joblib``). Each worker
        loads it once, checking its sha256 against the manifest.
    records : iterable of str or mapping
        Texts, or records holding ``text_field``; read lazily, chunk by chunk.
    jobs : int
        Worker processes; ``1`` predicts in this process, ``-1`` uses every usable core. An
        input that fits in one chunk is predicted in this process whatever ``jobs``: starting
        workers would cost more than it saves.
    model : StanceModel, optional
        The already loaded model, used when ``jobs`` resolves to 1 (else loaded from the path).
    text_field, prefix, min_confidence
        As for :func:`stance.iter_predictions`.
    chunk_size : int
        Records per chunk sent to a worker.
    trust_unverified, allow_version_mismatch : bool
        As for :func:`stance.load_model`.
    stats : ParallelStats, optional
        Filled in as chunks complete (workers used, loads per worker).

    Yields
    ------
    dict
        Each input record with the predicted fields and their probabilities.

    Raises
    ------
    DataError, ModelError
        As the single-process prediction would; a worker that dies raises
        :class:`StanceError`.
    """
    if chunk_size < 1:
        raise StanceError("chunk_size must be at least 1")
    n_jobs = resolve_jobs(jobs)
    stats = stats if stats is not None else ParallelStats()
    stats.jobs = n_jobs
    load = LoadOptions(trust_unverified, allow_version_mismatch)
    options = PredictOptions(text_field, prefix, min_confidence)
    if n_jobs == 1:
        yield from _iter_local(model_path, records, model, options, chunk_size, load, stats)
        return
    key = model_key(model_path, trust_unverified=trust_unverified)
    rows = _rows(records, text_field)
    first = list(islice(rows, chunk_size))
    if not first:
        return
    if len(first) < chunk_size:  # all of the input in one chunk: workers would only add their start-up
        stats.jobs = 1
        yield from _iter_local(model_path, first, model, options, chunk_size, load, stats)
        return
    executor = _executor(n_jobs)
    window = CHUNKS_PER_WORKER * n_jobs
    pending: deque[tuple[list[dict[str, Any]], Future[Any]]] = deque()
    chunks = chain([first], iter(lambda: list(islice(rows, chunk_size)), []))
    try:
        for chunk in chunks:
            pending.append((chunk, executor.submit(_predict_in_worker, key, load, options, chunk)))
            if len(pending) >= window:
                yield from _merge(*pending.popleft(), stats)
        while pending:
            yield from _merge(*pending.popleft(), stats)
    finally:
        for _, future in pending:
            future.cancel()


def _iter_local(
    model_path: str | Path | None,
    records: Iterable[Mapping[str, Any] | str],
    model: Any,
    options: PredictOptions,
    chunk_size: int,
    load: LoadOptions,
    stats: ParallelStats,
) -> Iterator[dict[str, Any]]:
    if model is None:
        from ._persistence import load_model

        model = load_model(
            model_path, trust_unverified=load.trust_unverified, allow_version_mismatch=load.allow_version_mismatch
        )
        stats.loads[os.getpid()] = stats.loads.get(os.getpid(), 0) + 1
    for row in iter_predictions(
        model,
        records,
        text_field=options.text_field,
        prefix=options.prefix,
        min_confidence=options.min_confidence,
        chunk_size=chunk_size,
    ):
        stats.records += 1
        yield row


def _merge(rows: list[dict[str, Any]], future: Future[Any], stats: ParallelStats) -> Iterator[dict[str, Any]]:
    """The chunk's records with the worker's predictions added, in order."""
    from joblib.externals.loky import BrokenProcessPool

    try:
        names, values, pid, loads = future.result()
    except BrokenProcessPool as exc:
        raise StanceError(f"a worker process died while predicting ({exc}); out of memory? try fewer --jobs") from exc
    stats.chunks += 1
    stats.records += len(rows)
    stats.loads[pid] = loads
    for row, row_values in zip(rows, values, strict=True):
        row.update(zip(names, row_values, strict=True))
        yield row


def _executor(n_jobs: int) -> Any:
    """joblib's reusable process pool, resized to ``n_jobs`` workers.

    Workers keep their cached model between calls until idle for ``WORKER_IDLE_TIMEOUT``
    seconds. Numerical libraries get one thread per worker (the model's work is sparse).
    """
    from joblib.externals.loky import get_reusable_executor

    threads = "1"
    env = {name: threads for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return get_reusable_executor(max_workers=n_jobs, timeout=WORKER_IDLE_TIMEOUT, env=env)
