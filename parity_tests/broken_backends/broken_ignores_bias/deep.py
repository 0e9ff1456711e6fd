"""Defect: the forward pass leaves b out (Z[l] = W[l] A[l-1]), in a package that runs ReLU hidden
layers and a sigmoid output only (a student's partial work).

Every built-in case starts b at 0, where this agrees with the reference; the random
architectures' nonzero biases show it.
"""

from __future__ import annotations

from nn_contract.checks import check_deep_inputs
from reference_numpy.deep import cost_and_grads as _reference

__all__ = ["cost_and_grads"]


def cost_and_grads(params, X, Y, spec):
    params, X, Y = check_deep_inputs(params, X, Y, spec)  # bad input refused first, as the contract asks
    if spec.output != "sigmoid" or set(spec.activations[:-1]) - {"relu"}:
        raise NotImplementedError("broken_ignores_bias: ReLU hidden layers and a sigmoid output only")
    return _reference({k: v * 0 if k.startswith("b") else v for k, v in params.items()}, X, Y, spec)
