"""Speed benchmarks of issue 7: throughput against the bare pipeline, the reference model, growth.

Everything is measured in one run on the same machine, so that the ratios hold even when the
machine is shared (absolute figures move with the load; the load average is recorded).

    .venv/bin/python benchmarks/speed.py            # full mode (the README figures)
    .venv/bin/python benchmarks/speed.py --quick    # tiny inputs, for the test suite

Sections:

- ``throughput``: sentences per second on the same texts, (1) the bare fitted model's
  ``predict`` in a Python loop over chunks of 2,048 texts already in memory (the limit), (2)
  ``stance predict --input FILE --output FILE --format jsonl`` end to end in a subprocess,
  with 1 job and with 2 jobs (while the CLI has no ``--jobs``, a driver script runs the same
  library functions: ``iter_records`` → ``stance._parallel.iter_predictions_parallel`` →
  ``write_records`` into an atomic file). Also the fixed start-up cost (a one-record input)
  and the throughput net of it. Published peer speeds stand beside: PETRARCH-2 about 250
  sentences/s, TABARI 1,000–2,000 sentences/s (other machines, other tasks: orders of
  magnitude only).
- ``reference``: a plain word 1–2-gram + char_wb 2–5-gram TF-IDF + LogisticRegression per
  field, and the default ``StanceModel``, both trained on the same grouped 80% of the seeds
  (split by article), scored by exact match (all three fields right) on the other 20%, and
  their single-process throughput on the same texts.
- ``training``: training time (wall and CPU) and saved model size against training set size:
  the seeds, then 4× and 16× their size by resampling records with replacement. Resampled
  records repeat seed sentences, so the vocabulary, hence the model size, barely grows: this
  measures the cost of more records, not of a richer corpus.
- ``memory``: peak resident memory of ``stance predict --input FILE --output FILE --format
  jsonl`` against input size (10k, 100k, 1M sentences resampled from the seeds into a
  temporary JSONL file). With 1 job: the child's peak RSS from
  ``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process per size. With 2 jobs:
  the sum over the process tree (parent and workers) of each process's peak (``VmHWM`` from
  ``/proc``, polled), an upper bound of the total.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _report import run_info, write_report

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "reports" / "benchmarks"
SEEDS = ROOT / "seeds"
CHUNK = 2048

#: Published speeds of event coders, sentences per second (low, high).
PEERS = {"PETRARCH-2": (250, 250), "TABARI": (1000, 2000)}

#: Sizes per mode. ``train_base``: seed records the training section starts from (None: all).
SETTINGS: dict[str, dict[str, Any]] = {
    "full": {
        "throughput_n": 40_000,
        "repeats": 2,
        "reference_n": 20_000,
        "subset": None,
        "train_base": None,
        "train_sizes": [1, 4, 16],
        "memory_sizes": [10_000, 100_000, 1_000_000],
    },
    "quick": {
        "throughput_n": 3_000,  # more than one chunk of 2,048, so that --jobs 2 starts workers
        "repeats": 1,
        "reference_n": 500,
        "subset": 400,
        "train_base": 150,
        "train_sizes": [1, 4],
        "memory_sizes": [1_000, 2_000],
    },
}

Result = dict[str, Any]


def log(message: str) -> None:
    print(f"[speed] {message}", file=sys.stderr, flush=True)


# -- data -------------------------------------------------------------------------------------


def load_seeds(limit: int | None = None) -> Any:
    """The labelled seeds; with ``limit``, whole articles from the start up to about that many."""
    from stance._data import LabelledData, load_labelled

    data = load_labelled([SEEDS])
    if limit is None or limit >= len(data):
        return data
    groups = data.groups
    keep: list[int] = []
    for i, group in enumerate(groups):
        if len(keep) >= limit and group != groups[keep[-1]]:
            break
        keep.append(i)
    return LabelledData(
        records=[data.records[i] for i in keep],
        texts=[data.texts[i] for i in keep],
        labels=[data.labels[i] for i in keep],
        fields=data.fields,
        given=data.given,
        locations=[data.locations[i] for i in keep],
        sha256=data.sha256,
    )


def resample(items: Sequence[Any], n: int, seed: int = 0) -> list[Any]:
    """``n`` items drawn with replacement."""
    rng = random.Random(seed)
    return [items[rng.randrange(len(items))] for _ in range(n)]


def write_jsonl(path: Path, texts: Sequence[str], n: int, seed: int = 0) -> None:
    """``n`` records ``{"id", "text"}`` resampled from ``texts``, streamed to ``path``."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps({"id": i, "text": texts[rng.randrange(len(texts))]}, ensure_ascii=False) + "\n")


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


