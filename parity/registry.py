"""The backend registry: which implementations exist, whether they can run, and on what.

Importing this module imports no framework: availability is asked only when needed, so
``parity`` works where only NumPy is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from types import ModuleType

__all__ = ["Backend", "BACKENDS", "MODELS", "get_backend", "available_backends", "cuda_unavailable_reason"]

MODELS = ("logistic", "deep")


@dataclass(frozen=True)
class Backend:
    """One implementation of the contract: ``package.logistic`` and ``package.deep``.

    framework: the third-party module it needs (None for NumPy, which is always here).
    """

    name: str
    package: str
    framework: str | None
    label: str

    def available(self) -> bool:
        return self.framework is None or importlib.util.find_spec(self.framework) is not None

    def unavailable_reason(self) -> str | None:
        if self.available():
            return None
        return f"{self.framework} is not installed (pip install 'nn-parity[{self.framework}]')"

    def devices(self) -> tuple[str, ...]:
        """The devices this backend can run on here: ``("cpu",)`` or ``("cpu", "cuda")``."""
        if not self.available():
            return ()
        return ("cpu", "cuda") if self.framework and _has_cuda(self.framework) else ("cpu",)

    def module(self, model: str) -> ModuleType:
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r}; expected one of: {', '.join(MODELS)}")
        return importlib.import_module(f"{self.package}.{model}")

    def _device_kwargs(self, device: str) -> dict:
        # The reference is CPU-only and takes no device argument.
        if self.framework is None:
            if device != "cpu":
                raise ValueError(f"backend {self.name!r} runs on the CPU only, not on {device!r}")
            return {}
        return {"device": device}

    def cost_and_grads(self, model: str, params, X, Y, spec=None, device: str = "cpu"):
        """One call signature for both models and every backend."""
        args = (params, X, Y) if model == "logistic" else (params, X, Y, spec)
        return self.module(model).cost_and_grads(*args, **self._device_kwargs(device))

    def train(self, model: str, params, X, Y, spec=None, device: str = "cpu", **hyper):
        """``logistic.train`` takes num_iterations, ``deep.train`` num_epochs/batch_size/seed."""
        args = (params, X, Y) if model == "logistic" else (params, X, Y, spec)
        return self.module(model).train(*args, **hyper, **self._device_kwargs(device))

    def predict_proba(self, model: str, params, X, spec=None, device: str = "cpu"):
        args = (params, X) if model == "logistic" else (params, X, spec)
        return self.module(model).predict_proba(*args, **self._device_kwargs(device))


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend("numpy", "reference_numpy", None, "NumPy (by hand)"),
        Backend("torch", "torch_impl", "torch", "PyTorch (autograd)"),
        Backend("jax", "jax_impl", "jax", "JAX (jax.grad)"),
    )
}


def get_backend(name: str) -> Backend:
    if not isinstance(name, str):
        raise TypeError(f"backend must be a name (str), got {name!r}")
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}")
    return BACKENDS[name]


def available_backends() -> list[Backend]:
    return [b for b in BACKENDS.values() if b.available()]


@cache
def _has_cuda(framework: str) -> bool:
    return cuda_unavailable_reason(framework) is None


@cache
def cuda_unavailable_reason(framework: str) -> str | None:
    """None where ``framework`` sees a CUDA GPU here, else why not (for skip messages)."""
    if importlib.util.find_spec(framework) is None:
        return f"{framework} is not installed"
    if framework == "torch":
        import torch

        return None if torch.cuda.is_available() else "torch sees no CUDA device (torch.cuda.is_available() is False)"
    if framework == "jax":
        import jax

        try:
            return None if jax.devices("gpu") else "JAX sees no GPU"
        except RuntimeError:
            return "JAX sees no GPU (no CUDA backend for jaxlib here)"
    return f"{framework} has no CUDA support in nn-parity"
