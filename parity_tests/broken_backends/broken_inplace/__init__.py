"""Broken backend (test fixture): train writes into the caller's params."""

from . import deep, logistic

__all__ = ["deep", "logistic"]
