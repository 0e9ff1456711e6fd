"""Cost and gradient parity with the reference: the built-in cases and random architectures."""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from nn_contract import ACTIVATION_NAMES

from ..cases import Case, builtin_cases, case_features
from ..runner import Planned, Runner, Section
from ..tolerance import relative_error, tolerance
from ..verdicts import describe_grads, first_layer_that_differs

__all__ = ["random_cases", "BUILT_IN_CASES", "RANDOM_ARCHITECTURES"]


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


def _parity(check: str, cases, runner: Runner):
    for case in cases:
        for dtype in runner.dtypes:
            for device in runner.devices:
                yield Planned(check, case.name, "cost and grads", dtype, device, case_features(case, dtype, device),
                              partial(_parity_one, runner, check, case, dtype, device))


def _parity_one(runner: Runner, check, case, dtype, device):
    X, Y = case.data(dtype)
    params = case.params(dtype)
    spec = case.spec
    ref_cost, ref_grads = runner.against.cost_and_grads(case.model, case.params(dtype), X, Y, spec)
    cost, grads = runner.backend.cost_and_grads(case.model, params, X, Y, spec, device)
    tol = tolerance(dtype, device)
    cost_err = relative_error(cost, ref_cost) if np.ndim(cost) == 0 else math.inf
    ok = cost_err <= tol.cost
    detail = "" if ok else (f"cost: got {cost!r}, expected {ref_cost!r} (relative error {cost_err:.3g} > "
                            f"tolerance {tol.cost:.0e})")
    if case.model == "deep" and not ok:
        detail += first_layer_that_differs(runner.backend, case, params, X, tol.grad)
    runner.add(check, case.name, "cost", dtype, device, "passed" if ok else "failed", cost_err, tol.cost, detail)
    if case.model == "logistic":
        ref_grads = {"dw": ref_grads["dw"], "db": np.asarray(ref_grads["db"])}
        grads = {k: np.asarray(v) for k, v in grads.items()} if isinstance(grads, dict) else grads
    error, quantity, detail = describe_grads(grads, ref_grads, tol.grad)
    ok = error <= tol.grad
    if case.model == "deep" and not ok and "layer by layer" not in detail:
        detail += first_layer_that_differs(runner.backend, case, params, X, tol.grad)
    runner.add(check, case.name, quantity, dtype, device, "passed" if ok else "failed", error, tol.grad, detail)


def _built_in(runner: Runner):
    return _parity("parity", builtin_cases(), runner)


def _random(runner: Runner):
    return _parity("random-architecture", random_cases(6 if runner.quick else 24), runner)


BUILT_IN_CASES = Section("built-in cases", _built_in)
RANDOM_ARCHITECTURES = Section("random architectures", _random)
