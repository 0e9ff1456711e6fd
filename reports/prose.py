"""What the report says: its blocks (``reports.render``'s format), read from the results.

No verdict is decided here: the pass/fail sentences read ``ReportResults.verdict`` and the
errors ``ReportResults.errors``; the tables are the sections' tables, summarised.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from parity import tolerance

from .busy import n_flagged
from .conventions import CONVENTIONS_SPEC_NOTE, conventions_summary, formula_table
from .data_parallel import data_parallel_blocks
from .errors import error_mask
from .results import ReportResults
from .timing_prose import timing_blocks
from .training import ADAM_LEARNING_RATE

__all__ = ["report_blocks", "GPU_UNVERIFIED", "TITLE"]

TITLE = "nn-parity report"
GPU_UNVERIFIED = ("No GPU was present for this report, so the GPU path (torch on CUDA, JAX on GPU) "
                  "is **unverified** here: it is written and tested in code, but no number in this "
                  "report comes from a GPU.")


def _parity_summary(parity: pd.DataFrame) -> pd.DataFrame:
    return (parity.groupby(["backend", "device", "dtype"], sort=False)
            .agg(cases=("case", "count"), max_cost_rel_err=("cost_rel_err", "max"),
                 max_grad_rel_err=("grad_rel_err", "max"), cost_tol=("cost_tol", "first"),
                 grad_tol=("grad_tol", "first"), failed=("passed", lambda s: int((~s.astype(bool)).sum())))
            .reset_index())


def _training_summary(training: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in ("method", "backend", "device", "dtype") if k in training]
    rows = []
    for values, g in training.groupby(keys, sort=False):
        row = dict(zip(keys, values))
        errors = list(g.loc[error_mask(g), "error"])
        row.update({"steps": int(g["step"].notna().sum()), "first_cost": g["cost"].iloc[0],
                    "final_cost": g["cost"].iloc[-1], "max_rel_diff_to_numpy": g["rel_diff_to_reference"].max(),
                    "tolerance": tolerance(row["dtype"], row["device"]).grad})
        if "error" in training:
            row["error"] = errors[0] if errors else ""
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


def _header(r: ReportResults) -> list[str]:
    mode = "quick (small workloads, few repeats: a smoke test, not a measurement to quote)" if r.quick else "full"
    env = r.environment
    commit = env.get("commit")
    commit_text = (f"commit `{commit[:12]}`" + (" with uncommitted changes" if env.get("uncommitted_changes") else "")
                   if commit else f"no commit ({env.get('commit_reason') or 'not a git checkout'})")
    lines = [f"Mode: {mode}. Devices requested: {', '.join(r.devices)}; dtypes: {', '.join(r.dtypes)}.",
             f"Data: **{r.data.name}**: {r.data.description}"]
    if r.data.task:
        lines.append(f"Task: **{r.data.task}** ({r.data.task_note}).")
    lines += [
        f"Backends installed: {', '.join(r.available) or 'none'}."
        + (" **Not usable here**: " + "; ".join(f"{n} ({why})" for n, why in r.unavailable.items()) + "."
           if r.unavailable else ""),
        f"Built in {r.seconds:.0f} s on {env['cpu']['model']} ({env['cpu']['usable_cores']} usable cores), "
        f"{commit_text}.",
    ]
    if not r.timing.empty and n_flagged(r.timing):
        lines.append(f"Timing: **{n_flagged(r.timing)} of {len(r.timing)} rows look disturbed** by another program "
                     "on the cores; rerun for times to quote (section \"Timing\").")
    return lines


def _verdict(r: ReportResults) -> list[tuple]:
    v = r.verdict
    if v.parity_rows == 0:
        text = "**No parity rows were run** (no requested device is present here); nothing failed."
    elif v.compared == 0:
        text = (f"**Nothing to compare**: only the NumPy reference ran ({v.parity_rows} rows against itself), so "
                "no implementation was tested; the report exits with code 1. Install a framework backend "
                "(`pip install .[torch]`, `.[jax]` or `.[all]`) or add one with `--backend PACKAGE`.")
    elif v.parity_failures:
        text = (f"**FAIL**: {v.parity_failures} of {v.parity_rows} comparisons are outside tolerance or raised "
                "(see below).")
    else:
        text = (f"**PASS**: all {v.parity_rows} comparisons with the NumPy reference are within tolerance "
                f"({v.compared} of another backend).")
    blocks: list[tuple] = [("p", text)]
    if v.conventions_failures:
        blocks.append(("p", f"**FAIL**: {v.conventions_failures} framework trajectories configured to the course's "
                            "formulas leave the float64 bound (section \"Optimizer conventions\")."))
    if v.data_parallel_failures:
        blocks.append(("p", f"**FAIL**: {v.data_parallel_failures} data-parallel runs leave one device's result "
                            "(section \"Data parallel\")."))
    if v.errors:
        runs = "run" if v.errors == 1 else "runs"
        blocks.append(("p", f"**FAIL**: {v.errors} backend {runs} raised an exception; their rows carry the "
                            "error and the rest of the report was completed (section \"Errors\")."))
    blocks.append(("p", _exit_sentence(v)))
    return blocks


def _exit_sentence(v) -> str:
    """The exit code ``nn-parity report`` returns, from the same verdict, with why."""
    if v.passed:
        return "Exit code: **0** (every comparison within tolerance, every configured optimizer on the course)."
    why = [text for count, text in (
        (v.compared == 0, "nothing was compared"),
        (v.parity_failures, f"{v.parity_failures} parity comparisons failed"),
        (v.conventions_failures, f"{v.conventions_failures} configured trajectories off the course"),
        (v.data_parallel_failures, f"{v.data_parallel_failures} data-parallel runs off one device"),
        (v.errors, f"{v.errors} backend runs raised")) if count]
    return f"Exit code: **1** ({'; '.join(why)})."


def _errors_blocks(r: ReportResults) -> list[tuple]:
    if not r.errors:
        return []
    lines = [f"{e['section']}: {e['backend'] or 'machine limits'} {e['device']} {e['dtype']}, {e['what']}: "
             f"`{e['error']}`".replace("  ", " ") for e in r.errors]
    return [("h", 2, "Errors"),
            ("p", "Each raised an exception, which became that backend's failed row in the section's table and CSV "
                  "(`error` column); nothing else was skipped for it:"),
            ("list", lines)]


def _not_run_blocks(r: ReportResults) -> list[tuple]:
    blocks: list[tuple] = [("h", 2, "What was not run")]
    lines = [f"{x['backend']} on {x['device']}: {x['reason']}" for x in r.not_run if x["backend"] not in r.unavailable]
    lines += [f"{name}: not usable here: {reason}" for name, reason in r.unavailable.items()]
    lines += _section_skips(r)
    blocks.append(("list", lines) if lines else ("p", "Everything requested was run."))
    gpu_ran = not r.parity.empty and (r.parity["device"] == "cuda").any()
    if not gpu_ran:
        gpu_rows = [x for x in r.not_run if x["device"] == "cuda" and x["backend"] != r.reference
                    and x["backend"] not in r.unavailable]
        why = ("--device cpu was asked for" if "cuda" not in r.devices else
               "; ".join(f"{x['backend']}: {x['reason']}" for x in gpu_rows) or "no GPU here")
        blocks.append(("p", f"GPU rows were not run ({why}). " + GPU_UNVERIFIED))
    return blocks


def _section_skips(r: ReportResults) -> list[str]:
    """A line per section that skipped something for a backend it ran (its section says what
    and why)."""
    lines = []
    for section, skipped in (("parity", r.parity_skipped), ("training", r.training_skipped),
                             ("conventions", r.conventions_skipped), ("timing", r.timing_skipped),
                             ("data parallel", r.data_parallel_skipped)):
        counts = Counter(row["backend"] for row in skipped if row["backend"] not in r.unavailable)
        if counts:
            runs = ", ".join(f"{n} run(s) of {b}" for b, n in counts.items())
            lines.append(f"{section}: {runs} skipped (the {section} section says what and why)")
    return lines


def _parity_blocks(r: ReportResults) -> list[tuple]:
    blocks: list[tuple] = [
        ("h", 2, "Parity: every backend against the NumPy reference"),
        ("p", "For each case (model, spec, parameters, data) and dtype, the cost and the whole gradient of each "
              "backend are compared with the NumPy reference's: the largest relative error (∞-norm over the "
              "gradient vector) against the tolerance of CONTRACT.md. One row per case is in `parity.csv`; the "
              "table gives the worst case per backend.")]
    if r.parity.empty:
        return blocks + [("p", "No rows.")]
    blocks.append(("table", _parity_summary(r.parity)))
    if r.parity_skipped:
        blocks += [("p", "Not compared (the backend does not support the case):"),
                   ("list", _skips(r.parity_skipped, "case"))]
    if r.verdict.parity_failures:
        failed = r.parity[~r.parity["passed"].astype(bool)].drop(columns=["cost"])
        blocks += [("p", "Comparisons outside tolerance, or that raised:"), ("table", failed)]
    return blocks


def _training_blocks(r: ReportResults, images: dict) -> list[tuple]:
    training = r.training
    blocks: list[tuple] = [("h", 2, "Training: GD, momentum and Adam, with and without decay, on every backend")]
    if training.empty:
        return blocks + [("p", "Not run.")]
    blocks.append(("p", f"Model {r.data.spec_note}; batch size {training['batch_size'].iloc[0]}, "
                        f"{int(training['step'].max())} update steps from the same Xavier start (seed 0), by each "
                        "method: plain gradient descent and momentum (β = 0.9) at the data's learning rate, Adam "
                        f"(β1 = 0.9, β2 = 0.999, ε = 1e-8) at {ADAM_LEARNING_RATE:g}; each also with the course's "
                        "learning-rate decay α0 / (1 + ⌊e / T⌋), T a quarter of the run's epochs. Each backend's "
                        "cost per step is in `training.csv` (`method` column); the difference is to the NumPy run "
                        "of the same method and dtype (the NumPy reference always runs, on the CPU). Training "
                        "differences are shown, not gated: rounding differences may grow along a trajectory."))
    blocks.append(("table", _training_summary(training)))
    if r.training_skipped:
        blocks += [("p", "Not run (the backend does not support the method):"),
                   ("list", _skips(r.training_skipped, "method"))]
    if images.get("training"):
        blocks.append(("img", images["training"], "Cost per step, every backend overlaid, one panel per method"))
    if images.get("training_diff"):
        blocks.append(("img", images["training_diff"],
                       "Relative difference to the NumPy run of the same method and dtype (log)"))
    return blocks


def _drift_sentence(summary: pd.DataFrame) -> str:
    defaults = summary[(summary["way"] == "framework defaults") & (summary["error"] == "")]
    differ = defaults[defaults["first_step_beyond_bound"].astype(str) != ""]
    same = defaults[defaults["first_step_beyond_bound"].astype(str) == ""]
    parts = []
    if not differ.empty:
        parts.append("With their defaults, " + "; ".join(
            f"{x['backend']} {x['optimizer']} leaves the course at step {x['first_step_beyond_bound']} "
            f"(up to {x['max_rel_diff_to_course']:.2g} in the cost)" for _, x in differ.iterrows()) + ".")
    if not same.empty:
        parts.append("The defaults that are the course's formulas: " + ", ".join(
            f"{x['backend']} {x['optimizer']}" for _, x in same.iterrows()) + " (within the bound at every step).")
    return " ".join(parts) or "No framework declares its defaults."


def _conventions_blocks(r: ReportResults, images: dict) -> list[tuple]:
    conventions, bound = r.conventions, tolerance("float64").grad
    blocks: list[tuple] = [("h", 2, "Optimizer conventions: the course's formulas against each framework's defaults")]
    if conventions.empty:
        return blocks + [("p", "Not run.")]
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
                        + (" A quick report keeps the cases where a default differs." if r.quick else "")))
    table = formula_table(r.formulas, r.reference)
    blocks.append(("table", table[table["optimizer"].isin(set(conventions["optimizer"]))]))
    summary = conventions_summary(conventions)
    shown = summary if (summary["error"] != "").any() else summary.drop(columns=["error"])
    blocks += [("p", "Per trajectory: the final cost, the largest relative difference of the cost to the "
                     f"course's over all steps, the first step beyond the bound ({bound:g}), the final "
                     "parameters' difference (∞-norm, as for gradients) and the verdict for the configured "
                     "ones:"),
               ("table", shown), ("p", _drift_sentence(summary))]
    if r.conventions_skipped:
        blocks += [("p", "Not run:"),
                   ("list", _skips(r.conventions_skipped, "optimizer", every=set(conventions["optimizer"])))]
    if images.get("conventions"):
        blocks.append(("img", images["conventions"], "Cost per epoch: the course (black) and each framework's "
                                                     "defaults; below, the largest difference to the course so far"))
    return blocks


def _vectorisation_blocks(r: ReportResults) -> list[tuple]:
    vec = r.vectorisation
    parts = [f"{x.experiment} ({x.size}): **{x.speedup:.0f}×**" for x in vec.itertuples()]
    return [
        ("h", 2, "The notes' claim: vectorised code is about 300× faster than a for-loop"),
        ("p", "The notes: \"a vectorised computation is about 300× faster than its Python for-loop\". Measured "
              "here: " + "; ".join(parts) + ". Medians of timed runs on this machine, NumPy alone, before any "
              f"torch or JAX work in this run (loop: {vec['loop_repeats'].iloc[0]} run(s), vectorised: "
              f"{vec['vectorised_repeats'].iloc[0]}); the two results agree to {vec['max_abs_diff'].max():.1e}. "
              "The ratio depends on the size, the machine and the BLAS, so it is a measurement, not a constant."),
        ("table", vec[["experiment", "size", "how", "loop_s", "vectorised_s", "speedup", "claimed_speedup"]]),
    ]


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
            " (" + "; ".join(f"{b}: {'used' if why is None else why}" for b, why in per_backend.items()) + ")"
            if per_backend else "")
    else:
        reasons = "; ".join(f"{b}: {why}" for b, why in per_backend.items() if why) or gpu.get("nvidia_smi_reason")
        gpu_text = "GPU: none" + (f" ({reasons})" if reasons else "")
    return [
        f"Python {environment['python']}; " + ", ".join(f"{k} {v}" for k, v in versions.items() if v),
        f"NumPy BLAS: {(blas.get('blas') or {}).get('name', 'unknown')} {(blas.get('blas') or {}).get('version', '')}",
        f"CPU: {environment['cpu']['model']}, {environment['cpu']['logical_cores']} logical cores; {thread_text}",
        gpu_text,
    ]


def report_blocks(results: ReportResults, images: dict) -> list[tuple]:
    """The report's content as blocks, from the results; ``images``: figure key (``training``,
    ``training_diff``, ``conventions``, ``step``, ``sweep_m``, ``sweep_width``) -> file name
    beside the report, or None where there was nothing to draw."""
    r = results
    blocks: list[tuple] = [("h", 1, TITLE), ("list", _header(r))]
    blocks += _verdict(r) + _errors_blocks(r) + _not_run_blocks(r) + _parity_blocks(r)
    blocks += _training_blocks(r, images) + _conventions_blocks(r, images)
    blocks += timing_blocks(r.timing, r.limits, r.workloads, r.environment, r.repeats, images,
                            _skips(r.timing_skipped, "workload"))
    blocks += data_parallel_blocks(r.data_parallel, r.data_parallel_drift, r.data_parallel_skipped,
                                   images.get("data_parallel"))
    blocks += _vectorisation_blocks(r)
    blocks += [("h", 2, "Environment"), ("list", _environment_lines(r.environment)),
               ("p", "Files: `parity.csv`, `training.csv`, `conventions.csv`, `conventions_formulas.csv`, "
                     "`timing.csv`, `vectorisation.csv`, `data_parallel.csv`, `data_parallel_drift.csv`, "
                     "`environment.json` (all versions, BLAS thread pools, "
                     "git commit, what was skipped and why), and the PNG figures.")]
    return blocks
