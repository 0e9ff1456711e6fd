"""Initial parameters: the only source of starting points for parity.

A legacy ``numpy.random.RandomState`` draws them: its stream is frozen by NumPy's policy
(NEP 19), so the same seed gives the same numbers on every machine and NumPy version, and
``init_params(spec, 3, "random")`` reproduces the notes' ``np.random.seed(3)`` + ``randn``.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import check_dtype, check_seed
from .spec import ModelSpec

__all__ = ["INIT_METHODS", "init_params", "init_logistic_params"]


def _zeros(n_in: int) -> float:
    return 0.0


# Scale of W[l] = randn(n[l], n[l-1]) * scale(n[l-1]).
INIT_METHODS = {
    "zeros": _zeros,
    "random": lambda n_in: 0.01,
    "xavier": lambda n_in: math.sqrt(1.0 / n_in),
    "he": lambda n_in: math.sqrt(2.0 / n_in),
}


def init_params(spec: ModelSpec, seed: int = 0, method: str = "random", *, dtype="float64") -> dict[str, np.ndarray]:
    """Parameters ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL", "bL"}``, biases zero.

    method: ``zeros``, ``random`` (randn * 0.01), ``xavier`` (randn * sqrt(1/n[l-1])) or
    ``he`` (randn * sqrt(2/n[l-1])). Numbers are drawn in float64 layer by layer, then cast
    to ``dtype``, so float32 parameters are the float64 ones rounded.
    """
    if not isinstance(spec, ModelSpec):
        raise TypeError(f"spec must be a ModelSpec, got {type(spec).__name__}")
    scale = _check_method(method)
    dtype = check_dtype(dtype, "dtype")
    rng = np.random.RandomState(check_seed(seed))
    params: dict[str, np.ndarray] = {}
    for l in range(1, spec.num_layers + 1):
        n_out, n_in = spec.layer_dims[l], spec.layer_dims[l - 1]
        # Draw even for "zeros" so every method consumes the stream alike.
        W = rng.randn(n_out, n_in) * scale(n_in)
        params[f"W{l}"] = W.astype(dtype)
        params[f"b{l}"] = np.zeros((n_out, 1), dtype=dtype)
    return params


def init_logistic_params(n_x: int, seed: int = 0, method: str = "zeros", *, dtype="float64") -> dict:
    """Logistic-regression parameters ``{"w": (n_x, 1), "b": 0.0}``.

    The notes start from zeros (``initialize_with_zeros``); the other methods draw ``w``
    as ``init_params`` draws ``W1.T`` for ``layer_dims = (n_x, 1)``.
    """
    if isinstance(n_x, bool) or not isinstance(n_x, (int, np.integer)):
        raise TypeError(f"n_x must be an int, got {n_x!r}")
    if n_x < 1:
        raise ValueError(f"n_x must be >= 1, got {n_x!r}")
    W1 = init_params(ModelSpec((int(n_x), 1)), seed, method, dtype=dtype)["W1"]
    return {"w": np.ascontiguousarray(W1.T), "b": 0.0}


def _check_method(method):
    if not isinstance(method, str):
        raise TypeError(f"method must be a name (str), got {method!r}")
    if method not in INIT_METHODS:
        raise ValueError(f"unknown init method {method!r}; expected one of: {', '.join(INIT_METHODS)}")
    return INIT_METHODS[method]
