"""The ``dockerlab`` command: check the set-up, provision the image, list and clean labs.

Subcommands: ``doctor``, ``image``, ``status``, ``clean``, ``matrix``, and for
any containers on the engine (the lab's or not, read only) ``predict``,
``explain``, ``graph``, and ``compose predict|compare`` for a Compose file;
each has ``--help``. Exit codes: 0 all is well, 1 problems found (doctor) or the
operation failed, 2 usage error, 3 no Docker engine answers. Errors are shown
as dockerlab's messages (what went wrong and what to do), never as tracebacks.

Only resources labelled ``dockerlab.lab`` are ever listed or removed; the
analysis commands only read (``--measure`` runs ``ping`` in the containers it
analyses, nothing else).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import docker

from dockerlab import analyse, backend, compose, display, export, model
from dockerlab import image as labimage
from dockerlab.engine import engine_call, engine_version, remove_labelled
from dockerlab.errors import DockerlabError, EngineError, EngineTimeout, EngineUnavailable, InvalidInput
from dockerlab.i18n import _
from dockerlab.lab import LAB_LABEL, Lab
from dockerlab.progress import ProgressBar
from dockerlab.version import __version__

OK, PROBLEMS, USAGE, NO_ENGINE = 0, 1, 2, 3
#: A lab where nothing has run for this long counts as left over.
IDLE_SECONDS = 120.0
#: The lab name under which `doctor` reads the host's routes (a short-lived helper container).
DOCTOR_LAB = "dockerlab-doctor"
DEFAULT_SOCKET = "/var/run/docker.sock"

Out = Callable[[str], None]


# -- what the engine holds -----------------------------------------------------


@dataclass
class LabResources:
    """The labelled containers and networks of one lab, as the engine reports them."""

    name: str
    containers: list[Any] = field(default_factory=list)
    networks: list[Any] = field(default_factory=list)

    @property
    def running(self) -> list[Any]:
        """The containers that run."""
        return [c for c in self.containers if c.status == "running"]

    def last_activity(self) -> float:
        """Unix time of the latest creation, start or stop among the lab's resources."""
        stamps = [0.0]
        for c in self.containers:
            state = c.attrs.get("State") or {}
            stamps += [_time(c.attrs.get("Created")), _time(state.get("StartedAt")), _time(state.get("FinishedAt"))]
        stamps += [_time(n.attrs.get("Created")) for n in self.networks]
        return max(stamps)

    def summary(self) -> str:
        """For instance ``'2 containers (2 running), 1 network'``."""
        c, n = len(self.containers), len(self.networks)
        return f"{c} container{'s' * (c != 1)} ({len(self.running)} running), {n} network{'s' * (n != 1)}"


def _time(stamp: object) -> float:
    """Seconds since the epoch of a Docker timestamp; 0 when absent or unset."""
    if not isinstance(stamp, str) or not stamp or stamp.startswith("0001-"):
        return 0.0
    head, rest = stamp[:19], stamp[19:].removeprefix(".")
    digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
    zone = rest[len(digits) :]
    try:
        when = datetime.fromisoformat(head + (zone.replace("Z", "+00:00") or "+00:00"))
    except ValueError:
        return 0.0
    return when.timestamp() + float(f"0.{digits or 0}")


def inventory(client: docker.DockerClient) -> dict[str, LabResources]:
    """Every lab on the engine: lab name -> its labelled containers and networks."""
    with engine_call("docker ps --filter label=" + LAB_LABEL):
        containers = client.containers.list(all=True, filters={"label": LAB_LABEL})
    with engine_call("docker network ls --filter label=" + LAB_LABEL):
        networks = client.networks.list(filters={"label": LAB_LABEL}, greedy=True)
    labs: dict[str, LabResources] = {}
    for c in sorted(containers, key=lambda c: c.name):
        name = (c.labels or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).containers.append(c)
    for n in sorted(networks, key=lambda n: n.name):
        name = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
        if name is not None:
            labs.setdefault(name, LabResources(name)).networks.append(n)
    return dict(sorted(labs.items()))


def text_table(columns: list[str], rows: list[list[str]]) -> str:
    """A plain text table with aligned columns.

    >>> print(text_table(["LAB", "NAME"], [["article", "tomcat1"]]))
    LAB      NAME
    article  tomcat1
    """
    widths = [max(len(str(x)) for x in col) for col in zip(columns, *rows, strict=True)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)).rstrip() for row in [columns, *rows]]
    return "\n".join(lines)


