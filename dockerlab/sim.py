"""A simulated Docker engine, in memory: follow the series without Docker.

:class:`SimClient` stands in for the part of ``docker.DockerClient`` that
:class:`~dockerlab.lab.Lab` uses, so the Lab's code (and its command-line
history) is the same on both engines. It reproduces Docker's behaviour, each
rule checked on real engines (20.10.24, 26.1.5 and 28.5.2; where they
differ, the release given as ``engine_version``, 20.10 by default, decides):

- the default ``bridge`` is 172.17.0.0/16 with gateway 172.17.0.1; ``host``
  and ``none`` exist; a network created without a subnet takes the next free
  pool of Docker's default address pools (172.18-31.0.0/16, then
  192.168.0.0/20, 192.168.16.0/20...): before 28, the first free one *after
  the last one handed out*, wrapping around (libnetwork's rotating start
  index), so a pool just released is not reused at once; from 28 on, the
  lowest free one; an explicit subnet may not overlap another;
- a container gets the first free address of each network (gateway,
  network and broadcast addresses excluded) each time it starts, and frees
  it when it stops: a restarted container keeps its address unless a lower
  one is free, and gets a new one when its old one was taken meanwhile;
- ``--link`` on the default bridge writes ``IP alias id [name]`` into the
  linking container's /etc/hosts (one way); the line follows a restart of the
  linked container; starting, or entering with ``docker exec``, a container
  whose link target is not running fails ("Cannot link to a non running
  container"), and so does one whose target is off the default bridge
  (never joined it, or was disconnected from it: "does not belong to the
  default network"). Links given with a user-defined network (as the
  Lab passes them, in ``HostConfig.Links``) have no effect, as on the engine;
- a container on a user-defined network uses the embedded DNS (127.0.0.11)
  for the names and aliases of running containers it shares such a network
  with; the default bridge has none; bridges are isolated even by IP;
  ``--internal`` and ``enable_icc=false`` behave as on the engine (see
  :mod:`dockerlab.explain`, whose rules answer the simulated pings).

- the finale's stand-ins (:mod:`dockerlab.services`) serve their ports:
  ``nc HOST PORT`` in a container resolves and routes by the same rules and
  gets the service's line, "Connection refused" or busybox's timeout (for a
  name the embedded DNS does not know: a timeout before 26, "bad address"
  from 26 on, which answers at once); a published port
  (``-p 127.0.0.1:HOST:CONTAINER``) is a real socket on the host's loopback
  while the container runs, as docker-proxy's is, answered with what the
  container would answer (the app's page asks its service by name, from the
  app's container);
- /etc/resolv.conf and the head of /etc/hosts as the release writes them
  (from 26 on, resolv.conf has comments; from 28 on, ``fe00::`` for ``fe00::0``).

Known simplifications: no real processes (commands other than ``ping``,
``cat``, ``grep``, ``nslookup``, ``nc HOST PORT``, ``ip addr``, ``ip route``,
``hostname``, ``echo`` and ``true`` exit 127; main processes other than the
stand-ins serve nothing), and the host's routes are the bridges' plus one
private interface (10.254.0.0/24).
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import re
import socket
import threading
import uuid
from typing import Any

import docker.errors

from dockerlab import explain, probe, services
from dockerlab.engine import ENGINE_VARIABLE
from dockerlab.errors import EngineUnavailable

PREDEFINED_POOLS = [f"172.{i}.0.0/16" for i in range(17, 32)] + [
    str(n) for n in ipaddress.ip_network("192.168.0.0/16").subnets(new_prefix=20)
]
DEFAULT_BRIDGE = ("172.17.0.0/16", "172.17.0.1")
#: The simulated host's own interface: TEST-NET-1, a range never routed anywhere.
HOST_ROUTES = ["default via 10.254.0.1 dev eth0", "10.254.0.0/24 dev eth0 proto kernel scope link src 10.254.0.2"]
BANNER = (
    "SIMULATED: no Docker engine answers here, so this notebook runs on dockerlab's simulator, which "
    "follows Docker's rules (addresses, DNS, links, isolation) without sending a packet. Results are simulated; "
    "run it with Docker to see the real thing."
)
_HOSTS_HEAD = [
    "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix", "ff02::1\tip6-allnodes", "ff02::2\tip6-allrouters",
]  # fmt: skip
_PROBE_PREFIX = probe.script_argv([])
#: The release the simulator follows by default; ``SimClient(engine_version=...)`` follows another.
DEFAULT_ENGINE_VERSION = "20.10.24"


def _error(message: str, status: int = 500) -> docker.errors.APIError:
    cls = docker.errors.NotFound if status == 404 else docker.errors.APIError
    return cls(f"{status} Server Error: {message}", explanation=message)


class _Net:
    """One simulated network and its address allocator."""

    def __init__(self, name: str, driver: str, subnet: str | None, gateway: str | None, *,
                 internal: bool = False, options: dict[str, str] | None = None,
                 labels: dict[str, str] | None = None, hidden: bool = False) -> None:  # fmt: skip
        self.id = uuid.uuid4().hex + uuid.uuid4().hex[:32]
        self.name = name
        self.driver = driver
        self.subnet = ipaddress.ip_network(subnet) if subnet else None
        self.internal = internal
        self.options = dict(options or {})
        self.labels = dict(labels or {})
        self.hidden = hidden
        self.used: set[int] = set()
        self.ifindex = 0  # the bridge device's index on the host, set by the client
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
                raise _error(f"Invalid address {ip}: It does not belong to any of this network's subnets", 400)
            if offset in self.used:
                raise _error("Address already in use", 403)
        else:
            offset = next((o for o in range(1, size - 1) if o not in self.used), 0)
            if not offset:
                raise _error(f"no available IPv4 addresses on this network's address pools: {self.name}")
        self.used.add(offset)
        return str(self.subnet.network_address + offset)

    def release(self, ip: str) -> None:
        assert self.subnet is not None
        self.used.discard(int(ipaddress.ip_address(ip)) - int(self.subnet.network_address))

    @property
    def device(self) -> str:
        if self.name == "bridge":
            return "docker0"
        return f"br-{self.id[:12]}" if self.driver == "bridge" else ""

    def attrs(self) -> dict[str, Any]:
        config = [{"Subnet": str(self.subnet), "Gateway": self.gateway}] if self.subnet else []
        options = dict(self.options)
        if self.name == "bridge":
            options.update({"com.docker.network.bridge.default_bridge": "true",
                            "com.docker.network.bridge.enable_icc": "true",
                            "com.docker.network.bridge.name": "docker0"})  # fmt: skip
        return {
            "Name": self.name, "Id": self.id, "Scope": "local", "Driver": self.driver, "EnableIPv6": False,
            "IPAM": {"Driver": "default", "Options": None, "Config": config}, "Internal": self.internal,
            "Attachable": False, "Ingress": False, "Options": options, "Labels": dict(self.labels),
        }  # fmt: skip


class _Box:
    """One simulated container's state."""

    def __init__(self, name: str, image: str, command: list[str] | None, labels: dict[str, str],
                 dns: list[str] | None, mode: str, links: dict[str, str],
                 configs: dict[str, dict[str, Any]], ports: dict[int, int]) -> None:  # fmt: skip
        self.id = uuid.uuid4().hex + uuid.uuid4().hex
        self.name = name
        self.image = image
        self.command = command
        self.labels = labels
        self.dns = dns
        self.mode = mode
        self.links = links
        self.configs = configs  # network -> {"ip": fixed address or None, "aliases": [...]}
        self.status = "created"
        self.ips: dict[str, str] = {}
        self.ifindex: dict[str, int] = {}
        self.hosts: list[list[str]] = []  # [ip, names, key]
        self.embedded_dns = False
        self.ports = ports  # container port -> host port on 127.0.0.1 (-p 127.0.0.1:HOST:CONTAINER)
        self.proxies: list[_Proxy] = []
        self.listener = services.listener(command)  # what its main process serves, if a stand-in

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def short_id(self) -> str:
        return self.id[:12]


