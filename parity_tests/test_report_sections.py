"""The report's sections on small or synthetic input, without building a report: the
conventions comparison through the protocol (and its gate), the busy-machine flags, the
timing table's labels, the verdict decided once in the results and read by the text, the
Markdown-to-HTML rendering, plot styles for any backend's name, the sweep titles, and the
contract's name in the sources."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parity import BACKENDS, Backend, builtin_cases, tolerance
from reports import busy, plots, prose, render, results, timing_prose, timing_section
from reports.conventions import WAYS, conventions_summary, formula_table, run_conventions
from reports.dataset import resolve_dataset

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- conventions


@pytest.fixture(scope="module")
def momentum_run():
    """Momentum only, one epoch (7 mini-batch steps), on every usable backend."""
    return run_conventions(1, only=("Momentum",))


def test_conventions_run_every_way_and_skip_with_reasons(momentum_run):
    table, skipped, formulas = momentum_run
    assert set(table["way"]) == set(WAYS)
    assert (table.groupby(["backend", "way"])["step"].count() == 7).all()
    bound = tolerance("float64").grad
    configured = table[table["way"] == "configured to match"]
    assert configured["passed"].astype(bool).all() and (configured["rel_diff_to_course"] <= bound).all()
    # Skips are named with the backend's own reason, never silently dropped.
    ran = set(table["backend"]) | {s["backend"] for s in skipped}
    assert ran == {name for name, b in BACKENDS.items() if b.available()}
    for skip in skipped:
        assert skip["reason"] and skip["way"] in WAYS[1:]
    assert "v = β v + (1−β) dW" in formulas["numpy"]["Momentum"]


def test_conventions_summary_and_formula_table(momentum_run):
    table, _, formulas = momentum_run
    summary = conventions_summary(table).set_index(["backend", "way"])
    assert summary.loc[("numpy", "course"), "passed"] == ""
    assert summary.loc[("torch", "configured to match"), "passed"] == "pass"
    defaults = summary.loc[("torch", "framework defaults")]
    assert defaults["first_step_beyond_bound"] == "2" and defaults["passed"] == ""
    formula = formula_table(formulas, "numpy").set_index("optimizer")
    assert "momentum=β" in formula.loc["Momentum", "torch default"]
    for name, backend in BACKENDS.items():
        if backend.available() and name != "numpy" and not backend.hook("conventions"):
            assert formula.loc["Momentum", f"{name} default"] == "declares no conventions"


def test_conventions_gate_fails_a_configured_run_off_the_course(monkeypatch):
    real = Backend.train

    def drifting(self, model, *args, **hyper):
        params, costs = real(self, model, *args, **hyper)
        if self.name == "jax":
            params = dict(params)
            params["W1"] = params["W1"] * (1 + 1e-9)  # the final parameters alone, costs untouched
        return params, costs

    monkeypatch.setattr(Backend, "train", drifting)
    table, _, _ = run_conventions(1, only=("Momentum",))
    verdict = table[table["way"] == "configured to match"].groupby("backend")["passed"].first()
    assert not verdict["jax"] and verdict["torch"]
    assert results.conventions_failures(table) == 1


@pytest.mark.parametrize("kwargs, error, match", [
    pytest.param({"only": ("Nesterov",)}, ValueError, "only", id="unknown-case"),
    pytest.param({"epochs": 0}, ValueError, "epochs", id="no-epochs"),
    pytest.param({"epochs": 1.5}, ValueError, "epochs", id="float-epochs"),
    pytest.param({"device": None}, TypeError, "device", id="device-not-a-name"),
])
def test_conventions_refuses_bad_arguments_before_any_training(kwargs, error, match):
    with pytest.raises(error, match=match):
        run_conventions(**{"epochs": 1, **kwargs})


# --------------------------------------------------------------------------- a busy machine


def _row(**changes):
    row = {"model": "deep", "workload": "L-layer", "backend": "numpy", "device": "cpu", "dtype": "float64",
           "phase": "step", "median_s": 1e-3, "iqr_s": 1e-4, "repeats": 20, "flops": 1e6, "bytes": 1e6,
           "gflops": 1.0, "limit_s": 5e-4, "ratio_to_limit": 2.0, "threads": 2, "timed_through": "native step",
           "ratio_to_floor": 1.5, "layer_dims": "48x20x1", "m": 16, "width": 20, "sweep": None}
    row.update(changes)
    return row


def test_busy_flags_spread_and_time_over_the_limit():
    timing = pd.DataFrame([
        _row(),                                                         # quiet
        _row(iqr_s=8e-4),                                               # spread 0.8
        _row(median_s=0.03, limit_s=1e-6, ratio_to_limit=3e4),          # a tiny step taking 30 ms
        _row(median_s=0.03, limit_s=1e-6, timed_through="public train"),  # conversions: not judged by time
        _row(phase="compile", median_s=2.0, iqr_s=0.0, repeats=1),      # one measurement, jit time
        _row(median_s=1.0, limit_s=0.1, ratio_to_limit=10.0),           # large, within 20x its limit
    ])
    flags = busy.flag_busy(timing)["busy_flag"].tolist()
    assert flags[0] == "" and flags[3] == "" and flags[4] == "" and flags[5] == ""
    assert flags[1].startswith("spread 0.80 > 0.5")
    assert "20x the limit + 5 ms" in flags[2]


def test_busy_sentence_states_thresholds_and_advises_a_rerun():
    quiet = busy.flag_busy(pd.DataFrame([_row()]))
    busy_rows = busy.flag_busy(pd.DataFrame([_row(), _row(iqr_s=9e-4, backend="torch")]))
    said = timing_prose.busy_sentence(quiet)
    assert said.startswith("No timing row looks disturbed") and "0.5" in said and "--threads" not in said
    said = timing_prose.busy_sentence(busy_rows)
    assert "**1 of 2 timing rows look disturbed**" in said and "L-layer torch cpu float64" in said
    assert "--threads 1" in said and "rerun" in said.lower()


def test_timing_table_labels_public_train_and_shows_the_floor():
    rows = [_row(phase=p, timed_through="public train", ratio_to_floor=np.nan) for p in ("compile", "forward", "step")]
    rows += [_row(backend="jax", phase=p) for p in ("compile", "forward", "step")]
    rows += [_row(backend="jax", phase="floor", median_s=5e-4, iqr_s=4e-4, ratio_to_floor=np.nan)]
    table = timing_prose.timing_table(busy.flag_busy(pd.DataFrame(rows))).set_index("backend")
    assert table.loc["numpy", "timed through"] == "public train" and np.isnan(table.loc["numpy", "floor ms"])
    assert table.loc["jax", "timed through"] == "native step"
    assert table.loc["jax", "floor ms"] == pytest.approx(0.5) and table.loc["jax", "step / floor"] == 1.5
    assert table.loc["jax", "busy?"] == "floor: spread 0.80 > 0.5"


# --------------------------------------------------------------------------- plots and words


def test_any_backend_name_gets_a_stable_style_of_its_own():
    builtin = {plots.backend_style(n) for n in ("numpy", "torch", "jax")}
    for name in ("autograd", "my_backprop", "student_42"):
        style = plots.backend_style(name)
        assert style == plots.backend_style(name) and style not in builtin


def test_training_and_conventions_plots_draw_an_unknown_backend(tmp_path):
    steps = np.arange(1, 6)
    training = pd.concat([pd.DataFrame({"case": "c", "method": method, "backend": backend, "device": "cpu",
                                        "dtype": "float64", "step": steps, "cost": 1.0 / steps,
                                        "rel_diff_to_reference": 1e-16})
                          for method in ("GD", "Adam") for backend in ("numpy", "someone_elses")])
    assert plots.plot_training(training, tmp_path).read_bytes()[:4] == b"\x89PNG"
    assert plots.plot_training_diff(training, tmp_path).read_bytes()[:4] == b"\x89PNG"
    conventions = pd.concat([pd.DataFrame({"optimizer": "Momentum", "backend": b, "way": w, "step": steps,
                                           "cost": 1.0 / steps, "rel_diff_to_course": 0.0, "bound": 1e-10})
                             for b, w in (("numpy", "course"), ("someone_elses", "framework defaults"),
                                          ("someone_elses", "configured to match"))])
    assert plots.plot_conventions(conventions, tmp_path).read_bytes()[:4] == b"\x89PNG"


def test_sweep_titles_name_the_model_swept():
    m_rows = pd.DataFrame([_row(layer_dims="12288x20x7x5x1", m=m, sweep="m") for m in (64, 2048)])
    width_rows = pd.DataFrame([_row(layer_dims=f"12288x{w}x1", m=209, width=w, sweep="width") for w in (8, 256)])
    assert plots.sweep_model(m_rows, "m") == "deep (12288, 20, 7, 5, 1), m from 64 to 2048"
    assert plots.sweep_model(width_rows, "width") == "deep (12288, n[1], 1), n[1] from 8 to 256, m = 209"


def test_sources_cite_the_contract_by_its_name_in_the_repository():
    assert (ROOT / "CONTRACT.md").is_file()
    offenders = [str(p.relative_to(ROOT)) for folder in ("reports", "parity") for p in (ROOT / folder).rglob("*.py")
                 if re.search(r"\bDESIGN\.md\b", p.read_text())]
    assert offenders == []


def test_timing_repeats_fewer_only_for_a_step_near_a_second():
    from reports.limits import MachineLimits
    from reports.timing import standard_workloads

    limits = MachineLimits("cpu", "float64", 60e9, 16e9)
    full = {w.name: timing_section.timing_repeats(w, "float64", limits, 20) for w in standard_workloads(False)}
    assert full["compute-bound"] == timing_section.MIN_REPEATS
    assert full["L-layer"] == full["2-layer"] == full["logistic-64x64x3"] == 20
    assert all(timing_section.MIN_REPEATS <= n <= 20 for n in full.values())
    # A quick report (3 repeats) is never cut further.
    assert {timing_section.timing_repeats(w, "float64", limits, 3) for w in standard_workloads(True)} == {3}


def test_busy_flags_a_framework_floor_far_behind_the_fastest():
    # The same products: jax 2 ms, torch 2.5 ms (quiet), numpy 16 ms (its BLAS threads waiting on
    # a busy core), autograd 0.9 ms slower than jax but 4.5x on a tiny floor (fixed costs).
    rows = []
    for backend, floor in (("jax", 2e-3), ("torch", 2.5e-3), ("numpy", 16e-3)):
        rows += [_row(backend=backend, phase="floor", median_s=floor, iqr_s=0.0, limit_s=1e-3),
                 _row(backend=backend, phase="step", median_s=floor * 1.2, iqr_s=0.0, limit_s=1e-3)]
    rows += [_row(workload="tiny", backend="jax", phase="floor", median_s=2e-4, iqr_s=0.0),
             _row(workload="tiny", backend="autograd", phase="floor", median_s=9e-4, iqr_s=0.0)]
    flagged = busy.flag_busy(pd.DataFrame(rows)).set_index(["workload", "backend", "phase"])["busy_flag"]
    assert flagged[("L-layer", "numpy", "floor")] == "floor 8x the fastest framework's (2 ms)"
    assert flagged[("L-layer", "numpy", "step")] == "floor 8x the fastest framework's (2 ms)"
    assert not flagged[("L-layer", "torch", "floor")] and not flagged[("L-layer", "jax", "step")]
    assert not flagged[("tiny", "autograd", "floor")]


# --------------------------------------------------------------------------- the results, decided once


def _parity_row(backend, passed=True, error=""):
    return {"model": "deep", "case": "hidden-relu", "backend": backend, "device": "cpu", "dtype": "float64",
            "cost": 0.69, "cost_rel_err": 0.0 if passed else 1e-3, "grad_rel_err": 0.0, "cost_tol": 1e-12,
            "grad_tol": 1e-10, "passed": passed, "error": error}


def _results(parity_rows, timing_rows=()):
    environment = {"cpu": {"model": "test CPU", "usable_cores": 2, "logical_cores": 2}, "versions": {"numpy": "2"},
                   "python": "3.12.0", "threads": {"threads": 1}, "gpu": {}, "commit": None}
    vectorisation = pd.DataFrame([{"experiment": "dot", "size": "n=10", "how": "np.dot", "loop_s": 1e-3,
                                   "vectorised_s": 1e-5, "speedup": 100.0, "claimed_speedup": 300,
                                   "loop_repeats": 1, "vectorised_repeats": 3, "max_abs_diff": 0.0}])
    timing = busy.flag_busy(pd.DataFrame(list(timing_rows))) if timing_rows else pd.DataFrame()
    return results.ReportResults(
        data=resolve_dataset(None), quick=True, devices=("cpu",), dtypes=("float64",), repeats=3,
        parity=pd.DataFrame(parity_rows), training=pd.DataFrame(), training_skipped=[],
        conventions=pd.DataFrame(), conventions_skipped=[], formulas={}, timing=timing,
        limits=pd.DataFrame([{"device": "cpu", "dtype": "float64", "matmul_gflops": 50.0, "bandwidth_gb_s": 10.0,
                              "error": ""}]),
        workloads=[], vectorisation=vectorisation, environment=environment, not_run=[], available=["numpy", "torch"],
        unavailable={}, reference="numpy", seconds=1.0)


def _text(r) -> str:
    return render.render_markdown(prose.report_blocks(r, {}))


@pytest.mark.parametrize("parity_rows, timing_rows, passed, said", [
    pytest.param([_parity_row("numpy"), _parity_row("torch")], [], True, "**PASS**: all 2 comparisons", id="pass"),
    pytest.param([_parity_row("numpy"), _parity_row("torch", passed=False)], [], False, "**FAIL**: 1 of 2",
                 id="parity-fails"),
    pytest.param([_parity_row("numpy")], [], False, "**Nothing to compare**", id="nothing-compared"),
    pytest.param([_parity_row("numpy"), _parity_row("torch", passed=False, error="RuntimeError: boom")], [], False,
                 "parity: torch cpu float64, hidden-relu: `RuntimeError: boom`", id="parity-raises"),
    pytest.param([_parity_row("numpy"), _parity_row("torch")],
                 [_row(), _row(backend="torch", median_s=np.nan, error="ValueError: Y must have one-hot columns")],
                 False, "timing: torch cpu float64, L-layer: `ValueError: Y must have one-hot columns`",
                 id="timing-raises"),
])
def test_the_verdict_is_decided_in_the_results_and_the_text_says_it(parity_rows, timing_rows, passed, said):
    r = _results(parity_rows, timing_rows)
    assert r.passed is passed and r.verdict.passed is passed
    text = _text(r)
    assert said in text
    assert f"Exit code: **{0 if passed else 1}**" in text  # the exit code the command returns
    assert ("## Errors" in text) == bool(r.errors)


def test_the_text_reads_the_verdict_and_never_recomputes_it():
    # A verdict that disagrees with the tables (which only a second decision could notice):
    # the text says what the verdict says.
    r = _results([_parity_row("numpy"), _parity_row("torch")])
    object.__setattr__(r, "verdict", results.Verdict(parity_rows=2, compared=1, parity_failures=2,
                                                     conventions_failures=3, errors=0))
    text = _text(r)
    assert "**FAIL**: 2 of 2 comparisons" in text and "**FAIL**: 3 framework trajectories" in text
    assert "**PASS**" not in text and "Exit code: **1** (2 parity comparisons failed; 3 configured" in text


def test_errors_of_every_section_are_collected_with_what_raised():
    tables = {
        "parity": pd.DataFrame([_parity_row("torch", passed=False, error="E1"), _parity_row("jax")]),
        "training": pd.DataFrame([{"method": "Adam", "backend": "jax", "device": "cpu", "dtype": "float32",
                                   "error": "E2"}]),
        "timing": pd.DataFrame([{"workload": "compute-bound", "backend": "x", "device": "cpu", "dtype": "float64",
                                 "error": np.nan}]),
    }
    errors = results.collect_errors(**tables)
    assert [(e["section"], e["backend"], e["what"], e["error"]) for e in errors] == [
        ("parity", "torch", "hidden-relu", "E1"), ("training", "jax", "Adam", "E2")]


# --------------------------------------------------------------------------- rendering


def test_markdown_becomes_one_html_page_with_tables_and_embedded_figures(tmp_path):
    (tmp_path / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    blocks = [("h", 1, "Title <one>"), ("p", "**bold**, `code` and a < b"), ("list", ["first", "second **two**"]),
              ("table", pd.DataFrame({"name": ["a|b", "<c>"], "value": [1.234567, np.nan]})),
              ("img", "fig.png", "A caption")]
    markdown = render.render_markdown(blocks)
    assert "| a\\|b " in markdown and "![A caption](fig.png)" in markdown
    page = render.markdown_to_html(markdown, tmp_path, "the title")
    assert page.startswith("<!DOCTYPE html>") and "<title>the title</title>" in page
    assert "<h1>Title &lt;one&gt;</h1>" in page
    assert "<strong>bold</strong>, <code>code</code> and a &lt; b" in page
    assert "<li>second <strong>two</strong></li>" in page
    assert "<td>a|b</td>" in page and "<td>&lt;c&gt;</td>" in page and "<td>1.23</td>" in page
    assert "<figure><img alt=\"A caption\" src=\"data:image/png;base64," in page
    assert "<figcaption>A caption</figcaption></figure>" in page and ".png" not in page
    assert render.render_html(blocks, tmp_path, "the title") == page  # one Markdown, one page


# --------------------------------------------------------------------------- hooks that raise


class _ProbeBackend:
    """A stand-in with the two probes of the protocol: ``seconds`` per call, or raising."""

    def __init__(self, name, seconds=None):
        self.name, self.seconds = name, seconds

    def device_reason(self, device):
        return None

    def hook(self, name):
        def probe(*args):
            if self.seconds is None:
                raise RuntimeError(f"{self.name}'s {name} is broken")
            return self.seconds
        return probe


def test_a_probe_that_raises_is_left_out_of_the_limits_and_named():
    from reports.limits import measure_limits

    limits = measure_limits("cpu", "float64", quick=True, backends=[_ProbeBackend("bad"), _ProbeBackend("ok", 1e-3)])
    assert limits.matmul_flops_per_s == pytest.approx(2 * 256**3 / 1e-3)
    assert limits.failed == (("bad", "RuntimeError: bad's matmul_seconds is broken"),)
    with pytest.raises(ValueError, match="no installed backend can probe.*bad's matmul_seconds is broken"):
        measure_limits("cpu", "float64", quick=True, backends=[_ProbeBackend("bad")])


def test_an_environment_hook_that_raises_is_recorded(monkeypatch):
    from reports import environment

    real = Backend.hook

    def hook(self, name):
        if self.name == "torch" and name == "environment":
            return lambda: (_ for _ in ()).throw(OSError("no driver"))
        return real(self, name)

    monkeypatch.setattr(Backend, "hook", hook)
    backends = environment.collect_environment({"threads": 1})["backends"]
    assert backends["torch"]["framework_error"] == "OSError: no driver" and "framework" not in backends["torch"]
    assert "framework" in backends["jax"]


# --------------------------------------------------------------------------- what a partial backend lacks

BROKEN = ROOT / "parity_tests" / "broken_backends"


@pytest.fixture
def relu_sigmoid_only(monkeypatch):
    """The package of the course's networks: ReLU + sigmoid, full batches, no predict_proba."""
    monkeypatch.syspath_prepend(str(BROKEN))
    return Backend("broken_relu_sigmoid_only", "broken_relu_sigmoid_only", "command line")


