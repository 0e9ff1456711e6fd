"""``pytest --backend PKG``: a package in the current folder is found, and a test of what the
package lacks or refuses is skipped with the reason, while whatever else it gets wrong fails.

The suite's tests declare what they need with ``needs`` (``parity.pytest_plugin``); here a
generated test module exercises every way of declaring it against a package that, like the
README's student package, has only ``deep.cost_and_grads`` for ReLU hidden layers and a sigmoid
output, run in a fresh pytest from the folder that holds the package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from parity.registry import import_package

from .helpers import once_per_session

ROOT = Path(__file__).resolve().parents[1]

PACKAGE = '''
import numpy as np
from nn_contract.checks import check_deep_inputs


def cost_and_grads(params, X, Y, spec):
    params, X, Y = check_deep_inputs(params, X, Y, spec)
    if spec.output != "sigmoid" or set(spec.activations[:-1]) - {"relu"}:
        raise NotImplementedError("tiny_relu: ReLU hidden layers and a sigmoid output only")
    L, m = spec.num_layers, X.shape[1]
    A, caches = X, []
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        caches.append((A, Z))
        A = np.maximum(Z, 0) if l < L else np.exp(-np.logaddexp(0, -Z))
    cost = float(np.sum(np.logaddexp(0, Z) - Y * Z) / m)
    grads, dZ = {}, A - Y
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = dZ @ caches[l - 1][0].T / m
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        if l > 1:
            dZ = (params[f"W{l}"].T @ dZ) * (caches[l - 2][1] > 0)
    return cost, grads


def train(params, X, Y, spec, *, learning_rate=0.0075, num_epochs=1, batch_size=None, seed=0):
    if batch_size is not None and batch_size < X.shape[1]:
        raise ValueError(f"tiny_relu: full batches only, got batch_size={batch_size}")
    costs = []
    for _ in range(num_epochs):
        cost, grads = cost_and_grads(params, X, Y, spec)
        params = {k: v - learning_rate * grads["d" + k] for k, v in params.items()}
        costs.append(cost)
    return params, costs
'''

TESTS = '''
import numpy as np
import pytest

from nn_contract import ModelSpec, init_params
from parity import BACKENDS, Case, compare_case
from parity.pytest_plugin import value_of

TINY = [pytest.param(BACKENDS["tiny_relu"], id="tiny")]


def call(backend, hidden="relu", output="sigmoid"):
    spec = ModelSpec((3, 2, 2), hidden_activation=hidden, output=output)
    X = np.random.RandomState(0).randn(3, 4)
    Y = np.eye(2)[:, [0, 1, 0, 1]]
    return backend.cost_and_grads("deep", init_params(spec, 0, "xavier"), X, Y, spec)


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.parametrize("hidden", ["relu", "tanh"])
@pytest.mark.needs("hidden")
def test_by_parameter(backend, hidden):
    assert np.isfinite(call(backend, hidden)[0])


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.parametrize("case", [Case("relu"), Case("tanh", hidden_activation="tanh")], ids=["relu", "tanh"])
@pytest.mark.needs("case", "dtype")
@pytest.mark.parametrize("dtype", ["float64"])
def test_by_case(backend, case, dtype):
    assert compare_case(case, backend, "cpu", dtype)["passed"]


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.parametrize("name", ["leaky_relu"])
@pytest.mark.needs(activation=value_of("name"))
def test_by_value_of(backend, name):
    raise AssertionError("runs only where leaky_relu is supported")


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.needs(output="softmax")
def test_output(backend):
    raise AssertionError("runs only where softmax is supported")


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.needs(model=("deep", "logistic"))
def test_two_models(backend):
    raise AssertionError("runs only where both models are there")


@pytest.mark.parametrize("backend", ["tiny_relu"])
@pytest.mark.needs(function="predict")
def test_by_name(backend):
    raise AssertionError("runs only where deep.predict is there")


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.parametrize("batch_size", [None, 2], ids=["full", "mini"])
@pytest.mark.needs("batch_size", function="train")
def test_by_batch_size(backend, batch_size):
    spec = ModelSpec((3, 2, 1))
    X, Y = np.random.RandomState(0).randn(3, 4), np.array([[0.0, 1.0, 1.0, 0.0]])
    _, costs = backend.train("deep", init_params(spec, 0, "xavier"), X, Y, spec, num_epochs=3, batch_size=batch_size)
    assert len(costs) == 3


@pytest.mark.parametrize("backend", TINY)
def test_undeclared_refusal_fails(backend):
    call(backend, "tanh")


@pytest.mark.parametrize("backend", TINY)
def test_undeclared_model_fails(backend):
    backend.cost_and_grads("logistic", {"w": np.zeros((3, 1)), "b": 0.0}, np.ones((3, 2)), np.ones((1, 2)))


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.needs("hidden")
def test_misdeclared(backend):
    pass


@pytest.mark.parametrize("backend", TINY)
@pytest.mark.needs(activation="relu")
def test_wrong_where_supported_fails(backend):
    cost, _ = call(backend)
    assert cost < 0, "a real failure in what the package supports"


@pytest.mark.needs(output="softmax")
def test_without_a_backend_runs():
    pass
'''


def _outcomes(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Run the generated module under ``pytest --backend tiny_relu`` from the package's folder,
    the folder not on sys.path (``python -P``); test name -> (outcome, message)."""
    (tmp_path / "tiny_relu").mkdir()
    (tmp_path / "tiny_relu" / "__init__.py").touch()
    (tmp_path / "tiny_relu" / "deep.py").write_text(PACKAGE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_generated.py").write_text(textwrap.dedent(TESTS))
    junit = tmp_path / "junit.xml"
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "--backend", "tiny_relu",
         f"--junitxml={junit}", "tests"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1"))
    assert junit.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return _read_junit(junit)


def _read_junit(junit: Path) -> dict[str, tuple[str, str]]:
    outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        child = next(iter(case), None)
        outcome = "passed" if child is None else child.tag
        outcomes[case.get("name")] = (outcome, "" if child is None else (child.get("message") or ""))
    return outcomes


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """The generated module's outcomes, from one pytest run per test session (``once_per_session``)."""
    _, shared = once_per_session(tmp_path_factory, "plugin-outcomes", _outcomes, limit_s=600)
    return _read_junit(shared / "junit.xml")


@pytest.mark.parametrize("test, outcome, words", [
    ("test_by_parameter[relu-tiny]", "passed", ""),
    ("test_by_parameter[tanh-tiny]", "skipped", "tiny_relu: tiny_relu refused activation 'tanh' when probed: "
                                                "NotImplementedError: tiny_relu: ReLU hidden layers"),
    ("test_by_case[float64-relu-tiny]", "passed", ""),
    ("test_by_case[float64-tanh-tiny]", "skipped", "refused activation 'tanh'"),
    ("test_by_value_of[leaky_relu-tiny]", "skipped", "refused activation 'leaky_relu'"),
    ("test_output[tiny]", "skipped", "refused output 'softmax'"),
    ("test_two_models[tiny]", "skipped", "tiny_relu has no 'logistic' model"),
    ("test_by_name[tiny_relu]", "skipped", "tiny_relu has no deep.predict"),
    # a full batch needs no batch_size; mini-batches ask, and the package's refusal skips them
    ("test_by_batch_size[full-tiny]", "passed", ""),
    ("test_by_batch_size[mini-tiny]", "skipped", "tiny_relu refused training 'batch_size' when probed: "
                                                 "ValueError: tiny_relu: full batches only, got batch_size=2"),
    # What is not declared is not caught: the package's own refusal and a missing model fail.
    ("test_undeclared_refusal_fails[tiny]", "failure", "NotImplementedError"),
    ("test_undeclared_model_fails[tiny]", "failure", "has no 'logistic' model"),
    ("test_misdeclared[tiny]", "error", "needs: test_misdeclared[tiny] has no parameter 'hidden'"),
    ("test_wrong_where_supported_fails[tiny]", "failure", "a real failure"),
    ("test_without_a_backend_runs", "passed", ""),
], ids=lambda v: v if isinstance(v, str) and v.startswith("test_") else None)
def test_what_the_package_lacks_skips_and_the_rest_runs(outcomes, test, outcome, words):
    assert test in outcomes, sorted(outcomes)
    got, message = outcomes[test]
    assert got == outcome, (test, got, message)
    assert words in message


def test_import_package_looks_in_the_current_folder_last(tmp_path, monkeypatch):
    (tmp_path / "pkg_beside_the_user").mkdir()
    (tmp_path / "pkg_beside_the_user" / "__init__.py").write_text("WHERE = 'here'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if os.path.abspath(p or os.curdir) != str(tmp_path)])
    monkeypatch.delitem(sys.modules, "pkg_beside_the_user", raising=False)
    assert import_package("pkg_beside_the_user").WHERE == "here"
    assert sys.path[-1] == str(tmp_path)
    monkeypatch.delitem(sys.modules, "pkg_beside_the_user")


def test_import_package_does_not_hide_a_missing_dependency(tmp_path, monkeypatch):
    # The package is there; what it imports is not: that error is the package's, named as such.
    (tmp_path / "pkg_needing_more").mkdir()
    (tmp_path / "pkg_needing_more" / "__init__.py").write_text("import no_such_dependency_anywhere\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if os.path.abspath(p or os.curdir) != str(tmp_path)])
    with pytest.raises(ModuleNotFoundError) as info:
        import_package("pkg_needing_more")
    assert info.value.name == "no_such_dependency_anywhere"
    with pytest.raises(ModuleNotFoundError) as info:
        import_package("no_such_package_anywhere")
    assert info.value.name == "no_such_package_anywhere"
