"""Without an engine: the model reads ``--network container:<id>``, Compose plans, and the export formats."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from dockerlab import model
from dockerlab.errors import InvalidInput
from dockerlab.setups import compose
from dockerlab.views import export

DATA = Path(__file__).parent / "data" / "compose"


def inspect(name: str, ident: str, mode: str, nets: dict[str, str], running: bool = True) -> dict:
    """Just enough ``docker inspect`` data for the model."""
    return {
        "Id": ident,
        "Name": f"/{name}",
        "State": {"Running": running},
        "HostConfig": {"NetworkMode": mode},
        "NetworkSettings": {
            "Networks": {n: {"IPAddress": ip, "Gateway": "10.1.0.1", "Aliases": [name]} for n, ip in nets.items()}
        },
    }


NETWORKS = [{"Name": "front", "Id": "f" * 64, "Driver": "bridge", "IPAM": {"Config": [{"Subnet": "10.1.0.0/24"}]}}]


def test_a_container_joined_by_id_uses_the_owners_stack() -> None:
    """``HostConfig.NetworkMode`` is ``container:<full id>`` on the engine: read as the owner's name."""
    web = inspect("web", "a" * 64, "front", {"front": "10.1.0.2"})
    db = inspect("db", "b" * 64, "front", {"front": "10.1.0.3"})
    side = inspect("side", "c" * 64, "container:" + "a" * 64, {})
    state = model.state_from_inspect([web, db, side], NETWORKS, {})
    box = state.boxes["side"]
    assert box.shares == "web" and box.ips == {"front": "10.1.0.2"}
    assert state.owner["10.1.0.2"] == ("web", "front"), "the address stays the owner's"
    assert state.ping_code(box, "db") == ("ok", "10.1.0.3")
    assert state.ping_code(state.boxes["db"], "side") == ("unresolved", None)
    why = str(model.explain_state(state, "db", "side"))
    assert "network stack of web" in why and "NOT reachable" in why
    assert "uses the network stack of web" in str(model.explain_state(state, "side", "db"))
    assert [c for c, _ in model.predict_state(state, "ip").columns] == ["db", "web"], "no address of its own"


def test_a_joined_container_loses_its_network_when_the_owner_stops() -> None:
    web = inspect("web", "a" * 64, "front", {"front": "10.1.0.2"}, running=False)
    side = inspect("side", "c" * 64, "container:" + "a" * 64, {})
    state = model.state_from_inspect([web, side], NETWORKS, {})
    assert state.boxes["side"].ips == {} and state.route_code(state.boxes["side"], "10.1.0.2") == "unreachable"


@pytest.mark.parametrize("file", sorted(p.name for p in DATA.glob("*.yml")))
def test_every_file_plans_without_compose(file: str) -> None:
    """Read as plain YAML (no interpolation), every test file still plans, and its containers are named."""
    project = compose.load(DATA / file, "p", command=False)
    state = compose.plan(project)
    assert sorted(state.boxes) == sorted(project.containers)
    frame = compose.predict(project)
    assert list(frame.index) == list(state.boxes)


def test_compose_network_model_in_the_plan() -> None:
    state = compose.plan(compose.load(DATA / "internal.yml", "p", command=False))
    assert state.nets["p_data"].internal and not state.nets["p_jobs"].icc
    assert state.ping_code(state.boxes["p-worker-1"], "p-worker-2")[0] == "timeout"  # ICC off
    legacy = compose.plan(compose.load(DATA / "legacy_links.yml", "p", command=False))
    web = legacy.boxes["p-web-1"]
    assert web.mode == "default" and {"database", "db-1", "p-db-1"} <= set(web.hosts)
    assert legacy.ping_code(legacy.boxes["p-db-1"], "p-web-1")[0] == "unresolved", "a link is one way"


def test_replicated_services_are_no_column() -> None:
    """The embedded DNS answers a replicated service's name with every replica in turn: no fixed verdict."""
    project = compose.load(DATA / "internal.yml", "p", command=False)
    assert "worker" not in compose.service_names(project) and "queue" in compose.service_names(project)


def graph() -> nx.DiGraph:
    g = nx.DiGraph(by="name")
    g.add_node('we"b', networks=["front"])
    g.add_node("db", networks=["front", "back"])
    g.add_node("cache", networks=[])
    g.add_edges_from([('we"b', "db"), ("db", 'we"b'), ("cache", "db")])
    return g


def test_mermaid_and_dot() -> None:
    mermaid = export.to_mermaid(graph())
    assert mermaid.splitlines()[0] == "flowchart LR" and "#quot;" in mermaid
    assert "n0 <--> n1" in mermaid and "n2 -.-> n1" in mermaid
    dot = export.to_dot(graph())
    assert "->" in dot and "dashed" in dot and "rankdir=LR" in dot


def test_matrix_json_and_formats(tmp_path: Path) -> None:
    m = pd.DataFrame({"a": [pd.NA, True], "b": [False, pd.NA]}, index=["a", "b"], dtype="boolean")
    data = json.loads(export.matrix_json(m, kind="predicted"))
    assert data["kind"] == "predicted" and data["reaches"]["a"] == {"a": None, "b": False}
    for ext, fmt in (("svg", "svg"), ("gv", "dot"), ("mmd", "mermaid"), ("json", "json")):
        assert export.save_graph(graph(), tmp_path / f"g.{ext}") == fmt
    assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(InvalidInput, match="--format"):
        export.format_of(tmp_path / "g.txt")
    with pytest.raises(InvalidInput, match="Unknown format"):
        export.format_of(tmp_path / "g.png", "gif")


@pytest.mark.parametrize("command", [True, False], ids=["compose", "plain-yaml"])
def test_profiles(tmp_path: Path, command: bool) -> None:
    """A service with a profile is planned only when that profile is enabled, by Compose or by the plain reading."""
    path = tmp_path / "docker-compose.yml"
    path.write_text("services:\n  web:\n    image: x\n  debug:\n    image: x\n    profiles: [debug]\n")
    if command and compose.compose_command() is None:
        pytest.skip("no Compose installed")
    assert list(compose.load(path, "p", command=command).services) == ["web"]
    assert sorted(compose.load(path, "p", command=command, profiles=["debug"]).services) == ["debug", "web"]
    assert list(compose.load(path, "p", command=command, profiles=["other"]).services) == ["web"]
