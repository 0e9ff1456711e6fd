"""Training trajectories: tens of update steps from the same start, every batch mode."""

from __future__ import annotations

import numpy as np
import pytest

from parity import BACKENDS, compare_training, dict_relative_error, relative_error, tolerance, training_cases

from .helpers import DTYPES, cuda_params, framework_params, needs

# (batch_size, epochs, update steps) per mode on m = 20 examples: one batch per epoch;
# batches of 8, 8 and 4 (the last kept smaller); 20 batches of one.
BATCH_MODES = [pytest.param(None, 40, 40, id="full-batch"), pytest.param(8, 14, 42, id="mini-batch"),
               pytest.param(1, 2, 40, id="stochastic")]
DEEP_CASES = [c for c in training_cases() if c.model == "deep"]
LOGISTIC = next(c for c in training_cases() if c.model == "logistic")


# The dtype each case trains in, per batch mode (full-batch, mini-batch, stochastic): every
# case × mode pair once, and each case and each mode in both dtypes. JAX compiles one training
# step per case, batch size and dtype (about a second each), so the full product would double
# the compilations for nothing: the dtype changes the precision and the tolerance, not which
# batches a mode takes nor which code a case's activation and output run, so float32's drift
# over a trajectory shows in any case and mode it is paired with. The first case's full and
# mini-batch runs are float64, the configurations the tests below train, so they share its
# compilations.
TRAJECTORY_DTYPES = {
    "deep-relu-sigmoid": ("float64", "float64", "float32"),
    "deep-tanh-softmax": ("float32", "float64", "float32"),
    "deep-leaky-linear": ("float64", "float32", "float64"),
}


def deep_trajectory_params():
    """(case, batch_size, epochs, steps, dtype) for each case × batch mode, in the dtype above."""
    params = []
    for case in DEEP_CASES:
        for mode, dtype in zip(BATCH_MODES, TRAJECTORY_DTYPES[case.name], strict=True):
            params.append(pytest.param(case, *mode.values, dtype, id=f"{case.name}-{mode.id}-{dtype}"))
    return params


def assert_same_trajectory(row):
    assert np.isfinite(row["costs"]).all()
    assert row["costs_rel_err"] <= row["tol"], row
    assert row["params_rel_err"] <= row["tol"], row


@pytest.mark.parametrize("case, batch_size, epochs, steps, dtype", deep_trajectory_params())
@pytest.mark.parametrize("backend", framework_params())
@needs("case", "dtype", "batch_size", function="train")
def test_deep_trajectory(backend, case, batch_size, epochs, steps, dtype):
    row = compare_training(case, backend, "cpu", dtype, epochs=epochs, learning_rate=0.05, batch_size=batch_size)
    assert row["steps"] == steps
    assert_same_trajectory(row)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("backend", framework_params())
@needs("dtype", model="logistic", function="train")
def test_logistic_trajectory(backend, dtype):
    row = compare_training(LOGISTIC, backend, "cpu", dtype, epochs=40, learning_rate=0.1)
    assert row["steps"] == 40
    assert_same_trajectory(row)


@pytest.mark.parametrize("backend", [pytest.param(BACKENDS[n], id=n) for n in BACKENDS])
@needs(function="train", training="batch_size", activation="relu", output="sigmoid")
def test_one_cost_per_step_and_last_batch_kept(backend):
    # m = 20, batch 8: batches of 8, 8 and 4 per epoch, 3 epochs -> 9 update steps.
    case = DEEP_CASES[0]
    X, Y = case.data()
    _, costs = backend.train("deep", case.params(), X, Y, case.spec, learning_rate=0.05,
                             num_epochs=3, batch_size=8, seed=0)
    assert len(costs) == 9 and all(isinstance(c, float) for c in costs)


@pytest.mark.parametrize("backend", [pytest.param(BACKENDS[n], id=n) for n in BACKENDS])
@needs(function="train", activation="relu", output="sigmoid")
def test_first_cost_is_before_the_first_update(backend):
    case = DEEP_CASES[0]
    X, Y = case.data()
    params = case.params()
    cost, _ = backend.cost_and_grads("deep", params, X, Y, case.spec)
    _, costs = backend.train("deep", params, X, Y, case.spec, learning_rate=0.05, num_epochs=2)
    assert costs[0] == pytest.approx(cost, rel=1e-12)
    assert costs[1] < costs[0]


@pytest.mark.parametrize("batch_size", [None, 8], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("backend", [pytest.param(BACKENDS[n], id=n) for n in BACKENDS])
@needs("batch_size", function="train", activation="relu", output="sigmoid")
def test_train_leaves_the_callers_arrays_alone(backend, batch_size):
    case = DEEP_CASES[0]
    X, Y = case.data()
    params = case.params()
    before = {k: v.copy() for k, v in params.items()}
    X0, Y0 = X.copy(), Y.copy()
    new, _ = backend.train("deep", params, X, Y, case.spec, learning_rate=0.05, num_epochs=3, batch_size=batch_size)
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        assert not np.shares_memory(new[key], params[key])
        assert new[key].dtype == params[key].dtype
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_size, epochs, steps", BATCH_MODES)
@pytest.mark.parametrize("backend", cuda_params())
@needs("dtype", function="train", training="batch_size", activation="relu", output="sigmoid")
def test_deep_trajectory_on_gpu(backend, batch_size, epochs, steps, dtype):
    row = compare_training(DEEP_CASES[0], backend, "cuda", dtype, epochs=epochs, learning_rate=0.05, batch_size=batch_size)
    assert row["steps"] == steps
    assert_same_trajectory(row)


@pytest.mark.parametrize("backend", cuda_params())
@needs(function="train", training=("batch_size", "world_size"), activation="relu", output="sigmoid")
def test_data_parallel_on_gpu_equals_the_reference(backend):
    """world_size = 2 on CUDA (torch: NCCL where each rank has a GPU of its own, gloo over CUDA
    tensors where they share one; JAX: a mesh of two GPUs) against the reference's one device:
    batches of 7 of m = 20, so every shard pair is uneven (4/3, 4/3, 3/3), float64."""
    case = DEEP_CASES[0]
    if backend.name == "jax":
        import jax  # the backend under test: its own GPUs

        if len(jax.devices("gpu")) < 2:
            pytest.skip(f"JAX's mesh of 2 needs 2 GPUs; JAX sees {len(jax.devices('gpu'))}")
    X, Y = case.data("float64")
    hyper = dict(learning_rate=0.05, num_epochs=3, batch_size=7, seed=case.seed)
    ref_params, ref_costs = BACKENDS["numpy"].train("deep", case.params(), X, Y, case.spec, **hyper)
    params, costs = backend.train("deep", case.params(), X, Y, case.spec, "cuda", world_size=2, **hyper)
    tol = tolerance("float64", "cuda").grad
    assert len(costs) == len(ref_costs) == 9
    assert relative_error(costs, ref_costs) <= tol and dict_relative_error(params, ref_params) <= tol
