"""The conformance suite: every check of the contract, run against any backend.

``run_conformance(backend, against=reference)`` returns one row per check (``Check``):
cost and gradient parity over the built-in cases and over random architectures, the
conventions at the kinks and at saturation, training trajectories, central finite
differences of the backend's own cost, bad input refused with a clear error, the caller's
arrays untouched, the dtype kept. A check the backend cannot take part in (a model,
activation, dtype, device or option it lacks) is skipped with the reason and counted.

Every failure says what and where: the quantity (``cost``, ``dW2``, ``db3``, ...), its layer,
the largest error against the tolerance, the index of the worst entry with both values; for
a trajectory, the first step that leaves tolerance; for a convention, its name and what the
contract says. Where the backend exposes the notes' building blocks
(``linear_activation_forward``), the first layer whose Z[l] or A[l] differs is named too.
"""

from __future__ import annotations

import copy
import math
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from nn_contract import ACTIVATION_NAMES, ModelSpec, init_params

from .cases import Case, builtin_cases, training_cases
from .compare import case_features as _features
from .registry import Backend, reference_backend
from .tolerance import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance

__all__ = ["Check", "CHECK_COLUMNS", "run_conformance", "random_cases", "gradient_check", "summarise"]

CHECK_COLUMNS = ("check", "case", "quantity", "dtype", "device", "status", "error", "tolerance", "detail")
# The course's bound for its gradient check, ‖g − g̃‖ / (‖g‖ + ‖g̃‖) with ε = 1e-7, in float64.
GRADIENT_CHECK_BOUND = 2e-7


@dataclass
class Check:
    """One row of ``conformance.csv``. status: ``passed``, ``failed`` or ``skipped``;
    detail: on failure, what and where; when skipped, the reason."""

    check: str
    case: str
    quantity: str
    dtype: str
    device: str
    status: str
    error: float = math.nan
    tolerance: float = math.nan
    detail: str = ""


# --------------------------------------------------------------------------- cases


def random_cases(n: int, seed: int = 0) -> list[Case]:
    """``n`` random architectures from ``seed``: depth 1-4, widths 1-6, one hidden activation
    per layer, every output and loss, every init, m in 1..12."""
    rng = np.random.RandomState(seed)
    outputs = [("sigmoid", None), ("softmax", None), ("linear", "squared_error"), ("linear", "l1")]
    cases = []
    for i in range(n):
        depth = rng.randint(1, 5)
        output, loss = outputs[rng.randint(len(outputs))]
        dims = [int(rng.randint(1, 7)) for _ in range(depth)]
        if output == "softmax":
            dims[-1] = max(dims[-1], 2)
        hidden = tuple(str(rng.choice(ACTIVATION_NAMES)) for _ in range(depth - 1))
        init = str(rng.choice(["random", "xavier", "he"]))
        cases.append(Case(f"random-{i}", layer_dims=(int(rng.randint(1, 6)), *dims),
                          hidden_activation=hidden, output=output, loss=loss, init=init,
                          m=int(rng.randint(1, 13)), seed=int(rng.randint(1000))))
    return cases


# --------------------------------------------------------------------------- describing differences


def _layer_of(key: str) -> str:
    match = re.search(r"(\d+)$", key)
    return f" (layer {match.group(1)})" if match else ""


def _worst_entry(got: np.ndarray, expected: np.ndarray) -> str:
    diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    diff = np.where(np.isnan(diff), np.inf, diff)
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape)) if diff.size else ()
    return f"worst entry {list(idx)}: got {float(got[idx]):.17g}, expected {float(expected[idx]):.17g}"


def _as_dict_of_arrays(grads) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in grads.items()}


