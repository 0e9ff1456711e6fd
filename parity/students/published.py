"""The course's published run of the application notebook, checked on a student's models.

Course 1, week 4, "Deep Neural Network for Image Classification: Application" trains its two
graded models on the cat pictures of ``datasets/train_catvnoncat.h5`` and
``datasets/test_catvnoncat.h5`` and prints the costs and the accuracies they reach (``PUBLISHED``).
Where those two files lie next to the student's notebook, ``published_checks`` calls the
student's ``two_layer_model`` / ``L_layer_model`` in the student's process on that data with the
course's arguments, compares each recorded cost with the published one, and, after the full
2500 iterations, the train and test accuracies of the returned parameters (predicted here,
through the reference's forward pass, never the student's ``predict``).

    paths = find_cat_data(Path(notebook).parent)          # CatPaths(train, test) or None
    rows = published_checks(box, detection.graded, Path(notebook).parent)   # grade's ROW_COLUMNS
    rows = published_run(notebook, detection.graded)      # the same, in a sandbox of its own

The course's 2500 iterations are long for a sandbox: a student's models written with the
course's helpers took 57 s (two_layer_model) and 86 s (L_layer_model) of one BLAS thread, as
the sandbox runs them, on a shared 2-core machine. The sandbox's time limit covers every call
of its process together, so these runs want a sandbox of their own (``published_run``, with
``PUBLISHED_TIMEOUT``), started only where the data is there to run on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..tolerance import tolerance
from .graded import signatures_of
from .sandbox import Sandbox, reference_course

__all__ = ["PublishedRun", "PUBLISHED", "CatPaths", "CatData", "PUBLISHED_CHECK", "PUBLISHED_TIMEOUT",
           "COST_TOLERANCE", "find_cat_data", "load_cat_data", "published_checks", "published_run"]

PUBLISHED_CHECK = "published run"
# Four times the two models' 143 s together (module docstring): a slower machine still finishes.
PUBLISHED_TIMEOUT = 600.0
_TRAIN, _TEST = "train_catvnoncat.h5", "test_catvnoncat.h5"
_COST_EVERY = 100  # the course appends the cost of iterations 0, 100, 200, ... to costs

# The published costs are printed from float64 runs. Public copies of the notebook, run on other
# machines (other BLAS builds, other summation orders), print the same costs within 5 ulp, 5e-16
# relative, even after 2400 iterations (two_layer_model's 0.048554785628770206, ...226, ...19;
# L_layer_model's 0.09287821526472398, ...397, ...395), and the reference reproduces each value
# here within 3 ulp. The contract's bound on float64 training trajectories (1e-10) leaves five
# orders of magnitude for a student's other summation order (np.sum against np.dot for the
# cost, a threaded BLAS), while one update too many or too few moves a cost by 1e-4 relative.
COST_TOLERANCE = tolerance("float64").grad


@dataclass(frozen=True)
class PublishedRun:
    """One model's run as the course's notebook prints it.

    layers_dims, learning_rate, num_iterations: the notebook's call. costs: iteration -> the
    cost printed for it (the cost before that iteration's update, kept in ``costs[i // 100]``).
    printed_last: the last iteration's cost, which the later notebook prints but does not
    keep in ``costs`` (recorded, not compared). train_accuracy, test_accuracy: as printed by
    the course's ``predict`` (a sum of 1/m terms, so 1.0 prints as 0.9999999999999998).
    """

    layers_dims: tuple[int, ...]
    learning_rate: float
    num_iterations: int
    costs: dict[int, float]
    printed_last: dict[int, float]
    train_accuracy: float
    test_accuracy: float


# From the course's notebook "Deep Neural Network for Image Classification: Application"
# (course 1, week 4): its "Expected Output" tables, and the digits its cells print in public
# copies of it. The earlier version (returning the parameters alone) tabulates iterations 0, 100
# and 2400; the later one ("Deep Neural Network - Application", returning (parameters, costs))
# tabulates 0, 100 and 2499, the last iteration, which its loop prints whatever print_cost says
# but does not keep in costs. two_layer_model's tables give all the digits; L_layer_model's give
# six (0.771749, 0.672053, 0.092878, 0.088439), so its digits are the printed ones (copies of
# 2400 print ...398, ...397, ...395: the one here is also the reference's). Each value was
# reproduced by the reference on the course's files (within 3 ulp; see COST_TOLERANCE).
PUBLISHED: dict[str, PublishedRun] = {
    "two_layer_model": PublishedRun(
        layers_dims=(12288, 7, 1), learning_rate=0.0075, num_iterations=2500,
        costs={0: 0.6930497356599888, 100: 0.6464320953428849, 2400: 0.048554785628770206},
        printed_last={2499: 0.04421498215868956}, train_accuracy=1.0, test_accuracy=0.72),
    "L_layer_model": PublishedRun(
        layers_dims=(12288, 20, 7, 5, 1), learning_rate=0.0075, num_iterations=2500,
        costs={0: 0.7717493284237686, 100: 0.6720534400822914, 2400: 0.09287821526472397},
        printed_last={2499: 0.08843994344170202}, train_accuracy=0.9856459330143539, test_accuracy=0.8),
}


class CatPaths(NamedTuple):
    train: Path
    test: Path


class CatData(NamedTuple):
    """train_x: (12288, 209), train_y: (1, 209), test_x: (12288, 50), test_y: (1, 50), as the
    course's ``load_data`` and its flattening give them (x / 255. in float64, the labels as
    stored); classes: ``list_classes`` (``[b'non-cat', b'cat']``)."""

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    classes: np.ndarray


def _places(folder: Path) -> list[Path]:
    return [folder / "datasets", folder]


def find_cat_data(folder: Path | str) -> CatPaths | None:
    """The course's ``datasets/train_catvnoncat.h5`` and ``datasets/test_catvnoncat.h5`` in
    ``folder`` (the notebook's folder), or the two directly in it; None where neither place
    holds both."""
    folder = Path(folder)
    for place in _places(folder):
        train, test = place / _TRAIN, place / _TEST
        if train.is_file() and test.is_file():
            return CatPaths(train, test)
    return None


def _read(h5py, path: Path, prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"{path}: not a readable HDF5 file ({exc})") from exc
    with handle:
        missing = [k for k in (f"{prefix}_x", f"{prefix}_y") if k not in handle]
        if missing:
            raise ValueError(f"{path}: the course's file holds {prefix}_x and {prefix}_y; missing {missing}, "
                             f"found {sorted(handle.keys())}")
        x, y = np.array(handle[f"{prefix}_x"][:]), np.array(handle[f"{prefix}_y"][:])
        classes = np.array(handle["list_classes"][:]) if "list_classes" in handle else None
    if x.dtype.kind not in "biuf" or x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{path}: {prefix}_x must be (m, 64, 64, 3) numbers, got {x.dtype} {x.shape}")
    if y.size != x.shape[0] or y.dtype.kind not in "biuf":
        raise ValueError(f"{path}: {prefix}_y must be ({x.shape[0]},) labels, got {y.dtype} {y.shape}")
    return x, y, classes


def load_cat_data(paths: CatPaths) -> CatData:
    """The course's ``load_data()`` then ``x.reshape(m, -1).T / 255.``: X (12288, m) float64,
    Y (1, m) as stored. Raises ImportError where h5py is missing (``pip install
    'nn-parity[hdf5]'``), ValueError naming the file where it is not in the course's layout."""
    try:
        import h5py  # the optional extra "hdf5": needed only where a notebook's folder holds the data
    except ImportError as exc:
        raise ImportError("reading the course's cat data needs h5py, which is not installed: "
                          "pip install 'nn-parity[hdf5]'") from exc
    train_x, train_y, classes = _read(h5py, Path(paths.train), "train_set")
    test_x, test_y, _ = _read(h5py, Path(paths.test), "test_set")
    flat = [x.reshape(x.shape[0], -1).T / 255. for x in (train_x, test_x)]
    if flat[0].shape[0] != flat[1].shape[0]:
        raise ValueError(f"{paths.test}: test images have {flat[1].shape[0]} values each, the train images "
                         f"{flat[0].shape[0]}")
    return CatData(flat[0], train_y.reshape(1, -1), flat[1], test_y.reshape(1, -1),
                   classes if classes is not None else np.array([b"non-cat", b"cat"]))


def _row(case: str, quantity: str, status: str, detail: str, theirs: str, error=None, tol=None) -> dict:
    """A row in ``grade.ROW_COLUMNS``' shape (that module imports this one: the shape is written here)."""
    return {"check": PUBLISHED_CHECK, "case": case, "quantity": quantity, "dtype": "float64", "device": "cpu",
            "status": status, "error": error, "tolerance": tol, "detail": detail, "function": theirs, "cause": ""}


def _number(value) -> float | None:
    array = np.asarray(value)
    return float(array.reshape(-1)[0]) if array.dtype.kind in "iuf" and array.size == 1 else None


def _split(value) -> tuple[dict | None, list | None, str]:
    """(parameters, costs or None, why not) from the two forms the course's models return."""
    if isinstance(value, dict):
        return value, None, ""
    if isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], dict) \
            and isinstance(value[1], (tuple, list)):
        return value[0], list(value[1]), ""
    return None, None, (f"returned {type(value).__name__} {value!r:.80}; the course's models return "
                        f"(parameters, costs), or the parameters alone in its earlier version")


