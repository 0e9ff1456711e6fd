"""Every backend against oracles none of the three shares.

Three implementations that agree can still share one mistake (the same wrong formula copied
three times). Here each backend is held to:

- scikit-learn's ``log_loss`` (and its squared/absolute error metrics) for the cost;
- scikit-learn's ``LogisticRegression`` without penalty, fitted by L-BFGS, for the notes'
  logistic regression trained to convergence by gradient descent;
- central finite differences in float64 of the backend's *own* cost, for its gradients
  (the reference's are checked the same way in ``test_finite_differences.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, mean_absolute_error, mean_squared_error

from parity import Case, tolerance
from parity.data import load_dataset
from nn_contract import init_logistic_params

from .helpers import backend_params, framework_params, needs
from .test_finite_differences import SMOOTH_CASES, assert_close_to_fd, numerical_gradient

F64 = tolerance("float64", "cpu")

# ----------------------------------------------------------------------------- costs

# log_loss recomputes -mean Σ y log p from the probabilities A[L]; the backends compute J
# from the logits Z[L] in a stable form. The two agree to rounding only away from
# saturation: log_loss clips p to [eps, 1 - eps] (eps = 2.2e-16), and from probabilities
# log(1 - p) loses relative accuracy as p -> 1 (error ~ u / (1 - p)). The cases below keep
# every probability in [PROB_FLOOR, 1 - PROB_FLOOR] (asserted), so clipping never happens and
# log(p), log(1 - p) carry an absolute error of at most ~u / PROB_FLOOR ~ 2e-13 per example,
# far less on average; J ~ 0.7 per unit, so the float64 cost bound (1e-12 relative) holds.
PROB_FLOOR = 1e-3

COST_CASES = [
    Case("logistic", model="logistic", layer_dims=(6, 1), init="xavier", m=40),
    Case("binary", layer_dims=(4, 5, 3, 1), hidden_activation="tanh", m=40),
    Case("multilabel", layer_dims=(4, 5, 3), hidden_activation="sigmoid", m=40),
    Case("softmax", layer_dims=(4, 5, 4), hidden_activation="tanh", output="softmax", m=40),
    Case("linear-squared", layer_dims=(4, 5, 2), hidden_activation="tanh", output="linear", m=40),
    Case("linear-l1", layer_dims=(4, 5, 2), hidden_activation="leaky_relu", output="linear", loss="l1", m=40),
]


def _sklearn_cost(case: Case, A: np.ndarray, Y: np.ndarray) -> float:
    """A, Y: (n_y, m) -> J by scikit-learn's metrics, summed over output units as the
    contract's J is (independent sigmoids, and the squared/absolute error of each output)."""
    loss = "binary_cross_entropy" if case.model == "logistic" else case.spec.loss
    if loss == "binary_cross_entropy":
        # One log_loss per independent unit; for n_y = 1 that is the usual binary log loss.
        return sum(log_loss(Y[k], A[k], labels=[0, 1]) for k in range(Y.shape[0]))
    if loss == "categorical_cross_entropy":
        # y_true as class indices, y_proba as (m, K) rows.
        return log_loss(Y.argmax(axis=0), A.T, labels=list(range(Y.shape[0])))
    if loss == "squared_error":
        # J = (1/m) Σ_i Σ_k ½ (ŷ - y)² = ½ Σ_k mse_k
        return 0.5 * mean_squared_error(Y.T, A.T, multioutput="raw_values").sum()
    return mean_absolute_error(Y.T, A.T, multioutput="raw_values").sum()


