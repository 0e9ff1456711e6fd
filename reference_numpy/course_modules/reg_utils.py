"""The course's ``reg_utils`` (the regularisation assignment), its math part.

    sigmoid(x), relu(x)                         the activation alone
    initialize_parameters(layer_dims)           randn(n[l], n[l-1]) / sqrt(n[l-1]) after seed 3, b = 0
    forward_propagation, backward_propagation   the 3-layer network (``_three_layer``)
    compute_cost(a3, Y)                         (1/m) nansum(-Y log a3 - (1-Y) log(1-a3))
    update_parameters, predict, predict_dec

Draws come from a private ``RandomState`` seeded as the course seeds ``np.random``.
``load_2D_dataset``, ``load_planar_dataset`` and ``plot_decision_boundary`` need the course's
files and are not provided.
"""

from __future__ import annotations

import numpy as np

from ._common import not_provided
from ._three_layer import backward_propagation, cross_entropy_terms, forward_propagation, predict, predict_dec
from ._three_layer import plain_relu as relu
from ._three_layer import plain_sigmoid as sigmoid
from ._three_layer import update_parameters

__all__ = ["sigmoid", "relu", "initialize_parameters", "forward_propagation", "backward_propagation",
           "compute_cost", "update_parameters", "predict", "predict_dec", "load_2D_dataset",
           "load_planar_dataset", "plot_decision_boundary"]


def initialize_parameters(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]) after
    seed 3, b[l] = zeros((n[l], 1))."""
    dims = list(layer_dims)
    rng = np.random.RandomState(3)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
        parameters[f"b{l}"] = np.zeros((dims[l], 1))
    return parameters


def compute_cost(a3, Y):
    """a3, Y: (1, m) -> J = (1/m) Σ (-Y log a3 - (1-Y) log(1-a3)), NaN terms counted as 0."""
    m = np.shape(Y)[1]
    return 1.0 / m * np.nansum(cross_entropy_terms(a3, Y))


load_2D_dataset = not_provided("reg_utils", "load_2D_dataset", "reads the course's datasets/data.mat")
load_planar_dataset = not_provided("reg_utils", "load_planar_dataset", "builds the course's flower data set")
plot_decision_boundary = not_provided("reg_utils", "plot_decision_boundary", "plots")
