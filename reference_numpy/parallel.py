"""Data parallel as the reference defines it: the sharded sum of one update step.

With ``world_size = k`` (CONTRACT.md, "Data parallel"; ``nn_contract.shards``) the step's
mini-batch X_t: (n_x, m_t) goes to k workers in contiguous shards of columns; worker r takes
the gradient of the *sum* of its shard's losses, the k sums are added and divided by m_t,
and L2 (weights only) joins with m_t. ``sharded_cost_and_grads`` computes exactly that, one
shard after another in this process: the result is the single-device step's by construction,
up to rounding (the sums are added in another order). A backend's distributed training is
held to it.

``torch_impl.parallel`` (worker processes over ``torch.distributed``) and
``jax_impl.parallel`` (a device mesh) run the same definition on real workers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nn_contract.shards import shard_bounds

__all__ = ["sharded_cost_and_grads"]


def sharded_cost_and_grads(data_cost_and_grads: Callable, X: np.ndarray, Y: np.ndarray, masks: dict | None,
                           world_size: int, l2: Callable | None = None):
    """X: (n_x, m_t), Y: (n[L], m_t), masks {"D1": (n[1], m_t), ...} or None -> (J, grads).

    ``data_cost_and_grads(X_s, Y_s, masks_s) -> (J_s, grads_s)`` is the shard's mean data
    cost and its gradients (no L2); m_s J_s and m_s grads_s are the shard's sums. Empty
    shards (a batch smaller than ``world_size``) add zero. ``l2(m_t) -> (J_L2, {"dW1": ...})``,
    when given, adds the L2 term and its gradient with the global m_t, once.
    """
    m_t = X.shape[1]
    total_cost, total = 0.0, None
    for start, stop in shard_bounds(m_t, world_size):
        m_s = stop - start
        if m_s == 0:
            continue  # the empty worker all-reduces zeros
        masks_s = None if masks is None else {key: D[:, start:stop] for key, D in masks.items()}
        cost, grads = data_cost_and_grads(X[:, start:stop], Y[:, start:stop], masks_s)
        total_cost += m_s * cost
        sums = {key: m_s * g for key, g in grads.items()}
        total = sums if total is None else {key: total[key] + sums[key] for key in total}
    grads = {key: g / m_t for key, g in total.items()}
    cost = total_cost / m_t
    if l2 is not None:
        l2_cost, l2_grads = l2(m_t)
        cost += l2_cost
        grads = {key: g + l2_grads[key] if key in l2_grads else g for key, g in grads.items()}
    return cost, grads
