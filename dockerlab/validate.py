"""Checks of user input, run before the engine is touched.

>>> container_name("tomcat1")
'tomcat1'
>>> subnet_and_gateway("192.168.0.0/16", "192.168.0.1")
('192.168.0.0/16', '192.168.0.1')
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence

from dockerlab.errors import InvalidInput
from dockerlab.model.state import CONTAINER_NAME, NAME_CHARS, PREDEFINED_NETWORKS

# Docker's own rule for names (dockerlab.model), kept for labs too. Names also
# become DNS labels, hence the length cap.
_NAME = re.compile(NAME_CHARS)
MAX_NAME = 63


def _name(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"A {kind} name must be a string, not {type(value).__name__}: {value!r}.")
    if not value:
        raise InvalidInput(f"A {kind} name cannot be empty.")
    if len(value) > MAX_NAME:
        raise InvalidInput(f"The {kind} name {value[:20]!r}... is {len(value)} characters; at most {MAX_NAME}.")
    if not _NAME.fullmatch(value):
        raise InvalidInput(
            f"Invalid {kind} name {value!r}: use letters, digits, '_', '.' and '-', "
            f"starting with a letter or digit (Docker's rule, {NAME_CHARS})."
        )
    return value


def container_name(value: object) -> str:
    """Return ``value`` if it is a valid container name, else raise :class:`InvalidInput`.

    Docker wants at least two characters for a container (not for a network):

    >>> container_name("c1")
    'c1'
    >>> container_name("c")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    dockerlab.errors.InvalidInput: The container name 'c' is too short: ... at least two characters, for example 'c1'.
    """
    name = _name("container", value)
    if not CONTAINER_NAME.fullmatch(name):
        raise InvalidInput(
            f"The container name {name!r} is too short: Docker wants at least two characters, "
            f"for example {name + '1'!r}."
        )
    return name


def lab_name(value: object) -> str:
    """Return ``value`` if it is a valid lab name, else raise :class:`InvalidInput`."""
    return _name("lab", value)


def network_name(value: object, *, creating: bool = False) -> str:
    """Return ``value`` if it is a valid network name.

    With ``creating=True`` Docker's predefined networks are refused, since they
    exist already and cannot be created.
    """
    name = _name("network", value)
    if creating and name == "default":
        raise InvalidInput(
            "'default' is reserved: Docker refuses to create a network with that name (\"operation is not "
            'permitted on predefined default network"), since it means the default bridge. Pick another name.'
        )
    if creating and name in PREDEFINED_NETWORKS:
        raise InvalidInput(
            f"{name!r} is one of Docker's own networks (bridge, host, none): it exists already. "
            "Use it directly, for example lab.run('c1', network='bridge'), or create a network "
            "with another name."
        )
    return name


def subnet_and_gateway(subnet: object, gateway: object) -> tuple[str | None, str | None]:
    """Check an optional IPv4 subnet and gateway; return them normalised.

    >>> subnet_and_gateway("10.5.0.0/24", None)
    ('10.5.0.0/24', None)
    >>> subnet_and_gateway(None, "10.0.0.1")
    Traceback (most recent call last):
    ...
    dockerlab.errors.InvalidInput: A gateway needs a subnet: pass subnet= as well (for example subnet='10.0.0.0/24').
    """
    if subnet is None:
        if gateway is not None:
            raise InvalidInput("A gateway needs a subnet: pass subnet= as well (for example subnet='10.0.0.0/24').")
        return None, None
    net = ipv4_network(subnet)
    if net.prefixlen > 29:
        raise InvalidInput(
            f"Subnet {net} is too small for a lab (/{net.prefixlen}): use /29 or larger, for example /24."
        )
    if gateway is None:
        return str(net), None
    gw = ipv4_address(gateway, "gateway")
    if gw not in net or gw in (net.network_address, net.broadcast_address):
        raise InvalidInput(
            f"Gateway {gw} is not a usable address of subnet {net}: pick one between "
            f"{net.network_address + 1} and {net.broadcast_address - 1} (usually {net.network_address + 1})."
        )
    return str(net), str(gw)


def ipv4_network(value: object) -> ipaddress.IPv4Network:
    """Parse a strict IPv4 CIDR such as ``192.168.0.0/16``."""
    if not isinstance(value, str):
        raise InvalidInput(f"A subnet must be a string in CIDR form such as '192.168.0.0/16', not {value!r}.")
    if "/" not in value:
        raise InvalidInput(f"Subnet {value!r} lacks a prefix length: write it as CIDR, for example '{value}/24'.")
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as e:
        if "has host bits set" in str(e):
            loose = ipaddress.ip_network(value, strict=False)
            raise InvalidInput(f"Subnet {value!r} has host bits set: did you mean {loose}?") from None
        raise InvalidInput(f"Subnet {value!r} is not a valid CIDR ({e}); for example '192.168.0.0/16'.") from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise InvalidInput(f"Subnet {value!r} is IPv6; this lab teaches IPv4 bridges only.")
    if net.is_loopback or net.is_multicast or net.is_link_local or net.is_unspecified or net.prefixlen < 8:
        raise InvalidInput(f"Subnet {value!r} cannot be used for a bridge: pick a private range such as 10.10.0.0/16.")
    return net


def ipv4_address(value: object, what: str = "address") -> ipaddress.IPv4Address:
    """Parse one IPv4 address, naming ``what`` in the error."""
    if not isinstance(value, str):
        raise InvalidInput(f"The {what} must be a string such as '192.168.0.1', not {value!r}.")
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        raise InvalidInput(f"The {what} {value!r} is not an IPv4 address such as '192.168.0.1'.") from None
    if not isinstance(addr, ipaddress.IPv4Address):
        raise InvalidInput(f"The {what} {value!r} is IPv6; this lab teaches IPv4 only.")
    return addr


def links(value: object) -> dict[str, str]:
    """Normalise ``links`` (a list of names or a name -> alias mapping) to a dict.

    >>> links(["mysql1"])
    {'mysql1': 'mysql1'}
    >>> links({"mysql1": "db"})
    {'mysql1': 'db'}
    """
    if value is None:
        return {}
    if isinstance(value, str):
        raise InvalidInput(f"links must be a list of names or a dict name -> alias, not a string: use [{value!r}].")
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Sequence):
        pairs = [(v, v) for v in value]
    else:
        raise InvalidInput(f"links must be a list of names or a dict name -> alias, not {type(value).__name__}.")
    return {_link_target(k): _link_target(a) if a == k else _name("link alias", a) for k, a in pairs}


_CONTAINER_ID = re.compile(r"[0-9a-f]{12,64}")
_HOST_LABEL = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def _link_target(value: object) -> str:
    """A container name, or a container id (12 to 64 hexadecimal digits), as ``--link`` takes them."""
    if isinstance(value, str) and _CONTAINER_ID.fullmatch(value):
        return value
    return container_name(value)


def hostname(value: object) -> str:
    """Return ``value`` if it is a valid ``--hostname`` (RFC 1123: dot-separated labels of letters,
    digits and inner hyphens).

    >>> hostname("fred"), hostname("db.lab")
    ('fred', 'db.lab')
    """
    if not isinstance(value, str) or not value or len(value) > 253:
        raise InvalidInput(f"A hostname must be a non-empty string of at most 253 characters, not {value!r}.")
    if not all(_HOST_LABEL.fullmatch(label) for label in value.split(".")):
        raise InvalidInput(
            f"Invalid hostname {value!r}: use letters, digits and '-' (not first or last), in labels "
            "separated by '.', for example 'db' or 'db.lab'."
        )
    return value


def add_hosts(value: object) -> dict[str, str]:
    """Normalise ``--add-host`` entries: a dict name -> IPv4 address.

    >>> add_hosts({"db.lab": "10.1.2.3"})
    {'db.lab': '10.1.2.3'}
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"add_hosts must be a dict name -> address such as {{'db': '10.1.2.3'}}, not {value!r}.")
    return {hostname(k): str(ipv4_address(v, f"add_hosts[{k!r}]")) for k, v in value.items()}


