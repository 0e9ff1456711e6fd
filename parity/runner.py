"""The conformance runner: rows, and the one place that decides whether a check runs or is skipped.

A section of the conformance suite (``parity.sections``) is a ``Section``: a name, what every
one of its checks needs of the backend, and its checks, which it yields one at a time as
``Planned`` (the row it will fill, what it needs, the call that fills it). ``Runner.run``
takes each: where the backend, or the backend it is judged against, lacks what the check
needs, one skipped row with the reason; otherwise the call, guarded, so that an exception
from the backend becomes a failed row that names it. Sections see the runner alone, never
each other's privates; what they share lives in ``parity.verdicts``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial

import pandas as pd

from .registry import Backend

__all__ = ["Check", "CHECK_COLUMNS", "Planned", "Section", "Runner", "refusal_check", "merge_needs", "summarise"]

CHECK_COLUMNS = ("check", "case", "quantity", "dtype", "device", "status", "error", "tolerance", "detail")


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


@dataclass(frozen=True)
class Planned:
    """One check about to run: the row it fills when skipped (or when it raises), what it needs
    of the backend (``Backend.unsupported``'s keywords: ``model``, ``function``, ``dtype``,
    ``training``, ...) and ``run``, which adds its rows to the runner.

    refusal: a bad-input check (``refusal_check``). The backend alone decides whether it runs
    (the reference is not called), and it runs unguarded: ``Runner.refusal`` judges any
    exception, warnings included, itself.
    """

    check: str
    case: str
    quantity: str
    dtype: str
    device: str
    needs: Mapping[str, object]
    run: Callable[[], None]
    refusal: bool = False


@dataclass(frozen=True)
class Section:
    """A plug-in of the conformance suite.

    name: what progress shows (``"trajectories"``). checks: ``checks(runner)`` yields the
    section's ``Planned`` checks, in row order. needs: what every one of them needs besides
    its own (``{"training": "world_size"}``), merged into each (``merge_needs``), so a backend
    without it gets each row skipped with the reason.
    """

    name: str
    checks: Callable[[Runner], Iterable[Planned]]
    needs: Mapping[str, object] = field(default_factory=dict)


def _values(value) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def merge_needs(section: Mapping[str, object], check: Mapping[str, object]) -> dict:
    """A check's needs with its section's added: a feature both name takes the values of both
    (the check's first); ``model`` is one value and must agree."""
    merged = dict(check)
    for key, value in section.items():
        if key not in merged:
            merged[key] = value
        elif key == "model":
            if merged[key] != value:
                raise ValueError(f"a check of model {merged[key]!r} in a section that needs model {value!r}")
        else:
            extra = tuple(v for v in _values(value) if v not in _values(merged[key]))
            if extra:
                merged[key] = _values(merged[key]) + extra
    return merged


class Runner:
    """The rows of one conformance run of ``backend`` against ``against``, and how a check is run.

    dtypes, devices: those the sections sweep; quick: a smaller sweep (fewer random cases,
    fewer epochs).
    """

    def __init__(self, backend: Backend, against: Backend, dtypes=("float64", "float32"), devices=("cpu",),
                 quick: bool = False):
        self.backend, self.against = backend, against
        self.dtypes, self.devices, self.quick = tuple(dtypes), tuple(devices), quick
        self.rows: list[Check] = []

    # rows ------------------------------------------------------------------------------
    def add(self, check, case, quantity, dtype, device, status, error=math.nan, tol=math.nan, detail=""):
        self.rows.append(Check(check, case, quantity, dtype, device, status, float(error), float(tol), detail))

    def table(self) -> pd.DataFrame:
        """The rows so far, as a DataFrame with ``CHECK_COLUMNS``."""
        return pd.DataFrame([asdict(r) for r in self.rows], columns=list(CHECK_COLUMNS))

    # skip or run -----------------------------------------------------------------------
    def skip_reason(self, **features) -> str | None:
        """Why the check cannot run: the backend lacks a feature, or the backend it is judged
        against does (on the CPU, where the reference runs)."""
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

    def run_or_skip(self, planned: Planned, section_needs: Mapping[str, object] | None = None) -> None:
        """The one skip-or-run: a skipped row with the reason, or the check run. A backend whose
        declaration cannot be read (``CAPABILITIES`` not a dict of names, ...) fails the check."""
        needs = merge_needs(section_needs or {}, planned.needs)
        row = (planned.check, planned.case, planned.quantity, planned.dtype, planned.device)
        try:
            reason = self.backend.unsupported(**needs) if planned.refusal else self.skip_reason(**needs)
        except Exception as exc:  # noqa: BLE001 - the backend's declaration is the backend's to get right
            self.add(*row, "failed", detail=f"raised {type(exc).__name__}: {exc} (asked what it supports)")
            return
        if reason:
            self.add(*row, "skipped", detail=reason)
        elif planned.refusal:
            planned.run()
        else:
            self.guarded(*row, planned.run)

    def run(self, section: Section) -> None:
        """Every check of ``section``, each run (or skipped) as it is yielded."""
        for planned in section.checks(self):
            self.run_or_skip(planned, section.needs)

    # bad input -------------------------------------------------------------------------
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


def refusal_check(runner: Runner, name: str, argument: str, needs: Mapping[str, object],
                  call: Callable[[Backend], object]) -> Planned:
    """A bad-input check: ``call(backend)`` must be refused with an error naming ``argument``."""
    return Planned("bad-input", name, argument, "float64", "cpu", needs, partial(runner.refusal, name, argument, call),
                   refusal=True)


def _short(value) -> str:
    """``value``'s repr on one line (an array's rows joined), cut to 80 characters."""
    text = " ".join(repr(value).split())
    return text if len(text) <= 80 else text[:77] + "..."


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
