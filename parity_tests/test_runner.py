"""The conformance runner and its sections as plug-ins (parity.runner, parity.sections): one
place decides skip or run, a section's needs reach every one of its checks, a section runs
alone as it runs among the others, and no section imports another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from parity import BACKENDS, Backend
from parity.conformance import SECTIONS, run_conformance
from parity.runner import Planned, Runner, Section, merge_needs, refusal_check

ROOT = Path(__file__).resolve().parents[1]
NUMPY = BACKENDS["numpy"]


def _section(needs=None):
    """Three checks: one that passes, one that raises, one the reference cannot take part in."""

    def checks(runner):
        yield Planned("demo", "ok", "cost", "float64", "cpu", {"model": "deep", "dtype": "float64"},
                      lambda: runner.add("demo", "ok", "cost", "float64", "cpu", "passed"))
        yield Planned("demo", "raises", "cost", "float64", "cpu", {"model": "deep"},
                      lambda: 1 / 0)
        yield Planned("demo", "no-gpu", "cost", "float64", "cuda", {"model": "deep", "device": "cuda"},
                      lambda: runner.add("demo", "no-gpu", "cost", "float64", "cuda", "passed"))

    return Section("demo section", checks, needs=needs or {})


def test_a_section_plugs_in_and_its_checks_are_skipped_or_run_in_one_place():
    seen = []
    table = run_conformance(NUMPY, NUMPY, sections=[_section()], progress=seen.append)
    assert seen == ["demo section"]
    assert table["case"].tolist() == ["ok", "raises", "no-gpu"]
    assert table["status"].tolist() == ["passed", "failed", "skipped"]
    assert table["detail"].iloc[1] == "raised ZeroDivisionError: division by zero"
    assert table["detail"].iloc[2] == NUMPY.device_reason("cuda")


def test_a_sections_needs_reach_each_of_its_checks():
    # The reference does not declare such a training option: every check the device lets run
    # is skipped with that reason, the one that raised above included.
    table = run_conformance(NUMPY, NUMPY, sections=[_section({"function": "train", "training": "not_an_option"})])
    assert (table["status"] == "skipped").all()
    assert table["detail"].iloc[:2].str.contains("does not declare training 'not_an_option'").all()


def test_merge_needs_adds_a_sections_values_to_a_checks():
    assert merge_needs({}, {"model": "deep", "training": "lambd"}) == {"model": "deep", "training": "lambd"}
    assert merge_needs({"training": "world_size"}, {"training": ("batch_size", "keep_prob")}) == {
        "training": ("batch_size", "keep_prob", "world_size")}
    assert merge_needs({"function": "train"}, {"function": "train", "dtype": "float32"}) == {
        "function": "train", "dtype": "float32"}
    with pytest.raises(ValueError, match="model 'logistic'.*needs model 'deep'"):
        merge_needs({"model": "deep"}, {"model": "logistic"})


def test_a_declaration_that_cannot_be_read_fails_the_checks_it_decides(tmp_path, monkeypatch):
    (tmp_path / "nn_parity_runner_bad_declaration").mkdir()
    (tmp_path / "nn_parity_runner_bad_declaration" / "__init__.py").write_text("")
    (tmp_path / "nn_parity_runner_bad_declaration" / "deep.py").write_text(
        "def cost_and_grads(params, X, Y, spec):\n    raise NotImplementedError\n")
    (tmp_path / "nn_parity_runner_bad_declaration" / "backend.py").write_text("CAPABILITIES = {'dtypes': 5}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    table = run_conformance(Backend("bad_declaration", "nn_parity_runner_bad_declaration", "test"), NUMPY,
                            sections=[_section()])
    assert table["status"].tolist() == ["failed"] * 3
    assert table["detail"].str.startswith("raised TypeError: ").all()
    assert table["detail"].str.endswith("(asked what it supports)").all()


def test_a_refusal_is_judged_by_the_backend_alone():
    runner = Runner(NUMPY, NUMPY)

    def refuse(backend):
        raise ValueError("X must be finite")

    refusals = Section("refusals", lambda r: [refusal_check(r, "nan", "X", {"model": "deep"}, refuse),
                                              refusal_check(r, "quiet", "Y", {"model": "deep"}, lambda b: 0.0),
                                              refusal_check(r, "no-model", "w", {"model": "nothing"}, refuse)])
    runner.run(refusals)
    assert [(row.check, row.case, row.status) for row in runner.rows] == [
        ("bad-input", "nan", "passed"), ("bad-input", "quiet", "failed"), ("bad-input", "no-model", "skipped")]
    assert runner.rows[1].detail.startswith("accepted it and returned 0.0")
    assert "no 'nothing' model" in runner.rows[2].detail


@pytest.fixture(scope="module")
def everything():
    return run_conformance(NUMPY, NUMPY, quick=True, dtypes=("float64",))


@pytest.mark.parametrize("section", SECTIONS, ids=[s.name for s in SECTIONS])
def test_a_section_gives_the_same_rows_alone_as_among_the_others(everything, section):
    """No section depends on what another left behind, and together they are the suite."""
    alone = run_conformance(NUMPY, NUMPY, quick=True, dtypes=("float64",), sections=[section])
    assert not alone.empty
    keys = list(alone.columns[:5])
    assert not alone.duplicated(keys).any()
    merged = alone.merge(everything, how="left", on=keys, suffixes=("", "_all"), indicator=True)
    assert (merged["_merge"] == "both").all()
    assert merged["status"].tolist() == merged["status_all"].tolist()
    assert merged["detail"].tolist() == merged["detail_all"].tolist()


def test_the_sections_together_are_the_suite(everything):
    one_by_one = sum(len(run_conformance(NUMPY, NUMPY, quick=True, dtypes=("float64",), sections=[s]))
                     for s in SECTIONS)
    assert one_by_one == len(everything)


def test_no_section_imports_another():
    folder = ROOT / "parity" / "sections"
    names = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    crossing = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:  # from .x import y / from . import x
                imported = {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("parity.sections."):
                imported = {node.module.split(".")[2]}
            elif isinstance(node, ast.Import):
                imported = {a.name.split(".")[2] for a in node.names if a.name.startswith("parity.sections.")}
            else:
                continue
            crossing += [f"{path.name} -> {name}" for name in sorted(imported & (names - {path.stem}))]
    assert crossing == []
