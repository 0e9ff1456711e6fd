"""Defect: train updates the caller's params in place (W[l] -= α dW[l] on the arrays it was given) and returns them.

The numbers are the reference's: only the caller's arrays, which the contract says are
never changed, are overwritten. cost_and_grads is the reference's.
"""

from __future__ import annotations

import numpy as np

from reference_numpy import deep as _ref
from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_deep_inputs, check_train_args
from reference_numpy.deep import cost_and_grads, predict, predict_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """Gradient descent on the caller's own arrays; batches as the reference takes them."""
    _, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    m = X.shape[1]
    orders = [np.arange(m)] * num_epochs if batch_size == m else epoch_permutations(m, seed=seed, num_epochs=num_epochs)
    costs = []
    for order in orders:
        for start, stop in batch_bounds(m, batch_size):
            idx = order[start:stop]
            cost, grads = _ref.cost_and_grads(params, X[:, idx], Y[:, idx], spec)
            for key in params:
                params[key] -= learning_rate * grads["d" + key]  # the defect: the caller's array
            costs.append(cost)
    return params, costs
