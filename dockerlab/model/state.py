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
- a container started with ``--network container:NAME`` (Compose's
  ``network_mode: service:NAME``) has no endpoint of its own: it uses NAME's
  network stack (addresses, /etc/hosts, resolver) while NAME runs, and no
  DNS name of its own;
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
from dataclasses import dataclass, field, replace
from typing import Any

from dockerlab.i18n import _
from dockerlab.model import options, subnets
from dockerlab.model.releases import Release

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
    named = options.bridge_name(network.get("Options"))
    if named:
        return named
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


def split_link(spec: str) -> tuple[str, str]:
    """One ``--link`` as ``(target, alias)``: ``"first:foo"`` or ``"first"`` (its alias is its name).

    >>> split_link("first:foo"), split_link("third")
    (('first', 'foo'), ('third', 'third'))
    """
    target, _, alias = spec.partition(":")
    return target, alias or target


def parse_links(links: list[str] | None) -> dict[str, str]:
    """Links as target -> alias: ``HostConfig.Links`` (``['/mysql1:/tomcat1/db']``) on the default
    bridge, or an endpoint's ``Links`` (``['first:foo']``) on a user-defined network.

    >>> parse_links(["/mysql1:/tomcat1/db"]), parse_links(["first:foo", "third"])
    ({'mysql1': 'db'}, {'first': 'foo', 'third': 'third'})
    """
    out = {}
    for spec in links or []:
        target, path = split_link(spec)
        target = target.strip("/")
        out[target] = path.rsplit("/", 1)[-1] or target
    return out


def has_label(labels: dict[str, str] | None, label: str) -> bool:
    """Docker's label filter for one ``key`` or ``key=value``.

    >>> has_label({"dockerlab.lab": "article"}, "dockerlab.lab=article"), has_label({}, "dockerlab.lab")
    (True, False)
    """
    key, eq, value = label.partition("=")
    labels = labels or {}
    return key in labels and (not eq or labels[key] == value)


def created_key(stamp: object) -> tuple[str, int]:
    """An order for Docker's ``Created`` timestamps (UTC, up to nine fraction digits).

    >>> created_key("2026-11-29T11:51:04.02Z") < created_key("2026-11-29T11:51:04.1Z")
    True
    """
    text = str(stamp or "")
    head, _, rest = text.partition(".")
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    return head[:19], int((digits + "0" * 9)[:9])


def _alias_map(links: list[str]) -> dict[str, str]:
    """An endpoint's ``Links`` (``['first:foo']``) as alias -> target, the last link of an alias holding."""
    out: dict[str, str] = {}
    for spec in links:
        target, alias = split_link(spec)
        out[alias.lower()] = target
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


def endpoint_aliases(endpoint: dict[str, Any], name: str) -> tuple[str, ...]:
    """The names an endpoint answers to besides the container's own: ``Aliases``, and from Engine 25
    ``DNSNames`` (which from 26 alone holds the short id and the hostname).

    >>> endpoint_aliases({"Aliases": ["db"], "DNSNames": ["web", "db", "0a1b2c3d4e5f"]}, "web")
    ('db', '0a1b2c3d4e5f')
    """
    names = [*(endpoint.get("Aliases") or ()), *(endpoint.get("DNSNames") or ())]
    return tuple(n for n in dict.fromkeys(names) if n != name)


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
        name = str(attrs.get("Name", "")).lstrip("/")
        endpoints = {
            net: Endpoint(
                net,
                ep.get("IPAddress") or None,
                ep.get("Gateway") or None,
                ep.get("MacAddress") or None,
                endpoint_aliases(ep, name),
            )
            for net, ep in nets.items()
        }
        return cls(
            name,
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
    bridge), ``"overlay"`` (a swarm overlay: it spans the hosts of a swarm),
    ``"host"`` or ``"none"``. Across several hosts (:mod:`dockerlab.model.hosts`)
    a network local to one host is named ``<name>@<host>``.
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
        """Whether Docker's embedded DNS serves this network: user-defined networks (bridges, overlays) only."""
        return self.kind in ("user", "overlay")

    @property
    def docker_name(self) -> str:
        """The name Docker knows it by (without the ``@<host>`` of a network local to one of several hosts)."""
        return self.name.split("@", 1)[0]

    @property
    def label(self) -> str:
        """``bridge (docker0)``, ``myBridge (br-1a2b3c4d5e6f, --internal)``..."""
        extra = [x for x in (self.device, "--internal" if self.internal else "", "" if self.icc else _("icc off")) if x]
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
    gateways: dict[str, str] = field(default_factory=dict)  # network -> its gateway, as the endpoint reports it
    #: user-defined network -> {alias: target}: ``--link`` there is an alias only this container resolves
    #: (the engine keeps them in a map: of two links with one alias, the last one holds)
    net_links: dict[str, dict[str, str]] = field(default_factory=dict)
    created: tuple[str, int] = ("", 0)  # when it was created (see created_key)
    #: the container whose network stack this one uses (``--network container:NAME``), set by :class:`State`
    shares: str | None = None

    @property
    def ips(self) -> dict[str, str]:
        """Network -> address, for the endpoints that have one."""
        return {n: ip for n, (ip, _) in self.endpoints.items() if ip}

    @property
    def joins(self) -> str | None:
        """The container named in ``--network container:NAME`` (by name or id), if any."""
        return self.mode.removeprefix("container:") if self.mode.startswith("container:") else None


