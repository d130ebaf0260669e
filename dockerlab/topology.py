"""Under the hood: the veth pairs and bridges behind a lab, as the kernel reports them.

Each container's ``eth0`` is one end of a *veth pair*; the other end lives in
the engine host's network namespace, named ``veth...``, and is enslaved to a
Linux bridge: ``docker0`` for Docker's default ``bridge`` network,
``br-<first 12 characters of the network id>`` for a user-defined one. ``ip
link`` shows each end with its peer's interface index: ``eth0@if45`` in the
container is the host's interface 45, ``veth8eb364e@if44`` on the host is the
container's interface 44.

Both sides are read from the engine's side: the containers with ``docker exec``,
the host with a short-lived lab container in the host network namespace. Pairs
are matched by index, never guessed from names. The parsing and matching
below make no engine calls.

>>> link = parse_ip_link("21: eth0@if22: <BROADCAST,UP> mtu 1500 qdisc noqueue \\\\"
...                      "    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff")[0]
>>> link.name, link.ifindex, link.iflink, link.mac
('eth0', 21, 22, '02:42:ac:12:00:02')
"""

from __future__ import annotations

import ipaddress
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from dockerlab.errors import ProbeError

if TYPE_CHECKING:
    from dockerlab.lab import Lab

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
    "container", "interface", "ifindex", "peer_ifindex", "host_interface", "host_ifindex",
    "bridge", "network", "ip", "cidr", "mac", "label", "host_label",
]  # fmt: skip

_LINK = re.compile(r"^(\d+):\s+([^:@\s]+)(?:@([^:\s]+))?:\s+<([^>]*)>(.*)$")
_ADDR = re.compile(r"^(\d+):\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+/\d+)")


@dataclass(frozen=True)
class Link:
    """One network interface of one network namespace, as ``ip -o link`` and sysfs report it.

    ``iflink`` is the index of the interface it is tied to: for a veth end,
    its peer's index in the *other* namespace; for anything else, its own index.
    """

    ifindex: int
    name: str
    iflink: int
    mac: str | None = None
    master: str | None = None
    flags: tuple[str, ...] = ()
    mtu: int | None = None
    addresses: tuple[str, ...] = field(default=())
    is_bridge: bool = False

    @property
    def label(self) -> str:
        """The name as ``ip link`` prints it: ``eth0@if45`` when tied to another interface."""
        return f"{self.name}@if{self.iflink}" if self.iflink != self.ifindex else self.name


@dataclass(frozen=True)
class Bridge:
    """A Linux bridge device and the Docker network it carries."""

    device: str
    network: str
    network_id: str
    subnet: str | None
    gateway: str | None


# -- parsing (no engine) -------------------------------------------------------


def parse_ip_link(text: str) -> list[Link]:
    """Parse ``ip -o link`` output (busybox or iproute2) into :class:`Link` records.

    A name without ``@ifN`` is tied to itself (``iflink == ifindex``); a name
    with ``@peername`` (peer in the same namespace) keeps ``iflink`` unknown
    as its own index, since only sysfs gives the number then.

    >>> [(l.name, l.ifindex, l.iflink) for l in parse_ip_link("1: lo: <LOOPBACK,UP> mtu 65536 qdisc noqueue")]
    [('lo', 1, 1)]
    """
    links = []
    for line in text.splitlines():
        m = _LINK.match(line.strip())
        if not m:
            continue
        index, name, peer, flags, rest = m.groups()
        iflink = int(peer[2:]) if peer and re.fullmatch(r"if\d+", peer) else int(index)
        mac = re.search(r"link/\w+\s+([0-9a-fA-F:]{17})", rest)
        master = re.search(r"\bmaster\s+(\S+)", rest)
        mtu = re.search(r"\bmtu\s+(\d+)", rest)
        links.append(Link(
            ifindex=int(index), name=name, iflink=iflink, mac=mac.group(1).lower() if mac else None,
            master=master.group(1) if master else None, flags=tuple(f for f in flags.split(",") if f),
            mtu=int(mtu.group(1)) if mtu else None,
        ))  # fmt: skip
    return links


def parse_ip_addr(text: str) -> dict[str, list[str]]:
    """Parse ``ip -o -4 addr`` output: interface name -> IPv4 addresses in CIDR form.

    >>> parse_ip_addr("39: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0")
    {'eth0': ['172.17.0.2/16']}
    """
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _ADDR.match(line.strip())
        if m:
            found.setdefault(m.group(2).split("@")[0], []).append(m.group(3))
    return found


