"""The report's data-parallel section (CONTRACT.md, "Data parallel"): ``deep.train(...,
world_size=k)`` against one device, each framework's distributed defaults against the course,
and step time against k.

* **accuracy** (gated): every backend that declares ``world_size`` trains the same network on
  m = 209 in batches of 64 (uneven shards: 9/8, 22/21/21) and on m = 192 in batches of 96
  (even: 48/48, 32/32/32) at k = 1, 2, 3; the largest relative difference, over every step's
  cost and the final parameters, to the same backend at ``world_size=1`` must stay within the
  float64 bound, or the report fails.
* **framework defaults** (shown, not gated): the backend's ``train_with_distributed_defaults``
  hook (torch: DDP's mean of shard means with ``DistributedSampler``; JAX: ``pmean`` of shard
  means with padding), step by step against the course (the reference on one device).
* **timing**: the compute-bound network (float32, one full batch of 2048 examples per step;
  shards 1024/1024 and 683/683/682) at k = 1, 2, 3 through the public ``train``. A launch's
  start (processes, imports, compilation) cancels out: the step time is the difference of a
  1-epoch and a 9-epoch run over the 8 extra steps, after a first 1-epoch run at the same k
  (a step compiled per mesh is compiled there). The same total threads at every k: one
  device with T threads (the report's), k worker processes with ⌊T/k⌋ (at least 1) each
  through ``OMP_NUM_THREADS`` (what torch's workers read when they start), workers of one
  process (``DP_WORKERS = "one process"``: JAX's host devices) sharing its T. The speed-up is
  t(1) / t(k). ``quick`` skips it, saying why.

Worker processes start slowly (seconds each, more on a busy machine), so ``quick`` starts one
per framework: the defaults at k = 2; its accuracy rows are the reference's alone (in this
process) and each framework's skip, with the reason.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nn_contract import ModelSpec, init_params
from nn_contract.shards import shard_sizes
from parity import BACKENDS, GRAD_SCALE_FLOOR, dict_relative_error, reference_backend, tolerance
from parity.cases import make_data

from .errors import error_text

__all__ = ["DP_COLUMNS", "DRIFT_COLUMNS", "DpWorkload", "accuracy_workloads", "TIMING_WORKLOAD", "run_data_parallel",
           "time_steps", "run_seconds", "extra_steps", "worker_threads", "thread_budget", "largest_difference", "dp_backends", "QUICK_TIMING_SKIP",
           "QUICK_ACCURACY_SKIP", "drift_summary",
           "dp_failures", "data_parallel_blocks"]

DP_COLUMNS = ("part", "backend", "device", "dtype", "case", "world_size", "shards", "shards_even",
              "max_rel_diff_to_one_device", "bound", "passed", "step_s", "threads_per_worker", "total_threads",
              "speedup_vs_1", "error")
DRIFT_COLUMNS = ("backend", "world_size", "step", "cost", "course_cost", "rel_diff_to_course", "max_rel_diff",
                 "final_params_rel_diff", "error")
WORLD_SIZES = (1, 2, 3)
QUICK_TIMING_SKIP = ("quick report: the step-time part starts 6 worker launches per framework (seconds each); "
                     "the full report and benchmarks/bench_data_parallel.py measure it")
QUICK_ACCURACY_SKIP = ("quick report: its distributed runs (a worker launch each, seconds) are left to the full "
                       "report and to `nn-parity check`, whose data-parallel section runs them; the defaults' "
                       "drift below is run")
_DEVICE = "cpu"


@dataclass(frozen=True)
class DpWorkload:
    """One network and data set: ``layer_dims`` (hidden ``relu``, output ``output``), m examples
    in batches of ``batch_size`` (None: one full batch), the learning rate, dtype and seed."""

    name: str
    layer_dims: tuple[int, ...]
    m: int
    batch_size: int | None
    learning_rate: float
    dtype: str = "float64"
    output: str = "sigmoid"
    seed: int = 3

    @property
    def spec(self) -> ModelSpec:
        return ModelSpec(self.layer_dims, "relu", self.output)

    def data(self):
        """(params with nonzero biases, X: (n_x, m), Y: (n[L], m)), in the workload's dtype."""
        params = init_params(self.spec, self.seed, "he")
        rng = np.random.RandomState(self.seed + 100)
        params = {k: (v + 0.1 * rng.randn(*v.shape) if k.startswith("b") else v).astype(self.dtype)
                  for k, v in params.items()}
        X, Y = make_data(self.output, self.layer_dims[0], self.layer_dims[-1], self.m, self.seed + 1, self.dtype)
        return params, X, Y

    def splits(self, world_size: int) -> list[list[int]]:
        """Each step's shard sizes over one epoch."""
        b = self.m if self.batch_size is None else self.batch_size
        return [shard_sizes(min(b, self.m - s), world_size) for s in range(0, self.m, b)]

    def shards(self, world_size: int) -> str:
        """The distinct splits in words: ``9/8`` or ``32/32, last 9/8``."""
        splits = list(dict.fromkeys("/".join(map(str, s)) for s in self.splits(world_size)))
        return splits[0] if len(splits) == 1 else f"{', '.join(splits[:-1])}, last {splits[-1]}"

    def even(self, world_size: int) -> bool:
        return all(len(set(s)) == 1 for s in self.splits(world_size))

    def train(self, backend, world_size: int, num_epochs: int):
        params, X, Y = self.data()
        return backend.train("deep", params, X, Y, self.spec, _DEVICE, learning_rate=self.learning_rate,
                             num_epochs=num_epochs, batch_size=self.batch_size, seed=self.seed,
                             world_size=world_size)


