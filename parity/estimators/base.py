"""What the classifier and the regressor share: their parameters (and the docstring that names
them), the checks scikit-learn's constraints cannot express, and the training behind ``fit``."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from nn_contract import ACTIVATION_NAMES, INIT_METHODS, ModelSpec, init_params, optim

from ..registry import BACKENDS
from .stopping import epoch_losses, stopping_epoch
from .threads import multiply_adds, thread_limit

__all__ = ["BaseNeuralNet", "SOLVERS", "fill_doc"]

SOLVERS = ("sgd", "momentum", "adam")

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


def fill_doc(cls):
    """The shared parameters and attributes, written into a class docstring's placeholders."""
    cls.__doc__ = cls.__doc__.replace("%(parameters)s", _ESTIMATOR_PARAMS_DOC.strip("\n")).replace(
        "%(attributes)s", _ATTRIBUTES_DOC.strip("\n"))
    return cls


class BaseNeuralNet(BaseEstimator):
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

        with thread_limit(6 * batch_size * multiply_adds(spec)):
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
        with thread_limit(2 * X.shape[0] * multiply_adds(self.spec_)):
            return BACKENDS[self.backend].predict_proba("deep", self.params_, X.T, self.spec_, self.device)
