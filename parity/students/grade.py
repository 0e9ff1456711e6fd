"""One student's file checked, function by function, against the reference's course module.

    result = check_file("week4.ipynb", timeout=60)
    result.functions      # [FunctionVerdict(course, theirs, status, case, detail, cause, where), ...]
    result.headline       # the first wrong function in dependency order, in words (or None)
    result.rows           # the conformance rows: check, case, quantity, ..., function, cause

Each graded function (``graded.detect``) is called in the student's process (``Sandbox``) on
every case of ``cases`` and compared with the reference's output on the same inputs, computed
here through the registry. Where a case fails and the function uses the student's other graded
functions, it is called once more with the reference's in their place: a function that then
agrees is right, and its difference was its helper's (said in the row). The caller's inputs are
compared before and after every call: a write into them fails the case, rebinding a dict entry
is a warning, and so is a float32 case answered in float64. A case the course's own formula
cannot take (log of an exact 0 or 1) is a note whatever the student returns.

A call that hangs or kills the student's process is its function's verdict; the functions after
it are checked in a fresh process (``Sandbox.restart``, at most ``MAX_RESTARTS`` a file), with
the reference's in place of the one that died wherever they use it. A graded function whose
cell does not parse is an error at that cell and line, not a function the file leaves out, and
the reference's stands in for it likewise.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .cases import Case, cases_for
from .cases_course2 import CASE_MAKERS_COURSE2
from .cases_models import CASE_MAKERS_MODELS
from .causes import FLOAT32_AS_FLOAT64, REBINDS_CALLER, WRITES_INTO_CALLER, Evidence, probable_cause
from .compare import first_difference, normalise, same_value
from .composed import COMPOSED, STEP_FUNCTIONS, run_composed
from .graded import Detection, calls_of, detect, signatures_of, top_level_bindings
from .loader import Origin, ParseError
from .published import PUBLISHED_TIMEOUT, published_run
from .sandbox import DEFAULT_TIMEOUT, Sandbox, Verdict, course_package, reference_course

__all__ = ["ROW_COLUMNS", "FUNCTION_STATUSES", "FunctionVerdict", "FileResult", "check_file", "reference_course",
           "assignments", "assignment_reference", "MAX_RESTARTS"]

ROW_COLUMNS = ("check", "case", "quantity", "dtype", "device", "status", "error", "tolerance", "detail",
               "function", "cause")
FUNCTION_STATUSES = ("passed", "failed", "error", "warning", "skipped")
_MORE_MAKERS = {**CASE_MAKERS_COURSE2, **CASE_MAKERS_MODELS}
_RANK = {"passed": 0, "note": 0, "skipped": 0, "warning": 1, "failed": 2, "error": 3}
# Fresh processes a file gets after one died: a hang in one function does not decide the others',
# and a file whose every function hangs still ends within (1 + MAX_RESTARTS) time limits.
MAX_RESTARTS = 3
_STOPPED = {"timeout": "did not answer", "crashed": "ended its process", "memory": "ran out of memory"}
_ARGUMENT = re.compile(r"^\[(\d+)\]")


@dataclass
class FunctionVerdict:
    """One graded function's verdict: status (``FUNCTION_STATUSES``), and for a failure the
    first failing case, what differs, the probable cause and the student's cell and line."""

    course: str
    theirs: str
    status: str = "passed"
    case: str = ""
    detail: str = ""
    cause: str = ""
    where: str = ""
    checked: int = 0
    # for an error: how the call ended ("error", "timeout", "crashed", "memory"); "missing" for
    # a function the file does not define
    stopped: str = ""

    def line(self) -> str:
        name = self.theirs if self.theirs == self.course else f"{self.course}: {self.theirs}" \
            if self.course == COMPOSED else f"{self.theirs} (the course's {self.course})"
        text = f"{self.status.upper():<8} {name}"
        if self.status == "passed":
            return text + f": {self.checked} case(s)" + (f"; {self.detail}" if self.detail else "")
        text += f" [{self.case}]" if self.case else ""
        text += f": {self.detail}" if self.detail else ""
        text += f" ({self.where})" if self.where else ""
        return text + (f"; probable cause: {self.cause}" if self.cause else "")