def parse_sysfs(text: str) -> dict[str, tuple[int, int, str | None]]:
    """Parse ``name ifindex iflink [master]`` lines (read from /sys/class/net).

    >>> parse_sysfs("veth3edce40 40 39 docker0\\nlo 1 1")
    {'veth3edce40': (40, 39, 'docker0'), 'lo': (1, 1, None)}
    """
    found: dict[str, tuple[int, int, str | None]] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) in (3, 4) and parts[1].isdigit() and parts[2].isdigit():
            found[parts[0]] = (int(parts[1]), int(parts[2]), parts[3] if len(parts) == 4 else None)
    return found


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
        raise ProbeError(f"Unexpected interface listing (no '## link' section): {text[:200]!r}")
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


def bridge_device(network: dict[str, Any]) -> str | None:
    """The Linux bridge device of a Docker bridge network, from its ``docker network inspect`` data.

    >>> bridge_device({"Name": "bridge", "Id": "d8ed927d466f0011", "Driver": "bridge",
    ...                "Options": {"com.docker.network.bridge.name": "docker0"}})
    'docker0'
    >>> bridge_device({"Name": "myBridge", "Id": "526249e3017fd8a4c0", "Driver": "bridge", "Options": {}})
    'br-526249e3017f'
    """
    if network.get("Driver") != "bridge":
        return None
    named = (network.get("Options") or {}).get("com.docker.network.bridge.name")
    if named:
        return str(named)
    if network.get("Name") == "bridge":
        return "docker0"
    return "br-" + str(network.get("Id", ""))[:12]


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
        peer = by_index.get(link.iflink) if link.iflink != link.ifindex else None
        if peer is not None and peer.iflink != link.ifindex:
            peer = None  # an index that happens to match, not this interface's pair
        bridge = peer.master if peer is not None else None
        network = networks_by_bridge.get(bridge or "") or (networks_by_mac or {}).get(link.mac or "")
        cidr = link.addresses[0] if link.addresses else None
        rows.append({
            "container": container, "interface": link.name, "ifindex": link.ifindex,
            "peer_ifindex": link.iflink if link.iflink != link.ifindex else None,
            "host_interface": peer.name if peer else None, "host_ifindex": peer.ifindex if peer else None,
            "bridge": bridge, "network": network, "ip": cidr.split("/")[0] if cidr else None, "cidr": cidr,
            "mac": link.mac, "label": link.label, "host_label": peer.label if peer else None,
        })  # fmt: skip
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
    g = nx.Graph()
    g.add_node("host", kind="host", label="host", interfaces=tuple(host_interfaces))
    for b in bridges:
        g.add_node(node_id("bridge", b.device), kind="bridge", label=b.device, device=b.device,
                   network=b.network, network_id=b.network_id, subnet=b.subnet, gateway=b.gateway)  # fmt: skip
        g.add_edge(node_id("bridge", b.device), "host", relation="bridge on the host", network=b.network)
    for name, attrs in (containers or {}).items():
        g.add_node(node_id("container", name), kind="container", label=name, name=name, **attrs)
        if attrs.get("network_mode") == "host":
            g.add_edge(node_id("container", name), "host", relation="shares the host's network namespace")
    for row in interfaces.itertuples(index=False):
        c = node_id("container", row.container)
        if c not in g:
            g.add_node(c, kind="container", label=row.container, name=row.container)
        i = node_id("interface", row.container, row.interface)
        g.add_node(i, kind="interface", label=row.label, container=row.container, interface=row.interface,
                   ifindex=int(row.ifindex), ip=row.ip, cidr=row.cidr, mac=row.mac, network=row.network)  # fmt: skip
        g.add_edge(c, i, relation="has interface", network=row.network)
        if row.host_interface is None or pd.isna(row.host_interface):
            continue
        v = node_id("veth", row.host_interface)
        g.add_node(v, kind="veth", label=row.host_label, interface=row.host_interface,
                   ifindex=int(row.host_ifindex), network=row.network, bridge=row.bridge)  # fmt: skip
        g.add_edge(i, v, relation="veth pair", network=row.network)
        if row.bridge:
            b = node_id("bridge", row.bridge)
            if b not in g:
                g.add_node(b, kind="bridge", label=row.bridge, device=row.bridge, network=row.network,
                           network_id=None, subnet=None, gateway=None)  # fmt: skip
                g.add_edge(b, "host", relation="bridge on the host", network=row.network)
            g.add_edge(v, b, relation="enslaved to", network=row.network)
    return g


