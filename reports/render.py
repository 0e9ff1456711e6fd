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

__all__ = ["render_markdown", "render_html", "format_table", "report_blocks", "timing_table", "GPU_UNVERIFIED"]

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

    keys = [k for k in ("method", "backend", "device", "dtype") if k in training]
    rows = []
    for values, g in training.groupby(keys, sort=False):
        row = dict(zip(keys, values))
        row.update({"steps": len(g), "first_cost": g["cost"].iloc[0], "final_cost": g["cost"].iloc[-1],
                    "max_rel_diff_to_numpy": g["rel_diff_to_reference"].max(),
                    "tolerance": tolerance(row["dtype"], row["device"]).grad})
        rows.append(row)
    return pd.DataFrame(rows)


def _skips(skipped: list[dict], what: str, every=()) -> list[str]:
    """One line per backend, reason (and way) listing what it skipped (``what``: the key that
    names it); "every case" where that is all of ``every``."""
    grouped: dict[tuple, list[str]] = {}
    for row in skipped:
        grouped.setdefault((row["backend"], row.get("way"), row["reason"]), []).append(row[what])
    lines = []
    for (backend, way, reason), labels in grouped.items():
        labels = list(dict.fromkeys(labels))
        named = "every case" if every and set(labels) >= set(every) else ", ".join(labels)
        lines.append(f"{backend}: {named}" + (f" ({way})" if way else "") + f": {reason}")
    return lines


def _series(row) -> str:
    return f"{row['backend']} {row['device']} {row['dtype']}"


def timing_table(timing: pd.DataFrame) -> pd.DataFrame:
    """One row per non-sweep workload × backend × device × dtype: how it was timed, the
    median of each phase (ms), the step's spread, its ratio to the framework floor and to the
    machine's limit, its GFLOP/s, and the busy flags of its phases (``busy_flag``)."""
    rows = timing[timing["sweep"].isna()] if "sweep" in timing else timing
    out = []
    keys = ["workload", "backend", "device", "dtype"]
    for (workload, backend, device, dtype), g in rows.groupby(keys, sort=False):
        phase = {r["phase"]: r for _, r in g.iterrows()}
        step, floor = phase.get("step"), phase.get("floor")
        through = str(g["timed_through"].iloc[0]) if "timed_through" in g else "native step"
        flags = [f"{p}: {_flag(r)}" for p, r in phase.items() if _flag(r)]
        ms = lambda r: (r["median_s"] * 1e3) if r is not None else float("nan")  # noqa: E731
        out.append({
            "workload": workload, "backend": backend, "device": device, "dtype": dtype, "timed through": through,
            "compile ms": ms(phase.get("compile")), "forward ms": ms(phase.get("forward")), "step ms": ms(step),
            "step iqr/median": (step["iqr_s"] / step["median_s"]) if step is not None else float("nan"),
            "floor ms": ms(floor),
            "step / floor": step["ratio_to_floor"] if step is not None and "ratio_to_floor" in step else float("nan"),
            "step GFLOP/s": step["gflops"] if step is not None else float("nan"),
            "step / limit": step["ratio_to_limit"] if step is not None else float("nan"),
            "busy?": "; ".join(flags),
        })
    return pd.DataFrame(out)


def _workload_table(workloads) -> pd.DataFrame:
    rows = []
    for w in workloads:
        if w.sweep is not None:
            continue
        rows.append({"workload": w.name, "model": w.model, "layer_dims": str(w.layer_dims), "m": w.m,
                     "hidden": w.hidden_activation if w.model == "deep" else "", "output": w.output})
    return pd.DataFrame(rows)


def _flag(row) -> str:
    """A timing row's ``busy_flag`` ("" where absent or empty; a CSV read back gives NaN)."""
    value = row.get("busy_flag")
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _n_flagged(timing: pd.DataFrame) -> int:
    return int(timing["busy_flag"].fillna("").astype(bool).sum()) if "busy_flag" in timing else 0


def _busy_sentence(timing: pd.DataFrame) -> str:
    from .build import BUSY_FLOOR_MARGIN_S, BUSY_FLOOR_RATIO, BUSY_MARGIN_S, BUSY_RATIO, BUSY_SPREAD

    thresholds = (f"a row is flagged when its spread iqr/median exceeds {BUSY_SPREAD:g} (over 3 or more repeats); "
                  f"when it takes longer than {BUSY_RATIO:g}x the machine's limit plus {BUSY_MARGIN_S * 1e3:g} ms, "
                  "far more than any framework's own per-call cost on these sizes; or when a framework's floor "
                  f"(the same products in every framework) takes more than {BUSY_FLOOR_RATIO:g}x, and "
                  f"{BUSY_FLOOR_MARGIN_S * 1e3:g} ms more than, the fastest framework's (its step is flagged with "
                  "it). Rows timed through the public train, conversions included, are judged by their spread only")
    flagged = timing[timing["busy_flag"].fillna("").astype(bool)] if "busy_flag" in timing else timing.iloc[:0]
    if flagged.empty:
        return f"No timing row looks disturbed ({thresholds})."
    where = list(dict.fromkeys(f"{r['workload']} {_series(r)}" for _, r in flagged.iterrows()))
    shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
    return (f"**{len(flagged)} of {len(timing)} timing rows look disturbed** ({shown}; `busy?` column below, "
            f"`busy_flag` in `timing.csv`): {thresholds}. The machine was probably busy with another program "
            "while they ran, so their times are not this code's. Rerun the report when the cores are free; if "
            "another program has to keep running, rerun with `--threads 1` (BLAS threads that wait for a busy "
            "core make small problems many times slower).")


