"""The JAX package as a backend of nn-parity (the protocol of ``nn_contract.protocol``).

Timing's native forward is ``deep.loss_fn`` / ``logistic.loss_fn`` (jitted) and its step the
module-level jitted ``deep.gd_step`` / ``logistic.gd_step`` on device arrays, params pytree in
and out, synchronised with ``jax.block_until_ready`` (JAX dispatches asynchronously, on the
CPU too). Calls run under ``convert.precision``: float64 where asked, and matmul precision
"highest" (no TF32). The framework floor is the same
products, jitted together.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from nn_contract.protocol import NativeStep
from nn_contract.spec import ACTIVATION_NAMES, LOSS_NAMES, OUTPUT_NAMES

__all__ = ["NAME", "LABEL", "REQUIRES", "EXTRA", "CAPABILITIES", "DP_WORKERS", "devices", "set_threads", "prepare", "environment", "conventions", "train_with_framework_defaults",
           "train_with_distributed_defaults", "matmul_seconds"]

NAME = "jax"
LABEL = "JAX (jax.grad)"
REQUIRES = ("jax", "optax")
EXTRA = "jax"
DP_WORKERS = "one process"  # k devices of one mesh, in this process (or in one child)
CAPABILITIES = {
    "models": ("logistic", "deep"),
    "activations": ACTIVATION_NAMES,
    "outputs": OUTPUT_NAMES,
    "losses": LOSS_NAMES,
    "dtypes": ("float64", "float32"),
    "devices": ("cpu", "cuda"),
    "training": ("batch_size", "optimizer", "lambd", "keep_prob", "decay_rate", "world_size"),
    "optimizers": ("GD", "Momentum", "RMSprop", "Adam"),
}


def devices() -> dict[str, str | None]:
    import jax

    try:
        cuda = None if jax.devices("gpu") else "JAX sees no GPU"
    except RuntimeError:
        cuda = "JAX sees no GPU (no CUDA backend for jaxlib here)"
    return {"cpu": None, "cuda": cuda}


def set_threads(n: int) -> str:
    """XLA sizes its CPU thread pool when JAX starts: the flag is set only before that."""
    flag = f"--xla_cpu_multi_thread_eigen={'true' if n > 1 else 'false'} intra_op_parallelism_threads={n}"
    if "jax" in sys.modules:
        return "JAX already started: XLA keeps the thread pool sized at its start (all cores)"
    flags = os.environ.get("XLA_FLAGS", "")
    if "intra_op_parallelism_threads" not in flags:
        os.environ["XLA_FLAGS"] = (flags + " " + flag).strip()
    return f"XLA_FLAGS={os.environ['XLA_FLAGS']!r} (set before JAX starts)"


def _sync(out):
    import jax

    return jax.block_until_ready(out)


def _step_products(dims, m, dtype, dev):
    import jax

    rng = np.random.default_rng(0)
    layers = [
        (jax.device_put(rng.standard_normal((dims[l], dims[l - 1])).astype(dtype), dev),
         jax.device_put(rng.standard_normal((dims[l - 1], m)).astype(dtype), dev),
         jax.device_put(rng.standard_normal((dims[l], m)).astype(dtype), dev))
        for l in range(1, len(dims))
    ]

    @jax.jit
    def products(layers):
        outs = []
        for l, (W, A_prev, dZ) in enumerate(layers, start=1):
            outs += [W @ A_prev, dZ @ A_prev.T] + ([W.T @ dZ] if l > 1 else [])
        return outs

    return lambda: products(layers)


def prepare(model: str, params: dict, X: np.ndarray, Y: np.ndarray, spec=None, *, device: str = "cpu",
            learning_rate: float = 1e-4) -> NativeStep:
    """Params, data and the learning rate placed on the device once, in X's dtype."""
    import jax

    # Lazy, here and below: reading the declaration above must not start JAX (XLA sizes its
    # thread pool when it starts, after set_threads).
    from .convert import params_to_device, precision, resolve_device, to_device

    dev = resolve_device(device)
    with precision(X.dtype):
        if model == "logistic":
            from . import logistic as mod  # lazy: see above

            p = params_to_device({"w": params["w"], "b": np.asarray(params["b"], dtype=X.dtype)}, dev)
            extra: tuple = ()
            dims = (X.shape[0], 1)
        else:
            from . import deep as mod  # lazy: see above

            p = params_to_device(params, dev)
            extra = (spec,)
            dims = spec.layer_dims
        Xd, Yd = to_device(X, dev), to_device(Y, dev)
        lr = to_device(np.asarray(learning_rate, dtype=X.dtype), dev)
        products = _step_products(dims, X.shape[1], X.dtype, dev)
    loss = jax.jit(mod.loss_fn, static_argnums=(3,) if extra else ())
    state = {"params": p}

    def forward():
        return loss(state["params"], Xd, Yd, *extra)

    def step():
        state["params"], cost = mod.gd_step(state["params"], Xd, Yd, *extra, lr)
        return cost

    def sync(out):
        _sync((out, state["params"]))
        return out

    return NativeStep(forward=forward, step=step, sync=sync, context=precision(X.dtype), products=products)


