"""The one conversion layer between the NumPy contract and torch.

Everything that crosses the public boundary passes through here: arrays in the notes'
layout go in as tensors on the chosen device, and tensors come back out as new NumPy
arrays or Python floats. The dtype is kept both ways (float32 stays float32).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import numpy as np
import torch

from nn_contract.checks import check_device_name

__all__ = [
    "resolve_device",
    "precision",
    "torch_dtype",
    "to_tensor",
    "params_to_tensors",
    "to_numpy",
    "to_float",
    "to_float_list",
    "params_to_numpy",
    "grads_to_numpy",
]


def resolve_device(device) -> torch.device:
    """``"cpu"`` or ``"cuda"`` -> a ``torch.device``; refuses CUDA where torch sees none."""
    name = check_device_name(device)
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for, but torch sees no CUDA device here; use device='cpu'")
    return torch.device(name)


@contextlib.contextmanager
def precision(dtype):
    """Compute in true ``dtype`` inside the block: float32 products in IEEE float32, never
    TF32 on a GPU, whatever the caller set globally (``torch.set_float32_matmul_precision``,
    ``cudnn.allow_tf32``); both are put back afterwards. float64 is unaffected by either.
    """
    matmul, cudnn = torch.get_float32_matmul_precision(), torch.backends.cudnn.allow_tf32
    torch.set_float32_matmul_precision("highest")
    torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.set_float32_matmul_precision(matmul)
        torch.backends.cudnn.allow_tf32 = cudnn


def torch_dtype(dtype) -> torch.dtype:
    """np.float32 / np.float64 -> torch.float32 / torch.float64."""
    return torch.from_numpy(np.empty(0, dtype=dtype)).dtype


def to_tensor(array, device: torch.device | str) -> torch.Tensor:
    """An array (any shape) -> a tensor of the same dtype and shape on ``device``.

    On the CPU the tensor may share memory with ``array``: the callers only read it.
    """
    arr = np.asarray(array)
    # torch.from_numpy refuses negative strides and warns on read-only arrays; a
    # C-ordered copy satisfies both (and lays a transposed view out as torch wants it).
    if not (arr.flags.c_contiguous and arr.flags.writeable):
        arr = arr.copy(order="C")
    return torch.from_numpy(arr).to(device)


def params_to_tensors(params: Mapping[str, np.ndarray], device: torch.device | str) -> dict[str, torch.Tensor]:
    """{"W1": ndarray, ...} -> {"W1": tensor, ...}, same keys, shapes and dtype."""
    return {key: to_tensor(value, device) for key, value in params.items()}


def to_numpy(array: torch.Tensor) -> np.ndarray:
    """A tensor -> a new C-ordered NumPy array on the host, detached from autograd."""
    # .numpy() of a CPU tensor shares its memory; the copy is the caller's own.
    return array.detach().cpu().numpy().copy()


def to_float(tensor: torch.Tensor) -> float:
    """A one-element tensor -> a Python float (one host sync)."""
    return float(tensor.detach().reshape(()).item())


def to_float_list(tensor: torch.Tensor) -> list[float]:
    """A 1-D tensor -> a list of Python floats, in one transfer."""
    return to_numpy(tensor).tolist()


def params_to_numpy(params: Mapping[str, torch.Tensor], keys=None) -> dict[str, np.ndarray]:
    """{"W1": tensor, ...} in the contract layout -> {"W1": ndarray, ...}, each a new array,
    in the order of ``keys`` (default: params' own), as ``jax_impl.convert``'s."""
    return {key: to_numpy(params[key]) for key in (params if keys is None else keys)}


def grads_to_numpy(grads: Mapping[str, torch.Tensor], keys=None) -> dict[str, np.ndarray]:
    """Gradients keyed by their parameter, {"W1": dJ/dW1, ...} -> {"dW1": ndarray, ...}, in the
    order of ``keys`` (params' names; default: grads' own), as ``jax_impl.convert``'s."""
    return {f"d{key}": to_numpy(grads[key]) for key in (grads if keys is None else keys)}
