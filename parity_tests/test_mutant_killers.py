"""Tests that kill the mutants the rest of the suite let through (benchmarks/mutants.py).

Agreement between backends cannot see a defect they share: they all take the reference's
labels, batches and masks, and every built-in case starts from zero biases. So these hold
shared conventions to the contract itself, and hold the harness to catching what it exists
to catch. Each test names the mutants it kills. (The issue's other survivor, every epoch
taking the same mini-batch order, is killed by test_training_methods.py, which holds
``epoch_permutations`` to ``RandomState(seed + e).permutation(m)``.)
"""

from __future__ import annotations

import functools
import importlib
import sys

import numpy as np
import pytest

from parity import BACKENDS, Backend, Case, compare_case, compare_training, training_cases
from parity.conformance import run_conformance, summarise
from parity.tolerance import dict_relative_error, relative_error, tolerance
from nn_contract import ModelSpec

from .helpers import backend_params, needs, require

REFERENCE = BACKENDS["numpy"]


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("backend", backend_params())
def test_sigmoid_predict_is_0_at_exactly_one_half(backend):
    """CONTRACT.md: 1 only where A[L] > 0.5. Zero parameters give σ(0) = 0.5 exactly, which
    is label 0, for the deep network (one and several sigmoid outputs) and for logistic
    regression; a bias of 1e-9 is label 1. Kills labels-sigmoid-1-at-half, and, by the
    bias, ref-logistic-predict-ignores-b, torch-bias-not-loaded, torch-logistic-b-not-loaded."""
    X = np.array([[1.0, -2.0, 0.5], [0.3, 1.0, -1.5]])
    require(backend, model="deep", function="predict", output="sigmoid")
    for n_y in (1, 3):
        spec = ModelSpec((2, n_y))
        half = {"W1": np.zeros((n_y, 2)), "b1": np.zeros((n_y, 1))}
        np.testing.assert_array_equal(backend.predict_proba("deep", half, X, spec), np.full((n_y, 3), 0.5))
        np.testing.assert_array_equal(backend.predict("deep", half, X, spec), np.zeros((n_y, 3)))
        above = {"W1": np.zeros((n_y, 2)), "b1": np.full((n_y, 1), 1e-9)}
        np.testing.assert_array_equal(backend.predict("deep", above, X, spec), np.ones((n_y, 3)))
    require(backend, model="logistic", function="predict")
    np.testing.assert_array_equal(backend.predict("logistic", {"w": np.zeros((2, 1)), "b": 0.0}, X),
                                  np.zeros((1, 3)))
    np.testing.assert_array_equal(backend.predict("logistic", {"w": np.zeros((2, 1)), "b": 1e-9}, X),
                                  np.ones((1, 3)))


@pytest.mark.parametrize("backend", backend_params())
def test_softmax_predict_takes_the_first_class_on_a_tie(backend):
    """Labels are one-hot at the arg-max, the first class on ties (nn_contract.labels).
    Equal logits tie all three classes; b = (0, 1, 1) ties the last two. Kills
    labels-softmax-ties-to-last."""
    require(backend, model="deep", function="predict", output="softmax")
    spec = ModelSpec((2, 3), output="softmax")
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    tie_all = {"W1": np.zeros((3, 2)), "b1": np.zeros((3, 1))}
    np.testing.assert_array_equal(backend.predict("deep", tie_all, X, spec), [[1, 1], [0, 0], [0, 0]])
    tie_last_two = {"W1": np.zeros((3, 2)), "b1": np.array([[0.0], [1.0], [1.0]])}
    np.testing.assert_array_equal(backend.predict("deep", tie_last_two, X, spec), [[0, 0], [1, 1], [0, 0]])


# --------------------------------------------------------------------------- biases


@pytest.mark.parametrize("backend", backend_params())
@needs(activation="tanh", output="linear", function="predict_proba")
def test_nonzero_biases_count(backend):
    """Every built-in case starts from zero biases (init_params), so a backend that drops the
    caller's b[l] agrees with the reference there. With b = 0.3, 0.5, ... the logits move
    by b exactly, for the deep network and logistic regression, and the cost and gradients
    match the reference's. Kills torch-bias-not-loaded, torch-logistic-b-not-loaded and
    ref-logistic-predict-ignores-b where a test before it does not."""
    spec = ModelSpec((3, 4, 2), hidden_activation="tanh", output="linear")
    rng = np.random.RandomState(0)
    X, Y = rng.randn(3, 5), rng.randn(2, 5)
    weights = {"W1": 0.5 * rng.randn(4, 3), "W2": 0.5 * rng.randn(2, 4)}
    zero_W = {"W1": np.zeros((4, 3)), "b1": np.full((4, 1), 0.3), "W2": np.zeros((2, 4)), "b2": np.array([[0.5], [-0.7]])}
    # with W = 0, A[L] = b[L] for every example
    np.testing.assert_allclose(backend.predict_proba("deep", zero_W, X, spec), np.repeat(zero_W["b2"], 5, axis=1),
                               rtol=1e-15)
    params = {**weights, "b1": np.linspace(-0.4, 0.5, 4)[:, None], "b2": np.array([[0.3], [-0.2]])}
    cost, grads = backend.cost_and_grads("deep", params, X, Y, spec)
    ref_cost, ref_grads = REFERENCE.cost_and_grads("deep", params, X, Y, spec)
    tol = tolerance("float64")
    assert relative_error(cost, ref_cost) <= tol.cost
    assert dict_relative_error(grads, ref_grads, 1.0) <= tol.grad
    require(backend, model="logistic")
    w = np.zeros((3, 1))
    sigma = 1 / (1 + np.exp(-0.7))
    np.testing.assert_allclose(backend.predict_proba("logistic", {"w": w, "b": 0.7}, X), np.full((1, 5), sigma),
                               rtol=1e-15)
    Yl = (Y[:1] > 0).astype(float)
    cost, grads = backend.cost_and_grads("logistic", {"w": w, "b": 0.7}, X, Yl)
    assert cost == pytest.approx(np.mean(np.logaddexp(0, 0.7) - Yl * 0.7), rel=1e-14)
    assert grads["db"] == pytest.approx(np.mean(sigma - Yl), rel=1e-14)


