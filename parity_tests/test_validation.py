"""Bad input is refused before any arithmetic, by every backend, with a ValueError or
TypeError that names the argument, and the caller's arrays are left as they were."""

from __future__ import annotations

import numpy as np
import pytest

from parity import BACKENDS
from nn_contract import ModelSpec, init_logistic_params, init_params

from .helpers import backend_params, needs

SPEC = ModelSpec((3, 4, 1))
SOFTMAX = ModelSpec((3, 4, 3), output="softmax")
LINEAR = ModelSpec((3, 4, 2), output="linear")


def good_data(spec=SPEC, m=5):
    rng = np.random.RandomState(0)
    X = rng.randn(spec.n_x, m)
    if spec.output == "softmax":
        Y = np.eye(spec.n_y)[:, rng.randint(spec.n_y, size=m)]
    elif spec.output == "linear":
        Y = rng.randn(spec.n_y, m)
    else:
        Y = (rng.rand(spec.n_y, m) > 0.5).astype(float)
    return X, Y


def with_nan(a, idx=(0, 0), value=np.nan):
    a = a.copy()
    a[idx] = value
    return a


def deep_bad_inputs():
    """(id, params, X, Y, spec, error, words) for cost_and_grads."""
    X, Y = good_data()
    P = init_params(SPEC, 0, "xavier")
    Xs, Ys = good_data(SOFTMAX)
    Ps = init_params(SOFTMAX, 0, "xavier")
    cases = [
        ("X-1d", P, X[0], Y, SPEC, ValueError, "X"),
        ("X-empty", P, X[:, :0], Y[:, :0], SPEC, ValueError, "X"),
        ("X-wrong-rows", P, X[:2], Y, SPEC, ValueError, "X"),
        ("X-nan", P, with_nan(X), Y, SPEC, ValueError, "X"),
        ("X-inf", P, with_nan(X, value=np.inf), Y, SPEC, ValueError, "X"),
        ("X-strings", P, X.astype(str), Y, SPEC, TypeError, "X"),
        ("X-complex", P, X.astype(complex), Y, SPEC, TypeError, "X"),
        ("X-float16", P, X.astype(np.float16), Y, SPEC, TypeError, "X"),
        ("X-none", P, None, Y, SPEC, TypeError, "X"),
        ("Y-1d", P, X, Y[0], SPEC, ValueError, "Y"),
        ("Y-wrong-m", P, X, Y[:, :3], SPEC, ValueError, "Y"),
        ("Y-wrong-rows", P, X, np.vstack([Y, Y]), SPEC, ValueError, "Y"),
        ("Y-nan", P, X, with_nan(Y), SPEC, ValueError, "Y"),
        ("Y-not-binary", P, X, Y * 2, SPEC, ValueError, "Y"),
        ("Y-soft-label", P, X, Y * 0.5, SPEC, ValueError, "Y"),
        ("Y-not-one-hot", Ps, Xs, Ys * 2, SOFTMAX, ValueError, "Y"),
        ("Y-two-hot", Ps, Xs, np.ones_like(Ys), SOFTMAX, ValueError, "one-hot"),
        ("Y-zero-column", Ps, Xs, with_nan(Ys, (slice(None), 0), 0.0), SOFTMAX, ValueError, "one-hot"),
        ("params-not-dict", [P["W1"]], X, Y, SPEC, TypeError, "params"),
        ("params-missing", {k: v for k, v in P.items() if k != "b2"}, X, Y, SPEC, ValueError, "b2"),
        ("params-extra", {**P, "W3": P["W2"]}, X, Y, SPEC, ValueError, "W3"),
        ("params-shape", {**P, "W1": P["W1"].T}, X, Y, SPEC, ValueError, "W1"),
        ("params-bias-1d", {**P, "b1": P["b1"].ravel()}, X, Y, SPEC, ValueError, "b1"),
        ("params-nan", {**P, "W2": with_nan(P["W2"])}, X, Y, SPEC, ValueError, "W2"),
        ("params-dtype", {**P, "W1": P["W1"].astype(np.float32)}, X, Y, SPEC, TypeError, "W1"),
        ("spec-not-spec", P, X, Y, (3, 4, 1), TypeError, "spec"),
    ]
    return [pytest.param(*c[1:], id=c[0]) for c in cases]


