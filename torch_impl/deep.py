"""The L-layer network as a torch module: a stack of ``nn.Linear``, gradients by autograd.

``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])``. Inside, examples are rows, as torch
users expect: ``nn.Linear`` computes ``A[l-1] W[l]ᵀ + b[l]``, so its ``weight`` is W[l]
itself, ``(n[l], n[l-1])``, its gradient is dW[l] as it stands, and its ``bias`` is b[l]
flattened. The public functions take and return the notes' layout (columns are examples)
and convert once, through ``convert``. The native form is the module: ``from_params`` /
``to_params``, ``forward`` (the logits), ``cost`` and the in-place ``gd_step_`` (the native
step timing measures); the reference's building blocks have no namesakes here, since their
contracts (columns, caches, floats) are not torch's.

Course 2's methods: ``train`` steps a ``torch.optim`` optimizer configured to the course's
formulas (``optim``: the mappings, L2 as weight decay on the weights' group, the decay as a
``LambdaLR``); dropout multiplies the hidden activations by the masks the reference draws
(``nn_contract.dropout``), not by ``nn.Dropout``'s own, so that every backend drops the
same units.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from nn_contract.batches import batch_bounds, epoch_permutations
from nn_contract.dropout import check_masks, dropout_masks
from nn_contract.checks import (
    check_deep_inputs,
    check_deep_params,
    check_deep_predict_inputs,
    check_dtype,
    check_spec,
    check_train_args,
)
from nn_contract.labels import labels_from_proba
from nn_contract.optim import GD, check_training_methods
from nn_contract.spec import ModelSpec

from .activations import ACTIVATIONS
from .convert import grads_to_numpy, params_to_numpy, params_to_tensors, precision, resolve_device, to_float, to_float_list, to_numpy, to_tensor, torch_dtype
from .losses import cost_from_logits
from .optim import course_optimizer, decay_scheduler, default_optimizer, l2_term, set_l2

__all__ = ["DeepNetwork", "cost_and_grads", "train", "train_with_framework_defaults", "predict_proba", "predict"]


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

    def weights(self) -> list[nn.Parameter]:
        """[W[1], ..., W[L]]: the parameters L2 applies to (never the biases)."""
        return [layer.weight for layer in self.layers]

    def biases(self) -> list[nn.Parameter]:
        """[b[1], ..., b[L]], each (n[l],)."""
        return [layer.bias for layer in self.layers]

    def forward(self, A0: torch.Tensor, masks: dict | None = None, keep_prob: tuple[float, ...] = ()) -> torch.Tensor:
        """A[0]: (m, n_x), one row per example -> Z[L]: (m, n[L]), the logits.

        The output activation is left out: the losses work from the logits, and
        ``predict_proba`` applies it. ``masks`` {"D1": (m, n[1]), ...} of 0/1 (rows are
        examples, as A0) and ``keep_prob`` (one per hidden layer): inverted dropout,
        A[l] = A[l] ⊙ D[l] / keep_prob[l] on every hidden layer; autograd carries the same
        mask and scale back.
        """
        A = A0
        hidden = self.spec.activations[:-1]
        for l, activation in enumerate(hidden):
            A = ACTIVATIONS[activation](_linear(self.layers[l], A), self.spec.leaky_slope)
            if masks is not None:
                A = A * masks[f"D{l + 1}"] / keep_prob[l]
        return _linear(self.layers[-1], A)

    def cost(self, A0: torch.Tensor, Y: torch.Tensor, masks: dict | None = None, keep_prob: tuple[float, ...] = (),
             lambd: float = 0.0) -> torch.Tensor:
        """A[0]: (m, n_x), Y: (n[L], m) -> J, a 0-dim tensor in the graph; with the L2 term
        (λ/2m) Σ ‖W[l]‖² when ``lambd`` > 0, and dropout as in ``forward``."""
        # Z[L]ᵀ is a view: the loss sees the notes' (n[L], m) without a copy.
        cost = cost_from_logits(self(A0, masks, keep_prob).T, Y, self.spec.loss)
        if lambd > 0:
            cost = cost + l2_term(self.weights(), lambd, Y.shape[1])
        return cost

    def gd_step_(self, A0: torch.Tensor, Y: torch.Tensor, learning_rate: float) -> torch.Tensor:
        """One gradient-descent step on the batch (A[0]: (m, n_x) rows, Y: (n[L], m)), in place
        (torch's trailing ``_``); returns this step's cost before the update, a 0-dim tensor on
        the device (no host sync). The native step timing measures."""
        cost, grads = _cost_and_grad_tensors(self, A0, Y)
        with torch.no_grad():
            for param, grad in zip(self.parameters(), grads):
                param.sub_(grad, alpha=learning_rate)  # W[l] -= α dW[l], b[l] -= α db[l]
        return cost.detach()


def _linear(layer: nn.Linear, A: torch.Tensor) -> torch.Tensor:
    """``layer(A)``, A: (m, n[l-1]) -> A W[l]ᵀ + b[l], computed as (W[l] Aᵀ)ᵀ + b[l].

    The same products and the same autograd graph's shape (dW[l] = dZᵀ A), but BLAS is
    handed the notes' orientation W[l] A[l-1]: MKL runs the wide-and-short W[1] (20 x 12288)
    times Aᵀ markedly faster than A W[1]ᵀ (on the notes' L-layer net, about 2 ms against
    3.3 ms for the product over the inputs, on an AVX-512 EPYC). Zᵀ is a view, no copy.
    ``addmm`` adds b[l] inside the product's kernel (BLAS's β C term) instead of a second
    pass over Z[l].
    """
    return torch.addmm(layer.bias[:, None], layer.weight, A.T).T


def _cost_and_grad_tensors(model: DeepNetwork, A0: torch.Tensor, Y: torch.Tensor):
    """J and (dJ/dW[1], dJ/db[1], ...) as tensors; A[0] needs no grad, so no dA[0] is made."""
    cost = model.cost(A0, Y)
    return cost, torch.autograd.grad(cost, tuple(model.parameters()))


def _masks_to_rows(masks: dict, device: torch.device) -> dict[str, torch.Tensor]:
    """{"D1": (n[1], m), ...} (the contract's columns) -> {"D1": (m, n[1]), ...} tensors."""
    return {key: to_tensor(D.T, device) for key, D in masks.items()}


def cost_and_grads(params: dict, X, Y, spec: ModelSpec, device: str = "cpu", *, lambd: float = 0.0,
                   keep_prob=1.0, masks: dict | None = None):
    """X: (n_x, m), Y: (n[L], m), params {"W1", "b1", ...} -> (J, grads {"dW1", "db1", ...}).

    ``lambd`` > 0: J += (λ/2m) Σ ‖W[l]‖² (autograd gives dW[l] += (λ/m) W[l]). ``keep_prob`` < 1
    needs ``masks`` {"D1": (n[1], m), ...} of 0/1: inverted dropout on A[1] ... A[L-1].
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    methods = check_training_methods(GD(), lambd, keep_prob, spec=spec)
    masks = check_masks(masks, spec, X.shape[1], methods.keep_prob, X.dtype)
    device = resolve_device(device)
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        D = _masks_to_rows(masks, device) if methods.dropout else None
        cost = model.cost(to_tensor(X.T, device), to_tensor(Y, device), D, methods.keep_prob, methods.lambd)
        grads = torch.autograd.grad(cost, tuple(model.parameters()))
        return to_float(cost), grads_to_numpy(model.contract_layout(grads))


def _optimizer_step(model: DeepNetwork, torch_optimizer, A0, Y, masks, keep_prob, lambd) -> torch.Tensor:
    """One update by ``torch_optimizer`` on the batch (A[0]: (m, n_x) rows, Y: (n[L], m));
    returns the step's cost before the update (with the L2 term), a 0-dim tensor, no sync.

    L2's gradient is the optimizer's weight decay (``optim.set_l2``), so autograd sees
    only the data cost; the L2 term joins the recorded cost outside the graph.
    """
    cost = model.cost(A0, Y, masks, keep_prob)
    torch_optimizer.zero_grad()
    cost.backward()
    cost = cost.detach()
    if lambd > 0:
        m = Y.shape[1]
        set_l2(torch_optimizer, lambd, m)
        with torch.no_grad():
            cost = cost + l2_term(model.weights(), lambd, m)
    torch_optimizer.step()
    return cost


def _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device, configure):
    """``train`` on checked arguments, with the optimizer ``configure(optimizer, weights,
    biases, learning_rate)`` builds (``optim.course_optimizer`` or ``optim.default_optimizer``)."""
    device = resolve_device(device)
    m = X.shape[1]
    with precision(X.dtype):
        model = DeepNetwork._from_checked(params, spec, device)
        torch_optimizer = configure(methods.optimizer, model.weights(), model.biases(), learning_rate)
        scheduler = decay_scheduler(torch_optimizer, methods.decay_rate, methods.time_interval)
        # Data and batch orders move to the device once; the loop never syncs with the host
        # (dropout's masks go once per epoch).
        A0, Y = to_tensor(X.T, device), to_tensor(Y, device)
        full = batch_size == m
        orders = None if full else to_tensor(epoch_permutations(m, seed=seed, num_epochs=num_epochs), device)
        bounds = batch_bounds(m, batch_size)
        masks = dropout_masks(spec, methods.keep_prob, m, num_epochs, batch_size, seed, X.dtype) if methods.dropout else None
        costs = []
        for epoch in range(num_epochs):
            epoch_masks = None
            if masks is not None:
                # The epoch's steps side by side are one (n[l], m) mask per layer, in step order.
                steps = [next(masks) for _ in bounds]
                epoch_masks = _masks_to_rows({k: np.concatenate([D[k] for D in steps], axis=1) for k in steps[0]}, device)
            for start, stop in bounds:
                if full:
                    A0_t, Y_t = A0, Y
                else:
                    idx = orders[epoch, start:stop]
                    A0_t, Y_t = A0.index_select(0, idx), Y.index_select(1, idx)
                D = None if epoch_masks is None else {k: v[start:stop] for k, v in epoch_masks.items()}
                costs.append(_optimizer_step(model, torch_optimizer, A0_t, Y_t, D, methods.keep_prob, methods.lambd))
            scheduler.step()
        return model.to_params(), to_float_list(torch.stack(costs))


def train(params: dict, X, Y, spec: ModelSpec, learning_rate: float = 0.0075, num_epochs: int = 2500,
          batch_size: int | None = None, seed: int = 0, device: str = "cpu", *, optimizer=GD(), lambd: float = 0.0,
          keep_prob=1.0, decay_rate: float = 0.0, time_interval: int = 1):
    """Full batch (``batch_size=None``), mini-batch, or stochastic (1) training by ``optimizer``.

    X: (n_x, m), Y: (n[L], m). Epoch e takes the examples in the order
    ``RandomState(seed + e).permutation(m)`` (a full batch keeps the given order); the last,
    smaller batch of an epoch is kept. The options are the contract's (CONTRACT.md,
    "Training methods"): ``optimizer`` (``nn_contract.optim``), ``lambd``, ``keep_prob`` (masks from
    ``nn_contract.dropout.dropout_masks``), ``decay_rate``/``time_interval``; torch runs
    them with ``torch.optim`` as ``optim`` maps them. Returns (params, costs): new arrays,
    and one cost per update step, that step's forward-pass cost (with the L2 term) before
    its update.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(
        learning_rate, num_epochs, batch_size, seed, X
    )
    methods = check_training_methods(optimizer, lambd, keep_prob, decay_rate, time_interval, spec,
                                     seed=seed, num_epochs=num_epochs, batch_size=batch_size, m=X.shape[1])
    return _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device,
                          course_optimizer)


def train_with_framework_defaults(params: dict, X, Y, spec, optimizer, *, learning_rate: float, num_epochs: int,
                                  batch_size: int | None = None, seed: int = 0, lambd: float = 0.0,
                                  device: str = "cpu"):
    """``train`` with torch's optimizers as a user would call them (``optim.default_optimizer``),
    not mapped to the course: ``SGD(lr, momentum=β)`` undamped, ``RMSprop(alpha=β, eps=ε)``,
    ``Adam``, and ``weight_decay=λ/m`` on every parameter, biases included. No decay, no dropout.

    X: (n_x, m), Y: (n[L], m); the same batches as ``train``. Returns (params, costs),
    each cost the step's forward cost with the course's L2 term (λ/2m) Σ‖W[l]‖², so the
    curves compare with the course's.
    """
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    learning_rate, num_epochs, batch_size, seed = check_train_args(learning_rate, num_epochs, batch_size, seed, X)
    methods = check_training_methods(optimizer, lambd, 1.0, 0.0, 1, spec, seed=seed, num_epochs=num_epochs,
                                     batch_size=batch_size, m=X.shape[1])
    return _train_checked(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed, methods, device,
                          default_optimizer)


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