def describe_grads(got: dict, expected: dict, tol: float, whole: str = "grads") -> tuple[float, str, str]:
    """(error, quantity, detail) of a gradient (or parameter set) against the reference: the
    whole-vector error and, where it fails, the array and entry that fail most. ``whole``
    names the quantity when nothing fails."""
    if not isinstance(got, dict):
        return math.inf, whole, f"{whole} must be a dict keyed like {sorted(expected)}, got {type(got).__name__}"
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    if missing or extra:
        return math.inf, (missing or extra)[0], f"{whole} keys differ: missing {missing}, unexpected {extra}"
    got, expected = _as_dict_of_arrays(got), _as_dict_of_arrays(expected)
    for key in expected:
        if got[key].shape != expected[key].shape:
            return (math.inf, key, f"{key}{_layer_of(key)}: shape {got[key].shape}, expected "
                                   f"{expected[key].shape}" + (" (transposed?)" if got[key].shape
                                                                == expected[key].shape[::-1] else ""))
    error = dict_relative_error(got, expected, GRAD_SCALE_FLOOR)
    if error <= tol:
        return error, whole, ""
    scale = max(max(float(np.max(np.abs(v), initial=0.0)) for v in expected.values()), GRAD_SCALE_FLOOR)

    def key_error(k):
        d = np.abs(got[k].astype(np.float64) - expected[k].astype(np.float64))
        return math.inf if not np.isfinite(d).all() else float(np.max(d, initial=0.0)) / scale

    worst = max(expected, key=key_error)
    return (error, worst, f"{worst}{_layer_of(worst)}: error {key_error(worst):.3g} > tolerance {tol:.0e}; "
                          f"{_worst_entry(got[worst], expected[worst])}")


