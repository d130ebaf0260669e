"""The ``dockerlab`` command, run in-process (``cli.main``) and as ``python -m dockerlab``.

Engine tests use the real engine through the fixtures; ``clean --all`` is
checked on the real engine with ``--dry-run`` only (other labs on the engine
must survive a test run) and, for the removal itself, against a fake client.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from types import SimpleNamespace

import docker.errors
import pytest

from dockerlab import cli
from dockerlab.engines.backend import is_simulated
from dockerlab.engines.image import IMAGE
from dockerlab.lab import LAB_LABEL

SUBCOMMANDS = ["doctor", "image", "status", "clean", "matrix", "hosts"]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``dockerlab argv`` in-process; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as e:  # argparse: --help and usage errors
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dockerlab argv`` in a subprocess with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "dockerlab", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


# -- parsing, help and exit codes (no engine) ----------------------------------


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_each_subcommand_has_help(capsys, command):
    code, out, _ = run_cli(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: dockerlab {command}")


def test_top_level_help_lists_subcommands_and_exit_codes(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert all(c in out for c in SUBCOMMANDS)
    assert "3 no Docker engine answers" in " ".join(out.split())


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["clean"],
        ["clean", "somelab", "--all"],
        ["matrix"],
        ["matrix", "somelab", "--by", "mac"],
        ["status", "not a name"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run_cli(capsys, *argv)
    assert code == cli.USAGE == 2
    assert "usage: dockerlab" in err
    assert "Traceback" not in err


@pytest.mark.engine_only
@pytest.mark.parametrize("argv", [["status"], ["doctor"], ["clean", "somelab"], ["matrix", "somelab"], ["image"]])
def test_unavailable_engine_exits_3_without_traceback(tmp_path, argv):
    missing = tmp_path / "no-engine-here.sock"
    done = run_module(*argv, DOCKER_HOST=f"unix://{missing}")
    assert done.returncode == cli.NO_ENGINE == 3, done.stdout + done.stderr
    assert "No Docker engine answers" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # a subprocess that waits for the missing socket
def test_doctor_reports_the_missing_socket_with_a_fix(tmp_path):
    missing = tmp_path / "no-engine-here.sock"
    # the real engine's doctor, also in the simulator's run: the socket is missing, so no engine is reached
    done = run_module("doctor", DOCKER_HOST=f"unix://{missing}", DOCKERLAB_ENGINE="docker")
    lines = done.stdout.splitlines()
    problem = next(i for i, line in enumerate(lines) if line.startswith("PROBLEM") and str(missing) in line)
    assert "fix:" in lines[problem + 1]
    assert done.returncode == cli.NO_ENGINE


def test_doctor_on_the_simulator_reports_it_and_probes_no_socket(tmp_path):
    missing = tmp_path / "no-engine-here.sock"
    done = run_module("doctor", DOCKER_HOST=f"unix://{missing}", DOCKERLAB_ENGINE="sim")
    assert done.returncode == cli.OK, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ok      engine: dockerlab's simulator, following Docker 20.10")
    assert "no Docker engine, socket or lab image is used" in lines[1]
    assert any(line.startswith("note    what the simulator shows") for line in lines)
    cannot = next(i for i, line in enumerate(lines) if line.startswith("note    what it cannot show"))
    assert "ex07" in lines[cannot] and "unset DOCKERLAB_ENGINE" in lines[cannot + 1]
    assert not [line for line in lines if line.split()[1:2] == ["socket"]]  # no socket finding, ok or problem
    assert str(missing) not in done.stdout and "answers at" not in done.stdout
    assert f"lab image {IMAGE}" not in done.stdout
    assert lines[-1] == "All is well."


def test_text_table_aligns_columns():
    table = cli.text_table(["A", "LONGER"], [["xyz", "1"], ["w", "22"]])
    assert table.splitlines() == ["A    LONGER", "xyz  1", "w    22"]


def test_docker_timestamps_are_read_and_unset_ones_are_zero():
    assert cli.labs._time("1970-01-01T00:01:40.123456789Z") == pytest.approx(100.123, abs=0.001)
    assert cli.labs._time("1970-01-01T00:01:40Z") == 100
    assert cli.labs._time("0001-01-01T00:00:00Z") == 0.0
    assert cli.labs._time(None) == 0.0


def _fake_container(name: str, status: str, created: str, labels: dict[str, str]) -> SimpleNamespace:
    attrs = {"Created": created, "State": {"StartedAt": created, "FinishedAt": "0001-01-01T00:00:00Z"}}
    return SimpleNamespace(name=name, status=status, attrs=attrs, labels=labels)


def test_leftover_means_nothing_runs_and_idle_for_a_while():
    old, now = "1970-01-01T00:00:00Z", 10_000.0
    idle = cli.LabResources("idle", [_fake_container("a", "exited", old, {LAB_LABEL: "idle"})])
    busy = cli.LabResources("busy", [_fake_container("b", "running", old, {LAB_LABEL: "busy"})])
    fresh = cli.LabResources("fresh", [_fake_container("c", "exited", "1970-01-01T02:46:00Z", {LAB_LABEL: "fresh"})])
    labs = {"idle": idle, "busy": busy, "fresh": fresh}
    findings = {f.text.split()[1].rstrip(":"): f for f in cli.check_leftovers(labs, now)}
    assert findings["idle"].level == "problem" and findings["idle"].fix == "`dockerlab clean idle`"
    assert findings["busy"].level == "note"
    assert findings["fresh"].level == "note"  # stopped 40 s ago: maybe mid-lesson


# -- clean --all against a fake client: labelled resources only ------------------


class _FakeCollection:
    """Just enough of docker-py's containers/networks collections: list with a label filter."""

    def __init__(self, items: list[SimpleNamespace]) -> None:
        self.items = items

    def list(self, all: bool = False, filters: dict | None = None, greedy: bool = False):
        key = (filters or {}).get("label")
        return [i for i in self.items if key is None or key in i.labels]