class _Container:
    """What ``client.containers.get`` returns: a handle with docker-py's methods."""

    def __init__(self, client: SimClient, box: _Box) -> None:
        self.client = client
        self._box = box
        self.id = box.id
        self.attrs = client._container_attrs(box)

    @property
    def name(self) -> str:
        return self._box.name

    @property
    def short_id(self) -> str:
        return self._box.short_id

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.attrs["Config"]["Labels"] or {})

    @property
    def status(self) -> str:
        return str(self.attrs["State"]["Status"])

    def reload(self) -> None:
        self._box = self.client._box(self.id)
        self.attrs = self.client._container_attrs(self._box)

    def start(self) -> None:
        self.client._start(self.client._box(self.id))

    def stop(self, timeout: int = 10) -> None:
        self.client._stop(self.client._box(self.id))

    def restart(self, timeout: int = 10) -> None:
        box = self.client._box(self.id)
        self.client._stop(box)
        self.client._start(box)

    def remove(self, force: bool = False, v: bool = False) -> None:
        self.client._remove(self.client._box(self.id), force)

    def logs(self, **kwargs: Any) -> bytes:
        return b""

    def exec_run(self, cmd: list[str] | str, environment: Any = None, demux: bool = False, **kw: Any) -> Any:
        from docker.models.containers import ExecResult

        code, text = self.client._exec(self.client._box(self.id), cmd)
        return ExecResult(code, text.encode())


class _Network:
    def __init__(self, client: SimClient, net: _Net) -> None:
        self.client = client
        self.id = net.id
        self.name = net.name
        self.attrs = net.attrs()

    def remove(self) -> None:
        self.client._remove_network(self.name)

    def reload(self) -> None:
        self.attrs = self.client._net(self.name).attrs()


class _Containers:
    def __init__(self, client: SimClient) -> None:
        self.client = client

    def list(self, all: bool = False, filters: dict[str, Any] | None = None, **kw: Any) -> list[_Container]:
        with self.client._lock:
            boxes = [b for b in self.client._boxes.values() if all or b.running]
            for key, value in (filters or {}).items():
                values = value if isinstance(value, list) else [value]
                if key == "label":
                    boxes = [b for b in boxes if all_labels(b.labels, values)]
                elif key == "name":
                    boxes = [b for b in boxes if any(re.search(v, "/" + b.name) for v in values)]
            return [_Container(self.client, b) for b in boxes]

    def get(self, container_id: str) -> _Container:
        with self.client._lock:
            return _Container(self.client, self.client._box(container_id))

    def create(self, image: str, command: list[str] | str | None = None, **kw: Any) -> _Container:
        return self.client._create(image, command, kw)

    def run(self, image: str, command: list[str] | str | None = None, **kw: Any) -> bytes:
        """Only what :meth:`Lab.host_routes` runs: ``ip -4 route show`` on the host network."""
        argv = command.split() if isinstance(command, str) else list(command or [])
        if kw.get("network_mode") == "host" and argv[:2] == ["ip", "-4"]:
            return self.client._host_routes().encode()
        if kw.get("network_mode") == "host" and _is_snapshot(argv):
            return self.client._host_snapshot().encode()
        raise _error(f"the dockerlab simulator cannot run {argv!r} in a throwaway container")


class _Networks:
    def __init__(self, client: SimClient) -> None:
        self.client = client

    def list(self, names: list[str] | None = None, filters: dict[str, Any] | None = None, **kw: Any) -> list[_Network]:
        with self.client._lock:
            nets = [n for n in self.client._nets.values() if not n.hidden]
            if names:
                nets = [n for n in nets if n.name in names]
            for key, value in (filters or {}).items():
                values = value if isinstance(value, list) else [value]
                if key == "label":
                    nets = [n for n in nets if all_labels(n.labels, values)]
            return [_Network(self.client, n) for n in nets]

    def get(self, network_id: str) -> _Network:
        with self.client._lock:
            return _Network(self.client, self.client._net(network_id))

    def create(self, name: str, driver: str = "bridge", ipam: Any = None, internal: bool = False,
               options: dict[str, str] | None = None, labels: dict[str, str] | None = None,
               **kw: Any) -> _Network:  # fmt: skip
        return self.client._create_network(name, ipam, internal, options, labels)


