"""The course-2 assignments' 3-layer network, LINEAR -> RELU -> LINEAR -> RELU -> LINEAR ->
SIGMOID: its parameters, its forward pass and its helper files' cross-entropy, written once.

    KEYS                                  the parameters' names in the course's order
    checked_parameters(parameters, call)  the dict, refused (named) if it is not one or lacks a key
    parameter_arrays(parameters, call)    (W1, b1, W2, b2, W3, b3) as arrays, checked so
    forward(X, W1, b1, W2, b2, W3, b3)    X: (n_x, m) -> (A3: (1, m), the course's 12-tuple cache
                                          (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3))
    cross_entropy_terms(A3, Y)            A3, Y: (1, m) -> -Y log A3 - (1-Y) log(1-A3): (1, m)
    nansum_cost(A3, Y)                    reg_utils.compute_cost: (1/m) nansum of the terms

Private to ``reference_numpy.course`` (``gradient_checking``, ``regularization``) and to
``reference_numpy.course_modules`` (``reg_utils``, ``init_utils``, ``opt_utils``), which serve the
same network to students' notebooks.
"""

from __future__ import annotations

import numpy as np

from ..activations import relu, sigmoid
from ._common import dictionary

__all__ = ["KEYS", "checked_parameters", "parameter_arrays", "forward", "cross_entropy_terms", "nansum_cost"]

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")


def checked_parameters(parameters, call: str) -> dict:
    """parameters {"W1", "b1", "W2", "b2", "W3", "b3"}: a dict holding all six, else named."""
    parameters = dictionary(parameters, "parameters", "{'W1', 'b1', 'W2', 'b2', 'W3', 'b3'}", call)
    missing = [key for key in KEYS if key not in parameters]
    if missing:
        raise ValueError(f"parameters lacks {missing}: the 3-layer network needs W1, b1, W2, b2, W3, b3")
    return parameters


def parameter_arrays(parameters, call: str) -> tuple[np.ndarray, ...]:
    """(W1, b1, W2, b2, W3, b3) of ``checked_parameters(parameters, call)``, as arrays."""
    parameters = checked_parameters(parameters, call)
    return tuple(np.asarray(parameters[key]) for key in KEYS)


def forward(X: np.ndarray, W1, b1, W2, b2, W3, b3):
    """X: (n_x, m) -> A3 = σ(W3 relu(W2 relu(W1 X + b1) + b2) + b3): (1, m) and the 12-tuple cache."""
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def cross_entropy_terms(A3, Y) -> np.ndarray:
    """A3, Y: (1, m) -> the per-example loss -Y log A3 - (1-Y) log(1-A3), as the course writes it
    (NumPy warns where A3 is 0 or 1: callers that count 0 log 0 as 0 say so)."""
    A3, Y = np.asarray(A3), np.asarray(Y)
    return np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)


def nansum_cost(A3, Y):
    """A3, Y: (1, m) -> J = (1/m) Σ (-Y log A3 - (1-Y) log(1-A3)), NaN terms (0 log 0) counted
    as 0: the course's reg_utils.compute_cost, and the cross-entropy of its L2 cost."""
    m = np.shape(Y)[1]
    with np.errstate(divide="ignore", invalid="ignore"):  # nansum drops what these make
        terms = cross_entropy_terms(A3, Y)
    return 1.0 / m * np.nansum(terms)
