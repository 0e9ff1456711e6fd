"""What the report says about timing: the section's blocks (``reports.render``'s format), the
summary table (``timing_table``) and the busy-machine sentence, read from the timing rows
(``timing.csv``'s columns, busy flags included)."""

from __future__ import annotations

import pandas as pd

from .busy import BUSY_FLOOR_MARGIN_S, BUSY_FLOOR_RATIO, BUSY_MARGIN_S, BUSY_RATIO, BUSY_SPREAD
from .errors import error_mask

__all__ = ["timing_blocks", "timing_table", "busy_sentence"]


def _flag(row) -> str:
    """A timing row's ``busy_flag`` ("" where absent or empty; a CSV read back gives NaN)."""
    value = row.get("busy_flag")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _text(row, key: str) -> str:
    value = row.get(key) if row is not None else None
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def timing_table(timing: pd.DataFrame) -> pd.DataFrame:
    """One row per non-sweep workload × backend × device × dtype: how it was timed, the
    median of each phase (ms), the step's spread, its ratio to the framework floor and to the
    machine's limit, its GFLOP/s, the busy flags of its phases (``busy?``) and, where the
    backend raised, the error (``error``, a column only then)."""
    rows = timing[timing["sweep"].isna()] if "sweep" in timing else timing
    out = []
    keys = ["workload", "backend", "device", "dtype"]
    for (workload, backend, device, dtype), g in rows.groupby(keys, sort=False):
        phase = {r["phase"]: r for _, r in g.iterrows()}
        step, floor = phase.get("step"), phase.get("floor")
        through = _text(g.iloc[0], "timed_through") or ("" if "timed_through" in g else "native step")
        flags = [f"{p}: {_flag(r)}" for p, r in phase.items() if _flag(r)]
        ms = lambda r: (r["median_s"] * 1e3) if r is not None else float("nan")  # noqa: E731
        row = {
            "workload": workload, "backend": backend, "device": device, "dtype": dtype, "timed through": through,
            "compile ms": ms(phase.get("compile")), "forward ms": ms(phase.get("forward")), "step ms": ms(step),
            "step iqr/median": (step["iqr_s"] / step["median_s"]) if step is not None else float("nan"),
            "floor ms": ms(floor),
            "step / floor": step["ratio_to_floor"] if step is not None and "ratio_to_floor" in step else float("nan"),
            "step GFLOP/s": step["gflops"] if step is not None else float("nan"),
            "step / limit": step["ratio_to_limit"] if step is not None else float("nan"),
            "busy?": "; ".join(flags),
        }
        if "error" in rows:
            row["error"] = _text(step, "error")
        out.append(row)
    table = pd.DataFrame(out)
    if "error" in table and not error_mask(table).any():
        table = table.drop(columns=["error"])
    return table


def _workload_table(workloads) -> pd.DataFrame:
    rows = []
    for w in workloads:
        if w.sweep is not None:
            continue
        rows.append({"workload": w.name, "model": w.model, "layer_dims": str(w.layer_dims), "m": w.m,
                     "hidden": w.hidden_activation if w.model == "deep" else "", "output": w.output})
    return pd.DataFrame(rows)


def busy_sentence(timing: pd.DataFrame) -> str:
    """The thresholds, and which rows look disturbed with the advice to rerun."""
    thresholds = (f"a row is flagged when its spread iqr/median exceeds {BUSY_SPREAD:g} (over 3 or more repeats); "
                  f"when it takes longer than {BUSY_RATIO:g}x the machine's limit plus {BUSY_MARGIN_S * 1e3:g} ms, "
                  "far more than any framework's own per-call cost on these sizes; or when a framework's floor "
                  f"(the same products in every framework) takes more than {BUSY_FLOOR_RATIO:g}x, and "
                  f"{BUSY_FLOOR_MARGIN_S * 1e3:g} ms more than, the fastest framework's (its step is flagged with "
                  "it). Rows timed through the public train, conversions included, are judged by their spread only")
    flagged = timing[timing["busy_flag"].fillna("").astype(bool)] if "busy_flag" in timing else timing.iloc[:0]
    if flagged.empty:
        return f"No timing row looks disturbed ({thresholds})."
    where = list(dict.fromkeys(f"{x['workload']} {x['backend']} {x['device']} {x['dtype']}"
                               for _, x in flagged.iterrows()))
    shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
    return (f"**{len(flagged)} of {len(timing)} timing rows look disturbed** ({shown}; `busy?` column below, "
            f"`busy_flag` in `timing.csv`): {thresholds}. The machine was probably busy with another program "
            "while they ran, so their times are not this code's. Rerun the report when the cores are free; if "
            "another program has to keep running, rerun with `--threads 1` (BLAS threads that wait for a busy "
            "core make small problems many times slower).")


