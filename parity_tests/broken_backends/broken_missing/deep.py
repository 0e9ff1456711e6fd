"""Defect: no train and no predict_proba (a student's partial work: cost_and_grads and predict, both right).

It should get every check that needs only these two, and skips, with the reason, for the rest.
"""

from __future__ import annotations

from reference_numpy.deep import cost_and_grads, predict

__all__ = ["cost_and_grads", "predict"]