def _subnets(network: Any) -> list[str]:
    return [subnet for subnet, _ in model.ipv4_pools(network.attrs)]


# -- the subcommands -----------------------------------------------------------


def cmd_status(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Print this engine's labs, their containers and networks, as tables."""
    labs = inventory(client)
    if args.lab is not None:
        labs = {k: v for k, v in labs.items() if k == args.lab}
    if not labs:
        where = f"named {args.lab!r} " if args.lab else ""
        out(f"No dockerlab lab {where}on this engine.")
        return OK
    crows, nrows = [], []
    for lab in labs.values():
        for c in lab.containers:
            nets = (c.attrs.get("NetworkSettings") or {}).get("Networks") or {}
            where = ", ".join(f"{n} {ep.get('IPAddress')}" if ep.get("IPAddress") else n for n, ep in nets.items())
            crows.append([lab.name, c.name, c.status, where or "-"])
        for n in lab.networks:
            members = sorted(ep.get("Name", "?") for ep in (n.attrs.get("Containers") or {}).values())
            subnet, gateway = model.ipam(n.attrs)
            nrows.append(
                [
                    lab.name,
                    n.name,
                    n.attrs.get("Driver") or "-",
                    subnet or "-",
                    gateway or "-",
                    ", ".join(members) or "-",
                ]
            )
    out(f"{len(labs)} lab{'s' * (len(labs) != 1)} on this engine (label {LAB_LABEL}).")
    if crows:
        out("")
        out(text_table(["LAB", "CONTAINER", "STATUS", "NETWORKS AND ADDRESSES"], crows))
    if nrows:
        out("")
        out(text_table(["LAB", "NETWORK", "DRIVER", "SUBNET", "GATEWAY", "CONTAINERS"], nrows))
    return OK


def clean_all(client: docker.DockerClient, *, dry_run: bool = False, out: Out = print) -> list[str]:
    """Remove every container, then every network, labelled ``dockerlab.lab``; nothing else.

    Returns the failures (empty when all went). With ``dry_run`` only lists them.
    """
    verb = "would remove" if dry_run else "removed"

    def removed(kind: str, resource: Any) -> None:
        labels = resource.labels if kind == "container" else resource.attrs.get("Labels") or {}
        out(f"{verb} {kind} {resource.name} (lab {labels[LAB_LABEL]})")

    return remove_labelled(client, LAB_LABEL, dry_run=dry_run, removed=removed)


def cmd_clean(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Remove one lab's resources, or every lab's with --all."""
    if args.all:
        failures = clean_all(client, dry_run=args.dry_run, out=out)
        for f in failures:
            out(f"failed: {f}")
        return PROBLEMS if failures else OK
    lab = Lab(args.lab, client=client, echo=not args.dry_run)
    containers, networks = lab.containers, lab.network_names
    if not containers and not networks:
        known = ", ".join(inventory(client)) or "none"
        out(f"Lab {args.lab!r} has no containers or networks on this engine: nothing to remove (labs here: {known}).")
        return OK
    if args.dry_run:
        for c in containers:
            out(f"would remove container {c} (lab {lab.name})")
        for n in networks:
            out(f"would remove network {n} (lab {lab.name})")
        return OK
    lab.reset()
    left = lab.containers + lab.network_names
    if left:
        raise EngineError(f"Lab {lab.name!r} still has {', '.join(left)} after the reset: run the clean again.")
    out(
        f"removed lab {lab.name}: {len(containers)} container{'s' * (len(containers) != 1)}, "
        f"{len(networks)} network{'s' * (len(networks) != 1)}"
    )
    return OK


def cmd_matrix(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Probe who reaches whom in a lab and print the grid."""
    lab = Lab(args.lab, client=client, echo=False)
    if not lab.containers:
        raise DockerlabError(f"Lab {args.lab!r} has no containers on this engine (`dockerlab status` lists the labs).")
    out(str(display.matrix(lab.reachability(args.by), f"lab {lab.name}, by {args.by}")))
    return OK


def cmd_image(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Provision the lab image (built offline; never pulled), with progress."""
    with ProgressBar("lab image", stream=sys.stderr, html=False) as bar:
        ref = labimage.provision(client, busybox=args.busybox, progress=bar)
    out(f"{ref} is on the engine")
    return OK


# -- any containers, and Compose files -------------------------------------------


def _setup(client: docker.DockerClient, args: argparse.Namespace) -> analyse.Setup:
    setup = analyse.inspect_engine(client, names=args.names or None, label=args.label, project=args.project)
    if not setup.names and setup.selection == "all":
        raise DockerlabError(_("This engine has no containers: start some (`docker run`, `docker compose up`) first."))
    if not setup.names:
        raise DockerlabError(
            _("No container matches {selection}: `docker ps -a` lists them.").format(selection=setup.selection)
        )
    return setup


def _targets(setup: analyse.Setup, args: argparse.Namespace) -> list[str] | None:
    return [*setup.names, *args.also] if args.by == "name" and args.also else None


def cmd_predict(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Predict who reaches whom among any containers, from the engine's state; with --measure, ping and compare."""
    setup = _setup(client, args)
    targets = _targets(setup, args)
    title = _("{selection}, by {by}").format(selection=setup.selection, by=args.by)
    if not args.measure:
        predicted = setup.predict(args.by, targets)
        if args.format == "json":
            out(
                export.matrix_json(
                    predicted,
                    setup.explanations(args.by, targets) if args.explain else [],
                    selection=setup.selection,
                    by=args.by,
                    kind="predicted",
                )
            )
        else:
            out(str(display.matrix(predicted, _("predicted ({title})").format(title=title))))
            if args.explain:
                for e in setup.explanations(args.by, targets):
                    out(f"- {e}")
        return OK
    comparison = setup.compare(args.by, targets)
    if args.format == "json":
        out(
            export.matrix_json(
                comparison.measured,
                selection=setup.selection,
                by=args.by,
                kind="measured",
                mismatches=[[str(s), str(c)] for s, c in comparison.mismatches],
            )
        )
    else:
        out(str(comparison))
        for note in setup.measured_notes.values():
            out(note)
    return OK if comparison.ok else PROBLEMS


def cmd_explain(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Explain why one container can or cannot reach another (a name, or by IP an address)."""
    setup = analyse.inspect_engine(client, label=args.label, project=args.project)
    explanation = setup.explain(args.source, args.target, args.by)
    out(export.explanations_json([explanation]) if args.format == "json" else str(explanation))
    return OK


def cmd_graph(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """Draw who reaches whom (predicted, or measured with --measure) as PNG, SVG, DOT, Mermaid or JSON."""
    fmt = export.format_of(args.output, args.format)
    setup = _setup(client, args)
    matrix = setup.measure(args.by) if args.measure else None
    g = setup.graph(args.by, matrix)
    kind = _("measured") if args.measure else _("predicted")
    export.save_graph(
        g, args.output, fmt, _("who reaches whom, {kind} ({selection})").format(kind=kind, selection=setup.selection)
    )
    out(_("wrote {path} ({format}, {count} containers)").format(path=args.output, format=fmt, count=len(g)))
    return OK


def _project(args: argparse.Namespace) -> compose.Project:
    project = compose.load(args.file, args.project_name, profiles=args.profile or ())
    return project


def cmd_compose_predict(client: docker.DockerClient | None, args: argparse.Namespace, out: Out) -> int:
    """Predict a Compose file before it runs: by container name and by service name, with explanations."""
    project = _project(args)
    state = compose.plan(project)
    predicted = model.predict_state(state, "name", compose.targets(project, state))
    explanations = compose.explanations(project)
    if args.format == "json":
        out(
            export.matrix_json(
                predicted,
                explanations,
                project=project.name,
                file=str(project.path),
                tool=project.tool,
                note=project.note,
                kind="predicted",
            )
        )
        return OK
    if args.output:
        g = export_graph(predicted, state)
        export.save_graph(g, args.output, None, _("who would reach whom: {project}").format(project=project.name))
    out(
        _("{file}: project {project}, canonical form from {tool}").format(
            file=project.path, project=project.name, tool=project.tool
        )
    )
    if project.note:
        out(project.note)
    out(str(display.matrix(predicted, _("predicted before `up`"))))
    if not args.quiet:
        for e in explanations:
            out(f"- {e}")
    return OK


def export_graph(matrix: Any, state: model.State) -> Any:
    """The graph of a predicted matrix over the state's containers."""
    from dockerlab.graphs import reachability_graph

    nodes = {b.name: {"networks": list(b.endpoints), "running": b.running} for b in state.boxes.values()}
    own = matrix[[c for c in matrix.columns if c in nodes]]
    return reachability_graph(own, nodes, by="name")


def cmd_compose_compare(client: docker.DockerClient, args: argparse.Namespace, out: Out) -> int:
    """After `docker compose up`: the file's prediction and the measurement side by side."""
    project = _project(args)
    setup = analyse.inspect_engine(client, project=project.name)
    if not setup.names:
        raise DockerlabError(
            _(
                "Project {project} has no containers on this engine: run `docker compose -f {file} "
                "-p {project} up -d` first."
            ).format(project=project.name, file=args.file)
        )
    comparison = analyse.compare_project(project, setup)
    out(str(comparison))
    for note in setup.measured_notes.values():
        out(note)
    return OK if comparison.ok else PROBLEMS


# -- doctor --------------------------------------------------------------------


@dataclass
class Finding:
    """One line of the doctor's report: ``ok``, ``note`` or ``problem``, with its fix."""

    level: str
    text: str
    fix: str = ""


def socket_path() -> str | None:
    """The local socket the client uses, or None for a tcp/ssh DOCKER_HOST."""
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        return DEFAULT_SOCKET
    return host.removeprefix("unix://") if host.startswith("unix://") else None


def check_socket() -> Finding:
    """Whether this user may read and write the engine's local socket."""
    path = socket_path()
    if path is None:
        return Finding("ok", f"DOCKER_HOST={os.environ.get('DOCKER_HOST')}: not a local socket, nothing to check")
    if not os.path.exists(path):
        return Finding(
            "problem",
            f"socket {path} does not exist: no local engine listens there",
            "start the engine (`sudo systemctl start docker`, or `sudo scripts/ensure-engine.sh`), "
            "or point DOCKER_HOST at yours",
        )
    if not os.access(path, os.R_OK | os.W_OK):
        return Finding(
            "problem",
            f"socket {path}: permission denied for this user",
            "`sudo usermod -aG docker $USER`, then log in again (the docker group is root-equivalent)",
        )
    return Finding("ok", f"socket {path}: this user may read and write it")


def is_docker_desktop(info: dict[str, Any]) -> bool:
    """Whether ``docker info`` describes Docker Desktop's engine (``OperatingSystem`` "Docker Desktop").

    >>> is_docker_desktop({"OperatingSystem": "Docker Desktop", "Name": "docker-desktop"})
    True
    >>> is_docker_desktop({"OperatingSystem": "Debian GNU/Linux 12 (bookworm)"})
    False
    """
    return str(info.get("OperatingSystem") or "").strip().startswith("Docker Desktop")


def is_rootless(info: dict[str, Any]) -> bool:
    """Whether ``docker info`` describes a rootless engine (``name=rootless`` among its ``SecurityOptions``).

    >>> is_rootless({"SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]})
    True
    >>> is_rootless({"SecurityOptions": ["name=apparmor", "name=seccomp,profile=default"]}), is_rootless({})
    (False, False)
    """
    for option in info.get("SecurityOptions") or []:
        if any(part.strip() in ("name=rootless", "rootless") for part in str(option).split(",")):
            return True
    return False


def check_engine_kind(info: dict[str, Any]) -> list[Finding]:
    """Notes on what differs from an engine running as root on this computer, read from ``docker info``.

    Docker Desktop runs the engine in a VM; a rootless engine runs inside
    rootlesskit's namespaces. Either way the host-side views of the lessons
    show something else than this computer's own network. None for a usual engine.
    """
    findings = []
    if is_docker_desktop(info):
        vm = info.get("Name") or "docker-desktop"
        findings.append(
            Finding(
                "note",
                f"Docker Desktop (engine host {vm}): the engine runs in a Linux VM, not on this computer",
                "the host-side views (notebook 04's interfaces: docker0, the veth pairs, the routes) show the VM's "
                "interfaces, not this computer's; container addresses are not reachable from the Mac or Windows "
                "host, only published ports are (lab.run(name, ports={container_port: host_port}))",
            )
        )
    if is_rootless(info):
        findings.append(
            Finding(
                "note",
                "rootless engine: dockerd runs as an unprivileged user inside rootlesskit's namespaces",
                "the engine's networks (docker0, the bridges, the veth pairs) live inside rootlesskit's network "
                "namespace, so the host-side views (notebook 04's interfaces) show that namespace, not the host's; "
                "published ports are opened on the host by rootlesskit's port driver (its default, builtin driver "
                "does not pass the client's source address on to the container)",
            )
        )
    return findings


def check_leftovers(labs: dict[str, LabResources], now: float | None = None) -> list[Finding]:
    """Labs where nothing has run for :data:`IDLE_SECONDS` are left over; others are noted."""
    now = time.time() if now is None else now
    findings = []
    for lab in labs.values():
        idle = not lab.running and now - lab.last_activity() > IDLE_SECONDS
        if idle:
            findings.append(
                Finding(
                    "problem",
                    f"lab {lab.name} is left over: {lab.summary()}, nothing runs",
                    f"`dockerlab clean {lab.name}`",
                )
            )
        else:
            findings.append(
                Finding(
                    "note",
                    f"lab {lab.name}: {lab.summary()}",
                    f"when you are done with it: `dockerlab clean {lab.name}`",
                )
            )
    if not labs:
        findings.append(Finding("ok", "no labs on this engine, so none left over"))
    return findings


def subnet_clashes(networks: list[Any], routes: list[tuple[str, str]]) -> list[tuple[Any, str, str, str]]:
    """(network, its subnet, host route, device) for each Docker network overlapping a host route.

    A route to a Docker network's own subnet (its bridge) is no clash.

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
                if route not in own and route.overlaps(subnet):
                    clashes.append((n, s, str(route), dev))
    return clashes


def check_subnets(client: docker.DockerClient) -> list[Finding]:
    """Docker networks (the labs' and others) whose subnet overlaps a route of the engine's host."""
    helper = Lab(DOCTOR_LAB, client=client, echo=False)
    routes = helper.host_routes()
    with engine_call("docker network ls"):
        networks = client.networks.list()
    findings = []
    for n, subnet, route, dev in subnet_clashes(networks, routes):
        prefix = ipaddress.ip_network(subnet, strict=False).prefixlen
        try:
            free = helper.free_subnet(prefixlen=prefix)
        except DockerlabError:
            free = "a free private subnet"
        lab = (n.attrs.get("Labels") or {}).get(LAB_LABEL)
        if lab:
            fix = (
                f"`dockerlab clean {lab}`, then create it again on a free subnet: "
                f"lab.network({n.name!r}, subnet={free!r})"
            )
        elif n.name == "bridge":
            fix = (
                f'set "bip" in /etc/docker/daemon.json to an address in {free} '
                "(for instance its .1/prefix) and restart the engine"
            )
        else:
            fix = f"`docker network rm {n.name}` and create it again with --subnet {free}"
        owner = f"lab {lab}'s network" if lab else "Docker network"
        findings.append(
            Finding(
                "problem",
                f"{owner} {n.name} ({subnet}) overlaps the engine host's route "
                f"{route} on {dev}: containers there cannot reach those addresses",
                fix,
            )
        )
    if not findings:
        findings.append(Finding("ok", f"no Docker network overlaps the engine host's {len(routes)} routes"))
    return findings


def cmd_doctor(args: argparse.Namespace, out: Out) -> int:
    """Check the set-up; print each finding with its fix."""
    findings = [check_socket()]
    try:
        client = backend.choose().client
        version = engine_version(client)
    except (EngineUnavailable, EngineTimeout) as e:
        findings.append(Finding("problem", "no Docker engine answers", str(e)))
        _report(findings, out)
        return NO_ENGINE
    where = os.environ.get("DOCKER_HOST") or f"unix://{DEFAULT_SOCKET}"
    findings.append(Finding("ok", f"engine {version} answers at {where}"))
    if callable(getattr(client, "info", None)):  # dockerlab's simulator has no `docker info`
        with engine_call("docker info"):
            info = client.info()
        findings += check_engine_kind(info if isinstance(info, dict) else {})
    present = labimage.image_present(client)
    if present:
        findings.append(Finding("ok", f"lab image {labimage.IMAGE} is present"))
    else:
        findings.append(Finding("problem", f"lab image {labimage.IMAGE} is missing", "`dockerlab image`"))
    findings += check_leftovers(inventory(client))
    if present:
        findings += check_subnets(client)
    else:
        findings.append(
            Finding(
                "note",
                "host routes not checked: reading them needs the lab image",
                "`dockerlab image`, then `dockerlab doctor` again",
            )
        )
    _report(findings, out)
    return PROBLEMS if any(f.level == "problem" for f in findings) else OK


def _report(findings: list[Finding], out: Out) -> None:
    tag = {"ok": "ok     ", "note": "note   ", "problem": "PROBLEM"}
    for f in findings:
        out(f"{tag[f.level]} {f.text}")
        if f.fix:
            fix = f.fix.replace("\n", "\n          ")
            out(f"        fix: {fix}" if f.level == "problem" else f"        {fix}")
    problems = sum(f.level == "problem" for f in findings)
    out(f"{problems} problem{'s' * (problems != 1)} found." if problems else "All is well.")


# -- the parser ------------------------------------------------------------------


def _lab_name(value: str) -> str:
    from dockerlab import validate

    try:
        return validate.lab_name(value)
    except InvalidInput as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dockerlab`` command."""
    parser = argparse.ArgumentParser(
        prog="dockerlab",
        description="How Docker containers talk to each other: check the set-up, provision the lab image, "
        "list, probe and clean labs. Only resources labelled dockerlab.lab are touched.",
        epilog="Exit codes: 0 ok, 1 problems found or the operation failed, 2 usage error, 3 no Docker engine answers.",
    )
    parser.add_argument("--version", action="version", version=f"dockerlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "doctor",
        help="check the engine, socket, lab image, leftover labs and subnet clashes",
        description="Check that everything the tutorial needs is in place; print each "
        "problem with its fix. Exit 0 when all is well, 1 when a problem is found, "
        "3 when no engine answers. A lab where nothing has run for "
        f"{IDLE_SECONDS:g} s counts as left over. On Docker Desktop or a rootless engine it "
        "notes what the lessons' host-side views show there.",
    )
    p.set_defaults(run=None)

    p = sub.add_parser(
        "image",
        help="provision the lab image (built offline, never pulled)",
        description=f"Make sure {labimage.IMAGE} is on the engine: reuse it, or build it "
        "from this machine's static busybox (Debian's busybox-static). Never pulls.",
    )
    p.add_argument("--busybox", metavar="PATH", help="the static busybox binary to build from")
    p.set_defaults(run=cmd_image)

    p = sub.add_parser(
        "status",
        help="this engine's labs with their containers and networks",
        description="List the labs on this engine (resources labelled dockerlab.lab) "
        "with their containers and networks, as tables.",
    )
    p.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help="show only this lab")
    p.set_defaults(run=cmd_status)

    p = sub.add_parser(
        "clean",
        help="remove one lab's resources, or every lab's (--all)",
        description="Remove a lab's containers and networks, selected by their "
        "dockerlab.lab label only; with --all, every resource carrying that label, "
        "and nothing else.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("lab", nargs="?", type=_lab_name, metavar="LAB", help="the lab to remove")
    which.add_argument("--all", action="store_true", help="every lab on this engine")
    p.add_argument("--dry-run", "-n", action="store_true", help="list what would be removed, remove nothing")
    p.set_defaults(run=cmd_clean)

    p = sub.add_parser(
        "matrix",
        help="probe who reaches whom in a lab and print the grid",
        description="Ping from every container of LAB to every other one and print "
        "the reachability matrix (✓ reaches, ✗ does not).",
    )
    p.add_argument("lab", type=_lab_name, metavar="LAB", help="the lab to probe")
    p.add_argument("--by", choices=["name", "ip"], default="name", help="ping by container name (default) or by IP")
    p.set_defaults(run=cmd_matrix)

    def selection(p: argparse.ArgumentParser, names: bool = True) -> None:
        which = p.add_mutually_exclusive_group()
        which.add_argument("--project", "-p", metavar="P", help=_("the containers of Compose project P"))
        which.add_argument("--label", "-l", metavar="KEY[=VALUE]", help=_("the containers carrying this label"))
        if names:
            p.add_argument("names", nargs="*", metavar="NAME", help=_("these containers (default: every one)"))
        p.add_argument("--by", choices=["name", "ip"], default="name", help=_("by container name (default) or by IP"))

    read_only = _("Reads any containers on the engine, the lab's or not, and changes nothing.")
    p = sub.add_parser(
        "predict",
        help=_("predict who reaches whom among any containers (read only)"),
        description=_(
            "Predict the reachability matrix of containers on this engine from their inspect data and "
            "/etc/hosts (read through the archive API, never exec). --measure also pings between the "
            "running ones and puts both side by side (exit 1 when they differ)."
        )
        + " "
        + read_only,
    )
    selection(p)
    p.add_argument(
        "--also",
        nargs="*",
        default=[],
        metavar="NAME",
        help=_("more names to ping by (aliases, Compose service names)"),
    )
    p.add_argument("--measure", action="store_true", help=_("ping too (runs ping in the running containers)"))
    p.add_argument("--explain", action="store_true", help=_("explain every pair"))
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_predict)

    p = sub.add_parser(
        "explain",
        help=_("why one container can or cannot reach another (read only)"),
        description=_(
            "Explain, from the engine's state alone, whether SOURCE reaches TARGET (a name it would "
            "ping, or by IP an address), and by which rule."
        )
        + " "
        + read_only,
    )
    p.add_argument("source", metavar="SOURCE", help=_("the container that pings"))
    p.add_argument("target", metavar="TARGET", help=_("the name or address it pings"))
    selection(p, names=False)
    p.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
    p.set_defaults(run=cmd_explain)

    p = sub.add_parser(
        "graph",
        help=_("draw who reaches whom: PNG, SVG, DOT, Mermaid or JSON"),
        description=_(
            "Draw the predicted (or, with --measure, measured) reachability of containers on this "
            "engine into FILE; the format comes from its extension (.png, .svg, .dot, .mmd, .json) "
            "or --format."
        )
        + " "
        + read_only,
    )
    selection(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help=_("the file to write"))
    p.add_argument("--format", choices=["png", "svg", "dot", "mermaid", "json"], help=_("the format of FILE"))
    p.add_argument("--measure", action="store_true", help=_("draw the measured matrix (runs ping)"))
    p.set_defaults(run=cmd_graph)

    p = sub.add_parser(
        "compose",
        help=_("a Compose file: predict before it runs, compare after `up`"),
        description=_(
            "Predict who would reach whom from a Compose file before it runs (its canonical form comes "
            "from `docker compose config`), and compare with the measurement after `docker compose up`."
        ),
    )
    csub = p.add_subparsers(dest="compose_command", metavar="ACTION", required=True)
    for action, helptext in (
        ("predict", _("the matrix by container and service name, with an explanation per pair (no engine needed)")),
        ("compare", _("after `docker compose up`: predicted and measured side by side (exit 1 when they differ)")),
    ):
        q = csub.add_parser(action, help=helptext, description=helptext)
        q.add_argument("file", metavar="FILE", help=_("the Compose file"))
        q.add_argument("--project-name", "-p", metavar="P", help=_("the project name (default: Compose's)"))
        q.add_argument("--profile", action="append", metavar="PROFILE", help=_("a Compose profile to enable"))
        if action == "predict":
            q.add_argument("--format", choices=["text", "json"], default="text", help=_("text (default) or json"))
            q.add_argument("-o", "--output", metavar="FILE", help=_("also draw it (.png, .svg, .dot, .mmd)"))
            q.add_argument("--quiet", "-q", action="store_true", help=_("the matrix only, no explanations"))
            q.set_defaults(run=cmd_compose_predict, engine=False)
        else:
            q.set_defaults(run=cmd_compose_compare)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dockerlab`` command; return its exit code."""
    args = build_parser().parse_args(argv)  # exits 2 on a usage error

    def out(line: str) -> None:
        print(line, flush=True)

    try:
        if args.run is None:
            return cmd_doctor(args, out)
        if getattr(args, "engine", True) is False:
            return args.run(None, args, out)
        client = backend.choose().client
        try:
            return args.run(client, args, out)
        finally:
            client.close()
    except InvalidInput as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return USAGE
    except (EngineUnavailable, EngineTimeout) as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return NO_ENGINE
    except DockerlabError as e:
        print(f"dockerlab {args.command}: {e}", file=sys.stderr)
        return PROBLEMS
    except KeyboardInterrupt:
        print(f"dockerlab {args.command}: interrupted", file=sys.stderr)
        return 130
