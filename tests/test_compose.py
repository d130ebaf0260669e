"""Compose files predicted before they run, and any containers analysed read-only, against the real engine.

Each file of tests/data/compose is brought up by the real Compose under a
project name of its own (``dlab-cmp-<tag>``; the projects start in
parallel), its matrix is predicted from the file alone, then measured with
real pings: they must agree on every pair. Only these projects (by name) and
the lab-labelled containers and networks the tests make are removed.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import docker.types
import pytest

from dockerlab.engines import image as labimage
from dockerlab.engines.client import remove_labelled
from dockerlab.errors import ComposeFileError, ComposeUnknownNetwork, ContainerNotFound, DockerlabError
from dockerlab.lab import LAB_LABEL
from dockerlab.model import mismatches, predict_state
from dockerlab.setups import analyse, compose

DATA = Path(__file__).parent / "data" / "compose"
FILES = sorted(p.name for p in DATA.glob("*.yml"))
TAG = uuid.uuid4().hex[:6]
#: The lab label on what these tests create outside Compose (decoys, an external network, CLI containers).
LABEL = f"{LAB_LABEL}=dlab-cmp-{TAG}"

needs_compose = pytest.mark.skipif(
    compose.compose_command() is None and os.environ.get("CI", "") != "true",
    reason="no Compose installed (scripts/compose-release.sh installs v2)",
)
engine_marks = [pytest.mark.integration, pytest.mark.engine_only, pytest.mark.slow, needs_compose]


def run(argv: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(argv)} failed: {done.stderr}"
    return done.stdout


def free_subnets(client, count: int) -> list[str]:
    """``count`` /24s under 10.251.0.0/16 that no network of the engine overlaps."""
    taken = [
        ipaddress.ip_network(p["Subnet"], strict=False)
        for n in client.networks.list()
        for p in (n.attrs.get("IPAM") or {}).get("Config") or []
        if p.get("Subnet") and ":" not in p["Subnet"]
    ]
    found = [
        str(subnet)
        for subnet in ipaddress.ip_network("10.251.0.0/16").subnets(new_prefix=24)
        if subnet.network_address.packed[2] >= 7 and not any(subnet.overlaps(t) for t in taken)
    ]
    assert len(found) >= count, "no free /24 under 10.251.0.0/16"
    return found[:count]


def environment(engine, tag: str) -> dict[str, str]:
    """The files' variables, and the external network they join (made here, on a subnet of its own)."""
    app, shared_subnet = free_subnets(engine, 2)
    shared = f"dlab-cmp-shared-{tag}"
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=shared_subnet)])
    engine.networks.create(shared, ipam=ipam, labels={LAB_LABEL: f"dlab-cmp-{TAG}"})
    subnet = ipaddress.ip_network(app)
    return {
        "DOCKERLAB_IMAGE": labimage.IMAGE,
        "SHARED_NETWORK": shared,
        "APP_SUBNET": str(subnet),
        "DB_ADDRESS": str(subnet.network_address + 20),
        "PROJECT_PREFIX": f"dlab-cmp-{tag}",
    }


Made = dict[str, tuple[str, dict[str, str], list[str]]]


@contextmanager
def brought_up(engine, made: Made) -> Iterator[Made]:
    """Bring ``made``'s projects up in parallel (key: a file, ``#2`` for a second project of it); down at the end.

    Only these projects, by name, and what carries this module's label are removed.
    """

    def file_of(key: str) -> str:
        return str(DATA / key.removeprefix("v1:").split("#")[0])

    def up(item: tuple[str, tuple[str, dict[str, str], list[str]]]) -> None:
        key, (name, variables, cli) = item
        run([*cli, "-f", file_of(key), "-p", name, "up", "-d"], variables)

    def down(item: tuple[str, tuple[str, dict[str, str], list[str]]]) -> None:
        key, (name, variables, cli) = item
        subprocess.run(
            [*cli, "-f", file_of(key), "-p", name, "down", "--remove-orphans", "-t", "1"],
            capture_output=True,
            timeout=180,
            env={**os.environ, **variables},
        )

    try:
        with ThreadPoolExecutor(max_workers=len(made)) as pool:
            list(pool.map(up, made.items()))
        yield made
    finally:
        with ThreadPoolExecutor(max_workers=len(made)) as pool:
            list(pool.map(down, made.items()))
        remove_labelled(engine, LABEL)


