"""Cost and gradient parity with the reference: the built-in cases and random architectures."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from nn_contract import ACTIVATION_NAMES

from ..cases import Case, builtin_cases, case_features
from ..runner import Planned, Runner, Section
from ..tolerance import relative_error, tolerance
from ..verdicts import describe_grads, first_layer_that_differs

__all__ = ["OUTPUTS", "random_cases", "supported_configurations", "parity_section", "BUILT_IN_CASES",
           "RANDOM_ARCHITECTURES"]


# (output, loss) pairs a random architecture draws from.
OUTPUTS = (("sigmoid", None), ("softmax", None), ("linear", "squared_error"), ("linear", "l1"))


def random_cases(n: int, seed: int = 0, activations=ACTIVATION_NAMES, outputs=OUTPUTS, bias: float = 0.5, *,
                 max_depth: int = 4, n_y: int | None = None) -> list[Case]:
    """``n`` random architectures from ``seed``: depth (L) 1 to ``max_depth``, widths 1-6 (n[L]
    = ``n_y`` where given), one hidden activation per layer (of ``activations``), every output
    and loss (of ``outputs``), every init, m in 1..12, biases ``bias`` · N(0, 1) (``Case.bias``)."""
    rng = np.random.RandomState(seed)
    cases = []
    for i in range(n):
        depth = rng.randint(1, max_depth + 1)
        output, loss = outputs[rng.randint(len(outputs))]
        dims = [int(rng.randint(1, 7)) for _ in range(depth)]
        if output == "softmax":
            dims[-1] = max(dims[-1], 2)
        if n_y is not None:
            dims[-1] = n_y
        hidden = tuple(str(rng.choice(activations)) for _ in range(depth - 1))
        init = str(rng.choice(["random", "xavier", "he"]))
        cases.append(Case(f"random-{i}", layer_dims=(int(rng.randint(1, 6)), *dims),
                          hidden_activation=hidden, output=output, loss=loss, init=init,
                          m=int(rng.randint(1, 13)), seed=int(rng.randint(1000)), bias=bias))
    return cases


def supported_configurations(runner: Runner) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    """(hidden activations, (output, loss) pairs) that the backend and the reference both run,
    in the catalogue's order; all of them where the backend runs none (its rows then skip with
    the reason)."""
    def runs(activation="relu", output="sigmoid", loss=None) -> bool:
        probe = Case("probe", layer_dims=(3, 2, 2), hidden_activation=activation, output=output, loss=loss)
        return runner.skip_reason(**case_features(probe, "float64", "cpu")) is None

    activations = tuple(a for a in ACTIVATION_NAMES if runs(activation=a))
    outputs = tuple(pair for pair in OUTPUTS if activations and runs(activations[0], *pair))
    if not outputs:
        return ACTIVATION_NAMES, OUTPUTS
    return activations, outputs


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


def parity_section(name: str, check: str, cases: Callable[[Runner], list[Case]]) -> Section:
    """A section of cost and gradient parity over ``cases(runner)``, rows named ``check``: the
    built-in and random sections, or another catalogue (a student's, in the course's scope)."""
    return Section(name, lambda runner: _parity(check, cases(runner), runner))


def _random(runner: Runner) -> list[Case]:
    # Drawn from what the backend runs: a package of ReLU layers and a sigmoid output gets as
    # many random architectures as one that runs everything.
    activations, outputs = supported_configurations(runner)
    return random_cases(6 if runner.quick else 24, 0, activations, outputs)


BUILT_IN_CASES = parity_section("built-in cases", "parity", lambda runner: builtin_cases())
RANDOM_ARCHITECTURES = parity_section("random architectures", "random-architecture", _random)
