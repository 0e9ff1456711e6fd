"""Data parallel (CONTRACT.md, "Data parallel"): ``deep.train(..., world_size=k)`` for k = 1, 2, 3
equals one device.

Each case trains one network (nonzero biases) on m = 209 examples, in mini-batches of 64 (the
last of each epoch 17) or in one full batch, with GD, Adam, or L2 and dropout. Over 2 workers
the batches of 64 split evenly (32/32) and the 17 does not (9/8); over 3 workers nothing is even
(22/21/21, 6/6/5; 70/70/69 for the full batch): so every case has an uneven step, and k = 2 an
even one too. Each run at k is judged twice, at the float64 bound (``tolerance("float64").grad``,
1e-10) or the float32 one, on every step's cost and on the final parameters:

* ``data-parallel vs one device``: against the same backend at ``world_size=1``;
* ``data-parallel vs reference``: against the reference at the same k (the definition: the
  shards' gradients summed and divided by the step's global batch size).

A failure names the first step that leaves tolerance, with its shard sizes, and the parameter
that differs most after training. Worker processes start slowly, so the section makes few
calls: each (case, dtype) trains the backend once per k and shares its ``world_size=1`` run;
float32 takes the first case alone, and ``quick`` the first dtype, two cases and fewer k.
The workers are the CPU's (gloo processes, host devices): the section runs on the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from nn_contract import optim
from nn_contract.shards import shard_sizes

from ..cases import Case, case_features
from ..runner import Planned, Runner, Section
from ..tolerance import tolerance
from ..verdicts import judge_trajectory

__all__ = ["DATA_PARALLEL", "DP_CASE", "DpConfig", "DP_CONFIGS", "WORLD_SIZES", "dp_params", "batch_shards",
           "shards_even", "shard_note"]

WORLD_SIZES = (1, 2, 3)
DP_CASE = Case("data-parallel", layer_dims=(5, 6, 4, 1), hidden_activation="relu", m=209, init="he", seed=7)
_DEVICE = "cpu"


@dataclass(frozen=True)
class DpConfig:
    """One training configuration: its name, batch size (None: full batch), epochs, learning rate,
    the options of ``deep.train``, the training options it needs and the optimizer it needs."""

    name: str
    batch_size: int | None
    epochs: int
    learning_rate: float
    options: dict = field(default_factory=dict, hash=False)
    training: tuple[str, ...] = ()
    optimizer: str | None = None

    def hyper(self, seed: int) -> dict:
        return {"learning_rate": self.learning_rate, "num_epochs": self.epochs, "batch_size": self.batch_size,
                "seed": seed, **self.options}


DP_CONFIGS = (
    DpConfig("GD, batches of 64", 64, 2, 0.1, training=("batch_size",)),
    DpConfig("Adam, full batch", None, 4, 0.01, {"optimizer": optim.Adam()}, ("optimizer",), "Adam"),
    DpConfig("L2 (lambd=0.7) + dropout (keep_prob=0.8), batches of 64", 64, 2, 0.1,
             {"lambd": 0.7, "keep_prob": 0.8}, ("batch_size", "lambd", "keep_prob")),
)


def dp_params(dtype: str) -> dict:
    """The case's He start with nonzero biases (drawn in float64, then cast): a bias whose
    gradient is summed over the wrong shards shows."""
    params = DP_CASE.params("float64")
    rng = np.random.RandomState(11)
    for key in [k for k in params if k.startswith("b")]:
        params[key] = params[key] + 0.1 * rng.randn(*params[key].shape)
    return {k: v.astype(dtype) for k, v in params.items()}


def _batch_sizes(m: int, batch_size: int | None) -> list[int]:
    """The global batch size of each step of one epoch."""
    b = m if batch_size is None else min(batch_size, m)
    return [min(b, m - start) for start in range(0, m, b)]


def batch_shards(m: int, batch_size: int | None, world_size: int) -> list[list[int]]:
    """Each step's shard sizes over one epoch (``nn_contract.shards.shard_sizes``)."""
    return [shard_sizes(size, world_size) for size in _batch_sizes(m, batch_size)]


