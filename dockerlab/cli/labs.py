"""The labs an engine holds: every resource labelled ``dockerlab.lab``, grouped by lab."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import docker
import docker.errors

from dockerlab.engines.client import engine_call
from dockerlab.engines.protocol import EngineClient
from dockerlab.i18n import _, ngettext
from dockerlab.lab import LAB_LABEL


@dataclass
class LabResources:
    """The labelled containers and networks of one lab, as the engine reports them.

    Parameters
    ----------
    name:
        The lab's name (the value of its ``dockerlab.lab`` label).
    containers:
        Its containers (docker-py ``Container`` objects, or what stands in for them), sorted by name.
    networks:
        Its networks (docker-py ``Network`` objects), sorted by name.
    """

    name: str
    containers: list[Any] = field(default_factory=list)
    networks: list[Any] = field(default_factory=list)

    @property
    def running(self) -> list[Any]:
        """The containers that run."""
        return [c for c in self.containers if c.status == "running"]

    def last_activity(self) -> float:
        """Unix time of the latest creation, start or stop among the lab's resources."""
        stamps = [0.0]
        for c in self.containers:
            state = c.attrs.get("State") or {}
            stamps += [_time(c.attrs.get("Created")), _time(state.get("StartedAt")), _time(state.get("FinishedAt"))]
        stamps += [_time(n.attrs.get("Created")) for n in self.networks]
        return max(stamps)

    def summary(self) -> str:
        """For instance ``'2 containers (2 running), 1 network'``."""
        c, n = len(self.containers), len(self.networks)
        containers = ngettext("{n} container ({running} running)", "{n} containers ({running} running)", c)
        networks = ngettext("{n} network", "{n} networks", n)
        return _("{containers}, {networks}").format(
            containers=containers.format(n=c, running=len(self.running)), networks=networks.format(n=n)
        )


def _time(stamp: object) -> float:
    """Seconds since the epoch of a Docker timestamp; 0 when absent or unset.

    >>> _time("1970-01-01T00:01:40.5Z"), _time("0001-01-01T00:00:00Z"), _time(None)
    (100.5, 0.0, 0.0)
    """
    if not isinstance(stamp, str) or not stamp or stamp.startswith("0001-"):
        return 0.0
    head, rest = stamp[:19], stamp[19:].removeprefix(".")
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    zone = rest[len(digits) :]
    try:
        when = datetime.fromisoformat(head + (zone.replace("Z", "+00:00") or "+00:00"))
    except ValueError:
        return 0.0
    return when.timestamp() + float(f"0.{digits or 0}")


def _still_there(network: Any) -> bool:
    """Read ``network`` in full (its containers too), unless it was removed since it was listed."""
    try:
        network.reload()
    except docker.errors.NotFound:
        return False
    return True


def inventory(client: EngineClient) -> dict[str, LabResources]:
    """Every lab on the engine: lab name -> its labelled containers and networks.

    Parameters
    ----------
    client:
        The engine (a docker-py client, or the simulator's).

    Returns
    -------
    dict[str, LabResources]
        Sorted by lab name; only resources labelled ``dockerlab.lab`` are listed.
    """
    # A container or network removed while the list is read is simply not listed: the engine lists, then
    # docker-py inspects each one, and any other program (or another lab) may remove one in between.
    with engine_call("docker ps --filter label=" + LAB_LABEL):
        containers = client.containers.list(all=True, filters={"label": LAB_LABEL}, ignore_removed=True)
    with engine_call("docker network ls --filter label=" + LAB_LABEL):
        networks = [n for n in client.networks.list(filters={"label": LAB_LABEL}) if _still_there(n)]
    labs: dict[str, LabResources] = {}
    for c in sorted(containers, key=lambda c: c.name or ""):
        name = (c.labels or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).containers.append(c)
    for n in sorted(networks, key=lambda n: n.name or ""):
        name = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).networks.append(n)
    return dict(sorted(labs.items()))
