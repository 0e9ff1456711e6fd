"""The course's ``dnn_app_utils_v3``: the application assignment's helpers, which are the
step-by-step assignment's functions, under the same names.

The activations return ``(A, cache)`` as in ``dnn_utils``; the step-by-step functions are
``reference_numpy.course``'s. Two differ from the step-by-step assignment, as in the course's
file: ``initialize_parameters_deep`` draws ``randn(n[l], n[l-1]) / sqrt(n[l-1])`` after seed 1
(not ``* 0.01`` after seed 3), and ``predict(X, y, parameters)`` prints the accuracy and
returns the 0/1 predictions (1, m). Draws come from a private ``RandomState`` seeded as the
course seeds ``np.random``: the same numbers, the caller's global state untouched.
``load_data`` and ``print_mislabeled_images`` need the course's files and are not provided.
"""

from __future__ import annotations

import numpy as np

from .. import course
from ..course._common import app_parameters_deep, layers_dims
from ._common import not_provided
from .dnn_utils import relu, relu_backward, sigmoid, sigmoid_backward

__all__ = [
    "sigmoid", "relu", "sigmoid_backward", "relu_backward",
    "initialize_parameters", "initialize_parameters_deep", "linear_forward", "linear_activation_forward",
    "L_model_forward", "compute_cost", "linear_backward", "linear_activation_backward", "L_model_backward",
    "update_parameters", "predict", "load_data", "print_mislabeled_images",
]

initialize_parameters = course.initialize_parameters
linear_forward = course.linear_forward
linear_activation_forward = course.linear_activation_forward
L_model_forward = course.L_model_forward
compute_cost = course.compute_cost
linear_backward = course.linear_backward
linear_activation_backward = course.linear_activation_backward
L_model_backward = course.L_model_backward
update_parameters = course.update_parameters

load_data = not_provided("dnn_app_utils_v3", "load_data", "reads the course's datasets/*.h5")
print_mislabeled_images = not_provided("dnn_app_utils_v3", "print_mislabeled_images", "plots images")


# Differs from course.initialize_parameters_deep (seed 3, randn * 0.01): the application's
# draws, seed 1 and randn / sqrt(n[l-1]), from which the graded L_layer_model starts.
def initialize_parameters_deep(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> {"W1": (n[1], n[0]), "b1": (n[1], 1), ...}:
    W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]) in layer order after seed 1, b[l] = 0."""
    return app_parameters_deep(layers_dims(layer_dims, "layer_dims", "initialize_parameters_deep(layer_dims)"))


# Helper-only: the course's file prints the accuracy and returns 0/1 floats (not graded).
def predict(X, y, parameters) -> np.ndarray:
    """X: (n_x, m), y: (1, m) -> p: (1, m), 1.0 where A[L] > 0.5 else 0.0; prints the accuracy."""
    probas, _ = course.L_model_forward(X, parameters)
    p = (probas > 0.5).astype(float)
    print("Accuracy: " + str(np.sum((p == y) / X.shape[1])))
    return p
