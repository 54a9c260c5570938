"""Turn texts or records into prediction records, chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import numpy as np

from ._errors import DataError
from ._ontology import NONE

DEFAULT_CHUNK_SIZE = 2048


def output_names(fields: Sequence[str], prefix: str = "") -> list[str]:
    """The keys a prediction adds: each field and its probability ``<field>_p``."""
    return [name for field in fields for name in (f"{prefix}{field}", f"{prefix}{field}_p")]


def confidence_field(fields: Sequence[str]) -> str:
    """The field whose probability is a record's confidence: ``stance``, else the last."""
    return "stance" if "stance" in fields else fields[-1]


def _predict_chunk(model: Any, inputs: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    if hasattr(model, "predict_with_proba"):
        return model.predict_with_proba(inputs)
    labels = np.asarray(model.predict(inputs), dtype=object).reshape(len(inputs), -1)
    probas = model.predict_proba(inputs)
    chosen = np.zeros(labels.shape)
    for column, (proba, classes) in enumerate(zip(probas, model.classes_, strict=True)):
        index = {c: i for i, c in enumerate(classes)}
        chosen[:, column] = [proba[row, index[label]] for row, label in enumerate(labels[:, column])]
    return labels, chosen


def iter_predictions(
    model: Any,
    records: Iterable[Mapping[str, Any] | str],
    *,
    text_field: str = "text",
    prefix: str = "",
    min_confidence: float | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[dict[str, Any]]:
    """Predict records lazily, ``chunk_size`` at a time, keeping input order.

    Parameters
    ----------
    model : StanceModel
        A fitted model (or any estimator with ``fields_``, ``classes_``, ``predict`` and
        ``predict_proba``).
    records : iterable of str or mapping
        Texts, or records holding ``text_field`` (and the model's given fields).
    text_field : str
        The text field of records; a plain text becomes ``{text_field: text}``.
    prefix : str
        Prepended to the predicted field names, so gold labels in the input are kept.
    min_confidence : float, optional
        Below this probability of its stance, a record abstains: every field becomes ``none``.
    chunk_size : int
        Records predicted per call of the model.

    Yields
    ------
    dict
        The input's fields, plus each predicted field and its probability (``<field>_p``).

    Raises
    ------
    DataError
        If an input field has the name of a predicted field (use ``prefix``).
    """
    fields = list(model.fields_)
    given = list(getattr(model, "given", ()))
    names = output_names(fields, prefix)
    confidence_index = fields.index(confidence_field(fields))
    iterator = iter(records)
    while chunk := list(islice(iterator, chunk_size)):
        rows: list[dict[str, Any]] = [{text_field: item} if isinstance(item, str) else dict(item) for item in chunk]
        for row in rows:
            clash = [name for name in names if name in row]
            if clash:
                raise DataError(
                    f"the input already has a field named '{clash[0]}'; use --prefix (e.g. --prefix pred_) "
                    "so that it is not overwritten",
                    field=clash[0],
                )
        blank = [not str(row.get(text_field, "")).strip() for row in rows]
        todo = [i for i, is_blank in enumerate(blank) if not is_blank]
        labels = np.full((len(rows), len(fields)), NONE, dtype=object)
        probs = np.ones((len(rows), len(fields)))
        if todo:
            inputs: list[Any] = (
                [{text_field: rows[i][text_field], **{g: rows[i].get(g) for g in given}} for i in todo]
                if given
                else [rows[i][text_field] for i in todo]
            )
            labels[todo], probs[todo] = _predict_chunk(model, inputs)
        if min_confidence is not None:
            abstain = probs[:, confidence_index] < min_confidence
            labels[abstain] = NONE
        for row, row_labels, row_probs in zip(rows, labels, probs, strict=True):
            for field, label, prob in zip(fields, row_labels, row_probs, strict=True):
                row[f"{prefix}{field}"] = str(label)
                row[f"{prefix}{field}_p"] = round(float(prob), 4)
            yield row


def predict_records(
    model: Any,
    texts: Iterable[Mapping[str, Any] | str],
    *,
    text_field: str = "text",
    prefix: str = "",
    min_confidence: float | None = None,
) -> list[dict[str, Any]]:
    """Predict every text or record; see :func:`iter_predictions`.

    Examples
    --------
    >>> model = stance.load_model("models/stance.joblib")  # doctest: +SKIP
    >>> stance.predict_records(model, ["NATO leaders backed Kyiv's bid."])  # doctest: +SKIP
    [{'text': "NATO leaders backed Kyiv's bid.", 'actor': 'NATO', 'actor_p': 0.81, ...}]
    """
    return list(iter_predictions(model, texts, text_field=text_field, prefix=prefix, min_confidence=min_confidence))
