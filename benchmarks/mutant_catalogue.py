"""The mutation benchmark's catalogue: the named one-line defects ``benchmarks/mutants.py`` judges.

A mutant is one line of one file, named by its content without its indentation (``old``), and
the line it becomes (``new``). The line must occur exactly once in its file, so the catalogue
breaks loudly when the code changes; the indentation is the file's own, so a line moved into
another function or class still matches. Each mutant also names the pytest selection that
judges it and the ``nn-parity check`` arguments (or why check does not apply), and, for an
equivalent mutant, why it changes nothing observable.

``check_mutants(MUTANTS, root)`` lists every way the catalogue no longer fits the tree at
``root`` (a missing or duplicated line, a test file or test function that does not exist); the
benchmark's ``--check`` and ``parity_tests/test_mutants_apply.py`` run it. This module imports
the standard library only, so checking the catalogue starts no framework.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Mutant", "MUTANTS", "WHERE", "check_mutants", "selection_problems"]

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
    """One defect: the line of ``file`` that reads ``old`` (indentation aside, exactly once)
    becomes ``new``, at the same indentation.

    where: ``reference`` (the notes' math by hand, the course's update rules included),
        ``torch``, ``jax``, ``contract`` (``nn_contract``: the spec, init, batches, labels,
        checks, optimizer descriptions and dropout masks every backend shares), ``harness``
        or ``data``.
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

    def count_in(self, source: str) -> int:
        """How many lines of ``source`` read ``old``, indentation aside."""
        return sum(line.strip() == self.old for line in source.splitlines())

    def applied_to(self, source: str) -> str:
        """``source`` with the mutant's line replaced; ValueError unless it occurs exactly once."""
        if self.count_in(source) != 1:
            raise ValueError(f"{self.name}: the line must occur once in {self.file}: {self.old!r}")
        lines = source.splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.strip() == self.old:
                indent = line[: len(line) - len(line.lstrip())]
                ending = line[len(line.rstrip("\r\n")):]
                lines[i] = indent + self.new + ending
        return "".join(lines)


def _t(*names: str, k: str | None = None) -> tuple[str, ...]:
    """pytest arguments: test files under parity_tests (``file.py`` or ``file.py::test``), and ``-k``."""
    args = tuple(f"parity_tests/{n}" for n in names)
    return args + (("-k", k) if k else ())


KILLERS = "test_mutant_killers.py"
TM = "test_training_methods.py"

