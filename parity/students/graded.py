"""The course's graded functions, and which of them a student's file defines.

Each assignment's graded functions, in dependency order, under the course's names and
signatures. A function of the file is graded when its name is a course name of the
assignment (or ``--function COURSE=THEIRS`` maps it) and the course's positional arguments
fit its signature (``signature_fits``). The assignment is the one whose names and
signatures the file matches best (``detect``), unless ``--assignment`` names it.

The assignment -> names table is the reference's (``ASSIGNMENTS`` in its course package,
found through the registry): the course is written down once.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field

from .loader import parse

__all__ = ["COURSE_SIGNATURES", "Signature", "Detection", "signatures_of",
           "signature_fits", "detect", "calls_of", "top_level_bindings"]

# The course's positional parameters, per graded name (the names the notebooks' templates use).
# A name graded in two assignments with two signatures (planar's compute_cost(A2, Y) against
# the deep network's compute_cost(AL, Y)) is keyed (assignment, name).
COURSE_SIGNATURES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("z",),
    "initialize_with_zeros": ("dim",),
    "propagate": ("w", "b", "X", "Y"),
    "optimize": ("w", "b", "X", "Y", "num_iterations", "learning_rate"),
    "predict": ("w", "b", "X"),
    "model": ("X_train", "Y_train", "X_test", "Y_test"),
    "layer_sizes": ("X", "Y"),
    "initialize_parameters": ("n_x", "n_h", "n_y"),
    "forward_propagation": ("X", "parameters"),
    "backward_propagation": ("parameters", "cache", "X", "Y"),
    "nn_model": ("X", "Y", "n_h"),
    "initialize_parameters_deep": ("layer_dims",),
    "linear_forward": ("A", "W", "b"),
    "linear_activation_forward": ("A_prev", "W", "b", "activation"),
    "L_model_forward": ("X", "parameters"),
    "compute_cost": ("AL", "Y"),
    "linear_backward": ("dZ", "cache"),
    "linear_activation_backward": ("dA", "cache", "activation"),
    "L_model_backward": ("AL", "Y", "caches"),
    "update_parameters": ("parameters", "grads", "learning_rate"),
    "relu": ("Z",),
    "sigmoid_backward": ("dA", "cache"),
    "relu_backward": ("dA", "cache"),
    "two_layer_model": ("X", "Y", "layers_dims"),
    "L_layer_model": ("X", "Y", "layers_dims"),
    "initialize_parameters_zeros": ("layers_dims",),
    "initialize_parameters_random": ("layers_dims",),
    "initialize_parameters_he": ("layers_dims",),
    "compute_cost_with_regularization": ("A3", "Y", "parameters", "lambd"),
    "backward_propagation_with_regularization": ("X", "Y", "cache", "lambd"),
    "forward_propagation_with_dropout": ("X", "parameters", "keep_prob"),
    "backward_propagation_with_dropout": ("X", "Y", "cache", "keep_prob"),
    "gradient_check_n": ("parameters", "gradients", "X", "Y"),
    "update_parameters_with_gd": ("parameters", "grads", "learning_rate"),
    "random_mini_batches": ("X", "Y", "mini_batch_size"),
    "initialize_velocity": ("parameters",),
    "update_parameters_with_momentum": ("parameters", "grads", "v", "beta", "learning_rate"),
    "initialize_adam": ("parameters",),
    "update_parameters_with_adam": ("parameters", "grads", "v", "s", "t", "learning_rate"),
    "update_lr": ("learning_rate0", "epoch_num", "decay_rate"),
    "schedule_lr_decay": ("learning_rate0", "epoch_num", "decay_rate", "time_interval"),
}
_ASSIGNMENT_SIGNATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("planar", "compute_cost"): ("A2", "Y"),
    ("planar", "update_parameters"): ("parameters", "grads"),
    ("planar", "predict"): ("parameters", "X"),
    ("deep_step_by_step", "sigmoid"): ("Z",),
    ("deep_application", "predict"): ("X", "y", "parameters"),
    ("gradient_checking", "forward_propagation"): ("x", "theta"),
    ("gradient_checking", "backward_propagation"): ("x", "theta"),
    ("gradient_checking", "gradient_check"): ("x", "theta"),
    ("gradient_checking", "forward_propagation_n"): ("X", "Y", "parameters"),
    ("gradient_checking", "backward_propagation_n"): ("X", "Y", "cache"),
}

@dataclass(frozen=True)
class Signature:
    """A function's parameters as written: positional names, how many have no default,
    whether it takes ``*args``, and the defaults written as literals (name -> value)."""

    names: tuple[str, ...]
    required: int
    varargs: bool = False
    line: int | None = None  # of the ``def`` in the module's source
    defaults: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Detection:
    """The assignment, and its graded functions the file defines: course name -> the student's
    name, in dependency order; ``unfit``: course name -> why a function of that name is not
    checked (its signature does not take the course's arguments)."""

    assignment: str | None
    graded: dict[str, str]
    unfit: dict[str, str]
    detected: bool = True  # False where --assignment named it


@functools.lru_cache(maxsize=4)
def _tree(source: str) -> ast.Module:
    """``parse(source)``, kept for the next ask: each graded function of a file asks for the same
    source's signatures and calls (a score of parses a file otherwise). Read, never changed."""
    return parse(source)


def _literals(names, nodes) -> dict:
    """name -> the default's value, for the defaults written as literals (``0.0075``, ``False``)."""
    out = {}
    for name, node in zip(names, nodes):
        try:
            out[name] = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError):  # an expression (``np.inf``, a call): not a literal
            continue
    return out


