"""Sentence splitting on the project's boundary test set (original news prose, 315 sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance._segment import split_sentences

FIXTURE = Path(__file__).parent / "fixtures" / "boundaries.jsonl"
PARAGRAPHS = [json.loads(line)["sentences"] for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def boundary_f1(refine: bool) -> float:
    hits = found_total = gold_total = 0
    for sentences in PARAGRAPHS:
        text = " ".join(sentences)
        gold, cursor = set(), 0
        for sentence in sentences:
            cursor += len(sentence)
            gold.add(cursor)
            cursor += 1
        found = {s.end for s in split_sentences(text, refine=refine)}
        hits += len(gold & found)
        found_total += len(found)
        gold_total += len(gold)
    precision, recall = hits / found_total, hits / gold_total
    return 2 * precision * recall / (precision + recall)


def test_the_boundary_set_is_large_enough() -> None:
    assert sum(len(p) for p in PARAGRAPHS) >= 200


def test_the_splitter_finds_news_sentence_boundaries() -> None:
    assert boundary_f1(refine=True) >= 0.97


def test_the_quote_and_abbreviation_pass_improves_on_sentencex_alone() -> None:
    assert boundary_f1(refine=True) > boundary_f1(refine=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. Sen. J.D. Vance met Gen. Smith on Jan. 5 at 3 p.m. in Kyiv.", 1),
        ('Ukraine said no. "We will not back down. We never have," she said.', 3),
        ('"Why now?" he asked. Nobody answered.', 2),
        ("He lives at No. 10 Downing St. and works there.", 1),
        ("Prices rose 3.5% to $1.5bn. Analysts were surprised.", 2),
    ],
)
def test_abbreviations_and_quotes(text: str, expected: int) -> None:
    assert len(split_sentences(text)) == expected


def test_offsets_point_into_the_text() -> None:
    text = "  First one.   Second one?\n\nThird, after a blank line."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["First one.", "Second one?", "Third, after a blank line."]
    assert all(text[s.start : s.end] == s.text for s in sentences)
