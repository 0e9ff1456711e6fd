"""Course 2, week 2, "Optimization Methods": the graded functions under the course's names and
signatures.

    update_parameters_with_gd(parameters, grads, learning_rate)   W[l] -= α dW[l], b[l] -= α db[l]
    random_mini_batches(X, Y, mini_batch_size=64, seed=0) -> [(mini_batch_X, mini_batch_Y), ...]
    initialize_velocity(parameters) -> v
    update_parameters_with_momentum(parameters, grads, v, beta, learning_rate) -> (parameters, v)
    initialize_adam(parameters) -> (v, s)
    update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9,
                                beta2=0.999, epsilon=1e-8) -> (parameters, v, s)
    update_lr(learning_rate0, epoch_num, decay_rate)                α0 / (1 + decay_rate · epoch_num)
    schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000)

The momentum, Adam and decay rules are the reference's (``reference_numpy.optim``, the update rules
``train`` uses), called here after the arguments are checked. The course's latest Adam also
returns ``v_corrected`` and ``s_corrected``; the reference returns the three values of its earlier
versions. ``random_mini_batches`` shuffles with ``RandomState(seed).permutation(m)``, the
course's ``np.random.seed(seed); np.random.permutation(m)`` without touching the caller's state,
and keeps the last, smaller batch. Nothing here writes into the caller's arrays or dicts.
"""

from __future__ import annotations

import numpy as np

import reference_numpy.optim as optim  # the reference's update rules: course sits above them
from ._common import array, dictionary, integer, real
from nn_contract.batches import batch_bounds, epoch_permutation

__all__ = ["update_parameters_with_gd", "random_mini_batches", "initialize_velocity",
           "update_parameters_with_momentum", "initialize_adam", "update_parameters_with_adam",
           "update_lr", "schedule_lr_decay"]


def update_parameters_with_gd(parameters, grads, learning_rate) -> dict:
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...}, grads {"dW1", "db1", ...} ->
    W[l] - α dW[l], b[l] - α db[l] for l = 1..L (L = len(parameters) // 2), as a new dict."""
    call = "update_parameters_with_gd(parameters, grads, learning_rate)"
    parameters = dictionary(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    grads = dictionary(grads, "grads", "{'dW1': ..., 'db1': ..., ...}", call)
    learning_rate = real(learning_rate, "learning_rate", call)
    L = len(parameters) // 2
    updated = {}
    for l in range(1, L + 1):
        for name in ("W", "b"):
            key = f"{name}{l}"
            if key not in parameters or "d" + key not in grads:
                raise ValueError(f"parameters[{key!r}] and grads['d{key}'] are needed for layer {l} of {L}")
            value = array(parameters[key], f"parameters[{key!r}]", call)
            grad = array(grads["d" + key], f"grads['d{key}']", call)
            if grad.shape != value.shape:
                raise ValueError(f"grads['d{key}'] must have the shape of parameters[{key!r}], {value.shape}; "
                                 f"got {grad.shape}")
            updated[key] = value - learning_rate * grad
    return updated


def random_mini_batches(X, Y, mini_batch_size=64, seed=0) -> list:
    """X: (n_x, m), Y: (n_y, m) -> [(X_t: (n_x, size), Y_t: (n_y, size)), ...]: the columns in the
    order ``RandomState(seed).permutation(m)``, cut into ⌊m / mini_batch_size⌋ full batches and,
    when m is not a multiple, a last one of m mod mini_batch_size."""
    call = "random_mini_batches(X, Y, mini_batch_size=64, seed=0)"
    X, Y = array(X, "X", call), array(Y, "Y", call)
    m = X.shape[1]
    if Y.shape[1] != m:
        raise ValueError(f"Y must have one column per example of X ({m}); got shape {Y.shape}")
    mini_batch_size = integer(mini_batch_size, "mini_batch_size", call)
    seed = integer(seed, "seed", call, minimum=0)
    permutation = epoch_permutation(m, seed=seed, epoch=0)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, start:stop], shuffled_Y[:, start:stop]) for start, stop in batch_bounds(m, mini_batch_size)]


