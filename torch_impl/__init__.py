"""nn-parity in PyTorch: the notes' models as ``nn.Module`` classes, gradients by autograd.

    from nn_contract import ModelSpec, init_params
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

import importlib
import importlib.util

# A missing framework is named, with the extra that installs it, before anything else fails.
for _module in ("torch",):
    try:
        _found = importlib.util.find_spec(_module) is not None
    except (ImportError, ValueError):  # a blocked or half-imported module counts as missing
        _found = False
    if not _found:
        raise ImportError(
            f"torch_impl needs PyTorch, and {_module!r} is not installed: pip install 'nn-parity[torch]'"
        )

# Submodules load on first use, so that ``import torch_impl`` (and its ``backend`` declaration)
# does not start the framework: XLA, for one, sizes its thread pool when it starts.
_SUBMODULES = ('activations', 'backend', 'convert', 'deep', 'logistic', 'losses', 'optim', 'parallel')
_CLASSES = {'DeepNetwork': 'deep', 'LogisticRegression': 'logistic'}

__all__ = [*_CLASSES, *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _CLASSES:
        return getattr(importlib.import_module(f".{_CLASSES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
