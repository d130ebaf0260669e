"""Docker's rules across several hosts of a swarm: what is local to a host, and what spans them.

Each host is its own engine; the model joins their inspect data into one
:class:`ClusterState` by these rules (checked on a 3-engine swarm of Engine 20.10):

- a ``local`` network (the default bridge, a user-defined bridge,
  ``docker_gwbridge``) exists on its host alone, even when another host has
  one of the same name: it is named ``<name>@<host>`` here, so that a
  container on host1's bridge shares no network with one on host2's bridge;
- a ``swarm`` network (an overlay) is one network on every host: its
  containers reach each other across hosts (VXLAN, UDP 4789), and Docker's
  embedded DNS answers their names (and ``name.network``) on every host;
- a bridge's gateway is an address of its own host: a container reaches the
  gateways of its host only;
- ``docker_gwbridge`` takes a container on an overlay out of its host, but it
  never appears in ``docker inspect``'s networks and carries no traffic
  between containers (its ICC is off, and it is local to its host).

>>> nets = {"host1": [{"Name": "ov", "Driver": "overlay", "Scope": "swarm"}],
...         "host2": [{"Name": "ov", "Driver": "overlay", "Scope": "swarm"}]}
>>> qualify("bridge", "host1", nets["host1"]), qualify("ov", "host2", nets["host2"])
('bridge@host1', 'ov')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dockerlab.i18n import _
from dockerlab.model.releases import Release
from dockerlab.model.state import Box, Net, State, box_from_attrs, is_ipv4, net_from_attrs
from dockerlab.model.subnets import DEFAULT_POOLS, first_host

#: The bridge Docker gives each host of a swarm for its containers' traffic out of the host.
GWBRIDGE = "docker_gwbridge"
#: The swarm's pool for overlays made without a subnet (one /24 each; ``ingress`` takes the first).
SWARM_POOL = "10.198.0.0/16"


def host_ranges(index: int) -> tuple[tuple[str, str], str]:
    """The ranges dockerlab gives host number ``index`` of a cluster (``--bip`` and ``--default-address-pool``):
    its default bridge (subnet, gateway) and its local pool, so that every address in the lab names one
    container (real machines often all use 172.17.0.0/16).

    >>> host_ranges(1), host_ranges(2)
    ((('172.17.0.0/16', '172.17.0.1'), '10.101.0.0/16'), (('172.18.0.0/16', '172.18.0.1'), '10.102.0.0/16'))
    """
    bridge = DEFAULT_POOLS[index - 1]
    return (bridge, first_host(bridge)), f"10.{100 + index}.0.0/16"


def qualify(network: str, host: str, networks: Iterable[dict[str, Any]]) -> str:
    """The model's name for ``network`` as seen on ``host``: ``<name>@<host>`` unless it is swarm-scoped."""
    for attrs in networks:
        if attrs.get("Name") == network and attrs.get("Scope") == "swarm":
            return network
    return f"{network}@{host}"


def _rename(attrs: dict[str, Any], host: str, networks: list[dict[str, Any]]) -> dict[str, Any]:
    """``docker inspect`` data of a container of ``host`` with its networks qualified."""
    settings = dict(attrs.get("NetworkSettings") or {})
    settings["Networks"] = {qualify(n, host, networks): ep for n, ep in (settings.get("Networks") or {}).items()}
    return {**attrs, "NetworkSettings": settings}


