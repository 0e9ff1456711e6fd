"""Broken backend (test fixture): a partial deep model, cost_and_grads and predict only."""

from . import deep

__all__ = ["deep"]
