"""The stance model: TF-IDF features and one logistic regression per labelled field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted

from ._aliases import alias_table
from ._features import ActorNormalizer, HolderFeatures, main_holder
from ._ontology import DEFAULT_FIELDS, NONE


def _is_frame(X: Any) -> bool:
    return hasattr(X, "columns") and hasattr(X, "iloc")


class StanceModel(ClassifierMixin, BaseEstimator):
    """Predict who holds a position on what, and which way, from a sentence.

    Each labelled field (by default actor, target and stance) gets a logistic regression
    over shared features: word n-grams of the text with actor mentions normalised to actor
    ids, character n-grams of the raw text, and holder/direction tokens. ``predict`` returns
    an array of shape (n, k), columns in the order of ``fields``.

    Parameters
    ----------
    fields : sequence of str
        The fields to predict, in output order.
    given : sequence of str
        Input fields the model conditions on besides the text (e.g. the target of a
        SemEval-2016 tweet). With ``given``, ``X`` is a list of records or a DataFrame.
    text_field : str
        The field holding the text when ``X`` holds records.
    C : float
        Inverse regularisation strength of each logistic regression.
    class_weight : {'balanced'} or None
        Passed to the logistic regressions.
    word_ngram_range, char_ngram_range : tuple of int
        n-gram ranges of the word and ``char_wb`` TF-IDF features; ``char_ngram_range=None``
        turns character features off.
    min_df : int
        Minimum document frequency of an n-gram.
    max_features : int, optional
        Keep at most this many word and this many character n-grams.
    normalize_actors : bool
        Replace actor mentions by actor-id tokens before word n-grams.
    holder_features : bool
        Add the holder and direction tokens of :class:`~stance.HolderFeatures`.
    views : {'shared', 'split'}
        ``shared``: one feature set for every field. ``split``: the actor classifier sees actor
        mentions by id; the target and stance classifiers see only that an actor is
        mentioned ("actor_any"), so that they learn the wording of a position rather than
        which actors tend to hold it.
    cascade : bool
        When predicting actor, target and stance: train the actor and target classifiers on
        the sentences that hold a position only, and gate them by the stance classifier's
        probability of ``none`` (their ``none`` column is that probability). Without it, each
        field's classifier also learns ``none`` on its own.
    enforce_none : bool
        When predicting actor, target and stance: a stance of ``none`` makes actor and target
        ``none``, and a position gets the most probable actor and target other than ``none``
        (ANNOTATION.md: ``none`` holds for all three fields or for none).
    open_actors : bool
        When a sentence's own holder (the speaker of its main clause, else its subject) is an
        actor of the alias table that the actor classifier never saw in training, predict
        that actor: actor ids are an open set (ANNOTATION.md), a classifier's labels are not.
        Such a label has no column in ``predict_proba``; its confidence is the stance's.
    max_iter : int
        Iterations of the solver.
    random_state : int
        Seed kept for reproducibility of any randomised step.

    Attributes
    ----------
    features_ : FeatureUnion
        The fitted feature extractor.
    estimators_ : list of LogisticRegression
        One classifier per field.
    classes_ : list of ndarray
        The labels of each field, in the column order of ``predict_proba``.
    given_encoder_ : OneHotEncoder or None
        Encodes the given fields.
    """

    def __init__(
        self,
        fields: Sequence[str] = DEFAULT_FIELDS,
        given: Sequence[str] = (),
        text_field: str = "text",
        C: float = 4.0,
        class_weight: str | None = "balanced",
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = (3, 5),
        min_df: int = 1,
        max_features: int | None = None,
        normalize_actors: bool = True,
        holder_features: bool = True,
        views: str = "shared",
        cascade: bool = False,
        enforce_none: bool = True,
        open_actors: bool = True,
        max_iter: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.fields = fields
        self.given = given
        self.text_field = text_field
        self.C = C
        self.class_weight = class_weight
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.normalize_actors = normalize_actors
        self.holder_features = holder_features
        self.views = views
        self.cascade = cascade
        self.enforce_none = enforce_none
        self.open_actors = open_actors
        self.max_iter = max_iter
        self.random_state = random_state

    # -- input handling -------------------------------------------------------------------

    def _split_input(self, X: Any) -> tuple[list[str], list[list[str]] | None]:
        """Texts and given values (one list per record) from texts, records or a DataFrame."""
        given = list(self.given)
        if isinstance(X, str):
            raise ValueError("expected a sequence of texts, got a single string")
        if _is_frame(X):
            texts = [str(t) for t in X[self.text_field].tolist()]
            values = X[given].astype(str).values.tolist() if given else None
            return texts, values
        items = list(X.ravel() if isinstance(X, np.ndarray) else X)
        if not given:
            texts = []
            for item in items:
                if isinstance(item, Mapping):
                    item = item[self.text_field]
                if not isinstance(item, str):
                    raise ValueError(f"expected texts (str), got {type(item).__name__}")
                texts.append(item)
            return texts, None
        texts, values = [], []
        for item in items:
            if not isinstance(item, Mapping):
                raise ValueError(f"a model trained with given fields {given} takes records, not {type(item).__name__}")
            texts.append(str(item[self.text_field]))
            values.append([str(item[name]) for name in given])
        return texts, values

    def _build_features(self, generic: bool = False) -> FeatureUnion:
        word_steps: list[tuple[str, Any]] = []
        if self.normalize_actors or generic:
            word_steps.append(("actors", ActorNormalizer(generic=generic)))
        word_steps.append(
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=self.word_ngram_range,
                    sublinear_tf=True,
                    min_df=self.min_df,
                    max_features=self.max_features,
                    dtype=np.float32,
                ),
            )
        )
        parts: list[tuple[str, Any]] = [("word", Pipeline(word_steps))]
        if self.char_ngram_range is not None:
            char = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=self.char_ngram_range,
                sublinear_tf=True,
                min_df=max(self.min_df, 2),
                max_features=self.max_features,
                dtype=np.float32,
            )
            parts.append(
                ("char", Pipeline([("actors", ActorNormalizer(generic=True)), ("tfidf", char)]) if generic else char)
            )
        if self.holder_features:
            parts.append(
                (
                    "holder",
                    Pipeline(
                        [
                            ("roles", HolderFeatures(generic=generic)),
                            (
                                "tfidf",
                                TfidfVectorizer(
                                    token_pattern=r"\S+", lowercase=False, sublinear_tf=True, dtype=np.float32
                                ),
                            ),
                        ]
                    ),
                )
            )
        return FeatureUnion(parts)

    def _field_matrices(self, texts: list[str], given_values: list[list[str]] | None) -> list[sp.csr_matrix]:
        """The feature matrix each field's classifier sees (shared, or split by view)."""
        matrix = self._transform(texts, given_values, self.features_)
        if getattr(self, "generic_features_", None) is None:
            return [matrix] * len(self.fields_)
        generic = self._transform(texts, given_values, self.generic_features_)
        return [matrix if name == "actor" else generic for name in self.fields_]

    def _transform(
        self, texts: list[str], given_values: list[list[str]] | None, features: FeatureUnion | None = None
    ) -> sp.csr_matrix:
        matrix = (features if features is not None else self.features_).transform(texts)
        if self.given_encoder_ is None or given_values is None:
            return sp.csr_matrix(matrix)
        onehot = self.given_encoder_.transform(np.asarray(given_values, dtype=object))
        blocks = [matrix, onehot]
        # One copy of the text features per given value: a per-target model inside one model.
        blocks.extend(matrix.multiply(onehot[:, [j]]) for j in range(onehot.shape[1]))
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))

    # -- scikit-learn API -------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> StanceModel:
        """Fit the features and one classifier per field.

        Parameters
        ----------
        X : list of str, list of records, or DataFrame
            Texts; records (or a DataFrame) with ``text_field`` and the ``given`` fields.
        y : array-like of shape (n_samples, n_fields) or (n_samples,)
            Gold labels, columns in the order of ``fields``.

        Returns
        -------
        self : StanceModel
        """
        texts, given_values = self._split_input(X)
        labels = np.asarray(y, dtype=object)
        if labels.ndim == 1:
            labels = labels.reshape(-1, 1)
        fields = list(self.fields)
        if labels.shape != (len(texts), len(fields)):
            raise ValueError(f"y has shape {labels.shape}, expected ({len(texts)}, {len(fields)}) for fields {fields}")
        if len(texts) == 0:
            raise ValueError("cannot fit on no data")
        if self.views not in ("shared", "split"):
            raise ValueError(f"views must be 'shared' or 'split', not {self.views!r}")
        self.fields_ = tuple(fields)
        self.features_ = self._build_features().fit(texts)
        split = self.views == "split" and "actor" in fields and len(fields) > 1
        self.generic_features_ = self._build_features(generic=True).fit(texts) if split else None
        self.given_encoder_ = None
        if self.given:
            self.given_encoder_ = OneHotEncoder(handle_unknown="ignore").fit(np.asarray(given_values, dtype=object))
        matrices = self._field_matrices(texts, given_values)
        gated = self._gated_fields(labels)
        position = labels[:, fields.index("stance")] != NONE if gated else None
        self.estimators_ = []
        for column in range(len(fields)):
            target = labels[:, column].astype(str)
            rows = position if column in gated else slice(None)
            if len(np.unique(target[rows])) < 2:
                raise ValueError(f"field {fields[column]!r} has a single label; nothing to learn")
            classifier = LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                max_iter=self.max_iter,
                random_state=self.random_state,
            )
            self.estimators_.append(classifier.fit(matrices[column][rows], target[rows]))
        self.gated_ = tuple(sorted(gated))
        self.classes_ = [
            np.sort(np.append(est.classes_, NONE)) if column in gated else est.classes_
            for column, est in enumerate(self.estimators_)
        ]
        self.n_features_in_ = 1
        return self

    def predict_proba(self, X: Any) -> list[np.ndarray]:
        """Probabilities of each label, one array of shape (n, n_labels) per field.

        Columns follow ``classes_[i]``. These are the classifiers' own probabilities, before
        the ``none`` consistency that :meth:`predict` applies.
        """
        check_is_fitted(self, "estimators_")
        return self._predict_proba(*self._split_input(X))

    def _predict_proba(self, texts: list[str], given_values: list[list[str]] | None) -> list[np.ndarray]:
        if not texts:
            return [np.zeros((0, len(c))) for c in self.classes_]
        matrices = self._field_matrices(texts, given_values)
        probas = [est.predict_proba(m) for est, m in zip(self.estimators_, matrices, strict=True)]
        if getattr(self, "gated_", ()):
            stance = self.fields_.index("stance")
            p_none = probas[stance][:, list(self.classes_[stance]).index(NONE)]
            for column in self.gated_:
                # P(label) = P(position) * P(label | position); P(none) = P(stance is none).
                inner = probas[column] * (1.0 - p_none)[:, None]
                at = int(np.searchsorted(self.classes_[column], NONE))
                probas[column] = np.insert(inner, at, p_none, axis=1)
        return probas

    def predict(self, X: Any) -> np.ndarray:
        """Labels of shape (n, k), columns in the order of ``fields``."""
        return self.predict_with_proba(X)[0]

    def predict_with_proba(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Labels (n, k) and the probability of each chosen label (n, k), in one pass."""
        check_is_fitted(self, "estimators_")
        texts, given_values = self._split_input(X)
        probas = self._predict_proba(texts, given_values)
        n = probas[0].shape[0]
        labels = np.empty((n, len(probas)), dtype=object)
        chosen = np.zeros((n, len(probas)))
        for column, (proba, classes) in enumerate(zip(probas, self.classes_, strict=True)):
            best = proba.argmax(axis=1)
            labels[:, column] = classes[best]
            chosen[:, column] = proba[np.arange(n), best]
        if self._enforces_none():
            self._apply_none_rule(labels, chosen, probas)
            # A model saved before the parameter existed keeps its closed set of actors.
            if getattr(self, "open_actors", False):
                self._name_unseen_holders(texts, labels, chosen)
        return labels, chosen

    def _name_unseen_holders(self, texts: list[str], labels: np.ndarray, chosen: np.ndarray) -> None:
        """Give a position to its named holder when the actor classifier cannot name it."""
        actor, stance = self.fields_.index("actor"), self.fields_.index("stance")
        known = set(self.classes_[actor])
        table = alias_table()
        for row in np.flatnonzero(labels[:, stance] != NONE):
            holder = main_holder(texts[row], table.find(texts[row]))
            if holder is not None and holder not in known:
                labels[row, actor] = holder
                # No classifier probability exists for an unseen label: report the position's.
                chosen[row, actor] = chosen[row, stance]

    def _gated_fields(self, labels: np.ndarray) -> set[int]:
        """Columns trained on positions only (cascade), given the gold labels."""
        fields = list(self.fields)
        if not (self.cascade and set(DEFAULT_FIELDS) <= set(fields)):
            return set()
        if not (labels[:, fields.index("stance")] == NONE).any():
            return set()
        return {fields.index("actor"), fields.index("target")}

    def _enforces_none(self) -> bool:
        return (
            bool(self.enforce_none)
            and set(DEFAULT_FIELDS) <= set(self.fields_)
            and all(NONE in classes for classes in self.classes_)
        )

    def _apply_none_rule(self, labels: np.ndarray, chosen: np.ndarray, probas: list[np.ndarray]) -> None:
        stance = self.fields_.index("stance")
        is_none = labels[:, stance] == NONE
        for name in ("actor", "target"):
            column = self.fields_.index(name)
            classes = self.classes_[column]
            none_index = int(np.flatnonzero(classes == NONE)[0])
            proba = probas[column]
            labels[is_none, column] = NONE
            chosen[is_none, column] = proba[is_none, none_index]
            # A position needs a holder and a target: take the best label other than none.
            masked = proba.copy()
            masked[:, none_index] = -1.0
            best = masked.argmax(axis=1)
            fix = (~is_none) & (labels[:, column] == NONE)
            labels[fix, column] = classes[best[fix]]
            chosen[fix, column] = proba[fix, best[fix]]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Exact-match accuracy: the share of records whose every field is right."""
        predicted = self.predict(X)
        gold = np.asarray(y, dtype=object).reshape(predicted.shape)
        return float(np.mean(np.all(predicted == gold, axis=1)))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags
