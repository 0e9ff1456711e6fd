"""The shared contract: ModelSpec, init_params, import isolation, the tolerance table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parity import GRAD_SCALE_FLOOR, dict_relative_error, relative_error, tolerance
from nn_contract import ModelSpec, init_logistic_params, init_params


def test_spec_resolves_defaults_and_normalises():
    spec = ModelSpec([3, 4, 2], hidden_activation=["tanh"], output="softmax")
    assert spec.layer_dims == (3, 4, 2)
    assert spec.hidden_activation == ("tanh",)
    assert spec.loss == "categorical_cross_entropy"
    assert spec.activations == ("tanh", "softmax")
    assert spec == ModelSpec((3, 4, 2), ("tanh",), "softmax", "categorical_cross_entropy")
    assert hash(spec) == hash(ModelSpec((3, 4, 2), ("tanh",), "softmax"))


@pytest.mark.parametrize(
    "output, loss",
    [("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy"), ("linear", "squared_error")],
    ids=["sigmoid", "softmax", "linear"],
)
def test_default_loss_follows_output(output, loss):
    assert ModelSpec((2, 3), output=output).loss == loss


def test_spec_is_frozen():
    spec = ModelSpec((2, 1))
    with pytest.raises(AttributeError):
        spec.output = "linear"


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"layer_dims": (3,)}, ValueError, "layer_dims"),
        ({"layer_dims": (3, 0)}, ValueError, "layer_dims"),
        ({"layer_dims": (3, 2.5)}, TypeError, "layer_dims"),
        ({"layer_dims": "31"}, TypeError, "layer_dims"),
        ({"layer_dims": (3, 4, 1), "hidden_activation": "swish"}, ValueError, "hidden_activation"),
        ({"layer_dims": (3, 4, 4, 1), "hidden_activation": ("relu",)}, ValueError, "hidden_activation"),
        ({"layer_dims": (3, 1), "output": "probit"}, ValueError, "output"),
        ({"layer_dims": (3, 1), "loss": "hinge"}, ValueError, "loss"),
        ({"layer_dims": (3, 1), "output": "sigmoid", "loss": "l1"}, ValueError, "loss"),
        ({"layer_dims": (3, 1), "output": "softmax"}, ValueError, "layer_dims"),
        ({"layer_dims": (3, 1), "leaky_slope": float("nan")}, TypeError, "leaky_slope"),
        ({"layer_dims": (3, 1), "leaky_slope": -0.1}, ValueError, "leaky_slope"),
    ],
    ids=["too-short", "zero-width", "float-width", "string-dims", "unknown-activation",
         "wrong-activation-count", "unknown-output", "unknown-loss", "loss-output-mismatch",
         "softmax-one-class", "nan-slope", "negative-slope"],
)
def test_spec_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        ModelSpec(**kwargs)


@pytest.mark.parametrize("method", ["zeros", "random", "xavier", "he"])
def test_init_params_follow_the_notes_recipe(method):
    # The notes: np.random.seed(s); W[l] = randn(n[l], n[l-1]) * scale, layer by layer.
    spec = ModelSpec((5, 4, 3, 1))
    scale = {"zeros": lambda n: 0.0, "random": lambda n: 0.01,
             "xavier": lambda n: np.sqrt(1 / n), "he": lambda n: np.sqrt(2 / n)}[method]
    np.random.seed(3)
    params = init_params(spec, 3, method)
    for l in range(1, 4):
        n_out, n_in = spec.layer_dims[l], spec.layer_dims[l - 1]
        np.testing.assert_array_equal(params[f"W{l}"], np.random.randn(n_out, n_in) * scale(n_in))
        np.testing.assert_array_equal(params[f"b{l}"], np.zeros((n_out, 1)))


def test_init_params_float32_are_float64_rounded():
    spec = ModelSpec((6, 3, 1))
    p64, p32 = init_params(spec, 7, "he"), init_params(spec, 7, "he", dtype="float32")
    for key in p64:
        assert p32[key].dtype == np.float32
        np.testing.assert_array_equal(p32[key], p64[key].astype(np.float32))


def test_init_params_differ_by_seed_and_repeat_by_seed():
    spec = ModelSpec((6, 3, 1))
    assert not np.array_equal(init_params(spec, 1)["W1"], init_params(spec, 2)["W1"])
    np.testing.assert_array_equal(init_params(spec, 1)["W1"], init_params(spec, 1)["W1"])


def test_logistic_init_is_the_one_layer_network_transposed():
    w = init_logistic_params(5, 4, "xavier")["w"]
    np.testing.assert_array_equal(w, init_params(ModelSpec((5, 1)), 4, "xavier")["W1"].T)
    assert init_logistic_params(5)["b"] == 0.0


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: init_params((3, 1), 0), TypeError),
        (lambda: init_params(ModelSpec((3, 1)), 0, "glorot"), ValueError),
        (lambda: init_params(ModelSpec((3, 1)), -1), ValueError),
        (lambda: init_params(ModelSpec((3, 1)), 0, dtype="float16"), TypeError),
        (lambda: init_logistic_params(0), ValueError),
    ],
    ids=["not-a-spec", "unknown-method", "negative-seed", "float16", "no-features"],
)
def test_init_refuses_bad_arguments(call, error):
    with pytest.raises(error):
        call()


def test_reference_imports_no_framework():
    code = "import sys, reference_numpy, parity; assert not {'torch', 'jax'} & set(sys.modules), sorted(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("package, forbidden", [("torch_impl", "jax"), ("jax_impl", "torch")])
def test_framework_packages_import_only_their_framework(package, forbidden):
    code = f"import sys, {package}; assert {forbidden!r} not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tolerance_table_is_keyed_by_dtype_and_device():
    assert tolerance("float64").cost == 1e-12 and tolerance("float64").grad == 1e-10
    assert tolerance(np.float32, "cpu").cost == 1e-5
    with pytest.raises(ValueError):
        tolerance("float16")


@pytest.mark.parametrize(
    "actual, expected, error",
    [(1.0 + 1e-9, 1.0, 1e-9), ([0.0, 2.0], [0.0, 1.0], 1.0), ([0.0], [0.0], 0.0), ([1e-3], [0.0], 1e-3),
     ([np.nan], [1.0], np.inf)],
    ids=["scalar", "norm-wise", "both-zero", "expected-zero", "nan"],
)
def test_relative_error(actual, expected, error):
    assert relative_error(actual, expected) == pytest.approx(error, rel=1e-6)


def test_gradient_error_is_norm_wise_over_the_whole_gradient():
    expected = {"dW1": np.array([[1.0, -2.0]]), "db1": np.array([[1e-4]])}
    actual = {"dW1": np.array([[1.0, -2.0]]), "db1": np.array([[1.2e-4]])}
    # 2e-5 off on an entry of a gradient whose largest entry is 2: 1e-5, not 0.2.
    assert dict_relative_error(actual, expected) == pytest.approx(1e-5)
    with pytest.raises(ValueError, match="keys"):
        dict_relative_error({"dW1": actual["dW1"]}, expected)


def _torch_settings():
    import torch

    return torch.get_float32_matmul_precision(), torch.backends.cudnn.allow_tf32


def _jax_settings():
    import jax

    return jax.config.jax_default_matmul_precision, jax.config.jax_enable_x64


@pytest.mark.parametrize("framework", ["torch", "jax"])
def test_precision_is_full_inside_a_call_and_the_callers_afterwards(framework, monkeypatch):
    # float32 products must be IEEE float32 (no TF32 on GPUs) whatever the caller chose
    # globally, and the caller's choice must survive the call.
    import importlib

    convert = importlib.import_module(f"{framework}_impl.convert")
    deep = importlib.import_module(f"{framework}_impl.deep")
    if framework == "torch":
        import torch

        monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", True)
        before = torch.get_float32_matmul_precision()
        torch.set_float32_matmul_precision("medium")
        settings, inside_expected = _torch_settings, ("highest", False)
    else:
        import jax

        before = jax.config.jax_default_matmul_precision
        jax.config.update("jax_default_matmul_precision", "bfloat16")
        settings, inside_expected = _jax_settings, ("highest", False)
    try:
        outside = settings()
        with convert.precision(np.float32):
            assert settings() == inside_expected
        assert settings() == outside
        spec = ModelSpec((3, 2, 1))
        X = np.ones((3, 4), dtype=np.float32)
        Y = np.array([[0, 1, 0, 1]], dtype=np.float32)
        deep.cost_and_grads(init_params(spec, 0, dtype="float32"), X, Y, spec)
        assert settings() == outside
    finally:
        if framework == "torch":
            torch.set_float32_matmul_precision(before)
        else:
            jax.config.update("jax_default_matmul_precision", before)


def test_init_logistic_params_refuses_a_non_integer_with_type_error():
    with pytest.raises(TypeError, match="n_x"):
        init_logistic_params("3")


def test_gradient_errors_are_measured_against_a_scale_of_at_least_one():
    tiny = {"dW1": np.array([[1e-3]])}
    off = {"dW1": np.array([[1e-3 + 4e-8]])}  # float32 rounding of O(1) terms
    assert dict_relative_error(off, tiny, GRAD_SCALE_FLOOR) == pytest.approx(4e-8)
    assert dict_relative_error(off, tiny) == pytest.approx(4e-5)  # without the floor
    wrong = {"dW1": np.array([[2e-3]])}  # a real error still fails the float32 bound
    assert dict_relative_error(wrong, tiny, GRAD_SCALE_FLOOR) > tolerance("float32").grad


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_modules_round_trip_the_contracts_params(dtype):
    # The native form: nn.Linear weight = W[l], bias = b[l]; to_params gives back new arrays.
    import torch

    from torch_impl import DeepNetwork, LogisticRegression

    spec = ModelSpec((4, 3, 2), output="softmax")
    params = init_params(spec, 5, "he", dtype=dtype)
    net = DeepNetwork.from_params(params, spec)
    assert isinstance(net.layers[0], torch.nn.Linear)
    np.testing.assert_array_equal(net.layers[0].weight.detach().numpy(), params["W1"])
    back = net.to_params()
    for key in params:
        np.testing.assert_array_equal(back[key], params[key])
        assert back[key].dtype == np.dtype(dtype) and not np.shares_memory(back[key], params[key])
    lp = init_logistic_params(4, 2, "xavier", dtype=dtype) | {"b": 0.25}
    back = LogisticRegression.from_params(lp).to_params()
    np.testing.assert_array_equal(back["w"], lp["w"])
    assert back["b"] == 0.25 and type(back["b"]) is float


# --- The mirrored packages: the same public name means the same contract --------------------

MIRRORED = ("reference_numpy", "torch_impl", "jax_impl", "nn_parity_autograd")
MIRRORED_MODULES = ("activations", "losses", "logistic", "deep", "optim", "convert", "backend")
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nn_parity_autograd"


def _public_functions(package: str, module: str) -> dict:
    import importlib
    import importlib.util
    import inspect

    if package == "nn_parity_autograd" and importlib.util.find_spec(package) is None:
        sys.path.insert(0, str(EXAMPLE))  # the example backend, as test_example_backend finds it
    try:
        mod = importlib.import_module(f"{package}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.{module}":
            raise
        return {}
    return {name: getattr(mod, name) for name in mod.__all__
            if inspect.isfunction(inspect.unwrap(getattr(mod, name)))}


def _parameters(function) -> tuple[list, set]:
    """(the positional parameters as (name, kind, default), the keyword-only ones), without
    ``device``, which torch, JAX and third parties add (CONTRACT.md)."""
    import inspect

    params = [p for p in inspect.signature(function).parameters.values() if p.name != "device"]
    positional = [(p.name, p.kind, repr(p.default)) for p in params if p.kind != p.KEYWORD_ONLY]
    return positional, {p.name for p in params if p.kind == p.KEYWORD_ONLY}


@pytest.mark.parametrize("module", MIRRORED_MODULES)
def test_a_name_shared_by_the_mirrored_packages_has_one_signature(module):
    # Keyword-only options may be a subset (a backend declares the training methods it takes).
    functions = {package: _public_functions(package, module) for package in MIRRORED}
    names = {name for found in functions.values() for name in found}
    checked = 0
    for name in sorted(names):
        having = [package for package in MIRRORED if name in functions[package]]
        first, *others = having
        want, want_options = _parameters(functions[first][name])
        for package in others:
            got, options = _parameters(functions[package][name])
            assert got == want, f"{package}.{module}.{name}{got} differs from {first}'s {want}"
            assert options <= want_options or want_options <= options, (package, module, name)
            checked += 1
    assert checked > 0


def test_the_renamed_native_forms_are_gone():
    # Each of these meant a different contract under one name (issue 14): now each has its own.
    from jax_impl import deep as jax_deep, logistic as jax_logistic
    from reference_numpy import deep as ref_deep, logistic as ref_logistic
    from torch_impl import deep as torch_deep, logistic as torch_logistic

    for module in (ref_deep, ref_logistic, jax_deep, jax_logistic, torch_deep, torch_logistic):
        assert not {"loss", "propagate"} & set(dir(module)), module.__name__
    assert "train_step" in ref_deep.__all__ and "train_step" not in jax_deep.__all__ + torch_deep.__all__
    assert callable(torch_deep.DeepNetwork.gd_step_) and callable(torch_logistic.LogisticRegression.gd_step_)


@pytest.mark.parametrize("package", ["jax_impl", "nn_parity_autograd"])
def test_forward_building_blocks_return_what_the_references_return(package):
    # linear_forward -> (Z, cache), linear_activation_forward -> (A, cache), model_forward ->
    # (A[L], caches), update_parameters takes grads keyed "dW1", ...: the reference's contracts.
    import contextlib
    import importlib

    from reference_numpy import deep as ref

    _public_functions(package, "deep")  # puts the example backend on the path where needed
    deep = importlib.import_module(f"{package}.deep")
    context = importlib.import_module("jax_impl.convert").precision(np.float64) if package == "jax_impl" \
        else contextlib.nullcontext()
    spec = ModelSpec((4, 5, 3, 2), hidden_activation=("relu", "tanh"), output="softmax")
    params = {k: v + 0.1 for k, v in init_params(spec, 3, "he").items()}
    rng = np.random.default_rng(4)
    X = rng.standard_normal((4, 6))
    masks = {"D1": (rng.random((5, 6)) < 0.7).astype(float), "D2": (rng.random((3, 6)) < 0.7).astype(float)}
    keep_prob = (0.7, 0.7)
    with context:
        Z, (A_prev, W, b) = deep.linear_forward(X, params["W1"], params["b1"])
        Z_ref, _ = ref.linear_forward(X, params["W1"], params["b1"])
        np.testing.assert_allclose(np.asarray(Z), Z_ref, rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(np.asarray(W), params["W1"])
        A, ((A_prev, _, _), Z) = deep.linear_activation_forward(X, params["W1"], params["b1"], "leaky_relu", 0.2)
        A_ref, _ = ref.linear_activation_forward(X, params["W1"], params["b1"], "leaky_relu", 0.2)
        np.testing.assert_allclose(np.asarray(A), A_ref, rtol=1e-13, atol=1e-15)
        for options in ({}, {"masks": masks, "keep_prob": keep_prob}):
            AL, caches = deep.model_forward(params, X, spec, **options)
            AL_ref, caches_ref = ref.model_forward(params, X, spec, **options)
            np.testing.assert_allclose(np.asarray(AL), AL_ref, rtol=1e-12, atol=1e-15)
            assert len(caches) == len(caches_ref) == spec.num_layers
            for (linear, Z), (linear_ref, Z_ref) in zip(caches, caches_ref):
                np.testing.assert_allclose(np.asarray(Z), Z_ref, rtol=1e-12, atol=1e-15)
                np.testing.assert_allclose(np.asarray(linear[0]), linear_ref[0], rtol=1e-12, atol=1e-15)
        grads = {"d" + k: np.full_like(v, 0.5) for k, v in params.items()}
        new = deep.update_parameters(params, grads, 0.1)
    want = ref.update_parameters(params, grads, 0.1)
    assert list(new) == list(want)
    for key in want:
        np.testing.assert_allclose(np.asarray(new[key]), want[key], rtol=1e-15)


def test_a_cost_is_a_float_in_the_reference_and_a_framework_scalar_under_another_name():
    import jax.numpy as jnp
    import torch

    from jax_impl.losses import cost_from_logits as jax_cost
    from reference_numpy import deep, logistic
    from reference_numpy.losses import compute_cost
    from reference_numpy.optim import l2_cost
    from torch_impl.losses import cost_from_logits as torch_cost
    from torch_impl.optim import l2_term as torch_l2
    from jax_impl.optim import l2_term as jax_l2

    ZL, Y = np.array([[0.3, -1.2, 2.0]]), np.array([[1.0, 0.0, 1.0]])
    expected = compute_cost(ZL, Y, "binary_cross_entropy")
    assert type(expected) is float
    got_torch = torch_cost(torch.from_numpy(ZL), torch.from_numpy(Y), "binary_cross_entropy")
    assert isinstance(got_torch, torch.Tensor) and got_torch.ndim == 0
    assert float(got_torch) == pytest.approx(expected, rel=1e-15)
    with importlib_precision("jax_impl", np.float64):
        got_jax = jax_cost(jnp.asarray(ZL), jnp.asarray(Y), "binary_cross_entropy")
        assert got_jax.ndim == 0 and float(got_jax) == pytest.approx(expected, rel=1e-15)
        W = np.arange(6.0).reshape(2, 3)
        assert float(jax_l2([jnp.asarray(W)], 0.7, 3)) == pytest.approx(l2_cost([W], 0.7, 3), rel=1e-15)
    assert float(torch_l2([torch.from_numpy(W)], 0.7, 3)) == pytest.approx(l2_cost([W], 0.7, 3), rel=1e-15)
    assert type(l2_cost([W], 0.7, 3)) is float
    spec = ModelSpec((3, 2, 1))
    params, X = init_params(spec, 1, "he"), np.arange(9.0).reshape(3, 3) / 9
    assert type(deep.forward_cost(params, X, Y, spec)) is float
    assert type(deep.train_step(params, X, Y, spec, 0.1)[1]) is float
    lp = {"w": np.ones((3, 1)), "b": np.float64(0.5)}
    assert type(logistic.forward_cost(lp, X, Y)) is float
    np.testing.assert_array_equal(logistic.forward(lp["w"], lp["b"], X), lp["w"].T @ X + 0.5)


def importlib_precision(package: str, dtype):
    import importlib

    return importlib.import_module(f"{package}.convert").precision(dtype)