# -- commands ---------------------------------------------------------------------------------

#: What ``stance predict --input IN --output OUT --format jsonl --jobs N`` runs, for use until
#: the CLI has ``--jobs``: the same library calls, the model loaded once per worker.
DRIVER = """
import sys
from stance._data import iter_records
from stance._output import open_output, write_records
from stance._parallel import iter_predictions_parallel

source, target, model, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
records = (located.record for located in iter_records([source]))
with open_output(target) as handle:
    write_records(iter_predictions_parallel(model, records, jobs=jobs), handle, "jsonl")
"""


def stance_command() -> list[str]:
    script = Path(sys.executable).with_name("stance")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from stance.cli import run; run()"]


def cli_has_jobs() -> bool:
    result = subprocess.run(
        [*stance_command(), "predict", "--help"], capture_output=True, text=True, check=False, timeout=120
    )
    return "--jobs" in result.stdout


def predict_command(source: Path, target: Path, model: Path, jobs: int, use_cli: bool) -> list[str]:
    if use_cli:
        command = [*stance_command(), "predict", "--input", str(source), "--output", str(target)]
        command += ["--format", "jsonl", "--model", str(model), "--quiet"]
        return command + (["--jobs", str(jobs)] if jobs != 1 else [])
    return [sys.executable, "-c", DRIVER, str(source), str(target), str(model), str(jobs)]


def run_timed(command: list[str], timeout: float = 7200) -> tuple[float, float]:
    """Wall seconds of ``command``, and the CPU seconds of its process tree (waited-for children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=timeout)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} … failed ({result.returncode}): {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


# -- sections ---------------------------------------------------------------------------------


def bare_throughput(model: Any, texts: Sequence[str], repeats: int) -> float:
    """Best sentences/s of ``model.predict`` over chunks of ``CHUNK`` texts, in this process."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for start in range(0, len(texts), CHUNK):
            model.predict(texts[start : start + CHUNK])
        best = min(best, time.perf_counter() - started)
    return rate(len(texts), best)


def _bare_worker(model_path: str, texts: list[str], barrier: Any) -> tuple[float, float, int]:
    """In a worker process: load the model, wait for the others, then time the predict loop."""
    import stance

    model = stance.load_model(model_path)
    model.predict(texts[:8])  # warm-up, outside the timing
    barrier.wait()
    started = time.time()
    for start in range(0, len(texts), CHUNK):
        model.predict(texts[start : start + CHUNK])
    return started, time.time(), len(texts)


