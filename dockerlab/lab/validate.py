"""Checks of user input, run before the engine is touched.

>>> container_name("tomcat1")
'tomcat1'
>>> subnet_and_gateway("192.168.0.0/16", "192.168.0.1")
('192.168.0.0/16', '192.168.0.1')
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Mapping, Sequence

from dockerlab.errors import InvalidInput, PredictionMissing
from dockerlab.i18n import N_, _
from dockerlab.model.state import CONTAINER_NAME, NAME_CHARS, PREDEFINED_NETWORKS

# Docker's own rule for names (dockerlab.model), kept for labs too. Names also
# become DNS labels, hence the length cap.
_NAME = re.compile(NAME_CHARS)
MAX_NAME = 63


def _name(kind: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput(
            _("A {kind} name must be a string, not {name}: {value}.").format(
                kind=_(kind), name=type(value).__name__, value=repr(value)
            )
        )
    if not value:
        raise InvalidInput(_("A {kind} name cannot be empty.").format(kind=_(kind)))
    if len(value) > MAX_NAME:
        raise InvalidInput(
            _("The {kind} name {value}... is {length} characters; at most {limit}.").format(
                kind=_(kind), value=repr(value[:20]), length=len(value), limit=MAX_NAME
            )
        )
    if not _NAME.fullmatch(value):
        raise InvalidInput(
            _(
                "Invalid {kind} name {value}: use letters, digits, '_', '.' and '-', starting with a "
                "letter or digit (Docker's rule, {chars})."
            ).format(kind=_(kind), value=repr(value), chars=NAME_CHARS)
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
    name = _name(N_("container"), value)
    if not CONTAINER_NAME.fullmatch(name):
        raise InvalidInput(
            _(
                "The container name {name} is too short: Docker wants at least two characters, for example {example}."
            ).format(name=repr(name), example=repr(name + "1"))
        )
    return name


def lab_name(value: object) -> str:
    """Return ``value`` if it is a valid lab name, else raise :class:`InvalidInput`."""
    return _name(N_("lab"), value)


def network_name(value: object, *, creating: bool = False) -> str:
    """Return ``value`` if it is a valid network name.

    With ``creating=True`` Docker's predefined networks are refused, since they
    exist already and cannot be created.
    """
    name = _name(N_("network"), value)
    if creating and name == "default":
        raise InvalidInput(
            _(
                "'default' is reserved: Docker refuses to create a network with that name (\"operation is "
                'not permitted on predefined default network"), since it means the default bridge. Pick '
                "another name."
            )
        )
    if creating and name in PREDEFINED_NETWORKS:
        raise InvalidInput(
            _(
                "{name} is one of Docker's own networks (bridge, host, none): it exists already. Use it "
                "directly, for example lab.run('c1', network='bridge'), or create a network with another "
                "name."
            ).format(name=repr(name))
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
            raise InvalidInput(_("A gateway needs a subnet: pass subnet= as well (for example subnet='10.0.0.0/24')."))
        return None, None
    net = ipv4_network(subnet)
    if net.prefixlen > 29:
        raise InvalidInput(
            _("Subnet {net} is too small for a lab (/{prefixlen}): use /29 or larger, for example /24.").format(
                net=net, prefixlen=net.prefixlen
            )
        )
    if gateway is None:
        return str(net), None
    gw = ipv4_address(gateway, N_("gateway"))
    if gw not in net or gw in (net.network_address, net.broadcast_address):
        raise InvalidInput(
            _(
                "Gateway {gateway} is not a usable address of subnet {net}: pick one between {first} and "
                "{last} (usually {first})."
            ).format(gateway=gw, net=net, first=net.network_address + 1, last=net.broadcast_address - 1)
        )
    return str(net), str(gw)


def ipv4_network(value: object) -> ipaddress.IPv4Network:
    """Parse a strict IPv4 CIDR such as ``192.168.0.0/16``."""
    if not isinstance(value, str):
        raise InvalidInput(
            _("A subnet must be a string in CIDR form such as '192.168.0.0/16', not {value}.").format(value=repr(value))
        )
    if "/" not in value:
        raise InvalidInput(
            _("Subnet {value} lacks a prefix length: write it as CIDR, for example '{subnet}/24'.").format(
                value=repr(value), subnet=value
            )
        )
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as e:
        if "has host bits set" in str(e):
            loose = ipaddress.ip_network(value, strict=False)
            raise InvalidInput(
                _("Subnet {value} has host bits set: did you mean {loose}?").format(value=repr(value), loose=loose)
            ) from None
        raise InvalidInput(
            _("Subnet {value} is not a valid CIDR ({e}); for example '192.168.0.0/16'.").format(value=repr(value), e=e)
        ) from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise InvalidInput(_("Subnet {value} is IPv6; this lab teaches IPv4 bridges only.").format(value=repr(value)))
    if net.is_loopback or net.is_multicast or net.is_link_local or net.is_unspecified or net.prefixlen < 8:
        raise InvalidInput(
            _("Subnet {value} cannot be used for a bridge: pick a private range such as 10.10.0.0/16.").format(
                value=repr(value)
            )
        )
    return net


def ipv4_address(value: object, what: str = N_("address")) -> ipaddress.IPv4Address:
    """Parse one IPv4 address, naming ``what`` in the error."""
    if not isinstance(value, str):
        raise InvalidInput(
            _("The {what} must be a string such as '192.168.0.1', not {value}.").format(what=_(what), value=repr(value))
        )
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        raise InvalidInput(
            _("The {what} {value} is not an IPv4 address such as '192.168.0.1'.").format(
                what=_(what), value=repr(value)
            )
        ) from None
    if not isinstance(addr, ipaddress.IPv4Address):
        raise InvalidInput(
            _("The {what} {value} is IPv6; this lab teaches IPv4 only.").format(what=_(what), value=repr(value))
        )
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
        raise InvalidInput(
            _("links must be a list of names or a dict name -> alias, not a string: use [{value}].").format(
                value=repr(value)
            )
        )
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Sequence):
        pairs = [(v, v) for v in value]
    else:
        raise InvalidInput(
            _("links must be a list of names or a dict name -> alias, not {name}.").format(name=type(value).__name__)
        )
    return {_link_target(k): _link_target(a) if a == k else _name(N_("link alias"), a) for k, a in pairs}


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
        raise InvalidInput(
            _("A hostname must be a non-empty string of at most 253 characters, not {value}.").format(value=repr(value))
        )
    if not all(_HOST_LABEL.fullmatch(label) for label in value.split(".")):
        raise InvalidInput(
            _(
                "Invalid hostname {value}: use letters, digits and '-' (not first or last), in labels "
                "separated by '.', for example 'db' or 'db.lab'."
            ).format(value=repr(value))
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
        raise InvalidInput(
            _("add_hosts must be a dict name -> address such as {{'db': '10.1.2.3'}}, not {value}.").format(
                value=repr(value)
            )
        )
    return {hostname(k): str(ipv4_address(v, f"add_hosts[{k!r}]")) for k, v in value.items()}


def aliases(value: object) -> list[str]:
    """Normalise network aliases to a list of valid names."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(
            _("aliases must be a list of names, for example ['db'], not {value}.").format(value=repr(value))
        )
    return [_name(N_("alias"), a) for a in value]


