"""The scikit-learn estimators: scikit-learn's own checks on every backend, parity of the
fitted parameters across backends, labels, pipelines, and parameter validation."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from parity import BACKENDS, relative_error, tolerance
from parity.estimators import NeuralNetClassifier, NeuralNetRegressor
from reference_numpy import deep, init_params

from .conftest import DTYPES, backend_names, framework_names


# --- scikit-learn's estimator checks, for every backend ------------------------------------

# Small and quick, yet enough to pass the checks' accuracy (> 0.83) and R^2 (> 0.5) bars.
# The regressor uses tanh: its bounded hidden units keep plain gradient descent stable on
# the checks' unscaled targets (make_regression, |y| in the hundreds), where relu diverges.
def _check_instances():
    for name in backend_names():
        yield NeuralNetClassifier(backend=name, hidden_layer_sizes=(8,), learning_rate=0.05, max_iter=100)
        yield NeuralNetRegressor(backend=name, hidden_layer_sizes=(8,), activation="tanh",
                                 learning_rate=0.03, max_iter=100)


# Every check applies and passes on every backend, so none is declared expected to fail
# (where one could not apply, its reason would go in ``expected_failed_checks``).
@parametrize_with_checks(list(_check_instances()))
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
# m = 40: one batch per epoch, or batches of 16, 16 and 8 (the last, smaller one kept).
BATCH_MODES = [pytest.param(None, id="full-batch"), pytest.param(16, id="mini-batch")]


# --- parity: the same fitted parameters on every backend -----------------------------------

@pytest.mark.parametrize("batch_size", BATCH_MODES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("problem", PARITY_PROBLEMS)
@pytest.mark.parametrize("backend", framework_names())
def test_fitted_params_match_reference(backend, problem, dtype, batch_size):
    cls, data = PROBLEMS[problem]
    X, y = data()
    settings = dict(hidden_layer_sizes=(6, 4), learning_rate=0.1, max_iter=8, batch_size=batch_size,
                    random_state=3, dtype=dtype)
    ref = cls(backend="numpy", **settings).fit(X, y)
    est = cls(backend=backend, **settings).fit(X, y)
    tol = tolerance(dtype).grad
    assert est.spec_ == ref.spec_
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


@pytest.mark.parametrize("batch_size", BATCH_MODES)
@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_fit_is_train_from_init_params_in_contract_layout(problem, batch_size):
    """params_ is exactly deep.train from init_params(spec_, random_state, init) on X.T and
    the contract's Y (0/1 row, one-hot columns, or targets as rows)."""
    cls, data = PROBLEMS[problem]
    X, y = data()
    est = cls(hidden_layer_sizes=(5,), activation="tanh", init="xavier", learning_rate=0.1, max_iter=6,
              batch_size=batch_size, random_state=11).fit(X, y)
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
    params, costs = deep.train(init_params(spec, 11, "xavier"), X.T, Y, spec, learning_rate=0.1,
                               num_epochs=6, batch_size=batch_size, seed=11)
    for key in params:
        np.testing.assert_array_equal(est.params_[key], params[key])
    assert est.loss_curve_ == costs


# --- labels and probabilities ------------------------------------------------------------

LABELS = {
    "strings-binary": np.array(["no", "yes"]),
    "strings-multiclass": np.array(["cat", "dog", "emu"]),
    "negative-noncontiguous": np.array([-7, 3, 10]),
    "object-strings": np.array(["b", "c", "a"], dtype=object),
}


@pytest.mark.parametrize("backend", backend_names())
@pytest.mark.parametrize("labels", list(LABELS))
def test_original_labels_come_back(labels, backend):
    values = LABELS[labels]
    X, codes = _classification(len(values))
    y = values[codes]
    clf = NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,), max_iter=150, random_state=0).fit(X, y)
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
    reg = NeuralNetRegressor(backend=backend, hidden_layer_sizes=(8,), max_iter=100, random_state=0,
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
        NeuralNetRegressor(backend=backend, hidden_layer_sizes=(8,), learning_rate=50.0, max_iter=50,
                           random_state=0).fit(X, 1e3 * y.ravel())


# --- pipelines and model selection --------------------------------------------------------

@pytest.mark.parametrize("backend", backend_names())
def test_pipeline_and_cross_val_score(backend):
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,),
                                                               max_iter=100, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.85
    Xr, yr = _regression(1, m=60)
    reg_scores = cross_val_score(make_pipeline(StandardScaler(), NeuralNetRegressor(
        backend=backend, hidden_layer_sizes=(8,), max_iter=100, random_state=0)), Xr, yr.ravel(), cv=3)
    assert reg_scores.mean() > 0.8


# --- training record ------------------------------------------------------------------------

@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(None, 1), (16, 3), (40, 1), (500, 1), (1, 40)],
                         ids=["full-batch", "mini-batch", "batch-of-m", "batch-over-m", "stochastic"])
@pytest.mark.parametrize("backend", backend_names())
def test_loss_curve_has_one_cost_per_update_step(backend, batch_size, steps_per_epoch):
    X, y = _classification(2)  # m = 40
    clf = NeuralNetClassifier(backend=backend, hidden_layer_sizes=(8,), max_iter=3, batch_size=batch_size,
                              random_state=0).fit(X, y)
    assert len(clf.loss_curve_) == 3 * steps_per_epoch
    assert all(isinstance(c, float) for c in clf.loss_curve_)
    assert clf.n_iter_ == 3 and clf.loss_ == clf.loss_curve_[-1]
    if batch_size in (None, 40, 500):  # the first cost is that of the initial parameters
        start = init_params(clf.spec_, 0, "he")
        cost, _ = deep.cost_and_grads(start, X.T, y[None, :].astype(float), clf.spec_)
        assert relative_error(clf.loss_curve_[0], cost) <= tolerance("float64").cost


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
    ("batch_size", 0), ("batch_size", "auto"),
    ("random_state", -1), ("random_state", "seed"),
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


def test_unfitted_estimator_refuses_to_predict():
    from sklearn.exceptions import NotFittedError

    X, _ = _classification(2)
    with pytest.raises(NotFittedError):
        NeuralNetClassifier().predict(X)
