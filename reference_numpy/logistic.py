"""Logistic regression ŷ = σ(wᵀx + b) by hand: forward, cost, gradients, update.

    forward(w, b, X)              Z = wᵀX + b, the logits (the same in ``jax_impl``)
    forward_cost(params, X, Y)    J, a Python float, on checked arrays
    train_step(params, X, Y, α)   one gradient-descent step -> (params, J), the native step
    cost_and_grads, train, predict_proba, predict   the public API (CONTRACT.md)

The notes' own ``propagate``, ``optimize`` and ``predict(w, b, X)`` are ``course``'s.

Parameters: ``w: (n_x, 1)``, ``b`` a Python float. Gradients: ``dw: (n_x, 1)``, ``db`` float.
Course 2's optimizers (``optim``) and L2 on ``w`` apply as to the deep network; dropout does
not (there is no hidden layer).
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from nn_contract.checks import check_logistic_inputs, check_logistic_predict_inputs, check_train_args
from nn_contract.labels import labels_from_proba
from .losses import compute_cost
from .optim import GD, check_training_methods, init_state, l2_cost, update_parameters_with

__all__ = ["forward", "forward_cost", "train_step", "cost_and_grads", "train", "predict_proba", "predict"]


def forward(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """w: (n_x, 1), X: (n_x, m) -> Z = wᵀX + b: (1, m), the logits."""
    return w.T @ X + b


def _propagate(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray, lambd: float = 0.0):
    """Forward and backward on checked arrays: (J, dw: (n_x, 1), db: float). The cost comes
    from the logits (``course.propagate`` is the notes' own, from A).

    dZ = A - Y per example, so dw = (1/m) X dZᵀ and db = (1/m) Σ dZ. ``lambd`` > 0 adds L2 on
    w only: J += (λ/2m) ‖w‖², dw += (λ/m) w.
    """
    m = X.shape[1]
    Z = forward(w, b, X)
    cost = compute_cost(Z, Y, "binary_cross_entropy")
    dZ = sigmoid(Z) - Y
    dw = (X @ dZ.T) / m
    db = float(dZ.sum() / m)
    if lambd > 0:
        cost += l2_cost([w], lambd, m)
        dw = dw + (lambd / m) * w
    return cost, dw, db


def forward_cost(params: dict, X: np.ndarray, Y: np.ndarray) -> float:
    """The forward pass and cost on checked arrays: params {"w", "b"} (b of X's dtype),
    X: (n_x, m), Y: (1, m) -> J, a Python float."""
    return compute_cost(forward(params["w"], params["b"], X), Y, "binary_cross_entropy")


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, learning_rate) -> tuple[dict, float]:
    """One gradient-descent step on checked arrays: params {"w", "b"} (b of X's dtype) ->
    (new params, J before the update, a Python float): the native step timing measures."""
    w, b = params["w"], params["b"]
    cost, dw, db = _propagate(w, b, X, Y)
    lr = X.dtype.type(learning_rate)
    return {"w": w - lr * dw, "b": b - lr * X.dtype.type(db)}, cost


def cost_and_grads(params: dict, X, Y, *, lambd: float = 0.0):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"}).
    ``lambd`` > 0: J += (λ/2m) ‖w‖², dw += (λ/m) w (b is never regularised)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    lambd = check_training_methods(GD(), lambd).lambd
    w, b = params["w"], X.dtype.type(params["b"])
    cost, dw, db = _propagate(w, b, X, Y, lambd)
    return cost, {"dw": dw, "db": db}


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000, *, optimizer=GD(),
          lambd: float = 0.0):
    """Batch training (the notes' ``optimize``) by ``optimizer`` (``optim``: GD(), Momentum,
    RMSprop, Adam), with L2 of strength ``lambd`` on w: one cost per iteration (with the L2
    term), recorded before that iteration's update. Returns (new params, costs).

    The optimizer's state is keyed like the grads, ``{"dw": (n_x, 1), "db": scalar}``.
    """
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    methods = check_training_methods(optimizer, lambd)
    dtype = X.dtype.type
    params = {"w": params["w"], "b": dtype(params["b"])}
    state = init_state(methods.optimizer, params)
    costs: list[float] = []
    for _ in range(num_iterations):
        cost, dw, db = _propagate(params["w"], params["b"], X, Y, methods.lambd)
        # db in X's dtype, so that every update (and float32's) stays in that dtype
        params, state = update_parameters_with(methods.optimizer, params, {"dw": dw, "db": dtype(db)}, state,
                                               learning_rate)
        costs.append(cost)
    return {"w": params["w"], "b": float(params["b"])}, costs


def predict_proba(params: dict, X) -> np.ndarray:
    """X: (n_x, m) -> ŷ = σ(wᵀX + b): (1, m)."""
    params, X = check_logistic_predict_inputs(params, X)
    return sigmoid(forward(params["w"], X.dtype.type(params["b"]), X))


def predict(params: dict, X) -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X), "sigmoid")
