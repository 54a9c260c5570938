# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 — Evaluation of the stance model
#
# How far to trust the model: the scores of ANNOTATION.md on grouped cross-validation (no article
# on both sides of a split) and on the real-news dev set, confusion matrices, a learning curve,
# the n-grams the model weighs most, the calibration of its confidence and its most confident
# errors.
#
# The paired `.ipynb` is generated (`jupytext --sync notebooks/01-evaluation.py`) and not
# committed; the test suite runs this notebook with `STANCE_NB_QUICK=1`. The code lives in
# `stance._inspect`; cells only call it and show results. With the default settings, cross-
# validation and the learning curve fit several models on `seeds/`, which takes minutes.

# %% tags=["parameters"]
import os
from pathlib import Path

from stance import _inspect

#: Small settings for the test suite: train on the tiny fixture, few folds and curve points.
QUICK = os.environ.get("STANCE_NB_QUICK", "0") not in ("", "0")
ROOT = Path(os.environ.get("STANCE_ROOT") or _inspect.project_root())
#: Labelled training data (cross-validation and learning curve refit on it).
DATA = [Path(p) for p in os.environ.get("STANCE_NB_DATA", "").split(os.pathsep) if p] or [
    ROOT / ("tests/fixtures/tiny.jsonl" if QUICK else "seeds")
]
#: A saved model to load instead of training (ignored when QUICK).
MODEL = Path(os.environ.get("STANCE_NB_MODEL") or ROOT / "models" / "stance.joblib")
#: The real-news dev set (evaluation only), found in ../shared/data; its section is skipped
#: when absent or when STANCE_NB_DEV=none.
_dev = os.environ.get("STANCE_NB_DEV", "")
DEV = None if _dev == "none" else Path(_dev) if _dev else _inspect.shared_data("realnews_dev/dev.jsonl", ROOT)
FIGURES = Path(os.environ.get("STANCE_NB_FIGURES") or ROOT / "reports" / "figures")
FOLDS = int(os.environ.get("STANCE_NB_FOLDS", 3 if QUICK else 5))
CURVE_POINTS = int(os.environ.get("STANCE_NB_CURVE_POINTS", 3 if QUICK else 5))
CURVE_REPEATS = int(os.environ.get("STANCE_NB_CURVE_REPEATS", 1))
TOP_NGRAMS = 6  # heaviest n-grams shown per class
TOP_CLASSES = 12  # classes shown per field (the most frequent in the training data)
ERRORS_PER_KIND = 5

# %%
from IPython.display import Image, Markdown, display
from sklearn.base import clone

import stance
from stance._evaluate import evaluate_predictions

data = stance.load_labelled(DATA)
if MODEL.exists() and not QUICK:
    model = stance.load_model(MODEL)
    origin = f"loaded from `{_inspect.shown_path(MODEL, ROOT)}`"
else:
    model = stance.train(DATA, None)
    origin = "trained here"
fields = list(model.fields_)
display(
    Markdown(
        f"Model {origin}; data: {', '.join(f'`{_inspect.shown_path(p, ROOT)}`' for p in DATA)}"
        f" — {len(data)} records from {len(set(data.groups))} articles. Real-news dev set: "
        + ("present." if DEV else "absent (its section is skipped).")
    )
)

# %% [markdown]
# ## Scores
#
# Every score of ANNOTATION.md: per field accuracy and macro-F1, stance F_avg (mean F1 of favor
# and against), exact match, precision and recall of finding a position at all, and actor
# accuracy on listed actors. Cross-validation refits the model's settings on each fold's
# articles: mean ± std over the folds.

# %%
cv = stance.cross_validate(clone(model), data.model_input(), data.labels, data.groups, folds=FOLDS)

dev_data, dev_eval, dev_records = None, None, None
if DEV is not None:
    dev_data = stance.load_labelled([DEV], fields=fields)
    dev_records = _inspect.predict_labelled(model, dev_data)
    dev_eval = evaluate_predictions(dev_records, dev_data.labels, fields, n_errors=len(dev_data))

columns = {f"grouped {FOLDS}-fold CV": cv}
if dev_eval is not None:
    columns[f"real-news dev (n={dev_eval['n']})"] = dev_eval
display(Markdown(_inspect.markdown_table(_inspect.score_rows(columns))))

