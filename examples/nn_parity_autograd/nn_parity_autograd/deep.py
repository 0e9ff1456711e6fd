"""The L-layer network as functions of a params dict of NumPy arrays; autograd backprops.

The notes' building blocks, with backpropagation left to ``autograd.value_and_grad``, so
there are no caches and no ``*_backward`` functions:

    linear_forward             Z[l] = W[l] A[l-1] + b[l]
    linear_activation_forward  A[l] = g[l](Z[l])
    model_logits               X = A[0] -> ... -> Z[L], the logits the loss reads
    model_forward              X -> A[L] = g[L](Z[L])
    loss                       J from Z[L] and Y
    update_parameters          W[l] -= α dW[l], b[l] -= α db[l]
    train_step                 one gradient-descent step

params is the dict ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}``. Input is
checked by the contract's own validators (``nn_contract.checks``), mini-batches come from
``nn_contract.batches``: the same refusals and the same batches as the built-in backends.
"""

from __future__ import annotations

import numpy as np
from autograd import value_and_grad

from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_deep_inputs, check_deep_predict_inputs, check_train_args
from nn_contract.labels import labels_from_proba
from nn_contract.spec import ModelSpec

from .activations import ACTIVATIONS
from .backend import check_device
from .losses import compute_cost

__all__ = [
    "linear_forward",
    "linear_activation_forward",
    "model_logits",
    "model_forward",
    "loss",
    "update_parameters",
    "train_step",
    "cost_and_grads",
    "train",
    "predict_proba",
    "predict",
]


def linear_forward(A_prev, W, b):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z: (n[l], m)."""
    return W @ A_prev + b


def linear_activation_forward(A_prev, W, b, activation: str, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A: (n[l], m) = g(W A_prev + b)."""
    return ACTIVATIONS[activation](linear_forward(A_prev, W, b), leaky_slope)


def model_logits(params: dict, X, spec: ModelSpec):
    """X: (n_x, m) -> Z[L]: (n[L], m), the output layer before its activation."""
    A = X
    for l, activation in enumerate(spec.activations[:-1], start=1):
        A = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], activation, spec.leaky_slope)
    L = spec.num_layers
    return linear_forward(A, params[f"W{L}"], params[f"b{L}"])


def model_forward(params: dict, X, spec: ModelSpec):
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    return ACTIVATIONS[spec.output](model_logits(params, X, spec), spec.leaky_slope)


def loss(params: dict, X, Y, spec: ModelSpec):
    """X: (n_x, m), Y: (n[L], m) -> J, a scalar of X's dtype. Reads the logits Z[L], never
    A[L], so a saturated output gives a finite cost and gradient."""
    return compute_cost(model_logits(params, X, spec), Y, spec.loss)


def update_parameters(params: dict, grads: dict, learning_rate: float) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict; ``grads`` has params' keys."""
    return {key: value - learning_rate * grads[key] for key, value in params.items()}


# (J, grads) with grads keyed as params ({"W1", "b1", ...}). Differentiating w.r.t. params
# alone means autograd never traces X, so dA[0] = W[1]ᵀ dZ[1], which nothing needs, is not made.
_value_and_grad = value_and_grad(loss)


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, spec: ModelSpec, learning_rate: float):
    """One gradient-descent step on checked arrays (the batch X, Y) -> (new params, J before
    the update, a Python float). The native step ``train`` repeats; ``params`` is left alone."""
    cost, grads = _value_and_grad(params, X, Y, spec)
    return update_parameters(params, grads, learning_rate), float(cost)


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu"):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...})."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    check_device(device)
    cost, grads = _value_and_grad(params, X, Y, spec)
    return float(cost), {f"d{key}": grads[key] for key in params}


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu"):
    """Gradient descent: full batch (``batch_size=None``), mini-batch, or stochastic (1).

    X: (n_x, m), Y: (n[L], m). Mini-batches follow ``epoch_permutations(m, seed=seed, num_epochs=num_epochs)``;
    the last, smaller batch of an epoch is kept. Returns (params, costs): new arrays, and one
    cost per update step, that step's forward-pass cost before its update.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    check_device(device)
    m = X.shape[1]
    costs: list[float] = []
    if batch_size == m:
        for _ in range(num_epochs):
            params, cost = train_step(params, X, Y, spec, learning_rate)
            costs.append(cost)
        return params, costs
    bounds = batch_bounds(m, batch_size)
    for order in epoch_permutations(m, seed=seed, num_epochs=num_epochs):
        for start, stop in bounds:
            idx = order[start:stop]
            params, cost = train_step(params, X[:, idx], Y[:, idx], spec, learning_rate)
            costs.append(cost)
    return params, costs


def predict_proba(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    check_device(device)
    return model_forward(params, X, spec)


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    return labels_from_proba(predict_proba(params, X, spec, device), spec.output)
