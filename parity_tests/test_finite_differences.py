"""The reference against central finite differences in float64: an oracle none of the
backends shares. Smooth cases only: at a kink the two one-sided differences disagree."""

from __future__ import annotations

import numpy as np
import pytest

from parity import Case
from parity.sections.finite_differences import FD_RELU_SIGMOID
from reference_numpy import deep, logistic

EPS = 1e-6
# Central differences have truncation error O(eps²·f''') and rounding error O(u/eps):
# about 1e-10 relative at eps = 1e-6 in float64; 1e-7 leaves a margin for curvature.
FD_RTOL = 1e-7

SMOOTH_CASES = [
    Case("sigmoid-hidden", hidden_activation="sigmoid", m=7),
    Case("tanh-hidden", hidden_activation="tanh", m=7),
    Case("linear-hidden", hidden_activation="linear", m=7),
    Case("per-layer", layer_dims=(3, 4, 3, 1), hidden_activation=("tanh", "sigmoid"), m=7),
    Case("multilabel", layer_dims=(3, 4, 3), hidden_activation="tanh", m=7),
    Case("softmax", layer_dims=(3, 4, 3), hidden_activation="tanh", output="softmax", m=7),
    Case("linear-squared", layer_dims=(3, 4, 2), hidden_activation="sigmoid", output="linear", m=7),
    Case("depth-one", layer_dims=(3, 1), m=7),
    Case("saturated", hidden_activation="tanh", saturate=50.0, m=7),
]


def numerical_gradient(f, params: dict) -> dict:
    grads = {}
    for key, value in params.items():
        g = np.zeros_like(value, dtype=np.float64)
        for idx in np.ndindex(value.shape):
            shifted = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
            shifted[key][idx] += EPS
            plus = f(shifted)
            shifted[key][idx] -= 2 * EPS
            g[idx] = (plus - f(shifted)) / (2 * EPS)
        grads["d" + key] = g
    return grads


def assert_close_to_fd(analytic: dict, numeric: dict):
    for key in numeric:
        a, n = np.asarray(analytic[key], dtype=np.float64), numeric[key]
        err = np.max(np.abs(a - n)) / max(np.max(np.abs(n)), 1e-8)
        assert err < FD_RTOL, (key, err)


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=lambda c: c.name)
def test_deep_gradients_match_finite_differences(case):
    X, Y = case.data()
    params = case.params()
    _, grads = deep.cost_and_grads(params, X, Y, case.spec)
    numeric = numerical_gradient(lambda p: deep.cost_and_grads(p, X, Y, case.spec)[0], params)
    assert_close_to_fd(grads, numeric)


def test_logistic_gradients_match_finite_differences():
    case = Case("logistic", model="logistic", layer_dims=(5, 1), init="random", m=9)
    X, Y = case.data()
    params = {"w": case.params()["w"], "b": np.array(0.3)}
    _, grads = logistic.cost_and_grads(params, X, Y)
    numeric = numerical_gradient(lambda p: logistic.cost_and_grads(p, X, Y)[0], params)
    assert_close_to_fd({"dw": grads["dw"], "db": np.array(grads["db"])}, numeric)


def test_finite_differences_catch_a_wrong_gradient():
    # The oracle has teeth: a gradient off by 1e-5 relative fails it.
    case = SMOOTH_CASES[1]
    X, Y = case.data()
    params = case.params()
    _, grads = deep.cost_and_grads(params, X, Y, case.spec)
    numeric = numerical_gradient(lambda p: deep.cost_and_grads(p, X, Y, case.spec)[0], params)
    grads["dW1"] = grads["dW1"] * (1 + 1e-5)
    with pytest.raises(AssertionError):
        assert_close_to_fd(grads, numeric)


def test_the_relu_gradient_check_is_away_from_the_kink():
    """fd-relu-sigmoid (the gradient check of a ReLU-only package) holds every hidden |Z[l]| at
    1e-2 or more, 10^5 times the difference step (1e-7): no difference crosses ReLU's kink. And
    no hidden unit is off for every example, which would leave its weights unchecked."""
    case = FD_RELU_SIGMOID
    params, (X, _) = case.params(), case.data()
    A = X
    for l in range(1, case.spec.num_layers):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        assert np.abs(Z).min() >= 1e-2, (l, np.abs(Z).min())
        assert (Z > 0).any(axis=1).all(), l
        A = np.maximum(Z, 0)
    assert all(np.abs(params[f"b{l}"]).min() > 0 for l in range(1, case.spec.num_layers + 1))
