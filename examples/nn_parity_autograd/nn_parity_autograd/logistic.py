"""Logistic regression ŷ = σ(wᵀx + b), with the gradient from ``autograd.value_and_grad``.

Parameters: ``w: (n_x, 1)``, ``b`` a Python float. Gradients: ``dw: (n_x, 1)``, ``db`` float.
Inside, b is a scalar of X's dtype, so float32 stays float32 throughout.
"""

from __future__ import annotations

import numpy as np
from autograd import value_and_grad

from nn_contract.checks import check_logistic_inputs, check_logistic_predict_inputs, check_train_args
from nn_contract.labels import labels_from_proba

from .activations import sigmoid
from .backend import check_device
from .losses import cost_from_logits

__all__ = ["forward", "objective", "train_step", "cost_and_grads", "train", "predict_proba", "predict"]


def forward(w, b, X):
    """w: (n_x, 1), X: (n_x, m) -> Z = wᵀX + b: (1, m), the logits."""
    return w.T @ X + b


def objective(params: dict, X, Y):
    """params {"w", "b"} (b of X's dtype), X: (n_x, m), Y: (1, m) -> J from the logits, a
    scalar of X's dtype (traced where params are): what ``autograd.value_and_grad`` takes."""
    return cost_from_logits(forward(params["w"], params["b"], X), Y, "binary_cross_entropy")


_value_and_grad = value_and_grad(objective)


def _internal(params: dict, X: np.ndarray) -> dict:
    """The checked params with b as a scalar of X's dtype (the contract hands a float)."""
    return {"w": params["w"], "b": X.dtype.type(params["b"])}


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, learning_rate: float):
    """One gradient-descent step on checked arrays: params {"w", "b"} (b of X's dtype) ->
    (new params, J before the update, a Python float), as the reference's ``train_step``: the
    native step ``train`` repeats."""
    cost, grads = _value_and_grad(params, X, Y)
    lr = X.dtype.type(learning_rate)
    return {"w": params["w"] - lr * grads["w"], "b": params["b"] - lr * X.dtype.type(grads["b"])}, float(cost)


def cost_and_grads(params: dict, X, Y, device: str = "cpu"):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"})."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    check_device(device)
    cost, grads = _value_and_grad(_internal(params, X), X, Y)
    return float(cost), {"dw": grads["w"], "db": float(grads["b"])}


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000, device: str = "cpu"):
    """Batch gradient descent (the notes' ``optimize``): one cost per iteration, recorded
    before that iteration's update. Returns (new params, costs)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    check_device(device)
    params = _internal(params, X)
    costs: list[float] = []
    for _ in range(num_iterations):
        params, cost = train_step(params, X, Y, learning_rate)
        costs.append(cost)
    return {"w": params["w"], "b": float(params["b"])}, costs


def predict_proba(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> ŷ = σ(wᵀX + b): (1, m)."""
    params, X = check_logistic_predict_inputs(params, X)
    check_device(device)
    p = _internal(params, X)
    return sigmoid(forward(p["w"], p["b"], X))


def predict(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X, device), "sigmoid")
