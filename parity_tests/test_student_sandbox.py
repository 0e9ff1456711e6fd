"""A student's file in its own process (parity.students.sandbox): whatever it does is its
verdict. Four processes in all: the course-shaped notebook, a file of faulty functions, a file
that calls sys.exit at import, and a notebook that hangs; and the arrays file the values
cross in (parity.students.codec), read as np.load reads an .npz and refused where it is not one."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from parity.students import Sandbox, run_file
from parity.students.codec import MAGIC, load_arrays, save_arrays

HERE = Path(__file__).parent / "students"


def _find(path: Path, text: str) -> tuple[int, int]:
    """(cell from 1, line from 1) of the notebook line starting with ``text``, read with json."""
    cells = json.loads(path.read_text())["cells"]
    hits = [(c + 1, i + 1) for c, cell in enumerate(cells)
            for i, line in enumerate("".join(cell["source"]).splitlines()) if line.startswith(text)]
    assert len(hits) == 1, hits
    return hits[0]


def _line(path: Path, text: str) -> int:
    return next(i + 1 for i, line in enumerate(path.read_text().splitlines()) if line.startswith(text))


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, killed but not yet reaped by init, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _running_in_group(pgid: int) -> list[int]:
    """The processes of group ``pgid`` that still run (zombies excluded)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            pids.append(int(entry.name))
    return pids


def _gone_soon(pid: int, seconds: float = 3.0) -> bool:
    end = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < end:
        time.sleep(0.05)
    return not _alive(pid)


def test_course_shaped_notebook_loads_with_absent_helpers_and_computes_the_courses_values():
    path = HERE / "week4" / "step_by_step.ipynb"
    with Sandbox(path, timeout=60) as box:
        # One import raised (a typo'd name); everything else, and the cells after it, loaded.
        assert box.import_verdict.status == "error"
        assert (box.import_verdict.cell, box.import_verdict.line) == _find(path, "from dnn_utils import sigmoid_with")
        assert box.import_verdict.exception == "ImportError"
        assert len(box.import_errors) == 1
        assert box.served["dnn_utils"][0] == "course"
        assert box.served["testCases"][0] == "stub" and box.served["public_tests"][0] == "stub"
        cell, line = _find(path, "from course_grader_extras")
        assert box.served["course_grader_extras"][0] == "missing"
        assert f"cell {cell}, line {line}" in box.served["course_grader_extras"][1]
        notes = "\n".join(box.notes())
        assert "dropped 10 top-level statement(s) and 5 magic" in notes
        assert "course_grader_extras" in notes and "does not parse" in notes

        Z = np.array([[0.0, 1.0, -2.0, 30.0, -30.0]])
        result = box.call("sigmoid_probability", Z)  # the student's function on dnn_utils.sigmoid
        assert result.verdict.ok, result.verdict
        assert result.value[0, 0] == 0.5
        np.testing.assert_allclose(result.value, 1 / (1 + np.exp(-Z)), rtol=1e-14)

        dA, Zr = np.array([[1.0, 2.0, 3.0]]), np.array([[-1.0, 0.0, 2.0]])
        assert box.call("relu_backward_of", dA, Zr).value.tolist() == [[0.0, 0.0, 3.0]]

        A_prev, W, b = np.ones((3, 2)), np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0]]), np.array([[0.25], [-3.0]])
        value = box.call("linear_activation_forward", A_prev, W, b, "relu").value
        A, ((cached_A, cached_W, cached_b), cached_Z) = value  # the course's cache, tuples kept
        np.testing.assert_array_equal(A, np.maximum(W @ A_prev + b, 0))
        np.testing.assert_array_equal(cached_Z, W @ A_prev + b)
        np.testing.assert_array_equal(cached_W, W)

        # An exception inside the student's code: the verdict is the innermost line of theirs.
        bad = {"W1": np.ones((2, 4)), "b1": np.zeros((2, 1)), "W2": np.ones((1, 2)), "b2": np.zeros((1, 1))}
        verdict = box.call("L_model_forward", np.ones((3, 2)), bad).verdict
        assert verdict.status == "error" and verdict.exception == "ValueError"
        assert (verdict.cell, verdict.line) == _find(path, "    Z = np.dot(W, A_prev) + b")
        assert verdict.function == "linear_activation_forward"

        with pytest.raises(ValueError, match="function must be one the file defines"):
            box.call("sigmoid")  # imported from dnn_utils, not the student's
        with pytest.raises(TypeError, match="arguments of relu_backward_of must be arrays"):
            box.call("relu_backward_of", dA, {"Z": object()})  # never pickled across
        workdir = Path(box._tmp)
        assert workdir.is_dir()
    assert not workdir.exists()  # the temporary copy is removed


