"""Test fixture: a right deep model that runs ReLU hidden layers and a sigmoid output only."""

from . import deep

__all__ = ["deep"]
