"""What a backend supports: its declaration where it makes one, probing where it does not.

``unsupported_reason(backend, features)`` answers, for a check about to run, whether the
backend can take part, and if not, why, in words that go into the skip. A declared
capability is taken at its word (a wrong declaration shows up as failed checks). An
undeclared one is probed once, on a tiny problem: a ``NotImplementedError``, ``ValueError``
or ``TypeError`` from the backend marks the feature unsupported, with the message; any other
exception means the feature is there and the checks themselves will show what is wrong.
"""

from __future__ import annotations

import numpy as np

from nn_contract import ACTIVATION_NAMES, LOSS_NAMES, OUTPUT_NAMES, ModelSpec, init_params, optim
from nn_contract.protocol import TRAINING_OPTIONS

__all__ = ["FEATURES", "unsupported_reason", "supported_summary"]

# Feature (as checks name it) -> capability key of the declaration.
FEATURES = {
    "model": "models",
    "activation": "activations",
    "output": "outputs",
    "loss": "losses",
    "dtype": "dtypes",
    "device": "devices",
    "training": "training",
    "optimizer": "optimizers",
}
_REFUSALS = (NotImplementedError, ValueError, TypeError)
# Training options probed by a call: every train takes them in its signature (batch_size is the
# course's), so only a call shows whether the backend honours them. The others (lambd, ...) are
# refused by leaving them out of the signature, or shown wrong by the checks.
_PROBED_OPTIONS = ("batch_size", "world_size")
_PROBES: dict[tuple, str | None] = {}


def _values(value) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (tuple, list, set, frozenset)) else (value,)


def _tiny(spec_kwargs: dict, dtype: str = "float64"):
    spec = ModelSpec(**spec_kwargs)
    rng = np.random.RandomState(0)
    X = rng.randn(spec.n_x, 4).astype(dtype)
    if spec.output == "softmax":
        Y = np.eye(spec.n_y)[:, [0, 1, 0, 1]]
    elif spec.output == "linear":
        Y = rng.randn(spec.n_y, 4)
    else:
        Y = np.array([[0.0, 1.0, 1.0, 0.0]] * spec.n_y)
    return init_params(spec, 0, "xavier", dtype=dtype), X, Y.astype(dtype), spec


def _probe_call(backend, key: str, value) -> str | None:
    """Call the backend on a tiny case that needs ``value`` of ``key``; the refusal, if any."""
    cache_key = (backend.name, backend.package, key, value)
    if cache_key in _PROBES:
        return _PROBES[cache_key]
    spec_kwargs = {"layer_dims": (3, 2, 1)}
    dtype = "float64"
    model = "deep"
    call = "cost_and_grads"
    options: dict = {}
    if key == "activation":
        spec_kwargs["hidden_activation"] = value
    elif key == "output":
        spec_kwargs.update(output=value, layer_dims=(3, 2, 2))
    elif key == "loss":
        output = {"binary_cross_entropy": "sigmoid", "categorical_cross_entropy": "softmax"}.get(value, "linear")
        spec_kwargs.update(output=output, loss=value, layer_dims=(3, 2, 2))
    elif key == "dtype":
        dtype = value
    elif key == "optimizer":
        call, options = "train", {"optimizer": getattr(optim, value)(), "num_epochs": 1}
    elif key == "training":  # world_size and batch_size: options a train can refuse for any value
        call, options = "train", {value: 2, "num_epochs": 1}
    if "deep" not in backend.models():
        model = "logistic"
    try:
        params, X, Y, spec = _tiny(spec_kwargs, dtype)
        if model == "logistic":
            params, Y = {"w": np.zeros((X.shape[0], 1), dtype=dtype), "b": 0.0}, (Y[:1] > 0).astype(dtype)
        if call == "train":
            backend.train(model, params, X, Y, spec if model == "deep" else None, **options)
        else:
            backend.cost_and_grads(model, params, X, Y, spec if model == "deep" else None)
        reason = None
    except _REFUSALS as exc:
        reason = f"{backend.name} refused {key} {value!r} when probed: {type(exc).__name__}: {exc}"
    except Exception:  # noqa: BLE001 - there, but wrong: the checks will say how
        reason = None
    _PROBES[cache_key] = reason
    return reason


def unsupported_reason(backend, features: dict) -> str | None:
    """None where ``backend`` supports every feature; else the first reason it does not.

    features: any of ``model``, ``function`` (a public function of that model), and the keys
    of ``FEATURES`` with one value or several (``activation=("tanh", "relu")``).
    """
    reason = backend.unavailable_reason()
    if reason:
        return reason
    model = features.get("model", "deep")
    if model not in backend.models():
        return f"{backend.name} has no {model!r} model ({backend.package}.{model})"
    for function in _values(features.get("function")):
        if backend.function(model, function) is None:
            return f"{backend.name} has no {model}.{function}"
    declared = backend.capabilities()
    for feature, key in FEATURES.items():
        if feature in ("model",):
            continue
        for value in _values(features.get(feature)):
            if feature == "device":
                reason = backend.device_reason(value)
                if reason:
                    return reason
                continue
            allowed = declared.get(key)
            if allowed is not None:
                if value not in allowed:
                    return f"{backend.name} does not declare {feature} {value!r} (its {key}: {', '.join(allowed) or 'none'})"
                continue
            if feature == "training":
                # An option of cost_and_grads (lambd, keep_prob, masks) where the check calls that.
                fn = "cost_and_grads" if "cost_and_grads" in _values(features.get("function")) else "train"
                if not backend.accepts(model, fn, value):
                    return f"{backend.name}'s {model}.{fn} takes no {value}= option"
                if value in _PROBED_OPTIONS:
                    # Taken (by name or **kwargs) is not yet honoured: a train that refuses
                    # world_size=2, or batches of 2 of 4 examples, on a tiny problem lacks it.
                    reason = _probe_call(backend, feature, value)
                    if reason:
                        return reason
                continue
            if feature in ("activation", "output", "loss") and model != "deep":
                continue
            reason = _probe_call(backend, feature, value)
            if reason:
                return reason
    return None


def supported_summary(backend) -> dict[str, str]:
    """Each capability key -> what the backend supports, in words (declared or probed)."""
    universe = {
        "activation": ACTIVATION_NAMES,
        "output": OUTPUT_NAMES,
        "loss": LOSS_NAMES,
        "dtype": ("float64", "float32"),
        "device": ("cpu", "cuda"),
        "training": TRAINING_OPTIONS,
    }
    summary = {"models": ", ".join(backend.models()) or "none",
               "functions": ", ".join(f"{m}.{f}" for m in backend.models() for f in
                                      ("cost_and_grads", "train", "predict_proba", "predict")
                                      if backend.function(m, f))}
    for feature, values in universe.items():
        ok = [v for v in values if unsupported_reason(backend, {feature: v}) is None]
        summary[FEATURES[feature]] = ", ".join(ok) or "none"
    return summary
