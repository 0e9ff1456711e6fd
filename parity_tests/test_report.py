"""``nn-parity report`` end to end: the --quick report on built-in data, its files (the
conventions comparison and the training methods among them), the GPU-less path, --data, a
run with nothing to compare, the exit codes, a backend that raises (in every section, or a
third party's train on one timing workload: failed rows, the report completed, exit 1), and
that a previous report is replaced only on success. The sections' parts on synthetic input
are in test_report_sections.py."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parity import BACKENDS, Backend, tolerance
from reports import build as build_module
from reports import conventions as conventions_module
from reports import render as render_module
from reports import training as training_module
from reports.cli import main
from reports.flops import count_flops
from reports.timing import standard_workloads

from .helpers import once_per_session

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BACKEND_NAMES = tuple(BACKENDS)
PHASES = ("compile", "forward", "step")  # every backend; "floor" where it declares a native step
PARITY_COLUMNS = {"model", "case", "backend", "device", "dtype", "cost", "cost_rel_err", "grad_rel_err",
                  "cost_tol", "grad_tol", "passed"}
TIMING_COLUMNS = {"model", "workload", "backend", "device", "dtype", "phase", "median_s", "iqr_s", "repeats",
                  "flops", "bytes", "gflops", "limit_s", "ratio_to_limit", "threads", "m", "width", "sweep",
                  "timed_through", "ratio_to_floor", "busy_flag"}
TRAINING_COLUMNS = {"model", "case", "method", "backend", "device", "dtype", "batch_size", "learning_rate", "step",
                    "cost", "rel_diff_to_reference"}
CONVENTIONS_COLUMNS = {"optimizer", "backend", "device", "way", "step", "cost", "rel_diff_to_course", "max_rel_diff",
                       "final_params_rel_diff", "bound", "passed"}
METHODS = {"GD", "GD + decay", "Momentum", "Momentum + decay", "Adam", "Adam + decay"}
# The backends with the course-2 optimizers and each framework's defaults (the example
# autograd backend has neither: it is skipped with the reason).
OPTIMIZER_BACKENDS = tuple(n for n in BACKEND_NAMES if BACKENDS[n].unsupported(training="optimizer") is None)
DEFAULTS_BACKENDS = tuple(n for n in OPTIMIZER_BACKENDS if BACKENDS[n].hook("train_with_framework_defaults"))
NO_GPU = all(BACKENDS[n].device_reason("cuda") is not None for n in ("torch", "jax"))
# One thread: the suite's two workers share two cores (an in-process report would otherwise
# give every framework all the cores for the rest of the worker's tests).
QUICK = ["report", "--quick", "--no-progress", "--threads", "1"]
BROKEN = Path(__file__).resolve().parent / "broken_backends"


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    """The whole --quick report on the built-in data, with the progress bar on; (exit code,
    folder). Built once per test session (a minute of both cores): ``once_per_session``."""
    code, shared = once_per_session(tmp_path_factory, "quick-report", lambda folder: main(
        ["report", "--quick", "--threads", "1", "--out", str(folder / "report")]))
    return int(code), shared / "report"


# What each section returns when a test leaves it out: no rows (the report says so, as it
# does for a backend that supports nothing there).
_NO_ROWS = {
    "run_training": lambda *args, **kwargs: (pd.DataFrame(columns=list(training_module.TRAINING_COLUMNS)), []),
    "run_conventions": lambda *args, **kwargs: (pd.DataFrame(columns=list(conventions_module.CONVENTIONS_COLUMNS)),
                                                [], {}),
    "run_timing": lambda *args, **kwargs: (pd.DataFrame(), pd.DataFrame(), [], []),
    "run_data_parallel": lambda *args, **kwargs: (pd.DataFrame(), pd.DataFrame(), []),
}


def _leave_out(monkeypatch, *sections):
    """The report's ``sections`` (``run_training``, ...) return no rows: a test of one
    section's way to the exit code, or of the swap into place, runs only what it is about
    (every section's rows on every backend are the quick report's, above). Without the
    training and conventions rows, their figures are not drawn either (seconds each)."""
    for section in sections:
        monkeypatch.setattr(build_module, section, _NO_ROWS[section])


@pytest.fixture
def no_timing(monkeypatch):
    """For the tests of exit codes and of the atomic swap: the timing section (the slowest,
    and covered by the quick report above) returns no rows, and so does the data-parallel one
    (worker launches, seconds each; covered there too)."""
    _leave_out(monkeypatch, "run_timing", "run_data_parallel")


def _old_report(out):
    """A stand-in for a previous report: the marker files plus one stale file."""
    out.mkdir(parents=True)
    for name in ("report.md", "environment.json", "parity.csv"):
        (out / name).write_text(f"old {name}\n")
    (out / "stale.txt").write_text("from the previous report\n")


def _only(monkeypatch, *names):
    """Keep only the backends ``names`` registered for this test: the runs that test the
    report's plumbing (exit codes, the swap into place) need no JAX compilations."""
    for name in [n for n in BACKENDS if n not in names]:
        monkeypatch.delitem(BACKENDS, name)


