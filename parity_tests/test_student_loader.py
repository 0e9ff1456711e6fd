"""A student's notebook or .py loaded as written (parity.students.loader), the course's helper
modules (reference_numpy.course_modules) and the import stand-ins (parity.students.helpers),
all in this process: nothing here runs a student's code."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from parity.students import load_cells, load_file
from parity.students.helpers import HelperFinder, Stub, StubModule, StubUsed
from parity.students.sandbox import copy_filter, course_package
from reference_numpy import course_modules
from reference_numpy.course_modules import dnn_app_utils_v3, dnn_utils, gc_utils, init_utils, opt_utils, reg_utils
from reference_numpy.course_modules import planar_utils

HERE = Path(__file__).parent / "students"
WEEK4 = HERE / "week4" / "step_by_step.ipynb"
EXPORTED = HERE / "week4" / "exported.py"


def _cells(path: Path) -> list[list[str]]:
    """The notebook's cells as lists of lines, read with json (not with the code under test)."""
    nb = json.loads(path.read_text())
    return [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]).splitlines()
            for c in nb["cells"]]


def _find(cells: list[list[str]], text: str) -> tuple[int, int]:
    """(cell from 1, line from 1) of the one line that starts with ``text``."""
    hits = [(c + 1, i + 1) for c, lines in enumerate(cells) for i, line in enumerate(lines) if line.startswith(text)]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- loading -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def week4():
    return load_file(WEEK4)


def test_notebook_keeps_definitions_and_counts_what_it_drops(week4):
    # Dropped by hand from the fixture: cell 2's plt.rcParams[...] = ... and np.random.seed(1);
    # cell 5's four test lines; cell 8's three training lines; cell 9's print.
    assert week4.dropped_statements == 2 + 4 + 3 + 1
    # %matplotlib, %load_ext, %autoreload (cell 2), %%time (cell 8), !ls (cell 9)
    assert week4.dropped_magics == 5
    assert week4.dropped == 15
    assert set(week4.functions) == {"linear_activation_forward", "L_model_forward", "sigmoid_probability",
                                    "relu_backward_of"}
    assert set(week4.defined) == set(week4.functions) | {"layers_dims", "n_x", "learning_rate", "scaled"}
    for dropped in ("np.random.seed", "plt.rcParams", "load_data()", "print(", "%", "!ls", "h5py.File"):
        assert dropped not in week4.source
    compile(week4.source, "generated", "exec")  # the module is valid Python as a whole


def test_a_cell_that_does_not_parse_is_reported_and_the_rest_loads(week4):
    cells = _cells(WEEK4)
    cell, line = _find(cells, "    cost = -(1 / m)")  # the unclosed parenthesis
    assert [(e.cell, e.line) for e in week4.parse_errors] == [(cell, line)]
    assert "never closed" in week4.parse_errors[0].message
    assert "compute_cost" not in week4.defined
    assert "relu_backward_of" in week4.defined  # a later cell still loads


def test_each_generated_line_maps_back_to_the_students_cell_and_line(week4):
    cells = _cells(WEEK4)
    generated = week4.source.splitlines()
    for text in ("def linear_activation_forward", "    Z = np.dot(W, A_prev) + b", "def relu_backward_of",
                 "    A, activation_cache = dnn_utils.sigmoid(Z)", "scaled = 2 * learning_rate",
                 "from course_grader_extras import Image"):
        g = next(i + 1 for i, line in enumerate(generated) if line.startswith(text))
        origin = week4.origin(g)
        assert (origin.cell, origin.line) == _find(cells, text), text
    assert week4.origin(len(generated) + 5) is None


def test_imports_are_recorded_with_their_cell(week4):
    cells = _cells(WEEK4)
    origin = week4.import_origin("course_grader_extras")
    assert (origin.cell, origin.line) == _find(cells, "from course_grader_extras")
    assert week4.import_origin("matplotlib").cell == _find(cells, "import matplotlib")[0]
    assert week4.import_origin("not_imported") is None


def test_a_py_export_calling_get_ipython_goes_through_the_same_filter():
    loaded = load_file(EXPORTED)
    lines = EXPORTED.read_text().splitlines()
    assert "get_ipython" not in loaded.source
    assert loaded.functions == ("relu",)
    assert loaded.dropped_statements == 2  # get_ipython().run_line_magic(...) and relu(np.array(...))
    g = loaded.source.splitlines().index("def relu(Z):") + 1
    origin = loaded.origin(g)
    assert lines[origin.file_line - 1] == "def relu(Z):"
    assert origin.cell == 2  # the file's second "# In[...]:" cell


