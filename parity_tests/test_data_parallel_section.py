"""The data-parallel section of the conformance runner (``parity.sections.data_parallel``):
it passes the reference's own sharded training, fails a backend that averages the shards'
means and names the step (with its shards) and the parameter, skips a backend without
``world_size`` with the reason, fails a backend that raises on every check that needed the
run, and keeps to few training calls (worker processes start slowly). And the report's section
(``reports.data_parallel``): uneven shards averaged fail it and even ones pass, the quick report
skips what it skips with the reason, the defaults' drift is shown from its first step, the plot,
and a step time as the difference of two runs."""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from nn_contract.shards import shard_sizes
from parity import BACKENDS, Backend, reference_backend, register_backend
from parity.conformance import SECTIONS, run_conformance
from parity.runner import Runner
from parity.sections.data_parallel import (DATA_PARALLEL, DP_CASE, DP_CONFIGS, WORLD_SIZES, batch_shards, dp_params,
                                           shard_note, shards_even)
from reports import data_parallel as report_dp
from reports import plots, render
from reports.results import decide

BROKEN = Path(__file__).resolve().parent / "broken_backends"
if str(BROKEN) not in sys.path:
    sys.path.insert(0, str(BROKEN))

CHECKS = ("data-parallel vs one device", "data-parallel vs reference")


def _run(package: str, quick: bool = False, dtypes=("float64", "float32")):
    runner = Runner(Backend(package, package, "test"), reference_backend(), dtypes, quick=quick)
    runner.run(DATA_PARALLEL)
    return runner.table()


@pytest.fixture(scope="module")
def mean_of_means():
    return _run("broken_dp_mean")


def test_the_section_is_in_the_suite_and_needs_world_size():
    assert DATA_PARALLEL in SECTIONS
    assert DATA_PARALLEL.needs["training"] == "world_size"


def test_every_case_has_an_uneven_step_and_k2_an_even_one():
    m = DP_CASE.m
    for config in DP_CONFIGS:
        batch = m if config.batch_size is None else config.batch_size
        assert not shards_even(m, config.batch_size, 3)
        splits = batch_shards(m, config.batch_size, 2)
        assert sum(map(sum, splits)) == m and all(max(split) - min(split) <= 1 for split in splits)
        assert not shards_even(m, config.batch_size, 2)
        if batch % 2 == 0:
            assert any(len(set(split)) == 1 for split in batch_shards(m, config.batch_size, 2))
    assert shard_note(m, 64, 2) == "shards 32/32, last batch 9/8"
    assert shard_note(m, 64, 3) == "shards 22/21/21, last batch 6/6/5"
    assert shards_even(192, 64, 2) and shards_even(192, 64, 1)
    params = dp_params("float64")
    assert all(abs(params[f"b{l}"]).min() > 0 for l in range(1, DP_CASE.spec.num_layers + 1))


def test_the_reference_sharded_is_the_reference_on_one_device():
    table = _run("reference_numpy")
    assert set(table["status"]) == {"passed"}, table[table["status"] != "passed"].to_string()
    assert set(table["check"]) == set(CHECKS)
    for k in WORLD_SIZES:
        assert table["case"].str.contains(f"k={k} ").any()
    assert (table.loc[table["dtype"] == "float64", "tolerance"] == 1e-10).all()
    assert set(table["dtype"]) == {"float64", "float32"}


def test_the_mean_of_shard_means_fails_and_names_the_step_and_the_parameter(mean_of_means):
    table = mean_of_means
    one_device = table[(table["case"] == "GD, batches of 64, k=1 (one device)")]
    assert set(one_device["status"]) == {"passed"}
    k2 = table[(table["check"] == "data-parallel vs one device") & (table["dtype"] == "float64")
               & table["case"].str.startswith("GD, batches of 64, k=2")]
    costs, params = k2.iloc[0], k2.iloc[1]
    # 64, 64, 64 split 32/32 and agree; the fourth step's 17 split 9/8 and do not.
    batches = [64, 64, 64, 17]
    first_uneven = next(i for i, b in enumerate(batches) if len(set(shard_sizes(b, 2))) > 1) + 1
    assert costs["status"] == "failed" and costs["quantity"] == "costs"
    assert costs["detail"].startswith(f"first step that leaves tolerance is step {first_uneven} of 8 (shards 9/8)")
    assert params["status"] == "failed"
    assert re.fullmatch(r"[Wb]\d", params["quantity"])
    assert params["detail"].startswith(f"after training: {params['quantity']} (layer ")
    assert params["error"] > params["tolerance"]
    # Over 3 workers nothing is even: the first step already differs, in every case.
    k3 = table[(table["quantity"] == "costs") & table["case"].str.contains("k=3")]
    assert set(k3["status"]) == {"failed"}
    assert k3["detail"].str.contains(r"is step 1 of \d+ \(shards \d+/\d+/\d+\)").all()


