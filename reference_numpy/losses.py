"""The cost J and its gradient dZ[L], computed from the logits Z[L].

Working from the logits rather than from A[L] keeps cross-entropies finite at saturation:
``log σ(z)`` for z = -800 is ``-800``, while ``log(σ(-800))`` is ``log(0) = -inf``.
Each loss is per example, summed over output units and averaged over the m examples:
``J = (1/m) Σᵢ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)``.
"""

from __future__ import annotations

import numpy as np


__all__ = ["LOSSES", "compute_cost", "output_delta"]


def _log_sum_exp(Z: np.ndarray) -> np.ndarray:
    """log Σ_k exp(Z[k, i]) per column: (K, m) -> (1, m)."""
    Z_max = Z.max(axis=0, keepdims=True)
    return Z_max + np.log(np.exp(Z - Z_max).sum(axis=0, keepdims=True))


def _binary_cross_entropy(ZL, Y):
    # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1 + e^z) - y z
    return np.logaddexp(0, ZL) - Y * ZL


def _categorical_cross_entropy(ZL, Y):
    # -Σ_k y_k log softmax(z)_k = logsumexp(z) - Σ_k y_k z_k, for one-hot y
    return _log_sum_exp(ZL) - (Y * ZL).sum(axis=0, keepdims=True)


def _squared_error(ZL, Y):
    return 0.5 * (ZL - Y) ** 2


def _l1(ZL, Y):
    return np.abs(ZL - Y)


LOSSES = {
    "binary_cross_entropy": _binary_cross_entropy,
    "categorical_cross_entropy": _categorical_cross_entropy,
    "squared_error": _squared_error,
    "l1": _l1,
}


def compute_cost(ZL: np.ndarray, Y: np.ndarray, loss: str) -> float:
    """ZL, Y: (n[L], m) -> J, a Python float."""
    m = Y.shape[1]
    return float(LOSSES[loss](ZL, Y).sum() / m)


def output_delta(ZL: np.ndarray, AL: np.ndarray, Y: np.ndarray, loss: str) -> np.ndarray:
    """dZ[L] = ∂L/∂Z[L] per example, (n[L], m), not yet divided by m (the notes' layout:
    ``dW = (1/m) dZ A[l-1]ᵀ``).

    For sigmoid + binary and softmax + categorical cross-entropy, and for a linear output
    with squared error, it is ``A[L] - Y``; for l1 it is ``sign(A[L] - Y)``, with
    ``|·|'(0) = 0`` by the contract.
    """
    if loss == "l1":
        return np.sign(AL - Y)
    return AL - Y
