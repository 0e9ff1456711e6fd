"""The data loader: built-in sets in the contract's layout, user files round-tripped, one
task rule for every source (``infer_task``), given tasks honoured or refused by name, and bad
files refused with errors that name the problem."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from parity.data import (
    BUILTIN_DATASETS,
    TASK_OUTPUT,
    TASKS,
    Dataset,
    infer_task,
    load_dataset,
    make_targets,
    max_inferred_classes,
)
from nn_contract.checks import check_Y


def _notes_load_planar_dataset():
    """The notes' ``load_planar_dataset`` verbatim (global ``np.random.seed(1)``), with the
    global state put back afterwards."""
    state = np.random.get_state()
    try:
        np.random.seed(1)
        m = 400
        N = int(m / 2)
        D = 2
        X = np.zeros((m, D))
        Y = np.zeros((m, 1), dtype="uint8")
        a = 4
        for j in range(2):
            ix = range(N * j, N * (j + 1))
            t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
            r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            Y[ix] = j
        return X.T, Y.T
    finally:
        np.random.set_state(state)


def _assert_contract_layout(ds: Dataset):
    assert ds.X.dtype == np.float64 and ds.Y.dtype == np.float64
    assert ds.X.ndim == 2 and ds.Y.ndim == 2 and ds.X.shape[1] == ds.Y.shape[1] == ds.m
    assert np.isfinite(ds.X).all() and np.isfinite(ds.Y).all()
    assert ds.task in TASKS and ds.output == TASK_OUTPUT[ds.task]
    check_Y(ds.Y, ds.X, ds.output, ds.n_y)  # the contract's own label check
    assert isinstance(ds.description, str) and ds.description
    assert ds.task_note.startswith("task inferred: " if ds.task_inferred else "task given: ")
    assert ds.task in ds.task_note and "\n" not in ds.task_note


# ---------------------------------------------------------------------------- built-ins


_BUILTIN_TASKS = {
    "flower": "binary", "breast-cancer": "binary", "digits": "multiclass",
    "synthetic-binary": "binary", "synthetic-softmax": "multiclass", "synthetic-regression": "regression",
}


@pytest.mark.parametrize("name", list(BUILTIN_DATASETS))
def test_every_builtin_loads_in_the_contract_layout(name):
    ds = load_dataset(name)
    assert ds.name == name
    _assert_contract_layout(ds)
    # Built-ins go through the same rule as files: their task is inferred, and is the right one.
    assert ds.task == _BUILTIN_TASKS[name] and ds.task_inferred
    if ds.output == "sigmoid":
        assert ds.n_y == 1 and set(np.unique(ds.Y)) == {0.0, 1.0}
    if ds.output == "softmax":
        assert ds.n_y >= 3 and (ds.Y.sum(axis=0) == 1).all() and (ds.Y.sum(axis=1) > 0).all()


def test_flower_is_the_notes_planar_dataset():
    ds = load_dataset("flower")
    assert ds.X.shape == (2, 400) and ds.Y.shape == (1, 400) and ds.output == "sigmoid"
    assert ds.Y.sum() == 200 and (ds.Y[0, :200] == 0).all() and (ds.Y[0, 200:] == 1).all()
    X_notes, Y_notes = _notes_load_planar_dataset()
    np.testing.assert_array_equal(ds.X, X_notes)
    np.testing.assert_array_equal(ds.Y, Y_notes)
    # Petals: every point lies within the flower's maximum ray a = 4, plus the noise.
    assert np.hypot(*ds.X).max() < 4 + 5 * 0.2


def test_loading_flower_leaves_the_global_seed_alone():
    state = np.random.get_state()
    load_dataset("flower")
    after = np.random.get_state()
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2] == after[2]


def test_digits_are_ten_one_hot_classes_in_unit_range():
    ds = load_dataset("digits")
    assert ds.X.shape == (64, 1797) and ds.Y.shape == (10, 1797) and ds.output == "softmax"
    assert ds.classes == tuple(range(10))
    assert (ds.Y.sum(axis=0) == 1).all()
    assert ds.X.min() == 0.0 and ds.X.max() == 1.0


def test_breast_cancer_is_standardised_binary():
    ds = load_dataset("breast-cancer")
    assert ds.X.shape == (30, 569) and ds.Y.shape == (1, 569) and ds.output == "sigmoid"
    np.testing.assert_allclose(ds.X.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(ds.X.std(axis=1), 1, rtol=1e-12)
    assert "standardised" in ds.description
    assert ds.classes == ("malignant", "benign")


def test_synthetic_sets_are_seeded():
    for name in ("synthetic-binary", "synthetic-softmax", "synthetic-regression"):
        a, b = load_dataset(name), load_dataset(name)
        np.testing.assert_array_equal(a.X, b.X)
        np.testing.assert_array_equal(a.Y, b.Y)
        assert a.X is not b.X  # a fresh copy each time: no caller sees another's edits
    assert load_dataset("synthetic-regression").output == "linear"


def test_unknown_builtin_name_is_refused_with_the_list():
    with pytest.raises(ValueError, match="unknown built-in data set 'flowers'.*flower"):
        load_dataset("flowers")


def test_builtin_takes_a_task_but_no_label_column():
    # The same rule and the same override as a file's labels (formerly built-ins took none).
    ds = load_dataset("breast-cancer", task="multiclass")
    assert ds.task == "multiclass" and ds.Y.shape == (2, 569) and not ds.task_inferred
    assert ds.classes == ("malignant", "benign")
    np.testing.assert_array_equal(ds.Y[1], load_dataset("breast-cancer").Y[0])
    assert BUILTIN_DATASETS["digits"](task="regression").Y.shape == (1, 1797)
    with pytest.raises(ValueError, match="task='binary' needs exactly 2 distinct labels in the labels of 'digits'; got 10"):
        load_dataset("digits", task="binary")
    with pytest.raises(ValueError, match="label_column applies to .csv files only"):
        load_dataset("flower", label_column="y")


def test_name_must_be_a_name_or_path():
    with pytest.raises(TypeError, match="name_or_path"):
        load_dataset(3)


# ---------------------------------------------------------------------------- task rule


def _labels_with(k: int, m: int, offset: int = 0) -> np.ndarray:
    """(m,) whole-number labels with exactly k distinct values, offset, offset + 1, ..."""
    return offset + np.arange(m) % k


@pytest.mark.parametrize(
    "Y, task",
    [
        (np.array([0, 1, 1, 0]), "binary"),
        (np.array([2, 5, 5, 2]), "binary"),
        (np.array([True, False, True]), "binary"),
        (np.array(["dog", "cat", "cat"]), "binary"),
        (np.array([0, 1, 2, 1]), "multiclass"),  # three values are classes even in 4 examples
        (np.array([0.0, 1.0, 2.0]), "multiclass"),  # whole floats are whole numbers
        (np.array([[0.0, 1.0, 2.0, 1.0]]), "multiclass"),  # a (1, m) row is a label vector
        (_labels_with(4, 39), "regression"),  # 4 > max(3, 39 // 10) = 3
        (_labels_with(4, 40), "multiclass"),  # 4 <= 40 // 10
        (_labels_with(20, 1000, offset=-7), "multiclass"),  # the cap, negative labels allowed
        (_labels_with(21, 1000), "regression"),  # past the cap
        (np.array([f"c{i}" for i in range(25)] * 2), "multiclass"),  # strings: no cap
        (np.array([0.5, 1.0, 2.25]), "regression"),
        (np.array([0.5, 1.5, 0.5, 1.5]), "regression"),  # two values, but not whole numbers
        (np.array([[0.0, 1, 1, 0], [1, 0, 0, 1]]), "multiclass"),  # one-hot columns
        (np.array([[0.0, 1, 1, 0], [1, 1, 0, 0]]), "multilabel"),
        (np.array([[0.0, 1, 2, 0], [1, 0, 0, 1]]), "regression"),
    ],
    ids=["binary-01", "binary-2-5", "binary-bool", "binary-strings", "three-classes-tiny",
         "whole-floats", "row-vector", "4-of-39", "4-of-40", "cap-20", "past-cap", "25-strings",
         "reals", "two-reals", "one-hot", "multilabel", "2-D-reals"],
)
def test_the_task_rule(Y, task):
    assert infer_task(Y).task == task
    targets = make_targets(Y)
    assert targets.task == task and targets.inferred
    assert targets.Y.dtype == np.float64 and targets.Y.shape[1] == Y.shape[-1]
    check_Y(targets.Y, np.zeros((1, Y.shape[-1])), TASK_OUTPUT[task], targets.Y.shape[0])


def test_max_inferred_classes_at_the_known_data_sets():
    # iris 150, wine 178, digits 1797, diabetes 442: 3, 3, 10 classes and 214 whole numbers.
    assert [max_inferred_classes(m) for m in (4, 39, 40, 150, 178, 442, 1797, 10**6)] == [3, 3, 4, 15, 17, 20, 20, 20]
    assert infer_task(_labels_with(214, 442, offset=25)).task == "regression"
    assert infer_task(_labels_with(3, 150)).task == infer_task(_labels_with(3, 178)).task == "multiclass"
    assert infer_task(_labels_with(10, 1797)).task == "multiclass"


@pytest.mark.parametrize(
    "labels, task, expected_Y, classes",
    [
        ([0, 1, 1, 0], None, [[0, 1, 1, 0]], (0, 1)),
        ([2, 5, 5, 2], None, [[0, 1, 1, 0]], (2, 5)),
        (["dog", "cat", "cat"], None, [[1, 0, 0]], ("cat", "dog")),
        ([0, 2, 1, 2], None, [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 1]], (0, 1, 2)),
        ([0.5, 1.0, 2.25], None, [[0.5, 1.0, 2.25]], None),
        ([0, 1, 1, 0], "multiclass", [[1, 0, 0, 1], [0, 1, 1, 0]], (0, 1)),
        ([0, 1, 2, 1], "regression", [[0, 1, 2, 1]], None),
        ([3.0, 7.0, 3.0], "binary", [[0, 1, 0]], (3, 7)),
    ],
    ids=["binary-01", "binary-2-5", "binary-strings", "three-classes", "regression",
         "given-multiclass", "given-regression", "given-binary-whole-floats"],
)
def test_targets_in_the_task_layout(labels, task, expected_Y, classes):
    targets = make_targets(np.array(labels), task)
    np.testing.assert_array_equal(targets.Y, expected_Y)
    assert targets.classes == classes and targets.inferred is (task is None)


def test_task_notes_say_how_it_was_decided_and_how_to_override():
    y = _labels_with(214, 442, offset=25)
    assert make_targets(y).note == (
        "task inferred: 214 distinct whole-number labels among 442 examples (more than 20) -> regression; "
        "pass --task multiclass to override"
    )
    assert make_targets(y, "multiclass").note == (
        "task given: multiclass; the labels alone would give regression "
        "(214 distinct whole-number labels among 442 examples (more than 20))"
    )
    assert make_targets(np.array([0, 1, 0]), "binary").note.startswith("task given: binary, as the labels alone give it")
    assert make_targets(np.array([0.5, 1.0])).note.endswith("-> regression; no other task fits these labels")
    assert "single value" in make_targets(np.array([4, 4, 4]), "regression").note


@pytest.mark.parametrize(
    "Y, task, error, match",
    [
        ([0, 1, 2, 1], "binary", ValueError, r"task='binary' needs exactly 2 distinct labels in Y; got 3 \(0, 1, 2\)"),
        ([0.5, 1.0, 2.0], "multiclass", ValueError, r"task='multiclass' needs whole-number or string class labels .* 0\.5"),
        ([0.5, 1.5], "binary", ValueError, r"task='binary' needs whole-number"),
        ([0, 1], "softmax", ValueError, r"unknown task 'softmax'; expected one of: binary, multiclass, multilabel, regression"),
        ([0, 1], 3, TypeError, r"task must be a name"),
        (["a", "b"], "regression", ValueError, r"task='regression' needs numeric Y; got string labels such as 'a'"),
        ([0, 1, 1], "multilabel", ValueError, r"task='multilabel' needs several 0/1 label rows"),
        ([[0, 1], [1, 1]], "binary", ValueError, r"task='binary' needs one label per example; Y has 2 rows"),
        ([[0, 1], [1, 1]], "multiclass", ValueError, r"task='multiclass' needs one-hot columns .* 1 of 2 columns"),
        ([[0, 2], [1, 1]], "multilabel", ValueError, r"task='multilabel' needs 0/1 in Y"),
        ([1, 1, 1], None, ValueError, r"single distinct value \(1\)"),
        ([1, 1, 1], "multiclass", ValueError, r"task='multiclass' needs two or more classes"),
        ([0.0, np.nan, 1.0], None, ValueError, r"NaN"),
        ([], None, ValueError, r"empty"),
        ([[[0, 1]]], None, ValueError, r"must be \(m,\) labels or \(n_y, m\) targets"),
    ],
    ids=["binary-3-classes", "multiclass-reals", "binary-reals", "unknown-task", "task-type",
         "regression-strings", "multilabel-vector", "binary-2-D", "multiclass-not-one-hot",
         "multilabel-not-01", "single-value", "single-class-given", "nan", "empty", "3-D"],
)
def test_task_refusals_name_the_argument(Y, task, error, match):
    with pytest.raises(error, match=match):
        make_targets(np.array(Y), task)


# ---------------------------------------------------------------------------- .npz


def test_npz_round_trip_with_labels(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randn(3, 8)
    labels = np.array([0, 2, 1, 1, 0, 2, 2, 1])
    path = tmp_path / "data.npz"
    np.savez(path, X=X, Y=labels)
    ds = load_dataset(path)
    _assert_contract_layout(ds)
    np.testing.assert_array_equal(ds.X, X)
    assert ds.task == "multiclass" and ds.output == "softmax" and ds.classes == (0, 1, 2)
    np.testing.assert_array_equal(ds.Y, np.eye(3)[:, labels])
    assert ds.name == "data.npz"


@pytest.mark.parametrize(
    "Y, task",
    [
        (np.array([[0.0, 1, 1, 0]]), "binary"),
        (np.array([[0.0, 1, 1, 0], [1, 1, 0, 0]]), "multilabel"),
        (np.array([[0.0, 1, 1, 0], [1, 0, 0, 1]]), "multiclass"),
        (np.array([[0.5, -1, 2, 0]]), "regression"),
        (np.array([[0.5, -1, 2, 0], [1, 2, 3, 4]]), "regression"),
    ],
    ids=["binary", "multilabel", "one-hot", "regression", "two-targets"],
)
def test_npz_round_trip_with_targets(tmp_path, Y, task):
    X = np.arange(8.0).reshape(2, 4)
    path = tmp_path / "targets.npz"
    np.savez(path, X=X, Y=Y)
    ds = load_dataset(str(path))
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.Y, Y)
    assert ds.task == task and ds.task_inferred


def test_npz_multilabel_given_or_refused(tmp_path):
    path = tmp_path / "tags.npz"
    np.savez(path, X=np.zeros((2, 4)), Y=np.array([[0.0, 1, 1, 0], [1, 1, 0, 0]]))
    assert load_dataset(path, task="multilabel").output == "sigmoid"
    assert load_dataset(path, task="regression").output == "linear"
    with pytest.raises(ValueError, match="task='multiclass' needs one-hot columns"):
        load_dataset(path, task="multiclass")


def test_npz_refuses_object_arrays_without_unpickling(tmp_path, monkeypatch):
    import pickle

    path = tmp_path / "evil.npz"
    X = np.empty((2, 3), dtype=object)
    X[:] = 1.0
    np.savez(path, X=X, Y=np.array([0, 1, 0]))

    def no_unpickling(*args, **kwargs):
        raise AssertionError("the loader unpickled")

    monkeypatch.setattr(pickle, "load", no_unpickling)
    monkeypatch.setattr(pickle, "loads", no_unpickling)
    with pytest.raises(ValueError, match="object .*refused"):
        load_dataset(path)


def test_npz_refuses_transposed_X_with_a_hint(tmp_path):
    path = tmp_path / "rows.npz"
    np.savez(path, X=np.zeros((6, 2)), Y=np.array([0, 1, 0, 1, 0, 1]))
    with pytest.raises(ValueError, match=r"looks like \(m, n_x\)"):
        load_dataset(path)


@pytest.mark.parametrize(
    "arrays, match",
    [
        ({"X": np.zeros((2, 3))}, "missing \\['Y'\\]"),
        ({"X": np.zeros(3), "Y": np.array([0, 1, 0])}, "2-D"),
        ({"X": np.array([[0.0, np.nan, 1.0]]), "Y": np.array([0, 1, 0])}, "NaN"),
        ({"X": np.zeros((2, 3)), "Y": np.array([0.0, np.nan, 1.0])}, "NaN"),
        ({"X": np.zeros((2, 3)), "Y": np.array([0, 1])}, "m = 3"),
        ({"X": np.array([["a", "b"]]), "Y": np.array([0, 1])}, "real numbers"),
    ],
    ids=["missing-Y", "1-D-X", "nan-X", "nan-Y", "m-mismatch", "string-X"],
)
def test_npz_bad_contents(tmp_path, arrays, match):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises((ValueError, TypeError), match=match):
        load_dataset(path)


def test_npz_that_is_not_an_archive(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_text("not a zip")
    with pytest.raises(ValueError, match="junk.npz"):
        load_dataset(path)


# ---------------------------------------------------------------------------- .csv


def test_csv_round_trip_default_last_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x1,x2,species\n1.0,2.0,setosa\n3.0,4.5,virginica\n-1,0,setosa\n")
    ds = load_dataset(path)
    _assert_contract_layout(ds)
    np.testing.assert_array_equal(ds.X, [[1.0, 3.0, -1.0], [2.0, 4.5, 0.0]])
    assert ds.task == "binary" and ds.classes == ("setosa", "virginica")
    np.testing.assert_array_equal(ds.Y, [[0.0, 1.0, 0.0]])


def test_csv_label_column_by_name_and_task_override(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("y,a,b\n0,1,2\n1,3,4\n2,5,6\n1,7,8\n")
    ds = load_dataset(path, label_column="y")
    np.testing.assert_array_equal(ds.X, [[1, 3, 5, 7], [2, 4, 6, 8]])
    assert ds.task == "multiclass" and ds.Y.shape == (3, 4)
    assert "column 'y'" in ds.description
    reg = load_dataset(path, label_column="y", task="regression")
    assert reg.task == "regression" and reg.output == "linear" and not reg.task_inferred
    np.testing.assert_array_equal(reg.Y, [[0, 1, 2, 1]])


def test_csv_regression_target(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("x,target\n0,0.5\n1,1.25\n2,-3.0\n")
    ds = load_dataset(path)
    assert ds.task == "regression" and ds.classes is None
    np.testing.assert_array_equal(ds.Y, [[0.5, 1.25, -3.0]])


@pytest.mark.parametrize(
    "text, kwargs, match",
    [
        ("a,b,y\n1,2,0\n3,4,1\n", {"label_column": "label"}, r"label_column 'label' is not a column .*\['a', 'b', 'y'\]"),
        ("1,2,0\n3,4,1\n", {}, "header row"),
        ("a,b,y\n1,,0\n3,4,1\n", {}, "missing values .*'b'"),
        ("a,b,y\n1,x,0\n3,4,1\n", {}, "not numeric: \\['b'\\]"),
        ("a,b,y\n", {}, "no data rows"),
        ("", {}, "header row"),
        ("y\n0\n1\n", {}, "at least one feature column"),
    ],
    ids=["missing-label-column", "no-header", "nan", "non-numeric-feature", "no-rows", "empty", "no-features"],
)
def test_csv_bad_contents(tmp_path, text, kwargs, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        load_dataset(path, **kwargs)


def test_csv_label_column_must_be_a_name(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    with pytest.raises(TypeError, match="label_column"):
        load_dataset(path, label_column=1)


# ---------------------------------------------------------------------------- .h5


def _write_notes_h5(path, m=5, prefix="train_set", dtype=np.uint8, classes=True):
    import h5py

    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(m, 64, 64, 3)).astype(dtype)
    labels = np.array([0, 1, 1, 0, 1][:m], dtype=np.int64)
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_x", data=images)
        f.create_dataset(f"{prefix}_y", data=labels)
        if classes:
            f.create_dataset("list_classes", data=np.array([b"non-cat", b"cat"]))
    return images, labels


@pytest.mark.parametrize("prefix", ["train_set", "test_set"])
def test_h5_round_trip_in_the_notes_layout(tmp_path, prefix):
    path = tmp_path / "cats.h5"
    images, labels = _write_notes_h5(path, prefix=prefix)
    ds = load_dataset(path)
    _assert_contract_layout(ds)
    assert ds.X.shape == (12288, 5) and ds.Y.shape == (1, 5) and ds.task == "binary"
    # The notes: train_set_x_orig.reshape(m, -1).T / 255.
    np.testing.assert_array_equal(ds.X, images.reshape(5, -1).T / 255.0)
    np.testing.assert_array_equal(ds.Y, labels[None].astype(np.float64))
    assert ds.classes == ("non-cat", "cat")
    assert 0.0 <= ds.X.min() and ds.X.max() <= 1.0


def test_h5_without_the_notes_datasets(tmp_path):
    import h5py

    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("images", data=np.zeros((2, 4)))
    with pytest.raises(ValueError, match="train_set_x"):
        load_dataset(path)


def test_h5_label_count_must_match(tmp_path):
    import h5py

    path = tmp_path / "mismatch.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=np.zeros((3, 4, 4, 3), dtype=np.uint8))
        f.create_dataset("train_set_y", data=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"train_set_y must be \(3,\)"):
        load_dataset(path)


def test_h5_without_h5py_says_how_to_install(tmp_path, monkeypatch):
    path = tmp_path / "cats.h5"
    _write_notes_h5(path)
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'nn-parity\[hdf5\]'"):
        load_dataset(path)


# ---------------------------------------------------------------------------- files


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.csv"
    with pytest.raises(ValueError, match="nowhere.csv.*does not exist"):
        load_dataset(path)


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}")
    with pytest.raises(ValueError, match="unknown file extension '.json'"):
        load_dataset(path)


def test_unknown_task_is_refused_before_reading(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    with pytest.raises(ValueError, match="unknown task 'softmax'"):
        load_dataset(path, task="softmax")
    with pytest.raises(ValueError, match="unknown task 'sigmoid'"):  # before the file is looked for
        load_dataset(tmp_path / "nowhere.csv", task="sigmoid")


def test_dataset_checks_its_arrays():
    with pytest.raises(ValueError, match="one-hot"):
        Dataset("bad", np.zeros((2, 3)), np.array([[1.0, 0, 0], [1, 0, 1]]), "multiclass")
    with pytest.raises(ValueError, match="shape"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((1, 4)), "binary")
    with pytest.raises(TypeError, match="float64"):
        Dataset("bad", np.zeros((2, 3), dtype=np.float32), np.zeros((1, 3)), "binary")
    with pytest.raises(ValueError, match="task must be one of|unknown task"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((1, 3)), "sigmoid")
    with pytest.raises(ValueError, match="binary Y is one row"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((2, 3)), "binary")
    with pytest.raises(ValueError, match="multilabel Y needs n_y >= 2"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((1, 3)), "multilabel")
    with pytest.raises(ValueError, match="regression has no classes"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((1, 3)), "regression", (0, 1))


# ---------------------------------------------------------------------------- one rule, every file type


def _write(kind: str, directory, X: np.ndarray, labels: np.ndarray):
    """The same X: (n_x, m) in [0, 1] and (m,) labels as a file of the given kind -> its path."""
    if kind in ("npz", "npz-row"):
        path = directory / f"{kind}.npz"
        np.savez(path, X=X, Y=labels if kind == "npz" else labels[None])
    elif kind == "csv":
        import pandas as pd

        path = directory / "data.csv"
        frame = pd.DataFrame(X.T, columns=[f"x{i}" for i in range(X.shape[0])])
        frame["label"] = labels
        frame.to_csv(path, index=False)
    else:
        import h5py

        path = directory / "data.h5"
        stored = labels.astype("S") if labels.dtype.kind == "U" else labels  # h5py stores bytes
        with h5py.File(path, "w") as f:
            f.create_dataset("train_set_x", data=X.T)  # (m, n_x): the notes' one example per row
            f.create_dataset("train_set_y", data=stored)
    return path


_FILE_KINDS = ["npz", "npz-row", "csv", "h5"]
_M = 60
_LABEL_CASES = {
    "binary": (np.arange(_M) % 2 * 3 + 2, "binary"),  # labels 2 and 5
    "multiclass": (np.arange(_M) % 3, "multiclass"),  # wine-like 0/1/2
    "many-integers": (np.arange(_M) % 30 + 25, "regression"),  # diabetes-like whole numbers
    "reals": (np.linspace(-1, 1, _M), "regression"),
    "strings": (np.array(["cat", "dog", "emu", "fox"] * (_M // 4)), "multiclass"),
}


@pytest.mark.parametrize("case", list(_LABEL_CASES))
def test_every_file_type_goes_through_the_same_rule(tmp_path, case):
    labels, task = _LABEL_CASES[case]
    X = np.random.RandomState(0).rand(3, _M)
    loaded = [load_dataset(_write(kind, tmp_path, X, labels)) for kind in _FILE_KINDS]
    expected = make_targets(labels)
    assert expected.task == task
    for kind, ds in zip(_FILE_KINDS, loaded):
        _assert_contract_layout(ds)
        np.testing.assert_array_equal(ds.X, X, err_msg=kind)  # shortest repr: exact through a CSV
        assert (ds.task, ds.classes, ds.task_note, ds.task_inferred) == (task, expected.classes, expected.note, True), kind
        np.testing.assert_array_equal(ds.Y, expected.Y, err_msg=kind)


@pytest.mark.parametrize("kind", _FILE_KINDS)
def test_a_given_task_overrides_the_rule_for_every_file_type(tmp_path, kind):
    X = np.random.RandomState(1).rand(2, _M)
    many = np.arange(_M) % 30 + 25
    path = _write(kind, tmp_path, X, many)
    assert load_dataset(path).task == "regression"
    ds = load_dataset(path, task="multiclass")
    assert ds.task == "multiclass" and not ds.task_inferred and ds.Y.shape == (30, _M)
    assert ds.classes == tuple(range(25, 55))
    assert ds.task_note.startswith("task given: multiclass; the labels alone would give regression")
    three = _write(kind, tmp_path, X, np.arange(_M) % 3)
    reg = load_dataset(three, task="regression")
    assert reg.output == "linear" and reg.classes is None
    np.testing.assert_array_equal(reg.Y, [np.arange(_M) % 3])
    with pytest.raises(ValueError, match="task='binary' needs exactly 2 distinct labels .*; got 3"):
        load_dataset(three, task="binary")


def test_issue_diabetes_like_csv_of_whole_numbers_is_a_regression(tmp_path):
    # Issue 11: --data diabetes.csv became a 214-class softmax (10, 8, 4, 214).
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, scaled=False)
    assert len(np.unique(y)) == 214 and (y == np.round(y)).all()
    path = tmp_path / "diabetes.csv"
    header = ",".join(f"x{i}" for i in range(X.shape[1])) + ",target\n"
    path.write_text(header + "\n".join(",".join(f"{v:g}" for v in row) + f",{int(t)}" for row, t in zip(X, y)) + "\n")
    ds = load_dataset(path)
    assert ds.task == "regression" and ds.output == "linear" and ds.Y.shape == (1, 442)
    np.testing.assert_array_equal(ds.Y[0], y)
    assert ds.task_note == (
        "task inferred: 214 distinct whole-number labels among 442 examples (more than 20) -> regression; "
        "pass --task multiclass to override"
    )


def test_issue_wine_like_npz_row_and_csv_are_the_same_multiclass(tmp_path):
    # Issue 11: wine.npz with labels 0/1/2 in a (1, m) Y became a regression, wine.csv a softmax.
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    npz = tmp_path / "wine.npz"
    np.savez(npz, X=X.T, Y=y[None].astype(np.float64))  # (1, 178) of 0.0/1.0/2.0
    csv = tmp_path / "wine.csv"
    header = ",".join(f"x{i}" for i in range(X.shape[1])) + ",class\n"
    csv.write_text(header + "\n".join(",".join(repr(float(v)) for v in row) + f",{t}" for row, t in zip(X, y)) + "\n")
    a, b = load_dataset(npz), load_dataset(csv)
    assert a.task == b.task == "multiclass" and a.classes == b.classes == (0, 1, 2)
    assert a.task_note == b.task_note
    np.testing.assert_array_equal(a.Y, np.eye(3)[:, y])
    np.testing.assert_array_equal(a.Y, b.Y)
    np.testing.assert_array_equal(a.X, b.X)


@pytest.mark.parametrize("kind", ["npz", "h5"])
def test_label_column_is_for_csv_only(tmp_path, kind):
    path = _write(kind, tmp_path, np.random.RandomState(0).rand(2, 6), np.arange(6) % 2)
    with pytest.raises(ValueError, match="label_column applies to .csv files only"):
        load_dataset(path, label_column="label")
