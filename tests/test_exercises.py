"""Classroom exercises: proven both ways on the real engine.

For every exercise, the untouched student notebook must end with a failing
check that says what is wrong, and the solution notebook (built from the same
source) with a passing one. The notebooks run in one shared kernel to keep
the run short; each notebook resets its own lab in its first cell.

Feedback comes in stages: a first failing check says what was seen and what
was expected, never a fix; the why comes after a hint, or when the learner
checks an unchanged lab again.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import nbformat
import pytest
from testenv import ON_SIM

from dockerlab.errors import InvalidInput
from dockerlab.lab import Lab
from dockerlab.teaching import exercises

ROOT = Path(__file__).resolve().parents[1]


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_exercises", ROOT / "tools" / "build_exercises.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_exercises"] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()
SOURCES = {build.exercise_id(p): p for p in build.sources()}
#: What a first check must not say: each names a fix (a link, a connect, aliases).
FIX_WORDS = ("--link", "network connect", "connect(", "aliases")
#: The editions the exercise notebooks are built in (one source each).
EDITIONS = list(build.EDITIONS)
#: Exercises whose check runs on the simulator (ex07 reads kernel interfaces; ex09 runs on the simulated swarm).
ON_SIMULATOR = [e for e in exercises.EXERCISES if not exercises.EXERCISE_INFO[e].needs_engine]


@pytest.fixture(autouse=True)
def _fresh_feedback() -> Iterator[None]:
    """Each test starts with no hint asked and no failed check remembered (the memory is per process)."""
    exercises.reset_feedback()
    yield
    exercises.reset_feedback()


def _sim_lab(ex_id: str) -> Lab:
    """A lab on a fresh simulator: for ex09, across the hosts of a fresh simulated swarm (as open_cluster gives)."""
    from dockerlab.engines.sim import SimClient

    if ex_id == "ex09":
        from dockerlab.engines.sim.swarm import SimSwarm
        from dockerlab.lab.cluster import ClusterLab

        return ClusterLab(f"sim-{ex_id}", SimSwarm(), echo=False)  # type: ignore[return-value]
    return Lab(f"sim-{ex_id}", client=SimClient(), echo=False)


def _teachers_sections() -> dict[str, str]:
    """docs/teachers.md's section of each exercise (``### ex01 · one-way names`` to the next heading)."""
    text = (ROOT / "docs" / "teachers.md").read_text()
    part = text.split("\n## The exercises", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(0) for m in re.finditer(r"^### (ex\d\d) · .*?(?=^### |\Z)", part, re.M | re.S)}


def _chapters_named(text: str) -> set[str]:
    """The chapter numbers in a "Builds on" line: ``02``, ranges such as ``02–06`` spelled out."""
    found = set()
    for a, b in re.findall(r"\b(\d\d)\s*[–-]\s*(\d\d)\b", text):
        found |= {f"{n:02d}" for n in range(int(a), int(b) + 1)}
    return found | set(re.findall(r"\b(0\d)\b", text))


# -- without an engine ---------------------------------------------------------


def test_catalogue_has_eight_exercises_each_with_a_notebook_source():
    assert len(exercises.EXERCISES) >= 8
    assert len(set(exercises.EXERCISES)) == len(exercises.EXERCISES)
    assert sorted(SOURCES) == sorted(exercises.EXERCISES)


def test_notebooks_are_built_from_their_sources():
    assert build.build(check_only=True) == [], "run: python tools/build_exercises.py"


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_student_notebook_hides_the_solution(ex_id: str, lang: str):
    cells = build.parse(SOURCES[ex_id].read_text(), lang)
    solution = [line.strip() for line in build.solution_code(cells).splitlines() if line.strip()]
    assert solution, f"{ex_id} has no solution region"
    student, solved = (nbformat.read(t, as_version=4) for t in build.targets(SOURCES[ex_id], lang).values())
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


