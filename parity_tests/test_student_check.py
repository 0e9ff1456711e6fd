"""``nn-parity check`` on students' files: each graded function's verdict names the wrong one and
its probable cause; a class folder (a hanging notebook and one with a broken cell among them)
still gets a complete summary.

One folder run (``--jobs 2``) covers every cause fixture at once: each fixture is a correct
solution in the course's shape with one line changed (``variant``), so each row can only fail
for that change. A second, small folder holds the file that hangs, under a short time limit:
the limit is a whole file's, so in the class run it would have to leave room for the slowest
file there (a notebook that imports matplotlib), and the hang would hold a core that long.
The rest of the file runs no student process, or one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from parity.students import grade
from parity.students.compare import first_difference, normalise
from parity.students.graded import detect, signatures_of
from reference_numpy.course import ASSIGNMENTS
from reports.cli import main

from .helpers import once_per_session

COURSE = Path(__file__).parent / "students" / "course"
DEEP = COURSE / "step_by_step.py"
LOGISTIC = COURSE / "logistic_regression.py"
REGULARIZATION = COURSE / "regularization.py"
OPTIMIZATION = COURSE / "optimization.py"
PLANAR = COURSE / "planar.py"

_UPDATE_LOOP = ('    parameters = params.copy()\n    L = len(parameters) // 2\n    for l in range(L):\n'
                '        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * '
                'grads["dW" + str(l + 1)]')

# fixture -> (template, [(line as written, the line with the mistake)], course function, status, cause)
VARIANTS = {
    "one_over_m": (DEEP, [("    dW = (1 / m) * np.dot(dZ, A_prev.T)", "    dW = np.dot(dZ, A_prev.T)")],
                   "linear_backward", "failed", "missing or extra 1/m"),
    "transposed": (DEEP, [("    dW = (1 / m) * np.dot(dZ, A_prev.T)", "    dW = (1 / m) * np.dot(A_prev, dZ.T)")],
                   "linear_backward", "failed", "transposed product"),
    "flipped_sign": (DEEP, [("    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))",
                             "    dAL = (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))")],
                     "L_model_backward", "failed", "flipped sign"),
    "swapped_branches": (DEEP, [('    if activation == "sigmoid":', '    if activation == "relu":'),
                                ('    elif activation == "relu":', '    elif activation == "sigmoid":')],
                         "linear_activation_forward", "failed", "swapped activation branches"),
    "relu_z_below_0": (DEEP, [("        dZ = relu_backward(dA, activation_cache)",
                               "        dZ = np.array(dA, copy=True); dZ[activation_cache < 0] = 0")],
                       "linear_activation_backward", "failed", "ReLU's derivative from A or with Z < 0"),
    "relu_from_a": (DEEP, [("        dZ = relu_backward(dA, activation_cache)",
                            "        dZ = dA * (np.maximum(0, activation_cache) >= 0)")],
                    "linear_activation_backward", "failed", "ReLU's derivative from A or with Z < 0"),
    "sigmoid_as_s": (DEEP, [("        dZ = sigmoid_backward(dA, activation_cache)",
                             "        dZ = dA * (1 / (1 + np.exp(-activation_cache)))")],
                     "linear_activation_backward", "failed", "sigmoid's derivative as s"),
    "epsilon_in_log": (DEEP, [("    cost = -(1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))",
                               "    cost = -(1 / m) * np.sum(Y * np.log(AL + 1e-8) + (1 - Y) * "
                               "np.log(1 - AL + 1e-8))")],
                       "compute_cost", "failed", "epsilon inside the log"),
    "len_parameters": (DEEP, [("    L = len(parameters) // 2\n    for l in range(1, L):\n        A_prev",
                               "    L = len(parameters)\n    for l in range(1, L):\n        A_prev")],
                       "L_model_forward", "error", "L = len(parameters)"),
    "off_by_one": (DEEP, [('        grads["dW" + str(l + 1)] = dW_temp', '        grads["dW" + str(l)] = dW_temp')],
                   "L_model_backward", "failed", "off-by-one layer index"),
    "writes_into_caller": (DEEP, [(_UPDATE_LOOP, _UPDATE_LOOP.replace(
        ' = parameters["W" + str(l + 1)] - learning_rate', ' -= learning_rate'))],
        "update_parameters", "failed", "writes into the caller's arrays"),
    "rebinds_caller": (DEEP, [("    parameters = params.copy()\n", "    parameters = params\n")],
                       "update_parameters", "warning", "rebinds the caller's dict entries"),
    "float32_as_float64": (DEEP, [("    Z = np.dot(W, A) + b\n", "    Z = np.dot(W, A) + b.astype(np.float64)\n")],
                           "linear_forward", "warning", "float32 returned as float64"),
    "never_updated": (LOGISTIC, [("        w = w - learning_rate * dw\n        b = b - learning_rate * db\n",
                                  "        w_new = w - learning_rate * dw\n        b_new = b - learning_rate * db\n")],
                      "optimize", "failed", "parameters never updated"),
    "logistic_one_over_m": (LOGISTIC, [("    dw = (1 / m) * np.dot(X, (A - Y).T)", "    dw = np.dot(X, (A - Y).T)")],
                            "propagate", "failed", "missing or extra 1/m"),
    "planar_one_over_m": (PLANAR, [("    dW2 = (1 / m) * np.dot(dZ2, A1.T)", "    dW2 = np.dot(dZ2, A1.T)")],
                          "backward_propagation", "failed", "missing or extra 1/m"),
    "l2_missing_layer": (REGULARIZATION, [(" + np.sum(np.square(W2)) + np.sum(np.square(W3)))",
                                           " + np.sum(np.square(W2)))")],
                         "compute_cost_with_regularization", "failed", "L2 term missing a layer"),
    "l2_lambda_over_m": (REGULARIZATION, [("(1 / m) * (lambd / 2) * (", "(lambd / m) * (")],
                         "compute_cost_with_regularization", "failed", "λ/m for λ/2m"),
    "dropout_not_rescaled": (REGULARIZATION, [("    A1 = A1 / keep_prob\n", ""), ("    A2 = A2 / keep_prob\n", "")],
                             "forward_propagation_with_dropout", "failed", "dropout not rescaled by keep_prob"),
    "dropout_mask_not_reused": (REGULARIZATION, [("    dA2 = dA2 * D2\n", ""), ("    dA1 = dA1 * D1\n", "")],
                                "backward_propagation_with_dropout", "failed", "dropout mask not reused in backward"),
    "adam_uncorrected": (OPTIMIZATION, [("= v[key] / (1 - beta1 ** t)", "= v[key]"),
                                        ("= s[key] / (1 - beta2 ** t)", "= s[key]")],
                         "update_parameters_with_adam", "failed", "Adam without bias correction"),
    "adam_t_from_0": (OPTIMIZATION, [("(1 - beta1 ** t)", "(1 - beta1 ** (t + 1))"),
                                     ("(1 - beta2 ** t)", "(1 - beta2 ** (t + 1))")],
                      "update_parameters_with_adam", "failed", "Adam's t counted from 0"),
    "momentum_without_1_minus_beta": (OPTIMIZATION, [('+ (1 - beta) * grads["dW" + str(l)]', '+ grads["dW" + str(l)]'),
                                                     ('+ (1 - beta) * grads["db" + str(l)]', '+ grads["db" + str(l)]')],
                                      "update_parameters_with_momentum", "failed", "momentum without (1 - β)"),
    "decay_precedence": (OPTIMIZATION, [("learning_rate0 / (1 + decay_rate * epoch_num)",
                                         "learning_rate0 / 1 + decay_rate * epoch_num")],
                         "update_lr", "failed", "the decay formula"),
    "schedule_without_floor": (OPTIMIZATION, [("np.floor(epoch_num / time_interval)", "epoch_num / time_interval")],
                               "schedule_lr_decay", "failed", "the decay formula"),
}


def variant(template: Path, substitutions: list[tuple[str, str]]) -> str:
    """The template's text with each line (or lines) replaced once; each must occur exactly once."""
    text = template.read_text()
    for old, new in substitutions:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _broken_cell_notebook(path: Path) -> None:
    """The correct notebook with linear_backward's cell cut short: that cell does not parse."""
    nb = json.loads((COURSE / "step_by_step_correct.ipynb").read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if source.startswith("def linear_backward"):
            cell["source"] = source.replace("np.dot(dZ, A_prev.T)", "np.dot(dZ, A_prev.T")
    path.write_text(json.dumps(nb))


def _once_per_session(tmp_path_factory, name: str, check) -> tuple[int, Path, pd.DataFrame]:
    """``check(folder, out)`` -> its exit code, run once per test session (a class run is most
    of this file's CPU: ``once_per_session``) -> (exit code, out, summary.csv)."""
    def build(shared: Path) -> int:
        (shared / "folder").mkdir()
        return check(shared / "folder", shared / "out")

    code, shared = once_per_session(tmp_path_factory, name, build)
    return int(code), shared / "out", pd.read_csv(shared / "out" / "summary.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """A class folder checked once: every cause fixture, the correct files, the two real
    notebooks and one with a broken cell. (The correct logistic regression is the hang run's
    second file.)"""
    return _once_per_session(tmp_path_factory, "student-class-run", _check_class)


def _check_class(folder: Path, out: Path) -> int:
    for name, (template, subs, *_) in VARIANTS.items():
        (folder / f"{name}.py").write_text(variant(template, subs))
    shutil.copy(DEEP, folder / "correct_deep.py")
    shutil.copy(REGULARIZATION, folder / "correct_regularization.py")
    shutil.copy(OPTIMIZATION, folder / "correct_optimization.py")
    shutil.copy(PLANAR, folder / "correct_planar.py")
    for notebook in COURSE.glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    _broken_cell_notebook(folder / "broken_cell.ipynb")
    return main(["check", str(folder), "--jobs", "2", "--timeout", "30", "--out", str(out), "--no-progress"])


_HANG = ("    Z = np.dot(W, A) + b\n", "    while True:\n        pass\n    Z = np.dot(W, A) + b\n")
_HANG_LIMIT_S = 5  # the hang's file does a few calls before it, the other file (logistic) a second's work


@pytest.fixture(scope="module")
def hang_run(tmp_path_factory):
    """A folder whose first file hangs in linear_forward (after two graded functions), and a
    correct file checked after it. One file at a time (--jobs 1): the time limit is the
    sandbox's, the same whichever process of the pool checks the file."""
    return _once_per_session(tmp_path_factory, "student-hang-run", _check_hang)


def _check_hang(folder: Path, out: Path) -> int:
    (folder / "hangs.py").write_text(variant(DEEP, [_HANG]))
    shutil.copy(LOGISTIC, folder / "logistic_after_the_hang.py")
    return main(["check", str(folder), "--timeout", str(_HANG_LIMIT_S), "--out", str(out), "--no-progress"])


def _hang_where() -> tuple[str, str]:
    """Where the hang runs, as the check names a .py file's place: the cell counted at nbconvert's
    ``# In[..]:`` markers, the line from the marker's (the loop's ``while`` or its ``pass``)."""
    lines = variant(DEEP, [_HANG]).splitlines()
    at = lines.index("    while True:")
    markers = [i for i in range(at) if lines[i].startswith("# In[")]
    line = at - markers[-1] + 1
    return f"cell {len(markers)}, line {line}", f"cell {len(markers)}, line {line + 1}"


def _row(summary: pd.DataFrame, file: str, function: str) -> pd.Series:
    rows = summary[(summary["file"] == file) & (summary["course_function"] == function)]
    assert len(rows) == 1, (file, function, summary[summary["file"] == file])
    return rows.iloc[0]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_each_cause_is_named_on_the_function_that_has_it(class_run, name):
    _, _, summary = class_run
    _, _, function, status, cause = VARIANTS[name]
    row = _row(summary, f"{name}.py", function)
    assert (row["status"], row["cause"]) == (status, cause), row.to_dict()
    composed = summary[(summary["file"] == f"{name}.py") & (summary["course_function"] == "composed training")]
    if VARIANTS[name][0] == DEEP:  # the step functions composed run once every function passed on its own
        assert list(composed["status"]) == (["skipped"] if status in ("failed", "error") else ["passed"])
    others = summary[(summary["file"] == f"{name}.py") & ~summary["course_function"].isin([function,
                                                                                            "composed training"])]
    # The one change is this function's: every other graded function passes (a float64 Z passes
    # on through the forward functions that return it, as a warning too).
    # The course's optimisation template rebinds the caller's dict entries: warnings there.
    allowed = {"passed", "warning"} if status == "warning" or VARIANTS[name][0] == OPTIMIZATION else {"passed"}
    assert set(others["status"]) <= allowed, others.to_dict("records")


def test_correct_files_pass_every_graded_function(class_run, hang_run):
    _, out, summary = class_run
    for file, count in (("correct_deep.py", 11), ("step_by_step_correct.ipynb", 11), ("correct_planar.py", 8)):
        rows = summary[summary["file"] == file]
        assert len(rows) == count and set(rows["status"]) == {"passed"}, rows.to_dict("records")
    hangs = hang_run[2]
    logistic = hangs[hangs["file"] == "logistic_after_the_hang.py"]  # the course's logistic regression, unchanged
    assert len(logistic) == 6 and set(logistic["status"]) == {"passed"}, logistic.to_dict("records")
    optimization = summary[summary["file"] == "correct_optimization.py"].set_index("course_function")
    assert len(optimization) == 8 and set(optimization["status"]) == {"passed", "warning"}
    rebinding = {"update_parameters_with_gd", "update_parameters_with_momentum", "update_parameters_with_adam"}
    assert set(optimization.index[optimization["status"] == "warning"]) == rebinding
    assert set(optimization.loc[list(rebinding), "cause"]) == {"rebinds the caller's dict entries"}
    regularization = summary[summary["file"] == "correct_regularization.py"]
    assert len(regularization) == 4 and set(regularization["status"]) == {"passed"}
    files = pd.read_csv(out / "correct_deep" / "conformance.csv", keep_default_na=False)
    assert list(files.columns[-2:]) == ["function", "cause"]
    # Every case passed, but the saturated cost, where the course's own formula takes log(0): a note.
    assert set(files["status"]) == {"passed", "note"}
    assert list(files.loc[files["status"] == "note", "case"]) == ["saturated: AL holds an exact 1 and an exact 0"]
    # the composition's rows are the conformance runner's, by check
    assert set(files["check"]) - set(files["function"]) == {f"composed training: {check}" for check in
                                                             ("parity", "trajectory", "finite-differences")}
    assert set(files["function"]) - {"L_model_forward + compute_cost + L_model_backward + update_parameters"} == {
        "initialize_parameters", "initialize_parameters_deep", "linear_forward",
                                      "linear_activation_forward", "L_model_forward", "compute_cost",
                                      "linear_backward", "linear_activation_backward", "L_model_backward",
                                      "update_parameters"}


def test_the_defective_notebook_names_its_function_case_cell_and_cause(class_run):
    _, out, summary = class_run
    row = _row(summary, "step_by_step_relu_from_a.ipynb", "linear_activation_backward")
    assert row["status"] == "failed" and row["cause"] == "ReLU's derivative from A or with Z < 0"
    assert "exactly 0" in row["case"] and "the reference 0" in row["detail"]
    nb = json.loads((COURSE / "step_by_step_relu_from_a.ipynb").read_text())
    cell = next(i + 1 for i, c in enumerate(nb["cells"]) if "".join(c["source"]).startswith(
        "def linear_activation_backward"))
    assert row["where"] == f"defined at cell {cell}, line 1"
    # Its caller is right once the reference's linear_activation_backward stands in: not smeared.
    caller = _row(summary, "step_by_step_relu_from_a.ipynb", "L_model_backward")
    assert caller["status"] == "passed" and "with the reference's linear_activation_backward" in caller["detail"]
    md = (out / "step_by_step_relu_from_a" / "conformance.md").read_text()
    assert "**First wrong function:** linear_activation_backward is wrong" in md


def test_a_write_into_the_callers_arrays_is_named_under_the_courses_argument(class_run):
    _, _, summary = class_run
    detail = _row(summary, "writes_into_caller.py", "update_parameters")["detail"]
    # the W[l] of the case (the variant writes into those, L >= 3 of them), the first three by
    # the course's name of the argument, and how many more
    assert re.fullmatch(r"wrote into the caller's parameters\['W1'\], parameters\['W2'\], parameters\['W3'\]"
                        r"( and \d+ more)?", detail), detail


def test_a_hang_and_a_broken_cell_still_give_a_complete_summary(class_run, hang_run):
    code, out, summary = class_run
    assert code == 1
    files = {p.name for p in COURSE.glob("*.ipynb")} | {f"{n}.py" for n in VARIANTS} | \
        {"correct_deep.py", "correct_regularization.py", "correct_optimization.py", "correct_planar.py", "broken_cell.ipynb"}
    assert set(summary["file"]) == files
    hang_code, hang_out, hangs = hang_run
    assert hang_code == 1 and set(hangs["file"]) == {"hangs.py", "logistic_after_the_hang.py"}
    hang = _row(hangs, "hangs.py", "linear_forward")
    assert hang["status"] == "error" and f"time limit of {_HANG_LIMIT_S} s" in hang["detail"]
    assert hang["where"].startswith(_hang_where())  # in the student's loop
    assert _row(hangs, "hangs.py", "initialize_parameters_deep")["status"] == "passed"  # before the hang
    # After it, a fresh process checks the others, with the reference's linear_forward in place of
    # the student's wherever they call it: the one hang is the one error.
    assert list(hangs.loc[hangs["file"] == "hangs.py", "status"]).count("error") == 1
    assert _row(hangs, "hangs.py", "L_model_backward")["status"] == "passed"
    uses = _row(hangs, "hangs.py", "linear_activation_forward")
    assert uses["status"] == "passed" and uses["detail"] == \
        "checked with the reference's linear_forward in place of yours (linear_forward: timeout)"
    assert _row(hangs, "hangs.py", "composed training")["status"] == "skipped"
    md = (hang_out / "hangs" / "conformance.md").read_text()
    assert "**First wrong function:** linear_forward did not answer on the case" in md
    assert f"no answer within the time limit of {_HANG_LIMIT_S} s" in (hang_out / "summary.md").read_text()
    after = hangs[hangs["file"] == "logistic_after_the_hang.py"]  # the next file still checked, in full
    assert len(after) == 6, after.to_dict("records")  # (and passed: test_correct_files_pass_every_graded_function)
    assert (hang_out / "hangs" / "conformance.md").exists()
    broken = summary[summary["file"] == "broken_cell.ipynb"]
    # linear_backward's cell does not parse: its verdict is that cell's error, the rest still
    # checked, its callers with the reference's in its place
    nb = json.loads((COURSE / "step_by_step_correct.ipynb").read_text())
    cell = next(i + 1 for i, c in enumerate(nb["cells"]) if "".join(c["source"]).startswith("def linear_backward"))
    backward = _row(summary, "broken_cell.ipynb", "linear_backward")
    assert backward["status"] == "error" and backward["where"] == f"cell {cell}, line 4"
    assert backward["detail"].startswith("its cell does not parse (SyntaxError: ")
    assert len(broken) == 11 and list(broken["status"]).count("error") == 1
    for caller in ("linear_activation_backward", "L_model_backward"):
        row = _row(summary, "broken_cell.ipynb", caller)
        assert row["status"] == "passed" and row["detail"] == ("checked with the reference's linear_backward in "
                                                               "place of yours (linear_backward: its cell does "
                                                               "not parse)"), row.to_dict()
    assert _row(summary, "broken_cell.ipynb", "composed training")["detail"] == \
        "composed only once every function passes on its own (first: linear_backward)"
    assert "does not parse" in (out / "broken_cell" / "conformance.md").read_text()
    assert (out / "summary.html").read_text().startswith("<!DOCTYPE html>")


def test_past_max_restarts_the_other_functions_are_said_not_checked(tmp_path, monkeypatch):
    """sigmoid and initialize_with_zeros both hang: a fresh process after the first (MAX_RESTARTS
    set to 1 here), none after the second, whose process is gone for the functions after it."""
    monkeypatch.setattr(grade, "MAX_RESTARTS", 1)
    path = tmp_path / "hangs_twice.py"
    path.write_text(variant(LOGISTIC, [("    s = 1 / (1 + np.exp(-z))", "    while True:\n        pass"),
                                       ("    w = np.zeros((dim, 1))", "    while True:\n        pass")]))
    result = grade.check_file(path, timeout=3)
    statuses = {f.course: (f.status, f.stopped, f.detail) for f in result.functions}
    limit = "no answer within the time limit of 3 s"
    assert statuses["sigmoid"][:2] == statuses["initialize_with_zeros"][:2] == ("error", "timeout")
    assert statuses["sigmoid"][2].startswith(limit) and statuses["initialize_with_zeros"][2].startswith(limit)
    later = [f for f in result.functions if f.course not in ("sigmoid", "initialize_with_zeros")]
    gone = f"not checked: 2 of the student's processes died, the most a file is given (the last: {limit}"
    assert later and all(f.status == "error" and f.detail.startswith(gone) and f.where == "" for f in later), later


def test_a_graded_function_the_file_does_not_define_is_said_and_the_reference_stands_in(tmp_path, capsys):
    """linear_backward deleted: said (skipped, not failed: an older assignment may lack one),
    its callers checked with the reference's in its place, the composition not run; the
    dnn_utils activations, imported rather than defined, are not said to be missing."""
    text = DEEP.read_text()
    start = text.index("def linear_backward(")
    end = text.index("\ndef ", start)
    path = tmp_path / "no_linear_backward.py"
    path.write_text(text[:start] + text[end:])
    assert main(["check", str(path), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "SKIPPED  linear_backward: not checked: the file defines no linear_backward" in out
    assert out.count("not checked: the file defines no") == 1  # sigmoid & co come from dnn_utils
    for caller in ("linear_activation_backward", "L_model_backward"):
        assert re.search(rf"PASSED   {caller}: \d+ case\(s\); checked with the reference's linear_backward in "
                         r"place of yours \(linear_backward: the file does not define it\)", out), out
    assert "composed training: L_model_forward + compute_cost + L_model_backward + update_parameters: " \
           "the file does not define linear_backward" in out
    assert "every graded function the file defines passed; not defined: linear_backward" in out
    assert "NameError" not in out


def test_a_correct_file_exits_0_and_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["check", str(LOGISTIC), "--out", str(tmp_path / "ok"), "--no-progress"]) == 0
    assert "every graded function passed" in capsys.readouterr().out
    # --assignment names another: none of its graded functions is defined here, so none passed.
    assert main(["check", str(LOGISTIC), "--assignment", "planar", "--out", str(tmp_path / "other"),
                 "--no-progress"]) == 1
    assert "assignment planar (as --assignment names)" in capsys.readouterr().out
    for args, message in ((["--function", "propagate"], "COURSE_NAME=THEIRS"),
                          (["--function", "no_such=mine"], "not one of the course's graded functions"),
                          (["--assignment", "week9"], "--assignment must be one of"),
                          (["--timeout", "0"], "seconds > 0"), (["--jobs", "0"], ">= 1")):
        with pytest.raises(SystemExit) if args[0] in ("--timeout", "--jobs") else _nothing():
            assert main(["check", str(LOGISTIC), *args, "--no-progress"]) == 2
        assert message in capsys.readouterr().err
    renamed = tmp_path / "renamed" / "mine.py"  # propagate under another name, mapped back
    renamed.parent.mkdir()
    renamed.write_text(LOGISTIC.read_text().replace("propagate(", "my_propagate("))
    assert main(["check", str(renamed), "--function", "propagate=my_propagate", "--out", str(tmp_path / "r"),
                 "--no-progress"]) == 0
    assert "PASSED   my_propagate (the course's propagate): 5 case(s)" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "no_such.ipynb"), "--no-progress"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["check", str(tmp_path), "--no-progress"]) == 2  # a folder with no notebook in it
    assert "no notebook (.ipynb) or .py file in it" in capsys.readouterr().err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_detection_by_name_and_signature_and_mapping():
    source = "def propagate(w, b, X, Y):\n    pass\n\ndef my_sigmoid(z):\n    pass\n\ndef predict(w, b):\n    pass\n"
    found = detect(signatures_of(source), ASSIGNMENTS, mapping={"sigmoid": "my_sigmoid"})
    assert found.assignment == "logistic_regression"
    assert found.graded == {"sigmoid": "my_sigmoid", "propagate": "propagate"}
    assert "does not take the course's arguments" in found.unfit["predict"]
    deep = "def compute_cost(AL, Y):\n    pass\n\ndef L_model_forward(X, parameters):\n    pass\n"
    assert detect(signatures_of(deep), ASSIGNMENTS).assignment == "deep_step_by_step"
    assert detect(signatures_of("def unrelated(a):\n    pass\n"), ASSIGNMENTS).assignment is None
    with pytest.raises(ValueError, match="assignment must be one of"):
        detect({}, ASSIGNMENTS, assignment="week9")


def test_both_return_forms_the_course_used_are_accepted():
    dA = {f"dA{l}": np.full((2, 1), float(l)) for l in range(3)}
    reference = {**dA, "dW1": np.ones((2, 2))}
    earlier = {f"dA{l + 1}": v for l, v in enumerate(dA.values())} | {"dW1": np.ones((2, 2))}  # dA{l} numbering
    assert first_difference("L_model_backward", earlier, reference) is None
    A = np.array([[0.5, 0.7]])
    assert normalise("sigmoid", (A, np.zeros((1, 2))), A) is A  # dnn_utils' (A, cache)
    assert first_difference("compute_cost", np.array([[0.25]]), np.float64(0.25)) is None
    wrong = first_difference("linear_backward", (np.ones((2, 1)), np.array([[1.0, 3.0]]), np.zeros((1, 1))),
                             (np.ones((2, 1)), np.array([[1.0, 2.0]]), np.zeros((1, 1))))
    assert wrong.where == "dW" and wrong.index == (0, 1) and "dW[0, 1] = 3" in wrong.detail


def test_the_readme_quotes_what_check_says_on_the_defective_notebook(class_run):
    """README, "Check your notebook": its quoted lines are the function lines, notes and headline
    that the check writes for that notebook (its conformance.md holds the same lines)."""
    _, out, _ = class_run
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("$ nn-parity check parity_tests/students/course/step_by_step_relu_from_a.ipynb\n", 1)[1]
    quoted = [line.strip() for line in block.split("```", 1)[0].splitlines()
              if line.startswith(("  PASSED", "  FAILED", "  SKIPPED", "  FIRST WRONG: ", "  note: dropped"))]
    assert len(quoted) == 7
    md = (out / "step_by_step_relu_from_a" / "conformance.md").read_text()
    for line in quoted:
        text = line.removeprefix("FIRST WRONG: ").removeprefix("note: ")
        assert text in md, line
