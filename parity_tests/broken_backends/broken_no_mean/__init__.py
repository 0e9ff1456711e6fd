"""Broken backend (test fixture): the 1/m is dropped from every gradient."""

from . import deep, logistic

__all__ = ["deep", "logistic"]
