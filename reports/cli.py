"""``nn-parity``: compare implementations and write the report, or check any implementation.

    nn-parity report [--out DIR] [--quick] [--device cpu|cuda|all] [--dtype float64|float32|all]
                     [--data FILE_OR_NAME] [--task TASK] [--label-column NAME] [--repeats N]
                     [--threads N] [--backend PACKAGE ...] [--no-progress]
    nn-parity check PACKAGE [--against NAME] [--out DIR] [--quick] [--device ...] [--dtype ...]
                     [--threads N] [--no-progress]
    nn-parity check NOTEBOOK.ipynb|FILE.py|FOLDER [--out DIR] [--timeout S] [--jobs N]
                     [--assignment NAME] [--function COURSE_NAME=THEIRS ...] [--no-published] [--no-progress]
    nn-parity --version

Every argument is validated before any work starts. Exit codes: 0 complete (the report:
every parity comparison within tolerance, also where no GPU is present, which the report
says; check: every supported check passed); 1 a comparison or check failed, or there was
nothing to compare; 2 bad arguments, bad data or a package that cannot be used (a one-line
message, no traceback).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from pathlib import Path

from parity import BACKENDS, BackendError, available_backends, register_backend
from parity.data import TASKS

from .dataset import resolve_dataset
from .errors import ReportError
from .outdir import check_out
from .timing import configure_threads

__all__ = ["main", "build_parser", "DEFAULT_OUT"]

DEFAULT_OUT = Path("reports") / "output"
_DEVICES = {"cpu": ("cpu",), "cuda": ("cuda",), "all": ("cpu", "cuda")}
_DTYPES = {"float64": ("float64",), "float32": ("float32",), "all": ("float64", "float32")}


class UsageError(Exception):
    """A bad argument found before any work: exit 2 with the message."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an int >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _version() -> str:
    try:
        return importlib.metadata.version("nn-parity")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _common(parser: argparse.ArgumentParser, default_device: str) -> None:
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--quick", action="store_true", help="small workloads and few repeats (well under a minute)")
    parser.add_argument("--device", choices=tuple(_DEVICES), default=default_device,
                        help="cpu, cuda or all; 'all' skips GPU rows with the reason where no GPU is present, "
                             "'cuda' asked for explicitly without one is an error (default: %(default)s)")
    parser.add_argument("--dtype", choices=tuple(_DTYPES), default="all", help="(default: %(default)s)")
    parser.add_argument("--threads", type=_positive, default=None,
                        help="CPU threads for every backend (default: all the cores this process may use)")
    parser.add_argument("--no-progress", action="store_true", help="no progress output")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nn-parity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"nn-parity {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="parity, training, timing and the vectorisation claim, as files",
                            description="Compare every installed backend on built-in (or your) data and write "
                                        "CSVs, plots, report.md and report.html.")
    _common(report, "all")
    report.add_argument("--data", default=None, metavar="FILE_OR_NAME",
                        help="a .npz/.csv/.h5 file or a built-in name (flower, breast-cancer, digits, ...) for "
                             "the training run and a parity case (default: the notes' flower data)")
    report.add_argument("--task", choices=TASKS, default=None,
                        help="the task of --data; inferred from its labels when not given (README, 'Data')")
    report.add_argument("--label-column", default=None, metavar="NAME",
                        help="the label column of a --data .csv (default: the last one)")
    report.add_argument("--repeats", type=_positive, default=None,
                        help="timing repeats per phase (default: 20, or 3 with --quick)")
    report.add_argument("--backend", action="append", default=[], metavar="PACKAGE",
                        help="also compare the backend in PACKAGE (repeatable)")
    check = sub.add_parser("check", help="run the conformance suite against any backend",
                           description="Check PACKAGE (any importable package with deep and/or logistic modules "
                                       "honouring the contract) against the reference, and say where it differs.")
    check.add_argument("package", metavar="PATH",
                       help="the backend's package (or a registered backend's name), or a student's notebook "
                            "(.ipynb), .py file or a folder of them")
    check.add_argument("--against", default="numpy", metavar="NAME",
                       help="the backend to compare with (default: %(default)s, the reference)")
    _common(check, "cpu")
    students = check.add_argument_group("a student's notebook, .py file or folder of them")
    students.add_argument("--timeout", type=_seconds, default=60.0,
                          help="seconds for each file, its import and every call (default: %(default)s)")
    students.add_argument("--jobs", type=_positive, default=1, help="files checked at once (default: %(default)s)")
    students.add_argument("--assignment", default=None, metavar="NAME",
                          help="the course's assignment (default: detected from the functions' names)")
    students.add_argument("--function", action="append", default=[], metavar="COURSE_NAME=THEIRS",
                          help="check the student's THEIRS as the course's COURSE_NAME (repeatable)")
    students.add_argument("--no-published", dest="published", action="store_false",
                          help="leave out the course's published costs and accuracies on the cat data next to an "
                               "application notebook (its 2500 iterations: a minute or more per model)")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got {text!r}")
    return value


