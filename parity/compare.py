"""Run every backend on the same case and compare it with the reference, as pandas rows."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .cases import Case, case_features  # case_features: re-exported, its home is cases
from .registry import Backend, available_backends, reference_backend
from .tolerance import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance

__all__ = ["compare_case", "parity_table", "compare_training", "case_features"]


def _run(backend: Backend, case: Case, device: str, dtype: str):
    X, Y = case.data(dtype)
    return backend.cost_and_grads(case.model, case.params(dtype), X, Y, case.spec, device)


def compare_case(case: Case, backend: Backend, device: str = "cpu", dtype: str = "float64",
                 reference=None) -> dict:
    """One row: the backend's cost and its largest relative errors against the reference."""
    ref_cost, ref_grads = reference or _run(reference_backend(), case, "cpu", dtype)
    cost, grads = _run(backend, case, device, dtype)
    tol = tolerance(dtype, device)
    same_keys = set(grads) == set(ref_grads)
    cost_err = relative_error(cost, ref_cost)
    grad_err = dict_relative_error(grads, ref_grads, GRAD_SCALE_FLOOR) if same_keys else float("inf")
    return {
        "model": case.model,
        "case": case.name,
        "backend": backend.name,
        "device": device,
        "dtype": dtype,
        "cost": cost,
        "cost_rel_err": cost_err,
        "grad_rel_err": grad_err,
        "cost_tol": tol.cost,
        "grad_tol": tol.grad,
        "passed": bool(cost_err <= tol.cost and grad_err <= tol.grad),
    }


def parity_table(cases: Iterable[Case], backends: Iterable[Backend] | None = None,
                 devices: Iterable[str] = ("cpu",), dtypes: Iterable[str] = ("float64", "float32"),
                 progress=None) -> pd.DataFrame:
    """One row per case × backend × device × dtype. A combination the backend does not
    support (a device, model, activation, ... it lacks) is left out: ``nn-parity check``
    is where what is missing gets counted, with the reasons."""
    backends = list(backends or available_backends())
    rows = []
    for case in cases:
        for dtype in dtypes:
            reference = _run(reference_backend(), case, "cpu", dtype)
            for backend in backends:
                for device in devices:
                    if backend.unsupported(**case_features(case, dtype, device)) is None:
                        rows.append(compare_case(case, backend, device, dtype, reference))
            if progress is not None:
                progress.update(1)
    return pd.DataFrame(rows)


def _train(backend: Backend, case: Case, device: str, dtype: str, epochs: int, learning_rate: float,
           batch_size: int | None):
    X, Y = case.data(dtype)
    if case.model == "logistic":
        hyper = {"learning_rate": learning_rate, "num_iterations": epochs}
    else:
        hyper = {"learning_rate": learning_rate, "num_epochs": epochs, "batch_size": batch_size, "seed": case.seed}
    return backend.train(case.model, case.params(dtype), X, Y, case.spec, device, **hyper)


def compare_training(case: Case, backend: Backend, device: str = "cpu", dtype: str = "float64",
                     epochs: int = 30, learning_rate: float = 0.1, batch_size: int | None = None,
                     reference=None) -> dict:
    """Train for ``epochs`` epochs (iterations for logistic regression) on the backend and
    on the reference from the same start; the relative errors of the cost trajectory and of
    the final parameters."""
    ref_params, ref_costs = reference or _train(reference_backend(), case, "cpu", dtype, epochs, learning_rate, batch_size)
    params, costs = _train(backend, case, device, dtype, epochs, learning_rate, batch_size)
    tol = tolerance(dtype, device)
    costs_err = relative_error(costs, ref_costs) if len(costs) == len(ref_costs) else float("inf")
    params_err = dict_relative_error(params, ref_params)
    return {
        "model": case.model,
        "case": case.name,
        "backend": backend.name,
        "device": device,
        "dtype": dtype,
        "batch_size": batch_size,
        "steps": len(costs),
        "final_cost": costs[-1],
        "costs_rel_err": costs_err,
        "params_rel_err": params_err,
        "tol": tol.grad,
        "passed": bool(costs_err <= tol.grad and params_err <= tol.grad),
        "costs": np.asarray(costs),
    }