def _first_layer_that_differs(backend: Backend, case, params, X, tol: float) -> str:
    """Feed the reference's A[l-1] to the backend's own building blocks, layer by layer."""
    module = backend.module("deep")
    block = getattr(module, "linear_activation_forward", None)
    linear = getattr(module, "linear_forward", None)
    if not callable(block):
        return ""
    ref = reference_backend().module("deep")
    spec = case.spec
    A_prev = X
    for l, activation in enumerate(spec.activations, start=1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z_ref, _ = ref.linear_forward(A_prev, W, b)
        A_ref, _ = ref.linear_activation_forward(A_prev, W, b, activation, spec.leaky_slope)
        try:
            if callable(linear):
                Z = linear(A_prev, W, b)
                Z = np.asarray(Z[0] if isinstance(Z, tuple) else Z)
                if Z.shape != Z_ref.shape or relative_error(Z, Z_ref) > tol:
                    return f"; first layer that differs: Z[{l}] ({_worst_entry(Z, Z_ref)})" if Z.shape == Z_ref.shape \
                        else f"; first layer that differs: Z[{l}] has shape {Z.shape}, expected {Z_ref.shape}"
            try:
                A = block(A_prev, W, b, activation, spec.leaky_slope)
            except TypeError:
                A = block(A_prev, W, b, activation)  # the notes' signature has no slope
            A = np.asarray(A[0] if isinstance(A, tuple) else A)
        except Exception as exc:  # noqa: BLE001 - a building block that breaks is itself the finding
            return f"; its building blocks fail at layer {l}: {type(exc).__name__}: {exc}"
        if A.shape != A_ref.shape or relative_error(A, A_ref) > tol:
            where = _worst_entry(A, A_ref) if A.shape == A_ref.shape else f"shape {A.shape}, expected {A_ref.shape}"
            return f"; first layer that differs: A[{l}] = {activation}(Z[{l}]) ({where})"
        A_prev = A_ref
    return "; the forward pass agrees layer by layer (A[1] ... A[L]): the difference is in the cost or backward pass"


# --------------------------------------------------------------------------- the checks


class _Runner:
    def __init__(self, backend: Backend, against: Backend, dtypes, devices, quick: bool):
        self.backend, self.against = backend, against
        self.dtypes, self.devices, self.quick = tuple(dtypes), tuple(devices), quick
        self.rows: list[Check] = []

    # rows ------------------------------------------------------------------------------
    def add(self, check, case, quantity, dtype, device, status, error=math.nan, tol=math.nan, detail=""):
        self.rows.append(Check(check, case, quantity, dtype, device, status, float(error), float(tol), detail))

    def skip_reason(self, **features) -> str | None:
        return self.backend.unsupported(**features) or self.against.unsupported(
            **{k: v for k, v in features.items() if k != "device"})

    def guarded(self, check, case, quantity, dtype, device, fn: Callable[[], None]) -> None:
        """Run one check; an exception from the backend is a failure that names it. So is a
        RuntimeWarning (overflow, invalid value): the contract allows none on valid input."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)
                fn()
        except Exception as exc:  # noqa: BLE001 - any exception is the backend's failure here
            self.add(check, case, quantity, dtype, device, "failed",
                     detail=f"raised {type(exc).__name__}: {exc}")

    # parity ----------------------------------------------------------------------------
    def parity(self, check: str, cases) -> None:
        for case in cases:
            for dtype in self.dtypes:
                for device in self.devices:
                    reason = self.skip_reason(**_features(case, dtype, device))
                    if reason:
                        self.add(check, case.name, "cost and grads", dtype, device, "skipped", detail=reason)
                        continue
                    self.guarded(check, case.name, "cost and grads", dtype, device,
                                 lambda: self._parity_one(check, case, dtype, device))

    def _parity_one(self, check, case, dtype, device):
        X, Y = case.data(dtype)
        params = case.params(dtype)
        spec = case.spec
        ref_cost, ref_grads = self.against.cost_and_grads(case.model, case.params(dtype), X, Y, spec)
        cost, grads = self.backend.cost_and_grads(case.model, params, X, Y, spec, device)
        tol = tolerance(dtype, device)
        cost_err = relative_error(cost, ref_cost) if np.ndim(cost) == 0 else math.inf
        ok = cost_err <= tol.cost
        detail = "" if ok else (f"cost: got {cost!r}, expected {ref_cost!r} (relative error {cost_err:.3g} > "
                                f"tolerance {tol.cost:.0e})")
        if case.model == "deep" and not ok:
            detail += _first_layer_that_differs(self.backend, case, params, X, tol.grad)
        self.add(check, case.name, "cost", dtype, device, "passed" if ok else "failed", cost_err, tol.cost, detail)
        if case.model == "logistic":
            ref_grads = {"dw": ref_grads["dw"], "db": np.asarray(ref_grads["db"])}
            grads = {k: np.asarray(v) for k, v in grads.items()} if isinstance(grads, dict) else grads
        error, quantity, detail = describe_grads(grads, ref_grads, tol.grad)
        ok = error <= tol.grad
        if case.model == "deep" and not ok and "layer by layer" not in detail:
            detail += _first_layer_that_differs(self.backend, case, params, X, tol.grad)
        self.add(check, case.name, quantity, dtype, device, "passed" if ok else "failed", error, tol.grad, detail)

    # conventions -----------------------------------------------------------------------
    def conventions(self) -> None:
        device = "cpu"
        dtype = "float64"
        slope = 0.05
        for hidden, contract, says in (("relu", 0.0, "0"), ("leaky_relu", slope, f"the slope ({slope})")):
            name = f"{hidden}'(0)"
            reason = self.skip_reason(model="deep", function="cost_and_grads", activation=hidden, dtype=dtype)
            if reason:
                self.add("convention", f"kink-{hidden}", name, dtype, device, "skipped", detail=reason)
                continue
            self.guarded("convention", f"kink-{hidden}", name, dtype, device,
                         lambda h=hidden, c=contract, s=says, n=name: self._kink(h, c, s, n, slope))
        reason = self.skip_reason(model="deep", function="cost_and_grads", output="linear", loss="l1", dtype=dtype)
        if reason:
            self.add("convention", "kink-l1", "|·|'(0)", dtype, device, "skipped", detail=reason)
        else:
            self.guarded("convention", "kink-l1", "|·|'(0)", dtype, device, self._l1_kink)
        reason = self.skip_reason(model="deep", function="predict", output="sigmoid", dtype=dtype)
        if reason:
            self.add("convention", "predict-at-0.5", "predict at A[L] = 0.5", dtype, device, "skipped", detail=reason)
        else:
            self.guarded("convention", "predict-at-0.5", "predict at A[L] = 0.5", dtype, device, self._predict_half)

    def _kink(self, hidden, contract, says, name, slope):
        # W[1] = 0, b[1] = 0: Z[1] = 0 for every example, so g'(0) alone scales db[1]:
        # db[1] = g'(0) · W[2] · mean(dZ[2]), with dZ[2] = σ(W[2] g(0) + b[2]) − Y = 0.5 − 0.
        spec = ModelSpec((2, 1, 1), hidden_activation=hidden, leaky_slope=slope)
        params = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1)), "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}
        X, Y = np.array([[1.0, -2.0, 0.5], [0.3, 1.0, -1.5]]), np.zeros((1, 3))
        _, grads = self.backend.cost_and_grads("deep", params, X, Y, spec)
        got = float(np.asarray(grads["db1"]).ravel()[0]) / 0.5
        error = abs(got - contract)
        tol = tolerance("float64").grad
        ok = error <= tol
        self.add("convention", f"kink-{hidden}", name, "float64", "cpu", "passed" if ok else "failed", error, tol,
                 "" if ok else f"{name}: got {got:.6g}, the contract says {says}")

    def _l1_kink(self):
        # A perfect fit: every residual ŷ − y is exactly 0, so dZ[L] = sign'(0)-weighted: 0.
        spec = ModelSpec((1, 1), output="linear", loss="l1")
        params = {"W1": np.array([[2.0]]), "b1": np.zeros((1, 1))}
        X = np.array([[1.0, 2.0, 3.0]])
        _, grads = self.backend.cost_and_grads("deep", params, X, 2 * X, spec)
        got = max(float(np.max(np.abs(np.asarray(v)))) for v in grads.values())
        tol = tolerance("float64").grad
        ok = got <= tol
        self.add("convention", "kink-l1", "|·|'(0)", "float64", "cpu", "passed" if ok else "failed", got, tol,
                 "" if ok else f"|·|'(0): got a gradient of {got:.6g} at a perfect fit, the contract says 0")

    def _predict_half(self):
        spec = ModelSpec((2, 1))
        params = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
        X = np.array([[1.0, -2.0], [0.5, 3.0]])
        labels = np.asarray(self.backend.predict("deep", params, X, spec))
        ok = labels.shape == (1, 2) and np.all(labels == 0)
        self.add("convention", "predict-at-0.5", "predict at A[L] = 0.5", "float64", "cpu",
                 "passed" if ok else "failed", detail="" if ok else
                 f"predict at A[L] = 0.5 exactly: got {labels.ravel().tolist()}, the contract says 0 "
                 f"(label 1 only where A[L] > 0.5)")

    def saturation(self) -> None:
        for case in (c for c in builtin_cases() if c.saturate):
            for dtype in self.dtypes:
                reason = self.skip_reason(**_features(case, dtype, "cpu"))
                if reason:
                    self.add("saturation", case.name, "finite cost and grads", dtype, "cpu", "skipped", detail=reason)
                    continue
                self.guarded("saturation", case.name, "finite cost and grads", dtype, "cpu",
                             lambda c=case, d=dtype: self._saturated(c, d))

    def _saturated(self, case, dtype):
        X, Y = case.data(dtype)
        cost, grads = self.backend.cost_and_grads(case.model, case.params(dtype), X, Y, case.spec)
        bad = [k for k, v in grads.items() if not np.isfinite(np.asarray(v, dtype=np.float64)).all()]
        ok = np.isfinite(cost) and not bad
        detail = "" if ok else ("cost at saturation: got " + repr(cost) + ", the contract says finite "
                                "(cross-entropy from the logits Z[L])" if not np.isfinite(cost)
                                else f"{bad[0]} at saturation is not finite; the contract says finite")
        self.add("saturation", case.name, "finite cost and grads", dtype, "cpu", "passed" if ok else "failed",
                 detail=detail)

    # trajectories ----------------------------------------------------------------------
    def trajectories(self) -> None:
        modes = (("full-batch", None), ("mini-batch", 6), ("stochastic", 1))
        epochs = 6 if self.quick else 20
        for case in training_cases():
            for mode, batch_size in modes:
                if case.model == "logistic" and batch_size is not None:
                    continue
                for dtype in self.dtypes:
                    for device in self.devices:
                        features = {**_features(case, dtype, device), "function": "train"}
                        if batch_size is not None:
                            features["training"] = "batch_size"
                        reason = self.skip_reason(**features)
                        name = f"{case.name} {mode}"
                        if reason:
                            self.add("trajectory", name, "costs", dtype, device, "skipped", detail=reason)
                            continue
                        self.guarded("trajectory", name, "costs", dtype, device,
                                     lambda c=case, b=batch_size, d=dtype, v=device, n=name:
                                     self._trajectory(c, b, d, v, n, 2 if b == 1 else epochs))

    def _train(self, backend, case, dtype, device, batch_size, epochs, **options):
        X, Y = case.data(dtype)
        if case.model == "logistic":
            hyper = {"learning_rate": 0.1, "num_iterations": epochs}
        else:
            hyper = {"learning_rate": 0.1, "num_epochs": epochs, "batch_size": batch_size, "seed": case.seed}
        return backend.train(case.model, case.params(dtype), X, Y, case.spec, device, **hyper, **options)

    def _trajectory(self, case, batch_size, dtype, device, name, epochs, check="trajectory", **options):
        ref_params, ref_costs = self._train(self.against, case, dtype, "cpu", batch_size, epochs, **options)
        params, costs = self._train(self.backend, case, dtype, device, batch_size, epochs, **options)
        tol = tolerance(dtype, device).grad
        costs, ref_costs = np.asarray(costs, dtype=np.float64).ravel(), np.asarray(ref_costs, dtype=np.float64)
        if costs.shape != ref_costs.shape:
            self.add(check, name, "costs", dtype, device, "failed", math.inf, tol,
                     f"costs: {costs.size} recorded, expected {ref_costs.size} (one per update step)")
            return
        error = relative_error(costs, ref_costs)
        detail = ""
        if error > tol:
            scale = max(float(np.max(np.abs(ref_costs))), np.finfo(np.float64).tiny)
            off = np.flatnonzero(~(np.abs(costs - ref_costs) / scale <= tol))
            step = int(off[0])
            detail = (f"costs: first step that leaves tolerance is step {step + 1} of {costs.size}: got "
                      f"{costs[step]!r}, expected {ref_costs[step]!r}")
        self.add(check, name, "costs", dtype, device, "passed" if error <= tol else "failed", error, tol, detail)
        if case.model == "logistic":
            params = {"w": np.asarray(params["w"]), "b": np.asarray(params["b"])}
            ref_params = {"w": ref_params["w"], "b": np.asarray(ref_params["b"])}
        error, quantity, detail = describe_grads(params, ref_params, tol, whole="final params")
        self.add(check, name, quantity, dtype, device, "passed" if error <= tol else "failed", error, tol,
                 detail and "after training: " + detail)

    # finite differences ----------------------------------------------------------------
    def finite_differences(self) -> None:
        cases = [Case("fd-tanh", layer_dims=(3, 4, 1), hidden_activation="tanh", m=6),
                 Case("fd-softmax", layer_dims=(3, 3, 3), hidden_activation="sigmoid", output="softmax", m=6),
                 Case("fd-linear", layer_dims=(2, 3, 2), hidden_activation="tanh", output="linear", m=5),
                 Case("fd-logistic", model="logistic", layer_dims=(4, 1), init="random", m=6)]
        for case in cases[:2] if self.quick else cases:
            reason = self.skip_reason(**_features(case, "float64", "cpu"))
            if reason:
                self.add("finite-differences", case.name, "grads", "float64", "cpu", "skipped", detail=reason)
                continue
            self.guarded("finite-differences", case.name, "grads", "float64", "cpu", lambda c=case: self._fd(c))

    def _fd(self, case):
        X, Y = case.data("float64")
        difference, worst = gradient_check(self.backend, case.model, case.params(), X, Y, case.spec)
        ok = difference < GRADIENT_CHECK_BOUND
        self.add("finite-differences", case.name, "grads", "float64", "cpu", "passed" if ok else "failed",
                 difference, GRADIENT_CHECK_BOUND,
                 "" if ok else f"‖g − g̃‖/(‖g‖ + ‖g̃‖) = {difference:.3g} against central differences; {worst}")

    # bad input -------------------------------------------------------------------------
    def bad_input(self) -> None:
        for name, argument, call in _bad_inputs():
            model = "logistic" if name.startswith("logistic") else "deep"
            function = "train" if "train" in name else "cost_and_grads"
            reason = self.backend.unsupported(model=model, function=function)
            if reason:
                self.add("bad-input", name, argument, "float64", "cpu", "skipped", detail=reason)
                continue
            self.refusal(name, argument, call)

    def refusal(self, name: str, argument: str, call: Callable) -> None:
        """One bad-input row: ``call(backend)`` must raise a ValueError or TypeError whose
        message names ``argument``; anything else fails, saying what happened instead."""
        try:
            result = call(self.backend)
        except (ValueError, TypeError) as exc:
            ok = argument in str(exc)
            self.add("bad-input", name, argument, "float64", "cpu", "passed" if ok else "failed",
                     detail="" if ok else f"refused with {type(exc).__name__}, but the message does not "
                                          f"name {argument!r}: {exc}")
        except Exception as exc:  # noqa: BLE001
            self.add("bad-input", name, argument, "float64", "cpu", "failed",
                     detail=f"raised {type(exc).__name__}: {exc}; the contract asks for a ValueError or "
                            f"TypeError naming {argument!r}, before any arithmetic")
        else:
            self.add("bad-input", name, argument, "float64", "cpu", "failed",
                     detail=f"accepted it and returned {_short(result)}; the contract asks for a ValueError "
                            f"or TypeError naming {argument!r}")

    # the caller's arrays and the dtype ---------------------------------------------------
    def arrays_and_dtypes(self) -> None:
        cases = (Case("contract", layer_dims=(3, 4, 2), hidden_activation="relu", m=7),
                 Case("contract-logistic", model="logistic", layer_dims=(3, 1), init="random", m=7))
        for case in cases:
            for function in ("cost_and_grads", "train", "predict_proba"):
                name = f"{case.model}.{function}"
                for check, dtypes in (("arrays-untouched", ("float64",)), ("dtype-kept", self.dtypes)):
                    for dtype in dtypes:
                        reason = self.skip_reason(**{**_features(case, dtype, "cpu"), "function": function})
                        if reason:
                            self.add(check, name, "outputs", dtype, "cpu", "skipped", detail=reason)
                            continue
                        method = self._untouched if check == "arrays-untouched" else self._dtype_kept
                        self.guarded(check, name, "outputs", dtype, "cpu",
                                     lambda m=method, c=case, f=function, d=dtype: m(c, f, d))

    def _call(self, case, function, params, X, Y):
        if function == "cost_and_grads":
            return self.backend.cost_and_grads(case.model, params, X, Y, case.spec)
        if function == "train":
            hyper = ({"num_iterations": 2} if case.model == "logistic" else
                     {"num_epochs": 2, "batch_size": None, "seed": 0})
            return self.backend.train(case.model, params, X, Y, case.spec, learning_rate=0.1, **hyper)
        return self.backend.predict_proba(case.model, params, X, case.spec)

    def _untouched(self, case, function, dtype):
        params = case.params(dtype)
        X, Y = case.data(dtype)
        before = copy.deepcopy((params, X, Y))
        self._call(case, function, params, X, Y)
        changed = [f"params[{k!r}]" for k in before[0] if not np.array_equal(params[k], before[0][k])]
        changed += [name for name, a, b in (("X", X, before[1]), ("Y", Y, before[2])) if not np.array_equal(a, b)]
        ok = not changed
        name = f"{case.model}.{function}"
        self.add("arrays-untouched", name, "params, X, Y", dtype, "cpu", "passed" if ok else "failed",
                 detail="" if ok else f"{name} changed the caller's {', '.join(changed)} in place")

    def _dtype_kept(self, case, function, dtype):
        X, Y = case.data(dtype)
        out = self._call(case, function, case.params(dtype), X, Y)
        # A scalar b/db crosses the boundary as a Python float (CONTRACT.md): only arrays carry X's dtype.
        arrays = lambda d: [(k, np.asarray(v).dtype) for k, v in d.items() if np.ndim(v) > 0]  # noqa: E731
        if function == "cost_and_grads":
            cost, grads = out
            found = arrays(grads)
            if not isinstance(cost, float):
                found.append(("cost", f"{type(cost).__name__} (the contract returns a Python float)"))
        elif function == "train":
            found = arrays(out[0])
        else:
            found = [("A[L]", np.asarray(out).dtype)]
        wrong = [(k, d) for k, d in found if str(d) != dtype]
        ok = not wrong
        self.add("dtype-kept", f"{case.model}.{function}", "outputs", dtype, "cpu", "passed" if ok else "failed",
                 detail="" if ok else f"{wrong[0][0]}: got {wrong[0][1]}, the contract keeps {dtype}")

    def predictions(self) -> None:
        for case in (c for c in builtin_cases() if c.name in ("hidden-relu", "out-softmax", "out-linear-squared",
                                                                "out-multilabel-sigmoid", "logistic-random")):
            for function in ("predict_proba", "predict"):
                for dtype in self.dtypes:
                    features = {**_features(case, dtype, "cpu"), "function": function}
                    reason = self.skip_reason(**features)
                    if reason:
                        self.add("predict", case.name, function, dtype, "cpu", "skipped", detail=reason)
                        continue
                    self.guarded("predict", case.name, function, dtype, "cpu",
                                 lambda c=case, f=function, d=dtype: self._predict(c, f, d))

    def _predict(self, case, function, dtype):
        X, _ = case.data(dtype)
        call = getattr(Backend, function)
        got = np.asarray(call(self.backend, case.model, case.params(dtype), X, case.spec))
        expected = np.asarray(call(self.against, case.model, case.params(dtype), X, case.spec))
        tol = tolerance(dtype).cost  # labels: any flip is an error of 1
        if got.shape != expected.shape:
            self.add("predict", case.name, function, dtype, "cpu", "failed", math.inf, tol,
                     f"{function}: shape {got.shape}, expected {expected.shape}")
            return
        error = relative_error(got, expected, 1.0)
        ok = error <= tol
        self.add("predict", case.name, function, dtype, "cpu", "passed" if ok else "failed", error, tol,
                 "" if ok else f"{function}: {_worst_entry(got, expected)}")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _bad_inputs() -> Iterator[tuple[str, str, Callable]]:
    """(name, the argument the error must name, call) for each kind of bad input."""
    spec = ModelSpec((3, 4, 1), hidden_activation="tanh")
    rng = np.random.RandomState(0)
    X, Y = rng.randn(3, 5), (rng.rand(1, 5) > 0.5).astype(float)
    params = init_params(spec, 0, "xavier")
    nan_X = X.copy()
    nan_X[1, 2] = np.nan
    bad_W = dict(params, W1=np.zeros((4, 2)))
    missing = {k: v for k, v in params.items() if k != "b2"}
    lp = {"w": np.zeros((3, 1)), "b": 0.0}

    def deep(p=params, x=X, y=Y):
        return lambda b: b.cost_and_grads("deep", p, x, y, spec)

    yield "nan-in-X", "X", deep(x=nan_X)
    yield "inf-in-Y", "Y", deep(y=np.where(Y > 0, np.inf, 0.0))
    yield "X-rows-mismatch", "X", deep(x=X[:2])
    yield "X-1d", "X", deep(x=X[0])
    yield "empty-X", "X", deep(x=np.zeros((3, 0)), y=np.zeros((1, 0)))
    yield "Y-columns-mismatch", "Y", deep(y=Y[:, :3])
    yield "label-outside-0-1", "Y", deep(y=2 * Y)
    yield "params-wrong-shape", "W1", deep(p=bad_W)
    yield "params-missing-key", "b2", deep(p=missing)
    yield "params-not-a-dict", "params", deep(p=[params["W1"]])
    yield "train-negative-learning-rate", "learning_rate", lambda b: b.train(
        "deep", params, X, Y, spec, learning_rate=-0.1, num_epochs=1)
    yield "train-zero-epochs", "num_epochs", lambda b: b.train("deep", params, X, Y, spec, num_epochs=0)
    yield "train-zero-batch-size", "batch_size", lambda b: b.train("deep", params, X, Y, spec, num_epochs=1,
                                                                   batch_size=0)
    yield "logistic-nan-in-X", "X", lambda b: b.cost_and_grads("logistic", lp, nan_X, Y)
    yield "logistic-label-outside-0-1", "Y", lambda b: b.cost_and_grads("logistic", lp, X, 3 * Y)


def gradient_check(backend: Backend, model: str, params: dict, X, Y, spec=None, epsilon: float = 1e-7,
                   device: str = "cpu") -> tuple[float, str]:
    """The course's gradient check on any backend: ``‖g − g̃‖₂ / (‖g‖₂ + ‖g̃‖₂)``, g the backend's
    gradient and g̃ central differences ``(J(θ + ε) − J(θ − ε)) / 2ε`` of its own cost, over every
    parameter entry (float64). Returns (difference, where the two differ most)."""
    params = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)

    def cost(p):
        return float(backend.cost_and_grads(model, p, X, Y, spec, device)[0])

    _, grads = backend.cost_and_grads(model, params, X, Y, spec, device)
    analytic, numeric, where = [], [], []
    for key, value in params.items():
        value = np.asarray(value, dtype=np.float64)
        g = np.asarray(grads["d" + key], dtype=np.float64)
        for idx in np.ndindex(value.shape):
            plus = {k: np.array(v) for k, v in params.items()}
            minus = {k: np.array(v) for k, v in params.items()}
            if value.shape:
                plus[key][idx] += epsilon
                minus[key][idx] -= epsilon
            else:
                plus[key], minus[key] = float(value) + epsilon, float(value) - epsilon
            numeric.append((cost(plus) - cost(minus)) / (2 * epsilon))
            analytic.append(float(g.reshape(value.shape)[idx]) if g.size == value.size else math.nan)
            where.append(f"d{key}{list(idx)}")
    analytic, numeric = np.array(analytic), np.array(numeric)
    norm = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    difference = float(np.linalg.norm(analytic - numeric) / norm) if norm > 0 else 0.0
    if not np.isfinite(difference):
        difference = math.inf
    i = int(np.nanargmax(np.abs(analytic - numeric))) if np.isfinite(analytic).any() else 0
    return difference, f"worst entry {where[i]}: got {analytic[i]!r}, central difference {numeric[i]!r}"


def run_conformance(backend: Backend, against: Backend | None = None, *, quick: bool = False,
                    dtypes=("float64", "float32"), devices=("cpu",), progress=None) -> pd.DataFrame:
    """Every conformance check of ``backend`` against ``against`` (the reference by default),
    as a DataFrame with ``CHECK_COLUMNS``. ``progress``: a callable given each section's name."""
    backend.require()
    against = against or reference_backend()
    against.require()
    runner = _Runner(backend, against, dtypes, devices, quick)
    cases = builtin_cases()
    sections = [
        ("built-in cases", lambda: runner.parity("parity", cases)),
        ("random architectures", lambda: runner.parity("random-architecture", random_cases(6 if quick else 24))),
        ("conventions", runner.conventions),
        ("saturation", runner.saturation),
        ("predictions", runner.predictions),
        ("trajectories", runner.trajectories),
        ("finite differences", runner.finite_differences),
        ("bad input", runner.bad_input),
        ("arrays and dtypes", runner.arrays_and_dtypes),
    ]
    from .training_checks import training_method_checks

    sections.append(("training methods", lambda: training_method_checks(runner)))
    from .contract_checks import contract_checks

    sections.append(("shared conventions", lambda: contract_checks(runner)))
    for name, section in sections:
        if progress is not None:
            progress(name)
        section()
    return pd.DataFrame([asdict(r) for r in runner.rows], columns=list(CHECK_COLUMNS))


def summarise(table: pd.DataFrame) -> dict:
    """Counts: passed, failed, skipped, and the skip reasons with how many checks each."""
    counts = table["status"].value_counts()
    skipped = table[table["status"] == "skipped"]
    return {
        "passed": int(counts.get("passed", 0)),
        "failed": int(counts.get("failed", 0)),
        "skipped": int(counts.get("skipped", 0)),
        "skip_reasons": skipped["detail"].value_counts().to_dict(),
    }
