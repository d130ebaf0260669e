"""What differs between Docker Engine releases, in one place.

Each rule here was observed on a real engine (20.10.24, 26.1.5 and 28.5.2).
One more difference is known and not followed: from 28 a container's veth
end is created inside it, so it is always interface 2 there (notebook 04
explains it; the simulator numbers interfaces as 20.10 does).
:class:`Release` answers, for one engine version, every behaviour that
depends on it; the simulator and the model ask it and never compare version
numbers themselves.

>>> Release.of("26.1.5+dfsg1").resolv_conf_commented, Release.of("20.10.24").resolv_conf_commented
(True, False)
>>> Release.of("28.5.2").pools_lowest_first
True

Podman, through its Docker-compatible API, is one more engine here:
``Release.of("podman 4.3.1")`` (see :func:`engine_of`, which reads it from
``docker version``). Its rules were measured on Debian 12's Podman 4.3.1 with
netavark 1.4 and aardvark-dns 1.4 (``scripts/podman.sh``), rootful.

>>> podman = Release.of("podman 4.3.1")
>>> podman.is_podman, podman.links_supported, podman.networks_isolated, podman.default_bridge_device
(True, False, False, 'podman0')
>>> podman.resolver("10.89.0.1"), Release.of("20.10.24").resolver("172.18.0.1")
('10.89.0.1', '127.0.0.11')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The release the simulator follows when it is given none.
DEFAULT_VERSION = "20.10.24"

_HOSTS_HEAD = (
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
)


#: How ``docker version`` names Podman's server component.
PODMAN_COMPONENT = "Podman Engine"


def engine_of(version: dict[str, object]) -> str:
    """The engine ``docker version``'s answer describes, as :meth:`Release.of` takes it.

    Podman's Docker-compatible API names its server component "Podman Engine";
    its version then gets the prefix ``podman``.

    >>> engine_of({"Version": "4.3.1", "Components": [{"Name": "Podman Engine", "Version": "4.3.1"}]})
    'podman 4.3.1'
    >>> engine_of({"Version": "20.10.24+dfsg1", "Components": [{"Name": "Engine", "Version": "20.10.24+dfsg1"}]})
    '20.10.24+dfsg1'
    """
    components = version.get("Components")
    for c in components if isinstance(components, list) else []:
        if isinstance(c, dict) and c.get("Name") == PODMAN_COMPONENT:
            return f"podman {c.get('Version') or version.get('Version', '')}"
    return str(version.get("Version", ""))


def release_numbers(version: str) -> tuple[int, ...]:
    """``"26.1.5+dfsg1"`` -> ``(26, 1, 5)``: the numbers that order releases.

    >>> release_numbers("26.1.5+dfsg1"), release_numbers("20.10.24")
    ((26, 1, 5), (20, 10, 24))
    """
    numbers = re.findall(r"\d+", version.removeprefix("podman").split("+")[0].split("-")[0])[:3]
    if not numbers:
        raise ValueError(f"not a Docker release: {version!r}")
    return tuple(int(n) for n in numbers)


@dataclass(frozen=True)
class Release:
    """The release-dependent behaviours of one Docker Engine version, or of one Podman version."""

    version: str
    numbers: tuple[int, ...]
    #: ``"docker"`` or ``"podman"``
    engine: str = "docker"

    @classmethod
    def of(cls, version: str = DEFAULT_VERSION) -> Release:
        """The behaviours of ``version`` (``"20.10.24"``, ``"28.5.2+dfsg1"``, ``"podman 4.3.1"``...)."""
        version = version.strip()
        engine = "podman" if version.lower().startswith("podman") else "docker"
        return cls(version, release_numbers(version.lower()), engine)

    # -- Podman ----------------------------------------------------------------------------------------------
    # Each rule was measured on Podman 4.3.1 (netavark 1.4, aardvark-dns 1.4, rootful) before it was written.

    @property
    def is_podman(self) -> bool:
        """Whether the engine is Podman (its Docker-compatible API), not Docker Engine."""
        return self.engine == "podman"

    @property
    def links_supported(self) -> bool:
        """Podman has no ``--link``: its API answers "bad parameter: link is not supported".

        The maintainers will not add it (podman issue #24254: "We will not support --link, it has been
        deprecated for years in docker").
        """
        return not self.is_podman

    @property
    def networks_isolated(self) -> bool:
        """Docker isolates its bridges from each other (DOCKER-ISOLATION chains); Podman does not.

        With netavark, a container on one bridge network reaches, by IP, a container on another
        (non-internal) one through the host, unless the networks are created with ``--opt isolate``
        (podman issue #26913; netavark PR #703's table: networks without isolation reach each other).
        Measured: a container on ``podman`` pinged one on a user-defined network by its address.
        """
        return not self.is_podman

    @property
    def default_network(self) -> str:
        """The default network's name in a container's ``NetworkSettings.Networks``.

        Podman's is ``podman`` (its compatible ``network ls`` shows it as ``bridge``); it has no DNS
        (``podman network inspect podman``: ``dns_enabled: false``; podman-network-create(1) on
        ``--disable-dns``), so names fail there, as on Docker's default bridge.
        """
        return "podman" if self.is_podman else "bridge"

    @property
    def default_bridge_device(self) -> str | None:
        """Podman's default network's bridge on the host: ``podman0`` (netavark; with the CNI backend it is
        ``cni-podman0``); its other networks get ``podman1``, ``podman2``... in order (measured). None on
        Docker, whose bridge the model names (:data:`dockerlab.model.DEFAULT_BRIDGE_DEVICE`)."""
        return "podman0" if self.is_podman else None

    def resolver(self, gateway: str | None) -> str:
        """The nameserver a container on a user-defined network asks, as its ``/etc/resolv.conf`` names it.

        Docker: the embedded DNS, ``127.0.0.11``. Podman: aardvark-dns, which listens on the network's
        gateway (measured: ``nameserver 10.89.0.1`` on a network with gateway 10.89.0.1, after
        ``search dns.podman``; podman-network(1), "DNS NOTES": aardvark-dns registers each container under
        its name, its aliases and its short id).
        """
        return (gateway or "") if self.is_podman else "127.0.0.11"

    @property
    def hosts_own_line_per_network(self) -> bool:
        """Podman writes a container's own ``/etc/hosts`` line (``IP short-id name``) per network, adds one on
        ``network connect`` and removes it on ``disconnect`` (measured), after ``host.containers.internal``
        (the gateway) and the host's own ``/etc/hosts`` entries."""
        return self.is_podman

    @property
    def pools_lowest_first(self) -> bool:
        """From 28, a network without a subnet takes the *lowest* free default pool.

        Before 28, libnetwork's allocator rotates: it starts after the last
        pool it handed out, so a pool just released is not reused at once.
        """
        return self.is_podman or self.numbers >= (28,)

    @property
    def resolv_conf_commented(self) -> bool:
        """From 26, ``/etc/resolv.conf`` carries comments on where each line came from."""
        return self.numbers >= (26,)

    @property
    def hosts_head(self) -> tuple[str, ...]:
        """The lines every container's ``/etc/hosts`` starts with (28 writes ``fe00::`` for ``fe00::0``)."""
        if self.numbers >= (28,):
            return tuple(line.replace("::0\t", "::\t") for line in _HOSTS_HEAD)
        return _HOSTS_HEAD

    @property
    def internal_has_no_default_route(self) -> bool:
        """From 25 (and on Podman: measured), a container on ``--internal`` networks only has no default route.

        An address outside their subnets then fails at once ("Network is
        unreachable") instead of timing out.
        """
        return self.is_podman or self.numbers >= (25,)

    @property
    def disconnect_keeps_other_hosts_lines(self) -> bool:
        """From 28, ``network disconnect`` removes only that network's line of the container's ``/etc/hosts``.

        Before, it removes every line with the container's own name, the line
        for a network it stays on included (moby's TestEtcHostsDisconnect).
        """
        return self.is_podman or self.numbers >= (28,)

    @property
    def dns_names_in_inspect(self) -> bool:
        """From 25 (API 1.44), each endpoint in ``docker inspect`` lists ``DNSNames``: the container's name,
        its aliases, its short id and its hostname."""
        return self.numbers >= (25,)

    @property
    def aliases_as_submitted(self) -> bool:
        """From 26 (API 1.45), an endpoint's ``Aliases`` are only those given; before, Docker added the short
        id (and ``--hostname``, if any)."""
        return self.numbers >= (26,)

    @property
    def default_bridge_reports_gateway(self) -> bool:
        """``docker network inspect bridge`` shows the gateway in IPAM (observed on 28, not on 20.10)."""
        return self.is_podman or self.numbers >= (28,)

    @property
    def unknown_name_answered(self) -> bool:
        """From 26, the embedded DNS answers an unknown name at once (``bad address``).

        Before 26 the query gets no answer, so ``nc -w 1`` runs out of time. Podman's aardvark-dns answers at
        once (measured: ``bad address`` within 0.15 s).
        """
        return self.is_podman or self.numbers >= (26,)


__all__ = ["DEFAULT_VERSION", "PODMAN_COMPONENT", "Release", "engine_of", "release_numbers"]
