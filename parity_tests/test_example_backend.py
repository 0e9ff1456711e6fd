"""The example third-party backend (examples/nn_parity_autograd, on HIPS autograd) against
the reference: cost and gradients, the kinks, saturation, training, prediction, refusals,
and its protocol declaration (backend.py).

It is imported as installed (``pip install -e examples/nn_parity_autograd``) where it is,
and from the checkout otherwise.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from parity import BACKENDS, Backend, make_data
from parity.tolerance import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance
from nn_contract import ModelSpec, init_params
from nn_contract.protocol import CAPABILITY_KEYS, NativeStep

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nn_parity_autograd"
PACKAGE = "nn_parity_autograd"
if importlib.util.find_spec(PACKAGE) is None:
    sys.path.insert(0, str(EXAMPLE))

import autograd  # noqa: E402 - after the path, as the package's own dependency

autograd_deep = importlib.import_module(f"{PACKAGE}.deep")
autograd_logistic = importlib.import_module(f"{PACKAGE}.logistic")
declaration = importlib.import_module(f"{PACKAGE}.backend")
ref_deep = BACKENDS["numpy"].module("deep")
ref_logistic = BACKENDS["numpy"].module("logistic")

DTYPES = ("float64", "float32")

# Every hidden activation, output and loss at least once, with 1, 2 and 3 layers.
SPECS = {
    "relu-sigmoid": ModelSpec((5, 7, 6, 1), hidden_activation="relu"),
    "leaky-3sigmoids": ModelSpec((5, 7, 3), hidden_activation="leaky_relu", output="sigmoid", leaky_slope=0.1),
    "tanh-softmax": ModelSpec((5, 6, 4), hidden_activation="tanh", output="softmax"),
    "sigmoid,linear-squared": ModelSpec((5, 6, 4, 2), hidden_activation=("sigmoid", "linear"), output="linear"),
    "relu-l1": ModelSpec((5, 6, 2), hidden_activation="relu", output="linear", loss="l1"),
    "no-hidden-softmax": ModelSpec((5, 3), output="softmax"),
}


def _case(spec: ModelSpec, dtype: str, m: int = 23, seed: int = 0, method: str = "he"):
    X, Y = make_data(spec.output, spec.n_x, spec.n_y, m, seed, dtype)
    return init_params(spec, seed + 1, method, dtype=dtype), X, Y


def _copies(*arrays_or_dicts):
    return [{k: np.copy(v) for k, v in a.items()} if isinstance(a, dict) else np.copy(a) for a in arrays_or_dicts]


def _assert_untouched(before, after) -> None:
    for b, a in zip(before, after):
        if isinstance(b, dict):
            assert all(np.array_equal(b[k], a[k]) for k in b), "the caller's params were changed"
        else:
            assert np.array_equal(b, a), "the caller's array was changed"


def _assert_grads_match(cost, grads, ref_cost, ref_grads, dtype) -> None:
    tol = tolerance(dtype)
    assert list(grads) == list(ref_grads)
    assert all(grads[k].dtype == np.dtype(dtype) and grads[k].shape == ref_grads[k].shape for k in grads)
    assert relative_error(cost, ref_cost) <= tol.cost
    assert dict_relative_error(grads, ref_grads, GRAD_SCALE_FLOOR) <= tol.grad


def test_it_is_an_installable_package_with_the_entry_point():
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    assert project["name"] == "nn-parity-autograd"
    assert project["entry-points"]["nn_parity.backends"] == {"autograd": PACKAGE}
    assert {"autograd>=1.6", "numpy", "nn-parity"} <= set(project["dependencies"])
    found = {e.name: e.value for e in importlib.metadata.entry_points(group="nn_parity.backends")}
    try:
        importlib.metadata.distribution("nn-parity-autograd")
    except importlib.metadata.PackageNotFoundError:
        assert "autograd" not in found  # imported from the checkout: no entry point to find
    else:
        assert found.get("autograd") == PACKAGE


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", SPECS)
def test_cost_and_grads_match_the_reference(name, dtype):
    spec = SPECS[name]
    params, X, Y = _case(spec, dtype)
    before = _copies(params, X, Y)
    cost, grads = autograd_deep.cost_and_grads(params, X, Y, spec)
    _assert_untouched(before, (params, X, Y))
    _assert_grads_match(cost, grads, *ref_deep.cost_and_grads(params, X, Y, spec), dtype)
    # float32 throughout, not only at the end: autograd casts a gradient back to the dtype
    # of a dict entry, so an upcast inside (np.where's and np.max's vjps make float64)
    # shows only when differentiating with respect to a bare array.
    dW1 = autograd.grad(lambda W1: autograd_deep.objective({**params, "W1": W1}, X, Y, spec))(params["W1"])
    assert dW1.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_derivatives_at_zero_are_the_contracts(hidden, dtype):
    """Z[1] exactly 0 in the first unit for every example: relu'(0) = 0 (autograd's
    np.maximum gives 1/2), leaky_relu'(0) = slope, σ'(0) = 1/4 (a stable σ through np.abs
    gives 0 under autograd), tanh'(0) = 1."""
    spec = ModelSpec((3, 4, 1), hidden_activation=hidden, leaky_slope=0.1)
    params, X, Y = _case(spec, dtype, m=6)
    params["W1"][0] = 0  # and b1 = 0
    cost, grads = autograd_deep.cost_and_grads(params, X, Y, spec)
    ref_cost, ref_grads = ref_deep.cost_and_grads(params, X, Y, spec)
    _assert_grads_match(cost, grads, ref_cost, ref_grads, dtype)
    # db1[0] = g'(0) W2[0, 0] mean(dZ2): the kink's value, through the whole backward pass.
    scale = {"relu": 0.0, "leaky_relu": 0.1, "sigmoid": 0.25, "tanh": 1.0}[hidden]
    expected = scale * float(params["W2"][0, 0]) * float(np.mean(ref_deep.predict_proba(params, X, spec) - Y))
    assert grads["db1"][0, 0] == pytest.approx(expected, rel=tolerance(dtype).grad * 10, abs=0.0)
    if hidden == "relu":
        assert not grads["dW1"][0].any() and grads["db1"][0, 0] == 0


