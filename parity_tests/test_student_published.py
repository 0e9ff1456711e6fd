"""The course's published run on its cat data, checked on a student's models
(parity.students.published): one student process for the whole file, holding a correct
two_layer_model and L_layer_model and a defective variant of each.

On a tiny data set in the course's HDF5 layout (synthetic 8x8x3 pictures, so the models' first
layer is 192 wide, not 12288) the checks are held against the reference's own run on that
data: loading, the absent-data and missing-h5py rows, both return forms, a defect that shows
only at iteration 100, a raise and a wrong return. On the course's real files, where the
repository's shared data holds them, two_layer_model's first 101 iterations and
L_layer_model's first are held against the costs the course published (the L-layer's 101
would be 3 s more of CPU; its later costs were reproduced once, as published.py says); where
the files are absent, the skipped row is (asserted either way, never skipped).
"""

from __future__ import annotations

import functools
import shutil
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from parity.students import Sandbox
from parity.students import grade
from parity.students.grade import ROW_COLUMNS
from parity.students.published import (PUBLISHED_CHECK, CatPaths, PublishedRun, find_cat_data,
                                       load_cat_data, published_checks, published_run)
from reference_numpy.course import L_model_forward, deep_application

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "catvnoncat"
M_TRAIN, M_TEST = 8, 4
SIDE = 8  # the synthetic pictures' width and height (the course's: 64)
DIMS = {"two_layer_model": (SIDE * SIDE * 3, 7, 1), "L_layer_model": (SIDE * SIDE * 3, 20, 7, 5, 1)}
ITERATIONS = 101  # iterations 0 and 100: two recorded costs

_HEAD = "import numpy as np\nfrom dnn_app_utils_v3 import *\n\n\n"
_TWO_LAYER = '''def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    grads, costs = {}, []
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = -(np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, grads["dW2"], grads["db2"] = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, grads["dW1"], grads["db1"] = linear_activation_backward(dA1, cache1, "relu")
        parameters = update_parameters(parameters, grads, learning_rate)
        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
'''
_L_LAYER = '''def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if i % 100 == 0:
            costs.append(cost)
    return parameters, costs
'''
_REFRESH = '        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]\n'
# variant -> its source; the file defines each as <model>_<variant>
VARIANTS = {
    # The forward pass keeps the first weights: iteration 0 is right, iteration 100 is not.
    "stale_weights": _TWO_LAYER.replace(_REFRESH, "", 1),
    # The cost kept is the one after the update: wrong from iteration 0.
    "cost_after_update": _L_LAYER.replace("            costs.append(cost)\n", "            costs.append("
                                          "compute_cost(L_model_forward(X, parameters)[0], Y))\n"),
    # The course's earlier form: the parameters alone.
    "parameters_alone": _L_LAYER.replace("    return parameters, costs\n", "    return parameters\n"),
    "raises": _L_LAYER.replace("    costs = []\n", "    costs = []\n    raise RuntimeError('not done yet')\n"),
    "returns_none": _L_LAYER.replace("    return parameters, costs\n", "    return None\n"),
    # The course's training cell relies on the default: a default ten times the course's.
    "default_rate": _TWO_LAYER.replace("learning_rate=0.0075,", "learning_rate=0.075,", 1),
}


def _source() -> str:
    parts = [_TWO_LAYER, _L_LAYER]
    for variant, text in VARIANTS.items():
        model = "two_layer_model" if text.startswith("def two_layer_model") else "L_layer_model"
        parts.append(text.replace(f"def {model}(", f"def {model}_{variant}(", 1))
    return _HEAD + "\n\n".join(parts)


