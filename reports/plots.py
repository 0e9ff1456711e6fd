"""The report's figures as PNG files, drawn with matplotlib's object API (``Figure`` on the
Agg canvas), so no pyplot state and no display are involved. Backends are told apart by
colour and line style: fixed for the built-ins, a stable pick by name for any other.

Every function takes the report's DataFrames (the columns of ``training.csv``,
``conventions.csv`` and ``timing.csv``), writes one PNG into ``out_dir`` and returns its path, or ``None`` where there
is nothing to draw (e.g. no sweep rows); the report then says so instead of showing a figure.
"""

from __future__ import annotations

import math
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["plot_training", "plot_training_diff", "plot_conventions", "plot_step_times", "plot_sweep",
           "plot_data_parallel", "series_label", "backend_style", "sweep_model", "DIFF_FLOOR"]

# Log axes cannot show an exact 0: exact agreement is drawn at this floor and labelled so.
DIFF_FLOOR = 1e-18
_STYLE = {"numpy": ("tab:blue", "-"), "torch": ("tab:red", "--"), "jax": ("tab:green", ":")}
# Any other backend (a third party's, by its entry point or --backend) gets one of these, by a
# stable hash of its name, so its colour is the same in every figure and every report.
_EXTRA = (("tab:purple", "-."), ("tab:orange", (0, (5, 1))), ("tab:brown", (0, (3, 1, 1, 1))),
          ("tab:pink", (0, (1, 1))), ("tab:olive", (0, (5, 2, 1, 2))), ("tab:cyan", (0, (2, 2))))


def series_label(backend: str, device: str, dtype: str) -> str:
    return f"{backend} {device} {dtype}"


def backend_style(backend: str) -> tuple[str, object]:
    """(colour, linestyle) of a backend: fixed for the built-ins, a stable pick for others."""
    if backend in _STYLE:
        return _STYLE[backend]
    return _EXTRA[zlib.crc32(backend.encode("utf-8")) % len(_EXTRA)]


def _style(backend: str, dtype: str):
    colour, line = backend_style(backend)
    return {"color": colour, "linestyle": line, "alpha": 1.0 if dtype == "float64" else 0.6}


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=90)
    return path


def _grid(fig: Figure, n: int, ncols: int):
    """``n`` panels on a grid of ``ncols`` columns (the spare ones hidden), flattened."""
    nrows = max(1, math.ceil(n / ncols))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def _methods(training: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(training["method"])) if "method" in training else [None]


def _method_rows(training: pd.DataFrame, method):
    return training if method is None else training[training["method"] == method]


def plot_training(training: pd.DataFrame, out_dir: Path, name: str = "training_cost.png") -> Path | None:
    """Cost per step for every backend/device/dtype, overlaid, one panel per training method
    (``method`` column: GD, momentum, Adam, each with and without decay)."""
    if training.empty:
        return None
    methods = _methods(training)
    ncols = min(3, len(methods))
    fig = Figure(figsize=(4.2 * ncols, 3.3 * math.ceil(len(methods) / ncols) + 0.6), layout="constrained")
    for ax, method in zip(_grid(fig, len(methods), ncols), methods):
        for (backend, device, dtype), group in _method_rows(training, method).groupby(["backend", "device", "dtype"],
                                                                                      sort=False):
            ax.plot(group["step"], group["cost"], label=series_label(backend, device, dtype), linewidth=1.2,
                    **_style(backend, dtype))
        ax.set_title(method or "training", fontsize=10)
        ax.set_xlabel("update step", fontsize=8)
        ax.set_ylabel("cost J", fontsize=8)
        ax.legend(fontsize=6)
    fig.suptitle(f"Training cost per step, every backend overlaid: {training['case'].iloc[0]}")
    return _save(fig, out_dir / name)


