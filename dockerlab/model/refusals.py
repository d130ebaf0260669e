"""What Docker refuses, and in its own words: asked by the lab before it calls the engine, and by
the simulator, which refuses the same way the engine does.

Each function answers one question about a request. It returns None when
Docker accepts the request, else a :class:`Refusal`: the engine's message and
the HTTP status it answers with. The lab turns a refusal into a learner-facing
error that quotes Docker's words; the simulator raises it as the engine would.

>>> already_connected("web", "front", ["front"]).message
'endpoint with name web already exists in network front'
>>> alias_on_predefined("bridge", ["db"]).status, alias_on_predefined("front", ["db"])
(400, None)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from dockerlab.model.state import PREDEFINED_NETWORKS
from dockerlab.model.subnets import AnyNetwork, overlapping


@dataclass(frozen=True)
class Refusal:
    """Docker's answer to a request it refuses.

    Attributes
    ----------
    message:
        The engine's own message (English, as the engine writes it).
    status:
        The HTTP status of the engine's answer.
    clashes:
        For an overlapping subnet, what it overlaps, in words.
    """

    message: str
    status: int = 400
    clashes: tuple[str, ...] = field(default=())

    @property
    def gist(self) -> str:
        """The message's first sentence, for quoting in a sentence of our own."""
        return self.message.split(". ", 1)[0]


def container_name_in_use(name: str, other_id: str | None) -> Refusal | None:
    """``docker create --name NAME`` when container ``other_id`` already has the name (None: free)."""
    if other_id is None:
        return None
    return Refusal(
        f'Conflict. The container name "/{name}" is already in use by container "{other_id}". '
        "You have to remove (or rename) that container to be able to reuse that name.",
        409,
    )


def network_name_in_use(name: str, existing: Collection[str]) -> Refusal | None:
    """``docker network create NAME`` when a network of that name exists among ``existing``."""
    if name not in existing:
        return None
    return Refusal(f"network with name {name} already exists", 409)


def pool_overlap(subnet: str, taken: Iterable[tuple[AnyNetwork, str]]) -> Refusal | None:
    """``docker network create --subnet SUBNET`` when it overlaps a range in use (``(range, what)`` pairs)."""
    clashes = overlapping(subnet, taken)
    if not clashes:
        return None
    return Refusal("Pool overlaps with other one on this address space", 403, tuple(clashes))


def already_connected(container: str, network: str, networks: Collection[str]) -> Refusal | None:
    """``docker network connect NETWORK CONTAINER`` when the container's ``networks`` include it already."""
    if network not in networks:
        return None
    return Refusal(f"endpoint with name {container} already exists in network {network}", 403)


def alias_on_predefined(network: str, aliases: Collection[str]) -> Refusal | None:
    """``--network-alias`` on one of Docker's own networks (``bridge``, ``host``, ``none``)."""
    if not aliases or network not in PREDEFINED_NETWORKS:
        return None
    return Refusal("network-scoped alias is supported only for containers in user defined networks", 400)


def fixed_ip_refusal(network: str, ip: str | None, configured: bool) -> Refusal | None:
    """``--ip IP`` on ``network``: Docker takes a fixed address only on a user-defined network whose subnet was
    given (``configured``) at ``docker network create``."""
    if not ip:
        return None
    if network in PREDEFINED_NETWORKS:
        return Refusal("user specified IP address is supported on user defined networks only", 400)
    if not configured:
        return Refusal(
            "user specified IP address is supported only when connecting to networks with user configured subnets",
            400,
        )
    return None


def link_refusal(mode: str) -> Refusal | None:
    """``--link`` to or from a container whose network mode is ``mode``: the host's network has no links."""
    if mode != "host":
        return None
    return Refusal(
        "conflicting options: host type networking can't be used with links. This would result in undefined behavior",
        400,
    )


__all__ = [
    "Refusal",
    "alias_on_predefined",
    "already_connected",
    "container_name_in_use",
    "fixed_ip_refusal",
    "link_refusal",
    "network_name_in_use",
    "pool_overlap",
]
