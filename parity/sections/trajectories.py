"""Training trajectories: every training case, full-batch, mini-batch and stochastic, trained
on the backend and on the reference from the same start; every cost and the final parameters
within tolerance."""

from __future__ import annotations

from functools import partial

from ..cases import case_features, training_cases
from ..runner import Planned, Runner, Section
from ..verdicts import compare_trajectory

__all__ = ["TRAJECTORIES"]

_MODES = (("full-batch", None), ("mini-batch", 6), ("stochastic", 1))


def _checks(runner: Runner):
    epochs = 6 if runner.quick else 20
    for case in training_cases():
        for mode, batch_size in _MODES:
            if case.model == "logistic" and batch_size is not None:
                continue
            for dtype in runner.dtypes:
                for device in runner.devices:
                    needs = {**case_features(case, dtype, device), "function": "train"}
                    if batch_size is not None:
                        needs["training"] = "batch_size"
                    name = f"{case.name} {mode}"
                    yield Planned("trajectory", name, "costs", dtype, device, needs,
                                  partial(compare_trajectory, runner, case, batch_size, dtype, device, name,
                                          2 if batch_size == 1 else epochs))


TRAJECTORIES = Section("trajectories", _checks, needs={"function": "train"})
