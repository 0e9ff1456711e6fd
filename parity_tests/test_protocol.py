"""The backend protocol (CONTRACT.md, "Backends"): one registry, declarations and probing,
``nn-parity check`` catching and naming each deliberately broken backend, the pytest plugin,
timing through the protocol, and the harness free of any framework's name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parity import BACKENDS, BackendError, Backend, reference_backend, register_backend
from parity.conformance import SECTIONS, Runner, gradient_check, run_conformance, summarise
from parity.runner import merge_needs
from parity.sections.data_parallel import DATA_PARALLEL
from nn_contract import ModelSpec, init_params

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).resolve().parent / "broken_backends"
EXAMPLE = ROOT / "examples" / "nn_parity_autograd"
sys.path.insert(0, str(BROKEN))


@pytest.fixture(autouse=True, scope="module")
def _registry_restored():
    """The broken backends registered here leave the shared registry when the module ends,
    so that tests run later in the same worker (the report's) see only the installed ones."""
    before = dict(BACKENDS)
    yield
    BACKENDS.clear()
    BACKENDS.update(before)


def _run(*args, env_extra=None, timeout=300):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BROKEN), str(EXAMPLE), str(ROOT)]),
               **(env_extra or {}))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=timeout)


def _broken(name: str) -> Backend:
    return register_backend(name, "command line")


# --------------------------------------------------------------------------- the harness names no framework

# parity/ and reports/ import no framework and no implementation package, in any form: they
# reach backends, the reference included, through the registry (the contract, nn_contract, is
# theirs to import).
_FORBIDDEN = ("torch", "jax", "jaxlib", "optax", "autograd", "torch_impl", "jax_impl", "reference_numpy")
_NAME = "|".join(_FORBIDDEN)
_NAMED = re.compile(rf"^[ \t]*(?:from[ \t]+(?:{_NAME})(?:\.\w+)*[ \t]+import\b"
                    rf"|import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*(?:{_NAME})(?:\.\w+)*(?![\w.]))",
                    re.M)


@pytest.mark.parametrize("name", _FORBIDDEN)
@pytest.mark.parametrize("form", ["import {}", "import {}.sub", "import {} as alias", "import {}.sub as alias",
                                  "import os, {}", "from {} import thing", "from {}.sub import thing",
                                  "from {}.sub.deeper import (thing,", "    import {}  # inside a function",
                                  "\tfrom {} import thing"])
def test_the_import_pattern_catches_every_form(name, form):
    line = form.format(name)
    assert _NAMED.search(f"x = 1\n{line}\n"), line


@pytest.mark.parametrize("line", ["import torchvision", "from torchvision import models", "import numpy",
                                  "from nn_contract import ModelSpec, optim", "from parity.registry import Backend",
                                  "from . import trajectories", "# import torch", "text = 'import torch'",
                                  "import reference_numpy_extras", "from jax_implementation import x"])
def test_the_import_pattern_leaves_other_imports_alone(line):
    assert not _NAMED.search(line), line


@pytest.mark.parametrize("folder", ["parity", "reports"])
def test_harness_and_reports_import_no_framework_or_implementation(folder):
    offenders = [f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for m in _NAMED.finditer(path.read_text())]
    assert offenders == []


# --------------------------------------------------------------------------- the registry


def test_builtins_are_found_as_entry_points_or_built_in():
    for name, package in (("numpy", "reference_numpy"), ("torch", "torch_impl"), ("jax", "jax_impl")):
        assert BACKENDS[name].package == package
        assert BACKENDS[name].source in ("built-in", "entry point")
        assert BACKENDS[name].models() == ("logistic", "deep")


