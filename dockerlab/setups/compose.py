"""A Compose file before it runs: its canonical form, and the model's state of what ``up`` would create.

:func:`load` reads the file into a :class:`Project`. The file's canonical form
comes from Compose itself where it is installed (``docker compose config
--format json``, else ``docker-compose config``), so that interpolation,
``extends`` and profiles are Compose's own; only without either is the YAML
read as it is, and :attr:`Project.note` says that interpolation was not
applied. Bad input is refused with a :class:`~dockerlab.errors.ComposeFileError`
naming the file and the line (from PyYAML's marks), before any engine is asked.

:func:`plan` turns a project into a :class:`~dockerlab.model.State`, following
Compose's network model: the project's ``<project>_default`` network, each
service's ``networks:`` with their ``aliases``, ``links:``,
``network_mode: host|none|bridge|service:NAME|container:NAME``,
``internal: true``, ``external:`` networks, and the service name and the
container name as DNS names. Addresses that Compose leaves to the engine are
placeholders (from 10.213.0.0/16 up, one /24 per network): the rules need an
address per endpoint, and by name no verdict depends on which one. The rules
themselves are the model's (:mod:`dockerlab.model`); none is restated here.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dockerlab import model
from dockerlab.errors import ComposeFileError, ComposeUnknownNetwork
from dockerlab.i18n import _
from dockerlab.model import options, subnets

#: Where placeholder subnets start: one /24 per network that has no subnet of its own.
PLACEHOLDER_POOL = ipaddress.IPv4Network("10.213.0.0/16")
#: Seconds ``docker compose config`` may take.
CONFIG_TIMEOUT = 60
#: What is not allowed in a project name (Compose v2: lower-case letters, digits, ``-`` and ``_``).
_NOT_PROJECT = re.compile(r"[^a-z0-9_-]")


# -- reading the file ----------------------------------------------------------------


def _located(node: yaml.Node, path: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> None:
    """Record the line (1-based) of every key and item under ``node`` by its path."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            lines[sub] = key.start_mark.line + 1
            _located(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            value = item.value if isinstance(item, yaml.ScalarNode) else str(i)
            lines.setdefault((*path, str(value)), item.start_mark.line + 1)
            _located(item, (*path, str(i)), lines)


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The YAML document of ``path`` and the line of each key (by path), or a :class:`ComposeFileError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ComposeFileError(
            _("Cannot read the Compose file {path}: {error}").format(path=path, error=e.strerror or e), str(path)
        ) from e
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise ComposeFileError(
            _("{path}, line {line}: not valid YAML ({problem}). Check the indentation and the colons there.").format(
                path=path, line=line or "?", problem=problem
            ),
            str(path),
            line,
        ) from e
    lines: dict[tuple[str, ...], int] = {}
    if node is not None:
        _located(node, (), lines)
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict) or not data["services"]:
        raise ComposeFileError(
            _(
                "{path}, line {line}: not a Compose file: it needs a top-level `services:` mapping with at least "
                "one service (each with its image:)."
            ).format(path=path, line=lines.get(("services",), 1)),
            str(path),
            lines.get(("services",), 1),
        )
    return data, lines


def check(data: dict[str, Any], lines: dict[tuple[str, ...], int], path: Path) -> None:
    """Refuse what Compose would refuse about networks, with the file and line: an undeclared network, an
    unknown ``service:`` or link, a service that is not a mapping."""
    declared = set(data.get("networks") or {}) | {"default"}
    services = data["services"]
    for name, svc in services.items():
        where = ("services", str(name))
        if not isinstance(svc, dict):
            line = lines.get(where)
            raise ComposeFileError(
                _("{path}, line {line}: service {service!r} must be a mapping (image:, networks:...).").format(
                    path=path, line=line, service=name
                ),
                str(path),
                line,
            )
        for net in _service_networks(svc):
            if net not in declared:
                line = lines.get((*where, "networks", net), lines.get((*where, "networks")))
                raise ComposeUnknownNetwork(
                    _(
                        "{path}, line {line}: service {service!r} names network {network!r}, which the file does not "
                        "declare (it declares: {known}). Add it under the top-level `networks:` (with `external: "
                        "true` if it exists already), or correct the name."
                    ).format(path=path, line=line, service=name, network=net, known=", ".join(sorted(declared))),
                    str(path),
                    line,
                )
        mode = str(svc.get("network_mode") or "")
        other = mode.removeprefix("service:") if mode.startswith("service:") else None
        refs = [other] if other else []
        refs += [model.split_link(str(link))[0] for link in svc.get("links") or []]
        for ref in refs:
            if ref not in services:
                key = "network_mode" if ref == other else "links"
                line = lines.get((*where, key))
                raise ComposeFileError(
                    _(
                        "{path}, line {line}: service {service!r} refers to service {other!r}, which the file does "
                        "not define (it defines: {known})."
                    ).format(path=path, line=line, service=name, other=ref, known=", ".join(sorted(services))),
                    str(path),
                    line,
                )


