"""Mini-batch order, shared by every backend so that all see the same batches.

The course-2 scheme: epoch e (from 0) takes the examples in the order
``np.random.RandomState(seed + e).permutation(m)`` (the course's ``np.random.seed(s)`` then
``permutation(m)``, s raised by one each epoch). A full batch keeps the given order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["epoch_permutation", "epoch_permutations", "batch_bounds", "check_epoch_seeds"]


def check_epoch_seeds(seed: int, num_epochs: int) -> None:
    """Epoch e seeds ``RandomState(seed + e)``, which takes seeds below 2**32: refuse a checked
    ``seed`` whose last epoch's seed ``seed + num_epochs - 1`` would not fit."""
    if seed + num_epochs - 1 >= 2**32:
        raise ValueError(
            f"seed + num_epochs - 1 must be < 2**32 (epoch e shuffles with RandomState(seed + e)); "
            f"got seed={seed}, num_epochs={num_epochs}"
        )


def epoch_permutation(m: int, *, seed: int, epoch: int) -> np.ndarray:
    """(m,) int64: the order of the examples in epoch ``epoch`` (from 0),
    ``np.random.RandomState(seed + epoch).permutation(m)``."""
    return np.random.RandomState(seed + epoch).permutation(m).astype(np.int64)


def epoch_permutations(m: int, *, seed: int, num_epochs: int) -> np.ndarray:
    """(num_epochs, m) int64: row e is ``epoch_permutation(m, seed=seed, epoch=e)``, the order of the
    examples in epoch e. ``train`` draws them only for mini-batches: a full batch is used in
    its given order, as in the notes."""
    return np.stack([epoch_permutation(m, seed=seed, epoch=e) for e in range(num_epochs)])


def batch_bounds(m: int, batch_size: int) -> list[tuple[int, int]]:
    """[(start, stop), ...] covering 0..m in batches of ``batch_size``; the last, smaller
    batch is kept."""
    return [(start, min(start + batch_size, m)) for start in range(0, m, batch_size)]
