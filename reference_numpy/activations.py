"""Activations g and their derivatives g', as tables keyed by name.

Derivatives at the kinks are fixed by the contract: ``relu'(0) = 0`` and
``leaky_relu'(0) = slope``. Each derivative takes ``(Z, A)`` so that sigmoid and tanh can
reuse the forward value ``A = g(Z)`` from the cache, as the notes do.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "relu", "leaky_relu", "linear", "softmax", "ACTIVATIONS", "DERIVATIVES"]


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """σ(Z) = 1 / (1 + e^-Z), elementwise, without overflow for |Z| in the thousands."""
    # exp(-|Z|) <= 1 never overflows; the two branches are the same function.
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))


def relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(Z, 0)


def leaky_relu(Z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    return np.where(Z > 0, Z, slope * Z)


def linear(Z: np.ndarray) -> np.ndarray:
    return Z


def softmax(Z: np.ndarray) -> np.ndarray:
    """Z: (K, m) -> columns that sum to 1; the column max is subtracted first so exp
    never overflows."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _sigmoid_derivative(Z, A, slope):
    return A * (1 - A)


def _tanh_derivative(Z, A, slope):
    return 1 - A**2


def _relu_derivative(Z, A, slope):
    return (Z > 0).astype(Z.dtype)


def _leaky_relu_derivative(Z, A, slope):
    return np.where(Z > 0, 1, slope).astype(Z.dtype)


def _linear_derivative(Z, A, slope):
    return np.ones_like(Z)


ACTIVATIONS = {
    "sigmoid": lambda Z, slope: sigmoid(Z),
    "tanh": lambda Z, slope: np.tanh(Z),
    "relu": lambda Z, slope: relu(Z),
    "leaky_relu": leaky_relu,
    "linear": lambda Z, slope: linear(Z),
    "softmax": lambda Z, slope: softmax(Z),
}

# g'(Z) for the hidden activations; an output's derivative is folded into dZ[L] (losses.py).
DERIVATIVES = {
    "sigmoid": _sigmoid_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
    "leaky_relu": _leaky_relu_derivative,
    "linear": _linear_derivative,
}
