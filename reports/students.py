"""``nn-parity check NOTEBOOK|FILE.py|FOLDER``: students' files checked function by function.

One file: ``conformance.csv`` (a row per case: check, case, quantity, ..., function, cause),
``conformance.md`` and ``conformance.html`` in ``--out`` (default ``reports/check/<file>``),
and one line per graded function on stdout, then the headline: the first wrong function in
dependency order, its case, its worst entry, where it raised and the probable cause.

A folder: every ``.ipynb`` and ``.py`` in it (not in subfolders), ``--jobs`` at a time (each
file in its own process, ``parity.students.sandbox``), each file's files in ``--out/<file>/``,
and ``summary.csv``/``.md``/``.html`` in ``--out``: one row per file x function, with its
status, first failed case and cause. A file that hangs, crashes or does not load is a row of
its own; the others are still checked.

Exit codes: 0 every graded function of every file passed (warnings and skips allowed), 1
otherwise, 2 bad arguments (``StudentsError``).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from parity.students.composed import COMPOSED
from parity.students.grade import ROW_COLUMNS, FileResult, assignments, check_file, reference_course
from parity.students.loader import SUFFIXES

from .render import render_html, render_markdown

__all__ = ["StudentsError", "StudentsRun", "is_student_path", "student_files", "parse_mappings", "run_students",
           "print_students", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ("file", "assignment", "function", "course_function", "status", "case", "detail", "cause", "where")


class StudentsError(Exception):
    """A bad argument (exit 2)."""


@dataclass
class StudentsRun:
    path: Path
    out: Path
    results: list[FileResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # file -> why the checker could not check it
    seconds: float = 0.0

    @property
    def folder(self) -> bool:
        return self.path.is_dir()

    @property
    def passed(self) -> bool:
        return not self.failures and bool(self.results) and all(r.passed for r in self.results)


def is_student_path(text: str) -> bool:
    """A notebook, a ``.py`` file, or a folder that is not a Python package (no ``__init__.py``)."""
    path = Path(text)
    if path.suffix in SUFFIXES:
        return True  # a missing one is said so (exit 2), not looked for as a package
    return path.is_dir() and not (path / "__init__.py").exists()


def student_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES and not p.name.startswith("."))


def parse_mappings(texts: list[str]) -> dict[str, str]:
    """``--function COURSE_NAME=THEIRS`` (repeatable) as {course name: the student's name}."""
    out = {}
    for text in texts:
        course, sep, theirs = text.partition("=")
        if not sep or not course.isidentifier() or not theirs.isidentifier():
            raise StudentsError(f"--function must be COURSE_NAME=THEIRS (two Python names), got {text!r}")
        out[course] = theirs
    return out


def _validate(assignment: str | None, mapping: dict[str, str]) -> None:
    table = assignments(reference_course())
    if assignment is not None and assignment not in table:
        raise StudentsError(f"--assignment must be one of {', '.join(table)}, got {assignment!r}")
    known = {n for names in table.values() for n in names}
    for course in mapping:
        if course not in known:
            raise StudentsError(f"--function {course}=...: {course!r} is not one of the course's graded functions")


def _one(path: Path, options: dict) -> FileResult | str:
    try:
        return check_file(path, **options)
    except (ValueError, OSError) as exc:  # a file that cannot be read: its row, not the run's end
        return f"{type(exc).__name__}: {exc}"


class _InProcess:
    """One file at a time, here: a pool of one is not worth a process."""

    map = staticmethod(map)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _pool(jobs: int, n_files: int):
    """``--jobs`` files at once, each checked in a process of its own (which runs the student's
    code in a further process): the checker's side of a file (parsing, comparing, formatting a
    student's traceback) then shares no interpreter state with another file's. Spawned, not
    forked: the checker may already hold a framework's threads, which a fork copies badly."""
    if jobs == 1 or n_files == 1:
        return _InProcess()
    return ProcessPoolExecutor(max_workers=min(jobs, n_files), mp_context=multiprocessing.get_context("spawn"))


def _file_blocks(result: FileResult) -> list[tuple]:
    table = pd.DataFrame(result.rows, columns=list(ROW_COLUMNS))
    blocks: list[tuple] = [("h", 1, f"nn-parity check: {result.path.name}"),
                           ("p", f"Assignment **{result.assignment or 'none found'}**, "
                                 f"{sum(f.course != COMPOSED for f in result.functions)} graded function(s) "
                                 f"({result.seconds:.1f} s).")]
    if result.headline:
        blocks.append(("p", f"**First wrong function:** {result.headline}"))
    blocks += [("h", 2, "Functions"), ("list", [f"`{f.line()}`" for f in result.functions] or ["none"])]
    if result.notes:
        blocks += [("h", 2, "Loading"), ("list", result.notes)]
    bad = table[table["status"].isin(["failed", "error", "warning", "note"])]
    if not bad.empty:
        blocks += [("h", 2, "Cases that did not pass"),
                   ("table", bad[["function", "case", "quantity", "status", "detail", "cause"]])]
    return blocks


def _write_file(result: FileResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(result.rows, columns=list(ROW_COLUMNS)).to_csv(out / "conformance.csv", index=False)
    blocks = _file_blocks(result)
    (out / "conformance.md").write_text(render_markdown(blocks))
    (out / "conformance.html").write_text(render_html(blocks, out, f"nn-parity check: {result.path.name}"))


def _summary(run: StudentsRun) -> pd.DataFrame:
    rows = []
    for result in run.results:
        for f in result.functions:
            rows.append({"file": result.path.name, "assignment": result.assignment or "", "function": f.theirs,
                         "course_function": f.course, "status": f.status, "case": f.case, "detail": f.detail,
                         "cause": f.cause, "where": f.where})
        if not result.functions:
            verdict = result.import_verdict
            status = "error" if verdict is not None and not verdict.ok and verdict.status != "error" else "skipped"
            rows.append({"file": result.path.name, "assignment": result.assignment or "", "function": "",
                         "course_function": "", "status": status,
                         "detail": str(verdict) if status == "error" else "; ".join(result.notes[-1:]),
                         "case": "", "cause": "", "where": verdict.where() if verdict else ""})
    for name, why in run.failures.items():
        rows.append({"file": name, "assignment": "", "function": "", "course_function": "", "status": "error",
                     "case": "", "detail": why, "cause": "", "where": ""})
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _write_summary(run: StudentsRun, table: pd.DataFrame) -> None:
    counts = table["status"].value_counts().to_dict()
    blocks = [("h", 1, f"nn-parity check: {run.path.name}/"),
              ("p", f"{len(run.results) + len(run.failures)} file(s), {len(table)} row(s): "
                    + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("passed", "failed", "error", "warning",
                                                                     "skipped"))
                    + f" ({run.seconds:.0f} s)."),
              ("table", _readable(table))]
    table.to_csv(run.out / "summary.csv", index=False)
    (run.out / "summary.md").write_text(render_markdown(blocks))
    (run.out / "summary.html").write_text(render_html(blocks, run.out, f"nn-parity check: {run.path.name}"))


_DETAIL_CHARS = 160


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """The summary as read in Markdown and HTML: what differed or what stopped the call (cut to
    ``_DETAIL_CHARS``; in full in summary.csv) and where, beside the status, case and cause."""
    shown = table[["file", "function", "status", "case", "detail", "cause", "where"]].copy()
    details = (" ".join(d.split()) for d in shown["detail"])  # one line a row: a table's cell
    shown["detail"] = [d if len(d) <= _DETAIL_CHARS else d[:_DETAIL_CHARS - 1] + "…" for d in details]
    return shown


def run_students(path: Path | str, *, out: Path | None = None, timeout: float = 60.0, jobs: int = 1,
                 assignment: str | None = None, mapping: dict[str, str] | None = None,
                 progress: bool = True, published: bool = True) -> StudentsRun:
    """Check a notebook, a ``.py`` file or a folder of them, and write the files."""
    started = time.perf_counter()
    path = Path(path)
    mapping = dict(mapping or {})
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise StudentsError(f"--timeout must be a positive number of seconds, got {timeout!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise StudentsError(f"--jobs must be an int >= 1, got {jobs!r}")
    _validate(assignment, mapping)
    if not path.exists():
        raise StudentsError(f"{path}: no such file or folder")
    files = student_files(path)
    if not files:
        raise StudentsError(f"{path}: no notebook (.ipynb) or .py file in it")
    out = Path(out) if out is not None else Path("reports") / "check" / path.stem
    if out.exists() and not out.is_dir():
        raise StudentsError(f"--out {str(out)!r} exists and is not a folder")
    run = StudentsRun(path, out)
    options = {"timeout": timeout, "assignment": assignment, "mapping": mapping, "published": published}
    with _pool(jobs, len(files)) as pool:
        for file, outcome in zip(files, pool.map(_one, files, [options] * len(files))):
            if progress and run.folder:
                print(f"  checked {file.name}", file=sys.stderr)
            if isinstance(outcome, str):
                run.failures[file.name] = outcome
                continue
            run.results.append(outcome)
            _write_file(outcome, out / file.stem if run.folder else out)
    run.seconds = time.perf_counter() - started
    if run.folder:
        out.mkdir(parents=True, exist_ok=True)
        _write_summary(run, _summary(run))
    return run


def _print_file(result: FileResult, file) -> None:
    kind = "none found" if not result.assignment else "detected" if result.detected else "as --assignment names"
    graded = sum(f.course != COMPOSED for f in result.functions)
    print(f"{result.path.name}: assignment {result.assignment or '-'} ({kind}), {graded} graded function(s)",
          file=file)
    for note in result.notes:
        print(f"  note: {note}", file=file)
    for f in result.functions:
        print(f"  {f.line()}", file=file)
    if result.headline:
        print(f"  FIRST WRONG: {result.headline}", file=file)


def print_students(run: StudentsRun, file=None) -> None:
    """What the command prints: per file its notes and a line per graded function; a folder's
    totals."""
    file = file or sys.stdout
    for result in run.results:
        _print_file(result, file)
    for name, why in run.failures.items():
        print(f"{name}: could not be checked: {why}", file=file)
    where = run.out / ("summary.md" if run.folder else "conformance.md")
    if run.folder:
        good = sum(r.passed for r in run.results)
        print(f"{good} of {len(run.results) + len(run.failures)} file(s) passed; {where} ({run.seconds:.0f} s)",
              file=file)
    else:
        bad = [f for r in run.results for f in r.functions if f.status in ("failed", "error")]
        verdict = "every graded function passed" if run.passed else (f"{len(bad)} graded function(s) failed"
                                                                      if bad else "nothing graded passed")
        absent = [f.theirs for r in run.results for f in r.functions if f.stopped == "missing"]
        if absent and run.passed:
            verdict = f"every graded function the file defines passed; not defined: {', '.join(absent)}"
        print(f"{verdict}; {where} ({run.seconds:.0f} s)", file=file)