def test_l1_derivative_is_zero_at_a_perfect_fit():
    spec = ModelSpec((1, 1), output="linear", loss="l1")
    params = {"W1": np.array([[2.0]]), "b1": np.array([[0.0]])}
    cost, grads = autograd_deep.cost_and_grads(params, np.array([[1.0, 2.0, 3.0]]), np.array([[2.0, 5.0, 6.0]]), spec)
    assert cost == pytest.approx(1 / 3, rel=1e-15)
    assert grads["dW1"][0, 0] == pytest.approx(-2 / 3, rel=1e-15)  # only the miss at x = 2 counts
    assert grads["db1"][0, 0] == pytest.approx(-1 / 3, rel=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("output, n_y", [("sigmoid", 2), ("softmax", 3)])
def test_saturation_gives_the_references_finite_cost(output, n_y, dtype):
    """Weights ×1000: |Z| in the thousands in a tanh layer and at the output; no warning
    (pytest turns warnings into errors), and the reference's cost and gradients."""
    spec = ModelSpec((3, 4, n_y), hidden_activation="tanh", output=output)
    params, X, Y = _case(spec, dtype, m=8)
    params = {k: v * np.asarray(1000, dtype) for k, v in params.items()}
    cost, grads = autograd_deep.cost_and_grads(params, X, Y, spec)
    assert np.isfinite(cost) and cost > 100
    _assert_grads_match(cost, grads, *ref_deep.cost_and_grads(params, X, Y, spec), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, batch_size", [("relu-sigmoid", None), ("tanh-softmax", 8), ("relu-l1", 5)])
def test_train_follows_the_references_trajectory(name, batch_size, dtype):
    """Full batch and mini-batches (m = 23: the last batch is smaller), 15 epochs."""
    spec = SPECS[name]
    params, X, Y = _case(spec, dtype)
    before = _copies(params, X, Y)
    hyper = {"learning_rate": 0.05, "num_epochs": 15, "batch_size": batch_size, "seed": 3}
    new, costs = autograd_deep.train(params, X, Y, spec, **hyper)
    ref_new, ref_costs = ref_deep.train(params, X, Y, spec, **hyper)
    _assert_untouched(before, (params, X, Y))
    tol = tolerance(dtype)
    assert len(costs) == len(ref_costs) and all(type(c) is float for c in costs)
    assert all(v.dtype == np.dtype(dtype) for v in new.values())
    assert relative_error(costs, ref_costs) <= tol.grad
    assert dict_relative_error(new, ref_new, GRAD_SCALE_FLOOR) <= tol.grad


@pytest.mark.parametrize("dtype", DTYPES)
def test_predictions_match_the_reference(dtype):
    for spec in SPECS.values():
        params, X, _ = _case(spec, dtype)
        proba = autograd_deep.predict_proba(params, X, spec)
        assert proba.dtype == np.dtype(dtype)
        assert relative_error(proba, ref_deep.predict_proba(params, X, spec)) <= tolerance(dtype).cost * 10
        np.testing.assert_array_equal(autograd_deep.predict(params, X, spec), ref_deep.predict(params, X, spec))


@pytest.mark.parametrize("dtype", DTYPES)
def test_logistic_regression_matches_the_reference(dtype):
    rng = np.random.RandomState(0)
    X, Y = rng.randn(6, 40).astype(dtype), (rng.rand(1, 40) < 0.5).astype(dtype)
    params = {"w": (rng.randn(6, 1) * 0.1).astype(dtype), "b": 0.3}
    tol = tolerance(dtype)
    cost, grads = autograd_logistic.cost_and_grads(params, X, Y)
    ref_cost, ref_grads = ref_logistic.cost_and_grads(params, X, Y)
    assert type(grads["db"]) is float and grads["dw"].dtype == np.dtype(dtype)
    assert relative_error(cost, ref_cost) <= tol.cost
    assert dict_relative_error(grads, ref_grads, GRAD_SCALE_FLOOR) <= tol.grad
    new, costs = autograd_logistic.train(params, X, Y, learning_rate=0.1, num_iterations=30)
    ref_new, ref_costs = ref_logistic.train(params, X, Y, learning_rate=0.1, num_iterations=30)
    assert type(new["b"]) is float and new["w"].dtype == np.dtype(dtype)
    assert relative_error(costs, ref_costs) <= tol.grad
    assert dict_relative_error(new, ref_new, GRAD_SCALE_FLOOR) <= tol.grad
    np.testing.assert_array_equal(autograd_logistic.predict(params, X), ref_logistic.predict(params, X))


@pytest.mark.parametrize("call, args", [
    ("cost_and_grads", lambda p, X, Y, s: (p, X, Y[:, :-1], s)),
    ("cost_and_grads", lambda p, X, Y, s: (p, np.where(X > 1, np.nan, X), Y, s)),
    ("cost_and_grads", lambda p, X, Y, s: ({**p, "W2": p["W2"].T}, X, Y, s)),
    ("train", lambda p, X, Y, s: (p, X, Y, s, 0.1, 0)),
    ("predict_proba", lambda p, X, Y, s: (p, X.astype(np.float32), s)),
], ids=["Y-shape", "X-nan", "W2-transposed", "zero-epochs", "dtype-mismatch"])
def test_bad_input_is_refused_as_the_reference_refuses_it(call, args):
    spec = SPECS["relu-sigmoid"]
    bad = args(*_case(spec, "float64"), spec)
    with pytest.raises((ValueError, TypeError)) as ref_error:
        getattr(ref_deep, call)(*bad)
    with pytest.raises(ref_error.type, match=re.escape(str(ref_error.value))):
        getattr(autograd_deep, call)(*bad)


def test_cuda_is_refused_with_the_declared_reason():
    spec = SPECS["relu-sigmoid"]
    params, X, Y = _case(spec, "float64")
    with pytest.raises(ValueError, match="CPU only"):
        autograd_deep.cost_and_grads(params, X, Y, spec, device="cuda")
    with pytest.raises(ValueError, match="unknown device"):
        autograd_deep.train(params, X, Y, spec, device="tpu")


def test_the_declaration_follows_the_protocol():
    assert (declaration.NAME, declaration.LABEL, declaration.REQUIRES, declaration.EXTRA) == (
        "autograd", "HIPS autograd", ("autograd",), None)
    assert set(declaration.CAPABILITIES) <= set(CAPABILITY_KEYS)
    assert declaration.devices() == {"cpu": None, "cuda": "autograd runs on NumPy: CPU only"}
    # The registry reads it without being told anything else about the package.
    backend = Backend("autograd", PACKAGE, "test")
    assert backend.available() and backend.models() == ("logistic", "deep")
    assert backend.devices() == ("cpu",)
    assert backend.unsupported(training="lambd") and backend.unsupported(activation="tanh", dtype="float32") is None


@pytest.mark.parametrize("model", ["deep", "logistic"])
def test_the_native_step_is_train_step(model):
    """prepare(...).step() is the step ``train`` repeats: the same costs, the caller's params
    untouched; products() runs the step's matrix products."""
    if model == "deep":
        spec = ModelSpec((5, 7, 6, 1))
        params, X, Y = _case(spec, "float64")
        train = lambda: autograd_deep.train(params, X, Y, spec, learning_rate=0.01, num_epochs=3)[1]  # noqa: E731
    else:
        spec = None
        params, X, Y = _case(ModelSpec((5, 1)), "float64")
        params = {"w": params["W1"].T.copy(), "b": 0.0}
        train = lambda: autograd_logistic.train(params, X, Y, learning_rate=0.01, num_iterations=3)[1]  # noqa: E731
    before = _copies(params)
    native = declaration.prepare(model, params, X, Y, spec, device="cpu", learning_rate=0.01)
    assert isinstance(native, NativeStep) and native.products is not None
    costs = [native.sync(native.step()) for _ in range(3)]
    _assert_untouched(before, (params,))
    assert costs == train()
    assert float(native.forward()) < costs[0]
    # The last product made: W[3]ᵀ dZ[3] (n[2], m) for the network, dZ A[0]ᵀ (1, n_x) for logistic.
    assert native.products().shape == ((6, 23) if model == "deep" else (1, 5))
    with pytest.raises(ValueError, match="CPU only"):
        declaration.prepare(model, params, X, Y, spec, device="cuda", learning_rate=0.01)
