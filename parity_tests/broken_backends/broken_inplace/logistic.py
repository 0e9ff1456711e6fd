"""Defect: train updates the caller's w in place (w -= α dw on the array it was given) and returns it."""

from __future__ import annotations

from reference_numpy import logistic as _ref
from nn_contract.checks import check_logistic_inputs, check_train_args
from reference_numpy.logistic import cost_and_grads, predict, predict_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def train(params, X, Y, learning_rate=0.005, num_iterations=2000):
    """Batch gradient descent on the caller's own w; one cost per iteration."""
    checked, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(learning_rate, num_iterations, None, 0, X, "num_iterations")
    lr = X.dtype.type(learning_rate)
    w, b = params["w"], X.dtype.type(checked["b"])
    costs = []
    for _ in range(num_iterations):
        cost, grads = _ref.cost_and_grads({"w": w, "b": b}, X, Y)
        w -= lr * grads["dw"]  # the defect: the caller's array
        b = b - lr * X.dtype.type(grads["db"])
        costs.append(cost)
    return {"w": w, "b": float(b)}, costs
