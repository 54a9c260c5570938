"""The ``stance`` command line: parses arguments and calls the library.

Heavy libraries (scikit-learn, numpy, rich) are imported inside the commands, never at module
level, so that ``stance --help`` answers at once (a ruff rule and a test enforce it).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="stance",
    help="Who stands where, on what: actor, target and stance for each sentence of news text.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
data_app = typer.Typer(help="Check labelled data.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(data_app, name="data")

_state = {"debug": False}


class InputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    txt = "txt"


class PredictFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    json = "json"


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


class SaveAs(StrEnum):
    joblib = "joblib"
    skops = "skops"


class AnalyzeFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class By(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class Profile(StrEnum):
    basic = "basic"
    seeds = "seeds"


def _err(message: str) -> None:
    typer.echo(message, err=True)


@contextlib.contextmanager
def _handled() -> Iterator[None]:
    """Report library errors as one line on stderr with exit code 1 (traceback with --debug)."""
    from ._errors import StanceError

    try:
        yield
    except StanceError as error:
        if _state["debug"]:
            raise
        _err(f"error: {error}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _err("interrupted; nothing was written")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise typer.Exit(0) from None
    except (OSError, MemoryError, ValueError) as error:
        # Not a known bad-input case: still one line, the traceback behind --debug.
        if _state["debug"]:
            raise
        _err(f"error: {type(error).__name__}: {error} (run with --debug for the traceback)")
        raise typer.Exit(1) from None


# Options shared by every command that reads data.
InputOpt = Annotated[
    list[str] | None,
    typer.Option("--input", "-i", help="File, folder or glob of records; '-' for stdin. Repeatable."),
]
FormatOpt = Annotated[
    InputFormat | None,
    typer.Option("--input-format", help="jsonl, csv, tsv or txt; by default from the extension (JSONL for '-')."),
]
TextFieldOpt = Annotated[str, typer.Option("--text-field", help="The field holding the text.")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Encoding of the input files.")]
ModelOpt = Annotated[
    Path | None,
    typer.Option("--model", "-m", help="Model file; default $STANCE_MODEL, else models/stance.joblib."),
]
TrustOpt = Annotated[
    bool, typer.Option("--trust-unverified", help="Load a model without a manifest or whose sha256 does not match.")
]
VersionOpt = Annotated[
    bool, typer.Option("--allow-version-mismatch", help="Load a model saved with another scikit-learn version.")
]
SkipOpt = Annotated[
    bool, typer.Option("--skip-bad-records", help="Skip records that do not parse, and report how many and where.")
]


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"stance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Who stands where, on what: actor, target and stance for each sentence of news text."""
    _state["debug"] = debug


def _report_skips(log: Any) -> None:
    if log.count:
        _err(f"skipped {log.count} bad record(s); first: {'; '.join(log.examples[:3])}")


def _load(model: Path | None, trust: bool, allow_version: bool) -> Any:
    from ._persistence import load_model

    return load_model(model, trust_unverified=trust, allow_version_mismatch=allow_version)


def _min_confidence(given: float | None, model: Path | None) -> float | None:
    """The abstain threshold: the one given, else the one measured for the model (see train --cv)."""
    if given is not None:
        return given
    from ._persistence import default_min_confidence

    return default_min_confidence(model)


