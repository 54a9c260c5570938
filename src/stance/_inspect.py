"""Analysis helpers for the notebooks: learning curves, heaviest n-grams, error analysis, tables.

Notebook cells call these functions and show their results; the code that computes anything
lives here, where it is tested (``tests/test_inspect.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._evaluate import SCORE_KEYS, score_predictions
from ._ontology import DEFAULT_FIELDS, NONE

#: The kinds of error of :func:`error_kinds`, in report order.
ERROR_KINDS = ("none vs position", "actor wrong", "target wrong", "stance direction wrong")
#: The scores a learning curve draws by default.
CURVE_KEYS = ("exact", "stance_f_avg", "actor_macro_f1", "target_macro_f1")


# -- where things are -----------------------------------------------------------------------


def project_root(start: str | Path | None = None) -> Path:
    """The repository holding ``start`` (default: the working directory): ``pyproject.toml``
    beside ``src/stance``, searched upwards, so that a notebook run from ``notebooks/`` finds it.

    Raises
    ------
    FileNotFoundError
        When no ancestor of ``start`` is the stance repository.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "src" / "stance").is_dir():
            return folder
    raise FileNotFoundError(f"no stance repository (pyproject.toml beside src/stance) above {here}")


def shared_data(relative: str | Path, start: str | Path | None = None) -> Path | None:
    """The file ``shared/data/<relative>`` next to the repository or any folder above ``start``.

    Returns ``None`` when it is absent: the third-party data sets are never part of the project,
    and a notebook section that needs one skips cleanly without it.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data" / relative
        if candidate.exists():
            return candidate
    return None


def shown_path(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` when it lies inside, else as given: for notebook text."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)


# -- predictions -------------------------------------------------------------------------------


def predict_labelled(model: Any, data: Any, *, prefix: str = "pred_") -> list[dict[str, Any]]:
    """Prediction records (text, ``<prefix><field>``, ``<prefix><field>_p``) for labelled data.

    The records are in the order of ``data`` and feed :func:`stance._evaluate.evaluate_predictions`.
    """
    from ._evaluate import predict_labelled as predict

    return predict(model, data, prefix=prefix)


def out_of_fold(model: Any, data: Any, *, folds: int = 5, prefix: str = "pred_") -> list[dict[str, Any]]:
    """Prediction records for every labelled record from a model that never saw its article.

    Splits are grouped by ``doc`` as in :func:`stance.cross_validate` (the same ``GroupKFold``
    folds); each record gets the number of its ``fold``. ``model`` is cloned per fold: its
    parameters count, not any fit it holds.
    """
    from ._evaluate import cross_validate, labelled_inputs

    scores = cross_validate(model, data.model_input(), data.labels, data.groups, folds=folds, return_predictions=True)
    records = []
    for i, predicted in enumerate(scores["predictions"]):
        record = dict(labelled_inputs(model, data, [i])[0])
        for name in model.fields:
            record[f"{prefix}{name}"] = predicted[name]
            record[f"{prefix}{name}_p"] = round(predicted[f"{name}_p"], 4)
        records.append({**record, "doc": data.groups[i], "fold": predicted["fold"]})
    return records


def predicted_labels(
    records: Sequence[Mapping[str, Any]], fields: Sequence[str], *, prefix: str = "pred_"
) -> list[tuple[str, ...]]:
    """The predicted label rows of prediction records, columns in the order of ``fields``."""
    return [tuple(str(r[f"{prefix}{name}"]) for name in fields) for r in records]


# -- learning curve ----------------------------------------------------------------------------


def curve_sizes(n_docs: int, points: int, smallest: int | None = None) -> list[int]:
    """Numbers of training articles for a learning curve: about ``points`` sizes, evenly spaced on
    a log scale from ``smallest`` (default: ``n_docs / 2**(points-1)``, at least 2) to ``n_docs``."""
    if n_docs < 1 or points < 1:
        raise ValueError("a learning curve needs at least one article and one point")
    if points == 1:
        return [n_docs]
    low = smallest if smallest is not None else max(2, round(n_docs / 2 ** (points - 1)))
    low = min(max(1, low), n_docs)
    sizes = np.unique(np.geomspace(low, n_docs, points).round().astype(int))
    return [int(s) for s in sizes]


def learning_curve(
    model: Any,
    X: Sequence[Any],
    y: Sequence[Sequence[str]],
    groups: Sequence[str],
    *,
    points: int = 5,
    repeats: int = 1,
    test_size: float = 0.2,
    smallest: int | None = None,
    random_state: int = 0,
) -> list[dict[str, Any]]:
    """Scores against the number of training articles, on held-out articles.

    Each repeat holds out ``test_size`` of the articles (grouped by ``groups``: no article on
    both sides), shuffles the others, and fits a clone of ``model`` on the first ``n`` of them
    for every ``n`` of :func:`curve_sizes` (nested subsets). A subset in which some field has a
    single label cannot be fitted and is left out of its point.

    Returns
    -------
    list of dict
        One dict per size, in increasing order: ``n_docs``, ``n_records`` (mean over the
        repeats), ``splits`` (how many fits the point averages) and, for each score of
        :func:`stance.score_predictions`, ``{"mean": ..., "std": ...}``.
    """
    from sklearn.base import clone
    from sklearn.model_selection import GroupShuffleSplit

    items = list(X)
    labels = np.asarray(y, dtype=object)
    labels = labels.reshape(len(items), -1)
    docs = np.asarray([str(g) for g in groups], dtype=object)
    if len(set(docs)) < 3:
        raise ValueError(f"a learning curve needs at least 3 documents, found {len(set(docs))}")
    fields = list(model.fields)
    rng = np.random.default_rng(random_state)
    splitter = GroupShuffleSplit(n_splits=repeats, test_size=test_size, random_state=random_state)
    by_size: dict[int, list[dict[str, Any]]] = {}
    for train_index, test_index in splitter.split(items, labels, docs):
        train_docs = rng.permutation(sorted(set(docs[train_index])))
        test_items = [items[i] for i in test_index]
        for size in curve_sizes(len(train_docs), points, smallest):
            chosen = set(train_docs[:size])
            subset = [i for i in train_index if docs[i] in chosen]
            if any(len(set(labels[subset, c])) < 2 for c in range(labels.shape[1])):
                continue
            fitted = clone(model).fit([items[i] for i in subset], labels[subset])
            scores = score_predictions(labels[test_index], fitted.predict(test_items), fields)
            scores.pop("per_class")
            scores["n_records"] = len(subset)
            by_size.setdefault(size, []).append(scores)
    curve = []
    for size in sorted(by_size):
        runs = by_size[size]
        point: dict[str, Any] = {
            "n_docs": size,
            "n_records": float(np.mean([r["n_records"] for r in runs])),
            "splits": len(runs),
        }
        for key in runs[0]:
            if key in ("n", "n_records"):
                continue
            values = np.array([r[key] for r in runs if key in r], dtype=float)
            point[key] = {"mean": float(values.mean()), "std": float(values.std())}
        curve.append(point)
    return curve


def curve_rows(curve: Sequence[Mapping[str, Any]], keys: Sequence[str] = CURVE_KEYS) -> list[dict[str, Any]]:
    """Table rows of a learning curve: articles, records, and each score (mean ± std when the
    point averages several fits, the mean alone otherwise)."""
    return [
        {
            "articles": point["n_docs"],
            "records": round(point["n_records"]),
            **{key: point[key] if point["splits"] > 1 else point[key]["mean"] for key in keys if key in point},
        }
        for point in curve
    ]


def learning_curve_png(
    curve: Sequence[Mapping[str, Any]],
    path: str | Path,
    *,
    keys: Sequence[str] = CURVE_KEYS,
    title: str = "learning curve",
) -> Path:
    """Draw scores (mean ± std band) against the number of training articles to a PNG file."""
    from ._plots import _pyplot, _save

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    x = [p["n_docs"] for p in curve]
    for key in keys:
        if not curve or key not in curve[0]:
            continue
        mean = np.array([p[key]["mean"] for p in curve])
        std = np.array([p[key]["std"] for p in curve])
        ax.plot(x, mean, marker="o", label=key)
        ax.fill_between(x, mean - std, mean + std, alpha=0.15)
    if len(x) > 1 and x[-1] / max(x[0], 1) >= 8:
        ax.set_xscale("log")
        ax.minorticks_off()
    ax.set_xticks(x, [str(v) for v in x])
    ax.set_xlabel("training articles")
    ax.set_ylabel("score on held-out articles")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return _save(fig, plt, path)


# -- what the model weighs ---------------------------------------------------------------------


def _vectorizer(transformer: Any) -> Any:
    """The last step of a pipeline (the TF-IDF vectorizer), or the transformer itself."""
    steps = getattr(transformer, "steps", None)
    return steps[-1][1] if steps else transformer


def feature_names(model: Any) -> np.ndarray:
    """The name of every column the classifiers of a fitted StanceModel see.

    Names are ``<block>:<n-gram>`` with the blocks of ``features_`` (``word``, ``char``,
    ``holder``). With given fields, the one-hot columns follow (``given:<field>_<value>``),
    then one copy of the text columns per given value (``<block>:<n-gram> | <field>_<value>``).
    """
    base: list[str] = []
    for name, transformer in model.features_.transformer_list:
        if transformer in ("drop", None):
            continue
        base.extend(f"{name}:{term}" for term in _vectorizer(transformer).get_feature_names_out())
    names = list(base)
    encoder = getattr(model, "given_encoder_", None)
    if encoder is not None:
        values = [str(v) for v in encoder.get_feature_names_out(list(model.given))]
        names.extend(f"given:{v}" for v in values)
        for value in values:
            names.extend(f"{b} | {value}" for b in base)
    return np.asarray(names, dtype=object)


def heaviest_ngrams(
    model: Any,
    n: int = 10,
    *,
    fields: Sequence[str] | None = None,
    classes: Mapping[str, Sequence[str]] | None = None,
    blocks: Sequence[str] | None = None,
) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """The features with the largest positive weight for each class of each field.

    Parameters
    ----------
    model : StanceModel
        A fitted model.
    n : int
        Features per class.
    fields : sequence of str, optional
        The fields to report (default: all the model predicts).
    classes : mapping of field to labels, optional
        Report only these classes of a field, in this order (e.g. the most frequent actors).
    blocks : sequence of str, optional
        Only features of these blocks (``word``, ``char``, ``holder``, ``given``).

    Returns
    -------
    dict
        ``{field: {class: [(feature, weight), ...]}}``, heaviest first. A binary field's
        single weight vector counts for its second class, and negated for its first.
    """
    names = feature_names(model)
    keep = np.ones(len(names), dtype=bool)
    if blocks is not None:
        wanted = tuple(f"{b}:" for b in blocks)
        keep = np.array([str(name).startswith(wanted) for name in names])
    result: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for field, estimator in zip(model.fields_, model.estimators_, strict=True):
        if fields is not None and field not in fields:
            continue
        coef = np.asarray(estimator.coef_.toarray() if hasattr(estimator.coef_, "toarray") else estimator.coef_)
        labels = [str(c) for c in estimator.classes_]
        if coef.shape[0] == 1 and len(labels) == 2:
            coef = np.vstack([-coef[0], coef[0]])
        if coef.shape[1] != len(names):
            raise ValueError(f"field {field!r} has {coef.shape[1]} weights but the features {len(names)} names")
        order = labels if classes is None or field not in classes else [str(c) for c in classes[field] if c in labels]
        per_class: dict[str, list[tuple[str, float]]] = {}
        for label in order:
            row = labels.index(label)
            weights = np.where(keep, coef[row], -np.inf)
            top = np.argsort(-weights, kind="stable")[:n]
            per_class[label] = [(str(names[j]), float(coef[row, j])) for j in top if np.isfinite(weights[j])]
        result[field] = per_class
    return result


def show_feature(name: str) -> str:
    """A feature name readable in a table: character n-grams show their spaces as ␣."""
    block, _, term = name.partition(":")
    if block == "char":
        return f"char:{term.replace(' ', '␣')}"
    return name


def heaviest_rows(
    views: Mapping[str, Mapping[str, Sequence[tuple[str, float]]]], *, digits: int = 2
) -> list[dict[str, Any]]:
    """Table rows for one field: a column per view of :func:`heaviest_ngrams` (e.g. all features,
    word n-grams only), a row per class, each cell the features with their weights."""
    labels = list(dict.fromkeys(label for per_class in views.values() for label in per_class))
    rows = []
    for label in labels:
        row: dict[str, Any] = {"class": label}
        for name, per_class in views.items():
            top = per_class.get(label, ())
            row[name] = ", ".join(f"{show_feature(feature)} ({weight:.{digits}f})" for feature, weight in top)
        rows.append(row)
    return rows


# -- errors ------------------------------------------------------------------------------------


def error_kinds(gold: Mapping[str, str], predicted: Mapping[str, str]) -> list[str]:
    """What is wrong with a prediction, in the order of :data:`ERROR_KINDS`.

    With actor, target and stance: ``none vs position`` when one side finds a position and the
    other does not (nothing else is compared then), else ``actor wrong``, ``target wrong`` and
    ``stance direction wrong`` for each field that differs. Other fields give ``<field> wrong``.
    An empty list means the prediction is right.
    """
    kinds: list[str] = []
    full = set(DEFAULT_FIELDS) <= set(gold)
    rest = [name for name in gold if not (full and name in DEFAULT_FIELDS)]
    if full:
        if (gold["stance"] == NONE) != (predicted["stance"] == NONE):
            kinds.append("none vs position")
        else:
            for name, kind in zip(DEFAULT_FIELDS, ERROR_KINDS[1:], strict=True):
                if gold[name] != predicted[name]:
                    kinds.append(kind)
    kinds.extend(f"{name} wrong" for name in rest if gold[name] != predicted[name])
    return kinds


def group_errors(errors: Iterable[Mapping[str, Any]], *, per_kind: int = 5) -> dict[str, dict[str, Any]]:
    """Errors (as in ``evaluate_predictions(...)["confident_errors"]``) grouped by kind.

    A record with several kinds counts in each. Returns ``{kind: {"count": n, "examples":
    [...]}}`` with the ``per_kind`` most confident errors of each kind, kinds in the order of
    :data:`ERROR_KINDS` (other kinds after, by count), each error with its ``kinds``.
    """
    grouped: dict[str, list[dict[str, Any]]] = {}
    for error in sorted(errors, key=lambda e: -float(e["confidence"])):
        kinds = error_kinds(error["gold"], error["predicted"])
        for kind in kinds:
            grouped.setdefault(kind, []).append({**error, "kinds": kinds})
    order = [k for k in ERROR_KINDS if k in grouped]
    order += sorted((k for k in grouped if k not in ERROR_KINDS), key=lambda k: -len(grouped[k]))
    return {kind: {"count": len(grouped[kind]), "examples": grouped[kind][:per_kind]} for kind in order}


def error_summary_rows(grouped: Mapping[str, Mapping[str, Any]], n_errors: int) -> list[dict[str, Any]]:
    """Table rows: each kind of error, how many, and its share of all erroneous records."""
    return [
        {"kind": kind, "errors": group["count"], "share of wrong records": group["count"] / max(n_errors, 1)}
        for kind, group in grouped.items()
    ]


def error_rows(examples: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Table rows for errors: confidence, text, gold and predicted labels (joined by ·)."""
    return [
        {
            "confidence": float(e["confidence"]),
            "text": str(e.get("text", "")),
            "gold": " · ".join(map(str, e["gold"].values())),
            "predicted": " · ".join(map(str, e["predicted"].values())),
        }
        for e in examples
    ]


