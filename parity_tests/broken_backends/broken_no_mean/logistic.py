"""Defect: dw and db are missing their 1/m (sums over the examples, m times too large)."""

from __future__ import annotations

from reference_numpy import logistic as _ref
from nn_contract.checks import check_logistic_inputs, check_train_args
from reference_numpy.logistic import predict, predict_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def _cost_and_grads(w, b, X, Y):
    """On checked arrays, b of X's dtype: the reference's cost and gradients, then the defect."""
    cost, grads = _ref.cost_and_grads({"w": w, "b": b}, X, Y)
    m = X.shape[1]
    return cost, grads["dw"] * m, grads["db"] * m  # the defect


def cost_and_grads(params, X, Y):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) -> (J, {"dw", "db"}), m times too large."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    cost, dw, db = _cost_and_grads(params["w"], X.dtype.type(params["b"]), X, Y)
    return cost, {"dw": dw, "db": float(db)}


def train(params, X, Y, learning_rate=0.005, num_iterations=2000):
    """Batch gradient descent along the broken gradients."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(learning_rate, num_iterations, None, 0, X, "num_iterations")
    lr = X.dtype.type(learning_rate)
    w, b = params["w"], X.dtype.type(params["b"])
    costs = []
    for _ in range(num_iterations):
        cost, dw, db = _cost_and_grads(w, b, X, Y)
        w, b = w - lr * dw, b - lr * X.dtype.type(db)
        costs.append(cost)
    return {"w": w, "b": float(b)}, costs
