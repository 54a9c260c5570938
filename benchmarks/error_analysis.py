"""Error analysis of the default model on real news, by kind, sentence by sentence and in context.

    .venv/bin/python benchmarks/error_analysis.py [--model models/stance.joblib]
    .venv/bin/python benchmarks/error_analysis.py --quick     # tiny fixture, for the test suite

Reads ../shared/data/realnews_dev/dev.jsonl in place (evaluation only; skipped when absent)
and reports, for sentence-level prediction and for `stance analyze` (the article's context and
date), every score and the errors by the four kinds of the pilot: actor (and whether the
predicted actor was merely mentioned, or the gold holder had no alias), direction, target,
none against position.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from _report import write_json

from stance import AliasTable, analyze, load_labelled, load_model, score_predictions, train
from stance._inspect import error_kinds

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "realnews_dev" / "dev.jsonl"
FIELDS = ("actor", "target", "stance")
KEYS = ("exact", "actor_acc", "target_acc", "stance_f_avg", "position_precision", "position_recall")


def contextual_predictions(model, data) -> list[tuple[str, str, str]]:
    """Predict each article's sentences with `stance.analyze`, keeping the gold sentence split."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(data.groups):
        by_doc[doc].append(i)
    predicted: list[tuple[str, str, str]] = [("none", "none", "none")] * len(data)
    for doc, indices in by_doc.items():
        # One sentence per paragraph, so the splitter keeps the gold sentences as they are.
        text = "\n\n".join(data.texts[i] for i in indices)
        date = data.records[indices[0]].get("date")
        result = analyze([{"text": text, "doc": doc, "date": date}], model)
        if len(result.sentences) != len(indices):  # the splitter split a gold sentence: fall back
            rows = model.predict([data.texts[i] for i in indices])
            for i, row in zip(indices, rows, strict=True):
                predicted[i] = tuple(row)
            continue
        for i, sentence in zip(indices, result.sentences, strict=True):
            predicted[i] = (sentence.actor, sentence.target, sentence.stance)
    return predicted


def guide_examples(model) -> dict[str, int]:
    """How many of the 16 rows of ANNOTATION.md's examples table the model gets right.

    The sentences are read from ../shared/seed_article.txt (skipped when absent) and found by
    the opening words kept in tests/fixtures/guide_examples.json.
    """
    import re

    article = ROOT.parent / "shared" / "seed_article.txt"
    if not article.exists():
        return {}
    rows = json.loads((ROOT / "tests" / "fixtures" / "guide_examples.json").read_text(encoding="utf-8"))
    text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", article.read_text(encoding="utf-8"))
    pieces = [p.strip() for p in re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"”])\s+|\n+", text) if p.strip()]
    texts = [next(p for p in pieces if p.startswith(row["opening"])) for row in rows]
    gold = [(row["actor"], row["target"], row["stance"]) for row in rows]
    sentence = sum(tuple(p) == g for p, g in zip(model.predict(texts), gold, strict=True))
    result = analyze([{"text": "\n\n".join(texts), "doc": "seed", "date": "2023-04-20"}], model)
    context = sum((s.actor, s.target, s.stance) == g for s, g in zip(result.sentences, gold, strict=True))
    return {"sentence": int(sentence), "article context": int(context), "rows": len(rows)}


def kinds_table(data, predicted, table: AliasTable) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for text, gold, pred in zip(data.texts, data.labels, predicted, strict=True):
        kinds = error_kinds(dict(zip(FIELDS, gold, strict=True)), dict(zip(FIELDS, pred, strict=True)))
        counts.update(kinds)
        if "actor wrong" in kinds:
            mentioned = {m.actor for m in table.find(text)}
            counts["  actor wrong: predicted actor is mentioned, not the holder"] += pred[0] in mentioned
            counts["  actor wrong: gold holder has no alias in the sentence"] += gold[0] not in mentioned
        if "stance direction wrong" in kinds and gold[2] == "against" and pred[2] == "favor":
            counts["  direction: against read as favor"] += 1
        if "stance direction wrong" in kinds and gold[2] == "neutral":
            counts["  direction: neutral missed"] += 1
        if "none vs position" in kinds and gold[2] == "none":
            counts["  none read as a position"] += 1
    counts["records"] = len(data)
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "stance.joblib"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "reports" / "benchmarks" / "error_analysis.json"))
    args = parser.parse_args()
    if args.quick:
        data_path = ROOT / "tests" / "fixtures" / "tiny.jsonl"
        model = train([data_path], None)
    else:
        if not DEV.exists():
            print(f"SKIPPED (data absent: {DEV})")
            return
        data_path = DEV
        model = load_model(args.model)
    data = load_labelled([data_path])
    table = AliasTable()
    sentence_level = [tuple(row) for row in model.predict(data.texts)]
    in_context = contextual_predictions(model, data)
    report = {}
    for name, predicted in (("sentence", sentence_level), ("article context", in_context)):
        scores = score_predictions(data.labels, predicted, FIELDS)
        report[name] = {"scores": {k: scores[k] for k in KEYS}, "errors": kinds_table(data, predicted, table)}
    print("| measure | sentence by sentence | with the article (analyze) |\n|---|---|---|")
    for key in KEYS:
        print(f"| {key} | {report['sentence']['scores'][key]:.3f} | {report['article context']['scores'][key]:.3f} |")
    order = [
        "records",
        "none vs position",
        "  none read as a position",
        "actor wrong",
        "  actor wrong: predicted actor is mentioned, not the holder",
        "  actor wrong: gold holder has no alias in the sentence",
        "target wrong",
        "stance direction wrong",
        "  direction: against read as favor",
        "  direction: neutral missed",
    ]
    for key in order:
        a = report["sentence"]["errors"].get(key, 0)
        b = report["article context"]["errors"].get(key, 0)
        label = "↳ " + key.strip() if key.startswith("  ") else key
        print(f"| {label} | {a} | {b} |")
    guide = guide_examples(model) if not args.quick else {}
    if guide:
        report["guide_examples"] = guide
        print(
            f"| ANNOTATION.md examples right (of {guide['rows']}) | {guide['sentence']} | {guide['article context']} |"
        )
    write_json(args.out, report)


if __name__ == "__main__":
    main()