def _service_networks(svc: dict[str, Any]) -> list[str]:
    nets = svc.get("networks")
    if isinstance(nets, dict):
        return [str(n) for n in nets]
    if isinstance(nets, list):
        return [str(n) for n in nets]
    return []


def project_name(path: Path, given: str | None = None) -> str:
    """Compose's project name: ``given``, else the file's folder, lower case without other characters.

    >>> project_name(Path("/srv/My App/docker-compose.yml"))
    'myapp'
    """
    name = given or path.resolve().parent.name
    return _NOT_PROJECT.sub("", name.lower())


@dataclass
class Project:
    """A Compose file in canonical form.

    ``tool`` says which Compose gave it (``docker compose 2.26.1``,
    ``docker-compose 1.29.2``, or ``plain YAML``); ``note`` what to bear in
    mind (no interpolation, for plain YAML); ``separator`` is how the tool
    names containers (``-`` from Compose v2, ``_`` before).
    """

    path: Path
    name: str
    services: dict[str, dict[str, Any]]
    networks: dict[str, dict[str, Any]]
    tool: str
    separator: str = "-"
    note: str = ""
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def container_names(self, service: str) -> list[str]:
        """The containers ``up`` would create for ``service``: its ``container_name``, else project-service-N."""
        svc = self.services[service]
        if svc.get("container_name"):
            return [str(svc["container_name"])]
        deploy = svc.get("deploy") or {}
        count = int(deploy.get("replicas") or svc.get("scale") or 1)
        sep = self.separator
        return [f"{self.name}{sep}{service}{sep}{i}" for i in range(1, count + 1)]

    @property
    def containers(self) -> dict[str, str]:
        """Every container ``up`` would create, with its service."""
        return {c: s for s in sorted(self.services) for c in self.container_names(s)}

    def network_name(self, key: str) -> str:
        """The engine's name of the file's network ``key`` (``<project>_<key>`` unless it says ``name:``)."""
        net = self.networks.get(key) or {}
        return str(net.get("name") or f"{self.name}_{key}")


def compose_command() -> list[str] | None:
    """The Compose CLI installed here: ``docker compose`` (v2), else ``docker-compose`` (v1), else None."""
    if shutil.which("docker"):
        try:
            done = subprocess.run(
                ["docker", "compose", "version", "--short"], capture_output=True, text=True, timeout=CONFIG_TIMEOUT
            )
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is not None and done.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def _tool_version(command: list[str]) -> str:
    done = subprocess.run([*command, "version", "--short"], capture_output=True, text=True, timeout=CONFIG_TIMEOUT)
    return f"{' '.join(command)} {done.stdout.strip()}".strip()


def _tool_error(text: str, path: Path, lines: dict[tuple[str, ...], int]) -> ComposeFileError:
    """Compose's refusal as our error, with the line of the service or key it names when we find it."""
    line = None
    found = re.search(r"services\.([\w.-]+)", text) or re.search(r'service "([\w.-]+)"', text)
    if found:
        parts = found.group(1).split(".")
        for n in range(len(parts), 0, -1):
            line = lines.get(("services", *parts[:n]))
            if line:
                break
    message = text.strip().splitlines()[-1] if text.strip() else "?"
    return ComposeFileError(
        _("{path}, line {line}: Compose refuses this file: {message}").format(
            path=path, line=line or "?", message=message
        ),
        str(path),
        line,
    )