@app.command()
def train(
    data: Annotated[
        list[str] | None,
        typer.Option("--data", "-d", help="Labelled file, folder or glob (default seeds/). Repeatable."),
    ] = None,
    input_format: FormatOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to save the model.")] = Path("models/stance.joblib"),
    text_field: TextFieldOpt = "text",
    predict: Annotated[
        list[str] | None,
        typer.Option("--predict", help="A field to predict (default actor, target, stance). Repeatable."),
    ] = None,
    given: Annotated[
        list[str] | None, typer.Option("--given", help="An input field the model conditions on. Repeatable.")
    ] = None,
    cv: Annotated[
        int, typer.Option("--cv", min=0, help="Run grouped K-fold cross-validation first (K >= 2) and record it.")
    ] = 0,
    save_as: Annotated[SaveAs | None, typer.Option("--save-as", help="joblib or skops (default from --out).")] = None,
    ontology: Annotated[
        list[Path] | None, typer.Option("--ontology", help="Extra ontology JSON (targets, actors). Repeatable.")
    ] = None,
    encoding: EncodingOpt = "utf-8",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages.")] = False,
) -> None:
    """Train a model on labelled records and save it with its manifest."""
    with _handled():
        from ._errors import StanceError
        from ._ontology import DEFAULT_FIELDS
        from ._output import check_output_path
        from ._persistence import manifest_path, read_manifest
        from ._train import DEFAULT_DATA
        from ._train import train as train_model

        if cv == 1:
            raise typer.BadParameter("--cv needs at least 2 folds (or 0 for none)", param_hint="--cv")
        if save_as is not None and out.suffix in (".joblib", ".skops") and out.suffix != f".{save_as.value}":
            out = out.with_suffix(f".{save_as.value}")
        sources = data or list(DEFAULT_DATA)
        for path in (out, manifest_path(out)):
            check_output_path(path, sources, input_format=input_format.value if input_format else None, option="--out")
        try:
            train_model(
                sources,
                out,
                fields=predict or DEFAULT_FIELDS,
                given=given or (),
                text_field=text_field,
                input_format=input_format.value if input_format else None,
                encoding=encoding,
                ontology_files=ontology or (),
                cv=cv,
                save_as=save_as.value if save_as else None,
            )
        except ValueError as exc:  # e.g. more folds than documents
            raise StanceError(str(exc)) from exc
        if not quiet:
            manifest = read_manifest(out)
            counts = manifest["training_data"]
            _err(f"trained on {counts['n_records']} records ({counts['n_documents']} documents) → {out}")
            cv_scores = manifest.get("scores", {}).get("cv")
            if cv_scores:
                _err(_format_cv(cv_scores))


def _format_cv(scores: dict[str, Any]) -> str:
    lines = [f"grouped {scores['folds']}-fold cross-validation (mean ± std):"]
    for key, value in scores.items():
        if isinstance(value, dict):
            lines.append(f"  {key:20s} {value['mean']:.3f} ± {value['std']:.3f}")
    return "\n".join(lines)


