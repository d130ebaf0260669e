"""A simulated swarm: several simulated engines joined by overlay networks (chapter 08 without Docker).

:class:`SimSwarm` has the surface of :class:`dockerlab.engines.hosts.Cluster` that
:class:`dockerlab.lab.cluster.ClusterLab` uses (``hosts``, ``manager``, ``host()``),
each host a :class:`~dockerlab.engines.sim.SimClient` with the ranges dockerlab gives
that host (:func:`dockerlab.model.hosts.host_ranges`). What it reproduces, each
checked on a 3-engine swarm of Engine 20.10.24:

- every host has ``docker_gwbridge`` from the swarm's start, on the first /24
  of its local pool (so its user-defined bridges start at the second);
- an overlay made on the manager is one network on every host; its
  addresses come from one allocator for the whole swarm, which hands them out
  *serially* (the address after the last one handed out, not the lowest free
  one), so a restarted container gets a new address;
- the first container of a host on an overlay takes an address, and then the
  host's own load-balancer endpoint (``lb-<network>``) takes the next one,
  which it gives back when the host's last container there leaves (stops,
  is disconnected or removed): a restart of a host's only container there
  uses two new addresses;
- pings and names across hosts follow :mod:`dockerlab.model.hosts`.

Known simplifications: an overlay is listed on every host at once (a real
worker lists it once a container of its uses it); no VXLAN devices, no capture.
"""

from __future__ import annotations

import threading
from typing import Any

from dockerlab.engines.sim.client import SimClient
from dockerlab.engines.sim.state import SimEngine, SimError, SimNet
from dockerlab.model import DEFAULT_VERSION, refusals, subnets
from dockerlab.model import options as bridge_options
from dockerlab.model.hosts import GWBRIDGE, SWARM_POOL, ClusterState, cluster_state, host_ranges


class SwarmNet(SimNet):
    """An overlay: one network on every engine of the swarm, with the swarm's serial allocator."""

    def __init__(self, name: str, subnet: str, engines: list[SimEngine], labels: dict[str, str] | None = None) -> None:
        self.engines = engines
        self._next = 1
        self.nodes: dict[int, str] = {}  # id(engine) -> the host's load-balancer address
        super().__init__(name, "overlay", subnet, None, labels=labels)

    def take(self, ip: str | None = None) -> str:
        """``ip``, or the address after the last one handed out (wrapping), as the swarm's allocator does."""
        if ip is not None:
            return super().take(ip)
        assert self.subnet is not None
        size = self.subnet.num_addresses
        for step in range(size - 2):
            offset = (self._next - 1 + step) % (size - 2) + 1
            if offset not in self.used:
                self.used.add(offset)
                self._next = offset + 1
                return str(self.subnet.network_address + offset)
        raise SimError(f"no available IPv4 addresses on this network's address pools: {self.name}")

    def joined(self, engine: SimEngine) -> None:
        """The first container of ``engine`` here: the host's load-balancer endpoint takes the next address."""
        if id(engine) not in self.nodes:
            self.nodes[id(engine)] = self.take()

    def left(self, engine: SimEngine) -> None:
        """The last container of ``engine`` left: the overlay leaves that host, and its load balancer's address
        goes back to the allocator."""
        if id(engine) in self.nodes and not any(self.name in b.ips for b in engine.boxes.values()):
            self.release(self.nodes.pop(id(engine)))

    def attrs(self) -> dict[str, Any]:
        attrs = super().attrs()
        attrs.update({"Scope": "swarm", "Attachable": True, "Id": self.id[:25]})
        return attrs


class SimHost:
    """One host of a :class:`SimSwarm`: what :class:`dockerlab.lab.cluster.HostLab` asks of a host."""

    def __init__(self, name: str, index: int, client: SimClient) -> None:
        self.name = name
        self.index = index
        self._client = client

    @property
    def socket(self) -> str:
        """A stand-in for its ``DOCKER_HOST`` (shown in command lines)."""
        return f"sim://{self.name}"

    @property
    def address(self) -> str:
        return f"(simulated {self.name})"

    def client(self, timeout: float = 15) -> SimClient:
        """Its simulated engine (the same one every time)."""
        return self._client


