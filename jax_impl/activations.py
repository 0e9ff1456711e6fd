"""Activations g, as a table keyed by name, in jax.numpy.

Derivatives come from ``jax.grad``, so each g is written to make autodiff give the contract's
values at the kinks: ``relu'(0) = 0`` and ``leaky_relu'(0) = slope``. ``jnp.maximum(Z, 0)``
would not do: JAX splits the gradient of a tie and gives ``relu'(0) = 0.5``. ``jnp.where``
differentiates only the branch it selects, and ``Z > 0`` selects the flat branch at 0.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["sigmoid", "relu", "leaky_relu", "linear", "softmax", "ACTIVATIONS"]


def sigmoid(Z: jax.Array) -> jax.Array:
    """σ(Z) = 1 / (1 + e^-Z), elementwise; ``jax.nn.sigmoid`` is stable for any |Z|."""
    return jax.nn.sigmoid(Z)


def relu(Z: jax.Array) -> jax.Array:
    return jnp.where(Z > 0, Z, 0)


def leaky_relu(Z: jax.Array, slope: float = 0.01) -> jax.Array:
    return jnp.where(Z > 0, Z, slope * Z)


def linear(Z: jax.Array) -> jax.Array:
    return Z


def softmax(Z: jax.Array) -> jax.Array:
    """Z: (K, m) -> columns that sum to 1 (rows are units, columns are examples)."""
    return jax.nn.softmax(Z, axis=0)


ACTIVATIONS = {
    "sigmoid": lambda Z, slope: sigmoid(Z),
    "tanh": lambda Z, slope: jnp.tanh(Z),
    "relu": lambda Z, slope: relu(Z),
    "leaky_relu": leaky_relu,
    "linear": lambda Z, slope: linear(Z),
    "softmax": lambda Z, slope: softmax(Z),
}