class _Images:
    """The simulated engine's images: the lab image is built in; others come by import."""

    def __init__(self) -> None:
        from dockerlab import image

        self.tags = {image.IMAGE}

    def get(self, name: str) -> Any:
        if name in self.tags:
            return type("SimImage", (), {"id": "sha256:" + "0" * 64, "tags": [name]})()
        raise docker.errors.ImageNotFound(f"No such image: {name}")

    def remove(self, name: str, force: bool = False) -> None:
        if name not in self.tags:
            raise docker.errors.ImageNotFound(f"No such image: {name}")
        self.tags.discard(name)


class _Api:
    def __init__(self, client: SimClient) -> None:
        self.client = client

    def create_endpoint_config(self, ipv4_address: str | None = None, aliases: list[str] | None = None,
                               **kw: Any) -> dict[str, Any]:  # fmt: skip
        return {"IPAMConfig": {"IPv4Address": ipv4_address} if ipv4_address else None, "Aliases": aliases}

    def connect_container_to_network(self, container: str, net_id: str, ipv4_address: str | None = None,
                                     aliases: list[str] | None = None, **kw: Any) -> None:  # fmt: skip
        self.client._connect(self.client._box(container), net_id, ipv4_address, aliases or [])

    def disconnect_container_from_network(self, container: str, net_id: str, force: bool = False) -> None:
        self.client._disconnect(self.client._box(container), net_id)

    def import_image_from_data(self, data: bytes, repository: str = "", tag: str = "", **kw: Any) -> dict[str, str]:
        self.client.images.tags.add(f"{repository}:{tag or 'latest'}")
        return {"status": "imported into the dockerlab simulator"}


def all_labels(labels: dict[str, str], wanted: list[str]) -> bool:
    """Docker's label filter: every ``key`` or ``key=value`` matches."""
    for w in wanted:
        key, eq, value = w.partition("=")
        if key not in labels or (eq and labels[key] != value):
            return False
    return True


