"""Defect: every dW[l] and db[l] is missing its 1/m (a sum over examples, m times too large).

The cost keeps its 1/m. ``train`` steps along these gradients, so its trajectory goes wrong too.
"""

from __future__ import annotations

import numpy as np

from reference_numpy import deep as _ref
from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_deep_inputs, check_train_args
from reference_numpy.deep import predict, predict_proba
from reference_numpy.losses import compute_cost

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def _cost_and_grads(params, X, Y, spec):
    """On checked arrays: the reference's (J, grads), then the defect."""
    AL, caches = _ref.model_forward(params, X, spec)
    cost = compute_cost(caches[-1][1], Y, spec.loss)  # from Z[L]
    grads = _ref.model_backward(AL, Y, caches, spec)
    m = X.shape[1]
    return cost, {key: g * m for key, g in grads.items()}  # the defect: dZ A[l-1]ᵀ, not (1/m) dZ A[l-1]ᵀ


def cost_and_grads(params, X, Y, spec):
    """X: (n_x, m), Y: (n[L], m) -> (J, grads {"dW1", "db1", ...}), each m times too large."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _cost_and_grads(params, X, Y, spec)


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """Gradient descent along the broken gradients, batches as the reference takes them."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    m = X.shape[1]
    orders = [np.arange(m)] * num_epochs if batch_size == m else epoch_permutations(m, seed=seed, num_epochs=num_epochs)
    costs = []
    for order in orders:
        for start, stop in batch_bounds(m, batch_size):
            idx = order[start:stop]
            cost, grads = _cost_and_grads(params, X[:, idx], Y[:, idx], spec)
            params = _ref.update_parameters(params, grads, learning_rate)
            costs.append(cost)
    return params, costs
