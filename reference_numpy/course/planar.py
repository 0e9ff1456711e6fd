"""Course 1, week 3, "Planar data classification with one hidden layer": the graded functions
under the course's names and signatures, LINEAR -> TANH -> LINEAR -> SIGMOID.

    layer_sizes(X, Y) -> (n_x, n_h = 4, n_y)
    initialize_parameters(n_x, n_h, n_y)          W[1], W[2] = randn * 0.01 after seed 2, b = 0
    forward_propagation(X, parameters) -> (A2, cache {"Z1", "A1", "Z2", "A2"})
    compute_cost(A2, Y, parameters=None)          J = -(1/m) Σ (y log a[2] + (1-y) log(1-a[2])), a float
    backward_propagation(parameters, cache, X, Y) -> grads {"dW1", "db1", "dW2", "db2"}
    update_parameters(parameters, grads, learning_rate=1.2)
    nn_model(X, Y, n_h, num_iterations=10000, print_cost=False) -> parameters
    predict(parameters, X)                        (1, m) of bool, A2 > 0.5

``compute_cost`` takes ``parameters`` and ignores it, as the course's first versions did (their
grader passed it); the later ones dropped it. Draws come from a private ``RandomState`` seeded as
the course seeds ``np.random``; nothing here writes into the caller's arrays or dicts.
"""

from __future__ import annotations

import numpy as np

from ..activations import sigmoid as _sigmoid
from ._common import array, dictionary, integer, real
from nn_contract.checks import check_learning_rate, check_X, check_Y

__all__ = ["layer_sizes", "initialize_parameters", "forward_propagation", "compute_cost",
           "backward_propagation", "update_parameters", "nn_model", "predict"]

_SEED = 2  # the course's np.random.seed(2) in initialize_parameters
_HIDDEN_UNITS = 4  # layer_sizes hard-codes n_h = 4, as the course asks
_KEYS = ("W1", "b1", "W2", "b2")


def _parameters(parameters, call: str) -> dict:
    """{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}, checked."""
    parameters = dictionary(parameters, "parameters", "{'W1', 'b1', 'W2', 'b2'}", call)
    missing = [key for key in _KEYS if key not in parameters]
    if missing:
        raise ValueError(f"parameters lacks {missing}: the one-hidden-layer network needs W1, b1, W2, b2")
    W1, b1, W2, b2 = (array(parameters[key], f"parameters[{key!r}]", call) for key in _KEYS)
    if b1.shape != (W1.shape[0], 1) or W2.shape[1] != W1.shape[0] or b2.shape != (W2.shape[0], 1):
        raise ValueError(f"W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape} do not fit "
                         f"W1: (n_h, n_x), b1: (n_h, 1), W2: (n_y, n_h), b2: (n_y, 1)")
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _forward(X: np.ndarray, p: dict):
    Z1 = p["W1"] @ X + p["b1"]
    A1 = np.tanh(Z1)
    Z2 = p["W2"] @ A1 + p["b2"]
    A2 = _sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _cost(A2: np.ndarray, Y: np.ndarray) -> float:
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(1 - Y, np.log(1 - A2))
    return float(np.squeeze(-(1 / m) * np.sum(logprobs)))


def _backward(p: dict, cache: dict, X: np.ndarray, Y: np.ndarray) -> dict:
    # The course's six equations; ndarray methods rather than np.sum / np.dot, since nn_model
    # runs them 10000 times on arrays of a few entries, where the call is the cost.
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * (dZ2 @ A1.T)
    db2 = (1 / m) * dZ2.sum(axis=1, keepdims=True)
    dZ1 = (p["W2"].T @ dZ2) * (1 - A1 * A1)  # tanh'(Z1) = 1 - A1²
    dW1 = (1 / m) * (dZ1 @ X.T)
    db1 = (1 / m) * dZ1.sum(axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _update(p: dict, grads: dict, learning_rate: float) -> dict:
    return {key: p[key] - learning_rate * grads["d" + key] for key in _KEYS}


def _labels(Y, n_y: int, X: np.ndarray, call: str) -> np.ndarray:
    """Y: (n_y, m) of 0/1 (bool allowed, as the course's test cases draw it), as X's dtype."""
    Y = array(Y, "Y", call)
    return check_Y(Y.astype(X.dtype) if Y.dtype == bool else Y, X, "sigmoid", n_y)


def layer_sizes(X, Y):
    """X: (n_x, m), Y: (n_y, m) -> (n_x, n_h, n_y) with n_h = 4."""
    call = "layer_sizes(X, Y)"
    X, Y = array(X, "X", call), array(Y, "Y", call)
    return (X.shape[0], _HIDDEN_UNITS, Y.shape[0])


def initialize_parameters(n_x, n_h, n_y) -> dict:
    """-> {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}: W = randn * 0.01
    (W1 drawn first) after the course's seed 2, b = 0."""
    call = "initialize_parameters(n_x, n_h, n_y)"
    n_x, n_h, n_y = (integer(v, name, call) for v, name in ((n_x, "n_x"), (n_h, "n_h"), (n_y, "n_y")))
    rng = np.random.RandomState(_SEED)
    W1 = rng.randn(n_h, n_x) * 0.01
    W2 = rng.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X, parameters):
    """X: (n_x, m) -> A2 = σ(W2 tanh(W1 X + b1) + b2): (n_y, m), cache {"Z1", "A1", "Z2", "A2"}."""
    call = "forward_propagation(X, parameters)"
    X = check_X(array(X, "X", call))
    p = _parameters(parameters, call)
    if p["W1"].shape[1] != X.shape[0]:
        raise ValueError(f"W1 {p['W1'].shape} does not fit X {X.shape}: W1 is (n_h, n_x)")
    return _forward(X, p)


