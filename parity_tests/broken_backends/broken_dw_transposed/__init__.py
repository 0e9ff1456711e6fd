"""Broken backend (test fixture): dW[1] is returned transposed."""

from . import deep

__all__ = ["deep"]