def accuracy_workloads(quick: bool) -> tuple[DpWorkload, ...]:
    """Uneven shards (m = 209, batches of 64) and, unless ``quick``, even ones (192, 96)."""
    uneven = DpWorkload("m=209, batches of 64", (6, 8, 4, 1), 209, 64, 0.1)
    even = DpWorkload("m=192, batches of 96", (6, 8, 4, 1), 192, 96, 0.1)
    return (uneven,) if quick else (uneven, even)


TIMING_WORKLOAD = DpWorkload("compute-bound (1024, 1024, 1024, 10) softmax, m=2048, full batch",
                             (1024, 1024, 1024, 10), 2048, None, 1e-4, dtype="float32", output="softmax")
_EPOCHS = 2
_TIMING_EPOCHS = (1, 9)


def largest_difference(got, expected) -> float:
    """The largest relative difference over every step's cost and the final parameters of two
    runs ``(params, costs)`` (inf where the number of steps differs)."""
    (params, costs), (ref_params, ref_costs) = got, expected
    costs, ref_costs = np.asarray(costs, dtype=np.float64).ravel(), np.asarray(ref_costs, dtype=np.float64).ravel()
    if costs.shape != ref_costs.shape:
        return float("inf")
    scale = np.maximum(np.abs(ref_costs), np.finfo(np.float64).tiny)
    cost_diff = float(np.max(np.abs(costs - ref_costs) / scale, initial=0.0))
    params = {k: np.asarray(v, dtype=np.float64) for k, v in params.items()}
    ref_params = {k: np.asarray(v, dtype=np.float64) for k, v in ref_params.items()}
    return max(cost_diff, dict_relative_error(params, ref_params, GRAD_SCALE_FLOOR))


def dp_backends() -> tuple[list, list[dict]]:
    """(the usable backends that take ``world_size``, the skips ``{backend, part, reason}``)."""
    usable, skipped = [], []
    for backend in BACKENDS.values():
        if not backend.available():
            continue
        reason = backend.unsupported(model="deep", function="train", training="world_size")
        if reason:
            skipped.append({"backend": backend.name, "part": "every part", "reason": reason})
        else:
            usable.append(backend)
    return usable, skipped


