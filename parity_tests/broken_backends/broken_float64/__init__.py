"""Broken backend (test fixture): float32 in, float64 out."""

from . import deep, logistic

__all__ = ["deep", "logistic"]
