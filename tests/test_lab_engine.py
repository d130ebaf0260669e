"""The article's behaviours, produced by a real engine.

Every name is unique to the test (container and network names are global on
an engine), and every lab is reset at teardown by the make_lab fixture.
"""

from __future__ import annotations

import ipaddress
import uuid

import docker.errors
import pandas as pd
import pytest

from dockerlab.errors import (
    EngineError,
    ImageMissing,
    InvalidInput,
    NameConflict,
    SubnetOverlap,
    UnknownContainer,
    UnknownNetwork,
)
from dockerlab.kernel import probe
from dockerlab.lab import LAB_LABEL, Lab

pytestmark = pytest.mark.integration


def bridge_on_a_free_subnet(lab: Lab, name: str) -> tuple[str, str]:
    """A user-defined bridge on a free /16 with its first address as gateway; its (subnet, gateway).

    Never the article's 192.168.0.0/16, which the notebooks take in the other worker between choosing it and
    creating ``myBridge``; retried if another test takes the subnet between the choice and the creation.
    """
    for _ in range(3):
        subnet = lab.free_subnet(prefixlen=16)
        gateway = str(ipaddress.ip_network(subnet).network_address + 1)
        try:
            lab.network(name, subnet=subnet, gateway=gateway)
        except (SubnetOverlap, EngineError):
            continue
        return subnet, gateway
    raise AssertionError(f"no free /16 for {name} after 3 tries")


def test_ping_by_ip_works_on_the_default_bridge(lab, uniq):
    tomcat, mysql = uniq("tomcat1"), uniq("mysql1")
    lab.run(mysql)
    lab.run(tomcat)
    assert lab[tomcat].networks == ["bridge"]
    r = lab.ping(tomcat, lab[mysql].ip)
    assert r.ok and r.reason == "ok" and r.address == lab[mysql].ip
    assert lab.ping(mysql, lab[tomcat].ip).ok
    # The default bridge's gateway as the engine reports it. Every endpoint on the bridge names it; the
    # network's own IPAM config names it too on newer engines, and leaves it out on Engine 20.10.
    gateway = lab[mysql].endpoints["bridge"].gateway
    bridge = lab.networks().set_index("name").loc["bridge"]
    assert gateway is not None and ipaddress.ip_address(gateway) in ipaddress.ip_network(bridge.subnet)
    assert lab[tomcat].endpoints["bridge"].gateway == gateway
    assert pd.isna(bridge.gateway) or bridge.gateway == gateway


def test_ping_by_name_fails_on_the_default_bridge(lab, uniq):
    tomcat, mysql = uniq("tomcat1"), uniq("mysql1")
    lab.run(mysql)
    lab.run(tomcat)
    r = lab.ping(tomcat, mysql)
    assert not r.ok
    assert r.reason == "unresolved" and r.address is None
    assert f"bad address '{mysql}'" in r.output
    # No embedded DNS here: the resolver is the lab's local one, not 127.0.0.11.
    assert "127.0.0.11" not in lab.read_file(tomcat, "/etc/resolv.conf")


def test_link_is_one_way_and_follows_a_restart(lab, uniq):
    tomcat, mysql = uniq("tomcat1"), uniq("mysql1")
    lab.run(mysql)
    lab.run(tomcat, links=[mysql])
    old_ip = lab[mysql].ip
    there = lab.ping(tomcat, mysql)
    assert there.ok and there.address == old_ip
    back = lab.ping(mysql, tomcat)
    assert not back.ok and back.reason == "unresolved"
    hosts = lab.read_file(tomcat, "/etc/hosts")
    assert any(line.split()[:2] == [old_ip, mysql] for line in hosts.splitlines())
    assert tomcat not in lab.read_file(mysql, "/etc/hosts").split()

    # Give mysql1's address away while it is stopped, so that it comes back elsewhere.
    lab.stop(mysql)
    assert lab[mysql].ip is None
    for i in range(6):
        filler = lab.run(uniq(f"filler{i}"))
        if filler.ip == old_ip:
            break
    new_ip = lab.start(mysql).ip
    assert new_ip != old_ip
    hosts = lab.read_file(tomcat, "/etc/hosts")
    assert any(line.split()[:2] == [new_ip, mysql] for line in hosts.splitlines()), hosts
    assert lab.ping(tomcat, mysql).address == new_ip


