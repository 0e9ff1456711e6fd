"""The cost J, computed from the logits Z[L] in ``autograd.numpy``; autograd gives dZ[L].

Working from the logits keeps cross-entropies finite at saturation: ``log σ(z)`` for
z = -800 is -800, while ``log(σ(-800))`` is ``log(0) = -inf``. Each loss is per example,
summed over output units and averaged over the m examples: ``J = (1/m) Σᵢ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)``.

- binary cross-entropy ``log(1 + e^z) - y z`` through ``np.logaddexp(0, z)``, whose vjp
  ``e^(z - logaddexp(0, z)) = σ(z)`` stays finite for any z.
- categorical cross-entropy ``logsumexp(z) - Σ_k y_k z_k`` through ``log_sum_exp``, a
  primitive whose vjp is the softmax (autograd's own tutorial example of a primitive).
  Written in traced NumPy instead, the max that keeps exp from overflowing would be
  differentiated too: a term that is 0 in exact arithmetic comes back as rounding noise
  (``e_argmax (1 - Σ softmax)``), and ``np.max``'s vjp divides by an int64 count of ties,
  which computes it in float64 for float32 input.
- squared error ``½(ŷ - y)²`` through ``np.square`` (its vjp keeps the dtype).
- l1 ``|ŷ - y|``: autograd's ``np.abs`` already has the contract's ``|·|'(0) = 0``.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as onp
from autograd.extend import defvjp, primitive

__all__ = ["LOSSES", "log_sum_exp", "cost_from_logits"]


@primitive
def log_sum_exp(Z):
    """Z: (K, m) -> log Σ_k exp(Z[k, i]) per column, (1, m)."""
    Z_max = Z.max(axis=0, keepdims=True)
    return Z_max + onp.log(onp.exp(Z - Z_max).sum(axis=0, keepdims=True))


# d logsumexp(z) / dz = softmax(z) = exp(z - logsumexp(z)), which never overflows.
defvjp(log_sum_exp, lambda ans, Z: lambda g: g * onp.exp(Z - ans))


def _binary_cross_entropy(ZL, Y):
    return anp.logaddexp(0, ZL) - Y * ZL


def _categorical_cross_entropy(ZL, Y):
    return log_sum_exp(ZL) - anp.sum(Y * ZL, axis=0, keepdims=True)


def _squared_error(ZL, Y):
    return 0.5 * anp.square(ZL - Y)


def _l1(ZL, Y):
    return anp.abs(ZL - Y)


LOSSES = {
    "binary_cross_entropy": _binary_cross_entropy,
    "categorical_cross_entropy": _categorical_cross_entropy,
    "squared_error": _squared_error,
    "l1": _l1,
}


def cost_from_logits(ZL, Y, loss: str):
    """ZL, Y: (n[L], m) -> J, a scalar of ZL's dtype (traced where ZL is), as torch's and JAX's
    of the same name; the reference's ``compute_cost`` returns a Python float instead."""
    m = Y.shape[1]
    return anp.sum(LOSSES[loss](ZL, Y)) / m
