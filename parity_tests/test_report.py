"""``nn-parity report`` end to end: the --quick report on built-in data, its files, the
GPU-less path, --data, and that a previous report is replaced only on success."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from parity import BACKENDS, tolerance
from reports import build as build_module
from reports import render as render_module
from reports.cli import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BACKEND_NAMES = tuple(BACKENDS)
PHASES = ("compile", "forward", "step")
PARITY_COLUMNS = {"model", "case", "backend", "device", "dtype", "cost", "cost_rel_err", "grad_rel_err",
                  "cost_tol", "grad_tol", "passed"}
TIMING_COLUMNS = {"model", "workload", "backend", "device", "dtype", "phase", "median_s", "iqr_s", "repeats",
                  "flops", "bytes", "gflops", "limit_s", "ratio_to_limit", "threads", "m", "width", "sweep"}
TRAINING_COLUMNS = {"model", "case", "backend", "device", "dtype", "batch_size", "step", "cost",
                    "rel_diff_to_reference"}
NO_GPU = all(BACKENDS[n].device_reason("cuda") is not None for n in ("torch", "jax"))
QUICK = ["report", "--quick", "--no-progress"]


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    """The whole --quick report on the built-in data, with the progress bar on; (exit code, folder)."""
    out = tmp_path_factory.mktemp("quick") / "report"
    code = main(["report", "--quick", "--out", str(out)])
    return code, out


def _old_report(out):
    """A stand-in for a previous report: the marker files plus one stale file."""
    out.mkdir(parents=True)
    for name in ("report.md", "environment.json", "parity.csv"):
        (out / name).write_text(f"old {name}\n")
    (out / "stale.txt").write_text("from the previous report\n")


def _leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_quick_report_completes_and_passes(quick_report):
    code, out = quick_report
    assert code == 0
    for name in ("parity.csv", "timing.csv", "training.csv", "vectorisation.csv", "environment.json",
                 "report.md", "report.html"):
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
    assert set(timing["phase"]) == set(PHASES)
    assert set(timing["sweep"].dropna()) == {"m", "width"}
    for backend in BACKEND_NAMES:
        assert set(timing.loc[timing["backend"] == backend, "phase"]) == set(PHASES), backend
    assert (timing["median_s"] > 0).all() and (timing["gflops"] > 0).all()
    assert (timing["ratio_to_limit"] > 0).all()


def test_training_curves_agree_with_reference(quick_report):
    training = pd.read_csv(quick_report[1] / "training.csv")
    steps = training.groupby(["backend", "dtype"])["step"].count()
    assert steps.nunique() == 1 and steps.iloc[0] >= 10
    worst = training.groupby("dtype")["rel_diff_to_reference"].max()
    for dtype in ("float64", "float32"):
        assert worst[dtype] <= tolerance(dtype).grad, (dtype, worst[dtype])


def test_environment_json(quick_report):
    env = json.loads((quick_report[1] / "environment.json").read_text())
    assert env["python"].count(".") == 2
    assert env["versions"]["numpy"] == np.__version__
    assert env["versions"]["torch"] and env["versions"]["jax"]
    assert env["cpu"]["logical_cores"] >= 1 and env["threads"]["threads"] >= 1
    assert "commit" in env and "gpu" in env
    if NO_GPU:
        assert env["gpu"]["torch"] is None and env["gpu"]["torch_reason"]


def test_report_md_measures_the_300x_claim(quick_report):
    text = (quick_report[1] / "report.md").read_text()
    vec = pd.read_csv(quick_report[1] / "vectorisation.csv")
    assert "300×" in text
    assert set(vec["experiment"]) == {"dot", "logistic-gradient"}
    assert (vec["speedup"] > 1).all() and (vec["max_abs_diff"] < 1e-6).all()
    for speedup in vec["speedup"]:
        assert f"**{speedup:.0f}×**" in text


def test_pngs_are_valid_and_linked(quick_report):
    out = quick_report[1]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["step_time.png", "sweep_m.png", "sweep_width.png", "training_cost.png"]
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    for name in pngs:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
        assert f"]({name})" in md
    # Self-contained: every figure embedded, no link to a file beside it.
    assert html.count("data:image/png;base64,") == len(pngs)
    assert ".png" not in html


def test_device_cuda_without_gpu_completes_and_says_why(tmp_path, capsys):
    out = tmp_path / "report"
    _old_report(out)
    code = main([*QUICK, "--device", "cuda", "--dtype", "float64", "--out", str(out)])
    assert code == 0
    assert not (out / "stale.txt").exists()  # the previous report was replaced, as a whole
    text = (out / "report.md").read_text()
    parity = pd.read_csv(out / "parity.csv")
    assert PARITY_COLUMNS <= set(parity.columns)  # the header, even with no rows
    if NO_GPU:
        assert "GPU rows were not run" in text and "unverified" in text
        assert BACKENDS["torch"].device_reason("cuda") in text and BACKENDS["jax"].device_reason("cuda") in text
        assert parity.empty
        assert "torch on cuda" in capsys.readouterr().out
    else:
        assert set(parity["device"]) == {"cuda"} and parity["passed"].all()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["render", "plots"])
def test_failure_midway_keeps_the_previous_report(tmp_path, monkeypatch, where):
    out = tmp_path / "report"
    _old_report(out)

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    if where == "render":  # after every CSV and PNG is written
        monkeypatch.setattr(render_module, "render_html", boom)
    else:
        monkeypatch.setattr("reports.plots.plot_training", boom)
    with pytest.raises(RuntimeError, match="simulated failure"):
        main([*QUICK, "--device", "cuda", "--dtype", "float64", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["environment.json", "parity.csv", "report.md", "stale.txt"]
    assert (out / "parity.csv").read_text() == "old parity.csv\n"
    assert _leftovers(tmp_path) == []  # the partial folder was removed


def test_refuses_to_replace_a_folder_that_is_not_a_report(tmp_path, capsys):
    (tmp_path / "precious.txt").write_text("keep me")
    assert main([*QUICK, "--out", str(tmp_path)]) == 2
    assert "refusing to replace" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_data_npz(tmp_path):
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
    assert set(training["backend"]) == set(BACKEND_NAMES)
    assert training["case"].str.startswith("mine.npz (3, 8, 4, 1)").all()
    assert "mine.npz" in (out / "report.md").read_text()


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


def test_parity_failure_gives_exit_code_1(tmp_path, monkeypatch):
    real = build_module._parity

    def failing(*args, **kwargs):
        table = real(*args, **kwargs)
        table.loc[table.index[-1], "passed"] = False
        return table

    monkeypatch.setattr(build_module, "_parity", failing)
    out = tmp_path / "report"
    # float64 on the CPU only: the smallest report that has parity rows.
    assert main([*QUICK, "--device", "cpu", "--dtype", "float64", "--out", str(out)]) == 1
    assert "**FAIL**: 1 of" in (out / "report.md").read_text()


@pytest.mark.parametrize("argv", [["report", "--quick", "--help"], ["--quick", "--help"]], ids=["subcommand", "bare"])
def test_python_dash_m_reports_is_the_report_command(argv):
    # ``python -m reports [flags]`` means ``nn-parity report [flags]``: the flags reach the
    # report's parser, whose help (not the top-level one) lists --data.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reports", *argv], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--data FILE_OR_NAME" in done.stdout
