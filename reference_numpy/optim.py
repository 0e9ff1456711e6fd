"""Course 2's optimizers by hand: the course's step-by-step functions under their course names.

The optimizer descriptions (``GD()``, ``Momentum(beta)``, ``RMSprop(beta, epsilon)``,
``Adam(beta1, beta2, epsilon)``) and the checks of the options are the contract's
(``nn_contract.optim``), re-exported here so that ``from reference_numpy import optim;
optim.Adam()`` reads as the notes do. State dicts ``v`` and ``s`` are keyed like grads:
``"dW1"``, ``"db1"``, ... (``"dw"``, ``"db"`` for logistic regression); the course functions
work on any such params dict and return new dicts, never writing into their arguments.
"""

from __future__ import annotations

import numpy as np

from nn_contract import optim as _contract
from nn_contract.optim import *  # noqa: F403 - the contract's descriptions and checks, read as optim.Adam()

__all__ = [
    *_contract.__all__,
    "initialize_velocity",
    "update_parameters_with_momentum",
    "initialize_rmsprop",
    "update_parameters_with_rmsprop",
    "initialize_adam",
    "update_parameters_with_adam",
    "update_lr",
    "schedule_lr_decay",
    "init_state",
    "update_parameters_with",
    "l2_cost",
]


# --- The course's step-by-step functions -------------------------------------------------


def _zeros_like_grads(parameters: dict) -> dict:
    return {"d" + key: np.zeros_like(value) for key, value in parameters.items()}


def initialize_velocity(parameters: dict) -> dict:
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...} -> v {"dW1": zeros of W1's
    shape, "db1": zeros of b1's shape, ...}, in the parameters' dtype."""
    return _zeros_like_grads(parameters)


def update_parameters_with_momentum(parameters: dict, grads: dict, v: dict, beta: float, learning_rate: float):
    """One momentum step -> (parameters, v), new dicts.

    parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...}; grads and v keyed {"dW1", "db1", ...}
    with the same shapes. ``v = β v + (1−β) dW; W -= α v``, for every W[l] and b[l].
    """
    v = {key: beta * v[key] + (1 - beta) * grads[key] for key in v}
    parameters = {key: value - learning_rate * v["d" + key] for key, value in parameters.items()}
    return parameters, v


def initialize_rmsprop(parameters: dict) -> dict:
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...} -> s {"dW1", "db1", ...} of zeros."""
    return _zeros_like_grads(parameters)


def update_parameters_with_rmsprop(parameters: dict, grads: dict, s: dict, beta: float, learning_rate: float,
                                   epsilon: float = 1e-8):
    """One RMSprop step -> (parameters, s), new dicts; shapes as for momentum.

    ``s = β s + (1−β) dW²; W -= α dW / (√s + ε)``, ε outside the square root.
    """
    s = {key: beta * s[key] + (1 - beta) * np.square(grads[key]) for key in s}
    parameters = {
        key: value - learning_rate * grads["d" + key] / (np.sqrt(s["d" + key]) + epsilon)
        for key, value in parameters.items()
    }
    return parameters, s


def initialize_adam(parameters: dict) -> tuple[dict, dict]:
    """parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...} -> (v, s), each {"dW1", "db1", ...}
    of zeros in the parameters' shapes and dtype."""
    return _zeros_like_grads(parameters), _zeros_like_grads(parameters)


def update_parameters_with_adam(parameters: dict, grads: dict, v: dict, s: dict, t: int, learning_rate: float = 0.01,
                                beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
    """One Adam step, t >= 1 counting every update so far -> (parameters, v, s), new dicts.

    parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), ...}; grads, v, s keyed {"dW1", "db1", ...}.
    ``v = β1 v + (1−β1) dW``, ``s = β2 s + (1−β2) dW²``, ``v̂ = v / (1−β1ᵗ)``,
    ``ŝ = s / (1−β2ᵗ)``, ``W -= α v̂ / (√ŝ + ε)``.
    """
    v = {key: beta1 * v[key] + (1 - beta1) * grads[key] for key in v}
    s = {key: beta2 * s[key] + (1 - beta2) * np.square(grads[key]) for key in s}
    new = {}
    for key, value in parameters.items():
        v_corrected = v["d" + key] / (1 - beta1**t)
        s_corrected = s["d" + key] / (1 - beta2**t)
        new[key] = value - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return new, v, s


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """α = α0 / (1 + decay_rate · epoch_num): decay at every epoch."""
    return learning_rate0 / (1 + decay_rate * epoch_num)


def schedule_lr_decay(learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1000) -> float:
    """α = α0 / (1 + decay_rate · ⌊epoch_num / time_interval⌋): decay in steps of
    ``time_interval`` epochs. ``train`` uses it for epoch e (from 0); decay_rate 0 gives α0
    exactly."""
    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))


# --- What ``train`` uses: one state and one step for any of the four --------------------


def init_state(optimizer, parameters: dict) -> dict:
    """The optimizer's state for ``parameters``, from zeros: {} for GD, {"v"} for momentum,
    {"s"} for RMSprop, {"v", "s", "t": 0} for Adam; v and s keyed like grads."""
    if isinstance(optimizer, Momentum):
        return {"v": initialize_velocity(parameters)}
    if isinstance(optimizer, RMSprop):
        return {"s": initialize_rmsprop(parameters)}
    if isinstance(optimizer, Adam):
        v, s = initialize_adam(parameters)
        return {"v": v, "s": s, "t": 0}
    return {}


def update_parameters_with(optimizer, parameters: dict, grads: dict, state: dict, learning_rate: float):
    """One update by ``optimizer`` with the course's functions -> (parameters, state), new."""
    if isinstance(optimizer, Momentum):
        parameters, v = update_parameters_with_momentum(parameters, grads, state["v"], optimizer.beta, learning_rate)
        return parameters, {"v": v}
    if isinstance(optimizer, RMSprop):
        parameters, s = update_parameters_with_rmsprop(
            parameters, grads, state["s"], optimizer.beta, learning_rate, optimizer.epsilon
        )
        return parameters, {"s": s}
    if isinstance(optimizer, Adam):
        t = state["t"] + 1
        parameters, v, s = update_parameters_with_adam(
            parameters, grads, state["v"], state["s"], t, learning_rate,
            optimizer.beta1, optimizer.beta2, optimizer.epsilon,
        )
        return parameters, {"v": v, "s": s, "t": t}
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}, state


def l2_cost(weights, lambd: float, m: int) -> float:
    """(λ/2m) Σ ‖W‖² over the given weight arrays (never biases), a Python float."""
    return float((lambd / (2 * m)) * sum(np.sum(np.square(W)) for W in weights))