@dataclass
class FileResult:
    path: Path
    assignment: str | None = None
    detected: bool = True  # False where --assignment named it
    import_verdict: Verdict | None = None
    functions: list[FunctionVerdict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.functions) and all(f.status in ("passed", "warning", "skipped") for f in self.functions) \
            and any(f.status in ("passed", "warning") for f in self.functions)

    @property
    def headline(self) -> str | None:
        """The first wrong function in dependency order, in words."""
        for f in self.functions:
            if f.status in ("failed", "error"):
                verb = "is wrong" if f.status == "failed" else _STOPPED.get(f.stopped, "raised")
                text = f"{f.theirs} {verb}"
                text += f" on the case {f.case}" if f.case else ""
                text += f": {f.detail}" if f.detail else ""
                text += "" if not f.where else f" ({f.where})" if f.where.startswith("defined") or verb != "raised" \
                    else f" (raised at {f.where})"
                return text + (f". Probable cause: {f.cause}." if f.cause else ".")
        return None


def assignment_reference(course, assignment: str | None):
    """The reference's module of ``assignment`` (its graded functions under the course's names),
    ``course.assignment_module(name)``; the course package itself for None."""
    return course if assignment is None else course.assignment_module(assignment)


def assignments(course) -> dict[str, tuple[str, ...]]:
    """The reference's assignment -> graded names, in dependency order (``course.ASSIGNMENTS``)."""
    return dict(course.ASSIGNMENTS)


def _where(function) -> str:
    return f"{function.__module__}:{function.__name__}"


def _reached(source: str, function: str, names) -> list[str]:
    """Which of ``names`` ``function`` uses, directly or through others of ``names``."""
    found: dict[str, None] = {}
    todo = [function]
    while todo:
        for name in calls_of(source, todo.pop(), names):
            if name not in found and name != function:
                found[name] = None
                todo.append(name)
    return list(found)


def _row(check, case: Case | None, quantity, status, detail, theirs, cause="", error=None, tol=None) -> dict:
    return {"check": check, "case": case.label if case else "", "quantity": quantity,
            "dtype": case.dtype if case else "", "device": "cpu", "status": status, "error": error,
            "tolerance": tol, "detail": detail, "function": theirs, "cause": cause}


