"""The report's text in two forms from one list of blocks: Markdown (images linked by
relative path) and a self-contained HTML page (images embedded as base64 PNGs).

A block is a tuple: ``("h", level, text)``, ``("p", text)``, ``("list", [text, ...])``,
``("table", DataFrame)`` or ``("img", filename, caption)``. Text may use ``**bold**`` and
```code``` (the only Markdown the HTML renderer translates).
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import pandas as pd

__all__ = ["render_markdown", "render_html", "format_table", "report_blocks", "GPU_UNVERIFIED"]

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th { background: #f2f2f2; }
td:first-child, th:first-child { text-align: left; }
code { background: #f4f4f4; padding: 0 0.2em; }
img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #555; }
"""


def format_table(df: pd.DataFrame) -> pd.DataFrame:
    """Floats as short strings (3 significant digits; tiny values in e-notation), so that
    the Markdown and the HTML show the same numbers."""
    out = df.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [("" if pd.isna(v) else f"{v:.3g}") for v in out[column]]
        else:
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out


def render_markdown(blocks: list[tuple]) -> str:
    parts = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            parts.append("#" * block[1] + " " + block[2])
        elif kind == "p":
            parts.append(block[1])
        elif kind == "list":
            parts.append("\n".join(f"- {item}" for item in block[1]))
        elif kind == "table":
            parts.append(format_table(block[1]).to_markdown(index=False, disable_numparse=True))
        elif kind == "img":
            parts.append(f"![{block[2]}]({block[1]})")
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return "\n\n".join(parts) + "\n"


def _inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"\[(.+?)\]\((.+?)\)", r'<a href="\2">\1</a>', text)


def render_html(blocks: list[tuple], image_dir: Path, title: str) -> str:
    """One HTML page; ``("img", name, caption)`` reads ``image_dir / name`` and embeds it."""
    body = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            body.append(f"<h{block[1]}>{_inline(block[2])}</h{block[1]}>")
        elif kind == "p":
            body.append(f"<p>{_inline(block[1])}</p>")
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "table":
            body.append(format_table(block[1]).to_html(index=False, border=0, escape=True))
        elif kind == "img":
            data = base64.b64encode((Path(image_dir) / block[1]).read_bytes()).decode("ascii")
            body.append(f'<figure><img alt="{html.escape(block[2])}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{_inline(block[2])}</figcaption></figure>")
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


# --------------------------------------------------------------------------- the report's text

GPU_UNVERIFIED = ("No GPU was present for this report, so the GPU path (torch on CUDA, JAX on GPU) "
                  "is **unverified** here: it is written and tested in code, but no number in this "
                  "report comes from a GPU.")


def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}g}"


def _parity_summary(parity: pd.DataFrame) -> pd.DataFrame:
    return (parity.groupby(["backend", "device", "dtype"], sort=False)
            .agg(cases=("case", "count"), max_cost_rel_err=("cost_rel_err", "max"),
                 max_grad_rel_err=("grad_rel_err", "max"), cost_tol=("cost_tol", "first"),
                 grad_tol=("grad_tol", "first"), failed=("passed", lambda s: int((~s).sum())))
            .reset_index())


def _training_summary(training: pd.DataFrame) -> pd.DataFrame:
    from parity import tolerance

    rows = []
    for (backend, device, dtype), g in training.groupby(["backend", "device", "dtype"], sort=False):
        rows.append({"backend": backend, "device": device, "dtype": dtype, "steps": len(g),
                     "first_cost": g["cost"].iloc[0], "final_cost": g["cost"].iloc[-1],
                     "max_rel_diff_to_numpy": g["rel_diff_to_reference"].max(),
                     "tolerance": tolerance(dtype, device).grad})
    return pd.DataFrame(rows)