def ports(value: object) -> dict[int, int]:
    """Normalise published ports: ``{container_port: host_port}`` (TCP).

    >>> ports({80: 8080})
    {80: 8080}
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(
            _("ports must be a dict container_port -> host_port such as {{80: 8080}}, not {value}.").format(
                value=repr(value)
            )
        )
    out = {}
    for inner, outer in value.items():
        out[_port(inner, N_("container port"))] = _port(outer, N_("host port"))
    return out


def _port(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidInput(
            _("The {what} must be a whole number from 1 to 65535, not {value}.").format(what=_(what), value=repr(value))
        )
    return value


def command(value: object) -> list[str] | None:
    """Normalise a container command to a list of strings (or None for the image's)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, Sequence) or not value or not all(isinstance(v, str) for v in value):
        raise InvalidInput(
            _("command must be a non-empty list of strings, for example ['httpd', '-f'], not {value}.").format(
                value=repr(value)
            )
        )
    return list(value)


def answered(value: object) -> None:
    """Refuse a prediction with blanks (``...``, as the learner's copy hands it out), naming them.

    >>> answered({("web", "db"): True})
    >>> try:
    ...     answered({("web", "db"): ..., ("db", "web"): False})
    ... except PredictionMissing as e:
    ...     print(e.blank, str(e).splitlines()[0])
    [('web', 'db')] Write your prediction first: `mine` still has blanks (...).
    """
    if value is Ellipsis:
        raise PredictionMissing([])
    if isinstance(value, Mapping):
        blank = [key for key, reaches in value.items() if reaches is Ellipsis]
        if blank:
            raise PredictionMissing([(str(key[0]), str(key[1])) if len(key) == 2 else (str(key), "?") for key in blank])


def prediction(value: object, containers: Sequence[str]) -> dict[tuple[str, str], bool]:
    """Check a learner's prediction: ``{(source, target): True or False}`` over the lab's containers.

    >>> prediction({("web", "db"): True}, ["db", "web"])
    {('web', 'db'): True}
    """
    example = "{('tomcat1', 'mysql1'): True, ('mysql1', 'tomcat1'): False}"
    answered(value)
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(
            _("Your prediction is a dict of (source, target) -> True or False, such as {example}.").format(
                example=example
            )
        )
    out = {}
    for key, reaches in value.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            raise InvalidInput(
                _("{key} is not a (source, target) pair of container names, as in {example}.").format(
                    key=repr(key), example=example
                )
            )
        unknown = [k for k in key if k not in containers]
        if unknown:
            raise InvalidInput(
                _("{unknown} is not a container of this lab (it has {containers}).").format(
                    unknown=", ".join(unknown), containers=", ".join(containers) or _("none")
                )
            )
        if key[0] == key[1]:
            raise InvalidInput(_("{key}: a container is not asked whether it reaches itself.").format(key=repr(key)))
        if not isinstance(reaches, bool):
            raise InvalidInput(
                _("The prediction for {key} must be True or False, not {reaches}.").format(
                    key=repr(key), reaches=repr(reaches)
                )
            )
        out[key] = reaches
    return out


def exec_command(value: object) -> list[str]:
    """A command for ``docker exec``: a string split like a shell would (``"ip addr"``), or a list of words."""
    argv = shlex.split(value) if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    if not argv or not all(isinstance(a, str) for a in argv):
        raise InvalidInput(_("cmd must be a command line such as 'ip addr', not {cmd}.").format(cmd=repr(value)))
    return argv


def ping_targets(value: list[str]) -> list[str]:
    """What to ping: names or IP addresses, none empty, none with a space."""
    for target in value:
        if not isinstance(target, str) or not target or any(ch.isspace() for ch in target):
            raise InvalidInput(_("target must be a name or an IP address, not {target}.").format(target=repr(target)))
    return list(value)
