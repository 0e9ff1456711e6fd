"""The report's figures as PNG files, drawn with matplotlib's object API (``Figure`` on the
Agg canvas), so no pyplot state and no display are involved.

Every function takes the report's DataFrames (the columns of ``training.csv`` and
``timing.csv``), writes one PNG into ``out_dir`` and returns its path, or ``None`` where there
is nothing to draw (e.g. no sweep rows); the report then says so instead of showing a figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["plot_training", "plot_step_times", "plot_sweep", "series_label", "DIFF_FLOOR"]

# Log axes cannot show an exact 0: exact agreement is drawn at this floor and labelled so.
DIFF_FLOOR = 1e-18
_STYLE = {"numpy": ("tab:blue", "-"), "torch": ("tab:red", "--"), "jax": ("tab:green", ":")}


def series_label(backend: str, device: str, dtype: str) -> str:
    return f"{backend} {device} {dtype}"


def _style(backend: str, dtype: str):
    colour, line = _STYLE.get(backend, ("tab:gray", "-."))
    return {"color": colour, "linestyle": line, "alpha": 1.0 if dtype == "float64" else 0.6}


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=90)
    return path


def plot_training(training: pd.DataFrame, out_dir: Path, name: str = "training_cost.png") -> Path | None:
    """Top: cost per step for every backend/device/dtype, overlaid. Bottom: |cost - reference
    cost| / |reference cost| (the NumPy run of the same dtype) on a log axis."""
    if training.empty:
        return None
    fig = Figure(figsize=(8, 6.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for (backend, device, dtype), group in training.groupby(["backend", "device", "dtype"], sort=False):
        style = _style(backend, dtype)
        label = series_label(backend, device, dtype)
        top.plot(group["step"], group["cost"], label=label, linewidth=1.2, **style)
        if backend != "numpy":
            diff = group["rel_diff_to_reference"].to_numpy(dtype=float)
            # Markers, not lines: exact agreement (drawn at the floor) alternates with rounding-level
            # differences, and joining them by lines draws a comb that hides the levels.
            bottom.plot(group["step"], np.maximum(diff, DIFF_FLOOR), label=label, marker="o", markersize=2.5,
                        linestyle="none", color=style["color"], alpha=style["alpha"])
    case = training["case"].iloc[0]
    top.set_title(f"Training cost per step: {case}")
    top.set_ylabel("cost J")
    top.legend(fontsize=8)
    bottom.set_yscale("log")
    bottom.set_xlabel("update step")
    bottom.set_ylabel("|J - J_numpy| / |J_numpy|")
    bottom.set_title(f"Difference to the NumPy reference (same dtype; exact agreement drawn at {DIFF_FLOOR:g})",
                     fontsize=9)
    if bottom.lines:
        bottom.legend(fontsize=8)
    return _save(fig, out_dir / name)


def plot_step_times(timing: pd.DataFrame, out_dir: Path, name: str = "step_time.png") -> Path | None:
    """Median time of one training step (bars, IQR as error bars) per backend/device/dtype,
    one group per non-sweep workload; log axis."""
    rows = timing[(timing["phase"] == "step") & timing["sweep"].isna()] if not timing.empty else timing
    if rows.empty:
        return None
    workloads = list(dict.fromkeys(rows["workload"]))
    series = list(dict.fromkeys(zip(rows["backend"], rows["device"], rows["dtype"])))
    width = 0.8 / len(series)
    fig = Figure(figsize=(max(6.0, 1.8 * len(workloads) + 3), 4.5), layout="constrained")
    ax = fig.subplots()
    for k, (backend, device, dtype) in enumerate(series):
        sel = rows[(rows["backend"] == backend) & (rows["device"] == device) & (rows["dtype"] == dtype)]
        sel = sel.set_index("workload").reindex(workloads)
        x = np.arange(len(workloads)) + (k - (len(series) - 1) / 2) * width
        colour = _style(backend, dtype)
        ax.bar(x, sel["median_s"], width, yerr=sel["iqr_s"] / 2, label=series_label(backend, device, dtype),
               color=colour["color"], alpha=colour["alpha"], hatch="//" if device != "cpu" else None,
               capsize=2)
    ax.set_xticks(np.arange(len(workloads)), workloads, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("seconds per step (median; bar = IQR)")
    ax.set_title("Time of one training step (forward + backward + update)")
    ax.legend(fontsize=7, ncols=2)
    return _save(fig, out_dir / name)


def plot_sweep(timing: pd.DataFrame, sweep: str, out_dir: Path, name: str | None = None) -> Path | None:
    """Median step time against the swept quantity (``m``: batch size, ``width``: hidden
    width), one line per backend/device/dtype, log-log."""
    if timing.empty:
        return None
    rows = timing[(timing["phase"] == "step") & (timing["sweep"] == sweep)]
    if rows.empty:
        return None
    column = "m" if sweep == "m" else "width"
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.subplots()
    for (backend, device, dtype), group in rows.groupby(["backend", "device", "dtype"], sort=False):
        group = group.sort_values(column)
        ax.plot(group[column], group["median_s"], marker="o", markersize=3,
                label=series_label(backend, device, dtype), **_style(backend, dtype))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size m (examples)" if sweep == "m" else "hidden width n[1]")
    ax.set_ylabel("seconds per step (median)")
    ax.set_title(f"Step time against {'batch size' if sweep == 'm' else 'width'}")
    ax.legend(fontsize=7)
    return _save(fig, out_dir / (name or f"sweep_{sweep}.png"))