def _fake_resource(kind: str, name: str, labels: dict[str, str], removed: list[str], fail: bool = False):
    def remove(force: bool = False) -> None:
        if fail:
            raise docker.errors.APIError("error while removing network: network has active endpoints")
        removed.append(f"{kind} {name}")

    return SimpleNamespace(name=name, labels=labels, attrs={"Labels": labels}, remove=remove)


def test_clean_all_removes_every_labelled_resource_and_nothing_else(capsys):
    removed: list[str] = []
    client = SimpleNamespace(
        containers=_FakeCollection(
            [
                _fake_resource("container", "c1", {LAB_LABEL: "a"}, removed),
                _fake_resource("container", "c2", {LAB_LABEL: "b", "x": "y"}, removed),
                _fake_resource("container", "theirs", {"com.example": "1"}, removed),
            ]
        ),
        networks=_FakeCollection(
            [
                _fake_resource("network", "n1", {LAB_LABEL: "a"}, removed),
                _fake_resource("network", "busy", {LAB_LABEL: "b"}, removed, fail=True),
                _fake_resource("network", "their-net", {}, removed),
            ]
        ),
    )
    code = cli.cmd_clean(client, SimpleNamespace(all=True, dry_run=False), print)
    out = capsys.readouterr().out
    assert removed == ["container c1", "container c2", "network n1"]
    assert code == cli.PROBLEMS  # the busy network could not go, and says why
    assert "failed: network busy" in out and "docker network inspect busy" in out


# -- against the real engine ---------------------------------------------------------


@pytest.fixture
def decoy(engine, uniq):
    """An unlabelled container that no dockerlab command may touch; removed at teardown."""
    container = engine.containers.run(IMAGE, name=uniq("cli-decoy"), detach=True, network_mode="none")
    yield container
    container.remove(force=True)


@pytest.fixture
def two_labs(make_lab, uniq):
    """Lab one: a network with two containers; lab two: one container on the default bridge."""
    one, two = make_lab("cli"), make_lab("cli")
    net = one.network(uniq("cli-net"))
    one.run_many([uniq("cli-a"), uniq("cli-b")], network=net, progress=False)
    two.run(uniq("cli-c"))
    return one, two


