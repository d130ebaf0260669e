"""Pure descriptions of what a lab asks an engine for: a container run, a network, a probe.

One description gives all three things the lab needs from it, so they can
never disagree:

- the ``docker`` command line the notebooks echo (:attr:`RunSpec.argv`);
- the keyword arguments of docker-py's ``containers.create`` or
  ``networks.create`` (:meth:`RunSpec.create_kwargs`);
- the labels, among them the *spec label* (``dockerlab.spec``): the
  description as JSON, by which a later call with the same arguments adopts the
  resource instead of making it again (:func:`adoption`).

A :class:`ProbePlan` says, from ``docker inspect`` data, who pings whom when
the lab measures reachability.

Nothing here calls an engine (as mininet's ``topo.py`` describes and
``net.py`` brings to life): the inputs are the ones :mod:`dockerlab.lab.validate`
has already checked, and every function can be tried without Docker.

>>> spec = RunSpec.of("tomcat1", lab="article", image="labbox", links={"mysql1": "db"}, dns="127.0.0.1")
>>> spec.command_line
'docker run -d --name tomcat1 --link mysql1:db --dns 127.0.0.1 --label dockerlab.lab=article labbox'
>>> spec.create_kwargs(dict)["links"]
{'mysql1': 'db'}
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import docker.types

from dockerlab.errors import NameConflict
from dockerlab.i18n import N_, _
from dockerlab.model import ContainerInfo
from dockerlab.model import options as bridge_options

#: The label every resource of a lab carries: ``dockerlab.lab=<lab name>``.
LAB_LABEL = "dockerlab.lab"
#: The label that keeps a resource's description (JSON), for adopt-or-replace.
SPEC_LABEL = "dockerlab.spec"

Adoption = Literal["foreign", "same", "changed"]


def spec_of(labels: Mapping[str, str] | None) -> dict[str, Any]:
    """The description a resource's spec label keeps (empty when it has none).

    >>> spec_of({"dockerlab.spec": '{"subnet": "10.1.0.0/24"}'})
    {'subnet': '10.1.0.0/24'}
    >>> spec_of(None)
    {}
    """
    return dict(json.loads((labels or {}).get(SPEC_LABEL, "{}")))


def adoption(spec: RunSpec | NetworkSpec, labels: Mapping[str, str] | None) -> Adoption:
    """What a lab may do with an existing resource of the same name, from its labels.

    ``"foreign"``: another lab's, or nobody's (never touched); ``"same"``: this
    lab's, made from this very description (reused); ``"changed"``: this lab's,
    made from another description (replaced).

    >>> net = NetworkSpec("n", lab="a")
    >>> adoption(net, {"dockerlab.lab": "b"}), adoption(net, net.labels)
    ('foreign', 'same')
    >>> adoption(NetworkSpec("n", lab="a", internal=True), net.labels)
    'changed'
    """
    if (labels or {}).get(LAB_LABEL) != spec.lab:
        return "foreign"
    return "same" if spec_of(labels) == spec.description() else "changed"


def owner_text(labels: Mapping[str, str] | None) -> str:
    """Who owns a resource with these labels, in words (for :class:`~dockerlab.errors.NameConflict`)."""
    lab = (labels or {}).get(LAB_LABEL)
    if lab:
        return _("the dockerlab lab {lab}").format(lab=repr(lab))
    return _("someone else (it has no dockerlab label)")


def adopt_or_replace(spec: RunSpec | NetworkSpec, labels: Mapping[str, str] | None, remove: Callable[[], None]) -> bool:
    """Whether the resource ``spec`` describes exists already, as described: then it is reused.

    ``labels`` are those of the resource that has the spec's name (None when
    there is none). Another owner's resource is refused
    (:class:`~dockerlab.errors.NameConflict`) and never touched; this lab's,
    made from another description, is removed (``remove``) to make room.
    """
    if labels is None:
        return False
    verdict = adoption(spec, labels)
    if verdict == "foreign":
        raise NameConflict(spec.kind, spec.name, owner_text(labels), spec.remove_command)
    if verdict == "same":
        return True
    remove()
    return False


def _labels(lab: str, description: dict[str, Any]) -> dict[str, str]:
    return {LAB_LABEL: lab, SPEC_LABEL: json.dumps(description, sort_keys=True)}


@dataclass(frozen=True)
class RunSpec:
    """One ``docker run -d`` of a lab container, described (build it with :meth:`of`).

    Parameters
    ----------
    name, lab, image : str
        The container's name, its lab's name and the image it runs.
    network : str
        ``bridge`` (Docker's default), ``host``, ``none`` or a user-defined network.
    links : tuple of (target, alias)
        ``--link`` targets, sorted by target (as docker-py sends them).
    ip : str or None
        ``--ip`` on a user-defined network.
    aliases : tuple of str
        ``--network-alias`` names.
    ports : tuple of (container port, host port)
        Published on the host's loopback only.
    command : tuple of str or None
        The command, or None for the image's own.
    hostname : str or None
        ``--hostname``.
    add_hosts : tuple of (name, address)
        ``--add-host`` lines.
    dns : str or None
        The resolver (``--dns``); never given on the host network.
    """

    name: str
    lab: str
    image: str
    network: str = "bridge"
    links: tuple[tuple[str, str], ...] = ()
    ip: str | None = None
    aliases: tuple[str, ...] = ()
    ports: tuple[tuple[int, int], ...] = ()
    command: tuple[str, ...] | None = None
    hostname: str | None = None
    add_hosts: tuple[tuple[str, str], ...] = ()
    dns: str | None = None

    kind = N_("container")

    @classmethod
    def of(
        cls,
        name: str,
        *,
        lab: str,
        image: str,
        network: str = "bridge",
        links: Mapping[str, str] | None = None,
        ip: str | None = None,
        aliases: Sequence[str] | None = None,
        ports: Mapping[int, int] | None = None,
        command: Sequence[str] | None = None,
        hostname: str | None = None,
        add_hosts: Mapping[str, str] | None = None,
        dns: str | None = None,
    ) -> RunSpec:
        """A run from the forms :mod:`dockerlab.lab.validate` returns (dicts and lists)."""
        return cls(
            name,
            lab,
            image,
            network,
            tuple(sorted((links or {}).items())),
            ip,
            tuple(aliases or ()),
            tuple((ports or {}).items()),
            None if command is None else tuple(command),
            hostname,
            tuple((add_hosts or {}).items()),
            dns,
        )

    @property
    def uses_dns(self) -> bool:
        """Whether ``--dns`` is given (a container on the host network uses the host's resolver)."""
        return self.dns is not None and self.network != "host"

    @property
    def remove_command(self) -> str:
        """The command that frees the name."""
        return f"docker rm -f {self.name}"

    def description(self) -> dict[str, Any]:
        """What the spec label keeps: the arguments that make this container what it is.

        >>> RunSpec.of("a", lab="l", image="i", ports={80: 8080}).description()["ports"]
        {'80': 8080}
        """
        return {
            "network": self.network,
            "links": dict(self.links),
            "ip": self.ip,
            "aliases": list(self.aliases),
            "ports": {str(inner): outer for inner, outer in self.ports},
            "command": None if self.command is None else list(self.command),
            "hostname": self.hostname,
            "add_hosts": dict(self.add_hosts),
        }

    @property
    def labels(self) -> dict[str, str]:
        """The container's labels: its lab and its description."""
        return _labels(self.lab, self.description())

    @property
    def argv(self) -> list[str]:
        """The ``docker run`` command line, word by word.

        >>> RunSpec.of("db2", lab="article", image="labbox", network="myBridge", ip="192.168.0.200",
        ...            aliases=["database"], ports={3306: 13306}, dns="127.0.0.1").argv[5:13]
        ['--network', 'myBridge', '--ip', '192.168.0.200', '--network-alias', 'database', '-p', '127.0.0.1:13306:3306']
        """
        argv = ["docker", "run", "-d", "--name", self.name]
        if self.network != "bridge":
            argv += ["--network", self.network]
        if self.ip:
            argv += ["--ip", self.ip]
        for alias in self.aliases:
            argv += ["--network-alias", alias]
        for target, alias in self.links:
            argv += ["--link", target if alias == target else f"{target}:{alias}"]
        if self.hostname:
            argv += ["--hostname", self.hostname]
        for host, address in self.add_hosts:
            argv += ["--add-host", f"{host}:{address}"]
        for inner, outer in self.ports:
            argv += ["-p", f"127.0.0.1:{outer}:{inner}"]
        if self.uses_dns:
            argv += ["--dns", str(self.dns)]
        return [*argv, "--label", f"{LAB_LABEL}={self.lab}", self.image, *(self.command or [])]

    @property
    def command_line(self) -> str:
        """The ``docker run`` line as the notebooks echo it."""
        return shlex.join(self.argv)

    def endpoint_args(self) -> dict[str, Any] | None:
        """``create_endpoint_config``'s keyword arguments for the run's network, or None when it needs none.

        The CLI puts ``--link`` into HostConfig.Links on the default bridge and
        into the endpoint's Links on a user-defined network (the engine ignores
        HostConfig.Links there).

        >>> RunSpec.of("a", lab="l", image="i", network="n", links={"b": "b"}).endpoint_args()
        {'ipv4_address': None, 'aliases': None, 'links': {'b': 'b'}}
        >>> RunSpec.of("a", lab="l", image="i", links={"b": "b"}).endpoint_args() is None
        True
        """
        user_links = dict(self.links) if self.network != "bridge" else {}
        if self.network in ("host", "none") or not (self.ip or self.aliases or user_links):
            return None
        return {"ipv4_address": self.ip, "aliases": list(self.aliases) or None, "links": user_links or None}

    def create_kwargs(self, endpoint_config: Callable[..., Any]) -> dict[str, Any]:
        """docker-py's ``containers.create(image, **kwargs)`` arguments for this run.

        ``endpoint_config`` builds the endpoint's settings from
        :meth:`endpoint_args` (the client's ``api.create_endpoint_config``:
        docker-py builds the dict for its API version, and calls nothing).

        >>> kw = RunSpec.of("a", lab="l", image="i", network="n", ip="10.0.0.5", dns="127.0.0.1").create_kwargs(dict)
        >>> kw["network"], kw["networking_config"], kw["dns"]
        ('n', {'n': {'ipv4_address': '10.0.0.5', 'aliases': None, 'links': None}}, ['127.0.0.1'])
        """
        kwargs: dict[str, Any] = {
            "name": self.name,
            "detach": True,
            "command": None if self.command is None else list(self.command),
            "labels": self.labels,
        }
        if self.uses_dns:
            kwargs["dns"] = [self.dns]
        if self.hostname:
            kwargs["hostname"] = self.hostname
        if self.add_hosts:
            kwargs["extra_hosts"] = dict(self.add_hosts)
        if self.network in ("host", "none"):
            kwargs["network_mode"] = self.network
        else:
            kwargs["network"] = self.network
        endpoint = self.endpoint_args()
        if endpoint is not None:
            kwargs["networking_config"] = {self.network: endpoint_config(**endpoint)}
        if self.links and self.network == "bridge":
            kwargs["links"] = dict(self.links)
        if self.ports:
            kwargs["ports"] = {f"{inner}/tcp": ("127.0.0.1", outer) for inner, outer in self.ports}
        return kwargs


@dataclass(frozen=True)
class NetworkSpec:
    """One ``docker network create`` of a lab network, described.

    Parameters
    ----------
    name, lab : str
        The network's name and its lab's name.
    driver : {"bridge", "overlay"}
        A bridge on one engine, or an overlay across a swarm (made on its manager).
    subnet, gateway : str or None
        An explicit IPv4 range and its gateway (else the engine picks them).
    internal : bool
        ``--internal``: no route out of the network (bridge only).
    icc : bool
        Whether containers on the bridge may talk to each other (bridge only).
    attachable : bool
        ``--attachable``: plain containers may join the overlay (overlay only).

    >>> NetworkSpec("myBridge", lab="article", subnet="192.168.0.0/16").command_line
    'docker network create --driver bridge --subnet 192.168.0.0/16 --label dockerlab.lab=article myBridge'
    >>> NetworkSpec("ov", lab="across", driver="overlay", attachable=True, subnet="10.197.1.0/24").command_line
    'docker network create --driver overlay --attachable --subnet 10.197.1.0/24 --label dockerlab.lab=across ov'
    """

    name: str
    lab: str
    driver: str = "bridge"
    subnet: str | None = None
    gateway: str | None = None
    internal: bool = False
    icc: bool = True
    attachable: bool = False

    kind = N_("network")

    @property
    def overlay(self) -> bool:
        """Whether this is an overlay (a swarm's network) rather than a bridge."""
        return self.driver == "overlay"

    @property
    def remove_command(self) -> str:
        """The command that frees the name."""
        return f"docker network rm {self.name}"

    @property
    def options(self) -> dict[str, str]:
        """The driver options (``-o``) the network is made with.

        >>> NetworkSpec("quiet", lab="l", icc=False).options == {bridge_options.ENABLE_ICC: "false"}
        True
        """
        return {} if self.icc or self.overlay else {bridge_options.ENABLE_ICC: "false"}

    def description(self) -> dict[str, Any]:
        """What the spec label keeps (a bridge's and an overlay's arguments differ)."""
        if self.overlay:
            return {"driver": "overlay", "subnet": self.subnet, "attachable": bool(self.attachable)}
        return {"subnet": self.subnet, "gateway": self.gateway, "internal": bool(self.internal), "icc": bool(self.icc)}

    @property
    def labels(self) -> dict[str, str]:
        """The network's labels: its lab and its description."""
        return _labels(self.lab, self.description())

    @property
    def argv(self) -> list[str]:
        """The ``docker network create`` command line, word by word."""
        argv = ["docker", "network", "create", "--driver", self.driver]
        if self.overlay and self.attachable:
            argv += ["--attachable"]
        if self.subnet:
            argv += ["--subnet", self.subnet]
        if self.gateway:
            argv += ["--gateway", self.gateway]
        if self.internal:
            argv += ["--internal"]
        for key, value in self.options.items():
            argv += ["-o", bridge_options.flag(key, value)]
        return [*argv, "--label", f"{LAB_LABEL}={self.lab}", self.name]

    @property
    def command_line(self) -> str:
        """The ``docker network create`` line as the notebooks echo it."""
        return shlex.join(self.argv)

    def create_kwargs(self) -> dict[str, Any]:
        """docker-py's ``networks.create(name, **kwargs)`` arguments for this network.

        >>> kw = NetworkSpec("n", lab="l", subnet="10.9.0.0/24").create_kwargs()
        >>> kw["driver"], kw["ipam"]["Config"][0]["Subnet"], kw["options"]
        ('bridge', '10.9.0.0/24', None)
        """
        ipam = None
        if self.subnet:
            pool = docker.types.IPAMPool(subnet=self.subnet, gateway=self.gateway)
            ipam = docker.types.IPAMConfig(pool_configs=[pool])
        kwargs: dict[str, Any] = {"driver": self.driver, "ipam": ipam, "labels": self.labels}
        if self.overlay:
            kwargs.update(attachable=self.attachable, scope="swarm")
        else:
            kwargs.update(internal=self.internal, options=self.options or None)
        return kwargs


def connect_command(network: str, container: str, *, ip: str | None = None, aliases: Sequence[str] = ()) -> str:
    """The ``docker network connect`` line.

    >>> connect_command("myBridge", "tomcat1", ip="192.168.0.9", aliases=["web"])
    'docker network connect --ip 192.168.0.9 --alias web myBridge tomcat1'
    """
    argv = ["docker", "network", "connect"]
    if ip:
        argv += ["--ip", ip]
    for alias in aliases:
        argv += ["--alias", alias]
    return shlex.join([*argv, network, container])


@dataclass(frozen=True)
class ProbePlan:
    """Who pings whom when a lab measures reachability, described before a packet is sent.

    Parameters
    ----------
    names : list of str
        The containers, sources and rows of the matrix.
    targets : dict
        Source -> what it pings: every other container's name, or every
        address of every other container.
    meaning : dict
        Target -> (container, network) it stands for (network None for a name).

    >>> from dockerlab.model import Endpoint
    >>> def box(name, status="running", **ips):
    ...     return ContainerInfo(name, "", status, {n: Endpoint(n, ip, None, None) for n, ip in ips.items()})
    >>> boxes = [box("a", bridge="172.17.0.2"), box("b", bridge="172.17.0.3", net1="10.1.0.2"), box("h", host=None)]
    >>> ProbePlan.of(boxes, "name").targets
    {'a': ['b', 'h'], 'b': ['a', 'h'], 'h': []}
    >>> plan = ProbePlan.of(boxes, "ip")
    >>> plan.targets["a"], plan.addresses
    (['172.17.0.3', '10.1.0.2'], [('a', 'bridge'), ('b', 'bridge'), ('b', 'net1')])
    """

    names: list[str]
    targets: dict[str, list[str]]
    meaning: dict[str, tuple[str, str | None]]

    @classmethod
    def of(cls, containers: Sequence[ContainerInfo], by: str) -> ProbePlan:
        """The plan for ``containers``, probed ``by`` ``"name"`` or ``"ip"``.

        A container on the host network would ask the host's resolver, so it
        is never a source by name.
        """
        names = [c.name for c in containers]
        targets: dict[str, list[str]] = {}
        meaning: dict[str, tuple[str, str | None]] = {}
        for src in containers:
            if by == "name":
                targets[src.name] = [] if "host" in src.networks else [n for n in names if n != src.name]
                meaning.update({n: (n, None) for n in names})
                continue
            targets[src.name] = []
            for dst in containers:
                if dst.name != src.name:
                    targets[src.name] += dst.ips.values()
                    meaning.update({ip: (dst.name, net) for net, ip in dst.ips.items()})
        return cls(names, targets, meaning)

    @property
    def addresses(self) -> list[tuple[str, str]]:
        """(container, network) of every address probed, in the containers' order: the columns by IP."""
        pairs = {(name, net) for name, net in self.meaning.values() if net is not None}
        return sorted(pairs, key=lambda cn: (self.names.index(cn[0]), cn[1]))


__all__ = [
    "LAB_LABEL",
    "SPEC_LABEL",
    "NetworkSpec",
    "ProbePlan",
    "RunSpec",
    "adopt_or_replace",
    "adoption",
    "connect_command",
    "owner_text",
    "spec_of",
]
