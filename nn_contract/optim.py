"""Course 2's training options as the contract describes them: the optimizer descriptions,
the course's formulas, and the checks of every option ``train`` takes.

The descriptions are frozen, hashable dataclasses that every backend reads (JAX uses them
as static arguments): ``GD()``, ``Momentum(beta)``, ``RMSprop(beta, epsilon)``,
``Adam(beta1, beta2, epsilon)``. The formulas, for every parameter W[l] and b[l] alike:

    GD        W -= α dW
    Momentum  v = β v + (1−β) dW;  W -= α v                          (v from zeros)
    RMSprop   s = β s + (1−β) dW²; W -= α dW / (√s + ε)               (s from zeros)
    Adam      v = β1 v + (1−β1) dW;  s = β2 s + (1−β2) dW²;
              v̂ = v / (1−β1ᵗ);  ŝ = s / (1−β2ᵗ);  W -= α v̂ / (√ŝ + ε)  (t = 1, 2, ... over all steps)

plus L2 regularisation (``lambd``, weights only) and learning-rate decay
(``α0 / (1 + decay_rate·⌊e / time_interval⌋)`` at epoch e). Each backend computes them in its
own way: by hand (``reference_numpy.optim``) or with its framework's optimizers.

The checks of the training options (``check_optimizer``, ``check_lambd``,
``check_decay``) live here too; the dropout ones are in ``dropout``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from numbers import Integral, Real


from .batches import check_epoch_seeds
from .dropout import check_keep_prob

__all__ = [
    "GD",
    "Momentum",
    "RMSprop",
    "Adam",
    "OPTIMIZERS",
    "COURSE_FORMULAS",
    "check_optimizer",
    "check_lambd",
    "check_decay",
    "TrainingMethods",
    "check_training_methods",
]


def _check_real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def _check_beta(value, name: str) -> float:
    value = _check_real(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return value


def _check_epsilon(value, name: str = "epsilon") -> float:
    value = _check_real(value, name)
    if value <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


class _Optimizer:
    """Shared by the four descriptions: fields are validated and stored as Python floats,
    so that equal settings compare and hash equal whatever number type they came in."""

    def __post_init__(self):
        for field in fields(self):
            check = _check_epsilon if field.name == "epsilon" else _check_beta
            object.__setattr__(self, field.name, check(getattr(self, field.name), field.name))

    @property
    def name(self) -> str:
        """``"GD"``, ``"Momentum"``, ``"RMSprop"`` or ``"Adam"``: the key of ``COURSE_FORMULAS``."""
        return type(self).__name__


@dataclass(frozen=True)
class GD(_Optimizer):
    """Plain gradient descent: ``W -= α dW``."""


@dataclass(frozen=True)
class Momentum(_Optimizer):
    """``v = β v + (1−β) dW; W -= α v``, v from zeros. β in [0, 1); β = 0 is GD."""

    beta: float = 0.9


@dataclass(frozen=True)
class RMSprop(_Optimizer):
    """``s = β s + (1−β) dW²; W -= α dW / (√s + ε)``, s from zeros, ε outside the root."""

    beta: float = 0.9
    epsilon: float = 1e-8


@dataclass(frozen=True)
class Adam(_Optimizer):
    """``v = β1 v + (1−β1) dW; s = β2 s + (1−β2) dW²; W -= α v̂ / (√ŝ + ε)`` with
    ``v̂ = v / (1−β1ᵗ)``, ``ŝ = s / (1−β2ᵗ)``, t = 1 at the first update."""

    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8


OPTIMIZERS = (GD, Momentum, RMSprop, Adam)

# The course's formulas, in one line each; a backend's ``conventions()`` gives its framework's
# defaults under the same keys, for the conventions report.
COURSE_FORMULAS: dict[str, str] = {
    "GD": "W -= α dW",
    "Momentum": "v = β v + (1−β) dW (v from 0); W -= α v",
    "RMSprop": "s = β s + (1−β) dW² (s from 0); W -= α dW / (√s + ε)",
    "Adam": "v = β1 v + (1−β1) dW; s = β2 s + (1−β2) dW²; W -= α v̂ / (√ŝ + ε), v̂ = v/(1−β1ᵗ), ŝ = s/(1−β2ᵗ)",
    "L2": "J += (λ/2m) Σ‖W[l]‖²; dW[l] += (λ/m) W[l]; biases never decayed",
}


def check_optimizer(optimizer):
    """One of ``GD()``, ``Momentum(...)``, ``RMSprop(...)``, ``Adam(...)`` (already
    validated by its own constructor); anything else is a TypeError naming ``optimizer``."""
    if isinstance(optimizer, type) and issubclass(optimizer, OPTIMIZERS):
        raise TypeError(f"optimizer must be an instance such as {optimizer.__name__}(), got the class itself")
    if not isinstance(optimizer, OPTIMIZERS):
        names = ", ".join(f"{cls.__name__}()" for cls in OPTIMIZERS)
        raise TypeError(f"optimizer must be one of nn_contract.optim's {names}; got {optimizer!r}")
    return optimizer


def check_lambd(lambd) -> float:
    """The L2 strength λ: a finite real >= 0 (0 means no regularisation)."""
    if isinstance(lambd, bool) or not isinstance(lambd, Real):
        raise TypeError(f"lambd must be a real number >= 0, got {lambd!r}")
    if not math.isfinite(lambd) or lambd < 0:
        raise ValueError(f"lambd must be finite and >= 0, got {lambd!r}")
    return float(lambd)


def check_decay(decay_rate, time_interval) -> tuple[float, int]:
    """``decay_rate``: a finite real >= 0; ``time_interval``: an int >= 1 (epochs)."""
    if isinstance(decay_rate, bool) or not isinstance(decay_rate, Real):
        raise TypeError(f"decay_rate must be a real number >= 0, got {decay_rate!r}")
    if not math.isfinite(decay_rate) or decay_rate < 0:
        raise ValueError(f"decay_rate must be finite and >= 0, got {decay_rate!r}")
    if isinstance(time_interval, bool) or not isinstance(time_interval, Integral):
        raise TypeError(f"time_interval must be an int >= 1, got {time_interval!r}")
    if time_interval < 1:
        raise ValueError(f"time_interval must be >= 1, got {time_interval!r}")
    return float(decay_rate), int(time_interval)


@dataclass(frozen=True)
class TrainingMethods:
    """The checked training options of one ``train`` call, hashable.

    keep_prob: one float per hidden layer (() without hidden layers); dropout: whether any
    is below 1; l2: whether lambd > 0.
    """

    optimizer: GD | Momentum | RMSprop | Adam
    lambd: float
    keep_prob: tuple[float, ...]
    decay_rate: float
    time_interval: int

    @property
    def dropout(self) -> bool:
        return any(value < 1 for value in self.keep_prob)

    @property
    def l2(self) -> bool:
        return self.lambd > 0


def check_training_methods(optimizer=None, lambd=0.0, keep_prob=1.0, decay_rate=0.0, time_interval=1, spec=None,
                           *, seed: int = 0, num_epochs: int = 1, batch_size: int | None = None,
                           m: int | None = None) -> TrainingMethods:
    """Every course-2 option of ``train``, checked before any arithmetic.

    ``spec`` None is logistic regression, which has no hidden layer: keep_prob must be 1.
    ``seed``, ``num_epochs``, ``batch_size`` and ``m`` (already checked) let the per-epoch
    seeds ``seed + e`` be checked where they are used: by mini-batches and by dropout.
    """
    optimizer = GD() if optimizer is None else check_optimizer(optimizer)
    lambd = check_lambd(lambd)
    decay_rate, time_interval = check_decay(decay_rate, time_interval)
    if spec is None:
        if not (isinstance(keep_prob, Real) and not isinstance(keep_prob, bool) and keep_prob == 1):
            raise ValueError(f"keep_prob must be 1: logistic regression has no hidden layer to drop, got {keep_prob!r}")
        keep = ()
    else:
        keep = check_keep_prob(keep_prob, spec)
    methods = TrainingMethods(optimizer, lambd, keep, decay_rate, time_interval)
    if m is not None and (methods.dropout or (batch_size is not None and batch_size < m)):
        check_epoch_seeds(seed, num_epochs)
    return methods
