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

The momentum, Adam and decay functions are the reference's (``reference_numpy.optim``, the update
rules ``train`` uses), re-exported here under the assignment. The course's latest Adam also
returns ``v_corrected`` and ``s_corrected``; the reference returns the three values of its earlier
versions. ``random_mini_batches`` shuffles with ``RandomState(seed).permutation(m)``, the
course's ``np.random.seed(seed); np.random.permutation(m)`` without touching the caller's state,
and keeps the last, smaller batch. Nothing here writes into the caller's arrays or dicts.
"""

from __future__ import annotations

from ..optim import (initialize_adam, initialize_velocity, schedule_lr_decay, update_lr,
                     update_parameters_with_adam, update_parameters_with_momentum)
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
