"""``reference_numpy.course``, course 1: the assignments' published test values (week 2's
``model``, week 3's planar network, week 4's application models) and the package's layout.

Every expected value below is the course's, copied from an "Expected Output" cell of the
assignment's notebook or from its grader (``public_tests.py``), never from this code's output;
each is cited where it is used. The inputs are the course's test cases, rebuilt from their seeds
(``np.random.seed(s)`` then ``randn`` draws in order; a ``RandomState(s)`` draws the same).

Sources:
- AC: github.com/amanchadha/coursera-deep-learning-specialization, commit e9de0f4d1549, folder
  "C1 - Neural Networks and Deep Learning/Week 3/Planar data classification with one hidden
  layer": Planar_data_classification_with_onehidden_layer_v6c.ipynb and testCases_v2.py.
- The course's later graders, ``public_tests.py`` of the assignments W2A2 (logistic regression),
  W3A1 (planar) and W4A2 (application), as students publish them: named by test function.
"""

from __future__ import annotations

import numpy as np
import pytest

from .test_course import assert_printed, draws
from reference_numpy import course
from reference_numpy.course import deep_application, logistic_regression, planar

# -- the package's layout -------------------------------------------------------------------


def test_every_assignment_names_functions_its_module_defines():
    assert set(course.ASSIGNMENTS) == {"logistic_regression", "planar", "deep_step_by_step", "deep_application",
                                       "initialization", "regularization", "gradient_checking", "optimization"}
    for name, functions in course.ASSIGNMENTS.items():
        module = course.assignment_module(name)
        assert module.__name__ == f"reference_numpy.course.{name}"
        assert len(set(functions)) == len(functions)
        for function in functions:
            assert callable(getattr(module, function, None)), f"{name}.{function}"
            assert function in module.__all__, f"{name}.{function} not exported"
            assert getattr(module, function).__doc__, f"{name}.{function} has no docstring"


def test_assignment_module_names_an_unknown_assignment():
    with pytest.raises(ValueError, match="unknown assignment 'planer'.*planar"):
        course.assignment_module("planer")
    with pytest.raises(TypeError, match="^name"):
        course.assignment_module(3)


def test_the_package_keeps_its_week_2_and_week_4_names():
    # What reference_numpy.course exported as one module, it exports as a package.
    assert course.propagate is logistic_regression.propagate
    assert course.L_model_forward is course.deep_step_by_step.L_model_forward
    A, cache = course.deep_step_by_step.sigmoid(np.array([[0.0, 2.0]]))  # dnn_utils: (A, cache)
    assert_printed(A, [[0.5, 0.88079708]], 8)
    np.testing.assert_array_equal(cache, [[0.0, 2.0]])
    np.testing.assert_array_equal(course.sigmoid(np.array([0.0])), [0.5])  # week 2's: A alone


# -- week 2: model (W2A2 public_tests.model_test) ------------------------------------------