def aliases(value: object) -> list[str]:
    """Normalise network aliases to a list of valid names."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(f"aliases must be a list of names, for example ['db'], not {value!r}.")
    return [_name("alias", a) for a in value]


def ports(value: object) -> dict[int, int]:
    """Normalise published ports: ``{container_port: host_port}`` (TCP).

    >>> ports({80: 8080})
    {80: 8080}
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"ports must be a dict container_port -> host_port such as {{80: 8080}}, not {value!r}.")
    out = {}
    for inner, outer in value.items():
        out[_port(inner, "container port")] = _port(outer, "host port")
    return out


def _port(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidInput(f"The {what} must be a whole number from 1 to 65535, not {value!r}.")
    return value


def command(value: object) -> list[str] | None:
    """Normalise a container command to a list of strings (or None for the image's)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"command must be a non-empty list of strings, for example ['httpd', '-f'], not {value!r}.")
    return list(value)


def prediction(value: object, containers: Sequence[str]) -> dict[tuple[str, str], bool]:
    """Check a learner's prediction: ``{(source, target): True or False}`` over the lab's containers.

    >>> prediction({("web", "db"): True}, ["db", "web"])
    {('web', 'db'): True}
    """
    example = "{('tomcat1', 'mysql1'): True, ('mysql1', 'tomcat1'): False}"
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(f"Your prediction is a dict of (source, target) -> True or False, such as {example}.")
    out = {}
    for key, reaches in value.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            raise InvalidInput(f"{key!r} is not a (source, target) pair of container names, as in {example}.")
        unknown = [k for k in key if k not in containers]
        if unknown:
            raise InvalidInput(
                f"{', '.join(unknown)} is not a container of this lab (it has {', '.join(containers) or 'none'})."
            )
        if key[0] == key[1]:
            raise InvalidInput(f"{key!r}: a container is not asked whether it reaches itself.")
        if not isinstance(reaches, bool):
            raise InvalidInput(f"The prediction for {key!r} must be True or False, not {reaches!r}.")
        out[key] = reaches
    return out
