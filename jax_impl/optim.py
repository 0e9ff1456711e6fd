"""Course 2's optimizers in JAX: optax transformations configured to the course's formulas.

The optimizer descriptions are the contract's (``nn_contract.optim``: ``GD()``,
``Momentum(β)``, ``RMSprop(β, ε)``, ``Adam(β1, β2, ε)``); the arithmetic is optax's own. Where
optax's convention differs from the course, the mapping is made here, once (each one is
tested in ``parity_tests/test_training_methods.py``):

    GD        optax.sgd(α)                                   as it stands
    Momentum  optax.sgd(α(1−β), momentum=β)                  see ``course_transform``
    RMSprop   optax.rmsprop(α, decay=β, eps=ε, eps_in_sqrt=False)   ε outside the √, as the course
    Adam      optax.adam(α, b1=β1, b2=β2, eps=ε)             as it stands (eps_root 0)
    L2        optax.add_decayed_weights(λ/m, mask=weights only), chained before the optimizer
    decay     a schedule of optax's step count: α0 / (1 + decay_rate ⌊epoch / time_interval⌋),
              epoch = count // steps per epoch

The transformations are built inside the jitted step from traced hyperparameters, so a new
learning rate, λ, decay or keep_prob reuses the compiled epoch; only the optimizer (its kind
and βs, a hashable description) is static. Steps are traced under ``hyperparameter_precision``
(float32 included), so that optax's arithmetic on Python-number hyperparameters is double,
as torch's and the course's are: see there. ``FRAMEWORK_DEFAULTS`` and ``default_transform``
give optax as a user would call it instead (``deep.train_with_framework_defaults`` trains
with it). This module sits below ``deep`` and ``logistic``: it imports neither.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import optax

from nn_contract.optim import Adam, GD, Momentum, RMSprop

__all__ = [
    "FRAMEWORK_DEFAULTS",
    "course_transform",
    "default_transform",
    "decay_schedule",
    "weight_mask",
    "weights",
    "l2_term",
    "hyperparameter_precision",
]

# optax's formulas as a user calls it with the course's hyperparameters (t and s from optax's
# state); the course's are nn_contract.optim.COURSE_FORMULAS.
FRAMEWORK_DEFAULTS: dict[str, str] = {
    "GD": "optax.sgd(α): W -= α dW",
    "Momentum": "optax.sgd(α, momentum=β): t = β t + dW (t from 0); W -= α t",
    "RMSprop": "optax.rmsprop(α, decay=β, eps=ε): s = β s + (1−β) dW²; W -= α dW / √(s + ε) (ε inside the √)",
    "Adam": "optax.adam(α, b1=β1, b2=β2, eps=ε): v̂ = v/(1−β1ᵗ), ŝ = s/(1−β2ᵗ); W -= α v̂ / (√ŝ + ε), the course's",
    "L2": "optax.add_decayed_weights(λ/m): dθ += (λ/m) θ on every leaf, biases included; J itself unchanged",
}

Schedule = Callable[[jnp.ndarray], jnp.ndarray]


def decay_schedule(learning_rate, decay_rate, time_interval, steps_per_epoch: int) -> Schedule:
    """optax schedule (of its update count, from 0) for the course's ``schedule_lr_decay``:
    epoch = count // steps_per_epoch trains at α0 / (1 + decay_rate ⌊epoch / time_interval⌋).

    learning_rate, decay_rate, time_interval: scalars or traced arrays (decay_rate 0 gives
    α0 exactly); steps_per_epoch: the update steps in one epoch, a Python int.
    """
    def schedule(count):
        return learning_rate / (1 + decay_rate * ((count // steps_per_epoch) // time_interval))

    return schedule


def weight_mask(params: dict) -> dict:
    """{"W1": True, "b1": False, ...} (logistic regression: {"w": True, "b": False}): the
    leaves L2 applies to, for ``optax.add_decayed_weights``' mask."""
    return {key: key[0] in "Ww" for key in params}


def weights(params: dict) -> list:
    """[W1, ..., WL] (logistic regression: [w]), in params' order: the arrays L2 applies to."""
    return [value for key, value in params.items() if key[0] in "Ww"]


