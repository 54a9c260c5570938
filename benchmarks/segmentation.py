"""Sentence splitting measured on the project's boundary test set (tests/fixtures/boundaries.jsonl).

    .venv/bin/python benchmarks/segmentation.py

Each paragraph's gold sentences are joined by a space; a splitter is scored on the boundary
offsets it finds (precision, recall, F1 of sentence ends, pooled), and on exact paragraphs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from stance._segment import split_sentences

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "boundaries.jsonl"


def load(path: Path = FIXTURE) -> list[list[str]]:
    return [json.loads(line)["sentences"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_ends(sentences: list[str]) -> set[int]:
    ends, cursor = set(), 0
    for sentence in sentences:
        cursor += len(sentence)
        ends.add(cursor)
        cursor += 1
    return ends


def score(split: Callable[[str], list[tuple[int, int]]], paragraphs: list[list[str]]) -> dict[str, float]:
    hits = predicted = gold = exact = 0
    start = time.perf_counter()
    for sentences in paragraphs:
        text = " ".join(sentences)
        truth = gold_ends(sentences)
        found = {end for _, end in split(text)}
        hits += len(truth & found)
        predicted += len(found)
        gold += len(truth)
        exact += truth == found
    seconds = time.perf_counter() - start
    precision, recall = hits / predicted, hits / gold
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "exact_paragraphs": exact / len(paragraphs),
        "sentences_per_s": gold / seconds,
    }


def sentencex_only(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text, refine=False)]


def stance_splitter(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text)]


def naive_regex(text: str) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for match in re.finditer(r"[.!?][\"”’)]*\s+", text):
        spans.append((cursor, match.end() - len(match.group(0)) + len(match.group(0).rstrip())))
        cursor = match.end()
    spans.append((cursor, len(text)))
    return spans


SPLITTERS = {
    "naive regex": naive_regex,
    "sentencex": sentencex_only,
    "stance (sentencex + quote pass)": stance_splitter,
}


def main() -> None:
    paragraphs = load()
    total = sum(len(p) for p in paragraphs)
    print(f"{len(paragraphs)} paragraphs, {total} sentences\n")
    print("| splitter | precision | recall | F1 | exact paragraphs | sentences/s |\n|---|---|---|---|---|---|")
    for name, split in SPLITTERS.items():
        s = score(split, paragraphs)
        print(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['exact_paragraphs']:.2f} | "
            f"{s['sentences_per_s']:,.0f} |"
        )


if __name__ == "__main__":
    main()