def test_faulty_functions_each_get_their_verdict_and_the_process_survives_until_it_dies():
    path = HERE / "faults" / "faults.py"
    with Sandbox(path, memory_bytes=2**30, timeout=60) as box:
        assert box.import_verdict.ok, box.import_verdict
        assert box.call("which_dnn_utils").value == "the student's own copy"  # a copy next to the file wins
        x = np.arange(4, dtype=np.float32).reshape(2, 2)
        result = box.call("double", x, scale=np.float32(3), echo_args=True)
        y, info = result.value
        assert y.dtype == np.float32 and y.tolist() == [[0.0, 3.0], [6.0, 9.0]]
        assert info == {"shape": (2, 2), "dtype": "float32"}
        assert result.args_after[0].tolist() == x.tolist() and result.kwargs_after["scale"].dtype == np.float32

        stub = box.call("needs_test_data").verdict
        assert stub.status == "error" and stub.exception == "StubUsed" and "testCases_v4a" in stub.message
        assert stub.file_line == _line(path, "    parameters, grads = update_parameters_test_case()")

        memory = box.call("hog").verdict
        assert memory.status == "memory" and memory.function == "hog"
        assert memory.file_line == _line(path, "    return np.ones(2**30)")

        flood = box.call("flood").verdict
        assert flood.status == "error" and "output flood" in flood.message

        crash = box.call("crash").verdict
        assert crash.status == "crashed" and "code 7" in crash.message
        assert box.call("which_dnn_utils").verdict == crash  # a dead process answers no more


def test_sys_exit_at_import_is_the_files_verdict():
    path = HERE / "exits" / "exits_at_import.py"
    box = run_file(path)
    verdict = box.import_verdict
    assert verdict.status == "error" and "sys.exit(3)" in verdict.message
    assert verdict.file_line == _line(path, "    sys.exit(3)")
    assert verdict.function == "Settings"


def test_a_hanging_notebook_times_out_and_leaves_no_process_behind(tmp_path, monkeypatch):
    pidfile = tmp_path / "helper.pid"
    monkeypatch.setenv("NN_PARITY_TEST_PIDFILE", str(pidfile))
    box = Sandbox(HERE / "hang" / "hangs.ipynb", timeout=3)
    start = time.monotonic()
    try:
        verdict = box.start()
        elapsed = time.monotonic() - start
        worker = box._proc.pid
        workdir = Path(box._tmp)
    finally:
        box.close()
    assert verdict.status == "timeout" and "3 s" in verdict.message
    path = HERE / "hang" / "hangs.ipynb"
    assert (verdict.cell, verdict.line) in {_find(path, "    while True:"), _find(path, "        time.sleep(0.05)")}
    assert 3 <= elapsed < 3 + 2
    helper = int(pidfile.read_text())
    assert _gone_soon(helper), "the student's own child process outlived the timeout"
    assert not _alive(worker)
    assert not workdir.exists()
    assert _running_in_group(worker) == []  # nothing of the student's group still runs


def _arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"c": rng.random((3, 4)), "fortran": np.asfortranarray(rng.random((3, 4))),
            "strided": rng.random((5, 6))[::2, 1::2], "scalar32": np.asarray(np.float32(1.5)),
            "bool": np.array([True, False]), "big_endian": np.arange(6, dtype=">i4").reshape(2, 3),
            "empty": np.empty((0, 3)), "complex": np.array([1 + 2j, 3 - 1j], dtype=np.complex64)}


def test_arrays_come_back_as_np_load_gives_them(tmp_path):
    arrays = _arrays()
    save_arrays(tmp_path / "a.arrays", arrays)
    np.savez(tmp_path / "a.npz", **arrays)
    got = load_arrays(tmp_path / "a.arrays")
    with np.load(tmp_path / "a.npz") as npz:
        assert list(got) == list(npz.files)
        for name in npz.files:
            a, b = got[name], npz[name]
            assert (a.dtype, a.shape) == (b.dtype, b.shape) and np.array_equal(a, b), name
            assert (a.flags.c_contiguous, a.flags.f_contiguous) == (b.flags.c_contiguous, b.flags.f_contiguous), name
            assert a.flags.writeable and a.flags.owndata, name  # a student may write into an input: its own copy
    assert load_arrays(tmp_path / "absent.arrays") == {}


def _written(path: Path, index, body: bytes = b"") -> Path:
    header = json.dumps(index).encode()
    path.write_bytes(MAGIC + len(header).to_bytes(8, "little") + header + body)
    return path


@pytest.mark.parametrize("index, body, words", [
    ([["a", "O", [1], False, 0, 8]], b"x" * 8, "not an array of numbers"),
    ([["a", "i4,O", [1], False, 0, 12]], b"x" * 12, "not an array of numbers"),
    ([["a", "<U3", [1], False, 0, 12]], b"x" * 12, "not an array of numbers"),
    ([["a", "<f8", [-1], False, 0, 8]], b"x" * 8, "not an array of numbers"),
    ([["a", "<f8", [2], False, 0, 16]], b"x" * 8, "does not fit the file"),
    ([["a", "<f8", [1], False, 4, 8]], b"x" * 8, "does not fit the file"),
    ([[["a"], "<f8", [1], False, 0, 8]], b"x" * 8, "a bad index entry"),
    ([["a"]], b"", "a bad index entry"),
    ({"a": 1}, b"", "not a list of arrays"),
], ids=["object", "object-field", "unicode", "negative-shape", "short", "past-the-end", "name-not-a-string",
        "short-entry", "not-a-list"])
def test_a_file_that_is_not_the_checkers_is_refused(tmp_path, index, body, words):
    # The student's process can write over its answer file: what it holds is read as numbers or refused.
    with pytest.raises(ValueError, match=words):
        load_arrays(_written(tmp_path / "bad.arrays", index, body))
    (tmp_path / "junk.arrays").write_bytes(b"PK\x03\x04 an npz, or anything else")
    with pytest.raises(ValueError, match="not an arrays file"):
        load_arrays(tmp_path / "junk.arrays")
