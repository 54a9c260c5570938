"""Scores of ANNOTATION.md, grouped cross-validation and calibration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ._ontology import NONE, load_ontology

#: The headline scores, in report order.
SCORE_KEYS = (
    "actor_acc",
    "actor_macro_f1",
    "target_acc",
    "target_macro_f1",
    "stance_acc",
    "stance_macro_f1",
    "stance_f_avg",
    "exact",
    "position_precision",
    "position_recall",
)


def _favor_against(labels: Iterable[str]) -> list[str]:
    """The labels that mean favor and against, whatever their case (SemEval's FAVOR)."""
    wanted = {"favor", "favour", "against"}
    return sorted({label for label in labels if label.lower() in wanted}, key=lambda s: s.lower() != "favor")


def field_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold labels, per-class P/R/F1 and F_avg when it applies."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    gold_labels = sorted(set(gold))
    scores: dict[str, Any] = {
        "acc": float(accuracy_score(gold, pred)),
        "macro_f1": float(f1_score(gold, pred, labels=gold_labels, average="macro", zero_division=0)),
    }
    labels = sorted(set(gold) | set(pred))
    precision, recall, f1, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    scores["per_class"] = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    polar = _favor_against(set(gold) | set(pred))
    if len(polar) == 2:
        scores["f_avg"] = float(f1_score(gold, pred, labels=polar, average="macro", zero_division=0))
    return scores


def score_predictions(
    gold: np.ndarray | Sequence[Sequence[str]],
    pred: np.ndarray | Sequence[Sequence[str]],
    fields: Sequence[str],
) -> dict[str, Any]:
    """Every score of ANNOTATION.md's "Scores" section for gold and predicted label rows.

    Returns
    -------
    dict
        ``<field>_acc``, ``<field>_macro_f1`` for each field, ``stance_f_avg`` (mean F1 of
        favor and against), ``exact`` (all fields right), ``position_precision`` and
        ``position_recall`` (finding a position at all, stance not ``none``),
        ``actor_acc_listed`` (actor accuracy on records whose gold actor is a listed id or
        ``none``), ``n``, and ``per_class`` details.
    """
    gold_arr = np.asarray(gold, dtype=object).reshape(len(gold), len(fields))
    pred_arr = np.asarray(pred, dtype=object).reshape(gold_arr.shape)
    result: dict[str, Any] = {"n": len(gold_arr)}
    per_class = {}
    for column, name in enumerate(fields):
        scores = field_scores(list(map(str, gold_arr[:, column])), list(map(str, pred_arr[:, column])))
        key = name.lower()
        result[f"{key}_acc"] = scores["acc"]
        result[f"{key}_macro_f1"] = scores["macro_f1"]
        if "f_avg" in scores:
            result[f"{key}_f_avg"] = scores["f_avg"]
        per_class[name] = scores["per_class"]
    result["exact"] = float(np.mean(np.all(gold_arr == pred_arr, axis=1))) if len(gold_arr) else 0.0
    if "stance" in fields:
        column = list(fields).index("stance")
        gold_pos = gold_arr[:, column] != NONE
        pred_pos = pred_arr[:, column] != NONE
        hits = float(np.sum(gold_pos & pred_pos))
        result["position_precision"] = hits / max(float(pred_pos.sum()), 1.0)
        result["position_recall"] = hits / max(float(gold_pos.sum()), 1.0)
    if "actor" in fields:
        column = list(fields).index("actor")
        listed = set(load_ontology().listed_actors) | {NONE}
        mask = np.array([a in listed for a in gold_arr[:, column]])
        if mask.any():
            result["actor_acc_listed"] = float(np.mean(gold_arr[mask, column] == pred_arr[mask, column]))
    result["per_class"] = per_class
    return result


def cross_validate(
    model: Any,
    X: Sequence[Any],
    y: Sequence[Sequence[str]],
    groups: Sequence[str],
    *,
    folds: int = 5,
    return_predictions: bool = False,
) -> dict[str, Any]:
    """Cross-validation grouped by article: no ``doc`` on both sides of a split.

    Parameters
    ----------
    return_predictions : bool
        Also return every record's out-of-fold prediction (``predictions``: one dict per
        record, in input order, with each field, its probability ``<field>_p`` and ``fold``).

    Returns
    -------
    dict
        ``folds``, and for each headline score ``{"mean": ..., "std": ...}`` over the folds,
        plus ``per_fold`` with every fold's scores.
    """
    from sklearn.base import clone
    from sklearn.model_selection import GroupKFold

    from ._predict import _predict_chunk

    labels = np.asarray(y, dtype=object)
    fields = list(model.fields)
    n_groups = len(set(groups))
    if n_groups < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} documents, found {n_groups}")
    per_fold = []
    items = list(X)
    predictions: list[dict[str, Any]] = [{} for _ in items]
    for fold, (train_index, test_index) in enumerate(GroupKFold(n_splits=folds).split(items, labels, groups)):
        fitted = clone(model).fit([items[i] for i in train_index], labels[train_index])
        predicted, probability = _predict_chunk(fitted, [items[i] for i in test_index])
        scores = score_predictions(labels[test_index], predicted, fields)
        scores.pop("per_class")
        per_fold.append(scores)
        if return_predictions:
            for row, i in enumerate(test_index):
                record: dict[str, Any] = {"fold": fold}
                for column, name in enumerate(fields):
                    record[name] = str(predicted[row, column])
                    record[f"{name}_p"] = float(probability[row, column])
                predictions[i] = record
    keys = [k for k in per_fold[0] if k != "n"]
    summary: dict[str, Any] = {"folds": folds}
    for key in keys:
        values = np.array([fold[key] for fold in per_fold if key in fold])
        summary[key] = {"mean": float(values.mean()), "std": float(values.std())}
    summary["per_fold"] = per_fold
    if return_predictions:
        summary["predictions"] = predictions
    return summary


