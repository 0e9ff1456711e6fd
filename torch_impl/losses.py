"""The cost J, computed from the logits Z[L]; autograd supplies dJ/dZ[L].

Working from the logits keeps cross-entropies finite at saturation, and torch's fused
forms also differentiate exactly: ``binary_cross_entropy_with_logits`` has the backward
``σ(z) - y`` (0.5 - y at z = 0), where autodiff through the hand-written stable formula
``max(z, 0) - z y + log1p(e^-|z|)`` would take the kinks of max and |·| at z = 0 and get
it wrong. Each loss is per example, summed over output units and averaged over the m
examples: ``J = (1/m) Σᵢ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)``. Layout as in the notes: (n[L], m).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["LOSSES", "cost_from_logits"]


def _binary_cross_entropy(ZL, Y):
    # -[y log σ(z) + (1-y) log(1-σ(z))], elementwise
    return F.binary_cross_entropy_with_logits(ZL, Y, reduction="none")


def _categorical_cross_entropy(ZL, Y):
    # -Σ_k y_k log softmax(z)_k per column: (K, m) -> (1, m)
    return -(Y * F.log_softmax(ZL, dim=0)).sum(dim=0, keepdim=True)


def _squared_error(ZL, Y):
    return 0.5 * (ZL - Y) ** 2


def _l1(ZL, Y):
    # torch.abs backward is sign(ŷ - y): |·|'(0) = 0, as the contract fixes.
    return torch.abs(ZL - Y)


LOSSES = {
    "binary_cross_entropy": _binary_cross_entropy,
    "categorical_cross_entropy": _categorical_cross_entropy,
    "squared_error": _squared_error,
    "l1": _l1,
}


def cost_from_logits(ZL: torch.Tensor, Y: torch.Tensor, loss: str) -> torch.Tensor:
    """ZL, Y: (n[L], m) -> J, a 0-dim tensor (still on the device, still in the graph).

    The reference's ``losses.compute_cost`` returns a Python float; this one never syncs
    with the host, hence its own name."""
    m = Y.shape[1]
    return LOSSES[loss](ZL, Y).sum() / m
