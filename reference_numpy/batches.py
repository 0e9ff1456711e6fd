"""Mini-batch order, shared by every backend so that all see the same batches."""

from __future__ import annotations

import numpy as np

__all__ = ["epoch_permutations", "batch_bounds"]


def epoch_permutations(m: int, num_epochs: int, seed: int) -> np.ndarray:
    """(num_epochs, m) int64: row e is the order of the examples in epoch e.

    One NumPy permutation per epoch, drawn in sequence from ``seed``. ``train`` draws them
    only for mini-batches: a full batch is used in its given order, as in the notes.
    """
    rng = np.random.RandomState(seed)
    return np.stack([rng.permutation(m) for _ in range(num_epochs)]).astype(np.int64)


def batch_bounds(m: int, batch_size: int) -> list[tuple[int, int]]:
    """[(start, stop), ...] covering 0..m in batches of ``batch_size``; the last, smaller
    batch is kept."""
    return [(start, min(start + batch_size, m)) for start in range(0, m, batch_size)]
