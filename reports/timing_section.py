"""The report's timing section: the machine's limits per device and dtype, then every
workload on every (backend, device) that can run it, with the repeat budget that keeps a
full report within minutes.

A backend that raises on a workload gets one failed row for it (no time, the ``error``) and
the section goes on; so does a probe of the machine's limits (the limits table names it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import error_text
from .flops import count_bytes, count_flops
from .limits import MachineLimits, limit_seconds, measure_limits
from .timing import ROW_KEYS, Workload, standard_workloads, time_workload

__all__ = ["TIMING_BUDGET_S", "MIN_REPEATS", "TIMING_EXTRA_COLUMNS", "TIMING_COLUMNS", "LIMITS_COLUMNS",
           "timing_repeats", "run_timing"]

# Seconds per phase a workload may take, estimated at three times its limit (the margin a step
# usually needs): a long step (the compute-bound network's, about half a second on 2 cores, and
# the largest sweep points) gets fewer repeats, never under MIN_REPEATS, so that the full report
# stays within minutes; a long step varies little between repeats. The rows' ``repeats`` say how many.
TIMING_BUDGET_S = 1.0
MIN_REPEATS = 3
TIMING_EXTRA_COLUMNS = ("layer_dims", "m", "width", "sweep", "error")
TIMING_COLUMNS = (*ROW_KEYS, *TIMING_EXTRA_COLUMNS)
LIMITS_COLUMNS = ("device", "dtype", "matmul_gflops", "bandwidth_gb_s", "error")


def timing_repeats(workload: Workload, dtype: str, limits: MachineLimits, repeats: int) -> int:
    """``repeats``, or fewer (at least ``MIN_REPEATS``) where ``repeats`` steps of
    ``workload`` in ``dtype`` would take more than ``TIMING_BUDGET_S`` at three times the
    machine's limit (``limits``)."""
    estimate = 3 * limit_seconds(count_flops(workload, "step"), count_bytes(workload, "step", dtype), limits)
    if repeats <= MIN_REPEATS or estimate * repeats <= TIMING_BUDGET_S:
        return repeats
    return max(MIN_REPEATS, int(TIMING_BUDGET_S // estimate))


def _shape(workload: Workload) -> dict:
    return {"layer_dims": "x".join(map(str, workload.layer_dims)), "m": workload.m,
            "width": workload.layer_dims[1] if workload.model == "deep" else None, "sweep": workload.sweep}


def _failed(workload: Workload, backend: str, device: str, dtype: str, exc: Exception) -> dict:
    """The one row of a workload a backend raised on: its step, without a time."""
    row = {key: np.nan for key in ROW_KEYS}
    row.update({"model": workload.model, "workload": workload.name, "backend": backend, "device": device,
                "dtype": dtype, "phase": "step", "error": error_text(exc)})
    return {**row, **_shape(workload)}


def _needs(workload: Workload, backend, device: str, dtype: str) -> dict:
    """What ``backend`` must support to be timed on ``workload`` (``Backend.unsupported``):
    natively (its ``prepare``) or through ``train`` and ``predict_proba``."""
    needs = {"model": workload.model, "dtype": dtype, "device": device,
             "function": () if backend.hook("prepare") else ("train", "predict_proba")}
    if workload.model == "deep":
        needs.update(activation=workload.hidden_activation, output=workload.output)
    return needs


def _limits(device: str, dtype: str, quick: bool):
    """(the limits or None, the limits table's row)."""
    try:
        limits = measure_limits(device, dtype, quick=quick)
    except Exception as exc:  # noqa: BLE001 - no limit here: this device and dtype are not timed, and say why
        return None, {"device": device, "dtype": dtype, "matmul_gflops": np.nan, "bandwidth_gb_s": np.nan,
                      "error": error_text(exc)}
    return limits, {"device": device, "dtype": dtype, "matmul_gflops": limits.matmul_flops_per_s / 1e9,
                    "bandwidth_gb_s": limits.bandwidth_bytes_per_s / 1e9,
                    "error": "; ".join(f"{name}'s probe: {error}" for name, error in limits.failed)}


def run_timing(quick: bool, pairs, devices, dtypes, repeats: int,
               progress=None) -> tuple[pd.DataFrame, pd.DataFrame, list[Workload], list[dict]]:
    """(the rows of ``timing.csv`` before the busy flags, ``TIMING_COLUMNS``; the limits
    table, ``LIMITS_COLUMNS``; the workloads; the skips ``{backend, device, dtype, workload,
    reason}`` of a backend that lacks what a workload needs). ``progress`` advances once per
    workload, backend and dtype."""
    workloads = standard_workloads(quick)
    rows, limits_rows, skipped = [], [], []
    for device in devices:
        device_pairs = [b for b, d in pairs if d == device]
        if not device_pairs:
            continue
        for dtype in dtypes:
            if progress is not None:
                progress.set_description(f"limits {device} {dtype}")
            limits, limits_row = _limits(device, dtype, quick)
            limits_rows.append(limits_row)
            for workload in workloads:
                n = timing_repeats(workload, dtype, limits, repeats) if limits else repeats
                for backend in device_pairs:
                    if progress is not None:
                        progress.set_description(f"timing {workload.name} {backend.name} {device} {dtype}")
                        progress.update(1)
                    if limits is None:  # the limits row says why
                        continue
                    reason = backend.unsupported(**_needs(workload, backend, device, dtype))
                    if reason:
                        skipped.append({"backend": backend.name, "device": device, "dtype": dtype,
                                        "workload": workload.name, "reason": reason})
                        continue
                    try:
                        timed = time_workload(workload, backend, device, dtype, repeats=n, limits=limits)
                    except Exception as exc:  # noqa: BLE001 - a backend that raises fails its row
                        rows.append(_failed(workload, backend.name, device, dtype, exc))
                        continue
                    rows += [{**row, **_shape(workload), "error": ""} for row in timed]
    return (pd.DataFrame(rows, columns=list(TIMING_COLUMNS)), pd.DataFrame(limits_rows, columns=list(LIMITS_COLUMNS)),
            workloads, skipped)