def test_model_reproduces_the_course_grader():
    rng = np.random.RandomState(0)  # model_test: np.random.seed(0), X then x_test
    X, x_test = rng.randn(4, 7), rng.randn(4, 3)
    Y, y_test = np.array([[1, 0, 0, 1, 0, 0, 1]]), np.array([[0, 1, 0]])
    d = logistic_regression.model(X, Y, x_test, y_test, num_iterations=50, learning_rate=0.01)
    assert len(d["costs"]) == 1
    assert_printed(d["costs"][0], 0.69314718, 8)
    assert_printed(d["w"], [[0.08639757], [-0.08231268], [-0.11798927], [0.12866053]], 8)
    assert_printed(d["b"], -0.03983236094816321, 16)
    np.testing.assert_array_equal(d["Y_prediction_test"], [[1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(d["Y_prediction_train"], [[1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0]])
    assert d["learning_rate"] == 0.01 and d["num_iterations"] == 50


def test_predict_reproduces_the_course_grader():
    # W2A2 public_tests.predict_test
    w, b = np.array([[0.3], [0.5], [-0.2]]), -0.33333
    X = np.array([[1.0, -0.3, 1.5], [2, 0, 1], [0, -1.5, 2]])
    np.testing.assert_array_equal(logistic_regression.predict(w, b, X), [[1.0, 0.0, 1.0]])


# -- week 3: the planar network ------------------------------------------------------------

# AC testCases_v2: the parameters of forward_propagation_test_case and compute_cost_test_case.
PLANAR_W1 = np.array([[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                      [-0.01793436, -0.00841747], [0.00502881, -0.01245288]])
PLANAR_W2 = np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]])
# AC testCases_v2.update_parameters_test_case / predict_test_case (also W3A1 public_tests).
TRAINED = {"W1": np.array([[-0.00615039, 0.0169021], [-0.02311792, 0.03137121],
                           [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]),
           "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
           "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
           "b2": np.array([[9.14954378e-05]])}


def test_layer_sizes_reproduces_the_course():
    X, Y = draws(1, (5, 3), (2, 3))  # layer_sizes_test_case
    assert planar.layer_sizes(X, Y) == (5, 4, 2)  # AC cell 21, "Expected Output"


def test_initialize_parameters_reproduces_the_course():
    p = planar.initialize_parameters(2, 4, 1)  # AC cell 26, "Expected Output"
    assert_printed(p["W1"], PLANAR_W1, 8)
    assert_printed(p["W2"], PLANAR_W2, 8)
    np.testing.assert_array_equal(p["b1"], np.zeros((4, 1)))
    np.testing.assert_array_equal(p["b2"], np.zeros((1, 1)))
    p = planar.initialize_parameters(3, 5, 2)  # W3A1 public_tests.initialize_parameters_test
    assert_printed(p["W1"][0], [-0.00416758, -0.00056267, -0.02136196], 8)
    assert_printed(p["W2"], [[-5.96159700e-03, -1.91304965e-04, 1.17500122e-02, -7.47870949e-03, 9.02525097e-05],
                             [-8.78107893e-03, -1.56434170e-03, 2.56570452e-03, -9.88779049e-03, -3.38821966e-03]],
                   11)


def test_forward_propagation_reproduces_the_course():
    X, b1 = draws(1, (2, 3), (4, 1))  # forward_propagation_test_case
    p = {"W1": PLANAR_W1, "b1": b1, "W2": PLANAR_W2, "b2": np.array([[-1.3]])}
    A2, cache = planar.forward_propagation(X, p)
    # AC cell 30, "Expected Output": the means of Z1, A1, Z2, A2.
    for key, mean in zip(("Z1", "A1", "Z2", "A2"), (0.262818640198, 0.091999045227, -1.30766601287, 0.212877681719)):
        assert_printed(np.mean(cache[key]), mean, 12 if key != "Z2" else 11)
    # W3A1 public_tests.forward_propagation_test
    assert_printed(A2, [[0.21292656, 0.21274673, 0.21295976]], 8)
    assert_printed(cache["Z1"][1], [-0.81350569, -0.73394355, -0.78767559], 8)
    assert A2 is cache["A2"]


def test_compute_cost_reproduces_the_course():
    Y = np.random.RandomState(1).randn(1, 3) > 0  # compute_cost_test_case
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    cost = planar.compute_cost(A2, Y, {"W1": PLANAR_W1})  # the first versions pass parameters
    assert_printed(cost, 0.693058761, 9)  # AC cell 34, "0.693058761..."
    assert isinstance(cost, float)
    Y = np.random.RandomState(1).randn(1, 5) > 0  # W3A1 public_tests.compute_cost_test
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]])
    assert_printed(planar.compute_cost(A2, Y), 0.5447066599017815, 16)


def test_backward_propagation_reproduces_the_course():
    # W3A1 public_tests.backward_propagation_test: every input drawn after seed 1, in this order.
    rng = np.random.RandomState(1)
    X, Y = rng.randn(3, 7), rng.randn(1, 7) > 0
    p = {"W1": rng.randn(9, 3), "W2": rng.randn(1, 9), "b1": np.zeros((9, 1)), "b2": np.zeros((1, 1))}
    cache = {"A1": rng.randn(9, 7), "A2": rng.randn(1, 7), "Z1": rng.randn(7, 9), "Z2": rng.randn(1, 7)}
    grads = planar.backward_propagation(p, cache, X, Y)
    assert_printed(grads["dW1"][:2], [[-0.24468458, -0.24371232, 0.15959609], [0.7370069, -0.64785999, 0.23669823]], 8)
    assert_printed(grads["db1"][:3], [[0.1463639], [-0.33647992], [-0.51738006]], 8)
    assert_printed(grads["dW2"], [[-0.35768529, 0.22046323, -0.29551566, -0.12202786, 0.18809552,
                                   0.13700323, 0.35892872, -0.02220353, -0.03976687]], 8)
    assert_printed(grads["db2"], [[-0.78032466]], 8)