def test_environment_variable_registers_a_backend():
    result = _run("-c", "from parity import BACKENDS; b = BACKENDS['broken_missing']; print(b.source, b.models())",
                  env_extra={"NN_PARITY_BACKENDS": "broken_missing"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["environment", "('deep',)"]


def test_register_refuses_what_cannot_be_a_backend(tmp_path, monkeypatch):
    with pytest.raises(BackendError, match="cannot be imported"):
        register_backend("no_such_package_anywhere")
    (tmp_path / "empty_pkg").mkdir()
    (tmp_path / "empty_pkg" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(BackendError, match="neither a 'deep' nor a 'logistic'"):
        register_backend("empty_pkg")
    assert "empty_pkg" not in BACKENDS


def test_a_missing_function_is_probed_and_skipped_with_the_reason():
    backend = _broken("broken_missing")
    assert backend.models() == ("deep",)
    assert backend.unsupported(model="deep", function="train") == "broken_missing has no deep.train"
    assert "no 'logistic' model" in backend.unsupported(model="logistic")
    assert backend.unsupported(model="deep", function="cost_and_grads", activation="leaky_relu") is None


def test_declared_capabilities_are_taken_at_their_word():
    assert BACKENDS["torch"].capabilities()["devices"] == ("cpu", "cuda")
    assert BACKENDS["numpy"].unsupported(device="cuda") == "the NumPy reference runs on the CPU only"


# --------------------------------------------------------------------------- broken backends, caught and named

BROKEN_CASES = [
    # (package, check, quantity, a regular expression the failure's detail must match)
    ("broken_db_sign", "parity", "db2", r"^db2 \(layer 2\): error .* > tolerance .*; worst entry \[\d+, 0\]: "
                                        r"got -?[\d.e-]+, expected -?[\d.e-]+"),
    ("broken_no_mean", "parity", r"d[Wb]\d", r"^d[Wb]\d \(layer \d\): error .* worst entry"),
    ("broken_dw_transposed", "parity", "dW1", r"^dW1 \(layer 1\): shape \(\d+, \d+\), expected .*\(transposed\?\)"),
    ("broken_leaky_kink", "convention", r"leaky_relu'\(0\)",
     r"^leaky_relu'\(0\): got 1, the contract says the slope \(0\.05\)$"),
    ("broken_saturation", "saturation", "finite cost and grads",
     r"^cost at saturation: got (?:nan|inf), the contract says finite"),
    ("broken_float64", "dtype-kept", "outputs", r": got float64, the contract keeps float32$"),
    ("broken_inplace", "arrays-untouched", "params, X, Y", r"^deep\.train changed the caller's params\['W1'\]"),
    # b = 0 in every built-in case: only the random architectures' nonzero biases show it
    ("broken_ignores_bias", "random-architecture", "cost", r"^cost: got -?[\d.e-]+, expected -?[\d.e-]+ \(relative error"),
]


# The defects above are in the math, the same in either dtype: float64's rows catch them. Two
# run both dtypes: broken_float64's defect is a float32 case's dtype, and broken_missing is the
# partial backend whose every supported row, in every dtype, must pass.
_BOTH_DTYPES = {"broken_float64", "broken_missing", "broken_relu_sigmoid_only"}


@pytest.fixture(scope="module")
def broken_tables():
    tables = {}

    def table(name):
        if name not in tables:
            dtypes = ("float64", "float32") if name in _BOTH_DTYPES else ("float64",)
            tables[name] = run_conformance(_broken(name), quick=True, dtypes=dtypes)
        return tables[name]

    return table


@pytest.mark.parametrize("package, check, quantity, detail", BROKEN_CASES, ids=[c[0] for c in BROKEN_CASES])
def test_each_broken_backend_is_caught_and_named(broken_tables, package, check, quantity, detail):
    table = broken_tables(package)
    failed = table[table["status"] == "failed"]
    hits = failed[(failed["check"] == check) & failed["quantity"].str.fullmatch(quantity)
                  & failed["detail"].str.contains(detail, regex=True)]
    assert not hits.empty, failed[["check", "quantity", "detail"]].head(8).to_string()


def test_a_trajectory_failure_names_its_first_step(broken_tables):
    table = broken_tables("broken_db_sign")
    rows = table[(table["check"] == "trajectory") & (table["status"] == "failed") & (table["quantity"] == "costs")]
    assert not rows.empty
    assert rows["detail"].str.match(r"first step that leaves tolerance is step \d+ of \d+: got").all()


def test_the_first_differing_layer_is_named_where_building_blocks_exist(broken_tables):
    table = broken_tables("broken_leaky_slope")
    rows = table[(table["check"] == "parity") & (table["case"] == "hidden-leaky_relu") & (table["status"] == "failed")]
    assert not rows.empty
    assert rows["detail"].str.contains(r"first layer that differs: A\[1\] = leaky_relu\(Z\[1\]\)").all()


def test_a_partial_backend_gets_the_checks_that_apply(broken_tables):
    table = broken_tables("broken_missing")
    summary = summarise(table)
    assert summary["failed"] == 0
    assert summary["passed"] > 50  # cost and gradient parity, conventions, bad input on cost_and_grads
    assert summary["skip_reasons"]["broken_missing has no deep.train"] > 0
    assert set(table.loc[table["status"] == "passed", "check"]) >= {"parity", "random-architecture", "convention"}


def test_a_relu_sigmoid_package_gets_saturation_finite_differences_and_random_architectures(broken_tables):
    """A package of the course's networks (ReLU hidden layers, a sigmoid output; full batches
    only) runs each check that has such a configuration, on it, and passes; the others skip with
    its refusal, mini-batches among them."""
    table = broken_tables("broken_relu_sigmoid_only")
    ran = table[table["status"] != "skipped"]
    assert (ran["status"] == "passed").all(), ran[ran["status"] != "passed"].head().to_string()
    saturation = ran[ran["check"] == "saturation"]
    assert sorted(saturation["dtype"][saturation["case"] == "saturated-relu-sigmoid"]) == ["float32", "float64"]
    assert list(ran.loc[ran["check"] == "finite-differences", "case"]) == ["fd-relu-sigmoid"]
    random = table[table["check"] == "random-architecture"]
    assert len(random) == 6 * 2 * 2 and (random["status"] == "passed").all()  # --quick: 6 cases, 2 dtypes, J and grads
    # bad input asked of its configuration: refused by its validation, after its own support
    # check; none skipped for an activation or output it refuses
    bad = table[table["check"] == "bad-input"]
    assert (bad["status"] == "passed").sum() > 10
    assert not bad["detail"].str.contains("refused (?:activation|output)").any(), bad["detail"].unique()
    trajectories = table[(table["check"] == "trajectory") & (table["case"].str.startswith("deep-relu-sigmoid"))]
    assert set(trajectories.loc[trajectories["status"] == "passed", "case"]) == {"deep-relu-sigmoid full-batch"}
    mini = trajectories[trajectories["case"] != "deep-relu-sigmoid full-batch"]
    assert len(mini) == 4 and mini["detail"].str.contains("refused training 'batch_size' when probed: ValueError").all()
    skipped = table[table["status"] == "skipped"]
    assert skipped["detail"].str.startswith("broken_relu_sigmoid_only").all(), skipped["detail"].unique()  # its own lack


def test_a_builtin_passes_every_check():
    # torch stands for the built-ins here (JAX's compile per shape makes it the slow one; the
    # rest of the suite holds it to the same checks). Every section but the data-parallel one,
    # whose torch rows are worker launches (seconds each) that test_data_parallel.py already
    # makes: torch at k = 2, 3 equals one device and the reference's definition
    # (test_torch_launches_equal_one_device_and_ddps_defaults_do_not: GD in batches of 64 with
    # uneven shards, L2 + dropout, Adam, ...), and test_data_parallel_section.py judges the
    # section's rows. Here: none of its checks is
    # skipped for torch (it declares world_size), so `nn-parity check torch` runs them all.
    sections = tuple(s for s in SECTIONS if s is not DATA_PARALLEL)
    assert len(sections) == len(SECTIONS) - 1
    table = run_conformance(BACKENDS["torch"], quick=True, dtypes=("float64",), sections=sections)
    summary = summarise(table)
    assert summary["failed"] == 0, table[table["status"] == "failed"].to_string()
    assert summary["skipped"] == 0 and summary["passed"] > 100
    runner = Runner(BACKENDS["torch"], reference_backend(), ("float64",), quick=True)
    planned = list(DATA_PARALLEL.checks(runner))  # the planned rows: nothing is launched until run
    assert planned
    assert [p.case for p in planned if runner.skip_reason(**merge_needs(DATA_PARALLEL.needs, p.needs))] == []


def test_the_example_backend_passes_every_check_it_supports():
    # examples/nn_parity_autograd, installed by `make` as a user would, found by its entry point.
    assert BACKENDS["autograd"].source == "entry point"
    table = run_conformance(BACKENDS["autograd"], quick=True)
    summary = summarise(table)
    assert summary["failed"] == 0, table[table["status"] == "failed"].to_string()
    assert summary["passed"] > 150
    # What it does not support is skipped with the reason it declares, never failed.
    assert all("does not declare" in reason for reason in summary["skip_reasons"])


def test_gradient_check_is_the_courses_difference():
    spec = ModelSpec((3, 4, 1), hidden_activation="tanh")
    params = init_params(spec, 1, "xavier")
    rng = np.random.RandomState(0)
    X, Y = rng.randn(3, 6), (rng.rand(1, 6) > 0.5).astype(float)
    difference, _ = gradient_check(BACKENDS["jax"], "deep", params, X, Y, spec)
    assert difference < 2e-7
    # A gradient off by 1 % in one layer is far outside the course's bound.
    difference, where = gradient_check(_broken("broken_db_sign"), "deep", params, X, Y, spec)
    assert difference > 1e-3 and where.startswith("worst entry db2")


# --------------------------------------------------------------------------- the command and the plugin


def test_check_command_exit_codes(tmp_path, capsys):
    from reports.cli import main

    # In process (one thread, as the suite's workers run): the same main() as the console script.
    common = ["--quick", "--dtype", "float64", "--no-progress", "--threads", "1"]
    assert main(["check", "broken_missing", *common, "--out", str(tmp_path / "ok")]) == 0
    out = capsys.readouterr().out
    assert "every supported check passed" in out
    assert re.search(r"skipped +\d+: broken_missing has no deep\.train", out)
    csv = (tmp_path / "ok" / "conformance.csv").read_text().splitlines()
    assert csv[0] == "check,case,quantity,dtype,device,status,error,tolerance,detail,function,cause"
    assert (tmp_path / "ok" / "conformance.html").read_text().startswith("<!DOCTYPE html>")
    assert "## Skipped" in (tmp_path / "ok" / "conformance.md").read_text()
    assert main(["check", "broken_db_sign", *common, "--out", str(tmp_path / "bad")]) == 1
    assert re.search(r"FAILED parity \[hidden-relu, float64, cpu\] db2: db2 \(layer 2\)", capsys.readouterr().out)
    for args, message in ((("no_such_package_anywhere",), "cannot be imported"),
                          (("broken_missing", "--against", "broken_missing"), "checked against itself"),
                          (("broken_missing", "--device", "cuda"), "cuda")):
        assert main(["check", *args, "--no-progress", "--threads", "1"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_pytest_backend_option_adds_the_backend_to_parametrized_tests():
    result = _run("-m", "pytest", "-p", "no:cacheprovider", "-q", "--backend", "broken_db_sign",
                  "parity_tests/test_parity.py::test_builtin_case", "-k", "hidden-relu and float64")
    # The built-ins pass; the broken backend joins the same test and fails it.
    assert result.returncode == 1, result.stdout[-2000:]
    assert re.search(r"FAILED .*test_builtin_case\[broken_db_sign-hidden-relu-float64\]", result.stdout)
    assert re.search(r"\b2 passed\b", result.stdout) and re.search(r"\b1 failed\b", result.stdout)


def test_pytest_backend_option_refuses_an_unknown_package():
    # The plugin refuses at configure, before the suite's conftest (its hypothesis profile) could
    # matter: --noconftest spares the subprocess those imports (two thirds of its CPU).
    result = _run("-m", "pytest", "-p", "no:cacheprovider", "-q", "--noconftest", "--backend",
                  "no_such_package_anywhere", "parity_tests/test_contract.py")
    assert result.returncode == 4 and "--backend no_such_package_anywhere" in result.stderr


def test_cli_validates_arguments_before_any_work(tmp_path, capsys):
    from reports.cli import main

    for args, message in ((("report", "--data", "/missing.npz"), "does not exist"),
                          (("report", "--backend", "no_such_package_anywhere"), "cannot be imported")):
        assert main([*args, "--out", str(tmp_path / "out"), "--threads", "1"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(SystemExit) as refused:  # argparse's own refusal: exit 2, before anything
        main(["report", "--threads", "0"])
    assert refused.value.code == 2 and "must be >= 1" in capsys.readouterr().err


# --------------------------------------------------------------------------- timing through the protocol


def test_timing_uses_the_native_step_or_labels_the_public_train():
    from reports.limits import MachineLimits
    from reports.timing import Workload, time_workload

    limits = MachineLimits("cpu", "float64", 1e10, 1e10)
    workload = Workload("tiny", "deep", (6, 4, 1), 8)
    native = time_workload(workload, BACKENDS["jax"], "cpu", "float64", repeats=2, limits=limits)
    assert [r["phase"] for r in native] == ["compile", "forward", "step", "floor"]
    assert {r["timed_through"] for r in native} == {"native step"}
    step = next(r for r in native if r["phase"] == "step")
    assert step["ratio_to_floor"] == pytest.approx(step["median_s"] / native[-1]["median_s"])
    public = time_workload(workload, _broken("broken_inplace"), "cpu", "float64", repeats=2, limits=limits)
    assert [r["phase"] for r in public] == ["compile", "forward", "step"]
    assert {r["timed_through"] for r in public} == {"public train"}


def test_the_parity_table_leaves_out_what_a_backend_does_not_support():
    from parity import builtin_cases, parity_table

    cases = [c for c in builtin_cases() if c.name in ("logistic-zeros", "hidden-relu", "hidden-tanh")]
    table = parity_table(cases, [_broken("broken_missing")], dtypes=("float64",))
    assert sorted(table["case"]) == ["hidden-relu", "hidden-tanh"]  # it has no logistic model
    assert table["passed"].all()


def test_dp_workers_says_how_a_backend_shares_its_threads(monkeypatch):
    """DP_WORKERS, read by the report's data-parallel timing: torch's workers are processes,
    JAX's devices and the reference's shards live in the caller's; undeclared is "processes";
    any other value is the declaration's error, named."""
    assert {n: BACKENDS[n].dp_workers for n in ("numpy", "torch", "jax")} == \
        {"numpy": "one process", "torch": "processes", "jax": "one process"}
    assert Backend("broken_dp_mean", "broken_dp_mean", "test").dp_workers == "processes"
    monkeypatch.setattr(BACKENDS["torch"].declaration, "DP_WORKERS", "threads")
    with pytest.raises(BackendError, match=r"DP_WORKERS must be one of \('processes', 'one process'\), got 'threads'"):
        BACKENDS["torch"].dp_workers
