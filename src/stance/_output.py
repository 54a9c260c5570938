"""Write records as JSONL, CSV or JSON, to a file (atomically) or to a stream."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Literal

from ._atomic import atomic_write
from ._data import STDIN, resolve_sources
from ._errors import DataError, StanceError

RecordFormat = Literal["jsonl", "csv", "json"]


def check_output_path(
    output: str | Path | None,
    inputs: Sequence[str | Path] = (),
    *,
    input_format: str | None = None,
    option: str = "--output",
) -> None:
    """Refuse an output that is a folder or one of the inputs (it would be overwritten).

    Inputs are expanded as they will be read (folders to their data files of ``input_format``,
    or of any format; glob patterns to their matches), so an output among them is caught too.
    """
    if output is None or str(output) == "-":
        return
    path = Path(output)
    if path.is_dir():
        raise StanceError(f"{path}: is a folder; give a file path for {option}")
    if not path.exists():
        return
    target = path.resolve()
    for source in _input_files(inputs, input_format):
        if Path(source).resolve() == target:
            raise StanceError(f"{path}: the output is also an input; choose another {option}")


def _input_files(inputs: Sequence[str | Path], input_format: str | None) -> Iterator[str]:
    for source in inputs:
        if str(source) == STDIN:
            continue
        try:
            yield from resolve_sources([source], input_format)
        except DataError:  # a missing input is reported when it is read
            continue


@contextlib.contextmanager
def open_output(output: str | Path | None) -> Iterator[IO[str]]:
    """Standard output for ``None`` or ``-``, else an atomically written file."""
    if output is None or str(output) == "-":
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_write(output) as handle:
            yield handle


def write_records(records: Iterable[dict[str, Any]], handle: IO[str], fmt: RecordFormat, *, flush: bool = False) -> int:
    """Write ``records`` in ``fmt``; return how many were written.

    CSV columns are those of the first record (later records' extra fields are dropped,
    missing ones left empty). With ``flush``, each JSONL line is flushed as it is written,
    for live feeds.
    """
    count = 0
    if fmt == "jsonl":
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            if flush:
                handle.flush()
    elif fmt == "json":
        handle.write("[")
        for record in records:
            handle.write(("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            count += 1
        handle.write("\n]\n" if count else "]\n")
    elif fmt == "csv":
        writer: csv.DictWriter[str] | None = None
        for record in records:
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(record), extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
            writer.writerow({k: _cell(v) for k, v in record.items()})
            count += 1
    else:  # pragma: no cover - guarded by the CLI's choices
        raise StanceError(f"unknown output format {fmt!r}")
    return count


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