def _register(packages) -> None:

    for package in packages:
        try:
            register_backend(package, "command line")
        except (BackendError, ValueError, TypeError) as exc:
            raise UsageError(f"--backend {package}: {exc}") from None


def _check_devices(devices: tuple[str, ...], explicit: bool) -> None:
    """``--device cuda`` asked for explicitly, with no backend able to use a GPU here: refuse."""

    if explicit and devices == ("cuda",):
        reasons = {b.name: b.device_reason("cuda") for b in available_backends()}
        if all(reasons.values()):
            raise UsageError("--device cuda: no backend can use a GPU here (" +
                             "; ".join(f"{n}: {r}" for n, r in reasons.items()) + ")")


def _report(args) -> int:
    # Lazy: the report's sections (matplotlib, tqdm, ...) load only for the command that uses them.
    from .build import build_report

    out = args.out or DEFAULT_OUT
    _register(args.backend)
    _check_devices(_DEVICES[args.device], args.device == "cuda")
    try:
        check_out(out)
        dataset = resolve_dataset(args.data, task=args.task, label_column=args.label_column)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    try:
        result = build_report(out, quick=args.quick, devices=_DEVICES[args.device], dtypes=_DTYPES[args.dtype],
                              data=dataset, repeats=args.repeats, progress=not args.no_progress)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    results, v = result.results, result.results.verdict
    for row in results.not_run:
        print(f"not run: {row['backend']} on {row['device']}: {row['reason']}")
    for error in results.errors:
        print(f"raised: {error['section']} {error['backend']} {error['device']} {error['dtype']} "
              f"{error['what']}: {error['error']}")
    if v.compared == 0:
        print(f"nothing to compare: no backend besides the reference could run; report written to "
              f"{result.out / 'report.md'}")
        return 1
    for name, reason in results.unavailable.items():
        print(f"not installed or not usable: {name}: {reason}")
    verdict = (f"{v.parity_rows} parity comparisons ({v.compared} of another backend against the reference), "
               f"{v.parity_failures} outside tolerance; {v.conventions_failures} trajectories configured to the "
               f"course off its float64 bound; {v.errors} backend runs raised")
    print(f"{verdict}; report written to {result.out / 'report.md'} ({results.seconds:.0f} s)")
    return 0 if result.passed else 1


def _check_students(args) -> int:
    # Lazy: the students' checker loads only for the command that uses it.
    from .students import StudentsError, parse_mappings, print_students, run_students

    try:
        run = run_students(args.package, out=args.out, timeout=args.timeout, jobs=args.jobs,
                           assignment=args.assignment, mapping=parse_mappings(args.function),
                           progress=not args.no_progress, published=args.published)
    except StudentsError as exc:
        raise UsageError(str(exc)) from None
    print_students(run)
    return 0 if run.passed else 1


def _check_threads(args) -> list:
    """The backends a check runs: --against and the package (registered here, which imports
    it but runs nothing); a student's file runs on the reference alone. A package that cannot
    be registered is left to the check, whose error says why."""
    # Lazy: the students' checker loads only for the command that uses it.
    from .students import is_student_path

    names = [args.against] + ([] if is_student_path(args.package) else [args.package])
    backends = []
    for name in dict.fromkeys(names):
        try:
            backends.append(BACKENDS[name] if name in BACKENDS else register_backend(name, "command line"))
        except (BackendError, ValueError, TypeError):
            continue
    return backends


def _check(args) -> int:
    # Lazy: the conformance runner loads only for the command that uses it.
    from .check import CheckError, print_summary, run_check
    from .students import is_student_path

    if is_student_path(args.package):
        return _check_students(args)
    if args.assignment or args.function:
        raise UsageError("--assignment and --function apply to a notebook, a .py file or a folder of them")

    try:
        result = run_check(args.package, against=args.against, quick=args.quick, dtypes=_DTYPES[args.dtype],
                           devices=_DEVICES[args.device], out=args.out, progress=not args.no_progress)
    except CheckError as exc:
        raise UsageError(str(exc)) from None
    print_summary(result)
    return 0 if result.passed else 1


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A backend package next to the user (``nn-parity check my_backprop`` in its folder) is
    # found by the registry (``parity.registry.import_package``), as pytest --backend finds it.
    # Threads first: XLA sizes its pool when JAX starts, which validating a backend may do. A
    # check sets the threads of the backends it runs alone (``_check_threads``), so checking a
    # NumPy package or a notebook starts no other framework.
    configure_threads(args.threads, None if args.command == "report" else _check_threads(args))
    try:
        return _report(args) if args.command == "report" else _check(args)
    except UsageError as exc:
        print(f"nn-parity {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"nn-parity {args.command}: interrupted", file=sys.stderr)
        return 130
