"""The scikit-learn estimators: scikit-learn's own checks on every backend with the default
parameters, parity of the fitted parameters across backends, MLP's stopping rule and its
ConvergenceWarning, scores next to MLP's, thread limits, labels, pipelines, and parameter
validation."""

from __future__ import annotations

import functools
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import estimator_checks_generator
from threadpoolctl import threadpool_info, threadpool_limits

from parity import BACKENDS, Backend, reference_backend, relative_error, tolerance
from parity import estimators
from parity.estimators import NeuralNetClassifier, NeuralNetRegressor, stopping_epoch
from nn_contract import init_params
from reference_numpy import deep, optim

from .helpers import DTYPES, backend_names, framework_names, needs

# Most fits here are short on purpose and end with MLP's ConvergenceWarning; the tests of
# the warning itself record it explicitly (``_convergence_warnings``).
pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # What MLP's defaults, and so every estimator test here, ask of a backend.
    needs(function=("train", "predict_proba"), training=("batch_size", "optimizer", "lambd"),
          optimizer=("Adam", "Momentum"), activation="relu", output=("sigmoid", "softmax", "linear")),
]


# --- scikit-learn's estimator checks, for every backend ------------------------------------

# The default parameters, MLP's (Adam at 0.001, batches of min(200, n), L2 alpha=1e-4, 200
# epochs at most): they pass the checks' accuracy (> 0.83) and R^2 (> 0.5) bars and stay
# finite on the checks' unscaled targets (|y| in the hundreds).
ESTIMATORS = (NeuralNetClassifier, NeuralNetRegressor)

# The reference backend runs every check. The estimators' own code (validation, labels, the
# stopping rule, the fitted attributes) is the same whatever the backend, and
# test_fitted_params_match_reference holds every other backend's fits to the reference's; what
# a backend alone decides is what it does with the arrays handed to it. So every other backend
# runs the checks that hand it something no other check does: read-only float32 and float64
# input, integer input, Fortran order, one sample, one feature, several targets; its fits judged
# by the checks' accuracy and R^2 bars; its determinism (the same fit twice); its predictions
# invariant to batching and order; and its fitted estimator pickled. (The other checks' fits
# take each framework 1-9 s each, ~270 s in all, to prove again what the reference's prove.)
BACKEND_CHECKS = {
    "NeuralNetClassifier": {
        "check_estimator_cloneable",
        "check_classifiers_train(readonly_memmap=True,X_dtype=float32)",
        "check_estimators_dtypes",
        "check_fit_idempotent",
        "check_methods_subset_invariance",
        "check_f_contiguous_array_estimator",
    },
    "NeuralNetRegressor": {
        "check_estimator_cloneable",
        "check_regressors_train(readonly_memmap=True)",
        "check_regressor_multioutput",
        "check_fit2d_1sample",
        "check_fit2d_1feature",
        "check_methods_sample_order_invariance",
        "check_estimators_pickle(readonly_memmap=True)",
    },
}


def _check_name(check) -> str:
    """scikit-learn's id of a check: its name, and its keywords where it has any."""
    keywords = ",".join(f"{k}={v}" for k, v in check.keywords.items())
    return f"{check.func.__name__}({keywords})" if keywords else check.func.__name__


# The checks' estimators are built as scikit-learn's own test suite builds MLPClassifier and
# MLPRegressor for the same checks (PER_ESTIMATOR_CHECK_PARAMS in
# sklearn/utils/_test_common/instance_generator.py): max_iter=100, half the default. The
# checks' accuracy and R^2 bars stay as they are, met in fewer epochs.
CHECK_PARAMS = {"max_iter": 100}


