"""What this machine can do at best, measured in the same run: matmul rate and bandwidth.

``measure_limits(device, dtype)``:

* matrix-product rate: square products ``C = A @ B`` of size N (1536; 256 with ``quick``),
  ``2·N³`` FLOPs each, through every backend that declares the probe (the built-ins: NumPy's
  BLAS, torch, and jitted XLA) on ``device`` in ``dtype``; the best time of several repeats
  of each, and the best backend, is taken: the machine's best demonstrated rate, not its
  datasheet peak.
* memory bandwidth: a copy of a large array (128 MiB; 8 MiB with ``quick``) into another,
  counted as bytes read + bytes written, best of several repeats, best of the backends that
  declare the probe (NumPy, torch).

Each backend times its own probe, synchronised, under the thread settings already made by
``reports.timing.configure_threads``; with TF32 off, float32 GPU rates are true float32. A
probe that raises is left out of the best, and named in ``MachineLimits.failed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from parity import available_backends

from .errors import error_text

__all__ = ["MachineLimits", "measure_limits", "limit_seconds", "ratio_to_limit"]


@dataclass(frozen=True)
class MachineLimits:
    """The best matmul rate (FLOP/s) and copy bandwidth (bytes/s) on ``device`` in ``dtype``;
    ``failed``: ``(backend, error)`` for each probe that raised."""

    device: str
    dtype: str
    matmul_flops_per_s: float
    bandwidth_bytes_per_s: float
    failed: tuple[tuple[str, str], ...] = ()


def limit_seconds(flops: int, nbytes: int, limits: MachineLimits) -> float:
    """The least time the work can take here: ``max(flops / rate, bytes / bandwidth)``."""
    return max(flops / limits.matmul_flops_per_s, nbytes / limits.bandwidth_bytes_per_s)


def ratio_to_limit(seconds: float, flops: int, nbytes: int, limits: MachineLimits) -> float:
    """Measured time over the limit: 1 is as fast as the machine allows; higher is slower."""
    return seconds / limit_seconds(flops, nbytes, limits)


def measure_limits(device: str = "cpu", dtype: str = "float64", quick: bool = False,
                   backends=None) -> MachineLimits:
    """The best matmul rate and copy bandwidth measured now, on ``device`` in ``dtype``,
    through every available backend that declares the probes (``matmul_seconds``,
    ``copy_seconds`` in its protocol module): the best of them is the machine's limit."""
    dtype = np.dtype(dtype).name
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    n = 256 if quick else (4096 if device == "cuda" else 1536)
    nbytes = (8 if quick else (512 if device == "cuda" else 128)) * 2**20
    repeats = 3 if quick else 7
    rates, bandwidths, failed = [], [], []
    for backend in backends if backends is not None else available_backends():
        if backend.device_reason(device) is not None:
            continue
        matmul, copy = backend.hook("matmul_seconds"), backend.hook("copy_seconds")
        try:
            if matmul:
                rates.append(2 * n**3 / matmul(device, dtype, n, repeats))
            if copy:
                bandwidths.append(2 * nbytes / copy(device, dtype, nbytes, repeats))
        except Exception as exc:  # noqa: BLE001 - a backend's probe that raises is left out, and named
            failed.append((backend.name, error_text(exc)))
    if not rates:
        why = "".join(f"; {name}: {error}" for name, error in failed)
        raise ValueError(f"no installed backend can probe the matmul rate on {device!r} here{why}")
    return MachineLimits(device, dtype, float(max(rates)), float(max(bandwidths)) if bandwidths else float("nan"),
                         tuple(failed))
