"""The file loaders (``.npz``, ``.csv``, ``.h5``; ``parity.data``'s "Files"): each gives X and the
raw labels, and ``load_dataset`` turns those into targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .dataset import Source

__all__ = ["FILE_EXTENSIONS", "FILE_LOADERS"]

FILE_EXTENSIONS = (".npz", ".csv", ".h5", ".hdf5")


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


def _load_npz(path: Path, label_column) -> tuple[Source, str]:
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
    m_y = Y.shape[-1] if Y.ndim in (1, 2) else None
    if m_y != m:
        hint = ""
        if Y.ndim in (1, 2) and X.shape[0] == Y.shape[-1]:
            hint = "; X looks like (m, n_x): store it as (n_x, m), one column per example"
        raise ValueError(
            f"{source}: Y must be (m,) labels or (n_y, m) targets with m = {m} (X's columns); "
            f"got X {X.shape}, Y {Y.shape}{hint}"
        )
    return Source(X, Y, None, f"loaded from {path}"), f"{source}: Y"


def _load_csv(path: Path, label_column) -> tuple[Source, str]:
    import pandas as pd  # lazy: pandas loads only for a CSV file

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
    description = f"loaded from {path}, labels from column {label!r}"
    return Source(X, frame[label].to_numpy(), None, description), f"{source}: label column {label!r}"


def _looks_numeric(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True


def _load_h5(path: Path, label_column) -> tuple[Source, str]:
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
        names = tuple(np.asarray(handle["list_classes"][()]).ravel()) if "list_classes" in handle else None
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
    # The notes' files name the classes (b'non-cat', b'cat') for labels 0, 1.
    return Source(flat, labels, names, f"loaded from {path}"), f"{source}: {prefix}_y"


FILE_LOADERS = {".npz": _load_npz, ".csv": _load_csv, ".h5": _load_h5, ".hdf5": _load_h5}