def _checks():
    """(estimator, check) for every backend: every check on the reference, BACKEND_CHECKS on
    the others. A name in BACKEND_CHECKS that scikit-learn no longer yields fails here, at
    collection, rather than leaving a backend with fewer checks than the list says."""
    reference = reference_backend().name
    params = []
    for cls in ESTIMATORS:
        names = {_check_name(check) for _, check in estimator_checks_generator(cls(backend=reference))}
        missing = BACKEND_CHECKS[cls.__name__] - names
        assert not missing, f"scikit-learn yields no {sorted(missing)} for {cls.__name__}"
        for backend in backend_names():
            for estimator, check in estimator_checks_generator(cls(backend=backend, **CHECK_PARAMS)):
                name = _check_name(check)
                if backend == reference or name in BACKEND_CHECKS[cls.__name__]:
                    params.append(pytest.param(estimator, check, id=f"{estimator!r}-{name}"))
    return params


# Every check applies and passes on every backend, so none is declared expected to fail
# (where one could not apply, its reason would go in ``expected_failed_checks``). The fits
# of the checks mostly end at max_iter before the loss settles, and warn as MLP's do.
@pytest.mark.parametrize(("estimator", "check"), _checks())
def test_sklearn_estimator_checks(estimator, check, monkeypatch):
    # check_array_api_input(array_namespace="numpy") runs only where SCIPY_ARRAY_API=1 and
    # skips otherwise; the estimators hand nothing to scipy, so set it for the check to run.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


# --- data ------------------------------------------------------------------------------

def _classification(n_classes, m=40, n_features=5, seed=0):
    X, y = make_classification(n_samples=m, n_features=n_features, n_informative=3, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, random_state=seed)
    return StandardScaler().fit_transform(X), y


def _regression(n_targets, m=40, n_features=5, seed=0):
    X, y = make_regression(n_samples=m, n_features=n_features, n_targets=n_targets, noise=1.0,
                           random_state=seed)
    return StandardScaler().fit_transform(X), (y - y.mean(axis=0)) / y.std(axis=0)


PROBLEMS = {
    "binary": (NeuralNetClassifier, lambda: _classification(2)),
    "multiclass": (NeuralNetClassifier, lambda: _classification(3)),
    "regression-1d": (NeuralNetRegressor, lambda: _regression(1)),
    "regression-2d": (NeuralNetRegressor, lambda: _regression(2)),
}
# One regressor suffices for parity (2-D targets are layout, tested below); JAX compiles
# per spec, shape and dtype, and this keeps the module quick.
PARITY_PROBLEMS = ["binary", "multiclass", "regression-1d"]
# m = 40. Full batch by plain gradient descent, no L2 (the course-1 path: no option is
# passed to train); mini-batches of 16, 16 and 8 (the last, smaller one kept) by Adam with
# L2; and Momentum with a tol that no epoch meets, so that MLP's rule stops training after
# epoch n_iter_no_change + 2 = 3 and the fit is trained again for those 3 epochs.
TRAINING_MODES = {
    "full-batch-sgd": dict(batch_size=None, solver="sgd", alpha=0.0, learning_rate=0.1),
    "mini-batch-adam-l2": dict(batch_size=16, solver="adam", alpha=0.05, learning_rate=0.01),
    "momentum-stopped-at-3": dict(batch_size="auto", solver="momentum", alpha=0.01, learning_rate=0.1,
                                  tol=100.0, n_iter_no_change=1),
}


# --- parity: the same fitted parameters on every backend -----------------------------------

# Every problem, mode and dtype, and every pair of problem and mode, each dtype in turn (not
# the whole product: JAX compiles once per problem, mode and dtype, ~0.5-1 s each).
PARITY_CASES = [
    pytest.param(problem, mode, DTYPES[(i + j) % 2], id=f"{problem}-{mode}-{DTYPES[(i + j) % 2]}")
    for i, problem in enumerate(PARITY_PROBLEMS) for j, mode in enumerate(TRAINING_MODES)
]


