"""Build the whole report: the sections run once into one ``ReportResults`` (parity, training
curves, the optimizer conventions, timing with its busy flags, the vectorisation claim, the
environment), which the files, the figures, the text and the exit code then only read.

``ReportResult.passed`` is the results' verdict (``reports.results.decide``). The folder is
replaced only once the new report is complete (``reports.outdir.staging``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from parity import BACKENDS, available_backends, reference_backend

from . import plots, prose, render
from .busy import flag_busy
from .conventions import CONVENTION_EPOCHS, convention_names, run_conventions
from .csvs import write_data_files
from .data_parallel import run_data_parallel
from .dataset import ReportData, resolve_dataset
from .environment import collect_environment
from .outdir import check_out, staging
from .parity_section import parity_cases, run_parity
from .results import ReportResults
from .timing import configure_threads, current_threads, standard_workloads
from .timing_section import run_timing
from .training import run_training, training_methods, training_steps
from .vectorisation import measure_vectorisation

__all__ = ["ReportResult", "build_report", "collect_results", "write_report"]


@dataclass(frozen=True, eq=False)
class ReportResult:
    """What ``build_report`` did: where (``out``), the results it wrote (``results``, whose
    ``verdict`` decides ``passed``) and the files it wrote (``files``)."""

    out: Path
    results: ReportResults
    files: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.results.verdict.passed


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


@contextlib.contextmanager
def _one_thread(restore: int | None):
    """Every backend on one CPU thread inside, ``restore`` threads after (through each one's
    declared ``set_threads``; XLA keeps the pool it started with). Parity cases and training
    runs are small networks: a second thread only adds waiting, and where another program holds
    a core, torch's threads spin for milliseconds on every one of their microsecond operations.
    Timing runs after, on the report's threads. A hook that raises is left as it is (the
    thread record of ``configure_threads`` says so)."""
    hooks = [h for h in (b.hook("set_threads") for b in BACKENDS.values() if b.available()) if h]

    def set_all(n: int) -> None:
        for set_threads in hooks:
            with contextlib.suppress(Exception):
                set_threads(n)

    set_all(1)
    try:
        yield
    finally:
        set_all(restore or 1)


def _progress_total(data: ReportData, quick: bool, pairs, dtypes) -> int:
    n_cases = len(parity_cases(data, quick))
    n_train = len(training_methods(training_steps(quick), 1, 1.0))
    n_timing = len(standard_workloads(quick)) * len(pairs) * len(dtypes)
    return n_cases * len(dtypes) + n_train + len(convention_names(quick)) + n_timing + 3


def collect_results(data: ReportData, *, quick: bool, devices: tuple[str, ...], dtypes: tuple[str, ...],
                    repeats: int, threads: dict, started: float, bar) -> ReportResults:
    """Run every section once, each robust to a backend that raises, into the results."""
    pairs, not_run = _plan(devices, BACKENDS.values())
    # The vectorisation claim first, before torch and JAX have started thread pools that
    # would compete with NumPy's BLAS for the cores (the notes measure NumPy alone).
    bar.set_description("vectorisation")
    vectorisation = measure_vectorisation(quick)
    bar.update(1)
    with _one_thread(threads.get("threads")):
        parity, parity_skipped = run_parity(parity_cases(data, quick), available_backends(), devices, dtypes,
                                            progress=bar)
        training, training_skipped = run_training(data, training_steps(quick), pairs, dtypes, progress=bar)
        # On the CPU where it was asked for (formulas do not depend on the device); with
        # --device cuda alone, on the GPU, or skipped with the reason where there is none.
        conventions, conventions_skipped, formulas = run_conventions(
            CONVENTION_EPOCHS[quick], progress=bar, only=convention_names(quick),
            device="cpu" if "cpu" in devices else devices[0])
    timing, limits, workloads, timing_skipped = run_timing(quick, pairs, devices, dtypes, repeats, progress=bar)
    # After timing, on the report's threads: the step-time part shares them among the workers.
    data_parallel, dp_drift, dp_skipped = run_data_parallel(quick, threads.get("threads") or 1, progress=bar)
    bar.set_description("environment, plots, report")
    return ReportResults(
        data=data, quick=quick, devices=devices, dtypes=dtypes, repeats=repeats, parity=parity, training=training,
        training_skipped=training_skipped, conventions=conventions, conventions_skipped=conventions_skipped,
        formulas=formulas, timing=flag_busy(timing), limits=limits, workloads=workloads, timing_skipped=timing_skipped,
        parity_skipped=parity_skipped,
        vectorisation=vectorisation,
        environment=collect_environment(threads), not_run=not_run, available=[b.name for b in available_backends()],
        unavailable={b.name: b.unavailable_reason() for b in BACKENDS.values() if not b.available()},
        reference=reference_backend().name, seconds=time.perf_counter() - started, data_parallel=data_parallel,
        data_parallel_drift=dp_drift, data_parallel_skipped=dp_skipped)


def write_report(results: ReportResults, folder: Path) -> tuple[str, ...]:
    """The data files, the figures, ``report.md`` and ``report.html`` (made from the Markdown)
    into ``folder``; returns the names written."""
    folder = Path(folder)
    write_data_files(results, folder)
    figures = {
        "training": plots.plot_training(results.training, folder),
        "training_diff": plots.plot_training_diff(results.training, folder),
        "conventions": plots.plot_conventions(results.conventions, folder),
        "step": plots.plot_step_times(results.timing, folder) if not results.timing.empty else None,
        "sweep_m": plots.plot_sweep(results.timing, "m", folder),
        "sweep_width": plots.plot_sweep(results.timing, "width", folder),
        "data_parallel": plots.plot_data_parallel(results.data_parallel, folder),
    }
    blocks = prose.report_blocks(results, {key: (path.name if path else None) for key, path in figures.items()})
    markdown = render.render_markdown(blocks)
    (folder / "report.md").write_text(markdown)
    (folder / "report.html").write_text(render.markdown_to_html(markdown, folder, prose.TITLE))
    return tuple(sorted(p.name for p in folder.iterdir()))


def build_report(out: str | os.PathLike, *, quick: bool = False, devices=("cpu", "cuda"),
                 dtypes=("float64", "float32"), data=None, repeats: int | None = None,
                 progress: bool = True) -> ReportResult:
    """Run every section and write the report into ``out`` (replacing an earlier report
    there only on success). Raises ``ReportError`` for bad data or a foreign ``out``."""
    started = time.perf_counter()
    out = Path(out)
    check_out(out)
    # Threads first (unless the caller set them): XLA sizes its pool when JAX starts, which
    # the parity section does.
    threads = current_threads() or configure_threads()
    dataset = data if isinstance(data, ReportData) else resolve_dataset(data)
    devices, dtypes = tuple(devices), tuple(dtypes)
    repeats = repeats or (3 if quick else 20)
    pairs, _ = _plan(devices, BACKENDS.values())
    with staging(out) as tmp, tqdm(total=_progress_total(dataset, quick, pairs, dtypes), unit="task",
                                   file=sys.stderr, disable=not progress, dynamic_ncols=True) as bar:
        results = collect_results(dataset, quick=quick, devices=devices, dtypes=dtypes, repeats=repeats,
                                  threads=threads, started=started, bar=bar)
        files = write_report(results, tmp)
        bar.update(1)
    return ReportResult(out=out, results=results, files=files)
