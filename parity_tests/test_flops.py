"""FLOP and byte counts, the limit arithmetic, the standard workloads and the timing rows.

Nothing here times anything against a threshold: speed is measured by
``benchmarks/bench_step.py`` and the report, never asserted.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from reports.flops import COST_FLOPS_PER_OUTPUT, count_bytes, count_flops
from reports.limits import MachineLimits, limit_seconds, ratio_to_limit
from nn_contract.checks import check_deep_inputs, check_logistic_inputs
from reports.timing import ROW_KEYS, Workload, configure_threads, standard_workloads, time_workload, workload_data

TINY = Workload("tiny", "deep", (3, 2, 1), 4)


def test_tiny_network_flops_by_hand():
    # layer_dims (3, 2, 1), m = 4, relu hidden, sigmoid output.
    # forward: Z1 = W1 X: 2*2*3*4 = 48; + b1: 8; relu: 8; Z2 = W2 A1: 2*1*2*4 = 16; + b2: 4;
    #          cost: 4 outputs * COST_FLOPS_PER_OUTPUT + 4 for the mean.
    forward = 48 + 8 + 8 + 16 + 4 + 4 * COST_FLOPS_PER_OUTPUT + 4
    assert count_flops(TINY, "forward") == forward
    # backward: sigmoid(Z2) and A2 - Y: 4 + 4; dW2 = dZ2 A1ᵀ: 16, / m: 2; db2: 4 + 1;
    #           dA1 = W2ᵀ dZ2: 16; dZ1 = dA1 * relu'(Z1): 8 + 8;
    #           dW1 = dZ1 Xᵀ: 48, / m: 6; db1: 8 + 2 (no dA0).
    backward = 8 + 16 + 2 + 5 + 16 + 16 + 48 + 6 + 10
    n_params = 2 * 3 + 2 + 1 * 2 + 1
    assert count_flops(TINY, "step") == forward + backward + 2 * n_params
    assert count_flops(TINY, "compile") == count_flops(TINY, "step")


def test_logistic_flops_by_hand():
    w = Workload("lr", "logistic", (5, 1), 7)
    forward = 2 * 5 * 7 + 7 + 7 * COST_FLOPS_PER_OUTPUT + 7
    backward = 2 * 7 + (2 * 5 * 7 + 5) + (7 + 1)
    assert count_flops(w, "forward") == forward
    assert count_flops(w, "step") == forward + backward + 2 * 6


def test_flops_dominated_by_matmuls_for_the_notes_l_layer():
    w = Workload("L", "deep", (12288, 20, 7, 5, 1), 209)
    dims, m = w.layer_dims, w.m
    matmul_fwd = sum(2 * dims[l] * dims[l - 1] * m for l in range(1, 5))
    matmul_step = 2 * matmul_fwd + sum(2 * dims[l] * dims[l - 1] * m for l in range(2, 5))
    assert matmul_fwd < count_flops(w, "forward") < 1.01 * matmul_fwd
    assert matmul_step < count_flops(w, "step") < 1.01 * matmul_step


@pytest.mark.parametrize("dtype, size", [("float64", 8), ("float32", 4), (np.float32, 4)])
def test_bytes(dtype, size):
    n_params = 2 * 3 + 2 + 1 * 2 + 1
    data = 3 * 4 + 1 * 4  # X and Y
    assert count_bytes(TINY, "forward", dtype) == (data + n_params) * size
    assert count_bytes(TINY, "step", dtype) == (data + 2 * n_params) * size


def test_bad_phase():
    with pytest.raises(ValueError, match="phase"):
        count_flops(TINY, "backward")


LIMITS = MachineLimits("cpu", "float64", matmul_flops_per_s=1e10, bandwidth_bytes_per_s=1e9)


def test_limit_compute_bound():
    # 1e9 FLOPs at 1e10/s = 0.1 s; 1e6 bytes at 1e9/s = 1 ms -> compute-bound.
    assert limit_seconds(10**9, 10**6, LIMITS) == pytest.approx(0.1)
    assert ratio_to_limit(0.25, 10**9, 10**6, LIMITS) == pytest.approx(2.5)


def test_limit_memory_bound():
    # 1e6 FLOPs = 0.1 ms; 1e9 bytes = 1 s -> memory-bound.
    assert limit_seconds(10**6, 10**9, LIMITS) == pytest.approx(1.0)
    assert ratio_to_limit(1.0, 10**6, 10**9, LIMITS) == pytest.approx(1.0)


def test_standard_workloads():
    ws = {w.name: w for w in standard_workloads()}
    assert ws["logistic-64x64x3"].model == "logistic"
    assert ws["logistic-64x64x3"].layer_dims == (12288, 1)
    assert ws["2-layer"].layer_dims == (12288, 7, 1)
    assert ws["L-layer"].layer_dims == (12288, 20, 7, 5, 1)
    for name in ("logistic-64x64x3", "2-layer", "L-layer"):
        assert ws[name].m == 209 and ws[name].sweep is None
    assert len({w.m for w in ws.values() if w.sweep == "m"}) >= 3
    assert len({w.layer_dims for w in ws.values() if w.sweep == "width"}) >= 3
    assert ws["L-layer"].spec().layer_dims == (12288, 20, 7, 5, 1)
    assert ws["logistic-64x64x3"].spec() is None
    quick = standard_workloads(quick=True)
    assert {w.sweep for w in quick} == {None, "m", "width"}
    assert all(w.layer_dims[0] * w.m < 10_000 for w in quick)


def test_time_workload_rows_every_backend():
    threads = configure_threads()["threads"]
    limits = MachineLimits("cpu", "float64", 1e10, 1e10)
    for w in (TINY, Workload("lr", "logistic", (6, 1), 5)):
        for backend in ("numpy", "torch", "jax"):
            rows = time_workload(w, backend, repeats=2, limits=limits)
            assert [r["phase"] for r in rows] == ["compile", "forward", "step", "floor"]
            for r in rows:
                assert tuple(r) == ROW_KEYS
                assert (r["model"], r["workload"], r["backend"]) == (w.model, w.name, backend)
                assert (r["device"], r["dtype"]) == ("cpu", "float64")
                assert r["median_s"] > 0 and r["threads"] == threads
                counted = "step" if r["phase"] == "floor" else r["phase"]  # the floor does the step's products
                assert r["flops"] == count_flops(w, counted) and r["bytes"] == count_bytes(w, counted, "float64")
                assert math.isclose(r["ratio_to_limit"], r["median_s"] / r["limit_s"])
            assert [r["repeats"] for r in rows] == [1, 2, 2, 2]
            assert rows[0]["iqr_s"] == 0.0  # compile: one measurement, no spread
            step, floor = rows[2], rows[3]
            assert step["timed_through"] == "native step"
            assert math.isclose(step["ratio_to_floor"], step["median_s"] / floor["median_s"])


def test_time_workload_refuses_mismatched_limits():
    with pytest.raises(ValueError, match="limits"):
        time_workload(TINY, "numpy", dtype="float32", repeats=1, limits=LIMITS)


def test_jax_step_compiled_once_across_train_calls():
    from nn_contract import ModelSpec, init_params
    from jax_impl import deep, logistic

    spec = ModelSpec((5, 3, 1))
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((5, 6)), (rng.random((1, 6)) < 0.5).astype(float)
    params = init_params(spec, 0, "he")
    # Each jitted function starts empty, so the first train compiles exactly one entry: train
    # goes through it, and another learning rate, epoch count or seed compiles nothing new.
    for step in (deep._fit_step, deep._train_epoch, logistic._fit_step):
        step.clear_cache()
    # full batch: the fitting step train repeats (course-2 options traced, not static)
    deep.train(params, X, Y, spec, num_epochs=2)
    assert deep._fit_step._cache_size() == 1
    deep.train(params, X, Y, spec, learning_rate=0.1, num_epochs=3)
    assert deep._fit_step._cache_size() == 1
    # mini-batches: the epoch function too is compiled once
    deep.train(params, X, Y, spec, num_epochs=2, batch_size=4)
    assert deep._train_epoch._cache_size() == 1
    deep.train(params, X, Y, spec, num_epochs=3, batch_size=4, seed=5)
    assert deep._train_epoch._cache_size() == 1

    lp = {"w": np.zeros((5, 1)), "b": 0.0}
    logistic.train(lp, X, Y, num_iterations=2)
    assert logistic._fit_step._cache_size() == 1
    logistic.train(lp, X, Y, learning_rate=0.1, num_iterations=4)
    assert logistic._fit_step._cache_size() == 1


SOFTMAX = Workload("softmax", "deep", (6, 5, 4), 32, output="softmax")
LINEAR = Workload("linear", "deep", (6, 5, 2), 8, output="linear")


@pytest.mark.parametrize("workload", [*standard_workloads(quick=True), SOFTMAX, LINEAR], ids=lambda w: w.name)
def test_workload_data_is_valid_input_under_the_contract(workload):
    # A backend without a native step is timed through its public train, which validates its
    # input: the timing data must pass the contract's own checks (one-hot columns for softmax).
    for dtype in ("float64", "float32"):
        params, X, Y = workload_data(workload, dtype)
        if workload.model == "logistic":
            check_logistic_inputs(params, X, Y)
        else:
            check_deep_inputs(params, X, Y, workload.spec())
        assert X.dtype == Y.dtype == np.dtype(dtype) and Y.shape == (workload.layer_dims[-1], workload.m)


def test_softmax_workload_labels_are_one_hot_and_vary():
    _, _, Y = workload_data(SOFTMAX)
    assert set(np.unique(Y)) == {0.0, 1.0} and (Y.sum(axis=0) == 1).all()
    assert len(set(Y.argmax(axis=0))) > 1  # a random class per column, not one class everywhere
