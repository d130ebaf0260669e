"""The simulated engine's state: networks, containers, address management and inspect data.

:class:`SimEngine` holds what a Docker engine holds (networks with their
address allocators, containers with their endpoints, links, /etc/hosts
lines and published ports, images by tag) and changes it as the engine's
API calls would: create, start, stop, remove, connect, disconnect. It
answers with the data ``docker inspect`` and ``docker network inspect``
return and gives the model's :class:`~dockerlab.model.State` of itself.

Docker's rules come from :mod:`dockerlab.model` (embedded DNS, links,
bridge devices, names, what differs between releases); this module keeps
only the bookkeeping. It knows no docker-py: it raises :class:`SimError`,
which the facade (:mod:`dockerlab.engines.sim.client`) turns into docker-py's errors.

>>> engine = SimEngine(images=["busybox"])
>>> net = engine.create_network("myBridge", "10.10.0.0/24", "10.10.0.1")
>>> c1 = engine.create("c1", "busybox", None, mode="myBridge", endpoints={"myBridge": ("10.10.0.5", [], {})})
>>> engine.start(c1)
>>> c1.ips, engine.state().net("myBridge").has_dns
({'myBridge': '10.10.0.5'}, True)
>>> engine.start(engine.create("c2", "busybox", None, mode="myBridge", endpoints={"myBridge": ("10.10.0.5", [], {})}))
Traceback (most recent call last):
...
dockerlab.engines.sim.state.SimError: Address already in use
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from dockerlab.kernel import services
from dockerlab.model import (
    BRIDGE_MODES,
    CONTAINER_NAME,
    DEFAULT_VERSION,
    PREDEFINED_NETWORKS,
    Net,
    Release,
    State,
    box_from_attrs,
    bridge_device,
    default_as_bridge,
    has_label,
    net_from_attrs,
    refusals,
    subnets,
)
from dockerlab.model import options as bridge_options

#: Docker's default address pools, in the order the engine hands them out (:mod:`dockerlab.model.subnets`).
PREDEFINED_POOLS = list(subnets.DEFAULT_POOLS)
#: The default bridge's subnet and gateway.
DEFAULT_BRIDGE = subnets.DEFAULT_BRIDGE_POOL
#: Podman's default network ``podman`` (subnet, gateway) and the pool its other networks' /24s come from
#: (containers.conf's default_subnet and default_subnet_pools; measured on 4.3.1: 10.89.0.0/24 first).
PODMAN_BRIDGE = ("10.88.0.0/16", "10.88.0.1")
PODMAN_POOLS = [f"10.89.{i}.0/24" for i in range(256)]
#: The simulated host's own /etc/hosts, which a container on the host network shares.
HOST_HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.254.0.2\tdockerlab-sim\n"


class SimError(Exception):
    """An error of the simulated engine: the engine's message and the HTTP status it answers with."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NoSuchImage(SimError):
    """The engine has no image of this name (``docker image inspect`` would answer 404)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"No such image: {name}", 404)


class PublishedPort(Protocol):
    """A published port while its container runs (docker-proxy's listening socket)."""

    def close(self) -> None:
        """Stop listening."""


def mac_address(ip: str) -> str:
    """The MAC address the simulator gives an interface with IPv4 address ``ip``: 02:42 and its four bytes.

    >>> mac_address("172.17.0.2")
    '02:42:ac:11:00:02'
    """
    return "02:42:" + ":".join(f"{b:02x}" for b in ipaddress.IPv4Address(ip).packed)


def _labelled(labels: dict[str, str], wanted: list[str]) -> bool:
    """Docker's ``--filter label=...``, repeated: every one of ``wanted`` matches (the model's rule)."""
    return all(has_label(labels, w) for w in wanted)


class SimNet:
    """One simulated network and its address allocator."""

    def __init__(
        self,
        name: str,
        driver: str,
        subnet: str | None,
        gateway: str | None,
        *,
        internal: bool = False,
        options: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
        hidden: bool = False,
        release: Release | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex + uuid.uuid4().hex[:32]
        self.engine_release = release or Release.of()
        self.name = name
        self.driver = driver
        self.subnet = ipaddress.ip_network(subnet) if subnet else None
        #: whether the subnet was given at ``docker network create`` (a fixed address needs one)
        self.configured = self.subnet is not None
        self.internal = internal
        self.options = dict(options or {})
        self.labels = dict(labels or {})
        self.hidden = hidden  # another user's network (see SimEngine.occupy): it only takes addresses
        self.used: set[int] = set()
        self.ifindex = 0  # the bridge device's index on the host, set by the engine
        self.gateway = None
        if self.subnet is not None:
            self.gateway = self.take(gateway)

    def take(self, ip: str | None = None) -> str:
        """Allocate ``ip``, or the first free address; Docker's errors when it cannot."""
        assert self.subnet is not None
        size = self.subnet.num_addresses
        if ip is not None:
            offset = int(ipaddress.ip_address(ip)) - int(self.subnet.network_address)
            if not 0 < offset < size - 1:
                raise SimError(f"Invalid address {ip}: It does not belong to any of this network's subnets", 400)
            if offset in self.used:
                raise SimError("Address already in use", 403)
        else:
            offset = next((o for o in range(1, size - 1) if o not in self.used), 0)
            if not offset:
                raise SimError(f"no available IPv4 addresses on this network's address pools: {self.name}")
        self.used.add(offset)
        return str(self.subnet.network_address + offset)

    def joined(self, engine: SimEngine) -> None:
        """A container of ``engine`` took an address here (a swarm's overlay then gives that host its own)."""

    def left(self, engine: SimEngine) -> None:
        """A container of ``engine`` gave its address back (a swarm's overlay may then leave that host)."""

    def release(self, ip: str) -> None:
        """Free ``ip``."""
        assert self.subnet is not None
        self.used.discard(int(ipaddress.ip_address(ip)) - int(self.subnet.network_address))

    @property
    def device(self) -> str:
        """The bridge device on the host (``docker0``, ``br-<id>``); empty for host and none."""
        return bridge_device(self.attrs()) or ""

    def model(self) -> Net:
        """The model's view of this network."""
        return net_from_attrs(self.attrs())

    def attrs(self) -> dict[str, Any]:
        """``docker network inspect`` data."""
        config = [{"Subnet": str(self.subnet), "Gateway": self.gateway}] if self.subnet else []
        if self.name == "bridge" and not self.engine_release.default_bridge_reports_gateway:
            config = [{"Subnet": str(self.subnet)}]  # before 28 a default dockerd reports no gateway here
        options = dict(self.options)
        if self.name == "bridge":
            options.update(
                {
                    bridge_options.DEFAULT_BRIDGE: "true",
                    bridge_options.ENABLE_ICC: "true",
                    bridge_options.BRIDGE_NAME: "docker0",
                }
            )
        return {
            "Name": self.name,
            "Id": self.id,
            "Scope": "local",
            "Driver": self.driver,
            "EnableIPv6": False,
            "IPAM": {"Driver": "default", "Options": None, "Config": config},
            "Internal": self.internal,
            "Attachable": False,
            "Ingress": False,
            "Options": options,
            "Labels": dict(self.labels),
        }


class SimBox:
    """One simulated container's state."""

    def __init__(
        self,
        name: str,
        image: str,
        command: list[str] | None,
        labels: dict[str, str],
        dns: list[str] | None,
        mode: str,
        links: dict[str, str],
        configs: dict[str, dict[str, Any]],
        ports: dict[int, int],
        *,
        created: str = "",
        link_ids: dict[str, str] | None = None,
        hostname: str | None = None,
        extra_hosts: list[tuple[str, str]] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex + uuid.uuid4().hex
        self.created = created
        self.link_ids = dict(link_ids or {})  # link target name -> the id of the container it was made with
        self.given_hostname = hostname
        self.extra_hosts = list(extra_hosts or [])
        self.name = name
        self.image = image
        self.command = command
        self.labels = labels
        self.dns = dns
        self.mode = mode
        self.links = links
        self.configs = configs  # network -> {"ip": fixed address or None, "aliases": [...], "links": {...}}
        self.status = "created"
        self.ips: dict[str, str] = {}
        self.ifindex: dict[str, int] = {}
        self.hosts: list[list[str]] = []  # [ip, names, key]
        self.embedded_dns = False
        self.ports = ports  # container port -> host port on 127.0.0.1 (-p 127.0.0.1:HOST:CONTAINER)
        self.proxies: list[PublishedPort] = []
        self.listener = services.listener(command)  # what its main process serves, if a stand-in

    @property
    def running(self) -> bool:
        """Whether the container runs."""
        return self.status == "running"

    @property
    def short_id(self) -> str:
        """The first 12 characters of the id."""
        return self.id[:12]

    @property
    def hostname(self) -> str:
        """``--hostname``, or the short id."""
        return self.given_hostname or self.short_id


#: Opens one published port of a starting container: ``(container, container port, host port)``;
#: raises :class:`OSError` when the host port cannot be bound.
Publisher = Callable[[SimBox, int, int], PublishedPort]

#: One network's endpoint settings given at ``docker create``: ``--ip`` (or None), ``--network-alias``es, and
#: ``--link``s (alias -> target, in effect on a user-defined network: of two links with one alias, the last holds).
Endpoint = tuple[str | None, list[str], dict[str, str]]


class SimEngine:
    """The state of one simulated Docker engine, changed as the engine's API calls change it.

    Parameters
    ----------
    engine_version : str
        The Docker release whose behaviour to follow where releases differ
        (see :class:`~dockerlab.model.Release`).
    images : iterable of str
        The tags of the images the engine starts with.

    Notes
    -----
    Published ports are opened by :attr:`publish` when a container starts
    (the facade sets it to :class:`~dockerlab.engines.sim.proxy.Proxy`); without one
    they are recorded but not served. Every method takes :attr:`lock`.
    """

    def __init__(
        self,
        engine_version: str = DEFAULT_VERSION,
        images: Iterable[str] = (),
        *,
        bridge: tuple[str, str] = DEFAULT_BRIDGE,
        pools: list[str] | None = None,
    ) -> None:
        self.engine_version = engine_version
        self.release = Release.of(engine_version)
        if self.release.is_podman:  # Podman's defaults: its network ``podman`` and its pool of /24s
            bridge = PODMAN_BRIDGE if bridge == DEFAULT_BRIDGE else bridge
            pools = pools or PODMAN_POOLS
        #: the default address pools, in the order the engine hands them out (``--default-address-pool``)
        self.pools = list(pools or PREDEFINED_POOLS)
        #: what this engine's containers' pings are answered from; by default its own state
        #: (a simulated swarm, :mod:`dockerlab.engines.sim.swarm`, answers from all of its hosts)
        self.viewer: Callable[[], State] | None = None
        self.lock = threading.RLock()
        self.nets: dict[str, SimNet] = {}
        self.boxes: dict[str, SimBox] = {}
        self.images: set[str] = set(images)
        self.publish: Publisher | None = None
        self._start_index = 0
        self._ifindex = itertools.count(100, 2)
        self._created = itertools.count(int(time.time() * 1e6))
        self._version = 0
        self._state: tuple[int, State] | None = None
        default = SimNet(
            "bridge",
            "bridge",
            *bridge,
            options={bridge_options.ENABLE_ICC: "true"},
            release=self.release,
        )
        default.ifindex = 3
        for net in (default, SimNet("host", "host", None, None), SimNet("none", "null", None, None)):
            self.nets[net.name] = net

    # -- lookups ---------------------------------------------------------------

    def box(self, key: str) -> SimBox:
        """The container with this id, id prefix (4 characters or more) or name."""
        with self.lock:
            if key in self.boxes:
                return self.boxes[key]
            for b in self.boxes.values():
                if b.name == key.lstrip("/") or (len(key) >= 4 and b.id.startswith(key)):
                    return b
        raise SimError(f"No such container: {key}", 404)

    def by_name(self, name: str) -> SimBox | None:
        """The container called ``name``, if there is one."""
        return next((b for b in self.boxes.values() if b.name == name), None)

    def net(self, key: str) -> SimNet:
        """The network with this name or id prefix (4 characters or more)."""
        with self.lock:
            if key in self.nets and not self.nets[key].hidden:
                return self.nets[key]
            for n in self.nets.values():
                if not n.hidden and len(key) >= 4 and n.id.startswith(key):
                    return n
        raise SimError(f"network {key} not found", 404)

    def containers(self, all: bool = False, filters: dict[str, Any] | None = None) -> list[SimBox]:
        """``docker ps`` (``-a`` with ``all``), with the ``label`` and ``name`` filters."""
        with self.lock:
            boxes = [b for b in self.boxes.values() if all or b.running]
            for key, value in (filters or {}).items():
                values = value if isinstance(value, list) else [value]
                if key == "label":
                    boxes = [b for b in boxes if _labelled(b.labels, values)]
                elif key == "name":
                    boxes = [b for b in boxes if any(re.search(v, "/" + b.name) for v in values)]
            return boxes

    def networks(self, names: list[str] | None = None, filters: dict[str, Any] | None = None) -> list[SimNet]:
        """``docker network ls``, optionally by name, with the ``label`` and ``driver`` filters."""
        with self.lock:
            nets = [n for n in self.nets.values() if not n.hidden]
            if names:
                nets = [n for n in nets if n.name in names]
            for key, value in (filters or {}).items():
                values = value if isinstance(value, list) else [value]
                if key == "label":
                    nets = [n for n in nets if _labelled(n.labels, values)]
                elif key == "driver":
                    nets = [n for n in nets if n.driver in values]
            return nets

    def image(self, name: str) -> str:
        """``name`` when the engine has that image; :class:`NoSuchImage` otherwise."""
        if name not in self.images:
            raise NoSuchImage(name)
        return name

    def add_image(self, tag: str) -> None:
        """Store an image under ``tag`` (``docker import``)."""
        self.images.add(tag)

    def remove_image(self, name: str) -> None:
        """``docker rmi``."""
        self.images.remove(self.image(name))

    def changed(self) -> None:
        """Note a change: the next :meth:`state` is computed afresh."""
        self._version += 1

    # -- networks --------------------------------------------------------------

    def create_network(
        self,
        name: str,
        subnet: str | None = None,
        gateway: str | None = None,
        *,
        internal: bool = False,
        options: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> SimNet:
        """``docker network create --driver bridge``: ``subnet`` or the next free default pool."""
        with self.lock:
            if name == "default":
                raise SimError("operation is not permitted on predefined default network", 403)
            refused = refusals.network_name_in_use(name, self.nets)
            if subnet and refused is None:
                refused = refusals.pool_overlap(subnet, [(n.subnet, n.name) for n in self.nets.values() if n.subnet])
            if refused is not None:
                raise SimError(refused.message, refused.status)
            configured = bool(subnet)
            if not subnet:
                subnet = self._next_pool()
            net = SimNet(
                name, "bridge", subnet, gateway, internal=internal, options=options, labels=labels, release=self.release
            )
            net.configured = configured
            net.ifindex = next(self._ifindex)
            self.nets[name] = net
            self.changed()
            return net

    def _next_pool(self) -> str:
        """The first free default pool: from the rotating start index, or the lowest one when the release says so.

        Before 28 this is libnetwork's allocatePredefinedPool; 28 rewrote the
        allocator, which takes the lowest free pool, so a pool just released
        is handed out again at once.
        """
        taken = [n.subnet for n in self.nets.values() if n.subnet]
        if self.release.pools_lowest_first:
            self._start_index = 0
        found = subnets.next_pool(self.pools, self._start_index, taken)
        if found is not None:
            pool, self._start_index = found
            return pool
        raise SimError(
            "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"
        )

    def remove_network(self, key: str) -> None:
        """``docker network rm``."""
        with self.lock:
            net = self.net(key)
            if net.name in PREDEFINED_NETWORKS:
                raise SimError(f"{key} is a pre-defined network and cannot be removed", 403)
            engines = getattr(net, "engines", None) or [self]  # a swarm's overlay is on each of its engines
            if any(net.name in b.ips for e in engines for b in e.boxes.values()):
                raise SimError(f"error while removing network: network {key} id {net.id} has active endpoints", 403)
            for e in engines:
                e.nets.pop(net.name, None)
                e.changed()

    # -- mirroring another engine's state ---------------------------------------

    def occupy(self, subnet: str) -> None:
        """Take ``subnet`` as another user's network would: it is never handed out nor may be overlapped.

        The network is hidden (no ``docker network ls``, no interface): it
        only mirrors a real engine's networks that are not the lab's.
        """
        with self.lock:
            net = SimNet(f"(reserved {subnet})", "bridge", subnet, None, hidden=True)
            self.nets[net.name] = net
            self.changed()

    def occupy_bridge_addresses(self, ips: Iterable[str]) -> None:
        """Take these default-bridge addresses, as other users' containers would."""
        with self.lock:
            for ip in ips:
                self.nets["bridge"].take(ip)
            self.changed()

    def continue_pools_after(self, pool: str) -> None:
        """Continue the rotating pool allocation after ``pool`` (one of :data:`PREDEFINED_POOLS`).

        A real engine's allocator starts after the last pool it handed out;
        this puts the simulated one in the same place.
        """
        i = self.pools.index(pool) + 1
        self._start_index = i if i < len(self.pools) else 0

    # -- containers ------------------------------------------------------------

    def create(
        self,
        name: str | None,
        image: str,
        command: list[str] | None,
        *,
        labels: dict[str, str] | None = None,
        dns: list[str] | None = None,
        mode: str = "default",
        endpoints: dict[str, Endpoint] | None = None,
        links: dict[str, str] | None = None,
        ports: dict[int, int] | None = None,
        hostname: str | None = None,
        extra_hosts: dict[str, str] | None = None,
    ) -> SimBox:
        """``docker create``.

        Parameters
        ----------
        name : str or None
            The container's name; None for a generated one.
        image, command
            The image's tag and the main process's argv (None: the image's).
        labels, dns
            ``--label`` and ``--dns``.
        mode : str
            ``HostConfig.NetworkMode``: ``"default"`` (the default bridge), a
            network's name, ``"host"``, ``"none"`` or ``"container:NAME"``
            (NAME's network stack).
        endpoints : dict
            Network -> (fixed IPv4 address or None, aliases, links); only the
            entry of the network ``mode`` names is used, as by the engine.
            ``links`` (alias -> target) are the endpoint's: ``--link`` on a
            user-defined network.
        links : dict
            ``HostConfig.Links``: target (name or id) -> alias; in effect on
            the default bridge only. Of two links with the same alias, the
            first is kept.
        ports : dict
            Container port -> host port on 127.0.0.1.
        hostname, extra_hosts
            ``--hostname`` and ``--add-host`` (name -> address).
        """
        with self.lock:
            name = name or f"sim_{uuid.uuid4().hex[:8]}"
            if links and not self.release.links_supported:  # Podman's compatible API, as measured on 4.3.1
                raise SimError("bad parameter: link is not supported", 400)
            if not CONTAINER_NAME.fullmatch(name):
                allowed = CONTAINER_NAME.pattern.removesuffix("+")  # the characters, as Docker's message shows them
                raise SimError(f"Invalid container name ({name}), only {allowed} are allowed", 400)
            other = self.by_name(name)
            refused = refusals.container_name_in_use(name, other.id if other is not None else None)
            if refused is not None:
                raise SimError(refused.message, refused.status)
            self.image(image)
            configs = self._endpoint_configs(mode, endpoints)
            kept: dict[str, str] = {}
            link_ids: dict[str, str] = {}
            for key, alias in (links or {}).items():
                target = self._link_target(key)
                if alias not in kept.values() and target.name not in kept:
                    kept[target.name], link_ids[target.name] = alias, target.id
            box = SimBox(
                name,
                image,
                command,
                dict(labels or {}),
                dns,
                mode,
                kept,
                configs,
                dict(ports or {}),
                created=self._timestamp(),
                link_ids=link_ids,
                hostname=hostname,
                extra_hosts=list((extra_hosts or {}).items()),
            )
            self.boxes[box.id] = box
            self.changed()
            return box

    def _endpoint_configs(self, mode: str, endpoints: dict[str, Endpoint] | None) -> dict[str, dict[str, Any]]:
        """The endpoint a new container gets on the network ``mode`` names (none in another's stack); the
        engine's refusals."""
        if mode.startswith("container:"):  # --network container:X: X's stack, no endpoint of its own
            self.box(mode.removeprefix("container:"))
            return {}
        net_name = "bridge" if mode == "default" else mode
        net = self.net(net_name)
        ip, aliases, net_links = (endpoints or {}).get(net_name) or (None, [], {})
        refused = refusals.alias_on_predefined(net.name, aliases) or self._fixed_ip_refused(net, ip)
        if refused is not None:
            raise SimError(refused.message, refused.status)
        return {net_name: {"ip": ip, "aliases": list(aliases), "links": dict(net_links or {})}}

    @staticmethod
    def _fixed_ip_refused(net: SimNet, ip: str | None) -> refusals.Refusal | None:
        if net.subnet is None and net.name in ("host", "none"):
            return None
        return refusals.fixed_ip_refusal(net.name, ip, net.configured)

    def _link_target(self, key: str) -> SimBox:
        """The container a ``--link`` names (by name or id); Docker's errors for one it cannot link to."""
        try:
            target = self.box(key)
        except SimError:
            raise SimError(f"Could not get container for {key}", 404) from None
        refused = refusals.link_refusal(target.mode)
        if refused is not None:
            raise SimError(refused.message, refused.status)
        return target

    def _timestamp(self) -> str:
        """A ``Created`` timestamp, later than every earlier one of this engine."""
        micros = next(self._created)
        stamp = datetime.fromtimestamp(micros // 1_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{stamp}.{micros % 1_000_000:06d}000Z"

    def exec_refused(self, box: SimBox) -> str | None:
        """Why the engine refuses to start or enter ``box``: a link target down or off the default bridge."""
        if box.mode not in BRIDGE_MODES:
            return None
        state = self.state()  # the same rule predict and explain use
        return state.exec_refused(state.boxes[box.name])

    def start(self, box: SimBox) -> None:
        """``docker start``: take an address on each network, publish the ports, write /etc/hosts."""
        with self.lock:
            if box.running:
                return
            problem = self.exec_refused(box) or self._owner_refused(box)
            if problem:
                raise SimError(problem)
            taken: list[tuple[SimNet, str]] = []
            try:
                for net_name in sorted(box.configs, key=lambda n: (n != "bridge", n)):
                    if net_name not in self.nets:
                        raise SimError(f"network {net_name} not found", 404)
                    net = self.nets[net_name]
                    if net.subnet is not None:
                        taken.append((net, net.take(box.configs[net_name]["ip"])))
                        net.joined(self)
                box.proxies = self._publish(box)
            except SimError:
                for net, ip in taken:
                    net.release(ip)
                raise
            box.status = "running"
            box.ips = {net.name: ip for net, ip in taken}
            box.ifindex = {net.name: next(self._ifindex) for net, _ in taken}
            box.embedded_dns = any(self.nets[n].model().has_dns for n in box.ips)
            box.hosts = [[ip, name, "extra"] for name, ip in box.extra_hosts]
            for target, alias in box.links.items() if box.mode in BRIDGE_MODES else ():
                t = self.boxes[box.link_ids[target]]
                names = f"{alias} {t.hostname}" + ("" if alias == target else f" {target}")
                box.hosts.append([t.ips["bridge"], names, f"link:{t.id}"])
            for net, ip in taken:
                box.hosts.append([ip, box.hostname, f"own:{net.name}"])
            # Parents linking to this container see its new address (libnetwork's parent updates).
            if "bridge" in box.ips:
                for parent in self.boxes.values():
                    for line in parent.hosts:
                        if line[2] == f"link:{box.id}" and parent.running:
                            line[0] = box.ips["bridge"]
            self.changed()

    def _owner(self, box: SimBox) -> SimBox | None:
        """The container whose network stack ``box`` uses (``--network container:X``), if it exists."""
        if not box.mode.startswith("container:"):
            return None
        try:
            return self.box(box.mode.removeprefix("container:"))
        except SimError:
            return None

    def _owner_refused(self, box: SimBox) -> str | None:
        """Why ``box`` (``--network container:X``) cannot start: X is gone or not running."""
        if not box.mode.startswith("container:"):
            return None
        try:
            owner = self.box(box.mode.removeprefix("container:"))
        except SimError as e:
            return e.message
        return None if owner.running else f"cannot join network of a non running container: {owner.id}"

    def _publish(self, box: SimBox) -> list[PublishedPort]:
        """Open ``box``'s published ports; Docker's error when a host port cannot be bound."""
        opened: list[PublishedPort] = []
        if self.publish is None:
            return opened
        try:
            for inner, outer in box.ports.items():
                opened.append(self.publish(box, inner, outer))
        except OSError as e:
            for port in opened:
                port.close()
            raise SimError(
                f"driver failed programming external connectivity on endpoint {box.name} ({box.id}): "
                f"Error starting userland proxy: listen tcp4 {e}"
            ) from e
        return opened

    def stop(self, box: SimBox) -> None:
        """``docker stop``: free the addresses, close the published ports."""
        with self.lock:
            if not box.running:
                return
            held = [self.nets[n] for n in box.ips if n in self.nets]
            for net_name, ip in box.ips.items():
                if net_name in self.nets:
                    self.nets[net_name].release(ip)
            box.ips = {}
            for net in held:
                net.left(self)
            box.ifindex = {}
            for proxy in box.proxies:
                proxy.close()
            box.proxies = []
            box.status = "exited"
            self.changed()

    def remove(self, box: SimBox, force: bool = False) -> None:
        """``docker rm`` (``-f`` with ``force``)."""
        with self.lock:
            if box.running and not force:
                raise SimError(
                    f"You cannot remove a running container {box.id}. Stop the container before attempting "
                    "removal or force remove",
                    409,
                )
            self.stop(box)
            self.boxes.pop(box.id, None)
            self.changed()

    def connect(
        self,
        box: SimBox,
        net_key: str,
        ip: str | None = None,
        aliases: Iterable[str] = (),
        links: dict[str, str] | None = None,
    ) -> None:
        """``docker network connect`` (``--link``: ``links``, alias -> target): a running container gets its
        address at once."""
        with self.lock:
            net = self.net(net_key)
            if box.mode in ("host", "none") or net.name in ("host", "none"):
                raise SimError(
                    "container cannot be disconnected from host network or connected to host network"
                    if "host" in (box.mode, net.name)
                    else "container sharing network namespace with another container or host cannot be "
                    "connected to any other network",
                    403,
                )
            refused = (
                refusals.already_connected(box.name, net.name, box.configs)
                or refusals.alias_on_predefined(net.name, list(aliases))
                or self._fixed_ip_refused(net, ip)
            )
            if refused is not None:
                raise SimError(refused.message, refused.status)
            if box.running and net.subnet is not None:
                address = net.take(ip)
                net.joined(self)
                box.ips[net.name] = address
                box.ifindex[net.name] = next(self._ifindex)
                box.hosts.append([address, box.hostname, f"own:{net.name}"])
                if net.model().has_dns:
                    box.embedded_dns = True
            box.configs[net.name] = {"ip": ip, "aliases": list(aliases), "links": dict(links or {})}
            self.changed()

    def disconnect(self, box: SimBox, net_key: str) -> None:
        """``docker network disconnect``."""
        with self.lock:
            net = self.net(net_key)
            if net.name not in box.configs:
                raise SimError(f"container {box.id} is not connected to network {net.name}", 403)
            if net.name == "host" or box.mode == "host":
                raise SimError("container cannot be disconnected from host network or connected to host network", 403)
            if net.name in box.ips:
                net.release(box.ips.pop(net.name))
                net.left(self)
                box.ifindex.pop(net.name, None)
                if self.release.disconnect_keeps_other_hosts_lines:
                    box.hosts = [line for line in box.hosts if line[2] != f"own:{net.name}"]
                else:  # every line with the container's own name goes, the other networks' too
                    box.hosts = [line for line in box.hosts if not line[2].startswith("own:")]
            del box.configs[net.name]
            self.changed()

    # -- inspect ---------------------------------------------------------------

    def container_attrs(self, box: SimBox) -> dict[str, Any]:
        """``docker inspect`` data of ``box``."""
        networks = {}
        for net_name in sorted(box.configs):
            cfg = box.configs[net_name]
            net = self.nets.get(net_name)
            ip = box.ips.get(net_name, "")
            user = net is not None and net.model().has_dns
            added = [box.short_id, *([box.given_hostname] if box.given_hostname else [])]
            aliases = list(cfg["aliases"]) if self.release.aliases_as_submitted else [*cfg["aliases"], *added]
            links = cfg.get("links") or {}
            # From 25 an --internal network gives no default route, and inspect shows no gateway.
            no_route = net is not None and net.internal and self.release.internal_has_no_default_route
            no_route = no_route or (net is not None and net.driver == "overlay")  # an overlay's goes unreported
            networks[net_name] = {
                "IPAMConfig": {"IPv4Address": cfg["ip"]} if cfg["ip"] else None,
                "Links": [f"{t}:{a}" for a, t in links.items()] if user and links else None,
                "Aliases": (aliases or None) if user else None,
                "NetworkID": net.id if net else "",
                "EndpointID": uuid.uuid5(uuid.NAMESPACE_OID, box.id + net_name).hex if ip else "",
                "Gateway": (net.gateway or "") if ip and net and not no_route else "",
                "IPAddress": ip,
                "IPPrefixLen": net.subnet.prefixlen if ip and net and net.subnet else 0,
                "MacAddress": mac_address(ip) if ip else "",
            }
            if self.release.dns_names_in_inspect:
                networks[net_name]["DNSNames"] = [box.name, *cfg["aliases"], *added] if user else None
        mode_links = [f"/{t}:/{box.name}/{a}" for t, a in box.links.items()] or None
        return {
            "Id": box.id,
            "Created": box.created,
            "Name": "/" + box.name,
            "Image": box.image,
            "State": {
                "Status": box.status,
                "Running": box.running,
                "Paused": False,
                "Restarting": False,
                "ExitCode": 0,
                "Error": "",
            },
            "Config": {"Hostname": box.hostname, "Image": box.image, "Cmd": box.command, "Labels": dict(box.labels)},
            "HostConfig": {
                "NetworkMode": box.mode,
                "Links": mode_links,
                "Dns": box.dns,
                "ExtraHosts": [f"{name}:{ip}" for name, ip in box.extra_hosts] or None,
                "PortBindings": {
                    f"{i}/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(o)}] for i, o in box.ports.items()
                }
                or None,
            },
            "NetworkSettings": {
                # (Podman's default network is "podman" here, "bridge" in its compatible `network ls`)
                "Networks": {(self.release.default_network if k == "bridge" else k): v for k, v in networks.items()},
                "Ports": {
                    f"{i}/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(o)}] if box.running else None
                    for i, o in box.ports.items()
                },
            },
        }

    def hosts_text(self, box: SimBox) -> str:
        """``box``'s /etc/hosts: the release's head, ``--add-host`` lines, its links, its own addresses.

        A container on the host network shares the host's file.
        """
        if box.mode == "host":
            return HOST_HOSTS
        owner = self._owner(box)
        if owner is not None:  # the stack's owner wrote the file the joined container sees
            return self.hosts_text(owner)
        lines = [*self.release.hosts_head, *(f"{ip}\t{names}" for ip, names, _ in box.hosts)]
        return "\n".join(lines) + "\n"

    def view(self) -> State:
        """The state this engine's pings are answered from: its own, or its swarm's (see :attr:`viewer`)."""
        return self.viewer() if self.viewer is not None else self.state()

    def state(self) -> State:
        """The model's view of the simulated engine (cached until the next change)."""
        with self.lock:
            if self._state is not None and self._state[0] == self._version:
                return self._state[1]
            boxes = []
            for b in self.boxes.values():
                attrs = default_as_bridge(self.container_attrs(b), self.release)
                boxes.append(box_from_attrs(attrs, self.hosts_text(b) if b.running else None))
            nets = [n.model() for n in self.nets.values() if not n.hidden]
            state = State(boxes, nets, self.release)
            self._state = (self._version, state)
            return state


__all__ = [
    "DEFAULT_BRIDGE",
    "PREDEFINED_POOLS",
    "Endpoint",
    "NoSuchImage",
    "PublishedPort",
    "Publisher",
    "SimBox",
    "SimEngine",
    "SimError",
    "SimNet",
    "mac_address",
]
