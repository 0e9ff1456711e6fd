"""The inputs of course 2's graded functions: initialisation, regularisation (the course's
3-layer network, L2 and dropout) and optimisation (mini-batches, momentum, Adam, decay).

    CASE_MAKERS_COURSE2[("regularization", "backward_propagation_with_dropout")](reference, rng)

Caches that a forward pass makes come from the reference's own forward pass (or, for
``reg_utils.forward_propagation``, which no graded function returns, from the same formulas
here), so each function is fed what the reference would give it. Biases are nonzero.
"""

from __future__ import annotations

import numpy as np

from .cases import Case

__all__ = ["CASE_MAKERS_COURSE2", "three_layer", "forward_cache"]


def three_layer(rng, dims: tuple[int, int, int, int], m: int, dtype: str = "float64"):
    """X: (n[0], m), Y: (1, m) and the course's 3-layer parameters, W ~ N(0, 0.8²), b nonzero."""
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    Y = (rng.random((1, m)) > 0.5).astype(dtype)
    Y[0, 0] = 1.0
    params = {}
    for l in range(1, 4):
        params[f"W{l}"] = (rng.standard_normal((dims[l], dims[l - 1])) * 0.8).astype(dtype)
        params[f"b{l}"] = (rng.standard_normal((dims[l], 1)) * 0.3).astype(dtype)
    return X, Y, params


