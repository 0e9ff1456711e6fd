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

import numpy as np

from ._common import drawn_parameters
from ._common import layers_dims as _checked_dims  # the graded functions' argument has this name

__all__ = ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]

_SEED = 3  # the course's np.random.seed(3) in initialize_parameters_random and _he


def _times_ten(W: np.ndarray, n_prev: int) -> np.ndarray:
    return W * 10


def _he(W: np.ndarray, n_prev: int) -> np.ndarray:
    return W * np.sqrt(2.0 / n_prev)


def initialize_parameters_zeros(layers_dims) -> dict:
    """layers_dims -> {"W1": zeros (n[1], n[0]), "b1": zeros (n[1], 1), ...}."""
    dims = _checked_dims(layers_dims, "layers_dims", "initialize_parameters_zeros(layers_dims)")
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = np.zeros((dims[l], dims[l - 1]))
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims) -> dict:
    """layers_dims -> W[l] = randn(n[l], n[l-1]) * 10 after seed 3, b[l] = zeros (n[l], 1)."""
    dims = _checked_dims(layers_dims, "layers_dims", "initialize_parameters_random(layers_dims)")
    return drawn_parameters(dims, _SEED, _times_ten)


def initialize_parameters_he(layers_dims) -> dict:
    """layers_dims -> W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1]) after seed 3, b[l] = zeros (n[l], 1)."""
    dims = _checked_dims(layers_dims, "layers_dims", "initialize_parameters_he(layers_dims)")
    return drawn_parameters(dims, _SEED, _he)
