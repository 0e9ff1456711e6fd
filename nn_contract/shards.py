"""Data parallel as the contract defines it: every mini-batch split into contiguous shards.

With ``world_size = k``, the examples of one update step (the columns of its mini-batch, in
the batch's order) go to k workers in k contiguous shards, the first ``m_t mod k`` of them one
example longer (NumPy's ``array_split``): 64 over 3 is 22/21/21, 17 over 2 is 9/8, and a batch
smaller than k leaves the last workers empty. Each worker takes the gradient of the *sum* of
its examples' losses; the sums are added across workers and divided by the step's global
batch size m_t, so the update is the single-device one (CONTRACT.md, "Data parallel"), never
the mean of the shards' means, which differs whenever the shards differ in size. L2's term
and gradient use m_t too, and dropout's masks are the step's global ones, each worker taking
its shard's columns.
"""

from __future__ import annotations

from numbers import Integral

__all__ = ["check_world_size", "shard_bounds", "shard_sizes"]


def check_world_size(world_size) -> int:
    """An int >= 1: the number of workers every mini-batch is split across."""
    if isinstance(world_size, bool) or not isinstance(world_size, Integral):
        raise TypeError(f"world_size must be an int >= 1, got {world_size!r}")
    if world_size < 1:
        raise ValueError(f"world_size must be >= 1, got {world_size!r}")
    return int(world_size)


def shard_sizes(m: int, world_size: int) -> list[int]:
    """The examples of each of ``world_size`` contiguous shards of an m-example batch:
    ``m // k + 1`` for the first ``m % k`` shards, ``m // k`` for the rest."""
    base, extra = divmod(m, world_size)
    return [base + (rank < extra) for rank in range(world_size)]


def shard_bounds(m: int, world_size: int) -> list[tuple[int, int]]:
    """[(start, stop), ...], one per rank, covering 0..m contiguously in ``shard_sizes``."""
    bounds, start = [], 0
    for size in shard_sizes(m, world_size):
        bounds.append((start, start + size))
        start += size
    return bounds