@pytest.mark.engine_only
def test_status_lists_a_lab_with_its_containers_and_networks(capsys, two_labs):
    one, two = two_labs
    code, out, _ = run_cli(capsys, "status", one.name)
    assert code == 0
    for name in one.containers:
        row = next(line for line in out.splitlines() if name in line)
        assert row.split()[:3] == [one.name, name, "running"]
        assert one[name].ip in row
    net = one.network_names[0]
    net_row = next(line for line in out.splitlines() if line.split()[:2] == [one.name, net])
    assert "bridge" in net_row and all(c in net_row for c in one.containers)
    assert two.name not in out

    code, out, _ = run_cli(capsys, "status")
    assert code == 0
    assert one.name in out and two.name in out


def test_status_of_an_unknown_lab_says_so(capsys, engine):
    code, out, _ = run_cli(capsys, "status", f"cli-none-{uuid.uuid4().hex[:8]}")
    assert code == 0
    assert out.startswith("No dockerlab lab named")


@pytest.mark.engine_only
def test_clean_lab_removes_only_that_lab(capsys, engine, two_labs, decoy):
    one, two = two_labs
    containers, networks = one.containers, one.network_names

    code, out, _ = run_cli(capsys, "clean", "--all", "--dry-run")
    assert code == 0
    for name in [*containers, *networks, *two.containers]:
        assert f" {name} " in out
    assert decoy.name not in out

    code, out, _ = run_cli(capsys, "clean", one.name)
    assert code == 0, out
    assert f"removed lab {one.name}: 2 containers, 1 network" in out
    assert one.containers == [] and one.network_names == []
    assert two.containers != [] and two[two.containers[0]].running
    decoy.reload()
    assert decoy.status == "running"

    code, out, _ = run_cli(capsys, "clean", one.name)  # again: nothing left, still fine
    assert code == 0 and "nothing to remove" in out


@pytest.mark.engine_only
def test_matrix_prints_the_grid(capsys, two_labs):
    one, _ = two_labs
    a, b = one.containers
    code, out, _ = run_cli(capsys, "matrix", one.name)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"lab {one.name}, by name: does the row reach the column?"
    assert lines[1].split() == [a, b]
    assert lines[2].split() == [a, "·", "✓"] and lines[3].split() == [b, "✓", "·"]

    code, out, _ = run_cli(capsys, "matrix", one.name, "--by", "ip")
    assert code == 0
    net = one.network_names[0]
    assert f"{a} ({net})" in out and out.count("✓") == 2


def test_matrix_of_a_lab_without_containers_fails_with_a_message(capsys, engine):
    code, out, err = run_cli(capsys, "matrix", f"cli-none-{uuid.uuid4().hex[:8]}")
    assert code == cli.PROBLEMS
    assert "has no containers" in err and "dockerlab status" in err
    assert out == ""


def test_doctor_finds_nothing_wrong_here(capsys, engine):
    code, out, _ = run_cli(capsys, "doctor")
    assert code == 0, out
    assert out.splitlines()[-1] == "All is well."
    if is_simulated(engine):  # the simulator: reported as such, and nothing of the host is checked
        assert "dockerlab's simulator" in out and "socket /" not in out and "lab image dockerlab/" not in out
        return
    assert "answers at" in out and f"lab image {IMAGE} is present" in out
    assert "no Docker network overlaps the engine host's" in out


def test_image_reports_progress_and_the_image(capsys, engine):
    code, out, err = run_cli(capsys, "image")
    assert code == 0
    assert out.strip() == f"{IMAGE} is on the engine"
    assert "lab image step 1" in err and "lab image: done" in err


@pytest.mark.slow
def test_python_dash_m_runs_the_command(engine):
    done = run_module("status", f"cli-none-{uuid.uuid4().hex[:8]}")
    assert done.returncode == 0
    assert done.stdout.startswith("No dockerlab lab named")