def bare_throughput_processes(model_path: Path, texts: Sequence[str], processes: int) -> float:
    """Sentences/s of ``processes`` bare predict loops running at once (the limit with that many cores).

    Each process loads the model first (not timed); the clock runs from the first start to the
    last end, over all the texts.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    try:
        barrier = manager.Barrier(processes)
        shares = [list(texts[i::processes]) for i in range(processes)]
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            futures = [pool.submit(_bare_worker, str(model_path), share, barrier) for share in shares]
            spans = [future.result() for future in futures]
    finally:
        manager.shutdown()
    return rate(sum(n for _, _, n in spans), max(end for _, end, _ in spans) - min(start for start, _, _ in spans))


def run_throughput(args: argparse.Namespace, settings: dict[str, Any], work: Path, model_path: Path) -> Result:
    import stance

    n, repeats = settings["throughput_n"], settings["repeats"]
    seeds = load_seeds(settings["subset"])
    texts = resample(seeds.texts, n, seed=1)
    source, small = work / "throughput.jsonl", work / "small.jsonl"
    with open(source, "w", encoding="utf-8") as handle:
        for i, text in enumerate(texts):
            handle.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    # One chunk and one record: the smallest input that starts workers. The time it takes is the
    # start-up (imports, model loads, worker start) plus one chunk; the marginal rate is the
    # rate of the records beyond it.
    n_small = CHUNK + 1
    write_jsonl(small, texts, n_small)
    use_cli = cli_has_jobs()
    model = stance.load_model(model_path)
    modes = {
        "cli_jobs1": (1, True),  # the command as it is
        "jobs1": (1, use_cli),
        "jobs2": (2, use_cli),
    }
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in modes}
    small_times: dict[str, tuple[float, float]] = {}
    bare: list[float] = []
    bare2: list[float] = []
    outputs: dict[str, Path] = {}
    for round_ in range(repeats):  # interleaved, so that a load spike hits every mode alike
        bare.append(bare_throughput(model, texts, 1))
        bare2.append(bare_throughput_processes(model_path, texts, 2))
        for name, (jobs, cli) in modes.items():
            if name == "jobs1" and use_cli:
                continue  # the same command as cli_jobs1
            target = work / f"out-{name}.jsonl"
            times[name].append(run_timed(predict_command(source, target, model_path, jobs, cli)))
            if count_lines(target) != n:
                raise RuntimeError(f"{name}: wrote {count_lines(target)} records, expected {n}")
            outputs[name] = target
            if round_ == 0:
                small_times[name] = run_timed(
                    predict_command(small, work / f"small-{name}.jsonl", model_path, jobs, cli)
                )
        log(f"throughput round {round_ + 1}/{repeats}: bare {bare[-1]:.0f}/s, 2 processes {bare2[-1]:.0f}/s")
    if use_cli:
        times["jobs1"], small_times["jobs1"], outputs["jobs1"] = (
            times["cli_jobs1"],
            small_times["cli_jobs1"],
            outputs["cli_jobs1"],
        )
    same = outputs["jobs1"].read_bytes() == outputs["jobs2"].read_bytes()
    same_cli = outputs["cli_jobs1"].read_bytes() == outputs["jobs1"].read_bytes()
    limit, limit2 = max(bare), max(bare2)
    result: Result = {
        "status": "ok",
        "n": n,
        "chunk": CHUNK,
        "method": "stance predict --jobs N"
        if use_cli
        else "driver script (iter_predictions_parallel); CLI lacks --jobs",
        "bare_per_s": round(limit, 1),
        "bare_rounds_per_s": [round(b, 1) for b in bare],
        "bare_2proc_per_s": round(limit2, 1),
        "bare_2proc_rounds_per_s": [round(b, 1) for b in bare2],
        "bare_2proc_vs_bare": round(limit2 / limit, 3),
        "outputs_equal_jobs1_jobs2": same,
        "outputs_equal_cli_driver": same_cli,
        "small_n": n_small,
        "modes": {},
        "peers_per_s": {k: list(v) for k, v in PEERS.items()},
    }
    for name in modes:
        best, cpu = min(times[name])
        small_seconds, small_cpu = small_times[name]
        extra = best - small_seconds
        marginal = rate(n - n_small, extra) if extra > 0 else None
        result["modes"][name] = {
            "seconds": round(best, 2),
            "cpu_seconds": round(cpu, 2),
            "per_s": round(rate(n, best), 1),
            "vs_bare": round(rate(n, best) / limit, 3),
            "small_seconds": round(small_seconds, 2),
            "small_cpu_seconds": round(small_cpu, 2),
            "marginal_per_s": round(marginal, 1) if marginal else None,
            "marginal_vs_bare": round(marginal / limit, 3) if marginal else None,
        }
    j1, j2 = result["modes"]["jobs1"], result["modes"]["jobs2"]
    j2["vs_bare_2proc"] = round(j2["per_s"] / limit2, 3)
    j2["marginal_vs_bare_2proc"] = round(j2["marginal_per_s"] / limit2, 3) if j2["marginal_per_s"] else None
    result["jobs2_vs_jobs1"] = round(j2["per_s"] / j1["per_s"], 3)
    result["jobs2_vs_bare"] = round(j2["per_s"] / limit, 3)
    result["jobs2_marginal_vs_jobs1_marginal"] = (
        round(j2["marginal_per_s"] / j1["marginal_per_s"], 3) if j1["marginal_per_s"] and j2["marginal_per_s"] else None
    )
    return result


def reference_pipeline() -> Any:
    """Word 1-2-gram + char_wb 2-5-gram TF-IDF, one LogisticRegression per field (defaults)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    return Pipeline([("features", features), ("clf", MultiOutputClassifier(LogisticRegression(max_iter=2000)))])


