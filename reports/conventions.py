"""The comparison of conventions (CONTRACT.md, "Training methods"): for each course-2
optimizer and for L2, the course's formula, each framework's default, and the training
trajectory measured three ways on the same data, start and mini-batches:

* ``course``: the NumPy reference, the course's formulas by hand;
* ``configured to match``: the backend's ``deep.train(optimizer=..., lambd=...)``, its
  framework's optimizer configured to the course; it must agree with the course within the
  float64 bound (``parity.tolerance("float64").grad``), on every step's cost and on the final
  parameters, or the report fails;
* ``framework defaults``: the backend's ``train_with_framework_defaults`` hook, the
  framework's optimizer as its documentation has a user call it (torch's undamped momentum,
  optax's ε inside the square root, weight decay on the biases): the drift is shown step by
  step, never gated.

Everything goes through the backend protocol (``Backend.train``, ``Backend.hook``); a backend
that does not support an option, or declares no framework defaults, is skipped with the reason;
one that raises gets a failed row with the error (``error`` column), and the section goes on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nn_contract import ModelSpec, init_params, optim
from parity import BACKENDS, GRAD_SCALE_FLOOR, dict_relative_error, load_dataset, reference_backend, tolerance

from .errors import error_text

__all__ = ["ConventionCase", "convention_cases", "convention_names", "run_conventions", "conventions_summary",
           "formula_table", "CONVENTIONS_COLUMNS", "WAYS", "CONVENTIONS_SPEC_NOTE", "CONVENTION_EPOCHS",
           "QUICK_CONVENTIONS"]

WAYS = ("course", "configured to match", "framework defaults")
CONVENTIONS_COLUMNS = ("optimizer", "backend", "device", "way", "epoch", "step", "cost", "rel_diff_to_course", "learning_rate",
                       "batch_size", "lambd", "max_rel_diff", "final_params_rel_diff", "bound", "passed", "error")
# The notes' planar model on the notes' flower data, in mini-batches of 64 (course 2's size).
BATCH_SIZE = 64
SEED = 0
CONVENTIONS_SPEC_NOTE = ("the notes' planar model (2, 4, 1), tanh hidden units, sigmoid output, on the flower data "
                         f"(400 examples), Xavier start (seed {SEED}), float64, mini-batches of {BATCH_SIZE} in "
                         "the contract's order (epoch e shuffled by RandomState(seed + e))")
# Epochs of the report's runs (7 mini-batches of 64 each), full and quick, and the cases a quick
# report keeps: those where a framework's default differs from the course (each JAX
# configuration compiles once, about half a second).
CONVENTION_EPOCHS = {False: 30, True: 2}
QUICK_CONVENTIONS = ("Momentum", "RMSprop")


@dataclass(frozen=True)
class ConventionCase:
    """One row of the comparison: ``name`` (``GD``, ``Momentum``, ``RMSprop``, ``Adam`` or
    ``L2``), the contract's optimizer description, the learning rate α and the L2 strength λ."""

    name: str
    optimizer: object
    learning_rate: float
    lambd: float = 0.0

    @property
    def options(self) -> dict:
        """The keyword options of ``deep.train`` this case sets."""
        return {"optimizer": self.optimizer, "lambd": self.lambd}

    def features(self) -> dict:
        """What a backend must support to be configured to match (``Backend.unsupported``)."""
        training = ("optimizer", "lambd") if self.lambd else ("optimizer",)
        return {"model": "deep", "dtype": "float64", "activation": "tanh", "output": "sigmoid",
                "training": training, "optimizer": type(self.optimizer).__name__}


def convention_cases() -> tuple[ConventionCase, ...]:
    """The five cases: each optimizer with the contract's default hyperparameters, and L2 with
    plain gradient descent. α: 0.3 for the gradient steps, 0.01 for the normalised ones
    (RMSprop and Adam move each weight by about α per step, whatever the gradient's size)."""
    return (
        ConventionCase("GD", optim.GD(), 0.3),
        ConventionCase("Momentum", optim.Momentum(beta=0.9), 0.3),
        ConventionCase("RMSprop", optim.RMSprop(beta=0.9, epsilon=1e-8), 0.01),
        ConventionCase("Adam", optim.Adam(beta1=0.9, beta2=0.999, epsilon=1e-8), 0.01),
        ConventionCase("L2", optim.GD(), 0.3, lambd=0.7),
    )


def convention_names(quick: bool) -> tuple[str, ...]:
    """The cases a report runs: all of them, or ``QUICK_CONVENTIONS`` with ``quick``."""
    names = tuple(c.name for c in convention_cases())
    return tuple(n for n in names if n in QUICK_CONVENTIONS) if quick else names


def _rel_diff(costs: np.ndarray, course: np.ndarray) -> np.ndarray:
    """|J - J_course| / |J_course| for each of ``costs``' steps (inf past the course's last)."""
    out = np.full(len(costs), np.inf)
    n = min(len(costs), len(course))
    out[:n] = np.abs(costs[:n] - course[:n]) / np.maximum(np.abs(course[:n]), np.finfo(np.float64).tiny)
    return out