def _constant(costs: list) -> bool:
    numbers = [_number(c) for c in costs]
    return len(numbers) > 1 and None not in numbers and len(set(numbers)) == 1


def _cost_rows(case: str, theirs: str, costs: list, run: PublishedRun, iterations: int, hint: str = "") -> list[dict]:
    """A row per published cost; ``hint`` (what may explain a miss after iteration 0) joins
    each failing one."""
    rows = []
    for iteration, published in sorted(run.costs.items()):
        if iteration >= iterations:
            continue
        quantity, k = f"cost after iteration {iteration}", iteration // _COST_EVERY
        if k >= len(costs):
            rows.append(_row(case, quantity, "failed", f"costs has {len(costs)} entries; the course keeps one "
                             f"every {_COST_EVERY} iterations, iteration {iteration} in costs[{k}]", theirs))
            continue
        value = _number(costs[k])
        if value is None:
            rows.append(_row(case, quantity, "failed", f"costs[{k}] is {costs[k]!r:.60}, not a number", theirs))
            continue
        error = abs(value - published) / abs(published)
        status = "passed" if error <= COST_TOLERANCE else "failed"
        detail = "" if status == "passed" else (
            f"cost after iteration {iteration} (costs[{k}]) = {value!r}, the course's published {published!r} "
            f"(relative error {error:.3g})" + (f"; costs has one entry per iteration, the course's one every "
                                               f"{_COST_EVERY}" if len(costs) == iterations > 1 else "")
            + (hint if iteration > 0 else "")
            + ("; the costs never change: the parameters are never updated?" if _constant(costs) else ""))
        rows.append(_row(case, quantity, status, detail, theirs, error, COST_TOLERANCE))
    return rows