@pytest.fixture(scope="module")
def projects(engine):
    """Every Compose file of tests/data/compose, up (in parallel): key -> project name, variables, Compose CLI.

    The keys are the file names; ``article.yml#2`` and ``external.yml#2`` are second projects of those
    files. (Compose v1's projects come up in tests/test_compose_v1.py, once these are down: Docker's
    default address pools hold 31 networks, shared with whatever else runs on the engine.)
    """
    command = compose.compose_command()
    assert command is not None, "no Compose installed: run scripts/compose-release.sh"
    env = environment(engine, TAG)
    made = {f: (f"dlab-cmp-{TAG}-{Path(f).stem.replace('_', '-')}", env, command) for f in FILES}
    made["article.yml#2"] = (f"dlab-cmp-{TAG}-article2", env, command)
    made["external.yml#2"] = (f"dlab-cmp-{TAG}-external2", env, command)
    with brought_up(engine, made):
        yield made


def settled(predicted, measure, tries: int = 3):
    """The measurement, taken again (up to ``tries`` times, two seconds apart) where it differs from the prediction.

    A ping waits one second for its reply; on a loaded two-core machine starting ten projects at
    once, a first reply can come late, and once every name of three v1 projects went unresolved twice
    in a row while the other worker started rootless engines. A rule the model gets wrong differs every time.
    """
    measured = measure()
    for _ in range(tries - 1):
        if not mismatches(predicted, measured):
            break
        time.sleep(2)
        measured = measure()
    return measured


def reasons(setup: analyse.Setup) -> str:
    """How the last measurement's pings ended, counted by reason, with one output of each: for a failure message."""
    frame = setup.probed
    if frame is None or frame.empty:
        return "nothing probed"
    lines = [f"{reason}: {count}" for reason, count in frame["reason"].value_counts().items()]
    return "ping results: " + ", ".join(lines)


def compared(compare):
    """A comparison, made again (up to three times, two seconds apart) when it does not agree (see :func:`settled`)."""
    comparison = compare()
    for _ in range(2):
        if comparison.ok:
            break
        time.sleep(2)
        comparison = compare()
    return comparison


#: More names to ping in some files: network aliases, link aliases, an /etc/hosts name.
EXTRA = {
    "two_networks.yml": ["api"],
    "names_and_links.yml": ["database", "legacy-db.test"],
    "links_two_networks.yml": ["store", "front", "back-door", "cache-1"],
}


def check_file(engine, key: str, name: str, env: dict[str, str], command: list[str]) -> None:
    file = key.removeprefix("v1:").split("#")[0]
    project = compose.load(DATA / file, name, env=env, command=command)
    state = compose.plan(project)
    predicted = predict_state(state, "name", [*compose.targets(project, state), *EXTRA.get(file, [])])
    setup = analyse.inspect_engine(engine, project=name)
    assert setup.names == sorted(project.containers), "the plan names the containers Compose made"
    names = list(predicted.columns)
    measured = settled(predicted, lambda: setup.measure("name", names))
    assert not setup.measured_notes
    assert mismatches(predicted, measured) == [], f"{key}:\n{predicted}\n{measured}\n{reasons(setup)}"
    # and the same from the engine's state, read only, by name and by address
    assert mismatches(setup.predict("name", names), measured) == []
    by_ip = setup.predict("ip")
    assert mismatches(by_ip, settled(by_ip, lambda: setup.measure("ip"))) == []
    assert measured.notna().any().any(), "something was measured"


@pytest.mark.parametrize("file", FILES)
@pytest.mark.integration
@pytest.mark.engine_only
@needs_compose
def test_the_files_prediction_equals_the_measurement_after_up(projects, engine, file: str) -> None:
    """Predicted from the file alone (before it ran), measured after ``up``: equal on every pair."""
    check_file(engine, file, *projects[file])


@pytest.mark.integration
@pytest.mark.engine_only
@needs_compose
def test_two_projects_at_once_are_isolated(projects, engine) -> None:
    """Two projects of one file: each service reaches its sibling, never the other project's containers."""
    first, second = projects["article.yml"][0], projects["article.yml#2"][0]
    names = [c.name for p in (first, second) for c in analyse.select(engine, project=p)]
    setup = analyse.inspect_engine(engine, names=names)
    comparison = compared(lambda: setup.compare("name", [*setup.names, "mysql", "tomcat"]))
    assert comparison.ok, f"{comparison}\n{reasons(setup)}"
    predicted = comparison.predicted
    assert predicted.loc[f"{first}-tomcat-1", f"{first}-mysql-1"]
    assert not predicted.loc[f"{first}-tomcat-1", f"{second}-mysql-1"]
    assert "no shared" in str(setup.explain(f"{first}-tomcat-1", f"{second}-mysql-1"))