class _FunctionCheck:
    """The cases of one course function on the student's, in the open sandbox."""

    def __init__(self, box: Sandbox, course, detection: Detection, name: str, result: FileResult,
                 stand_in: dict[str, tuple[str, str]]):
        self.box, self.course, self.name = box, course, name
        self.theirs = detection.graded[name]
        self.result = result
        others = [detection.graded[n] for n in detection.graded if n != name]
        back = {theirs: course_name for course_name, theirs in detection.graded.items()}
        used = calls_of(box.loaded.source, self.theirs, others)
        # The reference's in place of each graded function this one uses (by the student's name).
        self.substitute = {n: _where(getattr(course, back[n])) for n in used if hasattr(course, back[n])}
        # ... and from the first call, in place of one whose call killed a process or whose cell
        # does not parse (``stand_in``: the student's name -> the course's, why), wherever this one
        # reaches it (through the student's other graded functions too).
        reached = _reached(box.loaded.source, self.theirs, [*others, *stand_in])
        self.always = {n: _where(getattr(course, stand_in[n][0])) for n in reached
                       if n in stand_in and hasattr(course, stand_in[n][0])}
        self.verdict = FunctionVerdict(name, self.theirs)
        if self.always:
            self.verdict.detail = (f"checked with the reference's {', '.join(self.always)} in place of yours "
                                   f"({'; '.join(f'{n}: {stand_in[n][1]}' for n in self.always)})")
        line = signatures_of(box.loaded.source).get(self.theirs)
        origin = box.loaded.origin(line.line) if line is not None and line.line else None
        self.defined_at = f"defined at {origin}" if origin else ""

    def run(self, cases: list[Case]) -> FunctionVerdict:
        for case in cases:
            status, row = self._case(case)
            self.result.rows.append(row)
            self.verdict.checked += status != "skipped"
            if _RANK.get(status, 0) > _RANK.get(self.verdict.status, 0):
                v = self.verdict
                v.status, v.case, v.detail, v.cause = status, case.label, row["detail"], row["cause"]
                v.where = row.get("_where") or self.defined_at
                v.stopped = row.get("_stopped", "")
            elif status == "passed" and row["detail"] and not self.verdict.detail:
                self.verdict.detail = row["detail"]  # right only with the reference's helpers: say so
            row.pop("_where", None)
            row.pop("_stopped", None)
            if status == "error" and self.box._dead is not None:
                break  # the process is gone: every later call would say the same
        if self.verdict.checked == 0 and self.verdict.status == "passed":
            self.verdict.status, self.verdict.detail = "skipped", "the reference refused every case"
        return self.verdict

    def _reference(self, case: Case):
        fn = getattr(self.course, self.name)
        return fn(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))

    def _call(self, case: Case, substitute: dict | None):
        return self.box.call(self.theirs, *case.args, echo_args=True, substitute=substitute or self.always or None,
                             **case.kwargs)

    def _case(self, case: Case) -> tuple[str, dict]:
        try:
            expected = self._reference(case)
            refused = None
        except (ValueError, TypeError) as exc:
            expected, refused = None, f"{type(exc).__name__}: {exc}"
        call = self._call(case, None)
        if refused is not None:
            if case.saturated:
                got = normalise(self.name, call.value, None) if call.verdict.ok else call.verdict
                return "note", _row(self.name, case, "output", "note", f"the course's own formula takes log(0) here "
                                    f"(the reference refuses: {refused}); yours gave {got!r:.80}", self.theirs)
            return "skipped", _row(self.name, case, "output", "skipped", f"the reference refuses this case: "
                                   f"{refused}", self.theirs)
        status, row = self._outcome(case, call, expected)
        if status in ("failed", "error") and self.substitute.keys() - self.always.keys() and self.box._dead is None:
            # Once more with the reference's helpers: an upstream defect is the helper's verdict.
            status2, row2 = self._outcome(case, self._call(case, self.substitute), expected)
            if status2 not in ("failed", "error"):
                row2["detail"] = (f"right with the reference's {', '.join(self.substitute)} in place of yours; "
                                  f"with yours: {row['detail']}")
            return status2, row2
        return status, row

    def _outcome(self, case: Case, call, expected) -> tuple[str, dict]:
        if not call.verdict.ok:
            return self._raised(case, call.verdict)
        return self._compare(case, call, expected)

    def _raised(self, case: Case, verdict: Verdict) -> tuple[str, dict]:
        message = verdict.message
        cause = probable_cause(Evidence(self.name, case, module=self.course, exception=message))
        row = _row(self.name, case, "output", "error", message, self.theirs, cause.name if cause else "")
        row["_where"], row["_stopped"] = verdict.where(), verdict.status
        return "error", row

    def _named(self, path: str) -> str:
        """``[0]['W1']`` (the first argument's entry W1) under the course's name for the argument:
        ``parameters['W1']``."""
        try:
            names = list(inspect.signature(getattr(self.course, self.name)).parameters)
        except (TypeError, ValueError):
            return path
        found = _ARGUMENT.match(path)
        if found is None or int(found.group(1)) >= len(names):
            return path
        return names[int(found.group(1))] + path[found.end():]

    def _compare(self, case: Case, call, expected) -> tuple[str, dict]:
        student = normalise(self.name, call.value, expected)
        if call.written:
            written = [self._named(path) for path in call.written]
            more = f" and {len(written) - 3} more" if len(written) > 3 else ""
            return "failed", _row(self.name, case, written[0], "failed",
                                  f"wrote into the caller's {', '.join(written[:3])}{more}", self.theirs,
                                  WRITES_INTO_CALLER.name)
        difference = first_difference(self.name, student, expected, case.dtype, "output")
        if difference is not None and difference.kind != "dtype":
            cause = probable_cause(Evidence(self.name, case, difference, student, expected, self.course))
            return "failed", _row(self.name, case, difference.where, "failed", difference.detail, self.theirs,
                                  cause.name if cause else "", difference.error)
        if call.args_after is not None and not same_value(list(call.args_after), list(case.args)):
            return "warning", _row(self.name, case, "arguments", "warning", "rebound entries of the caller's dict "
                                   "(its arrays left as they were)", self.theirs, REBINDS_CALLER.name)
        if difference is not None:
            return "warning", _row(self.name, case, difference.where, "warning", difference.detail, self.theirs,
                                   FLOAT32_AS_FLOAT64.name)
        return "passed", _row(self.name, case, "output", "passed", "", self.theirs)


