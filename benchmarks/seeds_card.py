"""Figures for seeds/README.md: label distribution, hard-case inventory, inter-annotator agreement.

    .venv/bin/python benchmarks/seeds_card.py            # prints markdown tables

The hard-case inventory counts sentences by surface patterns (regular expressions over the
text and the labels), so each count is a lower bound of what a reader would find.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from stance import AliasTable, load_labelled

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("actor", "target", "stance")

PATTERNS = {
    "negation (not, no longer, never, yet to, stopped short, rule out)": (
        r"\b(not|n't|no longer|never|yet to|stopped short|rule[sd]? out|refus\w+ to)\b"
    ),
    "conditions (if, unless, until, provided, once, as soon as)": (
        r"\b(if|unless|until|provided|once|as soon as|on condition)\b"
    ),
    "deeds (votes, vetoes, ratification, deliveries, packages, signatures)": (
        r"\b(vot\w*|veto\w*|ratif\w*|deliver\w*|package|signed|shipment|tranche|approved)\b"
    ),
    "reported speech (said, told, according to, accused)": r"\b(said|says|told|according to|accused|warned|added)\b",
    "quotes": r"[\"“”]",
    "British spelling (favour, defence, programme, organisation)": (
        r"\b(favour\w*|defence|programme|organis\w+|centre)\b"
    ),
    "American spelling (favor, defense, program, organization)": r"\b(favor\w*|defense|program|organiz\w+|center)\b",
}


def inventory(data) -> list[tuple[str, int]]:
    table = AliasTable()
    rows = []
    positions = [i for i, labels in enumerate(data.labels) if labels[2] != "none"]
    nones = [i for i, labels in enumerate(data.labels) if labels[2] == "none"]
    holder_differs = 0
    for i in positions:
        mentions = table.find(data.texts[i])
        if mentions and mentions[0].actor != data.labels[i][0]:
            holder_differs += 1
    rows.append(("position whose holder is not the first actor mentioned", holder_differs))
    unnamed = sum(1 for i in positions if data.labels[i][0] not in {m.actor for m in table.find(data.texts[i])})
    rows.append(("position whose holder is not named by any alias (role, pronoun, unseen name)", unnamed))
    rows.append(("none sentence that mentions at least one actor", sum(1 for i in nones if table.find(data.texts[i]))))
    for name, pattern in PATTERNS.items():
        regex = re.compile(pattern, re.IGNORECASE)
        rows.append((name, sum(1 for t in data.texts if regex.search(t))))
    lengths = [len(t.split()) for t in data.texts]
    rows.append(("long sentences (40+ words)", sum(n >= 40 for n in lengths)))
    rows.append(("short sentences (under 12 words)", sum(n < 12 for n in lengths)))
    return rows


def agreement(data, second_path: Path) -> list[tuple[str, float, float]]:
    first = {r["id"]: labels for r, labels in zip(data.records, data.labels, strict=True)}
    second = [json.loads(line) for line in second_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for column, name in enumerate(FIELDS):
        a = [first[r["id"]][column] for r in second]
        b = [r[name] for r in second]
        rows.append((name, sum(x == y for x, y in zip(a, b, strict=True)) / len(a), cohen_kappa_score(a, b)))
    exact = sum(tuple(first[r["id"]]) == tuple(r[f] for f in FIELDS) for r in second) / len(second)
    rows.append(("all three (exact)", exact, float("nan")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=str(ROOT / "seeds"))
    parser.add_argument("--second-pass", default=str(ROOT / "docs" / "seeds_second_pass.jsonl"))
    args = parser.parse_args()
    data = load_labelled([args.seeds])
    print(f"{len(data)} records, {len(set(data.groups))} articles\n")
    print("| target | favor | against | neutral |\n|---|---|---|---|")
    pairs = Counter((t, s) for _, t, s in data.labels)
    for target in sorted({t for _, t, _ in data.labels} - {"none"}):
        print(
            f"| {target} | {pairs[(target, 'favor')]} | {pairs[(target, 'against')]} | {pairs[(target, 'neutral')]} |"
        )
    print(f"| none | | | {pairs[('none', 'none')]} |\n")
    actors = Counter(a for a, _, _ in data.labels if a != "none")
    print("| actor (holder) | records |\n|---|---|")
    for actor, count in actors.most_common(30):
        print(f"| {actor} | {count} |")
    print(f"\n{len(actors)} actors in all; {sum(1 for c in actors.values() if c < 5)} hold fewer than 5 records.\n")
    print("| hard case (pattern count) | records |\n|---|---|")
    for name, count in inventory(data):
        print(f"| {name} | {count} |")
    second = Path(args.second_pass)
    if second.exists():
        print("\n| field | agreement | Cohen's kappa |\n|---|---|---|")
        for name, agree, kappa in agreement(data, second):
            print(f"| {name} | {agree:.3f} | {'' if kappa != kappa else f'{kappa:.3f}'} |")


if __name__ == "__main__":
    main()
