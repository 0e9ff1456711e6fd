"""The course-2 helper files' 3-layer network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR ->
SIGMOID, as ``reg_utils``, ``init_utils`` and ``opt_utils`` compute it.

    forward_propagation(X, parameters) -> (a3, cache)
        cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)
    backward_propagation(X, Y, cache) -> gradients
        {"dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"},
        dz3 = (1/m)(a3 - Y), dz[l] = da[l] * relu'(a[l]) (a[l] > 0 exactly where z[l] > 0)
    cross_entropy_terms(a3, Y) -> -Y log a3 - (1 - Y) log(1 - a3), per example: (1, m)

The course's files write ``np.int64(a2 > 0)``, which turns a float32 network float64; here the
mask takes the dtype of ``da``, so float32 stays float32 (the values are the same).
"""

from __future__ import annotations

import numpy as np

from .. import course
from ..activations import relu, sigmoid

__all__ = ["forward_propagation", "backward_propagation", "cross_entropy_terms", "update_parameters",
           "predict", "predict_dec", "plain_sigmoid", "plain_relu"]

_CALL = "forward_propagation(X, parameters)"


def _weights(parameters) -> tuple[np.ndarray, ...]:
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters must be a dict {{'W1', 'b1', 'W2', 'b2', 'W3', 'b3'}}, "
                        f"got {type(parameters).__name__}; the order is {_CALL}")
    missing = [k for k in ("W1", "b1", "W2", "b2", "W3", "b3") if k not in parameters]
    if missing:
        raise ValueError(f"parameters lacks {missing}: the 3-layer network needs W1, b1, W2, b2, W3, b3")
    return tuple(np.asarray(parameters[k]) for k in ("W1", "b1", "W2", "b2", "W3", "b3"))


def forward_propagation(X, parameters):
    """X: (n_x, m) -> a3: (1, m) and the course's 12-tuple cache."""
    X = np.asarray(X)
    W1, b1, W2, b2, W3, b3 = _weights(parameters)
    z1 = np.dot(W1, X) + b1
    a1 = relu(z1)
    z2 = np.dot(W2, a1) + b2
    a2 = relu(z2)
    z3 = np.dot(W3, a2) + b3
    a3 = sigmoid(z3)
    return a3, (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)


def backward_propagation(X, Y, cache) -> dict:
    """X: (n_x, m), Y: (1, m), cache from forward_propagation -> the course's gradients."""
    if not isinstance(cache, tuple) or len(cache) != 12:
        raise TypeError("cache must be the 12-tuple (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) "
                        "that forward_propagation returns; the order is backward_propagation(X, Y, cache)")
    X, Y = np.asarray(X), np.asarray(Y)
    m = X.shape[1]
    z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3 = cache
    dz3 = 1.0 / m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims=True)
    da2 = np.dot(W3.T, dz3)
    dz2 = da2 * (a2 > 0).astype(da2.dtype)
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims=True)
    da1 = np.dot(W2.T, dz2)
    dz1 = da1 * (a1 > 0).astype(da1.dtype)
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims=True)
    return {"dz3": dz3, "dW3": dW3, "db3": db3, "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
            "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1}


def cross_entropy_terms(a3, Y) -> np.ndarray:
    """a3, Y: (1, m) -> the per-example loss -Y log a3 - (1-Y) log(1-a3), as the course writes it
    (its files sum these with ``np.nansum``, so 0 * log 0 counts as 0)."""
    a3, Y = np.asarray(a3), np.asarray(Y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.multiply(-np.log(a3), Y) + np.multiply(-np.log(1 - a3), 1 - Y)


def update_parameters(parameters, grads, learning_rate) -> dict:
    """W[l] - α dW[l], b[l] - α db[l], as a new dict (the course's files rebind the caller's
    entries and return the same dict; the values are the same)."""
    return course.update_parameters(parameters, grads, learning_rate)


def predict(X, y, parameters) -> np.ndarray:
    """X: (n_x, m), y: (1, m) -> p: (1, m) of 0/1 (int), a3 > 0.5; prints the accuracy."""
    a3, _ = forward_propagation(X, parameters)
    p = (a3 > 0.5).astype(int)
    print("Accuracy: " + str(np.mean((p[0, :] == np.asarray(y)[0, :]))))
    return p


def predict_dec(parameters, X) -> np.ndarray:
    """X: (n_x, m) -> a3 > 0.5: (1, m) of bool, the course's decision for its plots."""
    a3, _ = forward_propagation(X, parameters)
    return a3 > 0.5


def plain_sigmoid(x):
    """x: a scalar or array -> s = 1 / (1 + e^-x) alone (the course-2 files' ``sigmoid``)."""
    s = course.sigmoid(x)
    return s[()] if s.ndim == 0 else s


def plain_relu(x):
    """x: a scalar or array -> max(0, x) alone (the course-2 files' ``relu``)."""
    s = course.relu(x)
    return s[()] if s.ndim == 0 else s