def test_a_source_missing_one_language_is_refused():
    """Every English prose cell of an exercise source is followed at once by its Chinese; code is shared."""
    english_only = "# %%\nx = 1\n# %% [markdown]\n# ## Check\n# %%\ncheck()\n"
    with pytest.raises(ValueError, match="no zh-CN counterpart"):
        build.parse(english_only, "zh-CN")
    chinese_only = "# %%\nx = 1\n# %% [markdown] lang=zh-CN\n# ## 检查\n"
    with pytest.raises(ValueError, match="does not follow an English prose cell"):
        build.parse(chinese_only)
    both = "# %%\nx = 1\n# %% [markdown]\n# ## Check\n# %% [markdown] lang=zh-CN\n# ## 检查\n# %%\ncheck()\n"
    assert [(c.kind, c.text) for c in build.parse(both, "zh-CN")] == [
        ("code", "x = 1"),
        ("markdown", "## 检查"),
        ("code", "check()"),
    ]


@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_both_editions_have_the_same_code_cells(ex_id: str):
    """The editions differ in their prose only: the same code cells, in the same order, at the same places."""
    built = {
        lang: [nbformat.read(t, as_version=4) for t in build.targets(SOURCES[ex_id], lang).values()]
        for lang in EDITIONS
    }
    for en, zh in zip(built["en"], built["zh-CN"], strict=True):
        assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells]
        assert [c.source for c in en.cells if c.cell_type == "code"] == [
            c.source for c in zh.cells if c.cell_type == "code"
        ]
        prose = [c.source for c in zh.cells if c.cell_type == "markdown"]
        assert all(re.search(r"[\u4e00-\u9fff]", text) for text in prose), prose  # every prose cell is Chinese


