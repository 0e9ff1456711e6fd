"""The report's data files, read from the results: ``parity.csv``, ``training.csv``,
``conventions.csv``, ``conventions_formulas.csv``, ``timing.csv``, ``vectorisation.csv`` and
``data_parallel.csv``, ``data_parallel_drift.csv`` and ``environment.json`` (with a ``report``
entry: what was asked, not run and skipped)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .busy import busy_thresholds
from .data_parallel import DP_COLUMNS, DRIFT_COLUMNS
from .parity_section import PARITY_COLUMNS
from .results import ReportResults
from .timing_section import TIMING_COLUMNS

__all__ = ["write_data_files", "report_record", "DATA_FILES"]

DATA_FILES = ("parity.csv", "training.csv", "conventions.csv", "conventions_formulas.csv", "timing.csv",
              "vectorisation.csv", "data_parallel.csv", "data_parallel_drift.csv", "environment.json")


def _columns(table: pd.DataFrame, columns) -> pd.DataFrame:
    """``table``, or an empty one with ``columns`` (a header row all the same)."""
    return table if not table.empty else pd.DataFrame(columns=list(columns))


def report_record(results: ReportResults) -> dict:
    """The ``report`` entry of ``environment.json``."""
    return {"quick": results.quick, "devices": list(results.devices), "dtypes": list(results.dtypes),
            "timing_repeats": results.repeats, "data": results.data.name, "not_run": results.not_run,
            "unavailable_backends": results.unavailable, "training_skipped": results.training_skipped,
            "conventions_skipped": results.conventions_skipped, "data_parallel_skipped": results.data_parallel_skipped,
            "timing_skipped": results.timing_skipped, "parity_skipped": results.parity_skipped,
            "errors": results.errors,
            "passed": results.verdict.passed, "busy_thresholds": busy_thresholds()}


def write_data_files(results: ReportResults, folder: Path) -> None:
    """Every file of ``DATA_FILES`` into ``folder``."""
    folder = Path(folder)
    _columns(results.parity, PARITY_COLUMNS).to_csv(folder / "parity.csv", index=False)
    _columns(results.timing, (*TIMING_COLUMNS, "busy_flag")).to_csv(folder / "timing.csv", index=False)
    results.training.to_csv(folder / "training.csv", index=False)
    results.conventions.to_csv(folder / "conventions.csv", index=False)
    pd.DataFrame([{"backend": backend, "optimizer": name, "formula": formula}
                  for backend, table in results.formulas.items() for name, formula in table.items()],
                 columns=["backend", "optimizer", "formula"]).to_csv(folder / "conventions_formulas.csv", index=False)
    results.vectorisation.to_csv(folder / "vectorisation.csv", index=False)
    _columns(results.data_parallel, DP_COLUMNS).to_csv(folder / "data_parallel.csv", index=False)
    _columns(results.data_parallel_drift, DRIFT_COLUMNS).to_csv(folder / "data_parallel_drift.csv", index=False)
    environment = {**results.environment, "report": report_record(results)}
    (folder / "environment.json").write_text(json.dumps(environment, indent=2, default=str) + "\n")
