"""Broken backend (test fixture): a deep model whose train raises on a softmax output."""

from . import deep

__all__ = ["deep"]
