"""Each rule of Docker in its one home: subnets, refusals, bridge options, ip link and veth pairs,
reading an engine, and the one chooser. No engine needed: the simulator stands in where one is read."""

from __future__ import annotations

import ipaddress

import docker.errors
import pytest

from dockerlab.engines import backend, reading
from dockerlab.engines.sim import PREDEFINED_POOLS, SimClient
from dockerlab.engines.sim.swarm import SimSwarm
from dockerlab.kernel import links
from dockerlab.lab import Lab
from dockerlab.model import options, refusals, subnets

# -- subnets ------------------------------------------------------------------------------


def test_the_default_pools_are_dockers_and_the_simulator_hands_them_out() -> None:
    assert subnets.DEFAULT_POOLS[0] == "172.17.0.0/16" and subnets.DEFAULT_POOLS[14] == "172.31.0.0/16"
    assert subnets.DEFAULT_POOLS[15:17] == ("192.168.0.0/20", "192.168.16.0/20")
    assert PREDEFINED_POOLS == list(subnets.DEFAULT_POOLS)
    assert subnets.DEFAULT_BRIDGE_POOL == ("172.17.0.0/16", subnets.first_host("172.17.0.0/16"))


def test_next_pool_rotates_and_wraps() -> None:
    pools = ("10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24")
    taken = [subnets.network("10.3.0.0/24")]
    assert subnets.next_pool(pools, 2, taken) == ("10.1.0.0/24", 0)  # wrapped past the end
    assert subnets.next_pool(pools, 1, []) == ("10.2.0.0/24", 2)
    assert subnets.next_pool(pools, 0, [subnets.network("10.0.0.0/8")]) is None


def test_first_free_skips_taken_and_small_blocks() -> None:
    taken = [subnets.network("10.0.0.0/9")]
    assert subnets.first_free(taken, 16) == "10.128.0.0/16"
    assert subnets.first_free([], 8, ["192.168.0.0/16", "10.0.0.0/8"]) == "10.0.0.0/8"  # /8 does not fit in a /16
    assert subnets.first_free([subnets.network("10.0.0.0/8")], 16, ["10.0.0.0/8"]) is None


def test_overlapping_names_what_is_in_the_way() -> None:
    taken = [(subnets.network("10.0.0.0/16"), "a"), (subnets.network("10.1.0.0/16"), "b")]
    assert subnets.overlapping("10.0.0.0/15", taken) == ["a", "b"]
    assert subnets.overlapping(ipaddress.IPv4Network("10.2.0.0/16"), taken) == []
    assert subnets.carve("10.0.0.0/23", 24) == ["10.0.0.0/24", "10.0.1.0/24"] and subnets.carve("10.0.0.0/24", 16) == []


# -- bridge options ---------------------------------------------------------------------


def test_bridge_options() -> None:
    assert options.icc_enabled(None) and options.icc_enabled({options.ENABLE_ICC: "true"})
    assert not options.icc_enabled({options.ENABLE_ICC: "false"})
    assert options.bridge_name({options.BRIDGE_NAME: "docker0"}) == "docker0" and options.bridge_name({}) is None


def test_the_simulator_and_the_lab_write_the_same_option(tmp_path: object) -> None:
    lab = Lab("opts", client=SimClient(), echo=False)
    lab.network("quiet", icc=False)
    attrs = next(n for n in lab.network_inspect() if n["Name"] == "quiet")
    assert attrs["Options"] == {options.ENABLE_ICC: "false"}
    assert lab.history[-1].endswith(f"-o {options.flag(options.ENABLE_ICC, 'false')} --label dockerlab.lab=opts quiet")


# -- refusals -----------------------------------------------------------------------------


def test_refusals_answer_none_when_docker_accepts() -> None:
    assert refusals.container_name_in_use("web", None) is None
    assert refusals.network_name_in_use("front", ["back"]) is None
    assert refusals.pool_overlap("10.1.0.0/16", [(subnets.network("10.2.0.0/16"), "x")]) is None
    assert refusals.already_connected("web", "front", ["back"]) is None
    assert refusals.alias_on_predefined("front", ["db"]) is None and refusals.alias_on_predefined("bridge", []) is None
    assert refusals.link_refusal("bridge") is None


