"""A student's four step functions composed into a backend and run through the conformance runner
(``parity.students.composed``): the rows are the runner's, in the course's scope, and a defect in
any of the four fails a row that says which check and which network."""

from __future__ import annotations

import sys

import pytest

from parity.students.composed import SCOPE, composed_backend, course_cases, forget, run_composed
from parity.students.graded import detect, signatures_of
from parity.students.sandbox import Sandbox
from reference_numpy.course import ASSIGNMENTS

from .test_student_check import DEEP, VARIANTS, variant


def _run(path):
    with Sandbox(path) as box:
        graded = detect(signatures_of(box.loaded.source), dict(ASSIGNMENTS)).graded
        return run_composed(box, graded)


@pytest.fixture(scope="module")
def correct():
    return _run(DEEP)


def test_the_correct_functions_pass_the_runner_in_the_course_scope(correct):
    status, case, detail, rows = correct
    assert (status, case) == ("passed", "")
    assert {r.status for r in rows} == {"passed"}
    by_check = {}
    for row in rows:
        by_check.setdefault(row.check, set()).add(row.dtype)
    assert by_check == {"parity": {"float64", "float32"}, "trajectory": {"float64", "float32"},
                        "finite-differences": {"float64"}}
    # the course's shapes and random networks of every depth the course builds, L = 1 ... 5
    depths = {row.case for row in rows if row.check == "parity" and row.case.startswith("random-")}
    assert len(depths) == 12
    assert "the course's (5, 4, 3, 1), m = 4" in {row.case for row in rows}


def test_random_networks_cover_L_1_to_5_with_nonzero_biases(correct):
    networks = {row.case for row in correct[3] if row.check == "parity"}
    catalogue = [c for c in course_cases(quick=False) if c.name in networks]
    assert len(catalogue) == len(networks) == 14
    assert {len(c.layer_dims) - 1 for c in catalogue} == {1, 2, 3, 4, 5}
    assert all(c.layer_dims[-1] == 1 and c.spec.output == "sigmoid" and set(c.spec.activations[:-1]) <= {"relu"}
               and c.bias > 0 for c in catalogue)


def test_a_defect_fails_a_row_that_names_the_check_and_the_network(tmp_path):
    template, substitutions, *_ = VARIANTS["relu_from_a"]
    path = tmp_path / "relu_from_a.py"
    path.write_text(variant(template, substitutions))
    status, case, detail, rows = _run(path)
    assert status == "failed"
    first = next(r for r in rows if r.status == "failed")
    assert case == first.case and first.check in {"parity", "trajectory"}
    assert detail.startswith(f"{first.check}, {first.quantity} ({first.dtype}): ") and "error" in detail


def test_an_exception_in_a_step_function_is_a_failed_row_naming_it(tmp_path):
    source = DEEP.read_text().replace("def compute_cost(AL, Y):\n",
                                      "def compute_cost(AL, Y):\n    raise RuntimeError('not yet')\n", 1)
    path = tmp_path / "raises.py"
    path.write_text(source)
    status, _, detail, rows = _run(path)
    assert status == "failed"
    assert "raised StudentFunctionError: compute_cost: error: RuntimeError: not yet" in detail, detail


def test_the_composition_is_a_backend_declaring_the_course_scope():
    class Box:  # no process needed to read the declaration
        pass
    graded = {name: f"my_{name}" for name in ("L_model_forward", "compute_cost", "L_model_backward",
                                              "update_parameters")}
    backend = composed_backend(Box(), graded)
    try:
        assert backend.models() == ("deep",)
        assert backend.capabilities()["activations"] == SCOPE["activations"] == ("relu",)
        assert backend.unsupported(model="deep", activation=("tanh",), dtype="float64", device="cpu")
        assert backend.label == "my_L_model_forward + my_compute_cost + my_L_model_backward + my_update_parameters"
    finally:
        forget(backend)
    assert backend.package not in sys.modules
