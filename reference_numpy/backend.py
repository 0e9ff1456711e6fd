"""The reference as a backend of nn-parity (the protocol of ``nn_contract.protocol``).

NumPy by hand, on the CPU only. Timing's native forward is ``deep.forward_cost`` /
``logistic.forward_cost`` and its step ``deep.train_step`` / ``logistic.train_step`` (the
course-1 gradient-descent step); the framework floor is the same matrix
products through NumPy's BLAS.
"""

from __future__ import annotations

import time

import numpy as np

from nn_contract.optim import COURSE_FORMULAS
from nn_contract.protocol import NativeStep
from nn_contract.spec import ACTIVATION_NAMES, LOSS_NAMES, OUTPUT_NAMES

from . import deep, logistic

__all__ = ["NAME", "LABEL", "REQUIRES", "EXTRA", "CAPABILITIES", "DP_WORKERS", "devices", "set_threads", "prepare", "environment", "conventions",
           "matmul_seconds", "copy_seconds"]

NAME = "numpy"
LABEL = "NumPy (by hand)"
REQUIRES: tuple[str, ...] = ()
EXTRA = None
COURSE_MODULES = "reference_numpy.course_modules"  # the course's math helpers (dnn_utils, ...), for students' notebooks
DP_WORKERS = "one process"  # the shards one after the other, in this process
CAPABILITIES = {
    "models": ("logistic", "deep"),
    "activations": ACTIVATION_NAMES,
    "outputs": OUTPUT_NAMES,
    "losses": LOSS_NAMES,
    "dtypes": ("float64", "float32"),
    "devices": ("cpu",),
    # world_size: the definition, shard sums added in this process (parallel).
    "training": ("batch_size", "optimizer", "lambd", "keep_prob", "decay_rate", "world_size"),
    "optimizers": ("GD", "Momentum", "RMSprop", "Adam"),
}

_BLAS_LIMITER = None  # threadpoolctl's limit holds while this object lives


def devices() -> dict[str, str | None]:
    return {"cpu": None, "cuda": "the NumPy reference runs on the CPU only"}


def set_threads(n: int) -> str:
    """NumPy's BLAS limited to ``n`` threads, through threadpoolctl."""
    global _BLAS_LIMITER
    from threadpoolctl import threadpool_limits

    _BLAS_LIMITER = threadpool_limits(limits=n)
    return f"BLAS limited to {n} threads (threadpoolctl)"


def _step_products(dims: tuple[int, ...], m: int, dtype, seed: int = 0):
    """The step's matrix products for layer sizes ``dims = (n[0], ..., n[L])`` and m
    examples, as a callable over arrays drawn once: ``W[l] A[l-1]`` (n[l], m),
    ``dZ[l] A[l-1]ᵀ`` (n[l], n[l-1]) and, for l > 1, ``W[l]ᵀ dZ[l]`` (n[l-1], m)."""
    rng = np.random.default_rng(seed)
    layers = []
    for l in range(1, len(dims)):
        W = rng.standard_normal((dims[l], dims[l - 1])).astype(dtype)
        A_prev = rng.standard_normal((dims[l - 1], m)).astype(dtype)
        dZ = rng.standard_normal((dims[l], m)).astype(dtype)
        layers.append((l, W, A_prev, dZ))

    def products():
        out = None
        for l, W, A_prev, dZ in layers:
            out = W @ A_prev
            out = dZ @ A_prev.T
            if l > 1:
                out = W.T @ dZ
        return out

    return products


def prepare(model: str, params: dict, X: np.ndarray, Y: np.ndarray, spec=None, *, device: str = "cpu",
            learning_rate: float = 1e-4) -> NativeStep:
    """The reference's native forward and step on (checked, C-ordered) X: (n_x, m), Y: (n_y, m)."""
    if device != "cpu":
        raise ValueError(f"the numpy backend runs on the CPU only, not on {device!r}")
    if model == "logistic":
        mod = logistic
        state = {"params": {"w": params["w"], "b": X.dtype.type(params["b"])}}
        args: tuple = ()
        dims = (X.shape[0], 1)
    else:
        mod = deep
        state = {"params": dict(params)}
        args = (spec,)
        dims = spec.layer_dims

    def forward():
        return mod.forward_cost(state["params"], X, Y, *args)

    def step():
        state["params"], cost = mod.train_step(state["params"], X, Y, *args, learning_rate)
        return cost

    return NativeStep(forward=forward, step=step, products=_step_products(dims, X.shape[1], X.dtype))


def _best(fn, repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def matmul_seconds(device: str, dtype, n: int, repeats: int) -> float:
    """Best time of an (n, n) @ (n, n) product through NumPy's BLAS."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    C = np.empty((n, n), dtype=dtype)
    return _best(lambda: np.matmul(A, B, out=C), repeats)


def copy_seconds(device: str, dtype, nbytes: int, repeats: int) -> float:
    """Best time of copying ``nbytes`` into another array (read + write)."""
    src = np.ones(nbytes // np.dtype(dtype).itemsize, dtype=dtype)
    dst = np.empty_like(src)
    return _best(lambda: np.copyto(dst, src), repeats)


def environment() -> dict:
    """NumPy's version and the BLAS it calls, as threadpoolctl sees them."""
    from threadpoolctl import threadpool_info

    blas = [{k: pool.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
            for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return {"numpy": np.__version__, "blas": blas}


def conventions() -> dict[str, str]:
    """Each optimizer name (and "L2") -> the formula this backend uses by default: the course's."""
    return dict(COURSE_FORMULAS)