class _NoWorldSize(Backend):
    """The reference, declaring every training option but ``world_size``."""

    def capabilities(self):
        declared = super().capabilities()
        return {**declared, "training": tuple(t for t in declared["training"] if t != "world_size")}


def test_a_backend_that_declares_no_world_size_gets_skipped_rows_with_the_reason():
    runner = Runner(_NoWorldSize("no-dp", "reference_numpy", "test"), reference_backend(), quick=True)
    runner.run(DATA_PARALLEL)
    table = runner.table()
    assert len(table) > 0 and set(table["status"]) == {"skipped"}
    assert table["detail"].str.contains("does not declare training 'world_size'").all()


def test_an_undeclared_backend_whose_train_takes_no_world_size_is_skipped_with_the_reason():
    table = _run("broken_no_mean", quick=True)
    assert len(table) > 0 and set(table["status"]) == {"skipped"}
    gd = table[table["case"].str.startswith("GD")]
    assert len(gd) > 0 and gd["detail"].str.contains("broken_no_mean's deep.train takes no world_size").all()


class _Counting(Backend):
    """The reference, counting its ``train`` calls by world size."""

    calls: list = []

    def train(self, model, *args, world_size=1, **hyper):
        self.calls.append(world_size)
        return super().train(model, *args, world_size=world_size, **hyper)


@pytest.mark.parametrize("quick, most", [(False, 8), (True, 3)], ids=["full", "quick"])
def test_few_training_calls_each_run_once(quick, most, monkeypatch):
    monkeypatch.setattr(_Counting, "calls", [])
    runner = Runner(_Counting("counting", "reference_numpy", "test"), reference_backend(), quick=quick)
    runner.run(DATA_PARALLEL)
    distributed = [k for k in _Counting.calls if k > 1]
    assert 0 < len(distributed) <= most
    assert len(distributed) == len(set(runner.table().query("check == 'data-parallel vs one device'")
                                        .apply(lambda r: (r["case"], r["dtype"]), axis=1)))


class _Raising(Backend):
    """The reference, whose distributed training raises (a worker that died)."""

    def train(self, model, *args, world_size=1, **hyper):
        if world_size > 1:
            raise RuntimeError("worker 1 exited with code -9")
        return super().train(model, *args, world_size=world_size, **hyper)


def test_a_backend_that_raises_fails_each_check_that_needed_the_run():
    table = run_conformance(_Raising("raising", "reference_numpy", "test"), quick=True, dtypes=("float64",),
                            sections=(DATA_PARALLEL,))
    distributed = table[~table["case"].str.contains("k=1 ")]
    assert set(distributed["status"]) == {"failed"}
    assert distributed["detail"].str.contains("raised RuntimeError: worker 1 exited with code -9").all()
    assert set(table.loc[table["case"].str.contains("k=1 "), "status"]) == {"passed"}
    assert math.isnan(distributed["error"].iloc[0])


# --------------------------------------------------------------------------- the report's section

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SMALL = report_dp.DpWorkload("small", (8, 8, 3), 24, None, 1e-3, dtype="float32", output="softmax")


@pytest.fixture
def dp_only(monkeypatch):
    """The registry down to the reference and the mean-of-means fixture (taken out again after,
    so that no later test of the same worker finds it); a small timing network."""
    registered = "broken_dp_mean" not in BACKENDS
    register_backend("broken_dp_mean", "test")
    for name in [n for n in BACKENDS if n not in ("numpy", "broken_dp_mean")]:
        monkeypatch.delitem(BACKENDS, name)
    monkeypatch.setattr(report_dp, "TIMING_WORKLOAD", SMALL)
    yield
    if registered:
        BACKENDS.pop("broken_dp_mean", None)


def test_the_report_fails_uneven_shards_averaged_and_passes_even_ones(dp_only):
    table, drift, skipped = report_dp.run_data_parallel(False, 2)
    accuracy = table[(table["part"] == "accuracy") & (table["backend"] == "broken_dp_mean")]
    by = {(r.case, r.world_size): r for r in accuracy.itertuples()}
    for (case, k), row in by.items():
        even = row.shards_even
        assert row.passed is (k == 1 or even), (case, k, row.max_rel_diff_to_one_device)
    assert any(not r.shards_even for r in by.values()) and any(r.shards_even and r.world_size > 1 for r in by.values())
    assert report_dp.dp_failures(table) == sum(1 for r in by.values() if not r.passed) > 0
    reference = table[(table["part"] == "accuracy") & (table["backend"] == "numpy")]
    assert reference["passed"].all() and (reference["max_rel_diff_to_one_device"] <= 1e-10).all()
    timing = table[table["part"] == "timing"]
    assert list(timing["world_size"]) == list(WORLD_SIZES) and timing["error"].eq("").all()
    assert (timing.loc[timing["world_size"] == 3, "threads_per_worker"] == 1).all()
    one_device = timing.iloc[0]  # a tiny network's step is noise against a launch: a time <= 0 has no speed-up
    assert one_device["speedup_vs_1"] == 1.0 if one_device["step_s"] > 0 else math.isnan(one_device["speedup_vs_1"])
    assert drift.empty and {"backend": "broken_dp_mean", "part": "framework defaults",
                            "reason": "broken_dp_mean declares no train_with_distributed_defaults"} in skipped
    # The verdict counts them; the text says so, and where.
    empty = pd.DataFrame()
    verdict = decide(pd.DataFrame([{"backend": "torch", "passed": True}]), empty, [], "numpy", table)
    assert not verdict.passed and verdict.data_parallel_failures == report_dp.dp_failures(table)