def test_link_alias(lab, uniq):
    mysql, tomcat = uniq("mysql1"), uniq("tomcat1")
    lab.run(mysql)
    lab.run(tomcat, links={mysql: "db"})
    assert lab.ping(tomcat, "db").ok
    assert f"--link {mysql}:db" in lab.history[-1]


def test_user_defined_bridge_honours_subnet_and_resolves_both_ways(lab, uniq):
    net, tomcat, mysql = uniq("myBridge"), uniq("tomcat1"), uniq("mysql1")
    subnet, gateway = bridge_on_a_free_subnet(lab, net)
    lab.run(tomcat, network=net)
    lab.run(mysql, network=net)
    for name in (tomcat, mysql):
        ep = lab[name].endpoints[net]
        assert ipaddress.ip_address(ep.ip) in ipaddress.ip_network(subnet)
        assert ep.gateway == gateway
        assert "nameserver 127.0.0.11" in lab.read_file(name, "/etc/resolv.conf")
    assert lab.ping(tomcat, mysql).ok and lab.ping(mysql, tomcat).ok
    assert lab.ping(tomcat, mysql).address == lab[mysql].ip
    shown = lab.networks()
    row = shown[shown.name == net].iloc[0]
    assert (row.subnet, row.gateway, row.driver, bool(row.lab)) == (subnet, gateway, "bridge", True)
    assert {"bridge", "host", "none"} <= set(shown.name)


def test_bridges_are_isolated_until_connect(lab, uniq):
    net, web, db, old = uniq("myBridge"), uniq("tomcat1"), uniq("mysql1"), uniq("tomcat1-docker0")
    lab.network(net)
    lab.run(web, network=net)
    lab.run(db, network=net)
    lab.run(old)
    for target in (web, db):
        assert not lab.ping(old, target).ok
        assert not lab.ping(old, lab[target].ip).ok
        assert lab.ping(old, lab[target].ip).reason == "timeout"
        assert not lab.ping(target, lab[old].ip).ok

    lab.connect(net, old)
    handle = lab[old]
    assert set(handle.ips) == {"bridge", net}
    eth = lab.exec(old, "ip -o -4 addr").output
    assert "eth1" in eth and handle.ips[net] in eth
    for target in (web, db):
        assert lab.ping(old, target).ok
        assert lab.ping(target, old).ok
        assert lab.ping(old, lab[target].ip).ok

    lab.disconnect(net, old)
    assert list(lab[old].ips) == ["bridge"]
    assert not lab.ping(old, web).ok


def test_reachability_matrices_and_graph(lab, uniq):
    mysql, tomcat, net, web = uniq("mysql1"), uniq("tomcat1"), uniq("net"), uniq("web")
    lab.run(mysql)
    lab.run(tomcat, links=[mysql])
    lab.network(net)
    lab.run(web, network=net)
    names = sorted([mysql, tomcat, web])

    by_name = lab.reachability("name")
    assert list(by_name.index) == names and list(by_name.columns) == names
    assert all(by_name.loc[n, n] is pd.NA for n in names)
    assert bool(by_name.loc[tomcat, mysql]) and not bool(by_name.loc[mysql, tomcat])
    assert not by_name.loc[web].fillna(False).any()

    by_ip = lab.reachability("ip")
    assert set(by_ip.columns) == {(mysql, "bridge"), (tomcat, "bridge"), (web, net)}
    assert bool(by_ip.loc[mysql, (tomcat, "bridge")]) and bool(by_ip.loc[tomcat, (mysql, "bridge")])
    assert not bool(by_ip.loc[web, (mysql, "bridge")]) and not bool(by_ip.loc[mysql, (web, net)])

    g = lab.graph("name")
    assert set(g.nodes) == set(names) and list(g.edges) == [(tomcat, mysql)]
    assert g.nodes[web]["networks"] == [net] and g.nodes[mysql]["addresses"]["bridge"] == lab[mysql].ip
    gi = lab.graph("ip")
    assert gi.has_edge(mysql, tomcat) and gi.edges[mysql, tomcat]["networks"] == ["bridge"]

    frame = lab.probe("name")
    assert set(frame.reason) <= set(probe.REASONS)
    assert frame[(frame.source == mysql) & (frame.target == tomcat)].reason.item() == "unresolved"