def check_file(path: Path | str, *, timeout: float = DEFAULT_TIMEOUT, assignment: str | None = None,
               mapping: dict[str, str] | None = None, memory_bytes: int | None = None,
               published: bool = True) -> FileResult:
    """Check one notebook or ``.py`` file (module docstring). ``assignment`` and ``mapping``
    (course name -> the student's) as ``graded.detect``; whatever the file does is its result.
    ``published``: for the application assignment, where the course's cat data lies next to the
    file, its models' costs and accuracies against the course's published ones
    (``published.published_run``: the course's 2500 iterations, a minute or more)."""
    started = time.perf_counter()
    course = reference_course()
    table = assignments(course)
    result = FileResult(Path(path))
    options = {"timeout": timeout} | ({"memory_bytes": memory_bytes} if memory_bytes else {})
    with Sandbox(path, **options) as box:
        result.import_verdict = box.import_verdict
        result.notes = box.notes()
        for error in box.import_errors:
            result.notes.append(f"a top-level statement raised: {error}")
        if box.import_verdict.status not in ("ok", "error"):
            result.notes.append(f"the file did not import: {box.import_verdict}")
        detection = detect(signatures_of(box.loaded.source), table, assignment=assignment, mapping=mapping)
        result.assignment, result.detected = detection.assignment, detection.detected
        reference = assignment_reference(course, detection.assignment)
        if detection.assignment is None:
            result.notes.append("no graded function of the course's assignments found (by name and signature)")
        broken = _unparsed(box.loaded.parse_errors)
        stand_in: dict[str, tuple[str, str]] = {}  # the student's name -> (the course's, why)
        restarts = 0
        for name in table.get(detection.assignment, ()):
            if name in detection.unfit:
                result.functions.append(FunctionVerdict(name, name, "skipped", detail=detection.unfit[name]))
                continue
            if name not in detection.graded:
                theirs = (mapping or {}).get(name, name)
                if theirs in broken:
                    result.functions.append(_unparsed_verdict(name, theirs, broken[theirs], result))
                    stand_in[theirs] = (name, "its cell does not parse")
                elif _undefined(box.loaded.source, theirs):
                    # Said, not failed: an older version of an assignment may lack a function the
                    # reference grades. Its callers are checked with the reference's in its place.
                    result.functions.append(_missing_verdict(name, theirs, result))
                    stand_in[theirs] = (name, "the file does not define it")
                continue
            verdict = _check_function(box, reference, detection, name, result, stand_in)
            result.functions.append(verdict)
            if box._dead is not None and restarts < MAX_RESTARTS and box.import_verdict.status in ("ok", "error"):
                stand_in[verdict.theirs] = (name, box._dead.status)
                restarts += 1
                box.restart()
        if detection.assignment == "deep_step_by_step":
            result.functions.append(_composed(box, detection, result))
    if detection.assignment == "deep_application" and published:
        # The course's 2500 iterations on its cat data, where the data lies next to the file:
        # minutes, so in a process of their own, started only then (``published``).
        rows = published_run(path, detection.graded, timeout=max(timeout, PUBLISHED_TIMEOUT),
                             **({"memory_bytes": memory_bytes} if memory_bytes else {}))
        result.rows += rows
        _fold(result, rows)
    result.seconds = time.perf_counter() - started
    return result


def _unparsed(errors: tuple[ParseError, ...]) -> dict[str, ParseError]:
    """The functions that cells which do not parse define (their ``def`` lines), the first such
    cell for each."""
    out: dict[str, ParseError] = {}
    for error in errors:
        for name in error.defines:
            out.setdefault(name, error)
    return out


def _unparsed_verdict(name: str, theirs: str, error: ParseError, result: FileResult) -> FunctionVerdict:
    detail = f"its cell does not parse ({error.message}); the function was not defined"
    result.rows.append(_row(name, None, "output", "error", detail, theirs))
    return FunctionVerdict(name, theirs, "error", detail=detail, where=str(Origin(error.cell, error.line,
                                                                                  error.file_line)))


def _undefined(source: str, name: str) -> bool:
    """Whether the file's top level leaves ``name`` unbound: not defined, not imported (a
    course helper such as ``dnn_utils.sigmoid`` comes by import), not in a star-imported course
    module; the course's test and data modules (``from public_tests import *``) hold none of
    its graded functions; a star import of any other module may bind it, so it is not said to
    be missing."""
    names, stars = top_level_bindings(source)
    if name in names:
        return False
    package = course_package()
    modules = importlib.import_module(package) if package else None
    math = modules.MATH_MODULES if modules else {}
    for module in stars:
        if modules is not None and modules.is_stub_module(module.split(".")[0]):
            continue
        if module not in math:
            return False
        provided = importlib.import_module(f"{package}.{math[module]}")
        if name in getattr(provided, "__all__", vars(provided)):
            return False
    return True