def _parameters(parameters, call: str) -> dict:
    parameters = dictionary(parameters, "parameters", "{'W1': ..., 'b1': ..., ...}", call)
    return {key: array(value, f"parameters[{key!r}]", call) for key, value in parameters.items()}


def _like_grads(state, argument: str, parameters: dict, call: str) -> dict:
    """``state`` (grads, v or s): {"d" + key: an array of parameters[key]'s shape} for every key."""
    state = dictionary(state, argument, "{'dW1': ..., 'db1': ..., ...}", call)
    for key, value in parameters.items():
        if "d" + key not in state:
            raise ValueError(f"{argument} has no 'd{key}' for parameters[{key!r}]")
        if np.shape(state["d" + key]) != value.shape:
            raise ValueError(f"{argument}['d{key}'] must have the shape of parameters[{key!r}], {value.shape}; "
                             f"got {np.shape(state['d' + key])}")
    return state


def _beta(value, argument: str, call: str) -> float:
    value = real(value, argument, call)
    if not 0 <= value < 1:
        raise ValueError(f"{argument} must lie in [0, 1), got {value!r}")
    return value


def initialize_velocity(parameters) -> dict:
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...} -> v {"dW1", "db1", ...} of zeros."""
    return optim.initialize_velocity(_parameters(parameters, "initialize_velocity(parameters)"))


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    """One momentum step -> (parameters, v): v = β v + (1 - β) dW, W -= α v, for every W[l], b[l]."""
    call = "update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)"
    parameters = _parameters(parameters, call)
    grads, v = _like_grads(grads, "grads", parameters, call), _like_grads(v, "v", parameters, call)
    beta, learning_rate = _beta(beta, "beta", call), real(learning_rate, "learning_rate", call)
    return optim.update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)


def initialize_adam(parameters):
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...} -> (v, s), each {"dW1", "db1", ...} of zeros."""
    return optim.initialize_adam(_parameters(parameters, "initialize_adam(parameters)"))


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999,
                                epsilon=1e-8):
    """One Adam step, t >= 1 the number of updates so far, this one included -> (parameters, v, s):
    v = β1 v + (1 - β1) dW, s = β2 s + (1 - β2) dW², v̂ = v / (1 - β1ᵗ), ŝ = s / (1 - β2ᵗ),
    W -= α v̂ / (√ŝ + ε)."""
    call = ("update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, "
            "beta2=0.999, epsilon=1e-8)")
    parameters = _parameters(parameters, call)
    grads = _like_grads(grads, "grads", parameters, call)
    v, s = _like_grads(v, "v", parameters, call), _like_grads(s, "s", parameters, call)
    t = integer(t, "t", call)  # from 1: t = 0 divides by 1 - β⁰ = 0
    beta1, beta2 = _beta(beta1, "beta1", call), _beta(beta2, "beta2", call)
    learning_rate, epsilon = real(learning_rate, "learning_rate", call), real(epsilon, "epsilon", call)
    return optim.update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)


def update_lr(learning_rate0, epoch_num, decay_rate) -> float:
    """α = α0 / (1 + decay_rate · epoch_num)."""
    call = "update_lr(learning_rate0, epoch_num, decay_rate)"
    return optim.update_lr(real(learning_rate0, "learning_rate0", call), integer(epoch_num, "epoch_num", call, 0),
                           real(decay_rate, "decay_rate", call))


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000) -> float:
    """α = α0 / (1 + decay_rate · ⌊epoch_num / time_interval⌋)."""
    call = "schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000)"
    return optim.schedule_lr_decay(real(learning_rate0, "learning_rate0", call),
                                   integer(epoch_num, "epoch_num", call, 0), real(decay_rate, "decay_rate", call),
                                   integer(time_interval, "time_interval", call))
