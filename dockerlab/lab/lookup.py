"""What a lab owns, looked up on its engine by exact name and by its label; read only.

:class:`~dockerlab.lab.lab.Lab` keeps one :class:`Lookup`; the checks before a
``docker run`` (:mod:`dockerlab.lab.checks`) ask it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dockerlab import model
from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import UnknownContainer, UnknownNetwork
from dockerlab.lab import validate
from dockerlab.lab.spec import LAB_LABEL


@dataclass(frozen=True)
class Lookup:
    """The lab ``lab``'s containers and networks on the engine ``client()`` gives.

    Parameters
    ----------
    lab:
        The lab's name: what ``dockerlab.lab=<name>`` selects.
    client:
        The engine's client, asked at each lookup (a lab connects on first use).
    timeout:
        The bound of each engine call.
    shared_networks:
        Networks made elsewhere that the lab may use as its own (a cluster's overlays).
    """

    lab: str
    client: Callable[[], EngineClient]
    timeout: float
    shared_networks: Callable[[], Iterable[str]] = lambda: ()

    @property
    def label(self) -> str:
        """The label filter selecting the lab's resources."""
        return f"{LAB_LABEL}={self.lab}"

    def containers(self) -> list[Any]:
        """The lab's containers (docker-py objects), sorted by name."""
        with engine_call("docker ps", self.timeout):
            found = self.client().containers.list(all=True, filters={"label": self.label})
        return sorted(found, key=lambda c: c.name or "")

    def networks(self) -> list[Any]:
        """The lab's own networks (docker-py objects), sorted by name."""
        with engine_call("docker network ls", self.timeout):
            found = self.client().networks.list(filters={"label": self.label})
        return sorted(found, key=lambda n: n.name or "")

    def container(self, name: str) -> Any | None:
        """The container with exactly this name (never an id prefix), or None."""
        with engine_call(f"docker ps --filter name={name}", self.timeout):
            found = self.client().containers.list(all=True, filters={"name": f"^/?{name}$"})
        return next((c for c in found if c.name == name), None)

    def network(self, name: str) -> Any | None:
        """The network with exactly this name (never an id prefix), or None."""
        with engine_call(f"docker network ls --filter name={name}", self.timeout):
            found = self.client().networks.list(names=[name])
        return next((n for n in found if n.name == name), None)

    def own_container(self, name: str) -> Any:
        """The lab's container ``name``; :class:`~dockerlab.errors.UnknownContainer` when the lab has none."""
        validate.container_name(name)
        c = self.container(name)
        if c is None or (c.labels or {}).get(LAB_LABEL) != self.lab:
            raise UnknownContainer(name, self.lab, [c.name for c in self.containers()])
        return c

    def usable_network(self, name: str) -> str:
        """``name``, if the lab may use it: Docker's own, shared with the lab, or the lab's; else UnknownNetwork."""
        validate.network_name(name)
        if name in model.PREDEFINED_NETWORKS or name in self.shared_networks():
            return name
        n = self.network(name)
        if n is None or (n.attrs.get("Labels") or {}).get(LAB_LABEL) != self.lab:
            own = [n.name for n in self.networks()]
            raise UnknownNetwork(name, self.lab, [*model.PREDEFINED_NETWORKS, *own])
        return name
