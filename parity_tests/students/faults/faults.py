# A student's .py file whose functions misbehave in every way a sandbox must survive.
import os
import numpy as np
import dnn_utils
from testCases_v4a import update_parameters_test_case


def which_dnn_utils():
    return dnn_utils.ORIGIN


def double(x, scale=2):
    return x * scale, {"shape": x.shape, "dtype": str(x.dtype)}


def needs_test_data():
    parameters, grads = update_parameters_test_case()
    return parameters


def hog():
    return np.ones(2**30)  # 8 GiB of float64


def flood():
    while True:
        print("cost after iteration 0: 0.693147")


def crash():
    os._exit(7)