def load(
    path: str | Path,
    project: str | None = None,
    *,
    profiles: Sequence[str] = (),
    command: list[str] | bool | None = True,
    env: dict[str, str] | None = None,
) -> Project:
    """Read a Compose file in its canonical form (see the module's docstring).

    ``command`` is the Compose CLI to ask (by default the one installed, see
    :func:`compose_command`); ``False`` reads the YAML as it is. ``env``
    adds variables for Compose's interpolation. Nothing on the engine
    changes: ``config`` only reads the file.
    """
    path = Path(path).resolve()
    data, lines = read_yaml(path)
    check(data, lines, path)
    name = project_name(path, project or (data.get("name") if isinstance(data.get("name"), str) else None))
    cmd = compose_command() if command is True else (command or None)
    if cmd is None:
        note = _(
            "No Compose is installed here, so the file was read as plain YAML: ${VARIABLES} are not interpolated, "
            "and extends and profiles are not applied."
        )
        services = {
            s: dict(v)
            for s, v in data["services"].items()
            if not v.get("profiles") or set(v["profiles"]) & set(profiles)
        }
        return Project(path, name, services, dict(data.get("networks") or {}), "plain YAML", "-", note, lines)
    argv = [*cmd, "-f", str(path), "-p", name]
    for p in profiles:
        argv += ["--profile", p]
    v2 = cmd == ["docker", "compose"]
    argv += ["config", "--format", "json"] if v2 else ["config"]
    try:
        environment = {**os.environ, **(env or {})}
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=CONFIG_TIMEOUT, cwd=path.parent, env=environment
        )
    except subprocess.TimeoutExpired as e:
        raise ComposeFileError(
            _("{path}: `{command}` did not answer within {seconds} s.").format(
                path=path, command=" ".join(argv), seconds=CONFIG_TIMEOUT
            ),
            str(path),
        ) from e
    if done.returncode != 0:
        raise _tool_error(done.stderr or done.stdout, path, lines)
    canonical = json.loads(done.stdout) if v2 else yaml.safe_load(done.stdout)
    return Project(
        path,
        str(canonical.get("name") or name),
        {s: dict(v) for s, v in (canonical.get("services") or {}).items()},
        {n: dict(v or {}) for n, v in (canonical.get("networks") or {}).items()},
        _tool_version(cmd),
        "-" if v2 else "_",
        "",
        lines,
    )


# -- what `up` would create ----------------------------------------------------------


def _extra_hosts(value: Any) -> dict[str, str]:
    """``extra_hosts`` as name -> address: a list of ``name:ip`` (``name=ip`` from Compose 2.24) or a mapping."""
    out: dict[str, str] = {}
    items = value.items() if isinstance(value, dict) else [_split_host(str(v)) for v in value or []]
    for name, ip in items:
        out.setdefault(str(name), str(ip).strip("[]"))
    return out


def _split_host(spec: str) -> tuple[str, str]:
    """``name=ip`` (Compose 2.24 on) or ``name:ip``; an IPv6 address keeps its colons."""
    name, sep, ip = spec.partition("=")
    if sep:
        return name, ip
    name, _sep, ip = spec.partition(":")
    return name, ip


def _ordered_networks(svc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A service's networks with their settings, the primary first: highest ``priority``, then by name (as
    Compose orders them)."""
    nets = svc.get("networks")
    pairs: list[tuple[str, dict[str, Any]]]
    if isinstance(nets, list):
        pairs = [(str(n), {}) for n in nets]
    elif isinstance(nets, dict):
        pairs = [(str(n), dict(v or {})) for n, v in nets.items()]
    else:
        pairs = [("default", {})]
    return sorted(pairs, key=lambda p: (-int(p[1].get("priority") or 0), p[0]))


def _subnets(net: dict[str, Any]) -> list[str]:
    """The IPv4 subnets a network's ``ipam: config:`` declares, as written."""
    pools = (net.get("ipam") or {}).get("config") or []
    return [str(p["subnet"]) for p in pools if isinstance(p, dict) and p.get("subnet") and ":" not in str(p["subnet"])]