def signatures_of(source: str) -> dict[str, Signature]:
    """The top-level functions of a module's source, with their signatures."""
    try:
        tree = _tree(source)
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            positional = [p.arg for p in (*a.posonlyargs, *a.args)]
            out[node.name] = Signature(tuple(positional), len(positional) - len(a.defaults), a.vararg is not None,
                                       node.lineno, _literals(positional[len(positional) - len(a.defaults):],
                                                              a.defaults))
    return out


def top_level_bindings(source: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(the names the module's top level binds by ``import``, ``def``, ``class`` or assignment,
    the modules it star-imports). A source that does not parse binds nothing."""
    try:
        tree = _tree(source)
    except SyntaxError:
        return frozenset(), ()
    names, stars = set(), []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    stars.append(node.module or "")
                else:
                    names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return frozenset(names), tuple(stars)


def calls_of(source: str, function: str, names) -> tuple[str, ...]:
    """Which of ``names`` the top-level ``function`` of ``source`` refers to (calls or passes on)."""
    try:
        tree = _tree(source)
    except SyntaxError:
        return ()
    wanted = set(names) - {function}
    found: dict[str, None] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and sub.id in wanted:
                    found[sub.id] = None
    return tuple(found)


def course_signature(assignment: str | None, name: str) -> tuple[str, ...]:
    return _ASSIGNMENT_SIGNATURES.get((assignment, name), COURSE_SIGNATURES.get(name, ()))


def signature_fits(signature: Signature, course: tuple[str, ...]) -> bool:
    """Whether the course's positional arguments can be passed to the student's function."""
    if signature.varargs:
        return signature.required <= len(course)
    return signature.required <= len(course) <= len(signature.names)


def _score(assignment: str, names: tuple[str, ...], signatures: dict[str, Signature]) -> tuple[int, int]:
    """(functions whose name and arity fit, whose parameter names are the course's too)."""
    fits = same = 0
    for name in names:
        sig = signatures.get(name)
        course = course_signature(assignment, name)
        if sig is not None and signature_fits(sig, course):
            fits += 1
            same += tuple(sig.names[:len(course)]) == course
    return fits, same


def detect(signatures: dict[str, Signature], assignments: dict[str, tuple[str, ...]], *,
           assignment: str | None = None, mapping: dict[str, str] | None = None) -> Detection:
    """The assignment the file is (``assignment`` overrides) and its graded functions there.

    mapping: course name -> the student's name for it (``--function``). Raises ValueError for an
    unknown assignment or a mapping whose course name is not graded in any assignment.
    """
    mapping = dict(mapping or {})
    known = {n for names in assignments.values() for n in names}
    for course_name in mapping:
        if course_name not in known:
            raise ValueError(f"--function {course_name}=...: {course_name!r} is not one of the course's graded "
                             f"functions ({', '.join(sorted(known))})")
    if assignment is not None and assignment not in assignments:
        raise ValueError(f"assignment must be one of {', '.join(assignments)}, got {assignment!r}")
    # What the file's names look like under the course's: the mapped ones renamed.
    renamed = dict(signatures)
    for course_name, theirs in mapping.items():
        if theirs in signatures:
            renamed[course_name] = signatures[theirs]
    detected = assignment is None
    if detected:
        scores = {a: _score(a, names, renamed) for a, names in assignments.items()}
        best = max(scores, key=lambda a: (scores[a], -list(assignments).index(a)))
        if scores[best][0] == 0:
            return Detection(None, {}, {}, True)
        assignment = best
    graded, unfit = {}, {}
    for name in assignments[assignment]:
        theirs = mapping.get(name, name)
        sig = signatures.get(theirs)
        if sig is None:
            continue
        course = course_signature(assignment, name)
        if signature_fits(sig, course):
            graded[name] = theirs
        else:
            unfit[name] = (f"{theirs}({', '.join(sig.names)}) does not take the course's arguments "
                           f"({', '.join(course)})")
    return Detection(assignment, graded, unfit, detected)