def exact_and_fields(gold: np.ndarray, pred: np.ndarray, fields: Sequence[str]) -> dict[str, float]:
    pred = np.asarray(pred, dtype=object).reshape(gold.shape)
    scores = {"exact": float(np.mean(np.all(pred == gold, axis=1)))}
    for column, name in enumerate(fields):
        scores[f"{name}_acc"] = float(np.mean(pred[:, column] == gold[:, column]))
    return scores


def run_reference(args: argparse.Namespace, settings: dict[str, Any], work: Path) -> Result:
    from sklearn.model_selection import GroupShuffleSplit

    import stance

    seeds = load_seeds(settings["subset"])
    texts = np.asarray(seeds.texts, dtype=object)
    labels = np.asarray(seeds.labels, dtype=object)
    train, test = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=0).split(texts, groups=seeds.groups))
    fields = list(seeds.fields)
    sample = resample(list(texts[test]), settings["reference_n"], seed=2)
    models: dict[str, Any] = {"reference": reference_pipeline(), "default": stance.StanceModel()}
    out: Result = {
        "status": "ok",
        "train_records": len(train),
        "test_records": len(test),
        "split": "GroupShuffleSplit(test_size=0.2, random_state=0) by article (doc)",
        "models": {},
    }
    for name, model in models.items():
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(list(texts[train]), labels[train])
        fit_seconds, fit_cpu = time.perf_counter() - started, time.process_time() - cpu
        scores = exact_and_fields(labels[test], model.predict(list(texts[test])), fields)
        speed = bare_throughput(model, sample, settings["repeats"])
        out["models"][name] = {
            **{k: round(v, 4) for k, v in scores.items()},
            "per_s": round(speed, 1),
            "fit_seconds": round(fit_seconds, 1),
            "fit_cpu_seconds": round(fit_cpu, 1),
        }
        log(f"reference: {name} exact {scores['exact']:.3f}, {speed:.0f}/s, fit {fit_seconds:.0f} s")
    ref, default = out["models"]["reference"], out["models"]["default"]
    out["default_vs_reference_speed"] = round(default["per_s"] / ref["per_s"], 3)
    out["default_minus_reference_exact"] = round(default["exact"] - ref["exact"], 4)
    return out