MUTANTS: list[Mutant] = [
    # --------------------------------------------------------------- the reference
    Mutant("ref-dW-no-mean", "reference_numpy/deep.py",
           "dW = (dZ @ A_prev.T) / m", "dW = dZ @ A_prev.T",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-db-sign", "reference_numpy/deep.py",
           "db = dZ.sum(axis=1, keepdims=True) / m", "db = -dZ.sum(axis=1, keepdims=True) / m",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-relu-kink", "reference_numpy/activations.py",
           "return (Z > 0).astype(Z.dtype)", "return (Z >= 0).astype(Z.dtype)",
           "reference", _t("test_kinks_and_saturation.py", "test_claims.py"), REFERENCE),
    Mutant("ref-leaky-kink", "reference_numpy/activations.py",
           "return np.where(Z > 0, 1, slope).astype(Z.dtype)", "return np.where(Z >= 0, 1, slope).astype(Z.dtype)",
           "reference", _t("test_kinks_and_saturation.py", "test_claims.py"), REFERENCE),
    Mutant("ref-sigmoid-branch-at-0", "reference_numpy/activations.py",
           "return np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))",
           "return np.where(Z > 0, 1.0 / (1.0 + E), E / (1.0 + E))",
           "reference", _t("test_kinks_and_saturation.py", "test_parity.py"), REFERENCE,
           equivalent="at Z = 0, E = exp(-0) = 1 and both branches are 1/(1+1) = 1/2 = E/(1+E) exactly; "
                      "everywhere else the condition is unchanged"),
    Mutant("ref-bce-from-exp", "reference_numpy/losses.py",
           "return np.logaddexp(0, ZL) - Y * ZL", "return np.log1p(np.exp(ZL)) - Y * ZL",
           "reference", _t("test_kinks_and_saturation.py", "test_parity.py"), REFERENCE),
    Mutant("ref-l1-sign", "reference_numpy/losses.py",
           "return np.sign(AL - Y)", "return np.sign(Y - AL)",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-cost-mean-over-units", "reference_numpy/losses.py",
           "return float(LOSSES[loss](ZL, Y).sum() / m)", "return float(LOSSES[loss](ZL, Y).mean())",
           "reference", _t("test_parity.py", "test_oracles.py"), REFERENCE),
    Mutant("ref-dropout-back-unscaled", "reference_numpy/deep.py",
           'dA_prev = dA_prev * masks[f"D{l}"] / keep_prob[l - 1]',
           'dA_prev = dA_prev * masks[f"D{l}"]',
           "reference", _t(f"{TM}::test_l2_and_dropout_written_out", TM, k="not jax"), REFERENCE),
    Mutant("ref-l2-grad-halved", "reference_numpy/deep.py",
           'grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / m) * caches[l - 1][0][1]',
           'grads[f"dW{l}"] = grads[f"dW{l}"] + (lambd / (2 * m)) * caches[l - 1][0][1]',
           "reference", _t(f"{TM}::test_l2_and_dropout_written_out", TM, k="not jax"), REFERENCE),
    Mutant("ref-decay-epoch-off-by-one", "reference_numpy/deep.py",
           "lr = schedule_lr_decay(learning_rate, epoch, methods.decay_rate, methods.time_interval)",
           "lr = schedule_lr_decay(learning_rate, epoch + 1, methods.decay_rate, methods.time_interval)",
           "reference", _t(f"{TM}::test_reference_train_is_the_course_loop", TM, k="not jax"), REFERENCE),
    Mutant("ref-full-batch-shuffled", "reference_numpy/deep.py",
           "order = None if batch_size == m else epoch_permutation(m, seed=seed, epoch=epoch)",
           "order = epoch_permutation(m, seed=seed, epoch=epoch)",
           "reference", _t(f"{TM}::test_defaults_are_course_one_bit_for_bit", "test_training.py"), NA_ROUNDING),
    Mutant("ref-logistic-dZ-sign", "reference_numpy/logistic.py",
           "dZ = sigmoid(Z) - Y", "dZ = Y - sigmoid(Z)",
           "reference", _t("test_finite_differences.py", "test_parity.py"), REFERENCE),
    Mutant("ref-logistic-predict-ignores-b", "reference_numpy/logistic.py",
           'return sigmoid(forward(params["w"], X.dtype.type(params["b"]), X))',
           'return sigmoid(forward(params["w"], X.dtype.type(0.0), X))',
           "reference", _t(KILLERS, "test_course.py", "test_claims.py", "test_oracles.py"), REFERENCE),
    # the course's update rules (reference_numpy/optim.py)
    Mutant("optim-adam-bias-correction-t+1", "reference_numpy/optim.py",
           'v_corrected = v["d" + key] / (1 - beta1**t)', 'v_corrected = v["d" + key] / (1 - beta1**(t + 1))',
           "reference", _t(f"{TM}::test_reference_step_functions_are_the_course_formulas", TM, k="not jax"),
           REFERENCE),
    Mutant("optim-decay-not-floored", "reference_numpy/optim.py",
           "return learning_rate0 / (1 + decay_rate * (epoch_num // time_interval))",
           "return learning_rate0 / (1 + decay_rate * (epoch_num / time_interval))",
           "reference", _t(f"{TM}::test_learning_rate_decay_formulas", TM, k="not jax"), REFERENCE),
    # --------------------------------------------------------------- the shared contract code
    Mutant("batches-same-permutation-every-epoch", "nn_contract/batches.py",
           "return np.random.RandomState(seed + epoch).permutation(m).astype(np.int64)",
           "return np.random.RandomState(seed).permutation(m).astype(np.int64)",
           "contract", _t(TM, "test_training.py", k="order or permutation or batches"), TORCH),
    Mutant("batches-last-batch-dropped", "nn_contract/batches.py",
           "return [(start, min(start + batch_size, m)) for start in range(0, m, batch_size)]",
           "return [(start, min(start + batch_size, m)) for start in range(0, m - batch_size + 1, batch_size)]",
           "contract", _t("test_training.py"), TORCH),
    Mutant("labels-sigmoid-1-at-half", "nn_contract/labels.py",
           "return (AL > 0.5).astype(AL.dtype)", "return (AL >= 0.5).astype(AL.dtype)",
           "contract", _t(KILLERS, "test_course.py", "test_claims.py", "test_parity.py"), TORCH),
    Mutant("labels-softmax-ties-to-last", "nn_contract/labels.py",
           "labels[AL.argmax(axis=0), np.arange(AL.shape[1])] = 1",
           "labels[AL.shape[0] - 1 - AL[::-1].argmax(axis=0), np.arange(AL.shape[1])] = 1",
           "contract", _t(KILLERS, "test_course.py", "test_claims.py", "test_parity.py"), TORCH),
    Mutant("checks-inf-accepted", "nn_contract/checks.py",
           'if arr.dtype.kind == "f" and not np.isfinite(arr).all():',
           'if arr.dtype.kind == "f" and np.isnan(arr).any():',
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("checks-sigmoid-labels-unchecked", "nn_contract/checks.py",
           'if output in ("sigmoid", "softmax") and not np.isin(arr, (0, 1)).all():',
           'if output == "softmax" and not np.isin(arr, (0, 1)).all():',
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("checks-learning-rate-0-accepted", "nn_contract/checks.py",
           "if not math.isfinite(learning_rate) or learning_rate <= 0:",
           "if not math.isfinite(learning_rate) or learning_rate < 0:",
           "contract", _t("test_validation.py", "test_argument_order.py"), TORCH),
    Mutant("optim-lambd-check-and", "nn_contract/optim.py",
           "if not math.isfinite(lambd) or lambd < 0:", "if not math.isfinite(lambd) and lambd < 0:",
           "contract", _t(TM, k="refused"), TORCH),
    Mutant("optim-beta-1-accepted", "nn_contract/optim.py",
           "if not 0.0 <= value < 1.0:", "if not 0.0 <= value <= 1.0:",
           "contract", _t(TM, k="refused"), NA_CALLER),
    Mutant("dropout-order-draw-skipped", "nn_contract/dropout.py",
           "rng.permutation(m)  # the epoch's order (batches.epoch_permutation), drawn first",
           "pass  # the epoch's order (batches.epoch_permutation), drawn first",
           "contract", _t(TM, k="masks or draw"), TORCH),
    Mutant("dropout-mask-threshold-le", "nn_contract/dropout.py",
           "f\"D{l}\": (rng.rand(n, stop - start) < keep).astype(dtype)",
           "f\"D{l}\": (rng.rand(n, stop - start) <= keep).astype(dtype)",
           "contract", _t(TM, k="masks or draw"), TORCH,
           equivalent="rand() returns k/2**53; it equals keep_prob with probability 2**-53 per unit, "
                      "and for keep_prob = 1 both keep every unit (rand() < 1): no seed a test could "
                      "afford to search tells them apart"),
    Mutant("dropout-masks-not-0-1-accepted", "nn_contract/dropout.py",
           "if not np.isin(arr, (0, 1)).all():", "if not ((arr >= 0) & (arr <= 1)).all():",
           "contract", _t(TM, k="refused"), TORCH),
    Mutant("init-he-is-xavier", "nn_contract/init.py",
           '"he": lambda n_in: math.sqrt(2.0 / n_in),', '"he": lambda n_in: math.sqrt(1.0 / n_in),',
           "contract", _t("test_contract.py"), NA_CALLER),
    Mutant("spec-linear-defaults-to-l1", "nn_contract/spec.py",
           '"linear": "squared_error",', '"linear": "l1",',
           "contract", _t("test_contract.py"), NA_CALLER),
    # --------------------------------------------------------------- torch
    Mutant("torch-relu-kink", "torch_impl/activations.py",
           "return torch.relu(Z)", "return torch.clamp(Z, min=0)",
           "torch", _t("test_kinks_and_saturation.py", k="torch"), TORCH),
    Mutant("torch-softmax-over-examples", "torch_impl/activations.py",
           "return torch.softmax(Z, dim=0)", "return torch.softmax(Z, dim=1)",
           "torch", _t("test_claims.py", "test_protocol.py", k="torch or builtin"), TORCH),
    Mutant("torch-cce-log-of-softmax", "torch_impl/losses.py",
           "return -(Y * F.log_softmax(ZL, dim=0)).sum(dim=0, keepdim=True)",
           "return -(Y * torch.log(torch.softmax(ZL, dim=0))).sum(dim=0, keepdim=True)",
           "torch", _t("test_kinks_and_saturation.py", k="torch"), TORCH),
    Mutant("torch-bias-not-loaded", "torch_impl/deep.py",
           'layer.bias.copy_(tensors[f"b{l}"].reshape(-1))', "layer.bias.zero_()",
           "torch", _t(KILLERS, "test_contract.py", TM, k="torch"), TORCH),
    Mutant("torch-momentum-undamped", "torch_impl/optim.py",
           "return torch.optim.SGD(groups, lr=learning_rate * (1 - optimizer.beta), momentum=optimizer.beta)",
           "return torch.optim.SGD(groups, lr=learning_rate, momentum=optimizer.beta)",
           "torch", _t(f"{TM}::test_torch_optim_configured_is_the_course", TM, k="torch"), TORCH),
    Mutant("torch-l2-on-biases", "torch_impl/optim.py",
           '{"params": list(biases), "weight_decay": 0.0, "l2": False}]',
           '{"params": list(biases), "weight_decay": 0.0, "l2": True}]',
           "torch", _t(f"{TM}::test_l2_weight_decay_spares_the_biases_only_in_the_course_mapping", TM, k="torch"),
           TORCH),
    Mutant("torch-weight-decay-not-over-m", "torch_impl/optim.py",
           'group["weight_decay"] = lambd / m', 'group["weight_decay"] = lambd',
           "torch", _t(TM, k="torch"), TORCH),
    Mutant("torch-decay-not-floored", "torch_impl/optim.py",
           "torch_optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * (epoch // time_interval))",
           "torch_optimizer, lambda epoch: 1.0 / (1.0 + decay_rate * (epoch / time_interval))",
           "torch", _t(f"{TM}::test_decay_schedules_are_the_course_schedule", TM, k="torch"), TORCH),
    Mutant("torch-dropout-unscaled", "torch_impl/deep.py",
           'A = A * masks[f"D{l + 1}"] / keep_prob[l]', 'A = A * masks[f"D{l + 1}"]',
           "torch", _t(TM, k="torch"), TORCH),
    Mutant("torch-logistic-b-not-loaded", "torch_impl/logistic.py",
           'model.linear.bias.fill_(params["b"])  # b rounds to w\'s dtype, as in the reference',
           "model.linear.bias.fill_(0.0)  # b rounds to w's dtype, as in the reference",
           "torch", _t(KILLERS, "test_contract.py", k="torch"), TORCH),
    Mutant("torch-logistic-l2-on-b", "torch_impl/logistic.py",
           "torch_optimizer = course_optimizer(methods.optimizer, [weight], [bias], learning_rate)",
           "torch_optimizer = course_optimizer(methods.optimizer, [weight, bias], [], learning_rate)",
           "torch", _t(TM, k="torch and logistic"), TORCH),
    # --------------------------------------------------------------- JAX
    Mutant("jax-relu-maximum", "jax_impl/activations.py",
           "return jnp.where(Z > 0, Z, 0)", "return jnp.maximum(Z, 0)",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-l1-abs", "jax_impl/losses.py",
           "return jnp.sign(D) * D", "return jnp.abs(D)",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-bce-textbook-stable", "jax_impl/losses.py",
           "return jnp.logaddexp(0, ZL) - Y * ZL",
           "return jnp.maximum(ZL, 0) - Y * ZL + jnp.log1p(jnp.exp(-jnp.abs(ZL)))",
           "jax", _t("test_kinks_and_saturation.py", k="jax"), JAX),
    Mutant("jax-rmsprop-eps-in-sqrt", "jax_impl/optim.py",
           "eps_in_sqrt=not course)", "eps_in_sqrt=course)",
           "jax", _t(f"{TM}::test_optax_configured_is_the_course", TM, k="jax"), JAX),
    Mutant("jax-momentum-nesterov", "jax_impl/optim.py",
           "return optax.sgd(lr, momentum=beta)", "return optax.sgd(lr, momentum=beta, nesterov=True)",
           "jax", _t(f"{TM}::test_optax_configured_is_the_course", TM, k="jax"), JAX),
    Mutant("jax-decay-per-step", "jax_impl/optim.py",
           "return learning_rate / (1 + decay_rate * ((count // steps_per_epoch) // time_interval))",
           "return learning_rate / (1 + decay_rate * (count // time_interval))",
           "jax", _t(f"{TM}::test_decay_schedules_are_the_course_schedule", TM, k="jax"), JAX),
    Mutant("jax-l2-on-biases", "jax_impl/optim.py",
           'return {key: key[0] in "Ww" for key in params}', "return {key: True for key in params}",
           "jax", _t(f"{TM}::test_l2_weight_decay_spares_the_biases_only_in_the_course_mapping", TM, k="jax"), JAX),
    Mutant("jax-dropout-unscaled", "jax_impl/deep.py",
           'A = A * masks[f"D{l}"] / keep_prob[l - 1]', 'A = A * masks[f"D{l}"]',
           "jax", _t(TM, k="jax"), JAX),
    Mutant("jax-logistic-l2-not-over-m", "jax_impl/logistic.py",
           "transform = course_transform(optimizer, learning_rate, lambd / m if l2 else None, weight_mask(params))",
           "transform = course_transform(optimizer, learning_rate, lambd if l2 else None, weight_mask(params))",
           "jax", _t(TM, k="jax and logistic"), JAX),
    # --------------------------------------------------------------- the harness
    Mutant("tolerance-float64-grad-loosened", "parity/tolerance.py",
           '("float64", "cpu"): Tolerance(cost=1e-12, grad=1e-10),',
           '("float64", "cpu"): Tolerance(cost=1e-12, grad=1e-8),',
           "harness", _t("test_contract.py", "test_parity.py"), NA_HARNESS),
    Mutant("tolerance-zero-reference-hides-all", "parity/tolerance.py",
           "return diff / scale if scale > 0 else diff", "return diff / scale if scale > 0 else 0.0",
           "harness", _t("test_contract.py", "test_parity.py"), NA_HARNESS),
    Mutant("compare-passed-by-either", "parity/compare.py",
           '"passed": bool(cost_err <= tol.cost and grad_err <= tol.grad),',
           '"passed": bool(cost_err <= tol.cost or grad_err <= tol.grad),',
           "harness", _t("test_parity.py", k="harness"), NA_HARNESS),
    Mutant("compare-against-itself", "parity/compare.py",
           'ref_cost, ref_grads = reference or _run(reference_backend(), case, "cpu", dtype)',
           'ref_cost, ref_grads = reference or _run(backend, case, "cpu", dtype)',
           "harness", _t(KILLERS, "test_parity.py", "test_protocol.py"), NA_HARNESS),
    Mutant("compare-training-length-ignored", "parity/compare.py",
           'costs_err = relative_error(costs, ref_costs) if len(costs) == len(ref_costs) else float("inf")',
           "costs_err = relative_error(costs, ref_costs) if len(costs) == len(ref_costs) else 0.0",
           "harness", _t(KILLERS, "test_training.py", "test_report.py"), NA_HARNESS),
    Mutant("conformance-predict-half-any-label", "parity/sections/conventions.py",
           "ok = labels.shape == (1, 2) and np.all(labels == 0)", "ok = labels.shape == (1, 2)",
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    Mutant("conformance-bad-input-any-message", "parity/runner.py",
           "ok = argument in str(exc)", "ok = True",
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    Mutant("conformance-exception-skipped", "parity/runner.py",
           'self.add(check, case, quantity, dtype, device, "failed",',
           'self.add(check, case, quantity, dtype, device, "skipped",',
           "harness", _t(KILLERS, "test_protocol.py"), NA_HARNESS),
    # --------------------------------------------------------------- the data loader
    Mutant("data-flower-noise", "parity/data/builtin.py",
           "t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.2  # theta",
           "t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * 0.3  # theta",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-three-classes-a-regression", "parity/data/tasks.py",
           "return min(MAX_INFERRED_CLASSES, max(3, m // 10))", "return min(MAX_INFERRED_CLASSES, max(2, m // 10))",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-csv-label-first-column", "parity/data/files.py",
           "label = columns[-1] if label_column is None else label_column",
           "label = columns[0] if label_column is None else label_column",
           "data", _t("test_data.py"), NA_DATA),
    Mutant("data-h5-pixels-over-256", "parity/data/files.py",
           "flat = flat / 255.0", "flat = flat / 256.0",
           "data", _t("test_data.py"), NA_DATA),
]


# --------------------------------------------------------------------------- the catalogue, checked


def check_mutants(mutants: Iterable[Mutant], root: Path) -> list[str]:
    """Every problem with ``mutants`` against the tree at ``root``: a line that does not occur
    exactly once in its file, a test selection that names a missing test file or test, an
    unknown category, a duplicate name, a no-op. Empty when all is well."""
    problems, seen = [], set()
    for m in mutants:
        if m.name in seen:
            problems.append(f"{m.name}: duplicate name")
        seen.add(m.name)
        problems += [f"{m.name}: {p}" for p in _shape_problems(m)]
        problems += [f"{m.name}: {p}" for p in selection_problems(m.tests, root)]
        path = root / m.file
        if not path.is_file():
            problems.append(f"{m.name}: {m.file} does not exist")
            continue
        count = m.count_in(path.read_text())
        if count != 1:
            problems.append(f"{m.name}: the line occurs {count} times in {m.file} (must be once): {m.old!r}")
    return problems


def _shape_problems(m: Mutant) -> list[str]:
    problems = []
    if m.where not in WHERE:
        problems.append(f"unknown where {m.where!r}")
    if not m.old or m.old == m.new or "\n" in m.old or "\n" in m.new:
        problems.append("a mutant is one changed line")
    if m.old != m.old.strip() or m.new != m.new.strip():
        problems.append("old and new are written without indentation (the file's own is kept)")
    if not m.check_applies and not m.check.startswith("n/a"):
        problems.append("check must be arguments or an 'n/a: ...' reason")
    return problems


def selection_problems(tests: tuple[str, ...], root: Path) -> list[str]:
    """What in a pytest selection (files, ``file::test`` node ids, ``-k EXPR``) does not exist
    under ``root``. A ``-k`` expression is not checked here: one that selects nothing makes
    pytest exit 5, which the benchmark reports as its own error, never as a kill."""
    problems, args = [], list(tests)
    if not args:
        return ["no test selection"]
    while args:
        arg = args.pop(0)
        if arg == "-k":
            if not args or not args.pop(0).strip():
                problems.append("-k without an expression")
            continue
        if arg.startswith("-"):
            problems.append(f"unexpected pytest option {arg!r} in the selection")
            continue
        file, _, node = arg.partition("::")
        path = root / file
        if not path.is_file():
            problems.append(f"the test file {file} does not exist")
        elif node and not _defines(path.read_text(), node.split("::")[0].split("[")[0]):
            problems.append(f"{file} defines no test {node.split('[')[0]!r}")
    return problems


def _defines(source: str, name: str) -> bool:
    """Whether ``source`` defines a function or class ``name`` at any level."""
    return re.search(rf"^\s*(?:async\s+def|def|class)\s+{re.escape(name)}\b", source, re.M) is not None