def snapshot(*objs):
    out = []
    for obj in objs:
        if isinstance(obj, dict):
            out.append({k: np.array(v, copy=True) for k, v in obj.items()})
        elif isinstance(obj, np.ndarray):
            out.append(obj.copy())
        else:
            out.append(obj)
    return out


def assert_unchanged(before, after):
    for b, a in zip(before, after):
        if isinstance(b, dict):
            for k in b:
                np.testing.assert_array_equal(a[k], b[k])
        elif isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("params, X, Y, spec, error, words", deep_bad_inputs())
@pytest.mark.parametrize("backend", backend_params())
def test_deep_cost_and_grads_refuses(backend, params, X, Y, spec, error, words):
    before = snapshot(params, X, Y)
    with pytest.raises(error, match=words):
        backend.cost_and_grads("deep", params, X, Y, spec)
    assert_unchanged(before, [params, X, Y])


def logistic_bad_inputs():
    X, Y = good_data()
    P = init_logistic_params(3)
    cases = [
        ("w-missing", {"b": 0.0}, X, Y, ValueError, "w"),
        ("b-missing", {"w": P["w"]}, X, Y, ValueError, "b"),
        ("w-1d", {"w": P["w"].ravel(), "b": 0.0}, X, Y, ValueError, "w"),
        ("b-vector", {"w": P["w"], "b": np.zeros(2)}, X, Y, ValueError, "b"),
        ("b-nan", {"w": P["w"], "b": float("nan")}, X, Y, ValueError, "b"),
        ("X-wrong-rows", P, X[:2], Y, ValueError, "X"),
        ("Y-two-rows", P, X, np.vstack([Y, Y]), ValueError, "Y"),
        ("Y-labels", P, X, Y + 1, ValueError, "Y"),
        ("X-inf", P, with_nan(X, value=-np.inf), Y, ValueError, "X"),
    ]
    return [pytest.param(*c[1:], id=c[0]) for c in cases]


@pytest.mark.parametrize("params, X, Y, error, words", logistic_bad_inputs())
@pytest.mark.parametrize("backend", backend_params())
@needs(model="logistic")
def test_logistic_cost_and_grads_refuses(backend, params, X, Y, error, words):
    before = snapshot(params, X, Y)
    with pytest.raises(error, match=words):
        backend.cost_and_grads("logistic", params, X, Y)
    assert_unchanged(before, [params, X, Y])


@pytest.mark.parametrize(
    "hyper, error, words",
    [
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
        ({"num_epochs": 0}, ValueError, "num_epochs"),
        ({"num_epochs": 2.5}, TypeError, "num_epochs"),
        # a backend without mini-batches need not judge a batch size (check's rule too)
        pytest.param({"batch_size": 0}, ValueError, "batch_size", marks=needs(training="batch_size")),
        pytest.param({"batch_size": 2.0}, TypeError, "batch_size", marks=needs(training="batch_size")),
        ({"seed": -3}, ValueError, "seed"),
    ],
    ids=["lr-zero", "lr-negative", "lr-nan", "lr-string", "epochs-zero", "epochs-float",
         "batch-zero", "batch-float", "seed-negative"],
)
@pytest.mark.parametrize("backend", backend_params())
@needs(function="train")
def test_deep_train_refuses_bad_hyperparameters(backend, hyper, error, words):
    X, Y = good_data()
    params = init_params(SPEC, 0, "xavier")
    before = snapshot(params, X, Y)
    kwargs = {"learning_rate": 0.1, "num_epochs": 2, **hyper}
    with pytest.raises(error, match=words):
        backend.train("deep", params, X, Y, SPEC, **kwargs)
    assert_unchanged(before, [params, X, Y])


