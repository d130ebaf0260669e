"""The simulator on its own: Docker's rules, the Lab's API and history, no engine needed."""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import docker.errors
import pytest

from dockerlab.engines.image import IMAGE
from dockerlab.engines.sim import BANNER, PREDEFINED_POOLS, SimClient, shared_client
from dockerlab.errors import EngineError
from dockerlab.kernel import probe, services
from dockerlab.lab import Lab


@pytest.fixture
def sim() -> Lab:
    return Lab("s", client=SimClient(), echo=False)


def test_default_bridge_first_free_address_and_new_address_after_restart(sim: Lab) -> None:
    a, b = sim.run("aa"), sim.run("bb")
    assert (a.ip, b.ip, a.endpoints["bridge"].gateway) == ("172.17.0.2", "172.17.0.3", "172.17.0.1")
    sim.stop("aa")
    assert sim["aa"].ip is None  # a stopped container has no address
    sim.run("cc")  # takes the first free address: a's old one
    assert sim["cc"].ip == "172.17.0.2"
    assert sim.start("aa").ip == "172.17.0.4"
    sim.remove("cc")
    assert sim.restart("bb").ip == "172.17.0.2"  # a restart takes the lowest free address


def test_pools_rotate_and_explicit_subnets_must_not_overlap(sim: Lab) -> None:
    first = sim.network("n1")
    sim.network("n2")
    pools = dict(zip(sim.networks()["name"], sim.networks()["subnet"], strict=True))
    assert [pools[first], pools["n2"]] == PREDEFINED_POOLS[1:3]
    sim.remove_network("n1")
    sim.network("n3")
    assert sim.networks().set_index("name").loc["n3", "subnet"] == PREDEFINED_POOLS[3]  # not n1's, just freed
    with pytest.raises(docker.errors.APIError, match="overlaps"):
        sim.client.networks.create("x", ipam={"Config": [{"Subnet": PREDEFINED_POOLS[2]}]})


def test_link_is_one_way_follows_restart_and_blocks_exec_when_target_stops(sim: Lab) -> None:
    sim.run("mysql1")
    sim.run("tomcat1", links=["mysql1"])
    assert sim.ping("tomcat1", "mysql1").ok
    assert sim.ping("mysql1", "tomcat1").reason == "unresolved"
    sim.stop("mysql1")
    sim.run("newcomer")
    assert sim.start("mysql1").ip != "172.17.0.2"
    assert f"{sim['mysql1'].ip}\tmysql1 " in sim.read_file("tomcat1", "/etc/hosts")
    sim.stop("mysql1")
    with pytest.raises(EngineError, match="Cannot link to a non running container"):
        sim.exec("tomcat1", "true")
    assert sim.reachability("name").loc["tomcat1"].dropna().sum() == 0
    with pytest.raises(EngineError, match="Cannot link"):
        sim.restart("tomcat1")
    assert not sim["tomcat1"].running


def test_user_defined_bridge_dns_both_ways_isolation_and_connect(sim: Lab) -> None:
    sim.network("myBridge", "10.9.0.0/24", "10.9.0.1")
    sim.run("tt", network="myBridge", aliases=["web"])
    sim.run("mm", network="myBridge")
    sim.run("bb")
    assert sim.ping("tt", "mm").ok and sim.ping("mm", "tt").ok and sim.ping("mm", "web").ok
    assert sim.ping("bb", "tt").reason == "unresolved"
    assert sim.ping("tt", sim["bb"].ip).reason == "timeout"  # isolated even by IP
    sim.connect("myBridge", "bb")
    assert sim.ping("bb", "tt").ok and sim.ping("tt", "bb").ok
    assert "nameserver 127.0.0.11" in sim.read_file("bb", "/etc/resolv.conf")
    sim.disconnect("myBridge", "bb")
    assert sim.ping("tt", "bb").reason == "unresolved"


