"""The course's ``init_utils`` (the initialisation assignment), its math part.

    sigmoid(x), relu(x)                         the activation alone
    forward_propagation, backward_propagation   the 3-layer network (``_three_layer``)
    compute_loss(a3, Y)                         (1/m) nansum(-Y log a3 - (1-Y) log(1-a3)), reg_utils'
                                                compute_cost under this file's name
    update_parameters, predict, predict_dec

The initialisers are the assignment's graded functions (the student writes them).
``load_dataset`` and ``plot_decision_boundary`` need the course's data and plots and are not
provided.
"""

from __future__ import annotations

from ..course._three_layer import nansum_cost as compute_loss
from ._common import not_provided
from ._common import plain_relu as relu
from ._common import plain_sigmoid as sigmoid
from ._three_layer import backward_propagation, forward_propagation, predict, predict_dec, update_parameters

__all__ = ["sigmoid", "relu", "forward_propagation", "backward_propagation", "compute_loss",
           "update_parameters", "predict", "predict_dec", "load_dataset", "plot_decision_boundary"]

load_dataset = not_provided("init_utils", "load_dataset", "builds the course's circles data set")
plot_decision_boundary = not_provided("init_utils", "plot_decision_boundary", "plots")