def forward_cache(X, params) -> tuple:
    """reg_utils.forward_propagation's cache (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1 + b2
    A2 = np.maximum(Z2, 0)
    Z3 = W3 @ A2 + b3
    A3 = 1 / (1 + np.exp(-Z3))
    return (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


_NETS = (((3, 2, 3, 1), 5, "the course's sizes [3, 2, 3, 1], m = 5"), ((4, 5, 3, 1), 7, "sizes [4, 5, 3, 1], m = 7"),
         ((2, 1, 2, 1), 1, "sizes [2, 1, 2, 1], m = 1"))


def _info(dims, m, **more) -> dict:
    return {"m": m, "L": 3, "dims": dims, **more}


def _initializers(reference, rng):
    return [Case("the course's layers_dims [3, 2, 1]", ([3, 2, 1],)), Case("layers_dims [4, 5, 3, 1]", ([4, 5, 3, 1],))]


def _cost_with_regularization(reference, rng):
    cases = []
    for (dims, m, label), lambd in zip(_NETS, (0.1, 0.7, 1.5)):
        X, Y, params = three_layer(rng, dims, m)
        A3 = forward_cache(X, params)[9]
        cases.append(Case(f"{label}, lambd = {lambd}", (A3, Y, params, lambd), info=_info(dims, m, lambd=lambd)))
    return cases


def _backward_with_regularization(reference, rng):
    cases = []
    for (dims, m, label), lambd in zip(_NETS, (0.7, 0.1, 1.5)):
        X, Y, params = three_layer(rng, dims, m)
        cases.append(Case(f"{label}, lambd = {lambd}", (X, Y, forward_cache(X, params), lambd),
                          info=_info(dims, m, lambd=lambd)))
    return cases


def _forward_with_dropout(reference, rng):
    cases = []
    for (dims, m, label), keep_prob in zip(_NETS, (0.7, 0.86, 0.5)):
        X, Y, params = three_layer(rng, dims, m)
        cases.append(Case(f"{label}, keep_prob = {keep_prob}", (X, params, keep_prob),
                          info=_info(dims, m, keep_prob=keep_prob)))
    return cases


def _backward_with_dropout(reference, rng):
    cases = []
    for (dims, m, label), keep_prob in zip(_NETS, (0.8, 0.7, 0.5)):
        X, Y, params = three_layer(rng, dims, m)
        _, cache = reference.forward_propagation_with_dropout(X, params, keep_prob)
        cases.append(Case(f"{label}, keep_prob = {keep_prob}", (X, Y, cache, keep_prob),
                          info=_info(dims, m, keep_prob=keep_prob)))
    return cases


def _state(rng, params, positive=False) -> dict:
    out = {}
    for key, value in params.items():
        draw = rng.standard_normal(value.shape) * 0.1
        out["d" + key] = np.abs(draw) if positive else draw
    return out


def _net(rng, dims):
    return {f"{k}{l}": (rng.standard_normal((dims[l], dims[l - 1])) if k == "W" else rng.standard_normal((dims[l], 1)))
            for l in range(1, len(dims)) for k in ("W", "b")}


_OPT_NETS = (((3, 2, 1), "the course's sizes [3, 2, 1]"), ((4, 3, 5, 2), "sizes [4, 3, 5, 2]"))


def _gd(reference, rng):
    return [Case(f"{label}, learning_rate = 0.01", (p := _net(rng, dims), _state(rng, p), 0.01),
                 info={"L": len(dims) - 1}) for dims, label in _OPT_NETS]


def _mini_batches(reference, rng):
    cases = []
    for n, m, size, seed in ((12288, 148, 64, 0), (3, 10, 4, 1), (2, 8, 8, 2), (5, 7, 2, 0)):
        X = rng.standard_normal((min(n, 20), m))
        Y = (rng.random((1, m)) > 0.5).astype(float)
        cases.append(Case(f"m = {m}, mini_batch_size = {size}, seed = {seed}", (X, Y, size, seed), info={"m": m}))
    return cases


def _initialize_state(reference, rng):
    return [Case(label, (_net(rng, dims),)) for dims, label in _OPT_NETS]


def _momentum(reference, rng):
    cases = []
    for (dims, label), beta in zip(_OPT_NETS, (0.9, 0.8)):
        params = _net(rng, dims)
        cases.append(Case(f"{label}, beta = {beta}, learning_rate = 0.01, v nonzero",
                          (params, _state(rng, params), _state(rng, params), beta, 0.01), info={"beta": beta}))
    return cases


def _adam(reference, rng):
    cases = []
    for (dims, label), t in zip(_OPT_NETS * 2, (2, 1, 10, 3)):
        params = _net(rng, dims)
        args = (params, _state(rng, params), _state(rng, params), _state(rng, params, positive=True), t, 0.01, 0.9,
                0.999, 1e-8)
        cases.append(Case(f"{label}, t = {t}, v and s nonzero", args, info={"t": t}))
    return cases


def _decay(reference, rng):
    return [Case("the course's learning_rate0 = 0.5, epoch_num = 2, decay_rate = 1", (0.5, 2, 1)),
            Case("learning_rate0 = 0.1, epoch_num = 10, decay_rate = 0.3", (0.1, 10, 0.3))]


def _schedule(reference, rng):
    return [Case("the course's learning_rate0 = 0.5, epoch_num = 100, decay_rate = 0.3, time_interval = 100",
                 (0.5, 100, 0.3, 100)),
            Case("learning_rate0 = 0.1, epoch_num = 2500, decay_rate = 1, time_interval = 1000", (0.1, 2500, 1, 1000))]


CASE_MAKERS_COURSE2 = {
    ("initialization", "initialize_parameters_zeros"): _initializers,
    ("initialization", "initialize_parameters_random"): _initializers,
    ("initialization", "initialize_parameters_he"): _initializers,
    ("regularization", "compute_cost_with_regularization"): _cost_with_regularization,
    ("regularization", "backward_propagation_with_regularization"): _backward_with_regularization,
    ("regularization", "forward_propagation_with_dropout"): _forward_with_dropout,
    ("regularization", "backward_propagation_with_dropout"): _backward_with_dropout,
    ("optimization", "update_parameters_with_gd"): _gd,
    ("optimization", "random_mini_batches"): _mini_batches,
    ("optimization", "initialize_velocity"): _initialize_state,
    ("optimization", "update_parameters_with_momentum"): _momentum,
    ("optimization", "initialize_adam"): _initialize_state,
    ("optimization", "update_parameters_with_adam"): _adam,
    ("optimization", "update_lr"): _decay,
    ("optimization", "schedule_lr_decay"): _schedule,
}