# -- reading the engine --------------------------------------------------------


@dataclass
class Snapshot:
    """What :func:`snapshot` read: the interface table, the bridges, the containers, the host."""

    interfaces: pd.DataFrame
    bridges: list[Bridge]
    containers: dict[str, dict[str, Any]]
    host_interfaces: tuple[str, ...]


def _bridges(lab: Lab, host: dict[str, Link], wanted: set[str]) -> list[Bridge]:
    """The bridge networks the lab uses or owns (and Docker's default one), mapped to devices."""
    with lab._call("docker network ls"):
        nets = lab.client.networks.list()
    found = []
    for n in nets:
        device = bridge_device(n.attrs)
        if device is None or n.name not in wanted:
            continue
        pools = [p for p in (n.attrs.get("IPAM") or {}).get("Config") or [] if ":" not in p.get("Subnet", ":")]
        subnet = pools[0].get("Subnet") if pools else None
        gateway = pools[0].get("Gateway") if pools else None
        on_host = host.get(device)
        if on_host is not None and subnet:  # the bridge's own address is the gateway
            net = ipaddress.ip_network(subnet, strict=False)
            own = [a for a in on_host.addresses if ipaddress.ip_interface(a).ip in net]
            gateway = own[0].split("/")[0] if own else gateway
        found.append(Bridge(device, n.name, n.id, subnet, gateway))
    order = {"bridge": 0}
    return sorted(found, key=lambda b: (order.get(b.network, 1), b.network))


def snapshot(lab: Lab) -> Snapshot:
    """Read both ends of every veth pair of the lab's running containers, in parallel."""
    from dockerlab.lab import ContainerHandle

    handles = [ContainerHandle(lab, c.name, c.attrs) for c in lab._own_containers()]
    running = [h for h in handles if h.running]
    inside_ns = [h for h in running if "host" not in h.networks]
    with ThreadPoolExecutor(max_workers=min(8, len(inside_ns) + 1)) as pool:
        host_job = pool.submit(lab._host_run, ["sh", "-c", SNAPSHOT_SCRIPT], "topology")
        jobs = {h.name: pool.submit(lab.exec, h.name, ["sh", "-c", SNAPSHOT_SCRIPT]) for h in inside_ns}
        host = parse_snapshot(host_job.result())
        inside = {}
        for name, job in jobs.items():
            result = job.result()
            if not result.ok:
                raise ProbeError(f"Could not list the interfaces of {name} (exit {result.exit_code}): {result.output}")
            inside[name] = parse_snapshot(result.output)
    wanted = {"bridge", *lab.network_names, *(n for h in running for n in h.networks)}
    bridges = _bridges(lab, host, wanted)
    by_bridge = {b.device: b.network for b in bridges}
    rows = []
    for h in inside_ns:
        by_mac = {ep.mac.lower(): net for net, ep in h.endpoints.items() if ep.mac}
        rows += pair_rows(h.name, inside[h.name], host, by_bridge, by_mac)
    containers = {h.name: {"network_mode": "host" if "host" in h.networks else "none" if "none" in h.networks
                           else "bridge", "networks": tuple(h.networks)} for h in running}  # fmt: skip
    plain = tuple(name for name, link in sorted(host.items(), key=lambda kv: kv[1].ifindex)
                  if not link.is_bridge and link.iflink == link.ifindex and "UP" in link.flags)  # fmt: skip
    return Snapshot(frame(rows), bridges, containers, plain)


def interfaces(lab: Lab) -> pd.DataFrame:
    """One row per interface of the lab's running containers (``lo`` left out).

    Columns: ``container``, ``interface`` (eth0, eth1...), ``ifindex``,
    ``peer_ifindex`` (the ``N`` of ``eth0@ifN``), ``host_interface`` (the
    host-side veth end), ``host_ifindex``, ``bridge`` (docker0, br-<id>),
    ``network``, ``ip``, ``cidr``, ``mac``, and the ``ip link`` names
    ``label`` (``eth0@if45``) and ``host_label`` (``veth8eb364e@if44``).
    Containers on the host network share the host's interfaces and have no row.
    """
    return snapshot(lab).interfaces


def topology(lab: Lab) -> nx.Graph:
    """The lab's containers, interfaces, veth ends, bridges and host as a graph (see :func:`build_graph`)."""
    snap = snapshot(lab)
    return build_graph(snap.interfaces, snap.bridges, snap.containers, snap.host_interfaces)
