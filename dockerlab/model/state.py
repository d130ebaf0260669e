"""Docker's networking rules over the engine's state, read once from inspect data.

This module does no I/O and knows no docker-py: it takes what ``docker
inspect`` and ``docker network inspect`` return (plain dicts) and the text of
each running container's ``/etc/hosts``. Each rule was checked on a real
engine (20.10, 26 and 28):

- a name is looked up in ``/etc/hosts`` first (where ``--link`` writes the
  linked container, one way), then in Docker's embedded DNS (127.0.0.11),
  which a container has only while it is on a user-defined network, and which
  knows the running containers (names and aliases) of the user-defined
  networks it shares with them; the default bridge has no embedded DNS;
- an address is reachable when source and target share a network whose
  bridge lets its containers talk (ICC); bridges are isolated from each
  other, even by IP; ``--internal`` networks keep their traffic inside;
- a container on ``host`` reaches every container address, one on ``none``
  (or disconnected from everything) has only ``lo``;
- a stopped container has no address and probes nothing; and the engine
  refuses ``docker exec`` into a default-bridge container whose ``--link``
  target is not running or no longer on the default bridge, so nothing can
  be probed from it.

>>> state = State([Box("web", True, "default", {"bridge": ("172.17.0.3", ())}, {"db": "db"},
...                    {"db": "172.17.0.2"}),
...                Box("db", True, "default", {"bridge": ("172.17.0.2", ())})],
...               [Net("bridge", "default", "172.17.0.0/16", "172.17.0.1")])
>>> state.ping_code(state.boxes["web"], "db"), state.ping_code(state.boxes["db"], "web")
(('ok', '172.17.0.2'), ('unresolved', None))
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: ``HostConfig.NetworkMode`` values meaning Docker's default bridge (where --link works).
BRIDGE_MODES = ("bridge", "default")
#: Docker's own networks: they exist on every engine and cannot be created or removed.
PREDEFINED_NETWORKS = ("bridge", "host", "none")
#: Where Docker's embedded DNS server answers, inside each container on a user-defined network.
EMBEDDED_DNS = "127.0.0.11"
#: Docker's rule for names (daemon/names: RestrictedNameChars), as Docker's messages spell it.
#: A container name needs at least two characters; a network name may have one.
RESTRICTED_NAME_CHARS = "[a-zA-Z0-9][a-zA-Z0-9_.-]"
NAME_CHARS = RESTRICTED_NAME_CHARS + "*"
CONTAINER_NAME = re.compile(RESTRICTED_NAME_CHARS + "+")
#: The bridge device of Docker's default network.
DEFAULT_BRIDGE_DEVICE = "docker0"


# -- reading inspect data ---------------------------------------------------------


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
        return DEFAULT_BRIDGE_DEVICE
    return "br-" + str(network.get("Id", ""))[:12]


def ipv4_pools(network: dict[str, Any]) -> list[tuple[str, str | None]]:
    """A network's IPv4 address pools as ``(subnet, gateway)``, from its ``IPAM.Config``.

    >>> ipv4_pools({"IPAM": {"Config": [{"Subnet": "192.168.0.0/16", "Gateway": "192.168.0.1"},
    ...                                 {"Subnet": "fd00::/64"}]}})
    [('192.168.0.0/16', '192.168.0.1')]
    """
    pools = (network.get("IPAM") or {}).get("Config") or []
    return [(p["Subnet"], p.get("Gateway") or None) for p in pools if p.get("Subnet") and ":" not in p["Subnet"]]


def ipam(network: dict[str, Any]) -> tuple[str | None, str | None]:
    """The first IPv4 ``(subnet, gateway)`` of a network; ``(None, None)`` for host and none."""
    pools = ipv4_pools(network)
    return pools[0] if pools else (None, None)


def parse_hosts(text: str) -> dict[str, str]:
    """``/etc/hosts`` as name -> IPv4 address (the first line naming it wins, like glibc).

    >>> parse_hosts("127.0.0.1\\tlocalhost\\n172.17.0.2\\tdb 0a1b2c3d4e5f mysql1\\n")
    {'localhost': '127.0.0.1', 'db': '172.17.0.2', '0a1b2c3d4e5f': '172.17.0.2', 'mysql1': '172.17.0.2'}
    """
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and is_ipv4(parts[0]):
            for name in parts[1:]:
                out.setdefault(name, parts[0])
    return out


def parse_links(links: list[str] | None) -> dict[str, str]:
    """``HostConfig.Links`` (``['/mysql1:/tomcat1/db']``) as target -> alias.

    >>> parse_links(["/mysql1:/tomcat1/db"])
    {'mysql1': 'db'}
    """
    out = {}
    for spec in links or []:
        target, _, path = spec.partition(":")
        out[target.strip("/")] = path.rsplit("/", 1)[-1]
    return out


def is_ipv4(text: str) -> bool:
    """Whether ``text`` is an IPv4 address (not a name).

    >>> is_ipv4("172.17.0.2"), is_ipv4("mysql1")
    (True, False)
    """
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Endpoint:
    """One network attachment of a container, as ``docker inspect`` reports it."""

    network: str
    ip: str | None
    gateway: str | None
    mac: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContainerInfo:
    """A container as ``docker inspect`` describes it: what the views and the lab show."""

    name: str
    id: str
    status: str
    endpoints: dict[str, Endpoint]
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_attrs(cls, attrs: dict[str, Any]) -> ContainerInfo:
        """Parse ``docker inspect`` data."""
        nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
        endpoints = {
            net: Endpoint(
                net,
                ep.get("IPAddress") or None,
                ep.get("Gateway") or None,
                ep.get("MacAddress") or None,
                tuple(ep.get("Aliases") or ()),
            )
            for net, ep in nets.items()
        }
        return cls(
            str(attrs.get("Name", "")).lstrip("/"),
            str(attrs.get("Id", "")),
            str((attrs.get("State") or {}).get("Status", "unknown")),
            endpoints,
            dict((attrs.get("Config") or {}).get("Labels") or {}),
        )

    @property
    def running(self) -> bool:
        """Whether the container is running."""
        return self.status == "running"

    @property
    def networks(self) -> list[str]:
        """The networks this container is attached to."""
        return list(self.endpoints)

    @property
    def ips(self) -> dict[str, str]:
        """Network name -> IPv4 address, for the networks that give one."""
        return {n: e.ip for n, e in self.endpoints.items() if e.ip}


# -- the model's view of networks and containers ---------------------------------


@dataclass(frozen=True)
class Net:
    """A network as the model sees it.

    ``kind`` is ``"default"`` (Docker's bridge), ``"user"`` (a user-defined
    bridge), ``"host"`` or ``"none"``.
    """

    name: str
    kind: str
    subnet: str | None = None
    gateway: str | None = None
    internal: bool = False
    icc: bool = True
    device: str = ""

    @property
    def has_dns(self) -> bool:
        """Whether Docker's embedded DNS serves this network: user-defined networks only."""
        return self.kind == "user"

    @property
    def label(self) -> str:
        """``bridge (docker0)``, ``myBridge (br-1a2b3c4d5e6f, --internal)``..."""
        extra = [x for x in (self.device, "--internal" if self.internal else "", "" if self.icc else "icc off") if x]
        return f"{self.name} ({', '.join(extra)})" if extra else self.name