def test_stopped_source_and_target(lab, uniq):
    a, b, net = uniq("a"), uniq("b"), uniq("net")
    lab.network(net)  # the test's own: on the default bridge another test's container may get b's freed address
    lab.run(a, network=net)
    lab.run(b, network=net)
    ip_b = lab[b].ip
    lab.stop(b)
    assert lab.ping(b, a).reason == "not-running"
    assert lab.ping(a, ip_b).reason == "timeout"
    m = lab.reachability("name")
    assert not bool(m.loc[b, a]) and not bool(m.loc[a, b])


def test_reset_touches_only_this_lab(engine, make_lab, uniq):
    lab, other = make_lab("mine"), make_lab("other")
    decoy_c = engine.containers.create("dockerlab/labbox:0.1.0", name=uniq("decoy"))
    decoy_n = engine.networks.create(uniq("decoynet"), driver="bridge")
    try:
        lab.network(uniq("net"))
        lab.run(uniq("c1"))
        theirs = other.run(uniq("c2")).name
        other_net = other.network(uniq("onet"))
        lab.reset()
        lab.reset()  # safe twice
        assert lab.containers == [] and lab.network_names == []
        assert other.containers == [theirs] and other.network_names == [other_net]
        decoy_c.reload()
        decoy_n.reload()
    finally:
        decoy_c.remove(force=True)
        decoy_n.remove()


def test_names_owned_by_others_are_neither_reused_nor_removed(engine, lab, make_lab, uniq):
    name, net = uniq("taken"), uniq("takennet")
    decoy_c = engine.containers.create("dockerlab/labbox:0.1.0", name=name)
    decoy_n = engine.networks.create(net, driver="bridge")
    try:
        with pytest.raises(NameConflict, match=f"docker rm -f {name}"):
            lab.run(name)
        with pytest.raises(NameConflict, match=f"docker network rm {net}"):
            lab.network(net)
        other = make_lab("other")
        other.run(uniq("x"))
        with pytest.raises(NameConflict, match=f"lab '{other.name}'"):
            lab.run(other.containers[0])
        decoy_c.reload()
        decoy_n.reload()
    finally:
        decoy_c.remove(force=True)
        decoy_n.remove()


def test_names_match_exactly_never_as_id_prefix(engine, lab, uniq):
    lab.run(uniq("real"))
    decoy = engine.containers.create("dockerlab/labbox:0.1.0", name=uniq("decoy"))
    try:
        prefix = decoy.id[:5]
        with pytest.raises(UnknownContainer):
            lab[prefix]
        with pytest.raises(UnknownContainer):
            lab.ping(prefix, "x")
    finally:
        decoy.remove(force=True)


def test_rerun_reuses_same_spec_and_recreates_on_change(lab, uniq):
    a, b = uniq("a"), uniq("b")
    lab.run(a)
    first = lab.run(b).id
    assert lab.run(b).id == first
    lab.stop(b)
    assert lab.run(b).running and lab[b].id == first
    changed = lab.run(b, links=[a])
    assert changed.id != first and changed.running
    net = uniq("n")
    lab.network(net)
    n_before = len(lab.history)
    lab.network(net)
    assert len(lab.history) == n_before  # reused, nothing ran


