"""The L-layer network by hand: forward propagation, cost, backpropagation with caches.

The building blocks are the notes' own, vectorised over the m examples (one per column):

    linear_forward             Z[l] = W[l] A[l-1] + b[l]
    linear_activation_forward  A[l] = g[l](Z[l])
    model_forward              X = A[0] -> ... -> A[L], keeping a cache per layer
    linear_backward            dW[l], db[l], dA[l-1] from dZ[l]
    linear_activation_backward dZ[l] = dA[l] * g[l]'(Z[l]), then linear_backward
    model_backward             dZ[L] from the loss, then back through the caches
    update_parameters          W[l] -= α dW[l], b[l] -= α db[l]
    forward_cost               J from Z[L] and Y, a Python float
    train_step                 one gradient-descent step -> (params, J), the native step

``jax_impl.deep`` has the forward blocks and ``update_parameters`` under the same names and
contracts (caches included); the backward ones are autodiff's there.

Course 2's training methods (``optim``, ``dropout``): ``model_forward`` and ``model_backward``
take inverted-dropout masks, ``model_backward`` the L2 strength λ, and ``train`` any of the
optimizers of ``optim`` with learning-rate decay.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS, DERIVATIVES
from nn_contract.batches import batch_bounds, epoch_permutation
from nn_contract.checks import check_argument_kinds, check_deep_inputs, check_deep_predict_inputs, check_train_args
from nn_contract.dropout import check_masks, dropout_masks
from nn_contract.labels import labels_from_proba
from nn_contract.shards import check_world_size
from .losses import compute_cost, output_delta
from .optim import GD, check_training_methods, init_state, l2_cost, schedule_lr_decay, update_parameters_with
from .parallel import sharded_cost_and_grads
from nn_contract.spec import ModelSpec

__all__ = [
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "linear_backward",
    "linear_activation_backward",
    "model_backward",
    "update_parameters",
    "forward_cost",
    "train_step",
    "cost_and_grads",
    "train",
    "predict_proba",
    "predict",
]

def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray):
    """A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) -> Z: (n[l], m), cache (A_prev, W, b)."""
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def linear_activation_forward(A_prev, W, b, activation: str, leaky_slope: float = 0.01):
    """A_prev: (n[l-1], m) -> A: (n[l], m), cache ((A_prev, W, b), Z)."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = ACTIVATIONS[activation](Z, leaky_slope)
    return A, (linear_cache, Z)


def model_forward(params: dict, X: np.ndarray, spec: ModelSpec, masks: dict | None = None,
                  keep_prob: tuple[float, ...] = ()):
    """X: (n_x, m) -> A[L]: (n[L], m) and caches, one per layer l = 1..L.

    With ``masks`` {"D1": (n[l], m), ...} (0/1) and ``keep_prob`` (one per hidden layer),
    inverted dropout: each hidden A[l] becomes ``A[l] * D[l] / keep_prob[l]`` before layer
    l+1 reads it (so the caches hold the dropped A[l] as layer l+1's input).
    """
    check_argument_kinds("model_forward(params, X, spec)", params=params, X=X, spec=spec)
    A, caches = X, []
    L = spec.num_layers
    for l, activation in enumerate(spec.activations, start=1):
        A, cache = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], activation, spec.leaky_slope)
        caches.append(cache)
        if masks is not None and l < L:
            A = A * masks[f"D{l}"] / keep_prob[l - 1]
    return A, caches


def linear_backward(dZ: np.ndarray, cache, need_dA_prev: bool = True):
    """dZ: (n[l], m) -> dA_prev: (n[l-1], m) (or None), dW: (n[l], n[l-1]), db: (n[l], 1).

    dZ holds per-example derivatives; dW and db average them over the m examples.
    ``need_dA_prev=False`` skips dA[0] = W[1]ᵀ dZ[1], which no parameter needs and which
    costs as much as the forward product over the inputs.
    """
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


def linear_activation_backward(dA: np.ndarray, cache, activation: str, leaky_slope: float = 0.01,
                               A: np.ndarray | None = None, need_dA_prev: bool = True):
    """dA: (n[l], m) -> dA_prev, dW, db for a hidden layer: dZ = dA * g'(Z).

    ``A = g(Z)`` may be passed to spare recomputing it for sigmoid and tanh.
    """
    linear_cache, Z = cache
    if A is None:
        A = ACTIVATIONS[activation](Z, leaky_slope)
    dZ = dA * DERIVATIVES[activation](Z, A, leaky_slope)
    return linear_backward(dZ, linear_cache, need_dA_prev)