class _Proxy:
    """docker-proxy for one published port: a real socket on 127.0.0.1, answered by the simulator."""

    def __init__(self, client: SimClient, box: _Box, inner: int, outer: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Go's listeners do
        try:
            self.sock.bind(("127.0.0.1", outer))
            self.sock.listen(16)
        except OSError as e:
            self.sock.close()
            raise OSError(e.errno, f"127.0.0.1:{outer}: bind: {e.strerror.lower()}") from e
        self.client, self.box, self.inner = client, box, inner
        threading.Thread(target=self._accept, name=f"sim-proxy-{outer}", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the container stopped
                return
            threading.Thread(target=self.client._serve, args=(self.box, self.inner, conn), daemon=True).start()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.sock.close()


class SimClient:
    """An in-memory Docker engine with the docker-py surface the Lab uses.

    >>> from dockerlab.lab import Lab
    >>> lab = Lab("demo", client=SimClient(), echo=False)
    >>> lab.network("myBridge", "10.10.0.0/24", "10.10.0.1")
    'myBridge'
    >>> lab.run("c1", network="myBridge").ip, lab.run("c2", network="myBridge").ip
    ('10.10.0.2', '10.10.0.3')
    >>> lab.ping("c1", "c2").ok
    True
    """

    simulated = True

    def __init__(self, engine_version: str = DEFAULT_ENGINE_VERSION) -> None:
        """``engine_version``: the Docker release whose behaviour to follow where releases differ."""
        self.engine_version = engine_version
        self._release = _release(engine_version)
        self._lock = threading.RLock()
        self._nets: dict[str, _Net] = {}
        self._boxes: dict[str, _Box] = {}
        self._start_index = 0
        self._ifindex = itertools.count(100, 2)
        self._version = 0
        self._state: tuple[int, explain.State] | None = None
        self.containers = _Containers(self)
        self.networks = _Networks(self)
        self.images = _Images()
        self.api = _Api(self)
        bridge = _Net("bridge", "bridge", *DEFAULT_BRIDGE,
                      options={"com.docker.network.bridge.enable_icc": "true"})  # fmt: skip
        bridge.ifindex = 3
        for net in (bridge, _Net("host", "host", None, None), _Net("none", "null", None, None)):
            self._nets[net.name] = net

    # -- the engine's own calls ----------------------------------------------

    def version(self) -> dict[str, str]:
        return {"Version": f"{self.engine_version} (dockerlab simulator)", "ApiVersion": "1.41", "Arch": "amd64",
                "Os": "linux"}  # fmt: skip

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release: the simulated engine lives as long as this object."""

    # -- lookups ---------------------------------------------------------------

    def _box(self, key: str) -> _Box:
        with self._lock:
            if key in self._boxes:
                return self._boxes[key]
            for b in self._boxes.values():
                if b.name == key.lstrip("/") or (len(key) >= 4 and b.id.startswith(key)):
                    return b
        raise _error(f"No such container: {key}", 404)

    def _by_name(self, name: str) -> _Box | None:
        return next((b for b in self._boxes.values() if b.name == name), None)

    def _net(self, key: str) -> _Net:
        with self._lock:
            if key in self._nets and not self._nets[key].hidden:
                return self._nets[key]
            for n in self._nets.values():
                if not n.hidden and len(key) >= 4 and n.id.startswith(key):
                    return n
        raise _error(f"network {key} not found", 404)

    def _changed(self) -> None:
        self._version += 1

    # -- networks --------------------------------------------------------------

    def _create_network(self, name: str, ipam: Any, internal: bool, options: dict[str, str] | None,
                        labels: dict[str, str] | None) -> _Network:  # fmt: skip
        with self._lock:
            if name in self._nets:
                raise _error(f"network with name {name} already exists", 409)
            pools = (ipam or {}).get("Config") or []
            subnet = pools[0].get("Subnet") if pools else None
            gateway = pools[0].get("Gateway") if pools else None
            if subnet:
                cand = ipaddress.ip_network(subnet)
                if any(n.subnet and n.subnet.overlaps(cand) for n in self._nets.values()):
                    raise _error("Pool overlaps with other one on this address space", 403)
            else:
                subnet = self._next_pool()
            net = _Net(name, "bridge", subnet, gateway, internal=internal, options=options, labels=labels)
            net.ifindex = next(self._ifindex)
            self._nets[name] = net
            self._changed()
            return _Network(self, net)

    def _next_pool(self) -> str:
        """The first free default pool: from the rotating start index before 28, from the first pool from 28 on.

        Before 28 this is libnetwork's allocatePredefinedPool; 28 rewrote the
        allocator, which takes the lowest free pool, so a pool just released
        is handed out again at once.
        """
        taken = [n.subnet for n in self._nets.values() if n.subnet]
        if self._release >= (28,):
            self._start_index = 0
        order = PREDEFINED_POOLS[self._start_index:] + PREDEFINED_POOLS[: self._start_index]
        for i, pool in enumerate(order):
            cand = ipaddress.ip_network(pool)
            if not any(t.overlaps(cand) for t in taken):
                nxt = self._start_index + i + 1
                self._start_index = nxt if nxt < len(PREDEFINED_POOLS) else 0
                return pool
        raise _error("could not find an available, non-overlapping IPv4 address pool among the defaults "
                     "to assign to the network")  # fmt: skip

    def _remove_network(self, name: str) -> None:
        with self._lock:
            net = self._net(name)
            if net.name in ("bridge", "host", "none"):
                raise _error(f"{name} is a pre-defined network and cannot be removed", 403)
            if any(net.name in b.ips for b in self._boxes.values()):
                raise _error(f"error while removing network: network {name} id {net.id} has active endpoints", 403)
            del self._nets[net.name]
            self._changed()

    def _host_routes(self) -> str:
        lines = list(HOST_ROUTES)
        for n in self._nets.values():
            if n.subnet and n.driver == "bridge" and not n.hidden:
                lines.append(f"{n.subnet} dev {n.device} proto kernel scope link src {n.gateway}")
        return "\n".join(lines) + "\n"

    # -- containers ----------------------------------------------------------

    def _create(self, image: str, command: list[str] | str | None, kw: dict[str, Any]) -> _Container:
        with self._lock:
            name = kw.get("name") or f"sim_{uuid.uuid4().hex[:8]}"
            if not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+", name):
                raise _error(f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 400)
            if self._by_name(name) is not None:
                other = self._by_name(name)
                raise _error(f'Conflict. The container name "/{name}" is already in use by container '
                             f'"{other.id}". You have to remove (or rename) that container to be able to reuse '
                             "that name.", 409)  # fmt: skip
            self.images.get(image)
            mode = kw.get("network_mode") or kw.get("network") or "default"
            net_name = "bridge" if mode == "default" else mode
            self._net(net_name)
            configs: dict[str, dict[str, Any]] = {net_name: {"ip": None, "aliases": []}}
            endpoint = (kw.get("networking_config") or {}).get(net_name)
            if endpoint:
                configs[net_name] = {"ip": (endpoint.get("IPAMConfig") or {}).get("IPv4Address"),
                                     "aliases": list(endpoint.get("Aliases") or [])}  # fmt: skip
            links = {str(k): str(v) for k, v in (kw.get("links") or {}).items()}
            argv = command.split() if isinstance(command, str) else (list(command) if command else None)
            ports = {int(str(inner).split("/")[0]): int(outer[1] if isinstance(outer, tuple) else outer)
                     for inner, outer in (kw.get("ports") or {}).items()}  # fmt: skip
            box = _Box(name, image, argv, dict(kw.get("labels") or {}), kw.get("dns"), mode, links, configs, ports)
            self._boxes[box.id] = box
            self._changed()
            return _Container(self, box)

    def _link_problem(self, box: _Box) -> str | None:
        """Why the engine refuses to start or enter ``box``: a link target down or off the default bridge."""
        if box.mode not in explain.BRIDGE_MODES:
            return None
        state = self.state()  # the same rule predict and explain use
        return state.exec_refused(state.boxes[box.name])

    def _start(self, box: _Box) -> None:
        with self._lock:
            if box.running:
                return
            problem = self._link_problem(box)
            if problem:
                box.status = "exited" if box.status != "created" else "created"
                raise _error(problem)
            taken: list[tuple[_Net, str]] = []
            try:
                for net_name in sorted(box.configs, key=lambda n: (n != "bridge", n)):
                    if net_name not in self._nets:
                        raise _error(f"network {net_name} not found", 404)
                    net = self._nets[net_name]
                    if net.subnet is not None:
                        taken.append((net, net.take(box.configs[net_name]["ip"])))
                box.proxies = [_Proxy(self, box, inner, outer) for inner, outer in box.ports.items()]
            except (docker.errors.APIError, OSError) as e:
                for net, ip in taken:
                    net.release(ip)
                for proxy in box.proxies:
                    proxy.close()
                box.proxies = []
                box.status = "exited" if box.status != "created" else "created"
                if isinstance(e, OSError):
                    raise _error(f"driver failed programming external connectivity on endpoint {box.name} "
                                 f"({box.id}): Error starting userland proxy: listen tcp4 {e}") from e  # fmt: skip
                raise
            box.status = "running"
            box.ips = {net.name: ip for net, ip in taken}
            box.ifindex = {net.name: next(self._ifindex) for net, _ in taken}
            box.embedded_dns = any(self._nets[n].name != "bridge" for n in box.ips)
            box.hosts = []
            for target, alias in (box.links.items() if box.mode in explain.BRIDGE_MODES else ()):
                t = self._by_name(target)
                assert t is not None
                names = f"{alias} {t.short_id}" + ("" if alias == target else f" {target}")
                box.hosts.append([t.ips["bridge"], names, f"link:{target}"])
            for net, ip in taken:
                box.hosts.append([ip, box.short_id, f"own:{net.name}"])
            # Parents linking to this container see its new address (libnetwork's parent updates).
            if "bridge" in box.ips:
                for parent in self._boxes.values():
                    for line in parent.hosts:
                        if line[2] == f"link:{box.name}" and parent.running:
                            line[0] = box.ips["bridge"]
            self._changed()

    def _stop(self, box: _Box) -> None:
        with self._lock:
            if not box.running:
                return
            for net_name, ip in box.ips.items():
                if net_name in self._nets:
                    self._nets[net_name].release(ip)
            box.ips = {}
            box.ifindex = {}
            for proxy in box.proxies:
                proxy.close()
            box.proxies = []
            box.status = "exited"
            self._changed()

    def _remove(self, box: _Box, force: bool) -> None:
        with self._lock:
            if box.running and not force:
                raise _error(f"You cannot remove a running container {box.id}. Stop the container before "
                             "attempting removal or force remove", 409)  # fmt: skip
            self._stop(box)
            self._boxes.pop(box.id, None)
            self._changed()

    def _connect(self, box: _Box, net_key: str, ip: str | None, aliases: list[str]) -> None:
        with self._lock:
            net = self._net(net_key)
            if box.mode in ("host", "none") or net.name in ("host", "none"):
                raise _error("container cannot be disconnected from host network or connected to host network"
                             if "host" in (box.mode, net.name) else
                             "container sharing network namespace with another container or host cannot be "
                             "connected to any other network", 403)  # fmt: skip
            if net.name in box.configs:
                raise _error(f"endpoint with name {box.name} already exists in network {net.name}", 403)
            if box.running and net.subnet is not None:
                address = net.take(ip)
                box.ips[net.name] = address
                box.ifindex[net.name] = next(self._ifindex)
                box.hosts.append([address, box.short_id, f"own:{net.name}"])
                if net.name != "bridge":
                    box.embedded_dns = True
            box.configs[net.name] = {"ip": ip, "aliases": list(aliases)}
            self._changed()

    def _disconnect(self, box: _Box, net_key: str) -> None:
        with self._lock:
            net = self._net(net_key)
            if net.name not in box.configs:
                raise _error(f"container {box.id} is not connected to network {net.name}", 403)
            if net.name == "host" or box.mode == "host":
                raise _error("container cannot be disconnected from host network or connected to host network", 403)
            if net.name in box.ips:
                net.release(box.ips.pop(net.name))
                box.ifindex.pop(net.name, None)
            del box.configs[net.name]
            self._changed()

    # -- inspect -------------------------------------------------------------

    def _container_attrs(self, box: _Box) -> dict[str, Any]:
        networks = {}
        for net_name in sorted(box.configs):
            cfg = box.configs[net_name]
            net = self._nets.get(net_name)
            ip = box.ips.get(net_name, "")
            user = net is not None and net.driver == "bridge" and net.name != "bridge"
            networks[net_name] = {
                "IPAMConfig": {"IPv4Address": cfg["ip"]} if cfg["ip"] else None, "Links": None,
                "Aliases": [*cfg["aliases"], box.short_id] if user else None,
                "NetworkID": net.id if net else "", "EndpointID": uuid.uuid5(uuid.NAMESPACE_OID, box.id + net_name).hex
                if ip else "", "Gateway": (net.gateway or "") if ip and net else "", "IPAddress": ip,
                "IPPrefixLen": net.subnet.prefixlen if ip and net and net.subnet else 0,
                "MacAddress": _mac(ip) if ip else "",
            }  # fmt: skip
        mode_links = [f"/{t}:/{box.name}/{a}" for t, a in box.links.items()] or None
        return {
            "Id": box.id, "Name": "/" + box.name, "Image": box.image,
            "State": {"Status": box.status, "Running": box.running, "Paused": False, "Restarting": False,
                      "ExitCode": 0, "Error": ""},
            "Config": {"Hostname": box.short_id, "Image": box.image, "Cmd": box.command, "Labels": dict(box.labels)},
            "HostConfig": {"NetworkMode": box.mode, "Links": mode_links, "Dns": box.dns,
                           "PortBindings": {f"{i}/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(o)}]
                                            for i, o in box.ports.items()} or None},
            "NetworkSettings": {"Networks": networks, "Ports": {
                f"{i}/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(o)}] if box.running else None
                for i, o in box.ports.items()}},
        }  # fmt: skip

    def _hosts_text(self, box: _Box) -> str:
        head = _HOSTS_HEAD if self._release < (28,) else [line.replace("::0\t", "::\t") for line in _HOSTS_HEAD]
        return "\n".join(head + [f"{ip}\t{names}" for ip, names, _ in box.hosts]) + "\n"

    def state(self) -> explain.State:
        """The model's view of the simulated engine (cached until the next change)."""
        with self._lock:
            if self._state is not None and self._state[0] == self._version:
                return self._state[1]
            boxes = []
            for b in self._boxes.values():
                attrs = self._container_attrs(b)
                boxes.append(explain.box_from_attrs(attrs, self._hosts_text(b) if b.running else None))
            nets = [explain.net_from_attrs(n.attrs()) for n in self._nets.values() if not n.hidden]
            state = explain.State(boxes, nets)
            self._state = (self._version, state)
            return state

    # -- exec ------------------------------------------------------------------

    def _exec(self, box: _Box, cmd: list[str] | str) -> tuple[int, str]:
        with self._lock:
            if not box.running:
                raise _error(f"Container {box.id} is not running", 409)
            problem = self._link_problem(box)
            if problem:
                raise _error(problem)
            argv = cmd.split() if isinstance(cmd, str) else list(cmd)
            if len(argv) > 2 and argv[0] == "timeout":
                argv = argv[2:]
            if argv[: len(_PROBE_PREFIX)] == _PROBE_PREFIX:
                return 0, self._probe_script(box, argv[len(_PROBE_PREFIX):])
            return self._command(box, argv)

    def _probe_script(self, box: _Box, targets: list[str]) -> str:
        state = self.state()
        src = state.boxes[box.name]
        out = []
        for t in targets:
            code, text = _ping_output(state, src, t)
            out.append(f"{probe._MARK} {t}\n{text}rc={code}\n")
        return "".join(out)

    def _command(self, box: _Box, argv: list[str]) -> tuple[int, str]:
        prog, args = (argv[0], argv[1:]) if argv else ("", [])
        if prog == "cat" and len(args) == 1:
            files = {"/etc/hosts": self._hosts_text(box), "/etc/hostname": box.short_id + "\n",
                     "/etc/resolv.conf": self._resolv(box)}  # fmt: skip
            if args[0] in files:
                return 0, files[args[0]]
            return 1, f"cat: can't open '{args[0]}': No such file or directory\n"
        if _is_snapshot(argv):
            return 0, (self._host_snapshot() if box.mode == "host" else self._snapshot(box))
        if prog == "grep" and len(args) == 2:
            code, text = self._command(box, ["cat", args[1]])
            if code:
                return 2, text.replace("cat:", "grep:")
            hits = [line for line in text.splitlines(keepends=True) if re.search(args[0], line)]
            return (0 if hits else 1), "".join(hits)
        if prog == "nslookup" and len(args) == 1:
            return self._nslookup(box, args[0])
        if prog == "ping" and args:
            state = self.state()
            code, text = _ping_output(state, state.boxes[box.name], args[-1])
            return code, text
        flags = [a for a in args if a.startswith("-")] if prog == "ip" else []
        words = [a for a in args if not a.startswith("-")] if prog == "ip" else []
        if words and words[-1] != "route" and words[0] in ("addr", "a", "address"):
            text = self._ip_addr(box)
            return 0, _one_line(text, "-4" in flags) if "-o" in flags else text
        if words and ("route" in words or words[-1] == "r"):
            return 0, self._ip_route(box)
        if prog == "nc" and len(args) >= 2 and args[-1].isdigit() and not {"-l", "-ll", "-e"} & set(args):
            return self._tcp(box, args[-2], int(args[-1]))
        if prog == "hostname":
            return 0, box.short_id + "\n"
        if prog == "echo":
            return 0, " ".join(args) + "\n"
        if prog == "true":
            return 0, ""
        return 127, (f"timeout: can't execute '{prog}': No such file or directory\n"
                     "(the dockerlab simulator answers ping, cat, grep, nslookup, nc HOST PORT, ip addr, "
                     "ip route, hostname, echo and true only; run the notebook on a Docker engine for anything "
                     "else)\n")  # fmt: skip

    def _nslookup(self, box: _Box, name: str) -> tuple[int, str]:
        """busybox ``nslookup``: it asks the DNS server only (never /etc/hosts)."""
        if not box.embedded_dns:
            return 1, ";; connection timed out; no servers could be reached\n\n"
        state = self.state()
        src = state.boxes[box.name]
        found = state.names_for(explain.Box(src.name, src.running, src.mode, src.endpoints))
        head = f"Server:\t\t{explain.EMBEDDED_DNS}\nAddress:\t{explain.EMBEDDED_DNS}:53\n\n"
        if name not in found:
            return 1, head + f"** server can't find {name}: NXDOMAIN\n\n"
        return 0, head + f"Non-authoritative answer:\nName:\t{name}\nAddress: {found[name]}\n\n"

    def _tcp(self, box: _Box, host: str, port: int) -> tuple[int, str]:
        """busybox ``nc -w N host port </dev/null`` from ``box``: exit code and output, from the rules."""
        with self._lock:
            state = self.state()
            code, ip = state.ping_code(state.boxes[box.name], host)
            if code == "unresolved":
                if box.embedded_dns and self._release < (26,):  # 20.10's embedded DNS never answers: -w runs out
                    return 1, "nc: timed out\n"
                return 1, f"nc: bad address '{host}'\n"
            if code == "unreachable":
                return 1, f"nc: can't connect to remote host ({ip}): Network is unreachable\n"
            if code != "ok":
                return 1, "nc: timed out\n"
            target = box if ip == "127.0.0.1" else next((b for b in self._boxes.values() if ip in b.ips.values()), None)
            served = target.listener if target is not None and target.running else None
            if served is None or served.port != port:
                return 1, f"nc: can't connect to remote host ({ip}): Connection refused\n"
            if isinstance(served, services.EchoService):
                return 0, served.greeting + "\n"
            return 0, ""  # an HTTP server waits for a request, and this nc sends none

    def _http(self, box: _Box, app: services.WebApp, request: bytes) -> bytes:
        """busybox httpd's answer to ``request``, as the app container ``box`` serves it."""
        words = request.split(b"\r\n", 1)[0].decode(errors="replace").split()
        path = words[1].split("?", 1)[0] if len(words) >= 2 else ""
        if path == services.APP_PAGE:
            code, text = self._tcp(box, app.service, app.service_port)
            body = f"the app asked {app.service}:{app.service_port} and got:\n" + (text if code == 0 else "")
            return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body.encode()
        if path in ("/", "/index.html"):
            page = services.INDEX_HTML.encode()
            return (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-type: text/html\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(page), page))  # fmt: skip
        return (b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-type: text/html\r\n\r\n"
                b"<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\n"
                b"The requested URL was not found\n</BODY></HTML>\n")  # fmt: skip

    def _serve(self, box: _Box, port: int, conn: socket.socket) -> None:
        """One connection to a published port, as docker-proxy would pass it to the container."""
        with conn:
            conn.settimeout(5)
            with self._lock:
                served = box.listener if box.running and box.id in self._boxes else None
            if served is None or served.port != port:
                return  # nothing listens in the container: the proxy drops the connection
            if isinstance(served, services.EchoService):
                conn.sendall(served.greeting.encode() + b"\n")
                return
            request = b""
            try:
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    request += chunk
            except OSError:
                return
            conn.sendall(self._http(box, served, request))

    def _resolv(self, box: _Box) -> str:
        """/etc/resolv.conf; from 26 on, the engine comments on where each line came from."""
        if box.mode == "host":
            return "nameserver 10.254.0.1\n"
        servers = box.dns or ["10.254.0.1"]
        if box.embedded_dns:
            lines = [f"nameserver {explain.EMBEDDED_DNS}", "options ndots:0"]
            notes = ["(internal resolver)", f"# ExtServers: [{' '.join(servers)}]"]
            notes += ["# Overrides: [nameservers]"] * bool(box.dns) + ["# Option ndots from: internal"]
        else:
            lines = [f"nameserver {d}" for d in servers]
            notes = ["(legacy)"] + ["# Overrides: [nameservers]"] * bool(box.dns)
        if self._release < (26,):
            return "\n".join(lines) + "\n"
        head = ("# Generated by Docker Engine.\n# This file can be edited; Docker Engine will not make further "
                "changes once it\n# has been modified.\n\n")  # fmt: skip
        based = f"# Based on host file: '/etc/resolv.conf' {notes[0]}"
        return head + "\n".join(lines) + "\n\n" + "\n".join([based, *notes[1:]]) + "\n"

    def _ip_addr(self, box: _Box) -> str:
        lines = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000",
                 "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
                 "    inet 127.0.0.1/8 scope host lo", "       valid_lft forever preferred_lft forever"]  # fmt: skip
        if box.mode == "host":
            items = [(n.device, n.gateway, n.subnet, i) for i, n in enumerate(self._nets.values(), start=3)
                     if n.subnet and not n.hidden]  # fmt: skip
            items.insert(0, ("eth0", "10.254.0.2", ipaddress.ip_network("10.254.0.0/24"), 2))
            for dev, ip, subnet, index in items:
                lines += [f"{index}: {dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue ",
                          f"    link/ether {_mac(ip)} brd ff:ff:ff:ff:ff:ff",
                          f"    inet {ip}/{subnet.prefixlen} brd {subnet.broadcast_address} scope global {dev}",
                          "       valid_lft forever preferred_lft forever"]  # fmt: skip
            return "\n".join(lines) + "\n"
        for k, net_name in enumerate(sorted(box.ips, key=lambda n: box.ifindex[n])):
            ip, index = box.ips[net_name], box.ifindex[net_name]
            subnet = self._nets[net_name].subnet
            assert subnet is not None
            flags = "<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue "
            lines += [f"{index}: eth{k}@if{index + 1}: {flags}",
                      f"    link/ether {_mac(ip)} brd ff:ff:ff:ff:ff:ff",
                      f"    inet {ip}/{subnet.prefixlen} brd {subnet.broadcast_address} scope global eth{k}",
                      "       valid_lft forever preferred_lft forever"]  # fmt: skip
        return "\n".join(lines) + "\n"

    def _ip_route(self, box: _Box) -> str:
        if box.mode == "host":
            return self._host_routes()
        order = sorted(box.ips, key=lambda n: box.ifindex[n])
        lines = []
        if order:
            first = order[0]
            lines.append(f"default via {self._nets[first].gateway} dev eth0 ")
        for k, net_name in enumerate(order):
            lines.append(f"{self._nets[net_name].subnet} dev eth{k} scope link  src {box.ips[net_name]} ")
        return "\n".join(lines) + ("\n" if lines else "")

    def _snapshot(self, box: _Box) -> str:
        """:data:`dockerlab.topology.SNAPSHOT_SCRIPT`'s output inside a container: lo and its eth ends."""
        link = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    "
                "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"]  # fmt: skip
        addr = ["1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever"]
        sys = ["lo 1 1"]
        for k, net_name in enumerate(sorted(box.ips, key=lambda n: box.ifindex[n])):
            ip, index, subnet = box.ips[net_name], box.ifindex[net_name], self._nets[net_name].subnet
            assert subnet is not None
            link.append(f"{index}: eth{k}@if{index + 1}: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 "
                        f"qdisc noqueue \\    link/ether {_mac(ip)} brd ff:ff:ff:ff:ff:ff")  # fmt: skip
            addr.append(f"{index}: eth{k}    inet {ip}/{subnet.prefixlen} brd {subnet.broadcast_address} "
                        f"scope global eth{k}\\       valid_lft forever preferred_lft forever")  # fmt: skip
            sys.append(f"eth{k} {index} {index + 1}")
        return _sections(link, addr, sys, [])

    def _host_snapshot(self) -> str:
        """The same on the simulated host: lo, eth0, the bridges and the host ends of the veth pairs."""
        link = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    "
                "link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
                "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel qlen 1000\\    "
                "link/ether 02:00:0a:fe:00:02 brd ff:ff:ff:ff:ff:ff"]  # fmt: skip
        addr = ["1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
                "2: eth0    inet 10.254.0.2/24 brd 10.254.0.255 scope global eth0\\       "
                "valid_lft forever"]  # fmt: skip
        sys, bridges = ["lo 1 1", "eth0 2 2"], []
        for n in self._nets.values():
            if n.hidden or n.driver != "bridge" or n.subnet is None:
                continue
            link.append(f"{n.ifindex}: {n.device}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue "
                        f"\\    link/ether {_mac(n.gateway or '0.0.0.0')} brd ff:ff:ff:ff:ff:ff")  # fmt: skip
            addr.append(f"{n.ifindex}: {n.device}    inet {n.gateway}/{n.subnet.prefixlen} brd "
                        f"{n.subnet.broadcast_address} scope global {n.device}\\       valid_lft forever")  # fmt: skip
            sys.append(f"{n.device} {n.ifindex} {n.ifindex}")
            bridges.append(n.device)
        for b in self._boxes.values():
            for net_name, index in b.ifindex.items():
                dev = self._nets[net_name].device
                veth = "veth" + uuid.uuid5(uuid.NAMESPACE_OID, b.id + net_name).hex[:7]
                link.append(f"{index + 1}: {veth}@if{index}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
                            f"noqueue master {dev} \\    link/ether 0a:{_mac(b.ips[net_name])[3:]} "
                            "brd ff:ff:ff:ff:ff:ff")  # fmt: skip
                sys.append(f"{veth} {index + 1} {index} {dev}")
        return _sections(link, addr, sys, bridges)

    # -- mirroring a real engine (for the differential test) -------------------

    def reserve(self, subnet: str | None = None, bridge_ips: list[str] | None = None) -> None:
        """Mark a subnet (another engine user's network) or default-bridge addresses as taken."""
        with self._lock:
            if subnet:
                net = _Net(f"(reserved {subnet})", "bridge", subnet, None, hidden=True)
                self._nets[net.name] = net
            for ip in bridge_ips or []:
                self._nets["bridge"].take(ip)
            self._changed()

    def set_pool_index(self, last_pool: str) -> None:
        """Continue the rotating pool allocation after ``last_pool``, as the real engine would."""
        i = PREDEFINED_POOLS.index(last_pool) + 1
        self._start_index = i if i < len(PREDEFINED_POOLS) else 0