def _worst(costs: np.ndarray, course: np.ndarray) -> float:
    """The largest step difference; inf where the trajectory has another number of steps."""
    if len(costs) != len(course) or not np.isfinite(costs).all():
        return float("inf")
    return float(np.max(_rel_diff(costs, course), initial=0.0))


def _frame(case: ConventionCase, backend: str, device: str, way: str, costs, course, batch_size: int, m: int, *,
           max_rel_diff=np.nan, final_rel=np.nan, bound=np.nan, passed=None, error="") -> pd.DataFrame:
    """The trajectory's rows; a run that raised is one row without step or cost (``error``)."""
    costs = np.asarray(costs, dtype=np.float64).reshape(-1)
    diff = np.zeros(len(costs)) if course is None else _rel_diff(costs, course)
    steps = np.arange(1, len(costs) + 1)
    epoch = np.arange(len(costs)) // math.ceil(m / batch_size)
    if error:
        costs, diff, steps, epoch = [np.nan], [np.nan], [np.nan], [np.nan]
    return pd.DataFrame({
        "optimizer": case.name, "backend": backend, "device": device, "way": way, "epoch": epoch, "step": steps,
        "cost": costs, "rel_diff_to_course": diff, "learning_rate": case.learning_rate, "batch_size": batch_size,
        "lambd": case.lambd, "max_rel_diff": max_rel_diff, "final_params_rel_diff": final_rel, "bound": bound,
        "passed": passed, "error": error,
    })


def _formulas(backends) -> dict[str, dict[str, str]]:
    """Each backend's ``conventions`` hook ({} where it has none, or where it raised)."""
    formulas: dict[str, dict[str, str]] = {}
    for backend in backends:
        conventions = backend.hook("conventions")
        try:
            formulas[backend.name] = dict(conventions()) if conventions else {}
        except Exception as exc:  # noqa: BLE001 - a hook that raises says so in the formula table
            formulas[backend.name] = {c.name: f"conventions() raised {error_text(exc)}" for c in convention_cases()}
    return formulas


@dataclass(frozen=True)
class _Run:
    """One case's runs against its course trajectory (``course``: one cost per step)."""

    case: ConventionCase
    X: np.ndarray
    Y: np.ndarray
    spec: ModelSpec
    start: dict
    hyper: dict
    course: np.ndarray
    course_params: dict
    batch_size: int
    bound: float
    device: str

    def _measure(self, way: str, backend: str, train, gated: bool) -> pd.DataFrame:
        m = self.X.shape[1]
        try:
            params, costs = train()
        except Exception as exc:  # noqa: BLE001 - a backend that raises fails its row
            return _frame(self.case, backend, self.device, way, [], self.course, self.batch_size, m,
                          bound=self.bound if gated else np.nan, passed=False if gated else None,
                          error=error_text(exc))
        costs = np.asarray(costs, dtype=np.float64)
        worst = _worst(costs, self.course)
        final = dict_relative_error(params, self.course_params, GRAD_SCALE_FLOOR)
        if not gated:
            return _frame(self.case, backend, self.device, way, costs, self.course, self.batch_size, m,
                          max_rel_diff=worst, final_rel=final)
        # The same bound as parity: a configured framework is the course, up to rounding.
        passed = bool(worst <= self.bound and final <= self.bound)
        return _frame(self.case, backend, self.device, way, costs, self.course, self.batch_size, m,
                      max_rel_diff=worst, final_rel=final, bound=self.bound, passed=passed)

    def configured(self, backend) -> pd.DataFrame:
        """The backend's ``deep.train`` with the case's options: gated at the bound."""
        c = self.case
        return self._measure("configured to match", backend.name, lambda: backend.train(
            "deep", self.start, self.X, self.Y, self.spec, self.device, learning_rate=c.learning_rate,
            **self.hyper, **c.options), gated=True)

    def defaults(self, backend: str, train_with_defaults) -> pd.DataFrame:
        """The framework's optimizer with its own convention: shown, not gated."""
        c = self.case
        return self._measure("framework defaults", backend, lambda: train_with_defaults(
            self.start, self.X, self.Y, self.spec, c.optimizer, learning_rate=c.learning_rate, **self.hyper,
            lambd=c.lambd, device=self.device), gated=False)