def join_stack(b: Box, boxes: dict[str, Box]) -> Box:
    """``b`` as the rules see it: a container on ``--network container:NAME`` uses NAME's network stack.

    It gets NAME's endpoints (while NAME runs: its network namespace goes with it), links and
    /etc/hosts, and is marked ``shares=NAME``: its addresses stay NAME's, and Docker's embedded
    DNS knows no name of its own. Any other container is returned as it is.

    >>> web = Box("web", True, "front", {"front": ("172.19.0.3", ("web",))})
    >>> db = join_stack(Box("db", True, "container:web", {}), {"web": web})
    >>> db.ips, db.shares
    ({'front': '172.19.0.3'}, 'web')
    """
    target = boxes.get(b.joins) if b.joins else None
    if target is None or target.joins:
        return b
    return replace(
        b,
        mode=target.mode,
        endpoints=dict(target.endpoints) if target.running else {},
        links=target.links,
        hosts=b.hosts or target.hosts,
        gateways=target.gateways,
        net_links=target.net_links,
        shares=target.name,
    )


def net_from_attrs(attrs: dict[str, Any]) -> Net:
    """A :class:`Net` from ``docker network inspect`` data."""
    name = attrs.get("Name", "")
    driver = attrs.get("Driver", "")
    opts = attrs.get("Options") or {}
    kind = {"host": "host", "null": "none", "overlay": "overlay"}.get(driver, "default" if name == "bridge" else "user")
    subnet, gateway = ipam(attrs)
    if kind == "default" and subnet and not gateway:
        # A default dockerd (no --bip) gives docker0 the subnet's first address, and before
        # Engine 28 does not report it here.
        gateway = subnets.first_host(subnet)
    icc = options.icc_enabled(opts)
    return Net(name, kind, subnet, gateway, bool(attrs.get("Internal")), icc, bridge_device(attrs) or "")


def box_from_attrs(attrs: dict[str, Any], hosts_text: str | None) -> Box:
    """A :class:`Box` from ``docker inspect`` data and the text of its /etc/hosts."""
    state = attrs.get("State") or {}
    mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "default")
    nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    own = str(attrs.get("Name", "")).lstrip("/")
    endpoints = {n: (ep.get("IPAddress") or None, endpoint_aliases(ep, own)) for n, ep in nets.items()}
    links = parse_links((attrs.get("HostConfig") or {}).get("Links")) if mode in BRIDGE_MODES else {}
    hosts = parse_hosts(hosts_text) if hosts_text else {}
    gateways = {n: ep["Gateway"] for n, ep in nets.items() if ep.get("Gateway")}
    net_links = {n: _alias_map(ep.get("Links")) for n, ep in nets.items() if ep.get("Links")}
    name = str(attrs.get("Name", "")).lstrip("/")
    created = created_key(attrs.get("Created"))
    return Box(name, bool(state.get("Running")), mode, endpoints, links, hosts, gateways, net_links, created)


