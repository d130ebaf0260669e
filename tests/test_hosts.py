"""Across hosts, for real: a swarm of three extra engines (dockerlab.engines.hosts) and a lab on them
(dockerlab.lab.cluster).

Everything runs on the session's cluster (``cluster`` in conftest.py: up once, always torn down), except the
tests of up/down themselves, which use clusters of their own names (their namespaces, wire and daemons are
apart from the session's), and the fallback, which puts the main engine in swarm mode for a few seconds only.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import docker
import pandas as pd
import pytest

from dockerlab.engines import hosts
from dockerlab.engines.image import IMAGE
from dockerlab.errors import ClusterError, ClusterUnavailable, InvalidInput, SubnetOverlap
from dockerlab.lab import LAB_LABEL
from dockerlab.lab.cluster import ClusterLab, parse_vxlan
from dockerlab.model import mismatches
from dockerlab.waits import poll

pytestmark = [pytest.mark.integration, pytest.mark.engine_only, pytest.mark.slow]


def main_snapshot(engine) -> dict:
    """What the main engine and the machine show that a cluster must not change."""
    chains = subprocess.run(["iptables", "-S"], capture_output=True, text=True).stdout
    info = engine.info()
    return {
        "networks": {(n.name, n.id) for n in engine.networks.list()},
        "chains": sorted(line for line in chains.splitlines() if line.startswith(("-N", "-P"))),
        "swarm": info["Swarm"]["LocalNodeState"],
        "pools": info.get("DefaultAddressPools"),
        "links": {line.split(":")[1].strip().split("@")[0] for line in _ip("-o", "link").splitlines()},
    }


def _ip(*args: str) -> str:
    return subprocess.run(["ip", *args], capture_output=True, text=True).stdout


def same_main(before: dict, after: dict) -> None:
    """``after`` is ``before``, apart from what other users of the shared engine made meanwhile."""
    ours = {"docker_gwbridge", "ingress"}
    appeared = {n for n in after["networks"] - before["networks"] if n[0] in ours}
    assert appeared == set()
    assert [n for n in before["networks"] if n[0] == "bridge"] == [n for n in after["networks"] if n[0] == "bridge"]
    assert after["swarm"] == "inactive"
    assert after["chains"] == before["chains"]
    assert after["pools"] == before["pools"]
    assert not {x for x in after["links"] - before["links"] if x.startswith(("dlab", "docker_gw"))}


def leftovers(name: str) -> list[str]:
    """Anything of cluster ``name`` still on the machine: namespaces, processes, its directory."""
    found = [ns for ns in os.listdir("/run/netns") if ns.startswith(f"{name}-")] if Path("/run/netns").exists() else []
    root = str(hosts.ROOT / name) + "/"
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if root in cmd:
            found.append(f"process {pid}: {cmd[:80]}")
    if (hosts.ROOT / name).exists():
        found.append(str(hosts.ROOT / name))
    return found


@pytest.fixture
def xlab(cluster):
    lab = ClusterLab(f"x-{uuid.uuid4().hex[:6]}", cluster, echo=False)
    yield lab
    lab.close()


# -- the cluster itself --------------------------------------------------------------


def test_the_cluster_is_three_ready_engines_in_one_swarm(cluster) -> None:
    status = cluster.status()
    assert status.up, str(status)
    client = cluster.manager.client()
    try:
        nodes = client.nodes.list()
        assert sorted(n.attrs["Status"]["State"] for n in nodes) == ["ready"] * 3
        assert {n.attrs["Status"]["Addr"] for n in nodes} == {h.address for h in cluster.hosts.values()}
    finally:
        client.close()
    # the machine's own namespace has nothing of the cluster: the wire is in a namespace too
    assert "dlab-br0" not in _ip("-o", "link")


def test_up_and_down_leave_the_main_engine_and_the_machine_as_they_were(engine) -> None:
    before = main_snapshot(engine)
    c = hosts.Cluster("dlabu", ["host1", "host2"], echo=False)
    try:
        c.up(engine)
        assert c.status().up
        assert leftovers("dlabu")
    finally:
        c.down(quiet=True)
    assert leftovers("dlabu") == []
    same_main(before, main_snapshot(engine))


def test_an_interrupted_up_is_cleaned_by_the_next_down(engine) -> None:
    c = hosts.Cluster("dlabi", ["host1", "host2"], echo=False)
    c._wire()  # half an up(): namespaces, wire, daemons, then "interrupted"
    c._daemons()
    assert leftovers("dlabi")
    hosts.Cluster("dlabi", ["host1", "host2"], echo=False).down(quiet=True)
    assert leftovers("dlabi") == []


def test_a_daemon_that_does_not_answer_in_time_fails_clearly_and_leaves_nothing(engine, monkeypatch) -> None:
    monkeypatch.setattr(hosts, "DAEMON_SECONDS", 0.0)
    c = hosts.Cluster("dlabt", ["host1"], echo=False)
    with pytest.raises(ClusterError, match="did not answer within"):
        c.up(engine)
    assert leftovers("dlabt") == []


def test_up_without_root_or_tools_says_what_to_do(monkeypatch) -> None:
    monkeypatch.setattr(hosts.os, "geteuid", lambda: 1000)
    with pytest.raises(ClusterUnavailable, match="root") as e:
        hosts.Cluster("dlabr", echo=False).up()
    assert "single_node_swarm" in str(e.value)
    assert leftovers("dlabr") == []


def test_bad_names_are_refused_before_anything_is_made(cluster) -> None:
    with pytest.raises(InvalidInput, match="no host 'host9'"):
        cluster.host("host9")
    with pytest.raises(InvalidInput):
        hosts.Cluster("Bad Name")
    lab = ClusterLab("x-names", cluster, echo=False)
    with pytest.raises(InvalidInput, match="no host 'host9'"):
        lab.run("a", host="host9")


def test_killing_one_engine_makes_its_rows_host_down_not_a_hang(engine) -> None:
    c = hosts.Cluster("dlabk", ["host1", "host2"], echo=False)
    try:
        c.up(engine)
        lab = ClusterLab("x-kill", c, echo=False)
        lab.network("ov", "10.197.9.0/24", driver="overlay")
        lab.run("k1", host="host1", network="ov")
        lab.run("k2", host="host2", network="ov")
        assert lab.reachability().loc["k1", "k2"]
        k2 = lab["k2"].attrs["State"]["Pid"]  # the container's own process, on the host
        pid = int(c.hosts["host2"].pidfile.read_text())
        os.kill(pid, 9)
        assert lab.down_hosts() == ["host2"]
        frame = lab.probe()
        assert set(frame[frame.source == "k2"].reason) == {"host-down"}
        assert lab.state().down == {"host2"}
        assert "k2" in lab.reachability().index
    finally:
        c.down(quiet=True)
    assert leftovers("dlabk") == []
    # the killed engine's container is gone too, not left running without its daemon
    assert not Path(f"/proc/{k2}").exists() or b"sleep 3600" not in Path(f"/proc/{k2}/cmdline").read_bytes()


def test_chapter_08_survives_a_dead_host_and_reopening_restarts_it_alone(engine, monkeypatch, capsys) -> None:
    """Kill host2's engine mid-chapter: the chapter's remaining calls say host-down (no exception), reset()
    removes the rest and names what stays, `dockerlab hosts status` names host2; opening the cluster again
    restarts host2 alone, the other hosts' containers untouched."""
    from dockerlab import cli, lesson

    names = ["host1", "host2", "host3"]
    c = hosts.Cluster("dlabd", names, echo=False)
    try:
        c.up(engine)
        lab = ClusterLab("across", c, echo=False)
        keep = ClusterLab("x-keep", c, echo=False)  # a learner's other containers, on the healthy hosts
        lab.run("web", host="host1")
        lab.run("db", host="host2")
        lab.network("ov", "10.197.8.0/24", driver="overlay")
        lab.connect("ov", "web")
        lab.connect("ov", "db")
        lab.run("cache", host="host3", network="ov")
        kept = {n: keep.run(n, host=h).attrs["Id"] for n, h in (("k1", "host1"), ("k3", "host3"))}
        assert lab.reachability().loc["web", "db"]
        os.kill(int(c.hosts["host2"].pidfile.read_text()), 9)  # the dockerd this test started, never the main one

        assert lab.down_hosts() == ["host2"]
        assert lab.nodes().set_index("host").loc["host2", "state"] == "host-down"
        for by in ("name", "ip"):
            measured = lab.reachability(by)
            assert measured.attrs["down"] == {"db": "host2"} and measured.loc["db"].isna().all()
            assert by == "ip" or bool(measured.loc["web", "cache"])
            for shown in (lab.compare(by), lab.compare(by, mine={("web", "db"): True, ("web", "cache"): True})):
                text, page = str(shown), shown._repr_html_()
                assert "host-down: host2" in text and "host2" in page, text
        assert "host-down" in str(lab.by_host(lab.reachability()))
        for why in (lab.explain("web", "db"), lab.explain("db", "web"), lab.explain("web", "db", by="ip")):
            assert why.reason == "host-down" and "host2" in str(why) and "no container" not in str(why)
        assert lab.explain("web", "cache").reachable
        lesson.hosts(lab, "three hosts, one overlay")
        assert len(lab.capture("web", "cache", count=2)) >= 1

        real = hosts.Cluster
        monkeypatch.setattr(hosts, "Cluster", lambda echo=True: real("dlabd", names, echo=echo))
        capsys.readouterr()
        assert cli.main(["hosts", "status"]) != 0
        status = capsys.readouterr().out
        assert "host2: engine does not answer (host-down)" in status and "host1: engine answers" in status
        monkeypatch.undo()

        lab.reset()
        assert lab.containers == ["db"] and any("host2" in x for x in lab.not_removed)
        assert keep.containers == ["k1", "k3"]

        t0 = time.monotonic()
        again = hosts.Cluster("dlabd", names, echo=True)
        again.up(engine)  # the chapter's first cell, run again
        repair = time.monotonic() - t0
        said = capsys.readouterr().out
        assert "host2" in said and "Restarting host2 alone" in said, said
        assert again.status().up and lab.down_hosts() == []
        assert {r.host: r.state for r in lab.nodes().itertuples()} == dict.fromkeys(names, "ready")
        assert {n: keep[n].attrs["Id"] for n in kept} == kept and all(keep[n].running for n in kept)
        assert lab.hosts_of() == {"db": "host2"} and not lab["db"].running  # host2's comes back stopped
        lab.start("db")
        lab.run("web", host="host1", network="ov")
        assert lab.reachability().loc["web", "db"] and lab.reachability().loc["db", "web"]  # the overlay again
        lab.reset()
        keep.reset()
        assert lab.not_removed == [] and lab.overlays() == []
        print(f"repair took {repair:.1f} s")
    finally:
        c.down(quiet=True)
    assert leftovers("dlabd") == []


