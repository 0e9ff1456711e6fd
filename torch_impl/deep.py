"""The L-layer network as a torch module: a stack of ``nn.Linear``, gradients by autograd.

``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])``. Inside, examples are rows, as torch
users expect: ``nn.Linear`` computes ``A[l-1] W[l]ᵀ + b[l]``, so its ``weight`` is W[l]
itself, ``(n[l], n[l-1])``, its gradient is dW[l] as it stands, and its ``bias`` is b[l]
flattened. The public functions take and return the notes' layout (columns are examples)
and convert once, through ``convert``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from reference_numpy.batches import batch_bounds, epoch_permutations
from reference_numpy.checks import (
    check_deep_inputs,
    check_deep_params,
    check_deep_predict_inputs,
    check_dtype,
    check_spec,
    check_train_args,
)
from reference_numpy.labels import labels_from_proba
from reference_numpy.spec import ModelSpec

from .activations import ACTIVATIONS
from .convert import grads_to_numpy, params_to_numpy, params_to_tensors, precision, resolve_device, to_float, to_float_list, to_numpy, to_tensor, torch_dtype
from .losses import compute_cost

__all__ = ["DeepNetwork", "loss", "train_step", "cost_and_grads", "train", "predict_proba", "predict"]


class DeepNetwork(nn.Module):
    """The network of ``spec``: ``layers[l-1]`` is layer l, with weight W[l] and bias b[l].

    ``DeepNetwork(spec)`` starts from torch's default initialisation; for parity, start
    from the contract's parameters with ``DeepNetwork.from_params(params, spec)``.
    """

    def __init__(self, spec: ModelSpec, *, dtype: torch.dtype = torch.float64, device=None):
        super().__init__()
        self.spec = check_spec(spec)
        dims = spec.layer_dims
        self.layers = nn.ModuleList(
            nn.Linear(dims[l - 1], dims[l], dtype=dtype, device=device) for l in range(1, len(dims))
        )

    @classmethod
    def from_params(cls, params: dict, spec: ModelSpec, device: str = "cpu") -> DeepNetwork:
        """params ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`` -> the module on ``device``,
        in the params' dtype. The module holds copies: training it leaves ``params`` alone."""
        spec = check_spec(spec)
        W1 = params.get("W1") if isinstance(params, dict) else None
        dtype = check_dtype(getattr(W1, "dtype", np.float64), "params['W1'].dtype")
        return cls._from_checked(check_deep_params(params, spec, dtype), spec, resolve_device(device))

    @classmethod
    def _from_checked(cls, params: dict, spec: ModelSpec, device: torch.device) -> DeepNetwork:
        # Built on the meta device, so torch's own initialisation neither runs nor draws
        # from the global RNG; the storage is then allocated and filled from params.
        model = cls(spec, dtype=torch_dtype(params["W1"].dtype), device="meta").to_empty(device=device)
        tensors = params_to_tensors(params, device)
        with torch.no_grad():
            for l, layer in enumerate(model.layers, start=1):
                layer.weight.copy_(tensors[f"W{l}"])
                layer.bias.copy_(tensors[f"b{l}"].reshape(-1))
        return model

    def contract_layout(self, tensors: Sequence[torch.Tensor]) -> dict[str, torch.Tensor]:
        """[weight of layer 1, bias of layer 1, ...] (the parameters, or their gradients)
        -> ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``."""
        tensors = list(tensors)
        layout: dict[str, torch.Tensor] = {}
        for l in range(1, len(self.layers) + 1):
            layout[f"W{l}"] = tensors[2 * l - 2]
            layout[f"b{l}"] = tensors[2 * l - 1].reshape(-1, 1)
        return layout

    def to_params(self) -> dict[str, np.ndarray]:
        """The contract's params ``{"W1", "b1", ...}`` as new NumPy arrays."""
        return params_to_numpy(self.contract_layout(self.parameters()))

    def forward(self, A0: torch.Tensor) -> torch.Tensor:
        """A[0]: (m, n_x), one row per example -> Z[L]: (m, n[L]), the logits.

        The output activation is left out: the losses work from the logits, and
        ``predict_proba`` applies it.
        """
        A = A0
        hidden = self.spec.activations[:-1]
        for l, activation in enumerate(hidden):
            A = ACTIVATIONS[activation](_linear(self.layers[l], A), self.spec.leaky_slope)
        return _linear(self.layers[-1], A)

    def cost(self, A0: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        """A[0]: (m, n_x), Y: (n[L], m) -> J, a 0-dim tensor in the graph."""
        # Z[L]ᵀ is a view: the loss sees the notes' (n[L], m) without a copy.
        return compute_cost(self(A0).T, Y, self.spec.loss)


def _linear(layer: nn.Linear, A: torch.Tensor) -> torch.Tensor:
    """``layer(A)``, A: (m, n[l-1]) -> A W[l]ᵀ + b[l], computed as (W[l] Aᵀ)ᵀ + b[l].

    The same products and the same autograd graph's shape (dW[l] = dZᵀ A), but BLAS is
    handed the notes' orientation W[l] A[l-1]: MKL runs the wide-and-short W[1] (20 x 12288)
    times Aᵀ markedly faster than A W[1]ᵀ (on the notes' L-layer net, about 2 ms against
    3.3 ms for the product over the inputs, on an AVX-512 EPYC). Zᵀ is a view, no copy.
    """
    return (layer.weight @ A.T).T + layer.bias


def _cost_and_grad_tensors(model: DeepNetwork, A0: torch.Tensor, Y: torch.Tensor):
    """J and (dJ/dW[1], dJ/db[1], ...) as tensors; A[0] needs no grad, so no dA[0] is made."""
    cost = model.cost(A0, Y)
    return cost, torch.autograd.grad(cost, tuple(model.parameters()))


def loss(model: DeepNetwork, A0: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """The forward pass and cost on device tensors: A[0]: (m, n_x) rows, Y: (n[L], m) -> J."""
    return model.cost(A0, Y)


def train_step(model: DeepNetwork, A0: torch.Tensor, Y: torch.Tensor, learning_rate: float) -> torch.Tensor:
    """One gradient-descent step on the batch (A[0]: (m, n_x) rows, Y: (n[L], m)), updating
    ``model`` in place; returns this step's cost before the update, a 0-dim tensor on the
    device (no host sync). The native step ``train`` repeats."""
    cost, grads = _cost_and_grad_tensors(model, A0, Y)
    with torch.no_grad():
        for param, grad in zip(model.parameters(), grads):
            param.sub_(grad, alpha=learning_rate)  # W[l] -= α dW[l], b[l] -= α db[l]
    return cost.detach()


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu"):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...})."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        cost, grads = _cost_and_grad_tensors(model, to_tensor(X.T, device), to_tensor(Y, device))
        return to_float(cost), grads_to_numpy(model.contract_layout(grads))


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu"):
    """Gradient descent: full batch (``batch_size=None``), mini-batch, or stochastic (1).

    X: (n_x, m), Y: (n[L], m). Mini-batches follow ``epoch_permutations(m, num_epochs, seed)``;
    the last, smaller batch of an epoch is kept. Returns (params, costs): new arrays, and one
    cost per update step, that step's forward-pass cost before its update.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        # Everything moves to the device once; the loop never syncs with the host.
        A0, Y = to_tensor(X.T, device), to_tensor(Y, device)
        m = X.shape[1]
        if batch_size == m:
            costs = [train_step(model, A0, Y, learning_rate) for _ in range(num_epochs)]
        else:
            orders = to_tensor(epoch_permutations(m, num_epochs, seed), device)
            bounds = batch_bounds(m, batch_size)
            costs = [
                train_step(model, A0.index_select(0, idx), Y.index_select(1, idx), learning_rate)
                for order in orders
                for idx in (order[start:stop] for start, stop in bounds)
            ]
        return model.to_params(), to_float_list(torch.stack(costs))


def predict_proba(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> A[L]: (n[L], m): probabilities for sigmoid/softmax, ŷ for linear."""
    params, X = check_deep_predict_inputs(params, X, spec)
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        with torch.no_grad():
            ZL = model(to_tensor(X.T, device)).T
            AL = ACTIVATIONS[spec.output](ZL, spec.leaky_slope)
        return to_numpy(AL)


def predict(params: dict, X, spec: ModelSpec, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> labels in Y's layout, (n[L], m) in X's dtype: 0/1 where A[L] > 0.5 for
    sigmoid, one-hot columns at the arg-max for softmax, ŷ itself for linear."""
    AL = predict_proba(params, X, spec, device)
    return labels_from_proba(AL, spec.output)
