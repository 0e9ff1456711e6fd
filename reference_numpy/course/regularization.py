"""Course 2, week 1, "Regularization": the graded functions of the course's 3-layer network,
LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID, under the course's names and signatures.

    compute_cost_with_regularization(A3, Y, parameters, lambd)
        J = (1/m) Σ (-Y log A3 - (1-Y) log(1-A3)) + (λ/2m) Σ_l ‖W[l]‖²  (reg_utils' cross-entropy)
    backward_propagation_with_regularization(X, Y, cache, lambd) -> gradients
        the course's gradients, dW[l] += (λ/m) W[l]; cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
    forward_propagation_with_dropout(X, parameters, keep_prob=0.5) -> (A3, cache)
        D[l] = rand(n[l], m) < keep_prob after seed 1 (D1 drawn first), A[l] = A[l] D[l] / keep_prob
        for the two hidden layers; cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    backward_propagation_with_dropout(X, Y, cache, keep_prob) -> gradients
        dA[l] = dA[l] D[l] / keep_prob with the forward pass's masks

gradients = {"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}, with
dZ3 = A3 - Y and dW[l] = (1/m) dZ[l] A[l-1]ᵀ, as the course writes them. The L2 term sums every
W[l] of ``parameters`` (the course's three). The masks come from a private ``RandomState(1)``
(the course's ``np.random.seed(1)`` draws, the caller's state untouched) and hold 0/1 in the
activations' dtype, so float32 stays float32 (the course's ``np.int64`` masks make it float64).
"""

from __future__ import annotations

import numpy as np

from ..activations import relu as _relu
from ..activations import sigmoid as _sigmoid
import reference_numpy.course._three_layer as _three_layer
from ._common import array, dictionary, probability, real

__all__ = ["compute_cost_with_regularization", "backward_propagation_with_regularization",
           "forward_propagation_with_dropout", "backward_propagation_with_dropout"]

_DROPOUT_SEED = 1  # the course's np.random.seed(1) in forward_propagation_with_dropout


def _cache(cache, size: int, names: str, call: str) -> tuple:
    if not isinstance(cache, tuple) or len(cache) != size:
        raise TypeError(f"cache must be the {size}-tuple ({names}) that the forward pass returns, "
                        f"got {type(cache).__name__}; the order is {call}")
    return tuple(np.asarray(c) for c in cache)


def _weights(parameters, call: str) -> list[np.ndarray]:
    """The W[l] of ``parameters``, l = 1..L with L = len(parameters) // 2, as the course counts."""
    parameters = dictionary(parameters, "parameters", "{'W1', 'b1', 'W2', 'b2', 'W3', 'b3'}", call)
    L = len(parameters) // 2
    missing = [f"W{l}" for l in range(1, L + 1) if f"W{l}" not in parameters]
    if L == 0 or missing:
        raise ValueError(f"parameters must hold W1 ... W{max(L, 1)}; lacks {missing or ['W1']}")
    return [array(parameters[f"W{l}"], f"parameters['W{l}']", call) for l in range(1, L + 1)]


def _relu_mask(A: np.ndarray, dA: np.ndarray) -> np.ndarray:
    """relu'(Z) read off A = relu(Z) (A > 0 exactly where Z > 0), in dA's dtype."""
    return (A > 0).astype(dA.dtype)


def compute_cost_with_regularization(A3, Y, parameters, lambd) -> float:
    """A3, Y: (1, m), parameters {"W1", ..., "b3"} -> cross-entropy + (λ/2m) Σ ‖W[l]‖²."""
    call = "compute_cost_with_regularization(A3, Y, parameters, lambd)"
    A3, Y = array(A3, "A3", call), array(Y, "Y", call)
    if Y.shape != A3.shape:
        raise ValueError(f"Y must have the shape of A3, {A3.shape}; got {Y.shape}")
    weights = _weights(parameters, call)
    lambd = real(lambd, "lambd", call)
    m = Y.shape[1]
    L2_regularization_cost = lambd / (2 * m) * sum(np.sum(np.square(W)) for W in weights)
    return _three_layer.nansum_cost(A3, Y) + L2_regularization_cost


def backward_propagation_with_regularization(X, Y, cache, lambd) -> dict:
    """X: (n_x, m), Y: (1, m), cache from reg_utils.forward_propagation -> gradients with
    dW[l] = (1/m) dZ[l] A[l-1]ᵀ + (λ/m) W[l]."""
    call = "backward_propagation_with_regularization(X, Y, cache, lambd)"
    X, Y = array(X, "X", call), array(Y, "Y", call)
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = _cache(
        cache, 12, "Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3", call)
    lambd = real(lambd, "lambd", call)
    m = X.shape[1]
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T) + (lambd / m) * W3
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, _relu_mask(A2, dA2))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T) + (lambd / m) * W2
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, _relu_mask(A1, dA1))
    dW1 = 1.0 / m * np.dot(dZ1, X.T) + (lambd / m) * W1
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    """X: (n_x, m) -> A3: (1, m) and the 14-tuple cache, dropout on both hidden layers."""
    call = "forward_propagation_with_dropout(X, parameters, keep_prob=0.5)"
    X = array(X, "X", call)
    parameters = _three_layer.checked_parameters(parameters, call)
    W1, b1, W2, b2, W3, b3 = (array(parameters[key], f"parameters[{key!r}]", call) for key in _three_layer.KEYS)
    keep_prob = probability(keep_prob, "keep_prob", call)
    rng = np.random.RandomState(_DROPOUT_SEED)
    Z1 = np.dot(W1, X) + b1
    A1 = _relu(Z1)
    D1 = (rng.rand(A1.shape[0], A1.shape[1]) < keep_prob).astype(A1.dtype)
    A1 = A1 * D1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = _relu(Z2)
    D2 = (rng.rand(A2.shape[0], A2.shape[1]) < keep_prob).astype(A2.dtype)
    A2 = A2 * D2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = _sigmoid(Z3)
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_with_dropout(X, Y, cache, keep_prob) -> dict:
    """X: (n_x, m), Y: (1, m), cache from forward_propagation_with_dropout -> gradients, the
    forward pass's masks D1, D2 applied to dA1, dA2 and both divided by keep_prob."""
    call = "backward_propagation_with_dropout(X, Y, cache, keep_prob)"
    X, Y = array(X, "X", call), array(Y, "Y", call)
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = _cache(
        cache, 14, "Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3", call)
    keep_prob = probability(keep_prob, "keep_prob", call)
    m = X.shape[1]
    dZ3 = A3 - Y
    dW3 = 1.0 / m * np.dot(dZ3, A2.T)
    db3 = 1.0 / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3) * D2 / keep_prob
    dZ2 = np.multiply(dA2, _relu_mask(A2, dA2))
    dW2 = 1.0 / m * np.dot(dZ2, A1.T)
    db2 = 1.0 / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2) * D1 / keep_prob
    dZ1 = np.multiply(dA1, _relu_mask(A1, dA1))
    dW1 = 1.0 / m * np.dot(dZ1, X.T)
    db1 = 1.0 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