@dataclass(frozen=True)
class Box:
    """A container as the model sees it."""

    name: str
    running: bool
    mode: str
    endpoints: dict[str, tuple[str | None, tuple[str, ...]]]  # network -> (ip, aliases)
    links: dict[str, str] = field(default_factory=dict)  # target -> alias (legacy links in effect)
    hosts: dict[str, str] = field(default_factory=dict)  # name -> ip, from /etc/hosts

    @property
    def ips(self) -> dict[str, str]:
        """Network -> address, for the endpoints that have one."""
        return {n: ip for n, (ip, _) in self.endpoints.items() if ip}


def net_from_attrs(attrs: dict[str, Any]) -> Net:
    """A :class:`Net` from ``docker network inspect`` data."""
    name = attrs.get("Name", "")
    driver = attrs.get("Driver", "")
    opts = attrs.get("Options") or {}
    kind = {"host": "host", "null": "none"}.get(driver, "default" if name == "bridge" else "user")
    subnet, gateway = ipam(attrs)
    icc = opts.get("com.docker.network.bridge.enable_icc", "true") != "false"
    return Net(name, kind, subnet, gateway, bool(attrs.get("Internal")), icc, bridge_device(attrs) or "")


def box_from_attrs(attrs: dict[str, Any], hosts_text: str | None) -> Box:
    """A :class:`Box` from ``docker inspect`` data and the text of its /etc/hosts."""
    state = attrs.get("State") or {}
    mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "default")
    nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    endpoints = {n: (ep.get("IPAddress") or None, tuple(ep.get("Aliases") or ())) for n, ep in nets.items()}
    links = parse_links((attrs.get("HostConfig") or {}).get("Links")) if mode in BRIDGE_MODES else {}
    hosts = parse_hosts(hosts_text) if hosts_text else {}
    return Box(str(attrs.get("Name", "")).lstrip("/"), bool(state.get("Running")), mode, endpoints, links, hosts)


def state_from_inspect(
    containers: Iterable[dict[str, Any]], networks: Iterable[dict[str, Any]], hosts: dict[str, str | None]
) -> State:
    """The :class:`State` of ``docker inspect`` data, ``docker network inspect`` data, and
    each running container's ``/etc/hosts`` text by container name."""
    boxes = [box_from_attrs(a, hosts.get(str(a.get("Name", "")).lstrip("/"))) for a in containers]
    return State(boxes, [net_from_attrs(n) for n in networks])


