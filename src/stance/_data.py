"""Read records from JSONL, CSV, TSV and text files, folders, globs or stdin, and validate them.

Every reader yields records with the file and line they came from, so that any problem can be
reported as ``file:line: field 'x': what is wrong``. Reading is streaming: files are read line
by line, never whole, so memory stays flat on large inputs.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import hashlib
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from ._errors import DataError
from ._ontology import DEFAULT_FIELDS, NONE, Ontology, load_ontology

InputFormat = Literal["jsonl", "csv", "tsv", "txt"]
#: What a ``txt`` file holds: one text per line (``lines``) or one document per file.
TextMode = Literal["lines", "documents"]

FORMATS: tuple[str, ...] = ("jsonl", "csv", "tsv", "txt")
_EXTENSIONS: dict[str, InputFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "txt",
}
#: Longest line (in bytes) a reader accepts; a longer one is reported, not loaded.
MAX_LINE_BYTES = 1 << 20
STDIN = "-"
_GLOB_CHARS = re.compile(r"[*?\[]")
# "date 2023-04-20" opening a text document, alone on its line or before the first sentence.
_DATE_LINE = re.compile(r"^\ufeff?\s*date[:\s]+(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)

csv.field_size_limit(MAX_LINE_BYTES)


@dataclass(frozen=True)
class Located:
    """A record with the file and line (1-based) where it starts."""

    record: dict[str, Any]
    source: str
    line: int


@dataclass
class SkipLog:
    """Records skipped with ``skip_bad=True``: how many and the first few reasons."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, error: DataError) -> None:
        """Count one skipped record and keep its reason if it is among the first ten."""
        self.count += 1
        if len(self.examples) < 10:
            self.examples.append(str(error))


