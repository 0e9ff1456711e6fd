"""Course 2, week 1, "Initialization": the graded initialisers of the course's 3-layer ReLU
network, under the course's names and signatures.

    initialize_parameters_zeros(layers_dims)     W[l] = 0, b[l] = 0
    initialize_parameters_random(layers_dims)    W[l] = randn(n[l], n[l-1]) * 10 after seed 3, b[l] = 0
    initialize_parameters_he(layers_dims)        W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1]) after seed 3

``layers_dims = [n_x, n[1], ..., n[L]]``; W[l]: (n[l], n[l-1]), b[l]: (n[l], 1), drawn in layer
order from a private ``RandomState`` seeded as the course seeds ``np.random`` (the same numbers,
the caller's global state untouched).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._common import order

__all__ = ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]

_SEED = 3  # the course's np.random.seed(3) in initialize_parameters_random and _he


def _dims(layers_dims, call: str) -> list[int]:
    """[n_x, n[1], ..., n[L]]: at least two positive ints."""
    if isinstance(layers_dims, (str, bytes, dict)) or not hasattr(layers_dims, "__iter__"):
        raise TypeError(f"layers_dims must be a list of ints [n_x, n[1], ..., n[L]], "
                        f"got {layers_dims!r}{order(call)}")
    dims = list(layers_dims)
    if len(dims) < 2 or any(isinstance(n, bool) or not isinstance(n, Integral) or n < 1 for n in dims):
        raise ValueError(f"layers_dims must hold at least two positive ints [n_x, n[1], ..., n[L]], "
                         f"got {layers_dims!r}")
    return [int(n) for n in dims]


def _drawn(layers_dims, call: str, scale) -> dict:
    dims = _dims(layers_dims, call)
    rng = np.random.RandomState(_SEED)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) * scale(dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_parameters_zeros(layers_dims) -> dict:
    """layers_dims -> {"W1": zeros (n[1], n[0]), "b1": zeros (n[1], 1), ...}."""
    dims = _dims(layers_dims, "initialize_parameters_zeros(layers_dims)")
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.zeros((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims) -> dict:
    """layers_dims -> W[l] = randn(n[l], n[l-1]) * 10 after seed 3, b[l] = zeros (n[l], 1)."""
    return _drawn(layers_dims, "initialize_parameters_random(layers_dims)", lambda n_prev: 10)


def initialize_parameters_he(layers_dims) -> dict:
    """layers_dims -> W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1]) after seed 3, b[l] = zeros (n[l], 1)."""
    return _drawn(layers_dims, "initialize_parameters_he(layers_dims)", lambda n_prev: np.sqrt(2.0 / n_prev))