def run_training(args: argparse.Namespace, settings: dict[str, Any], work: Path) -> tuple[Result, Path]:
    """Training cost against size; returns the model trained at 1× (for the other sections)."""
    import stance
    from stance._persistence import save_model

    seeds = load_seeds(settings["train_base"])
    base = len(seeds)
    rows: list[Result] = []
    model_1x = work / "model-1x.joblib"
    for size in args.train_sizes or settings["train_sizes"]:
        n = round(base * size)
        extra = resample(range(base), max(0, n - base), seed=3)
        index = list(range(min(base, n))) + list(extra)
        texts = [seeds.texts[i] for i in index]
        labels = [seeds.labels[i] for i in index]
        started, cpu = time.perf_counter(), time.process_time()
        model = stance.StanceModel().fit(texts, labels)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        path = work / f"model-{size}x.joblib"
        save_model(model, path, manifest={"benchmark": f"speed training {size}x"})
        n_features = int(sum(len(getattr(t, "vocabulary_", {}) or {}) for t in _vectorizers(model)))
        rows.append(
            {
                "size": size,
                "records": n,
                "fit_seconds": round(seconds, 1),
                "fit_cpu_seconds": round(cpu_seconds, 1),
                "model_mb": round(path.stat().st_size / 1e6, 2),
                "n_features": n_features,
            }
        )
        log(f"training {size}x ({n} records): {seconds:.0f} s, {rows[-1]['model_mb']} MB")
        if size == 1:
            model_1x = path
        elif path != model_1x:
            path.unlink()
            path.with_name(path.name + ".json").unlink()
    first = rows[0]
    for row in rows:
        row["time_vs_first"] = round(row["fit_seconds"] / first["fit_seconds"], 2) if first["fit_seconds"] else None
        row["size_vs_first"] = round(row["model_mb"] / first["model_mb"], 2) if first["model_mb"] else None
    return {"status": "ok", "base_records": base, "rows": rows}, model_1x


def _vectorizers(model: Any) -> list[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    found: list[Any] = []
    for _, part in model.features_.transformer_list:
        steps = [s for _, s in part.steps] if hasattr(part, "steps") else [part]
        found.extend(s for s in steps if isinstance(s, TfidfVectorizer))
    return found


#: Runs a command and prints its peak RSS (KiB) from RUSAGE_CHILDREN: one wrapper per size, so
#: that the figure is this command's alone.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def peak_rss_children(command: list[str]) -> tuple[float, float]:
    """Peak RSS (MB) of ``command`` via getrusage(RUSAGE_CHILDREN) in a wrapper, and seconds."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"memory run failed ({result.returncode}): {result.stderr[-2000:]}")
    return int(result.stdout.strip().splitlines()[-1]) / 1024, seconds


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return pids


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss_tree(command: list[str], interval: float = 0.2) -> tuple[float, float]:
    """Sum over the process tree of each process's peak RSS (MB), polled from /proc, and seconds."""
    peaks: dict[int, int] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while process.poll() is None:
        for pid in _tree(process.pid):
            peaks[pid] = max(peaks.get(pid, 0), _hwm_kib(pid))
        time.sleep(interval)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"memory run failed ({process.returncode}): {stderr[-2000:]}")
    return sum(peaks.values()) / 1024, seconds


def run_memory(args: argparse.Namespace, settings: dict[str, Any], work: Path, model_path: Path) -> Result:
    seeds = load_seeds(settings["subset"])
    use_cli = cli_has_jobs()
    rows: list[Result] = []
    for n in args.memory_sizes or settings["memory_sizes"]:
        source, target = work / f"memory-{n}.jsonl", work / f"memory-{n}-out.jsonl"
        write_jsonl(source, seeds.texts, n, seed=4)
        row: Result = {"n": n, "input_mb": round(source.stat().st_size / 1e6, 1)}
        for jobs in args.memory_jobs:
            # 1 job: the command exactly as users run it today (no --jobs).
            command = predict_command(source, target, model_path, jobs, use_cli or jobs == 1)
            if jobs == 1:
                peak, seconds = peak_rss_children(command)
            elif sys.platform.startswith("linux"):
                peak, seconds = peak_rss_tree(command)
            else:
                continue
            if count_lines(target) != n:
                raise RuntimeError(f"memory {n}: wrote {count_lines(target)} records, expected {n}")
            row[f"jobs{jobs}_peak_mb"] = round(peak, 1)
            row[f"jobs{jobs}_per_s"] = round(rate(n, seconds), 1)
            log(f"memory {n} jobs={jobs}: peak {peak:.0f} MB, {rate(n, seconds):.0f}/s")
        rows.append(row)
        source.unlink()
        target.unlink(missing_ok=True)
    for jobs in args.memory_jobs:
        key = f"jobs{jobs}_peak_mb"
        if key in rows[0]:
            for row in rows:
                row[f"jobs{jobs}_vs_smallest"] = round(row[key] / rows[0][key], 3)
    return {"status": "ok", "rows": rows, "method": "getrusage(RUSAGE_CHILDREN); jobs>1: sum of /proc VmHWM"}