@pytest.mark.parametrize("case", COST_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("backend", backend_params())
@needs("case", function="predict_proba")
def test_cost_matches_sklearn(backend, case):
    X, Y = case.data()
    params = case.params()
    if case.model == "logistic":
        params = {"w": params["w"], "b": 0.3}
    else:  # nonzero biases, so a bias dropped or misplaced in the forward pass would show
        rng = np.random.RandomState(7)
        params = {k: (v + 0.1 * rng.randn(*v.shape) if k.startswith("b") else v) for k, v in params.items()}
    cost, _ = backend.cost_and_grads(case.model, params, X, Y, case.spec)
    A = backend.predict_proba(case.model, params, X, case.spec)
    assert A.shape == Y.shape
    if case.output in ("sigmoid", "softmax"):
        assert PROB_FLOOR <= A.min() and A.max() <= 1 - PROB_FLOOR, "case saturates: log_loss would clip"
        assert np.unique(Y).size == 2  # both labels present, so every log term is exercised
    expected = _sklearn_cost(case, A, Y)
    assert abs(cost - expected) <= F64.cost * abs(expected), (cost, expected)


def test_cost_oracle_has_teeth():
    # The comparison sees a cost off by 1e-10 relative: one wrong term among 40 would show.
    from reference_numpy import deep

    case = COST_CASES[1]
    X, Y = case.data()
    params = case.params()
    cost, _ = deep.cost_and_grads(params, X, Y, case.spec)
    A = deep.predict_proba(params, X, case.spec)
    wrong = cost * (1 + 1e-10)
    assert abs(wrong - _sklearn_cost(case, A, Y)) > F64.cost * cost


# ----------------------------------------------------------------------------- logistic regression to convergence


def _augmented(X: np.ndarray) -> np.ndarray:
    """X: (n_x, m) -> X̃: (n_x + 1, m), a row of ones appended so θ = (w, b) acts as θᵀX̃."""
    return np.vstack([X, np.ones((1, X.shape[1]))])


def _gradient(theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∇J(θ) = (1/m) X̃ (σ(θᵀX̃) - Y)ᵀ: (n_x + 1,), written out here, shared with no backend."""
    Xt = _augmented(X)
    p = 1.0 / (1.0 + np.exp(-(theta @ Xt)))
    return Xt @ (p - Y[0]) / X.shape[1]


@pytest.fixture(scope="module")
def sklearn_fit():
    """scikit-learn's unpenalised logistic regression on a well-conditioned, non-separable set
    (labels drawn from the logistic model itself, so the optimum is finite and unique)."""
    ds = load_dataset("synthetic-binary")
    X, Y = ds.X, ds.Y
    # C = inf is scikit-learn >= 1.8's spelling of penalty=None (which now warns).
    model = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-14, max_iter=10_000).fit(X.T, Y[0])
    theta = np.append(model.coef_[0], model.intercept_[0])
    Xt = _augmented(X)
    p = 1.0 / (1.0 + np.exp(-(theta @ Xt)))
    hessian = (Xt * (p * (1 - p))) @ Xt.T / X.shape[1]  # (1/m) X̃ diag(p(1-p)) X̃ᵀ
    mu = np.linalg.eigvalsh(hessian)[0]
    # J is L-smooth with L = ¼ λ_max((1/m) X̃X̃ᵀ) everywhere (σ' <= ¼): GD with α = 1/L
    # decreases J at every step and contracts at rate ≈ 1 - μ/L near the optimum.
    smooth = 0.25 * np.linalg.eigvalsh(Xt @ Xt.T / X.shape[1])[-1]
    return {
        "X": X, "Y": Y, "theta": theta, "proba": model.predict_proba(X.T)[:, 1],
        "grad_norm": np.linalg.norm(_gradient(theta, X, Y)), "mu": mu, "L": smooth,
    }


# Gradient descent from zeros with α = 1/L converges linearly, factor ≈ 1 - μ/L ≈ 0.6 here
# (μ/L > 0.3 asserted below): 0.6^100 ≈ 1e-22, so GD_STEPS = 100 steps take the gradient
# (~0.1 at the start) to the float64 floor, ~1e-16 · ‖X̃‖; GD_GRAD_TOL leaves 1e4 of margin.
GD_STEPS = 100
GD_GRAD_TOL = 1e-12
# L-BFGS stops on its own criteria (tol on the projected gradient, and a relative decrease of
# J below 64·eps), typically at ‖∇J‖ ~ 1e-10: that, not GD, limits the agreement.
SKLEARN_GRAD_TOL = 1e-8


@pytest.mark.parametrize("backend", backend_params())
@needs(model="logistic", function=("train", "predict_proba"))
def test_logistic_regression_converges_to_sklearn(backend, sklearn_fit):
    X, Y, theta_sk, mu, L = (sklearn_fit[k] for k in ("X", "Y", "theta", "mu", "L"))
    assert mu / L > 0.3, "ill-conditioned data: GD_STEPS would not converge"
    params, costs = backend.train(
        "logistic", init_logistic_params(X.shape[0]), X, Y, learning_rate=1.0 / L, num_iterations=GD_STEPS
    )
    assert all(b <= a + 1e-15 for a, b in zip(costs, costs[1:])), "GD with α = 1/L must not increase J"
    theta_gd = np.append(params["w"][:, 0], params["b"])

    # Both fits are stationary points: the backend's own gradient at its result, and the
    # independent gradient at scikit-learn's.
    _, grads = backend.cost_and_grads("logistic", params, X, Y)
    grad_gd = np.linalg.norm(np.append(grads["dw"][:, 0], grads["db"]))
    assert grad_gd <= GD_GRAD_TOL, grad_gd
    assert sklearn_fit["grad_norm"] <= SKLEARN_GRAD_TOL, sklearn_fit["grad_norm"]

    # J is μ-strongly convex around the optimum θ* (μ = smallest eigenvalue of the Hessian
    # there), so ‖θ - θ*‖ <= ‖∇J(θ)‖ / μ for each fit, and the two fits are within the sum.
    # The factor 2 covers the Hessian's change between θ* and the fits (they are ~1e-9
    # apart, so it is generous) — the bound is derived, not tuned. Here: μ ≈ 0.13,
    # ‖∇J‖ ≈ 3e-10 at scikit-learn's fit and ~1e-17 at GD's, bound ≈ 5e-9, actual ≈ 1.7e-9.
    bound = 2 * (grad_gd + sklearn_fit["grad_norm"]) / mu
    assert bound < 1e-7  # the comparison is tight enough to mean something
    assert np.linalg.norm(theta_gd - theta_sk) <= bound
    np.testing.assert_allclose(np.linalg.norm(_gradient(theta_gd, X, Y)), 0, atol=GD_GRAD_TOL)

    # ŷ = σ(θᵀx̃) with σ' <= ¼: |Δŷ| <= ¼ ‖x̃‖ ‖Δθ‖ for every example.
    proba = backend.predict_proba("logistic", params, X)[0]
    proba_bound = 0.25 * np.linalg.norm(_augmented(X), axis=0).max() * bound
    assert np.max(np.abs(proba - sklearn_fit["proba"])) <= proba_bound
    # And the labels agree wherever the fit is not on the fence.
    clear = np.abs(sklearn_fit["proba"] - 0.5) > proba_bound
    assert clear.sum() > 0.9 * X.shape[1]
    np.testing.assert_array_equal(proba[clear] > 0.5, sklearn_fit["proba"][clear] > 0.5)


# ----------------------------------------------------------------------------- finite differences


@pytest.mark.parametrize("case", SMOOTH_CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("backend", framework_params())
@needs("case")
def test_framework_gradients_match_finite_differences(backend, case):
    """Each framework's autodiff gradient against central differences of its *own* cost."""
    X, Y = case.data()
    params = case.params()
    _, grads = backend.cost_and_grads("deep", params, X, Y, case.spec)
    numeric = numerical_gradient(lambda p: backend.cost_and_grads("deep", p, X, Y, case.spec)[0], params)
    assert_close_to_fd(grads, numeric)


@pytest.mark.parametrize("backend", framework_params())
@needs(model="logistic")
def test_framework_logistic_gradients_match_finite_differences(backend):
    case = Case("logistic", model="logistic", layer_dims=(5, 1), init="random", m=9)
    X, Y = case.data()
    params = {"w": case.params()["w"], "b": np.array(0.3)}
    _, grads = backend.cost_and_grads("logistic", params, X, Y)
    numeric = numerical_gradient(lambda p: backend.cost_and_grads("logistic", p, X, Y)[0], params)
    assert_close_to_fd({"dw": grads["dw"], "db": np.array(grads["db"])}, numeric)
