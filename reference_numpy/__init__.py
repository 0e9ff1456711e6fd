"""nn-parity's reference: the notes' models by hand in NumPy.

    from reference_numpy import ModelSpec, init_params, logistic, deep
    from reference_numpy import optim          # course 2: optim.Adam(), ... for train(optimizer=)

``logistic`` and ``deep`` are the notes' math (forward, cost, backprop with caches, update),
``course`` the course's functions under the course's names, ``optim`` the course-2 update
rules. The contract every backend shares (``ModelSpec``, ``init_params``, the checks, the
mini-batch order, the dropout masks) is ``nn_contract``'s; the names users import from here
(``ModelSpec``, ``init_params``, ``dropout_masks``, ...) are re-exported from it. Depends on
NumPy and ``nn_contract`` only; importing it imports neither torch nor jax.
"""

from nn_contract import (
    ACTIVATION_NAMES,
    DEFAULT_LOSS,
    INIT_METHODS,
    LOSS_NAMES,
    OUTPUT_NAMES,
    ModelSpec,
    dropout_masks,
    init_logistic_params,
    init_params,
)

from . import activations, course, deep, logistic, losses, optim, parallel

__all__ = [
    "ModelSpec",
    "init_params",
    "init_logistic_params",
    "dropout_masks",
    "INIT_METHODS",
    "ACTIVATION_NAMES",
    "OUTPUT_NAMES",
    "LOSS_NAMES",
    "DEFAULT_LOSS",
    "activations",
    "course",
    "deep",
    "logistic",
    "losses",
    "optim",
    "parallel",
]
