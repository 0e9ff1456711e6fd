"""Activations g, as a table keyed by name; autograd supplies g'.

Each is written so that autograd takes the contract's derivative at the kinks:
``relu'(0) = 0`` and ``leaky_relu'(0) = slope``. torch's own ``relu`` and ``leaky_relu`` do:
their backward sends the gradient at exactly 0 down the "z <= 0" branch (tested), and each is
one fused kernel each way, where ``torch.where(Z > 0, ...)`` makes a mask and a copy.
``torch.maximum(Z, 0)`` would split the gradient at 0 (½ each way), so it is not used. Elementwise activations do not care about the layout;
``softmax`` takes the notes' (K, m), one column per example.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["sigmoid", "relu", "leaky_relu", "linear", "softmax", "ACTIVATIONS"]


def sigmoid(Z: torch.Tensor) -> torch.Tensor:
    """σ(Z) = 1 / (1 + e^-Z), elementwise; its backward is A (1 - A), as in the notes."""
    return torch.sigmoid(Z)


def relu(Z: torch.Tensor) -> torch.Tensor:
    return torch.relu(Z)


def leaky_relu(Z: torch.Tensor, slope: float = 0.01) -> torch.Tensor:
    return F.leaky_relu(Z, slope)


def linear(Z: torch.Tensor) -> torch.Tensor:
    return Z


def softmax(Z: torch.Tensor) -> torch.Tensor:
    """Z: (K, m) -> columns that sum to 1 (torch subtracts the column max first)."""
    return torch.softmax(Z, dim=0)


ACTIVATIONS = {
    "sigmoid": lambda Z, slope: sigmoid(Z),
    "tanh": lambda Z, slope: torch.tanh(Z),
    "relu": lambda Z, slope: relu(Z),
    "leaky_relu": leaky_relu,
    "linear": lambda Z, slope: linear(Z),
    "softmax": lambda Z, slope: softmax(Z),
}
