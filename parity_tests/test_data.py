"""The data loader: built-in sets in the contract's layout, user files round-tripped, and
bad files refused with errors that name the problem."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from parity.data import BUILTIN_DATASETS, Dataset, load_dataset, targets_from_labels
from reference_numpy.checks import check_Y


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
    check_Y(ds.Y, ds.X, ds.output, ds.n_y)  # the contract's own label check
    assert isinstance(ds.description, str) and ds.description


# ---------------------------------------------------------------------------- built-ins


@pytest.mark.parametrize("name", list(BUILTIN_DATASETS))
def test_every_builtin_loads_in_the_contract_layout(name):
    ds = load_dataset(name)
    assert ds.name == name
    _assert_contract_layout(ds)
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


def test_builtin_takes_no_override():
    with pytest.raises(ValueError, match="takes no label_column or output"):
        load_dataset("flower", output="softmax")


def test_name_must_be_a_name_or_path():
    with pytest.raises(TypeError, match="name_or_path"):
        load_dataset(3)


# ---------------------------------------------------------------------------- label rule


@pytest.mark.parametrize(
    "labels, output, expected_output, classes",
    [
        ([0, 1, 1, 0], None, "sigmoid", (0, 1)),
        ([2, 5, 5, 2], None, "sigmoid", (2, 5)),
        (["dog", "cat", "cat"], None, "sigmoid", ("cat", "dog")),
        ([0, 1, 2, 1], None, "softmax", (0, 1, 2)),
        ([0.0, 1.0, 2.0], None, "softmax", (0, 1, 2)),
        ([0.5, 1.0, 2.25], None, "linear", None),
        ([0, 1, 1, 0], "softmax", "softmax", (0, 1)),
        ([0, 1, 2, 1], "linear", "linear", None),
    ],
    ids=["binary-01", "binary-2-5", "binary-strings", "three-classes", "integral-floats",
         "regression", "override-softmax", "override-linear"],
)
def test_label_rule(labels, output, expected_output, classes):
    Y, out, got_classes = targets_from_labels(np.array(labels), output)
    assert out == expected_output and got_classes == classes
    if out == "sigmoid":
        np.testing.assert_array_equal(Y[0], [classes.index(v) for v in labels])
    elif out == "softmax":
        np.testing.assert_array_equal(Y.argmax(axis=0), [classes.index(v) for v in labels])
        assert (Y.sum(axis=0) == 1).all()
    else:
        np.testing.assert_array_equal(Y, np.array(labels, dtype=np.float64)[None])


def test_label_rule_refusals():
    with pytest.raises(ValueError, match="single class"):
        targets_from_labels(np.array([1, 1, 1]))
    with pytest.raises(ValueError, match="exactly 2 classes"):
        targets_from_labels(np.array([0, 1, 2]), "sigmoid")
    with pytest.raises(ValueError, match="numeric"):
        targets_from_labels(np.array(["a", "b"]), "linear")
    with pytest.raises(ValueError, match="unknown output"):
        targets_from_labels(np.array([0, 1]), "relu")


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
    assert ds.output == "softmax" and ds.classes == (0, 1, 2)
    np.testing.assert_array_equal(ds.Y, np.eye(3)[:, labels])
    assert ds.name == "data.npz"


@pytest.mark.parametrize(
    "Y, output",
    [
        (np.array([[0.0, 1, 1, 0]]), "sigmoid"),
        (np.array([[0.0, 1, 1, 0], [1, 1, 0, 0]]), "sigmoid"),
        (np.array([[0.0, 1, 1, 0], [1, 0, 0, 1]]), "softmax"),
        (np.array([[0.5, -1, 2, 0]]), "linear"),
    ],
    ids=["binary", "multilabel", "one-hot", "regression"],
)
def test_npz_round_trip_with_targets(tmp_path, Y, output):
    X = np.arange(8.0).reshape(2, 4)
    path = tmp_path / "targets.npz"
    np.savez(path, X=X, Y=Y)
    ds = load_dataset(str(path))
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.Y, Y)
    assert ds.output == output


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
    assert ds.output == "sigmoid" and ds.classes == ("setosa", "virginica")
    np.testing.assert_array_equal(ds.Y, [[0.0, 1.0, 0.0]])


def test_csv_label_column_by_name_and_output_override(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("y,a,b\n0,1,2\n1,3,4\n2,5,6\n1,7,8\n")
    ds = load_dataset(path, label_column="y")
    np.testing.assert_array_equal(ds.X, [[1, 3, 5, 7], [2, 4, 6, 8]])
    assert ds.output == "softmax" and ds.Y.shape == (3, 4)
    reg = load_dataset(path, label_column="y", output="linear")
    assert reg.output == "linear"
    np.testing.assert_array_equal(reg.Y, [[0, 1, 2, 1]])


def test_csv_regression_target(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("x,target\n0,0.5\n1,1.25\n2,-3.0\n")
    ds = load_dataset(path)
    assert ds.output == "linear" and ds.classes is None
    np.testing.assert_array_equal(ds.Y, [[0.5, 1.25, -3.0]])


@pytest.mark.parametrize(
    "text, kwargs, match",
    [
        ("a,b,y\n1,2,0\n3,4,1\n", {"label_column": "label"}, "label_column 'label' is not a column"),
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
    assert ds.X.shape == (12288, 5) and ds.Y.shape == (1, 5) and ds.output == "sigmoid"
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


def test_unknown_output_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    with pytest.raises(ValueError, match="unknown output 'tanh'"):
        load_dataset(path, output="tanh")


def test_dataset_checks_its_arrays():
    with pytest.raises(ValueError, match="one-hot"):
        Dataset("bad", np.zeros((2, 3)), np.array([[1.0, 0, 0], [1, 0, 1]]), "softmax")
    with pytest.raises(ValueError, match="shape"):
        Dataset("bad", np.zeros((2, 3)), np.zeros((1, 4)), "sigmoid")
    with pytest.raises(TypeError, match="float64"):
        Dataset("bad", np.zeros((2, 3), dtype=np.float32), np.zeros((1, 3)), "sigmoid")
