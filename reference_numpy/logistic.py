"""Logistic regression ŷ = σ(wᵀx + b), as in the notes: propagate, optimize, predict.

Parameters: ``w: (n_x, 1)``, ``b`` a Python float. Gradients: ``dw: (n_x, 1)``, ``db`` float.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .checks import check_logistic_inputs, check_logistic_predict_inputs, check_train_args
from .labels import labels_from_proba
from .losses import compute_cost

__all__ = ["forward", "loss", "propagate", "train_step", "cost_and_grads", "train", "predict_proba", "predict"]


def forward(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """w: (n_x, 1), X: (n_x, m) -> Z = wᵀX + b: (1, m), the logits."""
    return w.T @ X + b


def propagate(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray):
    """The notes' ``propagate`` on checked arrays: (J, dw: (n_x, 1), db: float).

    dZ = A - Y per example, so dw = (1/m) X dZᵀ and db = (1/m) Σ dZ.
    """
    m = X.shape[1]
    Z = forward(w, b, X)
    cost = compute_cost(Z, Y, "binary_cross_entropy")
    dZ = sigmoid(Z) - Y
    dw = (X @ dZ.T) / m
    db = float(dZ.sum() / m)
    return cost, dw, db


def loss(params: dict, X: np.ndarray, Y: np.ndarray) -> float:
    """The forward pass and cost on checked arrays: params {"w", "b"} (b of X's dtype) -> J."""
    return compute_cost(forward(params["w"], params["b"], X), Y, "binary_cross_entropy")


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, learning_rate) -> tuple[dict, float]:
    """One gradient-descent step on checked arrays: params {"w", "b"} (b of X's dtype) ->
    (new params, J before the update). The native step ``train`` repeats."""
    w, b = params["w"], params["b"]
    cost, dw, db = propagate(w, b, X, Y)
    lr = X.dtype.type(learning_rate)
    return {"w": w - lr * dw, "b": b - lr * X.dtype.type(db)}, cost


def cost_and_grads(params: dict, X, Y):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"})."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    w, b = params["w"], X.dtype.type(params["b"])
    cost, dw, db = propagate(w, b, X, Y)
    return cost, {"dw": dw, "db": db}


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000):
    """Batch gradient descent (the notes' ``optimize``): one cost per iteration, recorded
    before that iteration's update. Returns (new params, costs)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    params = {"w": params["w"], "b": X.dtype.type(params["b"])}
    costs: list[float] = []
    for _ in range(num_iterations):
        params, cost = train_step(params, X, Y, learning_rate)
        costs.append(cost)
    return {"w": params["w"], "b": float(params["b"])}, costs


def predict_proba(params: dict, X) -> np.ndarray:
    """X: (n_x, m) -> ŷ = σ(wᵀX + b): (1, m)."""
    params, X = check_logistic_predict_inputs(params, X)
    return sigmoid(forward(params["w"], X.dtype.type(params["b"]), X))


def predict(params: dict, X) -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X), "sigmoid")
