"""Course 1, week 4, "Building your Deep Neural Network: Step by Step": the graded functions
under the course's names and signatures, and the ``dnn_utils`` activations it imports.

    sigmoid(Z), relu(Z) -> (A, cache = Z)         the course's dnn_utils return form
    sigmoid_backward(dA, cache), relu_backward(dA, cache) -> dZ
    initialize_parameters(n_x, n_h, n_y)          W[1], W[2] = randn * 0.01 after seed 1
    initialize_parameters_deep(layer_dims)        W[l] = randn * 0.01 after seed 3, b[l] = 0
    linear_forward(A, W, b)                       Z[l] = W[l] A[l-1] + b[l]
    linear_activation_forward(A_prev, W, b, activation)
    L_model_forward(X, parameters)                [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID
    compute_cost(AL, Y)                           J = -(1/m) Σ (y log a[L] + (1-y) log(1-a[L]))
    linear_backward(dZ, cache)                    dW[l], db[l], dA[l-1] from dZ[l]
    linear_activation_backward(dA, cache, activation)
    L_model_backward(AL, Y, caches)               grads {"dA{l-1}", "dW{l}", "db{l}"}
    update_parameters(parameters, grads, learning_rate)

They compute as the course does, not through the reference's shortcuts: the cost comes from
A[L], and backpropagation starts from ``dAL = -(Y/AL - (1-Y)/(1-AL))`` and goes through
``sigmoid_backward`` with the cached Z[L], so the course's published test values reproduce
(``parity_tests/test_course.py``). For data with saturated outputs use ``deep`` and
``logistic``, whose cost and gradients come from the logits Z[L] and stay finite
(CONTRACT.md).

Two departures from the course, both invisible in its numbers: the initialisers draw from a
private ``RandomState`` seeded as the course seeds ``np.random`` (the same numbers, without
changing the caller's global NumPy random state), and nothing here writes into the caller's
arrays or dicts (``update_parameters`` returns a new dict).

Arguments are checked before any arithmetic; a wrong kind of argument (the course's order
swapped, say) gets a ``TypeError`` that names it and gives the expected order.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

import reference_numpy.deep as deep  # the reference's math: course sits above it
from ..activations import DERIVATIVES
from ..activations import sigmoid as _sigmoid
from ._common import (activation_cache, activation_name, array, cross_entropy, deep_spec, dictionary,
                      linear_cache, linear_parts, order, plain, same_shape)
from ._common import relu as _relu_alone
from ._common import sigmoid as _sigmoid_alone
from nn_contract.checks import check_deep_params, check_learning_rate, check_X, check_Y
from nn_contract.init import init_params
from nn_contract.spec import ModelSpec

__all__ = [
    "sigmoid",
    "relu",
    "sigmoid_backward",
    "relu_backward",
    "initialize_parameters",
    "initialize_parameters_deep",
    "linear_forward",
    "linear_activation_forward",
    "L_model_forward",
    "compute_cost",
    "linear_backward",
    "linear_activation_backward",
    "L_model_backward",
    "update_parameters",
]

# The notes' seeds: np.random.seed(1) in initialize_parameters, 3 in initialize_parameters_deep.
_SEED_TWO_LAYER = 1
_SEED_DEEP = 3

# -- the course's dnn_utils helpers --------------------------------------------------------


def sigmoid(Z):
    """Z: any shape -> (A = σ(Z), cache = Z), the course's ``dnn_utils`` form."""
    return plain(_sigmoid_alone(Z)), Z


def relu(Z):
    """Z: any shape -> (A = max(0, Z), cache = Z), the course's ``dnn_utils`` form."""
    return plain(_relu_alone(Z)), Z


def sigmoid_backward(dA, cache) -> np.ndarray:
    """dA, cache = Z: (n[l], m) -> dZ = dA * σ'(Z) = dA * s (1 - s), s = σ(Z)."""
    call = "sigmoid_backward(dA, cache)"
    dA = array(dA, "dA", call, ndim=None)
    Z = array(cache, "cache (Z)", call, ndim=None)
    same_shape(dA, "dA", Z.shape, "cache (Z)")
    return dA * DERIVATIVES["sigmoid"](Z, _sigmoid(Z), 0.0)


