"""The live topology: veth pairs matched by index, bridges mapped to networks, the figure.

Unit tests parse recorded ``ip``/sysfs text; integration tests build a lab on
the real engine and check every pair against the kernel's own numbers, read
independently on both sides.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from dockerlab.errors import EngineError, ProbeError, SubnetOverlap
from dockerlab.kernel.topology import (
    Bridge,
    Link,
    bridge_device,
    build_graph,
    frame,
    pair_rows,
    parse_ip_addr,
    parse_ip_link,
    parse_snapshot,
    parse_sysfs,
)
from dockerlab.lab import LAB_LABEL, Lab
from dockerlab.views import plot

BRD = "brd ff:ff:ff:ff:ff:ff"
# Recorded from the lab image (busybox ip -o link): continuation lines are joined with "\\".
BUSYBOX_LINK = "\n".join(
    [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        "21: eth0@if22: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \\"
        f"    link/ether 02:42:ac:12:00:02 {BRD}",
        "43: eth1@if44: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1450 qdisc noqueue \\"
        f"    link/ether 02:42:AC:13:00:03 {BRD}",
    ]
)
HOST_LINK = (
    "\n".join(
        [
            "5: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue \\"
            f"    link/ether 02:42:43:56:7b:1c {BRD}",
            "22: veth3edce40@if21: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue master docker0 \\"
            f"    link/ether 62:61:d4:5d:1e:18 {BRD}",
        ]
    )
    + "\n"
)
IPROUTE2_LINK = (
    "44: veth1da801b@if43: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br-526249e3017f "
    "state UP mode DEFAULT group default \\    link/ether 82:60:7e:59:23:35 brd ff:ff:ff:ff:ff:ff link-netnsid 2"
)


# -- parsing, no engine ---------------------------------------------------------


def test_parse_ip_link_busybox_container_side():
    links = {link.name: link for link in parse_ip_link(BUSYBOX_LINK)}
    assert set(links) == {"lo", "eth0", "eth1"}
    eth0 = links["eth0"]
    assert (eth0.ifindex, eth0.iflink, eth0.mac, eth0.mtu) == (21, 22, "02:42:ac:12:00:02", 1500)
    assert eth0.label == "eth0@if22"
    assert "UP" in eth0.flags and "LOOPBACK" not in eth0.flags
    assert links["eth1"].mac == "02:42:ac:13:00:03"  # lower-cased
    assert (links["lo"].ifindex, links["lo"].iflink, links["lo"].label) == (1, 1, "lo")


def test_parse_ip_link_host_side_master_busybox_and_iproute2():
    host = {link.name: link for link in parse_ip_link(HOST_LINK + IPROUTE2_LINK)}
    assert host["veth3edce40"].master == "docker0"
    assert (host["veth3edce40"].ifindex, host["veth3edce40"].iflink) == (22, 21)
    assert host["docker0"].master is None and host["docker0"].label == "docker0"
    assert host["veth1da801b"].master == "br-526249e3017f"
    assert host["veth1da801b"].label == "veth1da801b@if43"


def test_parse_ip_link_ignores_noise_and_same_namespace_peer_names():
    links = parse_ip_link("garbage\n\n7: vethA@vethB: <UP> mtu 1500 qdisc noqueue")
    assert [(x.name, x.ifindex, x.iflink) for x in links] == [("vethA", 7, 7)]


def test_parse_ip_addr_and_sysfs():
    text = (
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n"
        "21: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0\\       valid_lft forever\n"
        "21: eth0    inet 10.9.0.5/24 scope global eth0\n"
    )
    assert parse_ip_addr(text) == {"lo": ["127.0.0.1/8"], "eth0": ["172.17.0.2/16", "10.9.0.5/24"]}
    assert parse_sysfs("eth0 21 22\nveth1 22 21 docker0\nbad line here x\n") == {
        "eth0": (21, 22, None),
        "veth1": (22, 21, "docker0"),
    }


def test_parse_snapshot_prefers_sysfs_numbers_and_flags_bridges():
    text = (
        "## link\n" + HOST_LINK + "## addr\n5: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\n"
        "## sys\ndocker0 5 5\nveth3edce40 22 21 docker0\n## bridges\ndocker0\n"
    )
    links = parse_snapshot(text)
    assert links["docker0"].is_bridge and not links["veth3edce40"].is_bridge
    assert links["docker0"].addresses == ("172.17.0.1/16",)
    assert links["veth3edce40"].master == "docker0"
    # sysfs wins where ip link's "@ifN" is absent (a peer in the same namespace)
    same_ns = parse_snapshot("## link\n7: vethA@vethB: <UP> mtu 1500\n## sys\nvethA 7 8\n")
    assert same_ns["vethA"].iflink == 8
    with pytest.raises(ProbeError):
        parse_snapshot("sh: ip: not found")


def test_bridge_device_names():
    assert (
        bridge_device(
            {
                "Name": "bridge",
                "Id": "d8ed927d466f" + "0" * 52,
                "Driver": "bridge",
                "Options": {"com.docker.network.bridge.name": "docker0"},
            }
        )
        == "docker0"
    )
    net_id = "526249e3017fd8a4c0" + "1" * 46
    assert bridge_device({"Name": "myBridge", "Id": net_id, "Driver": "bridge", "Options": {}}) == "br-526249e3017f"
    named = {"Name": "x", "Id": net_id, "Driver": "bridge", "Options": {"com.docker.network.bridge.name": "lab0"}}
    assert bridge_device(named) == "lab0"
    assert bridge_device({"Name": "host", "Id": net_id, "Driver": "host"}) is None


def test_pair_rows_match_by_index_not_by_coincidence():
    inside = {link.name: link for link in parse_ip_link(BUSYBOX_LINK)}
    inside = {n: Link(x.ifindex, x.name, x.iflink, x.mac, flags=x.flags) for n, x in inside.items()}
    host = {
        "veth3edce40": Link(22, "veth3edce40", 21, master="docker0"),
        # host interface 44 exists, but it is tied to 99, not to the container's 43: not eth1's pair
        "vethOther": Link(44, "vethOther", 99, master="br-526249e3017f"),
    }
    rows = pair_rows("c1", inside, host, {"docker0": "bridge"}, {"02:42:ac:13:00:03": "backend"})
    by_if = {r["interface"]: r for r in rows}
    assert set(by_if) == {"eth0", "eth1"}  # lo left out
    assert by_if["eth0"]["host_interface"] == "veth3edce40"
    assert (by_if["eth0"]["label"], by_if["eth0"]["host_label"]) == ("eth0@if22", "veth3edce40@if21")
    assert (by_if["eth0"]["bridge"], by_if["eth0"]["network"]) == ("docker0", "bridge")
    assert by_if["eth1"]["host_interface"] is None and by_if["eth1"]["bridge"] is None
    assert by_if["eth1"]["network"] == "backend"  # known from the MAC only
    df = frame(rows)
    assert str(df["host_ifindex"].dtype) == "Int64" and df["host_ifindex"].isna().tolist() == [False, True]


def _fake_graph() -> nx.Graph:
    """Three containers, one of them on two networks, as build_graph makes them."""
    inside = {
        "a": {"eth0": Link(10, "eth0", 11, addresses=("172.17.0.2/16",))},
        "b": {"eth0": Link(12, "eth0", 13), "eth1": Link(16, "eth1", 17)},
        "c": {"eth0": Link(14, "eth0", 15)},
    }
    host = {
        "veth0a": Link(11, "veth0a", 10, master="docker0"),
        "veth0b": Link(13, "veth0b", 12, master="docker0"),
        "veth1b": Link(17, "veth1b", 16, master="br-aaaaaaaaaaaa"),
        "veth0c": Link(15, "veth0c", 14, master="br-aaaaaaaaaaaa"),
    }
    nets = {"docker0": "bridge", "br-aaaaaaaaaaaa": "back"}
    rows = [r for name, links in inside.items() for r in pair_rows(name, links, host, nets)]
    bridges = [
        Bridge("docker0", "bridge", "d8", "172.17.0.0/16", "172.17.0.1"),
        Bridge("br-aaaaaaaaaaaa", "back", "aa", "10.9.0.0/24", "10.9.0.1"),
    ]
    containers = {n: {"network_mode": "bridge"} for n in inside} | {"d": {"network_mode": "none"}}
    return build_graph(frame(rows), bridges, containers, ("lo", "eth0"))


def test_build_graph_kinds_and_edges():
    g = _fake_graph()
    kinds = pd.Series(dict(g.nodes(data="kind"))).value_counts().to_dict()
    assert kinds == {"container": 4, "interface": 4, "veth": 4, "bridge": 2, "host": 1}
    assert sorted(g["container:b"]) == ["interface:b/eth0", "interface:b/eth1"]
    assert list(g["interface:b/eth1"]) == ["container:b", "veth:veth1b"]
    assert g.edges["interface:b/eth1", "veth:veth1b"]["relation"] == "veth pair"
    assert "bridge:br-aaaaaaaaaaaa" in g["veth:veth1b"]
    assert g.degree("container:d") == 0  # --network none: no interface but lo
    assert g.number_of_edges() == 4 + 4 + 4 + 2


def test_layout_layers_columns_and_bridges_apart():
    g = _fake_graph()
    pos = plot.topology_layout(g, bridge_gap=1.6)
    for n, d in g.nodes(data=True):
        assert pos[n][1] == dict((k, y) for k, y, _ in plot.TOPOLOGY_LAYERS)[d["kind"]]
    for v in (n for n, k in g.nodes(data="kind") if k == "veth"):
        (iface,) = [i for i in g[v] if g.nodes[i]["kind"] == "interface"]
        assert pos[v][0] == pos[iface][0]  # each veth end right under its interface
    xs = [pos[n][0] for n, k in g.nodes(data="kind") if k == "interface"]
    assert len(set(xs)) == len(xs)  # one column per interface
    b_xs = sorted(pos[n][0] for n, k in g.nodes(data="kind") if k == "bridge")
    assert b_xs[1] - b_xs[0] >= 1.6
    assert pos["container:b"][0] == (pos["interface:b/eth0"][0] + pos["interface:b/eth1"][0]) / 2


# -- the real engine -------------------------------------------------------------


def _network(lab: Lab, name: str) -> str:
    """A user-defined network on a free /24 that lab.free_subnet picks (retried if someone takes it first)."""
    for _ in range(3):
        try:
            return lab.network(name, subnet=lab.free_subnet(prefixlen=24))
        except (SubnetOverlap, EngineError):
            continue
    raise AssertionError(f"no free /24 for {name} after 3 tries")


def _host_sysfs(engine, lab: Lab, veths: list[str]) -> dict[str, tuple[int, int, str]]:
    """ifindex, iflink and bridge master of host interfaces, read on the engine's host by our own code."""
    sysfs = "/sys/class/net"
    script = "; ".join(
        f"echo {v} $(cat {sysfs}/{v}/ifindex) $(cat {sysfs}/{v}/iflink) $(readlink {sysfs}/{v}/master)" for v in veths
    )
    out = engine.containers.run(
        lab.image,
        ["sh", "-c", script + "; true"],
        network_mode="host",
        remove=True,
        read_only=True,
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        labels={LAB_LABEL: lab.name},
    ).decode()
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            found[parts[0]] = (int(parts[1]), int(parts[2]), parts[3].rsplit("/", 1)[-1])
    return found