def _timing_tables(timing: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(median ms per workload × phase, one column per backend/device/dtype; the step's
    GFLOP/s and ratio to the machine's limit per workload) for the non-sweep workloads."""
    rows = timing[timing["sweep"].isna()].copy()
    rows["series"] = rows["backend"] + " " + rows["device"] + " " + rows["dtype"]
    order = list(dict.fromkeys(rows["series"]))
    rows["median_ms"] = rows["median_s"] * 1e3
    medians = (rows.pivot_table(index=["workload", "phase"], columns="series", values="median_ms", sort=False)
               .reindex(columns=order).reset_index())
    medians.columns.name = None
    steps = rows[rows["phase"] == "step"]
    gflops = steps.pivot_table(index="workload", columns="series", values="gflops", sort=False)
    ratio = steps.pivot_table(index="workload", columns="series", values="ratio_to_limit", sort=False)
    both = pd.concat({"GFLOP/s": gflops.reindex(columns=order), "x limit": ratio.reindex(columns=order)}, axis=1)
    both.columns = [f"{series} {what}" for what, series in both.columns]
    both = both[[f"{s} {w}" for s in order for w in ("GFLOP/s", "x limit")]].reset_index()
    return medians, both


def report_blocks(*, parity, training, timing, limits, vectorisation, environment, not_run, dataset, quick,
                  devices, dtypes, repeats, images, seconds, available) -> list[tuple]:
    """The report's content as blocks (see the module docstring), from the section tables."""
    failures = int((~parity["passed"]).sum()) if not parity.empty else 0
    gpu_requested = "cuda" in devices
    gpu_rows = [r for r in not_run if r["device"] == "cuda" and r["backend"] != "numpy"]
    gpu_ran = not parity.empty and (parity["device"] == "cuda").any()
    blocks: list[tuple] = [("h", 1, "nn-parity report")]
    mode = "quick (small workloads, few repeats: a smoke test, not a measurement to quote)" if quick else "full"
    blocks.append(("list", [
        f"Mode: {mode}. Devices requested: {', '.join(devices)}; dtypes: {', '.join(dtypes)}.",
        f"Data: **{dataset.name}**: {dataset.description}" + (f" Task: **{dataset.task}** ({dataset.task_note})."
                                                             if getattr(dataset, "task", "") else ""),
        f"Backends installed: {', '.join(available)}. Built in {seconds:.0f} s on "
        f"{environment['cpu']['model']} ({environment['cpu']['usable_cores']} usable cores), "
        f"commit `{(environment.get('commit') or 'not a git checkout')[:12]}`"
        f"{' with uncommitted changes' if environment.get('uncommitted_changes') else ''}.",
    ]))
    if parity.empty:
        verdict = "**No parity rows were run** (no requested device is present here); nothing failed."
    elif failures:
        verdict = f"**FAIL**: {failures} of {len(parity)} comparisons are outside tolerance (see below)."
    else:
        verdict = f"**PASS**: all {len(parity)} comparisons with the NumPy reference are within tolerance."
    blocks.append(("p", verdict))

    blocks.append(("h", 2, "What was not run"))
    if not_run:
        blocks.append(("list", [f"{r['backend']} on {r['device']}: {r['reason']}" for r in not_run]))
    else:
        blocks.append(("p", "Everything requested was run."))
    if not gpu_ran:
        why = ("--device cpu was asked for" if not gpu_requested else
               "; ".join(f"{r['backend']}: {r['reason']}" for r in gpu_rows) or "no GPU here")
        blocks.append(("p", f"GPU rows were not run ({why}). " + GPU_UNVERIFIED))

    blocks.append(("h", 2, "Parity: every backend against the NumPy reference"))
    blocks.append(("p", "For each case (model, spec, parameters, data) and dtype, the cost and the whole gradient "
                        "of each backend are compared with the NumPy reference's: the largest relative error "
                        "(∞-norm over the gradient vector) against the tolerance of DESIGN.md. One row per "
                        "case is in `parity.csv`; the table gives the worst case per backend."))
    if parity.empty:
        blocks.append(("p", "No rows."))
    else:
        blocks.append(("table", _parity_summary(parity)))
        if failures:
            blocks.append(("p", "Comparisons outside tolerance:"))
            blocks.append(("table", parity[~parity["passed"]].drop(columns=["cost"])))

    blocks.append(("h", 2, "Training: the same run on every backend"))
    first = training.iloc[0]
    blocks.append(("p", f"Model {dataset.spec_note}; batch size {first['batch_size']}, "
                        f"{training['step'].max()} update steps from the same Xavier start (seed 0). "
                        "Each backend's cost per step is in `training.csv`; the difference is to the NumPy "
                        "run of the same dtype (the NumPy reference always runs, on the CPU). Training "
                        "differences are shown, not gated: rounding differences may grow along a trajectory."))
    blocks.append(("table", _training_summary(training)))
    if images.get("training"):
        blocks.append(("img", images["training"], "Cost per step (top) and difference to NumPy (bottom, log)"))

    blocks.append(("h", 2, "Timing"))
    if timing.empty:
        blocks.append(("p", "No timing rows were run on the requested devices."))
    else:
        blocks.append(("p", f"Each backend's native path (NumPy by hand, a torch `nn.Module` with autograd and an "
                            f"in-place update, a jitted JAX step) on fixed data. Phases: `compile` is the first "
                            f"call (tracing/jit, one measurement), `forward` the cost, `step` forward + backward "
                            f"+ update. Median and IQR over {repeats} repeats after warm-up. GFLOP/s from counted "
                            f"FLOPs; `ratio_to_limit` is the measured time over the best time this machine's "
                            f"matmul rate and memory bandwidth (measured in this run, below) allow: 1 is the "
                            f"limit, larger is slower; below 1, the workload's data stayed in the CPU's cache between repeats, "
                            f"which is faster than the memory bandwidth measured on a large copy. Threads: {environment.get('threads', {}).get('threads')}."))
        lim = limits.copy()
        blocks.append(("table", lim))
        medians, rates = _timing_tables(timing)
        blocks.append(("p", "Median milliseconds per call:"))
        blocks.append(("table", medians))
        blocks.append(("p", "One training step: GFLOP/s achieved and time over the machine's limit "
                            "(`x limit`; 1 = the limit):"))
        blocks.append(("table", rates))
        for key, caption in (("step", "Median step time per workload, backend, device and dtype"),
                             ("sweep_m", "Step time against batch size m (log-log)"),
                             ("sweep_width", "Step time against hidden width (log-log)")):
            if images.get(key):
                blocks.append(("img", images[key], caption))
        blocks.append(("p", "The sweeps (every point) are in `timing.csv`."))

    blocks.append(("h", 2, "The notes' claim: vectorised code is about 300× faster than a for-loop"))
    parts = [f"{r.experiment} ({r.size}): **{r.speedup:.0f}×**" for r in vectorisation.itertuples()]
    blocks.append(("p", "The notes: \"a vectorised computation is about 300× faster than its Python for-loop\". "
                        "Measured here: " + "; ".join(parts) + ". Medians of timed runs on this machine, NumPy alone, before any torch or JAX work in this run (loop: "
                        f"{vectorisation['loop_repeats'].iloc[0]} run(s), vectorised: "
                        f"{vectorisation['vectorised_repeats'].iloc[0]}); the two results agree to "
                        f"{vectorisation['max_abs_diff'].max():.1e}. The ratio depends on the size, the "
                        "machine and the BLAS, so it is a measurement, not a constant."))
    vec = vectorisation[["experiment", "size", "how", "loop_s", "vectorised_s", "speedup", "claimed_speedup"]]
    blocks.append(("table", vec))

    blocks.append(("h", 2, "Environment"))
    versions = environment["versions"]
    blas = environment.get("blas", {}).get("build") or {}
    blocks.append(("list", [
        f"Python {environment['python']}; " + ", ".join(f"{k} {v}" for k, v in versions.items() if v),
        f"NumPy BLAS: {(blas.get('blas') or {}).get('name', 'unknown')} {(blas.get('blas') or {}).get('version', '')}",
        f"CPU: {environment['cpu']['model']}, {environment['cpu']['logical_cores']} logical cores; threads: "
        + "; ".join(f"{k}: {v}" for k, v in (environment.get("threads") or {}).items()),
        "GPU: " + (environment["gpu"]["torch"]["device_name"] if environment["gpu"].get("torch")
                   else f"none ({environment['gpu'].get('torch_reason')})"),
    ]))
    blocks.append(("p", "Files: `parity.csv`, `training.csv`, `timing.csv`, `vectorisation.csv`, "
                        "`environment.json` (all versions, BLAS thread pools, git commit), and the PNG figures."))
    return blocks
