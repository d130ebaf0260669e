"""``docker compose up -d`` and ``down`` on dockerlab's simulator, where no Compose is asked.

:func:`up` makes, through the engine client's docker-py surface, the calls
:func:`dockerlab.setups.compose.creation` reads from the project (the same
settings :func:`~dockerlab.setups.compose.plan` reads for the prediction):
the project's networks (``internal``, ``driver_opts`` such as ICC off, a
declared subnet; an ``external`` one must exist already), then each
container in Compose's start order, created on its primary network with its
aliases and links, connected to the others, and started, every one with
Compose's labels (``com.docker.compose.project``, ``service``,
``container-number``) so that :func:`dockerlab.setups.analyse.inspect_engine`
finds the project. A container of the file's services that exists already
is made afresh, as Compose recreates a changed one; networks that exist are
kept. :func:`down` removes the project's containers and the networks the
file declares, and nothing else.

What the engine refuses, the simulator refuses in the engine's words
(:class:`Refused`, with the text Compose would print).
"""

from __future__ import annotations

from typing import Any

import docker.errors

from dockerlab.engines.protocol import EngineClient
from dockerlab.setups import compose


class Refused(Exception):
    """What Compose would print when the engine (or Compose itself) refuses ``up``."""


def _endpoint(ip: str | None, aliases: list[str], links: list[tuple[str, str]]) -> dict[str, Any]:
    """An endpoint's settings as the engine's API takes them at ``docker create``."""
    return {
        "IPAMConfig": {"IPv4Address": ip} if ip else None,
        "Aliases": aliases or None,
        "Links": [f"{target}:{alias}" for target, alias in links] or None,
    }


def _networks(client: EngineClient, made: compose.Creation) -> None:
    existing = {n.name for n in client.networks.list()}
    for net in made.networks:
        if net.external:
            if net.name not in existing:
                raise Refused(f"network {net.name} declared as external, but could not be found")
            continue
        if net.name in existing:
            continue
        ipam = {"Driver": "default", "Config": [{"Subnet": net.subnet}]} if net.subnet else None
        client.networks.create(
            net.name, driver="bridge", ipam=ipam, internal=net.internal, options=net.options, labels=net.labels
        )


def _containers(client: EngineClient, label: str) -> list[Any]:
    return list(client.containers.list(all=True, filters={"label": label}))


def up(client: EngineClient, project: compose.Project) -> None:
    """Create and start ``project`` on the simulated engine ``client`` (see the module's text)."""
    made = compose.creation(project)
    try:
        _networks(client, made)
        label = f"{compose.PROJECT_LABEL}={project.name}"
        for old in _containers(client, label):
            if old.labels.get(compose.SERVICE_LABEL) in project.services:
                old.remove(force=True)
        for call in made.containers:
            primary = call.networks[:1]
            container = client.containers.create(
                call.image,
                name=call.name,
                labels=call.labels,
                dns=call.dns,
                network_mode=call.mode,
                networking_config={net: _endpoint(ip, al, ln) for net, ip, al, ln in primary} or None,
                links={target: alias for target, alias in reversed(call.links)} or None,
                extra_hosts=call.extra_hosts or None,
            )
            for net, ip, aliases, links in call.networks[1:]:
                client.api.connect_container_to_network(
                    container.id or call.name, net, ipv4_address=ip, aliases=aliases, links=links
                )
            container.start()
    except docker.errors.APIError as e:
        raise Refused(f"Error response from daemon: {e.explanation or e}") from e


def down(client: EngineClient, project: compose.Project) -> None:
    """Remove ``project``'s containers (those of services the file no longer has too) and the networks it declares."""
    label = f"{compose.PROJECT_LABEL}={project.name}"
    for old in _containers(client, label):
        old.remove(force=True)
    declared = {n.name for n in compose.creation(project).networks if not n.external}
    for net in client.networks.list(filters={"label": label}):
        if net.name in declared and (net.attrs.get("Labels") or {}).get(compose.PROJECT_LABEL) == project.name:
            net.remove()


__all__ = ["Refused", "down", "up"]
