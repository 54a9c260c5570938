"""The seed corpus and the default model trained on it (built once per test run)."""

from __future__ import annotations

import re

import pytest

from stance import predict_records
from stance._check import check_corpus

from .conftest import ROOT, SHARED

pytestmark = pytest.mark.slow

# ANNOTATION.md's examples table: each sentence of seed_article.txt (found by its opening
# words, so the article's text is not copied here) and its labels.
EXAMPLES = [
    ("NATO head Jens Stoltenberg made an unannounced", "none", "none", "none"),
    ("NATO members are supplying Ukraine", "NATO", "aid_to_ukraine", "favor"),
    ("The Kyiv Independent newspaper published", "none", "none", "none"),
    ("Many Western officials travelling", "none", "none", "none"),
    ("“The NATO secretary-general is in Ukraine.", "none", "none", "none"),
    ("We will release more information", "none", "none", "none"),
    ("Stoltenberg’s visit comes 14 months", "none", "none", "none"),
    ("NATO has pledged to stand by Ukraine", "NATO", "ukraine_sovereignty", "favor"),
    ("Russia says NATO’s deliveries", "Russia", "aid_to_ukraine", "against"),
    ("The Kremlin said on Thursday that preventing", "Russia", "nato_enlargement", "against"),
    ("“Otherwise, it will pose", "Russia", "nato_enlargement", "against"),
    ("Russian President Vladimir Putin has claimed", "Russia", "nato_enlargement", "against"),
    ("Since Moscow’s invasion, Ukraine has been seeking", "Ukraine", "nato_enlargement", "favor"),
    ("Earlier this month, Stoltenberg invited", "none", "none", "none"),
    ("He said Putin had", "NATO", "nato_enlargement", "favor"),
    ("Zelensky has called for Ukraine", "Ukraine", "nato_enlargement", "favor"),
]


def seed_article_sentences() -> list[str]:
    path = SHARED / "seed_article.txt"
    if not path.exists():
        pytest.skip("../shared/seed_article.txt is absent")
    text = re.sub(r"^\s*date \d{4}-\d{2}-\d{2}\s*", "", path.read_text(encoding="utf-8"))
    pieces = re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"”])\s+|\n+", text)
    return [p.strip() for p in pieces if p.strip()]


def test_the_seeds_pass_the_seed_profile() -> None:
    report = check_corpus([ROOT / "seeds"], profile="seeds")
    assert report.ok, report.problems[:10]


def test_the_seeds_do_not_contain_the_seed_article() -> None:
    seeds_text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "seeds").glob("*.jsonl"))
    for opening, *_ in EXAMPLES:
        assert opening.strip("“") not in seeds_text


def test_the_default_model_reads_the_kremlin_sentence(seed_model) -> None:
    (row,) = predict_records(
        seed_model,
        [
            "The Kremlin said that keeping Ukraine out of the Western military alliance remains one of the "
            "main aims of its war."
        ],
    )
    assert (row["actor"], row["target"], row["stance"]) == ("Russia", "nato_enlargement", "against")