def _predict_table(rows: list[dict[str, Any]], fields: list[str], text_field: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    table.add_column(text_field, overflow="fold", ratio=3)
    for name in fields:
        table.add_column(name)
    for row in rows:
        table.add_row(
            str(row.get(text_field, "")),
            *[f"{row[name]} ({row[name + '_p']:.2f})" for name in fields],
        )
    Console(width=max(100, min(160, Console().width))).print(table)


@app.command()
def predict(
    texts: Annotated[list[str] | None, typer.Argument(help="Sentences to label.", show_default=False)] = None,
    input: InputOpt = None,
    input_format: FormatOpt = None,
    text_field: TextFieldOpt = "text",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Output file; '-' or none for stdout.")] = None,
    model: ModelOpt = None,
    fmt: Annotated[PredictFormat, typer.Option("--format", "-f", help="Output format.")] = PredictFormat.table,
    prefix: Annotated[str, typer.Option("--prefix", help="Prefix for the predicted field names.")] = "",
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Abstain (all none) below this stance probability; default: the model's measured threshold.",
        ),
    ] = None,
    encoding: EncodingOpt = "utf-8",
    skip_bad_records: SkipOpt = False,
    trust_unverified: TrustOpt = False,
    allow_version_mismatch: VersionOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or messages on stderr.")] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Worker processes (-1: all cores); each loads the model once.")
    ] = 1,
    engine: Annotated[
        Engine, typer.Option("--engine", help="local, or dask: one part file per partition in the --output folder.")
    ] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster).")
    ] = None,
) -> None:
    """Label sentences given as arguments or read from files or stdin."""
    if not texts and not input:
        raise typer.BadParameter("give sentences as arguments or --input PATH (or '-' for stdin)")
    if jobs == 0 or jobs < -1:
        raise typer.BadParameter("use a positive number of jobs, or -1 for all cores", param_hint="--jobs")
    if engine is Engine.dask and (
        not input or output in (None, "-") or fmt not in (PredictFormat.jsonl, PredictFormat.csv)
    ):
        raise typer.BadParameter("--engine dask needs --input, an --output folder and --format jsonl or csv")
    if engine is Engine.dask and skip_bad_records:
        raise typer.BadParameter("does not go with --engine dask", param_hint="--skip-bad-records")
    with _handled():
        from ._data import SkipLog, iter_records
        from ._output import check_output_path, open_output, write_records
        from ._predict import iter_predictions, output_names

        if engine is Engine.dask:
            _predict_dask(
                input or [],
                output,
                model,
                scheduler,
                jobs,
                input_format,
                text_field,
                encoding,
                prefix,
                min_confidence,
                fmt,
                trust_unverified,
                allow_version_mismatch,
                quiet,
            )
            return
        check_output_path(output, input or (), input_format=input_format.value if input_format else None)
        from ._parallel import predicted_fields, resolve_jobs

        n_jobs = resolve_jobs(jobs)
        # With workers, each worker loads the model; this process needs only the field names.
        fitted = _load(model, trust_unverified, allow_version_mismatch) if n_jobs == 1 else None
        fields = (
            list(fitted.fields_)
            if fitted is not None
            else predicted_fields(
                model, trust_unverified=trust_unverified, allow_version_mismatch=allow_version_mismatch
            )
        )
        log = SkipLog()
        records: Any
        if texts:
            records = [{text_field: t} for t in texts]
        else:
            located_records = iter_records(
                input or [],
                input_format=input_format.value if input_format else None,
                text_field=text_field,
                encoding=encoding,
                skip_bad=skip_bad_records,
                skip_log=log,
            )
            records = _without_clashes(located_records, output_names(fields, prefix))
        threshold = _min_confidence(min_confidence, model)
        if n_jobs == 1:
            predictions = iter_predictions(
                fitted, records, text_field=text_field, prefix=prefix, min_confidence=threshold
            )
        else:
            from ._parallel import iter_predictions_parallel

            predictions = iter_predictions_parallel(
                model,
                records,
                jobs=jobs,
                model=fitted,
                text_field=text_field,
                prefix=prefix,
                min_confidence=threshold,
                trust_unverified=trust_unverified,
                allow_version_mismatch=allow_version_mismatch,
            )
        predictions = _with_progress(predictions, quiet)
        if fmt is PredictFormat.table:
            _predict_table(list(predictions), [prefix + f for f in fields], text_field)
        else:
            with open_output(output) as handle:
                count = write_records(predictions, handle, fmt.value, flush=output in (None, "-"))  # type: ignore[arg-type]
            if not quiet and output not in (None, "-"):
                _err(f"wrote {count} record(s) to {output}")
        _report_skips(log)


def _predict_dask(
    inputs: list[str],
    output: str | None,
    model: Path | None,
    scheduler: str | None,
    jobs: int,
    input_format: Any,
    text_field: str,
    encoding: str,
    prefix: str,
    min_confidence: float | None,
    fmt: PredictFormat,
    trust_unverified: bool,
    allow_version_mismatch: bool,
    quiet: bool,
) -> None:
    """Predict on a Dask cluster, one part file per partition in the output folder."""
    from ._errors import StanceError

    try:
        from .dask import predict_to_folder
    except ImportError as exc:
        raise StanceError(f"--engine dask needs the dask extra: pip install 'stance[dask]' ({exc})") from None

    summary = predict_to_folder(
        inputs,
        str(output),
        model,
        scheduler=scheduler,
        jobs=jobs,
        input_format=input_format.value if input_format else None,
        text_field=text_field,
        encoding=encoding,
        prefix=prefix,
        min_confidence=_min_confidence(min_confidence, model),
        fmt=fmt.value,
        trust_unverified=trust_unverified,
        allow_version_mismatch=allow_version_mismatch,
    )
    if not quiet:
        _err(f"wrote {summary.records} record(s) in {len(summary.parts)} part file(s) to {summary.folder}")