@pytest.mark.parametrize("iterations, error", [(0, ValueError), (True, TypeError)], ids=["zero", "bool"])
@pytest.mark.parametrize("backend", backend_params())
@needs(model="logistic", function="train")
def test_logistic_train_refuses_bad_iterations(backend, iterations, error):
    X, Y = good_data()
    with pytest.raises(error, match="num_iterations"):
        backend.train("logistic", init_logistic_params(3), X, Y, num_iterations=iterations)


@pytest.mark.parametrize("backend", backend_params())
@needs(function="predict_proba")
def test_predict_refuses_mismatched_X(backend):
    X, _ = good_data()
    with pytest.raises(ValueError, match="X"):
        backend.predict_proba("deep", init_params(SPEC, 0), X[:2], SPEC)


@pytest.mark.parametrize("device, error", [("tpu", ValueError), (0, TypeError)], ids=["unknown", "not-a-name"])
@pytest.mark.parametrize("backend", backend_params(("torch", "jax")))
def test_framework_refuses_unknown_device(backend, device, error):
    X, Y = good_data()
    with pytest.raises(error, match="device"):
        backend.cost_and_grads("deep", init_params(SPEC, 0), X, Y, SPEC, device=device)


@pytest.mark.parametrize("backend", backend_params(("torch", "jax")))
def test_framework_refuses_cuda_when_absent_or_runs_on_it(backend):
    X, Y = good_data()
    params = init_params(SPEC, 0)
    if "cuda" in backend.devices():
        cost, _ = backend.cost_and_grads("deep", params, X, Y, SPEC, device="cuda")
        assert np.isfinite(cost)
    else:
        with pytest.raises(ValueError, match="device"):
            backend.cost_and_grads("deep", params, X, Y, SPEC, device="cuda")


def test_reference_is_cpu_only():
    X, Y = good_data()
    with pytest.raises(ValueError, match="CPU"):
        BACKENDS["numpy"].cost_and_grads("deep", init_params(SPEC, 0), X, Y, SPEC, device="cuda")


@pytest.mark.parametrize("backend", backend_params())
def test_integer_data_is_accepted_as_float64(backend):
    # Integer features and labels are numbers: they are read as float64, not refused.
    X, Y = good_data()
    cost_f, _ = backend.cost_and_grads("deep", init_params(SPEC, 0), np.round(X), Y, SPEC)
    cost_i, _ = backend.cost_and_grads("deep", init_params(SPEC, 0), np.round(X).astype(int), Y.astype(int), SPEC)
    assert cost_i == pytest.approx(cost_f, rel=1e-12)


def float32_overflow_inputs():
    """Finite in float64, inf once cast to float32: refused, never a silent inf or NaN."""
    X, _ = good_data(LINEAR)
    X32 = X.astype(np.float32)
    Y = np.random.RandomState(1).randn(2, X.shape[1])
    Y[0, 0] = 1e39
    return X32, Y


@pytest.mark.parametrize("backend", backend_params())
@needs(model=("deep", "logistic"), function="train", dtype="float32")
def test_values_beyond_float32_are_refused(backend):
    X32, Y = float32_overflow_inputs()
    params = init_params(LINEAR, 0, dtype="float32")
    with pytest.raises(ValueError, match="Y"):
        backend.cost_and_grads("deep", params, X32, Y, LINEAR)
    Yb = (np.arange(X32.shape[1]) % 2)[None, :]
    with pytest.raises(ValueError, match="b"):
        backend.cost_and_grads("logistic", {"w": np.zeros((3, 1), np.float32), "b": 1e39}, X32, Yb)
    with pytest.raises(ValueError, match="learning_rate"):
        backend.train("deep", params, X32, np.zeros((2, X32.shape[1])), LINEAR, learning_rate=1e39, num_epochs=1)
