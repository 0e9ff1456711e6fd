"""nn-parity in JAX: the notes' models as pure functions of a params pytree, differentiated by
``jax.value_and_grad`` and compiled by ``jax.jit``.

    import numpy as np
    from nn_contract import ModelSpec, init_params
    from jax_impl import deep

    spec = ModelSpec((4, 5, 1), hidden_activation="relu", output="sigmoid")
    params = init_params(spec, seed=1, method="he")
    X = np.random.default_rng(0).standard_normal((4, 10))
    Y = (X[:1] > 0).astype(np.float64)
    cost, grads = deep.cost_and_grads(params, X, Y, spec)          # grads {"dW1", "db1", ...}
    params, costs = deep.train(params, X, Y, spec, num_epochs=100)
    labels = deep.predict(params, X, spec)

The public functions take and return NumPy (``convert`` is the one crossing), keep the input
dtype (float64 runs with x64 enabled for the call only) and take ``device="cpu"`` or ``"cuda"``.
The building blocks work on jax arrays: the forward ones and ``update_parameters`` under
the reference's names and contracts, and the jittable ``deep.loss_fn``, ``deep.gd_step``, ...
"""

import importlib
import importlib.util
import os
import sys

# A missing framework is named, with the extra that installs it, before anything else fails.
for _module in ("jax", "optax"):
    try:
        _found = importlib.util.find_spec(_module) is not None
    except (ImportError, ValueError):  # a blocked or half-imported module counts as missing
        _found = False
    if not _found:
        raise ImportError(
            f"jax_impl needs JAX (and optax), and {_module!r} is not installed: pip install 'nn-parity[jax]'"
        )

# Data parallel on a CPU (``deep.train(world_size=k)``) shards over XLA host devices, which
# exist only if asked for before JAX starts: ask for HOST_DEVICES now, unless XLA_FLAGS or
# JAX_NUM_CPU_DEVICES already says how many, or JAX has started. A computation on one device
# still runs on device 0 alone, with the same thread pool: no other result changes.
HOST_DEVICES = 8
_flags = os.environ.get("XLA_FLAGS", "")
_bridge = sys.modules.get("jax._src.xla_bridge")
if ("xla_force_host_platform_device_count" not in _flags and "JAX_NUM_CPU_DEVICES" not in os.environ
        and not (_bridge is not None and _bridge.backends_are_initialized())):
    os.environ["XLA_FLAGS"] = f"{_flags} --xla_force_host_platform_device_count={HOST_DEVICES}".strip()

# Submodules load on first use, so that ``import jax_impl`` (and its ``backend`` declaration)
# does not start the framework: XLA, for one, sizes its thread pool when it starts.
_SUBMODULES = ('activations', 'backend', 'convert', 'deep', 'logistic', 'losses', 'optim', 'parallel')
_CLASSES = {}

__all__ = ["HOST_DEVICES", *_CLASSES, *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _CLASSES:
        return getattr(importlib.import_module(f".{_CLASSES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
