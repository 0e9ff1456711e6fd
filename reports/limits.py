"""What this machine can do at best, measured in the same run: matmul rate and bandwidth.

``measure_limits(device, dtype)``:

* matrix-product rate: square products ``C = A @ B`` of size N (1536; 256 with ``quick``),
  ``2·N³`` FLOPs each, through every framework installed here (NumPy's BLAS, torch, and
  jitted XLA) on ``device`` in ``dtype``; the best time of several repeats of each, and the
  best framework, is taken: the machine's best demonstrated rate, not its datasheet peak.
* memory bandwidth: a copy of a large array (128 MiB; 8 MiB with ``quick``) into another,
  counted as bytes read + bytes written, best of several repeats, best of NumPy and torch
  (whose copy uses several threads).

Each is timed with the device synchronised (``torch.cuda.synchronize``,
``jax.block_until_ready``) and under the thread settings already made by
``reports.timing.configure_threads``. With TF32 off, float32 GPU rates are true float32.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass

import numpy as np

from parity.registry import cuda_unavailable_reason

__all__ = ["MachineLimits", "measure_limits", "limit_seconds", "ratio_to_limit"]


@dataclass(frozen=True)
class MachineLimits:
    device: str
    dtype: str
    matmul_flops_per_s: float
    bandwidth_bytes_per_s: float


def limit_seconds(flops: int, nbytes: int, limits: MachineLimits) -> float:
    """The least time the work can take here: ``max(flops / rate, bytes / bandwidth)``."""
    return max(flops / limits.matmul_flops_per_s, nbytes / limits.bandwidth_bytes_per_s)


def ratio_to_limit(seconds: float, flops: int, nbytes: int, limits: MachineLimits) -> float:
    """Measured time over the limit: 1 is as fast as the machine allows; higher is slower."""
    return seconds / limit_seconds(flops, nbytes, limits)


def _best(fn, sync, repeats: int) -> float:
    fn()
    sync()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        sync(out)
        best = min(best, time.perf_counter() - t0)
    return best


def _have(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _numpy_rates(dtype, n, nbytes, repeats):
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype=dtype)
    mm = _best(lambda: np.matmul(A, B, out=C), lambda *_: None, repeats)
    src = np.ones(nbytes // np.dtype(dtype).itemsize, dtype=dtype)
    dst = np.empty_like(src)
    cp = _best(lambda: np.copyto(dst, src), lambda *_: None, repeats)
    return 2 * n**3 / mm, 2 * src.nbytes / cp


def _torch_rates(device, dtype, n, nbytes, repeats):
    import torch

    from torch_impl.convert import precision, torch_dtype

    tdt = torch_dtype(dtype)

    def sync(*_):
        if device == "cuda":
            torch.cuda.synchronize()

    g = torch.Generator(device="cpu").manual_seed(0)
    A = torch.randn(n, n, generator=g, dtype=tdt).to(device)
    B = torch.randn(n, n, generator=g, dtype=tdt).to(device)
    C = torch.empty(n, n, dtype=tdt, device=device)
    with precision(dtype):  # IEEE float32 products, as the implementations compute them
        mm = _best(lambda: torch.matmul(A, B, out=C), sync, repeats)
    src = torch.ones(nbytes // np.dtype(dtype).itemsize, dtype=tdt, device=device)
    dst = torch.empty_like(src)
    cp = _best(lambda: dst.copy_(src), sync, repeats)
    return 2 * n**3 / mm, 2 * nbytes / cp


def _jax_rate(device, dtype, n, repeats):
    import jax

    from jax_impl.convert import precision, resolve_device

    dev = resolve_device(device)
    with precision(dtype):  # float64 where asked, and "highest" matmul precision (no TF32)
        rng = np.random.default_rng(0)
        A = jax.device_put(rng.standard_normal((n, n)).astype(dtype), dev)
        B = jax.device_put(rng.standard_normal((n, n)).astype(dtype), dev)
        f = jax.jit(lambda a, b: a @ b)
        mm = _best(lambda: f(A, B), lambda *out: jax.block_until_ready(out), repeats)
    return 2 * n**3 / mm


def measure_limits(device: str = "cpu", dtype: str = "float64", quick: bool = False) -> MachineLimits:
    """The best matmul rate and copy bandwidth measured now, on ``device`` in ``dtype``."""
    dtype = np.dtype(dtype).name
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', got {device!r}")
    n = 256 if quick else (4096 if device == "cuda" else 1536)
    nbytes = (8 if quick else (512 if device == "cuda" else 128)) * 2**20
    repeats = 3 if quick else 7
    rates, bandwidths = [], []
    if device == "cpu":
        r, b = _numpy_rates(dtype, n, nbytes, repeats)
        rates.append(r)
        bandwidths.append(b)
    if _have("torch") and (device == "cpu" or cuda_unavailable_reason("torch") is None):
        r, b = _torch_rates(device, dtype, n, nbytes, repeats)
        rates.append(r)
        bandwidths.append(b)
    if _have("jax"):
        try:
            rates.append(_jax_rate(device, dtype, n, repeats))
        except ValueError:  # JAX sees no GPU
            pass
    if not rates:
        raise ValueError(f"no installed framework can run on {device!r} here")
    return MachineLimits(device, dtype, float(max(rates)), float(max(bandwidths)) if bandwidths else float("nan"))