def test_training_skips_a_network_the_backend_refuses_and_runs_one_it_takes(relu_sigmoid_only):
    from nn_contract import ModelSpec
    from reports.training import run_training

    data = resolve_dataset(None)
    tanh = dataclasses.replace(data, spec=ModelSpec(data.spec.layer_dims, hidden_activation="tanh"))
    table, skipped = run_training(tanh, 4, [(relu_sigmoid_only, "cpu")], ("float64",))
    methods = set(table["method"])  # the reference's: every method
    assert set(table["backend"]) == {"numpy"} and (table["error"] == "").all()  # it raised nowhere
    mine = [s for s in skipped if s["backend"] == relu_sigmoid_only.name]
    assert {s["method"] for s in mine} == methods
    assert all("refused activation 'tanh' when probed" in s["reason"] for s in mine)
    relu = dataclasses.replace(data, spec=ModelSpec(data.spec.layer_dims, hidden_activation="relu"))
    table, skipped = run_training(relu, 4, [(relu_sigmoid_only, "cpu")], ("float64",))
    ran = table[table["backend"] == relu_sigmoid_only.name]
    assert set(ran["method"]) == {"GD"} and (ran["error"] == "").all()  # its train takes no other option
    assert {s["method"] for s in skipped} == methods - {"GD"}