def test_a_dead_manager_reads_host_down_too_and_comes_back_with_its_workers(engine, capsys) -> None:
    """host1, the swarm's only manager, stopped (SIGTERM this time): nothing asks it, and reopening restarts it
    and waits until it hears from its workers again, so that the overlay can then be removed."""
    names = ["host1", "host2", "host3"]
    c = hosts.Cluster("dlabm", names, echo=False)
    try:
        c.up(engine)
        lab = ClusterLab("across", c, echo=False)
        lab.network("ov", "10.197.7.0/24", driver="overlay")
        lab.run("web", host="host1", network="ov")
        lab.run("db", host="host2", network="ov")
        os.kill(int(c.hosts["host1"].pidfile.read_text()), 15)
        assert poll(lambda: True if lab.down_hosts() == ["host1"] else None, 20) is True
        assert lab.nodes().set_index("host").loc["host1", "state"] == "host-down"
        assert lab.overlays() == ["ov"]  # asked of the workers while the manager is down
        shown = lab.compare()
        assert "host-down: host1" in str(shown) and "host1" in shown._repr_html_()
        assert lab.explain("db", "web").reason == "host-down"
        lab.reset()
        assert lab.containers == ["web"] and "host1" in lab.not_removed[0]
        capsys.readouterr()
        hosts.Cluster("dlabm", names, echo=True).up(engine)
        assert "Restarting host1 alone" in capsys.readouterr().out
        assert {r.host: r.state for r in lab.nodes().itertuples()} == dict.fromkeys(names, "ready")
        lab.reset()
        assert lab.not_removed == [] and lab.overlays() == [] and lab.containers == []
    finally:
        c.down(quiet=True)
    assert leftovers("dlabm") == []