def relu_backward(dA, cache) -> np.ndarray:
    """dA, cache = Z: (n[l], m) -> dZ = dA where Z > 0, else 0 (relu'(0) = 0, as the notes)."""
    call = "relu_backward(dA, cache)"
    dA = array(dA, "dA", call, ndim=None)
    Z = array(cache, "cache (Z)", call, ndim=None)
    same_shape(dA, "dA", Z.shape, "cache (Z)")
    return dA * DERIVATIVES["relu"](Z, None, 0.0)


# -- week 4: the L-layer network, step by step ----------------------------------------------


def initialize_parameters(n_x, n_h, n_y) -> dict:
    """The 2-layer network's ``{"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}``:
    randn * 0.01 after the notes' seed 1, biases zero."""
    for name, value in (("n_x", n_x), ("n_h", n_h), ("n_y", n_y)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise TypeError(f"{name} must be an int, got {value!r}{order('initialize_parameters(n_x, n_h, n_y)')}")
    return init_params(ModelSpec((n_x, n_h, n_y)), _SEED_TWO_LAYER, "random")


def initialize_parameters_deep(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``:
    W[l] = randn(n[l], n[l-1]) * 0.01 in layer order after the notes' seed 3, b[l] = 0."""
    if isinstance(layer_dims, (str, bytes, dict)) or not hasattr(layer_dims, "__iter__"):
        raise TypeError(f"layer_dims must be a list of ints [n_x, n[1], ..., n[L]], got {layer_dims!r}"
                        f"{order('initialize_parameters_deep(layer_dims)')}")
    return init_params(ModelSpec(tuple(layer_dims)), _SEED_DEEP, "random")


def linear_forward(A, W, b):
    """A: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z = W A + b: (n[l], m), cache (A, W, b)."""
    A_prev, W, b = linear_parts(A, W, b, ("A", "W", "b"), "linear_forward(A, W, b)")
    return deep.linear_forward(A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation, *, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A = g(W A_prev + b): (n[l], m), cache ((A_prev, W, b), Z).

    activation: ``"sigmoid"`` or ``"relu"`` as in the notes, or the reference's ``"tanh"``,
    ``"leaky_relu"`` (slope ``leaky_slope``), ``"linear"``.
    """
    call = "linear_activation_forward(A_prev, W, b, activation)"
    A_prev, W, b = linear_parts(A_prev, W, b, ("A_prev", "W", "b"), call)
    activation = activation_name(activation, leaky_slope, call)
    return deep.linear_activation_forward(A_prev, W, b, activation, leaky_slope)


def L_model_forward(X, parameters):
    """X: (n_x, m), parameters {"W1", "b1", ..., "WL", "bL"} -> A[L]: (n[L], m) and caches,
    one ``((A[l-1], W[l], b[l]), Z[l])`` per layer: ReLU for l < L, sigmoid for l = L."""
    call = "L_model_forward(X, parameters)"
    X = array(X, "X", call)
    parameters = dictionary(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    X = check_X(X)
    spec = deep_spec(parameters, X.shape[0])
    params = check_deep_params(parameters, spec, X.dtype)
    L = spec.num_layers
    caches = []
    A = X
    for l in range(1, L):
        A, cache = deep.linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = deep.linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y) -> float:
    """AL, Y: (1, m) -> J = -(1/m) Σ (Y log AL + (1-Y) log(1-AL)), the notes' formula from A[L].

    Returned as ``np.float64``: a Python float with ``shape == ()``, as the notes' ``np.squeeze``
    gives. AL must lie strictly between 0 and 1: a saturated σ gives log(0); the reference's
    ``deep.cost_and_grads`` computes J from Z[L] instead and stays finite there.
    """
    call = "compute_cost(AL, Y)"
    AL = array(AL, "AL", call)
    Y = array(Y, "Y", call)
    same_shape(Y, "Y", AL.shape, "AL")
    if not ((AL > 0) & (AL < 1)).all():
        raise ValueError("AL must lie strictly between 0 and 1 (log(AL) and log(1 - AL) are taken): an exact 0 "
                         "or 1 is a saturated sigmoid, as a training run that diverges reaches; "
                         "deep.cost_and_grads computes J from Z[L] and stays finite there")
    Y = check_Y(Y, check_X(AL, "AL"), "sigmoid", AL.shape[0])
    return cross_entropy(AL, Y)


def linear_backward(dZ, cache):
    """dZ: (n[l], m), cache (A_prev, W, b) -> dA_prev = Wᵀ dZ: (n[l-1], m),
    dW = (1/m) dZ A_prevᵀ: (n[l], n[l-1]), db = (1/m) Σ dZ: (n[l], 1)."""
    call = "linear_backward(dZ, cache)"
    dZ = array(dZ, "dZ", call)
    A_prev, W, b = linear_cache(cache, "cache", call)
    same_shape(dZ, "dZ", (W.shape[0], A_prev.shape[1]), "Z = W A_prev + b")
    return deep.linear_backward(dZ, (A_prev, W, b))


def linear_activation_backward(dA, cache, activation, *, leaky_slope: float = 0.01):
    """dA: (n[l], m), cache ((A_prev, W, b), Z) -> (dA_prev, dW, db) with dZ = dA * g'(Z):
    ``sigmoid_backward`` or ``relu_backward`` as the notes, or the reference's other g."""
    call = "linear_activation_backward(dA, cache, activation)"
    dA = array(dA, "dA", call)
    linear_cache, Z = activation_cache(cache, "cache", call)
    activation = activation_name(activation, leaky_slope, call)
    same_shape(dA, "dA", Z.shape, "Z in the cache")
    return deep.linear_activation_backward(dA, (linear_cache, Z), activation, leaky_slope)


def L_model_backward(AL, Y, caches) -> dict:
    """AL: (1, m), Y (reshaped to AL's shape, as the notes do), caches from L_model_forward ->
    grads ``{"dA{L-1}", "dWL", "dbL", ..., "dA0", "dW1", "db1"}``, in the notes' order.

    ``grads["dA" + str(l)]`` is dJ/dA[l] times m (the notes' per-example layout), for
    l = 0..L-1. Starts from dAL = -(Y/AL - (1-Y)/(1-AL)) and the cached Z[L], as the notes.
    """
    call = "L_model_backward(AL, Y, caches)"
    AL = array(AL, "AL", call)
    Y = array(Y, "Y", call, ndim=None)
    if not isinstance(caches, (list, tuple)) or not caches:
        raise TypeError(f"caches must be the non-empty list that L_model_forward returns, "
                        f"got {type(caches).__name__}{order(call)}")
    if Y.size != AL.size:
        raise ValueError(f"Y must have as many entries as AL {AL.shape}; got shape {Y.shape}")
    if ((AL == 0) | (AL == 1)).any():
        raise ValueError("AL has entries equal to 0 or 1, where dAL = -(Y/AL - (1-Y)/(1-AL)) divides by zero")
    L = len(caches)
    checked = [activation_cache(c, f"caches[{i}]", call) for i, c in enumerate(caches)]
    same_shape(AL, "AL", checked[-1][1].shape, "Z[L] in caches[-1]")
    Y = Y.reshape(AL.shape)

    grads: dict[str, np.ndarray] = {}
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = deep.linear_activation_backward(
        dAL, checked[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = deep.linear_activation_backward(grads[f"dA{l + 1}"], checked[l], "relu")
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = dA_prev, dW, db
    return grads


def update_parameters(parameters, grads, learning_rate) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict (grads may hold dA keys too)."""
    call = "update_parameters(parameters, grads, learning_rate)"
    parameters = dictionary(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    grads = dictionary(grads, "grads", "{'dW1': ..., 'db1': ..., ...}", call)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, Real):
        raise TypeError(f"learning_rate must be a real number, got {type(learning_rate).__name__}{order(call)}")
    learning_rate = check_learning_rate(learning_rate)
    for key, value in parameters.items():
        if "d" + key not in grads:
            raise ValueError(f"grads has no {'d' + key!r} for parameters[{key!r}]")
        p = array(value, f"parameters[{key!r}]", call)
        same_shape(array(grads["d" + key], f"grads['d{key}']", call), f"grads['d{key}']", p.shape,
                    f"parameters[{key!r}]")
    return deep.update_parameters(parameters, grads, learning_rate)
