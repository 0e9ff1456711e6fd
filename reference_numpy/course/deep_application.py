"""Course 1, week 4, "Deep Neural Network for Image Classification: Application": the graded
models, built from the step-by-step functions as the course's ``dnn_app_utils_v3`` gives them.

    two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False)
        LINEAR -> RELU -> LINEAR -> SIGMOID from initialize_parameters(n_x, n_h, n_y) (seed 1,
        randn * 0.01) -> (parameters, costs)
    L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False)
        [LINEAR -> RELU] x (L-1) -> LINEAR -> SIGMOID from dnn_app_utils_v3's
        initialize_parameters_deep (seed 1, randn(n[l], n[l-1]) / sqrt(n[l-1])) -> (parameters, costs)

``costs`` holds the cost of iteration 0, 100, 200, ... (before that iteration's update), as the
course records it; its earlier versions returned the parameters alone. Like the course's own
test cases, the models take any real Y (they only require 0 < A[L] < 1); the step-by-step
``compute_cost`` refuses labels other than 0/1.
"""

from __future__ import annotations

import numpy as np

import reference_numpy.deep as deep  # the reference's math: course sits above it
from ._common import app_parameters_deep, array, cross_entropy, integer, order, real
from .deep_step_by_step import initialize_parameters
from nn_contract.checks import check_learning_rate, check_X

__all__ = ["two_layer_model", "L_layer_model"]

_COST_EVERY = 100


def _arguments(X, Y, layers_dims, learning_rate, num_iterations, call: str, num_layers: int | None):
    X = check_X(array(X, "X", call))
    Y = array(Y, "Y", call)
    if isinstance(layers_dims, (str, bytes, dict)) or not hasattr(layers_dims, "__iter__"):
        raise TypeError(f"layers_dims must be a tuple of ints (n_x, n[1], ..., n[L]), got {layers_dims!r}{order(call)}")
    dims = [integer(n, "layers_dims", call) for n in layers_dims]
    if num_layers is not None and len(dims) != num_layers + 1:
        raise ValueError(f"layers_dims must be (n_x, n_h, n_y) for the two-layer model, got {layers_dims!r}")
    if len(dims) < 2 or dims[0] != X.shape[0] or Y.shape != (dims[-1], X.shape[1]):
        raise ValueError(f"layers_dims {tuple(dims)} must start with X's n_x = {X.shape[0]} and end with Y's "
                         f"n_y; X is {X.shape}, Y is {Y.shape}")
    learning_rate = check_learning_rate(real(learning_rate, "learning_rate", call))
    num_iterations = integer(num_iterations, "num_iterations", call, minimum=0)
    return X, Y.astype(X.dtype), dims, learning_rate, num_iterations


def _cost(AL: np.ndarray, Y: np.ndarray) -> np.float64:
    """The step-by-step compute_cost's formula, without its 0/1 check on Y."""
    if not ((AL > 0) & (AL < 1)).all():
        raise ValueError("A[L] reached 0 or 1 to machine precision, where the course's cost takes log(0)")
    return cross_entropy(AL, Y)


def _train(parameters: dict, X, Y, learning_rate: float, num_iterations: int, print_cost: bool):
    """The course's loop: forward, cost, backward from dAL, update; a cost every 100 iterations."""
    L = len(parameters) // 2
    costs = []
    for i in range(num_iterations):
        A, caches = X, []
        for l in range(1, L + 1):
            A, cache = deep.linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"],
                                                      "sigmoid" if l == L else "relu")
            caches.append(cache)
        cost = _cost(A, Y)
        dA = -(np.divide(Y, A) - np.divide(1 - Y, 1 - A))
        grads = {}
        for l in range(L, 0, -1):
            dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(
                dA, caches[l - 1], "sigmoid" if l == L else "relu")
        parameters = deep.update_parameters(parameters, grads, learning_rate)
        if print_cost and (i % _COST_EVERY == 0 or i == num_iterations - 1):
            print(f"Cost after iteration {i}: {np.squeeze(cost)}")
        if i % _COST_EVERY == 0:
            costs.append(cost)
    return parameters, costs


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """X: (n_x, m), Y: (n_y, m), layers_dims = (n_x, n_h, n_y) -> (parameters, costs)."""
    call = "two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False)"
    X, Y, dims, learning_rate, num_iterations = _arguments(X, Y, layers_dims, learning_rate, num_iterations,
                                                           call, num_layers=2)
    parameters = {k: v.astype(X.dtype, copy=False) for k, v in initialize_parameters(*dims).items()}
    return _train(parameters, X, Y, learning_rate, num_iterations, print_cost)


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    """X: (n_x, m), Y: (n_y, m), layers_dims = (n_x, n[1], ..., n[L]) -> (parameters, costs)."""
    call = "L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False)"
    X, Y, dims, learning_rate, num_iterations = _arguments(X, Y, layers_dims, learning_rate, num_iterations,
                                                           call, num_layers=None)
    parameters = {k: v.astype(X.dtype, copy=False) for k, v in app_parameters_deep(dims).items()}
    return _train(parameters, X, Y, learning_rate, num_iterations, print_cost)