def _repeats_text(timing: pd.DataFrame, repeats: int) -> str:
    """"20 repeats", or which workloads had fewer (a step near a second gets fewer)."""
    timed = timing[(timing["phase"] != "compile") & timing["repeats"].notna()]
    fewer = timed[timed["repeats"] < repeats]
    if fewer.empty:
        return f"{repeats} repeats"
    counts = fewer.groupby("workload", sort=False)["repeats"].min()
    return (f"{repeats} repeats (" + ", ".join(f"{w}: {int(n)}" for w, n in counts.items())
            + ": long steps, which vary little)")


def _limits_table(limits: pd.DataFrame) -> pd.DataFrame:
    """The limits measured, the ``error`` column only where a probe raised."""
    if "error" in limits and not error_mask(limits).any():
        return limits.drop(columns=["error"])
    return limits.copy()


def timing_blocks(timing: pd.DataFrame, limits: pd.DataFrame, workloads, environment: dict, repeats: int,
                  images: dict, not_timed: list[str] = ()) -> list[tuple]:
    """The "Timing" section: how it was timed, the machine's limits, the workloads, the busy
    sentence, the table, what was not timed (``not_timed``: a line per backend and reason) and
    the figures (``images``: ``step``, ``sweep_m``, ``sweep_width``)."""
    blocks: list[tuple] = [("h", 2, "Timing")]
    skips = [("p", "Not timed (the backend lacks what the workload needs):"), ("list", list(not_timed))] \
        if not_timed else []
    if timing.empty:
        blocks.append(("p", "No timing rows were run on the requested devices."))
        if not limits.empty:
            blocks.append(("table", _limits_table(limits)))
        return blocks + skips
    threads = (environment.get("threads") or {}).get("threads")
    blocks.append(("p", f"Each backend's native path (NumPy by hand, a torch `nn.Module` with autograd and an "
                        f"in-place update, a jitted JAX step; a backend that declares no native step is timed "
                        f"through its public `train`, conversions included, and its rows say `public train`) on "
                        f"fixed data. Phases: `compile` is the first call (tracing/jit, one measurement), "
                        f"`forward` the cost, `step` forward + backward + update, `floor` the step's matrix "
                        f"products alone in the backend's own framework (what the step cannot go below there; "
                        f"`step / floor` is what the implementation spends beyond them). Median and IQR over "
                        f"{_repeats_text(timing, repeats)} after warm-up. GFLOP/s from counted FLOPs; "
                        f"`step / limit` is the "
                        f"measured time over the best time this machine's matmul rate and memory bandwidth "
                        f"(measured in this run, below) allow: 1 is the limit, larger is slower; below 1, the "
                        f"workload's data stayed in the CPU's cache between repeats, which is faster than the "
                        f"memory bandwidth measured on a large copy. Threads: {threads} (the parity, training and "
                        f"conventions sections run their small networks on one thread per backend)."))
    blocks.append(("table", _limits_table(limits)))
    work = _workload_table(workloads)
    if not work.empty:
        blocks.append(("p", "Workloads: the notes' three models on the cat images' size, and `compute-bound`, "
                            "large square-ish products whose limit is the matmul rate, not the memory bandwidth "
                            "(the sweeps below vary m and the width of the notes' models):"))
        blocks.append(("table", work))
    blocks.append(("p", busy_sentence(timing)))
    blocks.append(("table", timing_table(timing)))
    blocks += skips
    for key, caption in (("step", "Median step time per workload, backend, device and dtype"),
                         ("sweep_m", "Step time against batch size m (log-log)"),
                         ("sweep_width", "Step time against hidden width (log-log)")):
        if images.get(key):
            blocks.append(("img", images[key], caption))
    blocks.append(("p", "The sweeps (every point) are in `timing.csv`."))
    return blocks
