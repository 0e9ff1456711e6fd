"""Build the whole report: parity, training curves (GD, momentum and Adam, with and without
decay), the optimizer conventions (``conventions``), timing (with the busy-machine flags), the
vectorisation claim, environment, plots, Markdown and HTML, written into one folder.

``ReportResult.passed`` is False where a parity comparison, or a framework configured to the
course's optimizer formulas, leaves the tolerance, and where nothing was compared.

The folder is replaced only once the new report is complete: every file is written into a
temporary folder beside it, which is then renamed into place (the old report is moved aside
first and deleted after). A failure part-way leaves the previous report as it was.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ReportError", "ReportResult", "DataCase", "build_report", "resolve_dataset", "check_out", "QUICK_CASES",
           "TRAINING_COLUMNS", "TIMING_EXTRA_COLUMNS", "ADAM_LEARNING_RATE", "CONVENTION_EPOCHS", "QUICK_CONVENTIONS",
           "BUSY_SPREAD", "BUSY_RATIO", "BUSY_MARGIN_S", "BUSY_FLOOR_RATIO", "BUSY_FLOOR_MARGIN_S", "flag_busy", "training_methods", "timing_repeats",
           "TIMING_BUDGET_S", "MIN_REPEATS"]

# The parity cases of a --quick report: one per model, output and a saturated one.
QUICK_CASES = ("logistic-random", "hidden-relu", "out-softmax", "out-linear-squared", "saturated-sigmoid")
TRAINING_COLUMNS = ("model", "case", "method", "backend", "device", "dtype", "batch_size", "learning_rate", "step",
                    "cost", "rel_diff_to_reference")
# Adam's initial learning rate in the training section (see ``training_methods``).
ADAM_LEARNING_RATE = 0.01
TIMING_EXTRA_COLUMNS = ("layer_dims", "m", "width", "sweep", "busy_flag")
# Epochs of the conventions' runs (7 mini-batches of 64 each), and the cases a quick report
# keeps: those where a framework's default differs from the course (each JAX configuration
# compiles once, about half a second).
CONVENTION_EPOCHS = {False: 30, True: 2}
QUICK_CONVENTIONS = ("Momentum", "RMSprop")
# Files whose presence marks a folder as an nn-parity report that may be replaced.
_MARKERS = ("report.md", "environment.json")


class ReportError(Exception):
    """A problem with the request (bad data, an output folder that is not a report): the
    command prints the message and exits with code 2."""


@dataclass
class ReportResult:
    """What ``build_report`` did: where, whether it passed (parity, the configured optimizers,
    something compared), what was not run, and which registered backends are not usable here
    (``unavailable``: name -> reason)."""

    out: Path
    passed: bool
    parity_rows: int
    compared: int
    parity_failures: int
    seconds: float
    conventions_failures: int = 0
    unavailable: dict = field(default_factory=dict)
    not_run: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class DataCase:
    """A parity case on a loaded data set: duck-types ``parity.Case`` (name, model, spec,
    data(dtype), params(dtype)) for ``parity_table``.

    X: (n_x, m) float64, Y: (n_y, m) float64 in the layout ``spec.output`` expects.
    """

    name: str
    spec: object
    X: np.ndarray
    Y: np.ndarray
    init: str = "xavier"
    seed: int = 0
    model: str = "deep"

    def data(self, dtype="float64"):
        return self.X.astype(dtype), self.Y.astype(dtype)

    def params(self, dtype="float64"):
        from nn_contract import init_params

        return init_params(self.spec, self.seed, self.init, dtype=dtype)


@dataclass(frozen=True)
class _Data:
    name: str
    description: str
    X: np.ndarray
    Y: np.ndarray
    output: str
    spec: object
    learning_rate: float
    spec_note: str
    task: str = ""
    task_note: str = ""


def resolve_dataset(data: str | os.PathLike | None, *, task: str | None = None,
                    label_column: str | None = None) -> _Data:
    """The report's data (``--data``; default the notes' flower) and the deep model fitted
    to it. Raises ``ReportError`` with the loader's message for bad data."""
    from parity.data import load_dataset
    from nn_contract import ModelSpec

    try:
        ds = load_dataset("flower" if data is None else (str(data) if isinstance(data, Path) else data),
                          task=task, label_column=label_column)
    except (ValueError, TypeError, OSError, ImportError) as exc:
        raise ReportError(f"cannot use --data {str(data)!r}: {exc}") from None
    if ds.name == "flower":
        # The notes' planar model: 4 tanh hidden units, learning rate 1.2.
        spec = ModelSpec((ds.n_x, 4, ds.n_y), "tanh", "sigmoid")
        lr, note = 1.2, "(2, 4, 1) with tanh hidden units, as the notes' planar-data model; learning rate 1.2"
    else:
        spec = ModelSpec((ds.n_x, 8, 4, ds.n_y), "tanh", ds.output)
        lr = 0.05 if ds.output == "linear" else 0.3
        note = (f"({ds.n_x}, 8, 4, {ds.n_y}): two tanh hidden layers fitted to the data's shape, "
                f"{ds.output} output; learning rate {lr}")
    return _Data(ds.name, ds.description, ds.X, ds.Y, ds.output, spec, lr, note, ds.task, ds.task_note)


