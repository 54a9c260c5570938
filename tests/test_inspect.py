"""The notebooks' analysis code: learning curve, out-of-fold predictions, heaviest n-grams, errors, tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stance import StanceModel, cross_validate, load_labelled, score_predictions
from stance import _inspect as inspect
from stance._evaluate import SCORE_KEYS, evaluate_predictions

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def tiny(tiny_path: Path):
    return load_labelled([tiny_path])


# -- where things are -------------------------------------------------------------------------


def test_project_root_is_found_from_a_subfolder_and_shared_data_beside_it(tmp_path: Path) -> None:
    repo = tmp_path / "main"
    (repo / "src" / "stance").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'stance'\n")
    (repo / "notebooks").mkdir()
    dev = tmp_path / "shared" / "data" / "realnews_dev" / "dev.jsonl"
    dev.parent.mkdir(parents=True)
    dev.write_text("{}\n")
    assert inspect.project_root(repo / "notebooks") == repo.resolve()
    assert inspect.shared_data("realnews_dev/dev.jsonl", repo / "notebooks") == dev.resolve()
    assert inspect.shared_data("semeval2016/absent.txt", repo / "notebooks") is None
    with pytest.raises(FileNotFoundError, match="no stance repository"):
        inspect.project_root(tmp_path / "shared")


# -- predictions ------------------------------------------------------------------------------


def test_predict_labelled_gives_the_models_labels_in_data_order(tiny_model, tiny) -> None:
    records = inspect.predict_labelled(tiny_model, tiny)
    assert [r["text"] for r in records] == tiny.texts
    assert inspect.predicted_labels(records, tiny_model.fields_) == [
        tuple(row) for row in tiny_model.predict(tiny.texts)
    ]
    assert all(0.0 <= r["pred_stance_p"] <= 1.0 for r in records)


def test_out_of_fold_predicts_every_record_once_from_a_model_that_never_saw_its_article(tiny, monkeypatch) -> None:
    trained_on: list[set[str]] = []
    real_fit = StanceModel.fit

    def spying_fit(self, X, y):
        trained_on.append(set(X))
        return real_fit(self, X, y)

    monkeypatch.setattr(StanceModel, "fit", spying_fit)
    records = inspect.out_of_fold(StanceModel(), tiny, folds=4)
    assert [r["text"] for r in records] == tiny.texts
    assert sorted({r["fold"] for r in records}) == [0, 1, 2, 3]
    doc_of = dict(zip(tiny.texts, tiny.groups, strict=True))
    for record in records:
        train_docs = {doc_of[t] for t in trained_on[record["fold"]]}
        assert record["doc"] not in train_docs
    # The folds are those of stance.cross_validate: the same per-fold scores.
    fields = list(StanceModel().fields)
    gold = np.asarray(tiny.labels, dtype=object)
    pred = np.asarray(inspect.predicted_labels(records, fields), dtype=object)
    folds = np.array([r["fold"] for r in records])
    exact = [score_predictions(gold[folds == f], pred[folds == f], fields)["exact"] for f in range(4)]
    monkeypatch.setattr(StanceModel, "fit", real_fit)
    cv = cross_validate(StanceModel(), tiny.texts, tiny.labels, tiny.groups, folds=4)
    assert np.mean(exact) == pytest.approx(cv["exact"]["mean"])


def test_out_of_fold_needs_as_many_articles_as_folds(tiny) -> None:
    with pytest.raises(ValueError, match="at least 20 documents"):
        inspect.out_of_fold(StanceModel(), tiny, folds=20)


# -- learning curve ---------------------------------------------------------------------------


def test_curve_sizes_are_increasing_log_spaced_and_end_at_all_articles() -> None:
    assert inspect.curve_sizes(400, 5) == [25, 50, 100, 200, 400]
    assert inspect.curve_sizes(6, 3) == [2, 3, 6]
    assert inspect.curve_sizes(5, 1) == [5]
    assert inspect.curve_sizes(3, 10, smallest=1) == [1, 2, 3]
    with pytest.raises(ValueError, match="at least one"):
        inspect.curve_sizes(0, 3)


def test_learning_curve_trains_on_growing_article_subsets_never_on_held_out_ones(tiny, monkeypatch) -> None:
    fits: list[set[str]] = []
    real_fit = StanceModel.fit

    def spying_fit(self, X, y):
        fits.append(set(X))
        return real_fit(self, X, y)

    monkeypatch.setattr(StanceModel, "fit", spying_fit)
    curve = inspect.learning_curve(
        StanceModel(), tiny.texts, tiny.labels, tiny.groups, points=3, repeats=2, test_size=0.25
    )
    doc_of = dict(zip(tiny.texts, tiny.groups, strict=True))
    sizes = [point["n_docs"] for point in curve]
    assert sizes == sorted(set(sizes))
    assert sizes[-1] == 6
    assert all(1 <= point["splits"] <= 2 for point in curve)
    assert sum(point["splits"] for point in curve) == len(fits)
    # Within a repeat the subsets are nested and never include all 8 articles.
    for train in fits:
        assert len({doc_of[t] for t in train}) <= 6
    for point in curve:
        for key in SCORE_KEYS:
            assert 0.0 <= point[key]["mean"] <= 1.0
            assert point[key]["std"] >= 0.0
        assert point["n_records"] > 0


def test_learning_curve_skips_subsets_where_a_field_has_one_label(tiny) -> None:
    # Regroup: every `none` record is an article of its own, so that any single article has one
    # target label (none, or its one target) and cannot be fitted on.
    groups = [
        f"n{i}" if row[2] == "none" else doc for i, (row, doc) in enumerate(zip(tiny.labels, tiny.groups, strict=True))
    ]
    curve = inspect.learning_curve(StanceModel(), tiny.texts, tiny.labels, groups, points=4, smallest=1)
    assert curve
    assert all(point["splits"] == 1 for point in curve)
    assert curve[0]["n_docs"] > 1  # the 1-article point was dropped
    with pytest.raises(ValueError, match="at least 3 documents"):
        inspect.learning_curve(StanceModel(), tiny.texts[:6], tiny.labels[:6], tiny.groups[:6])


def test_curve_rows_show_the_spread_only_over_several_fits() -> None:
    curve = [
        {"n_docs": 2, "n_records": 10.4, "splits": 1, "exact": {"mean": 0.5, "std": 0.0}},
        {"n_docs": 4, "n_records": 20.0, "splits": 2, "exact": {"mean": 0.6, "std": 0.1}},
    ]
    assert inspect.curve_rows(curve, ["exact", "absent"]) == [
        {"articles": 2, "records": 10, "exact": 0.5},
        {"articles": 4, "records": 20, "exact": {"mean": 0.6, "std": 0.1}},
    ]


def test_learning_curve_png_is_written(tiny, tmp_path: Path) -> None:
    curve = inspect.learning_curve(StanceModel(), tiny.texts, tiny.labels, tiny.groups, points=2)
    path = inspect.learning_curve_png(curve, tmp_path / "figures" / "curve.png")
    assert path.read_bytes().startswith(PNG_MAGIC)


# -- what the model weighs --------------------------------------------------------------------


def test_feature_names_name_every_column_the_classifiers_see(tiny_model) -> None:
    names = inspect.feature_names(tiny_model)
    for estimator in tiny_model.estimators_:
        assert estimator.coef_.shape[1] == len(names)
    blocks = {str(name).split(":", 1)[0] for name in names}
    assert blocks == {"word", "char", "holder"}
    assert "word:actor_russia" in set(names)


def test_feature_names_cover_given_fields(tiny) -> None:
    records = [{"text": t, "target": row[1]} for t, row in zip(tiny.texts, tiny.labels, strict=True)]
    model = StanceModel(fields=("stance",), given=("target",)).fit(records, [row[2] for row in tiny.labels])
    names = inspect.feature_names(model)
    assert model.estimators_[0].coef_.shape[1] == len(names)
    assert "given:target_nato_enlargement" in set(names)
    assert any(str(name).endswith(" | target_aid_to_ukraine") for name in names)


def test_heaviest_ngrams_are_the_largest_weights_of_each_class(tiny_model) -> None:
    heaviest = inspect.heaviest_ngrams(tiny_model, 5)
    assert list(heaviest) == ["actor", "target", "stance"]
    names = list(inspect.feature_names(tiny_model))
    for field, estimator in zip(tiny_model.fields_, tiny_model.estimators_, strict=True):
        assert set(heaviest[field]) == set(estimator.classes_)
        for row, label in enumerate(estimator.classes_):
            top = heaviest[field][label]
            weights = [w for _, w in top]
            assert len(top) == 5
            assert weights == sorted(weights, reverse=True)
            assert weights[0] == pytest.approx(estimator.coef_[row].max())
            assert all(estimator.coef_[row, names.index(name)] == pytest.approx(w) for name, w in top)


def test_heaviest_ngrams_filter_by_field_class_and_block(tiny_model) -> None:
    heaviest = inspect.heaviest_ngrams(
        tiny_model, 3, fields=["stance"], classes={"stance": ["none", "favor", "unseen"]}, blocks=["word"]
    )
    assert list(heaviest) == ["stance"]
    assert list(heaviest["stance"]) == ["none", "favor"]  # in the order asked, unknown classes left out
    assert all(name.startswith("word:") for name, _ in heaviest["stance"]["favor"])


def test_heaviest_ngrams_of_a_binary_field_count_negated_weights_for_the_first_class(tiny) -> None:
    keep = [i for i, row in enumerate(tiny.labels) if row[2] in ("favor", "against")]
    model = StanceModel(fields=("stance",)).fit([tiny.texts[i] for i in keep], [tiny.labels[i][2] for i in keep])
    heaviest = inspect.heaviest_ngrams(model, 3)["stance"]
    coef = model.estimators_[0].coef_[0]
    assert list(model.classes_[0]) == ["against", "favor"]
    assert heaviest["favor"][0][1] == pytest.approx(coef.max())
    assert heaviest["against"][0][1] == pytest.approx(-coef.min())


def test_heaviest_rows_put_views_side_by_side_and_show_spaces_of_character_ngrams() -> None:
    views = {
        "all": {"favor": [("char:ato ", 1.234), ("holder:pol=pos", 0.5)], "none": [("holder:no_actor", 2.0)]},
        "word": {"favor": [("word:back", 0.25)]},
    }
    assert inspect.heaviest_rows(views) == [
        {"class": "favor", "all": "char:ato␣ (1.23), holder:pol=pos (0.50)", "word": "word:back (0.25)"},
        {"class": "none", "all": "holder:no_actor (2.00)", "word": ""},
    ]


# -- errors -----------------------------------------------------------------------------------


def _labels(actor: str, target: str, stance: str) -> dict[str, str]:
    return {"actor": actor, "target": target, "stance": stance}


@pytest.mark.parametrize(
    ("gold", "predicted", "kinds"),
    [
        (("Russia", "nato_enlargement", "against"), ("Russia", "nato_enlargement", "against"), []),
        (("none", "none", "none"), ("Russia", "nato_enlargement", "against"), ["none vs position"]),
        (("Russia", "nato_enlargement", "against"), ("none", "none", "none"), ["none vs position"]),
        (("Russia", "nato_enlargement", "against"), ("NATO", "nato_enlargement", "against"), ["actor wrong"]),
        (("Russia", "nato_enlargement", "against"), ("Russia", "aid_to_ukraine", "against"), ["target wrong"]),
        (
            ("Russia", "nato_enlargement", "against"),
            ("Russia", "nato_enlargement", "neutral"),
            ["stance direction wrong"],
        ),
        (
            ("Russia", "nato_enlargement", "against"),
            ("NATO", "aid_to_ukraine", "favor"),
            ["actor wrong", "target wrong", "stance direction wrong"],
        ),
    ],
)
def test_error_kinds(gold, predicted, kinds) -> None:
    assert inspect.error_kinds(_labels(*gold), _labels(*predicted)) == kinds


def test_error_kinds_of_other_fields_name_the_field() -> None:
    assert inspect.error_kinds({"Stance": "FAVOR"}, {"Stance": "AGAINST"}) == ["Stance wrong"]
    gold = {**_labels("Russia", "nato_enlargement", "against"), "frame": "security"}
    assert inspect.error_kinds(gold, {**gold, "frame": "economy"}) == ["frame wrong"]


def test_group_errors_orders_kinds_and_keeps_the_most_confident_examples() -> None:
    gold = _labels("Russia", "nato_enlargement", "against")
    errors = [
        {"text": "a", "gold": gold, "predicted": _labels("NATO", "nato_enlargement", "against"), "confidence": 0.2},
        {"text": "b", "gold": gold, "predicted": _labels("NATO", "aid_to_ukraine", "against"), "confidence": 0.9},
        {"text": "c", "gold": gold, "predicted": _labels("none", "none", "none"), "confidence": 0.5},
        {"text": "d", "gold": gold, "predicted": _labels("NATO", "nato_enlargement", "against"), "confidence": 0.7},
    ]
    grouped = inspect.group_errors(errors, per_kind=2)
    assert list(grouped) == ["none vs position", "actor wrong", "target wrong"]
    assert grouped["actor wrong"]["count"] == 3
    assert [e["text"] for e in grouped["actor wrong"]["examples"]] == ["b", "d"]
    assert grouped["actor wrong"]["examples"][0]["kinds"] == ["actor wrong", "target wrong"]
    summary = inspect.error_summary_rows(grouped, len(errors))
    assert summary[1] == {"kind": "actor wrong", "errors": 3, "share of wrong records": 0.75}
    rows = inspect.error_rows(grouped["none vs position"]["examples"])
    assert rows == [
        {
            "confidence": 0.5,
            "text": "c",
            "gold": "Russia · nato_enlargement · against",
            "predicted": "none · none · none",
        }
    ]


def test_group_errors_on_real_evaluation_output(tiny_model, tiny) -> None:
    records = inspect.out_of_fold(StanceModel(), tiny, folds=4)
    result = evaluate_predictions(records, tiny.labels, tiny_model.fields_, n_errors=len(records))
    errors = result["confident_errors"]
    wrong = sum(
        tuple(g) != p for g, p in zip(tiny.labels, inspect.predicted_labels(records, tiny_model.fields_), strict=True)
    )
    assert len(errors) == wrong
    grouped = inspect.group_errors(errors)
    assert set(grouped) <= set(inspect.ERROR_KINDS)
    assert sum(group["count"] for group in grouped.values()) >= wrong


# -- tables and figures -----------------------------------------------------------------------


def test_markdown_table_formats_scores_and_escapes_cells() -> None:
    table = inspect.markdown_table(
        [{"score": "exact", "cv": {"mean": 0.5, "std": 0.125}, "dev": 0.25}, {"score": "a|b", "cv": None, "dev": 3}],
        digits=2,
    )
    assert table.splitlines() == [
        "| score | cv | dev |",
        "|---|---|---|",
        "| exact | 0.50 ± 0.12 | 0.25 |",
        "| a\\|b | – | 3 |",
    ]


def test_score_rows_put_evaluations_side_by_side(tiny) -> None:
    cv = cross_validate(StanceModel(), tiny.texts, tiny.labels, tiny.groups, folds=3)
    rows = inspect.score_rows({"cv": cv, "dev": None})
    assert [row["score"] for row in rows] == [*SCORE_KEYS, "actor_acc_listed"]
    assert all(row["dev"] is None and "mean" in row["cv"] for row in rows)
    assert inspect.score_rows({"only": {"exact": 0.5}}) == [{"score": "exact", "only": 0.5}]
    json.dumps(rows)  # plain data


def test_per_class_rows_are_by_decreasing_support() -> None:
    per_class = {
        "a": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1},
        "b": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 5},
        "c": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 5},
    }
    assert [row["label"] for row in inspect.per_class_rows(per_class)] == ["b", "c", "a"]
    assert len(inspect.per_class_rows(per_class, top=1)) == 1


def test_confusion_pngs_draw_one_matrix_per_field(tiny_model, tiny, tmp_path: Path) -> None:
    pred = inspect.predicted_labels(inspect.predict_labelled(tiny_model, tiny), tiny_model.fields_)
    paths = inspect.confusion_pngs(tiny.labels, pred, tiny_model.fields_, tmp_path, "tiny")
    assert [p.name for p in paths] == [f"tiny-confusion-{f}.png" for f in ("actor", "target", "stance")]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths)