def test_backward_propagation_reproduces_the_first_version():
    # AC testCases_v2.backward_propagation_test_case; expected: AC cell 38.
    rng = np.random.RandomState(1)
    X, Y = rng.randn(2, 3), rng.randn(1, 3) > 0
    p = {"W1": PLANAR_W1, "W2": PLANAR_W2, "b1": np.zeros((4, 1)), "b2": np.zeros((1, 1))}
    cache = {"A1": np.array([[-0.00616578, 0.0020626, 0.00349619], [-0.05225116, 0.02725659, -0.02646251],
                             [-0.02009721, 0.0036869, 0.02883756], [0.02152675, -0.01385234, 0.02599885]]),
             "A2": np.array([[0.5002307, 0.49985831, 0.50023963]])}
    grads = planar.backward_propagation(p, cache, X, Y)
    assert_printed(grads["dW1"], [[0.00301023, -0.00747267], [0.00257968, -0.00641288],
                                  [-0.00156892, 0.003893], [-0.00652037, 0.01618243]], 8)
    assert_printed(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]], 8)
    assert_printed(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]], 8)
    assert_printed(grads["db2"], [[-0.16655712]], 8)


def test_update_parameters_reproduces_the_course():
    grads = {"dW1": np.array([[0.00023322, -0.00205423], [0.00082222, -0.00700776],
                              [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]),
             "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
             "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
             "db2": np.array([[-1.08923140e-05]])}
    before = {key: value.copy() for key, value in TRAINED.items()}
    p = planar.update_parameters(TRAINED, grads)  # learning_rate=1.2 by default; AC cell 42
    assert_printed(p["W1"], [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052],
                             [-0.01653973, -0.02096177], [0.01046864, -0.05990141]], 8)
    # printed to 8 digits each: 1.27373948e-05 to 13 decimals
    assert_printed(p["b1"], [[-1.02420756e-06], [1.27373948e-05], [8.32996807e-07], [-3.20136836e-06]], 13)
    assert_printed(p["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]], 8)
    assert_printed(p["b2"], [[0.00010457]], 8)
    for key, value in before.items():
        np.testing.assert_array_equal(TRAINED[key], value)


def test_nn_model_reproduces_the_course():
    rng = np.random.RandomState(1)  # nn_model_test_case
    X, Y = rng.randn(2, 3), rng.randn(1, 3) > 0
    p = planar.nn_model(X, Y, 4, num_iterations=10000)  # AC cell 46 and W3A1 public_tests.nn_model_test
    assert_printed(p["W1"], [[-0.65848169, 1.21866811], [-0.76204273, 1.39377573],
                             [0.5792005, -1.10397703], [0.76773391, -1.41477129]], 8)
    assert_printed(p["b1"], [[0.287592], [0.3511264], [-0.2431246], [-0.35772805]], 8)
    assert_printed(p["W2"], [[-2.45566237, -3.27042274, 2.00784958, 3.36773273]], 8)
    assert_printed(p["b2"], [[0.20459656]], 8)


def test_nn_model_prints_the_course_cost(capsys):
    rng = np.random.RandomState(1)  # nn_model_test_case
    X, Y = rng.randn(2, 3), rng.randn(1, 3) > 0
    planar.nn_model(X, Y, 4, num_iterations=1, print_cost=True)
    assert capsys.readouterr().out == "Cost after iteration 0: 0.692739\n"  # AC cell 46


def test_predict_reproduces_the_course():
    X = np.random.RandomState(1).randn(2, 3)  # predict_test_case
    predictions = planar.predict(TRAINED, X)
    np.testing.assert_array_equal(predictions, [[True, False, True]])  # W3A1 public_tests.predict_test
    assert_printed(np.mean(predictions), 0.666666666667, 12)  # AC cell 50, "predictions mean"


# -- week 4: the application's models (W4A2 public_tests) ----------------------------------


def test_two_layer_model_reproduces_the_course_grader():
    rng = np.random.RandomState(1)  # two_layer_model_test: seed 1, X then Y (real-valued)
    X, Y = rng.randn(10, 10), rng.randn(1, 10)
    p, costs = deep_application.two_layer_model(X, Y, (10, 4, 1), learning_rate=0.0075, num_iterations=2)
    assert len(costs) == 1
    assert_printed(costs[0], 0.69315968, 8)
    assert_printed(p["W1"][0, :4], [0.01624965, -0.00610741, -0.00528734, -0.01072836], 8)
    assert_printed(p["b1"], [[1.10437111e-05], [1.78437869e-05], [3.74879549e-05], [-4.42988824e-05]], 13)
    assert_printed(p["W2"], [[-0.00200283, -0.00888593, -0.00751122, 0.01688162]], 8)
    assert_printed(p["b2"], [[-0.00689018]], 8)
    p, costs = deep_application.two_layer_model(X, Y, (10, 4, 1), learning_rate=0.1, num_iterations=3)
    assert_printed(costs[0], 0.69315968, 8)
    assert_printed(p["b1"], [[0.00027478], [0.00034477], [0.00076016], [-0.00084497]], 8)
    assert_printed(p["W2"], [[-0.00358725, -0.00911995, -0.00831979, 0.01615845]], 8)
    assert_printed(p["b2"], [[-0.13451354]], 8)


def test_L_layer_model_reproduces_the_course_grader():
    X = np.random.RandomState(1).randn(10, 10)  # L_layer_model_test
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])
    p, costs = deep_application.L_layer_model(X, Y, (10, 5, 6, 1), learning_rate=0.0075, num_iterations=2)
    assert len(costs) == 1
    assert_printed(costs[0], 0.70723944, 8)
    assert_printed(p["W1"][0, :5], [0.51384638, -0.19333098, -0.16705238, -0.33923196, 0.273477], 8)
    assert_printed(p["W3"], [[-0.09079199, -0.08117381, 0.07667568, 0.16665535, 0.08029575, 0.04805811]], 8)
    assert_printed(p["b3"], [[0.0013201]], 8)
    p, costs = deep_application.L_layer_model(X, Y, (10, 5, 6, 1), learning_rate=0.02, num_iterations=3)
    assert_printed(costs[0], 0.70723944, 8)
    assert_printed(p["W3"], [[-0.09087434, -0.07882982, 0.07821609, 0.16442826, 0.0783229, 0.04648216]], 8)
    assert_printed(p["b3"], [[0.00525865]], 8)


