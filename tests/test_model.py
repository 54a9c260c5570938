"""The estimator: shapes, the none rule, probabilities, determinism and given fields."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from stance import StanceModel, load_labelled

SENTENCES = [
    "The Kremlin warned that Finland's accession would be answered.",
    "Prices rose again in the capital.",
    "",
]


def test_predict_has_one_row_per_text_and_one_column_per_field(tiny_model) -> None:
    labels = tiny_model.predict(SENTENCES)
    assert labels.shape == (3, 3)
    assert list(tiny_model.fields_) == ["actor", "target", "stance"]


def test_a_none_stance_means_none_everywhere_and_a_position_has_holder_and_target(tiny_model) -> None:
    labels = tiny_model.predict(SENTENCES * 5)
    for actor, target, stance in labels:
        assert (actor == "none") == (target == "none") == (stance == "none")


def test_predict_proba_is_a_distribution_per_field(tiny_model) -> None:
    probas = tiny_model.predict_proba(SENTENCES)
    assert len(probas) == 3
    for proba, classes in zip(probas, tiny_model.classes_, strict=True):
        assert proba.shape == (3, len(classes))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)  # float32 features


def test_training_twice_gives_the_same_predictions(tiny_path) -> None:
    data = load_labelled([tiny_path])
    first = StanceModel().fit(data.texts, data.labels).predict_proba(SENTENCES)
    second = StanceModel().fit(data.texts, data.labels).predict_proba(SENTENCES)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_given_fields_condition_the_prediction() -> None:
    records = [
        {"text": text, "Target": target}
        for target in ("cats", "dogs")
        for text in ("I love them", "They are wonderful", "I hate them", "They are awful")
    ]
    labels = ["FAVOR", "FAVOR", "AGAINST", "AGAINST"] * 2
    model = StanceModel(fields=("Stance",), given=("Target",), char_ngram_range=None, holder_features=False)
    model.fit(records, labels)
    assert model.predict([{"text": "I love them", "Target": "dogs"}]).tolist() == [["FAVOR"]]
    with pytest.raises(ValueError, match="takes records"):
        model.predict(["I love them"])


def test_y_must_match_the_fields() -> None:
    with pytest.raises(ValueError, match="expected"):
        StanceModel().fit(["a", "b"], [["x"], ["y"]])


def test_a_holder_the_classifier_never_saw_is_named_from_the_sentence(tiny_model) -> None:
    text = "Mexico's president said his government would never impose sanctions on Russia."
    assert "Mexico" not in tiny_model.classes_[0]
    actor, _, stance = tiny_model.predict([text])[0]
    assert (actor, stance != "none") == ("Mexico", True)
    closed = copy.deepcopy(tiny_model).set_params(open_actors=False)
    assert closed.predict([text])[0][0] in set(tiny_model.classes_[0])