def plot_training_diff(training: pd.DataFrame, out_dir: Path, name: str = "training_diff.png") -> Path | None:
    """|cost - reference cost| / |reference cost| (the NumPy run of the same method and dtype)
    per step, log axis, one panel per method."""
    others = training[training["backend"] != "numpy"] if not training.empty else training
    if others.empty:
        return None
    methods = _methods(training)
    ncols = min(3, len(methods))
    fig = Figure(figsize=(4.2 * ncols, 3.1 * math.ceil(len(methods) / ncols) + 0.6), layout="constrained")
    for ax, method in zip(_grid(fig, len(methods), ncols), methods):
        for (backend, device, dtype), group in _method_rows(others, method).groupby(["backend", "device", "dtype"],
                                                                                    sort=False):
            style = _style(backend, dtype)
            diff = group["rel_diff_to_reference"].to_numpy(dtype=float)
            # Markers, not lines: exact agreement (drawn at the floor) alternates with rounding-level
            # differences, and joining them by lines draws a comb that hides the levels.
            ax.plot(group["step"], np.maximum(diff, DIFF_FLOOR), label=series_label(backend, device, dtype),
                    marker="o", markersize=2, linestyle="none", color=style["color"], alpha=style["alpha"])
        ax.set_yscale("log")
        ax.set_title(method or "training", fontsize=10)
        ax.set_xlabel("update step", fontsize=8)
        ax.set_ylabel("|J - J_numpy| / |J_numpy|", fontsize=8)
        if ax.lines:
            ax.legend(fontsize=6)
    fig.suptitle(f"Difference to the NumPy reference (same method and dtype; exact agreement drawn at "
                 f"{DIFF_FLOOR:g})", fontsize=10)
    return _save(fig, out_dir / name)


def plot_conventions(conventions: pd.DataFrame, out_dir: Path, name: str = "conventions.png") -> Path | None:
    """One column per optimizer (and L2). Top: the course's cost (black) and each framework's
    with its own defaults (the backend's colour and line style), as the mean over each epoch's
    mini-batches (a mini-batch's own cost jumps with its examples); the runs configured to
    match lie on the course's. Bottom: the largest relative difference to the course up to
    each step (log): configured (solid, at rounding level) and defaults (the backend's style)."""
    if conventions.empty:
        return None
    names = list(dict.fromkeys(conventions["optimizer"]))
    fig = Figure(figsize=(max(8.0, 3.4 * len(names) + 0.5), 6.4), layout="constrained")
    axes = fig.subplots(2, len(names), squeeze=False)
    for k, optimizer in enumerate(names):
        top, bottom = axes[0, k], axes[1, k]
        rows = conventions[conventions["optimizer"] == optimizer]
        for (backend, way), group in rows.groupby(["backend", "way"], sort=False):
            colour, line = backend_style(backend)
            # Two frameworks with the same default draw the same curve: their own line styles
            # keep both visible (solid is the course's, so a backend drawn solid is dashed).
            line = "--" if line == "-" else line
            per_epoch = group.groupby("epoch", sort=True)["cost"].mean() if "epoch" in group else group["cost"]
            epochs = np.arange(1, len(per_epoch) + 1)
            worst = np.maximum.accumulate(np.maximum(group["rel_diff_to_course"].to_numpy(dtype=float), DIFF_FLOOR))
            if way == "course":
                top.plot(epochs, per_epoch, color="black", linewidth=2.2, label=f"course ({backend})")
            elif way == "framework defaults":
                top.plot(epochs, per_epoch, color=colour, linestyle=line, linewidth=1.5, label=f"{backend} defaults")
                bottom.plot(group["step"], worst, color=colour, linestyle=line, linewidth=1.5,
                            label=f"{backend} defaults")
            else:
                bottom.plot(group["step"], worst, color=colour, linestyle="-", linewidth=0.9,
                            label=f"{backend} configured")
        bound = rows["bound"].dropna()
        if not bound.empty:
            bottom.axhline(float(bound.iloc[0]), color="gray", linewidth=0.8, linestyle=":")
        top.set_title(optimizer, fontsize=10)
        top.set_xlabel("epoch", fontsize=8)
        top.set_ylabel("cost J (epoch mean)", fontsize=8)
        top.legend(fontsize=6)
        bottom.set_yscale("log")
        bottom.set_xlabel("update step", fontsize=8)
        bottom.set_ylabel("max |J - J_course| / |J_course| so far", fontsize=8)
        if bottom.lines:
            bottom.legend(fontsize=6)
    fig.suptitle("The course's formulas (black) against each framework's defaults\n"
                 f"bottom: largest difference to the course so far, log; float64 bound dotted; exact agreement "
                 f"at {DIFF_FLOOR:g}", fontsize=10)
    return _save(fig, out_dir / name)