def worker_threads(total: int, world_size: int) -> int:
    """Threads for each of ``world_size`` workers sharing ``total``: ⌊total/k⌋, at least 1."""
    return max(1, int(total) // int(world_size))


def thread_budget(backend, total: int, world_size: int) -> tuple[int | None, int, int]:
    """(``OMP_NUM_THREADS`` for the workers or None, threads per worker, threads in all) at k =
    ``world_size``: worker processes (``backend.dp_workers``) share ``total`` by ⌊total/k⌋ each;
    workers in one process share its ``total``, which the variable does not reach."""
    if world_size == 1 or backend.dp_workers != "processes":
        return None, total, total
    each = worker_threads(total, world_size)
    return each, each, each * world_size


@contextlib.contextmanager
def _worker_environment(threads: int | None):
    """``OMP_NUM_THREADS`` for the worker processes started inside (restored after)."""
    if threads is None:
        yield
        return
    old = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = old


def run_seconds(backend, workload: DpWorkload, world_size: int, total_threads: int, epochs=_TIMING_EPOCHS):
    """(seconds of an ``epochs[0]``-epoch run, of an ``epochs[1]``-epoch run, the longer run's
    (params, costs)), the workers given ``thread_budget``'s threads. A short run goes first at
    every k, so that a step compiled once per configuration (JAX's, for each mesh) is compiled
    before either timed run; the difference of the two would otherwise subtract it."""
    threads, _, _ = thread_budget(backend, total_threads, world_size)
    with _worker_environment(threads):
        workload.train(backend, world_size, epochs[0])
        started = time.perf_counter()
        workload.train(backend, world_size, epochs[0])
        middle = time.perf_counter()
        longer = workload.train(backend, world_size, epochs[1])
        ended = time.perf_counter()
    return middle - started, ended - middle, longer


def extra_steps(workload: DpWorkload, world_size: int, epochs=_TIMING_EPOCHS) -> int:
    """The steps the longer run has over the shorter."""
    return (epochs[1] - epochs[0]) * len(workload.splits(world_size))


def time_steps(backend, workload: DpWorkload, world_size: int, total_threads: int, epochs=_TIMING_EPOCHS):
    """(seconds per step, the longer run's (params, costs)): the difference of the two runs of
    ``run_seconds`` over the extra steps, so a launch's start cancels."""
    short, long, run = run_seconds(backend, workload, world_size, total_threads, epochs)
    return (long - short) / extra_steps(workload, world_size, epochs), run


def _row(part, backend, workload: DpWorkload, k: int, **values) -> dict:
    row = {"part": part, "backend": backend, "device": _DEVICE, "dtype": workload.dtype, "case": workload.name,
           "world_size": k, "shards": workload.shards(k), "shards_even": workload.even(k),
           "max_rel_diff_to_one_device": np.nan, "bound": tolerance(workload.dtype).grad, "passed": None,
           "step_s": np.nan, "threads_per_worker": np.nan, "total_threads": np.nan, "speedup_vs_1": np.nan,
           "error": ""}
    row.update(values)
    return row


def _accuracy(backend, quick: bool) -> list[dict]:
    rows = []
    for workload in accuracy_workloads(quick):
        try:
            one = workload.train(backend, 1, _EPOCHS)
        except Exception as exc:  # noqa: BLE001 - a backend that raises fails its rows
            rows.append(_row("accuracy", backend.name, workload, 1, passed=False, error=error_text(exc)))
            continue
        rows.append(_row("accuracy", backend.name, workload, 1, max_rel_diff_to_one_device=0.0, passed=True))
        for k in ((2,) if quick else WORLD_SIZES[1:]):
            try:
                diff = largest_difference(workload.train(backend, k, _EPOCHS), one)
            except Exception as exc:  # noqa: BLE001
                rows.append(_row("accuracy", backend.name, workload, k, passed=False, error=error_text(exc)))
                continue
            rows.append(_row("accuracy", backend.name, workload, k, max_rel_diff_to_one_device=diff,
                             passed=bool(diff <= tolerance(workload.dtype).grad)))
    return rows


def _timing(backend, total_threads: int) -> list[dict]:
    rows, base, one = [], None, None
    for k in WORLD_SIZES:
        try:
            seconds, run = time_steps(backend, TIMING_WORKLOAD, k, total_threads)
        except Exception as exc:  # noqa: BLE001
            rows.append(_row("timing", backend.name, TIMING_WORKLOAD, k, error=error_text(exc)))
            continue
        if k == 1:
            base, one = seconds, run
        _, per_worker, total = thread_budget(backend, total_threads, k)
        diff = largest_difference(run, one) if one is not None else np.nan
        rows.append(_row("timing", backend.name, TIMING_WORKLOAD, k, max_rel_diff_to_one_device=diff,
                         step_s=seconds, threads_per_worker=per_worker, total_threads=total,
                         speedup_vs_1=(base / seconds if base is not None and base > 0 and seconds > 0 else np.nan)))
    return rows


def _drift(backend, hook, quick: bool) -> list[dict]:
    """The framework's distributed defaults against the course, step by step."""
    workload = accuracy_workloads(True)[0]
    params, X, Y = workload.data()
    hyper = {"learning_rate": workload.learning_rate, "num_epochs": _EPOCHS, "batch_size": workload.batch_size,
             "seed": workload.seed}
    course_params, course = reference_backend().train("deep", params, X, Y, workload.spec, "cpu", **hyper)
    course = np.asarray(course, dtype=np.float64)
    rows = []
    for k in ((2,) if quick else WORLD_SIZES[1:]):
        try:
            got_params, costs = hook(params, X, Y, workload.spec, world_size=k, device=_DEVICE, **hyper)
        except Exception as exc:  # noqa: BLE001 - shown as the backend's error, the report goes on
            rows.append({"backend": backend.name, "world_size": k, "step": np.nan, "cost": np.nan,
                         "course_cost": np.nan, "rel_diff_to_course": np.nan, "max_rel_diff": np.nan,
                         "final_params_rel_diff": np.nan, "error": error_text(exc)})
            continue
        costs = np.asarray(costs, dtype=np.float64).ravel()
        n = min(len(costs), len(course))
        diff = np.abs(costs[:n] - course[:n]) / np.maximum(np.abs(course[:n]), np.finfo(np.float64).tiny)
        worst = float(np.max(diff, initial=0.0)) if len(costs) == len(course) else float("inf")
        final = dict_relative_error({k2: np.asarray(v, dtype=np.float64) for k2, v in got_params.items()},
                                    course_params, GRAD_SCALE_FLOOR)
        for step in range(n):
            rows.append({"backend": backend.name, "world_size": k, "step": step + 1, "cost": costs[step],
                         "course_cost": course[step], "rel_diff_to_course": diff[step], "max_rel_diff": worst,
                         "final_params_rel_diff": final, "error": ""})
    return rows


def run_data_parallel(quick: bool, total_threads: int, progress=None) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Every part on every backend that declares ``world_size``. Returns (``DP_COLUMNS`` rows,
    ``DRIFT_COLUMNS`` rows, the skips ``{backend, part, reason}``: backends without
    ``world_size`` or the defaults hook, and the timing part with ``quick``)."""
    backends, skipped = dp_backends()
    rows, drift = [], []
    reference = reference_backend().name
    for backend in backends:
        if progress is not None:
            progress.set_description(f"data parallel {backend.name}")
        if backend.name == reference:
            rows += _accuracy(backend, quick)
            continue  # the definition: no workers to time, no framework defaults
        if quick:
            skipped.append({"backend": backend.name, "part": "accuracy", "reason": QUICK_ACCURACY_SKIP})
        else:
            rows += _accuracy(backend, quick)
        hook = backend.hook("train_with_distributed_defaults")
        if hook is None:
            skipped.append({"backend": backend.name, "part": "framework defaults",
                            "reason": f"{backend.name} declares no train_with_distributed_defaults"})
        else:
            drift += _drift(backend, hook, quick)
        if quick:
            skipped.append({"backend": backend.name, "part": "timing", "reason": QUICK_TIMING_SKIP})
        else:
            rows += _timing(backend, total_threads)
    if progress is not None:
        progress.update(1)
    return (pd.DataFrame(rows, columns=list(DP_COLUMNS)), pd.DataFrame(drift, columns=list(DRIFT_COLUMNS)), skipped)


# ---------------------------------------------------------------------------- the text

def drift_summary(drift: pd.DataFrame, bound: float) -> pd.DataFrame:
    """One row per backend and k: steps, the largest step difference to the course, the first
    step beyond ``bound``, the final parameters' difference, the error of a run that raised."""
    rows = []
    for (backend, k), g in drift.groupby(["backend", "world_size"], sort=False):
        errors = [e for e in g["error"] if isinstance(e, str) and e]
        beyond = g[g["rel_diff_to_course"] > bound]
        rows.append({"backend": backend, "world_size": int(k), "steps": int(g["step"].notna().sum()),
                     "max_rel_diff_to_course": g["max_rel_diff"].iloc[0],
                     "first_step_beyond_bound": str(int(beyond["step"].iloc[0])) if len(beyond) else "",
                     "final_params_rel_diff": g["final_params_rel_diff"].iloc[0],
                     "error": errors[0] if errors else ""})
    return pd.DataFrame(rows)


def dp_failures(table: pd.DataFrame) -> int:
    """Accuracy rows off one device beyond the bound, or that raised."""
    if table.empty:
        return 0
    accuracy = table[table["part"] == "accuracy"]
    return int((~accuracy["passed"].map(lambda v: v is True or v == "True" or v is np.True_)).sum())


def _drift_sentence(summary: pd.DataFrame) -> str:
    ran = summary[summary["error"] == ""]
    if ran.empty:
        return "No framework's distributed defaults ran."
    parts = [f"{x['backend']} at k = {x['world_size']} " + (
        f"leaves the course at step {x['first_step_beyond_bound']} (up to {x['max_rel_diff_to_course']:.2g} in the "
        f"cost, {x['final_params_rel_diff']:.2g} in the final parameters)" if x["first_step_beyond_bound"]
        else "stays within the bound at every step") for _, x in ran.iterrows()]
    return "With their distributed defaults, " + "; ".join(parts) + "."


def data_parallel_blocks(table: pd.DataFrame, drift: pd.DataFrame, skipped: list, image: str | None) -> list[tuple]:
    """The section's blocks (``reports.render``): accuracy (gated), step time against k, the
    framework defaults' drift (shown), and what was skipped, with why."""
    bound = tolerance("float64").grad
    blocks: list[tuple] = [("h", 2, "Data parallel: train(..., world_size=k) against one device")]
    blocks.append(("p", "`deep.train(..., world_size=k)` splits every mini-batch into k contiguous shards, one per "
                        "worker (torch: k processes over `torch.distributed`, gloo, DistributedDataParallel; JAX: a "
                        "`Mesh` of k host devices), and must equal one device (CONTRACT.md, \"Data parallel\"): the "
                        "shards' gradients summed and divided by the step's global batch size. Each backend that "
                        "declares `world_size` trains the same network (nonzero biases, float64, 2 epochs) at "
                        "k = 1, 2, 3 on uneven shards (m = 209 in batches of 64) and even ones (m = 192 in batches "
                        "of 96); the largest relative difference over every step's cost and the final parameters "
                        f"to the same backend at `world_size=1` must stay within {bound:g}, or the report fails. "
                        "Rows in `data_parallel.csv` (`part` accuracy)."))
    accuracy = table[table["part"] == "accuracy"] if not table.empty else table
    if accuracy.empty:
        blocks.append(("p", "No backend declares `world_size`: nothing was run."))
    else:
        shown = accuracy[["backend", "case", "world_size", "shards", "shards_even", "max_rel_diff_to_one_device",
                          "bound", "passed", "error"]].copy()
        shown["passed"] = shown["passed"].map({True: "pass", False: "FAIL"}).fillna("")
        blocks.append(("table", shown))
    blocks += _timing_blocks(table, skipped, image)
    blocks.append(("h", 3, "The frameworks' distributed defaults against the course"))
    blocks.append(("p", "As a user would call them: torch's DistributedDataParallel averaging each rank's own mean "
                        "loss (the mean of shard means) with `DistributedSampler`'s shards, JAX's `pmean` of shard "
                        "means with the batch padded to the mesh; the same start and data (m = 209, batches of 64, "
                        "GD at 0.1), step by step against the course on one device. Shown, not gated: the mean of "
                        "shard means is right only where every shard has one size (here step 4 of each epoch splits "
                        "17 as 9/8). Every step in `data_parallel_drift.csv`."))
    if drift.empty:
        blocks.append(("p", "Not run."))
    else:
        summary = drift_summary(drift, bound)
        blocks += [("table", summary), ("p", _drift_sentence(summary))]
    if skipped:
        blocks += [("p", "Not run:"), ("list", [f"{s['backend']}: {s['part']}: {s['reason']}" for s in skipped])]
    return blocks


def _timing_blocks(table: pd.DataFrame, skipped: list, image: str | None) -> list[tuple]:
    blocks: list[tuple] = [("h", 3, "Step time against k")]
    timing = table[table["part"] == "timing"] if not table.empty else table
    if timing.empty:
        reasons = sorted({s["reason"] for s in skipped if s["part"] == "timing"})
        return blocks + [("p", "**Skipped**: " + ("; ".join(reasons) if reasons else "no backend to time") + ".")]
    blocks.append(("p", f"{TIMING_WORKLOAD.name} (float32), through the public `train`: the difference of a 1- and "
                        "a 9-epoch run over the 8 extra steps, so the workers' start and compilation cancel. The "
                        "same total threads at every k where the cores allow (one device with all the report's "
                        "threads; k worker processes with ⌊threads/k⌋, at least 1, each; workers in one process, "
                        "devices of a mesh, share its threads); speed-up t(1)/t(k), from one measurement per k "
                        "(`benchmarks/bench_data_parallel.py` takes medians). On a machine "
                        "with few cores the speed-up is small or below 1: this is what it is here."))
    blocks.append(("table", timing[["backend", "world_size", "shards", "step_s", "threads_per_worker",
                                    "total_threads", "speedup_vs_1", "max_rel_diff_to_one_device", "error"]]))
    if image:
        blocks.append(("img", image, "Seconds per step against the number of workers k (compute-bound network)"))
    return blocks