@pytest.mark.parametrize(("problem", "mode", "dtype"), PARITY_CASES)
@pytest.mark.parametrize("backend", framework_names())
def test_fitted_params_match_reference(backend, problem, mode, dtype):
    cls, data = PROBLEMS[problem]
    X, y = data()
    settings = dict(hidden_layer_sizes=(6, 4), max_iter=8, random_state=3, dtype=dtype, **TRAINING_MODES[mode])
    ref = cls(backend="numpy", **settings).fit(X, y)
    est = cls(backend=backend, **settings).fit(X, y)
    tol = tolerance(dtype).grad
    assert est.spec_ == ref.spec_
    assert est.n_iter_ == ref.n_iter_ == (3 if mode == "momentum-stopped-at-3" else 8)
    assert set(est.params_) == set(ref.params_) == set(ref.spec_.param_shapes())
    for key, value in ref.params_.items():
        assert est.params_[key].dtype == value.dtype == np.dtype(dtype)
        assert est.params_[key].shape == value.shape == ref.spec_.param_shapes()[key]
        assert relative_error(est.params_[key], value) <= tol, key
    assert len(est.loss_curve_) == len(ref.loss_curve_)
    assert relative_error(est.loss_curve_, ref.loss_curve_) <= tol
    # Training moved the parameters: the comparison is not of two untouched starts.
    start = init_params(ref.spec_, 3, "he", dtype=dtype)
    assert relative_error(ref.params_["W1"], start["W1"]) > 100 * tol


CONTRACT_SOLVERS = {"sgd": optim.GD(), "momentum": optim.Momentum(beta=0.8),
                    "adam": optim.Adam(beta1=0.85, beta2=0.99, epsilon=1e-7)}


@pytest.mark.parametrize("solver", list(CONTRACT_SOLVERS))
@pytest.mark.parametrize("batch_size", [pytest.param(None, id="full-batch"), pytest.param(16, id="mini-batch")])
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_fit_is_train_from_init_params_in_contract_layout(problem, batch_size, solver):
    """params_ is exactly deep.train from init_params(spec_, random_state, init) on X.T and
    the contract's Y (0/1 row, one-hot columns, or targets as rows), with the solver's
    optimizer and lambd = alpha, times the number of outputs for a regressor."""
    cls, data = PROBLEMS[problem]
    X, y = data()
    est = cls(hidden_layer_sizes=(5,), activation="tanh", init="xavier", solver=solver, alpha=0.3,
              learning_rate=0.05, max_iter=6, batch_size=batch_size, momentum=0.8, beta_1=0.85, beta_2=0.99,
              epsilon=1e-7, random_state=11).fit(X, y)
    if problem == "binary":
        Y, output, n_y = y[None, :].astype(float), "sigmoid", 1
    elif problem == "multiclass":
        Y, output, n_y = np.eye(3)[:, y], "softmax", 3
    else:
        Y = y[None, :] if y.ndim == 1 else y.T
        output, n_y = "linear", Y.shape[0]
    spec = est.spec_
    assert spec.layer_dims == (X.shape[1], 5, n_y)
    assert spec.output == output and spec.hidden_activation == "tanh"
    # MLP averages a regressor's squared error over its outputs, the contract sums them.
    lambd = 0.3 * (n_y if output == "linear" else 1)
    params, costs = deep.train(init_params(spec, 11, "xavier"), X.T, Y, spec, learning_rate=0.05,
                               num_epochs=6, batch_size=batch_size, seed=11, optimizer=CONTRACT_SOLVERS[solver],
                               lambd=lambd)
    for key in params:
        np.testing.assert_array_equal(est.params_[key], params[key])
    assert est.loss_curve_ == costs
    assert est.n_iter_ == 6 and est.batch_size_ == (batch_size or len(X))


