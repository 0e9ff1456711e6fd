"""The one conversion layer between NumPy and JAX: devices, precision, arrays in and out.

Every array that crosses the public boundary of ``jax_impl`` passes through here, so the rest
of the package works on device arrays only.

Precision: JAX computes in float32 unless ``jax_enable_x64`` is on. ``precision(dtype)`` turns
it on (or off) for the duration of a call, around tracing *and* execution, and puts the
caller's global setting back afterwards.
"""

from __future__ import annotations

import contextlib

import jax
import numpy as np

from nn_contract.checks import check_device_name

__all__ = [
    "resolve_device",
    "precision",
    "to_device",
    "params_to_device",
    "to_numpy",
    "params_to_numpy",
    "grads_to_numpy",
]


def resolve_device(device) -> jax.Device:
    """``"cpu"`` or ``"cuda"`` -> the first JAX device of that kind; ValueError if absent."""
    device = check_device_name(device)
    if device == "cpu":
        return jax.devices("cpu")[0]
    try:
        gpus = jax.devices("gpu")
    except RuntimeError:  # JAX raises when no GPU backend is installed or initialised
        gpus = []
    if not gpus:
        raise ValueError(f"device {device!r} requested but JAX sees no GPU on this machine")
    return gpus[0]


@contextlib.contextmanager
def precision(dtype):
    """Compute in true ``dtype`` (float32 or float64) inside the block, without touching the
    caller's global settings: ``jax_enable_x64`` for float64, and matmul precision
    ``"highest"``, since JAX's default float32 products on recent NVIDIA GPUs are TF32."""
    with jax.enable_x64(np.dtype(dtype) == np.float64), jax.default_matmul_precision("highest"):
        yield


def to_device(array, device: jax.Device) -> jax.Array:
    """A NumPy array (or scalar) -> a JAX array on ``device``, dtype kept.

    Call inside ``precision(dtype)``: outside it, float64 would silently become float32.
    """
    return jax.device_put(array, device)


def params_to_device(params: dict, device: jax.Device) -> dict:
    """{"W1": ndarray, ...} -> {"W1": jax.Array, ...} on ``device``, keys and order kept."""
    return {key: to_device(value, device) for key, value in params.items()}


def to_numpy(array) -> np.ndarray:
    """A JAX array -> a new, writable NumPy array the caller owns (never a view of a buffer)."""
    return np.array(array, copy=True)


# A dict pytree comes back from jit and grad with its keys sorted (W1, W2, ..., b1, b2, ...),
# so the functions below take the contract's order (W1, b1, W2, ...) as ``keys``.


def params_to_numpy(params: dict, keys=None) -> dict[str, np.ndarray]:
    """{"W1": jax.Array, ...} -> {"W1": ndarray, ...} in the order of ``keys`` (default:
    params' own)."""
    return {key: to_numpy(params[key]) for key in (params if keys is None else keys)}


def grads_to_numpy(grads: dict, keys=None) -> dict[str, np.ndarray]:
    """jax.grad's pytree {"W1", "b1", ...} -> the contract's {"dW1", "db1", ...}, in the
    order of ``keys`` (params' names; default: grads' own)."""
    return {"d" + key: to_numpy(grads[key]) for key in (grads if keys is None else keys)}
