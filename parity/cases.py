"""Built-in parity cases: identical specs, parameters and data for every backend.

A case is fully determined by its fields: the same case gives the same arrays on every
machine (parameters from ``init_params``, data from a seeded ``RandomState``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn_contract import ACTIVATION_NAMES, ModelSpec, init_logistic_params, init_params

from .registry import reference_backend

__all__ = ["Case", "make_data", "builtin_cases", "training_cases", "case_features", "first_supported",
           "REFUSAL_CASE"]


def make_data(output: str, n_x: int, n_y: int, m: int, seed: int, dtype="float64"):
    """X: (n_x, m) standard normal; Y: (n_y, m) valid for ``output`` (0/1, one-hot columns,
    or reals), both in ``dtype``."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_x, m)
    if output == "sigmoid":
        Y = (rng.rand(n_y, m) > 0.5).astype(np.float64)
    elif output == "softmax":
        Y = np.eye(n_y)[:, rng.randint(n_y, size=m)]
    elif output == "linear":
        Y = rng.randn(n_y, m)
    else:
        raise ValueError(f"unknown output {output!r}")
    return X.astype(dtype), Y.astype(dtype)


@dataclass(frozen=True)
class Case:
    """One model, one set of parameters, one data set.

    model: ``logistic`` or ``deep``. For ``logistic`` only ``layer_dims[0]`` (n_x) counts.
    saturate: if set, the last layer is scaled so that max |Z[L]| equals it, driving the
    outputs into saturation (|z| in the hundreds).
    bias: if nonzero, every b[l] (logistic: b) gets ``bias`` · N(0, 1) entries, seeded by the
    case: the init methods start b at 0, where a forward pass that leaves b out, or a db that
    is not Σ dZ / m of the right layer, agrees with the reference.
    """

    name: str
    model: str = "deep"
    layer_dims: tuple[int, ...] = (4, 5, 3, 1)
    hidden_activation: str | tuple[str, ...] = "relu"
    output: str = "sigmoid"
    loss: str | None = None
    init: str = "xavier"
    m: int = 12
    seed: int = 0
    saturate: float | None = None
    bias: float = 0.0
    tags: tuple[str, ...] = field(default=(), compare=False)

    @property
    def spec(self) -> ModelSpec | None:
        if self.model == "logistic":
            return None
        return ModelSpec(self.layer_dims, self.hidden_activation, self.output, self.loss)

    def data(self, dtype="float64"):
        n_y = 1 if self.model == "logistic" else self.layer_dims[-1]
        return make_data(self.output, self.layer_dims[0], n_y, self.m, self.seed + 1, dtype)

    def params(self, dtype="float64") -> dict:
        if self.model == "logistic":
            params = init_logistic_params(self.layer_dims[0], self.seed, self.init, dtype=dtype)
            if self.bias:
                params["b"] = float(self.bias * np.random.RandomState(self.seed + 2).randn())
            if self.saturate:
                X, _ = self.data("float64")
                factor = self.saturate / np.abs(params["w"].T.astype(np.float64) @ X + params["b"]).max()
                params["w"], params["b"] = (params["w"] * factor).astype(dtype), params["b"] * factor
            return params
        params = self._with_bias(init_params(self.spec, self.seed, self.init))
        if self.saturate:
            params = self._saturated(params)
        return {k: v.astype(dtype) for k, v in params.items()}

    def _with_bias(self, p64: dict) -> dict:
        if self.bias:
            rng = np.random.RandomState(self.seed + 2)
            for l in range(1, self.spec.num_layers + 1):
                p64[f"b{l}"] = self.bias * rng.randn(*p64[f"b{l}"].shape)
        return p64

    def _saturated(self, p64: dict) -> dict:
        # Scaled in float64 from the float64 forward pass, so both dtypes saturate alike.
        X, _ = self.data("float64")
        factor = self.saturate / np.abs(_logits(p64, X, self.spec)).max()
        L = self.spec.num_layers
        return {**p64, f"W{L}": p64[f"W{L}"] * factor, f"b{L}": p64[f"b{L}"] * factor}


