"""The course-2 helper files' 3-layer network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR ->
SIGMOID, as ``reg_utils``, ``init_utils`` and ``opt_utils`` give it.

    forward_propagation(X, parameters) -> (a3, cache)
        cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3): the course package's forward
        pass of this network (the one its gradient_checking assignment runs)
    backward_propagation(X, Y, cache) -> gradients
        {"dz3", "dW3", "db3", "da2", "dz2", "dW2", "db2", "da1", "dz1", "dW1", "db1"},
        dz3 = (1/m)(a3 - Y), dz[l] = da[l] * relu'(a[l]) (a[l] > 0 exactly where z[l] > 0)
    update_parameters, predict(X, y, parameters), predict_dec(parameters, X)

The course's files write ``np.int64(a2 > 0)``, which turns a float32 network float64; here the
mask takes the dtype of ``da``, so float32 stays float32 (the values are the same).
"""

from __future__ import annotations

import numpy as np

from .. import course
from ..course import _three_layer as network

__all__ = ["forward_propagation", "backward_propagation", "update_parameters", "predict", "predict_dec"]

# W[l] - α dW[l], b[l] - α db[l] as a new dict; the course's files rebind the caller's entries
# and return that same dict (the values are the same).
update_parameters = course.update_parameters


def forward_propagation(X, parameters):
    """X: (n_x, m) -> a3: (1, m) and the course's 12-tuple cache."""
    return network.forward(np.asarray(X), *network.parameter_arrays(parameters, "forward_propagation(X, parameters)"))


# Differs from gradient_checking.backward_propagation_n (dZ3 = A3 - Y, dW = (1/m) dZ Aᵀ, keys
# "dZ3", ...): the helper files scale dz3 by 1/m before the products, which rounds otherwise.
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


# Helper-only (not graded): the files' predict prints the accuracy and returns 0/1 ints.
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
