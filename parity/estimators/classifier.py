"""``NeuralNetClassifier``: a sigmoid output for two classes, a softmax for more."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from nn_contract.labels import labels_from_proba

from .base import BaseNeuralNet, fill_doc

__all__ = ["NeuralNetClassifier"]


@fill_doc
class NeuralNetClassifier(ClassifierMixin, BaseNeuralNet):
    """An L-layer network of the notes, trained by the contract's optimizers, as a scikit-learn classifier.

    Two classes train a sigmoid output unit (``n[L] = 1``) on binary cross-entropy, more a
    softmax output (``n[L] = n_classes``) on categorical cross-entropy. Labels may be any
    values scikit-learn's own classifiers take (ints, negative or not contiguous, strings,
    objects); they are encoded with a ``LabelEncoder`` in ``classes_`` order: for two
    classes, ``classes_[1]`` is the positive class, ``y = 1``.

    All backends share the defaults and reasons of ``parity.estimators``' module docstring.

%(parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
%(attributes)s

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from parity.estimators import NeuralNetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NeuralNetClassifier(hidden_layer_sizes=(8,), random_state=0).fit(X, y)
    >>> clf.params_["W1"].shape, clf.predict_proba(X[:2]).shape
    ((8, 4), (2, 3))
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train from the initial parameters ``init_params(spec_, seed, init)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs, one row per example (transposed to the contract's ``(n_x, m)``).
        y : array-like of shape (n_samples,)
            Class labels, at least two distinct values.

        Returns
        -------
        self : NeuralNetClassifier
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.dtype(self.dtype))
        check_classification_targets(y)
        encoder = LabelEncoder()
        codes = encoder.fit_transform(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but the data "
                f"contains only 1 class: {classes[0]!r}."
            )
        if len(classes) == 2:
            Y, output = codes[np.newaxis, :], "sigmoid"  # (1, m) of 0/1
        else:
            Y, output = np.eye(len(classes))[:, codes], "softmax"  # (K, m) one-hot columns
        self._train(X, Y, output)
        self.classes_ = classes
        return self

    def predict_proba(self, X):
        """Class probabilities, A[L] transposed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), in ``dtype``
            Column k is the probability of ``classes_[k]``; rows sum to 1. For two classes
            the columns are ``1 - a`` and ``a``, the sigmoid output.
        """
        AL = self._forward(X)
        if self.spec_.output == "sigmoid":
            return np.column_stack([1 - AL[0], AL[0]])
        return np.ascontiguousarray(AL.T)

    def predict(self, X):
        """The predicted labels, by the rule every backend's ``deep.predict`` uses.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Values from ``classes_``: ``classes_[1]`` where the sigmoid output is > 0.5,
            or the class of the largest softmax output (the first on ties).
        """
        labels = labels_from_proba(self._forward(X), self.spec_.output)  # (n[L], m) of 0/1
        index = labels[0].astype(np.intp) if self.spec_.output == "sigmoid" else labels.argmax(axis=0)
        return self.classes_[index]

