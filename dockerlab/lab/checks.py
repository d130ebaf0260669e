"""The learner's ``docker run`` arguments, checked before the engine sees them, and described as a RunSpec.

Docker's own refusals come from :mod:`dockerlab.model.refusals`; here they are
said in the learner's words, with what to do instead. What needs the engine
(is that network the lab's? which container does that id name?) is asked of
the lab's :class:`~dockerlab.lab.lookup.Lookup`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable
from typing import Any

from dockerlab import model
from dockerlab.errors import InvalidInput, LinkUnsupported, UnknownContainer
from dockerlab.i18n import N_, _
from dockerlab.lab import validate
from dockerlab.lab.handle import ContainerHandle
from dockerlab.lab.lookup import Lookup
from dockerlab.lab.spec import RunSpec, spec_of
from dockerlab.model import refusals


def run_spec(
    lookup: Lookup,
    handles: Callable[[], list[ContainerHandle]],
    handle: Callable[[str, dict[str, Any]], ContainerHandle],
    name: str,
    *,
    image: str,
    dns: str | None,
    network: str | None,
    links: list[str] | dict[str, str] | None,
    ip: str | None,
    aliases: list[str] | None,
    ports: dict[int, int] | None,
    command: str | list[str] | None,
    hostname: str | None,
    add_hosts: dict[str, str] | None,
) -> RunSpec:
    """The arguments of :meth:`Lab.run <dockerlab.lab.lab.Lab.run>`, checked and described.

    ``handles`` gives a handle on each of the lab's containers, ``handle`` one from a
    container's inspect data (to read a link target's networks).
    """
    validate.container_name(name)
    link_map = validate.links(links)
    alias_list = validate.aliases(aliases)
    port_map = validate.ports(ports)
    argv = validate.command(command)
    host_name = validate.hostname(hostname) if hostname is not None else None
    extra_hosts = validate.add_hosts(add_hosts)
    net = validate.network_name(network) if network is not None else "bridge"
    if ip is not None:
        ip = str(validate.ipv4_address(ip, N_("ip")))
    if (ip and net in model.PREDEFINED_NETWORKS) or refusals.alias_on_predefined(net, alias_list):
        raise InvalidInput(
            _(
                "ip= and aliases= need a user-defined network (Docker refuses them on {network}): "
                "create one with lab.network(...) and pass network=."
            ).format(network=repr(net))
        )
    if link_map and (net == "none" or refusals.link_refusal(net)):
        # i18n: "conflicting options" is Docker's own error: leave it in English.
        raise InvalidInput(
            _(
                "--link needs a network: {name} would run with --network {network}, which Docker refuses with "
                'links ("conflicting options"). Run it on the default bridge or a user-defined network.'
            ).format(name=name, network=net)
        )
    lookup.usable_network(net)
    link_map = {link_target(lookup, handles, handle, target): alias for target, alias in link_map.items()}
    if name in link_map:
        raise InvalidInput(_("{name} cannot link to itself.").format(name=name))
    if ip is not None:
        ip_in_network(lookup, net, ip)
    return RunSpec.of(
        name, lab=lookup.lab, image=image, network=net, links=link_map, ip=ip, aliases=alias_list,
        ports=port_map, command=argv, hostname=host_name, add_hosts=extra_hosts, dns=dns,
    )  # fmt: skip


def link_target(
    lookup: Lookup,
    handles: Callable[[], list[ContainerHandle]],
    handle: Callable[[str, dict[str, Any]], ContainerHandle],
    key: str,
) -> str:
    """What to pass the engine for a ``--link`` to a lab container named by name or by (the start of) its id.

    The id as given when linked by id (Docker records the name and keeps the id as the alias), else the
    name. Docker refuses a link to a container on the host network; so does this, before the engine.
    """
    if re.fullmatch(r"[0-9a-f]{12,64}", key) and lookup.container(key) is None:
        found = [h for h in handles() if h.id.startswith(key)]
        if len(found) != 1:
            raise UnknownContainer(key, lookup.lab, [h.name for h in handles()])
        target = found[0]
    else:
        target = handle(key, lookup.own_container(key).attrs)
    refused = refusals.link_refusal("host" if "host" in target.networks else "")
    if refused is not None:
        raise InvalidInput(
            _(
                "{name} runs on the host network, and Docker refuses --link to such a container ({docker_says}): "
                "it has no address of its own to write into /etc/hosts. Reach it at the host's addresses instead."
            ).format(
                name=target.name,
                docker_says=f'"{refused.gist}"',
            )
        )
    return key if key != target.name and key == target.id[: len(key)] else target.name


def ip_in_network(lookup: Lookup, net: str, ip: str) -> None:
    """Refuse a fixed ``ip`` Docker would refuse on ``net``: its own networks, no subnet, or outside it."""
    if net in model.PREDEFINED_NETWORKS:
        raise InvalidInput(
            _(
                "Docker refuses a fixed address on its own network {network} ({docker_says}): create one with "
                "lab.network(name, subnet=...) and use that."
            ).format(
                network=repr(net),
                docker_says='"user specified IP address is supported on user defined networks only"',
            )
        )
    n = lookup.network(net)
    spec = spec_of(n.attrs.get("Labels")) if n else {}
    if not spec.get("subnet"):
        raise InvalidInput(
            _("A fixed ip= needs a network created with an explicit subnet (Docker's rule): {command}.").format(
                command=f"lab.network({net!r}, subnet=...)"
            )
        )
    if ipaddress.ip_address(ip) not in ipaddress.ip_network(spec["subnet"]):
        raise InvalidInput(
            _("ip {ip} is not inside {network}'s subnet {subnet}.").format(ip=ip, network=net, subnet=spec["subnet"])
        )


def connect_args(
    lookup: Lookup, network: str, ip: str | None, aliases: list[str] | None
) -> tuple[str, str | None, list[str]]:
    """The arguments of :meth:`Lab.connect <dockerlab.lab.lab.Lab.connect>` checked: ``(network, ip, aliases)``.

    Refused before the engine: a network that is not the lab's, ``host`` or ``none``, a fixed address
    Docker would refuse, aliases on Docker's own networks.
    """
    net = lookup.usable_network(network)
    alias_list = validate.aliases(aliases)
    if ip is not None:
        ip = str(validate.ipv4_address(ip, N_("ip")))
        ip_in_network(lookup, net, ip)
    if net in ("host", "none"):
        raise InvalidInput(
            _("Docker cannot connect a container to {network} after it was created.").format(network=repr(net))
        )
    refused = refusals.alias_on_predefined(net, alias_list)
    if refused is not None:
        raise InvalidInput(
            _(
                "Docker refuses aliases on its own network {network} ({docker_says}): connect to a network made "
                "with lab.network(...)."
            ).format(network=repr(net), docker_says=f'"{refused.message}"')
        )
    return net, ip, alias_list


def joinable(container: str, networks: list[str]) -> None:
    """Refuse to add a network to a container that runs with ``--network host`` or ``none``."""
    if "none" in networks or "host" in networks:
        raise InvalidInput(
            _("{container} runs with --network {network}: Docker cannot add networks to it.").format(
                container=container, network=networks[0]
            )
        )


def for_engine(spec: RunSpec, release: model.Release) -> RunSpec:
    """``spec`` as the engine of ``release`` takes it.

    Podman has no ``--link``: refused here, in the learner's language, before the engine says it in English.
    And a ``--dns`` would replace aardvark-dns in the container's resolv.conf (a user's ``--dns`` trumps the
    networks' resolvers), so names would fail on user-defined networks too: on Podman the container keeps its own.
    """
    if not release.is_podman:
        return spec
    if spec.links:
        raise LinkUnsupported("", podman=True)
    return dataclasses.replace(spec, dns=None)


def already_on(container: str, network: str, networks: list[str]) -> str | None:
    """What to say when ``container`` is already on ``network`` (nothing to do), or None when it is not."""
    refused = refusals.already_connected(container, network, networks)
    if refused is None:
        return None
    return _(
        "({container} is already on {network}: nothing to do. `docker network connect` itself would "
        "refuse: {docker_says})"
    ).format(container=container, network=network, docker_says=refused.message)