@pytest.fixture
def five(make_lab, uniq):
    """5 containers: two on the default bridge, three on two user networks, one of them on both."""
    lab = make_lab("topo")
    n1, n2 = _network(lab, uniq("topo-front")), _network(lab, uniq("topo-back"))
    names = {k: uniq(f"topo-{k}") for k in ("a", "b", "c", "d", "e")}
    lab.run(names["a"])
    lab.run(names["b"], network=n1)
    lab.run(names["c"], network=n1)
    lab.run(names["d"], network=n2)
    lab.run(names["e"])
    lab.connect(n2, names["c"])
    return lab, n1, n2, names


@pytest.mark.engine_only
@pytest.mark.integration
def test_every_pair_matches_the_kernel_on_both_sides(engine, five):
    lab, n1, n2, names = five
    df = lab.interfaces()
    assert len(df) == 6 and "lo" not in set(df["interface"])
    assert df["host_interface"].notna().all()
    assert sorted(df.loc[df.container == names["c"], "network"]) == sorted([n1, n2])

    host = _host_sysfs(engine, lab, list(df["host_interface"]))
    for row in df.itertuples():
        # the container side, read by the test itself
        iflink = lab.exec(row.container, ["cat", f"/sys/class/net/{row.interface}/iflink"]).output.strip()
        ifindex = lab.exec(row.container, ["cat", f"/sys/class/net/{row.interface}/ifindex"]).output.strip()
        assert (int(ifindex), int(iflink)) == (row.ifindex, row.peer_ifindex)
        assert row.label == f"{row.interface}@if{iflink}"
        # the host side: its ifindex is the container's iflink and the other way round
        h_index, h_link, master = host[row.host_interface]
        assert (h_index, h_link) == (int(iflink), int(ifindex)) == (row.host_ifindex, row.ifindex)
        assert row.host_label == f"{row.host_interface}@if{ifindex}"
        assert master == row.bridge
        # the bridge is Docker's device for that network, and the network owns this MAC and address
        net = engine.networks.get(row.network)
        expected = net.attrs["Options"].get("com.docker.network.bridge.name") or f"br-{net.id[:12]}"
        assert row.bridge == expected
        assert row.bridge == ("docker0" if row.network == "bridge" else f"br-{net.id[:12]}")
        endpoint = lab[row.container].endpoints[row.network]
        assert (row.mac, row.ip) == (endpoint.mac, endpoint.ip)