# -- report -----------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _throughput_rows(t: Result) -> list[list[str]]:
    limit, limit2 = t["bare_per_s"], t["bare_2proc_per_s"]
    rows = [
        ["throughput", f"bare model.predict, chunks of {t['chunk']} (the 1-core limit)", f"{limit:,.0f}/s", "1.00×"],
        [
            "throughput",
            "bare model.predict in 2 processes at once (the 2-core limit here)",
            f"{limit2:,.0f}/s",
            f"{t['bare_2proc_vs_bare']:.2f}× bare",
        ],
    ]
    labels = {"cli_jobs1": "stance predict file→file, as it is", "jobs1": "… --jobs 1", "jobs2": "… --jobs 2"}
    for name, mode in t["modes"].items():
        small = f"{t['small_n']:,} records: {mode['small_seconds']:.1f} s"
        marginal = f"beyond them {_fmt(mode['marginal_per_s'])}/s = {_fmt(mode['marginal_vs_bare'], 2)}× bare"
        cpu = f"CPU {mode['cpu_seconds']:.1f} s"
        note = f"{mode['vs_bare']:.2f}× bare; {cpu}; {small}, {marginal}"
        if name == "jobs2":
            note += f"; {mode['vs_bare_2proc']:.2f}× the 2-core limit"
        rows.append(["throughput", labels[name], f"{mode['per_s']:,.0f}/s ({mode['seconds']:.1f} s)", note])
    same = f"same output: {t['outputs_equal_jobs1_jobs2']}"
    marginal = f"beyond the first chunk {_fmt(t['jobs2_marginal_vs_jobs1_marginal'], 2)}×"
    rows.append(["throughput", "--jobs 2 against --jobs 1", f"{t['jobs2_vs_jobs1']:.2f}×", f"{marginal}; {same}"])
    for peer, (low, high) in PEERS.items():
        value = f"{low:,}/s" if low == high else f"{low:,}–{high:,}/s"
        times = f"{limit / low:.1f}×" if low == high else f"{limit / high:.1f}–{limit / low:.1f}×"
        rows.append(["throughput", f"{peer} (published, other hardware)", value, f"bare is {times} faster"])
    return rows


def _reference_rows(r: Result) -> list[list[str]]:
    rows = []
    for name, label in (("reference", "reference TF-IDF + LR"), ("default", "default StanceModel")):
        m = r["models"][name]
        fields = f"actor {m['actor_acc']:.3f}, target {m['target_acc']:.3f}, stance {m['stance_acc']:.3f}"
        rows.append(
            [
                "reference",
                label,
                f"{m['per_s']:,.0f}/s, exact {m['exact']:.3f}",
                f"{fields}; fit {m['fit_seconds']:.0f} s",
            ]
        )
    held_out = f"held-out {r['test_records']} of {r['train_records'] + r['test_records']} records"
    speed, exact = r["default_vs_reference_speed"], r["default_minus_reference_exact"]
    rows.append(["reference", "default against reference", f"{speed:.2f}× speed", f"exact {exact:+.3f} ({held_out})"])
    return rows


def _training_rows(g: Result) -> list[list[str]]:
    rows = []
    for row in g["rows"]:
        growth = f"{row['time_vs_first']}× time, {row['size_vs_first']}× size"
        note = f"CPU {row['fit_cpu_seconds']:.0f} s; {growth}; {row['n_features']:,} n-grams"
        value = f"{row['fit_seconds']:.1f} s, {row['model_mb']:.1f} MB"
        rows.append(["training", f"{row['size']}× ({row['records']:,} records)", value, note])
    return rows