def _subnet(net: dict[str, Any]) -> str | None:
    """The first declared IPv4 subnet that is one (not an uninterpolated ``${VARIABLE}``)."""
    for subnet in _subnets(net):
        try:
            return str(ipaddress.IPv4Network(subnet, strict=False))
        except ValueError:
            continue
    return None


class _Addresses:
    """Addresses for the planned endpoints: fixed ones as written, the others in order from each subnet."""

    def __init__(self) -> None:
        self.pools: dict[str, list[str]] = {}
        self.taken: set[str] = set()
        self.next_placeholder = 0

    def subnet(self, network: str, declared: str | None) -> str:
        if declared is None:
            declared = subnets.carve(PLACEHOLDER_POOL, 24)[self.next_placeholder]
            self.next_placeholder += 1
        hosts = subnets.network(declared).hosts()
        next(hosts, None)  # the gateway
        self.pools[network] = [str(h) for _, h in zip(range(4096), hosts, strict=False)]
        return declared

    def take(self, network: str, fixed: str | None) -> str:
        if fixed:
            self.taken.add(fixed)
            return fixed
        for ip in self.pools[network]:
            if ip not in self.taken:
                self.taken.add(ip)
                return ip
        raise ComposeFileError(_("Network {network} has no free address left.").format(network=network))


def plan(project: Project, release: model.Release | None = None) -> model.State:
    """The model's state of what ``docker compose up`` would create from ``project``, every container running."""
    addresses = _Addresses()
    nets: dict[str, model.Net] = {}
    keys: dict[str, str] = {}  # the file's network key -> the engine's name
    used = {k for svc in project.services.values() if not svc.get("network_mode") for k, _ in _ordered_networks(svc)}
    for key in sorted(set(project.networks) | used):
        spec = project.networks.get(key) or {}
        name = project.network_name(key)
        keys[key] = name
        if name in ("host", "none"):
            nets[name] = model.Net(name, name)
            continue
        kind = "default" if name == "bridge" else "user"
        subnet = addresses.subnet(name, _subnet(spec))
        gateway = subnets.first_host(subnet)
        icc = options.icc_enabled(spec.get("driver_opts"))
        nets[name] = model.Net(name, kind, subnet, gateway, bool(spec.get("internal")), icc)
    if "bridge" not in nets:
        nets["bridge"] = model.Net("bridge", "default", "10.213.255.0/24", "10.213.255.1")
        addresses.subnet("bridge", "10.213.255.0/24")
    containers = project.containers
    first = {s: project.container_names(s)[0] for s in project.services}
    boxes: list[model.Box] = []
    legacy: list[tuple[int, dict[str, str]]] = []
    for cname, service in containers.items():
        svc = project.services[service]
        mode = str(svc.get("network_mode") or "")
        hosts = _extra_hosts(svc.get("extra_hosts"))
        links = _links(svc, project, first)
        if mode in ("host", "none"):  # no endpoint to resolve; the service name only says who it is
            boxes.append(model.Box(cname, True, mode, {mode: (None, (service,))}, hosts=hosts))
            continue
        if mode.startswith(("service:", "container:")):
            other = mode.split(":", 1)[1]
            target = first.get(other, other) if mode.startswith("service:") else other
            boxes.append(model.Box(cname, True, f"container:{target}", {}, hosts=hosts))
            continue
        if mode in ("bridge", "default"):
            ip = addresses.take("bridge", None)
            boxes.append(model.Box(cname, True, "default", {"bridge": (ip, ())}, links, hosts))
            legacy.append((len(boxes) - 1, links))
            continue
        endpoints: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        for key, settings in _ordered_networks(svc):
            name = keys[key]
            fixed = settings.get("ipv4_address")
            fixed = str(fixed) if fixed and model.is_ipv4(str(fixed)) else None
            if fixed and not _subnets(project.networks.get(key) or {}):
                line = project.lines.get(("services", service, "networks", key, "ipv4_address"))
                raise ComposeFileError(
                    _(
                        "{path}, line {line}: service {service!r} asks for the fixed address {ip} on network {key!r}, "
                        "which has no subnet of its own: Docker refuses it ('user specified IP address is supported "
                        "only when connecting to networks with user configured subnets'). Give the network "
                        "ipam: config: - subnet: ..., or drop the fixed address and use the name {service}."
                    ).format(path=project.path, line=line or "?", service=service, ip=fixed, key=key),
                    str(project.path),
                    line,
                )
            ip = addresses.take(name, fixed)
            aliases = (service, *(str(a) for a in settings.get("aliases") or ()))
            endpoints[name] = (ip, tuple(dict.fromkeys(aliases)))
        primary = next(iter(endpoints))
        link_to = {alias.lower(): target for target, alias in _link_aliases(links, project)}
        net_links = {net: dict(link_to) for net in endpoints} if links else {}  # Compose links every endpoint
        boxes.append(model.Box(cname, True, primary, endpoints, hosts=hosts, net_links=net_links))
    # a legacy link (network_mode: bridge) writes the linked container's address into /etc/hosts
    by_name = {b.name: b for b in boxes}
    for i, links in legacy:
        hosts = dict(boxes[i].hosts)
        for target, alias in _link_aliases(links, project):
            linked_ip = by_name[target].ips.get("bridge") if target in by_name else None
            if linked_ip:
                hosts.setdefault(alias, linked_ip)
        boxes[i] = model.Box(boxes[i].name, True, "default", boxes[i].endpoints, links, hosts)
    return model.State(boxes, list(nets.values()), release)


