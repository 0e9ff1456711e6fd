"""Defect: cross-entropy from A[L], -Y log A - (1-Y) log(1-A): a saturated unit gives an inf or NaN cost.

The gradients are the reference's (dZ[L] = A[L] - Y stays right); only the value of J is
wrong, and silently: NumPy's warnings are suppressed inside, as a careless implementation's
``np.seterr`` would. Squared error and l1 are the reference's.
"""

from __future__ import annotations

import numpy as np

from reference_numpy import deep as _ref
from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_deep_inputs, check_train_args
from reference_numpy.deep import model_forward, predict, predict_proba
from reference_numpy.losses import compute_cost

__all__ = ["model_forward", "cost_and_grads", "train", "predict_proba", "predict"]


def _naive_cost(AL, ZL, Y, loss):
    """J from A[L]: log(0) = -inf once σ or softmax rounds to 0 or 1, and 0·log(0) = NaN."""
    m = Y.shape[1]
    with np.errstate(all="ignore"):
        if loss == "binary_cross_entropy":
            return float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m)
        if loss == "categorical_cross_entropy":
            return float(-(Y * np.log(AL)).sum() / m)
    return compute_cost(ZL, Y, loss)


def _cost_and_grads(params, X, Y, spec):
    AL, caches = model_forward(params, X, spec)
    cost = _naive_cost(AL, caches[-1][1], Y, spec.loss)
    return cost, _ref.model_backward(AL, Y, caches, spec)


def cost_and_grads(params, X, Y, spec):
    """X: (n_x, m), Y: (n[L], m) -> (J, grads {"dW1", "db1", ...})."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _cost_and_grads(params, X, Y, spec)


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """Gradient descent, recording the naive costs; batches as the reference takes them."""
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
