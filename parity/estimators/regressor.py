"""``NeuralNetRegressor``: a linear output layer on the squared error, one output or several."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils.validation import validate_data

from .base import BaseNeuralNet, fill_doc

__all__ = ["NeuralNetRegressor"]


@fill_doc
class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    """An L-layer network of the notes, trained by the contract's optimizers, as a scikit-learn regressor.

    A linear output layer (``n[L] = n_outputs``) trained on the squared error
    ``J = (1/m) sum_i 1/2 ||yhat_i - y_i||^2``. ``y`` may be 1-D (one output) or 2-D
    (several); ``predict`` returns the same layout. With K outputs ``alpha`` is passed as
    ``lambd = K·alpha`` (MLP averages the squared error over the outputs; the contract sums).
    Targets far from unit scale take many epochs at the default learning rate: standardise
    ``y`` (for instance with ``TransformedTargetRegressor``), as for ``MLPRegressor``.

    All backends share the defaults and reasons of ``parity.estimators``' module docstring.

%(parameters)s

    Attributes
    ----------
    n_outputs_ : int
        The number of targets, ``n[L]``.
%(attributes)s

    Examples
    --------
    >>> import numpy as np
    >>> from parity.estimators import NeuralNetRegressor
    >>> X = np.linspace(-1, 1, 20)[:, None]
    >>> reg = NeuralNetRegressor(hidden_layer_sizes=(), random_state=0).fit(X, 2 * X[:, 0])
    >>> reg.params_["W1"].shape, reg.predict(X[:3]).shape
    ((1, 1), (3,))
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train from the initial parameters ``init_params(spec_, seed, init)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs, one row per example (transposed to the contract's ``(n_x, m)``).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Real targets.

        Returns
        -------
        self : NeuralNetRegressor
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=np.dtype(self.dtype))
        self._y_1d = y.ndim == 1
        Y = y[np.newaxis, :] if y.ndim == 1 else y.T  # (n_outputs, m)
        self._train(X, np.asarray(Y, dtype=self.dtype), "linear")
        self.n_outputs_ = Y.shape[0]
        return self

    def predict(self, X):
        """The network's output A[L] = Z[L], transposed.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs), in ``dtype``
            1-D where ``y`` was 1-D in ``fit``.
        """
        AL = self._forward(X)
        return AL[0].copy() if self._y_1d else np.ascontiguousarray(AL.T)

    def _alpha_scale(self, n_outputs: int) -> int:
        return n_outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
