"""Logistic regression ŷ = σ(wᵀx + b) as pure functions of a params pytree; jax.grad backprops.

Parameters at the boundary: ``w: (n_x, 1)`` ndarray, ``b`` a Python float; inside, ``b`` is a
0-d array of X's dtype. Gradients at the boundary: ``dw: (n_x, 1)``, ``db`` a Python float.

    forward(w, b, X)              Z = wᵀX + b, the logits (the reference's, in jax arrays)
    loss_fn(params, X, Y, lambd)  J, a 0-d array: what ``jax.value_and_grad`` differentiates
    gd_step(params, X, Y, α)      one jitted gradient-descent step -> (params, J), the native step

Course 2's optimizers and L2 on w run as optax transformations (``optim``) inside one jitted
step, compiled once per optimizer and reused for every learning rate and λ.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nn_contract.checks import check_logistic_inputs, check_logistic_predict_inputs, check_train_args
from nn_contract.labels import labels_from_proba
from nn_contract.optim import GD, check_training_methods

from .activations import sigmoid
from .convert import params_to_device, precision, resolve_device, to_device, to_numpy
from .losses import cost_from_logits
from .optim import course_transform, hyperparameter_precision, l2_term, weight_mask, weights

__all__ = ["forward", "loss_fn", "gd_step", "cost_and_grads", "train", "predict_proba", "predict"]


def forward(w: jax.Array, b: jax.Array, X: jax.Array) -> jax.Array:
    """w: (n_x, 1), b: (), X: (n_x, m) -> Z = wᵀX + b: (1, m), the logits."""
    return w.T @ X + b


def loss_fn(params: dict, X: jax.Array, Y: jax.Array, lambd: jax.Array | None = None) -> jax.Array:
    """params {"w": (n_x, 1), "b": ()}, X: (n_x, m), Y: (1, m) -> J, the mean binary
    cross-entropy, a 0-d array; ``lambd`` (None: no L2) adds (λ/2m) ‖w‖²."""
    cost = cost_from_logits(forward(params["w"], params["b"], X), Y, "binary_cross_entropy")
    if lambd is not None:
        cost = cost + l2_term(weights(params), lambd, Y.shape[1])
    return cost


# (J, {"w": dJ/dw, "b": dJ/db}); the gradient is taken w.r.t. params only, never X.
_value_and_grad = jax.jit(jax.value_and_grad(loss_fn))


@jax.jit
def gd_step(params: dict, X: jax.Array, Y: jax.Array, learning_rate) -> tuple[dict, jax.Array]:
    """One gradient-descent step on device arrays -> (new params, J before the update, a 0-d
    array): the native step timing measures.

    Jitted at module level: compiled once per shape and dtype and reused by every ``train``
    call; the learning rate is traced, so a new rate reuses it too."""
    cost, grads = _value_and_grad(params, X, Y)
    new_params = jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, params, grads)
    return new_params, cost


def _params_to_device(params, dtype, device):
    """Checked {"w", "b": float} -> device arrays; ``b`` becomes a 0-d array of ``dtype``."""
    return params_to_device({"w": params["w"], "b": np.asarray(params["b"], dtype=dtype)}, device)


def _to_device(params, X, Y, device):
    return _params_to_device(params, X.dtype, device), to_device(X, device), to_device(Y, device)


def cost_and_grads(params: dict, X, Y, device: str = "cpu", *, lambd: float = 0.0):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"}).
    ``lambd`` > 0: J += (λ/2m) ‖w‖², dw += (λ/m) w."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    lambd = check_training_methods(GD(), lambd).lambd
    device = resolve_device(device)
    with precision(X.dtype):
        args = _to_device(params, X, Y, device)
        if lambd > 0:
            args += (to_device(np.asarray(lambd, dtype=X.dtype), device),)
        cost, grads = _value_and_grad(*args)
        return float(cost), {"dw": to_numpy(grads["w"]), "db": float(grads["b"])}


@functools.partial(jax.jit, static_argnames=("optimizer", "l2"))
def _fit_step(params, opt_state, X, Y, learning_rate, lambd, optimizer, l2: bool):
    """One optimizer step (optax, ``optim.course_transform``) -> (params, opt_state, J
    before the update, with the L2 term). L2's gradient is optax's masked weight decay."""
    cost, grads = _value_and_grad(params, X, Y)
    m = X.shape[1]
    transform = course_transform(optimizer, learning_rate, lambd / m if l2 else None, weight_mask(params))
    updates, opt_state = transform.update(grads, opt_state, params)
    if l2:
        cost = cost + l2_term(weights(params), lambd, m)
    return optax.apply_updates(params, updates), opt_state, cost


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000,
          device: str = "cpu", *, optimizer=GD(), lambd: float = 0.0):
    """Batch training (the notes' ``optimize``) by ``optimizer`` (``nn_contract.optim``)
    on optax (``optim.course_transform``), L2 of strength ``lambd`` on w only: one cost per
    iteration (with the L2 term), recorded before that iteration's update. Returns (new
    params, costs)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    methods = check_training_methods(optimizer, lambd)
    device = resolve_device(device)
    with precision(X.dtype):
        params, X, Y = _to_device(params, X, Y, device)
        lr = to_device(np.asarray(learning_rate, dtype=X.dtype), device)
        lambd = to_device(np.asarray(methods.lambd, dtype=X.dtype), device)
        # Committed to the device, as the step's outputs will be (else a second compile).
        opt_state = jax.device_put(course_transform(methods.optimizer, 0.0, 0.0 if methods.l2 else None,
                                                    weight_mask(params)).init(params), device)
        costs = []
        # Costs stay on the device; dispatch is asynchronous, so the loop never waits on it.
        with hyperparameter_precision():
            for _ in range(num_iterations):
                params, opt_state, cost = _fit_step(params, opt_state, X, Y, lr, lambd, methods.optimizer,
                                                    methods.l2)
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
    return sigmoid(forward(params["w"], params["b"], X))


def predict(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X, device), "sigmoid")
