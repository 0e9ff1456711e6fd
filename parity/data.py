"""Data sets in the contract's layout: built-in ones (no download) and the user's files.

    from parity.data import load_dataset
    ds = load_dataset("flower")                 # the notes' planar data: X (2, 400), Y (1, 400)
    ds = load_dataset("my_data.csv", label_column="label")
    spec = ModelSpec((ds.n_x, 4, ds.n_y), hidden_activation="tanh", output=ds.output)

Every loader returns a ``Dataset``: ``X: (n_x, m)`` float64, one column per example, and
``Y`` in the layout ``spec.output`` expects (DESIGN.md): ``(1, m)`` of 0/1 for a binary
``sigmoid`` output, one-hot ``(K, m)`` columns for ``softmax``, ``(n_y, m)`` reals for
``linear``. Bad input is refused with a ``ValueError`` (or ``TypeError`` for the wrong kind of
argument) that names the argument or the file and says what was expected.

Files
-----
``.npz``  arrays ``X`` and ``Y``. ``X`` is ``(n_x, m)``, the contract's layout (never
          ``(m, n_x)``: a transposed ``X`` is refused, with a hint). ``Y`` is ``(m,)`` labels
          (turned into targets by the rule below) or ``(n_y, m)`` targets already in the
          contract's layout. Loaded with ``allow_pickle=False``: object arrays are refused,
          never unpickled.
``.csv``  a header row, one row per example, numeric feature columns and one label column
          (``label_column``, default the last column).
``.h5``   the notes' HDF5 layout (``train_catvnoncat.h5``): ``train_set_x`` ``(m, 64, 64, 3)``
          ``uint8`` images and ``train_set_y`` ``(m,)`` labels (or the ``test_set_*`` pair),
          optionally ``list_classes``. Images are flattened to ``(64*64*3, m)`` and scaled
          to [0, 1] (integer pixels are divided by 255; float pixels must already lie in
          [0, 1]). Needs the optional h5py: ``pip install 'nn-parity[hdf5]'``.

Labels -> targets (1-D labels, from any file)
---------------------------------------------
- non-integer reals -> regression: ``output="linear"``, ``Y = labels`` as ``(1, m)``;
- exactly 2 distinct values (numbers or strings) -> ``output="sigmoid"``: the sorted
  classes are ``(negative, positive)`` and ``Y = 1`` for the second;
- more than 2 distinct values -> ``output="softmax"``: one-hot columns over the sorted classes;
- ``output=`` overrides the rule: ``"softmax"`` also takes 2 classes, ``"linear"`` takes
  any numeric labels, ``"sigmoid"`` needs exactly 2 classes.

A 2-D ``Y`` from an ``.npz`` is used as it stands: 0/1 with one-hot columns and n_y >= 2 is
``softmax``, other 0/1 is ``sigmoid`` (binary or multi-label), anything else ``linear``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reference_numpy.checks import check_X, check_Y
from reference_numpy.spec import OUTPUT_NAMES

__all__ = [
    "Dataset",
    "BUILTIN_DATASETS",
    "FILE_EXTENSIONS",
    "load_dataset",
    "load_planar_dataset",
    "targets_from_labels",
]

FILE_EXTENSIONS = (".npz", ".csv", ".h5", ".hdf5")


@dataclass(frozen=True, eq=False)
class Dataset:
    """One data set in the contract's layout.

    name: the built-in name or the file's name.
    X: (n_x, m) float64, finite, one column per example.
    Y: (n_y, m) float64: 0/1 ``(1, m)`` for a binary ``sigmoid`` output (or ``(n_y, m)``
        for independent labels), one-hot ``(K, m)`` for ``softmax``, reals for ``linear``.
    output: the output layer the targets fit: ``sigmoid``, ``softmax`` or ``linear``.
    classes: the original class labels, in the order of Y's rows for ``softmax`` and as
        ``(label of Y = 0, label of Y = 1)`` for a binary ``sigmoid``; None for regression
        (and for a 2-D ``Y`` given as targets).
    description: where the data come from and what was done to them.

    The arrays are checked on construction (shapes, dtype, NaN/inf, labels fit ``output``).
    Equality is identity (``eq=False``): arrays have no single truth value.
    """

    name: str
    X: np.ndarray
    Y: np.ndarray
    output: str
    classes: tuple | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.output not in OUTPUT_NAMES:
            raise ValueError(f"output must be one of {', '.join(OUTPUT_NAMES)}; got {self.output!r}")
        X = check_X(self.X, "X")
        if X.dtype != np.float64:
            raise TypeError(f"X must be float64, got {X.dtype}")
        Y = np.asarray(self.Y)
        if Y.ndim != 2:
            raise ValueError(f"Y must be 2-D (n_y, m); got shape {Y.shape}")
        check_Y(Y, X, self.output, Y.shape[0], "Y")
        if Y.dtype != np.float64:
            raise TypeError(f"Y must be float64, got {Y.dtype}")
        if self.output == "softmax" and Y.shape[0] < 2:
            raise ValueError(f"a softmax Y needs K >= 2 rows; got shape {Y.shape}")
        if self.classes is not None:
            n_classes = 2 if (self.output == "sigmoid" and Y.shape[0] == 1) else Y.shape[0]
            if len(self.classes) != n_classes:
                raise ValueError(f"classes has {len(self.classes)} entries but Y needs {n_classes}")

    @property
    def n_x(self) -> int:
        return self.X.shape[0]

    @property
    def n_y(self) -> int:
        return self.Y.shape[0]

    @property
    def m(self) -> int:
        return self.X.shape[1]


# ---------------------------------------------------------------------------------------
# labels -> targets


def _check_output(output) -> str | None:
    if output is None:
        return None
    if not isinstance(output, str):
        raise TypeError(f"output must be a name (str) or None, got {output!r}")
    if output not in OUTPUT_NAMES:
        raise ValueError(f"unknown output {output!r}; expected one of: {', '.join(OUTPUT_NAMES)}")
    return output


def _python_label(value):
    """A class label as a plain Python value: 1.0 -> 1, np.str_ -> str."""
    if isinstance(value, (np.floating, float)) and float(value).is_integer():
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def targets_from_labels(labels, output: str | None = None, argument: str = "labels"):
    """labels: (m,) numbers or strings -> (Y, output, classes) by the module's rule.

    Y: (1, m) 0/1 for ``sigmoid``, (K, m) one-hot for ``softmax``, (1, m) reals for ``linear``.
    """
    output = _check_output(output)
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"{argument} must be 1-D (m,); got shape {labels.shape}")
    if labels.size == 0:
        raise ValueError(f"{argument} is empty")
    if labels.dtype.kind == "b":
        labels = labels.astype(np.int64)
    numeric = labels.dtype.kind in "iuf"
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError(f"{argument} contains NaN or inf")
    if not numeric:
        if labels.dtype.kind == "O" and any(not isinstance(v, str) for v in labels):
            raise TypeError(f"{argument} must hold numbers or strings; got mixed objects")
        if labels.dtype.kind not in "UO":
            raise TypeError(f"{argument} must hold numbers or strings; got dtype {labels.dtype}")
        labels = labels.astype(str)
    integral = numeric and bool(np.all(np.mod(labels, 1) == 0))
    if output is None:
        output = "linear" if numeric and not integral else None
    if output == "linear":
        if not numeric:
            raise ValueError(f"output='linear' needs numeric {argument}; got strings")
        return labels.astype(np.float64).reshape(1, -1), "linear", None
    classes = np.unique(labels)  # sorted
    if len(classes) < 2:
        raise ValueError(f"{argument} hold a single class ({_python_label(classes[0])!r}); a classifier needs two or more")
    if output is None:
        output = "sigmoid" if len(classes) == 2 else "softmax"
    if output == "sigmoid" and len(classes) != 2:
        raise ValueError(
            f"output='sigmoid' needs exactly 2 classes in {argument}; got {len(classes)} "
            "(use output='softmax' for one of K classes)"
        )
    index = np.searchsorted(classes, labels)
    class_tuple = tuple(_python_label(c) for c in classes)
    if output == "sigmoid":
        return index.astype(np.float64).reshape(1, -1), "sigmoid", class_tuple
    return np.eye(len(classes))[:, index], "softmax", class_tuple


def _output_of_targets(Y: np.ndarray) -> str:
    if not np.isin(Y, (0, 1)).all():
        return "linear"
    if Y.shape[0] >= 2 and (Y.sum(axis=0) == 1).all():
        return "softmax"
    return "sigmoid"


# ---------------------------------------------------------------------------------------
# built-in data sets


def load_planar_dataset(seed: int = 1):
    """The notes' "flower": X (2, 400), Y (1, 400) of 0/1, 200 examples per class.

    The notes' ``load_planar_dataset``, drawn from ``np.random.RandomState(seed)`` rather than
    the global ``np.random.seed(1)`` (the same stream, without touching global state).
    """
    rng = np.random.RandomState(seed)
    m, N, a = 400, 200, 4  # examples, examples per class, maximum ray of the flower
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta
        r = a * np.sin(4 * t) + rng.randn(N) * 0.2  # radius
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T.copy(), Y.T.copy()


def _flower() -> Dataset:
    X, Y = load_planar_dataset(1)
    return Dataset(
        "flower", X, Y, "sigmoid", (0, 1),
        "The notes' planar 'flower' data: 400 points in 2-D, 200 per class (red 0, blue 1) "
        "in petals r = 4 sin(4t) + noise; drawn from RandomState(1), as the notes' np.random.seed(1).",
    )


def _standardise(X: np.ndarray) -> np.ndarray:
    """X: (n_x, m) -> each feature (row) to mean 0, standard deviation 1 over the m examples
    (scikit-learn's ``scale``, which works on columns, applied to the transpose)."""
    from sklearn.preprocessing import scale

    return np.ascontiguousarray(scale(X.T).T)


def _breast_cancer() -> Dataset:
    from sklearn.datasets import load_breast_cancer  # bundled with scikit-learn: no download

    raw = load_breast_cancer()
    X = _standardise(raw.data.T.astype(np.float64))
    Y = raw.target.astype(np.float64).reshape(1, -1)
    return Dataset(
        "breast-cancer", X, Y, "sigmoid", tuple(str(c) for c in raw.target_names),
        "scikit-learn's Wisconsin breast-cancer set: 569 examples, 30 features, each "
        "standardised to mean 0 and standard deviation 1 over the whole set; "
        "Y = 1 for benign, 0 for malignant.",
    )


def _digits() -> Dataset:
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    raw = load_digits()
    X = raw.data.T.astype(np.float64) / 16.0  # pixel intensities 0..16 -> [0, 1]
    Y = np.eye(10)[:, raw.target]
    return Dataset(
        "digits", X, Y, "softmax", tuple(int(c) for c in raw.target_names),
        "scikit-learn's handwritten digits: 1797 images of 8x8 pixels (64 features) scaled "
        "from 0..16 to [0, 1]; 10 classes, one-hot Y.",
    )


def _synthetic_binary() -> Dataset:
    # Labels drawn from the logistic model itself: overlapping classes (not separable), so
    # the maximum-likelihood fit is finite and unique.
    rng = np.random.RandomState(0)
    m, w, b = 300, np.array([[1.0], [-0.5], [0.25]]), 0.2
    X = rng.randn(3, m)
    p = 1.0 / (1.0 + np.exp(-(w.T @ X + b)))
    Y = (rng.rand(1, m) < p).astype(np.float64)
    return Dataset(
        "synthetic-binary", X, Y, "sigmoid", (0, 1),
        "Seeded (RandomState(0)) binary set: X (3, 300) standard normal, Y ~ Bernoulli(σ(wᵀx + b)) "
        "with w = (1, -0.5, 0.25), b = 0.2: overlapping classes, not separable.",
    )


def _synthetic_softmax() -> Dataset:
    rng = np.random.RandomState(0)
    m, K = 300, 3
    centres = np.array([[2.0, -1.0, -1.0], [0.0, 1.7, -1.7]])  # (n_x, K), on a circle
    labels = np.arange(m) % K
    X = centres[:, labels] + rng.randn(2, m)
    return Dataset(
        "synthetic-softmax", X, np.eye(K)[:, labels], "softmax", (0, 1, 2),
        "Seeded (RandomState(0)) 3-class set: X (2, 300), 100 per class, unit Gaussian blobs "
        "around three centres 2 apart; one-hot Y.",
    )


def _synthetic_regression() -> Dataset:
    rng = np.random.RandomState(0)
    m = 200
    X = rng.randn(4, m)
    Y = np.array([[1.5, -2.0, 0.5, 0.0]]) @ X + 0.3 + 0.1 * rng.randn(1, m)
    return Dataset(
        "synthetic-regression", X, Y, "linear", None,
        "Seeded (RandomState(0)) regression set: X (4, 200) standard normal, "
        "y = (1.5, -2, 0.5, 0)·x + 0.3 + N(0, 0.1²) noise.",
    )


BUILTIN_DATASETS: dict[str, Callable[[], Dataset]] = {
    "flower": _flower,
    "breast-cancer": _breast_cancer,
    "digits": _digits,
    "synthetic-binary": _synthetic_binary,
    "synthetic-softmax": _synthetic_softmax,
    "synthetic-regression": _synthetic_regression,
}


# ---------------------------------------------------------------------------------------
# files


def _numeric_X(X, source: str) -> np.ndarray:
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{source}: X must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64)
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(f"{source}: X must be a non-empty 2-D (n_x, m) array, one column per example; got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{source}: X contains NaN or inf")
    return X


