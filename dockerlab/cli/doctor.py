"""``dockerlab doctor``: what this machine has for the tutorial, each problem with its fix.

On a real engine it checks the local socket, the engine and its kind (Docker
Desktop, rootless), the lab image and how to provision it here, labs left
over, and Docker networks that clash with the engine host's routes. On
dockerlab's simulator (``DOCKERLAB_ENGINE=sim``) there is no socket, engine
or image to check: it reports the simulator, what it shows and what it
cannot, and the labs it holds.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dockerlab import model
from dockerlab.cli.common import NO_ENGINE, OK, PROBLEMS, Out
from dockerlab.cli.labs import LabResources, inventory
from dockerlab.engines import backend, reading
from dockerlab.engines import image as labimage
from dockerlab.engines.client import engine_call, engine_version, is_docker_desktop, is_rootless, podman_info
from dockerlab.engines.protocol import EngineClient
from dockerlab.errors import DockerlabError, EngineTimeout, EngineUnavailable
from dockerlab.i18n import _, ngettext
from dockerlab.lab import LAB_LABEL, Lab
from dockerlab.model import subnets

#: A lab where nothing has run for this long counts as left over.
IDLE_SECONDS = 120.0
#: The lab name under which `doctor` reads the host's routes (a short-lived helper container).
DOCTOR_LAB = "dockerlab-doctor"
#: The engine's local socket when DOCKER_HOST is unset.
DEFAULT_SOCKET = "/var/run/docker.sock"


@dataclass
class Finding:
    """One line of the doctor's report, with its fix.

    Parameters
    ----------
    level:
        ``"ok"``, ``"note"`` or ``"problem"`` (only problems make the exit code 1).
    text:
        What was found.
    fix:
        What to do (for a problem), or more about it (for a note); printed on the next line.
    """

    level: str
    text: str
    fix: str = ""


def socket_path() -> str | None:
    """The local socket the client uses, or None for a tcp/ssh DOCKER_HOST.

    Returns
    -------
    str or None
        DOCKER_HOST's ``unix://`` path; :data:`DEFAULT_SOCKET` when DOCKER_HOST is unset.
    """
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        return DEFAULT_SOCKET
    return host.removeprefix("unix://") if host.startswith("unix://") else None


def check_socket() -> Finding:
    """Whether this user may read and write the engine's local socket.

    Returns
    -------
    Finding
        ok when it may (or DOCKER_HOST is no local socket); a problem, with its fix, when the socket
        is missing or this user may not use it.
    """
    path = socket_path()
    if path is None:
        return Finding(
            "ok",
            _("DOCKER_HOST={value}: not a local socket, nothing to check").format(value=os.environ.get("DOCKER_HOST")),
        )
    if not os.path.exists(path):
        return Finding(
            "problem",
            _("socket {path} does not exist: no local engine listens there").format(path=path),
            _(
                "start the engine (`sudo systemctl start docker`, or `sudo scripts/ensure-engine.sh`), "
                "or point DOCKER_HOST at yours"
            ),
        )
    if not os.access(path, os.R_OK | os.W_OK):
        return Finding(
            "problem",
            _("socket {path}: permission denied for this user").format(path=path),
            _("`sudo usermod -aG docker $USER`, then log in again (the docker group is root-equivalent)"),
        )
    return Finding("ok", _("socket {path}: this user may read and write it").format(path=path))


def check_engine_kind(info: dict[str, Any], version: dict[str, Any] | None = None) -> list[Finding]:
    """Notes on what differs from an engine running as root on this computer, read from ``docker info``.

    Docker Desktop runs the engine in a VM; a rootless engine runs inside
    rootlesskit's namespaces. Either way the host-side views of the lessons
    show something else than this computer's own network. None for a usual engine.

    Parameters
    ----------
    info:
        ``docker info`` as the API returns it.
    version:
        ``docker version`` as the API returns it (Docker Desktop names itself in its platform).

    Returns
    -------
    list[Finding]
        A note for Docker Desktop and one for a rootless engine; empty for a usual engine.
    """
    findings = []
    if is_docker_desktop(info, version):
        vm = info.get("Name") or "docker-desktop"
        findings.append(
            Finding(
                "note",
                _("Docker Desktop (engine host {vm}): the engine runs in a Linux VM, not on this computer").format(
                    vm=vm
                ),
                _(
                    "the host-side views (notebook 04's interfaces: docker0, the veth pairs, the routes) "
                    "show the VM's interfaces, not this computer's; container addresses are not reachable "
                    "from the Mac or Windows host, only published ports are (lab.run(name, "
                    "ports={container_port: host_port}))"
                ),
            )
        )
    if is_rootless(info):
        findings.append(
            Finding(
                "note",
                _("rootless engine: dockerd runs as an unprivileged user inside rootlesskit's namespaces"),
                _(
                    "the engine's networks (docker0, the bridges, the veth pairs) live inside rootlesskit's "
                    "network namespace, so the host-side views (notebook 04's interfaces) show that "
                    "namespace, not the host's; published ports are opened on the host by rootlesskit's port "
                    "driver (its default, builtin driver does not pass the client's source address on to the "
                    "container)"
                ),
            )
        )
    return findings


def check_podman(release: model.Release, libpod: dict[str, Any] | None, info: dict[str, Any]) -> list[Finding]:
    """Podman behind the Docker-compatible API: its version, rootful or rootless, its network backend, and
    what differs from Docker where the tutorial teaches (:class:`dockerlab.model.Release`'s Podman rules).

    Parameters
    ----------
    release:
        The engine's release (:func:`dockerlab.engines.reading.release_from_version`).
    libpod:
        Podman's own ``podman info`` (:func:`dockerlab.engines.client.podman_info`), if it answered.
    info:
        ``docker info`` as the API returns it.

    Returns
    -------
    list[Finding]
        Empty for Docker; for Podman, a note on the engine and what differs, and one more when rootless.
    """
    if not release.is_podman:
        return []
    host = (libpod or {}).get("host") or {}
    rootless = bool((host.get("security") or {}).get("rootless")) or is_rootless(info)
    backend = str(host.get("networkBackend") or "") or _("unknown")
    bridge = "cni-podman0" if backend == "cni" else str(release.default_bridge_device)
    mode = _("rootless") if rootless else _("rootful")
    engine = _(
        "Podman {version} answers through its Docker-compatible API ({mode}; network backend {backend}; "
        "default network `podman` on bridge {bridge})"
    ).format(version=release.version.removeprefix("podman "), mode=mode, backend=backend, bridge=bridge)
    differs = _(
        "what differs from Docker in the lessons: no --link (Podman refuses it; lab.run(links=...) says so and "
        "points to a user-defined network); the default network `podman` has no DNS, as Docker's default bridge; "
        "on a user-defined network names are answered by aardvark-dns at the network's gateway (resolv.conf "
        "names it), not by Docker's 127.0.0.11; networks are not isolated from each other, so a container "
        "reaches another network's containers by IP; the bridges are {bridge}, podman1... (not {docker} and "
        "Docker's bridges)"
    ).format(bridge=bridge, docker=model.DEFAULT_BRIDGE_DEVICE)
    if backend == "cni":
        differs += _("; with CNI, names need the dnsname plugin")
    findings = [Finding("note", engine, differs)]
    if rootless:
        findings.append(
            Finding(
                "note",
                _(
                    "rootless Podman: its networks live in a network namespace of its own, so the host-side views "
                    "(notebook 04's interfaces) show that namespace, not the host's"
                ),
            )
        )
    return findings


def check_image_path(client: EngineClient) -> Finding:
    """The missing lab image, with the way to provision it that applies here (:func:`dockerlab.engines.image.plan`).

    Parameters
    ----------
    client:
        The engine, which lacks the lab image.

    Returns
    -------
    Finding
        A problem whose fix is ``dockerlab image`` (offline) or ``dockerlab image --pull``.
    """
    try:
        plan = labimage.plan(client)
    except DockerlabError as e:  # a bad DOCKERLAB_REGISTRY or DOCKERLAB_BUSYBOX_DIGEST
        return Finding("problem", _("lab image {image} is missing").format(image=labimage.IMAGE), str(e))
    if plan.path == "pull":
        fix = _("{plan} (`dockerlab image --pull`)").format(plan=plan)
    else:
        fix = _("`dockerlab image`: {plan}").format(plan=plan)
    return Finding("problem", _("lab image {image} is missing").format(image=labimage.IMAGE), fix)


def check_leftovers(labs: dict[str, LabResources], now: float | None = None) -> list[Finding]:
    """Labs where nothing has run for :data:`IDLE_SECONDS` are left over; others are noted.

    Parameters
    ----------
    labs:
        The engine's labs (:func:`dockerlab.cli.labs.inventory`).
    now:
        The time to measure idleness against (default: now).

    Returns
    -------
    list[Finding]
        A problem per left-over lab, a note per lab in use, or one ok when there is none.
    """
    now = time.time() if now is None else now
    findings = []
    for lab in labs.values():
        idle = not lab.running and now - lab.last_activity() > IDLE_SECONDS
        if idle:
            findings.append(
                Finding(
                    "problem",
                    _("lab {name} is left over: {value}, nothing runs").format(name=lab.name, value=lab.summary()),
                    f"`dockerlab clean {lab.name}`",
                )
            )
        else:
            findings.append(
                Finding(
                    "note",
                    _("lab {name}: {value}").format(name=lab.name, value=lab.summary()),
                    _("when you are done with it: `dockerlab clean {name}`").format(name=lab.name),
                )
            )
    if not labs:
        findings.append(Finding("ok", _("no labs on this engine, so none left over")))
    return findings


def subnet_clashes(networks: Sequence[Any], routes: list[tuple[str, str]]) -> list[tuple[Any, str, str, str]]:
    """(network, its subnet, host route, device) for each Docker network overlapping a host route.

    A route to a Docker network's own subnet (its bridge) is no clash.

    Parameters
    ----------
    networks:
        Docker networks (docker-py ``Network`` objects: ``name`` and ``attrs``).
    routes:
        The host's routes as ``(destination, device)``.

    Returns
    -------
    list[tuple[Any, str, str, str]]
        One ``(network, subnet, route, device)`` per overlap.

    Examples
    --------

    >>> class N:
    ...     def __init__(self, name, subnet): self.name, self.attrs = name, {"IPAM": {"Config": [{"Subnet": subnet}]}}
    >>> nets = [N("bridge", "172.17.0.0/16"), N("lan", "10.0.0.0/16")]
    >>> [(n.name, s, r) for n, s, r, _ in subnet_clashes(nets, [("172.17.0.0/16", "docker0"), ("10.0.5.0/24", "eth0")])]
    [('lan', '10.0.0.0/16', '10.0.5.0/24')]
    """
    own = {ipaddress.ip_network(s, strict=False) for n in networks for s in _subnets(n)}
    clashes = []
    for n in networks:
        for s in _subnets(n):
            subnet = ipaddress.ip_network(s, strict=False)
            for dest, dev in routes:
                route = ipaddress.ip_network(dest, strict=False)
                if route not in own and subnets.overlaps(subnet, [route]):
                    clashes.append((n, s, str(route), dev))
    return clashes


def check_subnets(client: EngineClient) -> list[Finding]:
    """Docker networks (the labs' and others) whose subnet overlaps a route of the engine's host.

    Parameters
    ----------
    client:
        The engine; a short-lived helper container of lab :data:`DOCTOR_LAB` reads its host's routes.

    Returns
    -------
    list[Finding]
        A problem per clash, with a free subnet to move to; one ok when there is none.
    """
    helper = Lab(DOCTOR_LAB, client=client, echo=False)
    routes = helper.host_routes()
    with engine_call("docker network ls"):
        networks = client.networks.list()
    findings = [_clash(helper, n, subnet, route, dev) for n, subnet, route, dev in subnet_clashes(networks, routes)]
    if not findings:
        findings.append(
            Finding(
                "ok", _("no Docker network overlaps the engine host's {n_routes} routes").format(n_routes=len(routes))
            )
        )
    return findings


def _clash(helper: Lab, n: Any, subnet: str, route: str, dev: str) -> Finding:
    """The problem of network ``n`` whose ``subnet`` overlaps host ``route`` on ``dev``, with its fix."""
    prefix = ipaddress.ip_network(subnet, strict=False).prefixlen
    try:
        free = helper.free_subnet(prefixlen=prefix)
    except DockerlabError:
        free = _("a free private subnet")
    lab = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
    if lab:
        fix = _("{clean}, then create it again on a free subnet: {create}").format(
            clean=f"`dockerlab clean {lab}`", create=f"lab.network({n.name!r}, subnet={free!r})"
        )
    elif n.name == "bridge":
        fix = _(
            'set "bip" in /etc/docker/daemon.json to an address in {free} (for instance its .1/prefix) and '
            "restart the engine"
        ).format(free=free)
    else:
        fix = _("{remove} and create it again with --subnet {free}").format(
            remove=f"`docker network rm {n.name}`", free=free
        )
    if lab:
        text = _("lab {lab}'s network {name} ({subnet}) overlaps the engine host's route {route} on {device}")
    else:
        text = _("Docker network {name} ({subnet}) overlaps the engine host's route {route} on {device}")
    text = _("{clash}: containers there cannot reach those addresses").format(
        clash=text.format(lab=lab, name=n.name, subnet=subnet, route=route, device=dev)
    )
    return Finding("problem", text, fix)


def _subnets(network: Any) -> list[str]:
    """The IPv4 subnets of a Docker network."""
    return [subnet for subnet, _ in model.ipv4_pools(network.attrs)]


def cmd_doctor(args: argparse.Namespace, out: Out) -> int:
    """Check the set-up; print each finding with its fix.

    Parameters
    ----------
    args:
        Unused: ``dockerlab doctor`` has no options.
    out:
        Prints one line.

    Returns
    -------
    int
        :data:`~dockerlab.cli.common.OK` when all is well, :data:`~dockerlab.cli.common.PROBLEMS` when a
        problem is found, :data:`~dockerlab.cli.common.NO_ENGINE` when no engine answers.
    """
    try:
        chosen = backend.choose()
        version = engine_version(chosen.client)
    except (EngineUnavailable, EngineTimeout) as e:
        _report([check_socket(), Finding("problem", _("no Docker engine answers"), str(e))], out)
        return NO_ENGINE
    if chosen.simulated:
        findings = check_simulator(chosen.client)
    else:
        findings = [check_socket(), *check_engine(chosen.client, version)]
    _report(findings, out)
    return PROBLEMS if any(f.level == "problem" for f in findings) else OK


def check_engine(client: EngineClient, version: str) -> list[Finding]:
    """A real engine: where it answers, its kind, the lab image, labs left over and subnet clashes.

    Parameters
    ----------
    client:
        The engine, which answered.
    version:
        Its version (``docker version``).

    Returns
    -------
    list[Finding]
        In the order the report prints them.
    """
    where = os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"
    findings = [Finding("ok", _("engine {version} answers at {where}").format(version=version, where=where))]
    with engine_call("docker info"):
        info = client.info()
    with engine_call("docker version"):
        server = client.version()
    info = info if isinstance(info, dict) else {}
    server = server if isinstance(server, dict) else {}
    findings += check_engine_kind(info, server)
    release = reading.release_from_version(server)
    if release.is_podman:
        findings += check_podman(release, podman_info(client), info)
    present = labimage.image_present(client)
    if present:
        findings.append(Finding("ok", _("lab image {image} is present").format(image=labimage.IMAGE)))
    else:
        findings.append(check_image_path(client))
    findings += check_leftovers(inventory(client))
    if present:
        findings += check_subnets(client)
    else:
        findings.append(
            Finding(
                "note",
                _("host routes not checked: reading them needs the lab image"),
                _("`dockerlab image`, then `dockerlab doctor` again"),
            )
        )
    return findings


def check_simulator(client: Any) -> list[Finding]:
    """dockerlab's simulator: what it is, what it shows and what it cannot show, and the labs it holds.

    The simulator lives in this process's memory: there is no socket,
    engine, lab image or host of its own to check, and none is probed.

    Parameters
    ----------
    client:
        The simulator's client (:class:`dockerlab.engines.sim.SimClient`).

    Returns
    -------
    list[Finding]
        The simulator, two notes on what it can and cannot show, and its labs (:func:`check_leftovers`).

    Examples
    --------
    >>> from dockerlab.engines.sim import SimClient
    >>> [f.level for f in check_simulator(SimClient())]
    ['ok', 'note', 'note', 'ok']
    """
    return [
        Finding(
            "ok",
            _("engine: dockerlab's simulator, following Docker {version} (DOCKERLAB_ENGINE=sim)").format(
                version=client.engine_version
            ),
            _("it lives in this process's memory: no Docker engine, socket or lab image is used, so none is checked"),
        ),
        Finding(
            "note",
            _(
                "what the simulator shows: Docker's rules for addresses, embedded DNS, links, isolation and "
                "connect/disconnect, who reaches whom, and published ports as real sockets on this machine's loopback"
            ),
        ),
        Finding(
            "note",
            _(
                "what it cannot show: it sends no packet and runs no real process, so its interfaces and host "
                "routes are modelled, not the kernel's, and nothing can be captured; exercises ex07 (veth pairs) "
                "and ex09 (chapter 08's hosts) need a real engine"
            ),
            _("to check a real engine: unset DOCKERLAB_ENGINE, start Docker, then run `dockerlab doctor` again"),
        ),
        *check_leftovers(inventory(client)),
    ]


def _report(findings: list[Finding], out: Out) -> None:
    """Print the findings, each tagged with its level, then how many problems were found."""
    tag = {"ok": _("ok     "), "note": _("note   "), "problem": _("PROBLEM")}
    for f in findings:
        out(f"{tag[f.level]} {f.text}")
        if f.fix:
            fix = f.fix.replace("\n", "\n          ")
            out("        " + (_("fix: {fix}").format(fix=fix) if f.level == "problem" else fix))
    problems = sum(f.level == "problem" for f in findings)
    if problems:
        out(ngettext("{n} problem found.", "{n} problems found.", problems).format(n=problems))
    else:
        out(_("All is well."))