def plot_step_times(timing: pd.DataFrame, out_dir: Path, name: str = "step_time.png") -> Path | None:
    """Median time of one training step (bars, IQR as error bars) per backend/device/dtype,
    one group per non-sweep workload; log axis."""
    rows = (timing[(timing["phase"] == "step") & timing["sweep"].isna() & timing["median_s"].notna()]
            if not timing.empty else timing)
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
        public = "timed_through" in sel and (sel["timed_through"] == "public train").any()
        label = series_label(backend, device, dtype) + (" (public train)" if public else "")
        ax.bar(x, sel["median_s"], width, yerr=sel["iqr_s"] / 2, label=label,
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
    rows = timing[(timing["phase"] == "step") & (timing["sweep"] == sweep) & timing["median_s"].notna()]
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
    # The swept values themselves as ticks: a log axis over one decade has no labelled ticks.
    values = sorted(int(v) for v in rows[column].dropna().unique())
    ax.set_xticks(values, [str(v) for v in values])
    ax.minorticks_off()
    ax.set_xlabel("batch size m (examples)" if sweep == "m" else "hidden width n[1]")
    ax.set_ylabel("seconds per step (median)")
    swept = "batch size m" if sweep == "m" else "hidden width n[1]"
    ax.set_title(f"Step time against {swept}: {sweep_model(rows, sweep)}", fontsize=10)
    ax.legend(fontsize=7)
    return _save(fig, out_dir / (name or f"sweep_{sweep}.png"))


def plot_data_parallel(table: pd.DataFrame, out_dir: Path, name: str = "data_parallel_step_time.png") -> Path | None:
    """Seconds per step against the number of workers k (``data_parallel.csv``'s timing rows),
    one line per backend, each point labelled with its speed-up t(1)/t(k)."""
    rows = (table[(table["part"] == "timing") & table["step_s"].notna()] if not table.empty else table)
    if rows.empty:
        return None
    fig = Figure(figsize=(6.5, 4.2), layout="constrained")
    ax = fig.subplots()
    for backend, group in rows.groupby("backend", sort=False):
        group = group.sort_values("world_size")
        ax.plot(group["world_size"], group["step_s"], marker="o", label=backend, **_style(backend, "float32"))
        for k, seconds, speedup in zip(group["world_size"], group["step_s"], group["speedup_vs_1"]):
            if pd.notna(speedup):
                ax.annotate(f"{speedup:.2f}x", (k, seconds), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ks = sorted(int(k) for k in rows["world_size"].unique())
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_ylim(bottom=0)
    ax.set_xlabel("workers k (world_size)")
    ax.set_ylabel("seconds per step (difference of two runs)")
    ax.set_title("Data parallel: step time against k, compute-bound network\n"
                 "labels: speed-up against world_size 1", fontsize=10)
    ax.legend(fontsize=7)
    return _save(fig, out_dir / name)


def sweep_model(rows: pd.DataFrame, sweep: str) -> str:
    """The model a sweep varies, in words: its layer dims with the swept size named
    (``deep (12288, 20, 7, 5, 1), m from 64 to 2048``; ``deep (12288, n[1], 1), m = 209``)."""
    dims = [tuple(str(d).split("x")) for d in dict.fromkeys(rows["layer_dims"])] if "layer_dims" in rows else []
    model = rows["model"].iloc[0] if "model" in rows else "deep"
    ms = sorted(int(v) for v in rows["m"].dropna().unique()) if "m" in rows else []
    if sweep == "width" and dims:
        shape = list(dims[0])
        if len(shape) > 1:
            shape[1] = "n[1]"
        widths = sorted(int(v) for v in rows["width"].dropna().unique())
        sizes = f"n[1] from {widths[0]} to {widths[-1]}" if widths else ""
        m = f"m = {ms[0]}" if len(ms) == 1 else ""
        return f"{model} ({', '.join(shape)}), {', '.join(x for x in (sizes, m) if x)}"
    shape = ", ".join(dims[0]) if dims else "?"
    span = f"m from {ms[0]} to {ms[-1]}" if ms else ""
    return f"{model} ({shape}), {span}"
