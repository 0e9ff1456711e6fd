"""The model specification every implementation honours: ``ModelSpec``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Integral, Real

__all__ = [
    "ACTIVATION_NAMES",
    "OUTPUT_NAMES",
    "LOSS_NAMES",
    "DEFAULT_LOSS",
    "ModelSpec",
]

ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
OUTPUT_NAMES = ("sigmoid", "softmax", "linear")
LOSS_NAMES = ("binary_cross_entropy", "categorical_cross_entropy", "squared_error", "l1")

# The loss each output takes by default, and the losses it allows.
DEFAULT_LOSS = {
    "sigmoid": "binary_cross_entropy",
    "softmax": "categorical_cross_entropy",
    "linear": "squared_error",
}
_ALLOWED_LOSSES = {
    "sigmoid": ("binary_cross_entropy",),
    "softmax": ("categorical_cross_entropy",),
    "linear": ("squared_error", "l1"),
}


@dataclass(frozen=True)
class ModelSpec:
    """An L-layer network: ``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])``.

    layer_dims: ``(n_x, n[1], ..., n[L])``, L >= 1.
    hidden_activation: one name for every hidden layer, or one name per hidden layer
        (L - 1 names), from ``ACTIVATION_NAMES``.
    output: ``sigmoid`` (binary, or several independent labels), ``softmax`` (one of
        n[L] >= 2 classes) or ``linear`` (regression).
    loss: defaults from the output (``DEFAULT_LOSS``); ``l1`` is the alternative for a
        linear output.
    leaky_slope: the slope of ``leaky_relu`` for z < 0.

    The spec is hashable, so the JAX backend can use it as a static argument; after
    construction ``layer_dims`` and ``hidden_activation`` are tuples and ``loss`` is set.
    """

    layer_dims: tuple[int, ...]
    hidden_activation: str | tuple[str, ...] = "relu"
    output: str = "sigmoid"
    loss: str | None = None
    leaky_slope: float = 0.01
    activations: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dims = _check_layer_dims(self.layer_dims)
        n_hidden = len(dims) - 2
        hidden = _check_hidden(self.hidden_activation, n_hidden)
        output = _check_name("output", self.output, OUTPUT_NAMES)
        loss = DEFAULT_LOSS[output] if self.loss is None else self.loss
        _check_name("loss", loss, LOSS_NAMES)
        if loss not in _ALLOWED_LOSSES[output]:
            raise ValueError(
                f"loss {loss!r} does not fit output {output!r}; "
                f"allowed: {', '.join(_ALLOWED_LOSSES[output])}"
            )
        if output == "softmax" and dims[-1] < 2:
            raise ValueError(
                f"layer_dims: a softmax output needs n[L] >= 2 classes, got n[L] = {dims[-1]}"
            )
        slope = self.leaky_slope
        if isinstance(slope, bool) or not isinstance(slope, Real) or not math.isfinite(slope):
            raise TypeError(f"leaky_slope must be a finite real number, got {slope!r}")
        if slope < 0:
            raise ValueError(f"leaky_slope must be >= 0, got {slope!r}")
        # Frozen dataclass: normalise through object.__setattr__ so equal specs hash equal.
        object.__setattr__(self, "layer_dims", dims)
        object.__setattr__(self, "hidden_activation", hidden)
        object.__setattr__(self, "loss", loss)
        object.__setattr__(self, "leaky_slope", float(slope))
        per_layer = (hidden,) * n_hidden if isinstance(hidden, str) else hidden
        object.__setattr__(self, "activations", tuple(per_layer) + (output,))

    @property
    def num_layers(self) -> int:
        """L, the number of layers with parameters."""
        return len(self.layer_dims) - 1

    @property
    def n_x(self) -> int:
        return self.layer_dims[0]

    @property
    def n_y(self) -> int:
        return self.layer_dims[-1]

    def param_shapes(self) -> dict[str, tuple[int, int]]:
        """``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`` in layer order."""
        shapes: dict[str, tuple[int, int]] = {}
        for l in range(1, self.num_layers + 1):
            shapes[f"W{l}"] = (self.layer_dims[l], self.layer_dims[l - 1])
            shapes[f"b{l}"] = (self.layer_dims[l], 1)
        return shapes


def _check_layer_dims(layer_dims) -> tuple[int, ...]:
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__iter__"):
        raise TypeError(f"layer_dims must be a sequence of ints (n_x, n[1], ..., n[L]), got {layer_dims!r}")
    dims = tuple(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims needs at least (n_x, n[L]), got {dims!r}")
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, Integral):
            raise TypeError(f"layer_dims must hold ints, got {d!r} in {dims!r}")
        if d < 1:
            raise ValueError(f"layer_dims must be positive, got {d!r} in {dims!r}")
    return tuple(int(d) for d in dims)


def _check_hidden(hidden, n_hidden: int) -> str | tuple[str, ...]:
    if isinstance(hidden, str):
        return _check_name("hidden_activation", hidden, ACTIVATION_NAMES)
    if not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden_activation must be a name or a sequence of names, got {hidden!r}")
    names = tuple(_check_name("hidden_activation", h, ACTIVATION_NAMES) for h in hidden)
    if len(names) != n_hidden:
        raise ValueError(
            f"hidden_activation has {len(names)} names but layer_dims has {n_hidden} hidden layers"
        )
    return names


def _check_name(argument: str, value, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a name (str), got {value!r}")
    if value not in allowed:
        raise ValueError(f"unknown {argument} {value!r}; expected one of: {', '.join(allowed)}")
    return value
