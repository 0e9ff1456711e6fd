"""Defect: leaky_relu'(0) = 1 instead of the slope (the derivative tests z >= 0, not z > 0).

The reference's backpropagation, copied with this one derivative changed; the forward pass
is the reference's, and so are the building blocks it exposes.
"""

from __future__ import annotations

import numpy as np

from reference_numpy.activations import ACTIVATIONS, DERIVATIVES as _REFERENCE_DERIVATIVES
from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_deep_inputs, check_train_args
from reference_numpy.deep import (
    linear_activation_forward,
    linear_backward,
    linear_forward,
    model_forward,
    predict,
    predict_proba,
    update_parameters,
)
from reference_numpy.losses import compute_cost, output_delta

__all__ = [
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "linear_backward",
    "linear_activation_backward",
    "model_backward",
    "update_parameters",
    "cost_and_grads",
    "train",
    "predict_proba",
    "predict",
]


def _leaky_relu_derivative(Z, A, slope):
    return np.where(Z >= 0, 1, slope).astype(Z.dtype)  # the defect: 1 at z == 0


DERIVATIVES = {**_REFERENCE_DERIVATIVES, "leaky_relu": _leaky_relu_derivative}


def linear_activation_backward(dA, cache, activation, leaky_slope=0.01, A=None, need_dA_prev=True):
    """dA: (n[l], m) -> dA_prev, dW, db for a hidden layer: dZ = dA * g'(Z)."""
    linear_cache, Z = cache
    if A is None:
        A = ACTIVATIONS[activation](Z, leaky_slope)
    dZ = dA * DERIVATIVES[activation](Z, A, leaky_slope)
    return linear_backward(dZ, linear_cache, need_dA_prev)


def model_backward(AL, Y, caches, spec):
    """AL, Y: (n[L], m) -> grads ``{"dW1", "db1", ..., "dWL", "dbL"}``."""
    L = spec.num_layers
    grads = {}
    linear_cache, ZL = caches[L - 1]
    dZ = output_delta(ZL, AL, Y, spec.loss)
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache, need_dA_prev=L > 1)
    for l in range(L - 1, 0, -1):
        A = caches[l][0][0]
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA_prev, caches[l - 1], spec.activations[l - 1], spec.leaky_slope, A=A, need_dA_prev=l > 1
        )
    return {key: grads[key] for l in range(1, L + 1) for key in (f"dW{l}", f"db{l}")}


def _cost_and_grads(params, X, Y, spec):
    AL, caches = model_forward(params, X, spec)
    return compute_cost(caches[-1][1], Y, spec.loss), model_backward(AL, Y, caches, spec)


def cost_and_grads(params, X, Y, spec):
    """X: (n_x, m), Y: (n[L], m) -> (J, grads {"dW1", "db1", ...})."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _cost_and_grads(params, X, Y, spec)


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """Gradient descent along these gradients, batches as the reference takes them."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    m = X.shape[1]
    orders = [np.arange(m)] * num_epochs if batch_size == m else epoch_permutations(m, seed=seed, num_epochs=num_epochs)
    costs = []
    for order in orders:
        for start, stop in batch_bounds(m, batch_size):
            idx = order[start:stop]
            cost, grads = _cost_and_grads(params, X[:, idx], Y[:, idx], spec)
            params = update_parameters(params, grads, learning_rate)
            costs.append(cost)
    return params, costs