# --------------------------------------------------------------------------- what runs where

def _plan(devices, backends):
    """(backend, device) pairs that run here, and the ones requested but not run, with why."""
    run, not_run = [], []
    for backend in backends:
        for device in devices:
            reason = backend.device_reason(device)
            if reason is None:
                run.append((backend, device))
            else:
                not_run.append({"backend": backend.name, "device": device, "reason": reason})
    return run, not_run


# --------------------------------------------------------------------------- sections

def _parity(data: _Data, quick: bool, devices, dtypes, bar) -> pd.DataFrame:
    from parity import builtin_cases, parity_table

    cases = builtin_cases()
    if quick:
        cases = [c for c in cases if c.name in QUICK_CASES]
    # Cap a user's data set: parity is about the arithmetic, not the size.
    m = min(data.X.shape[1], 5000)
    cases.append(DataCase(f"data-{data.name}", data.spec, data.X[:, :m], data.Y[:, :m]))
    bar.set_description("parity")
    return parity_table(cases, devices=devices, dtypes=dtypes, progress=bar)


def training_methods(steps: int, per_epoch: int, learning_rate: float) -> list[dict]:
    """The training section's methods: GD, momentum and Adam, each with and without
    learning-rate decay. Each: ``method`` (its name in tables), ``options`` (the keyword options
    of ``deep.train`` beyond course 1; none for plain GD, so that a backend without options
    still runs it), ``features`` (what ``Backend.unsupported`` must allow) and the initial α.

    Decay: α0 / (1 + ⌊e / time_interval⌋), time_interval a quarter of the run's epochs, so
    the run ends at about α0 / 4. Adam starts at 0.01 (it moves each weight by about α per
    step, whatever the gradient's size); GD and momentum at the data's rate.
    """
    from nn_contract import optim

    epochs = max(1, math.ceil(steps / per_epoch))
    decay = {"decay_rate": 1.0, "time_interval": max(1, epochs // 4)}
    out = []
    for name, optimizer, lr in (("GD", None, learning_rate), ("Momentum", optim.Momentum(beta=0.9), learning_rate),
                                ("Adam", optim.Adam(), ADAM_LEARNING_RATE)):
        base = {} if optimizer is None else {"optimizer": optimizer}
        training = () if optimizer is None else ("optimizer",)
        for decayed in (False, True):
            options = {**base, **decay} if decayed else dict(base)
            features = {"training": training + (("decay_rate",) if decayed else ())}
            if optimizer is not None:
                features["optimizer"] = name
            out.append({"method": name + (" + decay" if decayed else ""), "options": options,
                        "features": features, "learning_rate": lr})
    return out


def _training(data: _Data, steps: int, pairs, dtypes, bar) -> tuple[pd.DataFrame, list[dict]]:
    """Every method of ``training_methods`` on every (backend, device) that supports it, per
    dtype, from the same start; each curve against the reference's for the same method and
    dtype. Returns (the rows of ``training.csv``, the skips ``{backend, device, method, reason}``)."""
    from parity import reference_backend
    from nn_contract import init_params

    m = data.X.shape[1]
    batch_size = None if m <= 2048 else 256
    per_epoch = 1 if batch_size is None else math.ceil(m / batch_size)
    epochs = max(1, math.ceil(steps / per_epoch))
    # The NumPy reference always runs (on the CPU): the other curves are measured against it.
    reference = reference_backend()
    pairs = [(reference, "cpu")] + [(b, d) for b, d in pairs if b.name != reference.name]
    frames, skipped = [], []
    bar.set_description("training")
    for method in training_methods(steps, per_epoch, data.learning_rate):
        for dtype in dtypes:
            X, Y = data.X.astype(dtype), data.Y.astype(dtype)
            curve = None
            for backend, device in pairs:
                reason = backend.unsupported(model="deep", dtype=dtype, **method["features"])
                if reason:
                    if dtype == dtypes[0]:
                        skipped.append({"backend": backend.name, "device": device, "method": method["method"],
                                        "reason": reason})
                    continue
                _, costs = backend.train("deep", init_params(data.spec, 0, "xavier", dtype=dtype), X, Y, data.spec,
                                         device, learning_rate=method["learning_rate"], num_epochs=epochs,
                                         batch_size=batch_size, seed=0, **method["options"])
                costs = np.asarray(costs, dtype=np.float64)
                if curve is None:
                    curve = costs
                diff = np.abs(costs - curve) / np.maximum(np.abs(curve), np.finfo(np.float64).tiny)
                frames.append(pd.DataFrame({
                    "model": "deep", "case": f"{data.name} {data.spec.layer_dims}", "method": method["method"],
                    "backend": backend.name, "device": device, "dtype": dtype, "batch_size": batch_size or m,
                    "learning_rate": method["learning_rate"], "step": np.arange(1, len(costs) + 1), "cost": costs,
                    "rel_diff_to_reference": diff,
                }))
        bar.update(1)
    return pd.concat(frames, ignore_index=True)[list(TRAINING_COLUMNS)], skipped


# Seconds per phase a workload may take, estimated at three times its limit (the margin a step
# usually needs): a long step (the compute-bound network's, about half a second on 2 cores, and
# the largest sweep points) gets fewer repeats, never under MIN_REPEATS, so that the full report
# stays within minutes; a long step varies little between repeats. The rows' ``repeats`` say how many.
TIMING_BUDGET_S = 1.0
MIN_REPEATS = 3


def timing_repeats(workload, dtype: str, limits, repeats: int) -> int:
    """``repeats``, or fewer (at least ``MIN_REPEATS``) where ``repeats`` steps of
    ``workload`` in ``dtype`` would take more than ``TIMING_BUDGET_S`` at three times the
    machine's limit (``limits``)."""
    from .flops import count_bytes, count_flops
    from .limits import limit_seconds

    estimate = 3 * limit_seconds(count_flops(workload, "step"), count_bytes(workload, "step", dtype), limits)
    if repeats <= MIN_REPEATS or estimate * repeats <= TIMING_BUDGET_S:
        return repeats
    return max(MIN_REPEATS, int(TIMING_BUDGET_S // estimate))


def _timing(quick: bool, pairs, devices, dtypes, repeats: int, bar):
    from .limits import measure_limits
    from .timing import standard_workloads, time_workload

    workloads = standard_workloads(quick)
    rows, limits_rows = [], []
    for device in devices:
        device_pairs = [(b, d) for b, d in pairs if d == device]
        if not device_pairs:
            continue
        for dtype in dtypes:
            bar.set_description(f"limits {device} {dtype}")
            limits = measure_limits(device, dtype, quick=quick)
            limits_rows.append({"device": device, "dtype": dtype,
                                "matmul_gflops": limits.matmul_flops_per_s / 1e9,
                                "bandwidth_gb_s": limits.bandwidth_bytes_per_s / 1e9})
            for workload in workloads:
                n = timing_repeats(workload, dtype, limits, repeats)
                for backend, _ in device_pairs:
                    bar.set_description(f"timing {workload.name} {backend.name} {device} {dtype}")
                    # Timed natively (prepare) or through train and predict_proba: skip what it lacks.
                    needs = () if backend.hook("prepare") else ("train", "predict_proba")
                    if backend.unsupported(model=workload.model, dtype=dtype, device=device, function=needs):
                        bar.update(1)
                        continue
                    for row in time_workload(workload, backend, device, dtype, repeats=n, limits=limits):
                        row.update({
                            "layer_dims": "x".join(map(str, workload.layer_dims)), "m": workload.m,
                            "width": workload.layer_dims[1] if workload.model == "deep" else None,
                            "sweep": workload.sweep,
                        })
                        rows.append(row)
                    bar.update(1)
    return pd.DataFrame(rows), pd.DataFrame(limits_rows), workloads


# --------------------------------------------------------------------------- writing

def check_out(out: Path) -> None:
    """Refuse an ``out`` that is a file, or a non-empty folder that holds no nn-parity report."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ReportError(f"--out {str(out)!r} exists and is not a folder")
        if any(out.iterdir()) and not all((out / name).exists() for name in _MARKERS):
            # Never delete a folder that is not ours: --out . would otherwise wipe a checkout.
            raise ReportError(f"refusing to replace {str(out)!r}: it is not empty and holds no nn-parity report "
                              f"({' and '.join(_MARKERS)}); choose another --out")


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished ``tmp`` to ``out``; a previous ``out`` is moved aside, then deleted."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_report(out: str | os.PathLike, *, quick: bool = False, devices=("cpu", "cuda"),
                 dtypes=("float64", "float32"), data=None, repeats: int | None = None,
                 progress: bool = True) -> ReportResult:
    """Run every section and write the report into ``out`` (replacing an earlier report
    there only on success). Raises ``ReportError`` for bad data or a foreign ``out``."""
    from tqdm.auto import tqdm

    from .timing import configure_threads, current_threads, standard_workloads

    started = time.perf_counter()
    out = Path(out)
    check_out(out)
    # Threads first (unless the caller set them): XLA sizes its pool when JAX starts, which
    # the parity section does.
    threads = current_threads() or configure_threads()
    dataset = data if isinstance(data, _Data) else resolve_dataset(data)

    from parity import BACKENDS, available_backends, reference_backend

    devices, dtypes = tuple(devices), tuple(dtypes)
    pairs, not_run = _plan(devices, BACKENDS.values())
    repeats = repeats or (3 if quick else 20)
    steps = 40 if quick else 300
    n_cases = (len(QUICK_CASES) if quick else _n_builtin_cases()) + 1
    n_train = len(training_methods(steps, 1, 1.0))
    n_conventions = len(_convention_names(quick))
    n_timing = len(standard_workloads(quick)) * len(pairs) * len(dtypes)
    unavailable = {b.name: b.unavailable_reason() for b in BACKENDS.values() if not b.available()}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        with tqdm(total=n_cases * len(dtypes) + n_train + n_conventions + n_timing + 2, unit="task", file=sys.stderr,
                  disable=not progress, dynamic_ncols=True) as bar:
            # The vectorisation claim first, before torch and JAX have started thread pools that
            # would compete with NumPy's BLAS for the cores (the notes measure NumPy alone).
            bar.set_description("vectorisation")
            from .vectorisation import measure_vectorisation

            vectorisation = measure_vectorisation(quick)
            bar.update(1)
            from .conventions import run_conventions

            with _one_thread(threads.get("threads")):
                parity = _parity(dataset, quick, list(devices), dtypes, bar)
                training, training_skipped = _training(dataset, steps, pairs, dtypes, bar)
                # On the CPU where it was asked for (formulas do not depend on the device); with
                # --device cuda alone, on the GPU, or skipped with the reason where there is none.
                conventions_device = "cpu" if "cpu" in devices else devices[0]
                conventions, conventions_skipped, formulas = run_conventions(
                    CONVENTION_EPOCHS[quick], progress=bar, only=_convention_names(quick), device=conventions_device)
            timing, limits, workloads = _timing(quick, pairs, devices, dtypes, repeats, bar)
            timing = flag_busy(timing)
            bar.set_description("environment, plots, report")
            from .environment import collect_environment

            environment = collect_environment(threads)
            result = _write(tmp, parity=parity, training=training, training_skipped=training_skipped,
                            conventions=conventions, conventions_skipped=conventions_skipped, formulas=formulas,
                            timing=timing, limits=limits, workloads=workloads,
                            vectorisation=vectorisation, environment=environment, not_run=not_run,
                            dataset=dataset, quick=quick, devices=devices, dtypes=dtypes, repeats=repeats,
                            started=started, available=[b.name for b in available_backends()],
                            unavailable=unavailable)
            bar.update(1)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a report is not
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.out = out
    return result


@contextlib.contextmanager
def _one_thread(restore: int | None):
    """Every backend on one CPU thread inside, ``restore`` threads after (through each one's
    declared ``set_threads``; XLA keeps the pool it started with). Parity cases and training
    runs are small networks: a second thread only adds waiting, and where another program holds
    a core, torch's threads spin for milliseconds on every one of their microsecond operations.
    Timing runs after, on the report's threads."""
    from parity import BACKENDS

    hooks = [h for h in (b.hook("set_threads") for b in BACKENDS.values() if b.available()) if h]
    for set_threads in hooks:
        set_threads(1)
    try:
        yield
    finally:
        for set_threads in hooks:
            set_threads(restore or 1)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _convention_names(quick: bool) -> tuple[str, ...]:
    from .conventions import convention_cases

    names = tuple(c.name for c in convention_cases())
    return tuple(n for n in names if n in QUICK_CONVENTIONS) if quick else names


def _n_builtin_cases() -> int:
    from parity import builtin_cases

    return len(builtin_cases())


def _write(tmp: Path, *, parity, training, training_skipped, conventions, conventions_skipped, formulas, timing,
           limits, workloads, vectorisation, environment, not_run, dataset, quick, devices, dtypes, repeats, started,
           available, unavailable) -> ReportResult:
    from . import plots
    from .render import render_html, render_markdown, report_blocks

    parity_columns = ["model", "case", "backend", "device", "dtype", "cost", "cost_rel_err", "grad_rel_err",
                      "cost_tol", "grad_tol", "passed"]
    (parity if not parity.empty else pd.DataFrame(columns=parity_columns)).to_csv(tmp / "parity.csv", index=False)
    from .timing import ROW_KEYS

    timing_columns = [*ROW_KEYS, *TIMING_EXTRA_COLUMNS]
    (timing if not timing.empty else pd.DataFrame(columns=timing_columns)).to_csv(tmp / "timing.csv", index=False)
    training.to_csv(tmp / "training.csv", index=False)
    conventions.to_csv(tmp / "conventions.csv", index=False)
    pd.DataFrame([{"backend": backend, "optimizer": name, "formula": formula}
                  for backend, table in formulas.items() for name, formula in table.items()],
                 columns=["backend", "optimizer", "formula"]).to_csv(tmp / "conventions_formulas.csv", index=False)
    vectorisation.to_csv(tmp / "vectorisation.csv", index=False)
    environment["report"] = {"quick": quick, "devices": list(devices), "dtypes": list(dtypes),
                             "timing_repeats": repeats, "data": dataset.name, "not_run": not_run,
                             "unavailable_backends": unavailable, "training_skipped": training_skipped,
                             "conventions_skipped": conventions_skipped,
                             "busy_thresholds": {"iqr_over_median": BUSY_SPREAD, "ratio_to_limit": BUSY_RATIO,
                                                 "margin_s": BUSY_MARGIN_S, "floor_ratio": BUSY_FLOOR_RATIO,
                                                 "floor_margin_s": BUSY_FLOOR_MARGIN_S}}
    (tmp / "environment.json").write_text(json.dumps(environment, indent=2, default=str) + "\n")

    images = {
        "training": plots.plot_training(training, tmp),
        "training_diff": plots.plot_training_diff(training, tmp),
        "conventions": plots.plot_conventions(conventions, tmp),
        "step": plots.plot_step_times(timing, tmp) if not timing.empty else None,
        "sweep_m": plots.plot_sweep(timing, "m", tmp),
        "sweep_width": plots.plot_sweep(timing, "width", tmp),
    }
    failures = int((~parity["passed"]).sum()) if not parity.empty else 0
    conventions_failures = _conventions_failures(conventions)
    seconds = time.perf_counter() - started
    blocks = report_blocks(parity=parity, training=training, training_skipped=training_skipped,
                           conventions=conventions, conventions_skipped=conventions_skipped, formulas=formulas,
                           timing=timing, limits=limits, workloads=workloads,
                           vectorisation=vectorisation, environment=environment, not_run=not_run,
                           dataset=dataset, quick=quick, devices=devices, dtypes=dtypes, repeats=repeats,
                           images={k: (p.name if p else None) for k, p in images.items()},
                           seconds=seconds, available=available, unavailable=unavailable)
    (tmp / "report.md").write_text(render_markdown(blocks))
    (tmp / "report.html").write_text(render_html(blocks, tmp, "nn-parity report"))
    from parity import reference_backend

    compared = int((parity["backend"] != reference_backend().name).sum()) if not parity.empty else 0
    return ReportResult(out=tmp, passed=failures == 0 and conventions_failures == 0 and compared > 0,
                        parity_rows=len(parity), compared=compared, parity_failures=failures,
                        conventions_failures=conventions_failures, unavailable=unavailable,
                        seconds=seconds, not_run=not_run, files=sorted(p.name for p in tmp.iterdir()))


def _conventions_failures(conventions: pd.DataFrame) -> int:
    """How many "configured to match" trajectories left the float64 bound."""
    if conventions.empty:
        return 0
    configured = conventions[conventions["way"] == "configured to match"]
    verdicts = configured.groupby(["optimizer", "backend"], sort=False)["passed"].first()
    return int((~verdicts.astype(bool)).sum())


# --------------------------------------------------------------------------- a busy machine

# Thresholds that flag a timing row as disturbed (another program on the cores). A quiet 2-core
# run (reports/sample/cpu) keeps every row with 3 or more repeats under an iqr/median of 0.5 and
# every step within about 11x the machine's limit. A busy core shows instead as a spread of
# several medians, or as thread pools that wait for a core, each call rounded up to the
# scheduler's 4 ms ticks: a step of microseconds taking 16 or 30 ms, one framework's floor (the
# step's products, the same in every framework) 7 to 100 times another's, where the frameworks
# that kept their cores stayed within 2x of each other. A margin of 5 ms on top of 20x the limit
# is far above any framework's own per-call cost on these sizes (under 1 ms when quiet). A row
# timed through the public train carries conversions the limit does not count, so only its
# spread is judged.
BUSY_SPREAD = 0.5
BUSY_RATIO = 20.0
BUSY_MARGIN_S = 5e-3
BUSY_FLOOR_RATIO = 3.0
BUSY_FLOOR_MARGIN_S = 1e-3


def flag_busy(timing: pd.DataFrame) -> pd.DataFrame:
    """``timing`` with a ``busy_flag`` column: "" or why the row looks disturbed:

    * its spread: ``iqr_s / median_s > BUSY_SPREAD`` over 3 or more repeats;
    * its time against the machine's limit: ``median_s > BUSY_RATIO * limit_s + BUSY_MARGIN_S``
      (forward, step and floor of a native step);
    * its framework floor against the fastest backend's floor for the same workload, device
      and dtype: more than ``BUSY_FLOOR_RATIO`` times it and ``BUSY_FLOOR_MARGIN_S`` longer
      (flagged on the floor and on the step, which does the same products).
    """
    timing = timing.copy()
    if timing.empty:
        timing["busy_flag"] = pd.Series(dtype=object)
        return timing
    keys = ["workload", "device", "dtype"]
    floors = timing[timing["phase"] == "floor"]
    fastest = floors.groupby(keys)["median_s"].min().to_dict() if not floors.empty else {}
    slow_floor = {}
    for row in floors.itertuples(index=False):
        best = fastest[(row.workload, row.device, row.dtype)]
        if row.median_s > BUSY_FLOOR_RATIO * best and row.median_s - best > BUSY_FLOOR_MARGIN_S:
            slow_floor[(row.workload, row.backend, row.device, row.dtype)] = (
                f"floor {row.median_s / best:.0f}x the fastest framework's ({best * 1e3:.3g} ms)")
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
