"""The course's ``dnn_utils`` (and ``dnn_utils_v2``): the activations of the step-by-step
assignment, with their caches.

    sigmoid(Z) -> (A, cache)              A = 1 / (1 + e^-Z), cache = Z
    relu(Z) -> (A, cache)                 A = max(0, Z), cache = Z
    sigmoid_backward(dA, cache) -> dZ     dZ = dA * s (1 - s), s = σ(cache)
    relu_backward(dA, cache) -> dZ        dZ = dA where cache > 0, else 0
"""

from __future__ import annotations

from .. import course
from ._common import relu_with_cache as relu
from ._common import sigmoid_with_cache as sigmoid

__all__ = ["sigmoid", "relu", "sigmoid_backward", "relu_backward"]

sigmoid_backward = course.sigmoid_backward
relu_backward = course.relu_backward
