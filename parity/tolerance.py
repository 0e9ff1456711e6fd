"""What "equal" means: the one tolerance table, keyed by dtype and device, and the error
measure it bounds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GRAD_SCALE_FLOOR", "Tolerance", "TOLERANCES", "tolerance", "relative_error", "dict_relative_error"]

# The smallest scale a gradient error is measured against. A gradient can itself be a
# cancelled sum: a near-symmetric start with balanced labels (or an l1 output with balanced
# signs) gives gradients 1e-3 to 1e-9 of the terms they are summed from, in float32 and
# float64 alike. Its rounding is of the size of those terms, products of the output delta
# A[L] - Y, which is of order 1 for these losses on standardised data; so errors are
# measured against max(max|g|, 1). A wrong gradient still fails wherever its error exceeds
# the tolerance in absolute terms.
GRAD_SCALE_FLOOR = 1.0


@dataclass(frozen=True)
class Tolerance:
    """Relative bounds on a backend's numbers against the reference's (CONTRACT.md).

    cost: on J. grad: on the whole gradient taken as one vector (``dict_relative_error``,
    scale at least ``GRAD_SCALE_FLOOR``), and on training trajectories (costs and final
    parameters over tens of steps), since each step's update inherits the gradient's error.
    """

    cost: float
    grad: float


# GPU rows hold the CPU bounds: float32 parity runs on GPU have TF32 switched off, so the
# remaining difference is reduction order, as on the CPU.
TOLERANCES: dict[tuple[str, str], Tolerance] = {
    ("float64", "cpu"): Tolerance(cost=1e-12, grad=1e-10),
    ("float32", "cpu"): Tolerance(cost=1e-5, grad=1e-5),
    ("float64", "cuda"): Tolerance(cost=1e-12, grad=1e-10),
    ("float32", "cuda"): Tolerance(cost=1e-5, grad=1e-5),
}


def tolerance(dtype, device: str = "cpu") -> Tolerance:
    key = (np.dtype(dtype).name, device)
    if key not in TOLERANCES:
        raise ValueError(f"no tolerance for dtype {key[0]!r} on device {device!r}")
    return TOLERANCES[key]


def relative_error(actual, expected, floor: float = 0.0) -> float:
    """max|actual - expected| / max(max|expected|, floor): the ∞-norm relative error of an
    array (or scalar), measured against at least ``floor`` (see ``GRAD_SCALE_FLOOR``).

    Norm-wise rather than entry by entry, because an entry that is a sum with cancellation
    (a gradient entry near 0 among large ones) carries rounding error of the size of its
    terms, not of itself. Where ``expected`` is exactly 0 everywhere (zero initialisation
    makes whole gradients exactly 0) the absolute error is returned, so any nonzero
    ``actual`` fails.
    """
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise ValueError(f"shapes differ: actual {a.shape}, expected {e.shape}")
    if not (np.isfinite(a).all() and np.isfinite(e).all()):
        return float("inf")
    diff = float(np.max(np.abs(a - e), initial=0.0))
    scale = max(float(np.max(np.abs(e), initial=0.0)), floor)
    return diff / scale if scale > 0 else diff


def dict_relative_error(actual: dict, expected: dict, floor: float = 0.0) -> float:
    """The ∞-norm relative error of a gradient (or parameter set) taken as ONE vector:
    max over every entry of |actual - expected|, over max over every entry of |expected|.

    One scale for the whole gradient, because a whole array can itself be a cancelled sum
    (``db[L] = mean(A[L] - Y)`` near 0 when the labels balance the predictions); measured
    against its own size, the rounding of its terms looks like a large error in float32.
    Keys must match.
    """
    if set(actual) != set(expected):
        raise ValueError(f"keys differ: actual {sorted(actual)}, expected {sorted(expected)}")
    flat = lambda d: np.concatenate([np.ravel(np.asarray(d[k], dtype=np.float64)) for k in sorted(expected)])
    return relative_error(flat(actual), flat(expected), floor)
