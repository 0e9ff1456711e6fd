"""Every implementation as a scikit-learn estimator: ``NeuralNetClassifier``, ``NeuralNetRegressor``.

    from sklearn.model_selection import cross_val_score
    from parity.estimators import NeuralNetClassifier
    cross_val_score(NeuralNetClassifier(backend="jax", random_state=0), X, y)

The estimators are thin: they turn scikit-learn's layout (``X`` of shape
``(n_samples, n_features)``, one row per example, any label values) into the contract's
(``X`` of shape ``(n_x, m)``, one column per example, 0/1 or one-hot ``Y``), build the
``ModelSpec``, draw the initial parameters with ``nn_contract.init_params`` and call the
chosen backend's ``deep.train`` / ``deep.predict_proba`` through ``parity.BACKENDS``, with
the contract's training options (CONTRACT.md, "Training methods"). So the same
``random_state`` gives the same fitted ``params_`` on every backend, within the tolerance of
``parity.tolerance``.

Defaults, and why
-----------------
They are those of ``sklearn.neural_network.MLPClassifier``/``MLPRegressor``, under the same
names, so that one can swap estimators without retuning:
``hidden_layer_sizes=(100,)``, ``activation="relu"``, ``solver="adam"``, ``alpha=0.0001``,
``batch_size="auto"`` (``min(200, n_samples)``), ``learning_rate=0.001`` (MLP's
``learning_rate_init``), ``max_iter=200``, ``tol=1e-4``, ``n_iter_no_change=10``,
``beta_1=0.9``, ``beta_2=0.999``, ``epsilon=1e-8``, ``momentum=0.9``. Adam at 0.001 is also
what keeps the fits stable on unscaled data, where plain gradient descent on a squared error
of targets in the hundreds diverges.

What differs from MLP, and why
------------------------------
``solver``
    ``"adam"`` is the contract's ``optim.Adam(beta_1, beta_2, epsilon)``: the course's
    ``W -= α v̂ / (√ŝ + ε)``; MLP folds the bias corrections into the step size, which puts
    its ε at ``ε·√(1−β2ᵗ)`` instead (the same update up to ε). ``"momentum"`` is the course's
    ``optim.Momentum(momentum)``, ``v = βv + (1−β)dW; W -= αv`` (MLP's ``"sgd"`` uses
    ``v = μv − α dW``, Nesterov's by default: an undamped velocity, about ``1/(1−μ)`` times the
    step). ``"sgd"`` is plain gradient descent ``W -= α dW``. MLP's ``"lbfgs"`` and its
    ``learning_rate`` schedules (``"invscaling"``, ``"adaptive"``) are not offered;
    ``learning_rate`` here is the float MLP calls ``learning_rate_init``.
``alpha``
    MLP adds ``(alpha / 2n) Σ_l ‖W[l]‖²`` to the loss of a batch of n examples (and
    ``(alpha / n) W[l]`` to its gradient), biases not penalised; the contract's L2 is
    ``(λ / 2m) Σ_l ‖W[l]‖²``, m the examples in the step, biases never decayed. So
    ``lambd = alpha`` for the classifiers (MLP's log-losses are the contract's
    cross-entropies, per example) and for a one-output regressor. With K > 1 outputs MLP
    averages its squared error over the outputs too, ``(1/nK) Σ ½‖ŷ−y‖²``, where the contract
    sums them, ``(1/m) Σ ½‖ŷ−y‖²``: the regressor passes ``lambd = K·alpha``, which makes the
    contract's cost exactly K times MLP's (the same minimiser, the same Adam steps up to ε).
``init="auto"``
    ``"he"`` (randn * sqrt(2/n[l-1])) for ``relu``/``leaky_relu`` hidden layers, ``"xavier"``
    (randn * sqrt(1/n[l-1])) for the others: the notes' scales, drawn by
    ``nn_contract.init_params`` (MLP draws Glorot-uniform weights and biases).
``batch_size``
    Mini-batches follow the contract, not MLP's generator: epoch e takes the examples in the
    order ``np.random.RandomState(seed + e).permutation(n_samples)``, the last, smaller batch
    kept; a batch of all the examples keeps their given order. ``None`` (or a size >=
    n_samples) is full-batch training, which MLP clips with a warning.
``random_state``
    As in scikit-learn: ``None`` draws a fresh seed from NumPy's global generator at every
    ``fit``; a ``RandomState`` draws it from that generator; an int is the seed itself, of
    ``init_params`` and of the batch order.
``loss_curve_``
    One cost per update step (the contract's record of ``train``); MLP's per-epoch curve is
    ``epoch_loss_curve_``.

Convergence: MLP's rule, and when training stops
------------------------------------------------
MLP's rule, on the epoch loss (the mean over the epoch's examples of their batch's cost,
L2 term included; ``epoch_loss_curve_``): an epoch whose loss is not below ``best_loss_ -
tol`` counts as no improvement, a better one resets the count, and when the count exceeds
``n_iter_no_change`` training stops after that epoch. Where ``max_iter`` epochs end first,
``fit`` warns with ``sklearn.exceptions.ConvergenceWarning``, as MLP does. The contract's
``train`` runs a given number of epochs and keeps its optimizer state (Adam's ``v``, ``s``,
``t``) to itself, so ``fit`` cannot stop it half-way or resume it: it trains ``max_iter``
epochs, applies the rule to the loss curve, and where the rule stops at epoch ``n_iter_ <
max_iter`` it trains again from the same start for ``n_iter_`` epochs (the same batches and
updates: the batch order of epoch e depends on ``seed + e`` alone). ``params_`` are thus
MLP's, the parameters after the stopping epoch, the same on every backend; the price is at
most ``n_iter_`` extra epochs, paid only by fits that converge before ``max_iter``.

Threads
-------
A fit or prediction of a small problem runs with the BLAS and OpenMP pools of the process
(NumPy's OpenBLAS, torch's OpenMP) limited to one thread by ``threadpoolctl``: on such
problems a second thread saves nothing and, with another program on one of the cores, its
spin-waits make a step several times slower. "Small" is ``SMALL_PROBLEM_FLOPS`` (see there
for the measurements); larger ones keep the pools as they are. XLA's thread pool (JAX) is
sized when JAX starts and is not reached by ``threadpoolctl``.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nn_contract import ACTIVATION_NAMES, INIT_METHODS, ModelSpec, init_params, optim
from nn_contract.labels import labels_from_proba

from .registry import BACKENDS

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor", "SMALL_PROBLEM_FLOPS", "SOLVERS", "stopping_epoch",
           "epoch_losses"]

SOLVERS = ("sgd", "momentum", "adam")

# Below this many floating-point operations per update step (forward and backward,
# ~6 * batch * Σ n[l] n[l-1]) a fit runs one BLAS/OpenMP thread; a prediction likewise
# below this many for its forward pass (2 * n_samples * Σ n[l] n[l-1]). Measured with
# NumPy's OpenBLAS on the 2-core reference machine (benchmarks/bench_estimators.py
# --threshold, MLP's network n_x -> h -> 1 trained by Adam), which other programs shared:
# at a load average of ~2, 1 thread was faster up to 5e7 flops per step (2 threads 1.2-6x
# slower) and 2 threads faster from 2e8 on (0.66-0.78x); at a load of 3-10, or with one
# core kept busy, 2 threads were slower at every size up to 3e9 (1.2-2x above 2e8, 3-30x
# below 1e8: the collapse this rule prevents). So 1e8, where the idle machine's curves
# cross; above it a busy machine pays at most ~2-4x, not the small problems' 10-30x.
# MLP's default network (n_x -> 100 -> n_y, batches of 200) stays below it up to about
# 800 features.
SMALL_PROBLEM_FLOPS = 1e8

_ESTIMATOR_PARAMS_DOC = """
    Parameters
    ----------
    backend : {"numpy", "torch", "jax"} or a registered backend's name, default="numpy"
        The implementation that trains and predicts: ``reference_numpy``, ``torch_impl``,
        ``jax_impl`` or another package of ``parity.BACKENDS``.
    hidden_layer_sizes : int or sequence of int, default=(100,)
        ``(n[1], ..., n[L-1])``, the widths of the hidden layers; ``()`` gives no hidden
        layer (logistic / softmax / linear regression).
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "linear"}, default="relu"
        The activation of every hidden layer (``ModelSpec.hidden_activation``).
    solver : {"adam", "momentum", "sgd"}, default="adam"
        The contract's optimizer: ``optim.Adam(beta_1, beta_2, epsilon)``,
        ``optim.Momentum(momentum)`` or plain gradient descent ``optim.GD()``.
    alpha : float >= 0, default=0.0001
        L2 strength as MLP defines it; passed to ``train`` as ``lambd = alpha`` (times the
        number of outputs for a multi-output regressor; see the module docstring).
    batch_size : int >= 1, "auto" or None, default="auto"
        Examples per update step; ``"auto"`` is ``min(200, n_samples)``; ``None`` (or a size
        >= n_samples) is one full batch per epoch, in the given order.
    learning_rate : float > 0, default=0.001
        The step size α (MLP's ``learning_rate_init``).
    max_iter : int >= 1, default=200
        The most epochs (passes over the training set).
    tol : float >= 0, default=1e-4
        The improvement of the epoch loss that counts, in MLP's stopping rule.
    n_iter_no_change : int >= 1, default=10
        Training stops once more than this many epochs in a row have not improved the
        best epoch loss by ``tol``; if ``max_iter`` comes first, ``ConvergenceWarning``.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam's decay rates of the first and second moment (``solver="adam"``).
    epsilon : float > 0, default=1e-8
        Adam's ε (``solver="adam"``).
    momentum : float in [0, 1), default=0.9
        The β of ``solver="momentum"``.
    init : {"auto", "he", "xavier", "random", "zeros"}, default="auto"
        The ``nn_contract.init_params`` method; ``"auto"`` is ``"he"`` for ``relu`` and
        ``leaky_relu``, ``"xavier"`` otherwise.
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
    spec_ : nn_contract.ModelSpec
        The network trained: ``layer_dims = (n_features_in_, *hidden_layer_sizes, n[L])``.
    loss_curve_ : list of float
        One cost per update step, that step's forward-pass cost (L2 term included) before
        its update (``n_iter_ * ceil(n_samples / batch_size_)`` entries).
    loss_ : float
        The last entry of ``loss_curve_``.
    epoch_loss_curve_ : list of float
        One loss per epoch, the mean over its examples of their batch's cost: MLP's
        ``loss_curve_``, on which the stopping rule is applied.
    best_loss_ : float
        The smallest entry of ``epoch_loss_curve_``.
    n_iter_ : int
        The number of epochs run: where the stopping rule stopped training, else ``max_iter``.
    batch_size_ : int
        The examples per update step used (``"auto"`` and ``None`` resolved).
    n_features_in_ : int
        The number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        The feature names seen in ``fit``, where ``X`` had string column names.
"""


def _fill_doc(cls):
    cls.__doc__ = cls.__doc__.replace("%(parameters)s", _ESTIMATOR_PARAMS_DOC.strip("\n")).replace(
        "%(attributes)s", _ATTRIBUTES_DOC.strip("\n"))
    return cls


def epoch_losses(costs, n_samples: int, batch_size: int) -> list[float]:
    """costs: one per update step, ``ceil(n_samples / batch_size)`` per epoch -> one loss per
    epoch, ``Σ_batches cost · |batch| / n_samples`` (MLP's epoch loss)."""
    sizes = np.array([min(batch_size, n_samples - start) for start in range(0, n_samples, batch_size)], dtype=float)
    per_epoch = np.asarray(costs, dtype=float).reshape(-1, len(sizes))
    return [float(v) for v in per_epoch @ sizes / n_samples]


def stopping_epoch(losses, tol: float, n_iter_no_change: int) -> int | None:
    """MLP's rule on the epoch losses: the number of epochs after which training stops, or
    None where it runs through all of them.

    An epoch whose loss is > best - tol (best over the earlier epochs, from +inf) adds one
    to a count that a better epoch resets to 0; training stops after the epoch at which the
    count exceeds ``n_iter_no_change``.
    """
    best, count = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


def _thread_limit(flops: float):
    """One BLAS/OpenMP thread for a problem below ``SMALL_PROBLEM_FLOPS``; else no change."""
    if flops >= SMALL_PROBLEM_FLOPS:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


class _BaseNeuralNet(BaseEstimator):
    """What the classifier and the regressor share: parameters, validation, ``fit``."""

    _parameter_constraints: dict = {
        "backend": [StrOptions(set(BACKENDS))],
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATION_NAMES))],
        "solver": [StrOptions(set(SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left"), None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "init": [StrOptions({"auto", *INIT_METHODS})],
        "random_state": ["random_state"],
        "dtype": [StrOptions({"float64", "float32"})],
        "device": [StrOptions({"cpu", "cuda"})],
    }

    def __init__(self, backend="numpy", hidden_layer_sizes=(100,), activation="relu", solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate=0.001, max_iter=200, tol=1e-4,
                 n_iter_no_change=10, beta_1=0.9, beta_2=0.999, epsilon=1e-8, momentum=0.9, init="auto",
                 random_state=None, dtype="float64", device="cpu"):
        self.backend = backend
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentum = momentum
        self.init = init
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

    def _backend(self, options: dict):
        """The backend, refused by name where it cannot run here or lacks a training option
        the parameters need (``options``: the keyword options ``train`` will get)."""
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
        for option, parameter in (("optimizer", "solver"), ("lambd", "alpha")):
            if option not in options:
                continue
            features = {"training": option}
            if option == "optimizer":
                features["optimizer"] = options["optimizer"].name
            why = backend.unsupported(model="deep", **features)
            if why:
                raise ValueError(
                    f"The '{parameter}' parameter of {type(self).__name__} is {getattr(self, parameter)!r}, "
                    f"which backend {self.backend!r} cannot train with: {why}."
                )
        return backend

    def _seed(self) -> int:
        if isinstance(self.random_state, Integral):
            seed = int(self.random_state)
            # train shuffles epoch e with RandomState(seed + e), which takes seeds below 2**32.
            if seed + self.max_iter - 1 >= 2**32:
                raise ValueError(
                    f"The 'random_state' parameter of {type(self).__name__} must be < 2**32 - max_iter + 1 "
                    f"(epoch e shuffles with RandomState(random_state + e)); got {self.random_state!r} "
                    f"with max_iter={self.max_iter!r}."
                )
            return seed
        return int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))

    def _init_method(self) -> str:
        if self.init != "auto":
            return self.init
        return "he" if self.activation in ("relu", "leaky_relu") else "xavier"

    def _resolved_batch_size(self, n_samples: int) -> int:
        if self.batch_size is None:
            return n_samples
        if isinstance(self.batch_size, str):  # "auto", the only string the constraints let through
            return min(200, n_samples)
        return min(int(self.batch_size), n_samples)

    def _training_options(self, n_outputs: int) -> dict:
        """The contract's keyword options of ``deep.train`` for these parameters; the course-1
        defaults (GD, no L2) are left out, so a backend without course-2 options can still
        train with ``solver="sgd", alpha=0``."""
        options = {}
        if self.solver == "adam":
            options["optimizer"] = optim.Adam(beta1=self.beta_1, beta2=self.beta_2, epsilon=self.epsilon)
        elif self.solver == "momentum":
            options["optimizer"] = optim.Momentum(beta=self.momentum)
        lambd = float(self.alpha) * self._alpha_scale(n_outputs)
        if lambd > 0:
            options["lambd"] = lambd
        return options

    def _alpha_scale(self, n_outputs: int) -> int:
        """lambd = alpha * this; see the module docstring."""
        return 1

    # -- training and the forward pass, in the contract's layout -------------------------

    def _train(self, X: np.ndarray, Y: np.ndarray, output: str) -> None:
        """X: (n_samples, n_features) in ``dtype``; Y: (n[L], n_samples), the contract's targets."""
        sizes = self._hidden_sizes()
        options = self._training_options(Y.shape[0])
        backend = self._backend(options)
        seed = self._seed()
        n_samples = X.shape[0]
        batch_size = self._resolved_batch_size(n_samples)
        spec = ModelSpec((X.shape[1], *sizes, Y.shape[0]), hidden_activation=self.activation, output=output)
        params0 = init_params(spec, seed, self._init_method(), dtype=self.dtype)
        XT, Y = X.T, Y.astype(self.dtype)

        def train(num_epochs):
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                # A too large learning rate overflows; that is reported below, by name.
                params, costs = backend.train(
                    "deep", params0, XT, Y, spec, self.device, learning_rate=self.learning_rate,
                    num_epochs=num_epochs, batch_size=batch_size, seed=seed, **options,
                )
            self._check_finite(params, costs)
            return params, costs

        with _thread_limit(6 * batch_size * _weights(spec)):
            params, costs = train(self.max_iter)
            losses = epoch_losses(costs, n_samples, batch_size)
            n_iter = stopping_epoch(losses, self.tol, self.n_iter_no_change)
            if n_iter is not None and n_iter < self.max_iter:
                # The contract's train keeps its optimizer state: the fit of n_iter epochs is
                # trained again from the same start (the same batches, the same updates).
                params, costs = train(n_iter)
                losses = epoch_losses(costs, n_samples, batch_size)
        if n_iter is None:
            warnings.warn(
                f"{type(self).__name__}: maximum iterations ({self.max_iter}) reached and the "
                f"optimization hasn't converged yet (the epoch loss still improved by more than "
                f"tol={self.tol} within the last {self.n_iter_no_change + 1} epochs); raise max_iter.",
                ConvergenceWarning,
            )
        self.spec_ = spec
        self.params_ = params
        self.loss_curve_ = [float(c) for c in costs]
        self.loss_ = self.loss_curve_[-1]
        self.epoch_loss_curve_ = losses
        self.best_loss_ = min(losses)
        self.n_iter_ = len(losses)
        self.batch_size_ = batch_size

    def _check_finite(self, params, costs) -> None:
        if not (np.isfinite(costs).all() and all(np.isfinite(p).all() for p in params.values())):
            step = int(np.argmin(np.isfinite(costs))) if not np.isfinite(costs).all() else len(costs)
            raise ValueError(
                f"Training diverged (non-finite cost or parameters after update step {step}): "
                f"lower the 'learning_rate' parameter (got {self.learning_rate!r}), or standardise "
                "X (and y for a regressor)."
            )

    def _forward(self, X) -> np.ndarray:
        """X: (n_samples, n_features) -> A[L]: (n[L], n_samples) in ``dtype``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.dtype(self.dtype))
        with _thread_limit(2 * X.shape[0] * _weights(self.spec_)):
            return BACKENDS[self.backend].predict_proba("deep", self.params_, X.T, self.spec_, self.device)


def _weights(spec: ModelSpec) -> int:
    """Σ_l n[l] n[l-1]: the multiply-adds of one example's forward pass."""
    dims = spec.layer_dims
    return sum(dims[l] * dims[l - 1] for l in range(1, len(dims)))


@_fill_doc
class NeuralNetClassifier(ClassifierMixin, _BaseNeuralNet):
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


@_fill_doc
class NeuralNetRegressor(RegressorMixin, _BaseNeuralNet):
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
