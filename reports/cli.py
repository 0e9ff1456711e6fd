"""``nn-parity report``: compare the three implementations, time them, and write the report.

    nn-parity report [--out DIR] [--quick] [--device cpu|cuda|all] [--dtype float64|float32|all]
                     [--data FILE_OR_NAME] [--repeats N] [--no-progress]

Exit codes: 0 the report is complete and parity passed (also when no GPU is present: the
report says which rows were not run and why); 1 complete, but a parity comparison failed;
2 bad arguments or data (a message, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main", "build_parser", "DEFAULT_OUT"]

DEFAULT_OUT = Path("reports") / "output"
_DEVICES = {"cpu": ("cpu",), "cuda": ("cuda",), "all": ("cpu", "cuda")}
_DTYPES = {"float64": ("float64",), "float32": ("float32",), "all": ("float64", "float32")}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nn-parity", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="parity, training, timing and the vectorisation claim, as files",
                            description="Compare NumPy, PyTorch and JAX on built-in (or your) data and write "
                                        "CSVs, plots, report.md and report.html.")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder, replaced only once the new report is complete (default: %(default)s)")
    report.add_argument("--quick", action="store_true", help="small workloads and few repeats (well under a minute)")
    report.add_argument("--device", choices=tuple(_DEVICES), default="all",
                        help="where torch and JAX run; GPU rows are skipped, with the reason, where no GPU "
                             "is present (default: %(default)s)")
    report.add_argument("--dtype", choices=tuple(_DTYPES), default="all", help="(default: %(default)s)")
    report.add_argument("--data", default=None, metavar="FILE_OR_NAME",
                        help="a .npz/.csv/.h5 file or a built-in name (flower, breast-cancer, digits, ...) for "
                             "the training run and a parity case (default: the notes' flower data)")
    report.add_argument("--repeats", type=_positive, default=None,
                        help="timing repeats per phase (default: 20, or 3 with --quick)")
    report.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .build import ReportError, build_report

    try:
        result = build_report(args.out, quick=args.quick, devices=_DEVICES[args.device], dtypes=_DTYPES[args.dtype],
                              data=args.data, repeats=args.repeats, progress=not args.no_progress)
    except ReportError as exc:
        print(f"nn-parity report: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"nn-parity report: interrupted; {args.out} was left as it was", file=sys.stderr)
        return 130
    for row in result.not_run:
        print(f"not run: {row['backend']} on {row['device']}: {row['reason']}")
    verdict = ("no parity rows on the requested devices" if result.parity_rows == 0 else
               f"{result.parity_rows} parity comparisons, {result.parity_failures} outside tolerance")
    print(f"{verdict}; report written to {result.out / 'report.md'} ({result.seconds:.0f} s)")
    return 0 if result.passed else 1
