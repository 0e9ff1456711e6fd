"""The one-thread rule (``parity.estimators``' "Threads"): small problems run one BLAS/OpenMP thread.

The threshold is read at each fit and prediction: to change it, set
``parity.estimators.threads.SMALL_PROBLEM_FLOPS``.
"""

from __future__ import annotations

import contextlib

from threadpoolctl import threadpool_limits

from nn_contract import ModelSpec

__all__ = ["SMALL_PROBLEM_FLOPS", "multiply_adds", "thread_limit"]

# Below this many floating-point operations per update step (forward and backward,
# ~6 * batch * Σ n[l] n[l-1]) a fit runs one BLAS/OpenMP thread; a prediction likewise
# below this many for its forward pass (2 * n_samples * Σ n[l] n[l-1]). Measured with
# NumPy's OpenBLAS on the 2-core reference machine (benchmarks/bench_estimators.py
# --threshold, MLP's network n_x -> h -> 1 trained by Adam), which other programs shared:
# at a load average of ~2, 1 thread was faster up to 5e7 flops per step (2 threads 1.2-6x
# slower) and 2 threads faster from 2e8 on (0.66-0.78x); at a load of 3-10, or with one
# core kept busy, 2 threads were slower at every size up to 3e9 (1.2-2x above 2e8, 3-30x
# below 1e8: the collapse this rule prevents). So 1e8, where the idle machine's curves
# cross; above it a busy machine pays at most ~2-4x, not the small problems' 10-30x.
# MLP's default network (n_x -> 100 -> n_y, batches of 200) stays below it up to about
# 800 features.
SMALL_PROBLEM_FLOPS = 1e8


def thread_limit(flops: float):
    """One BLAS/OpenMP thread for a problem below ``SMALL_PROBLEM_FLOPS``; else no change."""
    if flops >= SMALL_PROBLEM_FLOPS:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def multiply_adds(spec: ModelSpec) -> int:
    """Σ_l n[l] n[l-1]: the multiply-adds of one example's forward pass."""
    dims = spec.layer_dims
    return sum(dims[l] * dims[l - 1] for l in range(1, len(dims)))

