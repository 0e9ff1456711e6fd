"""Activations g, as a table keyed by name, in ``autograd.numpy``.

Derivatives come from autograd, so each g is written to make autograd give the contract's
values at the kinks, in the input's dtype. What autograd 1.9.1 does by default:

- ``np.maximum(Z, 0)`` splits the gradient of a tie: ``relu'(0) = 0.5``. Not used.
- ``np.where(Z > 0, Z, slope * Z)`` differentiates only the branch it selects (so the kinks
  would come out right), but its vjp fills the other branch with ``np.zeros(g.shape)``,
  which is float64: from there on the backward pass of a float32 network runs in float64
  (the gradient w.r.t. a bare array comes back float64; w.r.t. a params dict, autograd casts
  it back to float32 as it accumulates, which hides the upcast). Not used where it is traced.
- ``np.abs``: ``|·|'(0) = 0``, as the contract wants. So the reference's stable sigmoid,
  ``exp(-|Z|)`` on two branches, would get ``σ'(0) = 0`` instead of 1/4 under autograd.
- ``np.tanh``'s vjp is ``g / cosh(Z)²``: right, but ``cosh`` overflows with a RuntimeWarning
  for |Z| above about 89 in float32 (710 in float64).

So the kinks are masks of Z's dtype, computed from Z's value and held constant (autograd does
not trace a comparison): ``relu(Z) = Z ⊙ [Z > 0]`` has derivative ``[Z > 0]``, 0 at 0, and
``leaky_relu(Z) = Z ⊙ (1 if Z > 0 else slope)`` has the slope at 0. The forward values are
the reference's, bit for bit.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as onp
from autograd.extend import defvjp, primitive

__all__ = ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "ACTIVATIONS"]


def _mask(condition, dtype):
    """A 0/1 array of ``dtype`` from a boolean array; a constant to autograd."""
    return onp.asarray(condition).astype(dtype)


def sigmoid(Z):
    """σ(Z) = 1 / (1 + e^-Z), elementwise, without overflow for |Z| in the thousands.

    E = exp(-|Z|) <= 1, with |Z| written as ``s ⊙ Z`` for the constant sign s (+1 at 0),
    so that d|Z|/dZ = +1 at 0, as on the branch Z >= 0 that σ takes there; then
    σ = 1/(1+E) for Z >= 0 and E/(1+E) below, selected by a constant mask p.
    """
    p = _mask(Z >= 0, Z.dtype)
    E = anp.exp(-((2 * p - 1) * Z))
    return (p + (1 - p) * E) / (1 + E)


# tanh with the derivative 1 - tanh², from the forward value, as the notes write it: finite
# and warning-free for any Z, where autograd's own 1/cosh² overflows.
tanh = primitive(onp.tanh)
defvjp(tanh, lambda ans, Z: lambda g: g * (1 - ans**2))


def relu(Z):
    return Z * _mask(Z > 0, Z.dtype)


def leaky_relu(Z, slope: float = 0.01):
    return Z * onp.where(onp.asarray(Z > 0), 1.0, slope).astype(Z.dtype)


def linear(Z):
    return Z


def softmax(Z):
    """Z: (K, m) -> columns that sum to 1; the column max is subtracted first so exp
    never overflows. For A[L] only: the cost reads the logits (losses.py)."""
    E = anp.exp(Z - anp.max(Z, axis=0, keepdims=True))
    return E / anp.sum(E, axis=0, keepdims=True)


ACTIVATIONS = {
    "sigmoid": lambda Z, slope: sigmoid(Z),
    "tanh": lambda Z, slope: tanh(Z),
    "relu": lambda Z, slope: relu(Z),
    "leaky_relu": leaky_relu,
    "linear": lambda Z, slope: linear(Z),
    "softmax": lambda Z, slope: softmax(Z),
}