def run_conventions(epochs: int, progress=None, only=None,
                    device: str = "cpu") -> tuple[pd.DataFrame, list[dict], dict[str, dict[str, str]]]:
    """Train every case (or the cases named in ``only``) three ways on every usable backend;
    ``epochs`` passes over the 400 examples (7 mini-batches each). ``progress``: a tqdm bar,
    advanced once per case. ``device``: where the frameworks run (the reference runs on the
    CPU); a backend that cannot use it is skipped with the reason.

    Returns (trajectories with ``CONVENTIONS_COLUMNS``, one row per step; the skips as
    ``{"backend", "optimizer", "way", "reason"}``; each backend's formulas from its
    ``conventions`` hook, ``{backend: {case name: formula}}``).
    """
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    if not isinstance(device, str):
        raise TypeError(f"device must be a device name (str), got {device!r}")
    flower = load_dataset("flower")
    X, Y = flower.X.astype(np.float64), flower.Y.astype(np.float64)
    spec = ModelSpec((X.shape[0], 4, Y.shape[0]), "tanh", "sigmoid")
    start = init_params(spec, SEED, "xavier", dtype="float64")
    m = X.shape[1]
    batch_size = min(BATCH_SIZE, m)
    bound = tolerance("float64").grad
    reference = reference_backend()
    others = [b for b in BACKENDS.values() if b.name != reference.name and b.available()]
    hyper = {"num_epochs": int(epochs), "batch_size": batch_size, "seed": SEED}

    formulas = _formulas([reference, *others])
    cases = [c for c in convention_cases() if only is None or c.name in only]
    if not cases:
        raise ValueError(f"only names no case; the cases are {', '.join(c.name for c in convention_cases())}")
    frames, skipped = [], []
    for case in cases:
        if progress is not None:
            progress.set_description(f"conventions {case.name}")
        try:
            course_params, course = reference.train("deep", start, X, Y, spec, "cpu",
                                                    learning_rate=case.learning_rate, **hyper, **case.options)
        except Exception as exc:  # noqa: BLE001 - without the course there is nothing to compare this case with
            frames.append(_frame(case, reference.name, "cpu", "course", [], None, batch_size, m,
                                 error=error_text(exc)))
            continue
        course = np.asarray(course, dtype=np.float64)
        frames.append(_frame(case, reference.name, "cpu", "course", course, None, batch_size, m))
        run = _Run(case, X, Y, spec, start, hyper, course, course_params, batch_size, bound, device)
        for backend in others:
            reason = backend.unsupported(**case.features(), device=device)
            defaults = backend.hook("train_with_framework_defaults")
            if reason:
                skipped.append({"backend": backend.name, "optimizer": case.name, "way": "configured to match",
                                "reason": reason})
            else:
                frames.append(run.configured(backend))
            if defaults is None or reason:
                skipped.append({"backend": backend.name, "optimizer": case.name, "way": "framework defaults",
                                "reason": reason or f"{backend.name} declares no train_with_framework_defaults"})
            else:
                frames.append(run.defaults(backend.name, defaults))
        if progress is not None:
            progress.update(1)
    table = pd.concat(frames, ignore_index=True)[list(CONVENTIONS_COLUMNS)]
    return table, skipped, formulas


def conventions_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per optimizer × backend × way: steps, final cost, the largest relative
    difference of the cost to the course's over all steps, the first step where it exceeds
    the float64 bound, the final parameters' difference, pass/fail (configured only) and the
    error of a run that raised."""
    bound = tolerance("float64").grad
    rows = []
    for (name, backend, device, way), g in table.groupby(["optimizer", "backend", "device", "way"], sort=False):
        diff = g["rel_diff_to_course"].to_numpy(dtype=float)
        gate = way == "configured to match"
        beyond = np.flatnonzero(diff > bound)
        rows.append({
            "optimizer": name, "backend": backend, "device": device, "way": way,
            "steps": int(g["step"].notna().sum()), "final_cost": g["cost"].iloc[-1],
            "max_rel_diff_to_course": float(np.max(diff, initial=0.0)) if way != "course" else np.nan,
            "first_step_beyond_bound": str(int(g["step"].iloc[beyond[0]])) if len(beyond) and way != "course" else "",
            "final_params_rel_diff": g["final_params_rel_diff"].iloc[0] if way != "course" else np.nan,
            "passed": (bool(g["passed"].iloc[0]) if gate else None),
            "error": _first_error(g),
        })
    out = pd.DataFrame(rows)
    out["passed"] = out["passed"].map({True: "pass", False: "FAIL"}).fillna("")
    return out


def _first_error(rows: pd.DataFrame) -> str:
    """The error of a trajectory's rows ("" where it ran; a CSV read back gives NaN)."""
    if "error" not in rows:
        return ""
    errors = [str(e) for e in rows["error"] if isinstance(e, str) and e]
    return errors[0] if errors else ""


def formula_table(formulas: dict[str, dict[str, str]], reference: str) -> pd.DataFrame:
    """One row per case: the course's formula (the reference's ``conventions``), then each
    framework's default (its ``conventions`` hook; "declares none" where it has no hook)."""
    names = [c.name for c in convention_cases()]
    rows = []
    for name in names:
        row = {"optimizer": name, "course": formulas.get(reference, {}).get(name, "")}
        for backend, table in formulas.items():
            if backend != reference:
                row[f"{backend} default"] = table.get(name, "declares none") if table else "declares no conventions"
        rows.append(row)
    return pd.DataFrame(rows)