def choose_min_confidence(
    predictions: Sequence[dict[str, Any]],
    gold: Sequence[Sequence[str]],
    fields: Sequence[str],
    grid: Sequence[float] = tuple(np.round(np.arange(0.0, 0.81, 0.05), 2)),
    min_gain: float = 0.005,
) -> dict[str, Any]:
    """The abstain threshold that maximises exact match on out-of-fold predictions.

    A threshold is chosen only when it raises exact match by at least ``min_gain`` over not
    abstaining: a gain of a record or two is fold noise, and abstaining hides positions.
    Returns the chosen ``min_confidence`` and the exact match at every threshold of ``grid``
    (abstaining turns a record whose stance probability is below the threshold into none).
    """
    from ._predict import confidence_field

    conf_name = confidence_field(fields)
    gold_rows = [tuple(g) for g in gold]
    none_row = tuple(NONE for _ in fields)
    curve = []
    for threshold in grid:
        right = 0
        for record, truth in zip(predictions, gold_rows, strict=True):
            row = tuple(record[name] for name in fields)
            if record[f"{conf_name}_p"] < threshold:
                row = none_row
            right += row == truth
        curve.append({"min_confidence": float(threshold), "exact": right / max(len(gold_rows), 1)})
    best = max(curve, key=lambda point: (point["exact"], -point["min_confidence"]))
    baseline = next((p["exact"] for p in curve if p["min_confidence"] == 0.0), None)
    if baseline is not None and best["exact"] < baseline + min_gain:
        return {"min_confidence": 0.0, "curve": curve}
    return {"min_confidence": best["min_confidence"], "curve": curve}