@pytest.mark.engine_only
@pytest.mark.integration
def test_disconnect_removes_the_pair(engine, five):
    lab, n1, n2, names = five
    before = lab.interfaces()
    gone = before[(before.container == names["c"]) & (before.network == n2)]
    assert len(gone) == 1
    veth = gone["host_interface"].iloc[0]
    lab.disconnect(n2, names["c"])
    after = lab.interfaces()
    assert len(after) == 5
    assert after.loc[after.container == names["c"], "network"].tolist() == [n1]
    assert veth not in set(after["host_interface"])
    assert veth not in _host_sysfs(engine, lab, [veth])  # the kernel no longer has that end
    kept = before.drop(gone.index).sort_values(["container", "ifindex"], ignore_index=True)
    pd.testing.assert_frame_equal(kept, after)


@pytest.mark.integration
def test_topology_graph_and_figure(five, tmp_path):
    lab, n1, n2, names = five
    df = lab.interfaces()
    g = lab.topology()
    kinds = pd.Series(dict(g.nodes(data="kind"))).value_counts().to_dict()
    assert kinds == {"container": 5, "interface": 6, "veth": 6, "bridge": 3, "host": 1}
    assert g.number_of_edges() == 6 + 6 + 6 + 3
    c = f"container:{names['c']}"
    assert {g.nodes[i]["interface"] for i in g[c]} == {"eth0", "eth1"}
    bridges_of_c = set()
    for i in g[c]:
        (v,) = [x for x in g[i] if g.nodes[x]["kind"] == "veth"]
        (b,) = [x for x in g[v] if g.nodes[x]["kind"] == "bridge"]
        assert g.nodes[b]["network"] == g.nodes[i]["network"]
        bridges_of_c.add(g.nodes[b]["network"])
        assert "host" in g[b]
    assert bridges_of_c == {n1, n2}
    for _, d in g.nodes(data=True):
        if d["kind"] == "bridge":
            assert d["subnet"] and d["gateway"]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image
    import matplotlib.pyplot as plt

    ax = plot.topology(g, title="five containers")
    texts = "\n".join(t.get_text() for t in ax.texts)
    for row in df.itertuples():  # the real ip-link names are on the figure (a host end over two lines)
        assert row.label in texts and row.host_label.replace("@", "\n@", 1) in texts
    path = tmp_path / "topology.png"
    ax.figure.savefig(path, dpi=80)
    plt.close(ax.figure)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000
    height, width = matplotlib.image.imread(path).shape[:2]
    assert width > height > 300


@pytest.mark.integration
def test_containers_without_their_own_pairs(make_lab, uniq):
    lab = make_lab("topo")
    alone, shared = uniq("topo-none"), uniq("topo-host")
    lab.run(alone, network="none")
    lab.run(shared, network="host")
    assert lab.interfaces().empty
    g = lab.topology()
    assert g.nodes[f"container:{alone}"]["network_mode"] == "none" and g.degree(f"container:{alone}") == 0
    assert list(g[f"container:{shared}"]) == ["host"]
    assert g.nodes["bridge:docker0"]["network"] == "bridge"  # the default bridge is always shown