def _load_npz(path: Path, label_column, output):
    if label_column is not None:
        raise ValueError(f"label_column applies to .csv files only, not to {path.name}")
    source = str(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:  # not a zip archive, or a pickle np.load refused
        raise ValueError(f"{source}: not a readable .npz archive ({exc})") from exc
    with archive:
        missing = [k for k in ("X", "Y") if k not in archive.files]
        if missing:
            raise ValueError(f"{source}: an .npz needs arrays 'X' and 'Y'; missing {missing} (has {archive.files})")
        try:
            X, Y = archive["X"], archive["Y"]
        except ValueError as exc:  # "Object arrays cannot be loaded when allow_pickle=False"
            raise ValueError(
                f"{source}: X and Y must be plain numeric arrays; object (pickled) arrays are "
                "refused and never unpickled"
            ) from exc
    X = _numeric_X(X, source)
    m = X.shape[1]
    Y = np.asarray(Y)
    if Y.dtype.kind in "f" and not np.isfinite(Y).all():
        raise ValueError(f"{source}: Y contains NaN or inf")
    m_y = Y.shape[-1] if Y.ndim in (1, 2) else None
    if m_y != m:
        hint = ""
        if Y.ndim in (1, 2) and X.shape[0] == Y.shape[-1]:
            hint = "; X looks like (m, n_x): store it as (n_x, m), one column per example"
        raise ValueError(
            f"{source}: Y must be (m,) labels or (n_y, m) targets with m = {m} (X's columns); "
            f"got X {X.shape}, Y {Y.shape}{hint}"
        )
    if Y.ndim == 1:
        Y, out, classes = targets_from_labels(Y, output, f"{source}: Y")
        return X, Y, out, classes
    if Y.dtype.kind not in "biuf":
        raise TypeError(f"{source}: a 2-D Y must hold real numbers, got dtype {Y.dtype}")
    Y = Y.astype(np.float64)
    out = _check_output(output) or _output_of_targets(Y)
    return X, Y, out, None


def _load_csv(path: Path, label_column, output):
    import pandas as pd

    source = str(path)
    if label_column is not None and not isinstance(label_column, str):
        raise TypeError(f"label_column must be a column name (str) or None, got {label_column!r}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source}: not a readable CSV file with a header row ({exc})") from exc
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if len(columns) < 2:
        raise ValueError(f"{source}: a CSV needs at least one feature column and a label column; got {columns}")
    if all(_looks_numeric(c) for c in columns):
        raise ValueError(f"{source}: the first row {columns} looks like data; a header row of column names is required")
    if len(frame) == 0:
        raise ValueError(f"{source}: no data rows below the header")
    label = columns[-1] if label_column is None else label_column
    if label not in columns:
        raise ValueError(f"label_column {label!r} is not a column of {source}; columns: {columns}")
    features = [c for c in columns if c != label]
    bad = [c for c in features if frame[c].dtype.kind not in "biuf"]
    if bad:
        raise ValueError(f"{source}: feature columns must be numeric; not numeric: {bad}")
    nan_cols = [c for c in columns if frame[c].isna().any()]
    if nan_cols:
        raise ValueError(f"{source}: missing values (NaN or empty cells) in columns {nan_cols}")
    X = _numeric_X(frame[features].to_numpy(dtype=np.float64).T, source)
    Y, out, classes = targets_from_labels(frame[label].to_numpy(), output, f"{source}: label column {label!r}")
    return X, Y, out, classes


def _looks_numeric(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True


def _load_h5(path: Path, label_column, output):
    if label_column is not None:
        raise ValueError(f"label_column applies to .csv files only, not to {path.name}")
    try:
        import h5py  # optional: only this loader needs it
    except ImportError as exc:
        raise ImportError(
            f"reading {path.name} needs h5py, which is not installed: pip install 'nn-parity[hdf5]'"
        ) from exc
    source = str(path)
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"{source}: not a readable HDF5 file ({exc})") from exc
    with handle:
        pairs = [p for p in ("train_set", "test_set") if f"{p}_x" in handle and f"{p}_y" in handle]
        if len(pairs) != 1:
            raise ValueError(
                f"{source}: expected the notes' layout, one pair of datasets 'train_set_x'/'train_set_y' "
                f"(or 'test_set_x'/'test_set_y'); found keys {sorted(handle.keys())}"
            )
        prefix = pairs[0]
        images = np.asarray(handle[f"{prefix}_x"][()])
        labels = np.asarray(handle[f"{prefix}_y"][()])
        names = np.asarray(handle["list_classes"][()]) if "list_classes" in handle else None
    if images.dtype.kind not in "biuf":
        raise TypeError(f"{source}: {prefix}_x must hold numbers, got dtype {images.dtype}")
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"{source}: {prefix}_x must be (m, ...) with m >= 1, e.g. (m, 64, 64, 3); got {images.shape}")
    labels = labels.reshape(-1) if labels.ndim == 2 and 1 in labels.shape else labels
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(f"{source}: {prefix}_y must be ({images.shape[0]},), one label per image; got {labels.shape}")
    m = images.shape[0]
    flat = images.reshape(m, -1).T.astype(np.float64)  # (m, 64, 64, 3) -> (12288, m), as the notes
    if not np.isfinite(flat).all():
        raise ValueError(f"{source}: {prefix}_x contains NaN or inf")
    if images.dtype.kind in "biu":
        if flat.min() < 0 or flat.max() > 255:
            raise ValueError(f"{source}: integer pixels must lie in 0..255; got {flat.min()}..{flat.max()}")
        flat = flat / 255.0
    elif flat.min() < 0 or flat.max() > 1:
        raise ValueError(f"{source}: float pixels must lie in [0, 1]; got {flat.min()}..{flat.max()}")
    Y, out, classes = targets_from_labels(labels, output, f"{source}: {prefix}_y")
    if names is not None and classes is not None and len(names) == len(classes) and classes == tuple(range(len(classes))):
        # The notes' files name the classes (b'non-cat', b'cat') for labels 0, 1.
        classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in names)
    return flat, Y, out, classes