# -- the lab across hosts -------------------------------------------------------------


def test_bridges_stay_on_their_host_and_an_overlay_joins_hosts_by_name(xlab) -> None:
    xlab.run("b1", host="host1")
    xlab.run("b2", host="host2")
    xlab.network("ov", "10.197.2.0/24", driver="overlay")
    xlab.run("o1", host="host1", network="ov")
    xlab.run("o2", host="host2", network="ov")
    xlab.run("o3", host="host3", network="ov")
    for by in ("name", "ip"):
        measured = xlab.reachability(by)
        assert mismatches(xlab.predict(by), measured) == []
    m = xlab.reachability()
    assert not m.loc["b1", "b2"] and not m.loc["b2", "b1"]
    assert m.loc["o1", "o2"] and m.loc["o2", "o3"] and m.loc["o3", "o1"]
    assert "docker_gwbridge" in str(xlab.explain("b1", "o2", by="ip"))
    shown = xlab.by_host(m)
    assert ("host2", "o2") in shown.columns and ("host1", "o1") in shown.index
    # the command lines carry each host's DOCKER_HOST
    host2 = f"DOCKER_HOST={xlab.cluster.hosts['host2'].socket} docker run"
    assert any(c.startswith(host2) for c in xlab.labs["host2"].history)


def test_the_kernel_shows_vxlan_gwbridge_and_mtu_1450(xlab) -> None:
    xlab.network("ov", "10.197.3.0/24", driver="overlay")
    xlab.run("v1", host="host1", network="ov")
    xlab.run("v2", host="host2", network="ov")
    f = xlab.interfaces()
    vxlan = f[f.kind == "vxlan"]
    assert set(vxlan.host) == {"host1", "host2"}
    assert set(vxlan.udp_port) == {hosts.VXLAN_PORT} and vxlan.vxlan_id.nunique() == 1
    eth0 = f[(f.inside == "v1") & (f.interface == "eth0")].iloc[0]
    assert eth0.mtu == 1450 and eth0.network == "ov"
    eth1 = f[(f.inside == "v1") & (f.interface == "eth1")].iloc[0]
    assert eth1.network == "docker_gwbridge" and eth1.mtu == 1500
    g = xlab.topology()
    assert {n for n, d in g.nodes(data=True) if d["kind"] == "vxlan"} == {"vxlan:host1/ov", "vxlan:host2/ov"}
    assert g.has_edge("interface:v1/eth0", "overlay:ov") and g.has_edge("interface:v2/eth0", "overlay:ov")
    assert g.has_edge("interface:v1/eth1", "bridge:docker_gwbridge@host1")


