"""The simulator on its own: Docker's rules, the Lab's API and history, no engine needed."""

from __future__ import annotations

import docker.errors
import pytest

from dockerlab import probe
from dockerlab.errors import EngineError, EngineUnavailable
from dockerlab.lab import Lab
from dockerlab.sim import BANNER, PREDEFINED_POOLS, SimClient, lab_or_sim


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
    assert one.client is two.client and one.client.simulated


def test_lab_or_sim_honours_the_variable_and_never_falls_back_in_ci(monkeypatch) -> None:
    monkeypatch.setenv("DOCKERLAB_ENGINE", "sim")
    lab, simulated = lab_or_sim("s3", echo=False)
    assert simulated and lab.client.simulated and BANNER.startswith("SIMULATED")
    monkeypatch.setenv("DOCKERLAB_ENGINE", "")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(EngineUnavailable):
        lab_or_sim("s4", echo=False)
    monkeypatch.setenv("CI", "")
    lab, simulated = lab_or_sim("s5", echo=False)
    assert simulated


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