# -- the rules ----------------------------------------------------------------------


class State:
    """Containers and networks, with the indexes the rules need."""

    def __init__(self, boxes: list[Box], nets: list[Net]) -> None:
        self.boxes = {b.name: b for b in sorted(boxes, key=lambda b: b.name)}
        self.nets = {n.name: n for n in nets}
        #: address -> (container, network), running containers only
        self.owner: dict[str, tuple[str, str]] = {}
        #: network -> addresses on it
        self.on_net: dict[str, list[str]] = {}
        #: user-defined network -> {name or alias: address} (what its embedded DNS answers)
        self.dns: dict[str, dict[str, str]] = {}
        for b in self.boxes.values():
            if not b.running:
                continue
            for net, (ip, aliases) in b.endpoints.items():
                if not ip:
                    continue
                self.owner[ip] = (b.name, net)
                self.on_net.setdefault(net, []).append(ip)
                if self.net(net).has_dns:
                    names = self.dns.setdefault(net, {})
                    for n in (b.name, *aliases):
                        names.setdefault(n, ip)
        self._reach: dict[str, frozenset[str]] = {}

    def net(self, name: str) -> Net:
        """The network called ``name`` (an unknown one is taken for a user-defined bridge)."""
        return self.nets.get(name) or Net(name, "user")

    def exec_refused(self, b: Box) -> str | None:
        """Why the engine refuses to start or ``docker exec`` into ``b`` (a link target down), if it does."""
        for target, alias in b.links.items():
            t = self.boxes.get(target)
            if t is None or not t.running:
                return f"Cannot link to a non running container: /{target} AS /{b.name}/{alias}"
            if "bridge" not in t.ips:
                return f"Cannot link to /{target}, as it does not belong to the default network"
        return None

    def has_dns(self, b: Box) -> bool:
        """Whether ``b`` asks Docker's embedded DNS: it has an address on a network that has one."""
        return any(self.net(n).has_dns and ip for n, (ip, _) in b.endpoints.items())

    def dns_names(self, b: Box) -> dict[str, str]:
        """What Docker's embedded DNS answers ``b``: the names and aliases on its user-defined networks."""
        found: dict[str, str] = {}
        if self.has_dns(b):
            for net, (ip, _) in reversed(list(b.endpoints.items())):
                if ip and net in self.dns:
                    found.update(self.dns[net])
        return found

    def names_for(self, b: Box) -> dict[str, str]:
        """Every name ``b`` can resolve, with its address: embedded DNS, overridden by /etc/hosts."""
        return {**self.dns_names(b), **b.hosts}

    def reachable_ips(self, b: Box) -> frozenset[str]:
        """The addresses a ping from ``b`` gets a reply from."""
        if b.name in self._reach:
            return self._reach[b.name]
        out: set[str] = set()
        if b.running and self.exec_refused(b) is None:
            if b.mode == "host":
                out.update(self.owner)
            else:
                for net, (ip, _) in b.endpoints.items():
                    if not ip:
                        continue
                    if self.net(net).icc:
                        out.update(self.on_net.get(net, ()))
                    else:
                        out.add(ip)
        result = frozenset(out)
        self._reach[b.name] = result
        return result

    def route_code(self, b: Box, ip: str) -> str:
        """The :data:`dockerlab.probe.REASONS` key for a ping from ``b`` to address ``ip``."""
        if not b.running:
            return "not-running"
        if self.exec_refused(b):
            return "error"
        if ip in self.reachable_ips(b):
            return "ok"
        if b.mode != "host" and not b.ips:
            return "unreachable"
        return "timeout"

    def ping_code(self, b: Box, target: str) -> tuple[str, str | None]:
        """(reason, resolved address) for ``ping target`` from ``b``, target a name or an address."""
        if not b.running:
            return "not-running", None
        if self.exec_refused(b):
            return "error", None
        ip = target if is_ipv4(target) else self.names_for(b).get(target)
        if ip is None:
            return "unresolved", None
        return self.route_code(b, ip), ip


__all__ = [
    "BRIDGE_MODES",
    "CONTAINER_NAME",
    "DEFAULT_BRIDGE_DEVICE",
    "EMBEDDED_DNS",
    "NAME_CHARS",
    "PREDEFINED_NETWORKS",
    "RESTRICTED_NAME_CHARS",
    "Box",
    "ContainerInfo",
    "Endpoint",
    "Net",
    "State",
    "box_from_attrs",
    "bridge_device",
    "ipam",
    "ipv4_pools",
    "is_ipv4",
    "net_from_attrs",
    "parse_hosts",
    "parse_links",
    "state_from_inspect",
]
