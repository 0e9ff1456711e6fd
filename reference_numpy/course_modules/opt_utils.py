"""The course's ``opt_utils_v1a`` (and ``opt_utils``; the optimisation assignment), its math part.

    sigmoid(x), relu(x)                         the activation alone
    initialize_parameters(layer_dims)           randn(n[l], n[l-1]) * sqrt(2 / n[l-1]) after seed 3, b = 0:
                                                the graded initialize_parameters_he's numbers
    forward_propagation, backward_propagation   the 3-layer network (``_three_layer``)
    compute_cost(a3, Y)                         Σ (-Y log a3 - (1-Y) log(1-a3)): the SUM over the
                                                mini-batch; the course's model divides by m itself
    update_parameters, predict, predict_dec

Draws come from a private ``RandomState`` seeded as the course seeds ``np.random``.
``load_params_and_grads``, ``load_dataset`` and ``plot_decision_boundary`` are the course's test
data, data set and plots, and are not provided.
"""

from __future__ import annotations

import numpy as np

from ..course._three_layer import cross_entropy_terms
from ..course.initialization import initialize_parameters_he
from ._common import not_provided
from ._common import plain_relu as relu
from ._common import plain_sigmoid as sigmoid
from ._three_layer import backward_propagation, forward_propagation, predict, predict_dec, update_parameters

__all__ = ["sigmoid", "relu", "initialize_parameters", "forward_propagation", "backward_propagation",
           "compute_cost", "update_parameters", "predict", "predict_dec", "load_params_and_grads",
           "load_dataset", "plot_decision_boundary"]

def initialize_parameters(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> W[l] = randn(n[l], n[l-1]) * sqrt(2 / n[l-1]) after
    seed 3, b[l] = zeros((n[l], 1)): the graded initialize_parameters_he, under the file's name."""
    return initialize_parameters_he(layer_dims)


# Differs from reg_utils.compute_cost: the sum over the mini-batch, not divided by m.
def compute_cost(a3, Y):
    """a3, Y: (1, m) -> Σ over the m examples of -Y log a3 - (1-Y) log(1-a3) (not divided by m)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # the file's sum: inf at log 0, never a warning
        return np.sum(cross_entropy_terms(a3, Y))


load_params_and_grads = not_provided("opt_utils_v1a", "load_params_and_grads", "is the course's test data")
load_dataset = not_provided("opt_utils_v1a", "load_dataset", "builds the course's moons data set")
plot_decision_boundary = not_provided("opt_utils_v1a", "plot_decision_boundary", "plots")
