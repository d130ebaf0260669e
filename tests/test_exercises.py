"""Classroom exercises: proven both ways on the real engine.

For every exercise, the untouched student notebook must end with a failing
check that says what is wrong, and the solution notebook (built from the same
source) with a passing one. The notebooks run in one shared kernel to keep
the run short; each notebook resets its own lab in its first cell.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat
import pytest

from dockerlab import exercises
from dockerlab.errors import InvalidInput
from dockerlab.lab import Lab

ROOT = Path(__file__).resolve().parents[1]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_exercises", ROOT / "tools" / "build_exercises.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_exercises"] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()
SOURCES = {build.exercise_id(p): p for p in build.sources()}


# -- without an engine ---------------------------------------------------------


def test_catalogue_has_eight_exercises_each_with_a_notebook_source():
    assert len(exercises.EXERCISES) >= 8
    assert len(set(exercises.EXERCISES)) == len(exercises.EXERCISES)
    assert sorted(SOURCES) == sorted(exercises.EXERCISES)


def test_notebooks_are_built_from_their_sources():
    assert build.build(check_only=True) == [], "run: python tools/build_exercises.py"


@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_student_notebook_hides_the_solution(ex_id: str):
    cells = build.parse(SOURCES[ex_id].read_text())
    solution = [line.strip() for line in build.solution_code(cells).splitlines() if line.strip()]
    assert solution, f"{ex_id} has no solution region"
    student, solved = (nbformat.read(t, as_version=4) for t in build.targets(SOURCES[ex_id]).values())
    student_code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    solved_code = "\n".join(c.source for c in solved.cells if c.cell_type == "code")
    assert build.PLACEHOLDER in student_code
    assert build.BEGIN not in student_code and build.BEGIN not in solved_code
    assert all(line not in student_code for line in solution)
    assert all(line in solved_code for line in solution)
    assert f'exercises.check("{ex_id}"' in student_code


@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_hints_come_in_stages_without_code(ex_id: str):
    hints = [exercises.hint(ex_id, stage) for stage in (1, 2, 3)]
    assert hints[0].startswith("Hint 1/") and len(set(hints)) == 3
    assert "last hint" in exercises.hint(ex_id, 9)
    solution = build.solution_code(build.parse(SOURCES[ex_id].read_text()))
    lines = [line.strip() for line in solution.splitlines() if "(" in line]
    assert not any(line in hint for line in lines for hint in hints)


def test_unknown_exercise_and_bad_stage_are_refused():
    with pytest.raises(InvalidInput, match="ex01"):
        exercises.check("ex99", None)
    with pytest.raises(InvalidInput, match="stage"):
        exercises.hint("ex01", 0)


def test_exercise_notebooks_are_not_collected_by_nbval(pytestconfig):
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "pytest", "notebooks/exercises", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ".ipynb" not in out.stdout and "source/" not in out.stdout, out.stdout


@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_checks_work_on_the_simulated_engine(ex_id: str):
    from dockerlab.sim import SimClient

    lab = Lab(f"sim-{ex_id}", client=SimClient(), echo=False)
    task = exercises.setup(ex_id, lab)
    untouched = exercises.check(ex_id, lab)
    assert not untouched.passed and "why:" in untouched.feedback
    if ex_id == "ex07":  # veth pairs are kernel objects: the check says it needs a real engine
        assert "needs a real engine" in untouched.feedback
        return
    namespace = {"lab": lab, "task": task, "exercises": exercises}
    exec(build.solution_code(build.parse(SOURCES[ex_id].read_text())), namespace)
    solved = exercises.check(ex_id, lab, answer=namespace.get("prediction"))
    assert solved.passed, solved.feedback


# -- on the engine ------------------------------------------------------------


class SharedKernel:
    """Run notebooks one after another in one kernel (start-up paid once)."""

    def __init__(self, cwd: Path) -> None:
        from nbclient import NotebookClient

        self.client = NotebookClient(
            nbformat.v4.new_notebook(), kernel_name="python3", timeout=120, resources={"metadata": {"path": str(cwd)}}
        )

    def run(self, path: Path) -> list[str]:
        """Execute every code cell; return the text output of each check cell."""
        nb = nbformat.read(path, as_version=4)
        self.client.nb = nb
        checks = []
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            self.client.execute_cell(cell, i)
            if "exercises.check(" in cell.source:
                texts = [o.get("data", {}).get("text/plain", "") or o.get("text", "") for o in cell.outputs]
                checks.append("\n".join(texts))
        return checks


def _reset_notebook_labs(engine, ids: Iterable[str] = exercises.EXERCISES) -> None:
    for ex_id in ids:
        Lab(ex_id, client=engine, echo=False).reset()


@pytest.fixture(scope="module")
def kernel(engine) -> Iterator[SharedKernel]:
    _reset_notebook_labs(engine)
    runner = SharedKernel(ROOT / "notebooks" / "exercises")
    try:
        with runner.client.setup_kernel():
            yield runner
    finally:
        _reset_notebook_labs(engine)


@pytest.mark.integration
# ex07 reads veth pairs from the kernel: only a real engine has them.
@pytest.mark.parametrize(
    "ex_id", [pytest.param(e, marks=pytest.mark.engine_only) if e == "ex07" else e for e in exercises.EXERCISES]
)
def test_notebooks_prove_the_exercise_both_ways(engine, kernel: SharedKernel, ex_id: str):
    student, solution = build.targets(SOURCES[ex_id]).values()
    try:
        untouched = kernel.run(student)
        solved = kernel.run(solution)
    finally:
        _reset_notebook_labs(engine, [ex_id])

    assert len(untouched) == 1
    assert untouched[0].startswith(f"NOT YET {ex_id}"), untouched[0]
    assert "\n- " in untouched[0] and "expected:" in untouched[0] and "why:" in untouched[0]
    assert len(solved) == 1
    assert solved[0].startswith(f"PASSED {ex_id}"), solved[0]


@pytest.mark.integration
def test_a_lab_without_setup_fails_every_check_with_feedback(make_lab):
    lab = make_lab("exn")
    for ex_id in exercises.EXERCISES:
        result = exercises.check(ex_id, lab, answer=None)
        assert result.passed is False, ex_id
        assert result.feedback.startswith(f"NOT YET {ex_id}") and "why:" in result.feedback


@pytest.mark.integration
def test_two_way_names_are_explained_in_the_one_way_exercise(make_lab):
    lab = make_lab("ex1")
    exercises.setup("ex01", lab)
    lab.network("e1-net")
    lab.connect("e1-net", "e1-web")
    lab.connect("e1-net", "e1-db")
    result = exercises.check("ex01", lab)
    assert not result.passed
    assert "e1-db reaches e1-web by name" in result.feedback
    assert "e1-net" in result.feedback and "embedded DNS" in result.feedback
    assert "e1-web does not reach" not in result.feedback  # that direction is right


@pytest.mark.engine_only
@pytest.mark.integration
def test_repair_exercise_sees_all_three_faults_and_refuses_a_rebuilt_database(make_lab):
    lab = make_lab("ex8")
    exercises.setup("ex08", lab)
    first = exercises.check("ex08", lab)
    assert "e8-cache is exited" in first.feedback
    assert "e8-web runs with --network none" in first.feedback
    assert "e8-db is not on e8-net" in first.feedback

    lab.start("e8-cache")
    lab.remove("e8-db")
    lab.run("e8-db", network="e8-net")  # works, but it is a rebuild, not a repair
    lab.run("e8-web", network="e8-net")
    second = exercises.check("ex08", lab)
    assert not second.passed
    assert "e8-db is a new container" in second.feedback
    assert "e8-cache is a new container" not in second.feedback


@pytest.mark.integration
def test_prediction_check_names_the_wrong_cells(make_lab):
    lab = make_lab("ex4")
    exercises.setup("ex04", lab)
    names = ["e4-a", "e4-b", "e4-c", "e4-d"]
    everyone = {(s, t): True for s in names for t in names if s != t}
    result = exercises.check("ex04", lab, answer=everyone)
    assert not result.passed
    assert "you predicted e4-a reaches e4-d by name" in result.feedback
    assert "the default bridge has no embedded DNS" in result.feedback
    assert "you predicted e4-a reaches e4-b" not in result.feedback  # that cell is right


@pytest.mark.engine_only
@pytest.mark.integration
def test_veth_check_rejects_the_default_bridge(make_lab):
    lab = make_lab("ex7")
    exercises.setup("ex07", lab)
    veth, bridge = exercises.veth_truth(lab, "e7-box")
    assert veth.startswith("veth") and bridge.startswith("br-")
    wrong = exercises.check("ex07", lab, answer={"veth": veth, "bridge": "docker0"})
    assert not wrong.passed and "not docker0" in wrong.feedback and "is not the peer" not in wrong.feedback
    assert exercises.check("ex07", lab, answer={"veth": veth, "bridge": bridge}).passed
