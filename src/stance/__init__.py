"""stance: who stands where, on what, in news text.

The public API is re-exported here from private modules. Names are imported lazily, on first
use, so that ``import stance`` (and the command line's ``--help``) stays fast: scikit-learn
is only imported when a model is trained or used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "StanceModel": "_model",
    "ActorNormalizer": "_features",
    "HolderFeatures": "_features",
    "AliasTable": "_aliases",
    "Mention": "_aliases",
    "Ontology": "_ontology",
    "load_ontology": "_ontology",
    "DEFAULT_FIELDS": "_ontology",
    "NONE": "_ontology",
    "iter_records": "_data",
    "load_labelled": "_data",
    "LabelledData": "_data",
    "train": "_train",
    "save_model": "_persistence",
    "load_model": "_persistence",
    "read_manifest": "_persistence",
    "predict_records": "_predict",
    "iter_predictions": "_predict",
    "score_predictions": "_evaluate",
    "evaluate": "_evaluate",
    "analyze": "_analyze",
    "Analysis": "_analyze",
    "split_sentences": "_segment",
    "cross_validate": "_evaluate",
    "StanceError": "_errors",
    "DataError": "_errors",
    "ModelError": "_errors",
}

__all__ = [
    "DEFAULT_FIELDS",
    "NONE",
    "ActorNormalizer",
    "AliasTable",
    "Analysis",
    "DataError",
    "HolderFeatures",
    "LabelledData",
    "Mention",
    "ModelError",
    "Ontology",
    "StanceError",
    "StanceModel",
    "__version__",
    "analyze",
    "cross_validate",
    "evaluate",
    "iter_predictions",
    "iter_records",
    "load_labelled",
    "load_model",
    "load_ontology",
    "predict_records",
    "read_manifest",
    "save_model",
    "score_predictions",
    "split_sentences",
    "train",
]

if TYPE_CHECKING:
    from ._aliases import AliasTable, Mention
    from ._analyze import Analysis, analyze
    from ._data import LabelledData, iter_records, load_labelled
    from ._errors import DataError, ModelError, StanceError
    from ._evaluate import cross_validate, evaluate, score_predictions
    from ._features import ActorNormalizer, HolderFeatures
    from ._model import StanceModel
    from ._ontology import DEFAULT_FIELDS, NONE, Ontology, load_ontology
    from ._persistence import load_model, read_manifest, save_model
    from ._predict import iter_predictions, predict_records
    from ._segment import split_sentences
    from ._train import train


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
