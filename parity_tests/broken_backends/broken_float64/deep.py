"""Defect: float32 in, float64 out: gradients, trained params and predictions come back float64.

Input is checked as the reference checks it (so a params/X dtype mismatch is still refused),
then everything is upcast and handed to the reference.
"""

from __future__ import annotations

import numpy as np

from reference_numpy import deep as _ref
from nn_contract.checks import check_deep_inputs, check_deep_predict_inputs
from nn_contract.labels import labels_from_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def _upcast(params, *arrays):
    return ({key: value.astype(np.float64) for key, value in params.items()},
            *(a.astype(np.float64) for a in arrays))  # the defect


def cost_and_grads(params, X, Y, spec):
    """X: (n_x, m), Y: (n[L], m) -> (J, grads {"dW1", "db1", ...}), grads in float64."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _ref.cost_and_grads(*_upcast(params, X, Y), spec)


def train(params, X, Y, spec, learning_rate=0.0075, num_epochs=2500, batch_size=None, seed=0):
    """The reference's gradient descent, in float64 whatever came in."""
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    return _ref.train(*_upcast(params, X, Y), spec, learning_rate, num_epochs, batch_size, seed)


def predict_proba(params, X, spec):
    """X: (n_x, m) -> A[L]: (n[L], m), in float64."""
    params, X = check_deep_predict_inputs(params, X, spec)
    return _ref.predict_proba(*_upcast(params, X), spec)


def predict(params, X, spec):
    return labels_from_proba(predict_proba(params, X, spec), spec.output)