def l2_term(weights, lambd, m: int):
    """(λ/2m) Σ ‖W‖² over ``weights`` (never biases), a 0-d array; torch's ``l2_term`` in jax."""
    return (lambd / (2 * m)) * sum(jnp.sum(W * W) for W in weights)


def hyperparameter_precision():
    """The context in which the jitted training steps are called (and traced).

    optax computes Adam's bias corrections as ``1 - β**t``, β a Python float and t its
    traced int32 count: the result takes JAX's default float type, so float32 without x64.
    β2 = 0.999 rounds to 0.99900001 in float32 and 1 − β2 (= 0.001) loses 1.3e-5 of itself
    to cancellation: ŝ is off by that much at every early step, and a float32 trajectory
    drifts from the course's by about 1e-5. torch and the reference evaluate the same
    expression in double (Python floats). With x64 on while tracing, ``β**t`` is a weak
    float64, computed in double and cast to the moment's dtype, as theirs; every array stays
    in its own dtype (params, data and state are float32 for float32 input).
    """
    return jax.enable_x64(True)


def _optimizer_transform(optimizer, learning_rate, *, course: bool) -> optax.GradientTransformation:
    if isinstance(optimizer, GD):
        return optax.sgd(learning_rate)
    if isinstance(optimizer, Momentum):
        if course:
            # optax's momentum (``trace``) is the undamped heavy ball t = β t + dW from t = 0,
            # torch's too; the course's is the average v = β v + (1−β) dW from v = 0. Both
            # recurrences are linear in dW and t₁ = dW₁ = v₁/(1−β), so t = v/(1−β) at every
            # step, and a learning rate of α(1−β) moves W by α(1−β) t = α v, the course's
            # step, the decayed α included.
            beta = optimizer.beta
            lr = (lambda count: learning_rate(count) * (1 - beta)) if callable(learning_rate) else \
                learning_rate * (1 - beta)
            return optax.sgd(lr, momentum=beta)
        return optax.sgd(learning_rate, momentum=optimizer.beta)
    if isinstance(optimizer, RMSprop):
        # optax's default eps_in_sqrt=True divides by √(s + ε); the course by √s + ε.
        return optax.rmsprop(learning_rate, decay=optimizer.beta, eps=optimizer.epsilon,
                             eps_in_sqrt=not course)
    if isinstance(optimizer, Adam):
        # optax.adam with eps_root = 0 is the course's formula, t counted by optax's state.
        return optax.adam(learning_rate, b1=optimizer.beta1, b2=optimizer.beta2, eps=optimizer.epsilon)
    raise TypeError(f"optimizer must be one of nn_contract.optim's GD, Momentum, RMSprop, Adam; got {optimizer!r}")


def course_transform(optimizer, learning_rate, weight_decay=None, mask=None) -> optax.GradientTransformation:
    """The optax transformation that follows the course's formula for ``optimizer``.

    learning_rate: a scalar or a schedule (``decay_schedule``). weight_decay: λ/m for the
    coming step, or None for no L2; it is added to the gradient of the leaves ``mask``
    selects (``weight_mask(params)``: the weights, never the biases), ``dW += (λ/m) W``,
    before the optimizer sees it, as the course's L2 gradient.
    """
    transform = _optimizer_transform(optimizer, learning_rate, course=True)
    if weight_decay is None:
        return transform
    return optax.chain(optax.add_decayed_weights(weight_decay, mask=mask), transform)


def default_transform(optimizer, learning_rate, weight_decay=None, mask=None) -> optax.GradientTransformation:
    """optax's own convention, as a user would write it: ``sgd(α, momentum=β)``,
    ``rmsprop(α, decay=β, eps=ε)`` (ε inside the √), ``adam``, and
    ``add_decayed_weights(λ/m)`` on every leaf, biases included (``mask`` is ignored)."""
    transform = _optimizer_transform(optimizer, learning_rate, course=False)
    if weight_decay is None:
        return transform
    return optax.chain(optax.add_decayed_weights(weight_decay), transform)
