"""The report's results, computed once: every section's table, what was run and not run, and
the verdict, in one object that the prose, the files and the exit code only read.

The verdict is decided here and nowhere else (``decide``): the report fails where a parity
comparison leaves the tolerance, where a framework configured to the course's optimizer
formulas leaves the float64 bound, where a backend raised in any section (its rows carry the
error), and where nothing was compared (only the reference ran).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .data_parallel import dp_failures
from .dataset import ReportData
from .errors import error_mask

__all__ = ["Verdict", "ReportResults", "decide", "conventions_failures", "collect_errors", "ERROR_COLUMNS"]

ERROR_COLUMNS = ("section", "backend", "device", "dtype", "what", "error")
# Per section: the column that names what raised.
_WHAT = {"parity": "case", "training": "method", "conventions": "optimizer", "timing": "workload",
         "data_parallel": "case", "data_parallel_drift": "world_size"}


@dataclass(frozen=True)
class Verdict:
    """The counts the report's pass/fail rests on, and the decision (``passed``)."""

    parity_rows: int
    compared: int
    parity_failures: int
    conventions_failures: int
    errors: int
    data_parallel_failures: int = 0

    @property
    def passed(self) -> bool:
        """Something compared, every comparison within tolerance, every configured optimizer
        on the course, every data-parallel run on one device's, and no backend raised."""
        return (self.compared > 0 and self.parity_failures == 0 and self.conventions_failures == 0
                and self.data_parallel_failures == 0 and self.errors == 0)


def collect_errors(**tables: pd.DataFrame) -> list[dict]:
    """Every row with an ``error`` in the named section tables (``parity=``, ``training=``,
    ``conventions=``, ``timing=``), as ``ERROR_COLUMNS`` dicts, one per failed run; the
    limits table's errors (``limits=``) are a probe's, named by device and dtype."""
    errors = []
    for section, table in tables.items():
        for _, row in table[error_mask(table)].iterrows():
            errors.append({"section": section, "backend": row.get("backend", ""), "device": row.get("device", ""),
                           "dtype": row.get("dtype", ""), "what": row.get(_WHAT.get(section, ""), section),
                           "error": row["error"]})
    return errors


def conventions_failures(conventions: pd.DataFrame) -> int:
    """How many "configured to match" trajectories left the float64 bound (or raised)."""
    if conventions.empty:
        return 0
    configured = conventions[conventions["way"] == "configured to match"]
    if configured.empty:
        return 0
    verdicts = configured.groupby(["optimizer", "backend"], sort=False)["passed"].first()
    return int((~verdicts.map(lambda v: v is True or v == "True" or v == 1)).sum())


def decide(parity: pd.DataFrame, conventions: pd.DataFrame, errors: list[dict], reference: str,
           data_parallel: pd.DataFrame | None = None) -> Verdict:
    """The one place that decides: counts from the parity, conventions and data-parallel
    tables and the errors of every section; ``reference`` names the backend the others are
    compared with."""
    failures = int((~parity["passed"].astype(bool)).sum()) if not parity.empty else 0
    compared = int((parity["backend"] != reference).sum()) if not parity.empty else 0
    return Verdict(parity_rows=len(parity), compared=compared, parity_failures=failures,
                   conventions_failures=conventions_failures(conventions), errors=len(errors),
                   data_parallel_failures=dp_failures(data_parallel) if data_parallel is not None else 0)


@dataclass(frozen=True, eq=False)
class ReportResults:
    """Everything the report says, computed once by ``reports.build``.

    The request: ``data``, ``quick``, ``devices``, ``dtypes``, ``repeats``. The sections'
    tables: ``parity`` (``parity.csv``) and ``parity_skipped``, ``training`` and ``training_skipped``,
    ``conventions``, ``conventions_skipped`` and ``formulas`` ({backend: {case: formula}}),
    ``data_parallel``, ``data_parallel_drift`` and ``data_parallel_skipped`` (``reports.data_parallel``),
    ``timing`` (with its busy flags), ``limits``, ``workloads`` and ``timing_skipped``, ``vectorisation``. What ran
    where: ``environment`` (``environment.json`` without its ``report`` entry), ``not_run``
    ({backend, device, reason}), ``available`` (backend names), ``unavailable`` (name ->
    reason), ``reference`` (the reference backend's name), ``seconds``.

    Derived on construction, never recomputed: ``errors`` (``collect_errors``) and
    ``verdict`` (``decide``).
    """

    data: ReportData
    quick: bool
    devices: tuple[str, ...]
    dtypes: tuple[str, ...]
    repeats: int
    parity: pd.DataFrame
    training: pd.DataFrame
    training_skipped: list
    conventions: pd.DataFrame
    conventions_skipped: list
    formulas: dict
    timing: pd.DataFrame
    limits: pd.DataFrame
    workloads: list
    vectorisation: pd.DataFrame
    environment: dict
    not_run: list
    available: list
    unavailable: dict
    reference: str
    seconds: float
    data_parallel: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_parallel_drift: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_parallel_skipped: list = field(default_factory=list)
    timing_skipped: list = field(default_factory=list)
    parity_skipped: list = field(default_factory=list)
    errors: list = field(init=False)
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        errors = collect_errors(parity=self.parity, training=self.training, conventions=self.conventions,
                                timing=self.timing, limits=self.limits, data_parallel=self.data_parallel,
                                data_parallel_drift=self.data_parallel_drift)
        object.__setattr__(self, "errors", errors)
        object.__setattr__(self, "verdict", decide(self.parity, self.conventions, errors, self.reference,
                                                   self.data_parallel))

    @property
    def passed(self) -> bool:
        return self.verdict.passed