def test_internal_icc_none_and_host(sim: Lab) -> None:
    sim.network("inner", internal=True)
    sim.network("quiet", icc=False)
    sim.run("i1", network="inner")
    sim.run("i2", network="inner")
    sim.run("q1", network="quiet")
    sim.run("q2", network="quiet")
    sim.run("zz", network="none")
    sim.run("hh", network="host")
    assert sim.ping("i1", "i2").ok
    assert sim.ping("q1", "q2").reason == "timeout"
    assert sim.ping("zz", sim["i1"].ip).reason == "unreachable"
    assert sim.ping("hh", sim["q1"].ip).ok
    assert sim.reachability("name").loc["hh"].isna().all()  # names are not probed from the host network


def test_probe_output_is_busybox_format_and_unknown_commands_exit_127(sim: Lab) -> None:
    sim.run("aa")
    sim.run("bb")
    out = sim.exec("aa", ["ping", "-c", "1", "-W", "1", sim["bb"].ip]).output
    assert out.startswith(f"PING {sim['bb'].ip} ({sim['bb'].ip}): 56 data bytes\n64 bytes from")
    assert probe.parse_one("aa", "bb", out + "rc=0").ok
    unknown = sim.exec("aa", "curl x")
    assert unknown.exit_code == 127 and "simulator" in unknown.output
    assert "eth0@if" in sim.exec("aa", "ip addr").output


def test_same_history_as_on_an_engine(sim: Lab) -> None:
    sim.network("nb", "10.8.0.0/16", "10.8.0.1")
    sim.run("t1", network="nb")
    assert sim.history == [
        "docker network create --driver bridge --subnet 10.8.0.0/16 --gateway 10.8.0.1 --label dockerlab.lab=s nb",
        "docker run -d --name t1 --network nb --dns 127.0.0.1 --label dockerlab.lab=s dockerlab/labbox:0.1.0",
    ]


def test_engine_sim_keyword_shares_one_simulator() -> None:
    one, two = Lab("s1", engine="sim", echo=False), Lab("s2", engine="sim", echo=False)
    assert one.client is two.client is shared_client() and one.simulated
    assert BANNER.startswith("SIMULATED")


def test_pool_allocation_follows_the_engine_release() -> None:
    """Before 28 a released pool waits its turn (rotating start); from 28 on the lowest free pool is taken."""
    for release, third in (("20.10.24", "172.20.0.0/16"), ("28.5.2", "172.18.0.0/16")):
        lab = Lab("s", client=SimClient(engine_version=release), echo=False)
        lab.network("a")
        lab.network("b")
        lab.remove_network("a")
        lab.network("c")
        subnet = lab.client.networks.get("c").attrs["IPAM"]["Config"][0]["Subnet"]
        assert subnet == third, release


def test_the_release_decides_resolv_conf_the_hosts_head_and_unknown_names() -> None:
    for release, commented, head, unknown in (
        ("20.10.24", False, "fe00::0\tip6-localnet", "nc: timed out"),
        ("28.5.2", True, "fe00::\tip6-localnet", "nc: bad address 'ghost'"),
    ):
        lab = Lab("s", client=SimClient(engine_version=release), echo=False)
        lab.network("n")
        lab.run("aa", network="n")
        assert lab.read_file("aa", "/etc/resolv.conf").startswith("# Generated by Docker Engine") is commented
        assert head in lab.read_file("aa", "/etc/hosts")
        assert unknown in lab.exec("aa", ["nc", "-w", "1", "ghost", "80"]).output


def test_a_taken_fixed_address_is_refused_as_docker_refuses_it() -> None:
    """Not as a port-proxy failure: only a host port that cannot be bound is one."""
    client = SimClient()
    client.networks.create("n", ipam={"Config": [{"Subnet": "10.7.0.0/24", "Gateway": "10.7.0.1"}]})
    endpoint = {"n": client.api.create_endpoint_config(ipv4_address="10.7.0.5")}
    client.containers.create(IMAGE, name="aa", network="n", networking_config=endpoint).start()
    second = client.containers.create(IMAGE, name="bb", network="n", networking_config=endpoint)
    with pytest.raises(docker.errors.APIError) as raised:
        second.start()
    assert raised.value.explanation == "Address already in use"
    assert str(raised.value).startswith("403 Server Error: Address already in use")
    assert client.containers.get("bb").status == "created"


