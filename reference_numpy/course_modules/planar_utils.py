"""The course's ``planar_utils`` (the one-hidden-layer assignment): its math is ``sigmoid``,
which returns the activation alone, as the course's does. Its plotting and its data sets are
not provided."""

from __future__ import annotations

from ._common import not_provided
from ._common import plain_sigmoid as sigmoid

__all__ = ["sigmoid", "plot_decision_boundary", "load_planar_dataset", "load_extra_datasets"]

plot_decision_boundary = not_provided("planar_utils", "plot_decision_boundary", "plots")
load_planar_dataset = not_provided("planar_utils", "load_planar_dataset", "builds the course's flower data set")
load_extra_datasets = not_provided("planar_utils", "load_extra_datasets", "builds the course's extra data sets")
