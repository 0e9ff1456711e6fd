"""Every implementation as a scikit-learn estimator: ``NeuralNetClassifier``, ``NeuralNetRegressor``.

    from sklearn.model_selection import cross_val_score
    from parity.estimators import NeuralNetClassifier
    cross_val_score(NeuralNetClassifier(backend="jax", random_state=0), X, y)

The estimators are thin: they turn scikit-learn's layout (``X`` of shape
``(n_samples, n_features)``, one row per example, any label values) into the contract's
(``X`` of shape ``(n_x, m)``, one column per example, 0/1 or one-hot ``Y``), build the
``ModelSpec``, draw the initial parameters with ``reference_numpy.init_params`` and call the
chosen backend's ``deep.train`` / ``deep.predict_proba`` through ``parity.BACKENDS``. So the
same ``random_state`` gives the same fitted ``params_`` on every backend, within the
tolerance of ``parity.tolerance``.

Defaults, and why
-----------------
``hidden_layer_sizes=(100,)``, ``activation="relu"``, ``max_iter=200``
    Those of ``sklearn.neural_network.MLPClassifier``/``MLPRegressor``, so that one can swap
    estimators without retuning the architecture.
``init="auto"``
    ``"he"`` (randn * sqrt(2/n[l-1])) for ``relu``/``leaky_relu`` hidden layers, ``"xavier"``
    (randn * sqrt(1/n[l-1])) for the others: the scales the notes recommend for each. The
    notes' ``"random"`` (randn * 0.01) stalls deep ReLU networks.
``batch_size=None``
    Full-batch gradient descent, the notes' algorithm and ``deep.train``'s default: the
    result depends on ``random_state`` only through the initial parameters, and JAX compiles
    one step per data shape.
``learning_rate=0.1``
    Plain gradient descent (no momentum, no Adam) on standardised features reaches a good
    fit in 200 full-batch steps at this rate (about 0.96 accuracy on ``load_breast_cancer``
    with a ``StandardScaler``); the notes' 0.0075 needs thousands of steps. Standardise the
    targets of the regressor too (``TransformedTargetRegressor``), or lower the rate:
    a squared error on large targets diverges, which ``fit`` reports as a ``ValueError``
    naming ``learning_rate``.
``random_state=None``
    As in scikit-learn: a fresh seed from NumPy's global generator at every ``fit``. An int
    is used as the seed itself, for ``init_params`` and for ``train``'s batch order.
``dtype="float64"``, ``device="cpu"``
    The reference's precision and the one device every backend has.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from reference_numpy import ACTIVATION_NAMES, INIT_METHODS, ModelSpec, init_params
from reference_numpy.labels import labels_from_proba

from .registry import BACKENDS

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]

_ESTIMATOR_PARAMS_DOC = """
    Parameters
    ----------
    backend : {"numpy", "torch", "jax"}, default="numpy"
        The implementation that trains and predicts: ``reference_numpy``, ``torch_impl`` or
        ``jax_impl``, through ``parity.BACKENDS``.
    hidden_layer_sizes : int or sequence of int, default=(100,)
        ``(n[1], ..., n[L-1])``, the widths of the hidden layers; ``()`` gives no hidden
        layer (logistic / softmax / linear regression trained by gradient descent).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "linear"}, default="relu"
        The activation of every hidden layer (``ModelSpec.hidden_activation``).
    init : {"auto", "he", "xavier", "random", "zeros"}, default="auto"
        The ``reference_numpy.init_params`` method; ``"auto"`` is ``"he"`` for ``relu`` and
        ``leaky_relu``, ``"xavier"`` otherwise.
    learning_rate : float > 0, default=0.1
        The gradient-descent step size alpha.
    max_iter : int >= 1, default=200
        The number of epochs (passes over the training set).
    batch_size : int >= 1 or None, default=None
        Examples per update step; ``None`` (or a size >= n_samples) is full-batch gradient
        descent, one step per epoch. The last, smaller batch of an epoch is kept.
    random_state : int, RandomState instance or None, default=None
        An int is the seed of the initial parameters and of the batch order; ``None`` or a
        ``RandomState`` draws that seed at each ``fit``.
    dtype : {"float64", "float32"}, default="float64"
        The precision of training and prediction; ``X`` is converted to it.
    device : {"cpu", "cuda"}, default="cpu"
        Where torch and jax run; the numpy backend runs on the CPU only.
