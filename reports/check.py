"""``nn-parity check PACKAGE``: the conformance suite against any backend, as files and a summary.

Writes ``conformance.csv`` (one row per check), ``conformance.md`` and a self-contained
``conformance.html`` into ``--out``, and prints the backend's supported features, the counts
of passed, failed and skipped checks with the reasons for the skips, and every failure with
what and where. Exit codes: 0 every supported check passed, 1 a check failed, 2 bad arguments
or a package that cannot be used (cli.py turns ``CheckError`` into the one-line message).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parity import BACKENDS, BackendError, register_backend
from parity.capabilities import supported_summary
from parity.conformance import run_conformance, summarise

from .render import render_html, render_markdown

__all__ = ["CheckError", "CheckResult", "run_check", "print_summary"]


class CheckError(Exception):
    """The request cannot be carried out: exit 2 with this message."""


@dataclass
class CheckResult:
    backend: str
    against: str
    table: pd.DataFrame
    summary: dict
    supported: dict
    out: Path
    seconds: float

    @property
    def passed(self) -> bool:
        return self.summary["failed"] == 0 and self.summary["passed"] > 0


def _resolve(package: str, source: str):
    try:
        if package in BACKENDS:
            backend = BACKENDS[package]
        else:
            backend = register_backend(package, source)
        backend.require()
        return backend
    except (BackendError, ValueError, TypeError) as exc:
        raise CheckError(f"{package}: {exc}") from None
    except ImportError as exc:  # an entry point whose package is gone
        raise CheckError(f"{package}: cannot be imported: {exc}") from None


def _blocks(result: CheckResult) -> list[tuple]:
    s = result.summary
    table = result.table
    blocks: list[tuple] = [
        ("h", 1, f"nn-parity check: {result.backend}"),
        ("p", f"Against **{result.against}**. {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped "
              f"({result.seconds:.0f} s). Tolerances: CONTRACT.md, \"What equal means\"."),
        ("h", 2, "Supported"),
        ("table", pd.DataFrame({"feature": list(result.supported), "supported": list(result.supported.values())})),
    ]
    failed = table[table["status"] == "failed"]
    if not failed.empty:
        blocks += [("h", 2, f"Failed ({len(failed)})"),
                   ("table", failed[["check", "case", "quantity", "dtype", "device", "error", "tolerance", "detail"]])]
    if s["skip_reasons"]:
        blocks += [("h", 2, f"Skipped ({s['skipped']})"),
                   ("table", pd.DataFrame({"checks": list(s["skip_reasons"].values()),
                                           "reason": list(s["skip_reasons"])}))]
    by_check = table.groupby("check", sort=False)["status"].value_counts().unstack(fill_value=0)
    by_check = by_check.reindex(columns=["passed", "failed", "skipped"], fill_value=0).reset_index()
    blocks += [("h", 2, "By check"), ("table", by_check)]
    return blocks


def run_check(package: str, *, against: str = "numpy", quick: bool = False, dtypes=("float64", "float32"),
              devices=("cpu",), out: Path | None = None, progress: bool = True) -> CheckResult:
    """Run the conformance suite on ``package`` (a registered backend's name or any importable
    package) and write the files. Raises ``CheckError`` for a request that cannot run."""
    started = time.perf_counter()
    backend = _resolve(package, "command line")
    reference = _resolve(against, "command line")
    if reference.name == backend.name:
        raise CheckError(f"--against {against}: a backend checked against itself proves nothing; "
                         f"choose another (default: numpy, the reference)")
    for device in devices:
        reason = backend.device_reason(device)
        if reason and len(devices) == 1:
            raise CheckError(f"--device {device}: {reason}")
    devices = tuple(d for d in devices if backend.device_reason(d) is None) or ("cpu",)
    out = Path(out) if out is not None else Path("reports") / "check" / backend.name
    if out.exists() and not out.is_dir():
        raise CheckError(f"--out {str(out)!r} exists and is not a folder")

    def say(section: str) -> None:
        if progress:
            print(f"  checking {section} ...", file=sys.stderr)

    table = run_conformance(backend, reference, quick=quick, dtypes=dtypes, devices=devices, progress=say)
    result = CheckResult(backend.name, reference.name, table, summarise(table), supported_summary(backend), out,
                         time.perf_counter() - started)
    out.mkdir(parents=True, exist_ok=True)
    # The students' columns (the student's function, the probable cause), empty for a package.
    table.assign(function="", cause="").to_csv(out / "conformance.csv", index=False)
    blocks = _blocks(result)
    (out / "conformance.md").write_text(render_markdown(blocks))
    (out / "conformance.html").write_text(render_html(blocks, out, f"nn-parity check: {backend.name}"))
    return result


def print_summary(result: CheckResult, file=None) -> None:
    """The summary the command prints: features, counts, skip reasons, every failure."""
    file = file or sys.stdout
    s = result.summary
    print(f"nn-parity check {result.backend} (against {result.against}):", file=file)
    for feature, values in result.supported.items():
        print(f"  {feature:<12} {values}", file=file)
    print(f"passed {s['passed']}, failed {s['failed']}, skipped {s['skipped']}", file=file)
    for reason, count in s["skip_reasons"].items():
        print(f"  skipped {count:>3}: {reason}", file=file)
    failed = result.table[result.table["status"] == "failed"]
    for row in failed.itertuples():
        print(f"  FAILED {row.check} [{row.case}, {row.dtype}, {row.device}] {row.quantity}: {row.detail}", file=file)
    verdict = ("every supported check passed" if result.passed else
               "no check could run" if s["passed"] == 0 and s["failed"] == 0 else f"{s['failed']} checks failed")
    print(f"{verdict}; {result.out / 'conformance.md'} ({result.seconds:.0f} s)", file=file)