def test_the_quick_report_skips_timing_and_framework_runs_with_the_reason(dp_only):
    table, drift, skipped = report_dp.run_data_parallel(True, 2)
    assert set(table["backend"]) == {"numpy"} and set(table["part"]) == {"accuracy"}
    assert {"backend": "broken_dp_mean", "part": "timing", "reason": report_dp.QUICK_TIMING_SKIP} in skipped
    assert {"backend": "broken_dp_mean", "part": "accuracy", "reason": report_dp.QUICK_ACCURACY_SKIP} in skipped
    text = render.render_markdown(report_dp.data_parallel_blocks(table, drift, skipped, None))
    assert "## Data parallel" in text and "### Step time against k" in text
    assert f"**Skipped**: {report_dp.QUICK_TIMING_SKIP}." in text
    assert f"broken_dp_mean: accuracy: {report_dp.QUICK_ACCURACY_SKIP}" in text


def _drift_rows(first_off: int, steps: int = 8):
    return pd.DataFrame([{"backend": "torch", "world_size": 2, "step": s, "cost": 0.5, "course_cost": 0.5,
                          "rel_diff_to_course": 0.0 if s < first_off else 1e-3, "max_rel_diff": 1e-3,
                          "final_params_rel_diff": 2e-3, "error": ""} for s in range(1, steps + 1)],
                        columns=list(report_dp.DRIFT_COLUMNS))


def test_the_drift_is_shown_from_its_first_step_off_the_course():
    summary = report_dp.drift_summary(_drift_rows(4), 1e-10)
    assert summary["first_step_beyond_bound"].tolist() == ["4"]
    text = render.render_markdown(report_dp.data_parallel_blocks(pd.DataFrame(columns=list(report_dp.DP_COLUMNS)),
                                                                  _drift_rows(4), [], None))
    assert "torch at k = 2 leaves the course at step 4 (up to 0.001 in the cost" in text


def test_the_step_time_plot_draws_the_timing_rows_only(tmp_path):
    rows = [{"part": "timing", "backend": b, "world_size": k, "step_s": 0.3 / k ** 0.5, "speedup_vs_1": k ** 0.5}
            for b in ("torch", "jax") for k in WORLD_SIZES]
    table = pd.DataFrame(rows, columns=list(report_dp.DP_COLUMNS))
    path = plots.plot_data_parallel(table, tmp_path)
    assert path is not None and path.read_bytes().startswith(PNG_MAGIC)
    accuracy_only = table.assign(part="accuracy")
    assert plots.plot_data_parallel(accuracy_only, tmp_path, "none.png") is None
    assert not (tmp_path / "none.png").exists()


@pytest.mark.parametrize("workers, omp", [("processes", "2"), ("one process", None)], ids=["processes", "one-process"])
def test_a_step_time_is_the_difference_of_two_runs_over_the_extra_steps(monkeypatch, workers, omp):
    """After an untimed first run at the same k (a step compiled per mesh compiles there), a
    1-epoch and a 9-epoch run; worker processes get ⌊4/2⌋ threads each by OMP_NUM_THREADS,
    workers in one process share its 4 and the variable is left alone."""
    clock = iter([0.0, 5.0, 12.0])  # a 1-epoch run of 5 s, a 9-epoch run of 7 s: 2 s over 8 steps
    monkeypatch.setattr(report_dp.time, "perf_counter", lambda: next(clock))
    seen = []
    before = os.environ.get("OMP_NUM_THREADS")

    class Fake:
        dp_workers = workers

        def train(self, model, params, X, Y, spec, device, **hyper):
            seen.append((hyper["world_size"], hyper["num_epochs"], os.environ.get("OMP_NUM_THREADS")))
            return params, [0.0] * hyper["num_epochs"]

    seconds, _ = report_dp.time_steps(Fake(), SMALL, 2, 4)
    assert seconds == pytest.approx((7.0 - 5.0) / 8)
    set_to = omp if omp is not None else before
    assert seen == [(2, 1, set_to), (2, 1, set_to), (2, 9, set_to)] and os.environ.get("OMP_NUM_THREADS") == before
    assert report_dp.thread_budget(Fake(), 4, 2) == ((2, 2, 4) if workers == "processes" else (None, 4, 4))