def _missing_verdict(name: str, theirs: str, result: FileResult) -> FunctionVerdict:
    detail = f"not checked: the file defines no {theirs}"
    result.rows.append(_row(name, None, "output", "skipped", detail, theirs))
    return FunctionVerdict(name, theirs, "skipped", detail=detail, stopped="missing")


def _fold(result: FileResult, rows: list[dict]) -> None:
    """The published run into the verdicts: its first row worse than a function's passing
    verdict becomes the verdict (a function already wrong on its own cases keeps that, the
    clearer, verdict); a passing run is said in the verdict, a run not made in a note."""
    verdicts = {f.theirs: f for f in result.functions}
    for row in rows:
        verdict = verdicts.get(row["function"])
        if row["quantity"] == "data":  # the one row for every model: no data to run on
            result.notes.append(f"the course's published run was not checked: {row['detail']}")
            continue
        if verdict is None or verdict.status in ("failed", "error") \
                or _RANK.get(row["status"], 0) <= _RANK.get(verdict.status, 0):
            continue
        detail = row["detail"] if row["detail"].startswith(row["quantity"]) else f"{row['quantity']}: {row['detail']}"
        verdict.status, verdict.case, verdict.detail = row["status"], row["case"], detail
    for theirs, verdict in verdicts.items():
        ran = [r for r in rows if r["function"] == theirs and r["status"] == "passed"]
        if ran and verdict.status in ("passed", "warning"):
            verdict.checked += len(ran)
            said = f"the course's published costs and accuracies on its cat data ({len(ran)} checks)"
            verdict.detail = f"{verdict.detail}; {said}" if verdict.detail else said


def _composed(box, detection, result) -> FunctionVerdict:
    """The step functions composed into gradient descent (``composed``), once all passed alone."""
    theirs = " + ".join(detection.graded.get(n, n) for n in STEP_FUNCTIONS)
    missing = [n for n in STEP_FUNCTIONS if n not in detection.graded]
    missing += [f.theirs for f in result.functions if f.stopped == "missing" and f.theirs not in missing]
    wrong = [f.theirs for f in result.functions if f.status in ("failed", "error")]
    if missing or wrong or box._dead is not None:
        why = (f"composed only once every function passes on its own (first: {wrong[0]})" if wrong else
               f"the file does not define {', '.join(missing)}" if missing else "the student's process is gone")
        result.rows.append(_row(COMPOSED, None, "output", "skipped", why, theirs))
        return FunctionVerdict(COMPOSED, theirs, "skipped", detail=why)
    status, case, detail, checks = run_composed(box, detection.graded)
    # The runner's rows, as the file's other rows: checked by the composition of their functions.
    result.rows += [{**asdict(check), "check": f"{COMPOSED}: {check.check}", "function": theirs, "cause": ""}
                    for check in checks]
    checked = sum(check.status != "skipped" for check in checks)
    return FunctionVerdict(COMPOSED, theirs, status, case, detail, checked=checked)


def _check_function(box, course, detection, name, result, stand_in) -> FunctionVerdict:
    theirs = detection.graded[name]
    if box._dead is not None:  # the import died, or the last of MAX_RESTARTS fresh processes did
        detail = ("not checked: the file's import did not finish" if box.import_verdict.status not in ("ok", "error")
                  else f"not checked: {MAX_RESTARTS + 1} of the student's processes died, the most a file is given")
        detail += f" (the last: {box._dead.message}, at {box._dead.where() or 'an unknown line'})"
        result.rows.append(_row(name, None, "output", "error", detail, theirs))
        return FunctionVerdict(name, theirs, "error", detail=detail, stopped=box._dead.status)
    if not hasattr(course, name):
        reason = f"the reference has no {name} yet"
        result.rows.append(_row(name, None, "output", "skipped", reason, theirs))
        return FunctionVerdict(name, theirs, "skipped", detail=reason)
    cases = cases_for(detection.assignment, name, course)
    maker = _MORE_MAKERS.get((detection.assignment, name))
    if cases is None and maker is not None:
        cases = maker(course, np.random.default_rng(20150))
    if cases is None:
        reason = f"no cases for {name} in {detection.assignment} yet"
        result.rows.append(_row(name, None, "output", "skipped", reason, theirs))
        return FunctionVerdict(name, theirs, "skipped", detail=reason)
    return _FunctionCheck(box, course, detection, name, result, stand_in).run(cases)
