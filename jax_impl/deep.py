"""The L-layer network as pure, jittable functions of a params pytree; jax.grad backprops.

The notes' building blocks, with backpropagation left to ``jax.value_and_grad``, so there
are no caches and no ``*_backward`` functions:

    linear_forward             Z[l] = W[l] A[l-1] + b[l]
    linear_activation_forward  A[l] = g[l](Z[l])
    model_logits               X = A[0] -> ... -> Z[L], the logits the loss reads
    model_forward              X -> A[L] = g[L](Z[L])
    loss                       J from Z[L] and Y
    update_parameters          W[l] -= α dW[l], b[l] -= α db[l]
    train_step                 one jitted gradient-descent step

params is the dict ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}`` of jax arrays;
``spec`` (a hashable ``ModelSpec``) is a static argument wherever a function is jitted.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from reference_numpy.batches import epoch_permutations
from reference_numpy.checks import check_deep_inputs, check_deep_predict_inputs, check_train_args
from reference_numpy.labels import labels_from_proba
from reference_numpy.spec import ModelSpec

from .activations import ACTIVATIONS
from .convert import grads_to_numpy, params_to_device, params_to_numpy, precision, resolve_device, to_device, to_numpy
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


def linear_forward(A_prev: jax.Array, W: jax.Array, b: jax.Array) -> jax.Array:
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z: (n[l], m)."""
    return W @ A_prev + b


def linear_activation_forward(A_prev, W, b, activation: str, leaky_slope: float = 0.01) -> jax.Array:
    """A_prev: (n[l-1], m) -> A: (n[l], m) = g(W A_prev + b)."""
    return ACTIVATIONS[activation](linear_forward(A_prev, W, b), leaky_slope)


def model_logits(params: dict, X: jax.Array, spec: ModelSpec) -> jax.Array:
    """X: (n_x, m) -> Z[L]: (n[L], m), the output layer before its activation."""
    A = X
    for l, activation in enumerate(spec.activations[:-1], start=1):
        A = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], activation, spec.leaky_slope)
    L = spec.num_layers
    return linear_forward(A, params[f"W{L}"], params[f"b{L}"])


def model_forward(params: dict, X: jax.Array, spec: ModelSpec) -> jax.Array:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear.

    Unlike the reference's, it returns no caches: autodiff keeps its own.
    """
    return ACTIVATIONS[spec.output](model_logits(params, X, spec), spec.leaky_slope)


def loss(params: dict, X: jax.Array, Y: jax.Array, spec: ModelSpec) -> jax.Array:
    """X: (n_x, m), Y: (n[L], m) -> J, a 0-d array. Reads the logits Z[L], never A[L],
    so a saturated output gives a finite cost and gradient."""
    return compute_cost(model_logits(params, X, spec), Y, spec.loss)


def update_parameters(params: dict, grads: dict, learning_rate) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict; ``grads`` has params' keys."""
    return jax.tree_util.tree_map(lambda p, g: p - learning_rate * g, params, grads)


# (J, grads) with grads keyed as params ({"W1", "b1", ...}); differentiating w.r.t. params
# only means XLA never computes dA[0] = W[1]ᵀ dZ[1], which nothing needs.
_value_and_grad = jax.jit(jax.value_and_grad(loss), static_argnames=("spec",))


@functools.partial(jax.jit, static_argnames=("spec",))
def train_step(params: dict, X: jax.Array, Y: jax.Array, spec: ModelSpec, learning_rate) -> tuple[dict, jax.Array]:
    """One gradient-descent step on the batch (X, Y) -> (new params, J before the update).

    Jitted at module level, so it compiles once per spec, shape and dtype and the cache
    outlives any one ``train`` call; the learning rate is traced, so a new rate reuses it.
    """
    cost, grads = jax.value_and_grad(loss)(params, X, Y, spec)
    return update_parameters(params, grads, learning_rate), cost


@functools.partial(jax.jit, static_argnames=("spec", "batch_size"))
def _train_epoch(params, X, Y, order, spec, learning_rate, batch_size):
    """One epoch of mini-batches, examples taken in ``order`` (m,) -> (params, costs).

    One dispatch per epoch rather than per batch: a ``lax.scan`` runs the full batches and
    one more step runs the last, smaller one. Columns are gathered on the device.
    """
    m = X.shape[1]
    n_full = m // batch_size

    def step(params, idx):
        return train_step(params, jnp.take(X, idx, axis=1), jnp.take(Y, idx, axis=1), spec, learning_rate)

    params, costs = jax.lax.scan(step, params, order[: n_full * batch_size].reshape(n_full, batch_size))
    if m % batch_size:
        params, last_cost = step(params, order[n_full * batch_size:])
        costs = jnp.concatenate([costs, last_cost[None]])
    return params, costs


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu"):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...})."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        cost, grads = _value_and_grad(params_to_device(params, device), to_device(X, device),
                                      to_device(Y, device), spec)
        return float(cost), grads_to_numpy(grads, spec.param_shapes())


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu"):
    """Gradient descent: full batch (``batch_size=None``), mini-batch, or stochastic (1).

    X: (n_x, m), Y: (n[L], m). Mini-batches follow ``epoch_permutations(m, num_epochs, seed)``;
    the last, smaller batch of an epoch is kept. Returns (params, costs): new arrays, and one
    cost per update step, that step's forward-pass cost before its update.

    Everything goes to the device once and comes back once; in between, costs stay device
    arrays and dispatch is asynchronous, so the host never waits on a step.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    device = resolve_device(device)
    m = X.shape[1]
    with precision(X.dtype):
        params, X, Y = params_to_device(params, device), to_device(X, device), to_device(Y, device)
        lr = to_device(np.asarray(learning_rate, dtype=X.dtype), device)
        if batch_size == m:
            # Full batch in the given order, as in the notes: no permutation, no gather.
            costs = []
            for _ in range(num_epochs):
                params, cost = train_step(params, X, Y, spec, lr)
                costs.append(cost)
            costs = jnp.stack(costs)
        else:
            # One transfer of all the epochs' orders, as separate rows: a (num_epochs, m)
            # argument would recompile the epoch for every num_epochs.
            orders = to_device(list(epoch_permutations(m, num_epochs, seed)), device)
            costs = []
            for order in orders:
                params, epoch_costs = _train_epoch(params, X, Y, order, spec, lr, batch_size)
                costs.append(epoch_costs)
            costs = jnp.concatenate(costs)
        return params_to_numpy(params, spec.param_shapes()), to_numpy(costs).tolist()


@functools.partial(jax.jit, static_argnames=("spec",))
def _proba(params, X, spec):
    return model_forward(params, X, spec)


def predict_proba(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        return to_numpy(_proba(params_to_device(params, device), to_device(X, device), spec))


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    AL = predict_proba(params, X, spec, device)
    return labels_from_proba(AL, spec.output)