def model_backward(AL: np.ndarray, Y: np.ndarray, caches: list, spec: ModelSpec, masks: dict | None = None,
                   keep_prob: tuple[float, ...] = (), lambd: float = 0.0) -> dict:
    """AL, Y: (n[L], m) -> grads ``{"dW1", "db1", ..., "dWL", "dbL"}``.

    dZ[L] comes straight from the loss (``A[L] - Y`` for the matched output/loss pairs),
    which stays exact at saturation where ``dA[L] = -(Y/A[L] - (1-Y)/(1-A[L]))`` would
    divide by zero. ``masks``/``keep_prob`` as given to ``model_forward``: the same mask and
    scale on the way back, ``dA[l] = dA[l] * D[l] / keep_prob[l]``. ``lambd`` > 0 adds the
    L2 term's gradient to the weights only: ``dW[l] += (λ/m) W[l]``.
    """
    L = spec.num_layers
    grads: dict[str, np.ndarray] = {}
    linear_cache, ZL = caches[L - 1]
    dZ = output_delta(ZL, AL, Y, spec.loss)
    dA_prev, grads[f"dW{L}"], grads[f"db{L}"] = linear_backward(dZ, linear_cache, need_dA_prev=L > 1)
    for l in range(L - 1, 0, -1):
        if masks is None:
            A = caches[l][0][0]  # A[l] is the input of layer l + 1
        else:
            dA_prev = dA_prev * masks[f"D{l}"] / keep_prob[l - 1]
            A = None  # layer l + 1 read the dropped A[l]; g'(Z[l]) needs the undropped one
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA_prev, caches[l - 1], spec.activations[l - 1], spec.leaky_slope, A=A, need_dA_prev=l > 1
        )
    if lambd > 0:
        m = Y.shape[1]
        for l in range(1, L + 1):
            grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / m) * caches[l - 1][0][1]
    return {key: grads[key] for key in _grad_order(L)}


def update_parameters(params: dict, grads: dict, learning_rate: float) -> dict:
    """W[l] - α dW[l], b[l] - α db[l] for every l, as a new dict."""
    return {key: value - learning_rate * grads["d" + key] for key, value in params.items()}


def _grad_order(L: int) -> list[str]:
    return [name for l in range(1, L + 1) for name in (f"dW{l}", f"db{l}")]


def _logits_and_cost(params, X, Y, spec, masks=None, keep_prob=(), lambd=0.0):
    AL, caches = model_forward(params, X, spec, masks, keep_prob)
    ZL = caches[-1][1]
    cost = compute_cost(ZL, Y, spec.loss)
    if lambd > 0:
        cost += l2_cost((params[f"W{l}"] for l in range(1, spec.num_layers + 1)), lambd, Y.shape[1])
    return AL, caches, cost


def _cost_and_grads(params, X, Y, spec, masks=None, keep_prob=(), lambd=0.0):
    """(J, grads) on checked arrays, with the L2 term and dropout masks when given."""
    AL, caches, cost = _logits_and_cost(params, X, Y, spec, masks, keep_prob, lambd)
    return cost, model_backward(AL, Y, caches, spec, masks, keep_prob, lambd)


def forward_cost(params: dict, X: np.ndarray, Y: np.ndarray, spec: ModelSpec) -> float:
    """The forward pass and cost on checked arrays: X: (n_x, m), Y: (n[L], m) -> J, a
    Python float."""
    return _logits_and_cost(params, X, Y, spec)[2]