def test_timing_names_what_it_could_not_time_and_the_report_says_so(relu_sigmoid_only, monkeypatch):
    # Not a measurement: every workload is asked of a backend without predict_proba (so none is
    # timed through its train), past the machine's limits, which are stood in for.
    monkeypatch.setattr(timing_section, "_limits", lambda device, dtype, quick: (object(), {"device": device}))
    monkeypatch.setattr(timing_section, "timing_repeats", lambda *args: 1)
    rows, _, workloads, skipped = timing_section.run_timing(True, [(relu_sigmoid_only, "cpu")], ("cpu",),
                                                           ("float64",), 1)
    assert rows.empty and [s["workload"] for s in skipped] == [w.name for w in workloads]
    assert {s["reason"] for s in skipped} == {"broken_relu_sigmoid_only has no deep.predict_proba",
                                              "broken_relu_sigmoid_only has no 'logistic' model "
                                              "(broken_relu_sigmoid_only.logistic)"}
    r = _results([_parity_row("numpy"), _parity_row("torch")])
    object.__setattr__(r, "timing_skipped", skipped)
    text = _text(r)
    assert f"timing: {len(workloads)} run(s) of broken_relu_sigmoid_only skipped" in text
    assert "Everything requested was run." not in text
    assert "Not timed (the backend lacks what the workload needs):" in text
    assert "broken_relu_sigmoid_only has no deep.predict_proba" in text


def test_parity_names_the_cases_a_backend_does_not_support(relu_sigmoid_only):
    from reports.parity_section import QUICK_CASES, run_parity

    cases = [c for c in builtin_cases() if c.name in QUICK_CASES]
    table, skipped = run_parity(cases, [relu_sigmoid_only], ("cpu",), ("float64",))
    ran = table[table["backend"] == relu_sigmoid_only.name]
    assert set(ran["case"]) == {"hidden-relu"} and ran["passed"].all()
    assert {s["case"] for s in skipped} == set(QUICK_CASES) - {"hidden-relu"}
    assert all(s["reason"].startswith("broken_relu_sigmoid_only") for s in skipped)
    r = _results([_parity_row("numpy"), _parity_row("torch")])
    object.__setattr__(r, "parity_skipped", skipped)
    text = _text(r)
    assert f"parity: {len(skipped)} run(s) of broken_relu_sigmoid_only skipped" in text
    assert "Not compared (the backend does not support the case):" in text