def _release(version: str) -> tuple[int, ...]:
    """``"26.1.5+dfsg1"`` -> ``(26, 1, 5)``: the numbers that order releases.

    >>> _release("26.1.5+dfsg1"), _release("20.10.24")
    ((26, 1, 5), (20, 10, 24))
    """
    numbers = re.findall(r"\d+", version.split("+")[0].split("-")[0])[:3]
    if not numbers:
        raise ValueError(f"not a Docker release: {version!r}")
    return tuple(int(n) for n in numbers)


def _is_snapshot(argv: list[str]) -> bool:
    try:
        from dockerlab.topology import SNAPSHOT_SCRIPT
    except ImportError:  # pragma: no cover - topology is optional for the simulator
        return False
    return argv == ["sh", "-c", SNAPSHOT_SCRIPT]


def _sections(link: list[str], addr: list[str], sys: list[str], bridges: list[str]) -> str:
    parts = {"link": link, "addr": addr, "sys": sys, "bridges": bridges}
    return "".join(f"## {k}\n" + "".join(line + "\n" for line in v) for k, v in parts.items())


def _mac(ip: str) -> str:
    """Docker's MAC address for an IPv4 address: 02:42 and the address's four bytes."""
    return "02:42:" + ":".join(f"{b:02x}" for b in ipaddress.IPv4Address(ip).packed)


