"""MLP's stopping rule, on the epoch losses (``parity.estimators``' "Convergence")."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["epoch_losses", "stopping_epoch"]


def epoch_losses(costs, n_samples: int, batch_size: int) -> list[float]:
    """costs: one per update step, ``ceil(n_samples / batch_size)`` per epoch -> one loss per
    epoch, ``Σ_batches cost · |batch| / n_samples`` (MLP's epoch loss)."""
    sizes = np.array([min(batch_size, n_samples - start) for start in range(0, n_samples, batch_size)], dtype=float)
    per_epoch = np.asarray(costs, dtype=float).reshape(-1, len(sizes))
    return [float(v) for v in per_epoch @ sizes / n_samples]


def stopping_epoch(losses, tol: float, n_iter_no_change: int) -> int | None:
    """MLP's rule on the epoch losses: the number of epochs after which training stops, or
    None where it runs through all of them.

    An epoch whose loss is > best - tol (best over the earlier epochs, from +inf) adds one
    to a count that a better epoch resets to 0; training stops after the epoch at which the
    count exceeds ``n_iter_no_change``.
    """
    best, count = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None
