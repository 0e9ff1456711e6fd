"""The course's ``reg_utils`` (the regularisation assignment), its math part.

    sigmoid(x), relu(x)                         the activation alone
    initialize_parameters(layer_dims)           randn(n[l], n[l-1]) / sqrt(n[l-1]) after seed 3, b = 0
    forward_propagation, backward_propagation   the 3-layer network (``_three_layer``)
    compute_cost(a3, Y)                         (1/m) nansum(-Y log a3 - (1-Y) log(1-a3)), the
                                                cross-entropy of the graded L2 cost
    update_parameters, predict, predict_dec

Draws come from a private ``RandomState`` seeded as the course seeds ``np.random``.
``load_2D_dataset``, ``load_planar_dataset`` and ``plot_decision_boundary`` need the course's
files and are not provided.
"""

from __future__ import annotations

from ..course._common import fan_in_parameters, layers_dims
from ..course._three_layer import nansum_cost as compute_cost
from ._common import not_provided
from ._common import plain_relu as relu
from ._common import plain_sigmoid as sigmoid
from ._three_layer import backward_propagation, forward_propagation, predict, predict_dec, update_parameters

__all__ = ["sigmoid", "relu", "initialize_parameters", "forward_propagation", "backward_propagation",
           "compute_cost", "update_parameters", "predict", "predict_dec", "load_2D_dataset",
           "load_planar_dataset", "plot_decision_boundary"]

_SEED = 3  # reg_utils seeds 3 where dnn_app_utils_v3, with the same draws, seeds 1


# Helper-only (no graded counterpart): dnn_app_utils_v3.initialize_parameters_deep's draws after seed 3.
def initialize_parameters(layer_dims) -> dict:
    """layer_dims = [n_x, n[1], ..., n[L]] -> W[l] = randn(n[l], n[l-1]) / sqrt(n[l-1]) after
    seed 3, b[l] = zeros((n[l], 1))."""
    return fan_in_parameters(layers_dims(layer_dims, "layer_dims", "initialize_parameters(layer_dims)"), _SEED)


load_2D_dataset = not_provided("reg_utils", "load_2D_dataset", "reads the course's datasets/data.mat")
load_planar_dataset = not_provided("reg_utils", "load_planar_dataset", "builds the course's flower data set")
plot_decision_boundary = not_provided("reg_utils", "plot_decision_boundary", "plots")