def test_the_models_name_a_layers_dims_that_does_not_fit():
    X, Y = np.ones((3, 4)), np.ones((1, 4))
    with pytest.raises(ValueError, match="^layers_dims"):
        deep_application.two_layer_model(X, Y, (3, 2, 2, 1))
    with pytest.raises(ValueError, match="^layers_dims"):
        deep_application.L_layer_model(X, Y, (4, 2, 1))
    with pytest.raises(TypeError, match="^layers_dims"):
        deep_application.L_layer_model(X, Y, "3,2,1")


@pytest.mark.parametrize("call, error, argument", [
    pytest.param(lambda: planar.forward_propagation(TRAINED, np.ones((2, 3))), TypeError, "X", id="parameters-first"),
    pytest.param(lambda: planar.compute_cost(np.array([[1.0, 0.5]]), np.array([[1, 0]])), ValueError, "A2",
                 id="saturated-A2"),
    pytest.param(lambda: planar.update_parameters(TRAINED, {"dW1": TRAINED["W1"]}), ValueError, "grads",
                 id="grads-without-db1"),
    pytest.param(lambda: planar.initialize_parameters(2, 4.0, 1), TypeError, "n_h", id="a-float-width"),
    pytest.param(lambda: logistic_regression.model(np.ones((2, 3)), np.ones((1, 3)), np.ones((3, 2)),
                                                   np.ones((1, 2))), ValueError, "X_test", id="X_test-of-other-n_x"),
])
def test_course_1_functions_name_the_bad_argument(call, error, argument):
    with pytest.raises(error, match=f"^{argument}\\b"):
        call()


def test_planar_functions_keep_float32():
    X = np.random.RandomState(1).randn(2, 3).astype(np.float32)
    p = {key: value.astype(np.float32) for key, value in TRAINED.items()}
    A2, cache = planar.forward_propagation(X, p)
    grads = planar.backward_propagation(p, cache, X, np.array([[True, False, True]]))
    updated = planar.update_parameters(p, grads)
    assert A2.dtype == np.float32
    assert all(a.dtype == np.float32 for a in (*cache.values(), *grads.values(), *updated.values()))