@pytest.mark.parametrize("problem", ["multiclass", "regression-2d"])
def test_alpha_is_mlps_l2_penalty(problem):
    """At the same weights, the contract's cost with the lambd the estimator passes is MLP's
    own loss with the same alpha (times K for a K-output regressor): MLP's ``loss_`` after a
    ``partial_fit`` of one full batch is the loss before that batch's update, L2 included,
    at the coefficients set (W[l] transposed)."""
    cls, data = PROBLEMS[problem]
    X, y = data()
    est = cls(hidden_layer_sizes=(5,), alpha=0.7, max_iter=3, random_state=0).fit(X, y)
    mlp_cls = MLPClassifier if cls is NeuralNetClassifier else MLPRegressor
    mlp = mlp_cls(hidden_layer_sizes=(5,), alpha=0.7, solver="sgd", batch_size=len(X), shuffle=False,
                  max_iter=1, random_state=0).fit(X, y)
    L = est.spec_.num_layers
    mlp.coefs_ = [est.params_[f"W{l}"].T.copy() for l in range(1, L + 1)]
    mlp.intercepts_ = [est.params_[f"b{l}"].ravel().copy() for l in range(1, L + 1)]
    mlp.partial_fit(X, y)
    K = est.spec_.n_y if problem.startswith("regression") else 1
    Y = np.eye(3)[:, y] if problem == "multiclass" else y.T
    cost, _ = deep.cost_and_grads(est.params_, X.T, Y, est.spec_, lambd=K * 0.7)
    assert cost == pytest.approx(K * mlp.loss_, rel=1e-12)
    # and the L2 term is a real part of it: without it the costs differ
    bare, _ = deep.cost_and_grads(est.params_, X.T, Y, est.spec_)
    assert bare < cost * (1 - 1e-3)


# --- labels and probabilities ------------------------------------------------------------

LABELS = {
    "strings-binary": np.array(["no", "yes"]),
    "strings-multiclass": np.array(["cat", "dog", "emu"]),
    "negative-noncontiguous": np.array([-7, 3, 10]),
    "object-strings": np.array(["b", "c", "a"], dtype=object),
}


def _label_cases():
    """Every kind of labels on the reference; one (strings, three classes) on each other
    backend. The labels' mapping is the estimator's own code, the same on every backend: what
    a backend adds is the probabilities it is read from, whose rows and dtype
    test_predict_proba_rows_sum_to_one holds on every backend for two and three classes."""
    reference = reference_backend().name
    return [pytest.param(labels, backend, id=f"{labels}-{backend}")
            for backend in backend_names() for labels in LABELS
            if backend == reference or labels == "strings-multiclass"]


@pytest.mark.parametrize(("labels", "backend"), _label_cases())
def test_original_labels_come_back(labels, backend):
    values = LABELS[labels]
    X, codes = _classification(len(values))
    y = values[codes]
    clf = NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,), learning_rate=0.01, max_iter=150,
                              random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.unique(values))
    pred = clf.predict(X)
    assert pred.shape == (len(y),) and set(pred.tolist()) <= set(values.tolist())
    assert np.mean(pred == y) > 0.85
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), len(values))
    # predict is the column of the largest probability, in classes_ order
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    assert clf.spec_.output == ("sigmoid" if len(values) == 2 else "softmax")
    assert clf.spec_.n_y == (1 if len(values) == 2 else len(values))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_classes", [2, 3], ids=["binary", "multiclass"])
@pytest.mark.parametrize("backend", backend_names())
def test_predict_proba_rows_sum_to_one(backend, n_classes, dtype):
    X, y = _classification(n_classes)
    clf = NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,), max_iter=20, random_state=0,
                              dtype=dtype).fit(X, y)
    proba = clf.predict_proba(X * 3)
    assert proba.dtype == np.dtype(dtype)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=10 * np.finfo(dtype).eps)
    if n_classes == 2:  # column 1 is the sigmoid output itself, for classes_[1]
        AL = BACKENDS[backend].predict_proba("deep", clf.params_, (X * 3).T.astype(dtype), clf.spec_)
        np.testing.assert_array_equal(proba[:, 1], AL[0])