def format_for(path: str | Path, input_format: str | None) -> InputFormat:
    """The format of ``path``: ``input_format`` if given, else from the file extension."""
    if input_format is not None:
        if input_format not in FORMATS:
            raise DataError(f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")
        return input_format  # type: ignore[return-value]
    if str(path) == STDIN:
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise DataError(f"cannot tell the format from the extension {suffix!r}; use --input-format", path)
    return _EXTENSIONS[suffix]


def resolve_sources(paths: Sequence[str | Path], input_format: str | None = None) -> list[str]:
    """Expand files, folders (data files inside, sorted) and glob patterns into a file list.

    ``-`` stands for standard input and is kept as is.
    """
    if not paths:
        raise DataError("no input given")
    files: list[str] = []
    for raw in paths:
        name = str(raw)
        if name == STDIN:
            files.append(STDIN)
            continue
        path = Path(name)
        if path.is_dir():
            wanted = (
                set(_EXTENSIONS)
                if input_format is None
                else {ext for ext, fmt in _EXTENSIONS.items() if fmt == input_format}
            )
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in wanted
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise DataError("folder holds no data files (.jsonl, .csv, .tsv, .txt)", path)
            files.extend(found)
        elif path.exists():
            files.append(name)
        elif _GLOB_CHARS.search(name):
            found = sorted(p for p in glob.glob(name, recursive=True) if Path(p).is_file())
            if not found:
                raise DataError("no files match this pattern", name)
            files.extend(found)
        else:
            raise DataError("no such file or folder", name)
    return files


#: A decoded line: its number, its text and, if it could not be read, the error (the text is
#: then a best-effort stand-in, so that a CSV row keeps its structure).
_Line = tuple[int, str, DataError | None]


def _binary_lines(handle: IO[bytes], source: str) -> Iterator[tuple[int, bytes | DataError]]:
    """Lines of a binary stream, refusing overlong lines without loading them whole.

    An overlong line is reported in its place; if the reader goes on (skipping bad records),
    the rest of that line is read in bounded chunks and dropped, and reading resumes after it.
    """
    number = 0
    while True:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE_BYTES:
            yield number, DataError(f"line longer than {MAX_LINE_BYTES} bytes; is this a data file?", source, number)
            while not chunk.endswith(b"\n"):
                chunk = handle.readline(MAX_LINE_BYTES + 1)
                if not chunk:
                    return
            continue
        yield number, chunk


def _decode(line: bytes, source: str, number: int, encoding: str) -> tuple[str, DataError | None]:
    """The line's text, or a best-effort text (NUL and bad bytes replaced) and the error."""
    if b"\x00" in line:
        text = line.replace(b"\x00", b"").decode(encoding, errors="replace")
        return text, DataError("NUL byte in line; binary file, or UTF-16 (--encoding utf-16)?", source, number)
    try:
        return line.decode(encoding), None
    except UnicodeError as exc:
        column = f" at column {exc.start + 1}" if isinstance(exc, UnicodeDecodeError) else ""
        return line.decode(encoding, errors="replace"), DataError(
            f"bytes that are not valid {encoding}{column}; try --encoding", source, number
        )


def _text_lines(handle: IO[bytes], source: str, encoding: str) -> Iterator[_Line]:
    """Decoded lines; a line that cannot be decoded carries its error and does not end the file."""
    if "\n".encode(encoding) != b"\n":  # UTF-16, UTF-32: a line does not end with the byte 0x0A
        yield from _wide_text_lines(handle, source, encoding)
        return
    for number, raw in _binary_lines(handle, source):
        if isinstance(raw, DataError):
            yield number, "\n", raw
            continue
        text, error = _decode(raw, source, number, encoding)
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text, error


# Bytes that a wide decoder cannot decode become this noncharacter, so that the line holding
# them is known although the decoder reads ahead of the line.
_BAD_BYTES = "\U0010fffe"
codecs.register_error("stance.mark", lambda exc: (_BAD_BYTES, exc.end))  # type: ignore[attr-defined]


def _wide_text_lines(handle: IO[bytes], source: str, encoding: str) -> Iterator[_Line]:
    """Lines in an encoding that is not ASCII-compatible, such as Excel's UTF-16 text export."""
    reader = io.TextIOWrapper(handle, encoding=encoding, errors="stance.mark", newline="\n")
    number = 0
    try:
        while True:
            try:
                text = reader.readline(MAX_LINE_BYTES + 1)
            except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM": no way on
                yield number + 1, "\n", DataError(f"cannot decode as {encoding}: {exc}", source, number + 1)
                return
            if not text:
                return
            number += 1
            if len(text) > MAX_LINE_BYTES:
                yield number, "\n", DataError(f"line longer than {MAX_LINE_BYTES} characters", source, number)
                while not text.endswith("\n"):
                    text = reader.readline(MAX_LINE_BYTES + 1)
                    if not text:
                        return
                continue
            if number == 1:
                text = text.removeprefix("\ufeff")
            error = None
            if _BAD_BYTES in text:
                column = text.index(_BAD_BYTES) + 1
                error = DataError(f"bytes that are not valid {encoding} at character {column}", source, number)
            elif "\x00" in text:
                error = DataError("NUL character in line; binary file?", source, number)
            yield number, text.replace(_BAD_BYTES, "\ufffd").replace("\x00", ""), error
    finally:
        with contextlib.suppress(ValueError):  # the stream may be closed already
            reader.detach()  # the caller owns the byte stream: do not let the wrapper close it


_JSON_TYPES = {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _iter_jsonl(lines: Iterator[_Line], source: str) -> Iterator[Located | DataError]:
    for number, text, error in lines:
        if error is not None:
            yield error
            continue
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield DataError(f"not valid JSON: {exc.msg} (column {exc.colno})", source, number)
            continue
        if not isinstance(record, dict):
            yield DataError(f"record is a JSON {_JSON_TYPES[type(record)]}, not an object", source, number)
            continue
        yield Located(record, source, number)


def _iter_delimited(
    lines: Iterator[_Line], source: str, delimiter: str, text_field: str
) -> Iterator[Located | DataError]:
    line_numbers: list[int] = []
    # Lines that could not be decoded: the csv reader gets their best-effort text, so that rows
    # keep their structure, and the row that holds such a line is reported instead of yielded.
    pending: list[DataError] = []

    def feed() -> Iterator[str]:
        for number, text, error in lines:
            line_numbers.append(number)
            if error is not None:
                pending.append(error)
            yield text

    reader = csv.reader(feed(), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield DataError(f"cannot parse header: {exc}; the file cannot be read", source, 1)
        return
    if pending:
        error = pending[0]
        yield DataError(f"cannot read the header: {error.message}", error.source, error.line)
        return
    header = [name.strip() for name in header]
    if text_field not in header:
        yield DataError(
            f"no column named '{text_field}' (columns: {', '.join(header)}); use --text-field", source, 1, text_field
        )
        return
    while True:
        start = (line_numbers[-1] + 1) if line_numbers else 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield DataError(f"cannot parse row: {exc}; the rest of the file cannot be read", source, start)
            return
        if pending:
            yield pending[0]
            pending.clear()
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            end = line_numbers[-1] if line_numbers else start
            span = f" (the row runs over lines {start}-{end}: an unclosed quote?)" if end > start else ""
            yield DataError(f"row has {len(row)} columns, the header {len(header)}{span}", source, start)
            continue
        yield Located(dict(zip(header, row, strict=True)), source, start)


def _iter_txt(lines: Iterator[_Line], source: str, text_field: str, mode: TextMode) -> Iterator[Located | DataError]:
    if mode == "lines":
        for number, text, error in lines:
            yield error if error is not None else Located({text_field: text.rstrip("\r\n")}, source, number)
        return
    body: list[str] = []
    record: dict[str, Any] = {}
    for number, text, error in lines:
        if error is not None:  # the document is one record: it is bad as a whole
            yield error
            return
        if number == 1 and (match := _DATE_LINE.match(text)):
            record["date"] = match.group(1)
            text = text[match.end() :]
            if not text.strip():
                continue
        body.append(text)
    record[text_field] = "".join(body)
    record["doc"] = Path(source).stem if source != "<stdin>" else "stdin"
    yield Located(record, source, 1)


def _open(source: str) -> tuple[IO[bytes], str, bool]:
    if source == STDIN:
        return sys.stdin.buffer, "<stdin>", False
    try:
        return open(source, "rb"), source, True
    except IsADirectoryError as exc:
        raise DataError("is a folder, expected a file", source) from exc
    except OSError as exc:
        raise DataError(f"cannot open: {exc.strerror}", source) from exc


def iter_records(
    paths: Sequence[str | Path],
    *,
    input_format: str | None = None,
    text_field: str = "text",
    encoding: str = "utf-8",
    text_mode: TextMode = "lines",
    skip_bad: bool = False,
    skip_log: SkipLog | None = None,
    require_text: bool = True,
) -> Iterator[Located]:
    """Yield the records of every input, in order, with where each came from.

    Parameters
    ----------
    paths : sequence of str or Path
        Files, folders, glob patterns, or ``-`` for standard input.
    input_format : {'jsonl', 'csv', 'tsv', 'txt'}, optional
        Overrides the extension (and decides for ``-``, JSONL by default).
    text_field : str
        The field holding the text; it must be present and a string.
    encoding : str
        Encoding of the input bytes.
    text_mode : {'lines', 'documents'}
        For ``txt`` input: one text per line, or one document per file (a first line
        ``date YYYY-MM-DD`` gives the document's date).
    skip_bad : bool
        Skip records that fail to parse or validate, counting them in ``skip_log``, instead
        of raising :class:`DataError` on the first.
    skip_log : SkipLog, optional
        Receives the skipped records when ``skip_bad`` is set.
    require_text : bool
        Check that every record has a string ``text_field``.

    Raises
    ------
    DataError
        On the first bad record (unless ``skip_bad``), and always on a missing path or a file
        that holds no records at all.
    """
    log = skip_log if skip_log is not None else SkipLog()
    try:
        "\n".encode(encoding)  # also refuses codecs that are not text encodings, such as 'hex'
    except LookupError as exc:
        raise DataError(f"unknown encoding {encoding!r}") from exc
    for source in resolve_sources(paths, input_format):
        fmt = format_for(source, input_format)
        skipped_before = log.count
        handle, name, owned = _open(source)
        try:
            lines = _text_lines(handle, name, encoding)
            if fmt == "jsonl":
                items = _iter_jsonl(lines, name)
            elif fmt in ("csv", "tsv"):
                items = _iter_delimited(lines, name, "," if fmt == "csv" else "\t", text_field)
            else:
                items = _iter_txt(lines, name, text_field, text_mode)
            seen = 0
            while True:
                try:
                    item = next(items)
                except StopIteration:
                    break
                except DataError as error:  # a reader that cannot go on ends the file
                    if not skip_bad:
                        raise
                    log.add(error)
                    break
                if isinstance(item, Located) and require_text:
                    item = _check_text(item, text_field)
                if isinstance(item, DataError):
                    if not skip_bad:
                        raise item
                    log.add(item)
                    continue
                seen += 1
                yield item
            if seen == 0 and log.count == skipped_before:
                raise DataError("holds no records (empty file?)", name)
        finally:
            if owned:
                handle.close()


def _check_text(item: Located, text_field: str) -> Located | DataError:
    value = item.record.get(text_field)
    if value is None:
        return DataError("missing; use --text-field to name the text field", item.source, item.line, text_field)
    if not isinstance(value, str):
        return DataError(f"must be a string, not {type(value).__name__}", item.source, item.line, text_field)
    return item


@dataclass
class LabelledData:
    """Texts with their gold labels, read and validated for training or evaluation."""

    records: list[dict[str, Any]]
    texts: list[str]
    labels: list[tuple[str, ...]]
    fields: tuple[str, ...]
    given: tuple[str, ...]
    locations: list[tuple[str, int]]
    sha256: str

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def groups(self) -> list[str]:
        """The article (``doc``) of each record, or its own position when it has none."""
        return [str(r.get("doc", f"#{i}")) for i, r in enumerate(self.records)]

    def label_counts(self) -> dict[str, dict[str, int]]:
        """How often each label occurs, per field."""
        return {name: dict(Counter(row[i] for row in self.labels).most_common()) for i, name in enumerate(self.fields)}

    def model_input(self) -> list[Any]:
        """What a model's ``fit``/``predict`` takes: texts, or records when fields are given."""
        if not self.given:
            return self.texts
        return self.records


def _label(located: Located, name: str) -> str:
    value = located.record.get(name)
    if value is None:
        raise DataError("missing label", located.source, located.line, name)
    if not isinstance(value, str | int | float | bool):
        raise DataError(f"label must be a string, not {type(value).__name__}", located.source, located.line, name)
    label = str(value).strip()
    if not label:
        raise DataError("empty label", located.source, located.line, name)
    return label


def validate_labels(located: Located, fields: Sequence[str], ontology: Ontology) -> tuple[str, ...]:
    """The record's labels for ``fields``, checked against the ontology.

    Targets and stances must be ANNOTATION.md's (closed sets); actors are open. When the
    record has actor, target and stance, ``none`` must hold for all three or for none.
    """
    labels = tuple(_label(located, name) for name in fields)
    for name, label in zip(fields, labels, strict=True):
        allowed = ontology.closed_labels(name)
        if allowed is not None and label not in allowed:
            raise DataError(f"{label!r} is not one of {', '.join(sorted(allowed))}", located.source, located.line, name)
    if set(DEFAULT_FIELDS) <= set(fields):
        values = {name: labels[fields.index(name)] for name in DEFAULT_FIELDS}
        nones = [v == NONE for v in values.values()]
        if any(nones) and not all(nones):
            odd = next(name for name, v in values.items() if (v == NONE) != (values["stance"] == NONE))
            raise DataError(
                "stance 'none' goes with actor and target 'none' and only with them "
                f"(actor={values['actor']!r}, target={values['target']!r}, stance={values['stance']!r})",
                located.source,
                located.line,
                odd,
            )
    return labels


def load_labelled(
    paths: Sequence[str | Path],
    *,
    fields: Sequence[str] = DEFAULT_FIELDS,
    given: Sequence[str] = (),
    text_field: str = "text",
    input_format: str | None = None,
    encoding: str = "utf-8",
    ontology: Ontology | None = None,
    skip_bad: bool = False,
    skip_log: SkipLog | None = None,
    on_record: Callable[[Located], None] | None = None,
) -> LabelledData:
    """Read labelled records and check text, labels and given fields.

    Raises
    ------
    DataError
        Naming file, line and field of the first bad record (unless ``skip_bad``).
    """
    ontology = ontology if ontology is not None else load_ontology()
    fields = tuple(fields)
    given = tuple(given)
    log = skip_log if skip_log is not None else SkipLog()
    records, texts, labels, locations = [], [], [], []
    digest = hashlib.sha256()
    for located in iter_records(
        paths,
        input_format=input_format,
        text_field=text_field,
        encoding=encoding,
        skip_bad=skip_bad,
        skip_log=log,
    ):
        try:
            text = located.record[text_field]
            if not text.strip():
                raise DataError("empty text", located.source, located.line, text_field)
            row = validate_labels(located, fields, ontology)
            for name in given:
                _label(located, name)
        except DataError as error:
            if not skip_bad:
                raise
            log.add(error)
            continue
        if on_record is not None:
            on_record(located)
        records.append(located.record)
        texts.append(text)
        labels.append(row)
        locations.append((located.source, located.line))
        canonical = {"text": text, **dict(zip(fields, row, strict=True))}
        canonical.update({name: str(located.record[name]) for name in given})
        digest.update(json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return LabelledData(records, texts, labels, fields, given, locations, digest.hexdigest())
