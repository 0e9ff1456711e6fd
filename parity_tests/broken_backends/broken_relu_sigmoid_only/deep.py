"""Not a defect: the reference's cost_and_grads, refusing (NotImplementedError) every
configuration but ReLU hidden layers and a sigmoid output, as a student's package of the course's
networks does. Each check that has a ReLU + sigmoid configuration must run on it and pass."""

from __future__ import annotations

from nn_contract.checks import check_deep_inputs
from reference_numpy.deep import cost_and_grads as _reference

__all__ = ["cost_and_grads"]


def cost_and_grads(params, X, Y, spec):
    params, X, Y = check_deep_inputs(params, X, Y, spec)  # bad input refused first, as the contract asks
    if spec.output != "sigmoid" or set(spec.activations[:-1]) - {"relu"}:
        raise NotImplementedError("broken_relu_sigmoid_only: ReLU hidden layers and a sigmoid output only")
    return _reference(params, X, Y, spec)
