"""nn-parity in PyTorch: the notes' models as ``nn.Module`` classes, gradients by autograd.

    from reference_numpy import ModelSpec, init_params
    from torch_impl import deep

    spec = ModelSpec((12288, 20, 7, 5, 1), hidden_activation="relu")
    params = init_params(spec, seed=1, method="he")
    params, costs = deep.train(params, X, Y, spec, num_epochs=2500, device="cpu")
    labels = deep.predict(params, X_test, spec)

The public functions take and return the NumPy contract (columns are examples) and
convert at the boundary (``convert``). For torch work, the modules themselves:
``DeepNetwork.from_params(params, spec)`` and ``LogisticRegression.from_params(params)``
take rows as examples and return logits; ``to_params()`` gives the contract back.
"""

from . import activations, convert, deep, logistic, losses
from .deep import DeepNetwork
from .logistic import LogisticRegression

__all__ = [
    "DeepNetwork",
    "LogisticRegression",
    "activations",
    "convert",
    "deep",
    "logistic",
    "losses",
]
