"""The report's folder, replaced only once the new report is complete: every file is written
into a temporary folder beside it (``staging``), which is then renamed into place (the old
report is moved aside first and deleted after). A failure part-way leaves the previous report
as it was, and no partial folder behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from .errors import ReportError

__all__ = ["check_out", "staging", "MARKERS"]

# Files whose presence marks a folder as an nn-parity report that may be replaced.
MARKERS = ("report.md", "environment.json")


def check_out(out: Path) -> None:
    """Refuse an ``out`` that is a file, or a non-empty folder that holds no nn-parity report."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ReportError(f"--out {str(out)!r} exists and is not a folder")
        if any(out.iterdir()) and not all((out / name).exists() for name in MARKERS):
            # Never delete a folder that is not ours: --out . would otherwise wipe a checkout.
            raise ReportError(f"refusing to replace {str(out)!r}: it is not empty and holds no nn-parity report "
                              f"({' and '.join(MARKERS)}); choose another --out")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished ``tmp`` to ``out``; a previous ``out`` is moved aside, then deleted."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
        out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write the report into; on a clean exit it
    replaces ``out``, on an exception it is deleted and ``out`` is left as it was."""
    out = Path(out)
    check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a report is not
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
