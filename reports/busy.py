"""The busy-machine heuristics: which timing rows look disturbed by another program on the
cores, and why (``flag_busy``), with the thresholds the report states.

Thresholds that flag a timing row as disturbed. A quiet 2-core run keeps every row with 3 or
more repeats under an iqr/median of 0.5 and every step within about 11x the machine's limit.
A busy core shows instead as a spread of several medians, or as thread pools that wait for a
core, each call rounded up to the scheduler's 4 ms ticks: a step of microseconds taking 16 or
30 ms, one framework's floor (the step's products, the same in every framework) 7 to 100 times
another's, where the frameworks that kept their cores stayed within 2x of each other. A margin
of 5 ms on top of 20x the limit is far above any framework's own per-call cost on these sizes
(under 1 ms when quiet). A row timed through the public train carries conversions the limit
does not count, so only its spread is judged.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["BUSY_SPREAD", "BUSY_RATIO", "BUSY_MARGIN_S", "BUSY_FLOOR_RATIO", "BUSY_FLOOR_MARGIN_S", "flag_busy",
           "busy_thresholds", "n_flagged"]

BUSY_SPREAD = 0.5
BUSY_RATIO = 20.0
BUSY_MARGIN_S = 5e-3
BUSY_FLOOR_RATIO = 3.0
BUSY_FLOOR_MARGIN_S = 1e-3


def busy_thresholds() -> dict:
    """The thresholds by name, as ``environment.json`` records them."""
    return {"iqr_over_median": BUSY_SPREAD, "ratio_to_limit": BUSY_RATIO, "margin_s": BUSY_MARGIN_S,
            "floor_ratio": BUSY_FLOOR_RATIO, "floor_margin_s": BUSY_FLOOR_MARGIN_S}


def _slow_floors(timing: pd.DataFrame) -> dict:
    """(workload, backend, device, dtype) -> why its floor is far behind the fastest one's."""
    keys = ["workload", "device", "dtype"]
    floors = timing[(timing["phase"] == "floor") & timing["median_s"].notna()]
    if floors.empty:
        return {}
    fastest = floors.groupby(keys)["median_s"].min().to_dict()
    slow = {}
    for row in floors.itertuples(index=False):
        best = fastest[(row.workload, row.device, row.dtype)]
        if row.median_s > BUSY_FLOOR_RATIO * best and row.median_s - best > BUSY_FLOOR_MARGIN_S:
            slow[(row.workload, row.backend, row.device, row.dtype)] = (
                f"floor {row.median_s / best:.0f}x the fastest framework's ({best * 1e3:.3g} ms)")
    return slow


def flag_busy(timing: pd.DataFrame) -> pd.DataFrame:
    """``timing`` with a ``busy_flag`` column: "" or why the row looks disturbed:

    * its spread: ``iqr_s / median_s > BUSY_SPREAD`` over 3 or more repeats;
    * its time against the machine's limit: ``median_s > BUSY_RATIO * limit_s + BUSY_MARGIN_S``
      (forward, step and floor of a native step);
    * its framework floor against the fastest backend's floor for the same workload, device
      and dtype: more than ``BUSY_FLOOR_RATIO`` times it and ``BUSY_FLOOR_MARGIN_S`` longer
      (flagged on the floor and on the step, which does the same products).

    A row without a time (a backend that raised: its ``error``) is never flagged.
    """
    timing = timing.copy()
    if timing.empty:
        timing["busy_flag"] = pd.Series(dtype=object)
        return timing
    slow_floor = _slow_floors(timing)
    flags = []
    for row in timing.itertuples(index=False):
        why = []
        if row.repeats >= 3 and row.median_s > 0 and row.iqr_s / row.median_s > BUSY_SPREAD:
            why.append(f"spread {row.iqr_s / row.median_s:.2f} > {BUSY_SPREAD:g}")
        if (row.phase in ("forward", "step", "floor") and getattr(row, "timed_through", "native step") != "public train"
                and row.median_s > BUSY_RATIO * row.limit_s + BUSY_MARGIN_S):
            why.append(f"{row.median_s * 1e3:.3g} ms > {BUSY_RATIO:g}x the limit + {BUSY_MARGIN_S * 1e3:g} ms")
        slow = slow_floor.get((row.workload, row.backend, row.device, row.dtype))
        if slow and row.phase in ("step", "floor"):
            why.append(slow)
        flags.append("; ".join(why))
    timing["busy_flag"] = flags
    return timing


def n_flagged(timing: pd.DataFrame) -> int:
    """How many rows carry a busy flag (a CSV read back gives NaN for none)."""
    return int(timing["busy_flag"].fillna("").astype(bool).sum()) if "busy_flag" in timing else 0
