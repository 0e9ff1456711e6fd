"""Logistic regression ŷ = σ(wᵀx + b) as a torch module: one ``nn.Linear(n_x, 1)``.

Parameters: ``w: (n_x, 1)``, ``b`` a Python float; the module's ``weight`` is wᵀ,
``(1, n_x)``, and its ``bias`` is b, ``(1,)``. Gradients come from autograd:
``dw: (n_x, 1)``, ``db`` float. Inside, examples are rows, as torch users expect: the
native form is the module (``from_params``/``to_params``, ``cost``, the in-place
``gd_step_``), not functions named as the reference's, whose contracts (columns, NumPy,
floats) differ. Course 2's optimizers and L2 on w run on ``torch.optim`` as ``optim`` maps them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from nn_contract.checks import (
    check_dtype,
    check_logistic_inputs,
    check_logistic_params,
    check_logistic_predict_inputs,
    check_train_args,
)
from nn_contract.labels import labels_from_proba
from nn_contract.optim import GD, check_training_methods

from .activations import sigmoid
from .convert import precision, resolve_device, to_float, to_float_list, to_numpy, to_tensor, torch_dtype
from .losses import cost_from_logits
from .optim import course_optimizer, l2_term, set_l2

__all__ = ["LogisticRegression", "cost_and_grads", "train", "predict_proba", "predict"]


class LogisticRegression(nn.Module):
    """``forward`` maps X rows (m, n_x) to the logits Z = X w + b: (m, 1).

    ``LogisticRegression(n_x)`` starts from torch's default initialisation; for parity,
    start from the contract's parameters with ``LogisticRegression.from_params(params)``.
    """

    def __init__(self, n_x: int, *, dtype: torch.dtype = torch.float64, device=None):
        super().__init__()
        self.linear = nn.Linear(n_x, 1, dtype=dtype, device=device)

    @classmethod
    def from_params(cls, params: dict, device: str = "cpu") -> LogisticRegression:
        """params ``{"w": (n_x, 1), "b": scalar}`` -> the module on ``device``, in w's dtype.
        The module holds copies: training it leaves ``params`` alone."""
        w = params.get("w") if isinstance(params, dict) else None
        n_x = np.shape(w)[0] if np.ndim(w) == 2 else 1  # a bad w is named by the check below
        dtype = check_dtype(getattr(w, "dtype", np.float64), "params['w'].dtype")
        return cls._from_checked(check_logistic_params(params, n_x, dtype), resolve_device(device))

    @classmethod
    def _from_checked(cls, params: dict, device: torch.device) -> LogisticRegression:
        # Built on the meta device, so torch's own initialisation neither runs nor draws
        # from the global RNG; the storage is then allocated and filled from params.
        w = params["w"]
        model = cls(w.shape[0], dtype=torch_dtype(w.dtype), device="meta").to_empty(device=device)
        with torch.no_grad():
            model.linear.weight.copy_(to_tensor(w.T, device))
            model.linear.bias.fill_(params["b"])  # b rounds to w's dtype, as in the reference
        return model

    def to_params(self) -> dict:
        """The contract's params ``{"w": (n_x, 1) ndarray, "b": float}``."""
        return {"w": to_numpy(self.linear.weight.T), "b": to_float(self.linear.bias)}

    def forward(self, A0: torch.Tensor) -> torch.Tensor:
        """A[0] = X rows: (m, n_x) -> Z: (m, 1), the logits (σ is left to the loss)."""
        return self.linear(A0)

    def cost(self, A0: torch.Tensor, Y: torch.Tensor, lambd: float = 0.0) -> torch.Tensor:
        """A[0]: (m, n_x) rows, Y: (1, m) -> J, a 0-dim tensor in the graph; with the L2 term
        (λ/2m) ‖w‖² when ``lambd`` > 0 (b is never regularised)."""
        cost = cost_from_logits(self(A0).T, Y, "binary_cross_entropy")
        if lambd > 0:
            cost = cost + l2_term([self.linear.weight], lambd, Y.shape[1])
        return cost

    def gd_step_(self, A0: torch.Tensor, Y: torch.Tensor, learning_rate: float) -> torch.Tensor:
        """One gradient-descent step on A[0]: (m, n_x) rows, Y: (1, m), in place (torch's
        trailing ``_``); returns the cost before the update, a 0-dim tensor on the device (no
        host sync). The native step timing measures."""
        cost, dw, db = _cost_and_grad_tensors(self, A0, Y)
        with torch.no_grad():
            self.linear.weight.sub_(dw.T, alpha=learning_rate)  # w -= α dw
            self.linear.bias.sub_(db, alpha=learning_rate)  # b -= α db
        return cost.detach()