@pytest.mark.parametrize("backend", backend_names())
def test_single_class_is_refused(backend):
    X, _ = _classification(2)
    with pytest.raises(ValueError, match="at least 2 classes"):
        NeuralNetClassifier(backend=backend, max_iter=2).fit(X, np.full(len(X), "only"))


# --- regressor outputs ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_targets", [1, 3], ids=["1d", "2d"])
@pytest.mark.parametrize("backend", backend_names())
def test_regressor_output_layout(backend, n_targets, dtype):
    X, y = _regression(n_targets)
    if n_targets == 1:
        y = y.ravel()
    reg = NeuralNetRegressor(backend=backend, hidden_layer_sizes=(8,), learning_rate=0.01, max_iter=100,
                             random_state=0,
                             dtype=dtype).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == y.shape and pred.dtype == np.dtype(dtype)
    assert reg.spec_.output == "linear" and reg.spec_.loss == "squared_error"
    assert reg.n_outputs_ == n_targets == reg.spec_.n_y
    assert reg.score(X, y) > 0.8


@pytest.mark.parametrize("backend", backend_names())
def test_divergence_is_reported_by_name(backend):
    X, y = _regression(1)
    with pytest.raises(ValueError, match="learning_rate"):
        NeuralNetRegressor(backend=backend, hidden_layer_sizes=(8,), solver="sgd", learning_rate=50.0, max_iter=50,
                           random_state=0).fit(X, 1e3 * y.ravel())


# --- pipelines and model selection --------------------------------------------------------

@pytest.mark.parametrize("backend", backend_names())
def test_pipeline_and_cross_val_score(backend):
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,),
                                                               learning_rate=0.01, max_iter=100,
                                                               random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.85
    Xr, yr = _regression(1, m=60)
    reg_scores = cross_val_score(make_pipeline(StandardScaler(), NeuralNetRegressor(
        backend=backend, hidden_layer_sizes=(8,), learning_rate=0.05, max_iter=100, random_state=0)),
        Xr, yr.ravel(), cv=3)
    assert reg_scores.mean() > 0.8


# --- training record ------------------------------------------------------------------------

@pytest.mark.parametrize(("batch_size", "steps_per_epoch"),
                         [("auto", 1), (None, 1), (16, 3), (40, 1), (500, 1), (1, 40)],
                         ids=["auto", "full-batch", "mini-batch", "batch-of-m", "batch-over-m", "stochastic"])
@pytest.mark.parametrize("backend", backend_names())
def test_loss_curve_has_one_cost_per_update_step(backend, batch_size, steps_per_epoch):
    X, y = _classification(2)  # m = 40: "auto" is min(200, 40) = 40, one batch
    clf = NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,), max_iter=3, batch_size=batch_size,
                              random_state=0).fit(X, y)
    assert len(clf.loss_curve_) == 3 * steps_per_epoch
    assert all(isinstance(c, float) for c in clf.loss_curve_)
    assert clf.n_iter_ == 3 and clf.loss_ == clf.loss_curve_[-1]
    assert clf.batch_size_ == min(40, 200 if batch_size in ("auto", None) else batch_size)
    # MLP's epoch loss: the epoch's batch costs weighted by their sizes (16, 16, 8 for 16)
    sizes = {16: [16, 16, 8], 1: [1] * 40}.get(batch_size, [40])
    per_step = np.reshape(clf.loss_curve_, (3, steps_per_epoch))
    np.testing.assert_allclose(clf.epoch_loss_curve_, per_step @ sizes / 40, rtol=1e-15)
    assert clf.best_loss_ == min(clf.epoch_loss_curve_)
    if steps_per_epoch == 1:  # the first cost is that of the initial parameters, L2 included
        start = init_params(clf.spec_, 0, "he")
        cost, _ = deep.cost_and_grads(start, X.T, y[None, :].astype(float), clf.spec_, lambd=clf.alpha)
        assert relative_error(clf.loss_curve_[0], cost) <= tolerance("float64").cost


