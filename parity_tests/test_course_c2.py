"""``reference_numpy.course``, course 2: the assignments' published test values (weeks 1 and 2:
initialisation, regularisation, gradient checking, optimisation methods).

Every expected value below is the course's, copied from an "Expected Output" cell of the
assignment's notebook or from its grader (``public_tests.py``), never from this code's output;
each is cited where it is used. The inputs are the course's test cases (``testCases.py``),
rebuilt from their seeds, or copied where the test case writes them out.

Sources, github.com/amanchadha/coursera-deep-learning-specialization at commit e9de0f4d1549,
folder "C2 - Improving Deep Neural Networks Hyperparameter tuning, Regularization and
Optimization" (AC below):
- Week 1/Initialization/Initialization.ipynb;
- Week 1/Regularization/Regularization_v2a.ipynb and testCases.py;
- Week 1/Gradient Checking/Gradient Checking v1.ipynb and testCases.py;
- Week 2/Optimization_methods_v1b.ipynb and testCases.py;
and the course's later graders, ``public_tests.py`` of W1A3 (gradient checking) and W2A1
(optimisation), as students publish them: named by test function.
"""

from __future__ import annotations

import numpy as np
import pytest

from .test_course import assert_printed
from reference_numpy.course import gradient_checking, initialization, optimization, regularization


def draws(seed: int, *shapes):
    """The course's test-case inputs: ``np.random.seed(seed)`` then one ``randn`` per shape."""
    rng = np.random.RandomState(seed)
    return [rng.randn(*shape) for shape in shapes]


# -- initialisation -------------------------------------------------------------------------


def test_initialize_parameters_zeros_reproduces_the_course():
    p = initialization.initialize_parameters_zeros([3, 2, 1])  # AC Initialization cell 9
    assert list(p) == ["W1", "b1", "W2", "b2"]
    for key, shape in (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (1, 2)), ("b2", (1, 1))):
        np.testing.assert_array_equal(p[key], np.zeros(shape))


def test_initialize_parameters_random_reproduces_the_course():
    p = initialization.initialize_parameters_random([3, 2, 1])  # AC Initialization cell 20
    assert_printed(p["W1"], [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]], 8)
    assert_printed(p["W2"], [[-0.82741481, -6.27000677]], 8)
    np.testing.assert_array_equal(p["b1"], np.zeros((2, 1)))


