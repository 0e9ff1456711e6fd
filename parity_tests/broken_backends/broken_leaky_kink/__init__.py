"""Broken backend (test fixture): leaky_relu'(0) = 1 instead of the slope."""

from . import deep

__all__ = ["deep"]
