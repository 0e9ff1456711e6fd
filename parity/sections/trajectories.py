"""Training trajectories: every training case, full-batch, mini-batch and stochastic, trained
on the backend and on the reference from the same start; every cost and the final parameters
within tolerance."""

from __future__ import annotations

from functools import partial

from ..cases import case_features, training_cases
from ..runner import Planned, Runner, Section
from ..verdicts import compare_trajectory

__all__ = ["TRAJECTORIES", "trajectory_section"]

_MODES = (("full-batch", None), ("mini-batch", 6), ("stochastic", 1))


def _checks(runner: Runner, cases=None, modes=_MODES):
    epochs = 6 if runner.quick else 20
    for case in training_cases() if cases is None else cases:
        for mode, batch_size in modes:
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


def trajectory_section(name: str, cases, modes=_MODES) -> Section:
    """The trajectories of ``cases`` (``Case`` objects) in ``modes`` ((name, batch_size) pairs)."""
    return Section(name, partial(_checks, cases=tuple(cases), modes=tuple(modes)), needs={"function": "train"})


TRAJECTORIES = Section("trajectories", _checks, needs={"function": "train"})