def report_blocks(*, parity, training, timing, limits, vectorisation, environment, not_run, dataset, quick,
                  devices, dtypes, repeats, images, seconds, available, training_skipped=(), conventions=None,
                  conventions_skipped=(), formulas=None, workloads=(), unavailable=None) -> list[tuple]:
    """The report's content as blocks (see the module docstring), from the section tables."""
    from parity import reference_backend, tolerance

    reference = reference_backend().name
    unavailable = unavailable or {}
    conventions = conventions if conventions is not None else pd.DataFrame()
    failures = int((~parity["passed"]).sum()) if not parity.empty else 0
    compared = int((parity["backend"] != reference).sum()) if not parity.empty else 0
    configured = (conventions[conventions["way"] == "configured to match"] if not conventions.empty
                  else conventions)
    convention_verdicts = (configured.groupby(["optimizer", "backend"], sort=False)["passed"].first().astype(bool)
                           if not configured.empty else pd.Series(dtype=bool))
    conventions_failed = int((~convention_verdicts).sum())
    gpu_requested = "cuda" in devices
    gpu_rows = [r for r in not_run if r["device"] == "cuda" and r["backend"] != reference
                and r["backend"] not in unavailable]
    gpu_ran = not parity.empty and (parity["device"] == "cuda").any()
    blocks: list[tuple] = [("h", 1, "nn-parity report")]
    mode = "quick (small workloads, few repeats: a smoke test, not a measurement to quote)" if quick else "full"
    commit = environment.get("commit")
    commit_text = (f"commit `{commit[:12]}`" + (" with uncommitted changes" if environment.get("uncommitted_changes")
                                                else "")
                   if commit else f"no commit ({environment.get('commit_reason') or 'not a git checkout'})")
    header = [
        f"Mode: {mode}. Devices requested: {', '.join(devices)}; dtypes: {', '.join(dtypes)}.",
        f"Data: **{dataset.name}**: {dataset.description}" + (f" Task: **{dataset.task}** ({dataset.task_note})."
                                                             if getattr(dataset, "task", "") else ""),
        f"Backends installed: {', '.join(available) or 'none'}."
        + (" **Not usable here**: " + "; ".join(f"{n} ({r})" for n, r in unavailable.items()) + "."
           if unavailable else ""),
        f"Built in {seconds:.0f} s on {environment['cpu']['model']} ({environment['cpu']['usable_cores']} usable "
        f"cores), {commit_text}.",
    ]
    if not timing.empty and _n_flagged(timing):
        header.append(f"Timing: **{_n_flagged(timing)} of {len(timing)} rows look disturbed** by another program "
                      "on the cores; rerun for times to quote (section \"Timing\").")
    blocks.append(("list", header))
    if parity.empty:
        verdict = "**No parity rows were run** (no requested device is present here); nothing failed."
    elif compared == 0:
        verdict = (f"**Nothing to compare**: only the NumPy reference ran ({len(parity)} rows against itself), so "
                   "no implementation was tested; the report exits with code 1. Install a framework backend "
                   "(`pip install .[torch]`, `.[jax]` or `.[all]`) or add one with `--backend PACKAGE`.")
    elif failures:
        verdict = f"**FAIL**: {failures} of {len(parity)} comparisons are outside tolerance (see below)."
    else:
        verdict = (f"**PASS**: all {len(parity)} comparisons with the NumPy reference are within tolerance "
                   f"({compared} of another backend).")
    blocks.append(("p", verdict))
    if conventions_failed:
        blocks.append(("p", f"**FAIL**: {conventions_failed} framework trajectories configured to the course's "
                            "formulas leave the float64 bound (section \"Optimizer conventions\")."))

    blocks.append(("h", 2, "What was not run"))
    lines = [f"{r['backend']} on {r['device']}: {r['reason']}" for r in not_run if r["backend"] not in unavailable]
    lines += [f"{name}: not usable here: {reason}" for name, reason in unavailable.items()]
    blocks.append(("list", lines) if lines else ("p", "Everything requested was run."))
    if not gpu_ran:
        why = ("--device cpu was asked for" if not gpu_requested else
               "; ".join(f"{r['backend']}: {r['reason']}" for r in gpu_rows) or "no GPU here")
        blocks.append(("p", f"GPU rows were not run ({why}). " + GPU_UNVERIFIED))

    blocks.append(("h", 2, "Parity: every backend against the NumPy reference"))
    blocks.append(("p", "For each case (model, spec, parameters, data) and dtype, the cost and the whole gradient "
                        "of each backend are compared with the NumPy reference's: the largest relative error "
                        "(∞-norm over the gradient vector) against the tolerance of CONTRACT.md. One row per "
                        "case is in `parity.csv`; the table gives the worst case per backend."))
    if parity.empty:
        blocks.append(("p", "No rows."))
    else:
        blocks.append(("table", _parity_summary(parity)))
        if failures:
            blocks.append(("p", "Comparisons outside tolerance:"))
            blocks.append(("table", parity[~parity["passed"]].drop(columns=["cost"])))

    blocks += _training_blocks(training, training_skipped, dataset, images)
    blocks += _conventions_blocks(conventions, conventions_skipped, formulas or {}, reference, images, quick,
                                  tolerance("float64").grad)
    blocks += _timing_blocks(timing, limits, workloads, environment, repeats, images)

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
    blocks.append(("list", _environment_lines(environment)))
    blocks.append(("p", "Files: `parity.csv`, `training.csv`, `conventions.csv`, `conventions_formulas.csv`, "
                        "`timing.csv`, `vectorisation.csv`, `environment.json` (all versions, BLAS thread pools, "
                        "git commit, what was skipped and why), and the PNG figures."))
    return blocks