"""

_ATTRIBUTES_DOC = """
    params_ : dict of str to ndarray
        The fitted parameters in the contract's layout: ``"W{l}"`` of shape
        ``(n[l], n[l-1])`` and ``"b{l}"`` of shape ``(n[l], 1)`` for l = 1..L, in ``dtype``.
    spec_ : reference_numpy.ModelSpec
        The network trained: ``layer_dims = (n_features_in_, *hidden_layer_sizes, n[L])``.
    loss_curve_ : list of float
        One cost per update step, that step's forward-pass cost before its update
        (``max_iter * ceil(n_samples / batch_size)`` entries).
    loss_ : float
        The last entry of ``loss_curve_``.
    n_iter_ : int
        The number of epochs run (``max_iter``).
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The feature names seen in ``fit``, where ``X`` had string column names.
"""


def _fill_doc(cls):
    cls.__doc__ = cls.__doc__.replace("%(parameters)s", _ESTIMATOR_PARAMS_DOC.strip("\n")).replace(
        "%(attributes)s", _ATTRIBUTES_DOC.strip("\n"))
    return cls


class _BaseNeuralNet(BaseEstimator):
    """What the classifier and the regressor share: parameters, validation, ``fit``."""

    _parameter_constraints: dict = {
        "backend": [StrOptions(set(BACKENDS))],
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATION_NAMES))],
        "init": [StrOptions({"auto", *INIT_METHODS})],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "dtype": [StrOptions({"float64", "float32"})],
        "device": [StrOptions({"cpu", "cuda"})],
    }

    def __init__(self, backend="numpy", hidden_layer_sizes=(100,), activation="relu", init="auto",
                 learning_rate=0.1, max_iter=200, batch_size=None, random_state=None,
                 dtype="float64", device="cpu"):
        self.backend = backend
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.random_state = random_state
        self.dtype = dtype
        self.device = device

    # -- checks that _parameter_constraints cannot express -------------------------------

    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, Integral) else tuple(np.ravel(np.asarray(sizes, dtype=object)))
        for h in sizes:
            if isinstance(h, bool) or not isinstance(h, Integral) or h < 1:
                raise ValueError(
                    f"The 'hidden_layer_sizes' parameter of {type(self).__name__} must hold ints >= 1; "
                    f"got {self.hidden_layer_sizes!r}."
                )
        return tuple(int(h) for h in sizes)

    def _backend(self):
        backend = BACKENDS[self.backend]
        reason = backend.unavailable_reason()
        if reason is not None:
            raise ImportError(f"The 'backend' parameter {self.backend!r} cannot run here: {reason}.")
        if self.device not in backend.devices():
            why = backend.device_reason(self.device)
            raise ValueError(
                f"The 'device' parameter of {type(self).__name__} is {self.device!r}, which backend "
                f"{self.backend!r} cannot use here: {why}."
            )
        return backend

    def _seed(self) -> int:
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _init_method(self) -> str:
        if self.init != "auto":
            return self.init
        return "he" if self.activation in ("relu", "leaky_relu") else "xavier"

    # -- training and the forward pass, in the contract's layout -------------------------

    def _train(self, X: np.ndarray, Y: np.ndarray, output: str) -> None:
        """X: (n_samples, n_features) in ``dtype``; Y: (n[L], n_samples), the contract's targets."""
        sizes = self._hidden_sizes()
        backend = self._backend()
        seed = self._seed()
        spec = ModelSpec((X.shape[1], *sizes, Y.shape[0]), hidden_activation=self.activation, output=output)
        params = init_params(spec, seed, self._init_method(), dtype=self.dtype)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # A too large learning rate overflows; that is reported below, by name.
            params, costs = backend.train(
                "deep", params, X.T, Y.astype(self.dtype), spec, self.device,
                learning_rate=self.learning_rate, num_epochs=self.max_iter,
                batch_size=self.batch_size, seed=seed,
            )
        if not (np.isfinite(costs).all() and all(np.isfinite(p).all() for p in params.values())):
            step = int(np.argmin(np.isfinite(costs))) if not np.isfinite(costs).all() else len(costs)
            raise ValueError(
                f"Training diverged (non-finite cost or parameters after update step {step}): "
                f"lower the 'learning_rate' parameter (got {self.learning_rate!r}), or standardise "
                "X (and y for a regressor)."
            )
        self.spec_ = spec
        self.params_ = params
        self.loss_curve_ = [float(c) for c in costs]
        self.loss_ = self.loss_curve_[-1]
        self.n_iter_ = self.max_iter

    def _forward(self, X) -> np.ndarray:
        """X: (n_samples, n_features) -> A[L]: (n[L], n_samples) in ``dtype``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.dtype(self.dtype))
        return BACKENDS[self.backend].predict_proba("deep", self.params_, X.T, self.spec_, self.device)



@_fill_doc
class NeuralNetClassifier(ClassifierMixin, _BaseNeuralNet):
    """An L-layer network of the notes, trained by gradient descent, as a scikit-learn classifier.

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


@_fill_doc
class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
    """An L-layer network of the notes, trained by gradient descent, as a scikit-learn regressor.

    A linear output layer (``n[L] = n_outputs``) trained on the squared error
    ``J = (1/m) sum_i 1/2 ||yhat_i - y_i||^2``. ``y`` may be 1-D (one output) or 2-D
    (several); ``predict`` returns the same layout. Standardise ``y`` (for instance with
    ``TransformedTargetRegressor``) for the default learning rate.

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
