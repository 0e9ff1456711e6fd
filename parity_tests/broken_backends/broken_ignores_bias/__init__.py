"""Broken backend (test fixture): ReLU hidden layers and a sigmoid output, b left out."""

from . import deep

__all__ = ["deep"]