def test_auto_batch_size_is_min_200_n_samples():
    X, y = _classification(2, m=250)
    clf = NeuralNetClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y)
    assert clf.batch_size_ == 200
    assert len(clf.loss_curve_) == 2 * 2  # batches of 200 and 50 per epoch


def test_random_state_semantics():
    X, y = _classification(2)
    est = NeuralNetClassifier(hidden_layer_sizes=(4,), max_iter=2)
    W = lambda e: e.params_["W1"].copy()  # noqa: E731
    # None: a fresh seed at every fit
    assert not np.array_equal(W(clone(est).fit(X, y)), W(clone(est).fit(X, y)))
    # an int: the seed itself, the same fit every time
    a, b = clone(est).set_params(random_state=5).fit(X, y), clone(est).set_params(random_state=5).fit(X, y)
    np.testing.assert_array_equal(W(a), W(b))
    # a RandomState: equal generators give equal fits; one generator moves on
    rs = np.random.RandomState(0)
    c = clone(est).set_params(random_state=np.random.RandomState(0)).fit(X, y)
    d = clone(est).set_params(random_state=rs).fit(X, y)
    np.testing.assert_array_equal(W(c), W(d))
    assert not np.array_equal(W(d), W(d.fit(X, y)))


# --- MLP's stopping rule and its ConvergenceWarning ------------------------------------------

