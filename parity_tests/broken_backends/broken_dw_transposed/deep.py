"""Defect: cost_and_grads returns dW[1] transposed, (n[0], n[1]) instead of W[1]'s (n[1], n[0]).

A layout slip at the boundary only: ``train`` uses the right gradient and is the reference's.
"""

from __future__ import annotations

import numpy as np

from reference_numpy import deep as _ref
from reference_numpy.deep import predict, predict_proba, train

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def cost_and_grads(params, X, Y, spec):
    """X: (n_x, m), Y: (n[L], m) -> (J, grads {"dW1", "db1", ...}), with dW1 as dW[1]ᵀ."""
    cost, grads = _ref.cost_and_grads(params, X, Y, spec)
    grads["dW1"] = np.ascontiguousarray(grads["dW1"].T)  # the defect
    return cost, grads
