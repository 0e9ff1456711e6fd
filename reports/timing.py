"""Timing each backend's native forward and step, against what the machine allows.

What is timed (on data already on the device, so no conversion is counted):

* ``compile``: the first call of the backend's step on fresh data — JAX's tracing and XLA
  compilation (when the step is not yet in its cache), torch's first-call caches and
  allocations, NumPy's first BLAS call. One measurement (``repeats`` = 1, ``iqr_s`` = 0).
* ``forward``: the forward pass and the cost (``deep.loss`` / ``logistic.loss``; torch under
  ``torch.inference_mode``).
* ``step``: forward + backward + parameter update, each package's own ``train_step`` — the
  step its ``train`` repeats (reference: by hand; torch: autograd w.r.t. the parameters
  only, update in place; JAX: the module-level jitted step, params pytree in and out).

Every timed region ends with the device synchronised: ``jax.block_until_ready`` on the
outputs (JAX dispatches asynchronously, on the CPU too) and ``torch.cuda.synchronize`` for
torch on CUDA. Warm-up calls run before the ``repeats`` timed calls; the median and the
interquartile range are reported. On the GPU, TF32 is off for float32 (torch's matmul and
cuDNN flags; JAX under ``jax.default_matmul_precision("highest")``).

Threads: ``configure_threads(n)`` gives every CPU backend the same count (default: all the
cores this process may use) — NumPy's BLAS through threadpoolctl, torch through
``torch.set_num_threads``, and XLA through ``XLA_FLAGS`` (its CPU thread pool is sized when
JAX starts, so the flag is set only if JAX is not yet imported; otherwise XLA keeps its
default, all cores, and the returned record says so).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass

import numpy as np

from reference_numpy import init_params
from reference_numpy.spec import ModelSpec

from .flops import count_bytes, count_flops
from .limits import MachineLimits, limit_seconds, measure_limits, ratio_to_limit

__all__ = [
    "Workload",
    "standard_workloads",
    "time_workload",
    "configure_threads",
    "workload_data",
    "ROW_KEYS",
    "PHASES",
]

PHASES = ("compile", "forward", "step")
ROW_KEYS = (
    "model", "workload", "backend", "device", "dtype", "phase", "median_s", "iqr_s", "repeats",
    "flops", "bytes", "gflops", "limit_s", "ratio_to_limit", "threads",
)
LEARNING_RATE = 1e-4  # small, so that repeated steps stay in a sane range
NOTES_N_X = 64 * 64 * 3
NOTES_M = 209


@dataclass(frozen=True)
class Workload:
    """One thing to time: a model, its sizes and m examples."""

    name: str
    model: str  # "logistic" | "deep"
    layer_dims: tuple[int, ...]  # logistic: (n_x, 1)
    m: int
    hidden_activation: str = "relu"
    output: str = "sigmoid"
    sweep: str | None = None  # None, "m" or "width"

    def __post_init__(self) -> None:
        if self.model not in ("logistic", "deep"):
            raise ValueError(f"model must be 'logistic' or 'deep', got {self.model!r}")
        object.__setattr__(self, "layer_dims", tuple(int(d) for d in self.layer_dims))
        if self.model == "logistic" and (len(self.layer_dims) != 2 or self.layer_dims[1] != 1):
            raise ValueError(f"a logistic workload has layer_dims (n_x, 1), got {self.layer_dims!r}")
        if self.sweep not in (None, "m", "width"):
            raise ValueError(f"sweep must be None, 'm' or 'width', got {self.sweep!r}")

    def spec(self) -> ModelSpec | None:
        """The deep model's ``ModelSpec``; None for logistic regression."""
        if self.model == "logistic":
            return None
        return ModelSpec(self.layer_dims, hidden_activation=self.hidden_activation, output=self.output)


def standard_workloads(quick: bool = False) -> list[Workload]:
    """The notes' three models on the cat images (n_x = 64·64·3 = 12288, m = 209), then a sweep
    over m (the L-layer network) and a sweep over the width of a 2-layer network.

    ``quick``: the same shapes of study, tiny sizes and few points (for tests and smoke runs).
    """
    if quick:
        n_x, m = 48, 16
        ms, widths = (8, 32), (4, 16)
    else:
        n_x, m = NOTES_N_X, NOTES_M
        ms, widths = (64, 128, 256, 512, 1024, 2048), (8, 16, 32, 64, 128, 256)
    out = [
        Workload("logistic-64x64x3" if not quick else "logistic", "logistic", (n_x, 1), m),
        Workload("2-layer", "deep", (n_x, 7, 1), m),
        Workload("L-layer", "deep", (n_x, 20, 7, 5, 1), m),
    ]
    out += [Workload(f"sweep-m-{k}", "deep", (n_x, 20, 7, 5, 1), k, sweep="m") for k in ms]
    out += [Workload(f"sweep-width-{w}", "deep", (n_x, w, 1), m, sweep="width") for w in widths]
    return out


