"""nn-parity's contract: what every implementation honours, and the only part of nn-parity a
backend imports.

    from nn_contract import ModelSpec, init_params, optim, dropout_masks

It holds the spec and its names (``spec``), the shared start (``init``: ``init_params``), the
validators every backend runs before any arithmetic (``checks``), the mini-batch order
(``batches``), the dropout masks (``dropout``), the labels rule (``labels``), the optimizer
descriptions (``optim``), the data-parallel shards (``shards``) and the protocol's types
(``protocol``). NumPy only; it imports
nothing else of the project, so a third-party backend needs nothing more (CONTRACT.md).
"""

from . import batches, checks, dropout, init, labels, optim, protocol, shards, spec
from .dropout import dropout_masks
from .init import INIT_METHODS, init_logistic_params, init_params
from .labels import labels_from_proba
from .spec import ACTIVATION_NAMES, DEFAULT_LOSS, LOSS_NAMES, OUTPUT_NAMES, ModelSpec

__all__ = [
    "ModelSpec",
    "init_params",
    "init_logistic_params",
    "dropout_masks",
    "labels_from_proba",
    "INIT_METHODS",
    "ACTIVATION_NAMES",
    "OUTPUT_NAMES",
    "LOSS_NAMES",
    "DEFAULT_LOSS",
    "batches",
    "checks",
    "dropout",
    "init",
    "labels",
    "optim",
    "protocol",
    "shards",
    "spec",
]
