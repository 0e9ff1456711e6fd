"""nn-parity in HIPS autograd: the notes' models as functions of NumPy arrays, gradients by
``autograd.value_and_grad``. A third-party backend, written against the public contract only.

    from nn_contract import ModelSpec, init_params
    from nn_parity_autograd import deep

    spec = ModelSpec((12288, 20, 7, 5, 1), hidden_activation="relu")
    params = init_params(spec, seed=1, method="he")
    params, costs = deep.train(params, X, Y, spec, num_epochs=2500)
    labels = deep.predict(params, X_test, spec)

autograd traces plain NumPy, so the arrays of the contract are its native form: nothing is
converted, and it runs on the CPU only. ``backend`` declares that to nn-parity.
"""

import importlib

# Submodules load on first use, so that nn-parity can read ``backend`` (what this package
# needs and supports) even where autograd is not installed.
_SUBMODULES = ("activations", "backend", "deep", "logistic", "losses")

__all__ = list(_SUBMODULES)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
