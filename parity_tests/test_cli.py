"""The command line: --version, and every argument checked before any work (--task and
--label-column of the user's data included), with one-line errors and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parity.data import TASKS
from reports.cli import build_parser, main
from reports.dataset import resolve_dataset


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("nn-parity ")


@pytest.mark.parametrize("command", ["report", "check"])
def test_both_commands_take_threads_quick_dtype_device_out(command):
    argv = [command] + (["numpy"] if command == "check" else []) + [
        "--threads", "1", "--quick", "--dtype", "float32", "--device", "cpu", "--out", "x"]
    args = build_parser().parse_args(argv)
    assert (args.threads, args.quick, args.dtype, args.device, str(args.out)) == (1, True, "float32", "cpu", "x")


def _csv(path, labels):
    rng = np.random.RandomState(0)
    X = rng.randn(len(labels), 2)
    rows = ["a,b,target"] + [f"{x0},{x1},{y}" for (x0, x1), y in zip(X, labels)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_task_and_label_column_reach_the_loader(tmp_path):
    path = _csv(tmp_path / "three.csv", [0, 1, 2] * 10)
    assert resolve_dataset(path).task == "multiclass"
    given = resolve_dataset(path, task="regression")
    assert given.task == "regression" and given.spec.output == "linear" and "given" in given.task_note
    by_name = resolve_dataset(path, label_column="a", task="regression")
    assert by_name.X.shape[0] == 2  # 'b' and 'target' are the features now


def test_a_task_the_labels_cannot_have_is_refused_before_any_work(tmp_path, capsys):
    path = _csv(tmp_path / "three.csv", [0, 1, 2] * 10)
    out = tmp_path / "out"
    assert main(["report", "--data", str(path), "--task", "binary", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "task" in err[0] and "binary" in err[0]
    assert not out.exists()
    assert main(["report", "--data", str(path), "--label-column", "nope", "--out", str(out)]) == 2
    assert "nope" in capsys.readouterr().err


def test_task_choices_are_the_loaders_tasks(capsys):
    # One list of tasks (the data loader's): every one is accepted, anything else refused by argparse.
    for task in TASKS:
        assert build_parser().parse_args(["report", "--task", task]).task == task
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["report", "--task", "ranking"])
    assert refused.value.code == 2 and "invalid choice: 'ranking'" in capsys.readouterr().err


def test_no_published_reaches_the_students_run(monkeypatch, tmp_path):
    """--no-published leaves out the application's published run; without it the run is asked for."""
    import reports.students as students  # the module the command calls into, spied on

    seen = []

    def spy(path, **options):
        seen.append(options["published"])
        raise students.StudentsError("stop here")
    monkeypatch.setattr(students, "run_students", spy)
    notebook = tmp_path / "week4.py"
    notebook.write_text("def L_layer_model(X, Y, layers_dims): pass\n")
    assert main(["check", str(notebook), "--no-published"]) == 2
    assert main(["check", str(notebook)]) == 2
    assert seen == [False, True]


def test_checking_a_numpy_package_starts_no_other_framework(tmp_path):
    """nn-parity check sets the threads of the backends it runs alone: a NumPy package checked
    against the reference imports neither torch nor JAX (each is seconds of start-up)."""
    code = ("import sys\nfrom reports.cli import main\n"
            "code = main(['check', 'broken_relu_sigmoid_only', '--quick', '--dtype', 'float64', '--no-progress', "
            f"'--out', {str(tmp_path / 'out')!r}])\n"
            "print(code, sorted(m for m in ('torch', 'jax') if m in sys.modules))\n")
    broken = Path(__file__).parent / "broken_backends"
    done = subprocess.run([sys.executable, "-c", code], cwd=broken, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert done.stdout.split("\n")[-2] == "0 []", (done.stdout[-1500:], done.stderr[-1500:])