class SimSwarm:
    """Simulated hosts joined in a swarm (see the module's text).

    >>> swarm = SimSwarm(hosts=["host1", "host2"])
    >>> c1, c2 = (swarm.hosts[h].client() for h in ("host1", "host2"))
    >>> net = c1.networks.create("ov", driver="overlay", ipam={"Config": [{"Subnet": "10.197.1.0/24"}]})
    >>> for c, name in ((c1, "a1"), (c2, "a2")):
    ...     c.containers.create("dockerlab/labbox:0.1.0", name=name, network="ov").start()
    >>> [c.containers.get(n).attrs["NetworkSettings"]["Networks"]["ov"]["IPAddress"]
    ...  for c, n in ((c1, "a1"), (c2, "a2"))]
    ['10.197.1.2', '10.197.1.4']
    >>> c1.containers.get("a1").exec_run(["ping", "-c", "1", "a2"]).exit_code
    0
    """

    simulated = True

    def __init__(
        self, name: str = "dlab", hosts: list[str] | None = None, engine_version: str = DEFAULT_VERSION
    ) -> None:
        self.name = name
        self.hosts: dict[str, SimHost] = {}
        #: One lock for every engine of the swarm: a ping on one host reads every host (the overlay), so with a
        #: lock per engine two hosts' pings at once each held their own and waited for the other's, for ever.
        self.lock = threading.RLock()
        for i, h in enumerate(hosts or ["host1", "host2", "host3"], start=1):
            bridge, pool = host_ranges(i)
            pools = subnets.carve(pool, 24)
            client = SimClient(engine_version, bridge=bridge, pools=pools)
            client.engine.lock = self.lock
            client.swarm = self
            client.engine.viewer = self.state
            client.engine.create_network(
                GWBRIDGE,
                options={bridge_options.ENABLE_ICC: "false", bridge_options.BRIDGE_NAME: GWBRIDGE},
            )
            self.hosts[h] = SimHost(h, i, client)
        self.engines = [h.client().engine for h in self.hosts.values()]
        self.ingress = SwarmNet("ingress", subnets.carve(SWARM_POOL, 24)[0], [])

    @property
    def manager(self) -> SimHost:
        return next(iter(self.hosts.values()))

    def host(self, name: str) -> SimHost:
        if name not in self.hosts:
            from dockerlab.errors import InvalidInput

            raise InvalidInput(f"the simulated swarm has no host {name!r} (it has: {', '.join(self.hosts)})")
        return self.hosts[name]

    def overlays(self) -> list[SwarmNet]:
        seen: dict[str, SwarmNet] = {}
        for e in self.engines:
            for n in e.nets.values():
                if isinstance(n, SwarmNet):
                    seen[n.name] = n
        return list(seen.values())

    def create_overlay(self, name: str, subnet: str | None, labels: dict[str, str] | None = None) -> SwarmNet:
        """``docker network create --driver overlay --attachable`` on the manager."""
        taken = [n.subnet for n in (*self.overlays(), self.ingress) if n.subnet is not None]
        refused = refusals.network_name_in_use(name, {n.name for n in self.overlays()})
        if subnet is None and refused is None:
            subnet = subnets.first_free(taken, 24, [SWARM_POOL])
            if subnet is None:
                raise SimError("could not find an available IP while allocating VIP")
        elif refused is None and subnet is not None:
            refused = refusals.pool_overlap(subnet, [(t, str(t)) for t in taken])
        if refused is not None:
            raise SimError(refused.message, refused.status)
        assert subnet is not None
        net = SwarmNet(name, subnet, self.engines, labels)
        for e in self.engines:
            with e.lock:
                e.nets[name] = net
                e.changed()
        return net

    def state(self) -> ClusterState:
        """The model's view of every host, as :meth:`dockerlab.lab.cluster.ClusterLab.state` reads it from engines."""
        per_host = {}
        for h, host in self.hosts.items():
            e = host.client().engine
            with e.lock:
                boxes = list(e.boxes.values())
                per_host[h] = (
                    [e.container_attrs(b) for b in boxes],
                    [n.attrs() for n in e.nets.values() if not n.hidden],
                    {b.name: e.hosts_text(b) if b.running else None for b in boxes},
                )
        return cluster_state(per_host, self.engines[0].release)


__all__ = ["SimHost", "SimSwarm", "SwarmNet"]