@pytest.mark.integration
@pytest.mark.engine_only
@needs_compose
def test_two_projects_meet_on_an_external_network(projects, engine) -> None:
    """Two projects whose api services join one external network: they reach each other there, by container
    name; their other services stay apart."""
    first, second = projects["external.yml"][0], projects["external.yml#2"][0]
    names = [c.name for p in (first, second) for c in analyse.select(engine, project=p)]
    setup = analyse.inspect_engine(engine, names=names)
    comparison = compared(setup.compare)
    assert comparison.ok, f"{comparison}\n{reasons(setup)}"
    predicted = comparison.predicted
    assert predicted.loc[f"{first}-api-1", f"{second}-api-1"] and predicted.loc[f"{second}-api-1", f"{first}-api-1"]
    assert not predicted.loc[f"{first}-job-1", f"{second}-api-1"]
    assert comparison.predicted.notna().sum().sum() == len(names) * (len(names) - 1)


@pytest.mark.integration
@pytest.mark.engine_only
def test_plain_cli_default_bridge_link(engine) -> None:
    """Containers started with the plain `docker run`, a --link on the default bridge: one way, as predicted."""
    a, b, c = (f"dlab-cmp-{TAG}-{x}" for x in ("web", "db", "other"))
    base = ["docker", "run", "-d", "--label", LABEL, "--dns", "127.0.0.1"]
    try:
        run([*base, "--name", b, labimage.IMAGE])
        run([*base, "--name", c, labimage.IMAGE])
        run([*base, "--name", a, "--link", f"{b}:db", labimage.IMAGE])
        setup = analyse.inspect_engine(engine, label=LABEL)
        comparison = compared(lambda: setup.compare("name", [*setup.names, "db"]))
        assert comparison.ok, f"{comparison}\n{reasons(setup)}"
        assert comparison.predicted.loc[a, b] and not comparison.predicted.loc[b, a]
        assert "/etc/hosts" in str(setup.explain(a, "db")) and "old address" not in str(setup.explain(a, "db"))
        assert compared(lambda: setup.compare("ip")).ok
    finally:
        remove_labelled(engine, LABEL)


@pytest.mark.integration
@pytest.mark.engine_only
def test_the_analysis_changes_nothing(engine) -> None:
    """Decoys (containers and a network the analysis does not own): inspect data equal before and after."""
    net = f"dlab-cmp-{TAG}-decoynet"
    names = [f"dlab-cmp-{TAG}-decoy{i}" for i in (1, 2, 3)]
    try:
        engine.networks.create(net, labels={LAB_LABEL: f"dlab-cmp-{TAG}"})
        for i, name in enumerate(names):
            engine.containers.run(
                labimage.IMAGE, name=name, detach=True, labels={LAB_LABEL: f"dlab-cmp-{TAG}"}, dns=["127.0.0.1"],
                network=net if i else None,
            )  # fmt: skip
        engine.containers.get(names[2]).stop(timeout=1)  # a stopped one too

        def snapshot() -> str:
            data = [engine.api.inspect_container(n) for n in names] + [engine.api.inspect_network(net)]
            return json.dumps(data, sort_keys=True)

        before = snapshot()
        everything = analyse.inspect_engine(engine)  # every container of the engine, read only
        assert set(names) <= set(everything.names)
        setup = analyse.inspect_engine(engine, names=names)
        setup.predict("name")
        setup.predict("ip")
        setup.graph()
        setup.explanations()
        assert setup.explain(names[1], names[2]).reason == "unresolved"  # stopped: DNS does not know it
        assert analyse.read_hosts(engine.containers.get(names[2])) is not None  # stopped, still read
        assert snapshot() == before
    finally:
        remove_labelled(engine, LABEL)


@pytest.mark.integration
def test_an_unknown_container_is_named(engine) -> None:
    with pytest.raises(ContainerNotFound, match="dlab-cmp-no-such-container"):
        analyse.inspect_engine(engine, names=["dlab-cmp-no-such-container"])


