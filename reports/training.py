"""The report's training section: GD, momentum and Adam, each with and without learning-rate
decay, on every (backend, device) that supports them, per dtype, from the same start; each
curve against the NumPy reference's for the same method and dtype.

A backend whose ``train`` raises gets one failed row (no step, no cost, the ``error``), and
the section goes on.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nn_contract import init_params, optim
from parity import reference_backend

from .dataset import ReportData
from .errors import error_text

__all__ = ["TRAINING_COLUMNS", "ADAM_LEARNING_RATE", "training_methods", "training_steps", "run_training"]

TRAINING_COLUMNS = ("model", "case", "method", "backend", "device", "dtype", "batch_size", "learning_rate", "step",
                    "cost", "rel_diff_to_reference", "error")
# Adam's initial learning rate in the training section (see ``training_methods``).
ADAM_LEARNING_RATE = 0.01
# Update steps of a run: full report, quick report.
_STEPS = {False: 300, True: 40}


def training_steps(quick: bool) -> int:
    """Update steps per training run (about: whole epochs are run)."""
    return _STEPS[bool(quick)]


def training_methods(steps: int, per_epoch: int, learning_rate: float) -> list[dict]:
    """The training section's methods: GD, momentum and Adam, each with and without
    learning-rate decay. Each: ``method`` (its name in tables), ``options`` (the keyword options
    of ``deep.train`` beyond course 1; none for plain GD, so that a backend without options
    still runs it), ``features`` (what ``Backend.unsupported`` must allow) and the initial α.

    Decay: α0 / (1 + ⌊e / time_interval⌋), time_interval a quarter of the run's epochs, so
    the run ends at about α0 / 4. Adam starts at 0.01 (it moves each weight by about α per
    step, whatever the gradient's size); GD and momentum at the data's rate.
    """
    epochs = max(1, math.ceil(steps / per_epoch))
    decay = {"decay_rate": 1.0, "time_interval": max(1, epochs // 4)}
    out = []
    for name, optimizer, lr in (("GD", None, learning_rate), ("Momentum", optim.Momentum(beta=0.9), learning_rate),
                                ("Adam", optim.Adam(), ADAM_LEARNING_RATE)):
        base = {} if optimizer is None else {"optimizer": optimizer}
        training = () if optimizer is None else ("optimizer",)
        for decayed in (False, True):
            options = {**base, **decay} if decayed else dict(base)
            features = {"training": training + (("decay_rate",) if decayed else ())}
            if optimizer is not None:
                features["optimizer"] = name
            out.append({"method": name + (" + decay" if decayed else ""), "options": options,
                        "features": features, "learning_rate": lr})
    return out


def _frame(data: ReportData, method: dict, backend: str, device: str, dtype: str, batch_size: int, costs,
           diff, error: str = "") -> pd.DataFrame:
    return pd.DataFrame({
        "model": "deep", "case": f"{data.name} {data.spec.layer_dims}", "method": method["method"],
        "backend": backend, "device": device, "dtype": dtype, "batch_size": batch_size,
        "learning_rate": method["learning_rate"], "step": np.arange(1, len(costs) + 1) if len(costs) else [np.nan],
        "cost": costs if len(costs) else [np.nan], "rel_diff_to_reference": diff if len(costs) else [np.nan],
        "error": error,
    })


def _relative(costs: np.ndarray, curve: np.ndarray | None) -> np.ndarray:
    """|J - J_ref| / |J_ref| per step; NaN without a reference curve or past its end."""
    out = np.full(len(costs), np.nan)
    if curve is not None:
        n = min(len(costs), len(curve))
        out[:n] = np.abs(costs[:n] - curve[:n]) / np.maximum(np.abs(curve[:n]), np.finfo(np.float64).tiny)
    return out


def run_training(data: ReportData, steps: int, pairs, dtypes, progress=None) -> tuple[pd.DataFrame, list[dict]]:
    """Every method of ``training_methods`` on every (backend, device) of ``pairs`` that
    supports it, per dtype. Returns (the rows of ``training.csv``, ``TRAINING_COLUMNS``; the
    skips ``{backend, device, method, reason}``); ``progress`` advances once per method."""
    m = data.X.shape[1]
    batch_size = None if m <= 2048 else 256
    per_epoch = 1 if batch_size is None else math.ceil(m / batch_size)
    epochs = max(1, math.ceil(steps / per_epoch))
    # The NumPy reference always runs (on the CPU): the other curves are measured against it.
    reference = reference_backend()
    pairs = [(reference, "cpu")] + [(b, d) for b, d in pairs if b.name != reference.name]
    frames, skipped = [], []
    # What every method needs of the data's network, beside its own options.
    network = {"activation": tuple(dict.fromkeys(data.spec.activations[:-1])), "output": data.spec.output,
               "loss": data.spec.loss}
    batches = () if batch_size is None else ("batch_size",)
    if progress is not None:
        progress.set_description("training")
    for method in training_methods(steps, per_epoch, data.learning_rate):
        for dtype in dtypes:
            X, Y = data.X.astype(dtype), data.Y.astype(dtype)
            curve = None
            for backend, device in pairs:
                features = {**network, **method["features"]}
                features["training"] = batches + tuple(features.get("training", ()))
                reason = backend.unsupported(model="deep", dtype=dtype, **features)
                if reason:
                    if dtype == dtypes[0]:
                        skipped.append({"backend": backend.name, "device": device, "method": method["method"],
                                        "reason": reason})
                    continue
                try:
                    _, costs = backend.train("deep", init_params(data.spec, 0, "xavier", dtype=dtype), X, Y,
                                             data.spec, device, learning_rate=method["learning_rate"],
                                             num_epochs=epochs, batch_size=batch_size, seed=0, **method["options"])
                    costs = np.asarray(costs, dtype=np.float64).reshape(-1)
                except Exception as exc:  # noqa: BLE001 - a backend that raises fails its row
                    frames.append(_frame(data, method, backend.name, device, dtype, batch_size or m, [], [],
                                         error_text(exc)))
                    continue
                if backend.name == reference.name:
                    curve = costs
                frames.append(_frame(data, method, backend.name, device, dtype, batch_size or m, costs,
                                     _relative(costs, curve)))
        if progress is not None:
            progress.update(1)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(TRAINING_COLUMNS))
    return table[list(TRAINING_COLUMNS)], skipped