def _training_blocks(training, skipped, dataset, images) -> list[tuple]:
    from .build import ADAM_LEARNING_RATE

    blocks: list[tuple] = [("h", 2, "Training: GD, momentum and Adam, with and without decay, on every backend")]
    first = training.iloc[0]
    blocks.append(("p", f"Model {dataset.spec_note}; batch size {first['batch_size']}, "
                        f"{training['step'].max()} update steps from the same Xavier start (seed 0), by each method: "
                        f"plain gradient descent and momentum (β = 0.9) at the data's learning rate, Adam "
                        f"(β1 = 0.9, β2 = 0.999, ε = 1e-8) at {ADAM_LEARNING_RATE:g}; each also with the course's "
                        "learning-rate decay α0 / (1 + ⌊e / T⌋), T a quarter of the run's epochs. Each backend's "
                        "cost per step is in `training.csv` (`method` column); the difference is to the NumPy run "
                        "of the same method and dtype (the NumPy reference always runs, on the CPU). Training "
                        "differences are shown, not gated: rounding differences may grow along a trajectory."))
    blocks.append(("table", _training_summary(training)))
    if skipped:
        blocks.append(("p", "Not run (the backend does not support the method):"))
        blocks.append(("list", _skips(skipped, "method")))
    if images.get("training"):
        blocks.append(("img", images["training"], "Cost per step, every backend overlaid, one panel per method"))
    if images.get("training_diff"):
        blocks.append(("img", images["training_diff"],
                       "Relative difference to the NumPy run of the same method and dtype (log)"))
    return blocks


def _conventions_blocks(conventions, skipped, formulas, reference, images, quick, bound) -> list[tuple]:
    from .conventions import CONVENTIONS_SPEC_NOTE, conventions_summary, formula_table

    blocks: list[tuple] = [("h", 2, "Optimizer conventions: the course's formulas against each framework's defaults")]
    if conventions.empty:
        blocks.append(("p", "Not run."))
        return blocks
    blocks.append(("p", "The frameworks' own optimizers use other formulas than the course (CONTRACT.md, "
                        "\"Training methods\"). For each optimizer and for L2: the course's formula, each "
                        "framework's default as its documentation has a user call it, and the training "
                        f"trajectory three ways, on {CONVENTIONS_SPEC_NOTE}: **course** (the NumPy reference), "
                        "**configured to match** (the backend's `deep.train(optimizer=...)`, its framework's "
                        f"optimizer configured to the course: it must follow the course within the float64 bound "
                        f"{bound:g} on every step's cost and on the final parameters, or the report fails) and "
                        "**framework defaults** (the framework's optimizer called with its own convention and the "
                        "same hyperparameters: the drift is shown, not gated). Every step is in `conventions.csv`; "
                        "the formulas in `conventions_formulas.csv`."
                        + (" A quick report keeps the cases where a default differs." if quick else "")))
    table = formula_table(formulas, reference)
    table = table[table["optimizer"].isin(set(conventions["optimizer"]))]
    blocks.append(("table", table))
    summary = conventions_summary(conventions)
    blocks.append(("p", "Per trajectory: the final cost, the largest relative difference of the cost to the "
                        f"course's over all steps, the first step beyond the bound ({bound:g}), the final "
                        "parameters' difference (∞-norm, as for gradients) and the verdict for the configured "
                        "ones:"))
    blocks.append(("table", summary))
    blocks.append(("p", _drift_sentence(summary)))
    if skipped:
        blocks.append(("p", "Not run:"))
        blocks.append(("list", _skips(skipped, "optimizer", every=set(conventions["optimizer"]))))
    if images.get("conventions"):
        blocks.append(("img", images["conventions"], "Cost per epoch: the course (black) and each framework's "
                                                     "defaults; below, the largest difference to the course so far"))
    return blocks