def calibration(confidence: Sequence[float], correct: Sequence[bool], bins: int = 10) -> dict[str, Any]:
    """Expected calibration error and the reliability table of equal-width confidence bins.

    ECE is the support-weighted mean gap between a bin's mean confidence and its accuracy.
    """
    conf = np.asarray(confidence, dtype=float)
    hits = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    table = []
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_conf, accuracy = float(conf[mask].mean()), float(hits[mask].mean())
        ece += mask.mean() * abs(mean_conf - accuracy)
        table.append(
            {
                "low": float(edges[b]),
                "high": float(edges[b + 1]),
                "n": int(mask.sum()),
                "confidence": mean_conf,
                "accuracy": accuracy,
            }
        )
    return {"ece": float(ece), "bins": table}


def evaluate_predictions(
    records: Sequence[dict[str, Any]],
    gold: Sequence[Sequence[str]],
    fields: Sequence[str],
    *,
    n_errors: int = 20,
    prefix: str = "pred_",
    text_field: str = "text",
) -> dict[str, Any]:
    """Scores, calibration of the stance confidence, and the most confident errors.

    ``records`` are prediction records (as from :func:`stance.iter_predictions` with
    ``prefix``) in the order of ``gold``.
    """
    from ._predict import confidence_field

    pred = [[str(r[f"{prefix}{name}"]) for name in fields] for r in records]
    result = score_predictions(gold, pred, fields)
    conf_name = confidence_field(fields)
    column = list(fields).index(conf_name)
    confidence = [float(r[f"{prefix}{conf_name}_p"]) for r in records]
    correct = [p[column] == g[column] for p, g in zip(pred, gold, strict=True)]
    result["calibration"] = {"field": conf_name, **calibration(confidence, correct)}
    wrong = [i for i, (p, g) in enumerate(zip(pred, gold, strict=True)) if list(p) != list(g)]
    wrong.sort(key=lambda i: -confidence[i])
    result["confident_errors"] = [
        {
            "text": records[i].get(text_field, ""),
            "gold": dict(zip(fields, gold[i], strict=True)),
            "predicted": dict(zip(fields, pred[i], strict=True)),
            "confidence": confidence[i],
        }
        for i in wrong[:n_errors]
    ]
    return result


def labelled_inputs(model: Any, data: Any, indices: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """What ``model`` predicts from labelled ``data``: its text field and given fields, per record."""
    text_field = getattr(model, "text_field", "text")
    given = list(getattr(model, "given", ()))
    rows = range(len(data)) if indices is None else indices
    return [{text_field: data.texts[i], **{g: data.records[i].get(g) for g in given}} for i in rows]


def predict_labelled(
    model: Any, data: Any, *, min_confidence: float | None = None, prefix: str = "pred_"
) -> list[dict[str, Any]]:
    """Prediction records for labelled ``data``, in its order: the input fields plus
    ``<prefix><field>`` and ``<prefix><field>_p``, ready for :func:`evaluate_predictions`."""
    from ._predict import iter_predictions

    text_field = getattr(model, "text_field", "text")
    return list(
        iter_predictions(
            model, labelled_inputs(model, data), text_field=text_field, prefix=prefix, min_confidence=min_confidence
        )
    )


def evaluate(
    model: Any,
    data: Any,
    *,
    min_confidence: float | None = None,
    n_errors: int = 20,
    records: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Score ``model`` on labelled ``data`` (a :class:`~stance.LabelledData`).

    Returns every score of ANNOTATION.md (see :func:`score_predictions`), per-class
    precision/recall/F1, the calibration of the stance confidence, and the most confident errors.
    ``records`` are the model's predictions of ``data`` (from :func:`predict_labelled`) when
    the caller already has them.
    """
    fields = list(model.fields_)
    if list(data.fields) != fields:
        raise ValueError(f"the data has fields {list(data.fields)}, the model predicts {fields}")
    if records is None:
        records = predict_labelled(model, data, min_confidence=min_confidence)
    text_field = getattr(model, "text_field", "text")
    return evaluate_predictions(records, data.labels, fields, n_errors=n_errors, text_field=text_field)
