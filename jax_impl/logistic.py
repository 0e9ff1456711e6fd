"""Logistic regression ŷ = σ(wᵀx + b) as pure functions of a params pytree; jax.grad backprops.

Parameters at the boundary: ``w: (n_x, 1)`` ndarray, ``b`` a Python float; inside, ``b`` is a
0-d array of X's dtype. Gradients at the boundary: ``dw: (n_x, 1)``, ``db`` a Python float.

    forward(params, X)      Z = wᵀX + b, the logits
    loss(params, X, Y)      J
    propagate               jitted (J, grads) by jax.value_and_grad, the notes' ``propagate``
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from reference_numpy.checks import check_logistic_inputs, check_logistic_predict_inputs, check_train_args
from reference_numpy.labels import labels_from_proba

from .activations import sigmoid
from .convert import params_to_device, precision, resolve_device, to_device, to_numpy
from .losses import compute_cost

__all__ = ["forward", "loss", "propagate", "train_step", "cost_and_grads", "train", "predict_proba", "predict"]


def forward(params: dict, X: jax.Array) -> jax.Array:
    """params {"w": (n_x, 1), "b": ()}, X: (n_x, m) -> Z = wᵀX + b: (1, m), the logits."""
    return params["w"].T @ X + params["b"]


def loss(params: dict, X: jax.Array, Y: jax.Array) -> jax.Array:
    """X: (n_x, m), Y: (1, m) -> J, the mean binary cross-entropy, a 0-d array."""
    return compute_cost(forward(params, X), Y, "binary_cross_entropy")


# (J, {"w": dJ/dw, "b": dJ/db}); the gradient is taken w.r.t. params only, never X.
propagate = jax.jit(jax.value_and_grad(loss))


@jax.jit
def train_step(params: dict, X: jax.Array, Y: jax.Array, learning_rate) -> tuple[dict, jax.Array]:
    """One gradient-descent step on device arrays -> (new params, J before the update).

    Jitted at module level: compiled once per shape and dtype and reused by every ``train``
    call; the learning rate is traced, so a new rate reuses it too."""
    cost, grads = propagate(params, X, Y)
    new_params = jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, params, grads)
    return new_params, cost


def _params_to_device(params, dtype, device):
    """Checked {"w", "b": float} -> device arrays; ``b`` becomes a 0-d array of ``dtype``."""
    return params_to_device({"w": params["w"], "b": np.asarray(params["b"], dtype=dtype)}, device)


def _to_device(params, X, Y, device):
    return _params_to_device(params, X.dtype, device), to_device(X, device), to_device(Y, device)


def cost_and_grads(params: dict, X, Y, device: str = "cpu"):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"})."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    device = resolve_device(device)
    with precision(X.dtype):
        cost, grads = propagate(*_to_device(params, X, Y, device))
        return float(cost), {"dw": to_numpy(grads["w"]), "db": float(grads["b"])}


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000,
          device: str = "cpu"):
    """Batch gradient descent (the notes' ``optimize``): one cost per iteration, recorded
    before that iteration's update. Returns (new params, costs)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    device = resolve_device(device)
    with precision(X.dtype):
        params, X, Y = _to_device(params, X, Y, device)
        lr = to_device(np.asarray(learning_rate, dtype=X.dtype), device)
        costs = []
        # Costs stay on the device; dispatch is asynchronous, so the loop never waits on it.
        for _ in range(num_iterations):
            params, cost = train_step(params, X, Y, lr)
            costs.append(cost)
        costs = to_numpy(jnp.stack(costs)).tolist()
        return {"w": to_numpy(params["w"]), "b": float(params["b"])}, costs


def predict_proba(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> ŷ = σ(wᵀX + b): (1, m)."""
    params, X = check_logistic_predict_inputs(params, X)
    device = resolve_device(device)
    with precision(X.dtype):
        return to_numpy(_proba(_params_to_device(params, X.dtype, device), to_device(X, device)))


@jax.jit
def _proba(params, X):
    return sigmoid(forward(params, X))


def predict(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X, device), "sigmoid")
