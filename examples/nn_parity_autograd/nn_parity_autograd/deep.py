"""The L-layer network as functions of a params dict of NumPy arrays; autograd backprops.

The notes' forward building blocks, under the reference's names and contracts (caches
included), with backpropagation left to ``autograd.value_and_grad``, so there are no
``*_backward`` functions:

    linear_forward             Z[l] = W[l] A[l-1] + b[l] -> (Z, cache)
    linear_activation_forward  A[l] = g[l](Z[l]) -> (A, cache)
    model_forward              X = A[0] -> ... -> A[L] -> (A[L], caches)
    update_parameters          W[l] -= α dW[l], b[l] -= α db[l], grads keyed {"dW1", ...}
    objective                  J from Z[L] and Y, what autograd differentiates
    train_step                 one gradient-descent step -> (params, J a Python float)

params is the dict ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}``. Input is
checked by the contract's own validators (``nn_contract.checks``), mini-batches come from
``nn_contract.batches``: the same refusals and the same batches as the built-in backends.
"""

from __future__ import annotations

import numpy as np
from autograd import value_and_grad

from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.checks import check_argument_kinds, check_deep_inputs, check_deep_predict_inputs, check_train_args
from nn_contract.labels import labels_from_proba
from nn_contract.spec import ModelSpec

from .activations import ACTIVATIONS
from .backend import check_device
from .losses import cost_from_logits

__all__ = [
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "update_parameters",
    "objective",
    "train_step",
    "cost_and_grads",
    "train",
    "predict_proba",
    "predict",
]


def linear_forward(A_prev, W, b):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z: (n[l], m), cache (A_prev, W, b)."""
    return W @ A_prev + b, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation: str, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A: (n[l], m) = g(W A_prev + b), cache ((A_prev, W, b), Z)."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    return ACTIVATIONS[activation](Z, leaky_slope), (linear_cache, Z)


def _hidden_layers(params: dict, X, spec: ModelSpec, masks: dict | None = None, keep_prob=()):
    """X = A[0] -> A[L-1] (dropped where ``masks`` are given) and the caches of layers 1..L-1."""
    A, caches = X, []
    for l, activation in enumerate(spec.activations[:-1], start=1):
        A, cache = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], activation, spec.leaky_slope)
        caches.append(cache)
        if masks is not None:
            A = A * masks[f"D{l}"] / keep_prob[l - 1]
    return A, caches


def model_forward(params: dict, X, spec: ModelSpec, masks: dict | None = None, keep_prob=()):
    """X: (n_x, m) -> A[L]: (n[L], m) (probabilities for sigmoid/softmax, ŷ for linear) and
    caches, one per layer l = 1..L, as the reference's. ``masks`` {"D1": (n[1], m), ...} and
    ``keep_prob`` (one per hidden layer): inverted dropout on A[1] ... A[L-1]."""
    check_argument_kinds("model_forward(params, X, spec)", params=params, X=X, spec=spec)
    A, caches = _hidden_layers(params, X, spec, masks, keep_prob)
    L = spec.num_layers
    AL, cache = linear_activation_forward(A, params[f"W{L}"], params[f"b{L}"], spec.activations[-1], spec.leaky_slope)
    return AL, caches + [cache]


def objective(params: dict, X, Y, spec: ModelSpec):
    """X: (n_x, m), Y: (n[L], m) -> J, a scalar of X's dtype (traced where params are): what
    ``autograd.value_and_grad`` takes. Reads the logits Z[L], never A[L], so a saturated
    output gives a finite cost and gradient."""
    A, _ = _hidden_layers(params, X, spec)
    L = spec.num_layers
    ZL, _ = linear_forward(A, params[f"W{L}"], params[f"b{L}"])
    return cost_from_logits(ZL, Y, spec.loss)


def update_parameters(params: dict, grads: dict, learning_rate: float) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict; grads {"dW1", "db1", ...}."""
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}


# (J, grads) with grads keyed as params ({"W1", "b1", ...}). Differentiating w.r.t. params
# alone means autograd never traces X, so dA[0] = W[1]ᵀ dZ[1], which nothing needs, is not made.
_value_and_grad = value_and_grad(objective)


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, spec: ModelSpec, learning_rate: float):
    """One gradient-descent step on checked arrays (the batch X, Y) -> (new params, J before
    the update, a Python float). The native step ``train`` repeats; ``params`` is left alone."""
    cost, grads = _value_and_grad(params, X, Y, spec)
    return update_parameters(params, {"d" + key: grad for key, grad in grads.items()}, learning_rate), float(cost)


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
    return model_forward(params, X, spec)[0]


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    return labels_from_proba(predict_proba(params, X, spec, device), spec.output)