def _ping_output(state: explain.State, src: explain.Box, target: str) -> tuple[int, str]:
    """busybox ``ping -c 1 -W 1 target``'s exit code and output, from the rules."""
    code, ip = state.ping_code(src, target)
    if code == "unresolved":
        return 1, f"ping: bad address '{target}'\n"
    head = f"PING {target} ({ip}): 56 data bytes\n"
    if code == "unreachable":
        return 1, "ping: sendto: Network is unreachable\n" + head
    stats = f"\n--- {target} ping statistics ---\n1 packets transmitted, "
    if code == "ok":
        return 0, (head + f"64 bytes from {ip}: seq=0 ttl=64 time=0.080 ms\n" + stats
                   + "1 packets received, 0% packet loss\nround-trip min/avg/max = 0.080/0.080/0.080 ms\n")  # fmt: skip
    return 1, head + stats + "0 packets received, 100% packet loss\n"


_SHARED: SimClient | None = None
_SHARED_LOCK = threading.Lock()


def shared_client() -> SimClient:
    """The process's simulated engine: every ``Lab(..., engine="sim")`` uses this one, as labs share a real engine."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SimClient()
        return _SHARED


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _one_line(text: str, inet_only: bool) -> str:
    """``ip -o addr`` from ``ip addr``: one line per address, as busybox prints it."""
    lines, index, dev = [], "", ""
    for line in text.splitlines():
        head = re.match(r"^(\d+): ([^:@]+)", line)
        if head:
            index, dev = head.groups()
        elif line.strip().startswith("inet ") or (not inet_only and line.strip().startswith("link/")):
            lines.append(f"{index}: {dev}    {line.strip()}\\       valid_lft forever preferred_lft forever")
    return "\n".join(lines) + "\n"


def client_or_sim() -> tuple[Any, bool]:
    """The real engine's client when one answers, else the shared simulator: ``(client, simulated)``.

    ``DOCKERLAB_ENGINE=sim`` forces the simulator and ``=docker`` the real
    engine. Under ``CI=true`` the real engine is required: no silent fallback
    (:class:`~dockerlab.errors.EngineUnavailable` is raised).
    """
    from dockerlab.engine import connect, engine_call

    choice = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if choice == "sim":
        return shared_client(), True
    try:
        client = connect()
        with engine_call("docker ping"):
            client.ping()
    except EngineUnavailable:
        if choice == "docker" or _in_ci():
            raise
        return shared_client(), True
    return client, False


def lab_or_sim(name: str, **kwargs: Any) -> tuple[Any, bool]:
    """A Lab on the real engine when one answers, else on the simulator: ``(lab, simulated)``.

    See :func:`client_or_sim`; show :data:`BANNER` in the first output when
    ``simulated`` is True.
    """
    from dockerlab.lab import Lab

    client, simulated = client_or_sim()
    if simulated:
        return Lab(name, engine="sim", **kwargs), True
    return Lab(name, client=client, **kwargs), False