def _without_clashes(located_records: Iterator[Any], names: list[str]) -> Iterator[dict[str, Any]]:
    """The records, refusing one with a field named like a prediction (it would be overwritten)."""
    from ._errors import DataError

    wanted = set(names)
    for located in located_records:
        clash = wanted.intersection(located.record)
        if clash:
            name = sorted(clash)[0]
            raise DataError(
                f"the input already has a field named '{name}'; use --prefix (e.g. --prefix pred_) "
                "so that it is not overwritten",
                located.source,
                located.line,
                name,
            )
        yield located.record


def _with_progress(items: Iterator[Any], quiet: bool, unit: str = "records", force: bool = False) -> Iterator[Any]:
    """Show a progress bar with count and rate on stderr when it is a terminal (or when forced)."""
    if quiet or not (force or sys.stderr.isatty()):
        yield from items
        return
    import time

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.completed} " + unit),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    start = time.perf_counter()
    console = Console(stderr=True, force_terminal=force or None)
    with Progress(*columns, console=console, transient=not force) as progress:
        task = progress.add_task(unit, total=None, rate="")
        count = 0

        def show() -> None:
            elapsed = max(time.perf_counter() - start, 1e-9)
            progress.update(task, completed=count, rate=f"{count / elapsed:,.0f} {unit}/s")

        for count, item in enumerate(items, 1):
            if count % 64 == 0 or count < 64:
                show()
            yield item
        show()