# -- bad input: refused before the engine, naming the file and the line ----------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("command", [True, False], ids=["compose", "plain-yaml"])
def test_bad_compose_files_name_file_and_line(tmp_path: Path, command: bool) -> None:
    """Invalid YAML, not Compose, an unknown network or service, a fixed address with no subnet."""
    cases = {
        "services:\n  web:\n    image: x\n   networks: [a]\n": (ComposeFileError, 4, "not valid YAML"),
        "- just\n- a list\n": (ComposeFileError, 1, "not a Compose file"),
        "services:\n  web:\n    image: x\n    networks: [front, back]\nnetworks:\n  front: {}\n": (
            ComposeUnknownNetwork,
            4,
            "'back'",
        ),
        "services:\n  web:\n    image: x\n    network_mode: service:nope\n": (ComposeFileError, 4, "'nope'"),
        "services:\n  web:\n    image: x\n    networks:\n      default:\n        ipv4_address: 10.9.0.5\n": (
            ComposeFileError,
            6,
            "no subnet",
        ),
    }
    for text, (kind, line, words) in cases.items():
        path = write(tmp_path, text)
        with pytest.raises(kind) as caught:
            compose.plan(compose.load(path, "dlab-cmp-bad", command=command))
        assert caught.value.line == line, (text, str(caught.value))
        assert str(path) in str(caught.value) and f"line {line}" in str(caught.value)
        assert words in str(caught.value)
        assert isinstance(caught.value, DockerlabError)


@needs_compose
def test_composes_own_refusal_names_the_line(tmp_path: Path) -> None:
    """A key Compose does not know: its message, with the line of the service it names."""
    path = write(tmp_path, "services:\n  web:\n    image: x\n    netwrks: [a]\n")
    with pytest.raises(ComposeFileError, match="netwrks") as caught:
        compose.load(path, "dlab-cmp-bad")
    assert caught.value.line == 2


def test_plain_yaml_says_interpolation_is_not_applied(tmp_path: Path) -> None:
    path = write(tmp_path, "services:\n  web:\n    image: ${IMAGE}\n")
    project = compose.load(path, "dlab-cmp-plain", command=False)
    assert project.tool == "plain YAML" and "not interpolated" in project.note
    assert list(compose.plan(project).boxes) == ["dlab-cmp-plain-web-1"]


def test_the_plan_follows_composes_network_model() -> None:
    """Without an engine: the files' plans, read as plain YAML, say what the rules say."""
    state = compose.plan(compose.load(DATA / "shared_stack.yml", "p", command=False))
    assert state.boxes["p-sidecar-1"].shares == "p-app-1"
    assert state.ping_code(state.boxes["p-sidecar-1"], "db")[0] == "ok"
    assert state.ping_code(state.boxes["p-db-1"], "sidecar")[0] == "unresolved"
    assert state.boxes["p-monitor-1"].mode == "host"
    state = compose.plan(compose.load(DATA / "two_networks.yml", "p", command=False))
    assert state.ping_code(state.boxes["p-proxy-1"], "api")[0] == "ok"
    assert state.ping_code(state.boxes["p-proxy-1"], "db")[0] == "unresolved"


# -- the command line ---------------------------------------------------------------------


def cli(*argv: str, capsys) -> tuple[int, str, str]:
    from dockerlab.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.integration
@pytest.mark.engine_only
@needs_compose
def test_cli_on_a_running_project(projects, tmp_path: Path, capsys, monkeypatch) -> None:
    """predict --measure, explain, graph in every format, compose compare: on the two-network project."""
    name, env, _command = projects["two_networks.yml"]
    code, out, _ = cli("predict", "--project", name, "--also", "api", "db", "--measure", capsys=capsys)
    assert code == 0 and "every prediction came true" in out
    code, out, _ = cli("explain", f"{name}-proxy-1", "db", "--project", name, capsys=capsys)
    assert code == 0 and "NOT reachable" in out and "no shared user-defined network" in out
    code, out, _ = cli("predict", "--project", name, "--format", "json", capsys=capsys)
    assert json.loads(out)["reaches"][f"{name}-proxy-1"][f"{name}-app-1"] is True
    for ext in ("png", "svg", "dot", "mmd", "json"):
        target = tmp_path / f"g.{ext}"
        code, out, _ = cli("graph", "--project", name, "-o", str(target), capsys=capsys)
        assert code == 0 and target.stat().st_size > 0
    assert "flowchart LR" in (tmp_path / "g.mmd").read_text()
    assert "digraph" in (tmp_path / "g.dot").read_text()
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    for key, value in env.items():  # the file's variables, for Compose's interpolation
        monkeypatch.setenv(key, value)
    code, out, _ = cli("compose", "compare", str(DATA / "two_networks.yml"), "-p", name, capsys=capsys)
    assert code == 0 and "every prediction came true" in out