def test_every_engine_change_is_shown_as_a_docker_command(lab, uniq, capsys):
    lab.echo = True
    mysql, tomcat, net = uniq("mysql1"), uniq("tomcat1"), uniq("myBridge")
    lab.run(mysql)
    lab.run(tomcat, links=[mysql])
    lab.network(net)
    lab.connect(net, tomcat)
    lab.disconnect(net, tomcat)
    lab.restart(mysql)
    lab.remove(mysql)
    out = capsys.readouterr().out
    expected = [
        f"docker run -d --name {mysql} --dns 127.0.0.1 --label {LAB_LABEL}={lab.name} dockerlab/labbox:0.1.0",
        f"docker run -d --name {tomcat} --link {mysql} --dns 127.0.0.1 --label {LAB_LABEL}={lab.name} "
        "dockerlab/labbox:0.1.0",
        f"docker network create --driver bridge --label {LAB_LABEL}={lab.name} {net}",
        f"docker network connect {net} {tomcat}",
        f"docker network disconnect {net} {tomcat}",
        f"docker restart {mysql}",
        f"docker rm -f {mysql}",
    ]
    assert lab.history == expected
    assert out.splitlines() == [f"$ {c}" for c in expected]


def test_unknown_names_list_what_exists(lab, uniq):
    a = uniq("a")
    lab.run(a)
    with pytest.raises(UnknownContainer, match=a):
        lab.ping(uniq("ghost"), a)
    with pytest.raises(UnknownNetwork, match="bridge, host, none"):
        lab.run(uniq("b"), network=uniq("nonet"))
    with pytest.raises(InvalidInput):
        lab.ping(a, "two words")


def test_subnet_overlaps_are_refused_with_a_suggestion(lab, uniq):
    with pytest.raises(SubnetOverlap) as e:
        lab.network(uniq("n"), subnet="172.17.0.0/16")
    assert "Docker network 'bridge'" in str(e.value) and e.value.suggestion
    suggestion = ipaddress.ip_network(e.value.suggestion)
    assert not suggestion.overlaps(ipaddress.ip_network("172.17.0.0/16"))

    routes = lab.host_routes()
    assert any(dev == "docker0" for _, dev in routes)
    host_nets = [d for d, dev in routes if dev != "docker0" and not dev.startswith(("br-", "veth"))]
    assert host_nets, f"the engine host should have a route of its own: {routes}"
    with pytest.raises(SubnetOverlap, match="engine host's route"):
        lab.network(uniq("n"), subnet=str(ipaddress.ip_network(host_nets[0])))
    assert lab.network_names == []


def test_lab_never_pulls_a_missing_image(engine, uniq):
    lab = Lab(f"nopull-{uuid.uuid4().hex[:6]}", client=engine, image="dockerlab/labbox:no-such-tag", echo=False)
    with pytest.raises(ImageMissing, match="never pulls"):
        lab.run(uniq("a"))
    assert lab.containers == []
    with pytest.raises(docker.errors.ImageNotFound):
        engine.images.get("dockerlab/labbox:no-such-tag")


def test_fixed_ip_and_alias(lab, uniq):
    net = uniq("n")
    subnet = lab.free_subnet("10.91.0.0/24")
    fixed = str(ipaddress.ip_network(subnet).network_address + 50)
    lab.network(net, subnet=subnet)
    a = lab.run(uniq("a"), network=net, ip=fixed, aliases=["database"])
    b = uniq("b")
    lab.run(b, network=net)
    assert a.ip == fixed
    assert lab.ping(b, "database").address == fixed
    with pytest.raises(InvalidInput, match="not inside"):
        lab.run(uniq("c"), network=net, ip="10.255.255.9")
