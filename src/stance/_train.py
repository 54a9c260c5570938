"""Train a model from labelled files and save it with its manifest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._data import LabelledData, load_labelled
from ._errors import DataError
from ._ontology import DEFAULT_FIELDS, load_ontology
from ._persistence import DEFAULT_MODEL_PATH, save_model

DEFAULT_DATA = ("seeds",)


def check_trainable(data: LabelledData) -> None:
    """Refuse labels with a single example: nothing can be learnt or validated from one."""
    if len(data) == 0:
        raise DataError("no labelled records to train on")
    for column, name in enumerate(data.fields):
        counts = Counter(row[column] for row in data.labels)
        if len(counts) < 2:
            raise DataError(f"every record has the same label {next(iter(counts))!r}; nothing to learn", field=name)
        for label, count in counts.items():
            if count == 1:
                index = next(i for i, row in enumerate(data.labels) if row[column] == label)
                source, line = data.locations[index]
                raise DataError(f"label {label!r} has a single example; add examples or relabel it", source, line, name)


def train(
    data: Sequence[str | Path] = DEFAULT_DATA,
    out: str | Path | None = DEFAULT_MODEL_PATH,
    *,
    fields: Sequence[str] = DEFAULT_FIELDS,
    given: Sequence[str] = (),
    text_field: str = "text",
    input_format: str | None = None,
    encoding: str = "utf-8",
    ontology_files: Sequence[str | Path] = (),
    cv: int = 0,
    save_as: str | None = None,
    **params: Any,
) -> Any:
    """Train a :class:`~stance.StanceModel` on labelled files and save it with its manifest.

    Parameters
    ----------
    data : sequence of path
        Files, folders or globs of labelled records (default: ``seeds/``).
    out : path or None
        Where to save the model (``.joblib`` or ``.skops``); ``None`` does not save.
    fields : sequence of str
        Fields to predict (default: actor, target, stance).
    given : sequence of str
        Input fields the model conditions on besides the text.
    text_field, input_format, encoding
        How to read the data, as in :func:`stance.iter_records`.
    ontology_files : sequence of path
        Extra ontology files (targets, stances, actors) added to ANNOTATION.md's.
    cv : int
        If at least 2, run grouped ``cv``-fold cross-validation first and record in the
        manifest its scores, the calibration error of the stance probability (ECE) and the
        abstain threshold that maximised exact match out of fold.
    save_as : {'joblib', 'skops'}, optional
        File format; inferred from ``out``'s extension when omitted.
    **params
        Passed to :class:`~stance.StanceModel`.

    Returns
    -------
    StanceModel
        The fitted model (its manifest is beside ``out``).
    """
    from ._model import StanceModel

    ontology = load_ontology(ontology_files)
    labelled = load_labelled(
        data,
        fields=fields,
        given=given,
        text_field=text_field,
        input_format=input_format,
        encoding=encoding,
        ontology=ontology,
    )
    check_trainable(labelled)
    model = StanceModel(fields=tuple(fields), given=tuple(given), text_field=text_field, **params)
    manifest: dict[str, Any] = {
        "guide": "ANNOTATION.md",
        "guide_version": ontology.guide_version,
        "training_data": {
            "paths": [str(p) for p in data],
            "sha256": labelled.sha256,
            "n_records": len(labelled),
            "n_documents": len(set(labelled.groups)),
            "label_counts": labelled.label_counts(),
        },
    }
    if cv >= 2:
        from ._evaluate import calibration, choose_min_confidence, cross_validate
        from ._predict import confidence_field

        scores = cross_validate(
            model, labelled.model_input(), labelled.labels, labelled.groups, folds=cv, return_predictions=True
        )
        scores.pop("per_fold")
        predictions = scores.pop("predictions")
        manifest["scores"] = {"cv": scores}
        conf_name = confidence_field(model.fields)
        column = list(model.fields).index(conf_name)
        reliability = calibration(
            [p[f"{conf_name}_p"] for p in predictions],
            [p[conf_name] == gold[column] for p, gold in zip(predictions, labelled.labels, strict=True)],
        )
        threshold = choose_min_confidence(predictions, labelled.labels, model.fields)
        manifest["calibration"] = {
            "field": conf_name,
            "ece": reliability["ece"],
            "bins": reliability["bins"],
            "min_confidence": threshold["min_confidence"],
            "exact_by_min_confidence": threshold["curve"],
        }
    model.fit(labelled.model_input(), labelled.labels)
    if out is not None:
        save_model(model, out, manifest=manifest, save_as=save_as)
    return model