def test_initialize_parameters_he_reproduces_the_course():
    state = np.random.get_state()[1].copy()
    p = initialization.initialize_parameters_he([2, 4, 1])  # AC Initialization cell 30
    assert_printed(p["W1"], [[1.78862847, 0.43650985], [0.09649747, -1.8634927],
                             [-0.2773882, -0.35475898], [-0.08274148, -0.62700068]], 8)
    assert_printed(p["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], 8)
    np.testing.assert_array_equal(p["b2"], np.zeros((1, 1)))
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # the course's seed 3, privately


@pytest.mark.parametrize("layers_dims, error", [pytest.param("3,2,1", TypeError, id="a-string"),
                                                pytest.param([3], ValueError, id="one-layer-size"),
                                                pytest.param([3, 0, 1], ValueError, id="a-zero-width")])
def test_initializers_name_layers_dims(layers_dims, error):
    with pytest.raises(error, match="^layers_dims"):
        initialization.initialize_parameters_he(layers_dims)


# -- regularisation -------------------------------------------------------------------------

REG_CACHE = (
    np.array([[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
              [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]]),
    np.array([[0.0, 3.32524635, 2.13994541, 2.60700654, 0.0],
              [0.0, 4.1600994, 0.79051021, 1.46493512, 0.0]]),
    np.array([[-1.09989127, -0.17242821, -0.87785842],
              [0.04221375, 0.58281521, -1.10061918]]),
    np.array([[1.14472371],
              [0.90159072]]),
    np.array([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
              [-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075],
              [-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353]]),
    np.array([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
              [0.0, 0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, 0.0, 0.0, 0.0]]),
    np.array([[0.50249434, 0.90085595],
              [-0.68372786, -0.12289023],
              [-0.93576943, -0.26788808]]),
    np.array([[0.53035547],
              [-0.69166075],
              [-0.39675353]]),
    np.array([[-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104]]),
    np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]]),
    np.array([[-0.6871727, -0.84520564, -0.67124613]]),
    np.array([[-0.0126646]]),
)
DROPOUT_CACHE = (
    np.array([[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
              [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]]),
    np.array([[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]], dtype=bool),
    np.array([[0.0, 0.0, 4.27989081, 5.21401307, 0.0],
              [0.0, 8.32019881, 1.58102041, 2.92987024, 0.0]]),
    np.array([[-1.09989127, -0.17242821, -0.87785842],
              [0.04221375, 0.58281521, -1.10061918]]),
    np.array([[1.14472371],
              [0.90159072]]),
    np.array([[0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547],
              [-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075],
              [-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353]]),
    np.array([[1, 0, 1, 0, 1], [0, 1, 0, 1, 1], [0, 0, 1, 0, 0]], dtype=bool),
    np.array([[1.06071093, 0.0, 8.21049603, 0.0, 1.06071093],
              [0.0, 0.0, 0.0, 0.0, 0.0],
              [0.0, 0.0, 0.0, 0.0, 0.0]]),
    np.array([[0.50249434, 0.90085595],
              [-0.68372786, -0.12289023],
              [-0.93576943, -0.26788808]]),
    np.array([[0.53035547],
              [-0.69166075],
              [-0.39675353]]),
    np.array([[-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562]]),
    np.array([[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]]),
    np.array([[-0.6871727, -0.84520564, -0.67124613]]),
    np.array([[-0.0126646]]),
)


def three_layer_parameters():
    """AC Regularization testCases: compute_cost_with_regularization_test_case's parameters
    (forward_propagation_with_dropout_test_case draws X (3, 5) first, then the same shapes)."""
    W1, b1, W2, b2, W3, b3 = draws(1, (2, 3), (2, 1), (3, 2), (3, 1), (1, 3), (1, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def test_compute_cost_with_regularization_reproduces_the_course():
    Y = np.array([[1, 1, 0, 1, 0]])
    A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    cost = regularization.compute_cost_with_regularization(A3, Y, three_layer_parameters(), lambd=0.1)
    assert_printed(cost, 1.78648594516, 11)  # AC Regularization cell 17


def test_backward_propagation_with_regularization_reproduces_the_course():
    X = np.random.RandomState(1).randn(3, 5)  # backward_propagation_with_regularization_test_case
    Y = np.array([[1, 1, 0, 1, 0]])
    grads = regularization.backward_propagation_with_regularization(X, Y, REG_CACHE, lambd=0.7)
    # AC Regularization cell 21
    assert_printed(grads["dW1"], [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]], 8)
    assert_printed(grads["dW2"], [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]], 8)
    assert_printed(grads["dW3"], [[-1.77691347, -0.11832879, -0.09397446]], 8)


def test_forward_propagation_with_dropout_reproduces_the_course():
    state = np.random.get_state()[1].copy()
    rng = np.random.RandomState(1)  # forward_propagation_with_dropout_test_case
    X = rng.randn(3, 5)
    parameters = {key: rng.randn(*shape) for key, shape in
                  (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))}
    A3, cache = regularization.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    assert_printed(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]], 8)  # AC cell 30
    assert len(cache) == 14 and set(np.unique(cache[1])) <= {0.0, 1.0}
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # the course's seed 1, privately


def test_backward_propagation_with_dropout_reproduces_the_course():
    X = np.random.RandomState(1).randn(3, 5)  # backward_propagation_with_dropout_test_case
    Y = np.array([[1, 1, 0, 1, 0]])
    grads = regularization.backward_propagation_with_dropout(X, Y, DROPOUT_CACHE, keep_prob=0.8)
    # AC Regularization cell 34
    assert_printed(grads["dA1"], [[0.36544439, 0.0, -0.00188233, 0.0, -0.17408748],
                                  [0.65515713, 0.0, -0.00337459, 0.0, -0.0]], 8)
    assert_printed(grads["dA2"], [[0.58180856, 0.0, -0.00299679, 0.0, -0.27715731],
                                  [0.0, 0.53159854, -0.0, 0.53159854, -0.34089673],
                                  [0.0, 0.0, -0.00292733, 0.0, -0.0]], 8)