def test_refusals_in_dockers_words() -> None:
    r = refusals.pool_overlap("10.1.0.0/16", [(subnets.network("10.0.0.0/8"), "net x")])
    assert r is not None and (r.status, r.clashes) == (403, ("net x",))
    r = refusals.link_refusal("host")
    assert r is not None and r.gist == "conflicting options: host type networking can't be used with links"
    r = refusals.container_name_in_use("web", "abc")
    assert r is not None and r.status == 409 and '"/web" is already in use by container "abc"' in r.message


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        (lambda c: c.networks.create("n", driver="bridge"), refusals.network_name_in_use("n", ["n"])),
        (
            lambda c: c.networks.create("m", ipam={"Config": [{"Subnet": "10.9.1.0/24"}]}),
            refusals.pool_overlap("10.9.1.0/24", [(subnets.network("10.9.0.0/16"), "n")]),
        ),
    ],
)
def test_the_simulator_refuses_as_the_model_says(make: object, refusal: refusals.Refusal | None) -> None:
    client = SimClient()
    client.networks.create("n", driver="bridge", ipam={"Config": [{"Subnet": "10.9.0.0/16"}]})
    assert refusal is not None
    with pytest.raises(docker.errors.APIError) as e:
        make(client)  # type: ignore[operator]
    assert e.value.explanation == refusal.message


# -- ip link and veth pairs ----------------------------------------------------------


OVERLAY_NS = (
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN \\    link/loopback 00:00:00:00:00:00\n"
    "2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP \\    link/ether 1a:2b brd ff \\"
    "    bridge forward_delay 1500\n"
    "5: vxlan0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master br0 state UNKNOWN \\"
    "    vxlan id 4097 srcport 0 0 dstport 4789 proxy l2miss l3miss ageing 300\n"
    "7: veth0@if6: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master br0 \\    veth\n"
)


def test_device_rows_read_an_overlay_namespace() -> None:
    rows = {r["interface"]: r for r in links.device_rows(OVERLAY_NS)}
    assert [(r["kind"], r["mtu"], r["master"]) for r in rows.values()] == [
        ("veth", 65536, None),
        ("bridge", 1450, None),
        ("vxlan", 1450, "br0"),
        ("veth", 1450, "br0"),
    ]
    assert (rows["vxlan0"]["vxlan_id"], rows["vxlan0"]["udp_port"]) == (4097, 4789)


def test_the_pair_rule() -> None:
    eth0, veth = links.Link(44, "eth0", 45), links.Link(45, "veth8eb364e", 44, master="docker0")
    assert links.peer_of(eth0, {45: veth}) is veth
    assert links.peer_of(eth0, {45: links.Link(45, "vethother", 12)}) is None  # an index that merely matches
    assert links.peer_of(links.Link(1, "lo", 1), {1: links.Link(1, "lo", 1)}) is None  # tied to itself
    assert (eth0.label, veth.label) == ("eth0@if45", "veth8eb364e@if44")
    assert links.peer_index(veth.label) == 44 and links.labels_in("见 eth0@if45。") == [("eth0", 45)]


def test_addresses_from_ip_addr() -> None:
    text = "12: eth0    inet 10.0.1.2/24 brd 10.0.1.255 scope global eth0\n12: eth0    inet6 fe80::1/64 scope link"
    assert links.address_of(text, "eth0") == "10.0.1.2" and links.address_of(text, "eth1") is None


# -- reading an engine, one way -------------------------------------------------------


def test_hosts_files_are_read_through_the_archive_on_the_simulator() -> None:
    lab = Lab("arch", client=SimClient(), echo=False)
    lab.run("aa")
    lab.run("bb", links=["aa"])
    lab.run("cc")
    lab.stop("cc")
    containers = {c.name: c for c in lab.client.containers.list(all=True)}
    text = reading.read_hosts(containers["bb"])
    assert text == lab.read_file("bb", "/etc/hosts")
    assert reading.read_hosts(containers["cc"]) is not None  # stopped: the archive still has it, as on an engine
    assert reading.read_file(containers["aa"], "/no/such/file") is None
    files = reading.hosts_files(list(containers.values()), parallel=False)
    assert files["cc"] is None and files["aa"] == lab.read_file("aa", "/etc/hosts")
    assert reading.release_of(lab.client) == lab.release
    assert set(
        reading.state_of(list(containers.values()), lab.network_inspect(), files, lab.release, {"bb"}).boxes
    ) == {"bb"}


def test_one_chooser_for_the_cluster(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(backend.ENGINE_VARIABLE, "sim")
    swarm = backend.choose_cluster()
    assert isinstance(swarm, SimSwarm)
    assert capsys.readouterr().out.startswith(str(backend.SIM_CHOSEN_BANNER)[:40])
