"""This package as a backend of nn-parity: what it needs, supports, and how timing runs it.

The protocol is ``nn_contract.protocol``'s. Importing this module needs neither autograd
nor nn-parity: the harness reads ``REQUIRES`` and ``CAPABILITIES`` first, and only ``prepare``
and the public functions load the rest.

Not supported, and declared so (the harness skips those checks with this reason):
the course-2 training options (``optimizer``, ``lambd``, ``keep_prob``, ``decay_rate``),
which ``deep.train`` does not take; and any device but the CPU, since autograd traces NumPy.
"""

from __future__ import annotations

__all__ = ["NAME", "LABEL", "REQUIRES", "EXTRA", "CAPABILITIES", "devices", "set_threads", "prepare",
           "check_device"]

NAME = "autograd"
LABEL = "HIPS autograd"
REQUIRES: tuple[str, ...] = ("autograd",)
EXTRA = None  # not an extra of nn-parity: `pip install nn-parity-autograd` brings autograd
CAPABILITIES = {
    "models": ("logistic", "deep"),
    "activations": ("sigmoid", "tanh", "relu", "leaky_relu", "linear"),
    "outputs": ("sigmoid", "softmax", "linear"),
    "losses": ("binary_cross_entropy", "categorical_cross_entropy", "squared_error", "l1"),
    "dtypes": ("float64", "float32"),
    "devices": ("cpu",),
    # Course 1 only: full batch, mini-batch and stochastic gradient descent.
    "training": ("batch_size",),
    "optimizers": (),
}

_CUDA_REASON = "autograd runs on NumPy: CPU only"
_BLAS_LIMITER = None  # threadpoolctl's limit holds while this object lives


def devices() -> dict[str, str | None]:
    """Each device name -> None where this backend runs on it here, else why not."""
    return {"cpu": None, "cuda": _CUDA_REASON}


def check_device(device) -> str:
    """``"cpu"``; any other name is refused, by the contract's validator or as not here."""
    from nn_contract.checks import check_device_name  # lazy: the declaration needs no nn-parity

    name = check_device_name(device)
    reason = devices()[name]
    if reason is not None:
        raise ValueError(f"device {device!r} is not available to nn_parity_autograd: {reason}; use device='cpu'")
    return name


def set_threads(n: int) -> str:
    """NumPy's BLAS, which autograd's products run on, limited to ``n`` threads."""
    global _BLAS_LIMITER
    from threadpoolctl import threadpool_limits

    _BLAS_LIMITER = threadpool_limits(limits=n)
    return f"BLAS limited to {n} threads (threadpoolctl)"


def _products(dims: tuple[int, ...], X, seed: int = 0):
    """The step's matrix products for ``dims = (n[0], ..., n[L])``, on arrays drawn once in
    X's dtype, A[0] = X itself: ``W[l] A[l-1]`` (n[l], m), ``dZ[l] A[l-1]ᵀ`` (n[l], n[l-1]),
    and for l > 1 ``W[l]ᵀ dZ[l]`` (n[l-1], m), in the orientation autograd's matmul vjp uses."""
    import numpy as np

    rng = np.random.default_rng(seed)
    m, dtype = X.shape[1], X.dtype
    layers = []
    for l in range(1, len(dims)):
        W = rng.standard_normal((dims[l], dims[l - 1])).astype(dtype)
        A_prev = X if l == 1 else rng.standard_normal((dims[l - 1], m)).astype(dtype)
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


def prepare(model: str, params: dict, X, Y, spec=None, *, device: str = "cpu", learning_rate: float = 1e-4):
    """The native step on X: (n_x, m), Y: (n_y, m): ``train_step``, as ``train`` repeats it.

    forward(): the cost; step(): forward, backward by autograd, update, on this closure's own
    params (the caller's are never written). Returns ``nn_contract.protocol.NativeStep``.
    """
    from nn_contract.protocol import NativeStep  # lazy: the declaration needs no nn-parity

    check_device(device)
    if model == "logistic":
        from . import logistic as mod  # lazy: the declaration needs no autograd

        state = {"params": {"w": params["w"], "b": X.dtype.type(params["b"])}}
        args: tuple = ()
        dims = (X.shape[0], 1)
    elif model == "deep":
        from . import deep as mod  # lazy: the declaration needs no autograd

        state = {"params": dict(params)}
        args = (spec,)
        dims = spec.layer_dims
    else:
        raise ValueError(f"model must be 'logistic' or 'deep', got {model!r}")

    def forward():
        return mod.objective(state["params"], X, Y, *args)

    def step():
        state["params"], cost = mod.train_step(state["params"], X, Y, *args, learning_rate)
        return cost

    return NativeStep(forward=forward, step=step, products=_products(dims, X))