def _logits(params: dict, X: np.ndarray, spec: ModelSpec) -> np.ndarray:
    """Z[L]: (n[L], m), the reference's A[L] for the same network with a linear output (where
    A[L] = Z[L]), through the protocol's ``predict_proba``."""
    logits = ModelSpec(spec.layer_dims, spec.hidden_activation, "linear", leaky_slope=spec.leaky_slope)
    return np.asarray(reference_backend().predict_proba("deep", params, X, logits))


def case_features(case: Case, dtype: str, device: str) -> dict:
    """What a backend must support to run ``case`` (``Backend.unsupported``'s keywords)."""
    features = {"model": case.model, "function": "cost_and_grads", "dtype": dtype, "device": device}
    if case.model == "deep":
        spec = case.spec
        features.update(activation=tuple(sorted(set(spec.activations[:-1]))), output=spec.output, loss=spec.loss)
    return features


# The network the refusal checks (bad input, bad options) are asked of: the course's, ReLU hidden
# layers and a sigmoid output, which every backend of the course's scope takes.
REFUSAL_CASE = Case("refusals", layer_dims=(3, 4, 1), hidden_activation="relu", m=5)


def first_supported(candidates, dtype: str, device: str, skip_reason) -> Case:
    """The first of ``candidates`` (the same check on other configurations, in order of
    preference) that ``skip_reason(**case_features(...))`` lets run; the first one where none
    does, so that its row is skipped with that case's reason. A package that supports ReLU and a
    sigmoid output alone still gets the saturation and finite-difference checks, on its own
    configuration."""
    for case in candidates:
        if skip_reason(**case_features(case, dtype, device)) is None:
            return case
    return candidates[0]


def builtin_cases() -> list[Case]:
    """Every model, hidden activation, output/loss and init, plus zero-logit and saturated
    cases: the catalogue the parity report and suite run."""
    cases = [
        Case("logistic-zeros", model="logistic", layer_dims=(6, 1), init="zeros"),
        Case("logistic-random", model="logistic", layer_dims=(6, 1), init="random"),
        Case("logistic-saturated", model="logistic", layer_dims=(6, 1), init="xavier", saturate=600.0),
        Case("depth1-sigmoid", layer_dims=(4, 1)),
    ]
    cases += [Case(f"hidden-{act}", hidden_activation=act) for act in ACTIVATION_NAMES]
    cases += [
        Case("hidden-per-layer", layer_dims=(4, 5, 4, 3, 1), hidden_activation=("tanh", "leaky_relu", "sigmoid")),
        Case("out-multilabel-sigmoid", layer_dims=(4, 5, 3), output="sigmoid"),
        Case("out-softmax", layer_dims=(4, 5, 3), hidden_activation="tanh", output="softmax"),
        Case("out-linear-squared", layer_dims=(4, 5, 2), output="linear", loss="squared_error"),
        Case("out-linear-l1", layer_dims=(4, 5, 2), hidden_activation="tanh", output="linear", loss="l1"),
    ]
    cases += [Case(f"init-{method}", hidden_activation="tanh", init=method) for method in ("zeros", "random", "he")]
    cases += [
        Case("saturated-sigmoid", hidden_activation="tanh", saturate=500.0),
        Case("saturated-softmax", layer_dims=(4, 5, 3), hidden_activation="tanh", output="softmax", saturate=500.0),
    ]
    return cases


def training_cases() -> list[Case]:
    """Smaller set for trajectories: one per model and output."""
    return [
        Case("logistic", model="logistic", layer_dims=(6, 1), init="zeros", m=20),
        Case("deep-relu-sigmoid", layer_dims=(4, 6, 3, 1), m=20),
        Case("deep-tanh-softmax", layer_dims=(4, 6, 3), hidden_activation="tanh", output="softmax", m=20),
        Case("deep-leaky-linear", layer_dims=(4, 6, 2), hidden_activation="leaky_relu", output="linear", m=20),
    ]
