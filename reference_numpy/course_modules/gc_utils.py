"""The course's ``gc_utils`` (the gradient-checking assignment): ``reference_numpy.course.
gradient_checking``'s helpers, under the same names.

    sigmoid(x), relu(x)                   the activation alone
    dictionary_to_vector(parameters)      -> (theta: (N, 1), keys): W1, b1, W2, b2, W3, b3 flattened
                                             in that order; keys names each entry's parameter
    vector_to_dictionary(theta)           -> parameters of the assignment's network, W1 (5, 4),
                                             b1 (5, 1), W2 (3, 5), b2 (3, 1), W3 (1, 3), b3 (1, 1)
    gradients_to_vector(gradients)        -> (N, 1): dW1, db1, ..., db3 flattened in that order

The order and the shapes are the course's: its ``gradient_check_n`` takes a network of that
shape (4 inputs, 5 and 3 hidden units, 1 output).
"""

from __future__ import annotations

from ..course.gradient_checking import dictionary_to_vector, gradients_to_vector, vector_to_dictionary
from ._common import plain_relu as relu
from ._common import plain_sigmoid as sigmoid

__all__ = ["sigmoid", "relu", "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector"]
