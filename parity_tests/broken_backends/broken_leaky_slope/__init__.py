"""Defect: leaky ReLU's slope is 0.1 whatever ``spec.leaky_slope`` says, in the forward pass and
in the building blocks, so the first layer that differs can be named."""
