"""``docker compose up`` on dockerlab's simulator: the Compose files that tests/test_compose.py brings up on a real
engine (predicted = measured there), brought up by the simulated ``up``, measure on the simulator what
:func:`dockerlab.setups.compose.predict` says, pair by pair, by name and by address.

The simulator asks no Compose, so each file is read as plain YAML, with its ``${VARIABLE:-default}`` defaults
written in first (Compose's interpolation, for the defaults these files give). Each test has a simulated engine of
its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_compose import DATA, EXTRA, FILES

from dockerlab.engines.image import IMAGE
from dockerlab.engines.sim import SimClient
from dockerlab.model import mismatches, predict_state
from dockerlab.setups import analyse, compose, compose_sim

#: The external network external.yml joins (its default name), made outside the project as in test_compose.
SHARED = "dlab-cmp-shared"


def with_defaults(file: str, folder: Path) -> Path:
    """A copy of the data file ``file`` in ``folder`` with each ``${VARIABLE:-default}`` replaced by its default."""
    text = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", (DATA / file).read_text())
    assert "${" not in text
    copy = folder / file
    copy.write_text(text)
    return copy


def simulated(file: str, folder: Path, name: str = "sim-cmp") -> tuple[SimClient, compose.Project]:
    """A fresh simulated engine with ``file``'s project up (and external.yml's network made first)."""
    client = SimClient()
    client.networks.create(SHARED, ipam={"Config": [{"Subnet": "10.251.9.0/24"}]})
    project = compose.load(with_defaults(file, folder), name, command=False)
    compose_sim.up(client, project)
    return client, project


@pytest.mark.parametrize("file", FILES)
def test_the_simulated_up_measures_what_the_file_predicts(tmp_path, file: str) -> None:
    """After the simulated ``up``, the simulator's pings give the matrix :func:`compose.predict` gave before it."""
    client, project = simulated(file, tmp_path)
    predicted = compose.predict(project)
    setup = analyse.inspect_engine(client, project=project.name)
    assert setup.names == sorted(project.containers), "the simulator made the containers the plan names"
    measured = setup.measure("name", list(predicted.columns))
    assert not setup.measured_notes
    assert measured.notna().sum().sum() == predicted.notna().sum().sum() > 0, "every predicted pair was measured"
    assert mismatches(predicted, measured) == [], f"{file}:\n{predicted}\n{measured}"
    # the names test_compose pings too (network aliases, link aliases, an /etc/hosts name)
    state = compose.plan(project)
    more = predict_state(state, "name", [*compose.targets(project, state), *EXTRA.get(file, [])])
    assert mismatches(more, setup.measure("name", list(more.columns))) == []
    by_ip = setup.predict("ip")
    assert mismatches(by_ip, setup.measure("ip")) == []


@pytest.mark.parametrize("file", FILES)
def test_compose_apps_comparison_on_the_simulator_agrees(tmp_path, file: str, monkeypatch, capsys) -> None:
    """``ComposeApp.up`` on the simulator says it is simulated, and its ``compare`` finds every prediction true."""
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    client = SimClient()
    client.networks.create(SHARED, ipam={"Config": [{"Subnet": "10.251.9.0/24"}]})
    app = analyse.ComposeApp(with_defaults(file, tmp_path), "sim-app", client=client)
    app.up()
    shown = capsys.readouterr().out
    assert f"$ docker compose -f {file} -p sim-app up -d" in shown and "simulated" in shown
    comparison = app.compare("container")
    assert comparison.ok, str(comparison)


def test_down_removes_that_project_only(tmp_path) -> None:
    """Two projects of one file and a container of nobody's: ``down`` of one leaves the others as they were."""
    client, first = simulated("two_networks.yml", tmp_path, "first")
    second = compose.load(tmp_path / "two_networks.yml", "second", command=False)
    compose_sim.up(client, second)
    client.containers.create(IMAGE, name="mine")
    compose_sim.down(client, first)
    names = {c.name for c in client.containers.list(all=True)}
    assert names == {*second.containers, "mine"}
    networks = {n.name for n in client.networks.list()}
    assert not {n for n in networks if n.startswith("first_")}
    assert {"second_front", "second_back", SHARED} <= networks


def test_up_again_follows_the_edited_file(tmp_path) -> None:
    """``up`` after an edit makes the file's containers afresh (as Compose recreates changed ones); a network the
    file no longer uses stays until ``down``."""
    client, project = simulated("two_networks.yml", tmp_path)
    edited = tmp_path / "two_networks.yml"
    edited.write_text(edited.read_text().replace("    networks: [front]\n", "    network_mode: host\n", 1))
    project = compose.load(edited, project.name, command=False)
    compose_sim.up(client, project)
    setup = analyse.inspect_engine(client, project=project.name)
    measured = setup.measure("name", list(compose.predict(project).columns))
    assert mismatches(compose.predict(project), measured) == []
    assert setup.state.boxes["sim-cmp-proxy-1"].mode == "host"


def test_what_the_engine_refuses_is_refused_in_its_words(tmp_path) -> None:
    """A fixed address on a network without a subnet of its own: the engine's message, as Compose prints it."""
    file = tmp_path / "fixed.yml"
    file.write_text(
        f"services:\n  db:\n    image: {IMAGE}\n    networks:\n      default:\n        ipv4_address: 172.30.0.10\n"
    )
    project = compose.load(file, "fixed", command=False)
    with pytest.raises(compose_sim.Refused, match="user configured subnets"):
        compose_sim.up(SimClient(), project)
    external = compose.load(with_defaults("external.yml", tmp_path), "ext", command=False)
    with pytest.raises(compose_sim.Refused, match="declared as external, but could not be found"):
        compose_sim.up(SimClient(), external)