# %% [markdown]
# ## Which set the diagnostics use
#
# The figures and tables below are computed on the real-news dev set when it is present (the
# closest measure of what users see), otherwise on out-of-fold predictions of the training data
# (each record predicted by a model that never saw its article). The dev set is only evaluated
# on, never trained on; its sentences appear in the outputs below, one more reason the executed
# `.ipynb` stays out of git.

# %%
if dev_eval is not None and dev_data is not None and dev_records is not None:
    diag_name, diag_data, diag_records, diag_eval = "dev", dev_data, dev_records, dev_eval
else:
    diag_name, diag_data = "cv", data
    diag_records = _inspect.out_of_fold(clone(model), data, folds=FOLDS)
    diag_eval = evaluate_predictions(diag_records, data.labels, fields, n_errors=len(data))
diag_pred = _inspect.predicted_labels(diag_records, fields)
display(Markdown(f"Diagnostics on **{diag_name}**: {diag_eval['n']} records."))
for field in fields:
    display(Markdown(f"**{field}**, per class (most frequent first)"))
    display(Markdown(_inspect.markdown_table(_inspect.per_class_rows(diag_eval["per_class"][field], top=TOP_CLASSES))))

# %% [markdown]
# ## Confusion matrices

# %%
for path in _inspect.confusion_pngs(diag_data.labels, diag_pred, fields, FIGURES, f"01-{diag_name}"):
    display(Image(filename=str(path)))

# %% [markdown]
# ## Learning curve
#
# Scores on held-out articles (a fifth of them) against the number of training articles (nested
# random subsets of the others). With `STANCE_NB_CURVE_REPEATS` above 1, each point is the
# mean ± std over that many held-out draws. A curve still rising at the right says more articles
# would help.

# %%
curve = _inspect.learning_curve(
    clone(model),
    data.model_input(),
    data.labels,
    data.groups,
    points=CURVE_POINTS,
    repeats=CURVE_REPEATS,
)
display(Markdown(_inspect.markdown_table(_inspect.curve_rows(curve))))
display(Image(filename=str(_inspect.learning_curve_png(curve, FIGURES / "01-learning-curve.png"))))

# %% [markdown]
# ## Heaviest n-grams per class
#
# The features with the largest weight for each class of each field, for the most frequent
# classes: among all features (word n-grams after actor normalisation, character n-grams with ␣
# for a space, holder and direction tokens), and among word n-grams only.

# %%
counts = data.label_counts()
shown = {field: list(counts[field])[:TOP_CLASSES] for field in fields}
everything = _inspect.heaviest_ngrams(model, TOP_NGRAMS, classes=shown)
words = _inspect.heaviest_ngrams(model, TOP_NGRAMS, classes=shown, blocks=["word"])
for field in fields:
    views = {"all features": everything[field], "word n-grams": words[field]}
    display(Markdown(f"**{field}**\n\n" + _inspect.markdown_table(_inspect.heaviest_rows(views))))

# %% [markdown]
# ## Reliability diagram
#
# A record's confidence is the probability of its stance. Well-calibrated confidence lies on the
# diagonal; the expected calibration error (ECE) is the support-weighted gap.

# %%
from stance._plots import reliability_png

calibration = diag_eval["calibration"]
display(Markdown(f"ECE of `{calibration['field']}` on {diag_name}: **{calibration['ece']:.3f}**"))
display(Markdown(_inspect.markdown_table(calibration["bins"])))
reliability = reliability_png(
    calibration["bins"], FIGURES / f"01-{diag_name}-reliability.png", f"reliability ({diag_name})"
)
display(Image(filename=str(reliability)))

# %% [markdown]
# ## Error analysis
#
# The wrong records grouped by kind: a position found where there is none or missed
# (`none vs position`), else the actor, the target or the stance direction wrong (a record can be
# of several kinds). Within each kind, the most confident errors first: these are the ones an
# abstain threshold cannot catch.

# %%
errors = diag_eval["confident_errors"]
grouped = _inspect.group_errors(errors, per_kind=ERRORS_PER_KIND)
display(Markdown(f"{len(errors)} of {diag_eval['n']} records are wrong in at least one field."))
display(Markdown(_inspect.markdown_table(_inspect.error_summary_rows(grouped, len(errors)))))
for kind, group in grouped.items():
    display(
        Markdown(f"**{kind}** ({group['count']})\n\n" + _inspect.markdown_table(_inspect.error_rows(group["examples"])))
    )