def _drift_sentence(summary: pd.DataFrame) -> str:
    defaults = summary[summary["way"] == "framework defaults"]
    differ = defaults[defaults["first_step_beyond_bound"].astype(str) != ""]
    same = defaults[defaults["first_step_beyond_bound"].astype(str) == ""]
    parts = []
    if not differ.empty:
        parts.append("With their defaults, " + "; ".join(
            f"{r['backend']} {r['optimizer']} leaves the course at step {r['first_step_beyond_bound']} "
            f"(up to {r['max_rel_diff_to_course']:.2g} in the cost)" for _, r in differ.iterrows()) + ".")
    if not same.empty:
        parts.append("The defaults that are the course's formulas: " + ", ".join(
            f"{r['backend']} {r['optimizer']}" for _, r in same.iterrows()) + " (within the bound at every step).")
    return " ".join(parts) or "No framework declares its defaults."


def _timing_blocks(timing, limits, workloads, environment, repeats, images) -> list[tuple]:
    blocks: list[tuple] = [("h", 2, "Timing")]
    if timing.empty:
        blocks.append(("p", "No timing rows were run on the requested devices."))
        return blocks
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
    blocks.append(("table", limits.copy()))
    work = _workload_table(workloads)
    if not work.empty:
        blocks.append(("p", "Workloads: the notes' three models on the cat images' size, and `compute-bound`, "
                            "large square-ish products whose limit is the matmul rate, not the memory bandwidth "
                            "(the sweeps below vary m and the width of the notes' models):"))
        blocks.append(("table", work))
    blocks.append(("p", _busy_sentence(timing)))
    blocks.append(("table", timing_table(timing)))
    for key, caption in (("step", "Median step time per workload, backend, device and dtype"),
                         ("sweep_m", "Step time against batch size m (log-log)"),
                         ("sweep_width", "Step time against hidden width (log-log)")):
        if images.get(key):
            blocks.append(("img", images[key], caption))
    blocks.append(("p", "The sweeps (every point) are in `timing.csv`."))
    return blocks


def _repeats_text(timing: pd.DataFrame, repeats: int) -> str:
    """"20 repeats", or which workloads had fewer (a step near a second gets fewer)."""
    timed = timing[timing["phase"] != "compile"]
    fewer = timed[timed["repeats"] < repeats]
    if fewer.empty:
        return f"{repeats} repeats"
    counts = fewer.groupby("workload", sort=False)["repeats"].min()
    return (f"{repeats} repeats (" + ", ".join(f"{w}: {n}" for w, n in counts.items())
            + ": long steps, which vary little)")


def _environment_lines(environment: dict) -> list[str]:
    versions = environment["versions"]
    blas = environment.get("blas", {}).get("build") or {}
    threads = dict(environment.get("threads") or {})
    count = threads.pop("threads", None)
    thread_text = (f"threads: {count}" if count is not None else "threads: not set") + (
        " (" + "; ".join(f"{k}: {v}" for k, v in threads.items()) + ")" if threads else "")
    gpu = environment.get("gpu") or {}
    names = [g.get("name") for g in (gpu.get("nvidia_smi") or []) if g.get("name")]
    per_backend = gpu.get("backends") or {}
    if names:
        gpu_text = "GPU: " + ", ".join(names) + (
            " (" + "; ".join(f"{b}: {'used' if r is None else r}" for b, r in per_backend.items()) + ")"
            if per_backend else "")
    else:
        reasons = "; ".join(f"{b}: {r}" for b, r in per_backend.items() if r) or gpu.get("nvidia_smi_reason")
        gpu_text = "GPU: none" + (f" ({reasons})" if reasons else "")
    return [
        f"Python {environment['python']}; " + ", ".join(f"{k} {v}" for k, v in versions.items() if v),
        f"NumPy BLAS: {(blas.get('blas') or {}).get('name', 'unknown')} {(blas.get('blas') or {}).get('version', '')}",
        f"CPU: {environment['cpu']['model']}, {environment['cpu']['logical_cores']} logical cores; {thread_text}",
        gpu_text,
    ]