def compute_cost(A2, Y, parameters=None) -> float:
    """A2, Y: (1, m) -> J = -(1/m) Σ (Y log A2 + (1-Y) log(1-A2)) as a Python float; 0 < A2 < 1.
    ``parameters`` is accepted and unused, as in the course's first versions."""
    call = "compute_cost(A2, Y)"
    A2 = array(A2, "A2", call)
    if not ((A2 > 0) & (A2 < 1)).all():
        raise ValueError("A2 must lie strictly between 0 and 1 (log(A2) and log(1 - A2) are taken)")
    Y = _labels(Y, A2.shape[0], check_X(A2, "A2"), call)
    if Y.shape != A2.shape:
        raise ValueError(f"Y must have the shape of A2, {A2.shape}; got {Y.shape}")
    return _cost(A2, Y)


def backward_propagation(parameters, cache, X, Y) -> dict:
    """parameters, cache from forward_propagation, X: (n_x, m), Y: (n_y, m) -> grads
    dZ2 = A2 - Y, dW2 = (1/m) dZ2 A1ᵀ, db2 = (1/m) Σ dZ2, dZ1 = W2ᵀ dZ2 * (1 - A1²),
    dW1 = (1/m) dZ1 Xᵀ, db1 = (1/m) Σ dZ1 (only A1 and A2 of the cache are read, as the course)."""
    call = "backward_propagation(parameters, cache, X, Y)"
    p = _parameters(parameters, call)
    cache = dictionary(cache, "cache", "{'Z1', 'A1', 'Z2', 'A2'}", call)
    for key in ("A1", "A2"):
        if key not in cache:
            raise ValueError(f"cache lacks {key!r}: pass the cache forward_propagation returns")
    A1, A2 = array(cache["A1"], "cache['A1']", call), array(cache["A2"], "cache['A2']", call)
    X = check_X(array(X, "X", call))
    Y = _labels(Y, A2.shape[0], X, call)
    if A1.shape != (p["W1"].shape[0], X.shape[1]) or A2.shape != Y.shape:
        raise ValueError(f"cache['A1'] {A1.shape} and cache['A2'] {A2.shape} must be (n_h, m) and (n_y, m) "
                         f"for X {X.shape}, Y {Y.shape}")
    return _backward(p, {"A1": A1, "A2": A2}, X, Y)


def update_parameters(parameters, grads, learning_rate=1.2) -> dict:
    """W - α dW, b - α db for W1, b1, W2, b2, as a new dict."""
    call = "update_parameters(parameters, grads, learning_rate=1.2)"
    p = _parameters(parameters, call)
    grads = dictionary(grads, "grads", "{'dW1', 'db1', 'dW2', 'db2'}", call)
    checked = {}
    for key in _KEYS:
        if "d" + key not in grads:
            raise ValueError(f"grads has no {'d' + key!r} for parameters[{key!r}]")
        checked["d" + key] = array(grads["d" + key], f"grads['d{key}']", call)
        if checked["d" + key].shape != p[key].shape:
            raise ValueError(f"grads['d{key}'] must have the shape of parameters[{key!r}], {p[key].shape}")
    learning_rate = check_learning_rate(real(learning_rate, "learning_rate", call))
    return _update(p, checked, learning_rate)


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False) -> dict:
    """X: (n_x, m), Y: (n_y, m) -> the parameters after ``num_iterations`` steps of gradient
    descent (learning rate 1.2) from ``initialize_parameters(n_x, n_h, n_y)``; prints the cost
    every 1000 iterations when ``print_cost``."""
    call = "nn_model(X, Y, n_h, num_iterations=10000, print_cost=False)"
    X = check_X(array(X, "X", call))
    n_y = array(Y, "Y", call).shape[0]
    Y = _labels(Y, n_y, X, call)
    n_h = integer(n_h, "n_h", call)
    num_iterations = integer(num_iterations, "num_iterations", call, minimum=0)
    p = initialize_parameters(X.shape[0], n_h, n_y)
    for i in range(num_iterations):
        A2, cache = _forward(X, p)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, _cost(A2, Y)))
        p = _update(p, _backward(p, cache, X, Y), 1.2)
    return p


def predict(parameters, X) -> np.ndarray:
    """X: (n_x, m) -> predictions: (n_y, m) of bool, A2 > 0.5."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5
