"""What ``ip link`` and ``ip addr`` print (busybox or iproute2), parsed once, and the veth pair rule.

``ip link`` shows an interface tied to another with the other's index:
``eth0@if45`` in a container is the host's interface 45, ``veth8eb364e@if44``
on the host is the container's interface 44. Two interfaces are the two ends of
one veth pair when each points at the other's index; names never decide.

Every reader of these listings asks this module: the lab's topology
(:mod:`dockerlab.kernel.topology`), the cluster's VXLAN devices, the exercises
and the lessons that check a pair. It makes no engine call.

>>> link = parse_ip_link("21: eth0@if22: <BROADCAST,UP> mtu 1500 qdisc noqueue \\\\"
...                      "    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff")[0]
>>> link.name, link.ifindex, link.iflink, link.mac, link.label
('eth0', 21, 22, '02:42:ac:12:00:02', 'eth0@if22')
>>> is_pair(21, 22, 22, 21), is_pair(21, 22, 22, 7)
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: One line of ``ip -o link``: ``index: name[@peer]: <flags> rest``.
_LINK = re.compile(r"^(\d+):\s+([^:@\s]+)(?:@([^:\s]+))?:\s+<([^>]*)>(.*)$")
#: One line of ``ip -o -4 addr``: ``index: name inet address/prefix``.
_ADDR = re.compile(r"^(\d+):\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+/\d+)")
#: The peer part of a name tied to an interface of another namespace: ``if45``.
_PEER = re.compile(r"if(\d+)")
#: A name as ``ip link`` prints it when tied to another interface, in any text: ``eth0@if45``.
LABEL = re.compile(r"([\w.-]+)@if(\d+)", re.ASCII)  # ASCII: Chinese text around a name is not part of it


@dataclass(frozen=True)
class Link:
    """One network interface of one network namespace, as ``ip -o link`` and sysfs report it.

    ``iflink`` is the index of the interface it is tied to: for a veth end,
    its peer's index in the *other* namespace; for anything else, its own index.
    ``vxlan_id`` and ``udp_port`` are a VXLAN device's (``ip -d link``).
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
    vxlan_id: int | None = None
    udp_port: int | None = None

    @property
    def tied(self) -> bool:
        """Whether it is tied to another interface (a veth end), not to itself."""
        return self.iflink != self.ifindex

    @property
    def label(self) -> str:
        """The name as ``ip link`` prints it: ``eth0@if45`` when tied to another interface."""
        return label(self.name, self.iflink, self.ifindex)


# -- the names ip link prints ---------------------------------------------------------


def label(name: str, iflink: int, ifindex: int | None = None) -> str:
    """``name@ifN`` for an interface tied to interface ``N`` (``iflink``); ``name`` when tied to itself.

    >>> label("eth0", 45), label("eth0", 45, 44), label("lo", 1, 1)
    ('eth0@if45', 'eth0@if45', 'lo')
    """
    return name if iflink == ifindex else f"{name}@if{iflink}"


def peer_index(text: str) -> int | None:
    """The ``N`` of a label ``name@ifN`` (None for a name tied to nothing).

    >>> peer_index("veth8eb364e@if44"), peer_index("docker0")
    (44, None)
    """
    found = LABEL.fullmatch(text.strip())
    return int(found.group(2)) if found else None


def labels_in(text: str) -> list[tuple[str, int]]:
    """Every ``name@ifN`` written in ``text`` (a learner's answer, say), as ``(name, N)``.

    >>> labels_in("eth0@if45 和 veth8eb364e@if44")
    [('eth0', 45), ('veth8eb364e', 44)]
    """
    return [(name, int(n)) for name, n in LABEL.findall(text)]


def peer_named(text: str, name: str) -> bool:
    """Whether ``text`` shows ``name`` tied to a peer given by name, not index (``veth0a1b2c@eth0``).

    >>> peer_named("3: veth0a1b2c@eth0: <UP>", "veth0a1b2c"), peer_named("veth0a1b2c@if44", "veth0a1b2c")
    (True, False)
    """
    return re.search(rf"{re.escape(name)}@(?!if\d)\S+", text) is not None


# -- the pair rule -----------------------------------------------------------------


def is_pair(ifindex: Any, iflink: Any, peer_ifindex: Any, peer_iflink: Any) -> bool:
    """Whether two interfaces are the two ends of one veth pair: each points at the other's index.

    ``ifindex``/``iflink`` are one end's own index and the index it points at,
    ``peer_ifindex``/``peer_iflink`` the other end's.
    """
    return bool(iflink != ifindex and iflink == peer_ifindex and peer_iflink == ifindex)


def peer_of(link: Link, others: Mapping[int, Link]) -> Link | None:
    """The other end of ``link``'s veth pair among ``others`` (by index), or None.

    >>> peer_of(Link(39, "eth0", 40), {40: Link(40, "veth3edce40", 39)}).name
    'veth3edce40'
    """
    cand = others.get(link.iflink) if link.tied else None
    return cand if cand is not None and is_pair(link.ifindex, link.iflink, cand.ifindex, cand.iflink) else None


