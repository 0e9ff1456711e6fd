"""The report's parity section: every backend's cost and gradient against the NumPy
reference's, case by case, with the tolerance of CONTRACT.md.

A backend that raises on a case gets a failed row with the error (``error`` column), and the
section goes on; a combination a backend does not support is left out of the rows and named,
with the reason, among the section's skips.
"""

from __future__ import annotations

import pandas as pd

from parity import builtin_cases, reference_backend, tolerance
from parity.cases import case_features
from parity.compare import compare_case

from .dataset import ReportData
from .errors import error_text

__all__ = ["PARITY_COLUMNS", "QUICK_CASES", "parity_cases", "run_parity"]

PARITY_COLUMNS = ("model", "case", "backend", "device", "dtype", "cost", "cost_rel_err", "grad_rel_err", "cost_tol",
                  "grad_tol", "passed", "error")
# The parity cases of a --quick report: one per model, output and a saturated one.
QUICK_CASES = ("logistic-random", "hidden-relu", "out-softmax", "out-linear-squared", "saturated-sigmoid")


def parity_cases(data: ReportData, quick: bool) -> list:
    """The built-in cases (``QUICK_CASES`` with ``quick``), then the data set's own."""
    cases = builtin_cases()
    if quick:
        cases = [c for c in cases if c.name in QUICK_CASES]
    return [*cases, data.case()]


def _failed(case, backend: str, device: str, dtype: str, exc: Exception) -> dict:
    tol = tolerance(dtype, device)
    return {"model": case.model, "case": case.name, "backend": backend, "device": device, "dtype": dtype,
            "cost": float("nan"), "cost_rel_err": float("nan"), "grad_rel_err": float("nan"), "cost_tol": tol.cost,
            "grad_tol": tol.grad, "passed": False, "error": error_text(exc)}


def _case_rows(case, dtype: str, backends, devices, skipped: list[dict]) -> list[dict]:
    reference = reference_backend()
    try:
        X, Y = case.data(dtype)
        expected = reference.cost_and_grads(case.model, case.params(dtype), X, Y, case.spec, "cpu")
    except Exception as exc:  # noqa: BLE001 - the reference's failure is its row, not the report's end
        return [_failed(case, reference.name, "cpu", dtype, exc)]
    rows = []
    for backend in backends:
        for device in devices:
            reason = backend.unsupported(**case_features(case, dtype, device))
            if reason is not None:
                if backend.device_reason(device) is None:  # a device it lacks is said once, in "What was not run"
                    skipped.append({"backend": backend.name, "device": device, "dtype": dtype, "case": case.name,
                                    "reason": reason})
                continue
            try:
                rows.append({**compare_case(case, backend, device, dtype, expected), "error": ""})
            except Exception as exc:  # noqa: BLE001 - a backend that raises fails its row
                rows.append(_failed(case, backend.name, device, dtype, exc))
    return rows


def run_parity(cases, backends, devices, dtypes, progress=None) -> tuple[pd.DataFrame, list[dict]]:
    """(one row per case × backend × device × dtype, ``PARITY_COLUMNS``, the reference's own
    rows included; the skips ``{backend, device, dtype, case, reason}`` of what a backend does
    not support on a device it has); ``progress`` (a tqdm bar) advances once per case and dtype."""
    rows, skipped = [], []
    if progress is not None:
        progress.set_description("parity")
    for case in cases:
        for dtype in dtypes:
            rows += _case_rows(case, dtype, list(backends), list(devices), skipped)
            if progress is not None:
                progress.update(1)
    return pd.DataFrame(rows, columns=list(PARITY_COLUMNS)), skipped