@app.command()
def info(
    model: Annotated[
        Path | None, typer.Argument(help="Model file (default as for predict).", show_default=False)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Show a model's manifest: fields, labels, training data, versions and scores."""
    with _handled():
        import json

        from ._errors import ModelError
        from ._persistence import read_manifest, resolve_model_path

        path = resolve_model_path(model)
        if not path.exists():
            raise ModelError(f"{path}: no model here; train one with `stance train`")
        if path.is_dir():
            raise ModelError(f"{path}: is a folder, expected a model file")
        manifest = read_manifest(path)
        if as_json:
            typer.echo(json.dumps(manifest, indent=2, ensure_ascii=False))
            return
        data = manifest.get("training_data", {})
        lines = [
            f"model        {path}",
            f"format       {manifest.get('format', 'joblib')} (manifest v{manifest.get('format_version')})",
            f"created      {manifest.get('created')}  git {manifest.get('git_commit') or '-'}",
            f"guide        {manifest.get('guide', '-')} {manifest.get('guide_version', '')}",
            f"fields       {', '.join(manifest.get('fields', []))}",
        ]
        if manifest.get("given"):
            lines.append(f"given        {', '.join(manifest['given'])}")
        for name, labels in manifest.get("labels", {}).items():
            lines.append(
                f"  {name:10s} {len(labels)} labels: {', '.join(labels[:12])}{' …' if len(labels) > 12 else ''}"
            )
        if data:
            paths = ", ".join(data.get("paths", []))
            lines.append(f"trained on   {data.get('n_records')} records, {data.get('n_documents')} documents ({paths})")
            lines.append(f"data sha256  {data.get('sha256')}")
        lines.append(f"model sha256 {manifest.get('model_sha256')}")
        lines.append("versions     " + ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items()))
        cv_scores = manifest.get("scores", {}).get("cv")
        if cv_scores:
            lines.append(_format_cv(cv_scores))
        typer.echo("\n".join(lines))


def _load_labelled_for(model: Any, data: list[str], input_format: Any, text_field: str, encoding: str) -> Any:
    from ._data import load_labelled

    return load_labelled(
        data,
        fields=model.fields_,
        given=model.given,
        text_field=text_field,
        input_format=input_format.value if input_format else None,
        encoding=encoding,
    )


def _scores_table(scores: dict[str, Any], title: str) -> str:
    from ._evaluate import SCORE_KEYS

    lines = [title]
    keys = [k for k in SCORE_KEYS if k in scores] + [
        k
        for k in scores
        if k not in SCORE_KEYS and isinstance(scores[k], int | float | dict) and k not in ("n", "folds")
    ]
    for key in keys:
        value = scores[key]
        if isinstance(value, dict) and "mean" in value:
            lines.append(f"  {key:20s} {value['mean']:.3f} ± {value['std']:.3f}")
        elif isinstance(value, float):
            lines.append(f"  {key:20s} {value:.3f}")
    return "\n".join(lines)


@app.command()
def evaluate(
    data: Annotated[list[str], typer.Option("--data", "-d", help="Labelled file, folder or glob. Repeatable.")],
    model: ModelOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="table or json.")] = ReportFormat.table,
    report_dir: Annotated[
        Path | None, typer.Option("--report-dir", help="Write confusion matrices and a reliability diagram (PNG) here.")
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Abstain below this stance probability; default: the model's measured threshold.",
        ),
    ] = None,
    input_format: FormatOpt = None,
    text_field: TextFieldOpt = "text",
    encoding: EncodingOpt = "utf-8",
    errors: Annotated[int, typer.Option("--errors", min=0, help="How many of the most confident errors to show.")] = 10,
    trust_unverified: TrustOpt = False,
    allow_version_mismatch: VersionOpt = False,
) -> None:
    """Score a model on labelled data with every score of ANNOTATION.md."""
    with _handled():
        import json

        from ._evaluate import evaluate as evaluate_model
        from ._evaluate import predict_labelled

        fitted = _load(model, trust_unverified, allow_version_mismatch)
        labelled = _load_labelled_for(fitted, data, input_format, text_field, encoding)
        threshold = _min_confidence(min_confidence, model)
        records = predict_labelled(fitted, labelled, min_confidence=threshold)
        result = evaluate_model(fitted, labelled, n_errors=errors, records=records)
        if report_dir is not None:
            _write_report(result, labelled, records, fitted, report_dir)
        if fmt is ReportFormat.json:
            typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
            return
        lines = [_scores_table(result, f"{result['n']} records")]
        lines.append(f"  {'stance ECE':20s} {result['calibration']['ece']:.3f}")
        for name, classes in result["per_class"].items():
            lines.append(f"{name}: per class (precision / recall / F1 / support)")
            for label, row in sorted(classes.items(), key=lambda kv: -kv[1]["support"]):
                lines.append(
                    f"  {label:24s} {row['precision']:.2f} / {row['recall']:.2f} / {row['f1']:.2f} / {row['support']}"
                )
        if result["confident_errors"]:
            lines.append("most confident errors:")
            for err in result["confident_errors"]:
                gold = " · ".join(err["gold"].values())
                pred = " · ".join(err["predicted"].values())
                lines.append(f"  {err['confidence']:.2f}  gold {gold}  predicted {pred}\n        {err['text']}")
        typer.echo("\n".join(lines))


def _write_report(
    result: dict[str, Any], labelled: Any, predicted: list[dict[str, Any]], fitted: Any, report_dir: Path
) -> None:
    import json

    from ._atomic import atomic_write
    from ._errors import StanceError
    from ._plots import confusion_png, reliability_png

    if report_dir.exists() and not report_dir.is_dir():
        raise StanceError(f"{report_dir}: is a file; give a folder for --report-dir")
    report_dir.mkdir(parents=True, exist_ok=True)
    for column, name in enumerate(fitted.fields_):
        gold = [row[column] for row in labelled.labels]
        pred = [str(r[f"pred_{name}"]) for r in predicted]
        confusion_png(gold, pred, report_dir / f"confusion_{name}.png", f"{name}: confusion matrix")
    reliability_png(result["calibration"]["bins"], report_dir / "reliability.png", "stance confidence")
    with atomic_write(report_dir / "scores.json") as handle:
        json.dump(result, handle, indent=2, ensure_ascii=False)
    _err(f"report written to {report_dir}")


