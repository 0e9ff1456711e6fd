"""Defect: ``train`` validates its input as the contract asks, then raises on a softmax output
(a third party's unfinished code path); everything else is the reference's.

No native step is declared, so the report times it through this ``train``: on the
compute-bound softmax workload it raises, and that must become its failed row, never the
report's end. (Before the timing data was valid input, the check below raised first:
``Y must have one-hot columns``.)
"""

from __future__ import annotations

from nn_contract.checks import check_deep_inputs
from reference_numpy import deep as _ref
from reference_numpy.deep import cost_and_grads, predict, predict_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict", "MESSAGE"]

MESSAGE = "softmax training is not written yet"


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """The reference's gradient descent, except for a softmax output."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    if spec.output == "softmax":
        raise RuntimeError(MESSAGE)  # the defect
    return _ref.train(params, X, Y, spec, learning_rate, num_epochs, batch_size, seed)