def _accuracy_rows(case: str, theirs: str, parameters: dict, data: CatData, run: PublishedRun) -> list[dict]:
    forward = reference_course().L_model_forward
    rows = []
    for name, X, Y, published in (("train", data.train_x, data.train_y, run.train_accuracy),
                                  ("test", data.test_x, data.test_y, run.test_accuracy)):
        quantity = f"{name} accuracy"
        try:
            AL, _ = forward(X, parameters)
        except (ValueError, TypeError) as exc:
            rows.append(_row(case, quantity, "failed", f"the returned parameters do not make a network of the "
                             f"course's layout on the {name} set: {exc}", theirs))
            continue
        m = X.shape[1]
        correct = int(np.sum((AL > 0.5) == (Y == 1)))
        expected = round(published * m)  # the published accuracy as a count: predictions are 0/1
        status = "passed" if correct == expected else "failed"
        detail = "" if status == "passed" else (f"{name} accuracy {correct}/{m} = {correct / m:.6g}, the course's "
                                                f"published {published!r} ({expected}/{m})")
        rows.append(_row(case, quantity, status, detail, theirs, abs(correct - expected) / m, 0.0))
    return rows


def _one_model(box, name: str, theirs: str, data: CatData, run: PublishedRun, iterations: int) -> list[dict]:
    case = f"{name} on the course's cat data, {iterations} of {run.num_iterations} iterations"
    layers_dims = list(run.layers_dims) if name == "L_layer_model" else tuple(run.layers_dims)  # as the course
    # As the course's training cell calls it: the learning rate is the student's default, which
    # the course's run takes (the published costs are those of its 0.0075).
    call = box.call(theirs, data.train_x, data.train_y, layers_dims, num_iterations=iterations, print_cost=False)
    signature = signatures_of(box.loaded.source).get(theirs)
    rate = signature.defaults.get("learning_rate") if signature is not None else None
    hint = "" if rate is None or rate == run.learning_rate else (
        f"; your default learning_rate is {rate!r}, the course's {run.learning_rate!r} (its training cell "
        f"relies on the default)")
    if not call.verdict.ok:
        where = call.verdict.where()
        return [_row(case, "output", "error", call.verdict.message + (f" ({where})" if where else ""), theirs)]
    parameters, costs, why = _split(call.value)
    if parameters is None:
        return [_row(case, "output", "failed", why, theirs)]
    rows = _cost_rows(case, theirs, costs, run, iterations, hint) if costs is not None else [
        _row(case, "costs", "skipped", "costs not returned (the course's earlier form returns the parameters "
             "alone): only the accuracies are compared", theirs)]
    if iterations == run.num_iterations:
        rows += _accuracy_rows(case, theirs, parameters, data, run)
    else:
        rows.append(_row(case, "accuracy", "skipped", f"the accuracies are published after {run.num_iterations} "
                         f"iterations; this run had {iterations}", theirs))
    return rows


