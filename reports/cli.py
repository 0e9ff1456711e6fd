"""``nn-parity report``: the parity comparison on built-in data, as a table and CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["main", "build_parser"]

DEFAULT_OUT = Path("reports") / "output"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nn-parity", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="compare the three implementations on built-in data")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from parity import builtin_cases, parity_table

    table = parity_table(builtin_cases())
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "parity.csv"
    table.to_csv(path, index=False)
    print(table.to_markdown(index=False, floatfmt=".3g"))
    failed = int((~table["passed"]).sum())
    print(f"\n{len(table)} comparisons, {failed} outside tolerance; written to {path}")
    return 1 if failed else 0