# -- what `up` creates, call by call (the simulator's `up` makes them) ---------------------

#: Compose's labels on what ``up`` creates: the project, the service, the container's number, the network's key.
PROJECT_LABEL = "com.docker.compose.project"
SERVICE_LABEL = "com.docker.compose.service"
NUMBER_LABEL = "com.docker.compose.container-number"
NETWORK_LABEL = "com.docker.compose.network"


@dataclass(frozen=True)
class NetworkCall:
    """``docker network create`` as Compose makes it for the file's network ``key`` (none for an external one)."""

    key: str
    name: str
    external: bool
    subnet: str | None
    internal: bool
    options: dict[str, str]
    labels: dict[str, str]


@dataclass(frozen=True)
class ContainerCall:
    """``docker create`` (then ``network connect`` for each further network, then ``start``) for one container.

    ``mode`` is ``HostConfig.NetworkMode`` (the primary network, ``bridge``, ``host``, ``none`` or
    ``container:NAME``); ``networks`` the endpoints in order, the primary first: (network, fixed address or
    None, aliases, links as (target, alias) pairs); ``links`` ``HostConfig.Links`` on the default bridge.
    """

    name: str
    service: str
    image: str
    dns: list[str] | None
    labels: dict[str, str]
    mode: str
    networks: list[tuple[str, str | None, list[str], list[tuple[str, str]]]]
    links: list[tuple[str, str]]
    extra_hosts: dict[str, str]


@dataclass(frozen=True)
class Creation:
    """What ``docker compose up`` creates from a project: networks, then containers in the order they start."""

    networks: list[NetworkCall]
    containers: list[ContainerCall]


def _needs(svc: dict[str, Any]) -> list[str]:
    """The services ``svc`` starts after: ``depends_on``, ``links`` and ``network_mode: service:``."""
    deps = svc.get("depends_on") or []
    out = [str(d) for d in (deps if isinstance(deps, list | dict) else [])]
    out += [model.split_link(str(link))[0] for link in svc.get("links") or []]
    mode = str(svc.get("network_mode") or "")
    if mode.startswith("service:"):
        out.append(mode.removeprefix("service:"))
    return out


def start_order(project: Project) -> list[str]:
    """The services in the order Compose starts them: each after those it needs, else by name."""
    order: list[str] = []

    def visit(service: str, seen: tuple[str, ...]) -> None:
        if service in order or service in seen or service not in project.services:
            return
        for other in sorted(_needs(project.services[service])):
            visit(other, (*seen, service))
        order.append(service)

    for service in sorted(project.services):
        visit(service, ())
    return order


