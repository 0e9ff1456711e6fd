"""The course's ``gc_utils`` (the gradient-checking assignment).

    sigmoid(x), relu(x)                   the activation alone
    dictionary_to_vector(parameters)      -> (theta: (N, 1), keys): W1, b1, W2, b2, W3, b3 flattened
                                             in that order; keys names each entry's parameter
    vector_to_dictionary(theta)           -> parameters of the assignment's network, W1 (5, 4),
                                             b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    gradients_to_vector(gradients)        -> (N, 1): dW1, db1, ..., db3 flattened in that order

The order and the shapes are the course's: its ``gradient_check_n`` takes a network of that
shape (4 inputs, 5 and 3 hidden units, 1 output).
"""

from __future__ import annotations

import numpy as np

from ._three_layer import plain_relu as relu
from ._three_layer import plain_sigmoid as sigmoid

__all__ = ["sigmoid", "relu", "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector"]

_KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
_SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}


def _roll(dictionary, keys) -> tuple[np.ndarray, list[str]]:
    missing = [k for k in keys if k not in dictionary]
    if missing:
        raise ValueError(f"missing {missing}: expected the keys {list(keys)}")
    pieces = [np.reshape(dictionary[k], (-1, 1)) for k in keys]
    names = [k for k, piece in zip(keys, pieces) for _ in range(piece.shape[0])]
    return np.concatenate(pieces, axis=0), names


def dictionary_to_vector(parameters):
    """parameters {"W1", ..., "b3"} -> (theta: (N, 1), keys: one name per entry)."""
    return _roll(parameters, _KEYS)


def vector_to_dictionary(theta) -> dict:
    """theta: (N, 1), N = 47 -> {"W1": (5, 4), "b1": (5, 1), ..., "b3": (1, 1)}."""
    theta = np.asarray(theta)
    total = sum(int(np.prod(s)) for s in _SHAPES.values())
    if theta.size != total:
        raise ValueError(f"theta must hold {total} entries (the course's network), got shape {theta.shape}")
    parameters, start = {}, 0
    for key in _KEYS:
        size = int(np.prod(_SHAPES[key]))
        parameters[key] = theta.reshape(-1)[start:start + size].reshape(_SHAPES[key])
        start += size
    return parameters


def gradients_to_vector(gradients) -> np.ndarray:
    """gradients {"dW1", ..., "db3"} -> theta: (N, 1)."""
    return _roll(gradients, tuple("d" + k for k in _KEYS))[0]
