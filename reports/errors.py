"""What the report can refuse, and how a backend's exception becomes a row's text.

``ReportError``: a request that cannot be carried out (bad data, an output folder that is not
a report); the command prints the message and exits 2. A backend that raises is not a
``ReportError``: its exception becomes that backend's failed rows (``error_text``), and the
report goes on.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["ReportError", "error_text", "error_mask", "ERROR_CHARS"]

# A row's error is one line: a traceback's last line is what a reader acts on.
ERROR_CHARS = 300


class ReportError(Exception):
    """A problem with the request (bad data, an output folder that is not a report): the
    command prints the message and exits with code 2."""


def error_text(exc: BaseException) -> str:
    """``"RuntimeError: the message"`` on one line, at most ``ERROR_CHARS`` characters."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= ERROR_CHARS else text[:ERROR_CHARS - 1] + "…"


def error_mask(table: pd.DataFrame) -> pd.Series:
    """Which rows of a section's table carry an ``error`` (a CSV read back gives NaN for none)."""
    if "error" not in table:
        return pd.Series(False, index=table.index)
    return table["error"].map(lambda e: isinstance(e, str) and e != "").astype(bool)
