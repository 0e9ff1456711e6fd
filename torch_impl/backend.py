"""The PyTorch package as a backend of nn-parity (the protocol of ``nn_contract.protocol``).

Timing's native forward is the module's ``cost`` and its step the module's in-place
``gd_step_`` (``DeepNetwork``, ``LogisticRegression``) on device tensors (examples as rows),
synchronised with ``torch.cuda.synchronize`` on a GPU; float32 runs under
``convert.precision`` (IEEE float32, no TF32). The framework floor is the same products in torch, in the module's orientation: ``(W[l] A[l-1]ᵀ)ᵀ``, ``dZ[l]ᵀ A[l-1]``
and ``dZ[l] W[l]``. ``train_with_distributed_defaults`` is data parallel as a torch user
writes it (DDP's mean, ``DistributedSampler``), for the report; ``deep.train(...,
world_size=k)`` the contract's (``parallel``).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from nn_contract.protocol import NativeStep
from nn_contract.spec import ACTIVATION_NAMES, LOSS_NAMES, OUTPUT_NAMES

# torch is imported above anyway, so the models load with the declaration (no lazy imports).
from .convert import precision, resolve_device, to_tensor, torch_dtype
from .deep import DeepNetwork, train_with_distributed_defaults, train_with_framework_defaults
from .logistic import LogisticRegression
from .optim import FRAMEWORK_DEFAULTS

__all__ = ["NAME", "LABEL", "REQUIRES", "EXTRA", "CAPABILITIES", "DP_WORKERS", "devices", "set_threads", "prepare", "environment", "conventions", "train_with_framework_defaults", "train_with_distributed_defaults",
           "matmul_seconds", "copy_seconds"]

NAME = "torch"
LABEL = "PyTorch (autograd)"
REQUIRES = ("torch",)
EXTRA = "torch"
DP_WORKERS = "processes"  # k worker processes over torch.distributed
CAPABILITIES = {
    "models": ("logistic", "deep"),
    "activations": ACTIVATION_NAMES,
    "outputs": OUTPUT_NAMES,
    "losses": LOSS_NAMES,
    "dtypes": ("float64", "float32"),
    "devices": ("cpu", "cuda"),
    # world_size: worker processes over torch.distributed, DDP with a summing hook (parallel).
    "training": ("batch_size", "optimizer", "lambd", "keep_prob", "decay_rate", "world_size"),
    "optimizers": ("GD", "Momentum", "RMSprop", "Adam"),
}


def devices() -> dict[str, str | None]:
    cuda = None if torch.cuda.is_available() else "torch sees no CUDA device (torch.cuda.is_available() is False)"
    return {"cpu": None, "cuda": cuda}


def set_threads(n: int) -> str:
    torch.set_num_threads(n)
    return f"torch.set_num_threads({n})"


def _sync_for(dev: torch.device):
    def sync(out):
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        return out

    return sync


def _step_products(dims: tuple[int, ...], m: int, dtype: torch.dtype, dev: torch.device):
    g = torch.Generator(device="cpu").manual_seed(0)
    layers = []
    for l in range(1, len(dims)):
        W = torch.randn(dims[l], dims[l - 1], generator=g, dtype=dtype).to(dev)
        A_prev = torch.randn(m, dims[l - 1], generator=g, dtype=dtype).to(dev)  # rows are examples
        dZ = torch.randn(m, dims[l], generator=g, dtype=dtype).to(dev)
        layers.append((l, W, A_prev, dZ))

    def products():
        out = None
        with torch.no_grad():
            for l, W, A_prev, dZ in layers:
                out = (W @ A_prev.T).T
                out = dZ.T @ A_prev
                if l > 1:
                    out = dZ @ W
        return out

    return products


def prepare(model: str, params: dict, X: np.ndarray, Y: np.ndarray, spec=None, *, device: str = "cpu",
            learning_rate: float = 1e-4) -> NativeStep:
    """The module and device tensors built once; forward under ``inference_mode``."""
    dev = resolve_device(device)
    with precision(X.dtype):
        if model == "logistic":
            net = LogisticRegression.from_params(params, device=device)
            dims = (X.shape[0], 1)
        else:
            net = DeepNetwork.from_params(params, spec, device=device)
            dims = spec.layer_dims
        A0, Yt = to_tensor(X.T, dev), to_tensor(Y, dev)

    def forward():
        with torch.inference_mode():
            return net.cost(A0, Yt)

    def step():
        return net.gd_step_(A0, Yt, learning_rate)

    return NativeStep(forward=forward, step=step, sync=_sync_for(dev), context=precision(X.dtype),
                      products=_step_products(dims, X.shape[1], torch_dtype(X.dtype), dev))


def _best(fn, sync, repeats: int) -> float:
    sync(fn())
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        sync(fn())
        best = min(best, time.perf_counter() - t0)
    return best


def matmul_seconds(device: str, dtype, n: int, repeats: int) -> float:
    dev, tdt = resolve_device(device), torch_dtype(dtype)
    g = torch.Generator(device="cpu").manual_seed(0)
    A = torch.randn(n, n, generator=g, dtype=tdt).to(dev)
    B = torch.randn(n, n, generator=g, dtype=tdt).to(dev)
    C = torch.empty(n, n, dtype=tdt, device=dev)
    with precision(dtype):  # IEEE float32 products, as the implementations compute them
        return _best(lambda: torch.matmul(A, B, out=C), _sync_for(dev), repeats)


def copy_seconds(device: str, dtype, nbytes: int, repeats: int) -> float:
    dev, tdt = resolve_device(device), torch_dtype(dtype)
    src = torch.ones(nbytes // np.dtype(dtype).itemsize, dtype=tdt, device=dev)
    dst = torch.empty_like(src)
    return _best(lambda: dst.copy_(src), _sync_for(dev), repeats)


def environment() -> dict:
    """torch's version and, where present, its CUDA device, CUDA and cuDNN versions."""
    info = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    if torch.cuda.is_available():
        info.update(cuda_device=torch.cuda.get_device_name(0), cuda=torch.version.cuda,
                    cudnn=torch.backends.cudnn.version(), device_count=torch.cuda.device_count())
    return info


def conventions() -> dict[str, str]:
    """Each optimizer name (and "L2") -> torch.optim's default formula, as a user would call it."""
    return dict(FRAMEWORK_DEFAULTS)