class ClusterState(State):
    """The containers and networks of several hosts, with :class:`State`'s rules and the hosts' own.

    ``host_of`` maps each container to its host, ``net_host`` each local
    network (qualified name) to its host; ``down`` names hosts whose engine
    does not answer.
    """

    def __init__(
        self,
        boxes: list[Box],
        nets: list[Net],
        host_of: dict[str, str],
        net_host: dict[str, str],
        release: Release | None = None,
        down: Iterable[str] = (),
    ) -> None:
        super().__init__(boxes, nets, release)
        self.host_of = dict(host_of)
        self.net_host = dict(net_host)
        self.down = frozenset(down)

    def gateways_for(self, b: Box) -> list[str]:
        """The gateways of ``b``'s own host's bridges (another host's are not its host's addresses)."""
        host = self.host_of.get(b.name)
        return [g for g, net in self.gateways.items() if self.net_host.get(net, host) == host]

    def hosts_apart(self, a: str, b: str) -> tuple[str, str] | None:
        """The hosts of containers ``a`` and ``b`` when they run on different hosts, else None."""
        here, there = self.host_of.get(a), self.host_of.get(b)
        return (here, there) if here is not None and there is not None and here != there else None

    def apart(self, b: Box, ip: str) -> str | None:
        """Why ``b`` does not reach ``ip``'s owner on another host over a bridge, in words."""
        owner = self.owner.get(ip)
        if owner is None:
            return None
        here, there = self.host_of.get(b.name), self.host_of.get(owner[0])
        if here is None or there is None or here == there:
            return None
        local = [n for n in b.ips if self.net(n).kind != "overlay"]
        return _(
            "{source} runs on {here} and {target} ({ip}) on {there}, and they share no overlay network: "
            "a bridge ({bridges}) is local to its host, and {gwbridge} only takes traffic out of a host, never to "
            "a container on another host; an overlay (docker network create -d overlay --attachable) on both "
            "hosts would join them"
        ).format(
            source=b.name, here=here, target=owner[0], ip=ip, there=there, bridges=", ".join(local) or "-",
            gwbridge=GWBRIDGE,
        )  # fmt: skip

    def down_host(self, name: str) -> str | None:
        """The host of container ``name`` (or of the container that has address ``name``) when its engine
        does not answer (it is in ``down``)."""
        who = self.owner.get(name, (name, ""))[0] if is_ipv4(name) else name
        host = self.host_of.get(who)
        return host if host in self.down else None


def cluster_state(
    hosts: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str | None]]],
    release: Release | None = None,
    down: Iterable[str] = (),
) -> ClusterState:
    """One :class:`ClusterState` from each host's ``docker inspect`` data, ``docker network inspect`` data
    and its running containers' ``/etc/hosts`` (by container name): ``{host: (containers, networks, hosts)}``.
    Container names are unique across the hosts (dockerlab's cluster labs keep them so).

    A host in ``down`` gives what is known of its containers without its engine (what it last wrote to
    disk) and no networks: an overlay is still known by the other hosts' lists, since it is one network
    on every host.
    """
    boxes: list[Box] = []
    nets: dict[str, Net] = {}
    host_of: dict[str, str] = {}
    net_host: dict[str, str] = {}
    swarm = [a for _c, networks, _t in hosts.values() for a in networks if a.get("Scope") == "swarm"]
    for host, (containers, networks, texts) in hosts.items():
        for attrs in networks:
            name = qualify(str(attrs.get("Name", "")), host, networks)
            if name in nets:
                continue
            net = net_from_attrs(attrs)
            nets[name] = Net(name, net.kind, net.subnet, net.gateway, net.internal, net.icc, net.device)
            if net.kind != "overlay":
                net_host[name] = host
        for attrs in containers:
            renamed = _rename(attrs, host, [*networks, *swarm])
            box = box_from_attrs(renamed, texts.get(str(attrs.get("Name", "")).lstrip("/")))
            boxes.append(box)
            host_of[box.name] = host
            for endpoint in box.endpoints:  # a local network known only from a container (its host is down)
                if endpoint not in nets and "@" in endpoint:
                    net_host.setdefault(endpoint, host)
    return ClusterState(boxes, list(nets.values()), host_of, net_host, release, down)


__all__ = ["GWBRIDGE", "SWARM_POOL", "ClusterState", "cluster_state", "host_ranges", "qualify"]
