"""What the conformance sections share: how a difference is described, the course's gradient
check, and a training trajectory judged against the reference's.

Every failure says what and where: the quantity (``cost``, ``dW2``, ``db3``, ...), its layer,
the largest error against the tolerance, the index of the worst entry with both values; for a
trajectory, the first step that leaves tolerance. Where the backend exposes the notes' building
blocks (``linear_activation_forward``), the first layer whose Z[l] or A[l] differs is named too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from .cases import Case
from .registry import Backend, reference_backend
from .runner import Runner
from .tolerance import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance

__all__ = ["GRADIENT_CHECK_BOUND", "describe_grads", "worst_entry", "first_layer_that_differs", "gradient_check",
           "train_case", "compare_trajectory", "judge_trajectory"]

# The course's bound for its gradient check, ‖g − g̃‖ / (‖g‖ + ‖g̃‖) with ε = 1e-7, in float64.
GRADIENT_CHECK_BOUND = 2e-7


def _layer_of(key: str) -> str:
    match = re.search(r"(\d+)$", key)
    return f" (layer {match.group(1)})" if match else ""


def worst_entry(got: np.ndarray, expected: np.ndarray) -> str:
    """Where two arrays of one shape differ most, with both values."""
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
                          f"{worst_entry(got[worst], expected[worst])}")


def first_layer_that_differs(backend: Backend, case: Case, params: dict, X: np.ndarray, tol: float) -> str:
    """Feed the reference's A[l-1] to the backend's own building blocks, layer by layer; the
    first Z[l] or A[l] outside ``tol``, as a clause to append to a detail ("" without blocks).

    X: (n_x, m); params: the case's, in X's dtype."""
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
                    return f"; first layer that differs: Z[{l}] ({worst_entry(Z, Z_ref)})" if Z.shape == Z_ref.shape \
                        else f"; first layer that differs: Z[{l}] has shape {Z.shape}, expected {Z_ref.shape}"
            try:
                A = block(A_prev, W, b, activation, spec.leaky_slope)
            except TypeError:
                A = block(A_prev, W, b, activation)  # the notes' signature has no slope
            A = np.asarray(A[0] if isinstance(A, tuple) else A)
        except Exception as exc:  # noqa: BLE001 - a building block that breaks is itself the finding
            return f"; its building blocks fail at layer {l}: {type(exc).__name__}: {exc}"
        if A.shape != A_ref.shape or relative_error(A, A_ref) > tol:
            where = worst_entry(A, A_ref) if A.shape == A_ref.shape else f"shape {A.shape}, expected {A_ref.shape}"
            return f"; first layer that differs: A[{l}] = {activation}(Z[{l}]) ({where})"
        A_prev = A_ref
    return "; the forward pass agrees layer by layer (A[1] ... A[L]): the difference is in the cost or backward pass"


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
    return difference, (f"worst entry {where[i]}: got {float(analytic[i])!r}, "
                        f"central difference {float(numeric[i])!r}")


def train_case(backend: Backend, case: Case, dtype: str, device: str, batch_size: int | None, epochs: int,
               **options):
    """(params, costs) of ``backend`` trained on ``case`` at learning rate 0.1: ``epochs``
    iterations of logistic regression, or ``epochs`` epochs of the deep network in batches of
    ``batch_size`` (None: full batch) from the case's seed; ``options``: the course-2 ones."""
    X, Y = case.data(dtype)
    if case.model == "logistic":
        hyper = {"learning_rate": 0.1, "num_iterations": epochs}
    else:
        hyper = {"learning_rate": 0.1, "num_epochs": epochs, "batch_size": batch_size, "seed": case.seed}
    return backend.train(case.model, case.params(dtype), X, Y, case.spec, device, **hyper, **options)


def compare_trajectory(runner: Runner, case: Case, batch_size: int | None, dtype: str, device: str, name: str,
                       epochs: int, check: str = "trajectory", **options) -> None:
    """Two rows (costs, final params) of ``runner.backend`` trained as ``train_case`` says,
    against ``runner.against`` trained alike on the CPU (``judge_trajectory``)."""
    expected = train_case(runner.against, case, dtype, "cpu", batch_size, epochs, **options)
    got = train_case(runner.backend, case, dtype, device, batch_size, epochs, **options)
    judge_trajectory(runner, check, name, dtype, device, got, expected, tolerance(dtype, device).grad,
                     logistic=case.model == "logistic")


def judge_trajectory(runner: Runner, check: str, name: str, dtype: str, device: str, got: tuple, expected: tuple,
                     tol: float, *, logistic: bool = False, describe_step: Callable[[int], str] | None = None) -> None:
    """Two rows (costs, final params) of a trajectory ``got = (params, costs)`` against
    ``expected``; a failure names the first step that leaves ``tol`` (with ``describe_step(i)``'s
    words for step index i, where given), or the parameter that differs most."""
    params, costs = got
    ref_params, ref_costs = expected
    costs, ref_costs = np.asarray(costs, dtype=np.float64).ravel(), np.asarray(ref_costs, dtype=np.float64)
    if costs.shape != ref_costs.shape:
        runner.add(check, name, "costs", dtype, device, "failed", math.inf, tol,
                   f"{costs.size} recorded, expected {ref_costs.size} (one per update step)")
        return
    error = relative_error(costs, ref_costs)
    detail = ""
    if error > tol:
        scale = max(float(np.max(np.abs(ref_costs))), np.finfo(np.float64).tiny)
        off = np.flatnonzero(~(np.abs(costs - ref_costs) / scale <= tol))
        step = int(off[0])
        detail = (f"first step that leaves tolerance is step {step + 1} of {costs.size}"
                  + (f" ({describe_step(step)})" if describe_step else "")
                  + f": got {float(costs[step])!r}, expected {float(ref_costs[step])!r}")
    runner.add(check, name, "costs", dtype, device, "passed" if error <= tol else "failed", error, tol, detail)
    if logistic:
        params = {"w": np.asarray(params["w"]), "b": np.asarray(params["b"])}
        ref_params = {"w": ref_params["w"], "b": np.asarray(ref_params["b"])}
    error, quantity, detail = describe_grads(params, ref_params, tol, whole="final params")
    runner.add(check, name, quantity, dtype, device, "passed" if error <= tol else "failed", error, tol,
               detail and "after training: " + detail)