def test_a_taken_host_port_is_a_userland_proxy_error_and_takes_nothing() -> None:
    client = SimClient()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        free_port = free.getsockname()[1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        taken_port = taken.getsockname()[1]
        ports = {"3306/tcp": ("127.0.0.1", free_port), "80/tcp": ("127.0.0.1", taken_port)}
        db = client.containers.create(IMAGE, services.service_command(3306, "hi"), name="db", ports=ports)
        with pytest.raises(docker.errors.APIError) as raised:
            db.start()
    assert raised.value.explanation.startswith(
        f"driver failed programming external connectivity on endpoint db ({db.id}): "
        "Error starting userland proxy: listen tcp4 "
    )
    assert raised.value.explanation.endswith(f"127.0.0.1:{taken_port}: bind: address already in use")
    with socket.socket() as again:  # the port published before the failure was closed
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT of other tests' connections
        again.bind(("127.0.0.1", free_port))
        again.listen()
    other = client.containers.create(IMAGE, name="other")
    other.start()
    other.reload()
    assert other.attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"] == "172.17.0.2"  # db took none
    db.start()  # the port is free now: the service answers on the host's loopback
    with socket.create_connection(("127.0.0.1", free_port), timeout=5) as conn:
        assert conn.recv(100) == b"hi\n"
    db.stop()


def test_the_engine_state_mirrors_another_engine() -> None:
    """What the differential test uses to start from a real engine's networks and pool position."""
    client = SimClient()
    client.engine.occupy("172.18.0.0/16")
    client.engine.occupy_bridge_addresses(["172.17.0.2"])
    lab = Lab("s", client=client, echo=False)
    assert lab.run("aa").ip == "172.17.0.3"

    def subnet(name: str) -> str:
        return client.networks.get(name).attrs["IPAM"]["Config"][0]["Subnet"]

    lab.network("n1")
    assert subnet("n1") == "172.19.0.0/16"
    client.engine.continue_pools_after("172.25.0.0/16")
    lab.network("n2")
    assert subnet("n2") == "172.26.0.0/16"
    assert sorted(n.name for n in client.networks.list()) == ["bridge", "host", "n1", "n2", "none"]


def test_the_simulator_imports_only_lower_layers_and_only_its_facade_knows_docker_py() -> None:
    package = Path(__file__).resolve().parents[1] / "dockerlab" / "sim"
    allowed = (
        "dockerlab.model",
        "dockerlab.errors",
        "dockerlab.i18n",  # the learner's language, for the banner
        "dockerlab.kernel.services",
        "dockerlab.kernel.probe",
        "dockerlab.kernel.topology",
        "dockerlab.engines.image",
        "dockerlab.engines.sim",
    )
    for path in sorted(package.glob("*.py")):
        source = path.read_text()
        imported = set()
        for node in ast.walk(ast.parse(source)):  # every import, also in functions and under TYPE_CHECKING
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                if node.module == "dockerlab":
                    imported |= {f"dockerlab.{a.name}" for a in node.names}
        first_party = {m for m in imported if m.split(".")[0] == "dockerlab" and m != "dockerlab"}
        assert all(m.startswith(allowed) for m in first_party), (path.name, first_party)
        uses_docker = {m for m in imported if m.split(".")[0] == "docker"}
        assert not uses_docker or path.name == "client.py", (path.name, uses_docker)
        assert "_MARK" not in source and "fmt: skip" not in source, path.name


def test_nslookup_type_a_is_answered_as_busybox_answers_it() -> None:
    """05 asks ``nslookup -type=a NAME``: the simulator answers it, and the plain form, the same way."""
    from dockerlab.engines.sim import SimClient
    from dockerlab.lab import Lab

    lab = Lab("sim-nslookup", client=SimClient(), echo=False)
    lab.network("n1")
    lab.run("a1", network="n1")
    lab.run("b1", network="n1")
    typed, plain = lab.exec("a1", "nslookup -type=a b1"), lab.exec("a1", "nslookup b1")
    assert typed.exit_code == plain.exit_code == 0
    assert typed.output == plain.output
    assert "Name:\tb1\nAddress: " in typed.output
