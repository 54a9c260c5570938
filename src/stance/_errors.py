"""Exceptions that carry a one-line, user-facing message."""

from __future__ import annotations

from pathlib import Path


class StanceError(Exception):
    """Base class of the errors the CLI reports as one line and exit code 1."""


class DataError(StanceError):
    """Bad input data, located by file, line (or row) and field.

    Parameters
    ----------
    message : str
        What is wrong, in a few words.
    source : str or Path, optional
        The file (or ``<stdin>``) the record came from.
    line : int, optional
        1-based line (JSONL, text) or row (CSV/TSV, header excluded) number.
    field : str, optional
        The field that is wrong.
    """

    def __init__(
        self,
        message: str,
        source: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where += f":{self.line}" if where else f"line {self.line}"
        parts = [where] if where else []
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)


class ModelError(StanceError):
    """A model that is missing, damaged, unverified or incompatible."""
