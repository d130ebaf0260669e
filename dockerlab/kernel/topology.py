"""Under the hood: the veth pairs and bridges behind a lab, as the kernel reports them.

Each container's ``eth0`` is one end of a *veth pair*; the other end lives in
the engine host's network namespace, named ``veth...``, and is plugged into a
Linux bridge: ``docker0`` for Docker's default ``bridge`` network,
``br-<first 12 characters of the network id>`` for a user-defined one. ``ip
link`` shows each end with its peer's interface index: ``eth0@if45`` in the
container is the host's interface 45, ``veth8eb364e@if44`` on the host is the
container's interface 44.

Both sides are read from the engine's side (by :meth:`dockerlab.lab.Lab.snapshot`):
the containers with ``docker exec``, the host with a short-lived lab container
in the host network namespace. Pairs are matched by index, never guessed from
names (:mod:`dockerlab.kernel.links` parses the listings and holds the pair
rule). This module makes no engine calls: it parses and matches what was read.

>>> link = parse_ip_link("21: eth0@if22: <BROADCAST,UP> mtu 1500 qdisc noqueue \\\\"
...                      "    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff")[0]
>>> link.name, link.ifindex, link.iflink, link.mac
('eth0', 21, 22, '02:42:ac:12:00:02')
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import pandas as pd

from dockerlab.errors import ProbeError
from dockerlab.i18n import _
from dockerlab.kernel.links import Link, parse_ip_addr, parse_ip_link, parse_sysfs, peer_of
from dockerlab.model import ContainerInfo, bridge_device, ipam

#: One shell script for both sides: ``ip -o link``, the IPv4 addresses, and
#: each interface's ifindex, iflink and bridge master from sysfs. It always
#: exits 0 (``readlink`` fails on an interface without a master).
SNAPSHOT_SCRIPT = (
    "echo '## link'; ip -o link; "
    "echo '## addr'; ip -o -4 addr; "
    "echo '## sys'; for d in /sys/class/net/*; do "
    'm=$(readlink "$d/master"); echo "${d##*/} $(cat "$d/ifindex") $(cat "$d/iflink") ${m##*/}"; '
    "done; "
    "echo '## bridges'; for d in /sys/class/net/*; do "
    '[ -d "$d/bridge" ] && echo "${d##*/}"; done; true'
)

COLUMNS = [
    "container",
    "interface",
    "ifindex",
    "peer_ifindex",
    "host_interface",
    "host_ifindex",
    "bridge",
    "network",
    "ip",
    "cidr",
    "mac",
    "label",
    "host_label",
]


@dataclass(frozen=True)
class Bridge:
    """A Linux bridge device and the Docker network it carries."""

    device: str
    network: str
    network_id: str
    subnet: str | None
    gateway: str | None


# -- parsing (no engine) -------------------------------------------------------


def _sections(text: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def parse_snapshot(text: str) -> dict[str, Link]:
    """Parse the output of :data:`SNAPSHOT_SCRIPT`: interface name -> :class:`Link`.

    Indexes and masters come from sysfs where it lists the interface (the
    kernel's own numbers), names, MACs and flags from ``ip -o link``.
    """
    parts = _sections(text)
    if "link" not in parts:
        raise ProbeError(_("Unexpected interface listing (no '## link' section): {text}").format(text=repr(text[:200])))
    sysfs = parse_sysfs(parts.get("sys", ""))
    addrs = parse_ip_addr(parts.get("addr", ""))
    bridges = set(parts.get("bridges", "").split())
    links = {}
    for link in parse_ip_link(parts["link"]):
        if link.name in sysfs:
            ifindex, iflink, master = sysfs[link.name]
            link = replace(link, ifindex=ifindex, iflink=iflink, master=master or link.master)
        links[link.name] = replace(link, addresses=tuple(addrs.get(link.name, ())), is_bridge=link.name in bridges)
    return links


def pair_rows(
    container: str,
    inside: dict[str, Link],
    host: dict[str, Link],
    networks_by_bridge: dict[str, str],
    networks_by_mac: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Match a container's interfaces with their host-side veth ends, by index.

    The container end's ``iflink`` must be the host end's ``ifindex`` and the
    host end's ``iflink`` the container end's ``ifindex``; anything else is
    left unmatched (``host_interface`` is None). ``lo`` is left out.

    >>> inside = {"eth0": Link(39, "eth0", 40, "02:42:ac:11:00:02", addresses=("172.17.0.2/16",))}
    >>> host = {"veth3edce40": Link(40, "veth3edce40", 39, master="docker0")}
    >>> row = pair_rows("tomcat1", inside, host, {"docker0": "bridge"})[0]
    >>> row["label"], row["host_label"], row["bridge"], row["network"], row["ip"]
    ('eth0@if40', 'veth3edce40@if39', 'docker0', 'bridge', '172.17.0.2')
    """
    by_index = {link.ifindex: link for link in host.values()}
    rows = []
    for link in sorted(inside.values(), key=lambda x: x.ifindex):
        if link.name == "lo" or "LOOPBACK" in link.flags:
            continue
        peer = peer_of(link, by_index)  # by index both ways: never an index that merely happens to match
        bridge = peer.master if peer is not None else None
        network = networks_by_bridge.get(bridge or "") or (networks_by_mac or {}).get(link.mac or "")
        cidr = link.addresses[0] if link.addresses else None
        rows.append(
            {
                "container": container,
                "interface": link.name,
                "ifindex": link.ifindex,
                "peer_ifindex": link.iflink if link.tied else None,
                "host_interface": peer.name if peer else None,
                "host_ifindex": peer.ifindex if peer else None,
                "bridge": bridge,
                "network": network,
                "ip": cidr.split("/")[0] if cidr else None,
                "cidr": cidr,
                "mac": link.mac,
                "label": link.label,
                "host_label": peer.label if peer else None,
            }
        )
    return rows


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows of :func:`pair_rows` as a DataFrame with :data:`COLUMNS` and nullable integers."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("ifindex", "peer_ifindex", "host_ifindex"):
        df[col] = df[col].astype("Int64")
    return df.sort_values(["container", "ifindex"], ignore_index=True)


# -- the graph (no engine) -----------------------------------------------------


def node_id(kind: str, *parts: str) -> str:
    """The graph's node names: ``container:tomcat1``, ``interface:tomcat1/eth0``, ``veth:veth3edce40``...

    >>> node_id("interface", "tomcat1", "eth0")
    'interface:tomcat1/eth0'
    """
    return "host" if kind == "host" else f"{kind}:{'/'.join(parts)}"


def build_graph(
    interfaces: pd.DataFrame,
    bridges: list[Bridge],
    containers: dict[str, dict[str, Any]] | None = None,
    host_interfaces: tuple[str, ...] = (),
) -> nx.Graph:
    """Build the topology graph from :func:`interfaces`' table and the bridges.

    Nodes have ``kind`` in {container, interface, veth, bridge, host} and a
    ``label``; edges container–interface, interface–veth (the pair),
    veth–bridge and bridge–host carry ``relation`` and, where known, ``network``.
    ``containers`` maps a name to attributes (containers without an interface,
    such as ``--network none`` or ``host``, are still drawn).

    >>> df = frame(pair_rows("c1", {"eth0": Link(9, "eth0", 10)}, {"veth1": Link(10, "veth1", 9, master="docker0")},
    ...                      {"docker0": "bridge"}))
    >>> g = build_graph(df, [Bridge("docker0", "bridge", "d8ed", "172.17.0.0/16", "172.17.0.1")])
    >>> sorted(d["kind"] for _, d in g.nodes(data=True))
    ['bridge', 'container', 'host', 'interface', 'veth']
    """
    g: nx.Graph[str] = nx.Graph()
    g.add_node("host", kind="host", label="host", interfaces=tuple(host_interfaces))
    for b in bridges:
        g.add_node(
            node_id("bridge", b.device),
            kind="bridge",
            label=b.device,
            device=b.device,
            network=b.network if isinstance(b.network, str) else None,
            network_id=b.network_id,
            subnet=b.subnet,
            gateway=b.gateway,
        )
        g.add_edge(node_id("bridge", b.device), "host", relation="bridge on the host", network=b.network)
    for name, attrs in (containers or {}).items():
        g.add_node(node_id("container", name), kind="container", label=name, name=name, **attrs)
        if attrs.get("network_mode") == "host":
            g.add_edge(node_id("container", name), "host", relation="shares the host's network namespace")
    if "network" in interfaces:  # a bridge no network names (Podman's podman1... here) is None, never NaN
        named = [n if isinstance(n, str) else None for n in interfaces["network"]]
        interfaces = interfaces.assign(network=pd.Series(named, index=interfaces.index, dtype=object))
    row: Any  # a row of ``interfaces``: its attributes are the frame's columns, which pandas' stubs cannot know
    for row in interfaces.itertuples(index=False):
        c = node_id("container", row.container)
        if c not in g:
            g.add_node(c, kind="container", label=row.container, name=row.container)
        i = node_id("interface", row.container, row.interface)
        g.add_node(
            i,
            kind="interface",
            label=row.label,
            container=row.container,
            interface=row.interface,
            ifindex=int(row.ifindex),
            ip=row.ip,
            cidr=row.cidr,
            mac=row.mac,
            network=row.network,
        )
        g.add_edge(c, i, relation="has interface", network=row.network)
        if row.host_interface is None or pd.isna(row.host_interface):
            continue
        v = node_id("veth", row.host_interface)
        g.add_node(
            v,
            kind="veth",
            label=row.host_label,
            interface=row.host_interface,
            ifindex=int(row.host_ifindex),
            network=row.network,
            bridge=row.bridge,
        )
        g.add_edge(i, v, relation="veth pair", network=row.network)
        if row.bridge:
            bridge = node_id("bridge", row.bridge)
            if bridge not in g:
                g.add_node(
                    bridge,
                    kind="bridge",
                    label=row.bridge,
                    device=row.bridge,
                    network=row.network,
                    network_id=None,
                    subnet=None,
                    gateway=None,
                )
                g.add_edge(bridge, "host", relation="bridge on the host", network=row.network)
            g.add_edge(v, bridge, relation="plugged into (master)", network=row.network)
    return g


# -- assembling what was read ---------------------------------------------------


@dataclass
class Snapshot:
    """Both sides of a lab's veth pairs: the interface table, the bridges, the containers, the host."""

    interfaces: pd.DataFrame
    bridges: list[Bridge]
    containers: dict[str, dict[str, Any]]
    host_interfaces: tuple[str, ...]

    def graph(self) -> nx.Graph:
        """The topology graph (see :func:`build_graph`)."""
        return build_graph(self.interfaces, self.bridges, self.containers, self.host_interfaces)


def bridges(host: dict[str, Link], networks: list[dict[str, Any]], wanted: set[str]) -> list[Bridge]:
    """The bridge networks named in ``wanted`` (from ``docker network inspect`` data), mapped to devices.

    A bridge's gateway is the address its device holds on the host, where the host shows one.
    """
    found = []
    for attrs in networks:
        device = bridge_device(attrs)
        if device is None or attrs.get("Name") not in wanted:
            continue
        subnet, gateway = ipam(attrs)
        on_host = host.get(device)
        if on_host is not None and subnet:  # the bridge's own address is the gateway
            net = ipaddress.ip_network(subnet, strict=False)
            own = [a for a in on_host.addresses if ipaddress.ip_interface(a).ip in net]
            gateway = own[0].split("/")[0] if own else gateway
        found.append(Bridge(device, str(attrs.get("Name")), str(attrs.get("Id", "")), subnet, gateway))
    order = {"bridge": 0}
    return sorted(found, key=lambda b: (order.get(b.network, 1), b.network))


def assemble(
    host_text: str,
    inside_texts: dict[str, str],
    containers: list[dict[str, Any]],
    networks: list[dict[str, Any]],
    wanted: set[str],
) -> Snapshot:
    """Match what :data:`SNAPSHOT_SCRIPT` printed on the host and in each container.

    ``inside_texts`` maps a container name to its output, ``containers`` is
    the running containers' ``docker inspect`` data, ``networks`` every
    network's ``docker network inspect`` data, and ``wanted`` the networks
    whose bridges to show.
    """
    host = parse_snapshot(host_text)
    infos = [ContainerInfo.from_attrs(a) for a in containers]
    found = bridges(host, networks, wanted)
    by_bridge = {b.device: b.network for b in found}
    rows = []
    for info in infos:
        if info.name not in inside_texts:
            continue
        by_mac = {ep.mac.lower(): net for net, ep in info.endpoints.items() if ep.mac}
        rows += pair_rows(info.name, parse_snapshot(inside_texts[info.name]), host, by_bridge, by_mac)
    modes = {i.name: "host" if "host" in i.networks else "none" if "none" in i.networks else "bridge" for i in infos}
    described = {i.name: {"network_mode": modes[i.name], "networks": tuple(i.networks)} for i in infos}
    plain = tuple(
        name
        for name, link in sorted(host.items(), key=lambda kv: kv[1].ifindex)
        if not link.is_bridge and not link.tied and "UP" in link.flags
    )
    return Snapshot(frame(rows), found, described, plain)