def _convergence_warnings(fit) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    return [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_stopping_epoch_counts_as_mlp_does():
    # tol = 0.25: 0.75 is exactly best - tol, an improvement (the count resets); 0.625 and
    # 0.5625 are not (> best - tol), nor is 0.75 again; the third such epoch in a row
    # exceeds n_iter_no_change = 2 and stops training after it (epoch 5).
    losses = [1.0, 0.75, 0.625, 0.5625, 0.75, 0.125]
    assert stopping_epoch(losses, tol=0.25, n_iter_no_change=2) == 5
    assert stopping_epoch(losses, tol=0.25, n_iter_no_change=3) is None
    # the first epoch always improves on +inf, and with tol = 0 an equal loss is no worse
    # (it resets the count); a count of n_iter_no_change alone does not stop, it must be
    # exceeded: the earliest stop is after epoch n_iter_no_change + 2
    assert stopping_epoch([1.0, 1.0, 1.0, 1.0], tol=0.0, n_iter_no_change=2) is None
    assert stopping_epoch([1.0, 1.5, 1.5], tol=0.0, n_iter_no_change=2) is None
    assert stopping_epoch([1.0, 1.5, 1.5, 1.5], tol=0.0, n_iter_no_change=2) == 4


@pytest.mark.parametrize(("learning_rate", "hidden", "stops"), [(0.05, 10, True), (0.01, 5, False)],
                         ids=["stops", "runs-out"])
def test_stopping_epoch_agrees_with_mlps_own_fits(learning_rate, hidden, stops):
    """MLP as the oracle: its per-epoch losses through stopping_epoch give the epoch at which
    it stopped, or None where it ran to max_iter and warned. Each case is held to its id, so
    both of the rule's outcomes are checked against MLP's."""
    X, y = _iris()
    mlp = MLPClassifier(hidden_layer_sizes=(hidden,), learning_rate_init=learning_rate, max_iter=300, random_state=0)
    warned = _convergence_warnings(lambda: mlp.fit(X, y))
    stop = stopping_epoch(mlp.loss_curve_, mlp.tol, mlp.n_iter_no_change)
    if stops:
        assert not warned and mlp.n_iter_ < 300
        assert stop == mlp.n_iter_
    else:
        assert len(warned) == 1 and mlp.n_iter_ == 300
        assert stop is None


def test_fit_stops_by_the_rule_and_keeps_that_epochs_params():
    X, y = _iris()
    est = NeuralNetClassifier(hidden_layer_sizes=(10,), learning_rate=0.05, max_iter=300, random_state=0)
    assert _convergence_warnings(lambda: est.fit(X, y)) == []
    n = est.n_iter_
    assert n < 300 and len(est.epoch_loss_curve_) == n and len(est.loss_curve_) == n  # 150 < 200: one batch
    assert stopping_epoch(est.epoch_loss_curve_, 1e-4, 10) == n
    assert stopping_epoch(est.epoch_loss_curve_[:-1], 1e-4, 10) is None
    # params_ are those after epoch n_iter_: train run for exactly that many epochs
    params, costs = deep.train(init_params(est.spec_, 0, "he"), X.T, np.eye(3)[:, y], est.spec_,
                               learning_rate=0.05, num_epochs=n, batch_size=150, seed=0,
                               optimizer=optim.Adam(), lambd=1e-4)
    for key in params:
        np.testing.assert_array_equal(est.params_[key], params[key])
    assert est.loss_curve_ == costs


@pytest.mark.parametrize("cls", [NeuralNetClassifier, NeuralNetRegressor], ids=lambda c: c.__name__)
def test_max_iter_before_the_loss_settles_warns(cls):
    X, y = _iris()
    est = cls(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    warned = _convergence_warnings(lambda: est.fit(X, y))
    assert len(warned) == 1 and "max_iter" in str(warned[0].message)
    assert est.n_iter_ == 5 and stopping_epoch(est.epoch_loss_curve_, est.tol, est.n_iter_no_change) is None
    # the same fit with a tol no epoch meets stops after n_iter_no_change + 2 epochs, silently
    est.set_params(tol=1e3, n_iter_no_change=1)
    assert _convergence_warnings(lambda: est.fit(X, y)) == []
    assert est.n_iter_ == 3


# --- scores next to MLP's ----------------------------------------------------------------------

SCORE_MARGIN = 0.05


@pytest.mark.parametrize("load", [load_iris, load_breast_cancer], ids=["iris", "breast_cancer"])
def test_default_scores_within_margin_of_mlp(load):
    """Defaults against MLPClassifier's, each behind a StandardScaler, on the same 3 folds
    (benchmarks/bench_estimators.py shows all five data sets and every backend)."""
    X, y = load(return_X_y=True)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    ours = cross_val_score(make_pipeline(StandardScaler(), NeuralNetClassifier(random_state=0)), X, y, cv=folds)
    mlp = cross_val_score(make_pipeline(StandardScaler(), MLPClassifier(random_state=0)), X, y, cv=folds)
    assert abs(ours.mean() - mlp.mean()) <= SCORE_MARGIN, (ours, mlp)
    assert ours.mean() > 0.9


# --- threads ---------------------------------------------------------------------------------------

def test_small_fits_run_on_one_blas_thread_and_large_ones_keep_the_pool(monkeypatch):
    def blas_threads():
        return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")

    seen = []

    def spy(fn):  # wraps: the registry reads the signature to decide on device=
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            seen.append(blas_threads())
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(deep, "train", spy(deep.train))
    monkeypatch.setattr(deep, "predict_proba", spy(deep.predict_proba))
    X, y = _classification(2)
    with threadpool_limits(limits=2, user_api="blas"):
        clf = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0).fit(X, y)
        clf.predict(X)
        assert seen == [1, 1] and blas_threads() == 2  # limited inside, restored after
        monkeypatch.setattr(estimators.threads, "SMALL_PROBLEM_FLOPS", 0)  # every problem counts as large
        clf.fit(X, y).predict(X)
        assert seen[2:] == [2, 2]


# --- parameter validation ---------------------------------------------------------------------

BAD_PARAMS = [
    ("backend", "tensorflow"), ("backend", None),
    ("hidden_layer_sizes", (8, 0)), ("hidden_layer_sizes", (2.5,)), ("hidden_layer_sizes", "8"),
    ("hidden_layer_sizes", -3),
    ("activation", "softmax"), ("activation", "swish"),
    ("init", "glorot"),
    ("learning_rate", 0.0), ("learning_rate", -0.1), ("learning_rate", "fast"),
    ("learning_rate", float("inf")),
    ("max_iter", 0), ("max_iter", 2.5),
    ("batch_size", 0), ("batch_size", "all"),
    ("solver", "lbfgs"), ("solver", "Adam"), ("alpha", -1e-4), ("alpha", "none"),
    ("tol", -1e-4), ("n_iter_no_change", 0), ("n_iter_no_change", 1.5),
    ("beta_1", 1.0), ("beta_2", -0.1), ("epsilon", 0.0), ("momentum", 1.0),
    ("random_state", -1), ("random_state", "seed"), ("random_state", 2**32 - 1),
    ("dtype", "float16"), ("dtype", np.float64),
    ("device", "tpu"),
]


@pytest.mark.parametrize("cls", [NeuralNetClassifier, NeuralNetRegressor], ids=lambda c: c.__name__)
@pytest.mark.parametrize(("param", "value"), BAD_PARAMS, ids=[f"{p}={v!r}" for p, v in BAD_PARAMS])
def test_bad_hyperparameter_is_refused_by_name_at_fit(cls, param, value):
    X, y = _classification(2)
    est = cls(**{param: value})  # construction and set_params accept anything
    est.set_params(**{param: value})
    with pytest.raises((ValueError, TypeError), match=param):
        est.fit(X, y)


def test_numpy_backend_refuses_cuda_by_name():
    X, y = _classification(2)
    with pytest.raises(ValueError, match="device"):
        NeuralNetClassifier(backend="numpy", device="cuda", max_iter=1).fit(X, y)


def test_backend_without_course_2_options_is_refused_by_parameter_name(monkeypatch):
    """A backend that declares no optimizer/L2 option cannot take solver="adam" or alpha > 0,
    and says so by the parameter's name; solver="sgd", alpha=0 pass it no option at all."""
    def unsupported(self, **features):
        return f"{self.name} declares no training option {features.get('training')!r}" if "training" in features else None

    monkeypatch.setattr(Backend, "unsupported", unsupported)
    X, y = _classification(2)
    with pytest.raises(ValueError, match="'solver'"):
        NeuralNetClassifier(alpha=0.0, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="'alpha'"):
        NeuralNetClassifier(solver="sgd", max_iter=1).fit(X, y)
    assert NeuralNetClassifier(solver="sgd", alpha=0.0, max_iter=1).fit(X, y).n_iter_ == 1


def test_unfitted_estimator_refuses_to_predict():
    X, _ = _classification(2)
    with pytest.raises(NotFittedError):
        NeuralNetClassifier().predict(X)


# --- the package's import ---------------------------------------------------------------------

def test_import_parity_leaves_sklearn_and_pandas_until_first_use():
    """Every pytest session with the plugin imports ``parity``: the estimators (scikit-learn)
    and the comparison (pandas) load when first used, and are then the same objects."""
    code = (
        "import sys, parity\n"
        "heavy = [m for m in ('sklearn', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import parity.estimators, parity.compare\n"
        "assert parity.NeuralNetClassifier is parity.estimators.NeuralNetClassifier\n"
        "assert parity.NeuralNetRegressor is parity.estimators.NeuralNetRegressor\n"
        "assert parity.parity_table is parity.compare.parity_table\n"
        "assert set(parity.__all__) <= set(dir(parity))\n"
        "try:\n"
        "    parity.no_such_name\n"
        "except AttributeError as exc:\n"
        "    assert 'no_such_name' in str(exc)\n"
        "else:\n"
        "    raise AssertionError('parity.no_such_name did not raise')\n"
        "print('ok')\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