# --------------------------------------------------------------------------- the harness

# A backend with three defects a careless port has: label 1 at A[L] = 0.5 exactly, refusals
# that do not say which argument is wrong, and a crash on one output. The conformance suite
# must fail each one, where the built-ins and the broken fixtures never exercise it.
_SLOPPY = {
    "__init__.py": "",
    "backend.py": (
        "CAPABILITIES = {'models': ('deep',), 'activations': ('relu',), 'outputs': ('sigmoid', 'linear'),\n"
        "                'losses': ('binary_cross_entropy', 'squared_error'), 'dtypes': ('float64',),\n"
        "                'training': ()}\n"
    ),
    "deep.py": (
        "from reference_numpy import deep as _reference\n"
        "\n"
        "\n"
        "def cost_and_grads(params, X, Y, spec):\n"
        "    if spec.output == 'linear':\n"
        "        raise RuntimeError('crashed')\n"
        "    try:\n"
        "        return _reference.cost_and_grads(params, X, Y, spec)\n"
        "    except (ValueError, TypeError):\n"
        "        raise ValueError('bad input') from None\n"
        "\n"
        "\n"
        "def predict_proba(params, X, spec):\n"
        "    return _reference.predict_proba(params, X, spec)\n"
        "\n"
        "\n"
        "def predict(params, X, spec):\n"
        "    return (predict_proba(params, X, spec) >= 0.5).astype(X.dtype)\n"
    ),
}

# The reference with dW1 off by one part in 10^7: outside the float64 bound.
_OFF = {
    "__init__.py": "",
    "deep.py": (
        "from reference_numpy import deep as _reference\n"
        "\n"
        "\n"
        "def cost_and_grads(params, X, Y, spec):\n"
        "    cost, grads = _reference.cost_and_grads(params, X, Y, spec)\n"
        "    return cost, {**grads, 'dW1': grads['dW1'] * (1 + 1e-7)}\n"
    ),
}


@pytest.fixture
def make_backend(tmp_path, monkeypatch):
    """make_backend(package, files) -> a ``Backend`` for a package written to ``tmp_path``,
    importable during this test only. Built directly, never registered, so no other test
    finds it in the registry."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(package: str, files: dict) -> Backend:
        (tmp_path / package).mkdir()
        for name, text in files.items():
            (tmp_path / package / name).write_text(text)
        made.append(package)
        importlib.invalidate_caches()  # the folder was listed before the package was in it
        return Backend(package, package, "test")

    yield make
    for name in [m for m in sys.modules if m.split(".")[0] in made]:
        del sys.modules[name]


def test_conformance_fails_and_names_what_a_sloppy_backend_gets_wrong(make_backend):
    """Kills conformance-predict-half-any-label, conformance-bad-input-any-message and
    conformance-exception-skipped: each defect of the backend is a failed check, named."""
    backend = make_backend("nn_parity_mutant_killer_sloppy", _SLOPPY)
    table = run_conformance(backend, quick=True, dtypes=("float64",))
    failed = table[table["status"] == "failed"]
    half = failed[(failed["check"] == "convention") & (failed["case"] == "predict-at-0.5")]
    assert half["detail"].str.contains(r"got \[1(?:\.0)?, 1(?:\.0)?\], the contract says 0").all() and len(half) == 1
    bad = table[table["check"] == "bad-input"]
    refused = bad[bad["status"] != "skipped"]
    assert len(refused) >= 10 and (refused["status"] == "failed").all()
    assert refused["detail"].str.contains("does not name").all()
    crashed = failed[failed["detail"].str.contains("raised RuntimeError: crashed", regex=False)]
    assert set(crashed["check"]) >= {"parity", "random-architecture"}
    assert summarise(table)["passed"] > 0  # the rest of what it supports passes


def test_compare_training_fails_a_trajectory_with_a_step_missing(monkeypatch):
    """A backend that records one cost fewer than the reference is not within tolerance,
    however close the costs it does record. Kills compare-training-length-ignored."""
    import reference_numpy.deep as ref_deep

    case = next(c for c in training_cases() if c.model == "deep")
    X, Y = case.data()
    reference = REFERENCE.train("deep", case.params(), X, Y, case.spec, learning_rate=0.1, num_epochs=3,
                                batch_size=None, seed=case.seed)
    real = ref_deep.train

    @functools.wraps(real)  # the same signature: the registry passes no device= to it
    def one_short(*args, **kwargs):
        params, costs = real(*args, **kwargs)
        return params, costs[:-1]

    monkeypatch.setattr(ref_deep, "train", one_short)
    row = compare_training(case, REFERENCE, epochs=3, learning_rate=0.1, reference=reference)
    assert row["steps"] == 2 and row["params_rel_err"] == 0.0
    assert row["costs_rel_err"] == np.inf and not row["passed"]



def test_compare_case_compares_with_the_reference_by_default(make_backend):
    """Without an explicit reference, compare_case runs the reference backend, not the
    backend under comparison again. Kills compare-against-itself."""
    backend = make_backend("nn_parity_mutant_killer_off", _OFF)
    row = compare_case(Case("default-reference", m=6), backend)
    assert row["grad_rel_err"] > tolerance("float64").grad and not row["passed"]
