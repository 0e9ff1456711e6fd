"""From the output A[L] to labels in Y's layout: the one rule every backend's ``predict`` uses."""

from __future__ import annotations

import numpy as np

__all__ = ["labels_from_proba"]


def labels_from_proba(AL: np.ndarray, output: str) -> np.ndarray:
    """A[L]: (n[L], m) -> (n[L], m) in A[L]'s dtype: 0/1 where A[L] > 0.5 for ``sigmoid``,
    a one-hot column at the arg-max for ``softmax`` (first class on ties), A[L] itself for
    ``linear``."""
    if output == "sigmoid":
        return (AL > 0.5).astype(AL.dtype)
    if output == "softmax":
        labels = np.zeros_like(AL)
        labels[AL.argmax(axis=0), np.arange(AL.shape[1])] = 1
        return labels
    return AL
