"""The course's ``dnn_utils`` (and ``dnn_utils_v2``): the activations of the step-by-step
assignment, with their caches, which are ``reference_numpy.course.deep_step_by_step``'s.

    sigmoid(Z) -> (A, cache)              A = 1 / (1 + e^-Z), cache = Z
    relu(Z) -> (A, cache)                 A = max(0, Z), cache = Z
    sigmoid_backward(dA, cache) -> dZ     dZ = dA * s (1 - s), s = σ(cache)
    relu_backward(dA, cache) -> dZ        dZ = dA where cache > 0, else 0
"""

from __future__ import annotations

from ..course.deep_step_by_step import relu, relu_backward, sigmoid, sigmoid_backward

__all__ = ["sigmoid", "relu", "sigmoid_backward", "relu_backward"]