def test_constants_are_kept_only_when_they_are_expressions_of_constants():
    loaded = load_cells([("a = 3\nb = [a, 2 * a]\nc = np.zeros(3)\nd = a + undefined\nx, y = 1, 2\n"
                          "z: int = 4\nobj.attr = 5\n", None)])
    assert loaded.defined == ("a", "b", "x", "y", "z")
    assert loaded.dropped_statements == 3


def test_decorators_future_imports_and_cell_magics():
    loaded = load_cells([
        ("from __future__ import annotations\nimport functools\n\n@functools.lru_cache\ndef f(x):\n    return x\n", None),
        ("%%bash\necho hello\n", None),
        ("%%capture\ndef g():\n    return 1\n", None),
        (None, None),  # a Markdown cell still counts in the numbering
        ("  %time x = 1\n", None),
    ])
    assert loaded.functions == ("f", "g")
    assert loaded.dropped_statements == 1  # the __future__ import
    assert loaded.dropped_magics == 1 + 1 + 1  # %%bash (its cell whole), %%capture, %time
    assert loaded.origin(loaded.source.splitlines().index("@functools.lru_cache") + 1).line == 4
    assert loaded.num_cells == 5


def test_help_lines_are_magics_and_do_not_cost_the_cell():
    loaded = load_cells([("def f(x):\n    return x\n\nnp.dot?\n??f\n", None)])
    assert loaded.functions == ("f",) and loaded.parse_errors == ()
    assert loaded.dropped_magics == 2


def test_the_folder_copy_skips_notebooks_caches_and_large_files(tmp_path):
    src = tmp_path / "student"
    (src / "datasets").mkdir(parents=True)
    (src / "datasets" / "train_catvnoncat.h5").write_bytes(b"x" * 100)
    (src / "datasets" / "huge.h5").write_bytes(b"x" * 1001)
    (src / "other.ipynb").write_text("{}")
    (src / "__pycache__").mkdir()
    (src / "dnn_utils.py").write_text("ORIGIN = 1\n")
    not_copied: list[str] = []
    shutil.copytree(src, tmp_path / "copy", ignore=copy_filter(1000, not_copied))
    copied = sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*"))
    assert copied == ["datasets", "datasets/train_catvnoncat.h5", "dnn_utils.py"]
    assert not_copied == ["huge.h5"]