def _check_iterations(iterations) -> None:
    if iterations is not None and (isinstance(iterations, bool) or not isinstance(iterations, int)
                                   or iterations < 1):
        raise ValueError(f"iterations must be None (the course's 2500) or an int >= 1, got {iterations!r}")


def _models(graded, published) -> list[tuple[str, str]]:
    if not isinstance(graded, dict):
        raise TypeError(f"graded must be a dict of course name -> the student's name, got {type(graded).__name__}")
    return [(name, graded[name]) for name in published if name in graded]


def _data(models: list[tuple[str, str]], folder: Path) -> tuple[CatData | None, list[dict]]:
    """The cat data in ``folder``, or the one row that says why there is none to run on."""
    theirs = ", ".join(t for _, t in models)
    paths = find_cat_data(folder)
    if paths is None:
        looked = " and ".join(str(folder / "datasets" / f) for f in (_TRAIN, _TEST))
        return None, [_row("the course's cat data", "data", "skipped", f"the course's cat data is not next to the "
                           f"notebook: looked for {looked} (or the two directly in {folder})", theirs)]
    try:
        return load_cat_data(paths), []
    except ImportError as exc:
        return None, [_row("the course's cat data", "data", "note", f"{exc}; the published run was not checked",
                           theirs)]
    except ValueError as exc:
        return None, [_row("the course's cat data", "data", "skipped", f"the cat data could not be read: {exc}",
                           theirs)]


def _checks(box, models, data: CatData, iterations: int | None, published) -> list[dict]:
    rows = []
    for name, student in models:
        run = published[name]
        rows += _one_model(box, name, student, data, run, iterations or run.num_iterations)
    return rows


def published_checks(box, graded: dict[str, str], folder: Path | str, *, iterations: int | None = None,
                     published: dict[str, PublishedRun] = PUBLISHED) -> list[dict]:
    """Rows (grade's ``ROW_COLUMNS``) for each of the course's models in ``published`` that
    ``graded`` (course name -> the student's) maps, run in ``box`` (an open ``Sandbox``) on the
    cat data found in ``folder`` (the notebook's own folder; the student's process runs in a
    copy of it). ``iterations``: how many to run (None: the course's). Without data one
    ``skipped`` row names the paths looked for; without h5py one ``note`` row says so."""
    _check_iterations(iterations)
    models = _models(graded, published)
    if not models:
        return []
    data, rows = _data(models, Path(folder))
    return rows if data is None else _checks(box, models, data, iterations, published)


def published_run(path: Path | str, graded: dict[str, str], *, timeout: float = PUBLISHED_TIMEOUT,
                  iterations: int | None = None, published: dict[str, PublishedRun] = PUBLISHED,
                  **sandbox_options) -> list[dict]:
    """``published_checks`` for the notebook at ``path``, on the cat data next to it, in a
    sandbox of its own (``timeout``: the course's runs are long; ``sandbox_options`` as
    ``Sandbox``'s), started only where there is data to run on."""
    _check_iterations(iterations)
    models = _models(graded, published)
    if not models:
        return []
    data, rows = _data(models, Path(path).parent)
    if data is None:
        return rows
    with Sandbox(path, timeout=timeout, **sandbox_options) as box:
        return _checks(box, models, data, iterations, published)
