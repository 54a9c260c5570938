"""Scores of ANNOTATION.md, grouped cross-validation, calibration, and the evaluate/cv commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from stance import StanceModel, cross_validate, load_labelled, score_predictions
from stance._evaluate import SCORE_KEYS, calibration
from stance.cli import app

FIELDS = ("actor", "target", "stance")


def test_scores_follow_the_guide_on_a_hand_computed_example() -> None:
    gold = [
        ("Russia", "nato_enlargement", "against"),
        ("NATO", "nato_enlargement", "favor"),
        ("none", "none", "none"),
        ("Japan", "taiwan_independence", "neutral"),
    ]
    pred = [
        ("Russia", "nato_enlargement", "against"),
        ("NATO", "nato_enlargement", "against"),
        ("Russia", "aid_to_ukraine", "favor"),
        ("none", "none", "none"),
    ]
    scores = score_predictions(gold, pred, FIELDS)
    assert scores["exact"] == 0.25
    assert scores["actor_acc"] == 0.5
    # favor: P 0/1, R 0/1 -> F1 0; against: P 1/2, R 1/1 -> F1 2/3; F_avg = 1/3
    assert scores["stance_f_avg"] == pytest.approx(1 / 3)
    # positions: gold 3, predicted 3, both 2
    assert scores["position_precision"] == pytest.approx(2 / 3)
    assert scores["position_recall"] == pytest.approx(2 / 3)
    # Japan is not a listed actor: listed accuracy is over the other three (2 right)
    assert scores["actor_acc_listed"] == pytest.approx(2 / 3)
    # macro-F1 is over the labels that occur in gold only
    assert scores["target_macro_f1"] == pytest.approx(np.mean([1.0, 0.0, 0.0]))


def test_calibration_of_a_perfectly_calibrated_model_is_zero() -> None:
    result = calibration([0.8] * 10, [True] * 8 + [False] * 2)
    assert result["ece"] == pytest.approx(0.0)
    assert calibration([0.9] * 4, [False] * 4)["ece"] == pytest.approx(0.9)


def test_cross_validation_never_puts_an_article_on_both_sides(tiny_path: Path, monkeypatch) -> None:
    data = load_labelled([tiny_path])
    seen: list[tuple[set[str], set[str]]] = []
    real_fit = StanceModel.fit

    def spying_fit(self, X, y):
        seen.append(set(X))
        return real_fit(self, X, y)

    monkeypatch.setattr(StanceModel, "fit", spying_fit)
    scores = cross_validate(StanceModel(), data.texts, data.labels, data.groups, folds=4)
    doc_of = dict(zip(data.texts, data.groups, strict=True))
    all_docs = set(data.groups)
    for train_texts in seen:
        train_docs = {doc_of[t] for t in train_texts}
        test_docs = all_docs - train_docs
        assert test_docs
        assert not any(doc_of[t] in test_docs for t in train_texts)
    assert len(seen) == 4
    for key in SCORE_KEYS:
        assert 0.0 <= scores[key]["mean"] <= 1.0
        assert scores[key]["std"] >= 0.0


runner = CliRunner()


def test_evaluate_json_has_the_documented_keys_and_the_report_dir_has_pngs(
    tiny_model_path, tiny_path, tmp_path
) -> None:
    result = runner.invoke(
        app,
        ["evaluate", "--data", str(tiny_path), "-m", str(tiny_model_path), "-f", "json", "--report-dir", str(tmp_path)],
    )
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    for key in SCORE_KEYS:
        assert 0.0 <= scores[key] <= 1.0
    assert "ece" in scores["calibration"]
    assert isinstance(scores["confident_errors"], list)
    for name in ("confusion_actor.png", "confusion_target.png", "confusion_stance.png", "reliability.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_table_shows_scores_and_errors(tiny_model_path, tiny_path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(tiny_path), "-m", str(tiny_model_path)])
    assert result.exit_code == 0
    assert "stance_f_avg" in result.stdout
    assert "per class" in result.stdout


def test_cv_command_reports_mean_and_std(tiny_path) -> None:
    result = runner.invoke(app, ["cv", "--data", str(tiny_path), "--folds", "3", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["folds"] == 3
    assert set(scores["exact"]) == {"mean", "std"}


def test_cv_with_too_few_articles_is_an_error(tiny_path) -> None:
    result = runner.invoke(app, ["cv", "--data", str(tiny_path), "--folds", "20"])
    assert result.exit_code == 1
    assert "needs at least 20 documents" in result.stderr


def test_train_cv_writes_the_scores_into_the_manifest(tiny_path, tmp_path) -> None:
    out = tmp_path / "m.joblib"
    result = runner.invoke(app, ["train", "--data", str(tiny_path), "--out", str(out), "--cv", "2"])
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((tmp_path / "m.joblib.json").read_text())
    assert manifest["scores"]["cv"]["folds"] == 2
    assert "mean" in manifest["scores"]["cv"]["stance_f_avg"]
    assert 0.0 <= manifest["calibration"]["ece"] <= 1.0
    curve = manifest["calibration"]["exact_by_min_confidence"]
    assert manifest["calibration"]["min_confidence"] in [point["min_confidence"] for point in curve]
    best = max(point["exact"] for point in curve)
    assert [p["exact"] for p in curve if p["min_confidence"] == manifest["calibration"]["min_confidence"]] == [best]


def test_the_abstain_threshold_is_the_one_that_maximises_exact_match() -> None:
    from stance._evaluate import choose_min_confidence

    predictions = [
        {"actor": "NATO", "target": "aid_to_ukraine", "stance": "favor", "stance_p": 0.9},
        {"actor": "NATO", "target": "aid_to_ukraine", "stance": "favor", "stance_p": 0.3},
    ]
    gold = [("NATO", "aid_to_ukraine", "favor"), ("none", "none", "none")]
    chosen = choose_min_confidence(predictions, gold, FIELDS, grid=(0.0, 0.5, 0.95))
    assert chosen["min_confidence"] == 0.5
    assert [p["exact"] for p in chosen["curve"]] == [0.5, 1.0, 0.5]


def test_an_abstain_threshold_must_gain_more_than_noise() -> None:
    from stance._evaluate import choose_min_confidence

    # 1,000 records, of which abstaining below 0.5 turns one wrong position into a right none.
    right = {"actor": "NATO", "target": "aid_to_ukraine", "stance": "favor", "stance_p": 0.9}
    unsure = {**right, "stance_p": 0.3}
    predictions = [right] * 999 + [unsure]
    gold = [("NATO", "aid_to_ukraine", "favor")] * 999 + [("none", "none", "none")]
    chosen = choose_min_confidence(predictions, gold, FIELDS, grid=(0.0, 0.5))
    assert [p["exact"] for p in chosen["curve"]] == [0.999, 1.0]
    assert chosen["min_confidence"] == 0.0
    assert choose_min_confidence(predictions, gold, FIELDS, grid=(0.0, 0.5), min_gain=0.0)["min_confidence"] == 0.5


def test_evaluate_works_for_a_model_with_another_text_field_and_given_fields(tmp_path) -> None:
    rows = [
        ("Tweet", "Target", "Stance"),
        *[(f"I love them {i}", "cats", "FAVOR") for i in range(4)],
        *[(f"I hate them {i}", "cats", "AGAINST") for i in range(4)],
        *[(f"They are great {i}", "dogs", "FAVOR") for i in range(4)],
        *[(f"They are awful {i}", "dogs", "AGAINST") for i in range(4)],
    ]
    data = tmp_path / "tweets.tsv"
    data.write_text("\n".join("\t".join(r) for r in rows) + "\n")
    model = tmp_path / "m.joblib"
    common = ["--data", str(data), "--input-format", "tsv", "--text-field", "Tweet"]
    result = runner.invoke(app, ["train", *common, "--out", str(model), "--predict", "Stance", "--given", "Target"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["evaluate", *common, "--model", str(model), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert 0.0 <= scores["stance_f_avg"] <= 1.0