# ---------------------------------------------------------------------------- threads

_THREADS: dict = {}
_BLAS_LIMITER = None  # kept alive: threadpoolctl's limits hold while the object exists


def _default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def configure_threads(n: int | None = None) -> dict:
    """Give NumPy's BLAS, torch and (if not yet started) XLA ``n`` threads (default: all the
    cores this process may use). Returns the record: ``{"threads", "numpy", "torch", "jax"}``."""
    global _BLAS_LIMITER
    n = _default_threads() if n is None else int(n)
    if n < 1:
        raise ValueError(f"threads must be >= 1, got {n}")
    record: dict = {"threads": n}
    try:
        from threadpoolctl import threadpool_limits

        _BLAS_LIMITER = threadpool_limits(limits=n)
        record["numpy"] = f"BLAS limited to {n} threads (threadpoolctl)"
    except ImportError:
        record["numpy"] = "threadpoolctl not installed: BLAS default"
    try:
        import torch

        torch.set_num_threads(n)
        record["torch"] = f"torch.set_num_threads({n})"
    except ImportError:
        record["torch"] = "not installed"
    flag = f"--xla_cpu_multi_thread_eigen={'true' if n > 1 else 'false'} intra_op_parallelism_threads={n}"
    if "jax" not in sys.modules:
        flags = os.environ.get("XLA_FLAGS", "")
        if "intra_op_parallelism_threads" not in flags:
            os.environ["XLA_FLAGS"] = (flags + " " + flag).strip()
        record["jax"] = f"XLA_FLAGS={os.environ['XLA_FLAGS']!r} (set before JAX starts)"
    elif n == _default_threads():
        record["jax"] = f"XLA default: all {n} cores (its pool was sized at import)"
    else:
        record["jax"] = f"JAX already imported: XLA keeps its pool sized at import (all cores), not {n}"
    _THREADS.clear()
    _THREADS.update(record)
    return dict(record)


# ---------------------------------------------------------------------------- data

def workload_data(workload: Workload, dtype: str = "float64", seed: int = 0):
    """(params, X, Y) as NumPy arrays of ``dtype``: He-initialised params, X ~ N(0, 1),
    Y random 0/1 labels; X C-ordered."""
    rng = np.random.default_rng(seed)
    n_x, m = workload.layer_dims[0], workload.m
    X = np.ascontiguousarray(rng.standard_normal((n_x, m)).astype(dtype))
    Y = (rng.random((workload.layer_dims[-1], m)) < 0.5).astype(dtype)
    if workload.model == "logistic":
        params = {"w": (rng.standard_normal((n_x, 1)) * 0.01).astype(dtype), "b": 0.0}
    else:
        params = init_params(workload.spec(), seed, "he", dtype=dtype)
    return params, X, Y


class _Native:
    """A backend's native forward and step on device-resident data, with its sync."""

    def __init__(self, forward, step, sync, context):
        self.forward, self.step, self.sync, self.context = forward, step, sync, context


def _numpy_native(workload, params, X, Y, device):
    if device != "cpu":
        raise ValueError(f"the numpy backend runs on the CPU only, not on {device!r}")
    if workload.model == "logistic":
        from reference_numpy import logistic as mod

        state = {"params": {"w": params["w"], "b": X.dtype.type(params["b"])}}
        forward = lambda: mod.loss(state["params"], X, Y)  # noqa: E731

        def step():
            state["params"], cost = mod.train_step(state["params"], X, Y, LEARNING_RATE)
            return cost
    else:
        from reference_numpy import deep as mod

        spec = workload.spec()
        state = {"params": params}
        forward = lambda: mod.loss(state["params"], X, Y, spec)  # noqa: E731

        def step():
            state["params"], cost = mod.train_step(state["params"], X, Y, spec, LEARNING_RATE)
            return cost
    return _Native(forward, step, lambda out: out, contextlib.nullcontext())