def test_the_capture_shows_host_addresses_outside_and_container_addresses_inside(xlab) -> None:
    xlab.network("ov", "10.197.4.0/24", driver="overlay")
    a = xlab.run("p1", host="host1", network="ov")
    b = xlab.run("p2", host="host3", network="ov")
    packets = xlab.capture("p1", "p2", count=4)
    assert len(packets) == 4
    h1, h3 = xlab.cluster.hosts["host1"].address, xlab.cluster.hosts["host3"].address
    assert set(zip(packets.outer_src, packets.outer_dst, strict=True)) == {(h1, h3), (h3, h1)}
    assert set(zip(packets.inner_src, packets.inner_dst, strict=True)) == {(a.ip, b.ip), (b.ip, a.ip)}
    assert set(packets.udp_port) == {4789}


def test_an_overlay_subnet_that_overlaps_the_wire_or_a_network_is_refused(xlab) -> None:
    with pytest.raises(SubnetOverlap, match="wire"):
        xlab.network("bad", str(hosts.WIRE_SUBNET), driver="overlay")
    with pytest.raises(SubnetOverlap, match="host1"):
        xlab.network("bad", "172.17.0.0/24", driver="overlay")
    assert xlab.overlays() == []


def test_parse_vxlan_keeps_outer_and_inner() -> None:
    text = (
        "IP 10.199.0.11.5 > 10.199.0.12.4789: VXLAN, flags [I] (0x08), vni 4097\n"
        "IP 10.197.1.2 > 10.197.1.4: ICMP echo request, id 1, seq 0, length 64\n"
    )
    row = parse_vxlan(text).iloc[0]
    assert (row.outer_src, row.inner_dst, row.vni) == ("10.199.0.11", "10.197.1.4", 4097)