def _cost_and_grad_tensors(model: LogisticRegression, A0: torch.Tensor, Y: torch.Tensor, lambd: float = 0.0):
    """A[0]: (m, n_x), Y: (1, m) -> (J, dw: (n_x, 1), db: (1,)) by autograd; J a 0-dim tensor."""
    cost = model.cost(A0, Y, lambd)
    dW, db = torch.autograd.grad(cost, (model.linear.weight, model.linear.bias))
    return cost, dW.T, db


def cost_and_grads(params: dict, X, Y, device: str = "cpu", *, lambd: float = 0.0):
    """params {"w": (n_x, 1), "b"}, X: (n_x, m), Y: (1, m) of 0/1 -> (J, {"dw", "db"}).
    ``lambd`` > 0: J += (λ/2m) ‖w‖², dw += (λ/m) w."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    lambd = check_training_methods(GD(), lambd).lambd
    device = resolve_device(device)
    with precision(X.dtype):
        model = LogisticRegression._from_checked(params, device)
        cost, dw, db = _cost_and_grad_tensors(model, to_tensor(X.T, device), to_tensor(Y, device), lambd)
        return to_float(cost), {"dw": to_numpy(dw), "db": to_float(db)}


def train(params: dict, X, Y, learning_rate: float = 0.005, num_iterations: int = 2000, device: str = "cpu", *,
          optimizer=GD(), lambd: float = 0.0):
    """Batch training (the notes' ``optimize``) by ``optimizer`` (``nn_contract.optim``)
    on ``torch.optim`` (``optim.course_optimizer``), L2 of strength ``lambd`` on w only: one
    cost per iteration (with the L2 term), recorded before that iteration's update.
    Returns (new params, costs)."""
    params, X, Y = check_logistic_inputs(params, X, Y)
    learning_rate, num_iterations, _, _ = check_train_args(
        learning_rate, num_iterations, None, 0, X, "num_iterations"
    )
    methods = check_training_methods(optimizer, lambd)
    device = resolve_device(device)
    with precision(X.dtype):
        model = LogisticRegression._from_checked(params, device)
        weight, bias = model.linear.weight, model.linear.bias
        torch_optimizer = course_optimizer(methods.optimizer, [weight], [bias], learning_rate)
        # Everything moves to the device once; the loop never syncs with the host.
        A0, Y = to_tensor(X.T, device), to_tensor(Y, device)
        m = X.shape[1]
        if methods.l2:
            set_l2(torch_optimizer, methods.lambd, m)
        costs = []
        for _ in range(num_iterations):
            cost = model.cost(A0, Y)
            torch_optimizer.zero_grad()
            cost.backward()
            cost = cost.detach()
            if methods.l2:
                with torch.no_grad():
                    cost = cost + l2_term([weight], methods.lambd, m)
            torch_optimizer.step()
            costs.append(cost)
        return model.to_params(), to_float_list(torch.stack(costs))


def predict_proba(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> ŷ = σ(wᵀX + b): (1, m)."""
    params, X = check_logistic_predict_inputs(params, X)
    device = resolve_device(device)
    with precision(X.dtype):
        model = LogisticRegression._from_checked(params, device)
        with torch.no_grad():
            return to_numpy(sigmoid(model(to_tensor(X.T, device)).T))


def predict(params: dict, X, device: str = "cpu") -> np.ndarray:
    """X: (n_x, m) -> (1, m) of 0/1 in X's dtype: 1 where ŷ > 0.5."""
    return labels_from_proba(predict_proba(params, X, device), "sigmoid")