def _torch_native(workload, params, X, Y, device):
    import torch

    from torch_impl.convert import precision, resolve_device, to_tensor

    dev = resolve_device(device)
    if workload.model == "logistic":
        from torch_impl import logistic as mod

        model = mod.LogisticRegression.from_params(params, device=device)
    else:
        from torch_impl import deep as mod

        model = mod.DeepNetwork.from_params(params, workload.spec(), device=device)
    A0, Yt = to_tensor(X.T, dev), to_tensor(Y, dev)

    def forward():
        with torch.inference_mode():
            return mod.loss(model, A0, Yt)

    def step():
        return mod.train_step(model, A0, Yt, LEARNING_RATE)

    def sync(out):
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        return out

    # The package's own precision context: IEEE float32 (no TF32) while timed, as in its
    # public calls, and the caller's settings restored afterwards.
    return _Native(forward, step, sync, precision(X.dtype))


def _jax_native(workload, params, X, Y, device):
    import jax

    from jax_impl.convert import params_to_device, precision, resolve_device, to_device

    dev = resolve_device(device)
    with precision(X.dtype):  # arrays made in the dtype; the caller re-enters for the timed calls
        if workload.model == "logistic":
            from jax_impl import logistic as mod

            p = params_to_device({"w": params["w"], "b": np.asarray(params["b"], dtype=X.dtype)}, dev)
            extra = ()
        else:
            from jax_impl import deep as mod

            p = params_to_device(params, dev)
            extra = (workload.spec(),)
        Xd, Yd = to_device(X, dev), to_device(Y, dev)
        lr = to_device(np.asarray(LEARNING_RATE, dtype=X.dtype), dev)
    loss = jax.jit(mod.loss, static_argnums=(3,) if extra else ())
    state = {"params": p}

    def forward():
        return loss(state["params"], Xd, Yd, *extra)

    def step():
        state["params"], cost = mod.train_step(state["params"], Xd, Yd, *extra, lr)
        return cost

    def sync(out):
        jax.block_until_ready((out, state["params"]))
        return out

    # precision() also pins matmul precision "highest": no TF32 for float32 on GPUs.
    return _Native(forward, step, sync, precision(X.dtype))


_NATIVE = {"numpy": _numpy_native, "torch": _torch_native, "jax": _jax_native}


def _median_iqr(times: list[float]) -> tuple[float, float]:
    q1, med, q3 = np.percentile(times, [25, 50, 75])
    return float(med), float(q3 - q1)


def _timed(fn, sync) -> float:
    t0 = time.perf_counter()
    sync(fn())
    return time.perf_counter() - t0


def time_workload(workload: Workload, backend: str, device: str = "cpu", dtype: str = "float64",
                  repeats: int = 20, limits: MachineLimits | None = None) -> list[dict]:
    """Time ``backend``'s native first call, forward and step on ``workload``: one row per phase
    in ``PHASES``, with the keys of ``ROW_KEYS``. ``limits`` (measured now if None) must be for
    the same device and dtype."""
    if backend not in _NATIVE:
        raise ValueError(f"backend must be one of {', '.join(_NATIVE)}, got {backend!r}")
    dtype = np.dtype(dtype).name
    repeats = int(repeats)
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if not _THREADS:
        configure_threads()
    if limits is None:
        limits = measure_limits(device, dtype)
    elif (limits.device, limits.dtype) != (device, dtype):
        raise ValueError(f"limits are for {limits.device}/{limits.dtype}, not {device}/{dtype}")
    params, X, Y = workload_data(workload, dtype)
    native = _NATIVE[backend](workload, params, X, Y, device)
    warmup = max(1, min(3, repeats // 5))
    results: dict[str, tuple[float, float, int]] = {}
    with native.context:
        results["compile"] = (_timed(native.step, native.sync), 0.0, 1)
        for phase, fn in (("forward", native.forward), ("step", native.step)):
            for _ in range(warmup):
                native.sync(fn())
            times = [_timed(fn, native.sync) for _ in range(repeats)]
            results[phase] = (*_median_iqr(times), repeats)
    rows = []
    for phase in PHASES:
        median, iqr, n = results[phase]
        flops, nbytes = count_flops(workload, phase), count_bytes(workload, phase, dtype)
        rows.append({
            "model": workload.model,
            "workload": workload.name,
            "backend": backend,
            "device": device,
            "dtype": dtype,
            "phase": phase,
            "median_s": median,
            "iqr_s": iqr,
            "repeats": n,
            "flops": flops,
            "bytes": nbytes,
            "gflops": flops / median / 1e9,
            "limit_s": limit_seconds(flops, nbytes, limits),
            "ratio_to_limit": ratio_to_limit(median, flops, nbytes, limits),
            "threads": _THREADS["threads"],
        })
    return rows