def _write_cat_file(path: Path, prefix: str, m: int, rng) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    labels = np.array([0, 1] * (m // 2), dtype=np.int64)  # both classes, as the course's files
    with h5py.File(path, "w") as f:
        f[f"{prefix}_x"] = rng.integers(0, 256, (m, SIDE, SIDE, 3), dtype=np.uint8)
        f[f"{prefix}_y"] = labels
        f["list_classes"] = np.array([b"non-cat", b"cat"])


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(the open sandbox, the notebook's folder holding synthetic datasets/*.h5)."""
    folder = tmp_path_factory.mktemp("application")
    rng = np.random.default_rng(4)
    _write_cat_file(folder / "datasets" / "train_catvnoncat.h5", "train_set", M_TRAIN, rng)
    _write_cat_file(folder / "datasets" / "test_catvnoncat.h5", "test_set", M_TEST, rng)
    (folder / "application.py").write_text(_source())
    with Sandbox(folder / "application.py", timeout=60) as box:
        assert box.import_verdict.ok, box.import_verdict
        yield box, folder


@functools.cache
def _reference_run(folder: Path, name: str) -> PublishedRun:
    """The reference's run on the synthetic data, in PUBLISHED's form: the values to match."""
    with h5py.File(folder / "datasets" / "train_catvnoncat.h5") as f:
        X, Y = f["train_set_x"][:].reshape(M_TRAIN, -1).T / 255., f["train_set_y"][:].reshape(1, -1)
    with h5py.File(folder / "datasets" / "test_catvnoncat.h5") as f:
        Xt, Yt = f["test_set_x"][:].reshape(M_TEST, -1).T / 255., f["test_set_y"][:].reshape(1, -1)
    dims = DIMS[name]
    params, costs = getattr(deep_application, name)(X, Y, dims, num_iterations=ITERATIONS)
    accuracy = [float(np.mean((L_model_forward(x, params)[0] > 0.5) == y)) for x, y in ((X, Y), (Xt, Yt))]
    return PublishedRun(dims, 0.0075, ITERATIONS, {0: float(costs[0]), 100: float(costs[1])}, {}, *accuracy)


def _by_quantity(rows: list[dict]) -> dict[str, dict]:
    assert all(tuple(row) == ROW_COLUMNS and row["check"] == PUBLISHED_CHECK for row in rows), rows
    return {row["quantity"]: row for row in rows}


def test_the_course_files_are_found_and_read_as_the_course_loads_them(student, tmp_path):
    _, folder = student
    paths = find_cat_data(folder)
    assert paths == CatPaths(folder / "datasets" / "train_catvnoncat.h5", folder / "datasets" / "test_catvnoncat.h5")
    assert find_cat_data(paths.train.parent) == paths  # the two directly in the folder
    assert find_cat_data(tmp_path) is None
    (tmp_path / "train_catvnoncat.h5").write_bytes(paths.train.read_bytes())
    assert find_cat_data(tmp_path) is None  # one of the two is not the data
    data = load_cat_data(paths)
    with h5py.File(paths.train) as f:
        images, labels = f["train_set_x"][:], f["train_set_y"][:]
    assert data.train_x.shape == (SIDE * SIDE * 3, M_TRAIN) and data.test_x.shape == (SIDE * SIDE * 3, M_TEST)
    assert data.train_x.dtype == np.float64
    # Column j is picture j, row-major (the course's reshape(m, -1).T), scaled by 1/255.
    assert data.train_x[1, 2] == images[2, 0, 0, 1] / 255. and data.train_x[SIDE * 3, 5] == images[5, 1, 0, 0] / 255.
    assert data.train_y.shape == (1, M_TRAIN) and (data.train_y[0] == labels).all()
    assert list(data.classes) == [b"non-cat", b"cat"]


def test_without_the_data_one_skipped_row_names_the_paths_looked_for(student, tmp_path):
    box, _ = student
    rows = published_checks(box, {"two_layer_model": "two_layer_model", "L_layer_model": "L_layer_model"}, tmp_path)
    row = _by_quantity(rows)["data"]
    assert len(rows) == 1 and row["status"] == "skipped", rows
    assert "not next to the notebook" in row["detail"]
    assert str(tmp_path / "datasets" / "train_catvnoncat.h5") in row["detail"]
    assert str(tmp_path / "datasets" / "test_catvnoncat.h5") in row["detail"]
    assert published_checks(box, {"relu": "relu"}, tmp_path) == []  # neither model graded: nothing to say


def test_unreadable_data_is_a_skipped_row_naming_the_file(student, tmp_path):
    box, folder = student
    (tmp_path / "train_catvnoncat.h5").write_bytes(b"not HDF5")
    (tmp_path / "test_catvnoncat.h5").write_bytes((folder / "datasets" / "test_catvnoncat.h5").read_bytes())
    rows = published_checks(box, {"L_layer_model": "L_layer_model"}, tmp_path)
    assert [r["status"] for r in rows] == ["skipped"], rows
    assert str(tmp_path / "train_catvnoncat.h5") in rows[0]["detail"] and "not a readable HDF5" in rows[0]["detail"]
    with h5py.File(tmp_path / "train_catvnoncat.h5", "w") as f:  # HDF5, but the test set's keys
        f["test_set_x"] = np.zeros((2, SIDE, SIDE, 3), dtype=np.uint8)
        f["test_set_y"] = np.zeros(2, dtype=np.int64)
    with pytest.raises(ValueError, match=r"train_set_x"):
        load_cat_data(find_cat_data(tmp_path))


def test_without_h5py_the_check_is_a_note(student, monkeypatch):
    box, folder = student
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with pytest.raises(ImportError, match=r"nn-parity\[hdf5\]"):
        load_cat_data(find_cat_data(folder))
    rows = published_checks(box, {"L_layer_model": "L_layer_model"}, folder)
    assert [r["status"] for r in rows] == ["note"] and "h5py" in rows[0]["detail"], rows


@pytest.mark.parametrize("name", ["two_layer_model", "L_layer_model"])
def test_a_correct_model_matches_the_run_costs_and_accuracies(student, name):
    box, folder = student
    run = _reference_run(folder, name)
    rows = _by_quantity(published_checks(box, {name: name}, folder, published={name: run}))
    assert set(rows) == {"cost after iteration 0", "cost after iteration 100", "train accuracy", "test accuracy"}
    assert all(r["status"] == "passed" for r in rows.values()), rows


def test_a_defect_fails_at_the_first_iteration_it_shows_in(student):
    box, folder = student
    run = _reference_run(folder, "two_layer_model")
    rows = _by_quantity(published_checks(box, {"two_layer_model": "two_layer_model_stale_weights"}, folder,
                                         published={"two_layer_model": run}))
    assert rows["cost after iteration 0"]["status"] == "passed"
    late = rows["cost after iteration 100"]
    assert late["status"] == "failed" and late["function"] == "two_layer_model_stale_weights"
    assert "cost after iteration 100" in late["detail"] and late["error"] > late["tolerance"]


def test_the_run_takes_the_students_default_learning_rate_as_the_course_s_cell_does(student):
    box, folder = student
    run = _reference_run(folder, "two_layer_model")
    rows = _by_quantity(published_checks(box, {"two_layer_model": "two_layer_model_default_rate"}, folder,
                                         published={"two_layer_model": run}))
    assert rows["cost after iteration 0"]["status"] == "passed"  # the first cost is before any update
    late = rows["cost after iteration 100"]
    assert late["status"] == "failed" and late["detail"].endswith(
        "; your default learning_rate is 0.075, the course's 0.0075 (its training cell relies on the default)")
    # a model that misses for another reason is not told of its (right) default
    stale = _by_quantity(published_checks(box, {"two_layer_model": "two_layer_model_stale_weights"}, folder,
                                          published={"two_layer_model": run}))
    assert "learning_rate" not in stale["cost after iteration 100"]["detail"]


def test_the_parameters_alone_are_checked_by_their_accuracies(student):
    box, folder = student
    run = _reference_run(folder, "L_layer_model")
    rows = _by_quantity(published_checks(box, {"L_layer_model": "L_layer_model_parameters_alone"}, folder,
                                         published={"L_layer_model": run}))
    assert rows["costs"]["status"] == "skipped" and "costs not returned" in rows["costs"]["detail"]
    assert rows["train accuracy"]["status"] == rows["test accuracy"]["status"] == "passed"


def test_published_run_starts_its_own_sandbox_only_where_the_data_is(student, tmp_path):
    _, folder = student
    run = _reference_run(folder, "two_layer_model")
    rows = _by_quantity(published_run(folder / "application.py", {"two_layer_model": "two_layer_model"},
                                      timeout=30, published={"two_layer_model": run}))
    assert [rows[q]["status"] for q in ("cost after iteration 0", "cost after iteration 100")] == ["passed"] * 2
    (tmp_path / "application.py").write_text("raise SystemExit('never imported')\n")
    alone = published_run(tmp_path / "application.py", {"two_layer_model": "two_layer_model"})
    assert [r["status"] for r in alone] == ["skipped"] and "not next to the notebook" in alone[0]["detail"]


def test_a_raise_is_an_error_row_and_a_wrong_return_a_failure(student):
    box, folder = student
    run = {"L_layer_model": _reference_run(folder, "L_layer_model")}
    raised = published_checks(box, {"L_layer_model": "L_layer_model_raises"}, folder, published=run)
    assert [r["status"] for r in raised] == ["error"], raised
    line = _source().splitlines().index("    raise RuntimeError('not done yet')") + 1
    assert "not done yet" in raised[0]["detail"] and f"line {line} of the file" in raised[0]["detail"]
    wrong = published_checks(box, {"L_layer_model": "L_layer_model_returns_none"}, folder, published=run)
    assert [r["status"] for r in wrong] == ["failed"] and "(parameters, costs)" in wrong[0]["detail"], wrong
    with pytest.raises(ValueError, match="iterations"):
        published_checks(box, {}, folder, iterations=0)
    with pytest.raises(TypeError, match="graded"):
        published_checks(box, ["L_layer_model"], folder)


def test_the_course_published_costs_on_its_real_data(student):
    """Where the course's files are present: two_layer_model's first 101 iterations give the
    published costs at 0 and 100, L_layer_model's first its cost at 0, and the L-layer cost
    kept after the update fails at iteration 0, naming the published value."""
    box, _ = student
    if find_cat_data(REAL) is None:
        rows = published_checks(box, {"two_layer_model": "two_layer_model"}, REAL, iterations=ITERATIONS)
        assert [r["status"] for r in rows] == ["skipped"] and "not next to the notebook" in rows[0]["detail"]
        return
    two = _by_quantity(published_checks(box, {"two_layer_model": "two_layer_model"}, REAL, iterations=ITERATIONS))
    assert set(two) == {"cost after iteration 0", "cost after iteration 100", "accuracy"}, two
    assert two["cost after iteration 0"]["status"] == two["cost after iteration 100"]["status"] == "passed", two
    assert two["accuracy"]["status"] == "skipped"  # published after 2500 iterations only
    deep = _by_quantity(published_checks(box, {"L_layer_model": "L_layer_model"}, REAL, iterations=1))
    assert deep["cost after iteration 0"]["status"] == "passed", deep
    wrong = _by_quantity(published_checks(box, {"L_layer_model": "L_layer_model_cost_after_update"}, REAL,
                                          iterations=1))
    first = wrong["cost after iteration 0"]
    assert first["status"] == "failed" and "0.7717493284237686" in first["detail"], wrong


def test_check_file_runs_the_published_run_and_its_failure_is_the_functions_verdict(student, tmp_path, monkeypatch):
    """check_file on an application file with the (synthetic) cat data beside it: the published
    rows join the file's rows, and a published cost the model misses (here the published value
    moved by 1e-6, so a right model passes every case of its own and fails only this) becomes
    its function's verdict; with ``published=False`` no such row."""
    _, folder = student
    (tmp_path / "datasets").mkdir()
    for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
        shutil.copy(folder / "datasets" / name, tmp_path / "datasets" / name)
    path = tmp_path / "application.py"
    path.write_text(_HEAD + _L_LAYER)
    right = _reference_run(folder, "L_layer_model")
    moved = PublishedRun(right.layers_dims, right.learning_rate, right.num_iterations,
                         {**right.costs, 100: right.costs[100] * (1 + 1e-6)}, {}, right.train_accuracy,
                         right.test_accuracy)
    for published, status in (({"L_layer_model": right}, "passed"), ({"L_layer_model": moved}, "failed")):
        monkeypatch.setattr(grade, "published_run", functools.partial(published_run, published=published,
                                                                       iterations=ITERATIONS))
        result = grade.check_file(path)
        rows = {row["quantity"]: row for row in result.rows if row["check"] == PUBLISHED_CHECK}
        assert rows["cost after iteration 100"]["status"] == status, rows
        verdict = next(f for f in result.functions if f.course == "L_layer_model")
        assert verdict.status == status, verdict
        if status == "passed":  # said on the verdict a student reads, not in the CSV alone
            assert verdict.detail.endswith("the course's published costs and accuracies on its cat data (4 checks)")
    assert verdict.detail.startswith("cost after iteration 100 (costs[1]) = "), verdict
    assert not any(row["check"] == PUBLISHED_CHECK for row in grade.check_file(path, published=False).rows)
    # without the data beside it: a note says the published run was not checked, and why
    alone = tmp_path / "alone" / "application.py"
    alone.parent.mkdir()
    alone.write_text(path.read_text())
    notes = grade.check_file(alone).notes
    assert any(n.startswith("the course's published run was not checked: the course's cat data is not next to "
                            "the notebook") for n in notes), notes
