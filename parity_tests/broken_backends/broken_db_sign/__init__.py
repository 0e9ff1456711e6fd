"""Broken backend (test fixture): db[2] has the wrong sign."""

from . import deep

__all__ = ["deep"]