@app.command("cv")
def cross_validate_command(
    data: Annotated[
        list[str] | None, typer.Option("--data", "-d", help="Labelled file, folder or glob (default seeds/).")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", "-k", min=2, help="Number of folds.")] = 5,
    predict: Annotated[list[str] | None, typer.Option("--predict", help="A field to predict. Repeatable.")] = None,
    given: Annotated[list[str] | None, typer.Option("--given", help="An input field to condition on.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="table or json.")] = ReportFormat.table,
    input_format: FormatOpt = None,
    text_field: TextFieldOpt = "text",
    encoding: EncodingOpt = "utf-8",
) -> None:
    """Cross-validate grouped by article (doc): no article on both sides of a split."""
    with _handled():
        import json

        from ._data import load_labelled
        from ._evaluate import cross_validate
        from ._model import StanceModel
        from ._ontology import DEFAULT_FIELDS
        from ._train import check_trainable

        fields = tuple(predict or DEFAULT_FIELDS)
        labelled = load_labelled(
            data or ["seeds"],
            fields=fields,
            given=given or (),
            text_field=text_field,
            input_format=input_format.value if input_format else None,
            encoding=encoding,
        )
        check_trainable(labelled)
        model = StanceModel(fields=fields, given=tuple(given or ()), text_field=text_field)
        try:
            scores = cross_validate(model, labelled.model_input(), labelled.labels, labelled.groups, folds=folds)
        except ValueError as exc:
            from ._errors import DataError

            raise DataError(str(exc)) from exc
        if fmt is ReportFormat.json:
            typer.echo(json.dumps(scores, indent=2))
        else:
            typer.echo(_format_cv(scores))


@app.command()
def analyze(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Articles: text files (one each), folders, globs, JSONL/CSV, or '-'.")
    ] = None,
    input: InputOpt = None,
    input_format: FormatOpt = None,
    text_field: TextFieldOpt = "text",
    doc_field: Annotated[str, typer.Option("--doc-field", help="The field naming the article.")] = "doc",
    date_field: Annotated[str, typer.Option("--date-field", help="The field holding the article's date.")] = "date",
    date: Annotated[
        str | None, typer.Option("--date", help="Date (YYYY-MM-DD) of articles without one; resolves office-holders.")
    ] = None,
    by: Annotated[By | None, typer.Option("--by", help="Also split the map by month, quarter or year.")] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            help="Abstain below this stance probability; default: the model's measured threshold.",
        ),
    ] = None,
    fmt: Annotated[AnalyzeFormat, typer.Option("--format", "-f", help="Output format.")] = AnalyzeFormat.table,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Output file; '-' or none for stdout.")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the actor × target map to this PNG.")] = None,
    sentences: Annotated[
        bool, typer.Option("--sentences", help="With --format table: also list every sentence's prediction.")
    ] = False,
    progress: Annotated[
        bool, typer.Option("--progress", help="Show the progress bar even when stderr is not a terminal.")
    ] = False,
    model: ModelOpt = None,
    encoding: EncodingOpt = "utf-8",
    skip_bad_records: SkipOpt = False,
    trust_unverified: TrustOpt = False,
    allow_version_mismatch: VersionOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or messages on stderr.")] = False,
) -> None:
    """Analyse whole articles: each sentence's position and the map of who stands where, with evidence."""
    sources = list(paths or []) + list(input or [])
    if not sources:
        raise typer.BadParameter("give articles as paths or --input PATH (or '-' for stdin)")
    with _handled():
        from ._analyze import analyze as analyze_articles
        from ._data import SkipLog, iter_records
        from ._output import check_output_path

        check_output_path(output, sources, input_format=input_format.value if input_format else None)
        fitted = _load(model, trust_unverified, allow_version_mismatch)
        log = SkipLog()
        records = (
            located.record
            for located in iter_records(
                sources,
                input_format=input_format.value if input_format else None,
                text_field=text_field,
                encoding=encoding,
                text_mode="documents",
                skip_bad=skip_bad_records,
                skip_log=log,
            )
        )
        result = analyze_articles(
            _with_progress(records, quiet, "articles", force=progress),
            fitted,
            date=date,
            min_confidence=_min_confidence(min_confidence, model),
            by=by.value if by else None,
            text_field=text_field,
            doc_field=doc_field,
            date_field=date_field,
        )
        _write_analysis(result, fmt, output, sentences)
        if plot is not None:
            from ._plots import position_map_png

            position_map_png(result.positions, plot)
        if not quiet and result.dates_unknown:
            _err(
                f"note: {len(result.dates_unknown)} article(s) without a date; office-holders resolved to the usual one"
            )
        _report_skips(log)


