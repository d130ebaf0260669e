"""The engine host's side of a lab: its interfaces, its routes, and the IPv4 ranges in use there.

Read by a short-lived lab container on the host network
(:mod:`dockerlab.engines.hostside`); the accounting of ranges is the model's
(:mod:`dockerlab.model.subnets`). :class:`~dockerlab.lab.lab.Lab` asks this
before it creates a network with an explicit subnet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from dockerlab import model
from dockerlab.engines import hostside
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import SubnetOverlap
from dockerlab.kernel import links, topology
from dockerlab.lab import validate
from dockerlab.lab.spec import LAB_LABEL
from dockerlab.model import refusals, subnets

Taken = list[tuple[ipaddress.IPv4Network, str]]


class EngineSide:
    """What the engine's host holds, as seen by the lab ``lab_name``.

    Parameters
    ----------
    lab_name:
        The lab whose label the helper containers carry, and whose networks ``ignore_own`` leaves out.
    client:
        Gives the engine client when asked (the lab connects on first use).
    image:
        The image the helper containers run.
    network_inspect:
        Gives ``docker network inspect`` of every network on the engine.
    timeout:
        Seconds allowed for each engine call.
    """

    def __init__(
        self,
        lab_name: str,
        client: Callable[[], EngineClient],
        image: str,
        network_inspect: Callable[[], list[dict[str, Any]]],
        timeout: float,
    ) -> None:
        self.lab_name = lab_name
        self._client = client
        self.image = image
        self._network_inspect = network_inspect
        self.timeout = timeout

    def run(self, argv: list[str], helper: str) -> str:
        """Run ``argv`` in the host's network namespace; ``helper`` names the job in its label."""
        labels = {LAB_LABEL: self.lab_name, "dockerlab.helper": helper}
        return hostside.host_run(self._client(), self.image, labels, argv, self.timeout)

    def snapshot(self, helper: str = "topology") -> str:
        """The host's interfaces as :data:`dockerlab.kernel.topology.SNAPSHOT_SCRIPT` prints them."""
        return self.run(["sh", "-c", topology.SNAPSHOT_SCRIPT], helper)

    def routes(self) -> list[tuple[str, str]]:
        """The host's IPv4 routes as (destination CIDR, device)."""
        return links.parse_routes(self.run(["ip", "-4", "route", "show"], "routes"))

    def taken(self, *, ignore_own: bool = False) -> Taken:
        """IPv4 ranges in use: Docker networks' subnets, then the host's routes, each with what uses it."""
        networks = [
            (
                a.get("Name", ""),
                (a.get("Labels") or {}).get(LAB_LABEL) == self.lab_name,
                [s for s, _gateway in model.ipv4_pools(a)],
            )
            for a in self._network_inspect()
        ]
        return subnets.taken(networks, self.routes(), ignore_own=ignore_own)

    def clashes(self, subnet: str | ipaddress.IPv4Network) -> list[str]:
        """What ``subnet`` overlaps, in words."""
        return subnets.overlapping(validate.ipv4_network(str(subnet)), self.taken())

    def refuse_overlap(self, subnet: str) -> None:
        """Refuse a taken ``subnet``: :class:`~dockerlab.errors.SubnetOverlap`, with a free one of its size."""
        taken = self.taken()
        refused = refusals.pool_overlap(subnet, taken)
        if refused is not None:
            free = subnets.first_free([net for net, _what in taken], subnets.network(subnet).prefixlen)
            raise SubnetOverlap(subnet, list(refused.clashes), free)

    def free_subnet(self, preferred: str | None = None, prefixlen: int = 16) -> str:
        """``preferred`` if nothing overlaps it, else the first free subnet of ``prefixlen`` in the private ranges."""
        wanted = None if preferred is None else str(validate.ipv4_network(preferred))
        return subnets.choose(self.taken(), wanted, prefixlen)