def test_bad_paths_are_refused_with_the_argument_named(tmp_path):
    with pytest.raises(ValueError, match="path"):
        load_file(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="not a file"):
        load_file(tmp_path / "missing.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="not a readable notebook"):
        load_file(broken)


# -- the course's math helpers, against independent values ---------------------------------------


def test_dnn_utils_returns_the_courses_caches():
    Z = np.array([[0.0, 1.0, -2.0], [3.5, -0.5, 0.0]])
    A, cache = dnn_utils.sigmoid(Z)
    assert A[0, 0] == 0.5
    np.testing.assert_allclose(A, _sigmoid(Z), rtol=1e-15)
    assert cache is Z
    A, cache = dnn_utils.relu(Z)
    np.testing.assert_array_equal(A, [[0.0, 1.0, 0.0], [3.5, 0.0, 0.0]])
    assert cache is Z
    dA = np.arange(1.0, 7.0).reshape(2, 3)
    np.testing.assert_array_equal(dnn_utils.relu_backward(dA, Z), [[0.0, 2.0, 0.0], [4.0, 0.0, 0.0]])  # relu'(0) = 0
    s = _sigmoid(Z)
    np.testing.assert_allclose(dnn_utils.sigmoid_backward(dA, Z), dA * s * (1 - s), rtol=1e-14)
    assert course_modules.MATH_MODULES["dnn_utils_v2"] == "dnn_utils"


def test_course_two_sigmoid_and_relu_return_the_activation_alone():
    assert planar_utils.sigmoid(0.0) == 0.5
    assert reg_utils.relu(-3.0) == 0.0
    z = np.array([-1.0, 2.0])
    np.testing.assert_allclose(gc_utils.sigmoid(z), _sigmoid(z), rtol=1e-15)


def _three_layer_case(seed=0, m=7):
    rng = np.random.default_rng(seed)
    dims = (3, 4, 2, 1)
    params = {}
    for l in range(1, 4):
        params[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    X = rng.standard_normal((3, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return params, X, Y


@pytest.mark.parametrize("module", [reg_utils, init_utils, opt_utils], ids=lambda m: m.__name__.split(".")[-1])
def test_three_layer_backward_matches_finite_differences(module):
    params, X, Y = _three_layer_case()
    m = X.shape[1]

    def J(p):
        a3, _ = module.forward_propagation(X, p)
        return float(-np.mean(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)))

    a3, cache = module.forward_propagation(X, params)
    grads = module.backward_propagation(X, Y, cache)
    for key in ("W1", "b1", "W3", "b3"):
        numeric = np.zeros_like(params[key])
        for idx in np.ndindex(params[key].shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key][idx] += 1e-6
            minus[key][idx] -= 1e-6
            numeric[idx] = (J(plus) - J(minus)) / 2e-6
        np.testing.assert_allclose(grads["d" + key], numeric, rtol=1e-5, atol=1e-8)
    cost = reg_utils.compute_cost(a3, Y)
    np.testing.assert_allclose(cost, J(params), rtol=1e-13)
    np.testing.assert_allclose(init_utils.compute_loss(a3, Y), J(params), rtol=1e-13)
    np.testing.assert_allclose(opt_utils.compute_cost(a3, Y), m * J(params), rtol=1e-13)  # the course's sum


def test_three_layer_keeps_float32():
    params, X, Y = _three_layer_case()
    params = {k: v.astype(np.float32) for k, v in params.items()}
    a3, cache = reg_utils.forward_propagation(X.astype(np.float32), params)
    grads = reg_utils.backward_propagation(X.astype(np.float32), Y.astype(np.float32), cache)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_course_initialisers_draw_the_courses_numbers():
    # The course seeds np.random, then draws layer by layer: reproduced here with a RandomState.
    rng = np.random.RandomState(3)
    expected_w1 = rng.randn(4, 2) / np.sqrt(2)
    np.testing.assert_array_equal(reg_utils.initialize_parameters([2, 4, 1])["W1"], expected_w1)
    rng = np.random.RandomState(3)
    np.testing.assert_array_equal(opt_utils.initialize_parameters([2, 4, 1])["W1"], rng.randn(4, 2) * np.sqrt(2 / 2))
    rng = np.random.RandomState(1)
    w1 = rng.randn(5, 3) / np.sqrt(3)
    w2 = rng.randn(1, 5) / np.sqrt(5)
    params = dnn_app_utils_v3.initialize_parameters_deep([3, 5, 1])
    np.testing.assert_array_equal(params["W1"], w1)
    np.testing.assert_array_equal(params["W2"], w2)
    np.testing.assert_array_equal(params["b2"], np.zeros((1, 1)))


def test_gc_utils_rolls_in_the_courses_order():
    shapes = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    start, params = 0, {}
    for key, shape in shapes.items():
        size = int(np.prod(shape))
        params[key] = np.arange(start, start + size, dtype=float).reshape(shape)
        start += size
    theta, keys = gc_utils.dictionary_to_vector(params)
    np.testing.assert_array_equal(theta[:, 0], np.arange(47.0))
    assert keys[:20] == ["W1"] * 20 and keys[-1] == "b3"
    back = gc_utils.vector_to_dictionary(theta)
    assert all(np.array_equal(back[k], params[k]) for k in shapes)
    grads = {"d" + k: v for k, v in params.items()}
    np.testing.assert_array_equal(gc_utils.gradients_to_vector(grads), theta)


def test_helpers_that_need_the_courses_files_say_so():
    with pytest.raises(course_modules.CourseHelperNotProvided, match="planar_utils.py next to the notebook"):
        planar_utils.load_planar_dataset()


# -- the stand-ins, without installing them in this process --------------------------------------


def _module(finder: HelperFinder, name: str):
    spec = finder.find_spec(name)
    if spec is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_finder_gives_the_course_math_stubs_and_named_stand_ins():
    finder = HelperFinder(course_modules, {"course_grader_extras": "cell 10, line 1"})
    utils = _module(finder, "dnn_utils_v2")
    A, cache = utils.sigmoid(np.zeros((1, 2)))
    assert A.tolist() == [[0.5, 0.5]]
    assert set(utils.__all__) == {"sigmoid", "relu", "sigmoid_backward", "relu_backward"}

    tests = _module(finder, "testCases_v4a")
    assert isinstance(tests, StubModule) and tests.__all__ == []  # `import *` brings nothing
    case = tests.linear_forward_test_case
    assert isinstance(case, Stub)
    with pytest.raises(StubUsed, match="testCases_v4a.linear_forward_test_case was called"):
        case()
    with pytest.raises(AttributeError):
        tests.__wrapped__  # noqa: B018  (introspection must not see a stub)

    extras = _module(finder, "course_grader_extras")
    with pytest.raises(StubUsed, match="not installed here .imported in cell 10, line 1"):
        extras.Image.open("cat.png")
    assert finder.served["course_grader_extras"][0] == "missing"
    assert finder.served["dnn_utils_v2"] == ("course", "reference_numpy.course_modules.dnn_utils")

    # A module the file does not import is left to fail as it would: libraries probe for them.
    assert finder.find_spec("some_optional_accelerator") is None
    assert "dnn_utils_v2" not in sys.modules  # nothing was installed here


def test_the_reference_declares_its_course_modules():
    assert course_package() == course_modules.__name__