def state_from_inspect(
    containers: Iterable[dict[str, Any]],
    networks: Iterable[dict[str, Any]],
    hosts: dict[str, str | None],
    release: Release | None = None,
) -> State:
    """The :class:`State` of ``docker inspect`` data, ``docker network inspect`` data, and
    each running container's ``/etc/hosts`` text by container name, on engine ``release``.

    ``--network container:<id>`` is read as ``container:<name>`` when that container is among them.
    """
    release = release or Release.of()
    containers = [default_as_bridge(a, release) for a in containers]
    names = {str(a.get("Id", "")): str(a.get("Name", "")).lstrip("/") for a in containers}
    boxes = []
    for a in containers:
        b = box_from_attrs(a, hosts.get(str(a.get("Name", "")).lstrip("/")))
        full = next((i for i in names if len(b.joins) >= 12 and i.startswith(b.joins)), None) if b.joins else None
        if full:
            b = replace(b, mode=f"container:{names[full]}")
        boxes.append(b)
    return State(boxes, [net_from_attrs(n) for n in networks], release)


def default_as_bridge(attrs: dict[str, Any], release: Release) -> dict[str, Any]:
    """``docker inspect`` data with the engine's default network named ``bridge``, as the rules name it.

    Podman's default network is ``podman`` in a container's data, ``bridge`` in its compatible ``network ls``.
    """
    default = release.default_network
    nets = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
    if default == "bridge" or default not in nets:
        return attrs
    renamed = {("bridge" if k == default else k): v for k, v in nets.items()}
    return {**attrs, "NetworkSettings": {**attrs["NetworkSettings"], "Networks": renamed}}


# -- the rules ----------------------------------------------------------------------