def train_step(params: dict, X: np.ndarray, Y: np.ndarray, spec: ModelSpec, learning_rate) -> tuple[dict, float]:
    """One gradient-descent step on checked arrays (the batch X, Y) -> (new params, J before
    the update, a Python float): the native step timing measures; ``params`` is left alone."""
    AL, caches, cost = _logits_and_cost(params, X, Y, spec)
    grads = model_backward(AL, Y, caches, spec)
    return update_parameters(params, grads, learning_rate), cost


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, *, lambd: float = 0.0, keep_prob=1.0,
                   masks: dict | None = None):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...}).

    ``lambd`` > 0: J += (λ/2m) Σ ‖W[l]‖², dW[l] += (λ/m) W[l]. ``keep_prob`` < 1 (one value or
    one per hidden layer) needs ``masks`` {"D1": (n[1], m), ...} of 0/1, applied as inverted
    dropout to A[1] ... A[L-1] (``dropout.dropout_masks`` draws those ``train`` uses).
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    methods = check_training_methods(GD(), lambd, keep_prob, spec=spec)
    masks = check_masks(masks, spec, X.shape[1], methods.keep_prob, X.dtype)
    if not methods.dropout:
        masks = None  # masks of ones (keep_prob 1 everywhere) would change nothing
    return _cost_and_grads(params, X, Y, spec, masks, methods.keep_prob, methods.lambd)


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, *, optimizer=GD(), lambd: float = 0.0, keep_prob=1.0,
          decay_rate: float = 0.0, time_interval: int = 1, world_size: int = 1):
    """Full batch (``batch_size=None``), mini-batch, or stochastic (1) training by ``optimizer``.

    X: (n_x, m), Y: (n[L], m). Epoch e (from 0) takes the examples in the order
    ``epoch_permutation(m, seed=seed, epoch=e)`` (a full batch keeps the given order); the last, smaller
    batch of an epoch is kept. Options (``optim``, ``dropout``): ``optimizer`` GD(),
    Momentum(β), RMSprop(β, ε) or Adam(β1, β2, ε); ``lambd`` the L2 strength (m the step's
    examples); ``keep_prob`` inverted dropout on the hidden layers, masks from
    ``dropout_masks(..., seed)``; epoch e trains at ``schedule_lr_decay(α0, e, decay_rate,
    time_interval)``. The defaults are plain full-batch gradient descent.

    ``world_size`` k > 1 is data parallel as the contract defines it (CONTRACT.md, "Data
    parallel"; ``parallel.sharded_cost_and_grads``): each step's mini-batch split into k
    contiguous shards (``nn_contract.shards.shard_bounds``), each shard's summed gradient
    added and divided by the step's m_t, L2 with m_t, each shard its columns of the global
    dropout masks. It is the single-device training by construction, up to rounding
    (~1e-16): the definition a distributed backend is held to. k = 1 is today's loop.

    Returns (params, costs): new arrays, and one cost per update step, that step's
    forward-pass cost (with the L2 term) before its update.
    """
    world_size = check_world_size(world_size)
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    m = X.shape[1]
    methods = check_training_methods(optimizer, lambd, keep_prob, decay_rate, time_interval, spec,
                                     seed=seed, num_epochs=num_epochs, batch_size=batch_size, m=m)
    masks = dropout_masks(spec, methods.keep_prob, m, num_epochs, batch_size, seed, X.dtype) if methods.dropout else None
    state = init_state(methods.optimizer, params)
    bounds = batch_bounds(m, batch_size)
    costs: list[float] = []
    for epoch in range(num_epochs):
        lr = schedule_lr_decay(learning_rate, epoch, methods.decay_rate, methods.time_interval)
        order = None if batch_size == m else epoch_permutation(m, seed=seed, epoch=epoch)
        for start, stop in bounds:
            if order is None:
                X_t, Y_t = X, Y
            else:
                idx = order[start:stop]
                X_t, Y_t = X[:, idx], Y[:, idx]
            D = next(masks) if masks is not None else None
            if world_size == 1:
                cost, grads = _cost_and_grads(params, X_t, Y_t, spec, D, methods.keep_prob, methods.lambd)
            else:
                cost, grads = _sharded_step(params, X_t, Y_t, spec, D, methods, world_size)
            params, state = update_parameters_with(methods.optimizer, params, grads, state, lr)
            costs.append(cost)
    return params, costs


def _sharded_step(params, X_t, Y_t, spec, D, methods, world_size):
    """(J, grads) of one step as k workers compute it: shard sums added, over m_t."""
    def data(X_s, Y_s, D_s):
        return _cost_and_grads(params, X_s, Y_s, spec, D_s, methods.keep_prob)

    def l2(m_t):
        weights = [params[f"W{l}"] for l in range(1, spec.num_layers + 1)]
        grads = {f"dW{l}": (methods.lambd / m_t) * W for l, W in enumerate(weights, start=1)}
        return l2_cost(weights, methods.lambd, m_t), grads

    return sharded_cost_and_grads(data, X_t, Y_t, D, world_size, l2 if methods.lambd > 0 else None)


def predict_proba(params: dict, X, spec: ModelSpec) -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    return model_forward(params, X, spec)[0]


def predict(params: dict, X, spec: ModelSpec) -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    AL = predict_proba(params, X, spec)
    return labels_from_proba(AL, spec.output)