def _memory_rows(mem: Result) -> list[list[str]]:
    rows = []
    for row in mem["rows"]:
        parts = []
        for key in sorted(k for k in row if k.endswith("_peak_mb")):
            jobs = key.split("_")[0]
            growth = row.get(f"{jobs}_vs_smallest")
            parts.append(f"{jobs}: {row[key]:.0f} MB ({_fmt(growth, 2)}×), {_fmt(row[f'{jobs}_per_s'])}/s")
        rows.append(["memory", f"{row['n']:,} sentences ({row['input_mb']} MB)", "; ".join(parts), "peak RSS"])
    return rows


def table_rows(results: dict[str, Result]) -> list[list[str]]:
    rows: list[list[str]] = []
    sections = {
        "training": _training_rows,
        "throughput": _throughput_rows,
        "reference": _reference_rows,
        "memory": _memory_rows,
    }
    for name, result in results.items():
        if result.get("status") == "ok":
            rows.extend(sections[name](result))
        else:
            rows.append([name, result.get("status", "?"), result.get("reason", ""), ""])
    return rows


def markdown_table(results: dict[str, Result]) -> str:
    lines = ["| section | measure | value | note |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(results)]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny inputs (for the test suite)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report folder for the JSON results")
    parser.add_argument("--model", type=Path, help="model for throughput and memory (default: trained at 1× here)")
    parser.add_argument(
        "--only", nargs="+", choices=["training", "throughput", "reference", "memory"], help="run only these sections"
    )
    parser.add_argument("--train-sizes", type=float, nargs="+", help="multiples of the seeds (default 1 4 16)")
    parser.add_argument("--memory-sizes", type=int, nargs="+", help="sentences (default 10000 100000 1000000)")
    parser.add_argument("--memory-jobs", type=int, nargs="+", default=[1, 2], help="jobs for the memory runs")
    parser.add_argument("--throughput-n", type=int, help="sentences for the throughput runs (default 40000)")
    args = parser.parse_args(argv)
    if args.train_sizes:
        args.train_sizes = [int(s) if float(s).is_integer() else s for s in args.train_sizes]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    settings = dict(SETTINGS[mode])
    if args.throughput_n:
        settings["throughput_n"] = args.throughput_n
    wanted = args.only or ["training", "throughput", "reference", "memory"]
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Result] = {}
    started = time.perf_counter()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="stance-speed-"))
    model_path = args.model
    steps: list[tuple[str, Callable[[], Result]]] = []

    def training() -> Result:
        nonlocal model_path
        result, trained = run_training(args, settings, work)
        if model_path is None:
            model_path = trained
        return result

    if "training" in wanted:
        steps.append(("training", training))
    elif model_path is None:
        steps.append(("training", training))  # a 1× model is needed; its timing is reported too
        args.train_sizes = [1]
    steps.append(("throughput", lambda: run_throughput(args, settings, work, model_path)))
    steps.append(("reference", lambda: run_reference(args, settings, work)))
    steps.append(("memory", lambda: run_memory(args, settings, work, model_path)))
    try:
        for name, step in steps:
            if name not in wanted and name != "training":
                continue
            t0 = time.perf_counter()
            try:
                result = step()
            except Exception as error:  # report, go on with the other sections, exit 1 at the end
                log(f"{name}: ERROR {type(error).__name__}: {error}\n{traceback.format_exc()}")
                result = {"status": "error", "reason": f"{type(error).__name__}: {error}"}
            result["seconds"] = round(time.perf_counter() - t0, 1)
            log(f"{name}: {result['status']} in {result['seconds']} s")
            results[name] = result
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = markdown_table(results)
    import stance

    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    report = {
        "mode": mode,
        "git_commit": commit.stdout.strip() or None,
        "stance_source": str(Path(stance.__file__).parent),
        **run_info(),
        "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.perf_counter() - started, 1),
        "settings": settings,
        "benchmarks": results,
        "table": table,
    }
    return write_report(args.out / ("speed-quick.json" if args.quick else "speed.json"), report, table)


if __name__ == "__main__":
    sys.exit(main())