def test_dropout_keeps_float32():
    parameters = {k: v.astype(np.float32) for k, v in three_layer_parameters().items()}
    X = np.random.RandomState(0).randn(3, 5).astype(np.float32)
    A3, cache = regularization.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    grads = regularization.backward_propagation_with_dropout(X, np.ones((1, 5), np.float32), cache, 0.7)
    assert A3.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())


def test_keep_prob_outside_0_1_is_named():
    with pytest.raises(ValueError, match="^keep_prob"):
        regularization.forward_propagation_with_dropout(np.ones((3, 2)), three_layer_parameters(), keep_prob=1.5)


# -- gradient checking ----------------------------------------------------------------------


def test_one_dimensional_gradient_check_reproduces_the_course():
    assert gradient_checking.forward_propagation(2, 4) == 8  # AC Gradient Checking cell 6
    assert gradient_checking.backward_propagation(2, 4) == 2  # AC cell 10
    # W1A3 public_tests.gradient_check_test, printed in full (AC cell 14: "2.9193358103083e-10").
    assert_printed(gradient_checking.gradient_check(2, 4), 2.919335883291695e-10, 25)


def gradient_check_n_test_case():
    """AC Gradient Checking testCases.gradient_check_n_test_case: seed 1, x then the parameters."""
    x, W1, b1, W2, b2, W3, b3 = draws(1, (4, 3), (5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1))
    return x, np.array([1, 1, 0]), {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}


def test_gradient_check_n_reproduces_the_course():
    X, Y, parameters = gradient_check_n_test_case()
    cost, cache = gradient_checking.forward_propagation_n(X, Y, parameters)
    gradients = gradient_checking.backward_propagation_n(X, Y, cache)
    difference = gradient_checking.gradient_check_n(parameters, gradients, X, Y)
    # W1A3 public_tests.gradient_check_n_test, the corrected backward pass: 1.1890913024229996e-07
    # (AC cell 24 printed 1.1890913023330276e-07). The difference is made of the centred
    # differences' rounding errors, so the course's two runs agree to 9 digits only: compared
    # at 8 significant digits.
    assert_printed(difference, 1.1890913024229996e-07, 15)
    # The course's backward_propagation_n as handed out has two planted mistakes (dW2 doubled,
    # db1 with 4/m); W1A3 public_tests.gradient_check_n_test's other value, 0.2850931567761623
    # (AC cell 25: "0.285093156781"), is the check of that version.
    planted = dict(gradients, dW2=2 * gradients["dW2"], db1=4 * gradients["db1"])
    assert_printed(gradient_checking.gradient_check_n(parameters, planted, X, Y), 0.2850931567761623, 12)


def test_vector_round_trip_keeps_the_course_order():
    _, _, parameters = gradient_check_n_test_case()
    theta, keys = gradient_checking.dictionary_to_vector(parameters)
    assert theta.shape == (47, 1) and keys[:20] == ["W1"] * 20 and keys[-1] == "b3"
    back = gradient_checking.vector_to_dictionary(theta)
    for key, value in parameters.items():
        np.testing.assert_array_equal(back[key], value)


# -- optimisation methods -------------------------------------------------------------------