def matmul_seconds(device: str, dtype, n: int, repeats: int) -> float:
    import jax

    from .convert import precision, resolve_device  # lazy: reading the declaration must not start JAX

    dev = resolve_device(device)
    with precision(dtype):  # float64 where asked, and "highest" matmul precision (no TF32)
        rng = np.random.default_rng(0)
        A = jax.device_put(rng.standard_normal((n, n)).astype(dtype), dev)
        B = jax.device_put(rng.standard_normal((n, n)).astype(dtype), dev)
        f = jax.jit(lambda a, b: a @ b)
        _sync(f(A, B))
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            _sync(f(A, B))
            best = min(best, time.perf_counter() - t0)
    return best


def environment() -> dict:
    """JAX's and optax's versions and the devices JAX sees."""
    import jax
    import optax

    return {"jax": jax.__version__, "optax": optax.__version__, "devices": [str(d) for d in jax.devices()]}


def conventions() -> dict[str, str]:
    """Each optimizer name (and "L2") -> optax's default formula, as a user would call it."""
    from .optim import FRAMEWORK_DEFAULTS  # lazy: reading the declaration must not start JAX

    return dict(FRAMEWORK_DEFAULTS)


def train_with_framework_defaults(params: dict, X, Y, spec, optimizer, *, learning_rate: float, num_epochs: int,
                                  batch_size: int | None = None, seed: int = 0, lambd: float = 0.0,
                                  device: str = "cpu"):
    """``deep.train`` through optax configured with its own defaults, not the course's formulas
    (``deep.train_with_framework_defaults``): the comparison of conventions times this."""
    from .deep import train_with_framework_defaults as train  # lazy: reading the declaration must not start JAX

    return train(params, X, Y, spec, optimizer, learning_rate=learning_rate, num_epochs=num_epochs,
                 batch_size=batch_size, seed=seed, lambd=lambd, device=device)


def train_with_distributed_defaults(params: dict, X, Y, spec, *, world_size: int, learning_rate: float,
                                    num_epochs: int, batch_size: int | None = None, seed: int = 0,
                                    device: str = "cpu"):
    """Data-parallel gradient descent as a JAX user writes it (``deep.train_with_distributed_defaults``):
    ``shard_map`` with each device's mean over its own shard, ``pmean`` across devices, every
    batch padded to a multiple of world_size by repeating its first examples (as torch's
    ``DistributedSampler``). Not the course's step where a batch does not divide by world_size."""
    from .deep import train_with_distributed_defaults as train  # lazy: reading the declaration must not start JAX

    return train(params, X, Y, spec, world_size=world_size, learning_rate=learning_rate, num_epochs=num_epochs,
                 batch_size=batch_size, seed=seed, device=device)