_FILE_LOADERS = {".npz": _load_npz, ".csv": _load_csv, ".h5": _load_h5, ".hdf5": _load_h5}


def load_dataset(name_or_path, *, label_column: str | None = None, output: str | None = None) -> Dataset:
    """A built-in name (``BUILTIN_DATASETS``) or a path to an ``.npz``, ``.csv`` or ``.h5``
    file -> ``Dataset`` with ``X: (n_x, m)`` float64 and ``Y`` in the contract's layout.

    label_column: the CSV column holding the labels (default: the last column).
    output: ``sigmoid``, ``softmax`` or ``linear`` to override the label rule (module
        docstring); ``None`` infers it. Built-in sets take no override.
    """
    if isinstance(name_or_path, bytes) or not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"name_or_path must be a built-in name or a file path, got {name_or_path!r}")
    output = _check_output(output)
    if isinstance(name_or_path, str) and name_or_path in BUILTIN_DATASETS:
        if label_column is not None or output is not None:
            raise ValueError(f"the built-in data set {name_or_path!r} takes no label_column or output")
        return BUILTIN_DATASETS[name_or_path]()
    path = Path(name_or_path)
    suffix = path.suffix.lower()
    if suffix not in _FILE_LOADERS:
        if isinstance(name_or_path, str) and not suffix and os.sep not in name_or_path and not path.exists():
            raise ValueError(
                f"unknown built-in data set {name_or_path!r}; built-ins: {', '.join(BUILTIN_DATASETS)} "
                f"(or give a path to a {', '.join(FILE_EXTENSIONS)} file)"
            )
        raise ValueError(
            f"{str(path)!r}: unknown file extension {suffix or '(none)'!r}; expected one of {', '.join(FILE_EXTENSIONS)}"
        )
    if not path.is_file():
        raise ValueError(f"data file {str(path)!r} does not exist (or is not a file)")
    X, Y, out, classes = _FILE_LOADERS[suffix](path, label_column, output)
    return Dataset(path.name, X, Y, out, classes, f"loaded from {path}")
