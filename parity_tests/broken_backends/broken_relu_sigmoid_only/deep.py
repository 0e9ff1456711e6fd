"""Not a defect: the reference's cost_and_grads and train, refusing (NotImplementedError) every
configuration but ReLU hidden layers and a sigmoid output, and train refusing (ValueError)
mini-batches, as a student's package of the course's networks does: its refusal comes before
it validates the input. Each check that has a ReLU + sigmoid configuration must run on it and
pass; every other (mini-batches among them) skips with the package's refusal."""

from __future__ import annotations

from nn_contract.checks import check_deep_inputs
from reference_numpy.deep import cost_and_grads as _reference
from reference_numpy.deep import train as _reference_train

__all__ = ["cost_and_grads", "train"]


def _supported(spec) -> None:
    if spec.output != "sigmoid" or set(spec.activations[:-1]) - {"relu"}:
        raise NotImplementedError("broken_relu_sigmoid_only: ReLU hidden layers and a sigmoid output only")


def cost_and_grads(params, X, Y, spec):
    _supported(spec)
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _reference(params, X, Y, spec)


def train(params, X, Y, spec, *, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    _supported(spec)
    m = getattr(X, "shape", (0, 0))[-1]
    if isinstance(batch_size, int) and 0 < batch_size < m:
        raise ValueError(f"broken_relu_sigmoid_only: full batches only, got batch_size={batch_size}")
    return _reference_train(params, X, Y, spec, learning_rate=learning_rate, num_epochs=num_epochs,
                            batch_size=batch_size, seed=seed)
