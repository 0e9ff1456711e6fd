"""Counted FLOPs and minimum bytes of one forward pass or one training step.

Conventions (the tests derive the same numbers independently from these rules):

* A matrix product of an (a, k) by a (k, b) matrix counts ``2·a·k·b`` (one multiply and one
  add per term).
* Every element-wise operation counts 1 FLOP per element it writes: a bias add, an
  activation (even a transcendental one), a derivative, a product with a mask, the
  averaging division, a scale, a subtraction. A row sum of an (a, b) array counts ``a·b``.
* The cost (from the logits, as every backend computes it) counts ``COST_FLOPS_PER_OUTPUT``
  per output entry (n[L]·m), plus ``n[L]·m`` for the mean.
* ``forward`` = the forward pass to the logits Z[L] plus the cost.
  ``step`` = forward + backward (dZ[L] = A[L] - Y from the logits, then per layer dW, db and,
  except for layer 1, dA[l-1] — no backend computes dA[0]) + the update (2 FLOPs per
  parameter: scale and subtract).
* Logistic regression is the network with ``layer_dims = (n_x, 1)`` and a sigmoid output,
  so the same rules give its counts.

Bytes are the *minimum* that must move between memory and the processor, in the dtype's
item size: ``forward`` reads X, Y and every parameter once; ``step`` reads X, Y and every
parameter once and writes every parameter once. Intermediates (A[l], Z[l], gradients) are
assumed to stay in cache: they are small next to X for the notes' networks, so this is a
lower bound, as a limit must be.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PHASES", "COST_FLOPS_PER_OUTPUT", "count_flops", "count_bytes", "param_count"]

PHASES = ("forward", "step")

# log-sigmoid / log-softmax from the logits: about max, exp, log1p, a product and a sum per entry.
COST_FLOPS_PER_OUTPUT = 6


def _dims_and_m(workload) -> tuple[tuple[int, ...], int]:
    dims = tuple(int(d) for d in workload.layer_dims)
    if len(dims) < 2:
        raise ValueError(f"workload.layer_dims needs at least (n_x, n[1]), got {dims!r}")
    return dims, int(workload.m)


def _check_phase(phase: str) -> str:
    if phase == "compile":  # the first call is a step; it is counted as one
        return "step"
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {PHASES + ('compile',)}, got {phase!r}")
    return phase


def param_count(workload) -> int:
    """Σ_l n[l]·n[l-1] + n[l]: the weights and biases."""
    dims, _ = _dims_and_m(workload)
    return sum(dims[l] * dims[l - 1] + dims[l] for l in range(1, len(dims)))


def _forward_flops(dims, m) -> int:
    L = len(dims) - 1
    flops = 0
    for l in range(1, L + 1):
        flops += 2 * dims[l] * dims[l - 1] * m  # W[l] A[l-1]
        flops += dims[l] * m  # + b[l]
        if l < L:
            flops += dims[l] * m  # g[l](Z[l])
    n_out = dims[L] * m
    return flops + COST_FLOPS_PER_OUTPUT * n_out + n_out  # the cost and its mean


def _backward_flops(dims, m) -> int:
    L = len(dims) - 1
    flops = 2 * dims[L] * m  # A[L] = g(Z[L]), dZ[L] = A[L] - Y
    for l in range(L, 0, -1):
        flops += 2 * dims[l] * dims[l - 1] * m + dims[l] * dims[l - 1]  # dW = dZ A[l-1]ᵀ, / m
        flops += dims[l] * m + dims[l]  # db = Σ dZ, / m
        if l > 1:
            flops += 2 * dims[l] * dims[l - 1] * m  # dA[l-1] = W[l]ᵀ dZ[l]
            flops += 2 * dims[l - 1] * m  # dZ[l-1] = dA[l-1] * g'(Z[l-1])
    return flops


def count_flops(workload, phase: str) -> int:
    """Counted FLOPs of one ``forward`` (to the cost) or one ``step`` (forward, backward,
    update) of ``workload`` on its m examples; ``compile`` counts as a step."""
    phase = _check_phase(phase)
    dims, m = _dims_and_m(workload)
    flops = _forward_flops(dims, m)
    if phase == "step":
        flops += _backward_flops(dims, m) + 2 * param_count(workload)
    return int(flops)


def count_bytes(workload, phase: str, dtype) -> int:
    """Minimum bytes moved by one ``forward`` or ``step``: X and Y read once, the parameters
    read once, and for a step written once too; ``compile`` counts as a step."""
    phase = _check_phase(phase)
    dims, m = _dims_and_m(workload)
    itemsize = np.dtype(dtype).itemsize
    data = (dims[0] + dims[-1]) * m
    params = param_count(workload) * (2 if phase == "step" else 1)
    return int((data + params) * itemsize)
