"""The contract's fixed points, checked explicitly on every backend: derivatives at the
kinks, zero initialisation, logits exactly 0, and saturated outputs. Each test says what it
``needs`` of a backend; one that lacks it (``pytest --backend PKG``) skips the test with the reason."""

from __future__ import annotations

import numpy as np
import pytest

from parity import BACKENDS, Case
from nn_contract import ModelSpec

from .helpers import DTYPES, backend_params, needs

SLOPE = 0.05


def kink_params(hidden: str):
    """A network whose hidden pre-activations Z[1] are exactly 0 for every example in the
    first unit, so g'(0) decides dW1[0] and db1[0]; the others stay away from 0."""
    spec = ModelSpec((2, 3, 1), hidden_activation=hidden, leaky_slope=SLOPE)
    params = {
        "W1": np.array([[0.0, 0.0], [1.0, -0.5], [0.3, 0.8]]),
        "b1": np.array([[0.0], [0.1], [0.2]]),
        "W2": np.array([[0.7, -1.2, 0.4]]),
        "b2": np.array([[0.05]]),
    }
    X = np.array([[1.0, -2.0, 0.5, 3.0], [0.25, 1.0, -1.5, 2.0]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    return spec, params, X, Y


@pytest.mark.parametrize("hidden, slope_at_zero", [("relu", 0.0), ("leaky_relu", SLOPE)], ids=["relu", "leaky_relu"])
@pytest.mark.parametrize("backend", backend_params())
@needs("hidden")
def test_derivative_at_the_kink(backend, hidden, slope_at_zero):
    spec, params, X, Y = kink_params(hidden)
    _, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    # dZ1[0] = W2[0,0] * g'(0) * dZ2, so db1[0] = g'(0) * W2[0,0] * mean(dZ2).
    AL = BACKENDS["numpy"].predict_proba("deep", params, X, spec)
    expected_db1 = slope_at_zero * params["W2"][0, 0] * np.mean(AL - Y)
    assert grads["db1"][0, 0] == pytest.approx(expected_db1, rel=1e-12, abs=1e-300)
    if slope_at_zero == 0.0:
        assert grads["db1"][0, 0] == 0.0 and np.all(grads["dW1"][0] == 0.0)


@pytest.mark.parametrize("backend", backend_params())
@needs(output="linear", loss="l1")
def test_l1_derivative_is_zero_at_a_perfect_fit(backend):
    spec = ModelSpec((1, 1), output="linear", loss="l1")
    X = np.array([[1.0, 2.0, 3.0]])
    params = {"W1": np.array([[2.0]]), "b1": np.array([[0.0]])}
    Y = np.array([[2.0, 5.0, 6.0]])  # the first and last predictions are exact
    cost, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    assert cost == pytest.approx(1.0 / 3.0, rel=1e-12)
    assert grads["dW1"][0, 0] == pytest.approx(-2.0 / 3.0, rel=1e-12)  # only x = 2 counts
    assert grads["db1"][0, 0] == pytest.approx(-1.0 / 3.0, rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("backend", backend_params())
@needs("output", "dtype")
def test_logits_exactly_zero(backend, output, dtype):
    # Zero initialisation puts Z[L] at exactly 0: the cost is log 2 (or log K) and
    # dZ[L] = σ(0) - y = 0.5 - y (or 1/K - y); formulas with max(z, 0) or |z| get this
    # derivative wrong under autodiff.
    k = 1 if output == "sigmoid" else 3
    case = Case("zero-logits", layer_dims=(4, 5, k), output=output, init="zeros", m=10)
    X, Y = case.data(dtype)
    cost, grads = backend.cost_and_grads("deep", case.params(dtype), X, Y, case.spec)
    p = 0.5 if output == "sigmoid" else 1.0 / k
    expected_cost = np.log(2.0) * k if output == "sigmoid" else np.log(k)
    # A[1] = relu(0) = 0, so dW2 = 0 and db2 = mean(p - y).
    expected_db2 = (p - Y.astype(np.float64)).mean(axis=1, keepdims=True)
    rtol = 1e-12 if dtype == "float64" else 1e-6
    assert cost == pytest.approx(expected_cost, rel=rtol)
    np.testing.assert_allclose(grads["db2"], expected_db2, rtol=rtol, atol=rtol)
    assert np.all(grads["dW2"] == 0) and np.all(grads["dW1"] == 0) and np.all(grads["db1"] == 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", backend_params())
@needs("dtype", model="logistic")
def test_logistic_zero_logits(backend, dtype):
    case = Case("zero", model="logistic", layer_dims=(4, 1), init="zeros", m=10)
    X, Y = case.data(dtype)
    cost, grads = backend.cost_and_grads("logistic", case.params(dtype), X, Y)
    rtol = 1e-12 if dtype == "float64" else 1e-6
    assert cost == pytest.approx(np.log(2.0), rel=rtol)
    assert grads["db"] == pytest.approx(float(np.mean(0.5 - Y.astype(np.float64))), rel=rtol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", backend_params())
@needs("dtype")
def test_saturated_sigmoid_is_large_finite_and_exact(backend, dtype):
    # One example, z = ±800 with the wrong label: J = 800 exactly, dJ/dz = ±1. A formula
    # through log(A[L]) gives inf or NaN here.
    spec = ModelSpec((1, 1))
    X = np.array([[1.0, -1.0]], dtype=dtype)
    Y = np.array([[0.0, 1.0]], dtype=dtype)
    params = {"W1": np.array([[800.0]], dtype=dtype), "b1": np.zeros((1, 1), dtype=dtype)}
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        cost, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    assert cost == pytest.approx(800.0, rel=1e-12)
    assert grads["dW1"][0, 0] == pytest.approx(1.0, rel=1e-12)
    assert grads["db1"][0, 0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("backend", backend_params())
@needs(output="softmax")
def test_saturated_softmax_is_large_finite_and_exact(backend):
    spec = ModelSpec((1, 3), output="softmax")
    X = np.array([[1.0]])
    Y = np.array([[0.0], [0.0], [1.0]])
    params = {"W1": np.array([[700.0], [0.0], [-700.0]]), "b1": np.zeros((3, 1))}
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        cost, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    assert cost == pytest.approx(1400.0, rel=1e-12)
    np.testing.assert_allclose(grads["dW1"].ravel(), [1.0, 0.0, -1.0], atol=1e-12)