# -- parsing ------------------------------------------------------------------------


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def parse_line(line: str) -> Link | None:
    """One line of ``ip -o [-d] link`` as a :class:`Link`, or None for a line that is not one.

    A name without ``@ifN`` is tied to itself (``iflink == ifindex``); a name
    with ``@peername`` (peer in the same namespace) keeps ``iflink`` unknown
    as its own index, since only sysfs gives the number then.
    """
    m = _LINK.match(line.strip())
    if not m:
        return None
    index, name, peer, flags, rest = m.groups()
    tied = _PEER.fullmatch(peer) if peer else None
    mac = re.search(r"link/\w+\s+([0-9a-fA-F:]{17})", rest)
    master = re.search(r"\bmaster\s+(\S+)", rest)
    return Link(
        ifindex=int(index),
        name=name,
        iflink=int(tied.group(1)) if tied else int(index),
        mac=mac.group(1).lower() if mac else None,
        master=master.group(1) if master else None,
        flags=tuple(f for f in flags.split(",") if f),
        mtu=_number(r"\bmtu\s+(\d+)", rest),
        vxlan_id=_number(r"\bvxlan id (\d+)", rest),
        udp_port=_number(r"\bdstport (\d+)", rest),
    )


def parse_ip_link(text: str) -> list[Link]:
    """Parse ``ip -o link`` output (busybox or iproute2) into :class:`Link` records.

    >>> [(l.name, l.ifindex, l.iflink) for l in parse_ip_link("1: lo: <LOOPBACK,UP> mtu 65536 qdisc noqueue")]
    [('lo', 1, 1)]
    """
    return [link for link in map(parse_line, text.splitlines()) if link is not None]


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


def address_of(text: str, interface: str) -> str | None:
    """The first IPv4 address (without its prefix) ``ip -o addr`` shows on ``interface``, if any.

    >>> address_of("39: eth0    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0", "eth0")
    '172.17.0.2'
    """
    found = parse_ip_addr(text).get(interface)
    return found[0].split("/")[0] if found else None


def one_line(text: str, inet_only: bool) -> str:
    """``ip -o addr`` from ``ip addr``: one line per address, as busybox prints it.

    >>> print(one_line("1: lo: <LOOPBACK>\\n    inet 127.0.0.1/8 scope host lo\\n", inet_only=True), end="")
    1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
    """
    lines: list[str] = []
    index, dev = "", ""
    for line in text.splitlines():
        head = re.match(r"^(\d+): ([^:@]+)", line)
        if head:
            index, dev = head.groups()
        elif line.strip().startswith("inet ") or (not inet_only and line.strip().startswith("link/")):
            lines.append(f"{index}: {dev}    {line.strip()}\\       valid_lft forever preferred_lft forever")
    return "\n".join(lines) + "\n"


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


def device_rows(text: str) -> list[dict[str, Any]]:
    """``ip -o [-d] link show`` lines with an MTU as dicts (interface, kind, mtu, master, vxlan_id, udp_port).

    ``kind`` is ``bridge`` for an overlay namespace's ``br0``, ``vxlan`` for a
    VXLAN device, else ``veth``.

    >>> device_rows("5: vxlan0@if5: <UP> mtu 1450 qdisc noqueue master br0 state UNKNOWN \\\\"
    ...             "    vxlan id 4097 srcport 0 0 dstport 4789 proxy")[0]
    {'interface': 'vxlan0', 'kind': 'vxlan', 'mtu': 1450, 'master': 'br0', 'vxlan_id': 4097, 'udp_port': 4789}
    """
    return [
        {
            "interface": link.name,
            "kind": "bridge" if link.name == "br0" else "vxlan" if link.vxlan_id is not None else "veth",
            "mtu": link.mtu,
            "master": link.master,
            "vxlan_id": link.vxlan_id,
            "udp_port": link.udp_port,
        }
        for link in parse_ip_link(text)
        if link.mtu is not None
    ]


__all__ = [
    "LABEL",
    "Link",
    "address_of",
    "device_rows",
    "is_pair",
    "label",
    "labels_in",
    "one_line",
    "parse_ip_addr",
    "parse_ip_link",
    "parse_line",
    "parse_sysfs",
    "peer_index",
    "peer_named",
    "peer_of",
]


def parse_routes(text: str) -> list[tuple[str, str]]:
    """``ip -4 route show`` as ``(destination CIDR, device)`` pairs; the default route is left out.

    >>> parse_routes("default via 10.0.2.2 dev eth0\\n172.17.0.0/16 dev docker0 scope link\\n10.0.2.2 dev eth0")
    [('172.17.0.0/16', 'docker0'), ('10.0.2.2/32', 'eth0')]
    """
    routes = []
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] == "default":
            continue
        dev = parts[parts.index("dev") + 1] if "dev" in parts and parts.index("dev") + 1 < len(parts) else ""
        dest = parts[0] if "/" in parts[0] else parts[0] + "/32"
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+/\d+", dest):
            routes.append((dest, dev))
    return routes
