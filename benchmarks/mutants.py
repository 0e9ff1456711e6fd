"""Benchmark: how strong are ``make test`` and ``nn-parity check``? Mutation testing by hand.

    .venv/bin/python benchmarks/mutants.py [--only NAME[,NAME...]] [--jobs J] [--list]
                                           [--include-equivalent] [--baseline-tests] [--keep]

A mutant is a named one-line defect: an exact snippet of one file, which must occur there
exactly once (so the list breaks loudly when the code changes), and its replacement. Each is
applied to a temporary copy of the tree (the repository minus .venv, .git and the reports'
outputs), never to the working tree, and the copy is judged twice:

(a) by the pytest suite, ``pytest -x -p no:cacheprovider -q -n 0`` over the mutant's
    test-selection hint (test files, node ids, ``-k``), stopping at the first failure;
(b) by ``nn-parity check`` (``python -m reports check PACKAGE --quick``) on the mutated
    backend: the backend whose package holds the line, ``numpy --against torch`` for the
    reference, ``torch`` for the contract code every backend calls. Exit 1 is a kill. Where
    the mutated line never runs inside a backend's call (the harness, the data loader, or
    contract objects the caller builds and hands to both sides, such as ``init_params``),
    check does not apply: "n/a", and the mutant is left out of N2.

The copy runs with this repository's interpreter (``.venv/bin/python``) and ``PYTHONPATH``
set to the copy, so the copy's packages shadow the editable install; a baseline run on the
unmutated copy first proves that (every package imported from the copy) and that each
``check`` used passes there, which also fills a JAX compilation cache that every later run
shares (keyed by the compiled program, so a mutated function compiles afresh).

An equivalent mutant changes nothing observable; it is listed with the explanation and left
out of N and N2 (``--include-equivalent`` runs it anyway). The table gives, per mutant, the
first failing test or check and the seconds it took; the last line is
``killed K of N by make test; killed K2 of N2 by nn-parity check``.

Not a test (``make test`` does not run it): it measures the suite. A full run judges about
sixty mutants; ``total ... s wall, ... s CPU`` says how long it took and how much of that was
computing, so a run on a busy machine can be told from one on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Mutant", "MUTANTS", "Result", "apply_mutant", "check_mutants", "copy_tree", "main"]

ROOT = Path(__file__).resolve().parents[1]
# What the copy leaves out: the environment, the history, outputs and caches.
IGNORED = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}
IGNORED_PATHS = {("reports", "output"), ("reports", "check")}

REFERENCE = ("numpy", "--against", "torch")  # the reference as the backend under check
TORCH = ("torch",)
JAX = ("jax",)
# check applies where the mutated line runs inside a backend's call; otherwise, why not.
NA_HARNESS = "n/a: harness code, the checker itself"
NA_DATA = "n/a: the data loader; check loads no data"
# Shuffling a full batch changes only the order of a sum: a rounding difference, inside
# every tolerance check compares at; make test holds the defaults to course 1 bit for bit.
NA_ROUNDING = "n/a: changes only rounding (the order of a sum), below the tolerance check compares at"
NA_CALLER = ("n/a: runs on the caller's side (the harness builds it and hands the same to both "
             "backends), never inside a backend's call")

WHERE = ("reference", "torch", "jax", "contract", "harness", "data")


@dataclass(frozen=True)
class Mutant:
    """One defect: replace ``old`` (exactly once in ``file``) by ``new``.

    where: ``reference``, ``torch``, ``jax``, ``contract`` (the shared spec, init, batches,
        labels, checks, optim, dropout), ``harness`` or ``data``.
    tests: the pytest arguments that judge it (files or node ids first, most likely killer
        first since the run stops at the first failure; ``-k EXPR`` allowed).
    check: the ``nn-parity check`` arguments (the package, and ``--against``), or the reason
        (a str starting "n/a") why check does not apply.
    equivalent: empty, or why the mutant changes nothing observable.
    """

    name: str
    file: str
    old: str
    new: str
    where: str
    tests: tuple[str, ...]
    check: tuple[str, ...] | str
    equivalent: str = ""

    @property
    def check_applies(self) -> bool:
        return isinstance(self.check, tuple)


def _t(*names: str, k: str | None = None) -> tuple[str, ...]:
    """pytest arguments: test files under parity_tests (``file.py`` or ``file.py::test``), and ``-k``."""
    args = tuple(f"parity_tests/{n}" for n in names)
    return args + (("-k", k) if k else ())


KILLERS = "test_mutant_killers.py"
TM = "test_training_methods.py"

MUTANTS: list[Mutant] = [
    # --------------------------------------------------------------- the reference
    Mutant("ref-dW-no-mean", "reference_numpy/deep.py",
           "    dW = (dZ @ A_prev.T) / m", "    dW = dZ @ A_prev.T",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-db-sign", "reference_numpy/deep.py",
           "    db = dZ.sum(axis=1, keepdims=True) / m", "    db = -dZ.sum(axis=1, keepdims=True) / m",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-relu-kink", "reference_numpy/activations.py",
           "    return (Z > 0).astype(Z.dtype)", "    return (Z >= 0).astype(Z.dtype)",
           "reference", _t("test_kinks_and_saturation.py", "test_claims.py"), REFERENCE),
    Mutant("ref-leaky-kink", "reference_numpy/activations.py",
           "    return np.where(Z > 0, 1, slope).astype(Z.dtype)", "    return np.where(Z >= 0, 1, slope).astype(Z.dtype)",
           "reference", _t("test_kinks_and_saturation.py", "test_claims.py"), REFERENCE),
    Mutant("ref-sigmoid-branch-at-0", "reference_numpy/activations.py",
           "    return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))",
           "    return np.where(Z > 0, 1.0 / (1.0 + E), E / (1.0 + E))",
           "reference", _t("test_kinks_and_saturation.py", "test_parity.py"), REFERENCE,
           equivalent="at Z = 0, E = exp(-0) = 1 and both branches are 1/(1+1) = 1/2 = E/(1+E) exactly; "
                      "everywhere else the condition is unchanged"),
    Mutant("ref-bce-from-exp", "reference_numpy/losses.py",
           "    return np.logaddexp(0, ZL) - Y * ZL", "    return np.log1p(np.exp(ZL)) - Y * ZL",
           "reference", _t("test_kinks_and_saturation.py", "test_parity.py"), REFERENCE),
    Mutant("ref-l1-sign", "reference_numpy/losses.py",
           "        return np.sign(AL - Y)", "        return np.sign(Y - AL)",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-cost-mean-over-units", "reference_numpy/losses.py",
           "    return float(LOSSES[loss](ZL, Y).sum() / m)", "    return float(LOSSES[loss](ZL, Y).mean())",
           "reference", _t("test_parity.py", "test_oracles.py"), REFERENCE),
    Mutant("ref-dropout-back-unscaled", "reference_numpy/deep.py",
           '            dA_prev = dA_prev * masks[f"D{l}"] / keep_prob[l - 1]',
           '            dA_prev = dA_prev * masks[f"D{l}"]',
           "reference", _t(f"{TM}::test_l2_and_dropout_written_out", TM, k="not jax"), REFERENCE),
    Mutant("ref-l2-grad-halved", "reference_numpy/deep.py",
           '            grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / m) * caches[l - 1][0][1]',
           '            grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / (2 * m)) * caches[l - 1][0][1]',
           "reference", _t(f"{TM}::test_l2_and_dropout_written_out", TM, k="not jax"), REFERENCE),
    Mutant("ref-decay-epoch-off-by-one", "reference_numpy/deep.py",
           "        lr = schedule_lr_decay(learning_rate, epoch, methods.decay_rate, methods.time_interval)",
           "        lr = schedule_lr_decay(learning_rate, epoch + 1, methods.decay_rate, methods.time_interval)",
           "reference", _t(f"{TM}::test_reference_train_is_the_course_loop", TM, k="not jax"), REFERENCE),
    Mutant("ref-full-batch-shuffled", "reference_numpy/deep.py",
           "        order = None if batch_size == m else epoch_permutation(m, seed=seed, epoch=epoch)",
           "        order = epoch_permutation(m, seed=seed, epoch=epoch)",
           "reference", _t(f"{TM}::test_defaults_are_course_one_bit_for_bit", "test_training.py"), NA_ROUNDING),
    Mutant("ref-logistic-dZ-sign", "reference_numpy/logistic.py",
           "    dZ = sigmoid(Z) - Y", "    dZ = Y - sigmoid(Z)",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-logistic-predict-ignores-b", "reference_numpy/logistic.py",
           '    return sigmoid(forward(params["w"], X.dtype.type(params["b"]), X))',
           '    return sigmoid(forward(params["w"], X.dtype.type(0.0), X))',
           "reference", _t(KILLERS, "test_course.py", "test_claims.py", "test_oracles.py"), REFERENCE),
    # --------------------------------------------------------------- the shared contract code
    Mutant("batches-same-permutation-every-epoch", "reference_numpy/batches.py",
           "    return np.random.RandomState(seed + epoch).permutation(m).astype(np.int64)",
           "    return np.random.RandomState(seed).permutation(m).astype(np.int64)",
           "contract", _t(TM, "test_training.py", k="order or permutation or batches"), TORCH),
    Mutant("batches-last-batch-dropped", "reference_numpy/batches.py",
           "    return [(start, min(start + batch_size, m)) for start in range(0, m, batch_size)]",
           "    return [(start, min(start + batch_size, m)) for start in range(0, m - batch_size + 1, batch_size)]",
           "contract", _t("test_training.py"), TORCH),
    Mutant("labels-sigmoid-1-at-half", "reference_numpy/labels.py",
           "        return (AL > 0.5).astype(AL.dtype)", "        return (AL >= 0.5).astype(AL.dtype)",
           "contract", _t(KILLERS, "test_course.py", "test_claims.py", "test_parity.py"), TORCH),
    Mutant("labels-softmax-ties-to-last", "reference_numpy/labels.py",
           "        labels[AL.argmax(axis=0), np.arange(AL.shape[1])] = 1",
           "        labels[AL.shape[0] - 1 - AL[::-1].argmax(axis=0), np.arange(AL.shape[1])] = 1",
           "contract", _t(KILLERS, "test_course.py", "test_claims.py", "test_parity.py"), TORCH),
    Mutant("checks-inf-accepted", "reference_numpy/checks.py",
           '    if arr.dtype.kind == "f" and not np.isfinite(arr).all():',
           '    if arr.dtype.kind == "f" and np.isnan(arr).any():',
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("checks-sigmoid-labels-unchecked", "reference_numpy/checks.py",
           '    if output in ("sigmoid", "softmax") and not np.isin(arr, (0, 1)).all():',
           '    if output == "softmax" and not np.isin(arr, (0, 1)).all():',
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("checks-learning-rate-0-accepted", "reference_numpy/checks.py",
           "    if not math.isfinite(learning_rate) or learning_rate <= 0:",
           "    if not math.isfinite(learning_rate) or learning_rate < 0:",
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("optim-lambd-check-and", "reference_numpy/optim.py",
           "    if not math.isfinite(lambd) or lambd < 0:", "    if not math.isfinite(lambd) and lambd < 0:",
           "contract", _t(TM, k="refused"), TORCH),
    Mutant("optim-beta-1-accepted", "reference_numpy/optim.py",
           "    if not 0.0 <= value < 1.0:", "    if not 0.0 <= value <= 1.0:",
           "contract", _t(TM, k="refused"), NA_CALLER),
    Mutant("optim-adam-bias-correction-t+1", "reference_numpy/optim.py",
           '        v_corrected = v["d" + key] / (1 - beta1**t)', '        v_corrected = v["d" + key] / (1 - beta1**(t + 1))',
           "contract", _t(f"{TM}::test_reference_step_functions_are_the_course_formulas", TM, k="not jax"),
           REFERENCE),
    Mutant("optim-decay-not-floored", "reference_numpy/optim.py",
           "    return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))",
           "    return learning_rate0 / (1 + decay_rate * (epoch_num / time_interval))",
           "contract", _t(f"{TM}::test_learning_rate_decay_formulas", TM, k="not jax"), REFERENCE),
    Mutant("dropout-order-draw-skipped", "reference_numpy/dropout.py",
           "            rng.permutation(m)  # the epoch's order (batches.epoch_permutation), drawn first",
           "            pass  # the epoch's order (batches.epoch_permutation), drawn first",
           "contract", _t(TM, k="masks or draw"), TORCH),
    Mutant("dropout-mask-threshold-le", "reference_numpy/dropout.py",
           "                f\"D{l}\": (rng.rand(n, stop - start) < keep).astype(dtype)",
           "                f\"D{l}\": (rng.rand(n, stop - start) <= keep).astype(dtype)",
           "contract", _t(TM, k="masks or draw"), TORCH,
           equivalent="rand() returns k/2**53; it equals keep_prob with probability 2**-53 per unit, "
                      "and for keep_prob = 1 both keep every unit (rand() < 1): no seed a test could "
                      "afford to search tells them apart"),
    Mutant("dropout-masks-not-0-1-accepted", "reference_numpy/dropout.py",
           "        if not np.isin(arr, (0, 1)).all():", "        if not ((arr >= 0) & (arr <= 1)).all():",
           "contract", _t(TM, k="refused"), TORCH),
    Mutant("init-he-is-xavier", "reference_numpy/init.py",
           '    "he": lambda n_in: math.sqrt(2.0 / n_in),', '    "he": lambda n_in: math.sqrt(1.0 / n_in),',
           "contract", _t("test_contract.py"), NA_CALLER),
    Mutant("spec-linear-defaults-to-l1", "reference_numpy/spec.py",
           '    "linear": "squared_error",', '    "linear": "l1",',
           "contract", _t("test_contract.py"), NA_CALLER),
    # --------------------------------------------------------------- torch
    Mutant("torch-relu-kink", "torch_impl/activations.py",
           "    return torch.relu(Z)", "    return torch.clamp(Z, min=0)",
           "torch", _t("test_kinks_and_saturation.py", k="torch"), TORCH),
    Mutant("torch-softmax-over-examples", "torch_impl/activations.py",
           "    return torch.softmax(Z, dim=0)", "    return torch.softmax(Z, dim=1)",
           "torch", _t("test_claims.py", "test_protocol.py", k="torch or builtin"), TORCH),
    Mutant("torch-cce-log-of-softmax", "torch_impl/losses.py",
           "    return -(Y * F.log_softmax(ZL, dim=0)).sum(dim=0, keepdim=True)",
           "    return -(Y * torch.log(torch.softmax(ZL, dim=0))).sum(dim=0, keepdim=True)",
           "torch", _t("test_kinks_and_saturation.py", k="torch"), TORCH),
    Mutant("torch-bias-not-loaded", "torch_impl/deep.py",
           '                layer.bias.copy_(tensors[f"b{l}"].reshape(-1))', "                layer.bias.zero_()",
           "torch", _t(KILLERS, "test_contract.py", TM, k="torch"), TORCH),
    Mutant("torch-momentum-undamped", "torch_impl/optim.py",
           "            return torch.optim.SGD(groups, lr=learning_rate * (1 - optimizer.beta), momentum=optimizer.beta)",
           "            return torch.optim.SGD(groups, lr=learning_rate, momentum=optimizer.beta)",
           "torch", _t(f"{TM}::test_torch_optim_configured_is_the_course", TM, k="torch"), TORCH),
    Mutant("torch-l2-on-biases", "torch_impl/optim.py",
           '              {"params": list(biases), "weight_decay": 0.0, "l2": False}]',
           '              {"params": list(biases), "weight_decay": 0.0, "l2": True}]',
           "torch", _t(f"{TM}::test_l2_weight_decay_spares_the_biases_only_in_the_course_mapping", TM, k="torch"),
           TORCH),
    Mutant("torch-weight-decay-not-over-m", "torch_impl/optim.py",
           '            group["weight_decay"] = lambd / m', '            group["weight_decay"] = lambd',
           "torch", _t(TM, k="torch"), TORCH),
    Mutant("torch-decay-not-floored", "torch_impl/optim.py",
           "        torch_optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * (epoch // time_interval))",
           "        torch_optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * (epoch / time_interval))",
           "torch", _t(f"{TM}::test_decay_schedules_are_the_course_schedule", TM, k="torch"), TORCH),
    Mutant("torch-dropout-unscaled", "torch_impl/deep.py",
           '                A = A * masks[f"D{l + 1}"] / keep_prob[l]', '                A = A * masks[f"D{l + 1}"]',
           "torch", _t(TM, k="torch"), TORCH),
    Mutant("torch-logistic-b-not-loaded", "torch_impl/logistic.py",
           '            model.linear.bias.fill_(params["b"])  # b rounds to w\'s dtype, as in the reference',
           "            model.linear.bias.fill_(0.0)  # b rounds to w's dtype, as in the reference",
           "torch", _t(KILLERS, "test_contract.py", k="torch"), TORCH),
    Mutant("torch-logistic-l2-on-b", "torch_impl/logistic.py",
           "        torch_optimizer = course_optimizer(methods.optimizer, [weight], [bias], learning_rate)",
           "        torch_optimizer = course_optimizer(methods.optimizer, [weight, bias], [], learning_rate)",
           "torch", _t(TM, k="torch and logistic"), TORCH),
    # --------------------------------------------------------------- JAX
    Mutant("jax-relu-maximum", "jax_impl/activations.py",
           "    return jnp.where(Z > 0, Z, 0)", "    return jnp.maximum(Z, 0)",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-l1-abs", "jax_impl/losses.py",
           "    return jnp.sign(D) * D", "    return jnp.abs(D)",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-bce-textbook-stable", "jax_impl/losses.py",
           "    return jnp.logaddexp(0, ZL) - Y * ZL",
           "    return jnp.maximum(ZL, 0) - Y * ZL + jnp.log1p(jnp.exp(-jnp.abs(ZL)))",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-rmsprop-eps-in-sqrt", "jax_impl/optim.py",
           "                             eps_in_sqrt=not course)", "                             eps_in_sqrt=course)",
           "jax", _t(f"{TM}::test_optax_configured_is_the_course", TM, k="jax"), JAX),
    Mutant("jax-momentum-nesterov", "jax_impl/optim.py",
           "            return optax.sgd(lr, momentum=beta)", "            return optax.sgd(lr, momentum=beta, nesterov=True)",
           "jax", _t(f"{TM}::test_optax_configured_is_the_course", TM, k="jax"), JAX),
    Mutant("jax-decay-per-step", "jax_impl/optim.py",
           "        return learning_rate / (1 + decay_rate * ((count // steps_per_epoch) // time_interval))",
           "        return learning_rate / (1 + decay_rate * (count // time_interval))",
           "jax", _t(f"{TM}::test_decay_schedules_are_the_course_schedule", TM, k="jax"), JAX),
    Mutant("jax-l2-on-biases", "jax_impl/optim.py",
           '    return {key: key[0] in "Ww" for key in params}', "    return {key: True for key in params}",
           "jax", _t(f"{TM}::test_l2_weight_decay_spares_the_biases_only_in_the_course_mapping", TM, k="jax"), JAX),
    Mutant("jax-dropout-unscaled", "jax_impl/deep.py",
           '            A = A * masks[f"D{l}"] / keep_prob[l - 1]', '            A = A * masks[f"D{l}"]',
           "jax", _t(TM, k="jax"), JAX),
    Mutant("jax-logistic-l2-not-over-m", "jax_impl/logistic.py",
           "    transform = course_transform(optimizer, learning_rate, lambd / m if l2 else None, weight_mask(params))",
           "    transform = course_transform(optimizer, learning_rate, lambd if l2 else None, weight_mask(params))",
           "jax", _t(TM, k="jax and logistic"), JAX),
    # --------------------------------------------------------------- the harness
    Mutant("tolerance-float64-grad-loosened", "parity/tolerance.py",
           '    ("float64", "cpu"): Tolerance(cost=1e-12, grad=1e-10),',
           '    ("float64", "cpu"): Tolerance(cost=1e-12, grad=1e-8),',
           "harness", _t("test_contract.py", "test_parity.py"), NA_HARNESS),
    Mutant("tolerance-zero-reference-hides-all", "parity/tolerance.py",
           "    return diff / scale if scale > 0 else diff", "    return diff / scale if scale > 0 else 0.0",
           "harness", _t("test_contract.py", "test_parity.py"), NA_HARNESS),
    Mutant("compare-passed-by-either", "parity/compare.py",
           '        "passed": bool(cost_err <= tol.cost and grad_err <= tol.grad),',
           '        "passed": bool(cost_err <= tol.cost or grad_err <= tol.grad),',
           "harness", _t("test_parity.py", k="harness"), NA_HARNESS),
    Mutant("compare-against-itself", "parity/compare.py",
           '    ref_cost, ref_grads = reference or _run(reference_backend(), case, "cpu", dtype)',
           '    ref_cost, ref_grads = reference or _run(backend, case, "cpu", dtype)',
           "harness", _t(KILLERS, "test_parity.py", "test_protocol.py"), NA_HARNESS),
    Mutant("compare-training-length-ignored", "parity/compare.py",
           '    costs_err = relative_error(costs, ref_costs) if len(costs) == len(ref_costs) else float("inf")',
           "    costs_err = relative_error(costs, ref_costs) if len(costs) == len(ref_costs) else 0.0",
           "harness", _t(KILLERS, "test_training.py", "test_report.py"), NA_HARNESS),
    Mutant("conformance-predict-half-any-label", "parity/conformance.py",
           "        ok = labels.shape == (1, 2) and np.all(labels == 0)", "        ok = labels.shape == (1, 2)",
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    Mutant("conformance-bad-input-any-message", "parity/conformance.py",
           "                ok = argument in str(exc)", "                ok = True",
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    Mutant("conformance-exception-skipped", "parity/conformance.py",
           '            self.add(check, case, quantity, dtype, device, "failed",',
           '            self.add(check, case, quantity, dtype, device, "skipped",',
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    # --------------------------------------------------------------- the data loader
    Mutant("data-flower-noise", "parity/data.py",
           "        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta",
           "        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.3  # theta",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-three-classes-a-regression", "parity/data.py",
           "    return min(MAX_INFERRED_CLASSES, max(3, m // 10))", "    return min(MAX_INFERRED_CLASSES, max(2, m // 10))",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-csv-label-first-column", "parity/data.py",
           "    label = columns[-1] if label_column is None else label_column",
           "    label = columns[0] if label_column is None else label_column",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-h5-pixels-over-256", "parity/data.py",
           "        flat = flat / 255.0", "        flat = flat / 256.0",
           "data", _t("test_data.py"), NA_DATA),
]


# --------------------------------------------------------------------------- the list, checked


def check_mutants(mutants: Iterable[Mutant], root: Path = ROOT) -> list[str]:
    """Every problem with the list against the tree at ``root``: a snippet that does not occur
    exactly once, an unknown category, a duplicate name, a no-op. Empty when all is well."""
    problems, seen = [], set()
    for m in mutants:
        if m.name in seen:
            problems.append(f"{m.name}: duplicate name")
        seen.add(m.name)
        if m.where not in WHERE:
            problems.append(f"{m.name}: unknown where {m.where!r}")
        if m.old == m.new or "\n" in m.old or "\n" in m.new:
            problems.append(f"{m.name}: a mutant is one changed line")
        if not m.check_applies and not m.check.startswith("n/a"):
            problems.append(f"{m.name}: check must be arguments or an 'n/a: ...' reason")
        path = root / m.file
        if not path.is_file():
            problems.append(f"{m.name}: {m.file} does not exist")
            continue
        count = path.read_text().count(m.old)
        if count != 1:
            problems.append(f"{m.name}: the snippet occurs {count} times in {m.file} (must be once): {m.old.strip()!r}")
    return problems


def _ignore(root: Path):
    def ignore(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).resolve().relative_to(root)
        return {n for n in names if n in IGNORED or (*rel.parts, n) in IGNORED_PATHS or n.endswith(".pyc")}

    return ignore


def copy_tree(source: Path, target: Path) -> Path:
    """The repository at ``source`` minus .venv, .git, outputs and caches, copied to ``target``."""
    source = source.resolve()
    shutil.copytree(source, target, ignore=_ignore(source), symlinks=True)
    return target


def apply_mutant(mutant: Mutant, tree: Path) -> None:
    """Write the mutant into the copy at ``tree``; the working tree itself is refused."""
    if tree.resolve() == ROOT:
        raise ValueError("mutants are applied to a copy of the tree, never to the working tree")
    path = tree / mutant.file
    text = path.read_text()
    if text.count(mutant.old) != 1:
        raise ValueError(f"{mutant.name}: the snippet must occur once in {mutant.file}")
    path.write_text(text.replace(mutant.old, mutant.new))


# --------------------------------------------------------------------------- running


@dataclass
class Verdict:
    """One judgment: ``killed`` (True/False, None for n/a or an error), by what, in seconds."""

    killed: bool | None
    by: str
    seconds: float = 0.0
    error: bool = False


@dataclass
class Result:
    mutant: Mutant
    test: Verdict | None
    check: Verdict | None
    seconds: float


class Runner:
    """Runs pytest and ``nn-parity check`` on copies of ``workdir/base`` with ``python``, up to
    ``jobs`` mutants at a time, each run limited to ``timeout`` seconds; logs in ``workdir/logs``."""

    def __init__(self, python: Path, workdir: Path, jobs: int, timeout: float, keep: bool,
                 jax_cache: Path | None = None):
        self.python, self.workdir, self.jobs, self.timeout, self.keep = python, workdir, jobs, timeout, keep
        self.base = workdir / "base"
        self.logs = workdir / "logs"
        self.cache = jax_cache or workdir / "jax-cache"
        self.threads = max(1, (os.cpu_count() or 2) // jobs)
        self._lock = threading.Lock()

    def env(self, tree: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NN_PARITY_BACKENDS")}
        # The copy first: its packages shadow the editable install (whose finder comes last).
        env["PYTHONPATH"] = os.pathsep.join([str(tree), str(tree / "examples" / "nn_parity_autograd")])
        env["OMP_NUM_THREADS"] = str(self.threads)
        env["JAX_COMPILATION_CACHE_DIR"] = str(self.cache)
        env["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
        env["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "0"
        return env

    def _run(self, args: list[str], tree: Path, log: Path) -> tuple[int | None, str, float]:
        started = time.perf_counter()
        try:
            done = subprocess.run(args, cwd=tree, env=self.env(tree), capture_output=True, text=True,
                                  timeout=self.timeout)
            rc, out = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as exc:
            rc = None
            out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        log.write_text(" ".join(args) + "\n\n" + out)
        return rc, out, time.perf_counter() - started

    def pytest(self, tests: tuple[str, ...], tree: Path, log: Path, stop_first: bool = True) -> Verdict:
        args = [str(self.python), "-m", "pytest", *(["-x"] if stop_first else []), "-p", "no:cacheprovider", "-q",
                "-n", "0", *tests]
        rc, out, seconds = self._run(args, tree, log)
        if rc is None:
            return Verdict(True, f"timeout after {self.timeout:.0f} s", seconds)
        if rc == 0:
            return Verdict(False, "SURVIVED", seconds)
        if rc in (4, 5):  # a usage error or no test selected: the benchmark's fault, not a kill
            return Verdict(None, f"ERROR: pytest exit {rc}, see {log}", seconds, error=True)
        found = re.search(r"^(?:FAILED|ERROR) (\S+)", out, re.M)
        by = found.group(1).removeprefix("parity_tests/") if found else f"pytest exit {rc}"
        if rc == 2 and not found:
            collection = re.search(r"^ERROR collecting (\S+)", out, re.M)
            by = f"collection error in {collection.group(1)}" if collection else by
        return Verdict(True, by, seconds)

    def nn_parity_check(self, arguments: tuple[str, ...], tree: Path, log: Path) -> Verdict:
        args = [str(self.python), "-m", "reports", "check", *arguments, "--quick", "--no-progress",
                "--threads", str(self.threads), "--out", str(log.with_suffix(""))]
        rc, out, seconds = self._run(args, tree, log)
        if rc is None:
            return Verdict(True, f"timeout after {self.timeout:.0f} s", seconds)
        if rc == 0:
            return Verdict(False, "SURVIVED", seconds)
        found = re.search(r"^\s*FAILED (\S+) \[([^,\]]+)[^\]]*\] (.*?):", out, re.M)
        if found:
            return Verdict(True, f"{found.group(1)} [{found.group(2)}] {found.group(3)}", seconds)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        return Verdict(True, f"exit {rc}: {last[:80]}", seconds)

    # the baseline ------------------------------------------------------------------------
    def baseline(self, mutants: list[Mutant], with_tests: bool) -> None:
        tree = self.workdir / "tree-baseline"
        shutil.copytree(self.base, tree, symlinks=True)
        code = ("import reference_numpy, torch_impl, jax_impl, parity, reports, nn_parity_autograd\n"
                "for m in (reference_numpy, torch_impl, jax_impl, parity, reports, nn_parity_autograd): "
                "print(m.__file__)")
        done = subprocess.run([str(self.python), "-c", code], cwd=self.workdir, env=self.env(tree),
                              capture_output=True, text=True)
        files = done.stdout.split()
        if done.returncode != 0 or len(files) != 6 or not all(Path(f).resolve().is_relative_to(tree) for f in files):
            raise SystemExit(f"the copy does not shadow the installed packages:\n{done.stdout}{done.stderr}")
        print(f"baseline: the copy's packages are imported ({files[0]}, ...)", file=sys.stderr)
        targets = sorted({m.check for m in mutants if m.check_applies})
        suites = sorted({m.tests for m in mutants}) if with_tests else []

        def one(job):
            kind, args = job
            name = "-".join(a.strip("-") for a in args if not a.startswith("parity_tests"))[:60] or "tests"
            log = self.logs / f"baseline-{kind}-{len(args)}-{abs(hash(args)) % 10**6}-{name}.txt"
            if kind == "check":
                return job, self.nn_parity_check(args, tree, log)
            return job, self.pytest(args, tree, log, stop_first=False)

        failures = []
        with ThreadPoolExecutor(self.jobs) as pool:
            for (kind, args), verdict in pool.map(one, [("check", t) for t in targets] + [("tests", s) for s in suites]):
                label = f"{'nn-parity check ' if kind == 'check' else 'pytest '}{' '.join(args)}"
                print(f"baseline: {label}: {'passes' if verdict.killed is False else verdict.by} "
                      f"({verdict.seconds:.0f} s)", file=sys.stderr)
                if verdict.killed is not False:
                    failures.append(label)
        if not self.keep:
            shutil.rmtree(tree, ignore_errors=True)
        if failures:
            raise SystemExit("the unmutated tree fails, so kills would mean nothing: " + "; ".join(failures))

    # one mutant ----------------------------------------------------------------------------
    def judge(self, mutant: Mutant) -> Result:
        started = time.perf_counter()
        tree = self.workdir / f"tree-{mutant.name}"
        shutil.copytree(self.base, tree, symlinks=True)
        try:
            apply_mutant(mutant, tree)
            test = self.pytest(mutant.tests, tree, self.logs / f"{mutant.name}-tests.txt")
            check = (self.nn_parity_check(mutant.check, tree, self.logs / f"{mutant.name}-check.txt")
                     if mutant.check_applies else None)
        finally:
            if not self.keep:
                shutil.rmtree(tree, ignore_errors=True)
        result = Result(mutant, test, check, time.perf_counter() - started)
        with self._lock:
            check_s = f", check {check.seconds:.0f} s" if check else ""
            print(f"  {mutant.name}: make test {_short(test)}; check {_short(check, mutant)} "
                  f"({result.seconds:.0f} s: tests {test.seconds:.0f} s{check_s})", file=sys.stderr)
        return result


def _short(verdict: Verdict | None, mutant: Mutant | None = None) -> str:
    if verdict is None:
        return "n/a" if mutant is None or not mutant.check_applies else "not run"
    if verdict.killed is None:
        return verdict.by
    return f"killed by {verdict.by}" if verdict.killed else "SURVIVED"


# --------------------------------------------------------------------------- the table


def _cell(verdict: Verdict | None, mutant: Mutant, width: int) -> str:
    if verdict is None:
        text = "n/a" if not mutant.check_applies else "not run"
    elif verdict.killed is None:
        text = verdict.by
    else:
        text = verdict.by if verdict.killed else "SURVIVED"
    return text if len(text) <= width else text[: width - 1] + "…"


def render(results: list[Result], equivalents: list[Mutant], seconds: float, cpu_seconds: float) -> str:
    widths = (38, 9, 64, 52, 7)
    head = ("mutant", "where", "killed by (make test)", "killed by (nn-parity check)", "seconds")
    line = lambda cells: "  ".join(f"{c:<{w}}" if i < 4 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    rows = [line(head), line(tuple("-" * w for w in widths))]
    for r in results:
        m = r.mutant
        label = m.name + (" (equivalent)" if m.equivalent else "")
        rows.append(line((label, m.where, _cell(r.test, m, widths[2]), _cell(r.check, m, widths[3]),
                          f"{r.seconds:.0f}")))
    scored = [r for r in results if not r.mutant.equivalent]
    checked = [r for r in scored if r.mutant.check_applies]
    k = sum(bool(r.test and r.test.killed) for r in scored)
    k2 = sum(bool(r.check and r.check.killed) for r in checked)
    survivors = [f"{r.mutant.name} (make test)" for r in scored if not (r.test and r.test.killed)]
    survivors += [f"{r.mutant.name} (check)" for r in checked if not (r.check and r.check.killed)]
    rows.append("")
    if equivalents:
        rows.append("Equivalent mutants (change nothing observable; not counted):")
        rows += [f"  {m.name} ({m.file}): {m.equivalent}" for m in equivalents]
    not_applicable = [r.mutant for r in scored if not r.mutant.check_applies]
    if not_applicable:
        rows.append(f"check n/a ({len(not_applicable)}, not counted in N2): "
                    + ", ".join(m.name for m in not_applicable))
    rows.append("survivors: " + (", ".join(survivors) if survivors else "none"))
    # CPU seconds of every pytest and check run: on an otherwise idle machine with c cores the
    # wall time is at least cpu / c, so a loaded machine's wall time can be told apart.
    rows.append(f"total {seconds:.0f} s wall, {cpu_seconds:.0f} s CPU in the runs")
    rows.append(f"killed {k} of {len(scored)} by make test; killed {k2} of {len(checked)} by nn-parity check")
    return "\n".join(rows)


# --------------------------------------------------------------------------- the command


def _select(names: list[str] | None, include_equivalent: bool) -> tuple[list[Mutant], list[Mutant]]:
    by_name = {m.name: m for m in MUTANTS}
    if names:
        wanted = [n.strip() for arg in names for n in arg.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in by_name]
        if unknown:
            raise SystemExit(f"--only: unknown mutant(s) {', '.join(unknown)}; see --list")
        chosen = [by_name[n] for n in dict.fromkeys(wanted)]
    else:
        chosen = list(MUTANTS)
    equivalents = [m for m in chosen if m.equivalent]
    run = [m for m in chosen if include_equivalent or not m.equivalent]
    return run, equivalents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=None, metavar="NAME",
                        help="run only this mutant (repeatable, or a comma-separated list)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants judged in parallel (default: 1)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--include-equivalent", action="store_true", help="run the equivalent mutants too")
    parser.add_argument("--baseline-tests", action="store_true",
                        help="also run every test selection on the unmutated copy first, so that no kill is a "
                             "test that fails anyway (slower)")
    parser.add_argument("--baseline-only", action="store_true", help="run the baseline, then stop")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per pytest or check run")
    parser.add_argument("--keep", action="store_true", help="keep the copies, logs and check outputs")
    parser.add_argument("--jax-cache", type=Path, default=None, metavar="DIR",
                        help="JAX's persistent compilation cache, kept between runs (default: a fresh one per run, "
                             "filled by the baseline)")
    parser.add_argument("--python", type=Path, default=None, help="default: the repository's .venv python")
    parser.add_argument("--patch", type=Path, action="append", default=[], metavar="FILE",
                        help="apply this unified diff (git apply) to the copy before any mutant: to measure a "
                             "proposed change to the suite without touching the working tree (repeatable)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be >= 1")

    problems = check_mutants(MUTANTS)
    if problems:
        print("the mutant list no longer fits the code:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    run, equivalents = _select(args.only, args.include_equivalent)
    if args.list:
        for m in MUTANTS:
            check = " ".join(m.check) if m.check_applies else m.check
            print(f"{m.name:<38} {m.where:<9} {m.file}: {m.old.strip()!r} -> {m.new.strip()!r}\n"
                  f"{'':<48}tests: {' '.join(m.tests)}; check: {check}"
                  + (f"\n{'':<48}equivalent: {m.equivalent}" if m.equivalent else ""))
        return 0

    python = args.python or ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    workdir = Path(tempfile.mkdtemp(prefix="nn-parity-mutants-"))
    started = time.perf_counter()
    try:
        runner = Runner(python, workdir, args.jobs, args.timeout, args.keep, args.jax_cache)
        runner.logs.mkdir()
        copy_tree(ROOT, runner.base)  # one snapshot: the working tree may change while this runs
        for patch in args.patch:
            done = subprocess.run(["git", "apply", "--whitespace=nowarn", str(patch.resolve())], cwd=runner.base,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"--patch {patch}: does not apply: {done.stderr.strip()}")
            print(f"patched the copy with {patch}", file=sys.stderr)
        problems = check_mutants(run, runner.base)
        if problems:
            raise SystemExit("the mutant list does not fit the patched copy:\n  " + "\n  ".join(problems))
        print(f"{len(run)} mutants, {args.jobs} job(s), in {workdir}", file=sys.stderr)
        runner.baseline(run, args.baseline_tests or args.baseline_only)
        if args.baseline_only:
            print("baseline passed", file=sys.stderr)
            return 0
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(runner.judge, run))
        errors = [r.mutant.name for r in results if (r.test and r.test.error) or (r.check and r.check.error)]
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(render(results, equivalents, time.perf_counter() - started, usage.ru_utime + usage.ru_stime))
        if errors:
            print(f"benchmark errors (see the logs in {workdir}): {', '.join(errors)}", file=sys.stderr)
            args.keep = True
            return 2
        return 0
    finally:
        if args.keep:
            print(f"kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
