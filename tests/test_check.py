"""`stance data check`: schema, labels, duplicates and the seed quotas."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from stance._check import SeedQuotas, check_corpus, near_duplicate_share
from stance.cli import app

runner = CliRunner()


def test_the_tiny_corpus_passes_the_basic_check(tiny_path: Path) -> None:
    report = check_corpus([tiny_path])
    assert report.ok, report.problems
    assert report.n_records == 42


def test_every_bad_record_is_reported_not_only_the_first(tmp_path: Path) -> None:
    lines = [
        {"text": "A.", "actor": "NATO", "target": "none", "stance": "none"},
        {"text": "B.", "actor": "none", "target": "world_peace", "stance": "favor"},
        {"text": "Same words here.", "actor": "none", "target": "none", "stance": "none"},
        {"text": "same words here", "actor": "none", "target": "none", "stance": "none"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    report = check_corpus([path])
    assert not report.ok
    assert report.exact_duplicates == 1
    joined = "\n".join(report.problems)
    assert f"{path}:1: field 'actor': stance 'none' goes with" in joined
    assert f"{path}:2: field 'target': 'world_peace'" in joined
    assert f"{path}:4: field 'text': same text" in joined


def test_near_duplicates_are_counted_by_cosine() -> None:
    share, flagged = near_duplicate_share(
        [
            "NATO leaders met in Vilnius on Tuesday to discuss the accession of Sweden and the war.",
            "NATO leaders met in Vilnius on Tuesday to discuss the accession of Sweden and the war in Ukraine.",
            "Snow fell.",
        ]
    )
    assert flagged == [0, 1]
    assert share == 2 / 3


def test_the_seed_profile_names_what_is_missing(tiny_path: Path) -> None:
    report = check_corpus([tiny_path], profile="seeds", quotas=SeedQuotas(min_records=50))
    joined = "\n".join(report.problems)
    assert "42 records, want at least 50" in joined
    assert "eu_enlargement: 0 favor, want at least 80" in joined
    assert "actor Taiwan: holder of 0 records, want at least 40" in joined


def test_the_command_prints_counts_and_fails_with_problems(tiny_path: Path) -> None:
    result = runner.invoke(app, ["data", "check", str(tiny_path)])
    assert result.exit_code == 0
    assert "records" in result.stdout
    assert "ok: passes the basic check" in result.stdout
    result = runner.invoke(app, ["data", "check", str(tiny_path), "--profile", "seeds"])
    assert result.exit_code == 1
    assert "does not pass the seeds check" in result.stderr
