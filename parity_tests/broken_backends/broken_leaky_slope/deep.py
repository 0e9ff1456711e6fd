"""Defect: leaky ReLU's slope is 0.1, not ``spec.leaky_slope``; the building blocks are exposed."""

from __future__ import annotations

from dataclasses import replace

from reference_numpy import deep as _ref
from reference_numpy.deep import linear_forward, predict, predict_proba  # noqa: F401 - the public API

SLOPE = 0.1


def linear_activation_forward(A_prev, W, b, activation, leaky_slope=0.01):
    return _ref.linear_activation_forward(A_prev, W, b, activation, SLOPE)


def cost_and_grads(params, X, Y, spec):
    return _ref.cost_and_grads(params, X, Y, replace(spec, leaky_slope=SLOPE))