def test_cli_compose_predict_needs_no_engine(tmp_path: Path, capsys) -> None:
    """Before it runs: the matrix, an explanation per pair, JSON; a bad file exits 1 naming the line."""
    code, out, _ = cli("compose", "predict", str(DATA / "two_networks.yml"), "-p", "dlab-cmp-x", capsys=capsys)
    assert code == 0 and "dlab-cmp-x-proxy-1 cannot resolve db" in out
    code, out, _ = cli(
        "compose", "predict", str(DATA / "article.yml"), "-p", "dlab-cmp-x", "--format", "json", capsys=capsys
    )
    data = json.loads(out)
    assert data["reaches"]["dlab-cmp-x-tomcat-1"]["mysql"] is True and len(data["explanations"]) == 6
    path = write(tmp_path, "services:\n  web:\n    image: x\n    networks: [nope]\n")
    code, _, err = cli("compose", "predict", str(path), capsys=capsys)
    assert code == 1 and f"{path}, line 4" in err
    code, _, err = cli("graph", "-o", str(tmp_path / "x.txt"), capsys=capsys)
    assert code == 2 and "--format" in err


@pytest.mark.integration
@pytest.mark.engine_only
def test_a_container_without_a_shell_says_so(engine) -> None:
    """--measure where an image has no shell (so no ping script): its row says so, the others are measured."""
    net = f"dlab-cmp-{TAG}-noshell"
    mute, other = f"dlab-cmp-{TAG}-mute", f"dlab-cmp-{TAG}-talker"
    labels = {LAB_LABEL: f"dlab-cmp-{TAG}"}
    try:
        engine.networks.create(net, labels=labels)
        for name in (mute, other):
            engine.containers.run(labimage.IMAGE, name=name, detach=True, labels=labels, dns=["127.0.0.1"], network=net)
        engine.containers.get(mute).exec_run(["rm", "/bin/sh"])  # as an image without a shell
        setup = analyse.inspect_engine(engine, label=LABEL)
        comparison = compared(setup.compare)
        assert comparison.ok, f"{comparison}\n{reasons(setup)}"
        assert list(setup.measured_notes) == [mute] and "dockerlab predict" in setup.measured_notes[mute]
        assert comparison.measured.loc[mute].isna().all()
        assert comparison.measured.loc[other, mute]  # the other one still pings it
    finally:
        remove_labelled(engine, LABEL)


@pytest.mark.integration
@pytest.mark.engine_only
@needs_compose
def test_compose_app_up_down_leaves_nothing(engine, tmp_path: Path, capsys) -> None:
    """ComposeApp shows its command lines; down removes a network an earlier version of the file made."""
    path = tmp_path / "docker-compose.yml"
    lab = f"  image: {labimage.IMAGE}\n  pull_policy: never\n  dns: 127.0.0.1\n"
    path.write_text(
        f"x-lab: &lab\n{lab}services:\n  web:\n    <<: *lab\n    networks: [back]\nnetworks:\n  back: {{}}\n"
    )
    app = analyse.ComposeApp(path, f"dlab-cmp-{TAG}-app", client=engine)
    try:
        app.up()
        path.write_text(f"x-lab: &lab\n{lab}services:\n  web:\n    <<: *lab\n")
        app.reload().up()
        assert app.compare("container").ok
    finally:
        app.down()
    out = capsys.readouterr().out
    assert f"$ docker compose -f docker-compose.yml -p dlab-cmp-{TAG}-app up -d" in out
    assert f"$ docker network rm dlab-cmp-{TAG}-app_back" in out
    label = f"com.docker.compose.project=dlab-cmp-{TAG}-app"
    assert engine.networks.list(filters={"label": label}) == []
    assert engine.containers.list(all=True, filters={"label": label}) == []