def _true(value) -> bool:
    """A pass/fail cell of a CSV read back: True, or the text "True"."""
    return value is True or value is np.True_ or value == "True"


def _leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_quick_report_completes_and_passes(quick_report):
    code, out = quick_report
    assert code == 0
    for name in ("parity.csv", "timing.csv", "training.csv", "conventions.csv", "conventions_formulas.csv",
                 "vectorisation.csv", "environment.json", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0, name
    assert _leftovers(out.parent) == []


@pytest.mark.parametrize("name, columns", [
    pytest.param("parity.csv", PARITY_COLUMNS, id="parity"),
    pytest.param("timing.csv", TIMING_COLUMNS, id="timing"),
    pytest.param("training.csv", TRAINING_COLUMNS, id="training"),
])
def test_csv_has_every_backend_and_the_columns(quick_report, name, columns):
    table = pd.read_csv(quick_report[1] / name)
    assert columns <= set(table.columns)
    assert set(table["backend"]) == set(BACKEND_NAMES)
    assert set(table["dtype"]) == {"float64", "float32"}
    assert "cpu" in set(table["device"])


def test_parity_csv_all_within_tolerance(quick_report):
    parity = pd.read_csv(quick_report[1] / "parity.csv")
    assert parity["passed"].all()
    assert (parity["grad_rel_err"] <= parity["grad_tol"]).all()
    assert parity["case"].str.startswith("data-flower").any()  # the data set's own parity case


def test_timing_csv_has_every_phase_and_both_sweeps(quick_report):
    timing = pd.read_csv(quick_report[1] / "timing.csv")
    assert set(timing["phase"]) <= {*PHASES, "floor"}
    assert set(timing["sweep"].dropna()) == {"m", "width"}
    for backend in BACKEND_NAMES:
        rows = timing[timing["backend"] == backend]
        assert set(PHASES) <= set(rows["phase"]), backend
        if "floor" in set(rows["phase"]):  # the framework floor, and the step's ratio to it
            assert (rows.loc[rows["phase"] == "step", "ratio_to_floor"] > 0).all(), backend
    for backend in ("numpy", "torch", "jax"):  # the built-ins declare their native step and floor
        rows = timing[timing["backend"] == backend]
        assert "floor" in set(rows["phase"]) and (rows["timed_through"] == "native step").all(), backend
    # The derived columns are the measured ones, row by row, and the FLOPs the workload's count.
    assert np.allclose(timing["gflops"], timing["flops"] / timing["median_s"] / 1e9)
    assert np.allclose(timing["ratio_to_limit"], timing["median_s"] / timing["limit_s"])
    workloads = {w.name: w for w in standard_workloads(quick=True)}
    for row in timing.itertuples():
        counted = "step" if row.phase == "floor" else row.phase
        assert row.flops == count_flops(workloads[row.workload], counted), (row.workload, row.phase)
    assert timing["error"].isna().all()  # no backend raised
    # The compute-bound workload is timed for every backend, outside the sweeps.
    bound = timing[timing["workload"] == "compute-bound"]
    assert set(bound["backend"]) == set(BACKEND_NAMES) and bound["sweep"].isna().all()


def test_timing_section_shows_floors_flags_and_compute_bound(quick_report):
    text = (quick_report[1] / "report.md").read_text()
    timing = pd.read_csv(quick_report[1] / "timing.csv", keep_default_na=False)
    for column in ("| timed through", "floor ms", "step / floor", "step / limit", "busy?"):
        assert column in text, column
    assert "| compute-bound " in text and "(64, 64, 64, 10)" in text
    # The thresholds are stated whether or not a row was flagged; flagged rows get the advice.
    assert "iqr/median exceeds 0.5" in text
    flagged = timing[timing["busy_flag"] != ""]
    assert ("look disturbed" in text and "--threads 1" in text) == (not flagged.empty)


def test_training_curves_agree_with_reference(quick_report):
    training = pd.read_csv(quick_report[1] / "training.csv")
    assert set(training["method"]) == METHODS
    steps = training.groupby(["method", "backend", "dtype"])["step"].count()
    assert steps.nunique() == 1 and steps.iloc[0] >= 10
    worst = training.groupby("dtype")["rel_diff_to_reference"].max()
    for dtype in ("float64", "float32"):
        assert worst[dtype] <= tolerance(dtype).grad, (dtype, worst[dtype])
    # Every method on every backend that supports it; plain GD on every backend.
    for method in METHODS:
        ran = set(training.loc[training["method"] == method, "backend"])
        assert set(OPTIMIZER_BACKENDS) <= ran, method
    assert set(training.loc[training["method"] == "GD", "backend"]) == set(BACKEND_NAMES)
    # Decay changes the run: the same method without it ends elsewhere.
    final = training.groupby(["method", "backend", "dtype"])["cost"].last()
    assert abs(final[("Adam", "numpy", "float64")] - final[("Adam + decay", "numpy", "float64")]) > 1e-3


def test_conventions_csv_three_ways_and_the_bound(quick_report):
    table = pd.read_csv(quick_report[1] / "conventions.csv")
    assert CONVENTIONS_COLUMNS <= set(table.columns)
    bound = tolerance("float64").grad
    assert {"Momentum", "RMSprop"} <= set(table["optimizer"])
    for optimizer, rows in table.groupby("optimizer"):
        assert set(rows.loc[rows["way"] == "course", "backend"]) == {"numpy"}
        for backend in OPTIMIZER_BACKENDS[1:]:
            ways = set(rows.loc[rows["backend"] == backend, "way"])
            expected = {"configured to match"} | ({"framework defaults"} if backend in DEFAULTS_BACKENDS else set())
            assert ways == expected, (optimizer, backend, ways)
    configured = table[table["way"] == "configured to match"]
    assert not configured.empty and configured["passed"].map(_true).all()
    assert (configured["rel_diff_to_course"] <= bound).all() and (configured["max_rel_diff"] <= bound).all()
    # torch's own momentum (undamped, buf = dW at step 1) starts where the course does, then leaves it.
    torch_momentum = table[(table["optimizer"] == "Momentum") & (table["backend"] == "torch")
                           & (table["way"] == "framework defaults")].set_index("step")["rel_diff_to_course"]
    assert torch_momentum[1] <= bound and torch_momentum[2] > 1e-3
    # optax's rmsprop puts ε inside the square root; torch's is the course's formula.
    rms = table[(table["optimizer"] == "RMSprop") & (table["way"] == "framework defaults")]
    assert rms.loc[rms["backend"] == "jax", "max_rel_diff"].iloc[0] > 1e-6
    assert rms.loc[rms["backend"] == "torch", "max_rel_diff"].iloc[0] <= bound
    formulas = pd.read_csv(quick_report[1] / "conventions_formulas.csv")
    assert set(formulas["backend"]) >= {"numpy", *DEFAULTS_BACKENDS}


def test_report_md_conventions_section_names_each_default_and_the_skips(quick_report):
    text = (quick_report[1] / "report.md").read_text()
    assert "## Optimizer conventions" in text
    assert "torch.optim.SGD(lr=α, momentum=β)" in text and "optax.rmsprop" in text
    assert "configured to match" in text and "| pass " in text and "FAIL" not in text
    assert "torch Momentum leaves the course at step 2" in text
    for name in BACKEND_NAMES:
        if name not in OPTIMIZER_BACKENDS:
            assert BACKENDS[name].unsupported(training="optimizer", optimizer="Momentum") in text, name


def test_environment_json(quick_report):
    env = json.loads((quick_report[1] / "environment.json").read_text())
    assert env["python"].count(".") == 2
    assert env["versions"]["numpy"] == np.__version__
    assert env["versions"]["torch"] and env["versions"]["jax"] and env["versions"]["optax"]
    assert env["cpu"]["logical_cores"] >= 1 and env["threads"]["threads"] >= 1
    assert "commit" in env and "gpu" in env
    assert set(env["gpu"]["backends"]) == set(BACKEND_NAMES)
    if NO_GPU:
        assert all(isinstance(reason, str) and reason for reason in env["gpu"]["backends"].values())


def test_report_md_environment_and_gpu_lines(quick_report):
    text = (quick_report[1] / "report.md").read_text()
    assert "threads: threads" not in text and "; threads: " in text
    assert "DESIGN.md" not in text and "CONTRACT.md" in text
    if NO_GPU:
        # The default --device all: GPU rows are skipped with each backend's reason, exit 0.
        assert quick_report[0] == 0
        assert "GPU rows were not run" in text and "unverified" in text
        assert BACKENDS["torch"].device_reason("cuda") in text and BACKENDS["jax"].device_reason("cuda") in text


def test_report_md_measures_the_300x_claim(quick_report):
    text = (quick_report[1] / "report.md").read_text()
    vec = pd.read_csv(quick_report[1] / "vectorisation.csv")
    assert "300×" in text
    assert set(vec["experiment"]) == {"dot", "logistic-gradient"}
    assert (vec["speedup"] > 1).all() and (vec["max_abs_diff"] < 1e-6).all()
    for speedup in vec["speedup"]:
        assert f"**{speedup:.0f}×**" in text


def test_data_parallel_section_shows_the_defaults_drift_and_names_what_it_skipped(quick_report):
    out = quick_report[1]
    text = (out / "report.md").read_text()
    accuracy = pd.read_csv(out / "data_parallel.csv", keep_default_na=False)
    drift = pd.read_csv(out / "data_parallel_drift.csv", keep_default_na=False)
    assert "## Data parallel" in text and "**Skipped**: quick report" in text
    assert set(accuracy["backend"]) == {"numpy"} and accuracy["passed"].map(_true).all()
    with_defaults = {n for n in ("torch", "jax") if BACKENDS[n].hook("train_with_distributed_defaults")}
    assert with_defaults and set(drift["backend"]) == with_defaults
    # The mean of shard means leaves the course (the 17-example batch splits 9/8), and it is shown.
    assert (drift.groupby("backend")["rel_diff_to_course"].max() > tolerance("float64").grad).all()
    for backend in with_defaults:
        assert f"{backend} at k = 2 leaves the course at step" in text


def test_pngs_are_valid_and_linked(quick_report):
    out = quick_report[1]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["conventions.png", "step_time.png", "sweep_m.png", "sweep_width.png", "training_cost.png",
                    "training_diff.png"]
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    for name in pngs:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
        assert f"]({name})" in md
    # Self-contained: every figure embedded, no link to a file beside it.
    assert html.count("data:image/png;base64,") == len(pngs)
    assert ".png" not in html


def test_device_cuda_asked_for_without_gpu_exits_2_with_the_reason(tmp_path, capsys):
    if not NO_GPU:
        pytest.skip("a GPU is present: --device cuda runs (the GPU report is checked where there is one)")
    out = tmp_path / "report"
    _old_report(out)
    assert main([*QUICK, "--device", "cuda", "--dtype", "float64", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--device cuda" in err and BACKENDS["torch"].device_reason("cuda") in err
    assert (out / "stale.txt").exists()  # nothing was replaced
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["render", "plots"])
def test_failure_midway_keeps_the_previous_report(tmp_path, no_timing, monkeypatch, where):
    out = tmp_path / "report"
    _old_report(out)

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    _only(monkeypatch, "numpy", "torch")
    # Parity and the conventions (their CSVs and conventions.png) are written before either failure.
    _leave_out(monkeypatch, "run_training")
    if where == "render":  # after every CSV and PNG is written
        monkeypatch.setattr(render_module, "markdown_to_html", boom)
    else:
        monkeypatch.setattr("reports.plots.plot_training", boom)
    with pytest.raises(RuntimeError, match="simulated failure"):
        main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["environment.json", "parity.csv", "report.md", "stale.txt"]
    assert (out / "parity.csv").read_text() == "old parity.csv\n"
    assert _leftovers(tmp_path) == []  # the partial folder was removed


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path, capsys):
    (tmp_path / "precious.txt").write_text("keep me")
    assert main([*QUICK, "--out", str(tmp_path)]) == 2
    assert "refusing to replace" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_data_npz(tmp_path, no_timing, monkeypatch):
    # The data reaches parity (its own case) and training (every method trains on it the same
    # way, so plain GD stands for them); the conventions run on the flower data whatever --data.
    _leave_out(monkeypatch, "run_conventions")
    monkeypatch.setattr(build_module, "parity_cases", lambda data, quick: [data.case()])
    real_methods = training_module.training_methods
    monkeypatch.setattr(training_module, "training_methods", lambda *args: real_methods(*args)[:1])
    rng = np.random.RandomState(0)
    X = rng.randn(3, 60)
    labels = (X[0] + 0.5 * X[1] > 0).astype(int)
    np.savez(tmp_path / "mine.npz", X=X, Y=labels)
    out = tmp_path / "report"
    code = main([*QUICK, "--device", "cpu", "--dtype", "float64", "--data", str(tmp_path / "mine.npz"),
                 "--out", str(out)])
    assert code == 0
    parity = pd.read_csv(out / "parity.csv")
    assert parity.loc[parity["case"] == "data-mine.npz", "backend"].tolist() == list(BACKEND_NAMES)
    training = pd.read_csv(out / "training.csv")
    assert set(training["backend"]) == set(BACKEND_NAMES) and set(training["method"]) == {"GD"}
    assert training["case"].str.startswith("mine.npz (3, 8, 4, 1)").all()
    text = (out / "report.md").read_text()
    # The data and its task are two items of the header, never run together.
    assert "\n- Data: **mine.npz**: " in text and "\n- Task: **binary** (task inferred" in text


@pytest.mark.parametrize("data, message", [
    pytest.param("missing.npz", "does not exist", id="missing-file"),
    pytest.param("data.txt", "unknown file extension", id="bad-extension"),
    pytest.param("no-such-builtin", "unknown built-in", id="unknown-name"),
])
def test_bad_data_exits_2_with_a_message(tmp_path, capsys, data, message):
    arg = str(tmp_path / data) if "." in data else data
    out = tmp_path / "report"
    assert main([*QUICK, "--data", arg, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error: cannot use --data" in err and message in err
    assert not out.exists() and _leftovers(tmp_path) == []


def test_parity_failure_gives_exit_code_1(tmp_path, no_timing, monkeypatch):
    real = build_module.run_parity

    def failing(*args, **kwargs):
        table, skipped = real(*args, **kwargs)
        table.loc[table.index[-1], "passed"] = False
        return table, skipped

    monkeypatch.setattr(build_module, "run_parity", failing)
    _only(monkeypatch, "numpy", "torch")
    _leave_out(monkeypatch, "run_training", "run_conventions")  # parity alone decides the exit code
    out = tmp_path / "report"
    # float64 on the CPU only, two backends: the smallest report that has parity rows.
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    text = (out / "report.md").read_text()
    assert "**FAIL**: 1 of" in text and "## Errors" not in text  # a failed comparison, not an error


def test_configured_optimizer_off_the_course_gives_exit_code_1(tmp_path, no_timing, monkeypatch):
    # torch configured to the course, but one step's cost off by 1e-9 (above the float64
    # bound, far below anything a plot would show): the report must fail on it, as on parity.
    real = Backend.train

    def drifting(self, model, *args, **hyper):
        params, costs = real(self, model, *args, **hyper)
        if self.name == "torch" and "optimizer" in hyper:
            costs = list(costs)
            costs[3] *= 1 + 1e-9
        return params, costs

    monkeypatch.setattr(Backend, "train", drifting)
    _only(monkeypatch, "numpy", "torch", "jax")
    # The conventions alone can fail this report: no training rows, parity on the data's case.
    _leave_out(monkeypatch, "run_training")
    monkeypatch.setattr(build_module, "parity_cases", lambda data, quick: [data.case()])
    out = tmp_path / "report"
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    text = (out / "report.md").read_text()
    assert "**PASS**" in text  # parity itself passed
    assert "framework trajectories configured to the course's formulas leave the float64 bound" in text
    table = pd.read_csv(out / "conventions.csv")
    configured = table[table["way"] == "configured to match"].groupby("backend")["passed"].first().map(_true)
    assert not configured["torch"] and configured["jax"]


def test_nothing_to_compare_says_so_and_names_the_unusable(tmp_path, no_timing, monkeypatch, capsys):
    # Only the reference can run, beside a backend whose package is missing; outside a checkout.
    from parity import reference_backend
    from reports import environment as environment_module

    _only(monkeypatch, reference_backend().name)
    _leave_out(monkeypatch, "run_training")  # parity's count decides; the conventions' rows are read below
    monkeypatch.setitem(BACKENDS, "ghost", Backend("ghost", "no_such_backend_package_here", "command line"))
    monkeypatch.setattr(environment_module, "_git_commit",
                        lambda: {"commit": None, "commit_reason": "not a git checkout"})
    out = tmp_path / "report"
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    assert "nothing to compare" in capsys.readouterr().out
    text = (out / "report.md").read_text()
    assert "**Nothing to compare**" in text and "**PASS**" not in text
    assert "ghost (no_such_backend_package_here cannot be imported" in text
    assert "no commit (not a git checkout)" in text and "not a git ch`" not in text
    conventions = pd.read_csv(out / "conventions.csv")
    assert set(conventions["way"]) == {"course"}


@pytest.mark.parametrize("argv", [["report", "--quick", "--help"], ["--quick", "--help"]], ids=["subcommand", "bare"])
def test_python_dash_m_reports_is_the_report_command(argv):
    # ``python -m reports [flags]`` means ``nn-parity report [flags]``: the flags reach the
    # report's parser, whose help (not the top-level one) lists --data.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reports", *argv], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--data FILE_OR_NAME" in done.stdout


def test_a_backend_that_raises_in_every_section_gets_failed_rows_and_the_report_completes(
        tmp_path, no_timing, monkeypatch, capsys):
    # torch raises on every cost_and_grads and train: parity, training and the configured
    # conventions runs. Each becomes torch's failed rows with the message; numpy's rows, the
    # framework-defaults runs and every file are still there; the report says FAIL; exit 1.
    message = "simulated backend failure"
    for method in ("cost_and_grads", "train"):
        real = getattr(Backend, method)

        def raising(self, *args, _real=real, **kwargs):
            if self.name == "torch":
                raise RuntimeError(message)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(Backend, method, raising)
    _only(monkeypatch, "numpy", "torch")
    out = tmp_path / "report"
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    assert f"raised: parity torch cpu float64 hidden-relu: RuntimeError: {message}" in capsys.readouterr().out
    for name in ("parity.csv", "training.csv", "conventions.csv", "report.md", "report.html", "training_cost.png"):
        assert (out / name).stat().st_size > 0, name
    parity = pd.read_csv(out / "parity.csv", keep_default_na=False)
    torch_rows = parity[parity["backend"] == "torch"]
    assert not torch_rows.empty and not torch_rows["passed"].map(_true).any()
    assert (torch_rows["error"] == f"RuntimeError: {message}").all()
    assert parity.loc[parity["backend"] == "numpy", "passed"].map(_true).all()
    training = pd.read_csv(out / "training.csv", keep_default_na=False)
    assert set(training.loc[training["backend"] == "torch", "error"]) == {f"RuntimeError: {message}"}
    assert set(training.loc[training["backend"] == "torch", "method"]) == METHODS
    assert (training.loc[training["backend"] == "numpy", "error"] == "").all()
    conventions = pd.read_csv(out / "conventions.csv", keep_default_na=False)
    configured = conventions[(conventions["backend"] == "torch") & (conventions["way"] == "configured to match")]
    assert not configured.empty and (configured["error"] == f"RuntimeError: {message}").all()
    assert not configured["passed"].map(_true).any()
    defaults = conventions[(conventions["backend"] == "torch") & (conventions["way"] == "framework defaults")]
    assert not defaults.empty and (defaults["error"] == "").all()  # the hook itself did not raise
    text = (out / "report.md").read_text()
    assert "## Errors" in text and "**PASS**" not in text and "backend runs raised an exception" in text
    assert f"training: torch cpu float64, GD: `RuntimeError: {message}`" in text
    env = json.loads((out / "environment.json").read_text())["report"]
    assert env["passed"] is False and {e["section"] for e in env["errors"]} == {"parity", "training", "conventions"}


def test_a_third_party_train_that_raises_on_one_workload_fails_its_timing_row_only(tmp_path, monkeypatch, capsys):
    # broken_train_raises has no native step, so it is timed through its train, which raises on
    # the compute-bound softmax workload: that row fails with the message, its other workloads
    # are timed, the rest of the report is complete, and the report exits 1.
    monkeypatch.syspath_prepend(str(BROKEN))
    from broken_train_raises.deep import MESSAGE

    _only(monkeypatch, "numpy")
    # Timing and parity are read below; the sections that never call its train's timing are left out.
    _leave_out(monkeypatch, "run_training", "run_conventions", "run_data_parallel")
    monkeypatch.setitem(BACKENDS, "broken_train_raises",
                        Backend("broken_train_raises", "broken_train_raises", "command line"))
    out = tmp_path / "report"
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    assert f"compute-bound: RuntimeError: {MESSAGE}" in capsys.readouterr().out
    timing = pd.read_csv(out / "timing.csv", keep_default_na=False)
    broken = timing[timing["backend"] == "broken_train_raises"]
    failed = broken[broken["error"] != ""]
    assert failed[["workload", "phase", "error"]].values.tolist() == [
        ["compute-bound", "step", f"RuntimeError: {MESSAGE}"]]
    timed = set(broken.loc[broken["error"] == "", "workload"])
    # Every deep workload but the softmax one (it has no logistic model: skipped, not failed).
    assert timed == {w.name for w in standard_workloads(quick=True) if w.model == "deep"} - {"compute-bound"}
    assert (broken.loc[broken["error"] == "", "timed_through"] == "public train").all()
    assert set(timing.loc[timing["backend"] == "numpy", "workload"]) == {w.name for w in standard_workloads(True)}
    parity = pd.read_csv(out / "parity.csv")
    assert parity.loc[parity["backend"] == "broken_train_raises", "passed"].all()  # its cost_and_grads is right
    text = (out / "report.md").read_text()
    assert f"timing: broken_train_raises cpu float64, compute-bound: `RuntimeError: {MESSAGE}`" in text
    assert "**FAIL**: 1 backend run raised an exception" in text
    for name in ("step_time.png", "sweep_m.png", "sweep_width.png", "report.html"):
        assert (out / name).stat().st_size > 0, name