class State:
    """Containers and networks, with the indexes the rules need.

    ``release`` is the engine's (:class:`~dockerlab.model.releases.Release`),
    for the rules that differ between releases; by default the one the
    simulator follows.
    """

    def __init__(self, boxes: list[Box], nets: list[Net], release: Release | None = None) -> None:
        self.release = release or Release.of()
        if self.release.is_podman:  # its bridges: podman0, then podman1... (not in its compatible inspect data)
            device = self.release.default_bridge_device or ""
            nets = [replace(n, device=device if n.kind == "default" else "") if n.device else n for n in nets]
        by_name = {b.name: b for b in boxes}
        self.boxes = {b.name: join_stack(b, by_name) for b in sorted(boxes, key=lambda b: b.name)}
        self.nets = {n.name: n for n in nets}
        #: address -> (container, network), running containers only
        self.owner: dict[str, tuple[str, str]] = {}
        #: network -> addresses on it
        self.on_net: dict[str, list[str]] = {}
        #: user-defined network -> {name or alias, lower case: address} (what its embedded DNS answers);
        #: each also as ``name.network``
        self.dns: dict[str, dict[str, str]] = {}
        #: the bridges' gateways: addresses of the host itself -> the network
        self.gateways: dict[str, str] = {n.gateway: n.name for n in nets if n.gateway and n.kind in ("default", "user")}
        for b in self.boxes.values():
            for net, gateway in b.gateways.items():
                self.gateways.setdefault(gateway, net)
            if not b.running or b.shares:
                continue
            for net, (ip, aliases) in b.endpoints.items():
                if not ip:
                    continue
                self.owner[ip] = (b.name, net)
                self.on_net.setdefault(net, []).append(ip)
                if self.net(net).has_dns:
                    names = self.dns.setdefault(net, {})
                    for n in (b.name, *aliases):
                        names.setdefault(n.lower(), ip)
                        names.setdefault(f"{n}.{self.net(net).docker_name}".lower(), ip)
        self._reach: dict[str, frozenset[str]] = {}

    def net(self, name: str) -> Net:
        """The network called ``name`` (an unknown one is taken for a user-defined bridge)."""
        return self.nets.get(name) or Net(name, "user")

    def link_target(self, b: Box, target: str) -> Box | None:
        """The container ``b``'s ``--link`` to ``target`` points at, if it still exists.

        A link is bound to the container it was made with, not to its name:
        a container created later under the same name is another one.
        """
        t = self.boxes.get(target)
        return t if t is not None and t.created <= b.created else None

    def exec_refused(self, b: Box) -> str | None:
        """Why the engine refuses to start or ``docker exec`` into ``b`` (a link target down), if it does."""
        for target, alias in b.links.items():
            t = self.link_target(b, target)
            if t is None or not t.running:
                return f"Cannot link to a non running container: /{target} AS /{b.name}/{alias}"
            if "bridge" not in t.ips:
                return f"Cannot link to /{target}, as it does not belong to the default network"
        return None

    def only_internal(self, b: Box) -> bool:
        """Whether every network ``b`` has an address on is ``--internal``."""
        return bool(b.ips) and all(self.net(n).internal for n in b.ips)

    def on_link(self, b: Box, ip: str) -> bool:
        """Whether ``ip`` is inside the subnet of one of ``b``'s networks."""
        address = ipaddress.ip_address(ip)
        subnets = [self.net(n).subnet for n in b.ips]
        return any(s is not None and address in ipaddress.ip_network(s, strict=False) for s in subnets)

    def no_route(self, b: Box, ip: str) -> bool:
        """Whether ``b`` has no route to ``ip``: no network but lo, or (from Engine 25) internal networks only
        and ``ip`` outside their subnets."""
        if b.mode == "host":
            return False
        if not b.ips:
            return True
        return self.release.internal_has_no_default_route and self.only_internal(b) and not self.on_link(b, ip)

    def has_dns(self, b: Box) -> bool:
        """Whether ``b`` asks Docker's embedded DNS: it has an address on a network that has one."""
        return any(self.net(n).has_dns and ip for n, (ip, _) in b.endpoints.items())

    def dns_names(self, b: Box) -> dict[str, str]:
        """What Docker's embedded DNS answers ``b`` (names in lower case): the names and aliases on its
        user-defined networks, each also as ``name.network``, and its private ``--link`` aliases there."""
        found: dict[str, str] = {}
        if not self.has_dns(b):
            return found
        for net, (ip, _aliases) in reversed(list(b.endpoints.items())):
            if ip and net in self.dns:
                found.update(self.dns[net])
        # A --link alias is looked up first on the endpoints that have it (the first whose network knows the
        # target wins); failing that, by name on the other endpoints only (libnetwork's Sandbox.ResolveName).
        nets = [net for net in b.endpoints if b.ips.get(net)]
        for alias in dict.fromkeys(a for net in nets for a in b.net_links.get(net, {})):
            having = [net for net in nets if alias in b.net_links.get(net, {})]
            targets = [(net, self.boxes.get(b.net_links[net][alias])) for net in having]
            ip = next((t.ips[net] for net, t in targets if t is not None and t.running and t.ips.get(net)), None)
            if ip is None:  # the alias names a container not there: only the other endpoints' DNS may answer
                ip = next((self.dns[n][alias] for n in nets if n not in having and alias in self.dns.get(n, {})), None)
            if ip is None:
                found.pop(alias, None)
            else:
                found[alias] = ip
        return found

    def names_for(self, b: Box) -> dict[str, str]:
        """Every name ``b`` can resolve (lower case), with its address: embedded DNS, overridden by /etc/hosts.

        Both lookups ignore case, as DNS and the C library do.
        """
        return {**self.dns_names(b), **self.hosts_names(b)}

    def hosts_names(self, b: Box) -> dict[str, str]:
        """``b``'s /etc/hosts as lower-case name -> address, the first line naming it winning (as the C library
        reads it, ignoring case)."""
        return {name.lower(): ip for name, ip in reversed(list(b.hosts.items()))}

    def private_alias(self, b: Box, name: str) -> tuple[str, str] | None:
        """``(network, target)`` when ``name`` is a ``--link`` alias ``b`` made on a user-defined network."""
        for net, links in b.net_links.items():
            if name.lower() in links:
                return net, links[name.lower()]
        return None

    def reachable_ips(self, b: Box) -> frozenset[str]:
        """The addresses a ping from ``b`` gets a reply from."""
        if b.name in self._reach:
            return self._reach[b.name]
        out: set[str] = set()
        if b.running and self.exec_refused(b) is None:
            if b.mode == "host":
                out.update(self.owner)
                out.update(self.gateways)
            else:
                for net, (ip, _) in b.endpoints.items():
                    if not ip:
                        continue
                    if self.net(net).icc:
                        out.update(self.on_net.get(net, ()))
                    else:
                        out.add(ip)
                if not self.release.networks_isolated:
                    out.update(self.across_networks(b))
                # The gateways are the host's own addresses: every container with a network reaches them.
                out.update(g for g in self.gateways_for(b) if b.ips and not self.no_route(b, g))
        result = frozenset(out)
        self._reach[b.name] = result
        return result

    def across_networks(self, b: Box) -> set[str]:
        """On an engine whose networks are not isolated from each other (Podman with netavark), the addresses
        ``b`` reaches on *other* networks through the host: from a network that is not internal, to every
        address on a bridge network that is not internal either (netavark drops what leaves or enters an
        internal network; measured on Podman 4.3)."""
        if not any(ip and not self.net(net).internal for net, (ip, _) in b.endpoints.items()):
            return set()
        return {
            ip
            for net, ips in self.on_net.items()
            if self.net(net).kind in ("default", "user") and not self.net(net).internal
            for ip in ips
        }

    def gateways_for(self, b: Box) -> list[str]:
        """The bridges' gateways ``b``'s host has: on one engine, all of them."""
        return list(self.gateways)

    def hosts_apart(self, a: str, b: str) -> tuple[str, str] | None:
        """The hosts of containers ``a`` and ``b`` when they run on different hosts; on one engine, never."""
        return None

    def apart(self, b: Box, ip: str) -> str | None:
        """Why ``b`` and the owner of ``ip`` share no network because they live on different hosts; on one
        engine, never (see :class:`dockerlab.model.hosts.ClusterState`)."""
        return None

    def down_host(self, name: str) -> str | None:
        """The host of container ``name`` (or of the container owning address ``name``) when that host's
        engine does not answer: nothing to or from it can be measured or predicted. On one engine, never
        (see :class:`dockerlab.model.hosts.ClusterState`)."""
        return None

    def cut_off(self, source: str, target: str) -> tuple[str, str] | None:
        """``(container, host)`` when ``source`` or ``target`` (a container, alias or address) lives on a host
        that is down: the one rule that turns a cell into ``host-down``, for predict, explain and the
        measurement alike."""
        for name in (source, target):
            host = self.down_host(name)
            if host is not None:
                return self.owner.get(name, (name, ""))[0], host
        return None

    def down_boxes(self) -> dict[str, str]:
        """Each container on a host that is down -> that host (empty on one engine)."""
        return {n: h for n in self.boxes if (h := self.down_host(n)) is not None}

    def route_code(self, b: Box, ip: str) -> str:
        """The :data:`dockerlab.kernel.probe.REASONS` key for a ping from ``b`` to address ``ip``."""
        if not b.running:
            return "not-running"
        if self.exec_refused(b):
            return "error"
        if ip in self.reachable_ips(b):
            return "ok"
        if self.no_route(b, ip):
            return "unreachable"
        return "timeout"

    def ping_code(self, b: Box, target: str) -> tuple[str, str | None]:
        """(reason, resolved address) for ``ping target`` from ``b``, target a name or an address."""
        if not b.running:
            return "not-running", None
        if self.exec_refused(b):
            return "error", None
        ip = target if is_ipv4(target) else self.names_for(b).get(target.lower())
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
    "created_key",
    "default_as_bridge",
    "endpoint_aliases",
    "has_label",
    "ipam",
    "ipv4_pools",
    "is_ipv4",
    "join_stack",
    "net_from_attrs",
    "parse_hosts",
    "parse_links",
    "split_link",
    "state_from_inspect",
]
