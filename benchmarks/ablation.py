"""Ablation of the default model: each feature group and structure choice on and off.

    .venv/bin/python benchmarks/ablation.py            # grouped held-out split of seeds/ + real-news dev
    .venv/bin/python benchmarks/ablation.py --quick     # tiny fixture, for the test suite

Every variant is trained on the same training articles of seeds/ (a grouped split: 80% of the
articles) and scored on the held-out 20% and, when present, on ../shared/data/realnews_dev
(evaluation only). Prediction speed is measured on the same texts in the same run, and given
as sentences per second and as a ratio to the default.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
from _report import write_json
from sklearn.model_selection import GroupShuffleSplit

from stance import StanceModel, load_labelled, score_predictions

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "realnews_dev" / "dev.jsonl"
KEYS = ("exact", "actor_acc", "target_acc", "stance_f_avg", "stance_macro_f1", "position_precision", "position_recall")

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "cascade (actor/target on positions, gated)": {"cascade": True},
    "split views (target/stance blind to actor ids)": {"views": "split"},
    "no holder/direction tokens": {"holder_features": False},
    "no actor normalisation": {"normalize_actors": False},
    "no char n-grams": {"char_ngram_range": None},
    "char n-grams 3-5": {"char_ngram_range": (3, 5)},
    "closed actor set (no unseen holders named)": {"open_actors": False},
    "no class weights": {"class_weight": None},
    "C=1": {"C": 1.0},
    "C=16": {"C": 16.0},
    "reference: word 1-2 + char_wb 2-5, plain": {
        "holder_features": False,
        "normalize_actors": False,
        "class_weight": None,
        "C": 1.0,
        "enforce_none": False,
        "open_actors": False,
    },
}


def run(variants: dict[str, dict[str, Any]], data_path: Path, dev_path: Path | None, quick: bool) -> list[dict]:
    data = load_labelled([data_path])
    labels = np.asarray(data.labels, dtype=object)
    split = GroupShuffleSplit(n_splits=1, test_size=0.2 if not quick else 0.25, random_state=0)
    train, test = next(split.split(data.texts, labels, data.groups))
    train_texts = [data.texts[i] for i in train]
    test_texts = [data.texts[i] for i in test]
    dev = load_labelled([dev_path]) if dev_path is not None and dev_path.exists() else None
    results = []
    for name, params in variants.items():
        start = time.perf_counter()
        model = StanceModel(**params).fit(train_texts, labels[train])
        fit_s = time.perf_counter() - start
        row: dict[str, Any] = {"variant": name, "params": params, "fit_s": fit_s}
        start = time.perf_counter()
        predicted = model.predict(test_texts)
        row["sentences_per_s"] = len(test_texts) / (time.perf_counter() - start)
        scores = score_predictions(labels[test], predicted, model.fields_)
        row["heldout"] = {k: scores[k] for k in KEYS}
        if dev is not None:
            scores = score_predictions(dev.labels, model.predict(dev.texts), model.fields_)
            row["dev"] = {k: scores[k] for k in KEYS}
        results.append(row)
        print(f"  {name}: fit {fit_s:.0f}s", flush=True)
    return results


def table(results: list[dict]) -> str:
    base_speed = results[0]["sentences_per_s"]
    has_dev = "dev" in results[0]
    head = (
        "| variant | held-out exact | held-out F_avg |"
        + (" dev exact | dev actor | dev target | dev F_avg | dev pos. P/R |" if has_dev else "")
        + " sent/s | speed × default |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        cells = [r["variant"], f"{r['heldout']['exact']:.3f}", f"{r['heldout']['stance_f_avg']:.3f}"]
        if has_dev:
            d = r["dev"]
            cells += [
                f"{d['exact']:.3f}",
                f"{d['actor_acc']:.3f}",
                f"{d['target_acc']:.3f}",
                f"{d['stance_f_avg']:.3f}",
                f"{d['position_precision']:.2f}/{d['position_recall']:.2f}",
            ]
        cells += [f"{r['sentences_per_s']:,.0f}", f"{r['sentences_per_s'] / base_speed:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny fixture and three variants (for the tests)")
    parser.add_argument("--only", nargs="*", help="names of variants to run (default all)")
    parser.add_argument("--out", default=str(ROOT / "reports" / "benchmarks" / "ablation.json"))
    args = parser.parse_args()
    if args.quick:
        variants = {k: VARIANTS[k] for k in ("default", "no holder/direction tokens", "no char n-grams")}
        results = run(variants, ROOT / "tests" / "fixtures" / "tiny.jsonl", None, quick=True)
    else:
        variants = {k: v for k, v in VARIANTS.items() if not args.only or k in args.only}
        results = run(variants, ROOT / "seeds", DEV, quick=False)
    print(table(results))
    write_json(args.out, results)


if __name__ == "__main__":
    main()