def shards_even(m: int, batch_size: int | None, world_size: int) -> bool:
    """Whether every step of an epoch splits into shards of one size."""
    return all(len(set(sizes)) == 1 for sizes in batch_shards(m, batch_size, world_size))


def shard_note(m: int, batch_size: int | None, world_size: int) -> str:
    """The distinct splits of an epoch's steps, in words: ``shards 32/32, last batch 9/8``
    (``one device`` for k = 1)."""
    if world_size == 1:
        return "one device"
    splits = list(dict.fromkeys("/".join(map(str, s)) for s in batch_shards(m, batch_size, world_size)))
    return "shards " + (splits[0] if len(splits) == 1 else f"{', '.join(splits[:-1])}, last batch {splits[-1]}")


def _configs(runner: Runner, dtype: str) -> list[tuple[DpConfig, tuple[int, ...]]]:
    """The (case, world sizes) a run takes in ``dtype``: every case at every k in the first
    dtype (the first two at k = 1, 2 and the first at 3 with ``quick``), the first case alone in
    any other."""
    first = dtype == runner.dtypes[0]
    if runner.quick:
        return [(DP_CONFIGS[0], WORLD_SIZES), (DP_CONFIGS[2], (1, 2))] if first else []
    return [(c, WORLD_SIZES) for c in DP_CONFIGS] if first else [(DP_CONFIGS[0], WORLD_SIZES)]


def _train(backend, config: DpConfig, dtype: str, world_size: int):
    X, Y = DP_CASE.data(dtype)
    return backend.train("deep", dp_params(dtype), X, Y, DP_CASE.spec, _DEVICE, **config.hyper(DP_CASE.seed),
                         world_size=world_size)


class _Runs:
    """Each training run made once per section (a run that raised raises again where it is
    asked for, so each check that needs it fails with the error)."""

    def __init__(self, runner: Runner):
        self.runner, self._done = runner, {}

    def get(self, who: str, config: DpConfig, dtype: str, world_size: int):
        key = (who, config.name, dtype, world_size)
        if key not in self._done:
            backend = self.runner.backend if who == "backend" else self.runner.against
            try:
                self._done[key] = (True, _train(backend, config, dtype, world_size))
            except Exception as exc:  # noqa: BLE001 - kept, and raised again for each check that needs it
                self._done[key] = (False, exc)
        ok, value = self._done[key]
        if not ok:
            raise value
        return value


def _describe_step(config: DpConfig, world_size: int):
    sizes = _batch_sizes(DP_CASE.m, config.batch_size)
    return lambda step: "shards " + "/".join(map(str, shard_sizes(sizes[step % len(sizes)], world_size)))


def _judge(runner: Runner, runs: _Runs, config: DpConfig, dtype: str, world_size: int, against: str) -> None:
    got = runs.get("backend", config, dtype, world_size)
    expected = (runs.get("backend", config, dtype, 1) if against == "one device"
                else runs.get("against", config, dtype, world_size))
    judge_trajectory(runner, f"data-parallel vs {against}", _case_name(config, world_size), dtype, _DEVICE, got,
                     expected, tolerance(dtype, _DEVICE).grad, describe_step=_describe_step(config, world_size))


def _case_name(config: DpConfig, world_size: int) -> str:
    return f"{config.name}, k={world_size} ({shard_note(DP_CASE.m, config.batch_size, world_size)})"


def _checks(runner: Runner):
    runs = _Runs(runner)
    for dtype in runner.dtypes:
        for config, world_sizes in _configs(runner, dtype):
            needs = {**case_features(DP_CASE, dtype, _DEVICE), "function": "train", "training": config.training}
            if config.optimizer:
                needs["optimizer"] = config.optimizer
            for k in world_sizes:
                for against in ("reference",) if k == 1 else ("one device", "reference"):
                    yield Planned(f"data-parallel vs {against}", _case_name(config, k), "costs", dtype, _DEVICE, needs,
                                  partial(_judge, runner, runs, config, dtype, k, against))


DATA_PARALLEL = Section("data parallel", _checks, needs={"model": "deep", "training": "world_size"})
