"""`stance analyze`: sentences, context resolution, the position map, periods and formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from stance._analyze import analyze, period_key
from stance.cli import app

runner = CliRunner()


class ScriptedModel:
    """A stand-in estimator whose predictions are given per sentence, to test the analysis alone."""

    fields_ = ("actor", "target", "stance")
    given = ()
    classes_ = [np.array(["x"])] * 3

    def __init__(self, answers: dict[str, tuple[str, str, str, float]]) -> None:
        self.answers = answers

    def predict_with_proba(self, texts):
        labels = np.array([self.answers.get(t, ("none", "none", "none", 0.9))[:3] for t in texts], dtype=object)
        probs = np.array([[self.answers.get(t, ("none", "none", "none", 0.9))[3]] * 3 for t in texts])
        return labels.reshape(len(texts), 3), probs.reshape(len(texts), 3)


ARTICLE = (
    "Rutte said the alliance's door remained open to Kyiv. "
    "He said Moscow had no veto over the decision. "
    "The Kremlin rejected the idea. "
    "It would be a grave danger, Peskov said. "
    "Talks were scheduled for Monday."
)
ANSWERS = {
    "Rutte said the alliance's door remained open to Kyiv.": ("NATO", "nato_enlargement", "favor", 0.9),
    "He said Moscow had no veto over the decision.": ("Russia", "nato_enlargement", "favor", 0.6),
    "The Kremlin rejected the idea.": ("Russia", "aid_to_ukraine", "against", 0.7),
    "It would be a grave danger, Peskov said.": ("Russia", "nato_enlargement", "against", 0.8),
}


def test_sentences_carry_offsets_predictions_and_the_holder_mention() -> None:
    result = analyze([{"text": ARTICLE, "doc": "a1", "date": "2025-01-10"}], ScriptedModel(ANSWERS))
    first = result.sentences[0]
    assert (first.doc, first.date, first.index) == ("a1", "2025-01-10", 0)
    assert ARTICLE[first.start : first.end] == first.text
    assert first.holder == {"start": 0, "end": 5, "alias": "Rutte", "actor": "NATO"}
    assert len(result.sentences) == 5


def test_office_dates_resolve_an_official_to_the_actor_of_the_day() -> None:
    result = analyze([{"text": ARTICLE, "doc": "a1", "date": "2020-05-01"}], ScriptedModel(ANSWERS))
    assert result.sentences[0].actor == "Netherlands"
    assert result.sentences[0].resolved == ["actor NATO → Netherlands (Rutte on 2020-05-01)"]


def test_a_pronoun_speaker_is_the_holder_before_even_when_the_sentence_names_others() -> None:
    result = analyze([{"text": ARTICLE, "doc": "a1", "date": "2025-01-10"}], ScriptedModel(ANSWERS))
    he_said = result.sentences[1]
    assert he_said.actor == "NATO"
    assert he_said.resolved == ["actor Russia → NATO (holder of the sentence before)"]


def test_an_article_without_a_date_is_reported() -> None:
    result = analyze([ARTICLE], ScriptedModel(ANSWERS))
    assert result.dates_unknown == ["doc1"]
    assert result.sentences[0].actor == "NATO"


def test_context_gives_a_target_to_a_sentence_that_names_none() -> None:
    result = analyze([{"text": ARTICLE, "doc": "a1", "date": "2025-01-10"}], ScriptedModel(ANSWERS))
    kremlin = result.sentences[2]
    assert kremlin.target == "nato_enlargement"  # "the idea" names no aid: the target before
    assert any("target of the sentence before" in r for r in kremlin.resolved)
    without = analyze([{"text": ARTICLE, "doc": "a1"}], ScriptedModel(ANSWERS), context=False)
    assert without.sentences[2].target == "aid_to_ukraine"


def test_the_map_has_one_row_per_actor_and_target_with_majority_counts_and_evidence() -> None:
    result = analyze([{"text": ARTICLE, "doc": "a1", "date": "2025-01-10"}], ScriptedModel(ANSWERS))
    rows = {(p.actor, p.target): p for p in result.positions}
    russia = rows[("Russia", "nato_enlargement")]
    assert russia.counts == {"favor": 0, "against": 2, "neutral": 0}
    assert russia.stance == "against"
    assert russia.evidence["text"] == "It would be a grave danger, Peskov said."
    assert rows[("NATO", "nato_enlargement")].stance == "favor"
    assert rows[("NATO", "nato_enlargement")].counts["favor"] == 2  # Rutte, then "He said"
    assert result.documents["a1"]


def test_syndicated_copies_count_once() -> None:
    copies = [{"text": ARTICLE, "doc": f"outlet{i}", "date": "2025-01-10"} for i in range(5)]
    result = analyze(copies, ScriptedModel(ANSWERS))
    rows = {(p.actor, p.target): p for p in result.positions}
    assert sum(rows[("Russia", "nato_enlargement")].counts.values()) == 2


def test_periods_split_the_map_by_date() -> None:
    articles = [
        {"text": "The Kremlin rejected the idea.", "doc": "old", "date": "2022-05-01"},
        {"text": "Ankara backed it.", "doc": "new", "date": "2024-02-01"},
    ]
    answers = {
        "The Kremlin rejected the idea.": ("Turkey", "nato_enlargement", "against", 0.8),
        "Ankara backed it.": ("Turkey", "nato_enlargement", "favor", 0.8),
    }
    result = analyze(articles, ScriptedModel(answers), by="year")
    assert [(p.period, p.stance) for p in result.periods] == [("2022", "against"), ("2024", "favor")]
    assert period_key(None, "month") == "unknown"


def test_abstaining_below_the_threshold() -> None:
    result = analyze([ARTICLE], ScriptedModel(ANSWERS), min_confidence=0.75)
    assert result.sentences[1].stance == "none"


def test_the_command_writes_json_with_sentences_and_positions(tiny_model_path: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("date 2023-04-20\nNATO allies pledged more air defence for Kyiv. Moscow rejected the bid.\n")
    result = runner.invoke(app, ["analyze", str(article), "-m", str(tiny_model_path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["date"] for s in data["sentences"]] == ["2023-04-20", "2023-04-20"]
    for position in data["positions"]:
        assert {"actor", "target", "stance", "counts", "confidence", "evidence"} <= set(position)


def test_the_command_reads_a_folder_and_writes_every_format(tiny_model_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(f"date 2024-0{i + 1}-10\nWashington backed the bid. Snow fell {i} times.\n")
    for fmt in ("table", "jsonl", "csv", "markdown"):
        result = runner.invoke(app, ["analyze", str(folder), "-m", str(tiny_model_path), "-f", fmt, "--by", "month"])
        assert result.exit_code == 0, (fmt, result.stderr)
        assert result.stdout.strip()
    plot = tmp_path / "map.png"
    result = runner.invoke(app, ["analyze", str(folder), "-m", str(tiny_model_path), "-f", "json", "--plot", str(plot)])
    assert result.exit_code == 0
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_the_command_needs_input() -> None:
    result = runner.invoke(app, ["analyze"])
    assert result.exit_code == 2


def test_a_folder_of_1000_articles_is_analysed_with_a_progress_bar(tiny_model_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    for i in range(1000):
        (folder / f"a{i:04d}.txt").write_text(
            f"date 2024-{i % 12 + 1:02d}-01\nWashington backed the bid, officials said. Talks resume on day {i}.\n"
        )
    out = tmp_path / "map.csv"
    result = runner.invoke(
        app, ["analyze", str(folder), "-m", str(tiny_model_path), "-f", "csv", "-o", str(out), "--progress"]
    )
    assert result.exit_code == 0, result.stderr
    assert "1000 articles" in result.stderr
    assert "articles/s" in result.stderr
    assert out.read_text().splitlines()[0].startswith("actor,target,stance")
