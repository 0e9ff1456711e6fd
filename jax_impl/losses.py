"""The cost J, computed from the logits Z[L]; its gradient is ``jax.grad``'s.

Working from the logits keeps cross-entropies finite at saturation: ``log σ(z)`` for
z = -800 is ``-800``, while ``log(σ(-800))`` is ``log(0) = -inf``. Each loss is per example,
summed over output units and averaged over the m examples: ``J = (1/m) Σᵢ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)``.

Each form is also chosen for its derivative under autodiff, which must match the contract
everywhere, kinks included (see the notes on ``_binary_cross_entropy`` and ``_l1``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["LOSSES", "cost_from_logits"]


def _binary_cross_entropy(ZL, Y):
    # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1 + e^z) - y z. logaddexp's derivative is
    # σ(z) everywhere, so dJ/dz = σ(0) - y at z = 0. The textbook-stable
    # max(z, 0) - y z + log1p(e^-|z|) is not: at z = 0 autodiff of its two kinks gives -y.
    return jnp.logaddexp(0, ZL) - Y * ZL


def _categorical_cross_entropy(ZL, Y):
    # -Σ_k y_k log softmax(z)_k = logsumexp(z) - Σ_k y_k z_k, for one-hot y
    return jax.nn.logsumexp(ZL, axis=0, keepdims=True) - (Y * ZL).sum(axis=0, keepdims=True)


def _squared_error(ZL, Y):
    return 0.5 * (ZL - Y) ** 2


def _l1(ZL, Y):
    # |d| as sign(d) * d: the same value, but autodiff gives sign(d) + d * 0, so |·|'(0) = 0
    # as the contract fixes; jnp.abs's derivative at 0 is 1.
    D = ZL - Y
    return jnp.sign(D) * D


LOSSES = {
    "binary_cross_entropy": _binary_cross_entropy,
    "categorical_cross_entropy": _categorical_cross_entropy,
    "squared_error": _squared_error,
    "l1": _l1,
}


def cost_from_logits(ZL: jax.Array, Y: jax.Array, loss: str) -> jax.Array:
    """ZL, Y: (n[L], m) -> J, a 0-d array in ZL's dtype (jittable; not a Python float, so not
    the reference's ``losses.compute_cost``)."""
    m = Y.shape[1]
    return LOSSES[loss](ZL, Y).sum() / m