def _network_call(project: Project, key: str) -> NetworkCall:
    spec = project.networks.get(key) or {}
    subnet = next(iter(_subnets(spec)), None)
    options = {str(k): str(v) for k, v in (spec.get("driver_opts") or {}).items()}
    labels = {PROJECT_LABEL: project.name, NETWORK_LABEL: key}
    external = bool(spec.get("external"))
    return NetworkCall(key, project.network_name(key), external, subnet, bool(spec.get("internal")), options, labels)


def creation(project: Project) -> Creation:
    """The calls ``docker compose up`` makes on the engine for ``project``, read from the same settings
    :func:`plan` reads (networks with their aliases and links, ``network_mode``, ``extra_hosts``, replicas)."""
    used = {k for svc in project.services.values() if not svc.get("network_mode") for k, _ in _ordered_networks(svc)}
    networks = [_network_call(project, key) for key in sorted(set(project.networks) | used)]
    first = {s: project.container_names(s)[0] for s in project.services}
    calls = []
    for service in start_order(project):
        svc = project.services[service]
        mode = str(svc.get("network_mode") or "")
        links = _link_aliases(_links(svc, project, first), project)
        endpoints: list[tuple[str, str | None, list[str], list[tuple[str, str]]]] = []
        if mode.startswith("service:"):
            mode = "container:" + first[mode.removeprefix("service:")]
        elif mode == "default":
            mode = "bridge"
        elif not mode:
            for key, settings in _ordered_networks(svc):
                fixed = settings.get("ipv4_address")
                aliases = list(dict.fromkeys((service, *(str(a) for a in settings.get("aliases") or ()))))
                endpoints.append((project.network_name(key), str(fixed) if fixed else None, aliases, links))
            mode = endpoints[0][0]
        dns = svc.get("dns")
        for number, name in enumerate(project.container_names(service), start=1):
            labels = {
                PROJECT_LABEL: project.name,
                SERVICE_LABEL: service,
                NUMBER_LABEL: str(number),
                "com.docker.compose.oneoff": "False",
            }
            calls.append(
                ContainerCall(
                    name,
                    service,
                    str(svc.get("image") or ""),
                    [str(d) for d in dns] if isinstance(dns, list) else [str(dns)] if dns else None,
                    labels,
                    mode,
                    endpoints,
                    links if mode == "bridge" else [],
                    _extra_hosts(svc.get("extra_hosts")),
                )
            )
    return Creation(networks, calls)


def _links(svc: dict[str, Any], project: Project, first: dict[str, str]) -> dict[str, str]:
    """``links:`` as target container -> alias (``db`` is ``db:db``)."""
    out: dict[str, str] = {}
    for spec in svc.get("links") or []:
        service, alias = model.split_link(str(spec))
        out[first.get(service, service)] = alias
    return out


def _link_aliases(links: dict[str, str], project: Project) -> list[tuple[str, str]]:
    """The names Compose gives a link on a user-defined network: the alias, ``service-N`` and the container name."""
    out = []
    containers = project.containers
    for target, alias in links.items():
        out.append((target, alias))
        service = containers.get(target)
        if service is not None and target.startswith(project.name + project.separator):
            out.append((target, target[len(project.name) + 1 :]))
        out.append((target, target))
    return out


def service_names(project: Project) -> list[str]:
    """The project's service names, sorted: DNS names on its networks, as the matrices' extra columns.

    A service with several containers is left out: Docker's embedded DNS answers its name with all
    their addresses in turn, so which one a ping reaches is not fixed.
    """
    return sorted(s for s in project.services if len(project.container_names(s)) == 1)


def targets(project: Project, state: model.State) -> list[str]:
    """The names a matrix of ``project`` pings: every container's name, then the service names."""
    return list(dict.fromkeys([*state.boxes, *service_names(project)]))  # a container may bear its service's name


def predict(project: Project, release: model.Release | None = None) -> pd.DataFrame:
    """Who would reach whom after ``up``, by container name and by service name (no engine asked)."""
    state = plan(project, release)
    return model.predict_state(state, "name", targets(project, state))


def explanations(project: Project, release: model.Release | None = None) -> list[model.Explanation]:
    """One explanation per (container, name) pair of :func:`predict`'s matrix."""
    state = plan(project, release)
    return [
        model.explain_state(state, source, target)
        for source in state.boxes
        for target in targets(project, state)
        if target != source
    ]