# -- the fallback ---------------------------------------------------------------------


def test_the_single_node_fallback_shows_an_overlay_and_leaves_no_trace(engine, monkeypatch, capsys) -> None:
    if engine.info()["Swarm"]["LocalNodeState"] != "inactive":
        pytest.fail("the main engine is in a swarm dockerlab did not make: this test leaves it alone")
    before = main_snapshot(engine)
    monkeypatch.setenv("DOCKERLAB_ALLOW_FALLBACK", "1")
    net = None
    with hosts.single_node_swarm(engine) as swarm:
        assert capsys.readouterr().out.startswith("FALLBACK")
        net = engine.networks.create(f"dlab-fb-{uuid.uuid4().hex[:4]}", driver="overlay", attachable=True)
        box = None
        try:
            box = engine.containers.run(IMAGE, name=net.name, network=net.name, detach=True, labels={LAB_LABEL: "fb"})
            names = {n.name for n in engine.networks.list()}
            assert "docker_gwbridge" in names and net.name in names
            ns = f"/run/docker/netns/1-{net.id[:10]}"
            vxlan = subprocess.run(["nsenter", f"--net={ns}", "ip", "-d", "link", "show", "type", "vxlan"],
                                   capture_output=True, text=True).stdout  # fmt: skip
            assert "dstport 4789" in vxlan
        finally:
            if box is not None:
                box.remove(force=True)
            net.remove()
    assert swarm.history[-1] == "docker network rm docker_gwbridge" or "docker_gwbridge" in {
        n for n, _ in before["networks"]
    }
    same_main(before, main_snapshot(engine))


def test_the_fallback_refuses_a_swarm_it_did_not_make() -> None:
    class InSwarm:
        def info(self):
            return {"Swarm": {"LocalNodeState": "active"}}

    with pytest.raises(ClusterError, match="did not make"):
        hosts.SingleNodeSwarm(InSwarm(), echo=False).__enter__()  # type: ignore[arg-type]


def test_no_silent_fallback_under_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("DOCKERLAB_ALLOW_FALLBACK", raising=False)
    with pytest.raises(ClusterUnavailable, match="CI=true"):
        hosts.single_node_swarm(docker.DockerClient.__new__(docker.DockerClient))


def test_addresses_and_reachability_frames_carry_hosts(xlab) -> None:
    xlab.network("ov", "10.197.5.0/24", driver="overlay")
    xlab.run("z1", host="host1", network="ov")
    xlab.run("z2", host="host3", network="ov")
    a = xlab.addresses()
    assert list(a[a.container == "z2"].host) == ["host3"]
    assert isinstance(xlab.by_host(xlab.reachability()).index, pd.MultiIndex)


def test_without_extra_engines_chapter_08_runs_on_the_simulated_swarm_and_says_so(monkeypatch, capsys) -> None:
    from dockerlab.lab.cluster import SIM_BANNER, open_cluster

    monkeypatch.setattr(hosts, "missing_tools", lambda: ["root"])
    monkeypatch.delenv("CI", raising=False)
    swarm = open_cluster()
    assert swarm.simulated and capsys.readouterr().out.startswith(SIM_BANNER[:40])
    lab = ClusterLab("x-sim", swarm, echo=False)
    lab.run("s1", host="host1")
    lab.run("s2", host="host2")
    lab.network("ov", "10.197.1.0/24", driver="overlay")
    assert not lab.reachability().loc["s1", "s2"]
    lab.connect("ov", "s1")
    lab.connect("ov", "s2")
    assert lab.reachability().loc["s1", "s2"]
    assert list(lab.nodes().role) == ["manager", "worker", "worker"]
    monkeypatch.setenv("CI", "true")
    with pytest.raises(ClusterUnavailable, match="root"):
        open_cluster()


def test_the_cli_shows_the_cluster(cluster, capsys) -> None:
    from dockerlab import cli

    assert cli.main(["hosts", "status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cluster dlab: up") and "host3: engine answers, swarm active" in out
