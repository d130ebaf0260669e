"""Subnet planning, written once: Docker's default address pools, overlaps, the first free range.

The lab (a subnet for a new network, the ranges it overlaps), the cluster (an
overlay's subnet), the simulator (the pool a network gets) and Compose's plan
(placeholder subnets) all ask this module. It does no I/O: what is taken is
passed in.

>>> DEFAULT_POOLS[:2], DEFAULT_POOLS[15], len(DEFAULT_POOLS)
(('172.17.0.0/16', '172.18.0.0/16'), '192.168.0.0/20', 31)
>>> overlapping("10.1.0.0/16", [(network("10.0.0.0/8"), "a"), (network("192.168.0.0/16"), "b")])
['a']
>>> first_free([network("10.0.0.0/16")], 16)
'10.1.0.0/16'
>>> first_host("192.168.0.0/16")
'192.168.0.1'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TypeVar

from dockerlab.errors import InvalidInput
from dockerlab.i18n import _

Taken = TypeVar("Taken")

#: Docker's default address pools, in the order the engine hands them out: 172.17-31.0.0/16, then
#: 192.168.0.0/16 in /20s. The default bridge takes the first.
DEFAULT_POOLS: tuple[str, ...] = tuple(f"172.{i}.0.0/16" for i in range(17, 32)) + tuple(
    str(n) for n in ipaddress.ip_network("192.168.0.0/16").subnets(new_prefix=20)
)
#: The default bridge's subnet and gateway (the first pool, and its first address).
DEFAULT_BRIDGE_POOL: tuple[str, str] = (DEFAULT_POOLS[0], "172.17.0.1")
#: Where a free subnet is looked for: the private ranges, Docker's own 172.16.0.0/12 last.
PRIVATE_BLOCKS: tuple[str, ...] = ("10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12")


#: A network as ``ipaddress.ip_network`` gives it: what is taken may be IPv6 too (it then overlaps no IPv4 subnet).
AnyNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(subnet: str | AnyNetwork) -> ipaddress.IPv4Network:
    """``subnet`` as an IPv4 network (host bits allowed, as Docker's inspect data may have them)."""
    net = ipaddress.ip_network(subnet, strict=False)
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"not an IPv4 subnet: {subnet}")
    return net


def overlaps(subnet: str | AnyNetwork, taken: Iterable[AnyNetwork]) -> bool:
    """Whether ``subnet`` overlaps any of ``taken``."""
    net = network(subnet)
    return any(net.overlaps(t) for t in taken if isinstance(t, ipaddress.IPv4Network))


def overlapping(subnet: str | AnyNetwork, taken: Iterable[tuple[AnyNetwork, Taken]]) -> list[Taken]:
    """What of ``taken`` (``(range, what)`` pairs) ``subnet`` overlaps: the ``what`` of each, in order."""
    net = network(subnet)
    return [what for t, what in taken if isinstance(t, ipaddress.IPv4Network) and t.overlaps(net)]


def carve(parent: str | ipaddress.IPv4Network, prefixlen: int) -> list[str]:
    """``parent`` cut into subnets of ``prefixlen`` bits, in order (none when ``parent`` is smaller)."""
    net = network(parent)
    return [] if prefixlen < net.prefixlen else [str(n) for n in net.subnets(new_prefix=prefixlen)]


def first_free(
    taken: Sequence[AnyNetwork],
    prefixlen: int,
    blocks: Iterable[str] = PRIVATE_BLOCKS,
    start: str | None = None,
) -> str | None:
    """The first subnet of ``prefixlen`` bits in ``blocks`` that overlaps nothing ``taken``.

    ``start`` skips the candidates before it. None when every one is taken.

    >>> first_free([network("10.77.0.0/24")], 24, ["10.0.0.0/8"], start="10.77.0.0/24")
    '10.77.1.0/24'
    """
    low = network(start).network_address if start else None
    for block in blocks:
        parent = network(block)
        if prefixlen < parent.prefixlen:
            continue
        for cand in parent.subnets(new_prefix=prefixlen):
            if low is not None and cand.network_address < low:
                continue
            if not overlaps(cand, taken):
                return str(cand)
    return None


def next_pool(pools: Sequence[str], start: int, taken: Sequence[AnyNetwork]) -> tuple[str, int] | None:
    """The first of ``pools`` from index ``start`` on (wrapping) that overlaps nothing ``taken``.

    Returns the pool and the index to start from next time (libnetwork's
    rotating allocator), or None when every pool is taken.

    >>> next_pool(DEFAULT_POOLS, 0, [network("172.17.0.0/16")])
    ('172.18.0.0/16', 2)
    """
    order = [*pools[start:], *pools[:start]]
    for i, pool in enumerate(order):
        if not overlaps(pool, taken):
            after = start + i + 1
            return pool, after if after < len(pools) else 0
    return None


def first_host(subnet: str | ipaddress.IPv4Network) -> str:
    """The subnet's first address: the gateway Docker gives a bridge when none is asked for."""
    return str(next(network(subnet).hosts()))


__all__ = [
    "DEFAULT_BRIDGE_POOL",
    "DEFAULT_POOLS",
    "PRIVATE_BLOCKS",
    "carve",
    "first_free",
    "first_host",
    "network",
    "next_pool",
    "overlapping",
    "overlaps",
]


def taken(
    networks: Iterable[tuple[str, bool, Iterable[str]]],
    routes: Iterable[tuple[str, str]],
    *,
    ignore_own: bool = False,
) -> list[tuple[ipaddress.IPv4Network, str]]:
    """IPv4 ranges in use on an engine's side, each with what uses it, in words.

    ``networks`` are ``(name, whether it is the lab's own, its subnets)``; ``routes`` the engine
    host's ``(destination, device)``. A Docker bridge's own route counts once, as its network;
    ``ignore_own`` leaves out the lab's networks.

    >>> [what for _n, what in taken([("myBridge", False, ["192.168.0.0/16"])], [("192.168.0.0/16", "br-1")])]
    ["Docker network 'myBridge' (192.168.0.0/16)"]
    """
    found: list[tuple[ipaddress.IPv4Network, str]] = []
    docker = set()
    for name, own, ranges in networks:
        for subnet in ranges:
            net = network(subnet)
            docker.add(net)
            if own and not ignore_own:
                found.append((net, _("this lab's network ({net})").format(net=net)))
            elif not own:
                found.append((net, _("Docker network {name} ({net})").format(name=repr(name), net=net)))
    for dest, dev in routes:
        net = network(dest)
        if net not in docker:
            found.append((net, _("the engine host's route {net} on {device}").format(net=net, device=dev)))
    return found


def choose(taken: Sequence[tuple[AnyNetwork, str]], preferred: str | None, prefixlen: int = 16) -> str:
    """``preferred`` where it overlaps nothing ``taken``, else the first free subnet of its size (or ``prefixlen``).

    >>> choose([(network("192.168.0.0/16"), "myBridge")], "192.168.0.0/16")
    '10.0.0.0/16'
    """
    if preferred is not None:
        net = network(preferred)
        if not overlapping(net, taken):
            return str(net)
        prefixlen = net.prefixlen
    found = first_free([t for t, _what in taken], prefixlen)
    if found is None:
        raise InvalidInput(
            _("No free /{prefixlen} subnet in the private ranges: try a smaller one.").format(prefixlen=prefixlen)
        )
    return found
