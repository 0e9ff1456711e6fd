"""nn-parity's reference: the notes' models by hand in NumPy, and the shared contract.

    from reference_numpy import ModelSpec, init_params, logistic, deep
    from reference_numpy import optim          # course 2: optim.Adam(), ... for train(optimizer=)

Depends on NumPy only; importing it imports neither torch nor jax.
"""

from . import activations, batches, checks, course, deep, dropout, labels, logistic, losses, optim
from .init import INIT_METHODS, init_logistic_params, init_params
from .spec import ACTIVATION_NAMES, DEFAULT_LOSS, LOSS_NAMES, OUTPUT_NAMES, ModelSpec

__all__ = [
    "ModelSpec",
    "init_params",
    "init_logistic_params",
    "INIT_METHODS",
    "ACTIVATION_NAMES",
    "OUTPUT_NAMES",
    "LOSS_NAMES",
    "DEFAULT_LOSS",
    "activations",
    "batches",
    "checks",
    "course",
    "deep",
    "dropout",
    "labels",
    "logistic",
    "losses",
    "optim",
]
