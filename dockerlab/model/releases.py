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


def release_numbers(version: str) -> tuple[int, ...]:
    """``"26.1.5+dfsg1"`` -> ``(26, 1, 5)``: the numbers that order releases.

    >>> release_numbers("26.1.5+dfsg1"), release_numbers("20.10.24")
    ((26, 1, 5), (20, 10, 24))
    """
    numbers = re.findall(r"\d+", version.split("+")[0].split("-")[0])[:3]
    if not numbers:
        raise ValueError(f"not a Docker release: {version!r}")
    return tuple(int(n) for n in numbers)


@dataclass(frozen=True)
class Release:
    """The release-dependent behaviours of one Docker Engine version."""

    version: str
    numbers: tuple[int, ...]

    @classmethod
    def of(cls, version: str = DEFAULT_VERSION) -> Release:
        """The behaviours of ``version`` (``"20.10.24"``, ``"28.5.2+dfsg1"``...)."""
        return cls(version, release_numbers(version))

    @property
    def pools_lowest_first(self) -> bool:
        """From 28, a network without a subnet takes the *lowest* free default pool.

        Before 28, libnetwork's allocator rotates: it starts after the last
        pool it handed out, so a pool just released is not reused at once.
        """
        return self.numbers >= (28,)

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
        """From 25, a container on ``--internal`` networks only has no default route.

        An address outside their subnets then fails at once ("Network is
        unreachable") instead of timing out.
        """
        return self.numbers >= (25,)

    @property
    def disconnect_keeps_other_hosts_lines(self) -> bool:
        """From 28, ``network disconnect`` removes only that network's line of the container's ``/etc/hosts``.

        Before, it removes every line with the container's own name, the line
        for a network it stays on included (moby's TestEtcHostsDisconnect).
        """
        return self.numbers >= (28,)

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
        return self.numbers >= (28,)

    @property
    def unknown_name_answered(self) -> bool:
        """From 26, the embedded DNS answers an unknown name at once (``bad address``).

        Before 26 the query gets no answer, so ``nc -w 1`` runs out of time.
        """
        return self.numbers >= (26,)


__all__ = ["DEFAULT_VERSION", "Release", "release_numbers"]
