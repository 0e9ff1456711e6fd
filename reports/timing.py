"""Timing each backend's native forward and step, against what the machine allows.

What is timed (on data already on the device, so no conversion is counted):

* ``compile``: the first call of the backend's step on fresh data — JAX's tracing and XLA
  compilation (when the step is not yet in its cache), torch's first-call caches and
  allocations, NumPy's first BLAS call. One measurement (``repeats`` = 1, ``iqr_s`` = 0).
* ``forward``: the forward pass and the cost (the reference's ``forward_cost``, torch's
  module ``cost`` under ``torch.inference_mode``, JAX's ``loss_fn``).
* ``step``: forward + backward + parameter update, each package's own native step
  (``train_step``, torch's in-place ``gd_step_``, JAX's ``gd_step``) — the
  step its ``train`` repeats (reference: by hand; torch: autograd w.r.t. the parameters
  only, update in place; JAX: the module-level jitted step, params pytree in and out).
* ``floor``: the step's matrix products alone, timed in the backend's own framework on
  arrays of the same shapes: what the step cannot go below in that framework;
  ``ratio_to_floor`` = step / floor says what the implementation spends beyond them.

All of it reaches the backend through its protocol (``nn_contract.protocol``:
``prepare`` returns the ``NativeStep``); a backend that declares no native step is timed
through its public ``train``, conversions included, and its rows say so (``timed_through``).

Every timed region ends with the device synchronised by the backend's own ``sync``
(``jax.block_until_ready``: JAX dispatches asynchronously, on the CPU too;
``torch.cuda.synchronize`` on CUDA). Warm-up calls run before the ``repeats`` timed calls; the median and the
interquartile range are reported. On the GPU, TF32 is off for float32 (torch's matmul and
cuDNN flags; JAX under ``jax.default_matmul_precision("highest")``).

Threads: ``configure_threads(n)`` gives every CPU backend the same count (default: all the
cores this process may use) through each backend's declared ``set_threads`` (NumPy's BLAS
through threadpoolctl, torch through ``torch.set_num_threads``, XLA through ``XLA_FLAGS``,
which works only before JAX starts; the returned record says what each one did).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import numpy as np

from nn_contract import init_params
from nn_contract.protocol import NativeStep
from nn_contract.spec import ModelSpec
from parity import BACKENDS, get_backend

from .errors import error_text
from .flops import count_bytes, count_flops
from .limits import MachineLimits, limit_seconds, measure_limits, ratio_to_limit

__all__ = [
    "Workload",
    "standard_workloads",
    "time_workload",
    "configure_threads",
    "current_threads",
    "workload_data",
    "workload_labels",
    "ROW_KEYS",
    "PHASES",
]

PHASES = ("compile", "forward", "step", "floor")
ROW_KEYS = (
    "model", "workload", "backend", "device", "dtype", "phase", "median_s", "iqr_s", "repeats",
    "flops", "bytes", "gflops", "limit_s", "ratio_to_limit", "threads", "timed_through", "ratio_to_floor",
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
    """The notes' three models on the cat images (n_x = 64·64·3 = 12288, m = 209), a
    compute-bound network ((1024, 1024, 1024, 10) softmax, m = 2048), then a sweep over m (the
    L-layer network) and a sweep over the width of a 2-layer network.

    ``quick``: the same shapes of study, tiny sizes and few points (for tests and smoke runs).
    Each quick sweep starts at its model's own workload (m = 16: the L-layer network; width 7:
    the 2-layer one), so JAX compiles that step and forward once for both (the sweep point's
    ``compile`` row times a cached first call).
    """
    if quick:
        n_x, m = 48, 16
        ms, widths = (m, 32), (7, 16)
    else:
        n_x, m = NOTES_N_X, NOTES_M
        ms, widths = (64, 128, 256, 512, 1024, 2048), (8, 16, 32, 64, 128, 256)
    out = [
        Workload("logistic-64x64x3" if not quick else "logistic", "logistic", (n_x, 1), m),
        Workload("2-layer", "deep", (n_x, 7, 1), m),
        Workload("L-layer", "deep", (n_x, 20, 7, 5, 1), m),
    ]
    # Compute-bound: square-ish products where the limit is the matmul rate, not bandwidth.
    out.append(Workload("compute-bound", "deep", (64, 64, 64, 10) if quick else (1024, 1024, 1024, 10),
                        128 if quick else 2048, output="softmax"))
    out += [Workload(f"sweep-m-{k}", "deep", (n_x, 20, 7, 5, 1), k, sweep="m") for k in ms]
    out += [Workload(f"sweep-width-{w}", "deep", (n_x, w, 1), m, sweep="width") for w in widths]
    return out


# ---------------------------------------------------------------------------- threads

_THREADS: dict = {}


def _default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def current_threads() -> dict:
    """The record of the last ``configure_threads`` call ({} if none was made)."""
    return dict(_THREADS)


def configure_threads(n: int | None = None, backends=None) -> dict:
    """Give every backend (or those of ``backends``) ``n`` CPU threads (default: all the cores
    this process may use), through each one's declared ``set_threads`` (NumPy's BLAS by
    threadpoolctl, torch's ``set_num_threads``, XLA's flag before JAX starts). Returns the
    record: ``{"threads": n, backend name: what was done, ...}``."""
    n = _default_threads() if n is None else int(n)
    if n < 1:
        raise ValueError(f"threads must be >= 1, got {n}")
    record: dict = {"threads": n}
    # Declarations only (each package's ``backend`` module): importing a model would start
    # its framework, and XLA must get its flag before it starts.
    for backend in BACKENDS.values() if backends is None else backends:
        set_threads = backend.hook("set_threads")
        try:
            record[backend.name] = set_threads(n) if set_threads else "declares no thread control"
        except Exception as exc:  # noqa: BLE001 - a backend's hook that raises is its record, not the run's end
            record[backend.name] = f"set_threads raised {error_text(exc)}"
    _THREADS.clear()
    _THREADS.update(record)
    return dict(record)


# ---------------------------------------------------------------------------- data

def workload_labels(workload: Workload, rng: np.random.Generator, dtype: str = "float64") -> np.ndarray:
    """Y: (n[L], m), valid input for the workload's output under the contract: one-hot
    columns (a random class each) for softmax, random 0/1 for sigmoid, N(0, 1) reals for linear."""
    n_y, m = workload.layer_dims[-1], workload.m
    if workload.output == "softmax":
        return np.eye(n_y, dtype=dtype)[:, rng.integers(0, n_y, size=m)]
    if workload.output == "linear":
        return rng.standard_normal((n_y, m)).astype(dtype)
    return (rng.random((n_y, m)) < 0.5).astype(dtype)


def workload_data(workload: Workload, dtype: str = "float64", seed: int = 0):
    """(params, X, Y) as NumPy arrays of ``dtype``: He-initialised params, X ~ N(0, 1),
    Y valid labels for the output (``workload_labels``); X C-ordered."""
    rng = np.random.default_rng(seed)
    n_x, m = workload.layer_dims[0], workload.m
    X = np.ascontiguousarray(rng.standard_normal((n_x, m)).astype(dtype))
    Y = workload_labels(workload, rng, dtype)
    if workload.model == "logistic":
        params = {"w": (rng.standard_normal((n_x, 1)) * 0.01).astype(dtype), "b": 0.0}
    else:
        params = init_params(workload.spec(), seed, "he", dtype=dtype)
    return params, X, Y


def _median_iqr(times: list[float]) -> tuple[float, float]:
    q1, med, q3 = np.percentile(times, [25, 50, 75])
    return float(med), float(q3 - q1)


def _timed(fn, sync) -> float:
    t0 = time.perf_counter()
    sync(fn())
    return time.perf_counter() - t0


def _public_train(backend, workload: Workload, params, X, Y, device: str) -> NativeStep:
    """A backend with no native step is timed through its public API, conversions included:
    ``step`` is one full-batch ``train`` epoch (one update), ``forward`` one ``predict_proba``."""
    spec = workload.spec()
    if workload.model == "logistic":
        hyper = {"learning_rate": LEARNING_RATE, "num_iterations": 1}
    else:
        hyper = {"learning_rate": LEARNING_RATE, "num_epochs": 1, "batch_size": None, "seed": 0}
    return NativeStep(
        forward=lambda: backend.predict_proba(workload.model, params, X, spec, device),
        step=lambda: backend.train(workload.model, params, X, Y, spec, device, **hyper),
    )


def time_workload(workload: Workload, backend, device: str = "cpu", dtype: str = "float64",
                  repeats: int = 20, limits: MachineLimits | None = None) -> list[dict]:
    """Time ``backend``'s first call, forward, step and framework floor on ``workload``: one
    row per phase in ``PHASES``, with the keys of ``ROW_KEYS``. ``backend`` is a registered
    backend or its name; ``limits`` (measured now if None) must be for the same device and dtype.

    The step is the backend's native one (``prepare`` of its protocol) where it declares
    one, else its public ``train`` (``timed_through`` says which). ``floor`` times the
    step's matrix products alone, in the backend's own framework, where it offers them.
    """
    backend = get_backend(backend) if isinstance(backend, str) else backend
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
    native = backend.prepare(workload.model, params, X, Y, workload.spec(), device=device,
                             learning_rate=LEARNING_RATE)
    through = "native step"
    if native is None:
        native, through = _public_train(backend, workload, params, X, Y, device), "public train"
    warmup = max(1, min(3, repeats // 5))
    phases = [("forward", native.forward), ("step", native.step)]
    if getattr(native, "products", None) is not None:
        phases.append(("floor", native.products))
    sync = getattr(native, "sync", None) or (lambda out: out)
    results: dict[str, tuple[float, float, int]] = {}
    with getattr(native, "context", None) or contextlib.nullcontext():
        results["compile"] = (_timed(native.step, sync), 0.0, 1)
        for phase, fn in phases:
            for _ in range(warmup):
                sync(fn())
            times = [_timed(fn, sync) for _ in range(repeats)]
            results[phase] = (*_median_iqr(times), repeats)
    rows = []
    for phase in PHASES:
        if phase not in results:
            continue
        median, iqr, n = results[phase]
        counted = "step" if phase == "floor" else phase
        flops, nbytes = count_flops(workload, counted), count_bytes(workload, counted, dtype)
        rows.append({
            "model": workload.model,
            "workload": workload.name,
            "backend": backend.name,
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
            "timed_through": through,
        })
    floor = results.get("floor")
    for row in rows:
        row["ratio_to_floor"] = row["median_s"] / floor[0] if floor and row["phase"] == "step" else float("nan")
    return rows