@pytest.mark.slow  # a pytest of its own, in a subprocess
def test_exercise_notebooks_are_not_collected_by_nbval(pytestconfig):
    import subprocess

    folders = ["notebooks/exercises", "notebooks/zh-CN/exercises"]
    out = subprocess.run(
        [sys.executable, "-m", "pytest", *folders, "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ".ipynb" not in out.stdout and "source/" not in out.stdout, out.stdout


def test_the_teachers_guide_and_the_catalogue_agree():
    """Title, time and chapters of each exercise are the same in docs/teachers.md and EXERCISE_INFO."""
    sections = _teachers_sections()
    assert sorted(sections) == sorted(exercises.EXERCISES)
    for ex_id, text in sections.items():
        ex = exercises.EXERCISE_INFO[ex_id]
        assert text.startswith(f"### {ex_id} · {ex.title}\n"), ex_id
        minutes = re.search(r"\*\*Time\.\*\* (\d+) minutes", text)
        assert minutes and int(minutes.group(1)) == ex.minutes, ex_id
        builds_on = re.search(r"\*\*Builds on\.\*\*(.*?)(?=\n- \*\*)", text, re.S)
        assert builds_on and _chapters_named(builds_on.group(1)) == set(ex.chapters), ex_id


@pytest.mark.parametrize("lang", EDITIONS)
@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_each_notebook_opens_with_objective_chapters_and_time(ex_id: str, lang: str):
    """In its edition's language, with the chapters linked to the same edition of the series."""
    from dockerlab import i18n

    ex, words = exercises.EXERCISE_INFO[ex_id], build.HEADER[lang]
    i18n.set_language(lang)
    try:
        objective = i18n._(ex.objective)
    finally:
        i18n.set_language(None)
    label = words["builds_on"].split("{")[0]
    for target in build.targets(SOURCES[ex_id], lang).values():
        first = nbformat.read(target, as_version=4).cells[0]
        assert first.cell_type == "markdown"
        assert words["objective"].format(objective=objective) in first.source
        assert words["time"].format(minutes=ex.minutes) in first.source
        links = re.findall(r"\]\(([^)]+\.ipynb)\)", first.source.split(label)[1].split("\n")[0])
        assert [Path(link).name[:2] for link in links] == list(ex.chapters)
        chapters = [sorted(build.series.SOURCES.glob(f"{c}_*.py"))[0].stem for c in ex.chapters]
        assert [(target.parent / link).resolve() for link in links] == [
            (build.EDITIONS[lang] / f"{stem}.ipynb").resolve() for stem in chapters
        ]
        if lang == "en":  # the Chinese series is built by tools/build_notebooks.py, on the engine
            assert all((target.parent / link).resolve().is_file() for link in links), links


@pytest.mark.parametrize("ex_id", ON_SIMULATOR)
def test_a_first_check_says_what_is_wrong_but_not_why_nor_the_fix(ex_id: str):
    lab = _sim_lab(ex_id)
    exercises.setup(ex_id, lab)
    first = exercises.check(ex_id, lab).feedback
    assert first.startswith(f"NOT YET {ex_id}") and "expected:" in first
    assert "why" not in first.replace("to see why", "")
    assert f'(ask exercises.hint("{ex_id}", 1) for a hint, or check again to see why)' in first
    assert not [w for w in FIX_WORDS if w in first], first

    again = exercises.check(ex_id, lab).feedback  # the same lab, checked again: now the why
    assert "why:" in again or "why (" in again
    assert again.splitlines()[:3] == first.splitlines()[:3]  # the same findings, now explained


@pytest.mark.parametrize("ex_id", ON_SIMULATOR)
def test_a_hint_brings_the_why_and_setup_forgets_it(ex_id: str):
    lab = _sim_lab(ex_id)
    exercises.setup(ex_id, lab)
    exercises.hint(ex_id, 1)
    after_hint = exercises.check(ex_id, lab).feedback
    assert "why:" in after_hint or "why (" in after_hint
    assert f'exercises.hint("{ex_id}", 2) gives the next hint' in after_hint

    exercises.setup(ex_id, lab)  # a fresh start: what first, again
    assert "check again to see why" in exercises.check(ex_id, lab).feedback


def test_a_changed_lab_is_first_told_what_again():
    lab = _sim_lab("ex06")
    exercises.setup("ex06", lab)
    exercises.check("ex06", lab)
    assert "why (" in exercises.check("ex06", lab).feedback  # unchanged: why
    lab.disconnect("e6-net", "e6-db")  # a change, still wrong: what first, the why on the next check
    changed = exercises.check("ex06", lab).feedback
    assert "e6-app does not reach e6-db by name" in changed and "check again to see why" in changed
    assert "why:" in exercises.check("ex06", lab).feedback


def test_a_why_shared_by_several_findings_is_written_once():
    lab = _sim_lab("ex05")
    exercises.setup("ex05", lab)
    exercises.hint("ex05", 1)
    feedback = exercises.check("ex05", lab).feedback
    assert feedback.count("the default bridge has no embedded DNS") == 1, feedback
    assert "why (same cause for 1, 2, 3 and 4; shown for 1): e5-left cannot resolve e5-mid" in feedback
    assert feedback.count("why: same cause as 1") == 3
    assert "why (same cause for 5 and 6; shown for 5)" in feedback and "why: same cause as 5" in feedback


def test_the_veth_answer_needs_the_indexes_as_evidence(monkeypatch):
    """ex07's check logic, with the kernel's truth stubbed (the simulator has no veth pairs)."""
    pair = exercises.VethPair(ifindex=44, iflink=45, veth="veth8eb364e", bridge="br-0123456789ab")
    monkeypatch.setattr(exercises, "veth_pair", lambda lab, container: pair)
    lab = _sim_lab("ex07")
    exercises.setup("ex07", lab)

    def check(**answer):
        return exercises.check("ex07", lab, answer=answer)

    first = check(veth=None, bridge=None, evidence=None)
    assert [f.seen.split(" (")[0] for f in first.findings] == ["no veth given", "no bridge given", "no evidence given"]
    assert "why" not in first.feedback.replace("to see why", "") and not [w for w in FIX_WORDS if w in first.feedback]
    named_only = check(veth="veth8eb364e", bridge="br-0123456789ab")
    assert [f.seen for f in named_only.findings] == ["no evidence given (answer['evidence'] is empty)"]
    swapped = check(veth="veth8eb364e", bridge="br-0123456789ab", evidence="eth0@if44, veth8eb364e@if45")
    assert [f.seen.split(",")[0] for f in swapped.findings] == [
        "your evidence says eth0@if44",
        "your evidence says veth8eb364e@if45",
    ]
    assert check(veth="veth8eb364e", bridge="br-0123456789ab", evidence="44: eth0@if45 / 45: veth8eb364e@if44").passed
    assert check(veth="veth8eb364e@if44", bridge="br-0123456789ab", evidence=["eth0@if45", "veth8eb364e@if44"])


@pytest.mark.parametrize("ex_id", exercises.EXERCISES)
def test_checks_work_on_the_simulated_engine(ex_id: str):
    lab = _sim_lab(ex_id)
    task = exercises.setup(ex_id, lab)
    untouched = exercises.check(ex_id, lab)
    assert not untouched.passed and "expected:" in untouched.feedback
    if exercises.EXERCISE_INFO[ex_id].needs_engine:  # veth pairs are kernel objects: the check says so at once
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

    def execute(self, code: str) -> None:
        """Run ``code`` in the kernel, as one cell of its own (for example, to set the language)."""
        cell = nbformat.v4.new_code_cell(code)
        self.client.nb = nbformat.v4.new_notebook(cells=[cell])
        self.client.execute_cell(cell, 0)

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
    # ex09's lab lives on chapter 08's hosts, when they are up (never touched from a run on the simulator,
    # which scripts/test.sh runs beside the real engine's, maybe while that one uses the hosts)
    if "ex09" in ids and not ON_SIM:
        from dockerlab.engines.hosts import Cluster
        from dockerlab.lab.cluster import ClusterLab

        cluster = Cluster(echo=False)
        if cluster.status().up:
            ClusterLab("ex09", cluster, echo=False).close()


def _hosts_for(request: pytest.FixtureRequest, ex_id: str) -> None:
    """For ex09 on a real run where the hosts can be made, the session's cluster, up before the notebook opens it:
    the notebook's open_cluster() then reuses it and its close_cluster() leaves it up for the other tests of the
    cluster's group (it stops only hosts it brought up itself)."""
    from dockerlab.engines import hosts

    if ex_id == "ex09" and not ON_SIM and not hosts.missing_tools():
        request.getfixturevalue("cluster")


@pytest.fixture(scope="module")
def kernel(engine) -> Iterator[SharedKernel]:
    """One kernel for the exercise notebooks. It resets no lab itself: each test resets its exercise's lab
    before and after, so that kernels in two xdist workers (ex09's runs in the cluster's) never reach into
    a lab the other one is using."""
    runner = SharedKernel(ROOT / "notebooks" / "exercises")
    with runner.client.setup_kernel():
        yield runner


@pytest.mark.integration
@pytest.mark.slow
# ex07 reads veth pairs from the kernel: only a real engine has them. (ex09 runs on chapter 08's hosts, real or
# simulated, as open_cluster chooses; on a real run it reuses the session's cluster, see _hosts_for.)
@pytest.mark.parametrize(
    "ex_id",
    [
        pytest.param(e, marks=pytest.mark.engine_only) if exercises.EXERCISE_INFO[e].needs_engine else e
        for e in exercises.EXERCISES
    ],
)
def test_notebooks_prove_the_exercise_both_ways(engine, kernel: SharedKernel, ex_id: str, request):
    _hosts_for(request, ex_id)
    student, solution = build.targets(SOURCES[ex_id]).values()
    _reset_notebook_labs(engine, [ex_id])  # whatever an earlier run left of this exercise's lab
    try:
        untouched = kernel.run(student)
        solved = kernel.run(solution)
    finally:
        _reset_notebook_labs(engine, [ex_id])

    assert len(untouched) == 1
    assert untouched[0].startswith(f"NOT YET {ex_id}"), untouched[0]
    assert re.search(r"\n(- |1\. )", untouched[0]) and "expected:" in untouched[0]
    assert "why:" not in untouched[0] and "check again to see why" in untouched[0]
    assert not [w for w in FIX_WORDS if w in untouched[0]], untouched[0]
    assert len(solved) == 1
    assert solved[0].startswith(f"PASSED {ex_id}"), solved[0]


@pytest.mark.integration
def test_a_lab_without_setup_fails_every_check_with_feedback(make_lab):
    lab = make_lab("exn")
    for ex_id in exercises.EXERCISES:
        result = exercises.check(ex_id, lab, answer=None)
        assert result.passed is False, ex_id
        assert result.feedback.startswith(f"NOT YET {ex_id}") and "expected:" in result.feedback
        again = exercises.check(ex_id, lab, answer=None)
        assert "why:" in again.feedback or "why (" in again.feedback, ex_id


@pytest.mark.integration
def test_two_way_names_are_explained_in_the_one_way_exercise(make_lab):
    lab = make_lab("ex1")
    exercises.setup("ex01", lab)
    lab.network("e1-net")
    lab.connect("e1-net", "e1-web")
    lab.connect("e1-net", "e1-db")
    result = exercises.check("ex01", lab)
    assert not result.passed
    assert "e1-db reaches e1-web by name" in result.feedback and "embedded DNS" not in result.feedback
    assert "e1-web does not reach" not in result.feedback  # that direction is right
    again = exercises.check("ex01", lab)  # nothing changed: now the why
    assert "e1-net" in again.feedback and "embedded DNS" in again.feedback


@pytest.mark.integration
def test_repair_exercise_shows_one_fault_at_a_time_in_the_order_of_a_diagnosis(make_lab):
    lab = make_lab("ex8")
    exercises.setup("ex08", lab)
    faults = ["e8-cache is exited", "e8-web runs with --network none", "e8-db is not on e8-net"]
    repairs = [
        lambda: lab.start("e8-cache"),
        lambda: lab.run("e8-web", network="e8-net"),  # stateless: recreated
        lambda: lab.connect("e8-net", "e8-db"),
    ]
    for left, (fault, repair) in enumerate(zip(faults, repairs, strict=True)):
        result = exercises.check("ex08", lab)
        assert not result.passed and len(result.findings) == 3 - left
        count = "1 thing to fix" if left == 2 else f"1 of {3 - left} things to fix (fix it and check again)"
        assert result.feedback.splitlines()[0].endswith(count), result.feedback
        assert fault in result.feedback, result.feedback
        assert not [other for other in faults if other != fault and other in result.feedback], result.feedback
        repair()
    assert exercises.check("ex08", lab).passed


@pytest.mark.engine_only
@pytest.mark.integration
def test_repair_exercise_refuses_a_rebuilt_database(make_lab):
    lab = make_lab("ex8")
    exercises.setup("ex08", lab)
    lab.start("e8-cache")
    lab.remove("e8-db")
    lab.run("e8-db", network="e8-net")  # works, but it is a rebuild, not a repair
    lab.run("e8-web", network="e8-net")
    result = exercises.check("ex08", lab)
    assert not result.passed
    assert "e8-db is a new container" in result.feedback
    assert "e8-cache is a new container" not in result.feedback


@pytest.mark.integration
def test_prediction_check_names_the_wrong_cells(make_lab):
    lab = make_lab("ex4")
    exercises.setup("ex04", lab)
    names = ["e4-a", "e4-b", "e4-c", "e4-d"]
    everyone = {(s, t): True for s in names for t in names if s != t}
    exercises.hint("ex04", 1)  # a hint asked: the check says why
    result = exercises.check("ex04", lab, answer=everyone)
    assert not result.passed
    assert "you predicted e4-a reaches e4-d by name" in result.feedback
    assert "the default bridge has no embedded DNS" in result.feedback
    assert "you predicted e4-a reaches e4-b" not in result.feedback  # that cell is right


def _evidence(pair) -> str:
    return f"inside: {pair.inside}, on the host: {pair.outside}"


@pytest.mark.engine_only
@pytest.mark.integration
def test_veth_check_first_says_what_and_names_no_fix(make_lab):
    lab = make_lab("ex7")
    exercises.setup("ex07", lab)
    first = exercises.check("ex07", lab, answer={"veth": None, "bridge": None, "evidence": None}).feedback
    assert first.startswith("NOT YET ex07") and "no evidence given" in first
    assert "why" not in first.replace("to see why", "") and not [w for w in FIX_WORDS if w in first], first
    assert "veth_truth" not in first and not any("veth_truth" in exercises.hint("ex07", s) for s in (1, 2, 3))


@pytest.mark.engine_only
@pytest.mark.integration
def test_veth_check_rejects_the_default_bridge_and_wants_the_indexes(make_lab):
    lab = make_lab("ex7")
    exercises.setup("ex07", lab)
    veth, bridge = exercises.veth_truth(lab, "e7-box")
    pair = exercises.veth_pair(lab, "e7-box")
    assert veth.startswith("veth") and bridge.startswith("br-") and (pair.veth, pair.bridge) == (veth, bridge)
    assert re.search(rf"\b{pair.ifindex}: {re.escape(pair.inside)}", lab.exec("e7-box", "ip link").output)

    exercises.hint("ex07", 1)
    wrong = exercises.check("ex07", lab, answer={"veth": veth, "bridge": "docker0", "evidence": _evidence(pair)})
    assert not wrong.passed and "not docker0" in wrong.feedback and "is not the other end" not in wrong.feedback
    assert "evidence" not in wrong.feedback  # the evidence is right

    no_proof = exercises.check("ex07", lab, answer={"veth": veth, "bridge": bridge})
    assert not no_proof.passed and "no evidence given" in no_proof.feedback
    guessed = f"eth0@if{pair.iflink + 1}, {veth}@if{pair.ifindex}"
    off_by_one = exercises.check("ex07", lab, answer={"veth": veth, "bridge": bridge, "evidence": guessed})
    assert not off_by_one.passed and f"your evidence says eth0@if{pair.iflink + 1}" in off_by_one.feedback
    assert off_by_one.feedback.count("your evidence") == 1  # the host end's name was right

    right = {"veth": f"{veth}@if{pair.ifindex}", "bridge": bridge, "evidence": _evidence(pair)}
    assert exercises.check("ex07", lab, answer=right).passed


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize(
    "ex_id",
    [
        pytest.param(e, marks=pytest.mark.engine_only) if exercises.EXERCISE_INFO[e].needs_engine else e
        for e in exercises.EXERCISES
    ],
)
def test_the_chinese_notebooks_prove_the_exercise_both_ways_in_chinese(
    engine, kernel: SharedKernel, ex_id: str, request
):
    """The Chinese edition, run as a Chinese learner runs it: the same verdicts, said in Chinese."""
    from dockerlab import i18n

    _hosts_for(request, ex_id)

    with i18n.language("zh-CN"):
        not_yet, passed = i18n._(exercises.NOT_YET), i18n._(exercises.PASSED)
    student, solution = build.targets(SOURCES[ex_id], "zh-CN").values()
    _reset_notebook_labs(engine, [ex_id])  # whatever an earlier run left of this exercise's lab
    kernel.execute("from dockerlab import set_language; set_language('zh-CN')")
    try:
        untouched = kernel.run(student)
        solved = kernel.run(solution)
    finally:
        kernel.execute("set_language(None)")
        _reset_notebook_labs(engine, [ex_id])
    assert len(untouched) == 1 and untouched[0].startswith(f"{not_yet} {ex_id}"), untouched
    assert not [w for w in FIX_WORDS if w in untouched[0]], untouched[0]
    assert re.search(r"[\u4e00-\u9fff]", untouched[0].split("\n", 1)[1]), "the feedback itself is in Chinese"
    assert len(solved) == 1 and solved[0].startswith(f"{passed} {ex_id}"), solved