# -- tables ------------------------------------------------------------------------------------


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, Mapping) and "mean" in value:
        return f"{value['mean']:.{digits}f} ± {value.get('std', 0.0):.{digits}f}"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if value is None:
        return "–"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, digits: int = 3) -> str:
    """A Markdown table of ``rows``; floats get ``digits`` decimals, ``{"mean", "std"}`` as mean ± std."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(_cell(row.get(c), digits) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def score_rows(
    columns: Mapping[str, Mapping[str, Any] | None], keys: Sequence[str] = (*SCORE_KEYS, "actor_acc_listed")
) -> list[dict[str, Any]]:
    """One row per score, one column per evaluation (e.g. cross-validation, real-news dev).

    Each evaluation is a dict of scores (as from :func:`stance.score_predictions` or
    :func:`stance.cross_validate`); ``None`` or a missing score leaves its cell empty.
    """
    rows = []
    for key in keys:
        row: dict[str, Any] = {"score": key}
        for name, scores in columns.items():
            row[name] = None if scores is None else scores.get(key)
        if any(row[name] is not None for name in columns):
            rows.append(row)
    return rows


def per_class_rows(per_class: Mapping[str, Mapping[str, Any]], *, top: int | None = None) -> list[dict[str, Any]]:
    """Rows of per-class precision, recall, F1 and support, by decreasing support."""
    ordered = sorted(per_class.items(), key=lambda item: (-item[1]["support"], item[0]))
    return [{"label": label, **values} for label, values in ordered[:top]]


def confusion_pngs(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], fields: Sequence[str], out_dir: str | Path, name: str
) -> list[Path]:
    """Draw one confusion matrix per field to ``<out_dir>/<name>-confusion-<field>.png``."""
    from ._plots import confusion_png

    out = Path(out_dir)
    paths = []
    for column, field in enumerate(fields):
        gold_column = [str(row[column]) for row in gold]
        pred_column = [str(row[column]) for row in pred]
        paths.append(
            confusion_png(gold_column, pred_column, out / f"{name}-confusion-{field}.png", f"{field} ({name})")
        )
    return paths