def _write_analysis(result: Any, fmt: AnalyzeFormat, output: str | None, sentences: bool = False) -> None:
    import json
    from dataclasses import asdict

    from ._output import open_output, write_records

    if fmt is AnalyzeFormat.table and output in (None, "-"):
        if sentences:
            _sentences_table(result)
        _positions_table(result)
        return
    with open_output(output) as handle:
        if fmt is AnalyzeFormat.json:
            json.dump(result.to_dict(), handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        elif fmt is AnalyzeFormat.jsonl:
            write_records((asdict(s) for s in result.sentences), handle, "jsonl")
        elif fmt is AnalyzeFormat.csv:
            rows = result.periods or result.positions
            write_records((_position_row(p) for p in rows), handle, "csv")
        else:
            handle.write(_positions_markdown(result))


def _position_row(position: Any) -> dict[str, Any]:
    row = {"period": position.period} if position.period is not None else {}
    row.update(
        actor=position.actor,
        target=position.target,
        stance=position.stance,
        **position.counts,
        confidence=position.confidence,
        evidence=position.evidence["text"],
        evidence_doc=position.evidence["doc"],
    )
    return row


def _positions_markdown(result: Any) -> str:
    rows = [_position_row(p) for p in (result.periods or result.positions)]
    if not rows:
        return "No positions found.\n"
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[k]).replace("|", "\\|") for k in header) + " |")
    return "\n".join(lines) + "\n"


def _sentences_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="sentences")
    for name in ("doc", "#", "sentence", "actor", "target", "stance"):
        table.add_column(name, overflow="fold", ratio=5 if name == "sentence" else None)
    for s in result.sentences:
        stance = f"{s.stance} ({s.probabilities['stance']:.2f})"
        table.add_row(s.doc, str(s.index), s.text, s.actor, s.target, stance)
    Console(width=max(110, min(180, Console().width))).print(table)


def _positions_table(result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    rows = result.periods or result.positions
    table = Table(title=f"{len(result.sentences)} sentences, {len(rows)} positions")
    columns = (["period"] if result.periods else []) + ["actor", "target", "stance", "f/a/n", "conf.", "evidence"]
    for name in columns:
        table.add_column(name, overflow="fold", ratio=4 if name == "evidence" else None)
    for p in rows:
        cells = [p.period] if result.periods else []
        counts = f"{p.counts['favor']}/{p.counts['against']}/{p.counts['neutral']}"
        cells += [p.actor, p.target, p.stance, counts, f"{p.confidence:.2f}", p.evidence["text"]]
        table.add_row(*cells)
    Console(width=max(110, min(180, Console().width))).print(table)


@data_app.command("check")
def data_check(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Labelled files, folders or globs (default seeds/).")
    ] = None,
    profile: Annotated[
        Profile, typer.Option("--profile", help="basic: schema, labels, duplicates; seeds: also the coverage quotas.")
    ] = Profile.basic,
    input_format: FormatOpt = None,
) -> None:
    """Validate a labelled corpus; exit 1 naming what is wrong or missing."""
    with _handled():
        from ._check import check_corpus, report_rows

        report = check_corpus(
            paths or ["seeds"], profile=profile.value, input_format=input_format.value if input_format else None
        )
        width = max(len(name) for name, _ in report_rows(report))
        for name, value in report_rows(report):
            typer.echo(f"{name:<{width}}  {value}")
        if not report.ok:
            for problem in report.problems[:50]:
                _err(f"problem: {problem}")
            if len(report.problems) > 50:
                _err(f"… and {len(report.problems) - 50} more")
            _err(f"error: {len(report.problems)} problem(s); the corpus does not pass the {profile.value} check")
            raise typer.Exit(1)
        typer.echo(f"ok: passes the {profile.value} check")


def run() -> None:
    """Entry point of the console script."""
    app()
