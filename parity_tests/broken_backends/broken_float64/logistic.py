"""Defect: float32 in, float64 out (dw, the trained w and the probabilities come back float64)."""

from __future__ import annotations

import numpy as np

from reference_numpy import logistic as _ref
from nn_contract.checks import check_logistic_inputs, check_logistic_predict_inputs
from nn_contract.labels import labels_from_proba

__all__ = ["cost_and_grads", "train", "predict_proba", "predict"]


def _upcast(params, *arrays):
    return ({"w": params["w"].astype(np.float64), "b": params["b"]},
            *(a.astype(np.float64) for a in arrays))  # the defect


def cost_and_grads(params, X, Y):
    params, X, Y = check_logistic_inputs(params, X, Y)
    return _ref.cost_and_grads(*_upcast(params, X, Y))


def train(params, X, Y, learning_rate=0.005, num_iterations=2000):
    params, X, Y = check_logistic_inputs(params, X, Y)
    return _ref.train(*_upcast(params, X, Y), learning_rate, num_iterations)


def predict_proba(params, X):
    params, X = check_logistic_predict_inputs(params, X)
    return _ref.predict_proba(*_upcast(params, X))


def predict(params, X):
    return labels_from_proba(predict_proba(params, X), "sigmoid")