def two_layer_case():
    """AC Optimization testCases (update_parameters_with_gd/momentum/adam_test_case): seed 1,
    W1, b1, W2, b2, then dW1, db1, dW2, db2."""
    W1, b1, W2, b2, dW1, db1, dW2, db2 = draws(1, (2, 3), (2, 1), (3, 3), (3, 1), (2, 3), (2, 1), (3, 3), (3, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def test_update_parameters_with_gd_reproduces_the_course():
    parameters, grads = two_layer_case()
    p = optimization.update_parameters_with_gd(parameters, grads, 0.01)  # AC Optimization cell 6
    assert_printed(p["W1"], [[1.63535156, -0.62320365, -0.53718766], [-1.07799357, 0.85639907, -2.29470142]], 8)
    assert_printed(p["b1"], [[1.74604067], [-0.75184921]], 8)
    assert_printed(p["W2"], [[0.32171798, -0.25467393, 1.46902454], [-2.05617317, -0.31554548, -0.3756023],
                             [1.1404819, -1.09976462, -0.1612551]], 8)
    assert_printed(p["b2"], [[-0.88020257], [0.02561572], [0.57539477]], 8)


def test_random_mini_batches_reproduces_the_course():
    rng = np.random.RandomState(1)  # AC random_mini_batches_test_case: m = 148, batches of 64
    X = rng.randn(12288, 148)
    Y = rng.randn(1, 148) < 0.5
    batches = optimization.random_mini_batches(X, Y, 64)
    # AC Optimization cell 12
    assert [b[0].shape for b in batches] == [(12288, 64), (12288, 64), (12288, 20)]
    assert [b[1].shape for b in batches] == [(1, 64), (1, 64), (1, 20)]
    assert_printed(batches[0][0][0][0:3], [0.90085595, -0.7612069, 0.2344157], 8)


def test_random_mini_batches_reproduces_the_course_grader():
    rng = np.random.RandomState(1)  # W2A1 public_tests.random_mini_batches_test
    X = rng.randn(5, 7)
    Y = rng.randn(1, 7) < 0.5
    batches = optimization.random_mini_batches(X, Y, 2)
    first_rows = [[1.74481176, -0.52817175], [-0.61175641, -1.07296862], [1.62434536, -2.3015387], [0.86540763]]
    labels = [[[True, True]], [[True, False]], [[True, True]], [[False]]]
    assert len(batches) == 4
    for (batch_X, batch_Y), row, label in zip(batches, first_rows, labels):
        assert_printed(batch_X[0], row, 8)
        np.testing.assert_array_equal(batch_Y, label)
    assert_printed(batches[1][0][:, 1], [-1.07296862, 1.46210794, -0.87785842, 0.90085595, -0.39675353], 8)


def test_momentum_reproduces_the_course():
    parameters, grads = two_layer_case()
    v = optimization.initialize_velocity(parameters)  # AC cell 17: zeros of the parameters' shapes
    assert set(v) == {"dW1", "db1", "dW2", "db2"} and v["dW2"].shape == (3, 3) and not v["dW2"].any()
    p, v = optimization.update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.01)
    # AC Optimization cell 21
    assert_printed(p["W1"], [[1.62544598, -0.61290114, -0.52907334], [-1.07347112, 0.86450677, -2.30085497]], 8)
    assert_printed(p["b2"], [[-0.87809283], [0.04055394], [0.58207317]], 8)
    assert_printed(v["dW1"], [[-0.11006192, 0.11447237, 0.09015907], [0.05024943, 0.09008559, -0.06837279]], 8)
    assert_printed(v["db2"], [[0.02344157], [0.16598022], [0.07420442]], 8)


def test_adam_reproduces_the_course():
    parameters, grads = two_layer_case()
    v, s = optimization.initialize_adam(parameters)  # AC cell 28: zeros
    assert not any(a.any() for a in (*v.values(), *s.values())) and s["db1"].shape == (2, 1)
    p, v, s = optimization.update_parameters_with_adam(parameters, grads, v, s, t=2)
    # AC Optimization cell 32: the moments
    assert_printed(v["dW1"], [[-0.11006192, 0.11447237, 0.09015907], [0.05024943, 0.09008559, -0.06837279]], 8)
    assert_printed(v["db2"], [[0.02344157], [0.16598022], [0.07420442]], 8)
    assert_printed(s["dW1"], [[0.00121136, 0.00131039, 0.00081287], [0.0002525, 0.00081154, 0.00046748]], 8)
    assert_printed(s["db1"], [[1.51020075e-05], [8.75664434e-04]], 12)
    assert_printed(s["dW2"], [[7.17640232e-05, 2.81276921e-04, 4.78394595e-04],
                              [1.57413361e-04, 4.72206320e-04, 7.14372576e-04],
                              [4.50571368e-04, 1.60392066e-07, 1.24838242e-03]], 11)
    assert_printed(s["db2"], [[5.49507194e-05], [2.75494327e-03], [5.50629536e-04]], 11)
    # ... and the parameters. The cell's were computed with ε inside the square root,
    # W - α v̂ / √(ŝ + ε): two entries, where ŝ is smallest, show it at 8 decimals (W2[2, 1]
    # -1.09245036, b2[0] -0.88529978). The course's instructions and formula, and the reference,
    # put ε outside, √ŝ + ε (-1.09244991 and -0.88529979 there); elsewhere the two agree.
    published = {"W1": [[1.63178673, -0.61919778, -0.53561312], [-1.08040999, 0.85796626, -2.29409733]],
                 "b1": [[1.75225313], [-0.75376553]],
                 "W2": [[0.32648046, -0.25681174, 1.46954931], [-2.05269934, -0.31497584, -0.37661299],
                        [1.14121081, -1.09245036, -0.16498684]],
                 "b2": [[-0.88529978], [0.03477238], [0.57537385]]}
    for key, expected in published.items():
        v_hat, s_hat = v["d" + key] / (1 - 0.9**2), s["d" + key] / (1 - 0.999**2)
        assert_printed(parameters[key] - 0.01 * v_hat / np.sqrt(s_hat + 1e-8), expected, 8)
        np.testing.assert_array_equal(p[key], parameters[key] - 0.01 * v_hat / (np.sqrt(s_hat) + 1e-8))
        assert np.abs(p[key] - np.array(expected)).max() < 1e-6
    assert abs(p["W2"][2, 1] - published["W2"][2][1]) > 1e-7  # the ε placement, visible


def test_learning_rate_decay_reproduces_the_course_grader():
    # W2A1 public_tests.update_lr_test and schedule_lr_decay_test
    assert_printed(optimization.update_lr(0.5, 2, 1), 0.16666666666666666, 17)
    assert optimization.schedule_lr_decay(0.5, 100, 1, 100) == 0.25
    assert optimization.schedule_lr_decay(0.5, 10, 1, 100) == 0.5
    # The grader writes 0.085714285 for 0.3 / 3.5 = 0.0857142857...: cut, not rounded, at 9 decimals.
    assert_printed(optimization.schedule_lr_decay(0.3, 1000, 0.25, 100), 0.085714285, 8)
    assert_printed(optimization.schedule_lr_decay(0.3, 100, 0.25, 100), 0.24, 16)


def _bad_calls():
    parameters, grads = two_layer_case()
    v, s = optimization.initialize_adam(parameters)
    X, Y = np.ones((3, 5)), np.ones((1, 5))
    return [
        ("adam-t-from-0", lambda: optimization.update_parameters_with_adam(parameters, grads, v, s, 0),
         ValueError, "t"),
        ("momentum-beta-1.5", lambda: optimization.update_parameters_with_momentum(parameters, grads, v, 1.5, 0.01),
         ValueError, "beta"),
        ("momentum-v-of-other-shapes", lambda: optimization.update_parameters_with_momentum(
            parameters, grads, {k: val[:1] for k, val in v.items()}, 0.9, 0.01), ValueError, "v"),
        ("gd-learning-rate-before-grads", lambda: optimization.update_parameters_with_gd(parameters, 0.01, grads),
         TypeError, "grads"),
        ("mini-batch-size-0", lambda: optimization.random_mini_batches(X, Y, 0), ValueError, "mini_batch_size"),
        ("time-interval-0", lambda: optimization.schedule_lr_decay(0.5, 10, 1, 0), ValueError, "time_interval"),
        ("dropout-backward-given-the-L2-cache",
         lambda: regularization.backward_propagation_with_dropout(X, Y, REG_CACHE, 0.8), TypeError, "cache"),
        ("gradient-check-n-without-W3", lambda: gradient_checking.gradient_check_n(
            {"W1": np.ones((5, 4))}, {}, np.ones((4, 3)), Y[:, :3]), ValueError, "missing"),
    ]


@pytest.mark.parametrize("call, error, argument", [pytest.param(*c[1:], id=c[0]) for c in _bad_calls()])
def test_course_2_functions_name_the_bad_argument(call, error, argument):
    with pytest.raises(error, match=f"^{argument}\\b"):
        call()
